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

#endif
