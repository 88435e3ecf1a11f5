/* act-desktop.c — desktop new, template from, desktop delete, and the one
 * desktop lookup by name or UUID. What the model can answer is checked on
 * the caller's thread, under the model lock, with every id copied out;
 * then one job thread per command opens its own connections and does the
 * libvirt work, so no host worker waits behind a batch. */
#include "act/act-desktop.h"
#include "act/vol-claim.h"
#include "act/act-derive.h"
#include "act/act-domain.h"
#include "act/act-pool.h"
#include "act/act-volume.h"
#include "core/cpufit.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "core/names.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-cpu.h"
#include "virt/virt-evloop.h"
#include "virt/virt-xml-edit.h"
#include "virt/virt-xml.h"
#include "act/vol-deps.h"
#include "virt/virt-ref.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long a job waits for the pools it changed to be re-read. */
#define REFRESH_WAIT_MS 30000
/* Bytes per stream read when a disk is copied byte for byte. */
#define COPY_CHUNK (256 * 1024)

/* ---- the lookup ---- */

/* Lock held. The hosts of ds[0..n) as "hv1, hv2". Caller frees. */
static char *hosts_of(struct m_desktop **ds, size_t n)
{
	const struct m_place *p;
	const struct m_host *h;
	char *hosts = NULL, *t;
	size_t i;

	for (i = 0; i < n; i++) {
		p = model_desktop_place(ds[i]);
		h = p != NULL ? model_host(p->host_id) : NULL;
		t = xasprintf("%s%s%s", hosts != NULL ? hosts : "",
		    hosts != NULL ? ", " : "", h != NULL ? h->name : "?");
		free(hosts);
		hosts = t;
	}
	return hosts;
}

struct m_desktop *act_desktop_find(const char *name_or_uuid, char **cause)
{
	struct m_desktop **ds, *d = NULL;
	size_t n = model_desktops_find(name_or_uuid, &ds);
	char *vis = text_visible(name_or_uuid), *hosts;

	if (n == 1) {
		d = ds[0];
	} else if (n == 0) {
		*cause = xasprintf("no desktop named %s", vis);
	} else {
		hosts = hosts_of(ds, n);
		*cause = xasprintf("%zu desktops are named %s (on %s): name it "
		    "by its UUID", n, vis, hosts);
		free(hosts);
	}
	free(vis);
	free(ds);
	return d;
}

char *act_desktop_resolve(const char *name_or_uuid, char **host,
    char **cause)
{
	struct m_desktop *d;
	char *uuid = NULL;

	if (host != NULL)
		*host = NULL;
	model_lock();
	if ((d = act_desktop_find(name_or_uuid, cause)) != NULL) {
		uuid = xstrdup(d->uuid);
		if (host != NULL)
			*host = hosts_of(&d, 1);
	}
	model_unlock();
	return uuid;
}

/* ---- a desktop's disk, as a volume of a pool ---- */

struct disk_ref {
	char *target;               /* "vda" */
	char *pool, *volume, *path, *format;
	char *backing_path, *backing_format;
	unsigned long long capacity;
};

static void disk_ref_free(struct disk_ref *r)
{
	free(r->target);
	free(r->pool);
	free(r->volume);
	free(r->path);
	free(r->format);
	free(r->backing_path);
	free(r->backing_format);
	memset(r, 0, sizeof *r);
}

/* Lock held. The disk of d (its first of device "disk") as the volume of a
 * pool of host h it is: "POOL/VOL" sources by name, paths by path. */
static int disk_of(const struct m_desktop *d, const struct m_host *h,
    struct disk_ref *out, char **cause)
{
	const struct xml_disk *dk = NULL;
	const char *slash;
	size_t i, k, v;

	memset(out, 0, sizeof *out);
	for (i = 0; i < d->xml.ndisks && dk == NULL; i++)
		if (d->xml.disks[i].device == NULL ||
		    strcmp(d->xml.disks[i].device, "disk") == 0)
			dk = &d->xml.disks[i];
	if (dk == NULL || dk->source == NULL || dk->target == NULL) {
		*cause = xasprintf("%s has no disk", d->name);
		return -1;
	}
	slash = strchr(dk->source, '/');
	for (k = 0; h != NULL && k < h->npools; k++) {
		const struct m_pool *p = h->pools[k];

		for (v = 0; v < p->nvols; v++) {
			const struct m_volume *mv = &p->vols[v];
			int same = dk->source[0] == '/' ?
			    mv->path != NULL && strcmp(mv->path, dk->source) == 0 :
			    slash != NULL && strlen(p->name) == (size_t)(slash - dk->source) &&
			    strncmp(p->name, dk->source, (size_t)(slash - dk->source)) == 0 &&
			    strcmp(mv->name, slash + 1) == 0;

			if (!same)
				continue;
			out->target = xstrdup(dk->target);
			out->pool = xstrdup(p->name);
			out->volume = xstrdup(mv->name);
			out->path = xstrdup(mv->path != NULL ? mv->path : "");
			out->format = xstrdup(mv->format != NULL ? mv->format : "raw");
			out->backing_path = mv->backing_path != NULL ?
			    xstrdup(mv->backing_path) : NULL;
			out->backing_format = mv->backing_format != NULL ?
			    xstrdup(mv->backing_format) : NULL;
			out->capacity = mv->capacity;
			return 0;
		}
	}
	*cause = xasprintf("the disk of %s (%s) is no volume of a pool of %s",
	    d->name, dk->source, h != NULL ? h->name : "its host");
	return -1;
}

/* Lock held. d's host (the placement that counts), or NULL. */
static const struct m_host *host_of(const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);

	return p != NULL ? model_host(p->host_id) : NULL;
}

