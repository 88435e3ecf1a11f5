/* model.h — the single source of truth: hosts -> pools -> volumes, and
 * desktops keyed by UUID. One mutex guards everything; writers are host
 * workers and event callbacks, readers are the UI, dump and watch.
 *
 * Readers call model_lock(), walk the structures below, and model_unlock();
 * pointers into the model are valid only while the lock is held. Other
 * threads refer to objects by stable ids: host id, pool name, volume name,
 * desktop UUID.
 *
 * Every change bumps the global generation and the object's own, and wakes
 * the UI once through model_wake_fd(). An optional observer (watch mode) is
 * called for each change while the lock is held: it copies what it needs
 * and queues it, and never waits (no write to a terminal or pipe), or every
 * worker and the event loop wait with it. */
#ifndef HVDECK_MODEL_H
#define HVDECK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/facts.h"

enum host_state { HOST_CONNECTING, HOST_ONLINE, HOST_READONLY, HOST_OFFLINE };

/* Mirrors virDomainState, plus UNKNOWN for desktops whose host is offline. */
enum desktop_state {
	DS_NOSTATE = 0, DS_RUNNING, DS_BLOCKED, DS_PAUSED, DS_SHUTDOWN,
	DS_SHUTOFF, DS_CRASHED, DS_PMSUSPENDED, DS_UNKNOWN
};

/* In the model, a volume's strings are shared to keep 30,000 rows small
 * (model.c, "rows kept small"): the name may point into the path, the
 * key may be the path, format and backing are interned. Read-only, like
 * everything the model holds; a caller's own m_volume (before
 * model_pool_seen takes it) is plain heap strings. */
struct m_volume {
	char *name, *path, *key, *format;
	char *backing_path, *backing_format;
	uint64_t capacity, allocation;
};

struct m_pool {
	char *name, *uuid, *type, *target_path;
	/* pool-share.h: what names the storage (NULL: local to the host), and
	 * why, for the details and dump; computed once when the pool is read */
	char *share_key, *share_basis;
	int active, autostart;
	uint64_t capacity, allocation, available;
	struct m_volume *vols;      /* sorted by name */
	size_t nvols;
	uint64_t gen;
	int seen;                   /* mark-and-sweep during a full sync */
};

/* Where a desktop is defined or running: one per host that knows it. */
struct m_place {
	unsigned host_id;
	enum desktop_state state;
	int reason;
	int persistent;
	int seen;                   /* mark-and-sweep during a full sync */
};

struct m_desktop {
	char uuid[40];
	char *name;
	/* disks, NICs, graphics, vCPUs, memory; without name and UUID (the
	 * fields above), its repeating words interned (model.c) */
	struct xml_domain xml;
	struct m_place *places;
	size_t nplaces;
	/* stats, from the host where it runs */
	double cpu_pct, rd_bps, wr_bps, rx_bps, tx_bps;  /* -1 = unknown */
	uint64_t balloon_kib;
	uint64_t prev_cpu_ns, prev_rd, prev_wr, prev_rx, prev_tx;
	int64_t prev_at_ms;
	unsigned prev_host;
	int64_t started_wall_ms;    /* 0 = not seen starting */
	/* job (migration, block job) */
	int job_active;
	char *job_kind;
	double job_pct;             /* -1 = unknown */
	uint64_t job_iteration;
	/* an action in flight ("starting"...): the row shows a spinner until
	 * the desktop's state changes or the action fails */
	char *pending;
	int64_t pending_since_ms;
	/* a shutdown or reboot the guest must answer: its job ends done when
	 * the state changes (or the reboot event comes), failed when the guest
	 * ignores it for the shutdown timeout (model_desktop_await) */
	unsigned pending_job;
	char *pending_verb;         /* "shut down", "reboot" */
	/* split brain: live (running, paused, ...) on two or more hosts at
	 * once outside a migration — two QEMUs writing one disk */
	int split_brain;
	int64_t migration_seen_ms;  /* monotonic: last sign of a migration */
	uint64_t gen;
	/* the host this desktop counts as running on in that host's
	 * `running` (its placement that counts, running or blocked; blocked
	 * also in `blocked`); 0: none */
	unsigned run_host;
	int run_blocked;
	/* model.c's: live placements, and this desktop's slot + 1 in the
	 * stirring set (model_desktops_stirring); 0: not in it */
	unsigned nlive;
	size_t stir_slot;
};

