/* virt-sync.c — inventory (ListAll*) and bulk stats (GetAllDomainStats) of
 * one host, on its worker thread. A full sync is a mark-and-sweep: what the
 * host no longer reports leaves the model. */
#include "virt/virt-sync.h"
#include "virt/conn.h"
#include "virt/virt-mem.h"
#include "virt/virt-evloop.h"
#include "virt/virt-xml.h"
#include "core/model.h"
#include "core/log.h"
#include "core/util.h"
#include "virt/virt-ref.h"

#include <libvirt/virterror.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Who hears of a desktop's CPU definition (virt-cpu.c, set by the host
 * workers' start: sync_set_cpu_hook); none until then. */
static _Atomic(sync_cpu_key_fn) cpu_hook;

void sync_set_cpu_hook(sync_cpu_key_fn fn)
{
	atomic_store(&cpu_hook, fn);
}

static void cpu_key_seen(const char *key)
{
	sync_cpu_key_fn fn = atomic_load(&cpu_hook);

	if (fn != NULL)
		fn(key);
}

/* The host being read, for this call only: its connection, its model id
 * and its name for messages. */
struct sync_host {
	virConnectPtr conn;
	unsigned host_id;
	char name[128];
	/* an inventory after a connect: nothing read before is trusted, what
	 * changed while hvdeck was not listening is unknown */
	int fresh;
};

static sync_share_key_fn share_key;

void sync_set_share_key(sync_share_key_fn fn)
{
	share_key = fn;
}

static struct sync_host host_for(virConnectPtr conn, unsigned host_id)
{
	struct sync_host h;
	const struct m_host *mh;

	h.conn = conn;
	h.host_id = host_id;
	h.fresh = 0;
	model_lock();
	mh = model_host(host_id);
	snprintf(h.name, sizeof h.name, "%s", mh != NULL ? mh->name : "?");
	model_unlock();
	return h;
}

/* A failed read is the operator's business too: the events strip shows
 * libvirt's own message (and the log keeps it). */
static void warn_libvirt(struct sync_host *w, const char *what)
{
	char *msg = evloop_last_error("failed");

	/* a call that failed because the connection just died says nothing
	 * new: the host going offline is the one event worth showing */
	if (virConnectIsAlive(w->conn) == 1)
		model_event(SEV_WARN, "%s: %s: %s", w->name, what, msg);
	else
		log_msg(LOG_DEBUG, "%s: %s: %s", w->name, what, msg);
	free(msg);
}

/* The read just failed because the object went away after it was listed:
 * a complete answer (the sweep removes it), not a failed read. Ask before
 * any other libvirt call resets the error. */
static int vanished(int code)
{
	virErrorPtr err = virGetLastError();

	return err != NULL && err->code == code;
}

/* What the host says of one domain, however it was asked. */
struct dom_seen {
	virDomainPtr dom;           /* borrowed */
	int state, reason, persistent;
};

/* Read the definition of s->dom and report it seen: 0, also when it
 * vanished after it was listed (not reported: the sweep removes it). A
 * definition that cannot be read keeps the disks and NICs known from
 * before. */
static int report_domain(struct sync_host *w, const struct dom_seen *s)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct xml_domain xml;
	char *desc, *cause = NULL;

	if (virDomainGetUUIDString(s->dom, uuid) < 0)
		return -1;
	memset(&xml, 0, sizeof xml);
	desc = virDomainGetXMLDesc(s->dom, 0);
	if (desc == NULL && vanished(VIR_ERR_NO_DOMAIN))
		return 0;
	if (desc == NULL) {
		warn_libvirt(w, "domain XML");
	} else if (virtxml_parse_domain(desc, &xml, &cause) < 0) {
		model_event(SEV_WARN, "%s: domain %s: %s", w->name, uuid, cause);
		free(cause);
	}
	free(desc);
	cpu_key_seen(xml.cpu_key);
	model_desktop_seen(w->host_id, uuid, virDomainGetName(s->dom),
	    (enum desktop_state)s->state, s->reason, s->persistent,
	    desc != NULL ? &xml : NULL);
	facts_domain_free(&xml);
	return 0;
}

