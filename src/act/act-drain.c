/* act-drain.c — the drain job: maintenance, then the plan's migrations at
 * most `parallel` at a time, each an ordinary migration job (see
 * act-drain.h). */
#include "act/act-drain.h"
#include "act/act-domain.h"
#include "act/act-migrate.h"
#include "act/act-role.h"
#include "act/migrate-check.h"
#include "core/audit.h"
#include "core/checklist.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-evloop.h"
#include "virt/virt-xml.h"
#include "virt/virt-ref.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRAIN_PARALLEL_DEFAULT 2
#define POLL_MS 250

/* One desktop of a drain: the item the operator sees, and what only the
 * job thread uses. */
struct entry {
	struct drain_item it;
	char uuid[40];
	struct checklist *cl;       /* its migration's, until it is final */
	unsigned long audit_id;
};

struct drain {
	pthread_mutex_t lock;       /* guards entries' items and the flags */
	unsigned job;
	char *host;
	unsigned parallel;
	unsigned long bandwidth_mibs;   /* each move's, 0 unlimited */
	int include_defined;
	struct entry *e;
	size_t n;
	int cancel, let_finish, cancel_seen;
	/* whom its moves' audit lines are for: the client of the server
	 * that started it (audit_client on the starting thread), or NULL */
	char *audit_user, *audit_from;
	struct drain *next;
};

/* Every drain of this process, kept after its job ends so that its
 * report can still be read (a few per day). */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct drain *drains;

static const char *const state_names[] = {
	[DRAIN_WAITING] = "waiting", [DRAIN_MOVING] = "moving",
	[DRAIN_MOVED] = "moved", [DRAIN_FAILED] = "failed",
	[DRAIN_NOT_MOVED] = "not moved", [DRAIN_STAYS] = "stays",
};

const char *drain_state_name(enum drain_state s)
{
	return (size_t)s < sizeof state_names / sizeof state_names[0] ?
	    state_names[s] : "?";
}

/* ---- the plan ---- */

int drain_plan(const struct drain_req *r, struct place_plan *p, char **cause)
{
	char *why;
	size_t i;

	if (place_drain_plan(r->host, r->to, r->nto, p, cause) < 0)
		return -1;
	for (i = 0; i < p->ndefined; i++) {
		struct place_move *m = &p->defined[i];

		if (r->include_defined && m->dest != NULL)
			continue;	/* moved if its disks are shared: checked then */
		why = m->why;
		m->why = r->include_defined ? xasprintf("stays on %s (%s)", p->src,
		    why != NULL ? why : "no host may receive its definition") :
		    xasprintf("stays defined on %s (--include-defined moves it "
		    "when its disks are on shared storage)", p->src);
		free(why);
	}
	return 0;
}

/* ---- the registry ---- */

static struct drain *find(unsigned job)
{
	struct drain *d;

	for (d = drains; d != NULL; d = d->next)
		if (d->job == job)
			return d;
	return NULL;
}

static void entry_from(struct entry *e, const struct place_move *m,
    int defined, int include_defined)
{
	memset(e, 0, sizeof *e);
	snprintf(e->uuid, sizeof e->uuid, "%s", m->uuid);
	e->it.name = xstrdup(m->name);
	e->it.dest = m->dest != NULL ? xstrdup(m->dest) : NULL;
	e->it.why = m->why != NULL ? xstrdup(m->why) : NULL;
	e->it.defined = defined;
	e->it.pct = -1;
	if (defined)
		e->it.state = include_defined && m->dest != NULL ? DRAIN_WAITING :
		    DRAIN_STAYS;
	else
		e->it.state = m->dest != NULL ? DRAIN_WAITING : DRAIN_FAILED;
}

static struct drain *drain_new(const struct drain_req *r,
    const struct place_plan *p)
{
	struct drain *d = xcalloc(1, sizeof *d);
	const char *user, *from;
	size_t i;

	audit_client(&user, &from);
	d->audit_user = user != NULL ? xstrdup(user) : NULL;
	d->audit_from = from != NULL ? xstrdup(from) : NULL;

	pthread_mutex_init(&d->lock, NULL);
	d->host = xstrdup(p->src);
	d->parallel = r->parallel > 0 ? r->parallel : DRAIN_PARALLEL_DEFAULT;
	if (d->parallel > DRAIN_PARALLEL_MAX)
		d->parallel = DRAIN_PARALLEL_MAX;
	d->include_defined = r->include_defined;
	d->bandwidth_mibs = r->bandwidth_mibs;
	d->e = xcalloc(p->nmoves + p->ndefined + 1, sizeof *d->e);
	for (i = 0; i < p->nmoves; i++)
		entry_from(&d->e[d->n++], &p->moves[i], 0, 0);
	for (i = 0; i < p->ndefined; i++)
		entry_from(&d->e[d->n++], &p->defined[i], 1, r->include_defined);
	return d;
}

