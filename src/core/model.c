/* model.c — the store. See model.h for the locking and ownership rules. */
#include "core/model.h"
#include "core/format.h"
#include "core/intern.h"
#include "core/cpufit.h"
#include "core/stats.h"
#include "core/text.h"
#include "core/util.h"
#include "core/log.h"

#include <stdarg.h>

#include <errno.h>
#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct m_host **hosts;
static size_t nhosts;
static struct m_desktop **desktops;	/* sorted by uuid */
static size_t ndesktops;
static uint64_t generation;
static int wake_pipe[2] = { -1, -1 };
static atomic_int wake_pending;
static struct m_event events[MODEL_EVENTS];
static size_t events_head, events_count;	/* ring: oldest at head */
static model_observer observer;
static void *observer_ctx;
static atomic_int pending_timeout_ms = MODEL_PENDING_MS;
static size_t nsplit;		/* desktops flagged split_brain */
/* Desktops with two live placements, a split-brain flag, a job or a
 * pending mark (each one's stir_slot is its index + 1): all the tick and
 * the jobs count look at, so an idle fleet costs them nothing. */
static struct m_desktop **stirring;
static size_t nstirring, stirring_cap;
static _Atomic(const struct model_jobs *) jobs_hooks;
/* Awaited jobs the model has settled, told to the jobs after the lock. */
struct settled {
	unsigned job;
	char *error;		/* NULL: done */
};
static struct settled *settled;
static size_t nsettled;

/* After a migration's last sign (job ended, incoming copy resumed) the
 * source may still read "running" until its host's event is served: two
 * live copies are a split brain only once this has passed. */
#define MIGRATION_GRACE_MS 10000

static struct m_place *find_place(struct m_desktop *d, unsigned id);
static void pending_clear(struct m_desktop *d);
static void tick_locked(void);
static void stir_update(struct m_desktop *d);

static const char *const state_names[] = {
	[DS_NOSTATE] = "nostate", [DS_RUNNING] = "running",
	[DS_BLOCKED] = "blocked", [DS_PAUSED] = "paused",
	[DS_SHUTDOWN] = "shutdown", [DS_SHUTOFF] = "shutoff",
	[DS_CRASHED] = "crashed", [DS_PMSUSPENDED] = "pmsuspended",
	[DS_UNKNOWN] = "unknown",
};

static const char *const host_state_names[] = {
	[HOST_CONNECTING] = "connecting", [HOST_ONLINE] = "online",
	[HOST_READONLY] = "read-only", [HOST_OFFLINE] = "offline",
};

void model_init(void)
{
	/* a model may be started again in one process (tests): start clean */
	atomic_store(&wake_pending, 0);
	events_head = events_count = 0;
	nsplit = 0;
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		fatal("pipe: %s", strerror(errno));
}

/* This thread holds the lock: for model_lock_held's checks. */
static _Thread_local int held;

void model_lock(void)
{
	pthread_mutex_lock(&lock);
	held = 1;
}

int model_lock_held(void)
{
	return held;
}

void model_set_jobs(const struct model_jobs *jobs)
{
	atomic_store(&jobs_hooks, jobs);
}

/* Lock held. Job id ends (error NULL: done) once the lock is released. */
static void settle(unsigned job, const char *error)
{
	settled = xreallocarray(settled, nsettled + 1, sizeof *settled);
	settled[nsettled].job = job;
	settled[nsettled].error = error != NULL ? xstrdup(error) : NULL;
	nsettled++;
}

/* Lock not held: the jobs take their own lock and may wake waiters. */
static void tell_settled(struct settled *s, size_t n)
{
	const struct model_jobs *jobs = atomic_load(&jobs_hooks);
	size_t i;

	for (i = 0; i < n; i++) {
		if (jobs != NULL && jobs->settle != NULL)
			jobs->settle(s[i].job, s[i].error);
		free(s[i].error);
	}
	free(s);
}

/* Whoever held the lock tells what it settled, in order, after it. */
void model_unlock(void)
{
	struct settled *s = settled;
	size_t n = nsettled;

	settled = NULL;
	nsettled = 0;
	held = 0;
	pthread_mutex_unlock(&lock);
	if (n > 0)
		tell_settled(s, n);
}

int model_wake_fd(void)
{
	return wake_pipe[0];
}

/* Drain first, then clear. Clearing first lets a change write its byte
 * between the two; the drain swallows it while the flag stays set, and no
 * later change ever writes again.
 *
 * Drained in this order, no wake is lost:
 * - a change between the drain and the clear sees the flag set and writes
 *   nothing, but it was made under the model lock before the clear, so the
 *   caller sees it when it reads the model after this returns (the re-check
 *   is that read; callers must read the model after draining);
 * - a change after the clear finds the flag clear and writes a byte, which
 *   stays in the pipe for the next poll;
 * - a writer that set the flag before the clear but writes its byte after
 *   it leaves the fd readable too: one spurious wake, never a lost one.
 * Reading again after the clear would be the old bug in another place. */
void model_wake_drain(void)
{
	char buf[64];

	while (read(wake_pipe[0], buf, sizeof buf) > 0)
		;
	atomic_store(&wake_pending, 0);
}

uint64_t model_generation(void)
{
	uint64_t g;

	model_lock();
	g = model_generation_locked();
	model_unlock();
	return g;
}

uint64_t model_generation_locked(void)
{
	return generation;
}

void model_set_observer(model_observer fn, void *ctx)
{
	model_lock();
	observer = fn;
	observer_ctx = ctx;
	model_unlock();
}

/* Lock held. One write per burst of changes: the UI coalesces. */
static void changed(enum m_kind kind, enum m_op op, struct m_host *h,
    void *obj, uint64_t *obj_gen)
{
	generation++;
	if (obj_gen != NULL)
		*obj_gen = generation;
	if (observer != NULL)
		observer(kind, op, h, obj, observer_ctx);
	model_wake();
}

/* Any thread, with or without the lock: jobs keep their own. */
void model_wake(void)
{
	if (wake_pipe[1] >= 0 && !atomic_exchange(&wake_pending, 1)) {
		ssize_t n = write(wake_pipe[1], "x", 1);
		(void)n;	/* a full pipe already wakes the reader */
	}
}

/* Lock held. */
static void add_event(enum m_severity sev, const char *fmt, va_list ap)
{
	struct m_event *e;
	char *vis;

	e = &events[(events_head + events_count) % MODEL_EVENTS];
	if (events_count == MODEL_EVENTS)
		events_head = (events_head + 1) % MODEL_EVENTS;
	else
		events_count++;
	e->wall_ms = util_wall_ms();
	e->severity = sev;
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	/* names come from hosts: never let them carry terminal controls */
	vis = text_visible(e->text);
	snprintf(e->text, sizeof e->text, "%s", vis);
	free(vis);
	log_msg(sev == SEV_ERROR ? LOG_ERROR : sev == SEV_WARN ? LOG_WARN : LOG_INFO,
	    "%s", e->text);
	changed(MK_EVENT, MO_ADD, NULL, e, NULL);
}

