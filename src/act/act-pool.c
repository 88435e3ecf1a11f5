/* act-pool.c — pool refresh: find the (host, pool) pairs a name or a pools
 * row stands for, and queue a rescan on each host's worker. */
#include "act/act-pool.h"
#include "act/act-domain.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lock held. Does `which` name this pool of this host? */
static int names(const char *which, const struct m_host *h,
    const struct m_pool *p)
{
	char local[512];

	if (strcmp(which, p->name) == 0)
		return 1;
	if (p->share_key != NULL)
		return strcmp(which, p->share_key) == 0;
	snprintf(local, sizeof local, "local %s/%s", h->name, p->name);
	return strcmp(which, local) == 0;
}

struct refresh {
	unsigned job;
	char *pool;
};

/* On the host's worker: the job's whole life. */
static void run_refresh(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct refresh *r = ctx;
	char *cause = NULL;

	if (job_begin(r->job) == 0) {
		if (host_refresh_pool(conn, host_id, r->pool, &cause) < 0)
			job_fail(r->job, cause != NULL ? cause : "refresh failed");
		else
			job_done(r->job);
	}
	free(cause);
	free(r->pool);
	free(r);
}

/* One job per (host, pool), run on the host's worker in order with its
 * other requests. */
unsigned act_pool_refresh_one(unsigned host_id, const char *host,
    const char *pool)
{
	struct job_target t = { NULL, pool, host_id, host };
	struct refresh *r = xcalloc(1, sizeof *r);
	unsigned job;

	job = r->job = job_new(JK_POOL_REFRESH, &t, NULL, NULL);
	r->pool = xstrdup(pool);
	if (host_call(host_id, run_refresh, r) < 0) {
		job_fail(r->job, "the host's worker is stopping");
		free(r->pool);
		free(r);
		return 0;
	}
	return job;	/* r is the worker's now */
}

/* Lock held. The (host, pool) pairs which (NULL: every pool) and on
 * (NULL: every host) name, online ones into *refs as "HOST\tPOOL" (the
 * job names both). Returns how many, *found counting offline ones too. */
static size_t pairs(const char *which, const char *on,
    struct m_pool_ref **refs, size_t *found)
{
	struct m_host **hosts;
	size_t nh, i, k, n = 0;

	*refs = NULL;
	*found = 0;
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++) {
		if (on != NULL && strcmp(on, hosts[i]->name) != 0)
			continue;
		for (k = 0; k < hosts[i]->npools; k++) {
			if (which != NULL && !names(which, hosts[i], hosts[i]->pools[k]))
				continue;
			(*found)++;
			if (hosts[i]->state != HOST_ONLINE)
				continue;
			*refs = xreallocarray(*refs, n + 1, sizeof **refs);
			(*refs)[n].host_id = hosts[i]->id;
			(*refs)[n++].pool = xasprintf("%s\t%s", hosts[i]->name,
			    hosts[i]->pools[k]->name);
		}
	}
	return n;
}

int act_pool_refresh_jobs(const char *which, const char *on,
    unsigned **jobs, char **cause)
{
	struct m_pool_ref *refs;
	size_t i, n, found;
	const char *what = which != NULL ? which : "any";

	if (jobs != NULL)
		*jobs = NULL;
	if (act_read_only()) {
		*cause = xstrdup("read-only: pool refresh refused");
		return -1;
	}
	model_lock();
	if (on != NULL && model_host_by_name(on) == NULL) {
		model_unlock();
		*cause = xasprintf("no host named %s", on);
		return -1;
	}
	n = pairs(which, on, &refs, &found);
	model_unlock();
	if (n == 0) {
		*cause = found > 0 ? xasprintf("pool %s: no online host%s%s has it",
		    what, on != NULL ? " named " : "", on != NULL ? on : "") :
		    xasprintf("no pool named %s%s%s", what, on != NULL ?
		    " on " : "", on != NULL ? on : "");
		return -1;
	}
	if (jobs != NULL)
		*jobs = xcalloc(n, sizeof **jobs);
	for (i = 0; i < n; i++) {
		char *tab = strchr(refs[i].pool, '\t');
		unsigned job;

		*tab = '\0';
		job = act_pool_refresh_one(refs[i].host_id, refs[i].pool, tab + 1);
		if (jobs != NULL)
			(*jobs)[i] = job;
	}
	model_pool_refs_free(refs, n);
	return (int)n;
}

int act_pool_refresh(const char *which, char **cause)
{
	return act_pool_refresh_jobs(which, NULL, NULL, cause);
}

/* Lock held. "HOST\tPOOL" for pool of host id when it is online, else
 * NULL. */
static char *online_pool(unsigned id, const char *pool)
{
	const struct m_host *h = model_host(id);

	return h != NULL && h->state == HOST_ONLINE ?
	    xasprintf("%s\t%s", h->name, pool) : NULL;
}

size_t act_pool_refresh_sharing(unsigned host_id, const char *pool,
    unsigned **jobs)
{
	struct m_pool_ref *refs;
	char **what;
	size_t i, n, nq = 0;

	/* model_pools_sharing takes the lock: the names are read after it */
	n = model_pools_sharing(host_id, pool, &refs);
	what = xcalloc(n + 1, sizeof *what);
	model_lock();
	what[0] = online_pool(host_id, pool);
	for (i = 0; i < n; i++)
		what[i + 1] = online_pool(refs[i].host_id, refs[i].pool);
	model_unlock();
	if (jobs != NULL)
		*jobs = NULL;
	for (i = 0; i <= n; i++) {
		char *tab = what[i] != NULL ? strchr(what[i], '\t') : NULL;
		unsigned job;

		if (tab == NULL)
			continue;
		*tab = '\0';
		job = act_pool_refresh_one(i == 0 ? host_id :
		    refs[i - 1].host_id, what[i], tab + 1);
		free(what[i]);
		if (job == 0)
			continue;	/* failed already: the worker is stopping */
		if (jobs != NULL) {
			*jobs = xreallocarray(*jobs, nq + 1, sizeof **jobs);
			(*jobs)[nq] = job;
		}
		nq++;
	}
	free(what);
	model_pool_refs_free(refs, n);
	return nq;
}

int act_pool_wait(const unsigned *jobs, size_t n, int timeout_ms,
    char **cause)
{
	int64_t deadline = util_now_ms() + timeout_ms;
	size_t i;

	*cause = NULL;
	for (i = 0; i < n && *cause == NULL; i++) {
		int64_t left = deadline - util_now_ms();
		enum job_state s = job_wait(jobs[i], timeout_ms < 0 ? -1 :
		    left > 0 ? (int)left : 0);
		char *err;

		if (s == JOB_DONE || s == JOB_GONE)
			continue;
		err = job_error(jobs[i]);
		*cause = job_state_final(s) ?
		    xasprintf("pool refresh %s: %s", job_state_name(s),
		    err != NULL ? err : "no reason given") :
		    xstrdup("pool refresh still running at the deadline");
		free(err);
	}
	return *cause != NULL ? -1 : 0;
}
