/* place.h — the one answer to "which hosts may do X" (helper H4 implements
 * place.c). Every placement decision asks it: starts, new desktops,
 * derivations, migration targets, the forms' host lists.
 *
 * A host may do X when it is online, not in maintenance and its role
 * allows X: hypervisor runs desktops and receives migrations, disk does
 * disk operations only, mixed does both. Ranked like the seed system's
 * balancer: most free memory first for desktops and migrations, least CPU
 * load first for disk operations; ties broken by name so that results are
 * stable (on the lab every node reports the same machine). */
#ifndef HVDECK_PLACE_H
#define HVDECK_PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

struct m_desktop;
struct m_host;

enum place_what {
	PLACE_DESKTOP,  /* start or create a desktop on it */
	PLACE_MIGRATE,  /* receive a live migration */
	PLACE_DISK,     /* derive, copy or delete volumes on it */
};

/* 1 if the role allows what (regardless of state). */
int place_role_allows(enum host_role role, enum place_what what);

/* Why h may not do what: NULL when it may, else a reason for humans
 * ("node2 is in maintenance", "node3 has role disk: it runs no desktops",
 * "node1 is offline"). Static or owned by the caller? -> caller frees.
 * Call under the model lock. */
char *place_refusal(const struct m_host *h, enum place_what what);

/* Lock held. What h carries now, for a placement refusal to cite
 * (capacity.h): "hv2: 3 running desktops, 6 vCPUs on 4 CPUs (ratio
 * 1.50), 7.0 GiB of 7.6 GiB committed, memory_reserve 1.0 GiB, headroom
 * -0.4 GiB". Caller frees. */
char *place_capacity_text(const struct m_host *h);
/* Lock held. Whether a desktop of vcpus vCPUs whose maximum memory adds
 * more_kib to what h's running desktops commit fits on h: NULL, or the
 * refusal with h's numbers (capacity_refusal). Caller frees. */
char *place_fit_refusal(const struct m_host *h, unsigned vcpus,
    int64_t more_kib);

/* place_refusal, and for a desktop's start or migration (not disk work)
 * whether h can run d's CPU: "node2 cannot run the CPU of web1: the CPU
 * is incompatible with host CPU: Host CPU does not provide required
 * features: avx512f" (libvirt's reason, cpufit.h). A host that has not
 * answered yet is not refused. d NULL: place_refusal. Caller frees; call
 * under the model lock. */
char *place_refusal_for(const struct m_host *h, enum place_what what,
    const struct m_desktop *d);

/* Why no host but `except` (0: none) may do what for d (NULL: any):
 * every refusal, "; " between them, or "there is no other host". Caller
 * frees; under the model lock. */
char *place_why_none(enum place_what what, unsigned except,
    const struct m_desktop *d);

/* The hosts that may do what, best first, except host `except` (0: none).
 * Returns the count; *ids (caller frees, NULL when 0) their model ids.
 * Takes the model lock. */
size_t place_hosts(enum place_what what, unsigned except, unsigned **ids);
/* place_hosts for the desktop with UUID uuid (place_refusal_for: without
 * the hosts that cannot run its CPU); NULL uuid or an unknown one:
 * place_hosts. Takes the model lock. */
size_t place_hosts_for(enum place_what what, unsigned except,
    const char *uuid, unsigned **ids);

/* ---- a drain's plan: where each desktop of a host goes ----
 * Every running (live) desktop of the drained host gets the host that may
 * receive a migration (place_refusal) with the most free memory left
 * after the moves planned before it, as the seed system's balancer does;
 * a host is chosen only when that covers the desktop's memory and the
 * host's memory_reserve, as the migration's own memory check asks.
 * Larger desktops are placed first (they fit in fewer places), ties by
 * name, so the same model gives the same plan. */
struct place_move {
	char uuid[40];
	char *name;
	uint64_t need_kib;          /* max(memory, currentMemory) */
	unsigned dest_id;           /* 0: cannot be placed (why says) */
	char *dest;                 /* its name; NULL when not placed */
	uint64_t dest_free_kib;     /* dest's free memory left after this
	                             * and the moves before it */
	char *why;                  /* not placed: the reason; else NULL */
};
struct place_plan {
	unsigned src_id;
	char *src;
	struct place_move *moves;   /* running desktops, in move order */
	size_t nmoves;
	size_t unplaced;            /* of moves, how many have no dest */
	/* shut-off desktops defined on src: dest is where their definition
	 * would go (most free memory after the moves; no memory needed) */
	struct place_move *defined;
	size_t ndefined;
};

/* The plan for draining host `host`: its desktops as above, onto the
 * hosts named in to[0..nto) only when nto > 0 (each must be a known
 * host; one that may not receive migrations is left out and named in
 * the reasons). 0 with *out filled (place_plan_free), or -1 with *cause
 * (caller frees): no such host, an unknown name in to. Takes the model
 * lock. */
int place_drain_plan(const char *host, char *const *to, size_t nto,
    struct place_plan *out, char **cause);
void place_plan_free(struct place_plan *p);

#endif
