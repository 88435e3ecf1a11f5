/* act-derive.c — thin qcow2 overlays on a base or template (act-derive.h):
 * the XML, one overlay checked and made on a connection, and the batch job
 * that the model's checks start. */
#include "act/act-derive.h"
#include "act/vol-claim.h"
#include "act/act-domain.h"
#include "act/act-pool.h"
#include "act/vol-deps.h"
#include "core/config.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "core/names.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-xml.h"
#include "virt/virt-ref.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DERIVE_REFRESH_WAIT_MS 30000
#define CLUSTER_MIN 512ull
#define CLUSTER_MAX (2ull << 20)
#define CLUSTER_L2_MIN (16ull << 10)  /* subclusters need 16 KiB clusters */

/* ---- options and XML ---- */

int derive_opts_check(const struct derive_opts *o, char **cause)
{
	uint64_t c;

	if (o == NULL)
		return 0;
	c = o->cluster_size;
	if (c != 0 && (c < CLUSTER_MIN || c > CLUSTER_MAX || (c & (c - 1)))) {
		*cause = xasprintf("cluster size %llu: a power of two from 512 "
		    "bytes to 2 MiB", (unsigned long long)c);
		return -1;
	}
	if (o->extended_l2 && c != 0 && c < CLUSTER_L2_MIN) {
		*cause = xasprintf("extended L2 needs a cluster size of at least "
		    "16 KiB (not %llu bytes)", (unsigned long long)c);
		return -1;
	}
	return 0;
}

/* name is checked by names_check (no XML metacharacter can be in it);
 * the backing path comes from libvirt and is escaped. */
static char *xml_escape(const char *s)
{
	size_t n = 1;
	const char *p;
	char *out, *q;

	for (p = s; *p != '\0'; p++)
		n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 :
		    *p == '\'' || *p == '"' ? 6 : 1;
	out = q = xmalloc(n);
	for (p = s; *p != '\0'; p++) {
		const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" :
		    *p == '>' ? "&gt;" : *p == '\'' ? "&apos;" :
		    *p == '"' ? "&quot;" : NULL;

		if (e != NULL) {
			memcpy(q, e, strlen(e));
			q += strlen(e);
		} else
			*q++ = *p;
	}
	*q = '\0';
	return out;
}

char *derive_volume_xml(const char *name, const char *backing_path,
    const char *backing_format, uint64_t capacity,
    const struct derive_opts *o)
{
	static const struct derive_opts none;
	char *path = xml_escape(backing_path), *cluster, *features, *xml;

	if (o == NULL)
		o = &none;
	cluster = o->cluster_size == 0 ? xstrdup("") : xasprintf(
	    "    <clusterSize unit='B'>%llu</clusterSize>\n",
	    (unsigned long long)o->cluster_size);
	/* compat 1.1 (qcow2 v3) always: without it libvirt asks qemu-img
	 * for 0.10, which has no zero clusters and no lazy refcounts */
	features = !o->lazy_refcounts && !o->extended_l2 ? xstrdup("") :
	    xasprintf("    <features>\n%s%s    </features>\n",
	    o->lazy_refcounts ? "      <lazy_refcounts/>\n" : "",
	    o->extended_l2 ? "      <extended_l2/>\n" : "");
	xml = xasprintf("<volume>\n  <name>%s</name>\n"
	    "  <capacity unit='bytes'>%llu</capacity>\n"
	    "  <allocation unit='bytes'>0</allocation>\n"
	    "  <target>\n    <format type='qcow2'/>\n"
	    "    <compat>1.1</compat>\n%s%s  </target>\n"
	    "  <backingStore>\n    <path>%s</path>\n"
	    "    <format type='%s'/>\n  </backingStore>\n</volume>\n",
	    name, (unsigned long long)capacity, cluster, features, path,
	    strcmp(backing_format, "raw") == 0 ? "raw" : "qcow2");
	free(features);
	free(cluster);
	free(path);
	return xml;
}

static int derive_format_ok(const char *format)
{
	return format != NULL &&
	    (strcmp(format, "qcow2") == 0 || strcmp(format, "raw") == 0);
}

