/* test_migrate_view.c — what the migration progress view tells an
 * operator (mode_migrate_lines, no terminal): the numbers while it runs,
 * the sparkline of remaining data, NOT CONVERGING with what can still
 * help (post-copy only when it was allowed), the end: total time and
 * libvirt's downtime, libvirt's error text on failure, where the desktop
 * stays on cancel, and the pre-flight steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checklist.h"
#include "act/act-migrate.h"
#include "tui/mode-migrate.h"
#include "tui/views.h"

#define LIBVIRT_TEXT "operation failed: migration out job: unexpectedly failed"

/* All lines joined by newlines. Caller frees. */
static char *lines(const struct migrate_view_job *j,
    const struct migrate_stats *st, const struct check_step *steps,
    size_t nsteps)
{
	struct text t;
	size_t i, len = 1;
	char *all;

	memset(&t, 0, sizeof t);
	mode_migrate_lines(&t, j, st, steps, nsteps, 1);
	for (i = 0; i < t.n; i++)
		len += strlen(t.lines[i]) + 1;
	all = calloc(1, len);
	for (i = 0; i < t.n; i++) {
		strcat(all, t.lines[i]);
		strcat(all, "\n");
	}
	text_clear(&t);
	return all;
}

/* "  LABEL<padded> VALUE" as the view lays out a field. */
static int has_field(const char *all, const char *label, const char *value)
{
	char want[160];

	snprintf(want, sizeof want, "  %-24s %s", label, value);
	return strstr(all, want) != NULL;
}

static void running_stats(struct migrate_stats *st)
{
	memset(st, 0, sizeof *st);
	st->active = 1;
	st->mem_pct = 45.2;
	st->data_processed = 60ull << 20;
	st->data_remaining = 80ull << 20;
	st->data_total = 140ull << 20;
	st->mem_bps = 8ull << 20;
	st->dirty_bps = 2ull << 20;
	st->dirty_rate = 512;
	st->iteration = 3;
	st->expected_downtime_ms = 120;
	st->elapsed_ms = 12000;
	st->eta_ms = 9000;
	st->remaining[0] = 140ull << 20;
	st->remaining[1] = 90ull << 20;
	st->remaining[2] = 80ull << 20;
	st->nremaining = 3;
	st->bandwidth_mibs = 8;
	st->max_downtime_ms = 300;
	st->downtime_ms = -1;
	snprintf(st->source, sizeof st->source, "hv1");
	snprintf(st->dest, sizeof st->dest, "hv2");
}

static const struct migrate_view_job running = {
	7, "alice", JOB_RUNNING, NULL, 0, 12000,
};

static void test_running(void **state)
{
	struct migrate_stats st;
	char *s;

	(void)state;
	running_stats(&st);
	s = lines(&running, &st, NULL, 0);
	assert_non_null(strstr(s, "Migration 7: alice  hv1 -> hv2   running"));
	assert_true(has_field(s, "memory transferred", "45.2% #"));
	assert_non_null(strstr(s, "60M processed, 80M remaining of 140M"));
	assert_true(has_field(s, "transfer rate", "8.0M/s"));
	assert_non_null(strstr(s, "2.0M/s (512 pages/s)"));
	assert_true(has_field(s, "iteration", "3\n"));
	assert_non_null(strstr(s, "120 ms (max 300 ms)"));
	assert_true(has_field(s, "bandwidth limit", "8 MiB/s"));
	assert_non_null(strstr(s, "ETA 9000 ms"));
	/* falling remaining data: highest first, ASCII levels */
	assert_true(has_field(s, "remaining per iteration", "@*+  (oldest first)"));
	assert_null(strstr(s, "NOT CONVERGING"));
	assert_null(strstr(s, "done in"));
	free(s);
	s = lines(&running, NULL, NULL, 0);
	assert_non_null(strstr(s, "no statistics yet"));
	free(s);
}

