/* job.c — the jobs: a list in id order under one lock, a condition for
 * waiters, and the thread pair (job + watcher) for long jobs. See job.h
 * for the states and the lock order. */
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WATCH_MS_DEFAULT 500

static const char *const kind_names[JK_COUNT] = {
	[JK_START] = "start", [JK_SHUTDOWN] = "shutdown",
	[JK_REBOOT] = "reboot", [JK_PAUSE] = "pause", [JK_RESUME] = "resume",
	[JK_FORCE_OFF] = "force off", [JK_MIGRATE] = "migrate",
	[JK_DERIVE] = "derive", [JK_ADD_HOST] = "add host",
	[JK_DRAIN] = "drain", [JK_POOL_REFRESH] = "refresh",
	[JK_VOLUME_DELETE] = "delete volume",
	[JK_REMOVE_HOST] = "remove host",
	[JK_DESKTOP_NEW] = "desktop new", [JK_TEMPLATE_FROM] = "template from",
	[JK_DESKTOP_DELETE] = "desktop delete",
	[JK_DISK_MOVE] = "move disk",
	[JK_DESKTOP_SET] = "desktop set",
	[JK_DESKTOP_SET_CPU] = "set CPU",
	[JK_ABORT] = "abort",
};

static const char *const state_names[] = {
	[JOB_QUEUED] = "queued", [JOB_RUNNING] = "running",
	[JOB_DONE] = "done", [JOB_FAILED] = "failed",
	[JOB_CANCELLED] = "cancelled", [JOB_GONE] = "gone",
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed_cond;     /* CLOCK_MONOTONIC, see init_once */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct job **jobs;               /* id order */
static size_t njobs;
static unsigned next_id = 1;
static uint64_t generation;
static unsigned threads_running;        /* job threads not yet ended */
/* The claims of jobs not yet final, in no order (a handful at a time). */
struct claim {
	unsigned job;
	char *key, *label;
	enum job_claim_mode mode;
};
static struct claim *claims;
static size_t nclaims;
static void *(*end_attach)(void);
static void (*end_hook)(void *ctx, enum job_state s, const char *error);

void job_set_end_hook(void *(*attach)(void),
    void (*end)(void *ctx, enum job_state s, const char *error))
{
	end_attach = attach;
	end_hook = end;
}

/* What a job's end tells its hook, taken under the lock (so it is told
 * once) and told after it (the hook writes files). */
struct ending {
	void *ctx;
	enum job_state state;
	char *error;
};

/* Lock held. A final job claims nothing any more. */
static void claims_drop(unsigned job)
{
	size_t i, w;

	for (i = 0, w = 0; i < nclaims; i++) {
		if (claims[i].job == job) {
			free(claims[i].key);
			free(claims[i].label);
			continue;
		}
		claims[w++] = claims[i];
	}
	nclaims = w;
}

/* Lock held. j has just become final (or is forgotten: JOB_GONE). */
static void take_ending(struct job *j, enum job_state s, struct ending *e)
{
	claims_drop(j->id);
	e->ctx = j->end_ctx;
	e->state = s;
	e->error = e->ctx != NULL ? xstrdup(j->error) : NULL;
	j->end_ctx = NULL;
}

/* Lock not held. */
static void tell_ending(struct ending *e)
{
	if (e->ctx != NULL && end_hook != NULL)
		end_hook(e->ctx, e->state, e->error);
	free(e->error);
	memset(e, 0, sizeof *e);
}

const char *job_kind_name(enum job_kind k)
{
	return k < JK_COUNT && kind_names[k] != NULL ? kind_names[k] : "?";
}

const char *job_state_name(enum job_state s)
{
	return s <= JOB_GONE ? state_names[s] : "?";
}

int job_state_final(enum job_state s)
{
	return s == JOB_DONE || s == JOB_FAILED || s == JOB_CANCELLED;
}

/* The model's awaited jobs end here (after its lock: see model.h). */
static void settled_by_model(unsigned id, const char *error)
{
	if (error != NULL)
		job_fail(id, error);
	else
		job_done(id);
}

static int migrating(const char *uuid)
{
	return job_find_active(JK_MIGRATE, uuid) != 0;
}

static const struct model_jobs model_hooks = {
	.settle = settled_by_model,
	.migrating = migrating,
};

static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

/* The model learns of the jobs the first time there are any: before that
 * no job can be awaited or migrating. */
static void init_once(void)
{
	model_set_jobs(&model_hooks);
	cond_init_monotonic(&changed_cond);
}

void job_lock(void)
{
	pthread_once(&once, init_once);
	pthread_mutex_lock(&lock);
}

void job_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

/* Lock held. Waiters and the UI learn of every change; a job's watcher
 * only of its own job's (its own condition: a busy job never wakes the
 * watchers of the others). */
static void touch(struct job *j)
{
	j->gen = ++generation;
	pthread_cond_broadcast(&changed_cond);
	if (j->watch_cond != NULL)
		pthread_cond_broadcast(j->watch_cond);
	model_wake();
}

static void job_free(struct job *j)
{
	free(j->name);
	free(j->host);
	free(j->error);
	free(j);
}

/* Lock held. Forget the oldest finished jobs beyond JOB_HISTORY; a job a
 * waiter still looks at stays until it has looked. */
static void prune(void)
{
	size_t i, finished = 0, w;

	for (i = 0; i < njobs; i++)
		finished += job_state_final(jobs[i]->state);
	for (i = 0, w = 0; i < njobs; i++) {
		if ((finished > JOB_HISTORY || jobs[i]->dismissed) &&
		    job_state_final(jobs[i]->state) && jobs[i]->waiters == 0) {
			job_free(jobs[i]);
			finished--;
			continue;
		}
		jobs[w++] = jobs[i];
	}
	njobs = w;
}

static int id_cmp(const void *key, const void *elem)
{
	unsigned id = *(const unsigned *)key;
	unsigned other = (*(struct job *const *)elem)->id;

	return id < other ? -1 : id > other;
}

struct job *job_find(unsigned id)
{
	struct job **p;

	if (njobs == 0)
		return NULL;
	p = bsearch(&id, jobs, njobs, sizeof *jobs, id_cmp);
	return p != NULL ? *p : NULL;
}

struct job *job_first(void)
{
	return njobs > 0 ? jobs[0] : NULL;
}

struct job *job_next(const struct job *j)
{
	struct job **p = bsearch(&j->id, jobs, njobs, sizeof *jobs, id_cmp);

	return p != NULL && (size_t)(p - jobs) + 1 < njobs ? p[1] : NULL;
}

struct job *job_last(void)
{
	return njobs > 0 ? jobs[njobs - 1] : NULL;
}

struct job *job_prev(const struct job *j)
{
	struct job **p = bsearch(&j->id, jobs, njobs, sizeof *jobs, id_cmp);

	return p != NULL && p > jobs ? p[-1] : NULL;
}

const struct job_sample *job_last_sample(const struct job *j)
{
	if (j->nsamples == 0)
		return NULL;
	return &j->samples[(j->sample_head + j->nsamples - 1) % JOB_SAMPLES];
}

/* A job not yet in the list (no id); its maker's hook attached. */
static struct job *job_make(enum job_kind kind, const struct job_target *t,
    job_cancel_fn cancel, void *cancel_ctx)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->kind = kind;
	j->state = JOB_QUEUED;
	if (t != NULL) {
		snprintf(j->uuid, sizeof j->uuid, "%s", t->uuid ? t->uuid : "");
		j->name = xstrdup(t->name);
		j->host = xstrdup(t->host);
		j->host_id = t->host_id;
	}
	j->created_ms = util_now_ms();
	j->created_wall_ms = util_wall_ms();
	j->cancel = cancel;
	j->cancel_ctx = cancel_ctx;
	j->end_ctx = end_attach != NULL ? end_attach() : NULL;
	return j;
}

