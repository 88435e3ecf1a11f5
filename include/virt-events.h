/* virt-events.h — libvirt event callbacks -> host worker requests. */
#ifndef HVDECK_VIRT_EVENTS_H
#define HVDECK_VIRT_EVENTS_H

#include "virt-host.h"

/* Register every domain and pool event of the table on w->conn.
 * Returns 0 or -1 with *cause. */
int events_register(struct host_worker *w, char **cause);
void events_deregister(struct host_worker *w);

#endif
