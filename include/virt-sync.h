/* virt-sync.h — inventory and stats of one host into the model. All run on
 * the host's worker thread, with its connection. */
#ifndef HVDECK_VIRT_SYNC_H
#define HVDECK_VIRT_SYNC_H

#include "virt-host.h"

/* Facts, every domain and every pool with its volumes (mark and sweep).
 * Returns 0 or -1 with *cause (the libvirt message). */
int sync_full(struct host_worker *w, char **cause);
/* Re-read one domain; a domain libvirt no longer knows leaves the host. */
void sync_domain(struct host_worker *w, const char *uuid);
/* Re-read one pool and its volumes; gone when libvirt no longer knows it. */
void sync_pool(struct host_worker *w, const char *name);
/* Progress of a domain's job (migration): percentage of data moved. */
void sync_job(struct host_worker *w, const char *uuid);
/* One virConnectGetAllDomainStats call, node CPU and free memory. */
void sync_stats(struct host_worker *w);

#endif
