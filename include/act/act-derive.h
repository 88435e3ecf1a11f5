/* act-derive.h — derive: thin qcow2 overlays whose backing store is a base
 * or a template volume, made through libvirt's storage API
 * (virStorageVolCreateXML with <backingStore>), one or a brace batch
 * (names.h) per job.
 *
 * Two layers:
 *   - derive_one: ONE overlay, synchronous, on the caller's connection.
 *     Any job thread may call it (i11-desktop's "desktop new" does, per
 *     desktop). It checks on the host itself and writes nothing when a
 *     check fails.
 *   - act_derive: the action behind `n` and `hvdeck derive`: checks the
 *     whole batch against the model, then ONE job (JK_DERIVE) on a thread
 *     of its own with its own connection to the chosen host (no host
 *     worker waits behind a batch), progress "3/20" in the job's phase and
 *     in an optional checklist; a failure stops the batch and says what
 *     was made and what was not. Every host that shares the target pool
 *     re-reads it afterwards (libvirt sends no volume events).
 *
 * qcow2 options offered are the ones libvirt's volume XML can carry
 * (<compat>, <clusterSize>, <features><lazy_refcounts/>
 * <extended_l2/></features>); nothing is done behind libvirt's back. */
#ifndef HVDECK_ACT_DERIVE_H
#define HVDECK_ACT_DERIVE_H

#include <stddef.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "core/config.h"

/* Room a new overlay needs in its pool: qcow2 header, L1 and refcount
 * tables with a margin. A pool with less available is refused. */
#define DERIVE_META_MIN (4ull << 20)
/* Longest backing chain followed when looking for a loop. */
#define DERIVE_CHAIN_MAX 64

struct derive_opts {
	uint64_t capacity;      /* bytes; 0 = the source's */
	uint64_t cluster_size;  /* bytes, a power of two 512 B..2 MiB;
	                         * 0 = qemu-img's default (64 KiB) */
	int lazy_refcounts;     /* <features><lazy_refcounts/> (compat 1.1) */
	int extended_l2;        /* <features><extended_l2/>: subclusters;
	                         * needs cluster_size >= 16 KiB */
};

/* 0 when o is valid (cluster size a power of two in range, extended L2
 * with a cluster size of at least 16 KiB or the default); else -1 with
 * *cause (caller frees). NULL o is valid (all defaults). */
int derive_opts_check(const struct derive_opts *o, char **cause);

/* The volume XML of an overlay called name on backing (its path and
 * format "qcow2" or "raw"), of capacity bytes, with o's options. Caller
 * frees. Pure: for derive_one and the unit tests. */
char *derive_volume_xml(const char *name, const char *backing_path,
    const char *backing_format, uint64_t capacity,
    const struct derive_opts *o);

/* Make ONE overlay `name` in pool dst_pool backed by volume src_name of
 * pool src_pool, on conn (the caller's own connection; conn is not
 * closed). Checks first, on the host, and refuses with a reason and
 * nothing written: name rules (names_check), the source missing or not
 * qcow2/raw, dst_pool missing or inactive or with less than
 * DERIVE_META_MIN available, name already in dst_pool as this host's
 * libvirt knows it, a backing chain that would loop through the new
 * path. It does not rescan the pool (a caller on shared storage rescans
 * once before a batch); a file libvirt did not list yet is still never
 * overwritten: libvirt refuses a target path that exists. Does not refresh the pool on
 * other hosts (the caller does: act_pool_refresh_sharing). Returns 0, or -1
 * with *cause (caller frees): the refusal, or libvirt's own text. o may
 * be NULL (defaults). */
int derive_one(virConnectPtr conn, const char *src_pool, const char *src_name,
    const char *dst_pool, const char *name, const struct derive_opts *o,
    char **cause);

/* An overlay of a disk a guest is writing is corrupt, and so is a copy:
 * 0 when no live desktop on any host writes volume `name` of pool `pool`
 * as host host_id sees it (vol_deps_writer), else -1 with *cause (caller
 * frees): "NAME is written by desktop D running on H: shut it down
 * first". Takes the model lock: the actions call it before starting a
 * job, the jobs again right before each volume is made (the desktop may
 * have started since). */
int derive_source_unwritten(unsigned host_id, const char *pool,
    const char *name, char **cause);

/* What act_derive is asked to do. Strings are the caller's. */
struct derive_req {
	const struct config *cfg;       /* the running config: pool names */
	const char *source;     /* "NAME" or "POOL/NAME" */
	const char *pattern;    /* NAME, may hold one brace range */
	const char *count;      /* --count text, NULL when not given */
	const char *pool;       /* target pool; NULL = by the source's pool:
	                         * bases -> templates, templates -> groups */
	const char *host;       /* NULL = the best disk host (place.h) */
	struct derive_opts o;
};

/* A started batch: its job and what the checks chose. */
struct derive_started {
	unsigned job;
	size_t count;           /* names in the batch */
	char *host;             /* where it runs */
	char *src_pool, *dst_pool;
	char *first, *last;     /* first and last name, for messages */
};
void derive_started_free(struct derive_started *s);

/* The checks the model can answer, for the whole batch before anything
 * is made: the source resolved (ambiguity names the pools), the target
 * pool, the host (place_refusal(PLACE_DISK); it must see both pools),
 * every name (rules, --count, not in the target pool on any host that
 * has it), the source's format, room in the pool, a loop, a live desktop
 * on any host writing the source (derive_source_unwritten). Then ONE
 * JK_DERIVE job, which checks every name again on the host before
 * making any, then makes them in order, each right after the model says
 * again that no live desktop writes the source; its phase is "3/20" as it goes,
 * its error text on a failure "made 2 of 20 (a-01, a-02); not made:
 * a-03 … a-20: REASON". A form or the command line follow the job (a
 * form mirrors it into its checklist on the UI thread: the job never
 * holds a pointer a closed form could free). Returns 0 with *out filled
 * (free with derive_started_free), or -1 with *cause (caller frees) and
 * *usage 1 when the request is malformed (bad --count text, bad
 * options: exit 2), 0 for a refusal (exit 1). */
int act_derive(const struct derive_req *r, struct derive_started *out,
    int *usage, char **cause);

/* The target pool the rule gives for a source in src_pool (bases ->
 * templates, templates -> groups, from the config), NULL when none. Not
 * owned (cfg's). */
const char *act_derive_default_pool(const struct config *cfg,
    const char *src_pool);

#endif
