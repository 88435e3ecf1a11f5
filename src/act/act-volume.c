/* act-volume.c — volume delete: find the volume the operator names, refuse
 * while anything depends on it, and delete it on a job thread: the libvirt
 * call on the worker of one host that has the pool, then a refresh on
 * every host that shares it, waited for. */
#include "act/act-volume.h"
#include "act/vol-claim.h"
#include "act/act-domain.h"
#include "act/act-pool.h"
#include "core/job.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "act/vol-deps.h"
#include "virt/virt-ref.h"

#include <libvirt/libvirt.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long the refreshes before and after a delete may take before the
 * job says so. */
#define REFRESH_WAIT_MS 60000
/* How long the delete call on a host's worker may take: a host that stops
 * answering mid-call leaves the job failed with "no answer", never hung.
 * With the rereads before and after, within the command line's 180 s. */
#define DELETE_WAIT_MS 60000

void act_volume_target_free(struct vol_target *t)
{
	free(t->host);
	free(t->pool);
	free(t->name);
	free(t->path);
	memset(t, 0, sizeof *t);
}

char *act_volume_label(const struct vol_target *t)
{
	return t->shared ? xasprintf("%s/%s", t->pool, t->name) :
	    xasprintf("%s/%s on %s", t->pool, t->name, t->host);
}

static void target_set(struct vol_target *t, const struct m_host *h,
    const struct m_pool *p, const struct m_volume *v)
{
	t->host_id = h->id;
	t->host = xstrdup(h->name);
	t->pool = xstrdup(p->name);
	t->name = xstrdup(v->name);
	t->path = xstrdup(v->path != NULL ? v->path : v->name);
	t->shared = p->share_key != NULL;
}

/* Lock held. Is (h, p, v) the volume t already names (shared storage seen
 * through another host)? */
static int same_volume(const struct vol_target *t, const struct m_pool *p,
    const struct m_volume *v)
{
	char *a, *b;
	int same;

	if (!t->shared || p->share_key == NULL)
		return 0;
	a = text_normalise_path(t->path);
	b = text_normalise_path(v->path != NULL ? v->path : v->name);
	same = strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* Lock held. Does volume v of pool p match what the operator wrote? */
static int matches(const char *pool, const char *name, const char *path,
    const struct m_pool *p, const struct m_volume *v)
{
	int hit;
	char *vp;

	if (path == NULL)
		return strcmp(p->name, pool) == 0 && strcmp(v->name, name) == 0;
	vp = text_normalise_path(v->path);
	hit = vp != NULL && strcmp(vp, path) == 0;
	free(vp);
	return hit;
}

/* Every volume matching pool/name (or path), on host `host` (NULL: any);
 * one target when they are one volume. Lock held. */
static int find_locked(const char *pool, const char *name, const char *path,
    const char *host, const char *what, struct vol_target *t, char **cause)
{
	struct m_host **hosts;
	char *where = NULL, *tmp;
	size_t nh, i, k, v, distinct = 0;

	memset(t, 0, sizeof *t);
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++) {
		if (host != NULL && strcmp(hosts[i]->name, host) != 0)
			continue;
		for (k = 0; k < hosts[i]->npools; k++)
			for (v = 0; v < hosts[i]->pools[k]->nvols; v++) {
				const struct m_pool *p = hosts[i]->pools[k];

				if (!matches(pool, name, path, p, &p->vols[v]) ||
				    (distinct > 0 && same_volume(t, p, &p->vols[v])))
					continue;
				tmp = xasprintf("%s%s%s", where != NULL ? where : "",
				    where != NULL ? ", " : "", hosts[i]->name);
				free(where);
				where = tmp;
				if (distinct++ == 0)
					target_set(t, hosts[i], p, &p->vols[v]);
			}
	}
	if (distinct == 1) {
		free(where);
		return 0;
	}
	act_volume_target_free(t);
	if (distinct == 0)
		*cause = host != NULL ? xasprintf("no volume %s on host %s", what,
		    host) : xasprintf("no volume %s", what);
	else
		*cause = xasprintf("%s is a different volume on each of %s (local "
		    "pools): name the host with --on HOST", what, where);
	free(where);
	return -1;
}