/* "/pool/dir" + "/" + name, without a doubled slash. Caller frees. */
static char *derive_new_path(const char *target_path, const char *name)
{
	size_t n = target_path != NULL ? strlen(target_path) : 0;

	return xasprintf("%s%s%s", n > 0 ? target_path : "",
	    n > 0 && target_path[n - 1] == '/' ? "" : "/", name);
}

/* ---- one overlay on a connection ---- */

/* qemu-img's message ends in a newline that libvirt keeps. */
static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static int refuse(char **cause, const char *fmt, const char *a, const char *b)
{
	char *va = text_visible(a), *vb = text_visible(b);

	*cause = xasprintf(fmt, va, vb);
	free(va);
	free(vb);
	return -1;
}

/* The parsed XML of a volume. 0, or -1 with *cause. */
static int vol_read(virStorageVolPtr v, struct xml_volume *out, char **cause)
{
	char *xml = virStorageVolGetXMLDesc(v, 0);
	int rc;

	memset(out, 0, sizeof *out);
	if (xml == NULL) {
		*cause = evloop_last_error("cannot read the volume");
		return -1;
	}
	rc = virtxml_parse_volume(xml, out, cause);
	free(xml);
	return rc;
}

/* Does the chain starting at the source pass through new_path? Walks the
 * backing paths libvirt knows, as far as DERIVE_CHAIN_MAX levels; a
 * backing file libvirt has no volume for still counts by its path. */
static int chain_loops(virConnectPtr conn, const struct xml_volume *src,
    const char *new_path)
{
	struct xml_volume cur;
	char *path = xstrdup(src->path), *next = xstrdup(src->backing_path);
	char *ignored = NULL;
	virStorageVolPtr v;
	int i, loops = 0;

	for (i = 0; i < DERIVE_CHAIN_MAX && !loops; i++) {
		if (path != NULL && strcmp(path, new_path) == 0)
			loops = 1;
		if (next == NULL || loops)
			break;
		free(path);
		path = next;
		next = NULL;
		if ((v = virStorageVolLookupByPath(conn, path)) == NULL)
			continue;	/* compare this last path, then stop */
		if (vol_read(v, &cur, &ignored) == 0) {
			next = xstrdup(cur.backing_path);
			virtxml_volume_free(&cur);
		}
		free(ignored);
		ignored = NULL;
		virStorageVolFree(v);
	}
	if (i == DERIVE_CHAIN_MAX)
		loops = 1;	/* deeper than any real chain: a loop already */
	free(path);
	free(next);
	return loops;
}

/* The target pool, active, with room; rescanned first when asked (a
 * volume another host made on shared storage is then known here: a
 * batch does it once, before any name is checked — a rescan per volume
 * would race the host worker's reading of the pool). NULL with *cause. */
static virStoragePoolPtr dst_open(virConnectPtr conn, const char *dst_pool,
    int rescan, char **target_path, char **cause)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(conn, dst_pool);
	virStoragePoolInfo info;
	struct xml_pool x;
	char *xml;

	if (p == NULL) {
		refuse(cause, "no pool %s on this host%s", dst_pool, "");
		return NULL;
	}
	if (virStoragePoolIsActive(p) != 1) {
		refuse(cause, "pool %s is not active on this host%s", dst_pool,
		    "");
		goto fail;
	}
	if ((rescan && virStoragePoolRefresh(p, 0) < 0) ||
	    virStoragePoolGetInfo(p, &info) < 0 ||
	    (xml = virStoragePoolGetXMLDesc(p, 0)) == NULL) {
		*cause = evloop_last_error("cannot read the pool");
		goto fail;
	}
	memset(&x, 0, sizeof x);
	if (virtxml_parse_pool(xml, &x, cause) < 0) {
		free(xml);
		goto fail;
	}
	free(xml);
	*target_path = xstrdup(x.target_path);
	virtxml_pool_free(&x);
	if (info.available < DERIVE_META_MIN) {
		*cause = xasprintf("pool %s has %llu KiB available: an overlay "
		    "needs %llu KiB for its metadata", dst_pool,
		    (unsigned long long)(info.available >> 10),
		    DERIVE_META_MIN >> 10);
		free(*target_path);
		*target_path = NULL;
		goto fail;
	}
	return p;
