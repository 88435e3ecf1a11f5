/* srv-mirror.c — the subscription applied to this process's model
 * (srv-mirror.h). */
#include "srv/srv-mirror.h"
#include "srv/srv-drain.h"
#include "srv/srv-hostadd.h"
#include "act/act-host.h"
#include "srv/srv-mig.h"
#include "srv/proto.h"
#include "srv/srv-client.h"
#include "core/cpufit-json.h"
#include "core/job.h"
#include "core/json-read.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#define SUBSCRIBE_TIMEOUT_MS 10000

static struct {
	pthread_t thread;
	int started;
	int fd;
	long pid;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int synced, ended;
	int jobs_only;          /* srv_mirror_start_jobs: the rest is ignored */
} M = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
    .fd = -1 };

/* ---- names back to values ---- */

static enum host_state host_state_of(const char *s)
{
	int i;

	for (i = HOST_CONNECTING; s != NULL && i <= HOST_OFFLINE; i++)
		if (strcmp(model_host_state_name((enum host_state)i), s) == 0)
			return (enum host_state)i;
	return HOST_OFFLINE;
}

static enum desktop_state state_of(const char *s)
{
	int i;

	for (i = DS_NOSTATE; s != NULL && i <= DS_UNKNOWN; i++)
		if (strcmp(model_state_name((enum desktop_state)i), s) == 0)
			return (enum desktop_state)i;
	return DS_UNKNOWN;
}

static double rate_of(const struct jread *o, const char *key)
{
	return jread_num(o, key, -1);
}

static unsigned host_id_named(const char *name)
{
	struct m_host *h;
	unsigned id;

	if (name == NULL)
		return 0;
	model_lock();
	h = model_host_by_name(name);
	id = h != NULL ? h->id : 0;
	model_unlock();
	return id;
}

/* ---- hosts ---- */

static unsigned host_add(const struct jread *o, const char *name)
{
	struct config_host ch;

	memset(&ch, 0, sizeof ch);
	ch.name = (char *)name;
	ch.uri = (char *)(jread_str(o, "uri") != NULL ? jread_str(o, "uri") : "");
	ch.migration_address = (char *)jread_str(o, "migration_address");
	ch.memory_reserve_mib = CONFIG_MEMORY_RESERVE_DEFAULT;
	if (config_role_parse(jread_str(o, "role"), &ch.role) < 0)
		ch.role = ROLE_MIXED;
	ch.maintenance = jread_bool(o, "maintenance");
	return model_host_add(&ch);
}

static void host_facts(unsigned id, const struct jread *o)
{
	struct xml_caps *caps = xcalloc(1, sizeof *caps);
	struct host_facts f;

	memset(&f, 0, sizeof f);
	f.hostname = jread_str(o, "hostname");
	f.lib_version = (unsigned long)jread_u64(o, "libvirt_version", 0);
	f.hv_version = (unsigned long)jread_u64(o, "hypervisor_version", 0);
	f.cpus = (unsigned)jread_u64(o, "cpus", 0);
	f.memory_kib = jread_u64(o, "memory_kib", 0);
	f.free_kib = jread_u64(o, "free_kib", 0);
	f.read_only = jread_bool(o, "read_only");
	caps->arch = xstrdup(jread_str(o, "arch"));
	caps->cpu_model = xstrdup(jread_str(o, "cpu_model"));
	caps->host_uuid = xstrdup(jread_str(o, "host_uuid"));
	caps->guests = xstrdup(jread_str(o, "guests"));
	f.caps = caps;
	model_host_set_facts(id, &f);
	facts_caps_free(caps);
	free(caps);
}

static void apply_host(const char *op, const struct jread *o)
{
	const char *name = jread_str(o, "name");
	enum host_role role;
	unsigned id = host_id_named(name);

	if (name == NULL)
		return;
	if (strcmp(op, "remove") == 0) {
		if (id != 0)
			(void)model_host_remove(id);
		return;
	}
	if (id == 0)
		id = host_add(o, name);
	if (config_role_parse(jread_str(o, "role"), &role) == 0)
		(void)model_host_set_role(name, role);
	(void)model_host_set_maintenance(name, jread_bool(o, "maintenance"));
	(void)model_host_set_reserve(name, jread_u64(o, "memory_reserve_kib",
	    (uint64_t)CONFIG_MEMORY_RESERVE_DEFAULT * 1024));
	if (strcmp(op, "stats") != 0) {
		host_facts(id, o);
		model_host_set_state(id, host_state_of(jread_str(o, "state")),
		    jread_str(o, "error"));
	}
	model_mirror_host_rates(id, rate_of(o, "cpu_pct"),
	    jread_u64(o, "free_kib", 0));
	model_host_retry_at(id, jread_i64(o, "retry_at_ms", 0));
}

