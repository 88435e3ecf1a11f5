/* test_srv_mig.c — a migration's progress as the server sends it and an
 * attached console keeps it: every stat, the history and the pre-flight
 * steps come back equal (cmd_migrate_stats, cmd_migrate_checklist); a
 * second line replaces them, the same steps again change nothing; an
 * add of a host comes back the same way (state, question text and count,
 * steps) into the copy its form follows; and a question relayed to the
 * console (cmd_relay_ask) gets the line typed, or no (declined, or
 * nobody to ask). */
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

#include "act/act-host.h"
#include "act/act-migrate.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-relay.h"
#include "core/checklist.h"
#include "core/job.h"
#include "core/json-read.h"
#include "core/util.h"
#include "srv/srv-hostadd.h"
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
	unsigned request;       /* the request its thread carries */
};

static void *ask_main(void *arg)
{
	struct asked *a = arg;

	cmd_relay_request_set(a->request);
	a->rc = cmd_relay_ask("Password for x:", 1, a->buf, sizeof a->buf);
	atomic_store(&a->done, 1);
	return NULL;
}

static char seen_prompt[64], seen_ticket[16];
static int seen_secret;
static unsigned seen_request;

static void face_ask_relayed(const struct cmd_face *f, const char *prompt,
    int secret, const char *ticket)
{
	(void)f;
	snprintf(seen_prompt, sizeof seen_prompt, "%s", prompt);
	snprintf(seen_ticket, sizeof seen_ticket, "%s", ticket);
	seen_secret = secret;
	seen_request = cmd_relay_delivering();
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
	struct asked a = { "", 99, 0, 0 };
	int i;
	pthread_t t;

	(void)state;
	a.request = cmd_relay_request_new();
	assert_int_equal(pthread_create(&t, NULL, ask_main, &a), 0);
	drain_until_asked(&f);
	assert_string_equal(seen_prompt, "Password for x:");
	assert_int_equal(seen_secret, 1);
	assert_int_equal(seen_request, a.request);	/* the form knows it */
	assert_int_equal(cmd_relay_delivering(), 0);
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
	assert_int_equal(a.rc, -2);	/* declined, not "nobody" */
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

/* ---- what comes back is stamped with its request ---- */

struct said {
	unsigned request;
	const char *text;       /* a line's */
	unsigned job;           /* a follow's */
};

static struct said said[8];
static size_t nsaid;

static void stamp_say(const struct cmd_face *f, int error, const char *text)
{
	(void)f; (void)error;
	said[nsaid].request = cmd_relay_delivering();
	said[nsaid].job = 0;
	said[nsaid++].text = strcmp(text, "one") == 0 ? "one" :
	    strcmp(text, "two") == 0 ? "two" : "other";
}

static void stamp_follow(const struct cmd_face *f, unsigned job)
{
	(void)f;
	said[nsaid].request = cmd_relay_delivering();
	said[nsaid].text = NULL;
	said[nsaid++].job = job;
}

struct request_run {
	unsigned request, follow;
	const char *text;
};

static void *request_main(void *arg)
{
	struct request_run *r = arg;

	cmd_relay_request_set(r->request);
	if (r->follow != 0)
		cmd_relay_follow(r->follow);
	cmd_relay_say(1, r->text);
	return NULL;
}

/* The first line's refusal comes after the second line's follow: each
 * is delivered with its own request, the console's own lines with none. */
static void test_request_stamps(void **state)
{
	struct cmd_face f = { .say = stamp_say, .follow_job = stamp_follow };
	struct request_run second = { 0, 5, "two" }, first = { 0, 0, "one" };
	pthread_t t;

	(void)state;
	first.request = cmd_relay_request_new();
	second.request = cmd_relay_request_new();
	assert_int_equal(cmd_relay_request_last(), second.request);
	assert_true(first.request != 0 && first.request != second.request);
	assert_int_equal(pthread_create(&t, NULL, request_main, &second), 0);
	pthread_join(t, NULL);
	assert_int_equal(pthread_create(&t, NULL, request_main, &first), 0);
	pthread_join(t, NULL);
	cmd_relay_say(0, "mine");
	nsaid = 0;
	cmd_relay_drain(&f);
	assert_int_equal(nsaid, 4);
	assert_int_equal(said[0].job, 5);
	assert_int_equal(said[0].request, second.request);
	assert_string_equal(said[1].text, "two");
	assert_int_equal(said[1].request, second.request);
	assert_string_equal(said[2].text, "one");
	assert_int_equal(said[2].request, first.request);
	assert_string_equal(said[3].text, "other");
	assert_int_equal(said[3].request, 0);
	assert_int_equal(cmd_relay_delivering(), 0);
}

/* The server's add job's line, applied as the mirror applies it. */
static void hostadd_line_applied(unsigned job, struct hostadd *ha)
{
	struct jread l;
	char *line = srv_hostadd_line_of(job, ha), *cause = NULL;

	assert_int_equal(jread_parse(line, &l, &cause), 0);
	assert_string_equal(jread_str(&l, "kind"), "hostadd");
	srv_hostadd_apply(jread_get(&l, "object"));
	jread_free(&l);
	free(line);
}

static void test_hostadd_round_trip(void **state)
{
	struct hostadd *ha = hostadd_new_copy("hv\"4"), *copy;
	struct job_target t = { NULL, "hv4", 0, "hv4" };
	struct check_step *got;
	char *text = NULL, *line, *want;
	size_t n;
	int asked = 0;

	(void)state;
	/* the job, as the mirror copies the server's: an entry lives while
	 * its job is in the table */
	assert_int_equal(job_mirror_new(9, JK_ADD_HOST, &t), 9);
	assert_int_equal(job_mirror_new(8, JK_ADD_HOST, &t), 8);
	assert_null(srv_hostadd_line(9));	/* no such add */
	checklist_note(hostadd_checklist(ha), CHECK_OK, "ssh", "%s",
	    "ED25519 key accepted");
	checklist_note(hostadd_checklist(ha), CHECK_WARN, "cluster", "%s",
	    "host n2 is not online");
	hostadd_copy_set(ha, HOSTADD_NEED_PASSWORD, "Password for u@h:", 2);
	/* the server's registered add renders as its line */
	hostadd_register(8, ha);
	line = srv_hostadd_line(8);
	want = srv_hostadd_line_of(8, ha);
	assert_string_equal(line, want);
	free(line);
	free(want);
	hostadd_forget(8);
	assert_null(srv_hostadd_line(8));
	hostadd_line_applied(9, ha);
	assert_non_null(copy = hostadd_of_job(9));
	assert_ptr_not_equal(copy, ha);
	assert_string_equal(hostadd_name(copy), "hv\"4");
	assert_int_equal(hostadd_question(copy, &text, &asked),
	    HOSTADD_NEED_PASSWORD);
	assert_string_equal(text, "Password for u@h:");
	free(text);
	assert_int_equal(asked, 2);
	checklist_snapshot(hostadd_checklist(copy), &got, &n);
	assert_int_equal(n, 2);
	assert_int_equal(got[1].state, CHECK_WARN);
	assert_string_equal(got[1].text, "cluster");
	assert_string_equal(got[1].reason, "host n2 is not online");
	free(got);
	/* a later line changes the same copy: the form holds it */
	hostadd_copy_set(ha, HOSTADD_ADDED, NULL, 2);
	hostadd_line_applied(9, ha);
	assert_int_equal(hostadd_state(copy, NULL), HOSTADD_ADDED);
	/* a copy answers nothing: the relay does */
	hostadd_password(copy, "never");
	assert_int_equal(hostadd_state(copy, NULL), HOSTADD_ADDED);
	hostadd_release(copy);
	hostadd_release(ha);
	hostadd_forget_all();
	assert_null(hostadd_of_job(9));
	jobs_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_relayed_ask),
		cmocka_unit_test(test_request_stamps),
		cmocka_unit_test(test_hostadd_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