int act_volume_find(const char *spec, const char *host, struct vol_target *t,
    char **cause)
{
	const char *slash = strrchr(spec, '/');
	char *pool = NULL, *path = NULL;
	int rc;

	if (spec[0] == '/')
		path = text_normalise_path(spec);
	else if (slash == NULL || slash == spec || slash[1] == '\0') {
		*cause = xasprintf("%s: name the volume as POOL/NAME", spec);
		memset(t, 0, sizeof *t);
		return -1;
	} else
		pool = xstrndup(spec, (size_t)(slash - spec));
	model_lock();
	rc = find_locked(pool, slash != NULL ? slash + 1 : spec, path, host,
	    spec, t, cause);
	model_unlock();
	free(pool);
	free(path);
	return rc;
}

int act_volume_find_key(const char *key, struct vol_target *t, char **cause)
{
	const char *tab = strchr(key, '\t');
	char *host = tab != NULL ? xstrndup(key, (size_t)(tab - key)) : NULL;
	int rc = act_volume_find(tab != NULL ? tab + 1 : key, host, t, cause);

	free(host);
	return rc;
}

/* Lock held. Why the volume may not be deleted now, NULL if it may. */
static char *refusal_locked(const struct vol_target *t)
{
	struct vol_deps d;
	char *cause = NULL, *label = act_volume_label(t), *why;

	if (vol_deps_of(t->host_id, t->pool, t->name, &d, &cause) < 0) {
		why = xasprintf("cannot delete %s: %s", label, cause);
		free(cause);
		free(label);
		return why;
	}
	why = vol_deps_refusal(label, &d);
	vol_deps_free(&d);
	free(label);
	return why;
}

int act_volume_delete_check(const struct vol_target *t, char **cause)
{
	if (act_read_only()) {
		*cause = xstrdup("cannot delete a volume: hvdeck runs read-only");
		return -1;
	}
	model_lock();
	*cause = refusal_locked(t);
	model_unlock();
	return *cause != NULL ? -1 : 0;
}

/* Lock held. The name of the pool of host h that holds t's volume, NULL
 * when h has none or is not online. */
static const char *pool_on(const struct m_host *h, const struct vol_target *t)
{
	size_t k, v;

	if (h == NULL || h->state != HOST_ONLINE)
		return NULL;
	for (k = 0; k < h->npools; k++) {
		const struct m_pool *p = h->pools[k];

		for (v = 0; v < p->nvols; v++)
			if (h->id == t->host_id ? strcmp(p->name, t->pool) == 0 &&
			    strcmp(p->vols[v].name, t->name) == 0 :
			    same_volume(t, p, &p->vols[v]))
				return p->name;
	}
	return NULL;
}

/* The host to delete through: the best disk-capable host that has the
 * pool, else any online one that has it (a local pool on a hypervisor has
 * only its host). 0 when none; *pool then NULL, else a copy. */
static unsigned choose_host(const struct vol_target *t, char **pool)
{
	unsigned *ids = NULL, id = 0;
	size_t n = place_hosts(PLACE_DISK, 0, &ids), i;
	const char *name;

	*pool = NULL;
	model_lock();
	for (i = 0; i < n && id == 0; i++)
		if ((name = pool_on(model_host(ids[i]), t)) != NULL) {
			id = ids[i];
			*pool = xstrdup(name);
		}
	if (id == 0 && (name = pool_on(model_host(t->host_id), t)) != NULL) {
		id = t->host_id;
		*pool = xstrdup(name);
	}
	if (id == 0 && t->shared) {
		struct m_host **hosts;
		size_t nh;

		hosts = model_hosts(&nh);
		for (i = 0; i < nh && id == 0; i++)
			if ((name = pool_on(hosts[i], t)) != NULL) {
				id = hosts[i]->id;
				*pool = xstrdup(name);
			}
	}
	model_unlock();
	free(ids);
	return id;
}