char *act_desktop_not_template(const struct config *cfg,
    const struct m_desktop *d)
{
	struct disk_ref r;
	char *why = NULL;

	if (model_desktop_state(d) != DS_SHUTOFF)
		return xasprintf("%s is no template desktop: it is %s (a template "
		    "desktop is shut off)", d->name,
		    model_state_name(model_desktop_state(d)));
	if (disk_of(d, host_of(d), &r, &why) < 0) {
		char *t = xasprintf("%s is no template desktop: %s", d->name, why);

		free(why);
		return t;
	}
	if (strcmp(r.pool, cfg->pool_templates) != 0)
		why = xasprintf("%s is no template desktop: its disk %s is in pool "
		    "%s, not %s", d->name, r.volume, r.pool, cfg->pool_templates);
	disk_ref_free(&r);
	return why;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t act_desktop_templates_using(const struct config *cfg,
    const char *path, char ***names)
{
	struct m_desktop **ds;
	struct disk_ref r;
	char *why;
	size_t n, i, found = 0;

	*names = NULL;
	model_lock();
	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		why = NULL;
		if (disk_of(ds[i], host_of(ds[i]), &r, &why) < 0) {
			free(why);
			continue;
		}
		if (strcmp(r.path, path) == 0 &&
		    (why = act_desktop_not_template(cfg, ds[i])) == NULL) {
			*names = xreallocarray(*names, found + 1, sizeof **names);
			(*names)[found++] = xstrdup(ds[i]->name);
		}
		free(why);
		disk_ref_free(&r);
	}
	model_unlock();
	if (found > 1)
		qsort(*names, found, sizeof **names, by_name);
	return found;
}

void act_desktop_names_free(char **names, size_t n)
{
	util_strings_free(names, n);
}

/* ---- hosts and connections ---- */

/* A host, by model id and URI, copied out from under the lock. */
struct host_ref {
	unsigned id;
	char *name, *uri;
};

static void host_ref_set(struct host_ref *r, const struct m_host *h)
{
	r->id = h->id;
	r->name = xstrdup(h->name);
	r->uri = xstrdup(h->uri);
}

static void host_ref_free(struct host_ref *r)
{
	free(r->name);
	free(r->uri);
}

/* Lock held. Does h have a pool called pool? */
static int has_pool(const struct m_host *h, const char *pool)
{
	size_t k;

	for (k = 0; k < h->npools; k++)
		if (strcmp(h->pools[k]->name, pool) == 0)
			return 1;
	return 0;
}

/* Lock held. Where the disk work for a desktop of host `near` is done:
 * near itself when its role does disk work, else the best disk host that
 * has both pools (shared storage: the same files). */
static const struct m_host *disk_host(const struct m_host *near,
    const char *pool1, const char *pool2, char **cause)
{
	const struct m_host *h = NULL;
	unsigned *ids = NULL;
	size_t n, i;
	char *why;

	if ((why = place_refusal(near, PLACE_DISK)) == NULL)
		return near;
	/* place_hosts takes the model lock itself */
	model_unlock();
	n = place_hosts(PLACE_DISK, 0, &ids);
	model_lock();
	for (i = 0; i < n && h == NULL; i++) {
		const struct m_host *c = model_host(ids[i]);

		if (c != NULL && has_pool(c, pool1) && has_pool(c, pool2))
			h = c;
	}
	free(ids);
	if (h == NULL)
		*cause = xasprintf("%s, and no other host may do the disk work "
		    "with pools %s and %s", why, pool1, pool2);
	free(why);
	return h;
}

/* The job's own connection to host h (virt/conn.h: read-only when
 * hvdeck is); NULL with *cause naming the host. */
static virConnectPtr host_conn_open(const struct host_ref *h, char **cause)
{
	char *msg = NULL;
	virConnectPtr c = conn_open(h->uri, NULL, NULL, &msg);

	if (c == NULL) {
		*cause = xasprintf("%s: %s", h->name, msg);
		free(msg);
	}
	return c;
}

/* The inactive XML of the domain uuid on c, SECURE: without it libvirt
 * leaves a graphics password out, and a copy of a template that has one
 * would have none (virtxml_domain_renew puts a fresh one in its place).
 * It is never logged. */
static char *domain_xml(virConnectPtr c, const char *uuid, char **cause)
{
	virDomainPtr dom = virDomainLookupByUUIDString(c, uuid);
	char *xml = NULL, *lv;

	if (dom != NULL && (lv = virDomainGetXMLDesc(dom,
	    VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE)) != NULL) {
		xml = xstrdup(lv);
		free(lv);
	}
	if (xml == NULL)
		*cause = evloop_error_for("cannot read the template's XML");
	virt_dom_unref(dom);
	return xml;
}

/* Rescan pool on c and give the path of its volume name (caller frees). */
static char *volume_path(virConnectPtr c, const char *pool, const char *name,
    char **cause)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
	virStorageVolPtr v = NULL;
	char *path = NULL, *lv;

	if (p != NULL && virStoragePoolRefresh(p, 0) == 0 &&
	    (v = virStorageVolLookupByName(p, name)) != NULL &&
	    (lv = virStorageVolGetPath(v)) != NULL) {
		path = xstrdup(lv);
		free(lv);
	}
	if (path == NULL)
		*cause = evloop_error_for(name);
	virt_vol_unref(v);
	virt_pool_unref(p);
	return path;
}

/* Define xml on c (and start it); on any failure nothing stays defined. */
static int define(virConnectPtr c, const char *xml, int start, char **cause)
{
	virDomainPtr dom = virDomainDefineXML(c, xml);
	int rc = 0;

	if (dom == NULL) {
		*cause = evloop_error_for("define");
		return -1;
	}
	if (start && virDomainCreate(dom) < 0) {
		*cause = evloop_error_for("start");
		virDomainUndefine(dom);
		rc = -1;
	}
	virDomainFree(dom);
	return rc;
}

static char *vol_name(const char *name)
{
	return xasprintf("%s.qcow2", name);
}

/* After a creation or deletion in pool through host host_id: that host and
 * every host sharing the pool rescan it, waited on, so every pane agrees
 * (and a command line that exits leaves every host knowing). A refresh
 * that fails is logged: what was made stays made. */