static const char *claim_verb(enum job_claim_mode m)
{
	return m == JOB_READS ? "read" : "written";
}

/* Lock held. The refusal of a `mode` of key by anyone but job `self`. */
static char *conflict_locked(const char *key, const char *label,
    enum job_claim_mode mode, unsigned self)
{
	const struct job *o;
	size_t i;

	for (i = 0; i < nclaims; i++) {
		if (claims[i].job == self || strcmp(claims[i].key, key) != 0 ||
		    (mode == JOB_READS && claims[i].mode == JOB_READS))
			continue;
		o = job_find(claims[i].job);
		return xasprintf("%s is %s by job %u (%s%s%s): wait for it or "
		    "cancel it", label, claim_verb(claims[i].mode), claims[i].job,
		    o != NULL ? job_kind_name(o->kind) : "?",
		    o != NULL && o->name != NULL ? " " : "",
		    o != NULL && o->name != NULL ? o->name : "");
	}
	return NULL;
}

void job_claims_free(struct job_claim *c, size_t n)
{
	size_t i;

	for (i = 0; c != NULL && i < n; i++) {
		free((char *)c[i].key);
		free((char *)c[i].label);
	}
	free(c);
}

char *job_claim_conflict(const char *key, const char *label,
    enum job_claim_mode mode)
{
	char *why;