/* The libvirt call on a host's worker, waited for by the job thread up
 * to DELETE_WAIT_MS. Shared by both (refs): whichever lets go last frees
 * it, so a worker that answers after the job gave up writes into a live
 * record. */
struct del_call {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	int done;
	char *path;
	char *error;            /* NULL: deleted */
};

static void del_call_put(struct del_call *c)
{
	int last;

	pthread_mutex_lock(&c->lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (!last)
		return;
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c->path);
	free(c->error);
	free(c);
}

static void do_delete(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct del_call *c = ctx;
	virStorageVolPtr vol = NULL;
	char *error = NULL;

	(void)host_id;
	if (conn == NULL)
		error = xstrdup("the host went offline before the delete ran");
	else if ((vol = virStorageVolLookupByPath(conn, c->path)) == NULL ||
	    virStorageVolDelete(vol, 0) < 0)
		error = evloop_last_error("delete failed");
	virt_vol_unref(vol);
	pthread_mutex_lock(&c->lock);
	c->error = error;
	c->done = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	del_call_put(c);
}

/* Run do_delete on host id's worker and wait for it, DELETE_WAIT_MS at
 * most. NULL, or why not. */
static char *delete_on(unsigned id, const char *path)
{
	struct del_call *c = xcalloc(1, sizeof *c);
	struct timespec ts = util_deadline(CLOCK_MONOTONIC, DELETE_WAIT_MS);
	pthread_condattr_t attr;
	char *error;

	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	c->path = xstrdup(path);
	c->refs = 2;
	if (host_call(id, do_delete, c) < 0) {
		c->error = xstrdup("the host's worker is stopping");
		c->done = 1;
		c->refs--;
	}
	pthread_mutex_lock(&c->lock);
	while (!c->done &&
	    pthread_cond_timedwait(&c->cond, &c->lock, &ts) != ETIMEDOUT)
		;
	error = c->done ? xstrdup(c->error) : xasprintf("no answer from the "
	    "host within %d s (the delete may still happen there)",
	    DELETE_WAIT_MS / 1000);
	pthread_mutex_unlock(&c->lock);
	del_call_put(c);
	return error;
}

struct del_job {
	struct vol_target t;
	char *label;
};

/* A pool to read again, named while the model lock was held. */
struct pool_ref {
	unsigned host_id;
	char *host, *pool;
};

/* Model lock held. Every active pool of every online host that sees t's
 * volume (an overlay of it can only be where its backing file is). */
static size_t pools_seeing(const struct vol_target *t, struct pool_ref **out)
{
	struct m_host **hosts;
	size_t nh, i, k, n = 0;

	*out = NULL;
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++) {
		if (pool_on(hosts[i], t) == NULL)
			continue;
		for (k = 0; k < hosts[i]->npools; k++) {
			if (!hosts[i]->pools[k]->active)
				continue;
			*out = xreallocarray(*out, n + 1, sizeof **out);
			(*out)[n].host_id = hosts[i]->id;
			(*out)[n].host = xstrdup(hosts[i]->name);
			(*out)[n++].pool = xstrdup(hosts[i]->pools[k]->name);
		}
	}
	return n;
}

/* Before the check: every pool that could hold a dependent is read again,
 * so an overlay made behind the model's back (libvirt sends no volume
 * events; another hvdeck) is one the check sees. 0, or -1 with *cause
 * (caller frees) when one could not be read. */
static int refresh_before(const struct del_job *d, char **cause)
{
	struct pool_ref *refs;
	unsigned *jobs, job;
	char *err = NULL;
	size_t n, i, nj = 0;
	int rc;

	model_lock();
	n = pools_seeing(&d->t, &refs);
	model_unlock();
	jobs = xcalloc(n + 1, sizeof *jobs);
	for (i = 0; i < n; i++) {
		if ((job = act_pool_refresh_one(refs[i].host_id, refs[i].host,
		    refs[i].pool)) != 0)
			jobs[nj++] = job;
		free(refs[i].host);
		free(refs[i].pool);
	}
	free(refs);
	rc = act_pool_wait(jobs, nj, REFRESH_WAIT_MS, &err);
	if (rc < 0) {
		*cause = xasprintf("cannot delete %s: its hosts' pools could not "
		    "be read again to check what uses it: %s", d->label, err);
		free(err);
	}
	free(jobs);
	return rc;
}