static void refresh_sharing(unsigned host_id, const char *pool)
{
	unsigned *jobs = NULL;
	size_t n = act_pool_refresh_sharing(host_id, pool, &jobs);
	char *why = NULL;

	if (act_pool_wait(jobs, n, REFRESH_WAIT_MS, &why) < 0)
		log_msg(LOG_WARN, "refresh of pool %s after a change: %s", pool, why);
	free(why);
	free(jobs);
}

static int start_job(enum job_kind kind, const char *name,
    const struct host_ref *h, const struct job_ops *ops, void *ctx,
    unsigned *job, char **cause)
{
	struct job_target t = { NULL, name, h->id, h->name };

	return job_start_thread(kind, &t, ops, ctx, job, cause);
}

/* A copy job: it reads src (on src_host) and writes NAME.qcow2 of pool
 * `to` (on to_host) for every name, claimed for its whole life (job.h:
 * no delete, second copy or start of a writer lands meanwhile). */
static int start_copy_job(enum job_kind kind, const char *name,
    const struct host_ref *h, unsigned src_host, const struct disk_ref *src,
    unsigned to_host, const char *to, char **names, size_t n,
    const struct job_ops *ops, void *ctx, unsigned *job, char **cause)
{
	struct job_target t = { NULL, name, h->id, h->name };
	struct job_claim *c = NULL;
	size_t nc = 0, i;
	char *vol;
	int rc;

	model_lock();
	vol_claim_add(&c, &nc, src_host, src->pool, src->volume,
	    JOB_READS);
	for (i = 0; i < n; i++) {
		vol = vol_name(names[i]);
		vol_claim_add(&c, &nc, to_host, to, vol, JOB_WRITES);
		free(vol);
	}
	model_unlock();
	rc = job_start_claiming(kind, &t, c, nc, ops, ctx, job, cause);
	job_claims_free(c, nc);
	return rc;
}

/* ---- desktop new ---- */

struct new_job {
	char tmpl_uuid[40];
	struct host_ref tmpl_host;  /* where the template desktop is */
	struct host_ref host;       /* where the new desktops go */
	struct host_ref disk;       /* where their overlays are made */
	struct disk_ref src;        /* the template's disk */
	char *groups;
	char **names;
	size_t n;
	int start;
};

static void new_job_free(void *ctx)
{
	struct new_job *j = ctx;

	host_ref_free(&j->tmpl_host);
	host_ref_free(&j->host);
	host_ref_free(&j->disk);
	disk_ref_free(&j->src);
	free(j->groups);
	names_free(j->names, j->n);
	free(j);
}

/* One desktop: its overlay, then its domain; a failure removes what this
 * one made. */
static int new_one(struct new_job *j, virConnectPtr hc, virConnectPtr dc,
    const char *tmpl_xml, const char *name, char **cause)
{
	char *vol = vol_name(name), *path, *xml = NULL, *undo = NULL;
	struct xml_new_disk nd;
	int rc = -1;

	if (derive_source_unwritten(j->tmpl_host.id, j->src.pool, j->src.volume,
	    cause) < 0 || derive_one(dc, j->src.pool, j->src.volume, j->groups,
	    vol, NULL, cause) < 0)
		goto out;
	if ((path = volume_path(hc, j->groups, vol, cause)) != NULL) {
		nd.target = j->src.target;
		nd.pool = j->groups;
		nd.volume = vol;
		nd.path = path;
		nd.format = "qcow2";
		if (virtxml_domain_renew(tmpl_xml, name, &nd, &xml, cause) == 0)
			rc = define(hc, xml, j->start, cause);
		free(path);
	}
	if (rc < 0 && act_volume_delete_on(dc, j->groups, vol, &undo) < 0) {
		char *t = xasprintf("%s; its overlay %s/%s could not be removed: %s",
		    *cause, j->groups, vol, undo);

		free(*cause);
		*cause = t;
	}
	free(undo);
	free(xml);
out:
	free(vol);
	return rc;
}

/* "made a, b; c failed: WHY; not made: c, d" */
static char *batch_report(char **names, size_t n, size_t made,
    const char *why)
{
	char *s = xstrdup(made == 0 ? "made none" : "made"), *t;
	size_t i;

	for (i = 0; i < made; i++) {
		t = xasprintf("%s%s %s", s, i > 0 ? "," : "", names[i]);
		free(s);
		s = t;
	}
	t = xasprintf("%s; %s failed: %s; not made:", s, names[made], why);
	free(s);
	s = t;
	for (i = made; i < n; i++) {
		t = xasprintf("%s%s %s", s, i > made ? "," : "", names[i]);
		free(s);
		s = t;
	}
	return s;
}

static int run_new(unsigned id, void *ctx, char **cause)
{
	struct new_job *j = ctx;
	virConnectPtr hc = NULL, dc = NULL, tc = NULL;
	char *xml = NULL, *why = NULL, phase[JOB_PHASE_MAX];
	size_t made = 0;

	if ((hc = host_conn_open(&j->host, &why)) == NULL ||
	    (j->disk.id != j->host.id && (dc = host_conn_open(&j->disk, &why)) == NULL) ||
	    (j->tmpl_host.id != j->host.id &&
	    (tc = host_conn_open(&j->tmpl_host, &why)) == NULL) ||
	    (xml = domain_xml(tc != NULL ? tc : hc, j->tmpl_uuid, &why)) == NULL)
		goto out;
	for (made = 0; made < j->n; made++) {
		snprintf(phase, sizeof phase, "%zu/%zu %s", made + 1, j->n,
		    j->names[made]);
		job_progress(id, 100.0 * (double)made / (double)j->n, 0, 0, phase);
		if (new_one(j, hc, dc != NULL ? dc : hc, xml, j->names[made],
		    &why) < 0)
			break;
		model_event(SEV_INFO, "desktop %s made on %s", j->names[made],
		    j->host.name);
	}
	if (made > 0)	/* every host sharing the pool shows the overlays */
		refresh_sharing(j->disk.id, j->groups);
out:
	if (why != NULL) {
		*cause = batch_report(j->names, j->n, made, why);
		model_event(SEV_ERROR, "desktop new: %s", *cause);
	} else {
		snprintf(phase, sizeof phase, "%zu/%zu", j->n, j->n);
		job_progress(id, 100.0, 0, 0, phase);
	}
	free(why);
	free(xml);
	conn_close(tc);
	conn_close(dc);
	conn_close(hc);
	return why != NULL ? -1 : 0;
}