static void event_locked(enum m_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A desktop's name as events show it: a long name is shortened in the
 * middle so that the sentence keeps its verb. Caller frees. */
static char *ev_name(const char *name)
{
	return text_shorten(name, MODEL_EVENT_NAME_MAX);
}

/* A mirror of a server's model: the server's events come whole, so the
 * setters' own would say everything twice. */
static int mirror_mode;

void model_set_mirror(int on)
{
	model_lock();
	mirror_mode = on;
	model_unlock();
}

int model_is_mirror(void)
{
	return mirror_mode;
}

static void event_locked(enum m_severity sev, const char *fmt, ...)
{
	va_list ap;

	if (mirror_mode)
		return;
	va_start(ap, fmt);
	add_event(sev, fmt, ap);
	va_end(ap);
}

void model_event(enum m_severity sev, const char *fmt, ...)
{
	va_list ap;

	model_lock();
	va_start(ap, fmt);
	add_event(sev, fmt, ap);
	va_end(ap);
	model_unlock();
}

const struct m_event *model_event_at(size_t i, size_t *n)
{
	*n = events_count;
	if (i >= events_count)
		return NULL;
	return &events[(events_head + i) % MODEL_EVENTS];
}

const char *model_state_name(enum desktop_state s)
{
	if ((unsigned)s >= sizeof state_names / sizeof state_names[0])
		return "?";
	return state_names[s];
}

const char *model_host_state_name(enum host_state s)
{
	if ((unsigned)s >= sizeof host_state_names / sizeof host_state_names[0])
		return "?";
	return host_state_names[s];
}

/* ---- hosts ---- */

struct m_host **model_hosts(size_t *n)
{
	*n = nhosts;
	return hosts;
}

struct m_host *model_host(unsigned id)
{
	size_t i;

	for (i = 0; i < nhosts; i++)
		if (hosts[i]->id == id)
			return hosts[i];
	return NULL;
}

unsigned model_host_add(const struct config_host *ch)
{
	struct m_host *h = xcalloc(1, sizeof *h);
	static unsigned next_id = 1;

	model_lock();
	h->id = next_id++;
	h->name = xstrdup(ch->name);
	h->uri = xstrdup(ch->uri);
	h->migration_address = xstrdup(ch->migration_address);
	h->role = ch->role;
	h->maintenance = ch->maintenance;
	h->memory_reserve_kib = (uint64_t)ch->memory_reserve_mib * 1024;
	h->state = HOST_CONNECTING;
	h->state_since_ms = util_wall_ms();
	h->cpu_pct = h->seen_cpu_pct = -1;
	hosts = xreallocarray(hosts, nhosts + 1, sizeof *hosts);
	hosts[nhosts++] = h;
	changed(MK_HOST, MO_ADD, h, h, &h->gen);
	model_unlock();
	return h->id;
}

/* Lock held. Desktops shown on h change with it (greyed when it goes). */
static void touch_desktops_of(struct m_host *h)
{
	const struct m_place *p;
	size_t i;

	for (i = 0; i < ndesktops; i++) {
		p = model_desktop_place(desktops[i]);
		if (p != NULL && p->host_id == h->id)
			changed(MK_DESKTOP, MO_CHANGE, h, desktops[i],
			    &desktops[i]->gen);
	}
}

static int host_up(enum host_state s)
{
	return s == HOST_ONLINE || s == HOST_READONLY;
}

/* Lock held. What a host coming online brings, said once for all its
 * desktops: "hv1 online: 301 desktops (12 running), 3 pools". */
static void host_up_event(const struct m_host *h)
{
	const struct m_place *p;
	size_t i, all = 0, running = 0;

	for (i = 0; i < ndesktops; i++) {
		if ((p = find_place(desktops[i], h->id)) == NULL)
			continue;
		all++;
		running += p->state == DS_RUNNING || p->state == DS_BLOCKED;
	}
	event_locked(SEV_INFO, "%s %s: %zu desktop%s (%zu running), %zu pool%s",
	    h->name, host_state_names[h->state], all, all == 1 ? "" : "s",
	    running, h->npools, h->npools == 1 ? "" : "s");
}

/* Lock held. A host that goes away cannot answer for its guests: their
 * awaited shutdowns and reboots fail now rather than time out later (told
 * to the jobs once the lock is released). */
static void host_lost_jobs(const struct m_host *h)
{
	const struct m_place *p;
	char *why;
	size_t i;

	for (i = 0; i < ndesktops; i++) {
		struct m_desktop *d = desktops[i];

		p = model_desktop_place(d);
		if (d->pending_job == 0 || p == NULL || p->host_id != h->id)
			continue;
		why = xasprintf("host %s went offline before %s answered",
		    h->name, d->name);
		settle(d->pending_job, why);
		free(why);
		pending_clear(d);
	}
}

/* Lock held: the host spoke (its data age starts again). No change of
 * its own: the wall's clock redraws the age each second. */
static void heard(struct m_host *h)
{
	if (h != NULL)
		h->heard_ms = util_now_ms();
}

void model_host_set_state(unsigned id, enum host_state state, const char *error)
{
	struct m_host *h;
	int diff;

	model_lock();
	h = model_host(id);
	if (h != NULL) {
		diff = util_set_str(&h->error, error);
		if (h->state != state) {
			if (host_up(h->state) && !host_up(state)) {
				/* kept for the details, never shown as current */
				h->seen_wall_ms = util_wall_ms();
				h->seen_cpu_pct = h->cpu_pct;
			}
			h->state = state;
			h->state_since_ms = util_wall_ms();
			diff = 1;
			if (host_up(state))
				host_up_event(h);
			else if (state != HOST_CONNECTING || error != NULL)
				event_locked(state == HOST_OFFLINE ? SEV_WARN : SEV_INFO,
				    "%s %s%s%s", h->name, host_state_names[state],
				    error != NULL ? ": " : "", error != NULL ? error : "");
		}
		if (host_up(state)) {
			heard(h);
			/* workers go online only after the full inventory */
			h->inventory_done = 1;
			h->attempted = 1;
			h->ever_online = 1;
			h->retry_wall_ms = 0;
		} else if (state == HOST_OFFLINE) {
			h->attempted = 1;
			h->inventory_done = 0;
			h->cpu_pct = -1;
			host_lost_jobs(h);
		} else if (state == HOST_CONNECTING) {
			h->inventory_done = 0;
		}
		if (diff) {
			changed(MK_HOST, MO_CHANGE, h, h, &h->gen);
			touch_desktops_of(h);
		}
	}
	model_unlock();
}

void model_host_retry_at(unsigned id, int64_t wall_ms)
{
	struct m_host *h;

	model_lock();
	h = model_host(id);
	if (h != NULL && h->retry_wall_ms != wall_ms) {
		/* a host retrying stays one "offline" change (virt-host.c);
		 * its next try is a stats line, as a figure that moves, so an
		 * attached console counts down as this process does */
		h->retry_wall_ms = wall_ms;
		changed(MK_HOST, MO_STATS, h, h, &h->gen);
	}
	model_unlock();
}

long model_host_retry_in_s(const struct m_host *h)
{
	int64_t left;

	if (host_up(h->state) || h->retry_wall_ms == 0)
		return -1;
	left = h->retry_wall_ms - util_wall_ms();
	return left > 0 ? (long)((left + 999) / 1000) : 0;
}

struct m_host *model_host_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < nhosts; i++)
		if (strcmp(hosts[i]->name, name) == 0)
			return hosts[i];
	return NULL;
}