/* One domain on its own (an event, or a driver without bulk calls): 0
 * when read (or vanished), -1 when the read failed. */
static int read_domain(struct sync_host *w, virDomainPtr dom)
{
	struct dom_seen s = { dom, 0, 0, 0 };

	if (virDomainGetState(dom, &s.state, &s.reason, 0) < 0) {
		if (vanished(VIR_ERR_NO_DOMAIN))
			return 0;
		warn_libvirt(w, "domain state");
		return -1;
	}
	s.persistent = virDomainIsPersistent(dom) == 1;
	return report_domain(w, &s);
}

static void read_domain_by_uuid(struct sync_host *w, const char *uuid)
{
	virDomainPtr dom = virDomainLookupByUUIDString(w->conn, uuid);

	if (dom == NULL) {
		virErrorPtr err = virGetLastError();

		if (err != NULL && err->code == VIR_ERR_NO_DOMAIN)
			model_desktop_gone(w->host_id, uuid);
		else
			warn_libvirt(w, "domain lookup");
		return;
	}
	read_domain(w, dom);
	virDomainFree(dom);
}

void sync_domain(virConnectPtr conn, unsigned host_id, const char *uuid)
{
	struct sync_host h = host_for(conn, host_id);

	read_domain_by_uuid(&h, uuid);
}

/* One listed volume into *out (caller frees its contents): 0 when read
 * (or read by name only, the failure said), 1 when it vanished after the
 * list (a volume deleted meanwhile: nothing to say, nothing kept). */
static int read_volume(struct sync_host *w, virStorageVolPtr vol,
    struct m_volume *out)
{
	struct xml_volume x;
	char *desc, *cause = NULL;

	memset(out, 0, sizeof *out);
	desc = virStorageVolGetXMLDesc(vol, 0);
	if (desc == NULL && vanished(VIR_ERR_NO_STORAGE_VOL))
		return 1;
	out->name = xstrdup(virStorageVolGetName(vol));
	if (desc == NULL) {
		warn_libvirt(w, "volume XML");
		return 0;
	}
	if (virtxml_parse_volume(desc, &x, &cause) < 0) {
		model_event(SEV_WARN, "%s: volume %s: %s", w->name, out->name, cause);
		free(cause);
		free(desc);
		return 0;
	}
	free(desc);
	out->path = x.path;
	out->key = x.key;
	out->format = x.format;
	out->backing_path = x.backing_path;
	out->backing_format = x.backing_format;
	out->capacity = x.capacity;
	out->allocation = x.allocation;
	x.path = x.key = x.format = x.backing_path = x.backing_format = NULL;
	virtxml_volume_free(&x);
	return 0;
}

/* The pool's state and sizes into info: 0, 1 when the pool vanished,
 * -1 when the read failed (said). */
static int pool_info(struct sync_host *w, virStoragePoolPtr pool,
    struct m_pool *info)
{
	virStoragePoolInfo pi;

	if (virStoragePoolGetInfo(pool, &pi) < 0) {
		if (vanished(VIR_ERR_NO_STORAGE_POOL))
			return 1;
		warn_libvirt(w, "pool info");
		return -1;
	}
	info->active = pi.state == VIR_STORAGE_POOL_RUNNING ||
	    pi.state == VIR_STORAGE_POOL_DEGRADED;
	info->capacity = pi.capacity;
	info->allocation = pi.allocation;
	info->available = pi.available;
	if (virStoragePoolGetAutostart(pool, &info->autostart) < 0)
		info->autostart = 0;
	return 0;
}

/* The pool's XML into x (caller frees it), its type, target path and
 * share key into info (borrowed from x, the key and basis the caller's).
 * A pool without readable XML is still read, without them. */
static void pool_describe(struct sync_host *w, virStoragePoolPtr pool,
    struct m_pool *info, struct xml_pool *x)
{
	char *desc = virStoragePoolGetXMLDesc(pool, 0), *cause = NULL;

	if (desc != NULL && virtxml_parse_pool(desc, x, &cause) == 0) {
		info->type = x->type;
		info->target_path = x->target_path;
		if (share_key != NULL)
			info->share_key = share_key(x, &info->share_basis);
	} else if (desc == NULL) {
		warn_libvirt(w, "pool XML");
	} else {
		model_event(SEV_WARN, "%s: pool %s: %s", w->name, info->name,
		    cause);
		free(cause);
	}
	free(desc);
}

