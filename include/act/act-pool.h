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
/* The same for which NULL (every pool) or a name, on the host named on
 * only (NULL: every online host that has it): with jobs not NULL, *jobs
 * (caller frees) holds the refresh jobs, one per (host, pool), in the
 * model's order. Returns how many, or -1 with *cause (also: no host
 * named on). */
int act_pool_refresh_jobs(const char *which, const char *on,
    unsigned **jobs, char **cause);

/* After a volume was made or deleted on host host_id's pool `pool`: queue
 * a refresh of that pool on host_id and on every online host whose pool
 * is the same storage (model_pools_sharing) — libvirt sends no volume
 * events, and every pane must agree without a manual refresh. Offline
 * hosts read the pool when they come back. Never blocks. Returns how many
 * refreshes were queued; with jobs not NULL, *jobs (caller frees, NULL
 * when 0) holds their job ids for act_pool_wait. Takes the model lock. */
size_t act_pool_refresh_sharing(unsigned host_id, const char *pool,
    unsigned **jobs);
/* On a job thread or the command line (never the UI thread): wait until
 * each of the n jobs is final, up to timeout_ms in all (< 0: no limit).
 * Returns 0 when every one ended done (or was forgotten after ending),
 * else -1 with *cause (caller frees): the first failure, or what is still
 * running at the deadline. */
int act_pool_wait(const unsigned *jobs, size_t n, int timeout_ms,
    char **cause);
/* Queue one refresh job of pool on host (names copied) on its worker.
 * Returns the job's id to job_wait on, or 0 when the host has no worker
 * (the job is then already failed). */
unsigned act_pool_refresh_one(unsigned host_id, const char *host,
    const char *pool);

#endif
