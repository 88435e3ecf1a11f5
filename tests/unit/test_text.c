/* test_text.c — the visible form of untrusted names (each escaped class,
 * valid text kept byte for byte, invalid bytes), the screen's widths and
 * truncation, dump's key=value quoting, and JSON's repair with _hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/json.h"
#include "core/text.h"
#include "core/util.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text_case {
	const char *in, *want;
};

static void check_cases(char *(*fn)(const char *),
    const struct text_case *c, size_t n)
{
	size_t i;
	char *got;

	for (i = 0; i < n; i++) {
		got = fn(c[i].in);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("case %zu: '%s' != '%s'", i, got, c[i].want);
		free(got);
	}
}

/* Each class the issue names, one case each, and their neighbours kept. */
static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* A random name from bytes that meet at every edge of the natural order:
 * digit runs (leading zeros, long runs), letters of both cases, and the
 * punctuation just below and above the digits. */
static void random_name(char *buf, size_t max)
{
	static const char bytes[] = "0001239aAbB-./:_z~";
	size_t n = (size_t)rand() % max, i;

	for (i = 0; i < n; i++)
		buf[i] = bytes[rand() % (int)(sizeof bytes - 1)];
	buf[n] = '\0';
}

/* strcmp of the keys orders every pair as text_natural_cmp does. */
static void test_natural_key(void **state)
{
	static const char *const pairs[][2] = {
		{ "desk-2", "desk-10" }, { "desk-02", "desk-2" }, { "a01", "a1" },
		{ "a", "a-1" }, { "a", "A" }, { "x9", "x10" }, { "0a", "007" },
		{ "v123456789", "v99999999" }, { "n1234567890123456789", "n999999999999999999" },
		{ "a0x", "a-" }, { "a0x", "a/" }, { "a0x", "a:" }, { "", "0" },
	};
	char a[24], b[24], *ka, *kb;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		ka = text_natural_key(pairs[i][0]);
		kb = text_natural_key(pairs[i][1]);
		assert_int_equal(sign(strcmp(ka, kb)),
		    sign(text_natural_cmp(pairs[i][0], pairs[i][1])));
		assert_int_equal(sign(strcmp(kb, ka)),
		    sign(text_natural_cmp(pairs[i][1], pairs[i][0])));
		free(ka);
		free(kb);
	}
	srand(19);
	for (n = 0; n < 200000; n++) {
		random_name(a, 12);
		random_name(b, 12);
		ka = text_natural_key(a);
		kb = text_natural_key(b);
		if (sign(strcmp(ka, kb)) != sign(text_natural_cmp(a, b)))
			fail_msg("\"%s\" vs \"%s\": keys %d, natural %d", a, b,
			    strcmp(ka, kb), text_natural_cmp(a, b));
		free(ka);
		free(kb);
	}
}