/* What the model already knows of a pool's volumes: plain copies,
 * sorted by key. */
struct known_vols {
	struct m_volume *v;
	size_t n;
};

static void vol_copy(struct m_volume *dst, const struct m_volume *src)
{
	dst->name = xstrdup(src->name);
	dst->path = xstrdup(src->path);
	dst->key = xstrdup(src->key);
	dst->format = xstrdup(src->format);
	dst->backing_path = xstrdup(src->backing_path);
	dst->backing_format = xstrdup(src->backing_format);
	dst->capacity = src->capacity;
	dst->allocation = src->allocation;
}

static int vol_key_cmp(const void *a, const void *b)
{
	const struct m_volume *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* The volumes of the host's pool `name` the model holds (with a key). */
static void known_volumes(struct sync_host *w, const char *name,
    struct known_vols *k)
{
	const struct m_host *h;
	const struct m_pool *p = NULL;
	size_t i;

	memset(k, 0, sizeof *k);
	model_lock();
	h = model_host(w->host_id);
	for (i = 0; h != NULL && i < h->npools; i++)
		if (strcmp(h->pools[i]->name, name) == 0)
			p = h->pools[i];
	if (p != NULL && p->nvols > 0) {
		k->v = xcalloc(p->nvols, sizeof *k->v);
		for (i = 0; i < p->nvols; i++)
			if (p->vols[i].key != NULL)
				vol_copy(&k->v[k->n++], &p->vols[i]);
	}
	model_unlock();
	if (k->n > 1)
		qsort(k->v, k->n, sizeof *k->v, vol_key_cmp);
}

static void known_free(struct known_vols *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		model_volume_free(&k->v[i]);
	free(k->v);
}

/* A volume read before whose sizes did not move since (one small call):
 * its XML (path, format, backing file) is the same, and the known copy
 * moves into *out (its key stays behind, for the search of the others).
 * 0 when moved, 1 when it vanished, -1 when it must be read. */
static int reuse_volume(const struct known_vols *k, virStorageVolPtr vol,
    struct m_volume *out)
{
	struct m_volume probe;
	struct m_volume *hit;
	virStorageVolInfo info;

	memset(&probe, 0, sizeof probe);
	probe.key = (char *)virStorageVolGetKey(vol);
	if (probe.key == NULL || k->n == 0 ||
	    (hit = bsearch(&probe, k->v, k->n, sizeof *k->v, vol_key_cmp)) == NULL)
		return -1;
	if (virStorageVolGetInfo(vol, &info) < 0)
		return vanished(VIR_ERR_NO_STORAGE_VOL) ? 1 : -1;
	if (hit->name == NULL ||	/* moved out already: a key listed twice */
	    info.capacity != hit->capacity || info.allocation != hit->allocation ||
	    strcmp(hit->name, virStorageVolGetName(vol)) != 0)
		return -1;
	*out = *hit;
	out->key = xstrdup(hit->key);
	hit->name = hit->path = hit->format = NULL;
	hit->backing_path = hit->backing_format = NULL;
	return 0;
}

/* The volumes of an active pool into *out (caller frees, with their
 * contents): their count, or -1 when the list failed (said). A pool
 * event re-reads every volume of the pool: the XML only of those new
 * (by key) or whose sizes moved. (A backing file changed in place with
 * no size moving, `qemu-img rebase -u`, shows at the next connect.) */
static int pool_volumes(struct sync_host *w, virStoragePoolPtr pool,
    const char *name, struct m_volume **out)
{
	virStorageVolPtr *vols = NULL;
	struct known_vols k;
	int n, i, rc, kept = 0;

	*out = NULL;
	if ((n = virStoragePoolListAllVolumes(pool, &vols, 0)) < 0) {
		warn_libvirt(w, "volume list");
		return -1;
	}
	if (w->fresh)
		memset(&k, 0, sizeof k);
	else
		known_volumes(w, name, &k);
	*out = xcalloc((size_t)n + 1, sizeof **out);
	for (i = 0; i < n; i++) {
		if ((rc = reuse_volume(&k, vols[i], &(*out)[kept])) < 0)
			rc = read_volume(w, vols[i], &(*out)[kept]);
		if (rc == 0)
			kept++;
		virStorageVolFree(vols[i]);
	}
	known_free(&k);
	free(vols);
	return kept;
}

/* 0 when read (or vanished), -1 when the read failed. */
static int read_pool(struct sync_host *w, virStoragePoolPtr pool)
{
	struct m_pool info;
	struct xml_pool x;
	struct m_volume *mv = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN] = "";
	int n = 0, rc;

	memset(&info, 0, sizeof info);
	memset(&x, 0, sizeof x);
	info.name = (char *)virStoragePoolGetName(pool);
	virStoragePoolGetUUIDString(pool, uuid);
	info.uuid = uuid;
	if ((rc = pool_info(w, pool, &info)) != 0)
		return rc > 0 ? 0 : -1;
	pool_describe(w, pool, &info, &x);
	/* a failed list keeps the volumes known from before, not none */
	if (info.active && (n = pool_volumes(w, pool, info.name, &mv)) < 0)
		rc = -1;
	else
		model_pool_seen(w->host_id, &info, mv, (size_t)n);
	free(info.share_key);
	free(info.share_basis);
	virtxml_pool_free(&x);
	return rc;
}

