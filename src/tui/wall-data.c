/* wall-data.c — what one frame of the wall shows, copied out of the
 * model and the jobs under their locks (model before job, as job.h
 * orders them), so drawing never holds a lock. */
#include "tui/wall.h"
#include "core/config.h"
#include "core/job.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hosts the wall shows, in its order: the wall section's list, else
 * every host as the model has them. Lock held; caller frees the array. */
static struct m_host **wall_hosts(const struct config *cfg, size_t *n)
{
	struct m_host **all, **out, *h;
	size_t nall, i;

	all = model_hosts(&nall);
	if (cfg->wall.nhosts == 0) {
		out = xcalloc(nall + 1, sizeof *out);
		memcpy(out, all, nall * sizeof *out);
		*n = nall;
		return out;
	}
	out = xcalloc(cfg->wall.nhosts + 1, sizeof *out);
	*n = 0;
	for (i = 0; i < cfg->wall.nhosts; i++)
		if ((h = model_host_by_name(cfg->wall.hosts[i])) != NULL)
			out[(*n)++] = h;
	return out;
}

static void add_cond(struct wall_snap *s, char *key, int64_t since,
    int split_brain, char *text)
{
	struct wall_cond *c;

	s->conds = xreallocarray(s->conds, s->nconds + 1, sizeof *s->conds);
	c = &s->conds[s->nconds++];
	c->key = key;
	c->text = text;
	c->since_wall_ms = since;
	c->split_brain = split_brain;
}

/* One tile's figures; lock held. */
static void take_host(struct wall_host *w, const struct m_host *h,
    const struct config *cfg, int ascii, int64_t now)
{
	memset(w, 0, sizeof *w);
	w->id = h->id;
	w->name = text_screen(h->name, ascii);
	w->error = h->error != NULL ? text_screen(h->error, ascii) : NULL;
	w->role = h->role;
	w->state = h->state;
	w->up = h->state == HOST_ONLINE || h->state == HOST_READONLY;
	w->maintenance = h->maintenance;
	w->cpu_pct = w->up ? h->cpu_pct : -1;
	w->mem_frac = w->up && h->memory_kib > 0 ? (double)(h->memory_kib >
	    h->free_kib ? h->memory_kib - h->free_kib : 0) /
	    (double)h->memory_kib : -1;
	w->running = w->up ? h->running : 0;
	w->age_ms = h->heard_ms > 0 ? now - h->heard_ms : -1;
	w->stale = w->up && w->age_ms > (int64_t)cfg->wall.stale_after * 1000;
	w->since_wall_ms = h->state_since_ms;
}

/* Where the desktops are, and the split brains; lock held. Tiles by host
 * id through a table: ten thousand desktops each second at 100 hosts. */
static void take_desktops(struct wall_snap *s, int ascii)
{
	struct m_desktop **ds;
	size_t n, i, k, *tile, ntile = 1;
	unsigned id;
	char *name, *where;

	for (i = 0; i < s->nhosts; i++)
		if (s->hosts[i].id + 1 > ntile)
			ntile = s->hosts[i].id + 1;
	tile = xcalloc(ntile, sizeof *tile);	/* tile index + 1; 0: none */
	for (i = 0; i < s->nhosts; i++)
		tile[s->hosts[i].id] = i + 1;
	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < ds[i]->nplaces; k++) {
			id = ds[i]->places[k].host_id;
			if (id < ntile && tile[id] > 0)
				s->hosts[tile[id] - 1].desktops++;
		}
		if (!ds[i]->split_brain)
			continue;
		name = text_screen(ds[i]->name, ascii);
		where = model_desktop_live_hosts(ds[i], "+");
		add_cond(s, xasprintf("split:%s", ds[i]->uuid), 0, 1,
		    xasprintf("SPLIT BRAIN: %s runs on %s", name, where));
		free(where);
		free(name);
	}
	free(tile);
}

/* A pool is full past the threshold; storage shared by several hosts is
 * one alert (its share key). Lock held. */
