/* job.h — every action that takes time is a job: a stable id, a kind, a
 * target, a state (queued -> running -> done | failed | cancelled), times,
 * progress samples, libvirt's (or libssh's) error text, a cancel hook and a
 * completion that a waiter (a CLI subcommand) can block on.
 *
 * Short actions run on their host's worker and mark their job themselves
 * (job_new, job_begin, job_done / job_fail). Long jobs (migrate, derive,
 * add host, drain) run on a thread of their own with a watcher thread
 * beside it, virsh's pattern: the job blocks in one libvirt call while the
 * watcher samples progress and delivers a cancel, so no host worker ever
 * waits behind a long job (job_start_thread).
 *
 * Locking: jobs have their own lock. Readers (the jobs pane) bracket
 * job_first/job_next/job_find with job_lock()/job_unlock(); pointers are
 * valid only while it is held. Lock order: the model lock before the job
 * lock, never the other way: nothing in job.c takes the model lock (the
 * model ends the jobs it awaited after its lock: model_set_jobs). Every
 * change bumps job_generation() and wakes the UI through model_wake(). */
#ifndef HVDECK_JOB_H
#define HVDECK_JOB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum job_state {
	JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED,
	JOB_GONE,       /* job_wait: no such job (never made, or forgotten) */
};

/* One line per kind; later verbs add theirs here and in job.c's table. */
enum job_kind {
	JK_START, JK_SHUTDOWN, JK_REBOOT, JK_PAUSE, JK_RESUME, JK_FORCE_OFF,
	JK_MIGRATE, JK_DERIVE, JK_ADD_HOST, JK_DRAIN, JK_POOL_REFRESH,
	JK_VOLUME_DELETE,
	JK_REMOVE_HOST,
	JK_DESKTOP_NEW, JK_TEMPLATE_FROM, JK_DESKTOP_DELETE,
	JK_DISK_MOVE,
	JK_DESKTOP_SET,
	JK_DESKTOP_SET_CPU,
	JK_ABORT,       /* abort a job libvirt runs that hvdeck did not start */
	JK_COUNT
};

/* What a job works on; any field may be empty (add host has no desktop). */
struct job_target {
	const char *uuid;           /* desktop UUID */
	const char *name;           /* desktop (or new host) name */
	unsigned host_id;           /* 0 = none */
	const char *host;           /* host name */
};

#define JOB_SAMPLES 16          /* progress samples kept per job */
#define JOB_HISTORY 64          /* finished jobs kept for the jobs pane */
#define JOB_PHASE_MAX 48

struct job_sample {
	int64_t at_ms;              /* monotonic */
	double pct;                 /* -1 = unknown */
	uint64_t done, total;       /* bytes; total 0 = unknown */
	char phase[JOB_PHASE_MAX];
};

/* A cancel hook: asked to stop a running job (e.g. virDomainAbortJob). It
 * runs on the job's watcher thread, never on the caller of job_cancel (the
 * UI must not call libvirt). */
typedef void (*job_cancel_fn)(unsigned id, void *ctx);

struct job {
	unsigned id;                /* 1, 2, ...; never reused */
	enum job_kind kind;
	enum job_state state;
	char uuid[40];
	char *name, *host;
	unsigned host_id;
	int64_t created_ms, started_ms, ended_ms;       /* monotonic, 0 = not yet */
	int64_t created_wall_ms;
	struct job_sample samples[JOB_SAMPLES];         /* ring, oldest at head */
	unsigned nsamples, sample_head;
	char *error;                /* library's text when failed/cancelled */
	int cancel_requested;
	uint64_t gen;               /* job_generation() at its last change */
	/* private to job.c */
	job_cancel_fn cancel;
	void *cancel_ctx;
	int cancel_delivered;
	int waiters;                /* a waiter pins a finished job */
	int threaded;               /* has a job thread + watcher */
	void *end_ctx;              /* the end hook's, from its attach */
	int dismissed;              /* x: freed once no waiter looks */
	int committed;              /* past job_commit: no cancel any more */
	int declined;               /* the operator said no: ends cancelled */
	pthread_cond_t *watch_cond; /* its watcher's, while it watches */
};