struct m_host {
	unsigned id;
	char *name, *uri, *migration_address;
	enum host_role role;
	enum host_state state;
	char *error;                /* libvirt's text when offline */
	int64_t state_since_ms;
	int inventory_done;         /* online: a full sync completed */
	int attempted;              /* at least one connect attempt finished */
	int maintenance;
	int read_only;              /* its connection refused a write (-r,
	                             * proven by conn_refuses_writes) */
	uint64_t memory_reserve_kib;    /* config: kept free by migrations */
	char *hostname, *hv_type;
	unsigned long lib_version, hv_version;
	unsigned cpus, mhz;
	uint64_t memory_kib, free_kib;
	struct xml_caps caps;       /* CPU model, topology, guest types */
	double cpu_pct;             /* -1 = unknown */
	uint64_t prev_cpu_busy, prev_cpu_total;
	struct m_pool **pools;
	size_t npools;
	/* offline: when it was last online (0: never) with its CPU figure
	 * then, and when the worker tries again (0: not known); wall clock */
	int64_t seen_wall_ms, retry_wall_ms;
	double seen_cpu_pct;
	int syncing;                /* inside a full sync bracket */
	int ever_online;            /* a first inventory completed once */
	uint64_t gen;
	/* desktops whose placement that counts (model_desktop_place) is
	 * here and running or blocked: the RUN column, kept as placements
	 * change instead of counted by a scan; `blocked` of them blocked
	 * (the status line counts only the running ones) */
	size_t running, blocked;
	/* monotonic ms of the last word from the host (an event, a stats
	 * poll, an inventory, connecting): the wall's data age, so a frozen
	 * screen is never mistaken for a quiet cluster; 0: none yet */
	int64_t heard_ms;
};

enum m_kind { MK_HOST, MK_POOL, MK_DESKTOP, MK_EVENT };

/* The events strip: the latest lifecycle changes, connects, jobs and action
 * results, oldest first. */
enum m_severity { SEV_INFO, SEV_WARN, SEV_ERROR };
struct m_event {
	int64_t wall_ms;
	enum m_severity severity;
	char text[200];
};
#define MODEL_EVENTS 256
/* Longest desktop name an event carries whole (characters); longer ones
 * are shortened in the middle so the event keeps its verb. */
#define MODEL_EVENT_NAME_MAX 40
enum m_op { MO_ADD, MO_CHANGE, MO_REMOVE, MO_STATS };

/* Called under the model lock for every change; obj is the m_host,
 * m_pool, m_desktop or m_event (still intact for MO_REMOVE), valid only
 * during the call. Must only queue, never wait. */
typedef void (*model_observer)(enum m_kind kind, enum m_op op,
    const struct m_host *host, const void *obj, void *ctx);

void model_init(void);
void model_free(void);
void model_lock(void);
/* Releases the lock, then tells the jobs what the holder settled (see
 * model_set_jobs): no job is ended under the model lock. */
void model_unlock(void);
/* 1 when this thread holds the model lock: for assertions of "nothing
 * does I/O under the model lock" (job end hooks, the audit log). */
int model_lock_held(void);
/* A descriptor that becomes readable after changes; the UI drains it with
 * model_wake_drain() and then reads the model (changes made while it
 * drained write no byte: that read is what sees them). */
int model_wake_fd(void);
void model_wake_drain(void);
/* Wake the UI for a change kept outside the model (jobs). Any thread; needs
 * no lock and takes none. */
void model_wake(void);
uint64_t model_generation(void);
/* The same, the lock held by the caller. */
uint64_t model_generation_locked(void);
void model_set_observer(model_observer fn, void *ctx);

/* --- readers (lock held) --- */
struct m_host **model_hosts(size_t *n);
struct m_desktop **model_desktops(size_t *n);   /* sorted by UUID */
struct m_host *model_host(unsigned id);
/* The host called name, NULL if none. */
struct m_host *model_host_by_name(const char *name);
struct m_desktop *model_desktop(const char *uuid);
/* Every desktop that name_or_uuid names: the one with that UUID, and each
 * called that (desktop names are unique across the cluster, but a clash
 * between hosts must be refused clearly, not settled by chance). Returns
 * the count; *out (caller frees the array only; NULL when 0) in UUID
 * order, the UUID's own desktop first. */