static void test_not_converging(void **state)
{
	struct migrate_stats st;
	char *s;

	(void)state;
	running_stats(&st);
	st.not_converging = 1;
	st.dirty_bps = 12ull << 20;
	s = lines(&running, &st, NULL, 0);
	assert_non_null(strstr(s, "NOT CONVERGING: the guest dirties memory "
	    "(12M/s) faster than it is sent (8.0M/s)"));
	/* above the numbers: a short terminal shows it */
	assert_true(strstr(s, "NOT CONVERGING") < strstr(s, "memory transferred"));
	assert_non_null(strstr(s, "b  raise the bandwidth (now 8 MiB/s)"));
	assert_non_null(strstr(s, "d  allow more downtime (expected 120 ms)"));
	assert_null(strstr(s, "P  switch to post-copy"));	/* not allowed */
	assert_non_null(strstr(s, "post-copy was not allowed"));
	assert_non_null(strstr(s, "auto-converge and compression can only be "
	    "chosen at the start"));
	free(s);

	st.postcopy_allowed = 1;
	s = lines(&running, &st, NULL, 0);
	assert_non_null(strstr(s, "P  switch to post-copy"));
	assert_non_null(strstr(s, "allowed (P switches)"));
	free(s);
	/* in post-copy already: P has nothing left to do */
	st.postcopy_active = 1;
	s = lines(&running, &st, NULL, 0);
	assert_null(strstr(s, "P  switch to post-copy"));
	assert_non_null(strstr(s, "ACTIVE"));
	free(s);
}

/* The one judgement both faces read: remaining data per iteration that
 * stopped falling is not converging, whatever the rates said. */
static void test_history_flat(void **state)
{
	const uint64_t falling[] = { 1000, 400, 200, 100, 50, 25 };
	const uint64_t flat[] = { 1000, 400, 380, 390, 385, 395 };
	const uint64_t late_fall[] = { 1000, 400, 390, 395, 300, 390 };

	(void)state;
	assert_false(migrate_history_flat(falling, 6));
	assert_true(migrate_history_flat(flat, 6));
	assert_false(migrate_history_flat(late_fall, 6));
	assert_false(migrate_history_flat(flat, 4));	/* too early to say */
	assert_false(migrate_history_flat(NULL, 0));
}

static void test_endings(void **state)
{
	struct migrate_view_job j = running;
	struct migrate_stats st;
	char *s;

	(void)state;
	running_stats(&st);
	st.active = 0;
	st.not_converging = 1;	/* stale: an ended job gives no advice */
	st.total_ms = 30500;
	st.downtime_ms = 45;
	j.state = JOB_DONE;
	s = lines(&j, &st, NULL, 0);
	assert_non_null(strstr(s, "done in 30s; downtime 45 ms"));
	assert_null(strstr(s, "NOT CONVERGING"));
	/* no ETA once it ended (the last sample's was stale) */
	assert_null(strstr(s, "ETA 9000 ms"));
	assert_non_null(strstr(s, "ETA -"));
	free(s);

	j.state = JOB_FAILED;
	j.error = LIBVIRT_TEXT;
	s = lines(&j, &st, NULL, 0);
	assert_non_null(strstr(s, "failed after 30s: " LIBVIRT_TEXT));
	free(s);

	j.state = JOB_CANCELLED;
	j.error = "operation aborted: migration out job: canceled by client";
	s = lines(&j, &st, NULL, 0);
	assert_non_null(strstr(s, "canceled by client; the desktop keeps "
	    "running on hv1"));
	free(s);

	j.state = JOB_RUNNING;
	j.error = NULL;
	j.cancel_requested = 1;
	s = lines(&j, &st, NULL, 0);
	assert_non_null(strstr(s, "cancelling"));
	free(s);
}

static void test_preflight(void **state)
{
	struct check_step steps[2];
	char *s;

	(void)state;
	memset(steps, 0, sizeof steps);
	steps[0].state = CHECK_OK;
	snprintf(steps[0].text, sizeof steps[0].text, "CPU on hv2");
	snprintf(steps[0].reason, sizeof steps[0].reason, "compatible");
	steps[1].state = CHECK_FAIL;
	snprintf(steps[1].text, sizeof steps[1].text, "disk cache modes");
	snprintf(steps[1].reason, sizeof steps[1].reason,
	    "vda: cache=writeback (needs --unsafe)");
	s = lines(&running, NULL, steps, 2);
	assert_non_null(strstr(s, "Pre-flight"));
	assert_non_null(strstr(s, "CPU on hv2: compatible"));
	assert_non_null(strstr(s, "vda: cache=writeback (needs --unsafe)"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running),
		cmocka_unit_test(test_not_converging),
		cmocka_unit_test(test_history_flat),
		cmocka_unit_test(test_endings),
		cmocka_unit_test(test_preflight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
