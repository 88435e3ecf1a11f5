/* act-size.h — `desktop set`: a desktop's vCPUs, memory and maximum
 * memory. A shut-off desktop's persistent definition is edited; a running
 * one is changed live where libvirt allows it (vCPU hotplug within its
 * maximum vCPUs, the balloon within its maximum memory) and in its
 * definition, the rest applying at its next start — the job's note
 * (act_size_note) says which. Checked against its host's capacity
 * (capacity.h) before anything changes. */
#ifndef HVDECK_ACT_SIZE_H
#define HVDECK_ACT_SIZE_H

#include <stdint.h>

/* What to change; 0: keep it. */
struct size_req {
	unsigned vcpus;
	uint64_t memory_kib;
	uint64_t max_memory_kib;
};

/* Would act_size refuse now (read-only, nothing to change, desktop
 * unknown, host not online, memory above its maximum, over its host's
 * capacity)? 0 if not, else -1 with *cause (caller frees), which cites
 * the host's numbers for a capacity refusal. Takes the model lock. */
int act_size_check(const char *uuid, const struct size_req *r, char **cause);

/* Queue the change on the desktop's host as a job: 0 with *job, or -1
 * with *cause (act_size_check's refusals; no job is made). The job ends
 * done with its note kept (act_size_note), or failed with libvirt's
 * message; either way a model event tells it. Never blocks. */
int act_size(const char *uuid, const struct size_req *r, unsigned *job,
    char **cause);

/* What a finished size job did ("vCPUs 2 live; memory 256 MiB at next
 * start: ..."), taken (asked once): caller frees; NULL when none is kept
 * for that job. Any thread. */
char *act_size_note(unsigned job);

#endif
