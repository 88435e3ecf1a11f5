/* act-migrate.h — live migration (issue 12). Helper i12-engine implements
 * act-migrate.c (the job, pre-flight, libvirt calls, progress samples);
 * helper i12-ui builds the `m` form, the progress view and the jobs-pane
 * keys on it, and the `hvdeck migrate` command line.
 *
 * A migration is ONE job (JK_MIGRATE) on a thread of its own with a
 * watcher (job_start_thread): the job thread opens hvdeck's own
 * connections to the source and the destination (the config's URIs, never
 * a host worker's connection), runs the pre-flight — each check a step of
 * the checklist, a failed check ends the job failed before anything moves
 * — and then blocks in virDomainMigrate3 (VIR_MIGRATE_LIVE, plus the
 * request's flags; URI to the destination's migration_address when set).
 * The watcher samples virDomainGetJobStats every 500 ms into the stats
 * below, applies the operator's changes (speed, downtime, post-copy) and
 * delivers a cancel as virDomainAbortJob — so the UI thread never calls
 * libvirt: migrate_set_* only record a request for the watcher. */
#ifndef HVDECK_ACT_MIGRATE_H
#define HVDECK_ACT_MIGRATE_H

#include <stdint.h>

#include "core/checklist.h"

struct migrate_req {
	const char *desktop;            /* name or UUID */
	const char *dest;               /* destination host name */
	unsigned long bandwidth_mibs;   /* MiB/s, 0 = unlimited */
	long max_downtime_ms;           /* 0 = libvirt's default */
	int auto_converge;              /* VIR_MIGRATE_AUTO_CONVERGE */
	int postcopy;                   /* VIR_MIGRATE_POSTCOPY allowed */
	int compress;                   /* VIR_MIGRATE_COMPRESSED */
	int copy_storage;               /* NON_SHARED_DISK, or _INC when the
	                                 * backing chain is shared */
	int unsafe;                     /* accept unsafe cache modes */
	int no_persist;                 /* default: persist on the destination
	                                 * and undefine on the source */
	const char *to_pool;            /* with copy_storage: the copied disks
	                                 * go into this pool of the destination
	                                 * (migrate-pool.h); NULL: where
	                                 * libvirt puts them (the same path) */
};

/* Check the request against the model (the desktop exists and runs once,
 * the destination is known, not the source): a usage-level refusal with
 * *cause (caller frees) before any job. Then start the job. The checklist
 * (not owned; must outlive the job: the caller frees it after the job is
 * final; may be NULL) receives the pre-flight steps. Returns 0 with *job,
 * or -1 with *cause. */
int migrate_start(const struct migrate_req *r, struct checklist *cl,
    unsigned *job, char **cause);

#define MIGRATE_HISTORY 32      /* remaining bytes per iteration kept */

/* A snapshot of a migration's progress (from virDomainGetJobStats and the
 * MIGRATION_ITERATION event). Unknown numbers are 0 unless said. */
struct migrate_stats {
	int active;                 /* still running */
	double mem_pct;             /* memory transferred, -1 unknown */
	uint64_t data_processed, data_remaining, data_total;    /* bytes */
	uint64_t mem_bps;           /* transfer rate, bytes/s */
	uint64_t dirty_rate;        /* pages/s dirtied (x page size: bytes/s) */
	uint64_t dirty_bps;         /* the same in bytes/s */
	uint64_t iteration;
	uint64_t expected_downtime_ms;
	int64_t elapsed_ms, eta_ms; /* eta -1 unknown */
	uint64_t remaining[MIGRATE_HISTORY];    /* per iteration, oldest first */
	unsigned nremaining;
	int not_converging;         /* dirty rate above transfer rate for
	                             * several iterations */
	int postcopy_allowed, postcopy_active;
	unsigned long bandwidth_mibs;   /* current limit, 0 unlimited */
	long max_downtime_ms;
	int64_t downtime_ms;        /* when done: the downtime libvirt reports,
	                             * -1 unknown */
	int64_t total_ms;           /* when done */
	char source[64], dest[64];  /* host names */
};

/* The one judgement of convergence (the console's NOT CONVERGING, the
 * command line's warning, both read migrate_stats.not_converging): besides
 * a dirty rate above the transfer rate for several iterations, the data
 * remaining per iteration (oldest first, n entries; the first the whole
 * memory) that stopped falling — its last iterations no lower than 90%
 * of the lowest before them. 1 when flat. */
int migrate_history_flat(const uint64_t *remaining, unsigned n);

/* Copy of a migration job's stats. Returns 0, or -1 when the job is not a
 * migration hvdeck knows. */
int migrate_stats(unsigned job, struct migrate_stats *out);

/* Requests for the running migration, applied by its watcher within half
 * a second (never on the caller's thread). Return 0, or -1 with *cause
 * (not running, post-copy not allowed, already post-copy). */
int migrate_set_speed(unsigned job, unsigned long mibs, char **cause);
int migrate_set_downtime(unsigned job, long ms, char **cause);
int migrate_postcopy(unsigned job, char **cause);

/* Where each of n desktops (names or UUIDs) would go when migrated
 * together, each placed by place.c (place_hosts: most free memory first,
 * never its own host) with the memory of the ones placed before it
 * counted against their destination, so a batch spreads out. dests[i]
 * (caller frees) is a host name, or NULL with why[i] (caller frees): the
 * desktop is unknown, or no host may receive it. Takes the model lock. */
void migrate_place_batch(char *const *desktops, size_t n, char **dests,
    char **why);

/* The running migrations' desktop names, comma separated (caller frees),
 * NULL when none: `q` names them before asking. */
char *migrate_running_names(void);

#endif