/* ---- pools ---- */

static char *dup_of(const struct jread *o, const char *key)
{
	const char *s = jread_str(o, key);

	return s != NULL ? xstrdup(s) : NULL;
}

static struct m_volume *volumes_of(const struct jread *a, size_t *n)
{
	struct m_volume *v;
	size_t i;

	*n = a != NULL && a->type == JR_ARR ? a->n : 0;
	v = xcalloc(*n + 1, sizeof *v);
	for (i = 0; i < *n; i++) {
		const struct jread *o = &a->items[i];

		v[i].name = dup_of(o, "name");
		v[i].path = dup_of(o, "path");
		v[i].format = dup_of(o, "format");
		v[i].backing_path = dup_of(o, "backing");
		v[i].backing_format = dup_of(o, "backing_format");
		v[i].capacity = jread_u64(o, "capacity", 0);
		v[i].allocation = jread_u64(o, "allocation", 0);
	}
	return v;
}

static void apply_pool(const char *op, const struct jread *o)
{
	unsigned id = host_id_named(jread_str(o, "host"));
	struct m_pool info;
	struct m_volume *vols;
	size_t n;

	memset(&info, 0, sizeof info);
	info.name = (char *)jread_str(o, "name");
	if (id == 0 || info.name == NULL)
		return;
	if (strcmp(op, "remove") == 0) {
		model_pool_gone(id, info.name);
		return;
	}
	info.uuid = (char *)jread_str(o, "uuid");
	info.type = (char *)jread_str(o, "type");
	info.target_path = (char *)jread_str(o, "target");
	info.share_key = (char *)jread_str(o, "share_key");
	info.share_basis = (char *)jread_str(o, "share_basis");
	info.active = jread_bool(o, "active");
	info.autostart = jread_bool(o, "autostart");
	info.capacity = jread_u64(o, "capacity", 0);
	info.allocation = jread_u64(o, "allocation", 0);
	info.available = jread_u64(o, "available", 0);
	vols = volumes_of(jread_get(o, "volumes"), &n);
	model_pool_seen(id, &info, vols, n);
}

/* ---- desktops ---- */

static void disks_of(const struct jread *a, struct xml_domain *x)
{
	size_t i, k;

	x->ndisks = a != NULL && a->type == JR_ARR ? a->n : 0;
	x->disks = xcalloc(x->ndisks + 1, sizeof *x->disks);
	for (i = 0; i < x->ndisks; i++) {
		const struct jread *o = &a->items[i], *b = jread_get(o, "backing");
		struct xml_disk *dk = &x->disks[i];

		dk->target = dup_of(o, "target");
		dk->source = dup_of(o, "source");
		dk->format = dup_of(o, "format");
		dk->nbacking = b != NULL && b->type == JR_ARR ? b->n : 0;
		dk->backing = xcalloc(dk->nbacking + 1, sizeof *dk->backing);
		for (k = 0; k < dk->nbacking; k++)
			dk->backing[k] = xstrdup(b->items[k].type == JR_STR ?
			    b->items[k].str : "");
	}
}

/* The domain facts the line carries (vcpus, memory, disks, graphics). */
static void xml_of(const struct jread *o, struct xml_domain *x)
{
	const struct jread *g = jread_get(o, "graphics");
	size_t i;

	memset(x, 0, sizeof *x);
	x->name = dup_of(o, "name");
	x->uuid = dup_of(o, "uuid");
	x->vcpus = (unsigned)jread_u64(o, "vcpus", 0);
	x->memory_kib = jread_u64(o, "memory_kib", 0);
	x->max_memory_kib = jread_u64(o, "max_memory_kib", x->memory_kib);
	x->cpu_key = dup_of(o, "cpu_key");
	disks_of(jread_get(o, "disks"), x);
	x->ngraphics = g != NULL && g->type == JR_ARR ? g->n : 0;
	x->graphics = xcalloc(x->ngraphics + 1, sizeof *x->graphics);
	for (i = 0; i < x->ngraphics; i++) {
		x->graphics[i].type = dup_of(&g->items[i], "type");
		x->graphics[i].listen = dup_of(&g->items[i], "listen");
		x->graphics[i].port = (int)jread_i64(&g->items[i], "port", -1);
		x->graphics[i].tls_port = -1;
	}
}

