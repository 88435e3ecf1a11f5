/* act-disk-move.c — a desktop's disk moved into another pool (see
 * act-disk-move.h).
 *
 * Threads: disk_move_start runs on the caller's and only reads the model;
 * the job thread does every libvirt call on its own connection and waits
 * between samples on the record's condition, which the block-job event
 * (on the event loop thread) and the cancel hook (on the watcher) signal.
 * The record's lock guards only the flags those two set. */
#include "act/act-disk-move.h"
#include "act/act-derive.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "act/act-pool.h"
#include "act/act-volume.h"
#include "act/vol-claim.h"
#include "act/vol-deps.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-xml-edit.h"
#include "virt/virt-ref.h"

#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TICK_MS 500
#define REFRESH_WAIT_MS 30000
/* how long the event loop may take to let go of the callback */
#define DEREGISTER_WAIT_MS 5000
/* room a shallow copy's new top layer needs to begin */
#define SHALLOW_MIN (4ull << 20)

struct mv {
	char uuid[40];
	char *name;
	unsigned host_id;
	char *host, *uri;
	char *target;                   /* "vdb" */
	char *src_pool, *src_vol;
	char *dst_pool;                 /* the volume keeps its name */
	char *backing_path, *backing_format;    /* shallow: the chain below */
	uint64_t capacity, allocation;
	int live, delete_source;
	unsigned long bandwidth_mibs;

	pthread_mutex_t lock;           /* guards what follows */
	pthread_cond_t cond;
	int cancel;
	int ready, ended;               /* block-job events */
	int deregistered;
};

static void mv_free(void *ctx)
{
	struct mv *m = ctx;

	if (m == NULL)
		return;
	free(m->name);
	free(m->host);
	free(m->uri);
	free(m->target);
	free(m->src_pool);
	free(m->src_vol);
	free(m->dst_pool);
	free(m->backing_path);
	free(m->backing_format);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	free(m);
}

/* ---- the plan, under the model lock ---- */

/* Lock held. The one host where d is live, its placement's when it is
 * shut off; NULL with *cause otherwise. */
static const struct m_host *move_host(const struct m_desktop *d, int *live,
    char **cause)
{
	const struct m_place *p = NULL;
	size_t i, n = 0;

	for (i = 0; i < d->nplaces; i++)
		if (model_place_live(&d->places[i])) {
			p = &d->places[i];
			n++;
		}
	*live = n > 0;
	if (n > 1 || d->split_brain) {
		*cause = xasprintf("cannot move the disk of %s: it runs on "
		    "several hosts", d->name);
		return NULL;
	}
	if (n == 0 && model_desktop_state(d) != DS_SHUTOFF) {
		*cause = xasprintf("cannot move the disk of %s: it is %s",
		    d->name, model_state_name(model_desktop_state(d)));
		return NULL;
	}
	if (p == NULL)
		p = model_desktop_place(d);
	return p != NULL ? model_host(p->host_id) : NULL;
}

/* Lock held. The disk the request names. */
static const struct xml_disk *move_disk_of(const struct m_desktop *d,
    const char *target, char **cause)
{
	const struct xml_disk *k;
	size_t i;

	for (i = 0; i < d->xml.ndisks; i++) {
		k = &d->xml.disks[i];
		if (target != NULL ? k->target != NULL &&
		    strcmp(k->target, target) == 0 :
		    k->device == NULL || strcmp(k->device, "disk") == 0)
			break;
	}
	if (i == d->xml.ndisks) {
		*cause = target != NULL ? xasprintf("%s has no disk %s", d->name,
		    target) : xasprintf("%s has no disk", d->name);
		return NULL;
	}
	if (k->source == NULL || k->target == NULL || (k->type != NULL &&
	    strcmp(k->type, "file") != 0 && strcmp(k->type, "volume") != 0) ||
	    (k->device != NULL && strcmp(k->device, "disk") != 0)) {
		*cause = xasprintf("disk %s of %s is no file or pool volume of a "
		    "disk: it cannot be moved", k->target != NULL ? k->target :
		    "?", d->name);
		return NULL;
	}
	return k;
}

