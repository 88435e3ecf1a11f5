/* act-migrate.c — live migration as a job (see act-migrate.h).
 *
 * Threads: migrate_start runs on the caller's (UI or command line) and
 * only reads the model; the job thread opens hvdeck's own connections to
 * both hosts, runs the pre-flight and blocks in virDomainMigrate3 (direct
 * managed mode: hvdeck's client drives both ends, the hypervisors need no
 * credentials for each other); the watcher samples virDomainGetJobStats
 * on the same source connection every 500 ms and applies the operator's
 * requests. Each migration's record lives in a registry past its job's
 * end (the progress view shows the totals) until its job is forgotten.
 *
 * Locks: a record's own lock guards its stats, requests and domain
 * handle; it is never held while calling libvirt, nor while taking the
 * model or job lock. */
#include "act/act-migrate.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "core/job.h"
#include "act/migrate-check.h"
#include "act/migrate-pool.h"
#include "act/act-pool.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-mem.h"
#include "virt/virt-xml.h"
#include "virt/virt-ref.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libvirt's own "unlimited" for virDomainMigrateSetMaxSpeed (its
 * QEMU_DOMAIN_MIG_BANDWIDTH_MAX): 0 would mean "no speed" to some QEMUs */
#define BANDWIDTH_UNLIMITED (INT64_MAX / (1024 * 1024))
/* iterations with the dirty rate above the transfer rate before the
 * operator is told the migration does not converge */
#define NOT_CONVERGING_ITERATIONS 3

/* The checklist steps, in the order the form shows them. */
enum step { S_DEST, S_CONNECT, S_CPU, S_STORAGE, S_CACHE, S_MEMORY,
	S_MIGRATE, S_COUNT };
static const char *const step_text[S_COUNT] = {
	[S_DEST] = "destination accepts migrations",
	[S_CONNECT] = "connect to both hosts",
	[S_CPU] = "destination runs the desktop's CPU",
	[S_STORAGE] = "destination sees every disk",
	[S_CACHE] = "disk cache modes safe",
	[S_MEMORY] = "destination has the memory",
	[S_MIGRATE] = "live migration",
};

struct mig {
	unsigned job;
	char uuid[40];
	char *name;
	unsigned src_id, dst_id;
	char *src_uri, *dst_uri, *dst_addr;
	char *to_pool;                  /* the request's, kept */
	uint64_t reserve_kib;
	char *dst_capacity;     /* place_capacity_text of the destination */
	struct migrate_req req;         /* strings not kept */
	struct checklist *cl;           /* not owned */
	size_t steps[S_COUNT];
	int64_t started_ms;

