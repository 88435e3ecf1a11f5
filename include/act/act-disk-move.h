/* act-disk-move.h — move a desktop's disk into another storage pool of its
 * host (desktop move-disk, the desktops pane's Shift-V), as ONE job
 * (JK_DISK_MOVE) on a thread of its own with its own connection.
 *
 * A running desktop keeps running: the destination volume is made first
 * (a qcow2 in the target pool; backed by the disk's own backing file —
 * only the top layer copied, VIR_DOMAIN_BLOCK_COPY_SHALLOW — when every
 * host that sees the target pool also sees the whole chain below, else a
 * standalone qcow2 and a full copy), then virDomainBlockCopy into it
 * (REUSE_EXT, TRANSIENT_JOB), progress from the block-job events and
 * virDomainGetBlockJobInfo, a pivot (virDomainBlockJobAbort with PIVOT)
 * once the copy is in sync, and the persistent definition pointed at the
 * new volume. A shut-off desktop: a plain copy of the volume
 * (virStorageVolCreateXMLFrom, standalone) and the definition updated.
 *
 * Nothing is lost on any failure: a copy that fails or is cancelled
 * (job_cancel: the block job is aborted without a pivot) leaves the
 * desktop on its original disk and removes the partial copy; the pivot is
 * the job's point of no return (job_commit). The source volume is deleted
 * only after a successful move and only when asked (delete_source). */
#ifndef HVDECK_ACT_DISK_MOVE_H
#define HVDECK_ACT_DISK_MOVE_H

struct disk_move_req {
	const char *desktop;            /* name or UUID */
	const char *disk;               /* target dev ("vdb"); NULL: the first
	                                 * disk (device "disk") */
	const char *pool;               /* the pool it goes to, on its host */
	int delete_source;              /* delete the old volume after */
	unsigned long bandwidth_mibs;   /* a running copy's limit, 0 none */
};

/* What the move would do, checked against the model (nothing started):
 * the desktop found and running on one host or shut off, the disk a file
 * or pool volume the host knows, the target pool on that host, active,
 * not the disk's own, without a volume of the same name, with room;
 * delete_source refused when the volume backs another. 0 with *what
 * (caller frees): "desk-3's disk vdb from groups to fast on hv1", for a confirmation; or -1 with *cause (caller frees). what may
 * be NULL (not wanted). */
int disk_move_check(const struct disk_move_req *r, char **what,
    char **cause);

/* disk_move_check, then the job. Refused when hvdeck runs read-only.
 * Returns 0 with *job, or -1 with *cause (caller frees). */
int disk_move_start(const struct disk_move_req *r, unsigned *job,
    char **cause);

#endif
