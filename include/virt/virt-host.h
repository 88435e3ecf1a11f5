/* virt-host.h — one worker thread per host. The worker owns the host's
 * virConnectPtr: it connects (with keepalive and a close callback),
 * reconnects with jittered exponential backoff, runs the full inventory,
 * polls bulk stats, and serves a queue of requests that event callbacks and
 * actions put there. Nothing here blocks the caller.
 *
 * Everything outside virt-host.c names a host by its model id: a worker
 * (and its connection) may go away at any time, an id only stops being
 * found. */
#ifndef HVDECK_VIRT_HOST_H
#define HVDECK_VIRT_HOST_H

#include <libvirt/libvirt.h>

#include "core/config.h"
#include "virt/virt-queue.h"

/* Start a model host and a worker for every configured host. */
void hosts_start(const struct config *cfg, int read_only);
/* Start one more host at run time (add-host). Returns the host id. */
unsigned hosts_add(const struct config_host *ch, int read_only,
    int stats_interval);
/* Ask every worker to stop and wait up to timeout_ms for them, and up to
 * 10 s more for those that are closing their connection (not stuck in a
 * connect). Returns how many are still running: then nothing they use may
 * be freed, and the event loop must not stop. Call before evloop_stop(). */
int hosts_stop(int timeout_ms);
/* Take one host out of the running engine (host remove): stop its worker,
 * which closes its connection, wait up to timeout_ms for it, then remove
 * the host from the model. A worker stuck connecting is left listed and
 * stopped (hosts_stop joins it). Blocks: not for the UI thread. Returns
 * 0, or -1 for no such host. */
int hosts_remove(unsigned host_id, int timeout_ms);
/* Release workers after the event loop has stopped. */
void hosts_free(void);

/* Queue a request for a host (copies arg). Unknown hosts are ignored.
 * Duplicate REQ_DOMAIN/REQ_POOL_* requests already queued are dropped.
 * Safe on the event-loop thread: takes only short queue locks. */
void host_request(unsigned host_id, enum req_kind kind, const char *arg,
    int propagate);
/* Queue fn to run once on the host's worker, in order with the host's other
 * requests. Returns 0: fn will be called exactly once and owns ctx (with
 * conn NULL when the host went offline first: the worker drains its queue
 * then). Returns -1 when there is no such host or its worker is stopping:
 * fn is not called, ctx stays the caller's. */
int host_call(unsigned host_id, host_call_fn fn, void *ctx);
/* On the host's worker (conn from a host_call): rescan the pool, then read
 * it into the model. Returns 0, or -1 with *cause (caller frees) when the
 * refresh failed or conn is NULL; a pool that is gone is read as gone. */
int host_refresh_pool(virConnectPtr conn, unsigned host_id, const char *pool,
    char **cause);
/* Drop the host's connection and connect again at once (the connection is
 * then "closed by the client"). Unknown hosts are ignored. */
void host_reconnect(unsigned host_id);
/* An operator is looking (the console runs): offline hosts are retried at
 * least every BACKOFF_WATCHED_MAX_MS (virt-queue.h). Any thread. */
void hosts_set_watched(int watched);


/* Pool refreshes the worker made itself: the refresh event libvirt sends
 * back for one is not news. Markers belong to one connection: they are
 * forgotten when it closes. */
void host_mark_self_refresh(unsigned host_id, const char *pool);
/* 1 if the refresh event for pool was caused by us (and forget it). */
int host_take_self_refresh(unsigned host_id, const char *pool);

#endif
