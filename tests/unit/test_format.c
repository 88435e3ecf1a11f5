/* test_format.c — sizes, rates, durations, percentages, versions and bar
 * fills, table-driven with the boundaries where units change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/format.h"

#include <math.h>
#include <string.h>

#define KI ((uint64_t)1024)
#define MI (KI * KI)
#define GI (MI * KI)
#define TI (GI * KI)
#define PI_ (TI * KI)
#define EI (PI_ * KI)

static void test_size(void **state)
{
	static const struct {
		uint64_t in;
		const char *want;
	} cases[] = {
		{ 0, "0B" },
		{ 1, "1B" },
		{ 1023, "1023B" },
		{ 1024, "1.0K" },
		{ 1075, "1.0K" },              /* 1.0498 */
		{ 1076, "1.1K" },              /* 1.0508 */
		{ 1280, "1.3K" },              /* 1.25 exactly: half up */
		{ 1536, "1.5K" },
		{ 10188, "9.9K" },             /* 9.9492 */
		{ 10189, "10K" },              /* 9.9502 rounds to 10.0 */
		{ 10239, "10K" },
		{ 10240, "10K" },
		{ 10751, "10K" },              /* 10.499 */
		{ 10752, "11K" },              /* 10.5 */
		{ 15 * KI, "15K" },
		{ 150 * KI, "150K" },
		{ 1023 * KI, "1023K" },
		{ 1047999, "1023K" },          /* 1023.44K */
		{ 1048064, "1.0M" },           /* 1023.5K rounds up a unit */
		{ 1048535, "1.0M" },           /* 1023.96K */
		{ MI - 1, "1.0M" },
		{ MI, "1.0M" },
		{ MI + MI / 2, "1.5M" },
		{ 10 * GI, "10G" },
		{ GI - 1, "1.0G" },
		{ TI, "1.0T" },
		{ 999 * TI, "999T" },
		{ PI_ - 1, "1.0P" },
		{ PI_, "1.0P" },
		{ EI - 1, "1.0E" },
		{ EI, "1.0E" },
		{ 10 * EI, "10E" },
		{ UINT64_MAX, "16E" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_ptr_equal(format_size(buf, sizeof buf, cases[i].in), buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("format_size(%llu) = '%s', want '%s'",
			    (unsigned long long)cases[i].in, buf, cases[i].want);
	}
}

/* At most 6 characters for every size around every unit boundary. */
static void test_size_width(void **state)
{
	char buf[32];
	uint64_t p, v;
	int k, d;

	(void)state;
	for (k = 0, p = 1; k < 6; k++, p *= 1024)
		for (d = -600; d <= 600; d++) {
			v = p * 1023 + (uint64_t)(int64_t)d * (p > 1 ? p / 100 : 1);
			format_size(buf, sizeof buf, v);
			if (strlen(buf) > 6)
				fail_msg("format_size(%llu) = '%s' is too wide",
				    (unsigned long long)v, buf);
			v = p * 10 + (uint64_t)(int64_t)d * (p > 1 ? p / 1000 : 0);
			format_size(buf, sizeof buf, v);
			assert_true(strlen(buf) <= 6);
		}
	for (v = UINT64_MAX; v > UINT64_MAX - EI; v -= EI / 512)
		assert_true(strlen(format_size(buf, sizeof buf, v)) <= 6);
}

static void test_size_truncates(void **state)
{
	char buf[3];

	(void)state;
	assert_string_equal(format_size(buf, sizeof buf, 1023), "10");
	assert_string_equal(format_size(buf, sizeof buf, 1536), "1.");
}

