/* virt-events.h — libvirt event callbacks -> host worker requests. The
 * callbacks run on the event-loop thread and only queue work. */
#ifndef HVDECK_VIRT_EVENTS_H
#define HVDECK_VIRT_EVENTS_H

#include <libvirt/libvirt.h>

/* The callback ids of one connection, for events_deregister(). */
#define EVENTS_MAX_DOMAIN 8
#define EVENTS_MAX_POOL 2
struct events_reg {
	int domain_cb[EVENTS_MAX_DOMAIN];
	int pool_cb[EVENTS_MAX_POOL];
	int ncb_domain, ncb_pool;
};

/* Register every domain and pool event of the table on conn for host_id.
 * Each callback gets its own context (the host id), freed by libvirt when
 * the callback goes. Returns 0, or -1 with *cause (nothing registered). */
int events_register(virConnectPtr conn, unsigned host_id,
    struct events_reg *reg, char **cause);
void events_deregister(virConnectPtr conn, struct events_reg *reg);
/* Callback contexts libvirt has not freed yet (tests: 0 after engine_stop). */
long events_live_contexts(void);

#endif
