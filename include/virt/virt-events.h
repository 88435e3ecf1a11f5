/* virt-events.h — libvirt event callbacks -> host worker requests. The
 * callbacks run on the event-loop thread and only queue work. */
#ifndef HVDECK_VIRT_EVENTS_H
#define HVDECK_VIRT_EVENTS_H

#include <libvirt/libvirt.h>

#include "virt/virt-queue.h"

/* What an event asks of the host workers: the worker layer (virt-host.c)
 * passes its own functions, so this file needs nothing above it. */
struct events_sink {
	/* queue a re-read for the host (host_request) */
	void (*request)(unsigned host_id, enum req_kind kind, const char *arg,
	    int propagate);
	/* run fn on the host's worker (host_call) */
	int (*call)(unsigned host_id, host_call_fn fn, void *ctx);
	/* 1 when the host asked for this pool refresh itself (and forgets
	 * it): host_take_self_refresh */
	int (*take_self_refresh)(unsigned host_id, const char *pool);
};

/* The callback ids of one connection, for events_deregister(). */
#define EVENTS_MAX_DOMAIN 8
#define EVENTS_MAX_POOL 2
struct events_reg {
	int domain_cb[EVENTS_MAX_DOMAIN];
	int pool_cb[EVENTS_MAX_POOL];
	int ncb_domain, ncb_pool;
};

/* Register every domain and pool event of the table on conn for host_id,
 * each turned into calls of sink (borrowed: it must outlive the
 * connection's callbacks). Each callback gets its own context (the host id
 * and sink), freed by libvirt when the callback goes. Returns 0, or -1
 * with *cause (nothing registered). */
int events_register(virConnectPtr conn, unsigned host_id,
    const struct events_sink *sink, struct events_reg *reg, char **cause);
void events_deregister(virConnectPtr conn, struct events_reg *reg);
/* Callback contexts libvirt has not freed yet (tests: 0 after engine_stop). */
long events_live_contexts(void);

#endif