fail:
	virStoragePoolFree(p);
	return NULL;
}

/* The source volume, qcow2 or raw. 0 with *src, or -1 with *cause. */
static int src_read(virConnectPtr conn, const char *src_pool,
    const char *src_name, struct xml_volume *src, char **cause)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(conn, src_pool);
	virStorageVolPtr v = p != NULL ?
	    virStorageVolLookupByName(p, src_name) : NULL;
	int rc = -1;

	memset(src, 0, sizeof *src);
	if (v == NULL)
		refuse(cause, "no volume %s in pool %s on this host", src_name,
		    src_pool);
	else if (vol_read(v, src, cause) == 0) {
		rc = 0;
		if (!derive_format_ok(src->format)) {
			refuse(cause, "source %s is %s: only qcow2 or raw can "
			    "back an overlay", src_name, src->format != NULL ?
			    src->format : "of no known format");
			virtxml_volume_free(src);
			rc = -1;
		}
	}
	virt_vol_unref(v);
	virt_pool_unref(p);
	return rc;
}

/* name is not in the pool (as the host knows it). */
static int name_free(virStoragePoolPtr p, const char *dst_pool,
    const char *name, char **cause)
{
	virStorageVolPtr v = virStorageVolLookupByName(p, name);

	if (v == NULL)
		return 0;
	virStorageVolFree(v);
	return refuse(cause, "%s already exists in pool %s", name, dst_pool);
}

int derive_one(virConnectPtr conn, const char *src_pool, const char *src_name,
    const char *dst_pool, const char *name, const struct derive_opts *o,
    char **cause)
{
	struct xml_volume src;
	virStoragePoolPtr p;
	virStorageVolPtr made;
	char *target = NULL, *new_path, *xml;
	int rc = -1;

	*cause = NULL;
	if (names_check(name, cause) < 0 || derive_opts_check(o, cause) < 0)
		return -1;
	if (src_read(conn, src_pool, src_name, &src, cause) < 0)
		return -1;
	if ((p = dst_open(conn, dst_pool, 0, &target, cause)) == NULL)
		goto out;
	new_path = derive_new_path(target, name);
	if (name_free(p, dst_pool, name, cause) < 0) {
		free(new_path);
		goto out;
	}
	if (chain_loops(conn, &src, new_path)) {
		refuse(cause, "%s would be in its own backing chain (from %s)",
		    new_path, src_name);
		free(new_path);
		goto out;
	}
	free(new_path);
	xml = derive_volume_xml(name, src.path, src.format,
	    o != NULL && o->capacity != 0 ? o->capacity : src.capacity, o);
	made = virStorageVolCreateXML(p, xml, 0);
	free(xml);
	if (made == NULL) {
		*cause = evloop_last_error("cannot create the volume");
		trim_end(*cause);
		goto out;
	}
	virStorageVolFree(made);
	rc = 0;
out:
	virt_pool_unref(p);
	free(target);
	virtxml_volume_free(&src);
	return rc;
}

/* ---- the batch: checks against the model, then one job ---- */

int derive_source_unwritten(unsigned host_id, const char *pool,
    const char *name, char **cause)
{
	model_lock();
	*cause = vol_deps_writer(host_id, pool, name);
	model_unlock();
	return *cause != NULL ? -1 : 0;
}

const char *act_derive_default_pool(const struct config *cfg,
    const char *src_pool)
{
	if (cfg == NULL || src_pool == NULL)
		return NULL;
	if (cfg->pool_bases != NULL && strcmp(src_pool, cfg->pool_bases) == 0)
		return cfg->pool_templates;
	if (cfg->pool_templates != NULL &&
	    strcmp(src_pool, cfg->pool_templates) == 0)
		return cfg->pool_groups;
	return NULL;
}

void derive_started_free(struct derive_started *s)
{
	if (s == NULL)
		return;
	free(s->host);
	free(s->src_pool);
	free(s->dst_pool);
	free(s->first);
	free(s->last);
	memset(s, 0, sizeof *s);
}

struct batch {
	char *uri, *host, *src_pool, *src_name, *dst_pool;
	unsigned host_id;
	char **names;
	size_t n;
	struct derive_opts o;
	atomic_int cancel;
};