static const struct job_ops new_ops = { run_new, NULL, NULL, new_job_free, 0 };

/* Lock held. May name be made: not a desktop anywhere, no volume
 * NAME.qcow2 in the groups pool of any host. */
static int name_free(const char *groups, const char *name, char **cause)
{
	struct m_desktop **ds;
	struct m_host **hosts;
	char *vol = vol_name(name);
	size_t n, i, k, v;
	int rc = 0;

	if ((n = model_desktops_find(name, &ds)) > 0) {
		*cause = xasprintf("a desktop named %s exists", name);
		rc = -1;
	}
	free(ds);
	hosts = model_hosts(&n);
	for (i = 0; i < n && rc == 0; i++)
		for (k = 0; k < hosts[i]->npools && rc == 0; k++) {
			const struct m_pool *p = hosts[i]->pools[k];

			if (strcmp(p->name, groups) != 0)
				continue;
			for (v = 0; v < p->nvols && rc == 0; v++)
				if (strcmp(p->vols[v].name, vol) == 0) {
					*cause = xasprintf("volume %s/%s exists (on %s)",
					    groups, vol, hosts[i]->name);
					rc = -1;
				}
		}
	free(vol);
	return rc;
}

/* Lock held. The host the new desktops go to: --on, or the best; one
 * that can run the CPU of the template desktop tmpl (its copies ask for
 * the same). */
static const struct m_host *new_host(const char *on, const char *tmpl,
    char **cause)
{
	const struct m_host *h = NULL;
	unsigned *ids = NULL;
	size_t n;

	if (on != NULL) {
		if ((h = model_host_by_name(on)) == NULL)
			*cause = xasprintf("no host named %s", on);
		else if ((*cause = place_refusal_for(h, PLACE_DESKTOP,
		    model_desktop(tmpl))) != NULL)
			h = NULL;
		return h;
	}
	model_unlock();
	n = place_hosts_for(PLACE_DESKTOP, 0, tmpl, &ids);
	model_lock();
	h = n > 0 ? model_host(ids[0]) : NULL;
	free(ids);
	if (h == NULL) {
		char *why = place_why_none(PLACE_DESKTOP, 0, model_desktop(tmpl));

		*cause = xasprintf("no host may run new desktops (online, not in "
		    "maintenance, role hypervisor or mixed): %s", why);
		free(why);
	}
	return h;
}

/* Lock held: fill j from the model, or refuse. */
static int new_check(const struct config *cfg, const struct desktop_new_req *r,
    const char *uuid, struct new_job *j, char **cause)
{
	struct m_desktop *d = model_desktop(uuid);
	const struct m_host *th, *h, *dh;
	size_t i;

	if (d == NULL || (th = host_of(d)) == NULL) {
		*cause = xasprintf("desktop %s is gone", r->tmpl);
		return -1;
	}
	if ((*cause = act_desktop_not_template(cfg, d)) != NULL ||
	    disk_of(d, th, &j->src, cause) < 0)
		return -1;
	for (i = 0; i < r->n; i++)
		if (names_check_desktop(r->names[i], cause) < 0 ||
		    name_free(cfg->pool_groups, r->names[i], cause) < 0)
			return -1;
	for (i = 1; i < r->n; i++)
		if (strcmp(r->names[i], r->names[i - 1]) == 0) {
			*cause = xasprintf("%s is named twice", r->names[i]);
			return -1;
		}
	/* another desktop on the template's disk may be running */
	if ((*cause = vol_deps_writer(th->id, j->src.pool, j->src.volume)) != NULL)
		return -1;
	if ((h = new_host(r->on, uuid, cause)) == NULL)
		return -1;
	if (!has_pool(h, cfg->pool_groups)) {
		*cause = xasprintf("%s has no pool %s", h->name, cfg->pool_groups);
		return -1;
	}
	host_ref_set(&j->host, h);
	host_ref_set(&j->tmpl_host, th);
	if ((dh = disk_host(h, j->src.pool, cfg->pool_groups, cause)) == NULL)
		return -1;
	host_ref_set(&j->disk, dh);
	return 0;
}

int act_desktop_new(const struct config *cfg, const struct desktop_new_req *r,
    unsigned *job, char **host, char **cause)
{
	struct new_job *j;
	char *uuid;
	size_t i;
	int rc;

	*host = NULL;
	if (act_read_only()) {
		*cause = xstrdup("cannot make desktops: hvdeck runs read-only");
		return -1;
	}
	if (r->n == 0) {
		*cause = xstrdup("no name for the new desktop");
		return -1;
	}
	if ((uuid = act_desktop_resolve(r->tmpl, NULL, cause)) == NULL)
		return -1;
	j = xcalloc(1, sizeof *j);
	snprintf(j->tmpl_uuid, sizeof j->tmpl_uuid, "%s", uuid);
	free(uuid);
	model_lock();
	rc = new_check(cfg, r, j->tmpl_uuid, j, cause);
	model_unlock();
	if (rc < 0) {
		new_job_free(j);
		return -1;
	}
	j->groups = xstrdup(cfg->pool_groups);
	j->names = xcalloc(r->n, sizeof *j->names);
	for (i = 0; i < r->n; i++)
		j->names[i] = xstrdup(r->names[i]);
	j->n = r->n;
	j->start = r->start;
	*host = xstrdup(j->host.name);
	/* the job layer frees j from here, also when it cannot start */
	if (start_copy_job(JK_DESKTOP_NEW, r->names[0], &j->host,
	    j->tmpl_host.id, &j->src, j->disk.id, j->groups, j->names, j->n,
	    &new_ops, j, job, cause) < 0) {
		free(*host);
		*host = NULL;
		return -1;
	}
	return 0;
}