	job_lock();
	why = conflict_locked(key, label, mode, 0);
	job_unlock();
	return why;
}

/* Put j in the list with its claims, counted as a job thread when
 * threaded: one step under the lock, so jobs_stop sees it whole. -1 with
 * *cause when a claim conflicts (j is then not in the list). */
static int publish(struct job *j, const struct job_claim *c, size_t n,
    int threaded, char **cause)
{
	size_t i;

	job_lock();
	for (i = 0; i < n; i++)
		if ((*cause = conflict_locked(c[i].key, c[i].label, c[i].mode,
		    0)) != NULL) {
			job_unlock();
			return -1;
		}
	j->id = next_id++;
	claims = xreallocarray(claims, nclaims + n, sizeof *claims);
	for (i = 0; i < n; i++) {
		claims[nclaims].job = j->id;
		claims[nclaims].key = xstrdup(c[i].key);
		claims[nclaims].label = xstrdup(c[i].label);
		claims[nclaims++].mode = c[i].mode;
	}
	j->threaded = threaded;
	threads_running += threaded != 0;
	jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
	jobs[njobs++] = j;
	touch(j);
	job_unlock();
	return 0;
}

unsigned job_new(enum job_kind kind, const struct job_target *t,
    job_cancel_fn cancel, void *cancel_ctx)
{
	struct job *j = job_make(kind, t, cancel, cancel_ctx);
	char *cause = NULL;

	if (publish(j, NULL, 0, 0, &cause) < 0)
		abort();        /* no claims: nothing can conflict */
	return j->id;
}

unsigned job_mirror_new(unsigned id, enum job_kind kind,
    const struct job_target *t)
{
	struct job *j;
	size_t at;

	job_lock();
	if (id == 0 || job_find(id) != NULL) {
		job_unlock();
		return 0;
	}
	job_unlock();
	j = job_make(kind, t, NULL, NULL);
	job_lock();
	j->id = id;
	if (next_id <= id)
		next_id = id + 1;
	/* kept in id order (job_find's bsearch) */
	for (at = njobs; at > 0 && jobs[at - 1]->id > id; at--)
		;
	jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
	memmove(jobs + at + 1, jobs + at, (njobs - at) * sizeof *jobs);
	jobs[at] = j;
	njobs++;
	touch(j);
	job_unlock();
	return id;
}

int job_begin(unsigned id)
{
	struct ending e = { 0 };
	struct job *j;
	int rc = -1;

	job_lock();
	j = job_find(id);
	if (j != NULL && j->state == JOB_QUEUED && j->cancel_requested) {
		/* jobs_stop asked before the runner got to it */
		j->state = JOB_CANCELLED;
		util_set_str(&j->error, "cancelled before it started");
		j->ended_ms = util_now_ms();
		take_ending(j, j->state, &e);
		touch(j);
	} else if (j != NULL && j->state == JOB_QUEUED) {
		j->state = JOB_RUNNING;
		j->started_ms = util_now_ms();
		touch(j);
		rc = 0;
	}
	job_unlock();
	tell_ending(&e);
	return rc;
}

