/* act-ljob.h — jobs libvirt runs on a desktop that hvdeck did not start
 * (a `virsh migrate`, a save): seen in the model (m_desktop's job_*
 * fields, from the MIGRATION_ITERATION event and the host worker's job
 * poll), read on demand on every host, and aborted. Every libvirt call
 * runs on the host's worker (host_call), never on the caller's thread. */
#ifndef HVDECK_ACT_LJOB_H
#define HVDECK_ACT_LJOB_H

/* On every online host's worker, read the job of each running domain
 * into the model (sync_jobs_sweep), and wait until each host has, at most
 * timeout_ms. Not for the UI thread. Returns how many hosts answered. */
int act_ljob_sweep(int timeout_ms);

/* The same without waiting: queued on each online host's worker and
 * returns at once (the console's jobs pane, on the UI thread, so a
 * migration begun before hvdeck connected shows now, not at its next
 * iteration). Hosts this process has no worker for (an attached
 * console's) are skipped. */
void act_ljob_sweep_async(void);

/* Abort the job libvirt runs on desktop name_or_uuid (virDomainAbortJob,
 * on its host's worker) as an hvdeck job of kind JK_ABORT: 0 with *job,
 * or -1 with *cause (caller frees): no such desktop, no job on it, an
 * hvdeck job runs on it (cancel that one), read-only. */
int act_ljob_abort(const char *name_or_uuid, unsigned *job, char **cause);

/* The question for act_ljob_abort: "Abort the migration of NAME on HOST
 * (62%)? hvdeck did not start it: ..." Refused (NULL with *cause) as
 * act_ljob_abort would be. Caller frees. Takes the model lock. */
char *act_ljob_question(const char *name_or_uuid, char **cause);

#endif