static void read_pool_by_name(struct sync_host *w, const char *name)
{
	virStoragePoolPtr pool = virStoragePoolLookupByName(w->conn, name);

	if (pool == NULL) {
		virErrorPtr err = virGetLastError();

		if (err != NULL && err->code == VIR_ERR_NO_STORAGE_POOL)
			model_pool_gone(w->host_id, name);
		else
			warn_libvirt(w, "pool lookup");
		return;
	}
	read_pool(w, pool);
	virStoragePoolFree(pool);
}

void sync_pool(virConnectPtr conn, unsigned host_id, const char *name)
{
	struct sync_host h = host_for(conn, host_id);

	read_pool_by_name(&h, name);
}

static int sync_facts(struct sync_host *w, char **cause)
{
	struct host_facts f;
	virNodeInfo ni;
	char *hostname, *capsxml, *why = NULL;
	const char *type;
	struct xml_caps caps;

	memset(&f, 0, sizeof f);
	memset(&caps, 0, sizeof caps);
	if (virNodeGetInfo(w->conn, &ni) < 0) {
		*cause = evloop_last_error("cannot read node info");
		return -1;
	}
	hostname = virConnectGetHostname(w->conn);
	type = virConnectGetType(w->conn);
	f.hostname = hostname;
	f.hv_type = type;
	if (virConnectGetLibVersion(w->conn, &f.lib_version) < 0)
		f.lib_version = 0;
	if (virConnectGetVersion(w->conn, &f.hv_version) < 0)
		f.hv_version = 0;
	f.cpus = ni.cpus;
	f.mhz = ni.mhz;
	/* -r: proven on the connection, not assumed from the flag (a
	 * writable one is never probed: its daemon would log the bad XML) */
	f.read_only = conn_read_only() && conn_refuses_writes(w->conn);
	f.memory_kib = ni.memory;
	if (virt_mem_available(w->conn, &f.free_kib) < 0)
		f.free_kib = 0;
	/* capabilities are a nicety: a host that will not say stays usable */
	if ((capsxml = virConnectGetCapabilities(w->conn)) == NULL) {
		warn_libvirt(w, "capabilities");
	} else if (virtxml_parse_caps(capsxml, &caps, &why) < 0) {
		model_event(SEV_WARN, "%s: capabilities: %s", w->name, why);
		free(why);
	} else {
		f.caps = &caps;
	}
	free(capsxml);
	model_host_set_facts(w->host_id, &f);
	facts_caps_free(&caps);
	free(hostname);
	return 0;
}

/* Every domain asked one by one, three calls each: for a driver that
 * refuses the bulk call. 0, or -1 with *cause when the list failed. */