	pthread_mutex_t lock;           /* guards everything below */
	virDomainPtr dom;               /* source domain while migrating */
	virConnectPtr dst;              /* destination while migrating */
	int dest_lost;                  /* the watcher saw it go: aborted */
	int migrating;                  /* inside virDomainMigrate3 */
	int ended;                      /* the job layer freed its ctx */
	int finished;                   /* run returned */
	int cancel, abort_done;
	int want_speed, want_downtime, want_postcopy;
	int downtime_applied;
	uint64_t last_iteration;
	unsigned slow_iterations;
	struct migrate_stats st;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mig **reg;
static size_t nreg;

/* The destination's connection died before post-copy (its keepalive or
 * its transport said so): the migration cannot finish there, so the
 * watcher aborts it at once rather than let it run on until QEMU or
 * libvirt gives up; the desktop stays on its source. Called without
 * m->lock (libvirt is asked); 1 while the abort is still to be done. */
static int lost_dest(struct mig *m)
{
	virConnectPtr dst;
	int first = 0, abort;

	pthread_mutex_lock(&m->lock);
	dst = m->dest_lost || m->st.postcopy_active ? NULL : m->dst;
	if (dst != NULL)
		virConnectRef(dst);
	pthread_mutex_unlock(&m->lock);
	if (dst != NULL && virConnectIsAlive(dst) != 1) {
		pthread_mutex_lock(&m->lock);
		first = !m->dest_lost;
		m->dest_lost = 1;
		pthread_mutex_unlock(&m->lock);
	}
	if (dst != NULL)
		virConnectClose(dst);
	if (first)
		model_event(SEV_WARN, "%s: destination %s went offline during "
		    "the migration: aborting it", m->name, m->st.dest);
	/* until the abort takes (no QEMU job yet: again next tick) */
	pthread_mutex_lock(&m->lock);
	abort = m->dest_lost && !m->abort_done;
	pthread_mutex_unlock(&m->lock);
	return abort;
}

/* The migration failed because its destination went. */
static int dest_gone(struct mig *m, virConnectPtr dst)
{
	int lost;

	pthread_mutex_lock(&m->lock);
	lost = m->dest_lost;
	pthread_mutex_unlock(&m->lock);
	return lost || virConnectIsAlive(dst) != 1;
}

static void mig_free(struct mig *m)
{
	if (m == NULL)
		return;
	free(m->name);
	free(m->src_uri);
	free(m->dst_uri);
	free(m->dst_capacity);
	free(m->dst_addr);
	free(m->to_pool);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* reg_lock held. Forget records whose job ended and is forgotten. */
static void reg_prune(void)
{
	size_t i = 0;
	int gone, ended;

	while (i < nreg) {
		job_lock();
		gone = job_find(reg[i]->job) == NULL;
		job_unlock();
		pthread_mutex_lock(&reg[i]->lock);
		ended = reg[i]->ended;
		pthread_mutex_unlock(&reg[i]->lock);
		if (gone && ended) {
			mig_free(reg[i]);
			reg[i] = reg[--nreg];
		} else {
			i++;
		}
	}
}

/* reg_lock held. */
static struct mig *reg_find(unsigned job)
{
	size_t i;

	for (i = 0; i < nreg; i++)
		if (reg[i]->job == job)
			return reg[i];
	return NULL;
}

/* ---- the checklist ---- */

static void step(struct mig *m, enum step s, enum check_state st,
    const char *why)
{
	if (m->cl != NULL)
		checklist_set(m->cl, m->steps[s], st, "%s", why != NULL ? why : "");
}

/* Settle a check's step from its verdict (0 ok, 1 warn, -1 fail). */
static int verdict(struct mig *m, enum step s, int rc, char *why,
    char **cause)
{
	step(m, s, rc == 0 ? CHECK_OK : rc > 0 ? CHECK_WARN : CHECK_FAIL, why);
	if (rc < 0)
		*cause = xstrdup(why);
	free(why);
	return rc < 0 ? -1 : 0;
}

/* ---- starting ---- */

/* Model lock held. The one host where d is live, or NULL with *cause. */
static const struct m_host *live_host(const struct m_desktop *d,
    char **cause)
{
	const struct m_place *live = NULL;
	size_t i, n = 0;

	for (i = 0; i < d->nplaces; i++) {
		if (model_place_live(&d->places[i])) {
			live = &d->places[i];
			n++;
		}
	}
	if (n == 0) {
		*cause = xasprintf("cannot migrate %s: it is not running", d->name);
		return NULL;
	}
	if (n > 1 || d->split_brain) {
		char *where = model_desktop_live_hosts(d, " and ");

		*cause = xasprintf("cannot migrate %s: it runs on %s", d->name,
		    where);
		free(where);
		return NULL;
	}
	return model_host(live->host_id);
}

/* Lock held. Host h has a pool called name. */
static int has_pool(const struct m_host *h, const char *name)
{
	size_t k;

	for (k = 0; k < h->npools; k++)
		if (strcmp(h->pools[k]->name, name) == 0)
			return 1;
	return 0;
}

/* Model lock held. The record for the request, or NULL with *cause. */
static struct mig *plan(const struct migrate_req *r, char **cause)
{
	struct m_desktop *d;
	const struct m_host *src, *dst;
	struct mig *m;
	unsigned other;

	if ((d = act_desktop_find(r->desktop, cause)) == NULL ||
	    (src = live_host(d, cause)) == NULL)
		return NULL;
	if ((dst = model_host_by_name(r->dest)) == NULL) {
		*cause = xasprintf("cannot migrate %s: no host named %s", d->name,
		    r->dest);
		return NULL;
	}
	if (dst == src) {
		*cause = xasprintf("cannot migrate %s: it already runs on %s",
		    d->name, dst->name);
		return NULL;
	}
	if (src->state != HOST_ONLINE) {
		*cause = xasprintf("cannot migrate %s: its host %s is %s", d->name,
		    src->name, model_host_state_name(src->state));
		return NULL;
	}
	if (r->to_pool != NULL && (!r->copy_storage ||
	    !has_pool(dst, r->to_pool))) {
		*cause = !r->copy_storage ? xasprintf("cannot migrate %s: "
		    "--to-pool needs --copy-storage", d->name) :
		    xasprintf("cannot migrate %s: %s has no pool %s", d->name,
		    dst->name, r->to_pool);
		return NULL;
	}
	if ((other = job_find_active(JK_MIGRATE, d->uuid)) != 0) {
		*cause = xasprintf("%s is already being migrated (job %u)",
		    d->name, other);
		return NULL;
	}
	m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
	snprintf(m->uuid, sizeof m->uuid, "%s", d->uuid);
	m->name = xstrdup(d->name);
	m->src_id = src->id;
	m->dst_id = dst->id;
	m->src_uri = xstrdup(src->uri);
	m->dst_uri = xstrdup(dst->uri);
	m->dst_addr = xstrdup(dst->migration_address);
	m->reserve_kib = dst->memory_reserve_kib;
	m->dst_capacity = place_capacity_text(dst);
	m->req = *r;
	m->req.desktop = m->req.dest = NULL;
	m->to_pool = r->to_pool != NULL ? xstrdup(r->to_pool) : NULL;
	m->req.to_pool = NULL;
	snprintf(m->st.source, sizeof m->st.source, "%s", src->name);
	snprintf(m->st.dest, sizeof m->st.dest, "%s", dst->name);
	m->st.mem_pct = -1;
	m->st.eta_ms = -1;
	m->st.downtime_ms = -1;
	m->st.postcopy_allowed = r->postcopy;
	m->st.bandwidth_mibs = r->bandwidth_mibs;
	m->st.max_downtime_ms = r->max_downtime_ms;
	m->want_downtime = r->max_downtime_ms > 0;
	return m;
}


static const struct job_ops migrate_ops;

int migrate_start(const struct migrate_req *r, struct checklist *cl,
    unsigned *job, char **cause)
{
	struct job_target t;
	struct mig *m;
	size_t i;

	*job = 0;
	*cause = NULL;
	if (r == NULL || r->desktop == NULL || *r->desktop == '\0' ||
	    r->dest == NULL || *r->dest == '\0') {
		*cause = xstrdup("migrate: a desktop and a destination host "
		    "are needed");
		return -1;
	}
	if (act_read_only()) {
		*cause = xstrdup("cannot migrate: hvdeck runs read-only");
		return -1;
	}
	model_lock();
	m = plan(r, cause);
	model_unlock();
	if (m == NULL)
		return -1;
	m->cl = cl;
	if (cl != NULL)
		for (i = 0; i < S_COUNT; i++)
			m->steps[i] = checklist_add(cl, step_text[i]);
	pthread_mutex_lock(&reg_lock);
	reg_prune();
	reg = xreallocarray(reg, nreg + 1, sizeof *reg);
	reg[nreg++] = m;
	t.uuid = m->uuid;
	t.name = m->name;
	t.host_id = m->src_id;
	t.host = m->st.source;
	/* under reg_lock: the job's id is in the record before anyone
	 * (the watcher, migrate_stats) can look for it */
	if (job_start_thread(JK_MIGRATE, &t, &migrate_ops, m, job, cause) < 0) {
		nreg--;	/* ops->free only marked it ended */
		pthread_mutex_unlock(&reg_lock);
		mig_free(m);
		return -1;
	}
	m->job = *job;
	pthread_mutex_unlock(&reg_lock);
	return 0;
}

/* ---- the job thread ---- */

static int cancelled(struct mig *m)
{
	int c;

	pthread_mutex_lock(&m->lock);
	c = m->cancel;
	pthread_mutex_unlock(&m->lock);
	return c;
}

static int check_dest(struct mig *m, char **cause)
{
	const struct m_host *h;
	char *why;

	model_lock();
	h = model_host(m->dst_id);
	/* the CPU the hosts answered for (cpufit.h) refuses at once; the
	 * CPU step asks the destination again over this migration's own
	 * connection, for the live and the persistent definition */
	why = h != NULL ? place_refusal_for(h, PLACE_MIGRATE,
	    model_desktop(m->uuid)) : xasprintf("host %s is gone", m->st.dest);
	model_unlock();
	if (why != NULL)
		return verdict(m, S_DEST, -1, why, cause);
	return verdict(m, S_DEST, 0, xasprintf("%s is online and takes "
	    "migrations", m->st.dest), cause);
}

struct conns {
	virConnectPtr src, dst;
	virDomainPtr dom;
	char *live_xml, *persistent_xml;
	struct xml_domain x;
	int *copied;                    /* per disk of x: copied */
	struct migrate_pool mp;         /* --to-pool: what was made there */
};

static void conns_close(struct conns *c)
{
	virt_dom_unref(c->dom);
	if (c->src != NULL)
		virConnectClose(c->src);
	if (c->dst != NULL)
		virConnectClose(c->dst);
	free(c->live_xml);
	free(c->persistent_xml);
	free(c->copied);
	migrate_pool_free(&c->mp);
	facts_domain_free(&c->x);
	memset(c, 0, sizeof *c);
}

static int connect_both(struct mig *m, struct conns *c, char **cause)
{
	char *msg = NULL;
	int persistent;

	if ((c->src = conn_open(m->src_uri, NULL, NULL, &msg)) == NULL) {
		*cause = xasprintf("cannot connect to %s: %s", m->st.source, msg);
		goto fail;
	}
	if ((c->dst = conn_open(m->dst_uri, NULL, NULL, &msg)) == NULL) {
		*cause = xasprintf("cannot connect to %s: %s", m->st.dest, msg);
		goto fail;
	}
	if ((c->dom = virDomainLookupByUUIDString(c->src, m->uuid)) == NULL ||
	    virDomainIsActive(c->dom) != 1 ||
	    (c->live_xml = virDomainGetXMLDesc(c->dom, 0)) == NULL) {
		msg = evloop_last_error("it is not running there");
		*cause = xasprintf("%s on %s: %s", m->name, m->st.source, msg);
		goto fail;
	}
	persistent = virDomainIsPersistent(c->dom) == 1;
	if (persistent && !m->req.no_persist &&
	    (c->persistent_xml = virDomainGetXMLDesc(c->dom,
	    VIR_DOMAIN_XML_INACTIVE)) == NULL) {
		msg = evloop_last_error("cannot read its definition");
		*cause = xasprintf("%s on %s: %s", m->name, m->st.source, msg);
		goto fail;
	}
	if (virtxml_parse_domain(c->live_xml, &c->x, &msg) < 0) {
		*cause = xasprintf("%s: %s", m->name, msg);
		goto fail;
	}
	free(msg);
	step(m, S_CONNECT, CHECK_OK, "connected with hvdeck's own connections");
	return 0;
fail:
	free(msg);
	step(m, S_CONNECT, CHECK_FAIL, *cause);
	return -1;
}

static int check_cpu(struct mig *m, struct conns *c, char **cause)
{
	char *why = NULL, *why2 = NULL, *both;
	int rc, rc2 = 0;

	step(m, S_CPU, CHECK_RUNNING, NULL);
	rc = migrate_check_cpu(c->dst, c->live_xml, "live", &why);
	if (rc >= 0 && c->persistent_xml != NULL) {
		rc2 = migrate_check_cpu(c->dst, c->persistent_xml, "persistent",
		    &why2);
		/* a refusal names only what is refused */
		both = rc2 < 0 ? xstrdup(why2) : xasprintf("%s; %s", why, why2);
		free(why);
		free(why2);
		why = both;
		if (rc2 < 0 || (rc2 > 0 && rc == 0))
			rc = rc2;
	}
	return verdict(m, S_CPU, rc, why, cause);
}

static int check_disks(struct mig *m, struct conns *c, unsigned *flags,
    char **cause)
{
	int *copied = xcalloc(c->x.ndisks + 1, sizeof *copied);
	char *why = NULL;
	int rc;

	c->copied = copied;

	rc = migrate_check_storage(&c->x, m->src_id, m->dst_id,
	    m->req.copy_storage, copied, flags, &why);
	if (verdict(m, S_STORAGE, rc, why, cause) < 0) {
		step(m, S_CACHE, CHECK_PENDING, "not checked");
		return -1;
	}
	rc = migrate_check_cache(&c->x, copied, m->req.unsafe, flags, &why);
	return verdict(m, S_CACHE, rc, why, cause);
}

static int check_memory(struct mig *m, struct conns *c, char **cause)
{
	uint64_t avail_kib = 0;
	char *why = NULL;
	uint64_t need = c->x.max_memory_kib > c->x.memory_kib ?
	    c->x.max_memory_kib : c->x.memory_kib;
	int rc;

	if (virt_mem_available(c->dst, &avail_kib) < 0) {
		char *msg = evloop_last_error("no answer");

		why = xasprintf("cannot read %s's free memory: %s", m->st.dest,
		    msg);
		free(msg);
		return verdict(m, S_MEMORY, -1, why, cause);
	}
	rc = migrate_check_memory(m->st.dest, m->name, avail_kib, need,
	    m->reserve_kib, &why);
	if (rc < 0 && m->dst_capacity != NULL) {	/* the host's numbers */
		char *full = xasprintf("%s (%s)", why, m->dst_capacity);

		free(why);
		why = full;
	}
	return verdict(m, S_MEMORY, rc, why, cause);
}

/* The typed parameters of virDomainMigrate3. */
static int migrate_params(struct mig *m, virTypedParameterPtr *p, int *np)
{
	int max = 0;
	char *uri = NULL;
	int rc = 0;

	*p = NULL;
	*np = 0;
	if (m->dst_addr != NULL) {
		/* an address (IPv6 in brackets) or a whole URI */
		if (strstr(m->dst_addr, "://") != NULL)
			uri = xstrdup(m->dst_addr);
		else if (strchr(m->dst_addr, ':') != NULL &&
		    m->dst_addr[0] != '[')
			uri = xasprintf("tcp://[%s]", m->dst_addr);
		else
			uri = xasprintf("tcp://%s", m->dst_addr);
		rc |= virTypedParamsAddString(p, np, &max,
		    VIR_MIGRATE_PARAM_URI, uri);
	}
	if (m->req.bandwidth_mibs > 0)
		rc |= virTypedParamsAddULLong(p, np, &max,
		    VIR_MIGRATE_PARAM_BANDWIDTH, m->req.bandwidth_mibs);
	free(uri);
	return rc < 0 ? -1 : 0;
}

static unsigned migrate_flags(const struct mig *m)
{
	unsigned f = VIR_MIGRATE_LIVE;

	if (!m->req.no_persist)
		f |= VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
	if (m->req.auto_converge)
		f |= VIR_MIGRATE_AUTO_CONVERGE;
	if (m->req.compress)
		f |= VIR_MIGRATE_COMPRESSED;
	if (m->req.postcopy)
		f |= VIR_MIGRATE_POSTCOPY;
	if (m->req.unsafe)
		f |= VIR_MIGRATE_UNSAFE;
	return f;
}

/* When done: the totals libvirt keeps for the finished job. */
static void completed_stats(struct mig *m, virDomainPtr ddom)
{
	virTypedParameterPtr p = NULL;
	unsigned long long v;
	int np = 0, type;

	if (virDomainGetJobStats(ddom, &type, &p, &np,
	    VIR_DOMAIN_JOB_STATS_COMPLETED) < 0) {
		virResetLastError();
		return;
	}
	pthread_mutex_lock(&m->lock);
	if (virTypedParamsGetULLong(p, np, VIR_DOMAIN_JOB_DOWNTIME, &v) == 1)
		m->st.downtime_ms = (int64_t)v;
	if (virTypedParamsGetULLong(p, np, VIR_DOMAIN_JOB_TIME_ELAPSED, &v) == 1)
		m->st.total_ms = (int64_t)v;
	pthread_mutex_unlock(&m->lock);
	virTypedParamsFree(p, np);
}

/* Hand the domain (its progress and cancel) and the destination (lost_dest)
 * to the watcher, unless the job was cancelled first. 0, or -1 when
 * cancelled. */
static int watch_begin(struct mig *m, struct conns *c)
{
	pthread_mutex_lock(&m->lock);
	if (m->cancel) {
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	virDomainRef(c->dom);
	m->dom = c->dom;
	virConnectRef(c->dst);
	m->dst = c->dst;
	m->migrating = 1;
	m->st.active = 1;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* Take the domain and the destination back from the watcher. */
static void watch_end(struct mig *m, struct conns *c)
{
	pthread_mutex_lock(&m->lock);
	m->migrating = 0;
	m->st.active = 0;
	m->dom = NULL;
	m->dst = NULL;
	pthread_mutex_unlock(&m->lock);
	virDomainFree(c->dom);	/* the references taken for the watcher */
	virConnectClose(c->dst);
}

/* Why virDomainMigrate3 failed, for the operator. Caller frees. */
static char *migrate_failure(struct mig *m, const struct conns *c)
{
	char *msg = evloop_last_error("the migration failed"), *why;

	/* without the source, nobody can say yet which copy runs: the
	 * workers' reconnect shows it in the model */
	if (virConnectIsAlive(c->src) != 1)
		why = xasprintf("outcome unknown: the connection to %s was lost "
		    "(%s); where %s runs shows when %s is back", m->st.source,
		    msg, m->name, m->st.source);
	else if (dest_gone(m, c->dst))
		why = xasprintf("destination %s went offline during the "
		    "migration: %s stays on its source %s (%s)", m->st.dest,
		    m->name, m->st.source, msg);
	else
		return msg;
	free(msg);
	return why;
}

/* The migration is over: its totals as libvirt counted them. */
static void migrate_done(struct mig *m, virDomainPtr ddom)
{
	completed_stats(m, ddom);
	pthread_mutex_lock(&m->lock);
	if (m->st.total_ms <= 0)
		m->st.total_ms = util_now_ms() - m->started_ms;
	m->st.mem_pct = 100;
	m->st.data_remaining = 0;
	pthread_mutex_unlock(&m->lock);
}

static int migrate(struct mig *m, struct conns *c, unsigned flags,
    char **cause)
{
	virTypedParameterPtr p;
	virDomainPtr ddom;
	int np, max = 0;

	if (migrate_params(m, &p, &np) < 0 ||
	    migrate_pool_params(&c->mp, &p, &np, &max) < 0) {
		*cause = evloop_last_error("cannot build the migration's parameters");
		step(m, S_MIGRATE, CHECK_FAIL, *cause);
		return -1;
	}
	if (watch_begin(m, c) < 0) {
		virTypedParamsFree(p, np);
		*cause = xstrdup("cancelled before the migration began");
		step(m, S_MIGRATE, CHECK_FAIL, *cause);
		return -1;
	}
	step(m, S_MIGRATE, CHECK_RUNNING, NULL);
	ddom = virDomainMigrate3(c->dom, c->dst, p, (unsigned)np,
	    flags | migrate_flags(m));
	if (ddom == NULL)
		*cause = migrate_failure(m, c);
	virTypedParamsFree(p, np);
	watch_end(m, c);
	if (ddom == NULL) {	/* the reason is the job's, said once */
		step(m, S_MIGRATE, cancelled(m) ? CHECK_WARN : CHECK_FAIL,
		    cancelled(m) ? "cancelled" : "failed");
		return -1;
	}
	migrate_done(m, ddom);
	virDomainFree(ddom);
	step(m, S_MIGRATE, CHECK_OK, "done");
	return 0;
}

/* libvirt's texts carry a host's whole URI (qemu+libssh://...?keyfile=
 * ...&known_hosts=...), which fills a status line: name it by name. */
static void name_hosts(const struct mig *m, char **cause)
{
	char *a, *b;

	if (*cause == NULL)
		return;
	a = text_replace(*cause, m->src_uri, m->st.source);
	b = text_replace(a, m->dst_uri, m->st.dest);
	free(a);
	free(*cause);
	*cause = b;
}

/* --to-pool: the copied disks made in that pool of the destination and
 * the destination's XML on them; the whole chain is copied (a new
 * standalone volume: nothing below it need exist there). */
static int to_pool(unsigned id, struct mig *m, struct conns *c,
    unsigned *flags, char **cause)
{
	char *live, *pers = NULL;
	int rc;

	job_progress(id, -1, 0, 0, "making the disks");
	*flags = (*flags & ~(unsigned)VIR_MIGRATE_NON_SHARED_INC) |
	    VIR_MIGRATE_NON_SHARED_DISK;
	live = virDomainGetXMLDesc(c->dom, VIR_DOMAIN_XML_MIGRATABLE);
	if (live != NULL && c->persistent_xml != NULL)
		pers = virDomainGetXMLDesc(c->dom, VIR_DOMAIN_XML_MIGRATABLE |
		    VIR_DOMAIN_XML_INACTIVE);
	if (live == NULL || (c->persistent_xml != NULL && pers == NULL)) {
		*cause = evloop_last_error("cannot read the domain's XML");
		rc = -1;
	} else {
		rc = migrate_pool_prepare(c->src, c->dst, m->to_pool, &c->x,
		    c->copied, live, pers, &c->mp, cause);
	}
	free(live);
	free(pers);
	return rc;
}

static int run(unsigned id, void *ctx, char **cause)
{
	struct mig *m = ctx;
	struct conns c;
	unsigned flags = 0;
	int rc = -1;

	memset(&c, 0, sizeof c);
	pthread_mutex_lock(&m->lock);
	m->started_ms = util_now_ms();
	pthread_mutex_unlock(&m->lock);
	job_progress(id, -1, 0, 0, "pre-flight");
	if (check_dest(m, cause) < 0)
		goto out;
	step(m, S_CONNECT, CHECK_RUNNING, NULL);
	if (connect_both(m, &c, cause) < 0 || check_cpu(m, &c, cause) < 0 ||
	    check_disks(m, &c, &flags, cause) < 0 ||
	    check_memory(m, &c, cause) < 0)
		goto out;
	if (cancelled(m)) {
		*cause = xstrdup("cancelled before the migration began");
		goto out;
	}
	if (m->to_pool != NULL && to_pool(id, m, &c, &flags, cause) < 0)
		goto out;
	job_progress(id, 0, 0, 0, "migrating");
	if ((rc = migrate(m, &c, flags, cause)) < 0)
		migrate_pool_undo(c.dst, &c.mp);
	else if (m->to_pool != NULL)
		act_pool_refresh_sharing(m->dst_id, m->to_pool, NULL);
out:
	conns_close(&c);
	/* the workers learn the new places from events; ask too, in case an
	 * event was lost with a connection */
	host_request(m->src_id, REQ_DOMAIN, m->uuid, 0);
	host_request(m->dst_id, REQ_DOMAIN, m->uuid, 0);
	if (rc < 0)
		name_hosts(m, cause);
	/* the one line that says how it ended, with libvirt's reason: the
	 * console's event log, and the command line's stderr */
	model_event(rc == 0 ? SEV_INFO : cancelled(m) ? SEV_WARN : SEV_ERROR,
	    "%s: migration %s (%s -> %s)%s%s", m->name,
	    rc == 0 ? "done" : cancelled(m) ? "cancelled" : "failed",
	    m->st.source, m->st.dest, rc == 0 ? "" : ": ", rc == 0 ? "" : *cause);
	if (rc == 0)
		job_progress(id, 100, 0, 0, "done");
	pthread_mutex_lock(&m->lock);
	m->finished = 1;
	m->st.eta_ms = -1;	/* nothing is left to wait for */
	m->st.not_converging = 0;
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* ---- the watcher ---- */

/* The requests waiting, taken under the lock and applied outside it. */
struct pending {
	int abort, speed, downtime, postcopy;
	int in_postcopy;                /* the speed is post-copy's limit */
	unsigned long mibs;
	long ms;
};

static void apply(struct mig *m, virDomainPtr dom, const struct pending *w)
{
	char *msg;

	if (w->abort) {
		if (virDomainAbortJob(dom) == 0) {
			pthread_mutex_lock(&m->lock);
			m->abort_done = 1;
			pthread_mutex_unlock(&m->lock);
		} else {	/* no job yet (still preparing): again next tick */
			virResetLastError();
		}
		return;
	}
	/* in post-copy the pre-copy limit no longer applies: QEMU has its own */
	if (w->speed && virDomainMigrateSetMaxSpeed(dom,
	    w->mibs > 0 ? w->mibs : (unsigned long)BANDWIDTH_UNLIMITED,
	    w->in_postcopy ? VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY : 0) < 0) {
		msg = evloop_last_error("refused");
		model_event(SEV_WARN, "%s: bandwidth not changed: %s", m->name, msg);
		free(msg);
	}
	if (w->downtime) {
		if (virDomainMigrateSetMaxDowntime(dom,
		    (unsigned long long)w->ms, 0) == 0) {
			pthread_mutex_lock(&m->lock);
			m->downtime_applied = 1;
			pthread_mutex_unlock(&m->lock);
		} else {	/* before QEMU's job exists: again next tick */
			virResetLastError();
		}
	}
	if (w->postcopy) {
		if (virDomainMigrateStartPostCopy(dom, 0) == 0) {
			pthread_mutex_lock(&m->lock);
			m->st.postcopy_active = 1;
			pthread_mutex_unlock(&m->lock);
		} else {
			msg = evloop_last_error("refused");
			model_event(SEV_WARN, "%s: post-copy not started: %s",
			    m->name, msg);
			free(msg);
		}
	}
}

/* m->lock held: what to apply now, clearing the one-shot requests. An
 * abort goes alone and leaves the others waiting: one that does not take
 * yet (no QEMU job) must not lose them. */
static void take_pending(struct mig *m, struct pending *w)
{
	memset(w, 0, sizeof *w);
	w->abort = m->cancel && !m->abort_done;
	if (w->abort)
		return;
	w->in_postcopy = m->st.postcopy_active;
	/* a bandwidth set before QEMU's migration sends anything is replaced
	 * by the migration's own parameter when libvirt starts it (a drain's
	 * move held at 1 MiB/s stayed there after "unlimited"): it waits
	 * for the first data */
	w->speed = m->want_speed && (m->st.data_processed > 0 ||
	    m->st.postcopy_active);
	w->mibs = m->st.bandwidth_mibs;
	w->downtime = m->want_downtime;
	w->ms = m->st.max_downtime_ms;
	w->postcopy = m->want_postcopy;
	if (w->speed)
		m->want_speed = 0;
	m->want_postcopy = 0;
	m->want_downtime = 0;   /* set again below when it did not take */
}

static uint64_t param(virTypedParameterPtr p, int np, const char *name)
{
	unsigned long long v = 0;

	if (virTypedParamsGetULLong(p, np, name, &v) != 1)
		v = 0;
	return v;
}

int migrate_history_flat(const uint64_t *remaining, unsigned n)
{
	uint64_t best = UINT64_MAX, recent = UINT64_MAX;
	unsigned i;

	/* the first entry is the whole memory: the pass that sends it all */
	if (n < 2 + NOT_CONVERGING_ITERATIONS)
		return 0;
	for (i = 1; i < n - NOT_CONVERGING_ITERATIONS; i++)
		if (remaining[i] < best)
			best = remaining[i];
	for (; i < n; i++)
		if (remaining[i] < recent)
			recent = remaining[i];
	/* the last iterations came no lower than 90% of the best before */
	return recent >= best - best / 10;
}

/* m->lock held. A new sample into the stats and the history. */
static void take_sample(struct mig *m, virTypedParameterPtr p, int np)
{
	struct migrate_stats *s = &m->st;
	uint64_t mem_total = param(p, np, VIR_DOMAIN_JOB_MEMORY_TOTAL);
	uint64_t mem_rem = param(p, np, VIR_DOMAIN_JOB_MEMORY_REMAINING);
	uint64_t page = param(p, np, VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE);
	uint64_t iter = param(p, np, VIR_DOMAIN_JOB_MEMORY_ITERATION);

	s->data_processed = param(p, np, VIR_DOMAIN_JOB_DATA_PROCESSED);
	s->data_remaining = param(p, np, VIR_DOMAIN_JOB_DATA_REMAINING);
	s->data_total = param(p, np, VIR_DOMAIN_JOB_DATA_TOTAL);
	/* transferred = what is no longer left to send: processed bytes
	 * pass the total from the second iteration on */
	s->mem_pct = mem_total > 0 ? 100.0 * (double)(mem_total -
	    (mem_rem < mem_total ? mem_rem : mem_total)) / (double)mem_total : -1;
	s->mem_bps = param(p, np, VIR_DOMAIN_JOB_MEMORY_BPS);
	s->dirty_rate = param(p, np, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE);
	s->dirty_bps = s->dirty_rate * (page > 0 ? page : 4096);
	s->expected_downtime_ms = param(p, np, VIR_DOMAIN_JOB_DOWNTIME);
	s->elapsed_ms = (int64_t)param(p, np, VIR_DOMAIN_JOB_TIME_ELAPSED);
	if (s->elapsed_ms == 0)
		s->elapsed_ms = util_now_ms() - m->started_ms;
	s->eta_ms = s->mem_bps > 0 ? (int64_t)(1000.0 *
	    (double)s->data_remaining / (double)s->mem_bps) : -1;
	if (iter > m->last_iteration || s->nremaining == 0) {
		if (s->nremaining == MIGRATE_HISTORY) {
			memmove(s->remaining, s->remaining + 1,
			    (MIGRATE_HISTORY - 1) * sizeof *s->remaining);
			s->nremaining--;
		}
		s->remaining[s->nremaining++] = s->data_remaining;
		if (iter > m->last_iteration && m->last_iteration > 0)
			m->slow_iterations = s->dirty_bps > s->mem_bps ?
			    m->slow_iterations + 1 : 0;
		m->last_iteration = iter;
	}
	s->iteration = iter;
	s->not_converging = m->slow_iterations >= NOT_CONVERGING_ITERATIONS ||
	    migrate_history_flat(s->remaining, s->nremaining);
}

static void watch(unsigned id, void *ctx)
{
	struct mig *m = ctx;
	virTypedParameterPtr p = NULL;
	virDomainPtr dom;
	struct pending w;
	double pct;
	uint64_t done, total;
	int np = 0, type = 0, postcopy;

	pthread_mutex_lock(&m->lock);
	if (!m->migrating || (dom = m->dom) == NULL) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	virDomainRef(dom);
	take_pending(m, &w);
	pthread_mutex_unlock(&m->lock);

	w.abort |= lost_dest(m);
	apply(m, dom, &w);
	if (virDomainGetJobStats(dom, &type, &p, &np, 0) < 0 ||
	    type == VIR_DOMAIN_JOB_NONE) {
		virResetLastError();
		virTypedParamsFree(p, np);
		pthread_mutex_lock(&m->lock);
		m->want_downtime |= w.downtime && !m->downtime_applied;
		pthread_mutex_unlock(&m->lock);
		virDomainFree(dom);
		return;
	}
	pthread_mutex_lock(&m->lock);
	m->want_downtime |= w.downtime && !m->downtime_applied;
	take_sample(m, p, np);
	pct = m->st.mem_pct;
	/* the generic bar: what is no longer left to send (processed bytes
	 * pass the total once pages are sent again) */
	total = m->st.data_total;
	done = total - (m->st.data_remaining < total ? m->st.data_remaining :
	    total);
	postcopy = m->st.postcopy_active;
	pthread_mutex_unlock(&m->lock);
	virTypedParamsFree(p, np);
	virDomainFree(dom);
	job_progress(id, pct, done, total, postcopy ? "post-copy" :
	    "migrating");
}

/* On the watcher thread: abort QEMU's job once it exists (the watcher
 * tries again each tick until it takes). The desktop keeps running on
 * the source. */
static void cancel(unsigned id, void *ctx)
{
	struct mig *m = ctx;
	struct pending w;
	virDomainPtr dom = NULL;

	(void)id;
	pthread_mutex_lock(&m->lock);
	m->cancel = 1;
	if (m->migrating && (dom = m->dom) != NULL)
		virDomainRef(dom);
	memset(&w, 0, sizeof w);
	w.abort = 1;
	pthread_mutex_unlock(&m->lock);
	if (dom != NULL) {
		apply(m, dom, &w);
		virDomainFree(dom);
	}
}

/* The job layer is done with ctx: the record stays for migrate_stats
 * until its job is forgotten (reg_prune). */
static void mig_ended(void *ctx)
{
	struct mig *m = ctx;

	pthread_mutex_lock(&m->lock);
	m->ended = 1;
	pthread_mutex_unlock(&m->lock);
}

static const struct job_ops migrate_ops = {
	.run = run,
	.watch = watch,
	.cancel = cancel,
	.free = mig_ended,
	.watch_ms = 500,
};

/* ---- readers and requests ---- */

int migrate_stats(unsigned job, struct migrate_stats *out)
{
	struct mig *m;

	pthread_mutex_lock(&reg_lock);
	if ((m = reg_find(job)) != NULL) {
		pthread_mutex_lock(&m->lock);
		*out = m->st;
		if (m->migrating && m->st.elapsed_ms == 0)
			out->elapsed_ms = util_now_ms() - m->started_ms;
		pthread_mutex_unlock(&m->lock);
	}
	pthread_mutex_unlock(&reg_lock);
	return m != NULL ? 0 : -1;
}

/* Record a request for the watcher: fn runs under the record's lock and
 * returns NULL, or a refusal (static text). */
static int request(unsigned job, const char *(*fn)(struct mig *, const void *),
    const void *arg, char **cause)
{
	struct mig *m;
	const char *why = "no such migration";

	pthread_mutex_lock(&reg_lock);
	if ((m = reg_find(job)) != NULL) {
		pthread_mutex_lock(&m->lock);
		why = m->finished ? "the migration has ended" : fn(m, arg);
		pthread_mutex_unlock(&m->lock);
	}
	pthread_mutex_unlock(&reg_lock);
	if (why != NULL)
		*cause = xasprintf("job %u: %s", job, why);
	return why != NULL ? -1 : 0;
}

static const char *want_speed(struct mig *m, const void *arg)
{
	m->st.bandwidth_mibs = *(const unsigned long *)arg;
	m->want_speed = 1;
	return NULL;
}

static const char *want_downtime(struct mig *m, const void *arg)
{
	m->st.max_downtime_ms = *(const long *)arg;
	m->want_downtime = 1;
	m->downtime_applied = 0;
	return NULL;
}

static const char *want_postcopy(struct mig *m, const void *arg)
{
	(void)arg;
	if (!m->st.postcopy_allowed)
		return "it was not started with post-copy allowed";
	if (m->st.postcopy_active || m->want_postcopy)
		return "it is already in post-copy";
	if (!m->migrating)
		return "the memory copy has not begun yet";
	m->want_postcopy = 1;
	return NULL;
}

int migrate_set_speed(unsigned job, unsigned long mibs, char **cause)
{
	return request(job, want_speed, &mibs, cause);
}

int migrate_set_downtime(unsigned job, long ms, char **cause)
{
	if (ms <= 0) {
		*cause = xasprintf("job %u: a downtime of %ld ms", job, ms);
		return -1;
	}
	return request(job, want_downtime, &ms, cause);
}

int migrate_postcopy(unsigned job, char **cause)
{
	return request(job, want_postcopy, NULL, cause);
}

char *migrate_running_names(void)
{
	char *names = NULL, *s;
	size_t i;
	int running;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nreg; i++) {
		pthread_mutex_lock(&reg[i]->lock);
		running = !reg[i]->finished;
		pthread_mutex_unlock(&reg[i]->lock);
		if (!running)
			continue;
		s = xasprintf("%s%s%s", names != NULL ? names : "",
		    names != NULL ? ", " : "", reg[i]->name);
		free(names);
		names = s;
	}
	pthread_mutex_unlock(&reg_lock);
	return names;
}

/* ---- a batch placed by place.c ---- */

struct placed {
	unsigned host_id;
	uint64_t kib;               /* given to the batch so far */
};

/* The best candidate of ids for a desktop of kib: the most free memory
 * left after the batch's earlier ones. Lock held. 0 when none. */
static unsigned best_host(const unsigned *ids, size_t n,
    const struct placed *pl, size_t npl)
{
	const struct m_host *h;
	unsigned best = 0;
	uint64_t best_free = 0, free_kib, used;
	size_t i, k;

	for (i = 0; i < n; i++) {
		if ((h = model_host(ids[i])) == NULL)
			continue;
		for (k = 0, used = 0; k < npl; k++)
			if (pl[k].host_id == ids[i])
				used = pl[k].kib;
		free_kib = h->free_kib > used ? h->free_kib - used : 0;
		if (best == 0 || free_kib > best_free) {
			best = ids[i];
			best_free = free_kib;
		}
	}
	return best;
}

void migrate_place_batch(char *const *desktops, size_t n, char **dests,
    char **why)
{
	struct placed *pl = xcalloc(n + 1, sizeof *pl);
	size_t i, k, npl = 0, nids;
	unsigned *ids, from, to;
	char *uuid, *cause = NULL;
	struct m_desktop *d;

	for (i = 0; i < n; i++) {
		dests[i] = why[i] = NULL;
		if ((uuid = act_desktop_resolve(desktops[i], NULL, &cause)) == NULL) {
			why[i] = cause;
			cause = NULL;
			continue;
		}
		model_lock();
		d = model_desktop(uuid);
		from = d != NULL && model_desktop_place(d) != NULL ?
		    model_desktop_place(d)->host_id : 0;
		model_unlock();
		nids = place_hosts(PLACE_MIGRATE, from, &ids);	/* locks */
		model_lock();
		d = model_desktop(uuid);
		to = d != NULL ? best_host(ids, nids, pl, npl) : 0;
		if (to == 0) {
			why[i] = xasprintf("%s: no host may receive it", desktops[i]);
		} else {
			dests[i] = xstrdup(model_host(to)->name);
			for (k = 0; k < npl && pl[k].host_id != to; k++)
				;
			if (k == npl)
				pl[npl++].host_id = to;
			pl[k].kib += d->xml.memory_kib;
		}
		model_unlock();
		free(ids);
		free(uuid);
	}
	free(pl);
}