/* The hosts that know uuid in this process's model now (*n of them;
 * caller frees). */
static unsigned *places_now(const char *uuid, size_t *n)
{
	struct m_desktop *d;
	unsigned *ids = NULL;
	size_t i;

	*n = 0;
	model_lock();
	if ((d = model_desktop(uuid)) != NULL) {
		ids = xcalloc(d->nplaces + 1, sizeof *ids);
		for (i = 0; i < d->nplaces; i++)
			ids[(*n)++] = d->places[i].host_id;
	}
	model_unlock();
	return ids;
}

/* Each place of the line seen, each other place gone. */
static void desktop_places(const char *uuid, const struct jread *o)
{
	const struct jread *pl = jread_get(o, "hosts");
	size_t n, i, k, np = pl != NULL && pl->type == JR_ARR ? pl->n : 0;
	unsigned *old = places_now(uuid, &n), *now = xcalloc(np + 1, sizeof *now);
	struct xml_domain x;

	for (i = 0; i < np; i++) {
		now[i] = host_id_named(jread_str(&pl->items[i], "host"));
		if (now[i] == 0)
			continue;
		xml_of(o, &x);
		model_desktop_seen(now[i], uuid, jread_str(o, "name"),
		    state_of(jread_str(&pl->items[i], "state")),
		    (int)jread_i64(&pl->items[i], "reason", 0),
		    jread_bool(o, "persistent"), &x);
		facts_domain_free(&x);
	}
	for (k = 0; k < n; k++) {
		for (i = 0; i < np && now[i] != old[k]; i++)
			;
		if (i == np)
			model_desktop_gone(old[k], uuid);
	}
	free(old);
	free(now);
}

/* The server's pending mark (the row's spinner), set when it differs. */
static void desktop_pending(const char *uuid, const char *what)
{
	struct m_desktop *d;
	int same;

	model_lock();
	d = model_desktop(uuid);
	same = d == NULL || (what == NULL ? model_desktop_pending_now(d) == NULL :
	    model_desktop_pending_now(d) != NULL &&
	    strcmp(model_desktop_pending_now(d), what) == 0);
	model_unlock();
	if (!same)
		model_desktop_pending(uuid, what);
}

static void apply_desktop(const char *op, const struct jread *o)
{
	const char *uuid = jread_str(o, "uuid");
	const struct jread *job = jread_get(o, "job");
	unsigned *old;
	double rates[5];
	size_t n, i;

	if (uuid == NULL)
		return;
	if (strcmp(op, "remove") == 0) {
		old = places_now(uuid, &n);
		for (i = 0; i < n; i++)
			model_desktop_gone(old[i], uuid);
		free(old);
		return;
	}
	if (strcmp(op, "stats") != 0)
		desktop_places(uuid, o);
	desktop_pending(uuid, jread_str(o, "pending"));
	if (job != NULL && job->type == JR_OBJ)
		model_desktop_job(uuid, 1, jread_str(job, "kind"),
		    jread_num(job, "pct", -1), jread_u64(job, "iteration", 0));
	else
		model_desktop_job(uuid, 0, NULL, -1, 0);
	rates[0] = rate_of(o, "cpu_pct");
	rates[1] = rate_of(o, "disk_rd_bps");
	rates[2] = rate_of(o, "disk_wr_bps");
	rates[3] = rate_of(o, "net_rx_bps");
	rates[4] = rate_of(o, "net_tx_bps");
	model_mirror_desktop_rates(uuid, rates, jread_i64(o, "started_ms", 0));
}

/* ---- jobs ---- */

static enum job_kind job_kind_of(const char *s)
{
	int k;

	for (k = 0; s != NULL && k < JK_COUNT; k++)
		if (strcmp(job_kind_name((enum job_kind)k), s) == 0)
			return (enum job_kind)k;
	return JK_COUNT;
}

static enum job_state job_state_of(const char *s)
{
	int k;

	for (k = JOB_QUEUED; s != NULL && k <= JOB_CANCELLED; k++)
		if (strcmp(job_state_name((enum job_state)k), s) == 0)
			return (enum job_state)k;
	return JOB_FAILED;
}