size_t model_desktops_find(const char *name_or_uuid, struct m_desktop ***out);
/* The placement that counts: running/paused/... before shut off. NULL if
 * the desktop has none. */
const struct m_place *model_desktop_place(const struct m_desktop *d);
/* The action in flight, or NULL. A guest may ignore a request (ACPI
 * shutdown) and send no event: after the shutdown timeout (default
 * MODEL_PENDING_MS, the shutdown_timeout setting) it no longer counts. */
#define MODEL_PENDING_MS 60000
const char *model_desktop_pending_now(const struct m_desktop *d);
/* The shutdown timeout in ms (any thread; set once at start-up). */
void model_set_pending_timeout(int ms);
int model_pending_timeout_ms(void);
/* A placement that has a QEMU behind it: running, blocked, paused, in
 * shutdown, suspended. */
int model_place_live(const struct m_place *p);
/* Desktops flagged split brain now (the status line's counter); lock
 * held, like the helpers below. */
size_t model_split_brain_count(void);
/* Lock held. The desktops that may have a job, a pending action or a
 * split brain — those live on two hosts, flagged, with a job or a pending
 * mark — in no order: a small superset the caller tests itself, so
 * that a count of jobs or the tick need not walk every desktop. The
 * array is the model's, valid until the lock is released. */
struct m_desktop **model_desktops_stirring(size_t *n);
/* The hosts where d is live, joined by sep ("hv1+hv2"), in placement
 * order; "" when none. Caller frees. */
char *model_desktop_live_hosts(const struct m_desktop *d, const char *sep);
/* Seconds until host h's worker tries to connect again, -1 when unknown
 * (online, or no retry planned). */
long model_host_retry_in_s(const struct m_host *h);
/* State as the operator should see it: DS_UNKNOWN when the host is offline. */
enum desktop_state model_desktop_state(const struct m_desktop *d);
const char *model_state_name(enum desktop_state s);
const char *model_host_state_name(enum host_state s);

/* Event i (0 = oldest) of the n kept; lock held. */
const struct m_event *model_event_at(size_t i, size_t *n);

/* What the model tells and asks of the jobs beside it. The model includes
 * no job header and never calls the job layer under its lock to end a
 * job: jobs it settles (an awaited answer came, timed out, was superseded,
 * or the host was lost) are queued under the lock and told to settle()
 * by model_unlock(), after the lock is released, in order. migrating() is
 * asked under the model lock (lock order: model before job) and must not
 * take the model lock. job.c registers its own on first use; NULL (or a
 * NULL member) ignores. Any thread. */
struct model_jobs {
	void (*settle)(unsigned job, const char *error);  /* NULL error: done */
	int (*migrating)(const char *uuid);   /* 1: a migration job runs */
};
void model_set_jobs(const struct model_jobs *jobs);

