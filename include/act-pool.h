/* act-pool.h — storage pool actions. libvirt sends no event when a volume
 * appears on a pool's storage behind its back, so the operator asks for a
 * rescan: one job per host that has the pool, run on that host's worker
 * (host_call), which rescans and re-reads the pool. Never blocks. */
#ifndef HVDECK_ACT_POOL_H
#define HVDECK_ACT_POOL_H

#include <stddef.h>

/* Queue a refresh job for every pool that `which` names on every online host:
 * a pool name, or a pools-pane row key (a share key, or "local HOST/NAME").
 * Returns how many (host, pool) refreshes were queued, or -1 with *cause
 * (caller frees) when no online host has such a pool or hvdeck is
 * read-only. */
int act_pool_refresh(const char *which, char **cause);

/* Queue one refresh job of pool on host (names copied) on its worker.
 * Returns the job's id to job_wait on, or 0 when the host has no worker
 * (the job is then already failed). */
unsigned act_pool_refresh_one(unsigned host_id, const char *host,
    const char *pool);

#endif