int model_host_set_role(const char *name, enum host_role role)
{
	struct m_host *h;

	model_lock();
	h = model_host_by_name(name);
	if (h != NULL && h->role != role) {
		h->role = role;
		changed(MK_HOST, MO_CHANGE, h, h, &h->gen);
	}
	model_unlock();
	return h != NULL ? 0 : -1;
}

int model_host_set_maintenance(const char *name, int on)
{
	struct m_host *h;

	model_lock();
	h = model_host_by_name(name);
	if (h != NULL && h->maintenance != (on != 0)) {
		h->maintenance = on != 0;
		changed(MK_HOST, MO_CHANGE, h, h, &h->gen);
	}
	model_unlock();
	return h != NULL ? 0 : -1;
}

int model_host_set_reserve(const char *name, uint64_t kib)
{
	struct m_host *h;

	model_lock();
	h = model_host_by_name(name);
	if (h != NULL && h->memory_reserve_kib != kib) {
		h->memory_reserve_kib = kib;
		changed(MK_HOST, MO_CHANGE, h, h, &h->gen);
	}
	model_unlock();
	return h != NULL ? 0 : -1;
}

void model_host_set_facts(unsigned id, const struct host_facts *f)
{
	struct m_host *h;

	model_lock();
	h = model_host(id);
	if (h != NULL) {
		util_set_str(&h->hostname, f->hostname);
		util_set_str(&h->hv_type, f->hv_type);
		h->lib_version = f->lib_version;
		h->hv_version = f->hv_version;
		h->cpus = f->cpus;
		h->mhz = f->mhz;
		h->memory_kib = f->memory_kib;
		h->free_kib = f->free_kib;
		h->read_only = f->read_only;
		if (f->caps != NULL) {
			facts_caps_free(&h->caps);
			h->caps = *f->caps;
			memset(f->caps, 0, sizeof *f->caps);
		}
		changed(MK_HOST, MO_CHANGE, h, h, &h->gen);
	}
	model_unlock();
}

/* ---- figures as shown ---- */

/* A sample that renders like the last one is no change: at 10,000
 * desktops, an idle guest's CPU wobbling in the third decimal must wake
 * no console and send no watch line. "Renders" is every output at once:
 * the console's cell (format_percent, format_rate, a job's "%.0f%%") and
 * the JSON of dump and watch (one decimal, null when unknown), so what
 * compares equal here prints equal everywhere. */
enum shown_kind { SHOWN_PCT, SHOWN_JOB_PCT, SHOWN_RATE };

static void shown(char *buf, size_t len, enum shown_kind kind, double v)
{
	char cell[32];

	if (kind == SHOWN_RATE)
		format_rate(cell, sizeof cell, v);
	else
		format_percent(cell, sizeof cell, v);
	if (!(v >= 0))
		snprintf(buf, len, "%s|null", cell);
	else if (kind == SHOWN_JOB_PCT)
		snprintf(buf, len, "%s|%.1f|%.0f", cell, v, v);
	else
		snprintf(buf, len, "%s|%.1f", cell, v);
}

/* 1 when a and b render alike in every output. */
static int shown_same(enum shown_kind kind, double a, double b)
{
	char x[96], y[96];

	if (a == b || (!(a >= 0) && !(b >= 0)))
		return 1;
	shown(x, sizeof x, kind, a);
	shown(y, sizeof y, kind, b);
	return strcmp(x, y) == 0;
}

/* Lock held. *field = v; 1 when that changed what is shown. The raw value
 * is kept either way (placement compares it). */
static int set_shown(enum shown_kind kind, double *field, double v)
{
	int same = shown_same(kind, *field, v);

	*field = v;
	return !same;
}

void model_host_stats(unsigned id, uint64_t busy_ns, uint64_t total_ns,
    uint64_t free_kib)
{
	struct m_host *h;
	int diff;

	model_lock();
	h = model_host(id);
	if (h != NULL) {
		diff = h->free_kib != free_kib;	/* dump prints it whole */
		if (h->prev_cpu_total != 0 && total_ns > h->prev_cpu_total &&
		    busy_ns >= h->prev_cpu_busy)
			diff |= set_shown(SHOWN_PCT, &h->cpu_pct,
			    (double)(busy_ns - h->prev_cpu_busy) * 100.0 /
			    (double)(total_ns - h->prev_cpu_total));
		heard(h);
		h->prev_cpu_busy = busy_ns;
		h->prev_cpu_total = total_ns;
		h->free_kib = free_kib;
		if (diff)
			changed(MK_HOST, MO_STATS, h, h, &h->gen);
	}
	tick_locked();
	model_unlock();
}

void model_mirror_host_rates(unsigned id, double cpu_pct, uint64_t free_kib)
{
	struct m_host *h;
	int diff;

	model_lock();
	h = model_host(id);
	if (h != NULL) {
		diff = h->free_kib != free_kib;
		diff |= set_shown(SHOWN_PCT, &h->cpu_pct, cpu_pct);
		heard(h);
		h->free_kib = free_kib;
		if (diff)
			changed(MK_HOST, MO_STATS, h, h, &h->gen);
	}
	model_unlock();
}

void model_mirror_desktop_rates(const char *uuid, const double rates[5],
    int64_t started_ms)
{
	struct m_desktop *d;
	int diff = 0;

	model_lock();
	d = model_desktop(uuid);
	if (d != NULL) {
		diff |= set_shown(SHOWN_PCT, &d->cpu_pct, rates[0]);
		diff |= set_shown(SHOWN_RATE, &d->rd_bps, rates[1]);
		diff |= set_shown(SHOWN_RATE, &d->wr_bps, rates[2]);
		diff |= set_shown(SHOWN_RATE, &d->rx_bps, rates[3]);
		diff |= set_shown(SHOWN_RATE, &d->tx_bps, rates[4]);
		if (d->started_wall_ms != started_ms) {
			d->started_wall_ms = started_ms;
			diff = 1;
		}
		if (diff)
			changed(MK_DESKTOP, MO_STATS, NULL, d, &d->gen);
	}
	model_unlock();
}