/* --- writers (take the lock themselves) --- */
/* Record an event for the operator (also logged). */
void model_event(enum m_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Mark an action in flight on a desktop (NULL clears: the guest answered,
 * which ends an awaited job done; a new action in its place ends it
 * failed, superseded). */
void model_desktop_pending(const char *uuid, const char *what);
/* The guest accepted a shutdown/reboot request made by job; the job now
 * waits for the guest's answer: done when the desktop's state changes (or
 * the reboot event clears the pending mark), failed with "NAME did not
 * VERB within N s — F to force off" (also a warning event) when the
 * shutdown timeout passes first, failed when the host goes offline.
 * Returns 1 when the model took the job, 0 when the answer already came
 * (or the desktop is gone): the caller ends the job itself. verb is
 * copied. */
int model_desktop_await(const char *uuid, unsigned job, const char *verb);
/* Periodic housekeeping (each host's stats poll calls it): expire pending
 * actions past the shutdown timeout, re-check split brains whose migration
 * grace ran out. Takes the lock. */
void model_tick(void);
/* The worker's next connect attempt for an offline host (wall clock ms). */
void model_host_retry_at(unsigned id, int64_t wall_ms);
unsigned model_host_add(const struct config_host *ch);
/* Remove a host with its pools, and its places of desktops (a desktop no
 * other host knows goes too). The caller stopped its worker first
 * (hosts_remove). Returns 0, or -1 for no such host. */
int model_host_remove(unsigned id);
/* The operator changed a host's role or maintenance (the config file is
 * the caller's): the pane and every later placement see it. Returns 0, or
 * -1 when no host has that name. */
int model_host_set_role(const char *name, enum host_role role);
int model_host_set_maintenance(const char *name, int on);
/* The host's memory_reserve (config, KiB): a server's reloaded file, an
 * attached console's mirror. 0, or -1 when no host has that name. */
int model_host_set_reserve(const char *name, uint64_t kib);
void model_host_set_state(unsigned id, enum host_state state, const char *error);

struct host_facts {
	const char *hostname, *hv_type;
	unsigned long lib_version, hv_version;
	unsigned cpus, mhz;
	uint64_t memory_kib, free_kib;
	struct xml_caps *caps;      /* taken over (zeroed) when not NULL */
	int read_only;              /* its connection refused a write */
};
void model_host_set_facts(unsigned id, const struct host_facts *f);
/* Host CPU counters (ns) from virNodeGetCPUStats, and free memory. */
void model_host_stats(unsigned id, uint64_t busy_ns, uint64_t total_ns,
    uint64_t free_kib);

/* Full sync bracket: what the host did not report between begin and end is
 * removed (desktop placements, pools), but only for the kinds named in
 * complete: the kinds whose listing and every read succeeded. After a read
 * that failed (a connection lost mid-inventory) nothing of that kind may be
 * reported removed: the host's desktops stay, shown unknown once it is
 * offline. complete 0 ends the bracket and removes nothing. */
#define MODEL_SYNC_DESKTOPS 1u
#define MODEL_SYNC_POOLS    2u
void model_sync_begin(unsigned id);
void model_sync_end(unsigned id, unsigned complete);

/* Report one domain as seen on a host; takes ownership of *xml (zeroed). */
void model_desktop_seen(unsigned id, const char *uuid, const char *name,
    enum desktop_state state, int reason, int persistent,
    struct xml_domain *xml);
void model_desktop_set_state(unsigned id, const char *uuid,
    enum desktop_state state, int reason);
void model_desktop_gone(unsigned id, const char *uuid);

struct desktop_sample {
	uint64_t cpu_ns, balloon_kib, rd, wr, rx, tx;
	int64_t at_ms;
};
void model_desktop_stats(unsigned id, const char *uuid,
    const struct desktop_sample *s);
/* Job progress: active=0 ends it. pct -1 when unknown. */
void model_desktop_job(const char *uuid, int active, const char *kind,
    double pct, uint64_t iteration);

/* Replace a pool (by name) of a host with info and volumes; takes ownership
 * of vols (array and contents). */
void model_pool_seen(unsigned id, const struct m_pool *info,
    struct m_volume *vols, size_t nvols);
void model_pool_gone(unsigned id, const char *name);
/* A pool of a host, by stable ids. */
struct m_pool_ref {
	unsigned host_id;
	char *pool;
};
/* The pools of hosts other than id with the share key of id's pool `pool`
 * (the same storage): *out is an array of every one of them, returns how
 * many; 0 and NULL when that pool is local or unknown. Caller frees *out
 * with model_pool_refs_free. */
size_t model_pools_sharing(unsigned id, const char *pool,
    struct m_pool_ref **out);
void model_pool_refs_free(struct m_pool_ref *refs, size_t n);

/* --- a mirror of a server's model (srv-mirror.h) --- */
/* on: the setters record no events of their own (the server's come as
 * they were). */
void model_set_mirror(int on);
/* 1 in a mirror (lock held): what the server keeps beside the model —
 * the hosts' CPU answers (cpufit.h) — is not here. */
int model_is_mirror(void);
/* The rates the server computed: host CPU % and free memory; a desktop's
 * CPU %, disk read, write, net rx, tx per second (-1 unknown), in that
 * order, and since when the server saw it start (wall ms, 0: not seen). */
void model_mirror_host_rates(unsigned id, double cpu_pct, uint64_t free_kib);
void model_mirror_desktop_rates(const char *uuid, const double rates[5],
    int64_t started_ms);

/* The strings of a caller's own (plain) volume, not one the model holds. */
void model_volume_free(struct m_volume *v);

#endif
