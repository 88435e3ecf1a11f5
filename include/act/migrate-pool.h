/* migrate-pool.h — a migration that also moves its storage into a chosen
 * pool of the destination (`migrate … --copy-storage --to-pool POOL`, the
 * migrate form's pool): before the migration, a standalone qcow2 in that
 * pool on the destination for every disk the migration copies (the whole
 * chain is copied into it: nothing below it need exist there), and the
 * domain's XML for the destination — live and persistent — with those
 * disks on the new volumes, passed to virDomainMigrate3 with the list of
 * disks to copy (VIR_MIGRATE_PARAM_DEST_XML, _PERSIST_XML,
 * _MIGRATE_DISKS). A migration that fails or is cancelled removes what
 * was made here. On the job thread, with the migration's connections. */
#ifndef HVDECK_MIGRATE_POOL_H
#define HVDECK_MIGRATE_POOL_H

#include <stddef.h>

#include <libvirt/libvirt.h>

#include "core/facts.h"

struct migrate_pool {
	char *pool;
	char **vols;            /* made in pool on the destination */
	size_t nvols;
	char **targets;         /* the disks copied ("vdb"), nvols of them */
	char *dest_xml;         /* the live XML for the destination */
	char *persist_xml;      /* NULL: not persistent there */
};

/* Make the volumes for the disks of x with copied[i] set (source volumes
 * read on sconn for their size and name) in pool on dconn, and the XMLs
 * from live_xml and persistent_xml (may be NULL). 0, or -1 with *cause
 * (caller frees) and nothing left made. out is the caller's (free with
 * migrate_pool_free). */
int migrate_pool_prepare(virConnectPtr sconn, virConnectPtr dconn,
    const char *pool, const struct xml_domain *x, const int *copied,
    const char *live_xml, const char *persistent_xml,
    struct migrate_pool *out, char **cause);

/* The migration's parameters for mp, added to *p (*np of *max). 0 or -1. */
int migrate_pool_params(const struct migrate_pool *mp,
    virTypedParameterPtr *p, int *np, int *max);

/* The migration did not happen: delete what prepare made. */
void migrate_pool_undo(virConnectPtr dconn, struct migrate_pool *mp);

/* NULL-safe; the struct stays the caller's, zeroed. */
void migrate_pool_free(struct migrate_pool *mp);

#endif