/* Lock held. The pool of h holding the file at path, and its volume. */
static const struct m_pool *pool_holding(const struct m_host *h,
    const char *path, const struct m_volume **vol)
{
	size_t k, v;

	for (k = 0; k < h->npools; k++)
		for (v = 0; v < h->pools[k]->nvols; v++)
			if (h->pools[k]->vols[v].path != NULL &&
			    strcmp(h->pools[k]->vols[v].path, path) == 0) {
				*vol = &h->pools[k]->vols[v];
				return h->pools[k];
			}
	return NULL;
}

static const struct m_pool *host_pool(const struct m_host *h,
    const char *name)
{
	size_t k;

	for (k = 0; k < h->npools; k++)
		if (strcmp(h->pools[k]->name, name) == 0)
			return h->pools[k];
	return NULL;
}

/* Lock held. The target pool may take the volume. */
static int target_ok(const struct m_host *h, const struct disk_move_req *r,
    const struct m_pool *sp, const struct m_volume *sv, char **cause)
{
	const struct m_pool *tp = host_pool(h, r->pool);
	size_t v;

	if (tp == NULL || !tp->active) {
		*cause = xasprintf("%s has no %spool %s", h->name,
		    tp == NULL ? "" : "active ", r->pool);
		return -1;
	}
	if (tp == sp) {
		*cause = xasprintf("%s is in pool %s already", sv->name, r->pool);
		return -1;
	}
	for (v = 0; v < tp->nvols; v++)
		if (strcmp(tp->vols[v].name, sv->name) == 0) {
			*cause = xasprintf("pool %s on %s has a volume %s already",
			    r->pool, h->name, sv->name);
			return -1;
		}
	if (tp->available > 0 && tp->available < (sv->allocation > SHALLOW_MIN ?
	    sv->allocation : SHALLOW_MIN)) {
		*cause = xasprintf("pool %s on %s has %llu MiB free; %s holds %llu "
		    "MiB", r->pool, h->name,
		    (unsigned long long)(tp->available >> 20), sv->name,
		    (unsigned long long)(sv->allocation >> 20));
		return -1;
	}
	return 0;
}

/* Lock held. The request against the model, the record filled. */
static int plan(const struct disk_move_req *r, struct mv *m, char **cause)
{
	struct m_desktop *d;
	const struct m_host *h;
	const struct xml_disk *k;
	const struct m_pool *sp;
	const struct m_volume *sv = NULL;
	char *path, *deps = NULL;
	unsigned other;

	if ((d = act_desktop_find(r->desktop, cause)) == NULL ||
	    (h = move_host(d, &m->live, cause)) == NULL)
		return -1;
	if (h->state != HOST_ONLINE) {
		*cause = xasprintf("cannot move the disk of %s: its host %s is %s",
		    d->name, h->name, model_host_state_name(h->state));
		return -1;
	}
	if ((other = job_find_active(JK_DISK_MOVE, d->uuid)) != 0 ||
	    (other = job_find_active(JK_MIGRATE, d->uuid)) != 0) {
		*cause = xasprintf("%s has a job running (job %u)", d->name, other);
		return -1;
	}
	if ((k = move_disk_of(d, r->disk, cause)) == NULL)
		return -1;
	path = vol_deps_disk_path(d, k->source);
	sp = pool_holding(h, path, &sv);
	if (sp == NULL) {
		*cause = xasprintf("disk %s of %s (%s) is no volume of a pool of %s",
		    k->target, d->name, path, h->name);
		free(path);
		return -1;
	}
	if (r->delete_source && vol_deps_is_parent(h->id, path, &deps)) {
		*cause = xasprintf("%s/%s backs %s: it cannot be deleted after the "
		    "move (move it without deleting the source)", sp->name,
		    sv->name, deps);
		free(deps);
		free(path);
		return -1;
	}
	free(path);
	/* only this host's definition follows the move */
	if (r->delete_source && d->nplaces > 1) {
		*cause = xasprintf("%s is defined on %zu hosts: their definitions "
		    "keep %s/%s, which cannot be deleted (move it without "
		    "deleting the source)", d->name, d->nplaces, sp->name,
		    sv->name);
		return -1;
	}
	if (target_ok(h, r, sp, sv, cause) < 0)
		return -1;
	snprintf(m->uuid, sizeof m->uuid, "%s", d->uuid);
	m->name = xstrdup(d->name);
	m->host_id = h->id;
	m->host = xstrdup(h->name);
	m->uri = xstrdup(h->uri);
	m->target = xstrdup(k->target);
	m->src_pool = xstrdup(sp->name);
	m->src_vol = xstrdup(sv->name);
	m->dst_pool = xstrdup(r->pool);
	m->capacity = sv->capacity;
	m->allocation = sv->allocation;
	return 0;
}

