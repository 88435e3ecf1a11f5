/* virt-queue.h — a host worker's requests, their queue and its retry
 * pacing, kept free of threads and libvirt calls so they can be tested
 * alone. The worker's
 * lock guards the queue; these functions take no lock. */
#ifndef HVDECK_VIRT_QUEUE_H
#define HVDECK_VIRT_QUEUE_H

#include <libvirt/libvirt.h>

enum req_kind {
	REQ_DOMAIN,        /* re-read one domain by UUID */
	REQ_POOL_EVENT,    /* re-read a pool after a lifecycle/refresh event */
	REQ_POOL_REFRESH,  /* refresh (rescan) a pool, then re-read it */
	REQ_JOB,           /* read the progress of a domain's job */
	REQ_CALL,          /* run a function on the connection */
};

/* A function run on the host's worker thread with its open connection
 * (conn is NULL when the host is not connected, or the worker stops). */
typedef void (*host_call_fn)(virConnectPtr conn, unsigned host_id, void *ctx);

/* One queued request. */
struct host_request {
	enum req_kind kind;
	char *arg;                  /* UUID or pool name */
	int propagate;              /* REQ_POOL_EVENT: tell hosts sharing it */
	host_call_fn fn;
	void *ctx;
	struct host_request *next;
};

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
/* While an operator looks at a console, an offline host is tried at least
 * this often: a host that comes back shows within seconds, not a minute. */
#define BACKOFF_WATCHED_MAX_MS 10000

/* Append r (taken over) to the queue head..tail. A re-read (REQ_DOMAIN,
 * REQ_POOL_*, REQ_JOB) identical to one already queued is dropped: one read
 * answers both. Calls (REQ_CALL) are never dropped: each carries a job.
 * Returns 1 when r was queued, 0 when it was dropped (and freed). */
int queue_push(struct host_request **head, struct host_request **tail,
    struct host_request *r);
/* The oldest request (caller frees with queue_request_free), NULL if none. */
struct host_request *queue_pop(struct host_request **head,
    struct host_request **tail);
void queue_request_free(struct host_request *r);

/* The next reconnect delay after one of ms: doubled, within
 * BACKOFF_MIN_MS..BACKOFF_MAX_MS. */
int queue_backoff_next(int ms);
/* ms spread by +-20 % with the random number rnd (>= 0), so hosts that fell
 * together do not reconnect in lockstep. */
int queue_backoff_jitter(int ms, long rnd);
/* The delay to sleep for backoff ms: capped at BACKOFF_WATCHED_MAX_MS when
 * watched (a console is open), else ms. */
int queue_backoff_cap(int ms, int watched);

#endif