/* The copy's state now (JOB_GONE: no copy yet). */
static enum job_state copy_state(unsigned id)
{
	struct job *j;
	enum job_state st;

	job_lock();
	j = job_find(id);
	st = j != NULL ? j->state : JOB_GONE;
	job_unlock();
	return st;
}

/* The server dismissed job id: so does the copy (a copy not final yet is
 * ended first, as the server would not dismiss it unfinished). */
static void dismissed(unsigned id)
{
	char *cause = NULL;

	hostadd_forget(id);
	if (copy_state(id) == JOB_GONE)
		return;
	if (!job_state_final(copy_state(id)))
		job_fail(id, "dismissed in the server");
	if (job_dismiss(id, &cause) < 0) {
		log_msg(LOG_WARN, "attach: job %u: %s", id, cause);
		free(cause);
	}
}

/* The server's job id, copied under its own id so that the jobs pane's
 * commands (job cancel ID) name the server's job. */
static void apply_job(const struct jread *o)
{
	unsigned id = (unsigned)jread_u64(o, "id", 0);
	enum job_kind kind = job_kind_of(jread_str(o, "kind"));
	enum job_state want = job_state_of(jread_str(o, "state")), st;
	struct job_target t = { jread_str(o, "uuid"), jread_str(o, "name"), 0,
	    jread_str(o, "host") };

	if (id != 0 && jread_str(o, "state") != NULL &&
	    strcmp(jread_str(o, "state"), "gone") == 0) {
		dismissed(id);
		return;
	}
	if (id == 0 || kind == JK_COUNT)
		return;
	t.host_id = host_id_named(t.host);
	if ((st = copy_state(id)) == JOB_GONE) {
		if (job_mirror_new(id, kind, &t) == 0)
			return;
		st = JOB_QUEUED;
	}
	if (job_state_final(st) || want == JOB_QUEUED)
		return;
	if (st == JOB_QUEUED)
		(void)job_begin(id);
	if (jread_get(o, "pct") != NULL)
		job_progress(id, jread_num(o, "pct", -1), jread_u64(o, "done", 0),
		    jread_u64(o, "total", 0), jread_str(o, "phase"));
	if (want == JOB_DONE)
		job_done(id);
	else if (want == JOB_CANCELLED)
		job_declined(id);	/* so that it ends cancelled */
	if (want == JOB_FAILED || want == JOB_CANCELLED)
		job_fail(id, jread_str(o, "error"));
}

/* ---- the stream ---- */

static void apply_event(const struct jread *l)
{
	const char *sev = jread_str(l, "severity"), *text = jread_str(l, "text");

	if (text != NULL)
		model_event(sev != NULL && strcmp(sev, "error") == 0 ? SEV_ERROR :
		    sev != NULL && strcmp(sev, "warn") == 0 ? SEV_WARN : SEV_INFO,
		    "%s", text);
}

int srv_mirror_apply(const char *line, int *synced, char **cause)
{
	struct jread l;
	const char *kind, *op;
	const struct jread *o;

	if (jread_parse(line, &l, cause) < 0)
		return -1;
	kind = jread_str(&l, "kind");
	op = jread_str(&l, "op");
	o = jread_get(&l, "object");
	if (kind == NULL) {
		*cause = xstrdup("a line without a kind");
		jread_free(&l);
		return -1;
	}
	if (strcmp(kind, "synced") == 0)
		*synced = 1;
	else if (M.jobs_only && strcmp(kind, "job") != 0)
		;	/* this process's own engine has the hosts */
	else if (strcmp(kind, "event") == 0)
		apply_event(&l);
	else if (strcmp(kind, "job") == 0 && o != NULL)
		apply_job(o);
	else if (strcmp(kind, "migration") == 0 && o != NULL)
		srv_mig_apply(o);
	else if (strcmp(kind, "drain") == 0 && o != NULL)
		srv_drain_apply(o);
	else if (strcmp(kind, "hostadd") == 0 && o != NULL)
		srv_hostadd_apply(o);
	else if (strcmp(kind, "cpufit") == 0)
		cpufit_json_apply(&l);
	else if (op != NULL && o != NULL && strcmp(kind, "host") == 0)
		apply_host(op, o);
	else if (op != NULL && o != NULL && strcmp(kind, "pool") == 0)
		apply_pool(op, o);
	else if (op != NULL && o != NULL && strcmp(kind, "desktop") == 0)
		apply_desktop(op, o);
	jread_free(&l);
	return 0;
}