/* On the job thread: read the pools again, check again (the model moved
 * since the key press), delete, refresh every host that shares the pool,
 * wait for them. The job's claim on the volume (act_volume_delete) keeps
 * this process's other jobs off it meanwhile. */
static int run_delete(unsigned id, void *ctx, char **cause)
{
	struct del_job *d = ctx;
	char *pool = NULL, *err = NULL;
	unsigned host, *jobs = NULL;
	size_t n;

	job_progress(id, -1, 0, 0, "reading pools");
	if (refresh_before(d, cause) < 0 ||
	    act_volume_delete_check(&d->t, cause) < 0)
		return -1;
	if ((host = choose_host(&d->t, &pool)) == 0) {
		*cause = xasprintf("cannot delete %s: no online host has its pool",
		    d->label);
		return -1;
	}
	job_progress(id, -1, 0, 0, "deleting");
	if ((err = delete_on(host, d->t.path)) != NULL) {
		*cause = xasprintf("cannot delete %s: %s", d->label, err);
		model_event(SEV_ERROR, "%s", *cause);
		free(err);
		free(pool);
		return -1;
	}
	model_event(SEV_INFO, "volume %s deleted", d->label);
	job_progress(id, -1, 0, 0, "refreshing pools");
	n = act_pool_refresh_sharing(host, pool, &jobs);
	if (act_pool_wait(jobs, n, REFRESH_WAIT_MS, &err) < 0) {
		*cause = xasprintf("%s deleted, but not every host shows it yet: "
		    "%s", d->label, err);
		free(err);
	}
	free(jobs);
	free(pool);
	return *cause != NULL ? -1 : 0;
}

static void free_delete(void *ctx)
{
	struct del_job *d = ctx;

	act_volume_target_free(&d->t);
	free(d->label);
	free(d);
}

static const struct job_ops delete_ops = {
	.run = run_delete,
	.free = free_delete,
};

int act_volume_delete(const struct vol_target *t, unsigned *job,
    char **cause)
{
	struct del_job *d;
	struct job_target jt;
	struct job_claim claim;
	char *key;
	int rc;

	*job = 0;
	if (act_volume_delete_check(t, cause) < 0)
		return -1;
	d = xcalloc(1, sizeof *d);
	d->t.host_id = t->host_id;
	d->t.host = xstrdup(t->host);
	d->t.pool = xstrdup(t->pool);
	d->t.name = xstrdup(t->name);
	d->t.path = xstrdup(t->path);
	d->t.shared = t->shared;
	d->label = act_volume_label(t);
	memset(&jt, 0, sizeof jt);
	jt.name = d->label;
	jt.host_id = t->host_id;
	jt.host = t->host;
	model_lock();
	key = vol_claim_key(t->host_id, t->pool, t->name);
	model_unlock();
	claim.key = key;
	claim.label = d->label;
	claim.mode = JOB_WRITES;
	rc = job_start_claiming(JK_VOLUME_DELETE, &jt, &claim, 1, &delete_ops, d,
	    job, cause);
	free(key);
	return rc;
}

int act_volume_delete_on(virConnectPtr c, const char *pool, const char *name,
    char **cause)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
	virStorageVolPtr v = NULL;
	int rc = -1;

	if (p != NULL)
		virStoragePoolRefresh(p, 0);
	if (p != NULL && (v = virStorageVolLookupByName(p, name)) != NULL &&
	    virStorageVolDelete(v, 0) == 0)
		rc = 0;
	if (rc < 0)
		*cause = evloop_error_for(name);
	virt_vol_unref(v);
	virt_pool_unref(p);
	return rc;
}