/* ---- desktops ---- */

struct m_desktop **model_desktops(size_t *n)
{
	*n = ndesktops;
	return desktops;
}

/* Index of uuid, or where it would be inserted (as ~index). */
static long desktop_index(const char *uuid)
{
	size_t lo = 0, hi = ndesktops;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(desktops[mid]->uuid, uuid);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ~(long)lo;
}

struct m_desktop *model_desktop(const char *uuid)
{
	long i = desktop_index(uuid);

	return i >= 0 ? desktops[i] : NULL;
}

size_t model_desktops_find(const char *name_or_uuid, struct m_desktop ***out)
{
	struct m_desktop *d = model_desktop(name_or_uuid);
	size_t i, n = 0;

	*out = NULL;
	/* a UUID names one desktop; a name may be worn by several (a clash
	 * between hosts, or a desktop named like another's UUID) */
	if (d != NULL) {
		*out = xcalloc(1, sizeof **out);
		(*out)[n++] = d;
	}
	for (i = 0; i < ndesktops; i++) {
		if (desktops[i] == d || desktops[i]->name == NULL ||
		    strcmp(desktops[i]->name, name_or_uuid) != 0)
			continue;
		*out = xreallocarray(*out, n + 1, sizeof **out);
		(*out)[n++] = desktops[i];
	}
	return n;
}

/* Running beats paused beats anything defined: during a migration the
 * source keeps the desktop until the destination takes over. */
static int place_rank(enum desktop_state s)
{
	switch (s) {
	case DS_RUNNING: case DS_BLOCKED: return 5;
	case DS_SHUTDOWN: return 4;
	case DS_PAUSED: case DS_PMSUSPENDED: return 3;
	case DS_CRASHED: return 2;
	default: return 1;
	}
}

const struct m_place *model_desktop_place(const struct m_desktop *d)
{
	const struct m_place *best = NULL;
	size_t i;

	for (i = 0; i < d->nplaces; i++)
		if (best == NULL ||
		    place_rank(d->places[i].state) > place_rank(best->state))
			best = &d->places[i];
	return best;
}

const char *model_desktop_pending_now(const struct m_desktop *d)
{
	if (d->pending == NULL ||
	    util_now_ms() - d->pending_since_ms > model_pending_timeout_ms())
		return NULL;
	return d->pending;
}

void model_set_pending_timeout(int ms)
{
	atomic_store(&pending_timeout_ms, ms > 0 ? ms : MODEL_PENDING_MS);
}

int model_pending_timeout_ms(void)
{
	return atomic_load(&pending_timeout_ms);
}

int model_place_live(const struct m_place *p)
{
	switch (p->state) {
	case DS_RUNNING: case DS_BLOCKED: case DS_PAUSED: case DS_SHUTDOWN:
	case DS_PMSUSPENDED:
		return 1;
	default:
		return 0;
	}
}

size_t model_split_brain_count(void)
{
	return nsplit;
}

char *model_desktop_live_hosts(const struct m_desktop *d, const char *sep)
{
	const struct m_host *h;
	char *out = xstrdup(""), *more;
	size_t i;

	for (i = 0; i < d->nplaces; i++) {
		if (!model_place_live(&d->places[i]))
			continue;
		h = model_host(d->places[i].host_id);
		more = xasprintf("%s%s%s", out, *out != '\0' ? sep : "",
		    h != NULL ? h->name : "?");
		free(out);
		out = more;
	}
	return out;
}

enum desktop_state model_desktop_state(const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	struct m_host *h;

	if (p == NULL)
		return DS_UNKNOWN;
	h = model_host(p->host_id);
	if (h == NULL || h->state == HOST_OFFLINE)
		return DS_UNKNOWN;
	return p->state;
}

static struct m_place *find_place(struct m_desktop *d, unsigned id)
{
	size_t i;

	for (i = 0; i < d->nplaces; i++)
		if (d->places[i].host_id == id)
			return &d->places[i];
	return NULL;
}

/* ---- rows kept small ----
 *
 * A classroom fleet repeats the same few words in every row ("disk",
 * "qcow2", "virtio", "vda", the network, the base image): each row keeps
 * a pointer to one shared copy (intern.h) instead of its own, and nothing
 * twice. Lock held throughout. */

/* The shared copy of s; s (the row's own heap copy) goes. */
static char *share(char *s)
{
	const char *c = intern_str(s);

	free(s);
	return (char *)c;
}

/* A parsed definition as the model keeps it: the repeating words shared;
 * its name and UUID dropped (the desktop's own fields hold them). */
static void xml_compact(struct xml_domain *x)
{
	size_t i, k;

	free(x->name);
	free(x->uuid);
	x->name = x->uuid = NULL;
	for (i = 0; i < x->ndisks; i++) {
		struct xml_disk *dk = &x->disks[i];

		dk->device = share(dk->device);
		dk->type = share(dk->type);
		dk->cache = share(dk->cache);
		dk->target = share(dk->target);
		dk->bus = share(dk->bus);
		dk->format = share(dk->format);
		for (k = 0; k < dk->nbacking; k++)
			dk->backing[k] = share(dk->backing[k]);
	}
	for (i = 0; i < x->nnics; i++) {
		x->nics[i].type = share(x->nics[i].type);
		x->nics[i].source = share(x->nics[i].source);
		x->nics[i].model = share(x->nics[i].model);
	}
	for (i = 0; i < x->ngraphics; i++) {
		x->graphics[i].type = share(x->graphics[i].type);
		x->graphics[i].listen = share(x->graphics[i].listen);
	}
	/* a fleet made from one template asks for one CPU */
	x->cpu_key = share(x->cpu_key);
}

/* Free what xml_compact left the desktop's own; x is left zeroed. */
static void xml_release(struct xml_domain *x)
{
	size_t i;

	free(x->title);
	free(x->description);
	free(x->os_kernel);
	for (i = 0; i < x->ndisks; i++) {
		free(x->disks[i].source);
		free(x->disks[i].backing);
	}
	free(x->disks);
	for (i = 0; i < x->nnics; i++) {
		free(x->nics[i].mac);
		free(x->nics[i].target);
	}
	free(x->nics);
	free(x->graphics);
	memset(x, 0, sizeof *x);
}

/* A volume as the model keeps it: format and backing shared, the key one
 * string with the path when equal (a directory pool's), the name the
 * path's tail when it is (".../NAME"). */