static void batch_free(void *ctx)
{
	struct batch *b = ctx;

	free(b->uri);
	free(b->host);
	free(b->src_pool);
	free(b->src_name);
	free(b->dst_pool);
	names_free(b->names, b->n);
	free(b);
}

static void batch_cancel(unsigned id, void *ctx)
{
	struct batch *b = ctx;

	(void)id;
	atomic_store(&b->cancel, 1);
}

/* "a", "a, b", "a, b, c" or "a … z (N)": names [from, to). Caller frees. */
static char *name_span(char **names, size_t from, size_t to)
{
	size_t n = to - from;

	if (n == 0)
		return xstrdup("none");
	if (n == 1)
		return xstrdup(names[from]);
	if (n == 2)
		return xasprintf("%s, %s", names[from], names[from + 1]);
	if (n == 3)
		return xasprintf("%s, %s, %s", names[from], names[from + 1],
		    names[from + 2]);
	return xasprintf("%s … %s", names[from], names[to - 1]);
}

/* The job's error text when it stopped before name `made`. */
static char *batch_report(const struct batch *b, size_t made,
    const char *why)
{
	char *done = name_span(b->names, 0, made);
	char *left = name_span(b->names, made, b->n);
	char *s = xasprintf("made %zu of %zu (%s); not made: %s: %s", made,
	    b->n, done, left, why);

	free(done);
	free(left);
	return s;
}

/* On the host: every name free before any is made. */
static int batch_precheck(virConnectPtr conn, const struct batch *b,
    char **cause)
{
	char *target = NULL;
	virStoragePoolPtr p = dst_open(conn, b->dst_pool, 1, &target, cause);
	size_t i;
	int rc = 0;

	if (p == NULL)
		return -1;
	for (i = 0; i < b->n && rc == 0; i++)
		rc = name_free(p, b->dst_pool, b->names[i], cause);
	virStoragePoolFree(p);
	free(target);
	return rc;
}

/* Every host sharing the pool re-reads it before the job ends, so a
 * command line that exits then leaves every libvirtd knowing the new
 * volumes (libvirt sends no volume events). */
static void batch_refresh(const struct batch *b)
{
	unsigned *jobs = NULL;
	char *err = NULL;
	size_t n = act_pool_refresh_sharing(b->host_id, b->dst_pool, &jobs);

	/* made is made: a host that fails to rescan says so in its own job */
	if (act_pool_wait(jobs, n, DERIVE_REFRESH_WAIT_MS, &err) < 0)
		log_msg(LOG_WARN, "derive: refresh of %s: %s", b->dst_pool, err);
	free(err);
	free(jobs);
}

static int batch_cancelled(void *ctx)
{
	return atomic_load(&((struct batch *)ctx)->cancel);
}

static int batch_run(unsigned id, void *ctx, char **cause)
{
	struct batch *b = ctx;
	struct conn_opts o = { .cancelled = batch_cancelled, .ctx = b };
	char phase[JOB_PHASE_MAX], *why = NULL;
	virConnectPtr conn = conn_open(b->uri, &o, NULL, &why);
	size_t i;

	if (conn == NULL) {
		*cause = xasprintf("%s: %s: nothing made", b->host, why);
		free(why);
		return -1;
	}
	if (batch_precheck(conn, b, &why) < 0) {
		*cause = xasprintf("%s: nothing made", why);
		free(why);
		virConnectClose(conn);
		return -1;
	}
	for (i = 0; i < b->n; i++) {
		snprintf(phase, sizeof phase, "%zu/%zu", i, b->n);
		job_progress(id, 100.0 * (double)i / (double)b->n, i, b->n,
		    phase);
		if (atomic_load(&b->cancel)) {
			why = xstrdup("cancelled");
			break;
		}
		if (derive_source_unwritten(b->host_id, b->src_pool, b->src_name,
		    &why) < 0 || derive_one(conn, b->src_pool, b->src_name, b->dst_pool,
		    b->names[i], &b->o, &why) < 0)
			break;
	}
	snprintf(phase, sizeof phase, "%zu/%zu", i, b->n);
	job_progress(id, 100.0 * (double)i / (double)b->n, i, b->n, phase);
	virConnectClose(conn);
	if (i > 0)
		batch_refresh(b);
	if (i == b->n)
		return 0;
	*cause = batch_report(b, i, why != NULL ? why : "stopped");
	free(why);
	return -1;
}

