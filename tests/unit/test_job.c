/* test_job.c — the job layer on its own: the lifecycle, the library's text
 * kept on failure, cancel of a queued and of a running job, job_wait's
 * final state and timeout, the bounded history, and the long-job thread
 * with its watcher, driven by a real workload: a run function blocked on a
 * condition this test controls, cancelled from another thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/job.h"
#include "core/model.h"
#include "core/util.h"

#define LIBVIRT_TEXT "Requested operation is not valid: domain is not running"

static const struct job_target desk = {
	"aaaaaaaa-0000-0000-0000-000000000001", "alice", 1, "hv1",
};

static int setup(void **state)
{
	(void)state;
	model_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(jobs_stop(5000), 0);
	jobs_free();
	model_free();
	return 0;
}

/* A snapshot of one job, read under the lock; state JOB_GONE if none. */
struct snap {
	enum job_state state;
	int64_t created, started, ended;
	unsigned nsamples;
	double pct;
	char phase[JOB_PHASE_MAX], error[256], host[32];
};

static struct snap snap(unsigned id)
{
	const struct job_sample *s;
	const struct job *j;
	struct snap sn;

	memset(&sn, 0, sizeof sn);
	sn.state = JOB_GONE;
	job_lock();
	if ((j = job_find(id)) != NULL) {
		sn.state = j->state;
		sn.created = j->created_ms;
		sn.started = j->started_ms;
		sn.ended = j->ended_ms;
		sn.nsamples = j->nsamples;
		if ((s = job_last_sample(j)) != NULL) {
			sn.pct = s->pct;
			snprintf(sn.phase, sizeof sn.phase, "%s", s->phase);
		}
		snprintf(sn.error, sizeof sn.error, "%s", j->error ? j->error : "");
		snprintf(sn.host, sizeof sn.host, "%s", j->host ? j->host : "");
	}
	job_unlock();
	return sn;
}

static size_t count_jobs(void)
{
	const struct job *j;
	size_t n = 0;

	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j))
		n++;
	job_unlock();
	return n;
}

static void test_lifecycle(void **state)
{
	unsigned id, id2;
	struct snap s;

	(void)state;
	id = job_new(JK_START, &desk, NULL, NULL);
	assert_true(id > 0);
	s = snap(id);
	assert_int_equal(s.state, JOB_QUEUED);
	assert_true(s.created > 0);
	assert_int_equal(s.started, 0);
	assert_string_equal(s.host, "hv1");
	assert_int_equal(job_find_active(JK_START, desk.uuid), id);
	assert_int_equal(job_find_active(JK_SHUTDOWN, desk.uuid), 0);

	assert_int_equal(job_begin(id), 0);
	assert_int_equal(job_begin(id), -1);	/* begins once */
	s = snap(id);
	assert_int_equal(s.state, JOB_RUNNING);
	assert_true(s.started >= s.created);

	job_progress(id, 40, 4, 10, "copying");
	job_progress(id, 80, 8, 10, "copying");
	s = snap(id);
	assert_int_equal(s.nsamples, 2);
	assert_true(s.pct == 80);
	assert_string_equal(s.phase, "copying");

	job_done(id);
	s = snap(id);
	assert_int_equal(s.state, JOB_DONE);
	assert_true(s.ended >= s.started);
	assert_string_equal(s.error, "");
	assert_int_equal(job_wait(id, 0), JOB_DONE);
	assert_int_equal(job_find_active(JK_START, desk.uuid), 0);
	/* a late failure cannot rewrite a finished job */
	job_fail(id, "late");
	assert_int_equal(snap(id).state, JOB_DONE);

	id2 = job_new(JK_SHUTDOWN, &desk, NULL, NULL);
	assert_true(id2 > id);	/* ids are never reused */
}

