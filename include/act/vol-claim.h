/* vol-claim.h — claim keys of volumes for the job layer (vol-claim.c). */
#ifndef HVDECK_VOL_CLAIM_H
#define HVDECK_VOL_CLAIM_H

#include <stddef.h>

#include "core/job.h"

/* Model lock held. The job layer's claim key (job.h, job_claim) of volume
 * NAME of pool POOL as host host_id sees it: the storage (a shared pool's
 * share key, else the host and the pool) and the name, so every host's
 * view of one shared volume is one key. The volume need not exist yet (a
 * target about to be made). Caller frees. */
char *vol_claim_key(unsigned host_id, const char *pool, const char *name);
/* Model lock held. Append to *c (n entries, grown) the claim of volume
 * NAME of POOL on host_id, labelled "POOL/NAME"; free with
 * job_claims_free. */
void vol_claim_add(struct job_claim **c, size_t *n, unsigned host_id,
    const char *pool, const char *name, enum job_claim_mode mode);
/* Model lock held. The same for a disk source of a desktop on host_id
 * ("/path" or "POOL/VOL"), *label its "pool/name"; NULL when no pool of
 * the host holds it (then nothing can claim it). Caller frees both. */
char *vol_claim_key_of(unsigned host_id, const char *source,
    char **label);

#endif
