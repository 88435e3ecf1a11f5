/* act-volume.h — volume actions, shared by the console (Shift-D in the
 * volumes pane) and the command line (`hvdeck volume delete POOL/NAME`).
 *
 * A delete is refused, and nothing deleted, while anything depends on the
 * volume (vol-deps.h: a volume on any host with it in its backing chain, a
 * desktop on any host using it, running or not, a host sharing its pool
 * offline), or hvdeck is read-only. It runs as a job on a thread of its
 * own: it checks again at the moment of the delete, deletes through one
 * host that has the pool (virStorageVolDelete on that host's worker; a
 * disk-capable host first, place.h), then refreshes the pool on every
 * online host that shares it (act_pool_refresh_sharing) and waits for
 * those refreshes, so when the job is done every pane and every host's
 * listing agree. A failure carries libvirt's own text. */
#ifndef HVDECK_ACT_VOLUME_H
#define HVDECK_ACT_VOLUME_H

#include "core/job.h"

#include <libvirt/libvirt.h>

/* A volume, by stable ids. */
struct vol_target {
	unsigned host_id;       /* a host that has its pool */
	char *host, *pool, *name, *path;
	int shared;             /* its pool is shared storage */
};

/* The volume "POOL/NAME" (a path is also accepted), on host `host` when
 * not NULL. A name in a local pool that several hosts have is ambiguous
 * without host. Returns 0 with *t filled (act_volume_target_free), or -1
 * with *cause (caller frees). Takes the model lock. */
int act_volume_find(const char *spec, const char *host, struct vol_target *t,
    char **cause);
/* The same for a volumes-pane row key: the path, or "HOST\tPATH" for a
 * volume of a local pool. */
int act_volume_find_key(const char *key, struct vol_target *t, char **cause);
void act_volume_target_free(struct vol_target *t);
/* "pool/name" as the operator reads it (a local pool's: "pool/name on
 * HOST"). Caller frees. */
char *act_volume_label(const struct vol_target *t);

/* Would a delete be refused now? 0 if not, else -1 with *cause (caller
 * frees) naming the dependents or the offline host: the text the job
 * would fail with. The console asks before its confirmation. Takes the
 * model lock. */
int act_volume_delete_check(const struct vol_target *t, char **cause);
/* Start the delete job (see above). Returns 0 with *job (job_wait() it),
 * or -1 with *cause (caller frees) when it is refused at once (no job is
 * made then). t is copied. */
int act_volume_delete(const struct vol_target *t, unsigned *job,
    char **cause);

/* On a job thread: delete volume name of pool on c (the caller's own
 * connection), the pool rescanned first (a volume made since libvirt last
 * looked). The undo of a creation, and a move's old volume. 0, or -1 with
 * *cause (caller frees): "NAME: libvirt's text". */
int act_volume_delete_on(virConnectPtr c, const char *pool, const char *name,
    char **cause);

#endif