static void vol_compact(struct m_volume *v)
{
	size_t lp, ln;

	v->format = share(v->format);
	v->backing_format = share(v->backing_format);
	v->backing_path = share(v->backing_path);
	if (v->key != NULL && v->path != NULL && strcmp(v->key, v->path) == 0) {
		free(v->key);
		v->key = v->path;
	}
	if (v->name != NULL && v->path != NULL &&
	    (lp = strlen(v->path)) > (ln = strlen(v->name)) &&
	    v->path[lp - ln - 1] == '/' && strcmp(v->path + lp - ln, v->name) == 0) {
		free(v->name);
		v->name = v->path + lp - ln;
	}
}

/* Free what vol_compact left the volume's own. The name is the path's
 * tail when its address falls inside the path (compared as integers:
 * the two may be separate allocations). */
static void vol_release(struct m_volume *v)
{
	uintptr_t n = (uintptr_t)v->name, p = (uintptr_t)v->path;

	if (v->path == NULL || n <= p || n > p + strlen(v->path))
		free(v->name);
	if (v->key != v->path)
		free(v->key);
	free(v->path);
	memset(v, 0, sizeof *v);
}

/* Lock held. Move d's share of the hosts' running counters to where its
 * placement that counts is now; called after every change of d's places. */
static void run_recount(struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	unsigned now = p != NULL && (p->state == DS_RUNNING ||
	    p->state == DS_BLOCKED) ? p->host_id : 0;
	int blocked = now != 0 && p->state == DS_BLOCKED;
	struct m_host *h;
	size_t i;

	d->nlive = 0;
	for (i = 0; i < d->nplaces; i++)
		d->nlive += model_place_live(&d->places[i]) != 0;
	stir_update(d);
	if (now == d->run_host && blocked == d->run_blocked)
		return;
	if (d->run_host != 0 && (h = model_host(d->run_host)) != NULL) {
		h->running--;
		h->blocked -= d->run_blocked != 0;
	}
	if (now != 0 && (h = model_host(now)) != NULL) {
		h->running++;
		h->blocked += blocked;
	}
	d->run_host = now;
	d->run_blocked = blocked;
}

static void desktop_free(struct m_desktop *d)
{
	d->nplaces = 0;
	free(d->pending);
	d->pending = NULL;
	d->job_active = 0;
	if (d->split_brain)
		nsplit--;
	d->split_brain = 0;
	run_recount(d);		/* and out of the stirring set */
	free(d->pending_verb);
	free(d->name);
	xml_release(&d->xml);
	free(d->places);
	free(d->job_kind);
	free(d);
}

/* Lock held. Put d in the stirring set or take it out, as it now is. */
static void stir_update(struct m_desktop *d)
{
	int want = d->pending != NULL || d->job_active || d->nlive >= 2 ||
	    d->split_brain;

	if (want && d->stir_slot == 0) {
		if (nstirring == stirring_cap) {
			stirring_cap = stirring_cap != 0 ? 2 * stirring_cap : 16;
			stirring = xreallocarray(stirring, stirring_cap,
			    sizeof *stirring);
		}
		stirring[nstirring++] = d;
		d->stir_slot = nstirring;
	} else if (!want && d->stir_slot != 0) {
		struct m_desktop *last = stirring[--nstirring];

		stirring[d->stir_slot - 1] = last;
		last->stir_slot = d->stir_slot;
		d->stir_slot = 0;
	}
}

struct m_desktop **model_desktops_stirring(size_t *n)
{
	*n = nstirring;
	return stirring;
}

static int is_active(enum desktop_state s)
{
	return s != DS_SHUTOFF && s != DS_NOSTATE && s != DS_UNKNOWN;
}

/* ---- split brain ---- */

/* The two ends of a migration: the incoming copy waits paused, and so
 * does the source of an offline or post-copy one. */
static int migration_place(const struct m_place *p)
{
	return p->state == DS_PAUSED && (p->reason == VIR_DOMAIN_PAUSED_MIGRATION ||
	    p->reason == VIR_DOMAIN_PAUSED_POSTCOPY ||
	    p->reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED);
}

/* Lock held (the jobs' probe takes the job lock: model before job). Notes
 * the time of any sign of a migration; 1 while one goes on or its grace
 * has not passed. */
static int migrating(struct m_desktop *d)
{
	const struct model_jobs *jobs;
	size_t i;
	int now = d->job_active && d->job_kind != NULL &&
	    strcmp(d->job_kind, "migration") == 0;

	for (i = 0; i < d->nplaces && !now; i++)
		now = migration_place(&d->places[i]);
	if (!now && (jobs = atomic_load(&jobs_hooks)) != NULL &&
	    jobs->migrating != NULL)
		now = jobs->migrating(d->uuid);
	if (now)
		d->migration_seen_ms = util_now_ms();
	return now || (d->migration_seen_ms != 0 &&
	    util_now_ms() - d->migration_seen_ms < MIGRATION_GRACE_MS);
}

/* Lock held. A placement changed to p's new state: a copy that starts
 * running as the end of a migration opens the grace too. */
static void place_set(struct m_desktop *d, struct m_place *p,
    enum desktop_state state, int reason)
{
	if (state == DS_RUNNING && reason == VIR_DOMAIN_RUNNING_MIGRATED &&
	    (p->state != state || p->reason != reason))
		d->migration_seen_ms = util_now_ms();
	p->state = state;
	p->reason = reason;
	run_recount(d);
}

/* Lock held. Raise or clear d's split-brain flag, loudly; 1 if it moved. */
static int split_update(struct m_desktop *d)
{
	size_t i, live = 0;
	int split;
	char *where, *name;

	for (i = 0; i < d->nplaces; i++)
		live += model_place_live(&d->places[i]) &&
		    !migration_place(&d->places[i]);
	/* the job lock only when it matters: this runs on every tick */
	split = live >= 2 && !migrating(d);
	if (split == d->split_brain)
		return 0;
	d->split_brain = split;
	stir_update(d);
	where = model_desktop_live_hosts(d, split ? " AND " : ", ");
	name = ev_name(d->name);
	if (split) {
		nsplit++;
		event_locked(SEV_ERROR, "%s is running on %s: split brain \xe2\x80\x94 "
		    "two QEMUs on one disk", name, where);
	} else {
		nsplit--;
		event_locked(SEV_INFO, "%s split brain over: %s%s", name,
		    *where != '\0' ? "running only on " : "no copy running",
		    where);
	}
	free(name);
	free(where);
	return 1;
}

/* ---- actions in flight ---- */

/* Lock held. Forget the pending mark (its job, if any, is settled). */
static void pending_clear(struct m_desktop *d)
{
	free(d->pending);
	d->pending = NULL;
	free(d->pending_verb);
	d->pending_verb = NULL;
	d->pending_job = 0;
	stir_update(d);
}