void job_progress(unsigned id, double pct, uint64_t done, uint64_t total,
    const char *phase)
{
	struct job_sample *s;
	struct job *j;

	job_lock();
	j = job_find(id);
	if (j != NULL && j->state == JOB_RUNNING) {
		if (j->nsamples == JOB_SAMPLES)
			j->sample_head = (j->sample_head + 1) % JOB_SAMPLES;
		else
			j->nsamples++;
		s = &j->samples[(j->sample_head + j->nsamples - 1) % JOB_SAMPLES];
		s->at_ms = util_now_ms();
		s->pct = pct;
		s->done = done;
		s->total = total;
		snprintf(s->phase, sizeof s->phase, "%s", phase ? phase : "");
		touch(j);
	}
	job_unlock();
}

/* A job ends once: a late runner cannot revive a cancelled queued job. */
static void finish(unsigned id, const char *error)
{
	struct ending e = { 0 };
	struct job *j;

	job_lock();
	j = job_find(id);
	if (j != NULL && !job_state_final(j->state)) {
		if (error == NULL)
			j->state = JOB_DONE;
		else
			j->state = (j->cancel_requested || j->declined) &&
			    !j->committed ? JOB_CANCELLED : JOB_FAILED;
		util_set_str(&j->error, error);
		j->ended_ms = util_now_ms();
		take_ending(j, j->state, &e);
		touch(j);
		prune();
	}
	job_unlock();
	tell_ending(&e);
}

void job_done(unsigned id)
{
	finish(id, NULL);
}

void job_fail(unsigned id, const char *error)
{
	finish(id, error != NULL ? error : "failed");
}

void job_declined(unsigned id)
{
	struct job *j;

	job_lock();
	if ((j = job_find(id)) != NULL && !job_state_final(j->state))
		j->declined = 1;
	job_unlock();
}

int job_cancel(unsigned id, char **cause)
{
	struct ending e = { 0 };
	struct job *j;
	int rc = 0;

	job_lock();
	j = job_find(id);
	if (j == NULL) {
		*cause = xasprintf("no job %u", id);
		rc = -1;
	} else if (job_state_final(j->state)) {
		*cause = xasprintf("job %u has already %s", id,
		    j->state == JOB_DONE ? "finished" : job_state_name(j->state));
		rc = -1;
	} else if (j->state == JOB_QUEUED) {
		j->cancel_requested = 1;
		j->state = JOB_CANCELLED;
		util_set_str(&j->error, "cancelled before it started");
		j->ended_ms = util_now_ms();
		take_ending(j, j->state, &e);
		touch(j);
		prune();
	} else if (j->cancel == NULL) {
		*cause = xasprintf("job %u (%s) cannot be cancelled once running",
		    id, job_kind_name(j->kind));
		rc = -1;
	} else if (j->committed) {
		*cause = xasprintf("job %u (%s) is making its change: too late "
		    "to cancel", id, job_kind_name(j->kind));
		rc = -1;
	} else {
		j->cancel_requested = 1;    /* the watcher delivers it */
		touch(j);
	}
	job_unlock();
	tell_ending(&e);
	return rc;
}

int job_commit(unsigned id, char **cause)
{
	struct job *j;
	int rc = 0;

	job_lock();
	j = job_find(id);
	if (j == NULL || j->state != JOB_RUNNING || j->cancel_requested) {
		*cause = xstrdup("cancelled");
		rc = -1;
	} else {
		j->committed = 1;
		touch(j);
	}
	job_unlock();
	return rc;
}

enum job_state job_wait(unsigned id, int timeout_ms)
{
	struct timespec ts = util_deadline(CLOCK_MONOTONIC,
	    timeout_ms > 0 ? timeout_ms : 0);
	struct job *j;
	enum job_state s;

	job_lock();
	j = job_find(id);
	if (j == NULL) {
		job_unlock();
		return JOB_GONE;
	}
	j->waiters++;
	while (!job_state_final(j->state)) {
		if (timeout_ms < 0)
			pthread_cond_wait(&changed_cond, &lock);
		else if (pthread_cond_timedwait(&changed_cond, &lock, &ts) == ETIMEDOUT)
			break;
	}
	s = j->state;
	j->waiters--;
	prune();
	job_unlock();
	return s;
}

void job_hold(unsigned id)
{
	struct job *j;

	job_lock();
	if ((j = job_find(id)) != NULL)
		j->waiters++;
	job_unlock();
}