/* ---- template from ---- */

struct tmpl_job {
	char uuid[40];
	char *name;                 /* the template desktop's */
	struct host_ref host;       /* the desktop's: the template goes there */
	struct host_ref disk;       /* where the copy is made */
	struct disk_ref src;
	char *templates;
	int flatten;
};

static void tmpl_job_free(void *ctx)
{
	struct tmpl_job *j = ctx;

	free(j->name);
	host_ref_free(&j->host);
	host_ref_free(&j->disk);
	disk_ref_free(&j->src);
	free(j->templates);
	free(j);
}

/* Stream every byte of src into dst (both volumes of c's host). */
static int stream_copy(virConnectPtr c, virStorageVolPtr src,
    virStorageVolPtr dst, char **cause)
{
	virStreamPtr in = virStreamNew(c, 0), out = virStreamNew(c, 0);
	char *buf = xcalloc(1, COPY_CHUNK);
	int n = -1, rc = -1;

	if (in == NULL || out == NULL ||
	    virStorageVolDownload(src, in, 0, 0, 0) < 0 ||
	    virStorageVolUpload(dst, out, 0, 0, 0) < 0)
		goto out;
	while ((n = virStreamRecv(in, buf, COPY_CHUNK)) > 0) {
		int off = 0, w;

		for (; off < n; off += w)
			if ((w = virStreamSend(out, buf + off, (size_t)(n - off))) < 0)
				goto out;
	}
	if (n == 0 && virStreamFinish(in) == 0 && virStreamFinish(out) == 0)
		rc = 0;
out:
	if (rc < 0) {
		*cause = evloop_error_for("copy keeping the base");
		if (in != NULL)
			virStreamAbort(in);
		if (out != NULL)
			virStreamAbort(out);
	}
	if (in != NULL)
		virStreamFree(in);
	if (out != NULL)
		virStreamFree(out);
	free(buf);
	return rc;
}

/* The copy keeps the base: libvirt's copy (qemu-img convert) would
 * flatten it, and its create-from ignores a <backingStore>; so the
 * overlay's file itself is copied byte for byte into an empty volume,
 * and its backing file, as libvirt reads it back, must be the source's. */
static virStorageVolPtr copy_keep_base(struct tmpl_job *j, virConnectPtr c,
    virStoragePoolPtr tp, virStorageVolPtr sv, const char *vol,
    char **cause)
{
	char *xml = virtxml_volume_new(vol, 0, "raw"), *lv;
	virStorageVolPtr nv = virStorageVolCreateXML(tp, xml, 0);
	struct xml_volume x;
	int same = 0;

	free(xml);
	if (nv == NULL) {
		*cause = evloop_error_for("create the copy");
		return NULL;
	}
	if (stream_copy(c, sv, nv, cause) == 0) {
		virStoragePoolRefresh(tp, 0);
		virStorageVolFree(nv);
		nv = virStorageVolLookupByName(tp, vol);
		lv = nv != NULL ? virStorageVolGetXMLDesc(nv, 0) : NULL;
		memset(&x, 0, sizeof x);
		if (lv != NULL && virtxml_parse_volume(lv, &x, NULL) == 0)
			same = x.backing_path != NULL &&
			    strcmp(x.backing_path, j->src.backing_path) == 0;
		if (!same)
			*cause = xasprintf("the copy is not backed by %s (a relative "
			    "backing path?): flatten instead", j->src.backing_path);
		virtxml_volume_free(&x);
		free(lv);
		if (same)
			return nv;
	}
	if (nv != NULL) {
		virStorageVolDelete(nv, 0);
		virStorageVolFree(nv);
	}
	return NULL;
}

/* The copy: a standalone qcow2 (flattened, qemu-img convert through
 * libvirt), or one keeping the source's backing file. */
static int copy_volume(struct tmpl_job *j, virConnectPtr dc, const char *vol,
    char **cause)
{
	virStoragePoolPtr sp = virStoragePoolLookupByName(dc, j->src.pool);
	virStoragePoolPtr tp = virStoragePoolLookupByName(dc, j->templates);
	virStorageVolPtr sv = NULL, nv = NULL;
	char *xml;

	if (sp == NULL || tp == NULL ||
	    (sv = virStorageVolLookupByName(sp, j->src.volume)) == NULL) {
		*cause = evloop_error_for("copy into the templates pool");
	} else if (!j->flatten && j->src.backing_path != NULL) {
		nv = copy_keep_base(j, dc, tp, sv, vol, cause);
	} else {
		xml = virtxml_volume_new(vol, j->src.capacity, "qcow2");
		if ((nv = virStorageVolCreateXMLFrom(tp, xml, sv, 0)) == NULL)
			*cause = evloop_error_for("copy into the templates pool");
		free(xml);
	}
	virt_vol_unref(nv);
	virt_vol_unref(sv);
	virt_pool_unref(tp);
	virt_pool_unref(sp);
	return nv != NULL ? 0 : -1;
}