static void take_pools(struct wall_snap *s, const struct m_host *h,
    const struct config *cfg, int ascii)
{
	const struct m_pool *p;
	double pct;
	char *name, *host, *key;
	size_t i, k;

	for (i = 0; i < h->npools; i++) {
		p = h->pools[i];
		if (!p->active || p->capacity == 0)
			continue;
		pct = (double)p->allocation * 100.0 / (double)p->capacity;
		if (pct < cfg->wall.pool_full)
			continue;
		key = p->share_key != NULL ? xasprintf("pool:%s", p->share_key) :
		    xasprintf("pool:%s/%s", h->name, p->name);
		for (k = 0; k < s->nconds && strcmp(s->conds[k].key, key) != 0; k++)
			;
		if (k < s->nconds) {
			free(key);
			continue;
		}
		name = text_screen(p->name, ascii);
		host = text_screen(h->name, ascii);
		add_cond(s, key, 0, 0, xasprintf("pool %s on %s is %.0f%% full",
		    name, host, pct));
		free(host);
		free(name);
	}
}

/* The hosts' own conditions: offline (since when), stale. */
static void take_host_conds(struct wall_snap *s, const struct wall_host *w)
{
	if (w->state == HOST_OFFLINE)
		add_cond(s, xasprintf("offline:%s", w->name), w->since_wall_ms, 0,
		    xasprintf("host %s OFFLINE%s%s", w->name,
		    w->error != NULL ? ": " : "", w->error != NULL ? w->error : ""));
	else if (w->stale)
		add_cond(s, xasprintf("stale:%s", w->name), 0, 0,
		    xasprintf("host %s STALE: no data for %llds", w->name,
		    (long long)(w->age_ms / 1000)));
}

static char *job_text(const struct job *j, int ascii)
{
	char *name = text_screen(j->name != NULL ? j->name : j->uuid, ascii);
	char *host = j->host != NULL ? text_screen(j->host, ascii) : NULL;
	char *t = xasprintf("%s %s%s%s", job_kind_name(j->kind), name,
	    host != NULL ? " on " : "", host != NULL ? host : "");

	free(host);
	free(name);
	return t;
}

static void add_job(struct wall_snap *s, char *text, double pct)
{
	s->jobs = xreallocarray(s->jobs, s->njobs + 1, sizeof *s->jobs);
	s->jobs[s->njobs].text = text;
	s->jobs[s->njobs++].pct = pct;
}

/* The tile of the job's host says what runs there ("drain 40%"). A
 * server's job is known by its host's name (its ids are the server's);
 * model lock held. */
static void host_job(struct wall_snap *s, const struct job *j, double pct)
{
	const struct m_host *h = j->host != NULL ?
	    model_host_by_name(j->host) : NULL;
	unsigned id = h != NULL ? h->id : j->host_id;
	size_t i;

	for (i = 0; i < s->nhosts; i++) {
		if (s->hosts[i].id != id || s->hosts[i].job != NULL)
			continue;
		s->hosts[i].job = pct >= 0 ? xasprintf("%s %.0f%%",
		    job_kind_name(j->kind), pct) : xstrdup(job_kind_name(j->kind));
	}
}

/* hvdeck's jobs of any kind: running ones with progress, failed ones as
 * alerts while they are kept (the job list's history). */
static void take_jobs(struct wall_snap *s, int ascii)
{
	const struct job *j;
	const struct job_sample *sm;
	double pct;

	char *t, *err;

	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j)) {
		if (j->state == JOB_FAILED) {
			t = job_text(j, ascii);
			err = text_screen(j->error != NULL ? j->error : "?", ascii);
			add_cond(s, xasprintf("job:%u", j->id), j->created_wall_ms,
			    0, xasprintf("job %u FAILED: %s: %s", j->id, t, err));
			free(err);
			free(t);
		}
		if (job_state_final(j->state))
			continue;
		sm = job_last_sample(j);
		pct = sm != NULL ? sm->pct : -1;
		add_job(s, job_text(j, ascii), pct);
		host_job(s, j, pct);
	}
	job_unlock();
}