void job_release(unsigned id)
{
	struct job *j;

	job_lock();
	if ((j = job_find(id)) != NULL && j->waiters > 0) {
		j->waiters--;
		prune();
	}
	job_unlock();
}

unsigned job_find_active(enum job_kind kind, const char *uuid)
{
	unsigned id = 0;
	size_t i;

	job_lock();
	for (i = 0; i < njobs && id == 0; i++)
		if (jobs[i]->kind == kind && !job_state_final(jobs[i]->state) &&
		    strcmp(jobs[i]->uuid, uuid) == 0)
			id = jobs[i]->id;
	job_unlock();
	return id;
}

char *job_error(unsigned id)
{
	struct job *j;
	char *e = NULL;

	job_lock();
	j = job_find(id);
	if (j != NULL)
		e = xstrdup(j->error);
	job_unlock();
	return e;
}

int job_dismiss(unsigned id, char **cause)
{
	struct job *j;
	int rc = 0;

	job_lock();
	j = job_find(id);
	if (j == NULL) {
		*cause = xasprintf("no job %u", id);
		rc = -1;
	} else if (!job_state_final(j->state)) {
		*cause = xasprintf("job %u is still %s (c cancels it)", id,
		    job_state_name(j->state));
		rc = -1;
	} else {
		j->dismissed = 1;
		prune();
		generation++;	/* the pane loses a row: no job is touched */
		model_wake();
	}
	job_unlock();
	return rc;
}

unsigned job_dismiss_finished(void)
{
	unsigned n = 0;
	size_t i;

	job_lock();
	for (i = 0; i < njobs; i++)
		if (job_state_final(jobs[i]->state) && !jobs[i]->dismissed) {
			jobs[i]->dismissed = 1;
			n++;
		}
	if (n > 0) {
		prune();
		generation++;
		model_wake();
	}
	job_unlock();
	return n;
}

unsigned job_active_count(void)
{
	unsigned n = 0;
	size_t i;

	job_lock();
	for (i = 0; i < njobs; i++)
		n += !job_state_final(jobs[i]->state);
	job_unlock();
	return n;
}

uint64_t job_generation(void)
{
	uint64_t g;

	job_lock();
	g = generation;
	job_unlock();
	return g;
}

/* ---- long jobs: a job thread and its watcher ---- */

struct runner {
	unsigned id;
	const struct job_ops *ops;
	void *ctx;
	int running;                /* run() has not returned: lock */
	pthread_cond_t cond;        /* its job changed, or run returned */
};


/* Watcher thread: sample every watch_ms, deliver a cancel at once. */
static void *watcher_main(void *arg)
{
	struct runner *r = arg;
	int interval = r->ops->watch_ms > 0 ? r->ops->watch_ms : WATCH_MS_DEFAULT;
	struct timespec next = util_deadline(CLOCK_MONOTONIC, interval);
	struct job *j;
	int cancel, sample;

	job_lock();
	while (r->running) {
		j = job_find(r->id);
		cancel = j != NULL && j->cancel_requested && !j->cancel_delivered;
		sample = 0;
		if (cancel)
			j->cancel_delivered = 1;
		else if (pthread_cond_timedwait(&r->cond, &lock, &next) == ETIMEDOUT) {
			sample = 1;
			next = util_deadline(CLOCK_MONOTONIC, interval);
		}
		if (!r->running || (!cancel && !sample))
			continue;
		job_unlock();   /* hooks call libvirt: never under the lock */
		if (cancel && r->ops->cancel != NULL)
			r->ops->cancel(r->id, r->ctx);
		if (sample && r->ops->watch != NULL)
			r->ops->watch(r->id, r->ctx);
		job_lock();
	}
	job_unlock();
	return NULL;
}