/* ---- shallow or full ---- */

/* The hosts that see pool (by name) of host id: it and those sharing. */
static size_t seers(unsigned id, const char *pool, unsigned **out)
{
	struct m_pool_ref *refs;
	size_t n = model_pools_sharing(id, pool, &refs), i;

	*out = xcalloc(n + 1, sizeof **out);
	(*out)[0] = id;
	for (i = 0; i < n; i++)
		(*out)[i + 1] = refs[i].host_id;
	model_pool_refs_free(refs, n);
	return n + 1;
}

static int subset(const unsigned *a, size_t na, const unsigned *b, size_t nb)
{
	size_t i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return 0;
	}
	return 1;
}

/* The backing chain of the disk's volume as its host sees it (the volume
 * first): its number of levels, 0 when it has none below the top or ends
 * in a file no pool holds. Takes the model lock. */
static size_t source_chain(const struct mv *m, struct vol_level **lv)
{
	const struct m_host *h;
	const struct m_pool *p;
	enum vol_chain_end end = VCE_UNKNOWN;
	char *path = NULL;
	size_t v, n = 0;

	model_lock();
	h = model_host(m->host_id);
	p = h != NULL ? host_pool(h, m->src_pool) : NULL;
	for (v = 0; p != NULL && v < p->nvols && path == NULL; v++)
		if (strcmp(p->vols[v].name, m->src_vol) == 0 &&
		    p->vols[v].path != NULL)
			path = xstrdup(p->vols[v].path);
	if (path != NULL)
		n = vol_deps_chain(m->host_id, path, lv, &end);
	model_unlock();
	free(path);
	if (n > 0 && (n < 2 || end != VCE_BASE)) {
		vol_chain_free(*lv, n);
		n = 0;
	}
	return n;
}

/* Every host in tgt (nt of them) sees level l's pool. Not under the model
 * lock (model_pools_sharing takes it). */
static int level_seen(const struct vol_level *l, const unsigned *tgt,
    size_t nt)
{
	const struct m_host *h;
	unsigned hid, *seen;
	size_t n;
	int ok;

	model_lock();
	h = l->host != NULL ? model_host_by_name(l->host) : NULL;
	hid = h != NULL ? h->id : 0;
	model_unlock();
	if (hid == 0 || l->pool == NULL)
		return 0;
	n = seers(hid, l->pool, &seen);
	ok = subset(tgt, nt, seen, n);
	free(seen);
	return ok;
}

/* Every level below the top of the disk's chain is a volume seen by every
 * host that sees the target pool: only the top layer is copied, the new
 * one backed by the same file (m->backing_*). */
static void choose_shallow(struct mv *m)
{
	struct vol_level *lv;
	unsigned *tgt;
	size_t nl = source_chain(m, &lv), nt, i;
	int ok = 1;

	if (nl == 0)
		return;
	nt = seers(m->host_id, m->dst_pool, &tgt);
	for (i = 1; i < nl && ok; i++)
		ok = level_seen(&lv[i], tgt, nt);
	if (ok) {
		m->backing_path = xstrdup(lv[1].path);
		m->backing_format = xstrdup(lv[1].format != NULL ? lv[1].format :
		    "qcow2");
	}
	free(tgt);
	vol_chain_free(lv, nl);
}

/* ---- the job ---- */

