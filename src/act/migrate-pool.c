/* migrate-pool.c — a migration's disks placed in a chosen pool of the
 * destination (see migrate-pool.h). */
#include "act/migrate-pool.h"
#include "core/util.h"
#include "virt/virt-evloop.h"
#include "virt/virt-xml-edit.h"
#include "virt/virt-ref.h"

#include <libvirt/virterror.h>
#include <stdlib.h>
#include <string.h>

void migrate_pool_free(struct migrate_pool *mp)
{
	size_t i;

	if (mp == NULL)
		return;
	for (i = 0; i < mp->nvols; i++) {
		free(mp->vols[i]);
		free(mp->targets[i]);
	}
	free(mp->vols);
	free(mp->targets);
	free(mp->pool);
	free(mp->dest_xml);
	free(mp->persist_xml);
	memset(mp, 0, sizeof *mp);
}

/* A standalone qcow2 in pool p as large as the source at path; its name
 * (the source's) and path into *name and *path (caller frees). */
static int make_one(virConnectPtr sconn, virStoragePoolPtr p,
    const char *source, char **name, char **path, char **cause)
{
	virStorageVolPtr sv = virStorageVolLookupByPath(sconn, source), nv = NULL;
	virStorageVolInfo info;
	const char *n;
	char *xml = NULL, *lv;

	*name = *path = NULL;
	if (sv == NULL || virStorageVolGetInfo(sv, &info) < 0 ||
	    (n = virStorageVolGetName(sv)) == NULL) {
		*cause = evloop_error_for(source);
		goto out;
	}
	xml = virtxml_volume_new(n, info.capacity, "qcow2");
	if ((nv = virStorageVolCreateXML(p, xml, 0)) == NULL ||
	    (lv = virStorageVolGetPath(nv)) == NULL) {
		*cause = evloop_error_for("cannot make the disk on the destination");
		goto out;
	}
	*path = xstrdup(lv);
	free(lv);
	*name = xstrdup(n);
out:
	free(xml);
	virt_vol_unref(nv);
	virt_vol_unref(sv);
	return *name != NULL ? 0 : -1;
}

/* Point disk target of *xml at the new volume (xml replaced). */
static int repoint(char **xml, const char *target, const char *pool,
    const char *vol, const char *path, char **cause)
{
	struct xml_new_disk nd = { target, pool, vol, path, "qcow2" };
	char *out = NULL;

	if (*xml == NULL)
		return 0;
	if (virtxml_domain_move_disk(*xml, &nd, &out, cause) < 0)
		return -1;
	free(*xml);
	*xml = out;
	return 0;
}

int migrate_pool_prepare(virConnectPtr sconn, virConnectPtr dconn,
    const char *pool, const struct xml_domain *x, const int *copied,
    const char *live_xml, const char *persistent_xml,
    struct migrate_pool *out, char **cause)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(dconn, pool);
	char *name, *path;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (p == NULL) {
		*cause = evloop_error_for(pool);
		return -1;
	}
	out->pool = xstrdup(pool);
	out->dest_xml = xstrdup(live_xml);
	out->persist_xml = persistent_xml != NULL ? xstrdup(persistent_xml) : NULL;
	virStoragePoolRefresh(p, 0);
	for (i = 0; i < x->ndisks && rc == 0; i++) {
		if (!copied[i])
			continue;
		if ((rc = make_one(sconn, p, x->disks[i].source, &name, &path,
		    cause)) < 0)
			break;
		out->vols = xreallocarray(out->vols, out->nvols + 1, sizeof *out->vols);
		out->targets = xreallocarray(out->targets, out->nvols + 1,
		    sizeof *out->targets);
		out->vols[out->nvols] = name;
		out->targets[out->nvols++] = xstrdup(x->disks[i].target);
		rc = repoint(&out->dest_xml, x->disks[i].target, pool, name, path,
		    cause) < 0 || repoint(&out->persist_xml, x->disks[i].target,
		    pool, name, path, cause) < 0 ? -1 : 0;
		free(path);
	}
	virStoragePoolFree(p);
	if (rc < 0)
		migrate_pool_undo(dconn, out);
	return rc;
}

int migrate_pool_params(const struct migrate_pool *mp,
    virTypedParameterPtr *p, int *np, int *max)
{
	size_t i;
	int rc = 0;

	if (mp->pool == NULL)
		return 0;
	rc |= virTypedParamsAddString(p, np, max, VIR_MIGRATE_PARAM_DEST_XML,
	    mp->dest_xml);
	if (mp->persist_xml != NULL)
		rc |= virTypedParamsAddString(p, np, max,
		    VIR_MIGRATE_PARAM_PERSIST_XML, mp->persist_xml);
	for (i = 0; i < mp->nvols; i++)
		rc |= virTypedParamsAddString(p, np, max,
		    VIR_MIGRATE_PARAM_MIGRATE_DISKS, mp->targets[i]);
	return rc < 0 ? -1 : 0;
}

void migrate_pool_undo(virConnectPtr dconn, struct migrate_pool *mp)
{
	virStoragePoolPtr p;
	virStorageVolPtr v;
	size_t i;

	if (mp->pool == NULL ||
	    (p = virStoragePoolLookupByName(dconn, mp->pool)) == NULL) {
		virResetLastError();
		return;
	}
	for (i = 0; i < mp->nvols; i++) {
		if ((v = virStorageVolLookupByName(p, mp->vols[i])) == NULL ||
		    virStorageVolDelete(v, 0) < 0)
			virResetLastError();
		virt_vol_unref(v);
	}
	virStoragePoolFree(p);
}
