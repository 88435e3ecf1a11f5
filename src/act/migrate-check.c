/* migrate-check.c — pre-flight checks of a live migration (see
 * migrate-check.h). Only facts go in and reasons come out: the job in
 * act-migrate.c turns them into checklist steps and decides the flags. */
#include "act/migrate-check.h"
#include "core/model.h"
#include "core/util.h"

#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int migrate_check_cpu(virConnectPtr dconn, const char *dom_xml,
    const char *what, char **why)
{
	struct xml_domain_cpu c;
	virErrorPtr err;
	char *msg = NULL;
	int rc;

	if (virtxml_domain_cpu(dom_xml, &c, &msg) < 0) {
		*why = xasprintf("cannot read the %s definition: %s", what, msg);
		free(msg);
		return -1;
	}
	if (c.cpu_xml == NULL) {
		*why = xasprintf("%s definition asks for no CPU model", what);
		virtxml_domain_cpu_free(&c);
		return 0;
	}
	rc = virConnectCompareHypervisorCPU(dconn, c.emulator, c.arch,
	    c.machine, c.virt_type, c.cpu_xml,
	    VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
	virtxml_domain_cpu_free(&c);
	if (rc == VIR_CPU_COMPARE_IDENTICAL || rc == VIR_CPU_COMPARE_SUPERSET) {
		*why = xasprintf("%s CPU is compatible", what);
		return 0;
	}
	err = virGetLastError();
	msg = err != NULL && err->message != NULL ? err->message : NULL;
	if (rc == VIR_CPU_COMPARE_INCOMPATIBLE ||
	    (err != NULL && err->code == VIR_ERR_CPU_INCOMPATIBLE)) {
		*why = xasprintf("%s CPU: %s", what, msg != NULL ? msg :
		    "incompatible with the destination's CPU");
		return -1;
	}
	/* a hypervisor that cannot compare: the migration itself will say */
	*why = xasprintf("%s CPU not compared: %s", what, msg != NULL ? msg :
	    "no answer");
	return 1;
}

/* Model lock held. The pool of host h that holds path, or NULL. */
static const struct m_pool *pool_of(const struct m_host *h,
    const struct xml_disk *d)
{
	const char *path = d->source;
	size_t i, j, len;
	const char *slash;

	if (d->type != NULL && strcmp(d->type, "volume") == 0 &&
	    (slash = strchr(path, '/')) != NULL) {
		for (i = 0; i < h->npools; i++)
			if (strlen(h->pools[i]->name) == (size_t)(slash - path) &&
			    strncmp(h->pools[i]->name, path,
			    (size_t)(slash - path)) == 0)
				return h->pools[i];
		return NULL;
	}
	for (i = 0; i < h->npools; i++)
		for (j = 0; j < h->pools[i]->nvols; j++)
			if (h->pools[i]->vols[j].path != NULL &&
			    strcmp(h->pools[i]->vols[j].path, path) == 0)
				return h->pools[i];
	/* a volume made since the pool was last read */
	for (i = 0; i < h->npools; i++) {
		const char *t = h->pools[i]->target_path;

		if (t == NULL || (len = strlen(t)) == 0)
			continue;
		while (len > 1 && t[len - 1] == '/')
			len--;
		if (strncmp(path, t, len) == 0 && path[len] == '/' &&
		    strchr(path + len + 1, '/') == NULL)
			return h->pools[i];
	}
	return NULL;
}

/* 1 when the destination sees path (a disk or a backing file) through a
 * pool sharing the source's; *in_pool: the disk is in a pool of the
 * source at all. Takes the model lock (model_pools_sharing takes it too:
 * not under it). */
static int sees(unsigned src_id, unsigned dst_id, const struct xml_disk *d,
    int *in_pool)
{
	const struct m_host *h;
	const struct m_pool *p;
	struct m_pool_ref *refs;
	char *name;
	size_t i, n;
	int seen = 0;

	model_lock();
	h = model_host(src_id);
	p = h != NULL ? pool_of(h, d) : NULL;
	name = p != NULL ? xstrdup(p->name) : NULL;
	model_unlock();
	*in_pool = name != NULL;
	if (name == NULL)
		return 0;
	n = model_pools_sharing(src_id, name, &refs);
	free(name);
	for (i = 0; i < n; i++)
		seen |= refs[i].host_id == dst_id;
	model_pool_refs_free(refs, n);
	return seen;
}

/* A disk with nothing behind it (an empty CD-ROM), or network storage
 * every host reaches itself. */
static int needs_no_check(const struct xml_disk *d)
{
	return d->source == NULL || *d->source == '\0' ||
	    (d->type != NULL && strcmp(d->type, "network") == 0);
}

/* Every backing file of d is seen by the destination. */
static int backing_shared(unsigned src_id, unsigned dst_id,
    const struct xml_disk *d)
{
	struct xml_disk b;
	size_t i;
	int in_pool;

	if (d->nbacking == 0)
		return 0;
	for (i = 0; i < d->nbacking; i++) {
		memset(&b, 0, sizeof b);
		b.source = d->backing[i];
		b.type = (char *)"file";
		if (!sees(src_id, dst_id, &b, &in_pool))
			return 0;
	}
	return 1;
}

static char *append(char *list, const char *fmt, const char *a,
    const char *b)
{
	char *item = xasprintf(fmt, a, b), *s;

	s = xasprintf("%s%s%s", list != NULL ? list : "",
	    list != NULL ? "; " : "", item);
	free(item);
	free(list);
	return s;
}

int migrate_check_storage(const struct xml_domain *x, unsigned src_id,
    unsigned dst_id, int copy_storage, int *copied, unsigned *flags,
    char **why)
{
	char *unseen = NULL, *fixed = NULL;
	size_t i, ncopy = 0, nchecked = 0;
	int inc = 1, in_pool;

	for (i = 0; i < x->ndisks; i++) {
		const struct xml_disk *d = &x->disks[i];
		const char *tgt = d->target != NULL ? d->target : "?";

		copied[i] = 0;
		if (needs_no_check(d))
			continue;
		nchecked++;
		if (sees(src_id, dst_id, d, &in_pool))
			continue;
		if (d->readonly) {
			fixed = append(fixed, "%s (%s, read-only: libvirt does "
			    "not copy it)", tgt, d->source);
			continue;
		}
		copied[i] = 1;
		ncopy++;
		unseen = append(unseen, in_pool ? "%s (%s)" : "%s (%s, "
		    "in no storage pool)", tgt, d->source);
		inc &= backing_shared(src_id, dst_id, d);
	}
	if (fixed != NULL) {
		*why = xasprintf("the destination does not see %s", fixed);
		free(fixed);
		free(unseen);
		return -1;
	}
	if (ncopy > 0 && !copy_storage) {
		*why = xasprintf("the destination does not see %s: copy storage "
		    "required (--copy-storage)", unseen);
		free(unseen);
		return -1;
	}
	if (ncopy > 0) {
		*flags |= inc ? VIR_MIGRATE_NON_SHARED_INC :
		    VIR_MIGRATE_NON_SHARED_DISK;
		*why = xasprintf("copying %s%s", unseen, inc ?
		    " (top layer: the backing chain is shared)" : "");
		free(unseen);
		return 0;
	}
	*why = nchecked == 0 ? xstrdup("no disks on host storage") :
	    xasprintf("%zu disk%s on storage the destination shares",
	    nchecked, nchecked == 1 ? "" : "s");
	/* libvirt probes the file system under each disk and calls a
	 * directory the configuration names shared (pool-share.h) local:
	 * hvdeck's own checks (this one and the cache modes) stand in for
	 * that probe */
	if (nchecked > 0)
		*flags |= VIR_MIGRATE_UNSAFE;
	return 0;
}

static int safe_cache(const char *mode)
{
	return mode != NULL && (strcmp(mode, "none") == 0 ||
	    strcmp(mode, "directsync") == 0);
}

int migrate_check_cache(const struct xml_domain *x, const int *copied,
    int unsafe, unsigned *flags, char **why)
{
	char *bad = NULL;
	size_t i;

	for (i = 0; i < x->ndisks; i++) {
		const struct xml_disk *d = &x->disks[i];

		if (needs_no_check(d) || copied[i] || d->readonly ||
		    safe_cache(d->cache))
			continue;
		bad = append(bad, "%s cache=%s", d->target != NULL ? d->target :
		    "?", d->cache != NULL ? d->cache : "default (writeback)");
	}
	if (bad == NULL) {
		*why = xstrdup("every shared disk uses cache none or directsync");
		return 0;
	}
	if (!unsafe) {
		*why = xasprintf("%s: the source's page cache may hold writes "
		    "the destination never sees (use none or directsync, or "
		    "--unsafe)", bad);
		free(bad);
		return -1;
	}
	*flags |= VIR_MIGRATE_UNSAFE;
	*why = xasprintf("%s: unsafe, accepted", bad);
	free(bad);
	return 1;
}

int migrate_check_memory(const char *dest, const char *desktop,
    uint64_t free_kib, uint64_t need_kib, uint64_t reserve_kib, char **why)
{
	if (free_kib >= need_kib + reserve_kib) {
		*why = xasprintf("%s: %llu MiB free for %llu MiB + %llu MiB "
		    "reserve", dest, (unsigned long long)(free_kib / 1024),
		    (unsigned long long)(need_kib / 1024),
		    (unsigned long long)(reserve_kib / 1024));
		return 0;
	}
	*why = xasprintf("%s has %llu MiB free; %s needs %llu MiB + the host's "
	    "memory_reserve %llu MiB", dest,
	    (unsigned long long)(free_kib / 1024), desktop,
	    (unsigned long long)(need_kib / 1024),
	    (unsigned long long)(reserve_kib / 1024));
	return -1;
}