static void test_failure_keeps_text(void **state)
{
	unsigned id;
	char *e;

	(void)state;
	id = job_new(JK_SHUTDOWN, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	job_fail(id, LIBVIRT_TEXT);
	assert_int_equal(job_wait(id, 1000), JOB_FAILED);
	e = job_error(id);
	assert_non_null(e);
	assert_string_equal(e, LIBVIRT_TEXT);
	free(e);
}

/* An operator's no to what a job asked (a host key) ends it cancelled,
 * keeping the text; after the job ended it changes nothing. */
static void test_declined_is_cancelled(void **state)
{
	unsigned id;
	char *e;

	(void)state;
	id = job_new(JK_SHUTDOWN, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	job_declined(id);
	job_fail(id, "ssh-ed25519 key SHA256:x not accepted");
	assert_int_equal(job_wait(id, 1000), JOB_CANCELLED);
	e = job_error(id);
	assert_string_equal(e, "ssh-ed25519 key SHA256:x not accepted");
	free(e);
	id = job_new(JK_SHUTDOWN, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	job_fail(id, LIBVIRT_TEXT);
	job_declined(id);
	assert_int_equal(job_wait(id, 1000), JOB_FAILED);
}

static void test_cancel_queued(void **state)
{
	unsigned id;
	char *cause = NULL;

	(void)state;
	id = job_new(JK_PAUSE, &desk, NULL, NULL);
	assert_int_equal(job_cancel(id, &cause), 0);
	assert_null(cause);
	assert_int_equal(snap(id).state, JOB_CANCELLED);
	/* the runner that picks it up later must not act, nor revive it */
	assert_int_equal(job_begin(id), -1);
	job_done(id);
	assert_int_equal(job_wait(id, 0), JOB_CANCELLED);
	/* a finished job cannot be cancelled again */
	assert_int_equal(job_cancel(id, &cause), -1);
	assert_non_null(strstr(cause, "already"));
	free(cause);
	cause = NULL;
	assert_int_equal(job_cancel(999999, &cause), -1);
	assert_non_null(strstr(cause, "no job"));
	free(cause);
}

static void test_cancel_running_without_hook(void **state)
{
	unsigned id;
	char *cause = NULL;

	(void)state;
	id = job_new(JK_START, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	assert_int_equal(job_cancel(id, &cause), -1);
	assert_non_null(strstr(cause, "cannot be cancelled once running"));
	free(cause);
	assert_int_equal(snap(id).state, JOB_RUNNING);
	job_done(id);
}

/* ---- job_wait ---- */

static void test_wait_times_out(void **state)
{
	unsigned id;
	int64_t t0, took;

	(void)state;
	id = job_new(JK_START, &desk, NULL, NULL);
	t0 = util_now_ms();
	assert_int_equal(job_wait(id, 200), JOB_QUEUED);
	took = util_now_ms() - t0;
	assert_true(took >= 200);
	assert_true(took < 2000);
	assert_int_equal(job_begin(id), 0);
	assert_int_equal(job_wait(id, 50), JOB_RUNNING);
	assert_int_equal(job_wait(987654, 1000), JOB_GONE);
	job_done(id);
}

struct later {
	unsigned id;
	int ms;
	const char *error;          /* NULL: done */
};

static void *finish_later(void *arg)
{
	struct later *l = arg;
	struct timespec ts = { l->ms / 1000, (long)(l->ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
	if (l->error != NULL)
		job_fail(l->id, l->error);
	else
		job_done(l->id);
	return NULL;
}

/* The waiter wakes when another thread ends the job, not at its timeout. */
static void test_wait_wakes_on_finish(void **state)
{
	struct later l;
	pthread_t t;
	int64_t t0, took;

	(void)state;
	l.id = job_new(JK_REBOOT, &desk, NULL, NULL);
	l.ms = 100;
	l.error = LIBVIRT_TEXT;
	assert_int_equal(job_begin(l.id), 0);
	t0 = util_now_ms();
	assert_int_equal(pthread_create(&t, NULL, finish_later, &l), 0);
	assert_int_equal(job_wait(l.id, 10000), JOB_FAILED);
	took = util_now_ms() - t0;
	pthread_join(t, NULL);
	assert_true(took >= 100);
	assert_true(took < 5000);

	l.id = job_new(JK_REBOOT, &desk, NULL, NULL);
	l.error = NULL;
	assert_int_equal(job_begin(l.id), 0);
	assert_int_equal(pthread_create(&t, NULL, finish_later, &l), 0);
	assert_int_equal(job_wait(l.id, -1), JOB_DONE);	/* forever */
	pthread_join(t, NULL);
}

/* ---- the bounded history ---- */

static void test_history_bounded(void **state)
{
	unsigned running, first = 0, last = 0, id;
	int i;

	(void)state;
	/* the oldest job still runs: it is never forgotten */
	running = job_new(JK_MIGRATE, &desk, NULL, NULL);
	assert_int_equal(job_begin(running), 0);
	for (i = 0; i < JOB_HISTORY + 10; i++) {
		id = job_new(JK_START, &desk, NULL, NULL);
		if (first == 0)
			first = id;
		last = id;
		assert_int_equal(job_begin(id), 0);
		job_fail(id, "x");
	}
	assert_int_equal(count_jobs(), JOB_HISTORY + 1);
	assert_int_equal(snap(running).state, JOB_RUNNING);
	assert_int_equal(job_wait(first, 0), JOB_GONE);	/* oldest went first */
	assert_int_equal(job_wait(first + 9, 0), JOB_GONE);
	assert_int_equal(job_wait(first + 10, 0), JOB_FAILED);
	assert_int_equal(job_wait(last, 0), JOB_FAILED);
	assert_int_equal(job_active_count(), 1);
	job_done(running);
	assert_int_equal(count_jobs(), JOB_HISTORY);
}

/* A held job outlives the history until released (a bulk command reads
 * each of its jobs' ends after all ended). */
static void test_hold(void **state)
{
	unsigned held, id;
	int i;

	(void)state;
	held = job_new(JK_START, &desk, NULL, NULL);
	job_hold(held);
	assert_int_equal(job_begin(held), 0);
	job_done(held);
	for (i = 0; i < JOB_HISTORY + 5; i++) {
		id = job_new(JK_START, &desk, NULL, NULL);
		assert_int_equal(job_begin(id), 0);
		job_fail(id, "x");
	}
	assert_int_equal(job_wait(held, 0), JOB_DONE);
	job_release(held);
	/* released, it is the oldest of the history: the next one ends it */
	id = job_new(JK_START, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	job_fail(id, "x");
	assert_int_equal(job_wait(held, 0), JOB_GONE);
	job_release(held);	/* gone: nothing to release */
}

/* ---- dismissing finished jobs (x, X in the jobs pane) ---- */

static void test_dismiss(void **state)
{
	unsigned running, done, failed;
	uint64_t gen;
	char *cause = NULL;

	(void)state;
	running = job_new(JK_MIGRATE, &desk, NULL, NULL);
	assert_int_equal(job_begin(running), 0);
	done = job_new(JK_START, &desk, NULL, NULL);
	assert_int_equal(job_begin(done), 0);
	job_done(done);
	failed = job_new(JK_START, &desk, NULL, NULL);
	assert_int_equal(job_begin(failed), 0);
	job_fail(failed, LIBVIRT_TEXT);
	assert_int_equal(count_jobs(), 3);

	/* a running job stays, and says why */
	assert_int_equal(job_dismiss(running, &cause), -1);
	assert_non_null(strstr(cause, "running"));
	free(cause);
	cause = NULL;
	assert_int_equal(job_dismiss(9999, &cause), -1);
	free(cause);
	cause = NULL;

	gen = job_generation();
	assert_int_equal(job_dismiss(done, &cause), 0);
	assert_true(job_generation() > gen);	/* the pane rebuilds */
	assert_int_equal(job_wait(done, 0), JOB_GONE);
	assert_int_equal(count_jobs(), 2);
	assert_int_equal(job_dismiss(done, &cause), -1);	/* once */
	free(cause);

	/* X: every finished one, the running one stays */
	assert_int_equal(job_dismiss_finished(), 1);
	assert_int_equal(job_wait(failed, 0), JOB_GONE);
	assert_int_equal(snap(running).state, JOB_RUNNING);
	assert_int_equal(job_dismiss_finished(), 0);
	job_done(running);
	assert_int_equal(job_dismiss_finished(), 1);
	assert_int_equal(count_jobs(), 0);
}

/* A job a waiter looks at goes once the waiter has looked. */
static void test_dismiss_waited(void **state)
{
	struct job *j;
	unsigned id;
	char *cause = NULL;

	(void)state;
	id = job_new(JK_START, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	job_done(id);
	job_lock();
	j = job_find(id);
	j->waiters++;		/* as job_wait does while it looks */
	job_unlock();
	assert_int_equal(job_dismiss(id, &cause), 0);
	assert_int_equal(count_jobs(), 1);	/* still looked at */
	job_lock();
	j->waiters--;
	job_unlock();
	assert_int_equal(job_wait(id, 0), JOB_DONE);	/* prunes after */
	assert_int_equal(count_jobs(), 0);
}

/* Every change wakes the UI through the model's descriptor. */
static void test_change_wakes_ui(void **state)
{
	struct pollfd pfd = { model_wake_fd(), POLLIN, 0 };
	uint64_t g0;
	unsigned id;

	(void)state;
	model_wake_drain();
	assert_int_equal(poll(&pfd, 1, 0), 0);
	g0 = job_generation();
	id = job_new(JK_DRAIN, NULL, NULL, NULL);
	assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_true(job_generation() > g0);
	model_wake_drain();
	job_cancel(id, &(char *){ NULL });
	assert_int_equal(poll(&pfd, 1, 0), 1);
}

/* ---- long jobs: a job thread, a watcher, a cancel from elsewhere ---- */

struct work {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int release;                /* set by cancel hook or by the test */
	int aborted;
	int watched;                /* watch calls */
	int wait_watches;           /* run returns after this many watches */
	pthread_t run_thread, watch_thread, cancel_thread;
	int freed;
};

static void work_init(struct work *w)
{
	memset(w, 0, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
}

/* Blocks like a migration in virDomainMigrate until released. */
static int work_run(unsigned id, void *ctx, char **cause)
{
	struct work *w = ctx;
	int aborted;

	(void)id;
	pthread_mutex_lock(&w->lock);
	w->run_thread = pthread_self();
	while (!w->release && !(w->wait_watches > 0 && w->watched >= w->wait_watches))
		pthread_cond_wait(&w->cond, &w->lock);
	aborted = w->aborted;
	pthread_mutex_unlock(&w->lock);
	if (aborted) {
		*cause = xstrdup("operation aborted: migration job: canceled by client");
		return -1;
	}
	return 0;
}

static void work_watch(unsigned id, void *ctx)
{
	struct work *w = ctx;

	pthread_mutex_lock(&w->lock);
	w->watch_thread = pthread_self();
	w->watched++;
	job_progress(id, 10.0 * w->watched, (uint64_t)w->watched << 20, 10 << 20,
	    "memory");
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Like virDomainAbortJob: makes the blocked call return with an error. */
static void work_cancel(unsigned id, void *ctx)
{
	struct work *w = ctx;

	(void)id;
	pthread_mutex_lock(&w->lock);
	w->cancel_thread = pthread_self();
	w->aborted = 1;
	w->release = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void work_free(void *ctx)
{
	struct work *w = ctx;

	pthread_mutex_lock(&w->lock);
	w->freed = 1;
	pthread_mutex_unlock(&w->lock);
}

static const struct job_ops work_ops = {
	work_run, work_watch, work_cancel, work_free, 10,
};

static int freed(struct work *w)
{
	int f;

	pthread_mutex_lock(&w->lock);
	f = w->freed;
	pthread_mutex_unlock(&w->lock);
	return f;
}

/* The watcher samples while run blocks: run returns only after three
 * samples, which no one but the watcher can take. */
static void test_thread_watcher_samples(void **state)
{
	struct work w;
	char *cause = NULL;
	unsigned id;
	struct snap s;

	(void)state;
	work_init(&w);
	w.wait_watches = 3;
	assert_int_equal(job_start_thread(JK_MIGRATE, &desk, &work_ops, &w, &id,
	    &cause), 0);
	assert_int_equal(job_wait(id, 10000), JOB_DONE);
	s = snap(id);
	assert_true(s.nsamples >= 3);
	assert_string_equal(s.phase, "memory");
	assert_false(pthread_equal(w.run_thread, w.watch_thread));
	assert_false(pthread_equal(w.run_thread, pthread_self()));
	assert_int_equal(jobs_stop(5000), 0);	/* thread ended */
	assert_true(freed(&w));
}

struct canceller {
	unsigned id;
	int rc;
	char *cause;
	pthread_t self;
};

static void *cancel_from_thread(void *arg)
{
	struct canceller *c = arg;

	c->self = pthread_self();
	c->rc = job_cancel(c->id, &c->cause);
	return NULL;
}

/* Cancelled from a third thread; the hook runs on the watcher, neither on
 * the canceller (the UI must never call libvirt) nor on the blocked job. */
static void test_thread_cancel_running(void **state)
{
	struct canceller c;
	struct work w;
	char *cause = NULL;
	pthread_t t;
	struct snap s;

	(void)state;
	work_init(&w);
	assert_int_equal(job_start_thread(JK_MIGRATE, &desk, &work_ops, &w, &c.id,
	    &cause), 0);
	while (snap(c.id).state == JOB_QUEUED)
		job_wait(c.id, 10);
	assert_int_equal(job_wait(c.id, 100), JOB_RUNNING);	/* really blocked */
	c.cause = NULL;
	assert_int_equal(pthread_create(&t, NULL, cancel_from_thread, &c), 0);
	pthread_join(t, NULL);
	assert_int_equal(c.rc, 0);
	assert_null(c.cause);
	assert_int_equal(job_wait(c.id, 10000), JOB_CANCELLED);
	s = snap(c.id);
	assert_string_equal(s.error, "operation aborted: migration job: canceled by client");
	assert_true(w.aborted);
	assert_false(pthread_equal(w.cancel_thread, c.self));
	assert_false(pthread_equal(w.cancel_thread, w.run_thread));
	assert_true(pthread_equal(w.cancel_thread, w.watch_thread) || w.watched == 0);
	assert_int_equal(jobs_stop(5000), 0);
	assert_true(freed(&w));
}

/* Shutting down cancels running job threads and waits for them. */
static void test_jobs_stop_cancels(void **state)
{
	struct work w;
	char *cause = NULL;
	unsigned id;

	(void)state;
	work_init(&w);
	assert_int_equal(job_start_thread(JK_DERIVE, &desk, &work_ops, &w, &id,
	    &cause), 0);
	while (snap(id).state == JOB_QUEUED)
		job_wait(id, 10);
	assert_int_equal(jobs_stop(5000), 0);
	assert_int_equal(snap(id).state, JOB_CANCELLED);
	assert_true(freed(&w));
}

/* ---- claims ---- */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int open, started, fail;
};

static void gate_init(struct gate *g)
{
	memset(g, 0, sizeof *g);
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
}

static void gate_open(struct gate *g, int fail)
{
	pthread_mutex_lock(&g->lock);
	g->open = 1;
	g->fail = fail;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* A run that blocks until its gate opens, then ends as the gate says. */
static int gate_run(unsigned id, void *ctx, char **cause)
{
	struct gate *g = ctx;
	int fail;

	(void)id;
	pthread_mutex_lock(&g->lock);
	g->started = 1;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	fail = g->fail;
	pthread_mutex_unlock(&g->lock);
	if (fail)
		*cause = xstrdup("connection closed");
	return fail ? -1 : 0;
}

static void gate_started(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->started)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_cancel(unsigned id, void *ctx)
{
	(void)id;
	gate_open(ctx, 1);
}

/* no cancel hook: once running it runs to its end */
static const struct job_ops gate_ops = { gate_run, NULL, NULL, NULL, 10 };
static const struct job_ops gate_cancel_ops = { gate_run, NULL, gate_cancel,
    NULL, 10 };

static const struct job_target derive_t = { NULL, "groups/ov-{1..3}", 1, "hv1" };
static const struct job_target delete_t = { NULL, "bases/base.qcow2", 1, "hv1" };

/* A derive's read claim on its base refuses a delete (a write) naming
 * the derive, lets another reader in, and goes with the derive. */
static void test_claims(void **state)
{
	struct job_claim derive_c[2] = {
		{ "shared nas:/b\tbase.qcow2", "bases/base.qcow2", JOB_READS },
		{ "shared nas:/g\tov-1", "groups/ov-1", JOB_WRITES },
	};
	struct job_claim del_c = { "shared nas:/b\tbase.qcow2",
	    "bases/base.qcow2", JOB_WRITES };
	struct job_claim copy_c = { "shared nas:/g\tov-1", "groups/ov-1",
	    JOB_WRITES };
	struct gate g, g2;
	char *cause = NULL, *why, *want;
	unsigned derive, reader, del;

	(void)state;
	gate_init(&g);
	gate_init(&g2);
	assert_int_equal(job_start_claiming(JK_DERIVE, &derive_t, derive_c, 2,
	    &gate_ops, &g, &derive, &cause), 0);
	/* queued or running alike: the claim is there from the start */
	assert_int_equal(job_start_claiming(JK_VOLUME_DELETE, &delete_t, &del_c,
	    1, &gate_ops, &g2, &del, &cause), -1);
	want = xasprintf("bases/base.qcow2 is read by job %u (derive "
	    "groups/ov-{1..3}): wait for it or cancel it", derive);
	assert_string_equal(cause, want);
	free(cause);
	cause = NULL;
	/* a second copy onto the derive's target */
	assert_int_equal(job_start_claiming(JK_DESKTOP_NEW, &desk, &copy_c, 1,
	    &gate_ops, &g2, &del, &cause), -1);
	assert_non_null(strstr(cause, "groups/ov-1 is written by job"));
	free(cause);
	cause = NULL;
	why = job_claim_conflict("shared nas:/b\tbase.qcow2", "bases/base.qcow2",
	    JOB_WRITES);
	assert_string_equal(why, want);
	free(why);
	assert_null(job_claim_conflict("shared nas:/b\tbase.qcow2",
	    "bases/base.qcow2", JOB_READS));
	assert_null(job_claim_conflict("shared nas:/b\tother.qcow2",
	    "bases/other.qcow2", JOB_WRITES));
	/* readers share */
	assert_int_equal(job_start_claiming(JK_DERIVE, &derive_t, derive_c, 1,
	    &gate_ops, &g2, &reader, &cause), 0);
	gate_open(&g2, 0);
	assert_int_equal(job_wait(reader, 10000), JOB_DONE);
	/* the derive ends: its claims go with it */
	gate_open(&g, 0);
	assert_int_equal(job_wait(derive, 10000), JOB_DONE);
	assert_null(job_claim_conflict("shared nas:/b\tbase.qcow2",
	    "bases/base.qcow2", JOB_WRITES));
	gate_init(&g2);
	gate_open(&g2, 0);
	assert_int_equal(job_start_claiming(JK_VOLUME_DELETE, &delete_t, &del_c,
	    1, &gate_ops, &g2, &del, &cause), 0);
	assert_int_equal(job_wait(del, 10000), JOB_DONE);
	free(want);
}

/* A job cancelled while queued lets go of its claims at once. */
static void test_claims_cancel_queued(void **state)
{
	struct job_claim c = { "host 1\tdefault\tx.qcow2", "default/x.qcow2",
	    JOB_WRITES };
	struct gate g;
	char *cause = NULL;
	unsigned a, b;

	(void)state;
	gate_init(&g);
	assert_int_equal(job_start_claiming(JK_DERIVE, &derive_t, &c, 1,
	    &gate_cancel_ops, &g, &a, &cause), 0);
	assert_int_equal(job_cancel(a, &cause), 0);
	gate_open(&g, 1);
	job_wait(a, 10000);
	assert_int_equal(job_start_claiming(JK_DERIVE, &derive_t, &c, 1,
	    &gate_ops, &g, &b, &cause), 0);
	assert_int_equal(job_wait(b, 10000) == JOB_DONE ||
	    snap(b).state == JOB_FAILED, 1);
}

/* ---- the point of no return (add host's save) ---- */

static void test_commit(void **state)
{
	struct gate g;
	char *cause = NULL;
	unsigned id;

	(void)state;
	/* committed first: a cancel is refused and the job ends done */
	gate_init(&g);
	assert_int_equal(job_start_thread(JK_ADD_HOST, &desk, &gate_cancel_ops,
	    &g, &id, &cause), 0);
	gate_started(&g);
	assert_int_equal(job_commit(id, &cause), 0);
	assert_int_equal(job_cancel(id, &cause), -1);
	assert_non_null(strstr(cause, "too late to cancel"));
	free(cause);
	cause = NULL;
	assert_int_equal(jobs_stop(50), 1);	/* not cancelled at exit either */
	gate_open(&g, 0);
	assert_int_equal(job_wait(id, 10000), JOB_DONE);

	/* cancelled first: the commit says so and nothing is made */
	gate_init(&g);
	assert_int_equal(job_start_thread(JK_ADD_HOST, &desk, &gate_ops, &g, &id,
	    &cause), 0);
	gate_started(&g);
	job_lock();
	job_find(id)->cancel = gate_cancel;	/* cancellable, hook not run */
	job_unlock();
	assert_int_equal(job_cancel(id, &cause), 0);
	assert_int_equal(job_commit(id, &cause), -1);
	assert_string_equal(cause, "cancelled");
	free(cause);
	gate_open(&g, 1);
	assert_int_equal(job_wait(id, 10000), JOB_CANCELLED);
}

/* At exit a job without a cancel hook is not cancelled: when it fails on
 * its own it is recorded failed, with its own text. */
static void test_stop_without_hook_fails(void **state)
{
	struct gate g;
	char *cause = NULL;
	unsigned id;

	(void)state;
	gate_init(&g);
	assert_int_equal(job_start_thread(JK_DESKTOP_NEW, &desk, &gate_ops, &g,
	    &id, &cause), 0);
	gate_started(&g);
	assert_int_equal(jobs_stop(50), 1);
	gate_open(&g, 1);
	assert_int_equal(job_wait(id, 10000), JOB_FAILED);
	assert_string_equal(snap(id).error, "connection closed");
}

/* job_active_count reads the list under the lock: run beside a thread
 * that adds and ends jobs (ThreadSanitizer sees a race otherwise). */
static void *churn(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 200; i++)
		job_done(job_new(JK_START, &desk, NULL, NULL));
	return NULL;
}

static void test_active_count_locked(void **state)
{
	pthread_t t;
	unsigned id = job_new(JK_SHUTDOWN, &desk, NULL, NULL);
	int i;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, churn, NULL), 0);
	for (i = 0; i < 200; i++)
		assert_true(job_active_count() >= 1);
	pthread_join(t, NULL);
	assert_int_equal(job_active_count(), 1);
	job_done(id);
	assert_int_equal(job_active_count(), 0);
}

/* ---- nothing is told under the model lock ---- */

static int hook_calls, hook_under_lock;

static void *attach_any(void)
{
	return &hook_calls;
}

static void end_checks_lock(void *ctx, enum job_state s, const char *error)
{
	(void)ctx;
	(void)s;
	(void)error;
	hook_calls++;
	hook_under_lock += model_lock_held();
}

/* A host lost fails the shutdown the model awaited (its audit line is
 * written by the end hook): the hook runs after the model lock. */
static void test_end_hook_outside_model_lock(void **state)
{
	const char *uuid = "aaaaaaaa-0000-0000-0000-000000000001";
	struct config_host ch = { .name = (char *)"hv1",
	    .uri = (char *)"test:///default" };
	struct xml_domain x;
	unsigned h1, id;

	(void)state;
	h1 = model_host_add(&ch);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	memset(&x, 0, sizeof x);
	model_desktop_seen(h1, uuid, "alice", DS_RUNNING, 1, 1, &x);
	job_set_end_hook(attach_any, end_checks_lock);
	hook_calls = hook_under_lock = 0;
	id = job_new(JK_SHUTDOWN, &desk, NULL, NULL);
	assert_int_equal(job_begin(id), 0);
	model_desktop_pending(uuid, "shutting down");
	assert_int_equal(model_desktop_await(uuid, id, "shut down"), 1);
	model_host_set_state(h1, HOST_OFFLINE, "connection lost");
	assert_int_equal(job_wait(id, 1000), JOB_FAILED);
	job_set_end_hook(NULL, NULL);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(hook_under_lock, 0);
	/* and the check itself can fail */
	model_lock();
	assert_true(model_lock_held());
	model_unlock();
	assert_false(model_lock_held());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_keeps_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_declined_is_cancelled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_running_without_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_wakes_on_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dismiss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dismiss_waited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_wakes_ui, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_watcher_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_cancel_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobs_stop_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims_cancel_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_without_hook_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_active_count_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_hook_outside_model_lock, setup, teardown),
	};

	return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