static void test_visible_classes(void **state)
{
	static const struct text_case cases[] = {
		/* C0, DEL, C1 (U+009B is a one-byte CSI on some terminals) */
		{ "a\x1b[2Jb", "a<U+001B>[2Jb" },
		{ "a\tb\nc\r", "a<U+0009>b<U+000A>c<U+000D>" },
		{ "x\x7fy", "x<U+007F>y" },
		{ "x\xc2\x9b" "31my", "x<U+009B>31my" },
		{ "\xc2\x85", "<U+0085>" },
		/* bidi overrides, embeddings, isolates, marks */
		{ "t-a\xe2\x80\xae" "gpj.exe", "t-a<U+202E>gpj.exe" },
		{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
		  "<U+202A><U+202B><U+202C><U+202D>" },
		{ "\xe2\x81\xa6" "a\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
		  "<U+2066>a<U+2067><U+2068><U+2069>" },
		{ "\xe2\x80\x8e\xe2\x80\x8f", "<U+200E><U+200F>" },
		/* zero-width space, non-joiner, joiner, word joiner, BOM */
		{ "t-a\xe2\x80\x8b", "t-a<U+200B>" },
		{ "\xe2\x80\x8c\xe2\x80\x8d", "<U+200C><U+200D>" },
		{ "a\xe2\x81\xa0" "b\xef\xbb\xbf", "a<U+2060>b<U+FEFF>" },
		/* an emoji family shows its parts: safety over beauty */
		{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",
		  "\xf0\x9f\x91\xa8<U+200D>\xf0\x9f\x91\xa9" },
		/* variation selector, line separator, private use */
		{ "\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4<U+FE0F>" },
		{ "a\xe2\x80\xa8" "b", "a<U+2028>b" },
		{ "\xee\x80\x80", "<U+E000>" },
		/* invalid UTF-8: each bad byte on its own */
		{ "a\xff" "b", "a<0xff>b" },
		{ "\xc3", "<0xc3>" },
		{ "\xc0\xaf", "<0xc0><0xaf>" },             /* overlong '/' */
		{ "\xed\xa0\x80", "<0xed><0xa0><0x80>" },   /* surrogate */
		{ "\xf4\x90\x80\x80", "<0xf4><0x90><0x80><0x80>" }, /* > 10FFFF */
		{ "\xe2\x80", "<0xe2><0x80>" },             /* truncated */
		/* valid printable text is kept exactly */
		{ "desk-1", "desk-1" },
		{ "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac" },
		{ "e\xcc\x81", "e\xcc\x81" },               /* e + combining acute */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" }, /* emoji */
		{ "<U+202E>", "<U+202E>" },
		{ "", "" },
	};

	(void)state;
	check_cases(text_visible, cases, sizeof cases / sizeof cases[0]);
}

/* "t-a" and "t-a" + U+200B must never look alike anywhere. */
static void test_lookalikes_differ(void **state)
{
	char *a = text_visible("t-a"), *b = text_visible("t-a\xe2\x80\x8b");
	char *sa = text_screen("t-a", 0), *sb = text_screen("t-a\xe2\x80\x8b", 0);

	(void)state;
	assert_string_not_equal(a, b);
	assert_string_not_equal(sa, sb);
	assert_int_not_equal(text_width(sa), text_width(sb));
	free(a);
	free(b);
	free(sa);
	free(sb);
	a = text_visible(NULL);
	assert_string_equal(a, "");
	free(a);
}

static void test_is_plain(void **state)
{
	(void)state;
	assert_true(text_is_plain("desk-1"));
	assert_true(text_is_plain("caf\xc3\xa9"));
	assert_true(text_is_plain(NULL));
	assert_false(text_is_plain("a\x01"));
	assert_false(text_is_plain("a\xff"));
	assert_false(text_is_plain("a\xe2\x80\x8b"));
	assert_false(text_is_plain("\xc2\x9b"));
}

static char *screen_utf8(const char *s)
{
	return text_screen(s, 0);
}

static char *screen_ascii(const char *s)
{
	return text_screen(s, 1);
}

/* The screen also escapes what has no known width: a mark with no base,
 * and in ASCII mode everything past ASCII. */
static void test_screen(void **state)
{
	static const struct text_case utf8[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "e\xcc\x81", "e\xcc\x81" },
		{ "\xcc\x81" "a", "<U+0301>a" },            /* mark with no base */
		{ "\x1b\xcc\x81", "<U+001B><U+0301>" },     /* nor after an escape */
		{ "\xe6\x97\xa5", "\xe6\x97\xa5" },
		{ "a\xe2\x80\xae", "a<U+202E>" },
	};
	static const struct text_case ascii[] = {
		{ "caf\xc3\xa9", "caf<U+00E9>" },
		{ "a\xff", "a<0xff>" },
		{ "plain", "plain" },
	};

	(void)state;
	check_cases(screen_utf8, utf8, sizeof utf8 / sizeof utf8[0]);
	check_cases(screen_ascii, ascii, sizeof ascii / sizeof ascii[0]);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("caf\xc3\xa9"), 4);
	assert_int_equal(text_width("e\xcc\x81\xcc\x82"), 1);   /* two marks */
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* wide */
	assert_int_equal(text_width("<U+200B>"), 8);
}

struct trunc_case {
	const char *in;
	int width, ascii;
	const char *want;
};

