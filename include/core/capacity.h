/* capacity.h — what the cluster has against what its running desktops
 * take: per host the vCPUs of its running desktops against its physical
 * CPUs (the overcommit ratio), the memory they may use (each one's
 * maximum) against the host's total and its memory_reserve, how many
 * run; per pool how full it is against a warning threshold
 * (pool_warn_percent). Derived from the model when asked (the capacity
 * view, `hvdeck capacity`, a size change, a placement refusal), never on
 * the panes' path. */
#ifndef HVDECK_CAPACITY_H
#define HVDECK_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

struct m_host;

struct cap_host {
	unsigned id;
	char *name;
	const char *state;          /* model_host_state_name: static */
	int maintenance;
	unsigned cpus;              /* physical (virNodeGetInfo), 0 unknown */
	unsigned vcpus;             /* of its running desktops */
	uint64_t memory_kib;        /* total, 0 unknown */
	uint64_t reserve_kib;       /* memory_reserve */
	uint64_t committed_kib;     /* its running desktops' maximum memory */
	size_t running;             /* desktops running (or blocked) on it */
	/* memory - reserve - committed: what one more desktop may take
	 * (negative: overcommitted) */
	int64_t headroom_kib;
};

struct cap_pool {
	char *name;                 /* the pool's name */
	char *host;                 /* the first host it was seen through */
	char *share_key;            /* what names shared storage, NULL local */
	size_t nhosts;              /* hosts sharing it (1: local) */
	uint64_t capacity, allocation, available;   /* bytes */
	int percent;                /* allocation of capacity, 0..100 */
	int warn;                   /* percent >= the threshold */
};

struct capacity {
	struct cap_host *hosts;     /* least headroom first */
	size_t nhosts;
	struct cap_pool *pools;     /* fullest first */
	size_t npools;
	int warn_percent;
};

/* Fill *out from the model (takes the model lock). Hosts that are not
 * online are listed with what was last known. Free with capacity_free. */
void capacity_read(struct capacity *out, int warn_percent);
/* Lock held: the same for one host (its strings the caller's: free
 * with capacity_host_free). */
void capacity_host(const struct m_host *h, struct cap_host *out);
void capacity_host_free(struct cap_host *c);
void capacity_free(struct capacity *c);

/* vCPUs per physical CPU, 0 when the CPUs are unknown. */
double capacity_ratio(const struct cap_host *c);

/* Whether a desktop of vcpus and max_kib more (beyond what c counts)
 * fits on c's host: NULL when it does, else the refusal with the numbers
 * ("node1: 5.0 GiB of 7.6 GiB committed to 3 running desktops,
 * memory_reserve 1.0 GiB: 2.0 GiB more does not fit (headroom 1.6
 * GiB)"). A desktop may not have more vCPUs than the host has CPUs.
 * Caller frees. */
char *capacity_refusal(const struct cap_host *c, unsigned vcpus,
    int64_t more_kib);

/* "1.5 GiB", "512 MiB" for humans. Caller frees. */
char *capacity_kib(int64_t kib);

#endif