/* Lock held. The guest answered: the awaited job is done. */
static void pending_answered(struct m_desktop *d)
{
	if (d->pending_job != 0)
		settle(d->pending_job, NULL);
	pending_clear(d);
}

/* Lock held. A pending action past the shutdown timeout: an awaited one
 * fails loudly, naming the way out; others just stop showing. */
static void pending_expire(struct m_desktop *d)
{
	char *why, *name;

	if (d->pending_job != 0) {
		name = ev_name(d->name);
		why = xasprintf("%s did not %s within %d s \xe2\x80\x94 F to force off",
		    name, d->pending_verb != NULL ? d->pending_verb : "answer",
		    model_pending_timeout_ms() / 1000);
		event_locked(SEV_WARN, "%s", why);
		settle(d->pending_job, why);
		free(why);
		free(name);
	}
	pending_clear(d);
	changed(MK_DESKTOP, MO_CHANGE, NULL, d, &d->gen);
}

static int by_uuid(const void *a, const void *b)
{
	return strcmp((*(struct m_desktop *const *)a)->uuid,
	    (*(struct m_desktop *const *)b)->uuid);
}

/* Lock held. Only the stirring desktops can expire or change their split
 * brain; walked in UUID order, as the whole list was, for the events'. */
static void tick_locked(void)
{
	static struct m_desktop **walk;
	static size_t walk_cap;
	int64_t now = util_now_ms();
	size_t i, n = nstirring;

	if (n == 0)
		return;
	if (n > walk_cap) {
		walk_cap = n;
		walk = xreallocarray(walk, walk_cap, sizeof *walk);
	}
	memcpy(walk, stirring, n * sizeof *walk);
	qsort(walk, n, sizeof *walk, by_uuid);
	for (i = 0; i < n; i++) {
		struct m_desktop *d = walk[i];

		if (d->pending != NULL &&
		    now - d->pending_since_ms > model_pending_timeout_ms())
			pending_expire(d);
		if (split_update(d))
			changed(MK_DESKTOP, MO_CHANGE, NULL, d, &d->gen);
	}
}

void model_tick(void)
{
	model_lock();
	tick_locked();
	model_unlock();
}

int model_desktop_await(const char *uuid, unsigned job, const char *verb)
{
	struct m_desktop *d;
	int taken = 0;

	model_lock();
	d = model_desktop(uuid);
	if (d != NULL && d->pending != NULL) {
		d->pending_job = job;
		util_set_str(&d->pending_verb, verb);
		taken = 1;
	}
	model_unlock();
	return taken;
}

/* What the operator sees of a desktop: its state and where. */
struct sighting {
	enum desktop_state state;
	unsigned host_id;
};

static struct sighting sight(const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	struct sighting s = { DS_NOSTATE, 0 };

	if (p != NULL) {
		s.state = p->state;
		s.host_id = p->host_id;
	}
	return s;
}

/* Lock held, after a placement changed: uptime, pending action and the
 * events strip follow what the operator sees, not each host's view. */
static void seen_change(struct m_desktop *d, struct sighting before,
    int is_new, unsigned via_id)
{
	struct sighting now = sight(d);
	struct m_host *h, *via = model_host(via_id);
	int was_split = d->split_brain;
	char *name;

	split_update(d);
	if (now.state == before.state && now.host_id == before.host_id)
		return;
	if (!is_active(before.state) && is_active(now.state) && !is_new)
		d->started_wall_ms = util_wall_ms();
	else if (!is_active(now.state))
		d->started_wall_ms = 0;
	if (!is_active(now.state)) {
		d->cpu_pct = d->rd_bps = d->wr_bps = -1;
		d->rx_bps = d->tx_bps = -1;
	}
	pending_answered(d);
	/* a split brain is told by its own events, never as a move */
	if (was_split || d->split_brain)
		return;
	/* a host's first inventory is one summary when it comes online */
	if (via != NULL && via->syncing && !via->ever_online)
		return;
	h = model_host(now.host_id);
	name = ev_name(d->name);
	if (is_new)
		event_locked(SEV_INFO, "%s %s on %s (%s)", name,
		    find_place(d, now.host_id) != NULL &&
		    find_place(d, now.host_id)->persistent ? "defined" : "created",
		    h != NULL ? h->name : "?", model_state_name(now.state));
	else if (now.host_id != before.host_id && before.host_id != 0)
		event_locked(SEV_INFO, "%s %s on %s (moved from %s)", name,
		    model_state_name(now.state), h != NULL ? h->name : "?",
		    model_host(before.host_id) != NULL ?
		    model_host(before.host_id)->name : "?");
	else
		event_locked(SEV_INFO, "%s %s on %s", name,
		    model_state_name(now.state), h != NULL ? h->name : "?");
	free(name);
}

void model_desktop_pending(const char *uuid, const char *what)
{
	struct m_desktop *d;

	model_lock();
	d = model_desktop(uuid);
	if (d != NULL) {
		if (d->pending_job != 0 && what != NULL) {
			char *why = xasprintf("superseded: %s", what);

			settle(d->pending_job, why);
			free(why);
			pending_clear(d);
		} else if (what == NULL) {
			pending_answered(d);
		}
		util_set_str(&d->pending, what);
		d->pending_since_ms = util_now_ms();
		stir_update(d);
		changed(MK_DESKTOP, MO_CHANGE, NULL, d, &d->gen);
	}
	model_unlock();
}

void model_desktop_seen(unsigned id, const char *uuid, const char *name,
    enum desktop_state state, int reason, int persistent,
    struct xml_domain *xml)
{
	struct m_desktop *d;
	struct m_place *p;
	struct m_host *h;
	struct sighting before = { DS_NOSTATE, 0 };
	enum m_op op = MO_CHANGE;
	long i;

	model_lock();
	h = model_host(id);
	if (h == NULL) {	/* a removed host's worker, on its way out */
		model_unlock();
		if (xml != NULL)
			facts_domain_free(xml);
		return;
	}
	i = desktop_index(uuid);
	if (i >= 0)
		before = sight(desktops[i]);
	if (i >= 0) {
		d = desktops[i];
	} else {
		d = xcalloc(1, sizeof *d);
		snprintf(d->uuid, sizeof d->uuid, "%s", uuid);
		d->cpu_pct = d->rd_bps = d->wr_bps = d->rx_bps = d->tx_bps = -1;
		d->job_pct = -1;
		desktops = xreallocarray(desktops, ndesktops + 1, sizeof *desktops);
		i = ~i;
		memmove(desktops + i + 1, desktops + i,
		    (ndesktops - (size_t)i) * sizeof *desktops);
		desktops[i] = d;
		ndesktops++;
		op = MO_ADD;
	}
	util_set_str(&d->name, name);
	if (xml != NULL) {
		xml_release(&d->xml);
		d->xml = *xml;
		memset(xml, 0, sizeof *xml);
		xml_compact(&d->xml);
	}
	p = find_place(d, id);
	if (p == NULL) {
		d->places = xreallocarray(d->places, d->nplaces + 1, sizeof *p);
		p = &d->places[d->nplaces++];
		p->host_id = id;
		p->state = DS_NOSTATE;
	}
	place_set(d, p, state, reason);
	p->persistent = persistent;
	p->seen = 1;
	seen_change(d, before, op == MO_ADD, id);
	changed(MK_DESKTOP, op, h, d, &d->gen);
	model_unlock();
}