static int read_domains_each(struct sync_host *w, unsigned *complete,
    char **cause)
{
	virDomainPtr *doms = NULL;
	int n, i;

	n = virConnectListAllDomains(w->conn, &doms, 0);
	if (n < 0) {
		*cause = evloop_last_error("cannot list domains");
		return -1;
	}
	model_sync_begin(w->host_id);
	for (i = 0; i < n; i++) {
		if (read_domain(w, doms[i]) < 0)
			*complete &= ~MODEL_SYNC_DESKTOPS;
		virDomainFree(doms[i]);
	}
	free(doms);
	return 0;
}

static int uuid_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The UUIDs of the host's persistent domains, sorted for bsearch, into
 * *out (caller frees): their count, or -1 when the list failed. */
static int persistent_uuids(struct sync_host *w,
    char (**out)[VIR_UUID_STRING_BUFLEN])
{
	virDomainPtr *doms = NULL;
	int n, i, k = 0;

	*out = NULL;
	n = virConnectListAllDomains(w->conn, &doms,
	    VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
	if (n < 0)
		return -1;
	*out = xcalloc((size_t)n + 1, sizeof **out);
	for (i = 0; i < n; i++) {
		if (virDomainGetUUIDString(doms[i], (*out)[k]) == 0)
			k++;
		virDomainFree(doms[i]);
	}
	free(doms);
	qsort(*out, (size_t)k, sizeof **out, uuid_cmp);
	return k;
}

/* A driver without the bulk call is said once per process, not once per
 * host and reconnect. */
static atomic_int bulk_refused_said;

/* Every domain with its state from one bulk call and its persistence
 * from one list: two calls for the host, not two per domain (the
 * definitions are still read one by one: an inventory follows a connect,
 * and what changed while hvdeck was not listening is unknown). 0, or -1
 * with *cause. */
static int read_domains(struct sync_host *w, unsigned *complete,
    char **cause)
{
	virDomainStatsRecordPtr *recs = NULL;
	char (*pers)[VIR_UUID_STRING_BUFLEN] = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct dom_seen s;
	int n, np, i;

	n = virConnectGetAllDomainStats(w->conn, VIR_DOMAIN_STATS_STATE,
	    &recs, 0);
	if (n < 0 && vanished(VIR_ERR_NO_SUPPORT)) {
		if (!atomic_exchange(&bulk_refused_said, 1))
			log_msg(LOG_INFO, "%s: no bulk domain stats "
			    "(virConnectGetAllDomainStats): the inventory "
			    "asks each domain", w->name);
		return read_domains_each(w, complete, cause);
	}
	if (n < 0 || (np = persistent_uuids(w, &pers)) < 0) {
		*cause = evloop_last_error("cannot list domains");
		virDomainStatsRecordListFree(recs);
		return -1;
	}
	model_sync_begin(w->host_id);
	for (i = 0; i < n; i++) {
		memset(&s, 0, sizeof s);
		s.dom = recs[i]->dom;
		if (virDomainGetUUIDString(s.dom, uuid) < 0)
			continue;
		virTypedParamsGetInt(recs[i]->params, recs[i]->nparams,
		    "state.state", &s.state);
		virTypedParamsGetInt(recs[i]->params, recs[i]->nparams,
		    "state.reason", &s.reason);
		s.persistent = bsearch(uuid, pers, (size_t)np, sizeof *pers,
		    uuid_cmp) != NULL;
		if (report_domain(w, &s) < 0)
			*complete &= ~MODEL_SYNC_DESKTOPS;
	}
	free(pers);
	virDomainStatsRecordListFree(recs);
	return 0;
}

static int read_all(struct sync_host *w, char **cause)
{
	virStoragePoolPtr *pools = NULL;
	unsigned complete = MODEL_SYNC_DESKTOPS | MODEL_SYNC_POOLS;
	int n, i;

	if (sync_facts(w, cause) < 0)
		return -1;
	if (read_domains(w, &complete, cause) < 0)
		return -1;
	n = virConnectListAllStoragePools(w->conn, &pools, 0);
	if (n < 0) {
		/* a hypervisor without a storage driver still has desktops
		 * (and truly no pools) */
		if (!vanished(VIR_ERR_NO_SUPPORT))
			complete &= ~MODEL_SYNC_POOLS;
		warn_libvirt(w, "storage pools");
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (read_pool(w, pools[i]) < 0)
			complete &= ~MODEL_SYNC_POOLS;
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	/* sweep only what was read completely */
	model_sync_end(w->host_id, complete);
	/* cut short by a lost connection: not an inventory, the host goes
	 * offline and its desktops show unknown, not removed */
	if (virConnectIsAlive(w->conn) != 1) {
		*cause = xstrdup("connection lost during the inventory");
		return -1;
	}
	return 0;
}

int sync_full(virConnectPtr conn, unsigned host_id, char **cause)
{
	struct sync_host h = host_for(conn, host_id);

	h.fresh = 1;
	return read_all(&h, cause);
}

static void read_job_as(struct sync_host *w, const char *uuid, int quiet);

static void read_job(struct sync_host *w, const char *uuid)
{
	read_job_as(w, uuid, 0);
}

/* quiet: a refusal is no news (the sweep asks every running domain, and
 * the destination of a migration answers "only on the source host") */
static void read_job_as(struct sync_host *w, const char *uuid, int quiet)
{
	virDomainPtr dom = virDomainLookupByUUIDString(w->conn, uuid);
	virTypedParameterPtr params = NULL;
	unsigned long long total = 0, remaining = 0;
	int type = VIR_DOMAIN_JOB_NONE, n = 0;

	if (dom == NULL)
		return;
	if (virDomainGetJobStats(dom, &type, &params, &n, 0) < 0) {
		if (!quiet)
			warn_libvirt(w, "job stats");
		virDomainFree(dom);
		return;
	}
	if (type == VIR_DOMAIN_JOB_NONE) {
		model_desktop_job(uuid, 0, NULL, -1, 0);
	} else if (virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_TOTAL, &total) == 1 &&
	    virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_REMAINING, &remaining) == 1 &&
	    total > 0) {
		struct m_desktop *d;
		uint64_t iteration = 0;

		model_lock();
		d = model_desktop(uuid);
		if (d != NULL)
			iteration = d->job_iteration;
		model_unlock();
		/* remaining grows back as the guest dirties memory: the
		 * percentage is of what is left now, as virsh shows it */
		model_desktop_job(uuid, 1, "migration",
		    (double)(total - (remaining < total ? remaining : total)) * 100.0 / (double)total,
		    iteration);
	} else {
		int op = 0;

		/* begun, nothing measured yet: a job all the same */
		(void)virTypedParamsGetInt(params, n, VIR_DOMAIN_JOB_OPERATION, &op);
		model_desktop_job(uuid, 1, op == VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT ||
		    op == 0 ? "migration" : "job", -1, 0);
	}
	virTypedParamsFree(params, n);
	virDomainFree(dom);
}