static int run_tmpl(unsigned id, void *ctx, char **cause)
{
	struct tmpl_job *j = ctx;
	virConnectPtr hc = NULL, dc = NULL;
	char *vol = vol_name(j->name), *xml = NULL, *nxml = NULL, *path = NULL;
	char *undo = NULL;
	struct xml_new_disk nd;
	int made = 0, rc = -1;

	job_progress(id, -1, 0, 0, "copying the disk");
	if ((hc = host_conn_open(&j->host, cause)) == NULL ||
	    (j->disk.id != j->host.id && (dc = host_conn_open(&j->disk, cause)) == NULL) ||
	    (xml = domain_xml(hc, j->uuid, cause)) == NULL ||
	    derive_source_unwritten(j->host.id, j->src.pool, j->src.volume,
	    cause) < 0 ||
	    copy_volume(j, dc != NULL ? dc : hc, vol, cause) < 0)
		goto out;
	made = 1;
	job_progress(id, 90, 0, 0, "defining the template desktop");
	if ((path = volume_path(hc, j->templates, vol, cause)) == NULL)
		goto out;
	nd.target = j->src.target;
	nd.pool = j->templates;
	nd.volume = vol;
	nd.path = path;
	nd.format = "qcow2";
	if (virtxml_domain_renew(xml, j->name, &nd, &nxml, cause) == 0 &&
	    define(hc, nxml, 0, cause) == 0)
		rc = 0;
out:
	if (rc < 0 && made && act_volume_delete_on(dc != NULL ? dc : hc, j->templates,
	    vol, &undo) < 0) {
		char *t = xasprintf("%s; the copy %s/%s could not be removed: %s",
		    *cause, j->templates, vol, undo);

		free(*cause);
		*cause = t;
	}
	if (made)
		refresh_sharing(j->disk.id, j->templates);
	if (rc == 0)
		model_event(SEV_INFO, "template %s made from %s", j->name, j->src.volume);
	free(undo);
	free(path);
	free(nxml);
	free(xml);
	free(vol);
	conn_close(dc);
	conn_close(hc);
	return rc;
}

static const struct job_ops tmpl_ops = { run_tmpl, NULL, NULL, tmpl_job_free, 0 };

/* Lock held. */
static int tmpl_check(const struct config *cfg, struct tmpl_job *j,
    const char *name, char **cause)
{
	struct m_desktop *d = model_desktop(j->uuid);
	const struct m_place *p = d != NULL ? model_desktop_place(d) : NULL;
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;
	const struct m_host *dh;

	if (d == NULL || h == NULL) {
		*cause = xstrdup("the desktop is gone");
		return -1;
	}
	if (model_desktop_state(d) != DS_SHUTOFF) {
		*cause = xasprintf("cannot make a template of %s: it is %s (shut "
		    "it down first)", d->name, model_state_name(model_desktop_state(d)));
		return -1;
	}
	if (disk_of(d, h, &j->src, cause) < 0 ||
	    (*cause = vol_deps_writer(h->id, j->src.pool, j->src.volume)) != NULL ||
	    names_check_desktop(name, cause) < 0 ||
	    name_free(cfg->pool_templates, name, cause) < 0)
		return -1;
	if (!has_pool(h, cfg->pool_templates)) {
		*cause = xasprintf("%s has no pool %s", h->name, cfg->pool_templates);
		return -1;
	}
	if ((dh = disk_host(h, j->src.pool, cfg->pool_templates, cause)) == NULL)
		return -1;
	host_ref_set(&j->host, h);
	host_ref_set(&j->disk, dh);
	return 0;
}

/* The first step of an action on one desktop: refused read-only
 * ("cannot VERB: hvdeck runs read-only"), else the UUID of the desktop
 * named into uuid (40 bytes). 0, or -1 with *cause. */
static int writable_desktop(const char *verb, const char *desktop,
    char *uuid, char **cause)
{
	char *u;

	if (act_read_only()) {
		*cause = xasprintf("cannot %s: hvdeck runs read-only", verb);
		return -1;
	}
	if ((u = act_desktop_resolve(desktop, NULL, cause)) == NULL)
		return -1;
	snprintf(uuid, 40, "%s", u);
	free(u);
	return 0;
}

int act_template_from(const struct config *cfg, const char *desktop,
    const char *name, int flatten, unsigned *job, char **cause)
{
	struct tmpl_job *j;
	char uuid[40];
	int rc;

	if (writable_desktop("make a template", desktop, uuid, cause) < 0)
		return -1;
	j = xcalloc(1, sizeof *j);
	memcpy(j->uuid, uuid, sizeof j->uuid);
	model_lock();
	rc = tmpl_check(cfg, j, name, cause);
	model_unlock();
	if (rc < 0) {
		tmpl_job_free(j);
		return -1;
	}
	j->name = xstrdup(name);
	j->templates = xstrdup(cfg->pool_templates);
	j->flatten = flatten;
	return start_copy_job(JK_TEMPLATE_FROM, name, &j->host, j->host.id,
	    &j->src, j->disk.id, j->templates, &j->name, 1, &tmpl_ops, j, job,
	    cause);
}

/* ---- desktop delete ---- */

struct del_job {
	char uuid[40];
	char *name;
	struct host_ref *hosts;     /* every host it is defined on */
	size_t nhosts;
	struct host_ref disk;       /* with the disk: where it is deleted */
	struct disk_ref vol;        /* pool NULL: keep the disk */
};

static void del_job_free(void *ctx)
{
	struct del_job *j = ctx;
	size_t i;

	for (i = 0; i < j->nhosts; i++)
		host_ref_free(&j->hosts[i]);
	free(j->hosts);
	host_ref_free(&j->disk);
	disk_ref_free(&j->vol);
	free(j->name);
	free(j);
}

static int undefine_on(const struct host_ref *h, const char *uuid,
    char **cause)
{
	virConnectPtr c = host_conn_open(h, cause);
	virDomainPtr dom;
	int rc = -1;

	if (c == NULL)
		return -1;
	if ((dom = virDomainLookupByUUIDString(c, uuid)) == NULL)
		*cause = evloop_error_for(h->name);
	else if (virDomainIsActive(dom) == 1)
		*cause = xasprintf("it is running on %s: stop it first", h->name);
	else if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
	    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
	    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
	    VIR_DOMAIN_UNDEFINE_NVRAM) < 0)
		*cause = evloop_error_for(h->name);
	else
		rc = 0;
	virt_dom_unref(dom);
	conn_close(c);
	return rc;
}

