/* vol-claim.c — the job layer's claims (core/job.h) of volumes: one key
 * per piece of storage, so a derive reading a base, a copy writing a new
 * volume, a delete and a desktop start see each other whichever host they
 * go through. Apart from act-volume.c so that every action that claims
 * (derive, desktop, domain, volume) reaches it without a circle. */
#include "act/vol-claim.h"
#include "core/model.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static const struct m_pool *pool_named(const struct m_host *h,
    const char *pool)
{
	size_t k;

	for (k = 0; h != NULL && k < h->npools; k++)
		if (strcmp(h->pools[k]->name, pool) == 0)
			return h->pools[k];
	return NULL;
}

char *vol_claim_key(unsigned host_id, const char *pool,
    const char *name)
{
	const struct m_pool *p = pool_named(model_host(host_id), pool);

	if (p != NULL && p->share_key != NULL)
		return xasprintf("shared %s\t%s", p->share_key, name);
	return xasprintf("host %u\t%s\t%s", host_id, pool, name);
}

void vol_claim_add(struct job_claim **c, size_t *n, unsigned host_id,
    const char *pool, const char *name, enum job_claim_mode mode)
{
	*c = xreallocarray(*c, *n + 1, sizeof **c);
	(*c)[*n].key = vol_claim_key(host_id, pool, name);
	(*c)[*n].label = xasprintf("%s/%s", pool, name);
	(*c)[(*n)++].mode = mode;
}

char *vol_claim_key_of(unsigned host_id, const char *source,
    char **label)
{
	const struct m_host *h = model_host(host_id);
	const char *slash = strchr(source, '/');
	size_t k, v;

	*label = NULL;
	for (k = 0; h != NULL && k < h->npools; k++) {
		const struct m_pool *p = h->pools[k];

		for (v = 0; v < p->nvols; v++) {
			const struct m_volume *mv = &p->vols[v];
			int same = source[0] == '/' ? mv->path != NULL &&
			    strcmp(mv->path, source) == 0 : slash != NULL &&
			    strlen(p->name) == (size_t)(slash - source) &&
			    strncmp(p->name, source, (size_t)(slash - source)) == 0 &&
			    strcmp(mv->name, slash + 1) == 0;

			if (!same)
				continue;
			*label = xasprintf("%s/%s", p->name, mv->name);
			return vol_claim_key(host_id, p->name, mv->name);
		}
	}
	return NULL;
}
