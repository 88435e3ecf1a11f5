/* vol-deps.h — what depends on a volume, over the whole model: every host,
 * every pool, every desktop. A volume is a file (or device) at a path in
 * a scope: a pool with a share key (pool-share.h) is one storage seen
 * through several hosts, so the same path there is one volume on all of
 * them; a path in a local pool is its host's own, even where another
 * host's local pool has the same path. Backing links are matched by path,
 * the way the volumes pane matches them: a local volume's backing file is
 * looked for on its own host first, then on shared storage; a shared
 * volume's on shared storage, then on any host.
 *
 * Backing links come from hosts and may loop: every walk here is bounded
 * by the number of volumes and stops at a volume met twice.
 *
 * Every function is called with the model lock held (model_lock()), reads
 * the model then and copies out what it returns: results stay valid after
 * the unlock and the caller frees them with the matching _free. */
#ifndef HVDECK_VOL_DEPS_H
#define HVDECK_VOL_DEPS_H

#include <stddef.h>
#include <stdint.h>

struct m_host;
struct m_pool;
struct m_volume;

/* A volume that has the one asked about in its backing chain. */
struct vol_dep_volume {
	char *host;        /* a host that sees it (for a local pool: its own) */
	char *pool, *name, *path;
	unsigned depth;    /* 1: backed by it directly; 2: through one more... */
};

/* A desktop, running or not, on any host, that uses the volume: a disk of
 * it is the volume (via NULL) or an overlay whose chain holds it (via: the
 * path of that disk). Every such disk's overlay is also among the
 * dependent volumes when hvdeck knows it as a volume. */
struct vol_dep_desktop {
	char uuid[40];
	char *name;
	char *host;        /* the placement that counts (model_desktop_place) */
	char *via;
	int live;          /* a QEMU has it open (model_place_live) */
};

struct vol_deps {
	struct vol_dep_volume *volumes;     /* nearest first, then by path */
	size_t nvolumes;
	struct vol_dep_desktop *desktops;   /* by name */
	size_t ndesktops;
	/* hosts that have the volume's pool (the same storage) and are not
	 * online now, and for shared storage those not online that were
	 * never read (their pools are unknown): what depends on it there is
	 * unknown */
	char **offline;
	size_t noffline;
};

/* The dependents of volume `name` of pool `pool` as host host_id sees it
 * (host_id 0: the first host that has such a pool and volume). Returns 0
 * with *out filled (free with vol_deps_free), or -1 with *cause (caller
 * frees) when there is no such volume. */
int vol_deps_of(unsigned host_id, const char *pool, const char *name,
    struct vol_deps *out, char **cause);
/* The same for the volume at path (normalised lexically) as host host_id
 * sees it (0: shared storage first, then any host). */
int vol_deps_of_path(unsigned host_id, const char *path,
    struct vol_deps *out, char **cause);
void vol_deps_free(struct vol_deps *d);

/* 1 when anything in d keeps the volume from being deleted. */
int vol_deps_blocking(const struct vol_deps *d);
/* Why a delete of `what` is refused, for humans: "cannot delete
 * bases/deb.qcow2: it backs templates/t.qcow2 (and through it 3 more);
 * desktops use it: d1 (through /groups/d1.qcow2); host node2, which shares
 * pool bases, is offline: what depends on it there is unknown". NULL when
 * nothing blocks. Caller frees. */
char *vol_deps_refusal(const char *what, const struct vol_deps *d);
/* The dependent volumes as "pool/name, pool/name" ("" when none), at most
 * max of them followed by "and N more" (max 0: all). Caller frees. */
char *vol_deps_volume_list(const struct vol_deps *d, size_t max);

/* Never boot a parent: 1 when some volume (on any host that sees the
 * file at path from host_id; host_id 0: any) has it as its backing file
 * (path may also be a volume disk's "POOL/VOL" on host_id),
 * with *dependents (caller frees; may be NULL to ask only) naming them
 * like vol_deps_volume_list; else 0 and *dependents NULL. */
int vol_deps_is_parent(unsigned host_id, const char *path,
    char **dependents);

/* Never derive from or copy a disk while a guest writes it: the first
 * desktop (on any host) that is live (running, paused, migrating:
 * model_place_live) on a place whose host sees volume `name` of pool
 * `pool` (as host_id sees it; 0: any host) as one of its disks it may
 * write (not <readonly/> or <shareable/>, not a CD; a backing file of a
 * disk is only read). NULL when none, else "NAME is written by desktop D
 * running on H: shut it down first" (caller frees). */
char *vol_deps_writer(unsigned host_id, const char *pool, const char *name);

struct m_desktop;
/* The file a disk source of desktop d names, lexically normalised: a
 * volume disk's "POOL/VOL" is looked up in that pool on d's hosts; any
 * other source is itself. Caller frees. */
char *vol_deps_disk_path(const struct m_desktop *d, const char *source);

/* One level of a backing chain, as `qemu-img info --backing-chain` shows
 * it, from what the hosts' libvirt said of each volume. */
struct vol_level {
	char *host, *pool, *name;    /* NULL when the file is no known volume */
	char *path;
	char *format;                /* NULL when unknown */
	uint64_t capacity, allocation;
	char *backing_path, *backing_format;    /* NULL: the chain's base */
};

enum vol_chain_end {
	VCE_BASE,       /* the last level has no backing file */
	VCE_UNKNOWN,    /* the last level's backing file is no known volume */
	VCE_LOOP,       /* the last level's backing file is a level above */
};

/* The backing chain of the volume at path as host_id sees it (0: shared
 * storage first, then any host), the volume itself first, each volume
 * once. Returns the number of levels (0 when path is no known volume)
 * with *levels (caller frees with vol_chain_free) and *end. */
size_t vol_deps_chain(unsigned host_id, const char *path,
    struct vol_level **levels, enum vol_chain_end *end);
void vol_chain_free(struct vol_level *levels, size_t n);

/* The index every answer above is built on, for the volumes pane: the
 * pane and a delete see the same volumes and the same backing links.
 * Every volume of every pool once (shared storage seen through several
 * hosts: the first host's view), sorted by path, then scope (shared
 * first). Pointers into the model: valid while the lock is held. */
struct vol_node {
	const struct m_host *h;      /* the host whose view is kept */
	const struct m_pool *p;
	const struct m_volume *v;
	const char *scope;   /* NULL: shared storage; else the host it is local to */
	char *path, *backing;        /* normalised; backing NULL: none */
	long backer;         /* index of its backing volume, -1: none known */
	size_t order;        /* gathering order */
};
struct vol_index {
	struct vol_node *n;
	size_t count;
};
void vol_index_build(struct vol_index *ix);
void vol_index_free(struct vol_index *ix);
/* The index of the volume at (normalised) path in scope (in any scope
 * with any_scope), or -1. */
long vol_index_find(const struct vol_index *ix, const char *path,
    const char *scope, int any_scope);

#endif