/* The server is gone: nothing of its hosts is known any more (their
 * desktops show unknown, as behind an offline host). */
static void hosts_unknown(void)
{
	struct m_host **h;
	unsigned *ids;
	size_t n, i;

	model_lock();
	h = model_hosts(&n);
	ids = xcalloc(n + 1, sizeof *ids);
	for (i = 0; i < n; i++)
		ids[i] = h[i]->id;
	model_unlock();
	for (i = 0; i < n; i++)
		model_host_set_state(ids[i], HOST_OFFLINE, "the server went away");
	free(ids);
}

static void set_flag(int *flag)
{
	pthread_mutex_lock(&M.lock);
	*flag = 1;
	pthread_cond_broadcast(&M.cond);
	pthread_mutex_unlock(&M.lock);
}

static void *mirror_main(void *arg)
{
	struct proto_msg m;
	char *cause = NULL;
	int i, synced = 0;

	(void)arg;
	while (proto_recv(M.fd, &m, -1, &cause) == 0) {
		for (i = 0; m.type == PROTO_SUB_LINES && i < m.n; i++) {
			if (srv_mirror_apply(m.f[i], &synced, &cause) < 0) {
				log_msg(LOG_WARN, "attach: %s", cause);
				free(cause);
				cause = NULL;
			}
		}
		proto_msg_free(&m);
		if (synced && !M.synced)
			set_flag(&M.synced);
	}
	/* the stop's shutdown, or the server's end */
	pthread_mutex_lock(&M.lock);
	if (!M.ended && M.jobs_only)
		log_msg(LOG_WARN, "the server (pid %ld) went away: %s", M.pid,
		    cause);
	else if (!M.ended) {
		model_event(SEV_ERROR, "the server (pid %ld) went away: %s; start "
		    "one (hvdeck server start) and attach again", M.pid, cause);
		hosts_unknown();
	}
	pthread_mutex_unlock(&M.lock);
	free(cause);
	set_flag(&M.ended);
	return NULL;
}

int srv_mirror_start(const struct config *cfg, int read_only, long *pid,
    char **cause)
{
	int rc;

	if ((rc = srv_client_connect(cfg, read_only, &M.fd, &M.pid, cause)) != 0)
		return rc;
	pthread_mutex_lock(&M.lock);
	M.synced = M.ended = 0;	/* a wall subscribes again after a loss */
	pthread_mutex_unlock(&M.lock);
	if (proto_send(M.fd, PROTO_SUBSCRIBE, NULL, 0, SUBSCRIBE_TIMEOUT_MS,
	    cause) < 0) {
		close(M.fd);
		M.fd = -1;
		return -1;
	}
	if (!M.jobs_only)
		model_set_mirror(1);
	if (pthread_create(&M.thread, NULL, mirror_main, NULL) != 0) {
		*cause = xstrdup("attach: cannot start the mirror's thread");
		close(M.fd);
		M.fd = -1;
		return -1;
	}
	M.started = 1;
	*pid = M.pid;
	return 0;
}

int srv_mirror_wait_synced(int timeout_ms)
{
	struct timespec until;
	int rc;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&M.lock);
	while (!M.synced && !M.ended &&
	    pthread_cond_timedwait(&M.cond, &M.lock, &until) == 0)
		;
	rc = M.synced ? 0 : -1;
	pthread_mutex_unlock(&M.lock);
	return rc;
}

void srv_mirror_stop(void)
{
	if (!M.started)
		return;
	pthread_mutex_lock(&M.lock);
	M.ended = 1;
	pthread_mutex_unlock(&M.lock);
	(void)shutdown(M.fd, SHUT_RDWR);
	pthread_join(M.thread, NULL);
	close(M.fd);
	M.fd = -1;
	M.started = 0;
}

int srv_mirror_start_jobs(const struct config *cfg, long *pid, char **cause)
{
	int rc;

	M.jobs_only = 1;
	if ((rc = srv_mirror_start(cfg, 1, pid, cause)) != 0)
		M.jobs_only = 0;
	return rc;
}

int srv_mirror_running(void)
{
	int up;

	pthread_mutex_lock(&M.lock);
	up = M.started && !M.ended;
	pthread_mutex_unlock(&M.lock);
	return up;
}

void srv_mirror_stop_jobs(void)
{
	srv_mirror_stop();
	M.jobs_only = 0;
}