/* A drain that never became a job. */
static void drain_free(struct drain *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->e[i].it.name);
		free(d->e[i].it.dest);
		free(d->e[i].it.why);
	}
	free(d->e);
	free(d->host);
	free(d->audit_user);
	free(d->audit_from);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* An attached console's drains (drain_mirror), under reg_lock. */
struct mirrored {
	unsigned job;
	struct drain_item *items;
	size_t n;
	struct mirrored *next;
};
static struct mirrored *mirrored;

static void item_copy(struct drain_item *to, const struct drain_item *from)
{
	*to = *from;
	to->name = xstrdup(from->name != NULL ? from->name : "");
	to->dest = from->dest != NULL ? xstrdup(from->dest) : NULL;
	to->why = from->why != NULL ? xstrdup(from->why) : NULL;
}

/* A copy of items[0..n) (drain_items_free). */
static struct drain_item *items_dup(const struct drain_item *items, size_t n)
{
	struct drain_item *copy = xcalloc(n + 1, sizeof *copy);
	size_t i;

	for (i = 0; i < n; i++)
		item_copy(&copy[i], &items[i]);
	return copy;
}

/* reg_lock held: job's mirrored copy, NULL when none. */
static struct mirrored *mirrored_find(unsigned job)
{
	struct mirrored *m;

	for (m = mirrored; m != NULL && m->job != job; m = m->next)
		;
	return m;
}

int drain_items(unsigned job, struct drain_item **items, size_t *n)
{
	struct mirrored *m;
	struct drain *d;
	size_t i;

	pthread_mutex_lock(&reg_lock);
	if ((d = find(job)) == NULL) {
		if ((m = mirrored_find(job)) != NULL) {
			*items = items_dup(m->items, m->n);
			*n = m->n;
		}
		pthread_mutex_unlock(&reg_lock);
		return m != NULL ? 0 : -1;
	}
	pthread_mutex_lock(&d->lock);
	*items = xcalloc(d->n + 1, sizeof **items);
	*n = d->n;
	for (i = 0; i < d->n; i++)
		item_copy(&(*items)[i], &d->e[i].it);
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_unlock(&reg_lock);
	return 0;
}

void drain_mirror(unsigned job, const struct drain_item *items, size_t n)
{
	struct mirrored *m;

	pthread_mutex_lock(&reg_lock);
	if ((m = mirrored_find(job)) == NULL) {
		m = xcalloc(1, sizeof *m);
		m->job = job;
		m->next = mirrored;
		mirrored = m;
	}
	drain_items_free(m->items, m->n);
	m->items = items_dup(items, n);
	m->n = n;
	pthread_mutex_unlock(&reg_lock);
}

void drain_items_free(struct drain_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n && items != NULL; i++) {
		free(items[i].name);
		free(items[i].dest);
		free(items[i].why);
	}
	free(items);
}

int drain_moving_count(unsigned job)
{
	struct drain *d;
	size_t i;
	int k = -1;

	pthread_mutex_lock(&reg_lock);
	if ((d = find(job)) != NULL) {
		pthread_mutex_lock(&d->lock);
		for (i = 0, k = 0; i < d->n; i++)
			k += d->e[i].it.state == DRAIN_MOVING;
		pthread_mutex_unlock(&d->lock);
	}
	pthread_mutex_unlock(&reg_lock);
	return k;
}

