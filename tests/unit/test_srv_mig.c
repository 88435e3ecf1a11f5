/* test_srv_mig.c — a migration's progress as the server sends it and an
 * attached console keeps it: every stat, the history and the pre-flight
 * steps come back equal (cmd_migrate_stats, cmd_migrate_checklist); a
 * second line replaces them, the same steps again change nothing; and a
 * question relayed to the console (cmd_relay_ask) gets the line typed, or
 * no. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-migrate.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-relay.h"
#include "core/checklist.h"
#include "core/json-read.h"
#include "core/util.h"
#include "srv/srv-mig.h"

/* The line's object applied as the mirror applies it. */
static void apply_line(const char *line)
{
	struct jread l;
	char *cause = NULL;

	assert_int_equal(jread_parse(line, &l, &cause), 0);
	assert_string_equal(jread_str(&l, "kind"), "migration");
	srv_mig_apply(jread_get(&l, "object"));
	jread_free(&l);
}

static void fill(struct migrate_stats *st)
{
	memset(st, 0, sizeof *st);
	st->active = 1;
	st->mem_pct = 42.5;
	st->data_processed = 123456789;
	st->data_remaining = 987654321;
	st->data_total = 1111111110;
	st->mem_bps = 1048576;
	st->dirty_rate = 77;
	st->dirty_bps = 77 * 4096;
	st->iteration = 3;
	st->expected_downtime_ms = 300;
	st->elapsed_ms = 12345;
	st->eta_ms = -1;
	st->remaining[0] = 1000;
	st->remaining[1] = 900;
	st->remaining[2] = 890;
	st->nremaining = 3;
	st->not_converging = 1;
	st->postcopy_allowed = 1;
	st->bandwidth_mibs = 1;
	st->max_downtime_ms = 500;
	st->downtime_ms = -1;
	st->total_ms = 0;
	snprintf(st->source, sizeof st->source, "hv1");
	snprintf(st->dest, sizeof st->dest, "hv\"2");
}

static void step(struct check_step *s, enum check_state st, const char *text,
    const char *reason)
{
	memset(s, 0, sizeof *s);
	s->state = st;
	snprintf(s->text, sizeof s->text, "%s", text);
	snprintf(s->reason, sizeof s->reason, "%s", reason);
}

static void test_round_trip(void **state)
{
	struct check_step steps[2], *got;
	struct migrate_stats st, back;
	struct checklist *cl;
	uint64_t gen;
	size_t n, i;
	char *line;

	(void)state;
	fill(&st);
	step(&steps[0], CHECK_OK, "destination", "hv2 takes it");
	step(&steps[1], CHECK_RUNNING, "live migration", "");
	assert_int_equal(cmd_migrate_stats(7, &back), -1);
	line = srv_mig_line_of(7, &st, steps, 2);
	apply_line(line);
	assert_int_equal(cmd_migrate_stats(7, &back), 0);
	assert_memory_equal(&st, &back, sizeof st);
	assert_non_null(cl = cmd_migrate_checklist(7));
	gen = checklist_snapshot(cl, &got, &n);
	assert_int_equal(n, 2);
	/* field by field: the bytes after each string's end are no part of
	 * it (a checklist leaves them as they were) */
	for (i = 0; i < 2; i++) {
		assert_int_equal(got[i].state, steps[i].state);
		assert_string_equal(got[i].text, steps[i].text);
		assert_string_equal(got[i].reason, steps[i].reason);
	}
	free(got);
	/* the same steps again: the checklist is left alone */
	apply_line(line);
	assert_int_equal(checklist_generation(cl), gen);
	free(line);
	/* a later line replaces them */
	st.iteration = 4;
	steps[1].state = CHECK_OK;
	line = srv_mig_line_of(7, &st, steps, 2);
	apply_line(line);
	free(line);
	assert_int_equal(cmd_migrate_stats(7, &back), 0);
	assert_int_equal(back.iteration, 4);
	checklist_snapshot(cl, &got, &n);
	assert_int_equal(got[1].state, CHECK_OK);
	free(got);
	assert_ptr_equal(cmd_migrate_checklist(7), cl);
	cmd_migrate_free_all();
}

/* ---- a relayed question ---- */

struct asked {
	char buf[64];
	int rc;
	atomic_int done;
};

static void *ask_main(void *arg)
{
	struct asked *a = arg;

	a->rc = cmd_relay_ask("Password for x:", 1, a->buf, sizeof a->buf);
	atomic_store(&a->done, 1);
	return NULL;
}

static char seen_prompt[64], seen_ticket[16];
static int seen_secret;

static void face_ask_relayed(const struct cmd_face *f, const char *prompt,
    int secret, const char *ticket)
{
	(void)f;
	snprintf(seen_prompt, sizeof seen_prompt, "%s", prompt);
	snprintf(seen_ticket, sizeof seen_ticket, "%s", ticket);
	seen_secret = secret;
}

static void face_say(const struct cmd_face *f, int error, const char *text)
{
	(void)f; (void)error; (void)text;
}

/* Deliver until the face was asked. */
static void drain_until_asked(const struct cmd_face *f)
{
	int i;

	for (i = 0; i < 500 && seen_ticket[0] == '\0'; i++) {
		cmd_relay_drain(f);
		util_sleep_ms(10);
	}
	assert_true(seen_ticket[0] != '\0');
}

static void test_relayed_ask(void **state)
{
	struct cmd_face f = { .say = face_say, .ask_relayed = face_ask_relayed };
	struct asked a = { "", 99, 0 };
	int i;
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, ask_main, &a), 0);
	drain_until_asked(&f);
	assert_string_equal(seen_prompt, "Password for x:");
	assert_int_equal(seen_secret, 1);
	cmd_relay_answer(seen_ticket, "s3cret");
	pthread_join(t, NULL);
	assert_int_equal(a.rc, 0);
	assert_string_equal(a.buf, "s3cret");
	/* Esc: no */
	seen_ticket[0] = '\0';
	assert_int_equal(pthread_create(&t, NULL, ask_main, &a), 0);
	drain_until_asked(&f);
	cmd_relay_no(seen_ticket);
	pthread_join(t, NULL);
	assert_int_equal(a.rc, -1);
	/* a face that cannot ask answers no */
	f.ask_relayed = NULL;
	a.rc = 99;
	atomic_store(&a.done, 0);
	assert_int_equal(pthread_create(&t, NULL, ask_main, &a), 0);
	for (i = 0; i < 500 && !atomic_load(&a.done); i++) {
		cmd_relay_drain(&f);
		util_sleep_ms(10);
	}
	pthread_join(t, NULL);
	assert_int_equal(a.rc, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_relayed_ask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