static int run_del(unsigned id, void *ctx, char **cause)
{
	struct del_job *j = ctx;
	virConnectPtr c;
	size_t i;
	int rc = 0;

	job_progress(id, -1, 0, 0, "undefining");
	for (i = 0; i < j->nhosts && rc == 0; i++)
		rc = undefine_on(&j->hosts[i], j->uuid, cause);
	if (rc < 0 || j->vol.pool == NULL)
		return rc;
	job_progress(id, 50, 0, 0, "deleting the disk");
	if ((c = host_conn_open(&j->disk, cause)) == NULL)
		return -1;
	rc = act_volume_delete_on(c, j->vol.pool, j->vol.volume, cause);
	conn_close(c);
	if (rc < 0) {
		char *t = xasprintf("%s undefined, but its disk was not deleted: %s",
		    j->name, *cause);

		free(*cause);
		*cause = t;
	}
	refresh_sharing(j->disk.id, j->vol.pool);
	return rc;
}

static const struct job_ops del_ops = { run_del, NULL, NULL, del_job_free, 0 };

/* Lock held. May the disk vol of desktop uuid go: not a base or template
 * volume, nothing else backed by it or using it, no sharing host offline. */
static int disk_deletable(const struct config *cfg, const char *uuid,
    const struct disk_ref *vol, char **cause)
{
	struct vol_deps deps;
	struct vol_dep_desktop self;
	size_t i, n;
	char *what;

	if (strcmp(vol->pool, cfg->pool_bases) == 0 ||
	    strcmp(vol->pool, cfg->pool_templates) == 0) {
		*cause = xasprintf("its disk %s/%s is a %s volume: hvdeck never "
		    "deletes one with a desktop", vol->pool, vol->volume,
		    strcmp(vol->pool, cfg->pool_bases) == 0 ? "base" : "template");
		return -1;
	}
	if (vol_deps_of_path(0, vol->path, &deps, cause) < 0)
		return -1;
	/* the desktop being deleted uses its own disk: out of the list while
	 * judging (moved last, then hidden by the count) */
	n = deps.ndesktops;
	for (i = 0; i < n; i++)
		if (strcmp(deps.desktops[i].uuid, uuid) == 0) {
			self = deps.desktops[i];
			deps.desktops[i] = deps.desktops[n - 1];
			deps.desktops[n - 1] = self;
			deps.ndesktops--;
			break;
		}
	what = xasprintf("%s/%s", vol->pool, vol->volume);
	*cause = vol_deps_blocking(&deps) ? vol_deps_refusal(what, &deps) : NULL;
	free(what);
	deps.ndesktops = n;
	vol_deps_free(&deps);
	return *cause != NULL ? -1 : 0;
}

/* Lock held: fill j or refuse. */
static int del_check(const struct config *cfg, struct del_job *j,
    int with_disk, char **cause)
{
	struct m_desktop *d = model_desktop(j->uuid);
	const struct m_host *h, *dh;
	size_t i;

	if (d == NULL || (h = host_of(d)) == NULL) {
		*cause = xstrdup("the desktop is gone");
		return -1;
	}
	for (i = 0; i < d->nplaces; i++)
		if (model_place_live(&d->places[i])) {
			const struct m_host *lh = model_host(d->places[i].host_id);

			*cause = xasprintf("cannot delete %s: it is %s on %s (stop it "
			    "first)", d->name, model_state_name(d->places[i].state),
			    lh != NULL ? lh->name : "?");
			return -1;
		}
	for (i = 0; i < d->nplaces; i++) {
		const struct m_host *ph = model_host(d->places[i].host_id);

		if (ph == NULL)
			continue;
		if (ph->state != HOST_ONLINE) {
			*cause = xasprintf("cannot delete %s: host %s is %s", d->name,
			    ph->name, model_host_state_name(ph->state));
			return -1;
		}
		j->hosts = xreallocarray(j->hosts, j->nhosts + 1, sizeof *j->hosts);
		host_ref_set(&j->hosts[j->nhosts++], ph);
	}
	j->name = xstrdup(d->name);
	if (!with_disk)
		return 0;
	if (disk_of(d, h, &j->vol, cause) < 0 ||
	    disk_deletable(cfg, j->uuid, &j->vol, cause) < 0 ||
	    (dh = disk_host(h, j->vol.pool, j->vol.pool, cause)) == NULL) {
		char *t = xasprintf("cannot delete %s with its disk: %s", d->name,
		    *cause);

		free(*cause);
		*cause = t;
		return -1;
	}
	host_ref_set(&j->disk, dh);
	return 0;
}

static struct del_job *del_prepare(const struct config *cfg,
    const char *desktop, int with_disk, char **cause)
{
	struct del_job *j;
	char uuid[40];
	int rc;

	if (writable_desktop("delete", desktop, uuid, cause) < 0)
		return NULL;
	j = xcalloc(1, sizeof *j);
	memcpy(j->uuid, uuid, sizeof j->uuid);
	model_lock();
	rc = del_check(cfg, j, with_disk, cause);
	model_unlock();
	if (rc < 0) {
		del_job_free(j);
		return NULL;
	}
	return j;
}

int act_desktop_delete_check(const struct config *cfg, const char *desktop,
    int with_disk, char **name, char **disk, char **cause)
{
	struct del_job *j = del_prepare(cfg, desktop, with_disk, cause);

	*name = *disk = NULL;
	if (j == NULL)
		return -1;
	*name = xstrdup(j->name);
	if (j->vol.pool != NULL)
		*disk = xasprintf("%s/%s", j->vol.pool, j->vol.volume);
	del_job_free(j);
	return 0;
}

int act_desktop_delete(const struct config *cfg, const char *desktop,
    int with_disk, unsigned *job, char **cause)
{
	struct del_job *j = del_prepare(cfg, desktop, with_disk, cause);

	if (j == NULL)
		return -1;
	return start_job(JK_DESKTOP_DELETE, j->name, &j->hosts[0], &del_ops, j,
	    job, cause);
}

/* ---- desktop set-cpu ---- */

struct cpu_job {
	char uuid[40];
	char *name;
	char *cpu;                  /* a model name, or NULL: the baseline */
	struct host_ref *hosts;     /* every host it is defined on */
	size_t nhosts;
};

