/* virt-host.h — one worker thread per host. The worker owns the host's
 * virConnectPtr: it connects (with keepalive and a close callback),
 * reconnects with jittered exponential backoff, runs the full inventory,
 * polls bulk stats, and serves a queue of requests that event callbacks and
 * actions put there. Nothing here blocks the caller. */
#ifndef HVDECK_VIRT_HOST_H
#define HVDECK_VIRT_HOST_H

#include <libvirt/libvirt.h>
#include <pthread.h>

#include "config.h"

enum req_kind {
	REQ_DOMAIN,        /* re-read one domain by UUID */
	REQ_POOL_EVENT,    /* re-read a pool after a lifecycle/refresh event */
	REQ_POOL_REFRESH,  /* refresh (rescan) a pool, then re-read it */
	REQ_JOB,           /* read the progress of a domain's job */
	REQ_CALL,          /* run an action's function on the connection */
};

/* An action's function, run on the host's worker thread with its open
 * connection (conn is NULL when the host is not connected). */
typedef void (*host_call_fn)(virConnectPtr conn, unsigned host_id, void *ctx);

struct host_request {
	enum req_kind kind;
	char *arg;                  /* UUID or pool name */
	int propagate;              /* REQ_POOL_EVENT: tell hosts sharing it */
	host_call_fn fn;
	void *ctx;
	struct host_request *next;
};

struct host_worker {
	unsigned host_id;
	char *name, *uri;
	int read_only;
	int stats_interval_ms;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;       /* guards everything below */
	pthread_cond_t cond;
	struct host_request *head, *tail;
	int stop;
	int closed;                 /* the close callback fired */
	int close_reason;
	char **self_refreshed;      /* pools we refreshed: their event is ours */
	size_t nself_refreshed;
	/* worker thread only */
	virConnectPtr conn;
	int domain_cb[8];
	int pool_cb[2];
	int ncb_domain, ncb_pool;
};

/* Start a model host and a worker for every configured host. */
void hosts_start(const struct config *cfg, int read_only);
/* Start one more host at run time (add-host). Returns the host id. */
unsigned hosts_add(const struct config_host *ch, int read_only,
    int stats_interval);
/* Ask every worker to stop and wait up to timeout_ms for them. Returns how
 * many are still running (stuck in a connect): then nothing they use may be
 * freed. Call before evloop_stop(). */
int hosts_stop(int timeout_ms);
/* Release workers after the event loop has stopped. */
void hosts_free(void);

/* Queue a request for a host (copies arg). Unknown hosts are ignored.
 * Duplicate REQ_DOMAIN/REQ_POOL_* requests already queued are dropped. */
void host_request(unsigned host_id, enum req_kind kind, const char *arg,
    int propagate);
/* Queue a function to run on the host's worker (actions). Returns 0, or -1
 * when there is no such host or its worker is stopping (fn is then not
 * called). A queued fn always runs: with conn NULL when the host went
 * offline first (the worker drains its queue then). */
int host_call(unsigned host_id, host_call_fn fn, void *ctx);

/* Worker internals shared with virt-events.c and virt-sync.c. */
struct host_worker *host_worker_find(unsigned host_id);
void host_queue(struct host_worker *w, struct host_request *r);
void host_mark_self_refresh(struct host_worker *w, const char *pool);
/* 1 if the refresh event for pool was caused by us (and forget it). */
int host_take_self_refresh(struct host_worker *w, const char *pool);

#endif