const char *job_kind_name(enum job_kind k);       /* "start", "migrate" */
const char *job_state_name(enum job_state s);     /* "queued", "done" */
/* 1 when the state is final (done, failed, cancelled). */
int job_state_final(enum job_state s);

/* --- short jobs: the runner marks progress itself --- */
/* A queued job. cancel may be NULL: then it can be cancelled only while
 * queued. Strings in t are copied. Returns the new id. */
unsigned job_new(enum job_kind kind, const struct job_target *t,
    job_cancel_fn cancel, void *cancel_ctx);
/* A job of another process (an attached console's copy of its server's,
 * srv-mirror.h) under that process's id: queued, no cancel hook; its
 * copy is moved on with job_begin, job_progress and the ends. Returns id,
 * or 0 when a job has that id already. */
unsigned job_mirror_new(unsigned id, enum job_kind kind,
    const struct job_target *t);
/* The runner picks the job up: queued -> running. Returns -1 when the job
 * was cancelled while queued (the runner must then not act). */
int job_begin(unsigned id);
/* A progress sample: pct -1 and total 0 when unknown; phase may be NULL. */
void job_progress(unsigned id, double pct, uint64_t done, uint64_t total,
    const char *phase);
void job_done(unsigned id);
/* Failed with the library's text (copied). After a cancel request the job
 * ends cancelled instead, keeping the text. */
void job_fail(unsigned id, const char *error);
/* The operator declined what the running job asked (a host key): when it
 * fails now it ends cancelled, not failed. */
void job_declined(unsigned id);

/* --- long jobs: a thread of their own, with a watcher --- */
struct job_ops {
	/* On the job thread: do the work. 0, or -1 with *cause (freed by the
	 * job layer) — libvirt's own text. */
	int (*run)(unsigned id, void *ctx, char **cause);
	/* On the watcher thread every watch_ms while run runs: sample progress
	 * (virDomainGetJobStats on its own connection) with job_progress. */
	void (*watch)(unsigned id, void *ctx);
	job_cancel_fn cancel;       /* on the watcher thread; may be NULL */
	void (*free)(void *ctx);    /* after run and watcher ended; may be NULL */
	int watch_ms;               /* 0 = 500 */
};
/* Start a job thread running ops->run(ctx). Returns 0 with *id, or -1 with
 * *cause (caller frees) when no thread could be made; ctx is then freed.
 * ops must outlive the job (a static table). */
int job_start_thread(enum job_kind kind, const struct job_target *t,
    const struct job_ops *ops, void *ctx, unsigned *id, char **cause);

/* --- claims: the volumes a job reads or writes ---
 * A job that reads or writes a volume claims it from the moment it is
 * made until it is final, so another job of this process cannot delete,
 * overwrite or start a writer on it meanwhile (libvirt sends no volume
 * events: the model may not know yet what the job made). Reads share;
 * a write excludes every other claim. Keys are opaque to the job layer
 * (act_volume_claim_key: the storage and the volume's name). */
enum job_claim_mode { JOB_READS, JOB_WRITES };
struct job_claim {
	const char *key;            /* copied */
	const char *label;          /* "bases/base.qcow2", for humans; copied */
	enum job_claim_mode mode;
};
/* job_start_thread holding claims[0..n) for the job's whole life. When
 * another job's claim conflicts, nothing starts: -1 with *cause (caller
 * frees) naming that job ("bases/b.qcow2 is read by job 12 (derive
 * groups/x-{1..3}): wait for it or cancel it"); ctx is then freed. */