void model_desktop_set_state(unsigned id, const char *uuid,
    enum desktop_state state, int reason)
{
	struct m_desktop *d;
	struct m_place *p;

	model_lock();
	heard(model_host(id));	/* a lifecycle event */
	d = model_desktop(uuid);
	p = d != NULL ? find_place(d, id) : NULL;
	if (p != NULL && (p->state != state || p->reason != reason)) {
		struct sighting before = sight(d);

		place_set(d, p, state, reason);
		seen_change(d, before, 0, id);
		changed(MK_DESKTOP, MO_CHANGE, model_host(id), d, &d->gen);
	}
	model_unlock();
}

/* Lock held. Remove the placement of d on host id; the desktop goes when
 * no host knows it any more. */
static void drop_place(struct m_desktop *d, unsigned id)
{
	struct m_host *h = model_host(id);
	char *name;
	size_t k;
	long i;

	for (k = 0; k < d->nplaces; k++) {
		struct sighting before = sight(d);

		if (d->places[k].host_id != id)
			continue;
		memmove(d->places + k, d->places + k + 1,
		    (d->nplaces - k - 1) * sizeof *d->places);
		d->nplaces--;
		run_recount(d);
		if (d->nplaces > 0) {
			seen_change(d, before, 0, id);
			changed(MK_DESKTOP, MO_CHANGE, h, d, &d->gen);
			return;
		}
		/* a transient guest that shut down is gone: its answer */
		pending_answered(d);
		name = ev_name(d->name);
		event_locked(SEV_INFO, "%s removed from %s", name,
		    h != NULL ? h->name : "?");
		free(name);
		changed(MK_DESKTOP, MO_REMOVE, h, d, &d->gen);
		i = desktop_index(d->uuid);
		memmove(desktops + i, desktops + i + 1,
		    (ndesktops - (size_t)i - 1) * sizeof *desktops);
		ndesktops--;
		desktop_free(d);
		return;
	}
}

void model_desktop_gone(unsigned id, const char *uuid)
{
	struct m_desktop *d;

	model_lock();
	d = model_desktop(uuid);
	if (d != NULL)
		drop_place(d, id);
	model_unlock();
}

void model_desktop_stats(unsigned id, const char *uuid,
    const struct desktop_sample *s)
{
	struct m_desktop *d;

	model_lock();
	heard(model_host(id));
	d = model_desktop(uuid);
	if (d != NULL && find_place(d, id) != NULL) {
		int diff = 0;

		if (d->prev_host != id)	/* counters restart after a migration */
			d->prev_at_ms = 0;
		diff |= set_shown(SHOWN_PCT, &d->cpu_pct, stats_cpu_percent(
		    d->prev_cpu_ns, d->prev_at_ms, s->cpu_ns, s->at_ms));
		diff |= set_shown(SHOWN_RATE, &d->rd_bps,
		    stats_rate(d->prev_rd, d->prev_at_ms, s->rd, s->at_ms));
		diff |= set_shown(SHOWN_RATE, &d->wr_bps,
		    stats_rate(d->prev_wr, d->prev_at_ms, s->wr, s->at_ms));
		diff |= set_shown(SHOWN_RATE, &d->rx_bps,
		    stats_rate(d->prev_rx, d->prev_at_ms, s->rx, s->at_ms));
		diff |= set_shown(SHOWN_RATE, &d->tx_bps,
		    stats_rate(d->prev_tx, d->prev_at_ms, s->tx, s->at_ms));
		d->prev_cpu_ns = s->cpu_ns;
		d->prev_rd = s->rd;
		d->prev_wr = s->wr;
		d->prev_rx = s->rx;
		d->prev_tx = s->tx;
		d->prev_at_ms = s->at_ms;
		d->prev_host = id;
		/* kept for readers to come; no output shows it yet */
		if (s->balloon_kib != 0)
			d->balloon_kib = s->balloon_kib;
		if (diff)
			changed(MK_DESKTOP, MO_STATS, model_host(id), d, &d->gen);
	}
	model_unlock();
}

void model_desktop_job(const char *uuid, int active, const char *kind,
    double pct, uint64_t iteration)
{
	struct m_desktop *d;
	const struct m_place *p;

	model_lock();
	d = model_desktop(uuid);
	if (d != NULL) {
		int diff = d->job_active != active ||
		    d->job_iteration != (active ? iteration : 0);

		/* a migration starting or ending opens the split-brain grace */
		if ((d->job_kind != NULL && strcmp(d->job_kind, "migration") == 0) ||
		    (active && kind != NULL && strcmp(kind, "migration") == 0))
			d->migration_seen_ms = util_now_ms();
		d->job_active = active;
		stir_update(d);
		diff |= util_set_str(&d->job_kind, active ? kind : NULL);
		diff |= set_shown(SHOWN_JOB_PCT, &d->job_pct, active ? pct : -1);
		d->job_iteration = active ? iteration : 0;
		diff |= split_update(d);
		p = model_desktop_place(d);
		/* the job poll asks every interval: the same answer is none */
		if (diff)
			changed(MK_DESKTOP, MO_CHANGE,
			    p != NULL ? model_host(p->host_id) : NULL, d, &d->gen);
	}
	model_unlock();
}

/* ---- pools ---- */

void model_volume_free(struct m_volume *v)
{
	free(v->name);
	free(v->path);
	free(v->key);
	free(v->format);
	free(v->backing_path);
	free(v->backing_format);
}

static void pool_free(struct m_pool *p)
{
	size_t i;

	for (i = 0; i < p->nvols; i++)
		vol_release(&p->vols[i]);
	free(p->vols);
	free(p->name);
	free(p->uuid);
	free(p->type);
	free(p->target_path);
	free(p->share_key);
	free(p->share_basis);
	free(p);
}