static int cancelled(struct mv *m)
{
	int c;

	pthread_mutex_lock(&m->lock);
	c = m->cancel;
	pthread_mutex_unlock(&m->lock);
	return c;
}

/* The new volume in the target pool: an overlay of the chain below when
 * shallow, else a standalone qcow2. Its path (caller frees), or NULL. */
static char *make_volume(struct mv *m, virConnectPtr c, char **cause)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(c, m->dst_pool);
	virStorageVolPtr v = NULL;
	char *xml, *lv, *path = NULL;

	xml = m->backing_path != NULL ? derive_volume_xml(m->src_vol,
	    m->backing_path, m->backing_format, m->capacity, NULL) :
	    virtxml_volume_new(m->src_vol, m->capacity, "qcow2");
	if (p != NULL && (v = virStorageVolCreateXML(p, xml, 0)) != NULL &&
	    (lv = virStorageVolGetPath(v)) != NULL) {
		path = xstrdup(lv);
		free(lv);
	}
	if (path == NULL)
		*cause = evloop_error_for("cannot make the new volume");
	free(xml);
	virt_vol_unref(v);
	virt_pool_unref(p);
	return path;
}

/* The partial copy goes: what failed says so, and so does a copy that
 * could not be removed. */
static void undo_copy(struct mv *m, virConnectPtr c, char **cause)
{
	char *why = NULL, *t;

	if (act_volume_delete_on(c, m->dst_pool, m->src_vol, &why) == 0)
		return;
	t = xasprintf("%s; the partial copy %s/%s could not be removed: %s",
	    *cause, m->dst_pool, m->src_vol, why);
	free(*cause);
	free(why);
	*cause = t;
}

/* The persistent definition on the new volume (libvirt may have done it
 * with the pivot: then this changes nothing). */
static int redefine(struct mv *m, virDomainPtr dom, const char *path,
    char **cause)
{
	struct xml_new_disk nd;
	char *xml, *nxml = NULL;
	virDomainPtr nd_dom;
	int rc = -1;

	if (virDomainIsPersistent(dom) != 1)
		return 0;
	if ((xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
	    VIR_DOMAIN_XML_SECURE)) == NULL) {
		*cause = evloop_error_for("cannot read the definition");
		return -1;
	}
	nd.target = m->target;
	nd.pool = m->dst_pool;
	nd.volume = m->src_vol;
	nd.path = path;
	nd.format = "qcow2";
	if (virtxml_domain_move_disk(xml, &nd, &nxml, cause) == 0) {
		if ((nd_dom = virDomainDefineXML(virDomainGetConnect(dom),
		    nxml)) != NULL) {
			virDomainFree(nd_dom);
			rc = 0;
		} else {
			*cause = evloop_error_for("cannot update the definition");
		}
	}
	free(nxml);
	free(xml);
	return rc;
}