int job_start_claiming(enum job_kind kind, const struct job_target *t,
    const struct job_claim *claims, size_t n, const struct job_ops *ops,
    void *ctx, unsigned *id, char **cause);
/* Free claims[0..n) made with their key and label allocated (the act
 * layer's builders); NULL-safe. */
void job_claims_free(struct job_claim *claims, size_t n);
/* Why a job about to `mode` the volume `key` may not: the conflicting
 * claim's refusal as above (caller frees), NULL when none conflicts. */
char *job_claim_conflict(const char *key, const char *label,
    enum job_claim_mode mode);

/* The point of no return of job id (a save, a define): 0 when it may go
 * on, after which job_cancel refuses ("too late"); -1 with *cause
 * ("cancelled", caller frees) when a cancel came first. Decided once,
 * under the job lock, so a job never says "cancelled" and then does it. */
int job_commit(unsigned id, char **cause);

/* --- everyone --- */
/* Ask a job to stop: a queued job is cancelled at once; a running one gets
 * its cancel hook (on its watcher thread) and ends when its library call
 * returns. Returns 0, or -1 with *cause (caller frees): unknown, finished,
 * or running without a cancel hook. */
int job_cancel(unsigned id, char **cause);
/* Wait until the job is final or timeout_ms passes (< 0: forever). Returns
 * the final state, or the current one (queued/running) on timeout, or
 * JOB_GONE for an unknown id. */
enum job_state job_wait(unsigned id, int timeout_ms);
/* Pin job id as a waiter does, until job_release: a command that started
 * many jobs (a bulk delete: each with its pool refreshes) reads each
 * one's end after all ended, when more than JOB_HISTORY others may have
 * finished. Unknown ids are ignored. */
void job_hold(unsigned id);
void job_release(unsigned id);
/* The id of a queued or running job of this kind on this desktop, 0 if
 * none: a second press of the same key joins the first job. */
unsigned job_find_active(enum job_kind kind, const char *uuid);
/* Copy of a job's error text, NULL if none or unknown. Caller frees. */
char *job_error(unsigned id);
/* Forget a finished job now (the jobs pane's x): 0, or -1 with *cause
 * (caller frees) when it is unknown or not final yet. A job a waiter
 * still looks at goes as soon as the waiter has looked. */
int job_dismiss(unsigned id, char **cause);
/* Forget every finished job (X). Returns how many. */
unsigned job_dismiss_finished(void);

/* Readers: under job_lock(). Jobs in id order (oldest first). */
void job_lock(void);
void job_unlock(void);
struct job *job_find(unsigned id);
struct job *job_first(void);
struct job *job_next(const struct job *j);
struct job *job_last(void);
struct job *job_prev(const struct job *j);
/* The latest progress sample, NULL if none. */
const struct job_sample *job_last_sample(const struct job *j);
/* Queued and running jobs; takes the lock itself (not under job_lock). */
unsigned job_active_count(void);
/* Bumped by every change; takes the lock itself (not under job_lock). */
uint64_t job_generation(void);

/* A hook for whoever made a job (the command layer's audit log, which
 * job.c knows nothing of): attach() runs in job_new on the thread making
 * the job and returns a context for it (NULL: none); end() runs exactly
 * once per such job, outside the job lock, when it becomes final (state
 * done, failed or cancelled, error its text) or is forgotten unfinished
 * by jobs_free (state JOB_GONE). Set once, before the first job. */
void job_set_end_hook(void *(*attach)(void),
    void (*end)(void *ctx, enum job_state s, const char *error));

/* Cancel every queued job thread and every running one that has a cancel
 * hook (one without a hook and one past job_commit run to their end and
 * are recorded as they end: done or failed, never "cancelled"), then wait
 * up to timeout_ms for them to end. Returns how many are still running. */
int jobs_stop(int timeout_ms);
/* Forget every job (after jobs_stop; tests between cases). Job threads
 * still running keep theirs. */
void jobs_free(void);

#endif