int drain_cancel(unsigned job, int let_running_finish, char **cause)
{
	struct drain *d;

	pthread_mutex_lock(&reg_lock);
	if ((d = find(job)) == NULL) {
		pthread_mutex_unlock(&reg_lock);
		*cause = xasprintf("job %u is no drain", job);
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	d->let_finish = let_running_finish;
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_unlock(&reg_lock);
	return job_cancel(job, cause);
}

/* ---- the job ---- */

/* The watcher's cancel: the job thread acts on it at its next poll. */
static void on_cancel(unsigned id, void *ctx)
{
	struct drain *d = ctx;

	(void)id;
	pthread_mutex_lock(&d->lock);
	d->cancel = 1;
	pthread_mutex_unlock(&d->lock);
}

static void set_state(struct drain *d, struct entry *e, enum drain_state st,
    char *why)
{
	pthread_mutex_lock(&d->lock);
	e->it.state = st;
	if (why != NULL) {
		free(e->it.why);
		e->it.why = why;
	}
	pthread_mutex_unlock(&d->lock);
}

static char *audit_target(const struct drain *d, const struct entry *e)
{
	return xasprintf("%s %s (drain of %s)", e->it.name, e->it.dest, d->host);
}

static void audit_ended(const struct drain *d, struct entry *e,
    const char *command, const char *result, const char *error)
{
	char *t = audit_target(d, e);

	audit_end(e->audit_id, command, t, result, error);
	free(t);
}

/* Start e's migration: moving, or failed with the refusal. */
static void start_move(struct drain *d, struct entry *e)
{
	struct migrate_req r;
	char *cause = NULL, *t = audit_target(d, e);
	unsigned job;

	memset(&r, 0, sizeof r);
	r.desktop = e->uuid;
	r.dest = e->it.dest;
	r.bandwidth_mibs = d->bandwidth_mibs;
	e->audit_id = audit_start("desktop migrate", t);
	free(t);
	e->cl = checklist_new();
	if (migrate_start(&r, e->cl, &job, &cause) < 0) {
		audit_ended(d, e, "desktop migrate", "refused", cause);
		checklist_free(e->cl);
		e->cl = NULL;
		set_state(d, e, DRAIN_FAILED, cause);
		return;
	}
	pthread_mutex_lock(&d->lock);
	e->it.job = job;
	e->it.state = DRAIN_MOVING;
	pthread_mutex_unlock(&d->lock);
}

/* A moving entry whose migration became final: moved, failed or not
 * moved (cancelled), with libvirt's or the pre-flight's reason. */
static void poll_move(struct drain *d, struct entry *e)
{
	struct migrate_stats ms;
	enum job_state st = job_wait(e->it.job, 0);
	char *err;

	if (!job_state_final(st) && st != JOB_GONE) {
		double pct = migrate_stats(e->it.job, &ms) == 0 && ms.active ?
		    ms.mem_pct : -1;

		pthread_mutex_lock(&d->lock);
		e->it.pct = pct;
		pthread_mutex_unlock(&d->lock);
		return;
	}
	err = job_error(e->it.job);
	audit_ended(d, e, "desktop migrate", st == JOB_DONE ? "ok" :
	    st == JOB_CANCELLED ? "cancelled" : "failed", err);
	if (st == JOB_DONE) {
		free(err);
		set_state(d, e, DRAIN_MOVED, NULL);
	} else {
		set_state(d, e, st == JOB_CANCELLED ? DRAIN_NOT_MOVED :
		    DRAIN_FAILED, err != NULL ? err : xstrdup(st == JOB_GONE ?
		    "its migration job is gone" : "failed"));
	}
	checklist_free(e->cl);
	e->cl = NULL;
}

/* The first cancel seen: waiting entries will not move; the running
 * migrations are cancelled unless the operator let them finish. */
static void on_cancel_seen(struct drain *d)
{
	size_t i, n = 0;
	unsigned *jobs = xcalloc(d->n + 1, sizeof *jobs);
	char *cause = NULL;

	pthread_mutex_lock(&d->lock);
	d->cancel_seen = 1;
	for (i = 0; i < d->n; i++) {
		struct entry *e = &d->e[i];

		if (e->it.state == DRAIN_WAITING) {
			e->it.state = DRAIN_NOT_MOVED;
			free(e->it.why);
			e->it.why = xstrdup("the drain was cancelled before its move");
		} else if (e->it.state == DRAIN_MOVING && !d->let_finish) {
			jobs[n++] = e->it.job;
		}
	}
	pthread_mutex_unlock(&d->lock);
	for (i = 0; i < n; i++) {
		if (job_cancel(jobs[i], &cause) < 0)
			log_msg(LOG_INFO, "drain: job %u: %s", jobs[i], cause);
		free(cause);
		cause = NULL;
	}
	free(jobs);
}

/* The counts of d's entries by state. Lock held. */
static void count(const struct drain *d, size_t *by)
{
	size_t i;

	memset(by, 0, sizeof *by * (DRAIN_STAYS + 1));
	for (i = 0; i < d->n; i++)
		by[d->e[i].it.state]++;
}

/* The drain job's progress: "2/3 moved, 1 moving, 0 failed". */
static void report_progress(struct drain *d, unsigned id)
{
	size_t by[DRAIN_STAYS + 1], total, ended;
	char phase[JOB_PHASE_MAX];

	pthread_mutex_lock(&d->lock);
	count(d, by);
	pthread_mutex_unlock(&d->lock);
	total = d->n - by[DRAIN_STAYS];
	ended = by[DRAIN_MOVED] + by[DRAIN_FAILED] + by[DRAIN_NOT_MOVED];
	snprintf(phase, sizeof phase, "%zu/%zu moved, %zu moving, %zu failed",
	    by[DRAIN_MOVED], total, by[DRAIN_MOVING], by[DRAIN_FAILED]);
	job_progress(id, total > 0 ? 100.0 * (double)ended / (double)total : 100,
	    ended, total, phase);
}

/* One round: act on a cancel, poll the moving, start the next ones
 * (running desktops only: definitions move after them). Returns how many
 * are waiting or moving. */
static size_t round_once(struct drain *d)
{
	size_t i, moving = 0, left = 0;
	int cancel;

	pthread_mutex_lock(&d->lock);
	cancel = d->cancel && !d->cancel_seen;
	pthread_mutex_unlock(&d->lock);
	if (cancel)
		on_cancel_seen(d);
	for (i = 0; i < d->n; i++)
		if (d->e[i].it.state == DRAIN_MOVING) {
			poll_move(d, &d->e[i]);
			moving += d->e[i].it.state == DRAIN_MOVING;
		}
	for (i = 0; i < d->n && moving < d->parallel; i++)
		if (!d->e[i].it.defined && d->e[i].it.state == DRAIN_WAITING) {
			start_move(d, &d->e[i]);
			moving += d->e[i].it.state == DRAIN_MOVING;
		}
	for (i = 0; i < d->n; i++)
		left += !d->e[i].it.defined && (d->e[i].it.state == DRAIN_WAITING ||
		    d->e[i].it.state == DRAIN_MOVING);
	return left;
}

/* ---- moving a shut-off desktop's definition ---- */

struct def_move {
	char *src_uri, *dst_uri;
	unsigned src_id, dst_id;
	virConnectPtr sc, dc;
	virDomainPtr dom;
	char *xml;
};

static char *lv_error(const char *what)
{
	char *msg = evloop_last_error("failed"), *t;

	t = xasprintf("%s: %s", what, msg);
	free(msg);
	return t;
}

/* The source's definition and whether the destination sees its disks. */
static char *def_check(struct def_move *m, const struct entry *e)
{
	struct xml_domain x;
	char *why = NULL;
	int *copied;
	unsigned flags = 0;
	int active;

	if ((m->dom = virDomainLookupByUUIDString(m->sc, e->uuid)) == NULL)
		return lv_error("not found on the source");
	if ((active = virDomainIsActive(m->dom)) != 0)
		return active > 0 ? xstrdup("it runs now: not moved") :
		    lv_error("its state");
	if ((m->xml = virDomainGetXMLDesc(m->dom, VIR_DOMAIN_XML_INACTIVE |
	    VIR_DOMAIN_XML_SECURE)) == NULL)
		return lv_error("its definition");
	memset(&x, 0, sizeof x);
	if (virtxml_parse_domain(m->xml, &x, &why) < 0)
		return why;
	copied = xcalloc(x.ndisks + 1, sizeof *copied);
	if (migrate_check_storage(&x, m->src_id, m->dst_id, 0, copied, &flags,
	    &why) < 0) {
		char *t = xasprintf("its disks are not on shared storage: %s", why);

		free(why);
		why = t;
	} else {
		free(why);
		why = NULL;
	}
	free(copied);
	facts_domain_free(&x);
	return why;
}

/* Define on the destination, then undefine on the source (the new
 * definition is undefined again when that fails: never defined twice). */
static char *def_apply(struct def_move *m)
{
	virDomainPtr nd;
	char *why = NULL;

	if ((nd = virDomainDefineXML(m->dc, m->xml)) == NULL)
		return lv_error("define on the destination");
	if (virDomainUndefineFlags(m->dom, VIR_DOMAIN_UNDEFINE_KEEP_NVRAM) < 0) {
		why = lv_error("undefine on the source");
		if (virDomainUndefineFlags(nd, VIR_DOMAIN_UNDEFINE_KEEP_NVRAM) < 0)
			log_msg(LOG_WARN, "drain: the copy of a definition could "
			    "not be undefined again on the destination");
	}
	virDomainFree(nd);
	return why;
}

static char *def_move(const struct drain *d, const struct entry *e)
{
	struct def_move m;
	const struct m_host *h;
	char *why = NULL;

	memset(&m, 0, sizeof m);
	model_lock();
	if ((h = model_host_by_name(d->host)) != NULL) {
		m.src_uri = xstrdup(h->uri);
		m.src_id = h->id;
	}
	if ((h = model_host_by_name(e->it.dest)) != NULL) {
		m.dst_uri = xstrdup(h->uri);
		m.dst_id = h->id;
	}
	model_unlock();
	if (m.src_uri == NULL || m.dst_uri == NULL)
		why = xstrdup("a host is gone");
	else if ((m.sc = conn_open(m.src_uri, NULL, NULL, &why)) != NULL &&
	    (m.dc = conn_open(m.dst_uri, NULL, NULL, &why)) != NULL &&
	    (why = def_check(&m, e)) == NULL)
		why = def_apply(&m);
	virt_dom_unref(m.dom);
	conn_close(m.sc);
	conn_close(m.dc);
	free(m.xml);
	free(m.src_uri);
	free(m.dst_uri);
	return why;
}

static void move_definitions(struct drain *d, unsigned id)
{
	size_t i;
	char *why, *t;
	int cancel;

	for (i = 0; i < d->n; i++) {
		struct entry *e = &d->e[i];

		pthread_mutex_lock(&d->lock);
		cancel = d->cancel;
		pthread_mutex_unlock(&d->lock);
		if (!e->it.defined || e->it.state != DRAIN_WAITING)
			continue;
		if (cancel) {
			set_state(d, e, DRAIN_NOT_MOVED,
			    xstrdup("the drain was cancelled before its move"));
			continue;
		}
		set_state(d, e, DRAIN_MOVING, NULL);
		t = audit_target(d, e);
		e->audit_id = audit_start("desktop move-definition", t);
		free(t);
		why = def_move(d, e);
		audit_ended(d, e, "desktop move-definition", why ? "failed" : "ok",
		    why);
		set_state(d, e, why ? DRAIN_FAILED : DRAIN_MOVED, why);
		report_progress(d, id);
	}
}

/* The job's end: 0 when every desktop that was to move moved, else -1
 * with the ones that did not and why. */
static int verdict(struct drain *d, char **cause)
{
	size_t by[DRAIN_STAYS + 1], i;
	char *list = NULL, *t;

	pthread_mutex_lock(&d->lock);
	count(d, by);
	for (i = 0; i < d->n; i++) {
		const struct drain_item *it = &d->e[i].it;

		if (it->state != DRAIN_FAILED && it->state != DRAIN_NOT_MOVED)
			continue;
		t = xasprintf("%s%s%s: %s", list ? list : "", list ? "; " : "",
		    it->name, it->why ? it->why : "not moved");
		free(list);
		list = t;
	}
	pthread_mutex_unlock(&d->lock);
	if (list == NULL)
		return 0;
	*cause = xasprintf("%zu moved, %zu not: %s", by[DRAIN_MOVED],
	    by[DRAIN_FAILED] + by[DRAIN_NOT_MOVED], list);
	free(list);
	return -1;
}

static int run(unsigned id, void *ctx, char **cause)
{
	struct drain *d = ctx;

	audit_set_client(d->audit_user, d->audit_from);	/* this thread's */
	report_progress(d, id);
	while (round_once(d) > 0) {
		report_progress(d, id);
		util_sleep_ms(POLL_MS);
	}
	if (d->include_defined)
		move_definitions(d, id);
	report_progress(d, id);
	return verdict(d, cause);
}

static const struct job_ops drain_ops = {
	.run = run,
	.cancel = on_cancel,
	.watch_ms = 1000,
};

int drain_start(const struct config *cfg, const struct drain_req *r,
    struct place_plan *p, unsigned *job, char **cause)
{
	struct role_change ch = { .host = p->src, .set_role = 0,
	    .maintenance = 1 };
	struct job_target t = { .host_id = p->src_id };
	struct drain *d;
	int changed;

	*job = 0;
	if (act_read_only()) {
		*cause = xstrdup("cannot drain: hvdeck runs read-only");
		place_plan_free(p);
		return -1;
	}
	if (act_role_apply(cfg, &ch, &changed, cause) < 0) {
		place_plan_free(p);
		return -1;
	}
	d = drain_new(r, p);
	place_plan_free(p);
	t.name = t.host = d->host;	/* the job copies them */
	/* registered after its start, never holding reg_lock across the job
	 * lock (the jobs pane reads drains under the job lock's shadow:
	 * reg_lock is taken before it, never after); until then a reader
	 * finds no drain, as for any job not yet made */
	if (job_start_thread(JK_DRAIN, &t, &drain_ops, d, job, cause) < 0) {
		drain_free(d);
		return -1;
	}
	pthread_mutex_lock(&reg_lock);
	d->job = *job;
	d->next = drains;
	drains = d;
	pthread_mutex_unlock(&reg_lock);
	return 0;
}