/* libvirt's jobs on desktops that no job of hvdeck's follows (a migration
 * started elsewhere, a block job); lock held, after take_jobs. */
static void take_desktop_jobs(struct wall_snap *s, int ascii,
    const char *const *followed, size_t nfollowed)
{
	struct m_desktop **ds;
	size_t n, i, k;
	char *name;

	ds = model_desktops_stirring(&n);
	for (i = 0; i < n; i++) {
		if (!ds[i]->job_active)
			continue;
		for (k = 0; k < nfollowed && strcmp(followed[k], ds[i]->uuid) != 0; k++)
			;
		if (k < nfollowed)
			continue;
		name = text_screen(ds[i]->name, ascii);
		add_job(s, xasprintf("%s %s (libvirt)", ds[i]->job_kind != NULL ?
		    ds[i]->job_kind : "job", name), ds[i]->job_pct);
		free(name);
	}
}

/* The desktops hvdeck's running jobs work on; caller frees each and the
 * array. */
static char **followed_uuids(size_t *n)
{
	const struct job *j;
	char **v = NULL;

	*n = 0;
	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j)) {
		if (job_state_final(j->state) || j->uuid[0] == '\0')
			continue;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = xstrdup(j->uuid);
	}
	job_unlock();
	return v;
}

/* The cluster's figures from the tiles: CPU is the mean of the hosts
 * that report one, memory the sum used over the sum installed. */
static void totals(struct wall_snap *s, const struct m_host *const *hs)
{
	double cpu = 0, used = 0, total = 0;
	size_t i, ncpu = 0;

	s->cpu_pct = s->mem_frac = -1;
	for (i = 0; i < s->nhosts; i++) {
		const struct wall_host *w = &s->hosts[i];

		s->online += w->up;
		s->running += w->running;
		s->desktops += w->desktops;
		if (w->cpu_pct >= 0) {
			cpu += w->cpu_pct;
			ncpu++;
		}
		if (w->mem_frac >= 0) {
			used += w->mem_frac * (double)hs[i]->memory_kib;
			total += (double)hs[i]->memory_kib;
		}
	}
	if (ncpu > 0)
		s->cpu_pct = cpu / (double)ncpu;
	if (total > 0)
		s->mem_frac = used / total;
}

void wall_snap_take(struct wall_snap *s, const struct config *cfg, int ascii)
{
	struct m_host **hs;
	char **followed;
	size_t i, nfollowed;
	int64_t now = util_now_ms();

	memset(s, 0, sizeof *s);
	followed = followed_uuids(&nfollowed);
	model_lock();
	hs = wall_hosts(cfg, &s->nhosts);
	s->hosts = xcalloc(s->nhosts + 1, sizeof *s->hosts);
	for (i = 0; i < s->nhosts; i++)
		take_host(&s->hosts[i], hs[i], cfg, ascii, now);
	take_desktops(s, ascii);
	totals(s, (const struct m_host *const *)hs);
	for (i = 0; i < s->nhosts; i++) {
		take_host_conds(s, &s->hosts[i]);
		take_pools(s, hs[i], cfg, ascii);
	}
	take_desktop_jobs(s, ascii, (const char *const *)followed, nfollowed);
	take_jobs(s, ascii);	/* the job lock after the model's */
	model_unlock();
	for (i = 0; i < nfollowed; i++)
		free(followed[i]);
	free(followed);
	free(hs);
}

void wall_snap_free(struct wall_snap *s)
{
	size_t i;

	for (i = 0; i < s->nhosts; i++) {
		free(s->hosts[i].name);
		free(s->hosts[i].error);
		free(s->hosts[i].job);
	}
	free(s->hosts);
	for (i = 0; i < s->njobs; i++)
		free(s->jobs[i].text);
	free(s->jobs);
	for (i = 0; i < s->nconds; i++) {
		free(s->conds[i].key);
		free(s->conds[i].text);
	}
	free(s->conds);
	memset(s, 0, sizeof *s);
}