static const struct job_ops batch_ops = {
	.run = batch_run,
	.cancel = batch_cancel,
	.free = batch_free,
	.watch_ms = 500,
};

static const struct m_pool *host_pool(const struct m_host *h, const char *name)
{
	size_t k;

	for (k = 0; k < h->npools; k++)
		if (strcmp(h->pools[k]->name, name) == 0)
			return h->pools[k];
	return NULL;
}

static const struct m_volume *pool_vol(const struct m_pool *p,
    const char *name)
{
	size_t i;

	for (i = 0; p != NULL && i < p->nvols; i++)
		if (strcmp(p->vols[i].name, name) == 0)
			return &p->vols[i];
	return NULL;
}

static const struct m_volume *host_vol_by_path(const struct m_host *h,
    const char *path)
{
	size_t k, i;

	for (k = 0; k < h->npools; k++)
		for (i = 0; i < h->pools[k]->nvols; i++)
			if (h->pools[k]->vols[i].path != NULL &&
			    strcmp(h->pools[k]->vols[i].path, path) == 0)
				return &h->pools[k]->vols[i];
	return NULL;
}

/* Lock held: the model's view of the chain, as chain_loops on the host. */
static int model_chain_loops(const struct m_host *h, const struct m_volume *v,
    const char *new_path)
{
	const char *path = v->path, *next = v->backing_path;
	int i;

	for (i = 0; i < DERIVE_CHAIN_MAX; i++) {
		if (path != NULL && strcmp(path, new_path) == 0)
			return 1;
		if (next == NULL)
			return 0;
		path = next;
		v = host_vol_by_path(h, path);
		next = v != NULL ? v->backing_path : NULL;
	}
	return 1;
}

/* What the checks found, lock held while filling it. */
struct plan {
	char *src_pool, *src_name, *dst_pool;
	char **names;
	size_t n;
	unsigned host_id;
	char *host, *uri;
};

static void plan_free(struct plan *p)
{
	free(p->src_pool);
	free(p->src_name);
	free(p->dst_pool);
	names_free(p->names, p->n);
	free(p->host);
	free(p->uri);
}

static int listed(const char **seen, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(seen[i], name) == 0)
			return 1;
	return 0;
}

/* Lock held. "POOL/NAME" or "NAME" to a pool and a name: the one pool
 * (by name, any host) that has such a volume. */
static int resolve_source(const char *source, struct plan *pl, char **cause)
{
	struct m_host **hosts;
	const char *slash = strchr(source, '/');
	char *want_pool = slash ? xstrndup(source, (size_t)(slash - source)) : NULL;
	const char *name = slash ? slash + 1 : source;
	char *pools = NULL, *t;
	const char **seen = NULL;
	size_t nh, i, k, found = 0;

	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *p = hosts[i]->pools[k];

			if ((want_pool != NULL && strcmp(p->name, want_pool) != 0) ||
			    pool_vol(p, name) == NULL)
				continue;
			if (listed(seen, found, p->name))
				continue;
			seen = xreallocarray(seen, found + 1, sizeof *seen);
			seen[found++] = p->name;
			t = xasprintf("%s%s%s", pools != NULL ? pools : "",
			    pools != NULL ? ", " : "", p->name);
			free(pools);
			pools = t;
		}
	free(want_pool);
	if (found == 0)
		refuse(cause, "no volume %s%s", source, "");
	else if (found > 1)
		refuse(cause, "%s is in pools %s: say POOL/NAME", name, pools);
	else {
		pl->src_pool = xstrdup(seen[0]);
		pl->src_name = xstrdup(name);
	}
	free(seen);
	free(pools);
	return found == 1 ? 0 : -1;
}

/* Lock held: may host h derive here? Both pools, the source, the target
 * active with room. NULL when it may, else why (caller frees). */