void sync_job(virConnectPtr conn, unsigned host_id, const char *uuid)
{
	struct sync_host h = host_for(conn, host_id);

	read_job(&h, uuid);
}

void sync_jobs_sweep(virConnectPtr conn, unsigned host_id)
{
	struct sync_host h = host_for(conn, host_id);
	virDomainPtr *doms = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int n, i;

	n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		warn_libvirt(&h, "list domains");
		return;
	}
	for (i = 0; i < n; i++) {
		if (virDomainGetUUIDString(doms[i], uuid) == 0)
			read_job_as(&h, uuid, 1);
		virDomainFree(doms[i]);
	}
	free(doms);
}

int sync_abort_job(virConnectPtr conn, const char *uuid, char **cause)
{
	virDomainPtr dom = virDomainLookupByUUIDString(conn, uuid);
	virErrorPtr e;
	int rc = 0;

	if (dom == NULL || virDomainAbortJob(dom) < 0) {
		e = virGetLastError();
		*cause = xstrdup(e != NULL && e->message != NULL ? e->message :
		    "libvirt gave no reason");
		rc = -1;
	}
	virt_dom_unref(dom);
	return rc;
}

/* Sum "PREFIX.N.FIELD" over N = 0 .. "PREFIX.count" - 1. */
static uint64_t sum_indexed(virTypedParameterPtr p, int np, const char *prefix,
    const char *field)
{
	unsigned count = 0, i;
	unsigned long long v, total = 0;
	char key[VIR_TYPED_PARAM_FIELD_LENGTH];

	snprintf(key, sizeof key, "%s.count", prefix);
	if (virTypedParamsGetUInt(p, np, key, &count) != 1)
		return 0;
	for (i = 0; i < count; i++) {
		snprintf(key, sizeof key, "%s.%u.%s", prefix, i, field);
		if (virTypedParamsGetULLong(p, np, key, &v) == 1)
			total += v;
	}
	return total;
}

