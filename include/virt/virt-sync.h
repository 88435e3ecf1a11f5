/* virt-sync.h — inventory and stats of one host into the model. All run on
 * the host's worker thread, with its connection (conn, borrowed) and the
 * host's model id. */
#ifndef HVDECK_VIRT_SYNC_H
#define HVDECK_VIRT_SYNC_H

#include <libvirt/libvirt.h>

#include "virt/virt-xml.h"

/* What names a pool's storage when it is seen through several hosts
 * (NULL: local to its host), and why, for humans in *basis; both for the
 * caller to free. Pool sharing is decided above (act/pool-share.c). */
typedef char *(*sync_share_key_fn)(const struct xml_pool *x, char **basis);
/* Register fn before the host workers start (NULL: every pool is local);
 * it is read without a lock afterwards. */
void sync_set_share_key(sync_share_key_fn fn);

/* Facts, every domain and every pool with its volumes (mark and sweep).
 * Returns 0 or -1 with *cause (the libvirt message). */
int sync_full(virConnectPtr conn, unsigned host_id, char **cause);
/* Re-read one domain; a domain libvirt no longer knows leaves the host. */
void sync_domain(virConnectPtr conn, unsigned host_id, const char *uuid);
/* Re-read one pool and its volumes; gone when libvirt no longer knows it. */
void sync_pool(virConnectPtr conn, unsigned host_id, const char *name);
/* Progress of a domain's job (migration): percentage of data moved. */
void sync_job(virConnectPtr conn, unsigned host_id, const char *uuid);
/* One virConnectGetAllDomainStats call, node CPU and free memory. */
void sync_stats(virConnectPtr conn, unsigned host_id);

/* On the host's worker: read the job of every running domain of host
 * host_id (virDomainGetJobStats) into the model, so a migration that
 * began before this process listened (virsh migrate) is seen without
 * waiting for its next iteration event. One call per running domain:
 * asked for (hvdeck jobs), never on every poll. */
void sync_jobs_sweep(virConnectPtr conn, unsigned host_id);
/* On the host's worker: virDomainAbortJob on the domain uuid. 0, or -1
 * with *cause (libvirt's text; caller frees). */
int sync_abort_job(virConnectPtr conn, const char *uuid, char **cause);

/* Called with each desktop's CPU key as a sync reads it (virt-cpu's
 * vcpu_want: a new key is compared on every host). Set before the
 * workers start. */
typedef void (*sync_cpu_key_fn)(const char *key);
void sync_set_cpu_hook(sync_cpu_key_fn fn);

#endif