static char *host_unfit(const struct m_host *h, const struct plan *pl)
{
	const struct m_pool *sp = host_pool(h, pl->src_pool);
	const struct m_pool *dp = host_pool(h, pl->dst_pool);
	char *why;

	if ((why = place_refusal(h, PLACE_DISK)) != NULL)
		return why;
	if (pool_vol(sp, pl->src_name) == NULL)
		return xasprintf("%s does not see %s/%s", h->name, pl->src_pool,
		    pl->src_name);
	if (dp == NULL)
		return xasprintf("%s has no pool %s", h->name, pl->dst_pool);
	if (!dp->active)
		return xasprintf("pool %s is not active on %s", pl->dst_pool,
		    h->name);
	if (dp->available < DERIVE_META_MIN)
		return xasprintf("pool %s on %s has %llu KiB available: an "
		    "overlay needs %llu KiB for its metadata", pl->dst_pool,
		    h->name, (unsigned long long)(dp->available >> 10),
		    DERIVE_META_MIN >> 10);
	return NULL;
}

/* Choose the host: the one asked for, or the best disk host that fits.
 * Not under the lock (place_hosts takes it). */
static int choose_host(const char *asked, struct plan *pl, char **cause)
{
	unsigned *ids = NULL;
	size_t n = 0, i;
	char *why = NULL, *first_why = NULL;
	const struct m_host *h = NULL;

	if (asked == NULL)
		n = place_hosts(PLACE_DISK, 0, &ids);
	model_lock();
	if (asked != NULL) {
		if ((h = model_host_by_name(asked)) == NULL)
			refuse(cause, "no host named %s%s", asked, "");
		else if ((*cause = host_unfit(h, pl)) != NULL)
			h = NULL;
	}
	for (i = 0; i < n && h == NULL; i++) {
		const struct m_host *c = model_host(ids[i]);

		if (c == NULL)
			continue;
		if ((why = host_unfit(c, pl)) == NULL)
			h = c;
		else if (first_why == NULL)
			first_why = why;
		else
			free(why);
	}
	if (asked == NULL && h == NULL)
		*cause = n == 0 ? xstrdup("no host may do disk operations now "
		    "(online, not in maintenance, role disk or mixed)") :
		    first_why;
	else
		free(first_why);
	if (h != NULL) {
		pl->host_id = h->id;
		pl->host = xstrdup(h->name);
		pl->uri = xstrdup(h->uri);
	}
	model_unlock();
	free(ids);
	return h != NULL ? 0 : -1;
}

/* Lock held: a name already in the target pool on the chosen host or on
 * any host sharing its storage. */
static int names_taken(const struct plan *pl, char **cause)
{
	const struct m_host *h = model_host(pl->host_id);
	const struct m_pool *dp = h != NULL ? host_pool(h, pl->dst_pool) : NULL;
	struct m_host **hosts;
	size_t nh, i, k, j;

	if (dp == NULL) {
		*cause = xasprintf("the host went away");
		return -1;
	}
	hosts = model_hosts(&nh);
	for (j = 0; j < pl->n; j++)
		for (i = 0; i < nh; i++)
			for (k = 0; k < hosts[i]->npools; k++) {
				const struct m_pool *p = hosts[i]->pools[k];

				if (p != dp && (dp->share_key == NULL ||
				    p->share_key == NULL ||
				    strcmp(p->share_key, dp->share_key) != 0))
					continue;
				if (pool_vol(p, pl->names[j]) != NULL)
					return refuse(cause, "%s already exists "
					    "in pool %s: nothing made",
					    pl->names[j], p->name);
			}
	return 0;
}

/* Lock held: the source's format and a loop, on the chosen host. */
static int source_fit(const struct plan *pl, char **cause)
{
	const struct m_host *h = model_host(pl->host_id);
	const struct m_pool *dp = h != NULL ? host_pool(h, pl->dst_pool) : NULL;
	const struct m_volume *v = h != NULL ?
	    pool_vol(host_pool(h, pl->src_pool), pl->src_name) : NULL;
	char *path;
	size_t j;
	int loops = 0;

	if (v == NULL || dp == NULL) {
		*cause = xasprintf("the host went away");
		return -1;
	}
	if (!derive_format_ok(v->format))
		return refuse(cause, "source %s is %s: only qcow2 or raw can "
		    "back an overlay", pl->src_name, v->format != NULL ?
		    v->format : "of no known format");
	for (j = 0; j < pl->n && !loops; j++) {
		path = derive_new_path(dp->target_path, pl->names[j]);
		if ((loops = model_chain_loops(h, v, path)))
			refuse(cause, "%s would be in its own backing chain "
			    "(from %s)", path, pl->src_name);
		free(path);
	}
	return loops ? -1 : 0;
}