static void sync_node_stats(struct sync_host *w)
{
	virNodeCPUStatsPtr params;
	int n = 0, i;
	uint64_t busy = 0, total = 0;
	uint64_t avail_kib;

	if (virNodeGetCPUStats(w->conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) < 0 ||
	    n <= 0) {
		warn_libvirt(w, "node CPU stats");
		return;
	}
	params = xcalloc((size_t)n, sizeof *params);
	if (virNodeGetCPUStats(w->conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0) == 0) {
		for (i = 0; i < n; i++) {
			total += params[i].value;
			if (strcmp(params[i].field, VIR_NODE_CPU_STATS_IDLE) != 0 &&
			    strcmp(params[i].field, VIR_NODE_CPU_STATS_IOWAIT) != 0)
				busy += params[i].value;
		}
		if (virt_mem_available(w->conn, &avail_kib) < 0)
			avail_kib = 0;
		model_host_stats(w->host_id, busy, total, avail_kib);
	} else {
		warn_libvirt(w, "node CPU stats");
	}
	free(params);
}

/* Jobs started elsewhere (virsh) only announce iterations: poll their
 * progress with the stats. A desktop with a job is in the model's
 * stirring set: every host's poll need not walk every desktop. */
static void request_job_progress(struct sync_host *w)
{
	struct m_desktop **ds;
	const struct m_place *p;
	char **uuids;
	size_t n, i, k = 0;

	model_lock();
	ds = model_desktops_stirring(&n);
	uuids = xcalloc(n + 1, sizeof *uuids);
	for (i = 0; i < n; i++) {
		p = model_desktop_place(ds[i]);
		if (ds[i]->job_active && p != NULL && p->host_id == w->host_id)
			uuids[k++] = xstrdup(ds[i]->uuid);
	}
	model_unlock();
	for (i = 0; i < k; i++) {
		read_job(w, uuids[i]);
		free(uuids[i]);
	}
	free(uuids);
}

static void read_stats(struct sync_host *w)
{
	virDomainStatsRecordPtr *recs = NULL;
	struct desktop_sample s;
	char uuid[VIR_UUID_STRING_BUFLEN];
	unsigned long long v;
	int n, i;
	unsigned types = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
	    VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_INTERFACE |
	    VIR_DOMAIN_STATS_BLOCK;

	sync_node_stats(w);
	request_job_progress(w);
	n = virConnectGetAllDomainStats(w->conn, types, &recs,
	    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
	if (n < 0) {
		warn_libvirt(w, "domain stats");
		return;
	}
	for (i = 0; i < n; i++) {
		virDomainStatsRecordPtr r = recs[i];

		if (virDomainGetUUIDString(r->dom, uuid) < 0)
			continue;
		memset(&s, 0, sizeof s);
		s.at_ms = util_now_ms();
		if (virTypedParamsGetULLong(r->params, r->nparams, "cpu.time", &v) == 1)
			s.cpu_ns = v;
		if (virTypedParamsGetULLong(r->params, r->nparams, "balloon.current", &v) == 1)
			s.balloon_kib = v;
		s.rd = sum_indexed(r->params, r->nparams, "block", "rd.bytes");
		s.wr = sum_indexed(r->params, r->nparams, "block", "wr.bytes");
		s.rx = sum_indexed(r->params, r->nparams, "net", "rx.bytes");
		s.tx = sum_indexed(r->params, r->nparams, "net", "tx.bytes");
		model_desktop_stats(w->host_id, uuid, &s);
	}
	virDomainStatsRecordListFree(recs);
}

void sync_stats(virConnectPtr conn, unsigned host_id)
{
	struct sync_host h = host_for(conn, host_id);

	read_stats(&h);
}