static void test_rate(void **state)
{
	static const struct {
		double in;
		const char *want;
	} cases[] = {
		{ -1, "-" },
		{ -1e-9, "-" },
		{ 0, "0B/s" },
		{ 0.4, "0B/s" },
		{ 0.5, "1B/s" },
		{ 1023, "1023B/s" },
		{ 1023.6, "1.0K/s" },
		{ 1536, "1.5K/s" },
		{ 10 * 1024 * 1024, "10M/s" },
		{ 1e30, "16E/s" },
		{ 18446744073709551616.0, "16E/s" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		format_rate(buf, sizeof buf, cases[i].in);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("format_rate(%g) = '%s', want '%s'",
			    cases[i].in, buf, cases[i].want);
	}
	assert_string_equal(format_rate(buf, sizeof buf, NAN), "-");
	assert_string_equal(format_rate(buf, sizeof buf, -INFINITY), "-");
	assert_string_equal(format_rate(buf, sizeof buf, INFINITY), "16E/s");
	assert_string_equal(format_rate(buf, sizeof buf, -0.0), "0B/s");
}

static void test_duration(void **state)
{
	static const struct {
		int64_t in;
		const char *want;
	} cases[] = {
		{ INT64_MIN, "-" },
		{ -1, "-" },
		{ 0, "0s" },
		{ 59, "59s" },
		{ 60, "1m00s" },
		{ 61, "1m01s" },
		{ 119, "1m59s" },              /* truncated, not rounded */
		{ 3599, "59m59s" },
		{ 3600, "1h00m" },
		{ 3661, "1h01m" },
		{ 86399, "23h59m" },
		{ 86400, "1d00h" },
		{ 90061, "1d01h" },
		{ 7 * 86400 - 1, "6d23h" },
		{ 7 * 86400, "7d" },
		{ 1000LL * 86400 - 1, "999d" },
		{ 1000LL * 86400, "2y" },
		{ 3650LL * 86400, "10y" },
		{ INT64_MAX, "292471208677y" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		format_duration(buf, sizeof buf, cases[i].in);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("format_duration(%lld) = '%s', want '%s'",
			    (long long)cases[i].in, buf, cases[i].want);
		if (cases[i].in < 1000LL * 86400)
			assert_true(strlen(buf) <= 6);
	}
}

static void test_percent(void **state)
{
	static const struct {
		double in;
		const char *want;
	} cases[] = {
		{ -0.1, "-" },
		{ -100, "-" },
		{ 0, "0.0" },
		{ 0.04, "0.0" },
		{ 0.25, "0.3" },               /* exact tie: half up */
		{ 9.99, "10.0" },
		{ 12.345, "12.3" },
		{ 50, "50.0" },
		{ 99.94, "99.9" },
		{ 99.96, "100" },              /* never "100.0" */
		{ 100, "100" },
		{ 123.4, "123" },
		{ 150.5, "151" },
		{ 799.6, "800" },
		{ 1e6, "1000000" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		format_percent(buf, sizeof buf, cases[i].in);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("format_percent(%g) = '%s', want '%s'",
			    cases[i].in, buf, cases[i].want);
	}
	assert_string_equal(format_percent(buf, sizeof buf, NAN), "-");
	assert_string_equal(format_percent(buf, sizeof buf, INFINITY), "-");
	assert_string_equal(format_percent(buf, sizeof buf, -0.0), "0.0");
}

static void test_version(void **state)
{
	static const struct {
		unsigned long in;
		const char *want;
	} cases[] = {
		{ 0, "-" },
		{ 1, "0.0.1" },
		{ 1000, "0.1.0" },
		{ 9000000, "9.0.0" },
		{ 8010000, "8.10.0" },
		{ 10002003, "10.2.3" },
		{ 999999999, "999.999.999" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_ptr_equal(format_version(buf, sizeof buf, cases[i].in),
		    buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_bar_fill(void **state)
{
	static const struct {
		uint64_t used, total;
		int width, want;
	} cases[] = {
		{ 0, 100, 10, 0 },             /* nothing used */
		{ 0, 0, 10, 0 },
		{ 5, 0, 10, 0 },               /* no total */
		{ 1, 1000000, 10, 1 },         /* tiny still shows */
		{ 14, 100, 10, 1 },
		{ 15, 100, 10, 2 },            /* rounds to nearest */
		{ 50, 100, 10, 5 },            /* half */
		{ 50, 100, 80, 40 },
		{ 94, 100, 10, 9 },
		{ 95, 100, 10, 9 },            /* would round to full */
		{ 99, 100, 10, 9 },
		{ 100, 100, 10, 10 },          /* full */
		{ 150, 100, 10, 10 },          /* over full */
		{ 1, 2, 1, 1 },                /* width 1: any use shows */
		{ 0, 2, 1, 0 },
		{ 50, 100, 0, 0 },
		{ 50, 100, -5, 0 },
		{ UINT64_MAX / 2, UINT64_MAX, 80, 40 },
		{ UINT64_MAX - 1, UINT64_MAX, 80, 79 },
		{ 1, UINT64_MAX, 80, 1 },
		{ UINT64_MAX, UINT64_MAX, 80, 80 },
		{ 3 * GI, 4 * GI, 1000, 750 },
	};
	size_t i;
	int got;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = format_bar_fill(cases[i].used, cases[i].total,
		    cases[i].width);
		if (got != cases[i].want)
			fail_msg("format_bar_fill(%llu, %llu, %d) = %d, want %d",
			    (unsigned long long)cases[i].used,
			    (unsigned long long)cases[i].total, cases[i].width,
			    got, cases[i].want);
	}
}

/* Remaining data per iteration: the shape shows convergence. */
static void test_sparkline(void **state)
{
	const uint64_t down[] = { 800, 400, 200, 100, 0 };
	const uint64_t flat[] = { 5, 5, 5 };
	uint64_t many[40];
	char buf[128], tiny[8];
	size_t i;

	(void)state;
	assert_string_equal(format_sparkline(buf, sizeof buf, down, 5, 10, 1), "@+-._");
	assert_string_equal(format_sparkline(buf, sizeof buf, flat, 3, 10, 1), "@@@");
	assert_string_equal(format_sparkline(buf, sizeof buf, down, 0, 10, 1), "");
	/* the last `width` values, scaled among themselves */
	assert_string_equal(format_sparkline(buf, sizeof buf, down, 5, 2, 1), "@_");
	/* UTF-8: three bytes a cell, the highest is a full block */
	format_sparkline(buf, sizeof buf, down, 5, 10, 0);
	assert_int_equal(strlen(buf), 15);
	assert_memory_equal(buf, "\u2588", 3);
	assert_memory_equal(buf + 12, "\u2581", 3);
	/* a small buffer gets whole cells only */
	format_sparkline(tiny, sizeof tiny, down, 5, 10, 0);
	assert_int_equal(strlen(tiny), 6);
	for (i = 0; i < 40; i++)
		many[i] = i + 1;
	format_sparkline(buf, sizeof buf, many, 40, 32, 1);
	assert_int_equal(strlen(buf), 32);
	assert_int_equal(buf[31], '@');
	assert_int_not_equal(buf[0], '_');	/* non-zero is never the lowest */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_size_width),
		cmocka_unit_test(test_size_truncates),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_bar_fill),
		cmocka_unit_test(test_sparkline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