/* Cut by cells, ellipsis within the width, never half a character. */
/* Shortened in the middle, by characters, never splitting one. */
static void test_shorten(void **state)
{
	char *s;

	(void)state;
	s = text_shorten("abcdefghij", 5);
	assert_string_equal(s, "ab\xe2\x80\xa6ij");
	free(s);
	s = text_shorten("abcdef", 6);		/* fits: unchanged */
	assert_string_equal(s, "abcdef");
	free(s);
	s = text_shorten("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4);
	assert_string_equal(s, "\xc3\xa9\xc3\xa9\xe2\x80\xa6\xc3\xa9");
	free(s);
	s = text_shorten("a\xff" "bcdefg", 4);	/* an invalid byte is one */
	assert_string_equal(s, "a\xff\xe2\x80\xa6g");
	free(s);
	s = text_shorten(NULL, 4);
	assert_string_equal(s, "");
	free(s);
}

static void test_truncate(void **state)
{
	static const struct trunc_case cases[] = {
		{ "desktop-01", 20, 0, "desktop-01" },
		{ "desktop-01", 10, 0, "desktop-01" },
		{ "desktop-01", 9, 0, "desktop-\xe2\x80\xa6" },
		{ "desktop-01", 9, 1, "desktop-~" },
		{ "desktop-01", 1, 0, "\xe2\x80\xa6" },
		{ "desktop-01", 0, 0, "" },
		{ "desktop-01", -3, 0, "" },
		/* a wide character that does not fit is left out whole */
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, 0,
		  "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6" },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, 0,
		  "\xe6\x97\xa5\xe2\x80\xa6" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", 1, 0, "\xe2\x80\xa6" },
		/* a base keeps its combining marks */
		{ "ae\xcc\x81" "bcd", 3, 0, "ae\xcc\x81\xe2\x80\xa6" },
		{ "ae\xcc\x81", 2, 0, "ae\xcc\x81" },
		/* multibyte kept whole */
		{ "\xc3\xa9\xc3\xa9\xc3\xa9", 2, 0, "\xc3\xa9\xe2\x80\xa6" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = text_truncate(cases[i].in, cases[i].width, cases[i].ascii);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: '%s' != '%s'", i, got, cases[i].want);
		assert_true(text_width(got) <= (cases[i].width > 0 ?
		    cases[i].width : 0));
		assert_true(text_utf8_valid(got));
		free(got);
	}
}

/* dump text: one key=value grammar. */
static void test_kv_value(void **state)
{
	static const struct text_case cases[] = {
		{ "desk-1", "desk-1" },
		{ "qemu+tcp://127.0.0.1:1/system", "qemu+tcp://127.0.0.1:1/system" },
		{ "two words", "\"two words\"" },
		{ "a=b", "\"a=b\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "", "\"\"" },
		{ "-", "\"-\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },       /* non-ASCII: quoted */
		{ "a\xc2\xa0" "b", "\"a\xc2\xa0" "b\"" },   /* no-break space */
		{ "x\xc2\x9b" "1", "x<U+009B>1" },          /* escaped, no raw C1 */
		{ "a b\xe2\x80\xae", "\"a b<U+202E>\"" },
	};
	char *v;

	(void)state;
	check_cases(text_kv_value, cases, sizeof cases / sizeof cases[0]);
	v = text_kv_value(NULL);
	assert_string_equal(v, "-");
	free(v);
}

static void test_utf8_repair(void **state)
{
	char *r;

	(void)state;
	assert_true(text_utf8_valid("caf\xc3\xa9"));
	assert_true(text_utf8_valid(NULL));
	assert_false(text_utf8_valid("a\xff"));
	assert_false(text_utf8_valid("\xed\xa0\x80"));
	r = text_utf8_repair("a\xff" "b\xc3\xa9\xc3");
	assert_string_equal(r, "a\xef\xbf\xbd" "b\xc3\xa9\xef\xbf\xbd");
	free(r);
	r = text_hex("a\xff");
	assert_string_equal(r, "61ff");
	free(r);
}

/* JSON is valid UTF-8 always; a repaired member keeps its bytes in
 * <key>_hex; valid text (bidi and all) is kept exactly. */
static void test_json_hex(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "name", "d\xff" "1");
	json_string(&j, "host", "h\xe2\x80\xae" "1");
	json_begin_array(&j, "backing");
	json_string(&j, NULL, "\xfe");
	json_end_array(&j);
	json_end_object(&j);
	assert_string_equal(j.buf,
	    "{\"name\":\"d\xef\xbf\xbd" "1\",\"name_hex\":\"64ff31\","
	    "\"host\":\"h\xe2\x80\xae" "1\",\"backing\":[\"\xef\xbf\xbd\"]}");
	assert_true(text_utf8_valid(j.buf));
	json_free(&j);
}

static void test_normalise(void **state)
{
	const char *cases[][2] = {
		{ "/a/b/../c", "/a/c" }, { "/a/./b//c/", "/a/b/c" },
		{ "a/../../b", "../b" }, { "/..", "/" }, { "", "." }, { "x", "x" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *n = text_normalise_path(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
	assert_null(text_normalise_path(NULL));
}

static void test_natural_cmp(void **state)
{
	static const char *const sorted[] = {
		"desk-1", "desk-01a", "desk-2", "Desk-3", "desk-9", "desk-10",
		"desk-10b", "desk-100", "desk2", "x",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof sorted / sizeof sorted[0]; i++)
		for (k = 0; k < sizeof sorted / sizeof sorted[0]; k++) {
			int c = text_natural_cmp(sorted[i], sorted[k]);

			if ((i < k && c >= 0) || (i > k && c <= 0) ||
			    (i == k && c != 0))
				fail_msg("%s vs %s: %d", sorted[i], sorted[k], c);
		}
	assert_true(text_natural_cmp("a01", "a1") != 0);	/* total order */
	assert_true(text_natural_cmp(NULL, "a") < 0);
}

/* A host's URI in libvirt's text becomes its name, every time. */
static void test_replace(void **state)
{
	const char *uri = "qemu+libssh://root@10.0.0.2:22/system?keyfile=/k"
	    "&known_hosts=/h";
	char *msg = NULL, *s;

	(void)state;
	msg = xasprintf("unable to connect to %s: %s refused", uri, uri);
	s = text_replace(msg, uri, "hv2");
	assert_string_equal(s, "unable to connect to hv2: hv2 refused");
	free(s);
	s = text_replace("no uri here", uri, "hv2");
	assert_string_equal(s, "no uri here");
	free(s);
	s = text_replace("aaa", "a", "bb");
	assert_string_equal(s, "bbbbbb");
	free(s);
	s = text_replace("abc", "", "x");
	assert_string_equal(s, "abc");
	free(s);
	free(msg);
}

static void assert_wrap(const char *s, int width, const char *const *want,
    size_t nwant)
{
	char **v;
	size_t n = text_wrap(s, width, &v), i;

	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		assert_string_equal(v[i], want[i]);
		assert_true(text_width(v[i]) <= width);
	}
	text_lines_free(v, n);
}

/* Words stay whole when they fit a line; the spaces at a break go; a word
 * longer than a line is split; widths count cells, not bytes. */
static void test_wrap(void **state)
{
	static const char *const words[] = { "host hv2", "does not", "allow",
		"password", "login" };
	static const char *const exact[] = { "abc def", "gh" };
	static const char *const long_word[] = { "x", "abcd", "efgh", "ij y" };
	static const char *const utf8[] = { "déjà", "vu" };
	static const char *const empty[] = { "" };

	(void)state;
	assert_wrap("host hv2 does not allow password login", 9, words, 5);
	assert_wrap("abc def gh", 7, exact, 2);
	assert_wrap("abc def   gh", 7, exact, 2);
	assert_wrap("x abcdefghij y", 4, long_word, 4);
	assert_wrap("déjà vu", 4, utf8, 2);
	assert_wrap("", 10, empty, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_natural_cmp),
		cmocka_unit_test(test_natural_key),
		cmocka_unit_test(test_visible_classes),
		cmocka_unit_test(test_shorten),
		cmocka_unit_test(test_lookalikes_differ),
		cmocka_unit_test(test_is_plain),
		cmocka_unit_test(test_screen),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_kv_value),
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_json_hex),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_wrap),
	};

	/* widths come from wcwidth(): the screen runs in a UTF-8 locale */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_text: no C.UTF-8 locale\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