static void *job_thread_main(void *arg)
{
	struct runner *r = arg;
	pthread_t watcher;
	struct job *j;
	char *cause = NULL;
	int rc, watching;

	if (job_begin(r->id) == 0) {
		job_lock();
		r->running = 1;
		if ((j = job_find(r->id)) != NULL)
			j->watch_cond = &r->cond;
		job_unlock();
		watching = pthread_create(&watcher, NULL, watcher_main, r) == 0;
		if (!watching)
			log_msg(LOG_WARN, "job %u: no watcher thread", r->id);
		rc = r->ops->run(r->id, r->ctx, &cause);
		job_lock();
		r->running = 0;
		pthread_cond_broadcast(&r->cond);
		if ((j = job_find(r->id)) != NULL)
			j->watch_cond = NULL;
		job_unlock();
		if (watching)
			pthread_join(watcher, NULL);
		if (rc == 0)
			job_done(r->id);
		else
			job_fail(r->id, cause);
		free(cause);
	}
	if (r->ops->free != NULL)
		r->ops->free(r->ctx);
	job_lock();
	threads_running--;
	pthread_cond_broadcast(&changed_cond);
	job_unlock();
	pthread_cond_destroy(&r->cond);
	free(r);
	return NULL;
}

int job_start_thread(enum job_kind kind, const struct job_target *t,
    const struct job_ops *ops, void *ctx, unsigned *id, char **cause)
{
	return job_start_claiming(kind, t, NULL, 0, ops, ctx, id, cause);
}

/* The job is refused or has no thread: it never ran. */
static void never_ran(const struct job_ops *ops, void *ctx, struct runner *r)
{
	if (ops->free != NULL)
		ops->free(ctx);
	pthread_cond_destroy(&r->cond);
	free(r);
}

int job_start_claiming(enum job_kind kind, const struct job_target *t,
    const struct job_claim *c, size_t n, const struct job_ops *ops,
    void *ctx, unsigned *id, char **cause)
{
	struct runner *r = xcalloc(1, sizeof *r);
	struct job *j = job_make(kind, t, ops->cancel, ctx);
	struct ending e = { 0 };
	pthread_attr_t attr;
	pthread_t thread;
	int rc;

	r->ops = ops;
	r->ctx = ctx;
	cond_init_monotonic(&r->cond);
	if (publish(j, c, n, 1, cause) < 0) {
		/* its maker hears it failed: it never was a job */
		e.ctx = j->end_ctx;
		e.state = JOB_FAILED;
		e.error = e.ctx != NULL ? xstrdup(*cause) : NULL;
		job_free(j);
		tell_ending(&e);
		never_ran(ops, ctx, r);
		return -1;
	}
	r->id = j->id;
	/* detached: jobs_stop waits on threads_running, never joins */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, job_thread_main, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		*cause = xasprintf("cannot start a job thread: %s", strerror(rc));
		job_fail(r->id, *cause);
		job_lock();
		threads_running--;
		pthread_cond_broadcast(&changed_cond);
		job_unlock();
		never_ran(ops, ctx, r);
		return -1;
	}
	*id = r->id;
	return 0;
}

int jobs_stop(int timeout_ms)
{
	struct timespec ts = util_deadline(CLOCK_MONOTONIC, timeout_ms);
	size_t i;
	unsigned left;

	job_lock();
	for (i = 0; i < njobs; i++) {
		struct job *j = jobs[i];

		/* one that cannot be cancelled ends as it ends: not "cancelled" */
		if (!j->threaded || job_state_final(j->state) ||
		    (j->state == JOB_RUNNING && (j->cancel == NULL || j->committed)))
			continue;
		j->cancel_requested = 1;
		touch(j);
	}
	while (threads_running > 0 &&
	    pthread_cond_timedwait(&changed_cond, &lock, &ts) != ETIMEDOUT)
		;
	left = threads_running;
	job_unlock();
	return (int)left;
}

void jobs_free(void)
{
	struct ending *e;
	size_t i, n;

	job_lock();
	n = njobs;
	e = xcalloc(n + 1, sizeof *e);
	for (i = 0; i < n; i++) {
		/* forgotten unfinished: its maker still hears that it ended */
		take_ending(jobs[i], JOB_GONE, &e[i]);
		job_free(jobs[i]);
	}
	free(jobs);
	jobs = NULL;
	njobs = 0;
	free(claims);
	claims = NULL;
	nclaims = 0;
	job_unlock();
	for (i = 0; i < n; i++)
		tell_ending(&e[i]);
	free(e);
}