static int check_request(const struct derive_req *r, struct plan *pl,
    int *usage, char **cause)
{
	const char *dst;
	int rc;

	if (names_expand(r->pattern, &pl->names, &pl->n, cause) < 0)
		return -1;
	if (names_check_count(r->pattern, pl->n, r->count, cause) < 0 ||
	    derive_opts_check(&r->o, cause) < 0) {
		*usage = 1;
		return -1;
	}
	if (act_read_only()) {
		*cause = xstrdup("read-only: derive refused");
		return -1;
	}
	model_lock();
	rc = resolve_source(r->source, pl, cause);
	model_unlock();
	if (rc < 0)
		return -1;
	dst = r->pool != NULL ? r->pool :
	    act_derive_default_pool(r->cfg, pl->src_pool);
	if (dst == NULL)
		return refuse(cause, "%s is in pool %s, neither the bases nor "
		    "the templates pool: give the target pool (--pool)",
		    pl->src_name, pl->src_pool);
	pl->dst_pool = xstrdup(dst);
	if (choose_host(r->host, pl, cause) < 0)
		return -1;
	model_lock();
	rc = source_fit(pl, cause) < 0 || names_taken(pl, cause) < 0 ? -1 : 0;
	if (rc == 0 && (*cause = vol_deps_writer(pl->host_id, pl->src_pool,
	    pl->src_name)) != NULL)
		rc = -1;
	model_unlock();
	return rc;
}

int act_derive(const struct derive_req *r, struct derive_started *out,
    int *usage, char **cause)
{
	struct plan pl;
	struct batch *b;
	struct job_target t;
	struct job_claim *claims = NULL;
	size_t nclaims = 0, i;
	char *what;
	int rc;

	memset(&pl, 0, sizeof pl);
	memset(out, 0, sizeof *out);
	*usage = 0;
	*cause = NULL;
	if (check_request(r, &pl, usage, cause) < 0) {
		plan_free(&pl);
		return -1;
	}
	b = xcalloc(1, sizeof *b);
	b->uri = pl.uri;
	b->host = xstrdup(pl.host);
	b->host_id = pl.host_id;
	b->src_pool = xstrdup(pl.src_pool);
	b->src_name = xstrdup(pl.src_name);
	b->dst_pool = xstrdup(pl.dst_pool);
	b->names = pl.names;
	b->n = pl.n;
	b->o = r->o;
	atomic_init(&b->cancel, 0);
	out->count = pl.n;
	out->host = xstrdup(pl.host);
	out->src_pool = xstrdup(pl.src_pool);
	out->dst_pool = xstrdup(pl.dst_pool);
	out->first = xstrdup(pl.names[0]);
	out->last = xstrdup(pl.names[pl.n - 1]);
	pl.uri = NULL;
	pl.names = NULL;
	pl.n = 0;
	/* the source is read and the targets written until the batch ends:
	 * no delete or second copy in this process may land meanwhile */
	model_lock();
	vol_claim_add(&claims, &nclaims, pl.host_id, pl.src_pool,
	    pl.src_name, JOB_READS);
	for (i = 0; i < b->n; i++)
		vol_claim_add(&claims, &nclaims, pl.host_id, pl.dst_pool,
		    b->names[i], JOB_WRITES);
	model_unlock();
	what = xasprintf("%s/%s", pl.dst_pool, r->pattern);
	t = (struct job_target){ NULL, what, pl.host_id, pl.host };
	rc = job_start_claiming(JK_DERIVE, &t, claims, nclaims, &batch_ops, b,
	    &out->job, cause);
	job_claims_free(claims, nclaims);
	free(what);
	plan_free(&pl);
	if (rc < 0)
		derive_started_free(out);
	return rc;
}