/* On the event loop thread: the copy is in sync, or ended. */
static void on_block_job(virConnectPtr c, virDomainPtr dom, const char *disk,
    int type, int status, void *opaque)
{
	struct mv *m = opaque;

	(void)c;
	(void)dom;
	(void)type;
	if (disk == NULL || strcmp(disk, m->target) != 0)
		return;
	pthread_mutex_lock(&m->lock);
	if (status == VIR_DOMAIN_BLOCK_JOB_READY)
		m->ready = 1;
	else
		m->ended = 1;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void on_deregistered(void *opaque)
{
	struct mv *m = opaque;

	pthread_mutex_lock(&m->lock);
	m->deregistered = 1;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void timed_wait(struct mv *m, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&m->cond, &m->lock, &ts);
}

/* Let go of the event callback, waiting until the event loop has (the
 * record must outlive every call of it). */
static void deregister(struct mv *m, virConnectPtr c, int cb)
{
	int64_t until = util_now_ms() + DEREGISTER_WAIT_MS;

	if (cb < 0 || virConnectDomainEventDeregisterAny(c, cb) < 0)
		return;
	pthread_mutex_lock(&m->lock);
	while (!m->deregistered && util_now_ms() < until)
		timed_wait(m, 100);
	pthread_mutex_unlock(&m->lock);
}

/* Start the block copy into path. */
static int copy_begin(struct mv *m, virDomainPtr dom, const char *path,
    char **cause)
{
	virTypedParameterPtr p = NULL;
	int np = 0, max = 0, rc;
	unsigned flags = VIR_DOMAIN_BLOCK_COPY_REUSE_EXT |
	    VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB;
	char *xml = virtxml_disk_file(path, "qcow2");

	if (m->backing_path != NULL)
		flags |= VIR_DOMAIN_BLOCK_COPY_SHALLOW;
	if (m->bandwidth_mibs > 0)
		virTypedParamsAddULLong(&p, &np, &max,
		    VIR_DOMAIN_BLOCK_COPY_BANDWIDTH,
		    (unsigned long long)m->bandwidth_mibs << 20);
	rc = virDomainBlockCopy(dom, m->target, xml, p, np, flags);
	if (rc < 0)
		*cause = evloop_error_for("the copy did not start");
	virTypedParamsFree(p, np);
	free(xml);
	return rc;
}

/* Follow the copy until it is in sync (0), fails or is cancelled (-1 with
 * *cause; the block job is then aborted: the desktop stays on its disk). */
static int copy_follow(unsigned id, struct mv *m, virDomainPtr dom,
    int events, char **cause)
{
	virDomainBlockJobInfo info;
	int rc, ready = 0, ended = 0, cancel = 0, full = 0;

	for (;;) {
		pthread_mutex_lock(&m->lock);
		if (!m->ready && !m->ended && !m->cancel)
			timed_wait(m, TICK_MS);
		ready = m->ready;
		ended = m->ended;
		cancel = m->cancel;
		pthread_mutex_unlock(&m->lock);
		if (cancel) {
			*cause = xstrdup("cancelled");
			break;
		}
		memset(&info, 0, sizeof info);
		rc = virDomainGetBlockJobInfo(dom, m->target, &info, 0);
		if (rc < 0 || (rc == 0 && !ready) || (ended && !ready)) {
			*cause = rc < 0 ? evloop_error_for("the copy failed") :
			    xstrdup("the copy ended before it was in sync");
			break;
		}
		if (info.end > 0)
			job_progress(id, 100.0 * (double)info.cur / (double)info.end,
			    info.cur, info.end, ready ? "in sync" : "copying");
		/* in sync: the READY event; without events, a full copy seen
		 * twice (QEMU's counts may meet for a moment before it is in
		 * sync: a pivot then is refused, and the move fails safe) */
		full = info.end > 0 && info.cur == info.end ? full + 1 : 0;
		if (ready || (!events && full >= 2))
			return 0;
	}
	if (virDomainBlockJobAbort(dom, m->target, 0) < 0)
		virResetLastError();
	return -1;
}

/* In sync: the point of no return, then the pivot. */
static int pivot(unsigned id, struct mv *m, virDomainPtr dom, char **cause)
{
	if (job_commit(id, cause) < 0) {
		if (virDomainBlockJobAbort(dom, m->target, 0) < 0)
			virResetLastError();
		return -1;
	}
	job_progress(id, 100, 0, 0, "switching over");
	if (virDomainBlockJobAbort(dom, m->target,
	    VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) == 0)
		return 0;
	*cause = evloop_error_for("the switch to the copy failed");
	if (virDomainBlockJobAbort(dom, m->target, 0) < 0)
		virResetLastError();
	return -1;
}

/* A running desktop: copy, pivot, definition. 0, or -1 with *cause and
 * the desktop on its original disk (the partial copy removed), or 1: it
 * runs on the new disk but the definition could not follow. */
static int move_live(unsigned id, struct mv *m, virConnectPtr c,
    virDomainPtr dom, char **cause)
{
	char *path;
	int cb, rc = -1;

	job_progress(id, 0, 0, 0, m->backing_path != NULL ?
	    "copying the top layer" : "copying");
	if ((path = make_volume(m, c, cause)) == NULL)
		return -1;
	cb = virConnectDomainEventRegisterAny(c, dom,
	    VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,
	    VIR_DOMAIN_EVENT_CALLBACK(on_block_job), m, on_deregistered);
	if (cb < 0)	/* the samples alone tell when it is in sync */
		virResetLastError();
	if (copy_begin(m, dom, path, cause) == 0 &&
	    copy_follow(id, m, dom, cb >= 0, cause) == 0 &&
	    pivot(id, m, dom, cause) == 0)
		rc = redefine(m, dom, path, cause) == 0 ? 0 : 1;
	deregister(m, c, cb);
	if (rc < 0)
		undo_copy(m, c, cause);
	free(path);
	return rc;
}

/* A shut-off desktop: a copy of the volume, the definition on it. */
static int move_offline(unsigned id, struct mv *m, virConnectPtr c,
    virDomainPtr dom, char **cause)
{
	virStoragePoolPtr sp = virStoragePoolLookupByName(c, m->src_pool);
	virStoragePoolPtr tp = virStoragePoolLookupByName(c, m->dst_pool);
	virStorageVolPtr sv = NULL, nv = NULL;
	char *xml = virtxml_volume_new(m->src_vol, m->capacity, "qcow2");
	char *path = NULL, *lv;
	int rc = -1;

	job_progress(id, -1, 0, 0, "copying");
	if (sp == NULL || tp == NULL ||
	    (sv = virStorageVolLookupByName(sp, m->src_vol)) == NULL ||
	    (nv = virStorageVolCreateXMLFrom(tp, xml, sv, 0)) == NULL ||
	    (lv = virStorageVolGetPath(nv)) == NULL) {
		*cause = evloop_error_for("cannot copy the volume");
	} else {
		path = xstrdup(lv);
		free(lv);
		if (virDomainIsActive(dom) != 0)
			*cause = xasprintf("%s started during the copy", m->name);
		else if (job_commit(id, cause) == 0 &&
		    redefine(m, dom, path, cause) == 0)
			rc = 0;
	}
	if (rc < 0 && nv != NULL)
		undo_copy(m, c, cause);
	free(path);
	free(xml);
	virt_vol_unref(nv);
	virt_vol_unref(sv);
	virt_pool_unref(tp);
	virt_pool_unref(sp);
	return rc;
}

/* After the move: every host that shares either pool rescans it and the
 * host reads the domain again (libvirt sends no volume events). */
static void refresh(struct mv *m)
{
	const char *pools[2] = { m->src_pool, m->dst_pool };
	unsigned *jobs = NULL;
	char *why = NULL;
	size_t i, n;

	for (i = 0; i < 2; i++) {
		n = act_pool_refresh_sharing(m->host_id, pools[i], &jobs);
		if (act_pool_wait(jobs, n, REFRESH_WAIT_MS, &why) < 0)
			log_msg(LOG_WARN, "refresh of pool %s after a disk move: %s",
			    pools[i], why);
		free(why);
		why = NULL;
		free(jobs);
		jobs = NULL;
	}
	host_request(m->host_id, REQ_DOMAIN, m->uuid, 0);
}

/* Asked for: the old volume goes, the move itself stands either way. */
static void delete_source(struct mv *m, virConnectPtr c)
{
	char *why = NULL;

	if (act_volume_delete_on(c, m->src_pool, m->src_vol, &why) == 0)
		model_event(SEV_INFO, "%s: old disk %s/%s deleted", m->name,
		    m->src_pool, m->src_vol);
	else
		model_event(SEV_WARN, "%s: the old disk %s/%s could not be "
		    "deleted: %s", m->name, m->src_pool, m->src_vol, why);
	free(why);
}

static int run(unsigned id, void *ctx, char **cause)
{
	struct mv *m = ctx;
	virConnectPtr c;
	virDomainPtr dom = NULL;
	char *msg = NULL;
	int rc = -1, live;

	if ((c = conn_open(m->uri, NULL, NULL, &msg)) == NULL) {
		*cause = xasprintf("cannot connect to %s: %s", m->host, msg);
		free(msg);
		return -1;
	}
	if ((dom = virDomainLookupByUUIDString(c, m->uuid)) == NULL) {
		*cause = evloop_error_for(m->name);
		goto out;
	}
	live = virDomainIsActive(dom) == 1;
	if (live != m->live) {
		*cause = xasprintf("%s %s meanwhile: try again", m->name,
		    live ? "started" : "stopped");
		goto out;
	}
	rc = live ? move_live(id, m, c, dom, cause) :
	    move_offline(id, m, c, dom, cause);
	if (rc == 0 && m->delete_source)
		delete_source(m, c);
	refresh(m);
out:
	virt_dom_unref(dom);
	conn_close(c);
	if (rc == 0)
		model_event(SEV_INFO, "%s: disk %s moved to pool %s (%s)", m->name,
		    m->target, m->dst_pool, m->backing_path != NULL ?
		    "top layer copied" : "full copy");
	else if (rc > 0)
		*cause = xasprintf("%s runs on %s/%s, but its definition still "
		    "names the old disk: %s", m->name, m->dst_pool, m->src_vol,
		    *cause);
	else
		model_event(cancelled(m) ? SEV_WARN : SEV_ERROR, "%s: disk move "
		    "%s%s%s (it stays on %s/%s)", m->name, cancelled(m) ?
		    "cancelled" : "failed", cancelled(m) ? "" : ": ",
		    cancelled(m) ? "" : *cause, m->src_pool, m->src_vol);
	return rc == 0 ? 0 : -1;
}

/* On the watcher thread: the job thread aborts the copy. */
static void cancel(unsigned id, void *ctx)
{
	struct mv *m = ctx;

	(void)id;
	pthread_mutex_lock(&m->lock);
	m->cancel = 1;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static const struct job_ops move_ops = {
	.run = run,
	.cancel = cancel,
	.free = mv_free,
};

/* ---- starting ---- */

static struct mv *mv_new(void)
{
	struct mv *m = xcalloc(1, sizeof *m);

	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	return m;
}

int disk_move_check(const struct disk_move_req *r, char **what,
    char **cause)
{
	struct mv *m = mv_new();
	int rc;

	if (what != NULL)
		*what = NULL;
	if (r->desktop == NULL || r->pool == NULL || *r->pool == '\0') {
		*cause = xstrdup("move-disk: a desktop and a pool are needed");
		mv_free(m);
		return -1;
	}
	model_lock();
	rc = plan(r, m, cause);
	model_unlock();
	if (rc == 0 && what != NULL)
		*what = xasprintf("%s's disk %s from %s to %s on %s", m->name,
		    m->target, m->src_pool, m->dst_pool, m->host);
	mv_free(m);
	return rc;
}

int disk_move_start(const struct disk_move_req *r, unsigned *job,
    char **cause)
{
	struct job_target t;
	struct job_claim *cl = NULL;
	struct mv *m;
	size_t ncl = 0;
	int rc;

	*job = 0;
	if (act_read_only()) {
		*cause = xstrdup("cannot move a disk: hvdeck runs read-only");
		return -1;
	}
	if (disk_move_check(r, NULL, cause) < 0)
		return -1;
	m = mv_new();
	model_lock();
	rc = plan(r, m, cause);
	if (rc == 0) {
		vol_claim_add(&cl, &ncl, m->host_id, m->src_pool, m->src_vol,
		    m->live ? JOB_READS : JOB_WRITES);
		vol_claim_add(&cl, &ncl, m->host_id, m->dst_pool, m->src_vol,
		    JOB_WRITES);
	}
	model_unlock();
	if (rc < 0) {
		mv_free(m);
		return -1;
	}
	m->delete_source = r->delete_source;
	m->bandwidth_mibs = r->bandwidth_mibs;
	if (m->live)
		choose_shallow(m);
	t.uuid = m->uuid;
	t.name = m->name;
	t.host_id = m->host_id;
	t.host = m->host;
	rc = job_start_claiming(JK_DISK_MOVE, &t, cl, ncl, &move_ops, m, job,
	    cause);
	job_claims_free(cl, ncl);
	return rc;
}