static void cpu_job_free(void *ctx)
{
	struct cpu_job *j = ctx;
	size_t i;

	for (i = 0; i < j->nhosts; i++)
		host_ref_free(&j->hosts[i]);
	free(j->hosts);
	free(j->name);
	free(j->cpu);
	free(j);
}

/* The <cpu> to give a domain whose inactive XML is xml: the model asked
 * for, or the cluster's baseline for its virt type. */
static char *new_cpu(const struct cpu_job *j, const char *xml, char **cause)
{
	struct xml_domain_cpu c;
	char *cpu = NULL;

	if (j->cpu != NULL)
		return virtxml_cpu_custom(j->cpu);
	if (virtxml_domain_cpu(xml, &c, cause) < 0)
		return NULL;
	if ((cpu = cpufit_baseline_xml(c.virt_type)) == NULL)
		*cause = xasprintf("no baseline CPU is known for virt type %s "
		    "(hvdeck host list --json shows the baselines)",
		    c.virt_type != NULL ? c.virt_type : "?");
	virtxml_domain_cpu_free(&c);
	return cpu;
}

/* The host must run the new CPU before the definition says so: a desktop
 * that cannot start anywhere is not made by hvdeck. */
static int cpu_runs(virConnectPtr c, const char *host, const char *xml,
    char **cause)
{
	struct xml_domain_cpu d;
	virErrorPtr err;
	int rc;

	if (virtxml_domain_cpu(xml, &d, cause) < 0)
		return -1;
	rc = virConnectCompareHypervisorCPU(c, d.emulator, d.arch, d.machine,
	    d.virt_type, d.cpu_xml, VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
	virtxml_domain_cpu_free(&d);
	err = rc < 0 ? virGetLastError() : NULL;
	/* an unknown model is an error, not INCOMPATIBLE: refused too; only
	 * a hypervisor that cannot compare lets the definition decide */
	if (vcpu_verdict(rc, err != NULL ? err->code : 0) == CPUFIT_YES ||
	    (err != NULL && err->code == VIR_ERR_NO_SUPPORT))
		return 0;
	*cause = evloop_error_for(host);
	return -1;
}

static int set_cpu_on(const struct cpu_job *j, const struct host_ref *h,
    char **cause)
{
	virConnectPtr c = host_conn_open(h, cause);
	virDomainPtr dom = NULL, def = NULL;
	char *lv = NULL, *cpu = NULL, *xml = NULL;
	int rc = -1;

	if (c == NULL)
		return -1;
	/* SECURE: a definition written back without it loses its passwords */
	if ((dom = virDomainLookupByUUIDString(c, j->uuid)) == NULL ||
	    (lv = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
	    VIR_DOMAIN_XML_SECURE)) == NULL)
		*cause = evloop_error_for(h->name);
	else if (virDomainIsActive(dom) == 1)
		*cause = xasprintf("it is running on %s: stop it first", h->name);
	else if ((cpu = new_cpu(j, lv, cause)) != NULL &&
	    virtxml_domain_set_cpu(lv, cpu, &xml, cause) == 0 &&
	    cpu_runs(c, h->name, xml, cause) == 0) {
		if ((def = virDomainDefineXML(c, xml)) == NULL)
			*cause = evloop_error_for(h->name);
		else
			rc = 0;
	}
	virt_dom_unref(def);
	virt_dom_unref(dom);
	free(lv);
	free(cpu);
	free(xml);
	conn_close(c);
	return rc;
}

static int run_cpu(unsigned id, void *ctx, char **cause)
{
	struct cpu_job *j = ctx;
	size_t i;

	job_progress(id, -1, 0, 0, "defining");
	for (i = 0; i < j->nhosts; i++)
		if (set_cpu_on(j, &j->hosts[i], cause) < 0)
			return -1;
	return 0;
}

static const struct job_ops cpu_ops = { run_cpu, NULL, NULL, cpu_job_free, 0 };

/* Lock held: fill j with every host the desktop is defined on, or
 * refuse (live somewhere, a host not connected). */
static int cpu_check(struct cpu_job *j, char **cause)
{
	struct m_desktop *d = model_desktop(j->uuid);
	const struct m_host *h;
	size_t i;

	if (d == NULL) {
		*cause = xstrdup("the desktop is gone");
		return -1;
	}
	for (i = 0; i < d->nplaces; i++) {
		h = model_host(d->places[i].host_id);
		if (h == NULL)
			continue;
		if (model_place_live(&d->places[i])) {
			*cause = xasprintf("cannot set the CPU of %s: it is %s on "
			    "%s (shut it off first)", d->name,
			    model_state_name(d->places[i].state), h->name);
			return -1;
		}
		if (h->state != HOST_ONLINE) {
			*cause = xasprintf("cannot set the CPU of %s: host %s is %s",
			    d->name, h->name, model_host_state_name(h->state));
			return -1;
		}
		j->hosts = xreallocarray(j->hosts, j->nhosts + 1, sizeof *j->hosts);
		host_ref_set(&j->hosts[j->nhosts++], h);
	}
	j->name = xstrdup(d->name);
	return j->nhosts > 0 ? 0 : (*cause = xstrdup("the desktop is gone"), -1);
}

int act_desktop_set_cpu(const char *desktop, const char *cpu, unsigned *job,
    char **cause)
{
	struct cpu_job *j;
	char uuid[40];
	int rc;

	*job = 0;
	if (writable_desktop("set a CPU", desktop, uuid, cause) < 0)
		return -1;
	j = xcalloc(1, sizeof *j);
	memcpy(j->uuid, uuid, sizeof j->uuid);
	j->cpu = strcmp(cpu, "baseline") == 0 ? NULL : xstrdup(cpu);
	model_lock();
	rc = cpu_check(j, cause);
	model_unlock();
	if (rc < 0) {
		cpu_job_free(j);
		return -1;
	}
	return start_job(JK_DESKTOP_SET_CPU, j->name, &j->hosts[0], &cpu_ops, j,
	    job, cause);
}