static int volume_cmp(const void *a, const void *b)
{
	const struct m_volume *x = a, *y = b;

	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

void model_pool_seen(unsigned id, const struct m_pool *info,
    struct m_volume *vols, size_t nvols)
{
	struct m_host *h;
	struct m_pool *p = NULL;
	enum m_op op = MO_CHANGE;
	size_t i;

	model_lock();
	h = model_host(id);
	if (h == NULL) {
		model_unlock();
		for (i = 0; i < nvols; i++)
			model_volume_free(&vols[i]);
		free(vols);
		return;
	}
	for (i = 0; i < h->npools; i++)
		if (strcmp(h->pools[i]->name, info->name) == 0)
			p = h->pools[i];
	if (p == NULL) {
		p = xcalloc(1, sizeof *p);
		p->name = xstrdup(info->name);
		h->pools = xreallocarray(h->pools, h->npools + 1, sizeof *h->pools);
		h->pools[h->npools++] = p;
		op = MO_ADD;
	}
	util_set_str(&p->uuid, info->uuid);
	util_set_str(&p->type, info->type);
	util_set_str(&p->target_path, info->target_path);
	util_set_str(&p->share_key, info->share_key);
	util_set_str(&p->share_basis, info->share_basis);
	p->active = info->active;
	p->autostart = info->autostart;
	p->capacity = info->capacity;
	p->allocation = info->allocation;
	p->available = info->available;
	for (i = 0; i < p->nvols; i++)
		vol_release(&p->vols[i]);
	free(p->vols);
	for (i = 0; i < nvols; i++)
		vol_compact(&vols[i]);
	if (nvols > 1)
		qsort(vols, nvols, sizeof *vols, volume_cmp);
	p->vols = vols;
	p->nvols = nvols;
	p->seen = 1;
	changed(MK_POOL, op, h, p, &p->gen);
	model_unlock();
}

static void drop_pool(struct m_host *h, size_t i)
{
	struct m_pool *p = h->pools[i];

	changed(MK_POOL, MO_REMOVE, h, p, &p->gen);
	memmove(h->pools + i, h->pools + i + 1,
	    (h->npools - i - 1) * sizeof *h->pools);
	h->npools--;
	pool_free(p);
}

void model_pool_gone(unsigned id, const char *name)
{
	struct m_host *h;
	size_t i;

	model_lock();
	h = model_host(id);
	for (i = 0; h != NULL && i < h->npools; i++) {
		if (strcmp(h->pools[i]->name, name) == 0) {
			drop_pool(h, i);
			break;
		}
	}
	model_unlock();
}

static const char *share_key_of(unsigned id, const char *pool)
{
	struct m_host *h = model_host(id);
	size_t i;

	for (i = 0; h != NULL && pool != NULL && i < h->npools; i++)
		if (strcmp(h->pools[i]->name, pool) == 0)
			return h->pools[i]->share_key;
	return NULL;
}

size_t model_pools_sharing(unsigned id, const char *pool,
    struct m_pool_ref **out)
{
	const char *key;
	size_t i, k, n = 0;

	*out = NULL;
	model_lock();
	key = share_key_of(id, pool);
	for (i = 0; key != NULL && i < nhosts; i++) {
		if (hosts[i]->id == id)
			continue;
		for (k = 0; k < hosts[i]->npools; k++) {
			struct m_pool *p = hosts[i]->pools[k];

			if (p->share_key == NULL || strcmp(p->share_key, key) != 0)
				continue;
			*out = xreallocarray(*out, n + 1, sizeof **out);
			(*out)[n].host_id = hosts[i]->id;
			(*out)[n++].pool = xstrdup(p->name);
		}
	}
	model_unlock();
	return n;
}

void model_pool_refs_free(struct m_pool_ref *refs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(refs[i].pool);
	free(refs);
}

static void host_free(struct m_host *h)
{
	size_t k;

	for (k = 0; k < h->npools; k++)
		pool_free(h->pools[k]);
	free(h->pools);
	free(h->name);
	free(h->uri);
	free(h->migration_address);
	free(h->error);
	free(h->hostname);
	free(h->hv_type);
	facts_caps_free(&h->caps);
	free(h);
}

int model_host_remove(unsigned id)
{
	struct m_host *h;
	size_t i, k;

	model_lock();
	for (i = 0; i < nhosts && hosts[i]->id != id; i++)
		;
	if (i == nhosts) {
		model_unlock();
		return -1;
	}
	h = hosts[i];
	cpufit_host_removed(id);
	/* Its desktops go with it, unless another host knows them too;
	 * backwards: drop_place may remove desktops[k]. */
	for (k = ndesktops; k-- > 0;)
		drop_place(desktops[k], id);
	while (h->npools > 0)
		drop_pool(h, h->npools - 1);
	changed(MK_HOST, MO_REMOVE, h, h, &h->gen);
	memmove(hosts + i, hosts + i + 1, (nhosts - i - 1) * sizeof *hosts);
	nhosts--;
	host_free(h);
	model_unlock();
	return 0;
}

/* ---- full sync: mark and sweep ---- */

void model_sync_begin(unsigned id)
{
	struct m_host *h;
	struct m_place *p;
	size_t i;

	model_lock();
	h = model_host(id);
	if (h != NULL)
		h->syncing = 1;
	for (i = 0; h != NULL && i < h->npools; i++)
		h->pools[i]->seen = 0;
	for (i = 0; i < ndesktops; i++)
		if ((p = find_place(desktops[i], id)) != NULL)
			p->seen = 0;
	model_unlock();
}

void model_sync_end(unsigned id, unsigned complete)
{
	struct m_host *h;
	struct m_place *p;
	size_t i;

	model_lock();
	h = model_host(id);
	if (h != NULL)
		h->syncing = 0;
	if (complete & MODEL_SYNC_POOLS)
		for (i = h != NULL ? h->npools : 0; i-- > 0;)
			if (!h->pools[i]->seen)
				drop_pool(h, i);
	/* backwards: drop_place may remove desktops[i] */
	if (complete & MODEL_SYNC_DESKTOPS)
		for (i = ndesktops; i-- > 0;)
			if ((p = find_place(desktops[i], id)) != NULL && !p->seen)
				drop_place(desktops[i], id);
	model_unlock();
}

void model_free(void)
{
	size_t i;

	cpufit_free();
	model_lock();
	for (i = 0; i < ndesktops; i++)
		desktop_free(desktops[i]);
	free(desktops);
	desktops = NULL;
	ndesktops = 0;
	nsplit = 0;
	free(stirring);
	stirring = NULL;
	nstirring = stirring_cap = 0;
	for (i = 0; i < nhosts; i++)
		host_free(hosts[i]);
	free(hosts);
	hosts = NULL;
	nhosts = 0;
	intern_clear();		/* no row is left to point into it */
	model_unlock();
	if (wake_pipe[0] >= 0) {
		close(wake_pipe[0]);
		close(wake_pipe[1]);
		wake_pipe[0] = wake_pipe[1] = -1;
	}
}
