/* place.c — which hosts may do what: role, maintenance and state decide,
 * the seed system's balancer orders (see place.h). */
#include "core/place.h"
#include "core/capacity.h"
#include "core/cpufit.h"
#include "core/model.h"
#include "core/util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* What each role allows, by enum place_what; and how a refusal says it. */
static const struct {
	int allowed[3];
	const char *refusal[3];
} roles[] = {
	[ROLE_MIXED] = { { 1, 1, 1 }, { NULL, NULL, NULL } },
	[ROLE_HYPERVISOR] = { { 1, 1, 0 },
	    { NULL, NULL, "it does no disk operations" } },
	[ROLE_DISK] = { { 0, 0, 1 },
	    { "it runs no desktops", "it receives no migrations", NULL } },
};

int place_role_allows(enum host_role role, enum place_what what)
{
	if ((size_t)role >= sizeof roles / sizeof roles[0] || what > PLACE_DISK)
		return 0;
	return roles[role].allowed[what];
}

char *place_refusal(const struct m_host *h, enum place_what what)
{
	if (!place_role_allows(h->role, what))
		return xasprintf("%s has role %s: %s", h->name,
		    config_role_name(h->role),
		    (size_t)h->role < sizeof roles / sizeof roles[0] &&
		    what <= PLACE_DISK && roles[h->role].refusal[what] != NULL ?
		    roles[h->role].refusal[what] : "not allowed");
	if (h->maintenance)
		return xasprintf("%s is in maintenance", h->name);
	if (h->state != HOST_ONLINE)
		return xasprintf("%s is %s", h->name,
		    model_host_state_name(h->state));
	return NULL;
}

char *place_capacity_text(const struct m_host *h)
{
	struct cap_host c;
	char *used, *total, *res, *room, *s;

	capacity_host(h, &c);
	used = capacity_kib((int64_t)c.committed_kib);
	total = capacity_kib((int64_t)c.memory_kib);
	res = capacity_kib((int64_t)c.reserve_kib);
	room = capacity_kib(c.headroom_kib);
	s = xasprintf("%s: %zu running desktop%s, %u vCPUs on %u CPUs (ratio "
	    "%.2f), %s of %s committed, memory_reserve %s, headroom %s",
	    h->name, c.running, c.running == 1 ? "" : "s", c.vcpus, c.cpus,
	    capacity_ratio(&c), used, total, res, room);
	free(used);
	free(total);
	free(res);
	free(room);
	capacity_host_free(&c);
	return s;
}

char *place_fit_refusal(const struct m_host *h, unsigned vcpus,
    int64_t more_kib)
{
	struct cap_host c;
	char *why;

	capacity_host(h, &c);
	why = capacity_refusal(&c, vcpus, more_kib);
	capacity_host_free(&c);
	return why;
}

char *place_refusal_for(const struct m_host *h, enum place_what what,
    const struct m_desktop *d)
{
	char *why = place_refusal(h, what);

	if (why == NULL && d != NULL && what != PLACE_DISK)
		why = cpufit_refusal(h, d);
	return why;
}

char *place_why_none(enum place_what what, unsigned except,
    const struct m_desktop *d)
{
	struct m_host **hosts;
	size_t n, i;
	char *why = NULL, *r, *tmp;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (hosts[i]->id == except)
			continue;
		if ((r = place_refusal_for(hosts[i], what, d)) == NULL)
			continue;
		tmp = why == NULL ? xstrdup(r) : xasprintf("%s; %s", why, r);
		free(why);
		free(r);
		why = tmp;
	}
	return why != NULL ? why : xstrdup("there is no other host");
}

/* Sorting needs the hosts and what they are ranked for. */
struct ranked {
	const struct m_host *h;
	enum place_what what;
};

static int by_rank(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->what == PLACE_DISK) {
		/* least load first; an unknown load (-1) goes last */
		int ua = a->h->cpu_pct < 0, ub = b->h->cpu_pct < 0;

		if (ua != ub)
			return ua - ub;
		if (!ua && a->h->cpu_pct != b->h->cpu_pct)
			return a->h->cpu_pct < b->h->cpu_pct ? -1 : 1;
	} else if (a->h->free_kib != b->h->free_kib) {
		return a->h->free_kib > b->h->free_kib ? -1 : 1;
	}
	return strcmp(a->h->name, b->h->name);
}

size_t place_hosts(enum place_what what, unsigned except, unsigned **ids)
{
	return place_hosts_for(what, except, NULL, ids);
}

size_t place_hosts_for(enum place_what what, unsigned except,
    const char *uuid, unsigned **ids)
{
	struct m_host **hosts;
	const struct m_desktop *d;
	struct ranked *r;
	size_t n, i, k = 0;
	char *why;

	*ids = NULL;
	model_lock();
	d = uuid != NULL ? model_desktop(uuid) : NULL;
	hosts = model_hosts(&n);
	r = xcalloc(n + 1, sizeof *r);
	for (i = 0; i < n; i++) {
		if (hosts[i]->id == except)
			continue;
		if ((why = place_refusal_for(hosts[i], what, d)) != NULL) {
			free(why);
			continue;
		}
		r[k].h = hosts[i];
		r[k++].what = what;
	}
	qsort(r, k, sizeof *r, by_rank);
	if (k > 0)
		*ids = xcalloc(k, sizeof **ids);
	for (i = 0; i < k; i++)
		(*ids)[i] = r[i].h->id;
	model_unlock();
	free(r);
	return k;
}

/* ---- a drain's plan ---- */

/* A host that may receive the drained desktops, and what the plan has
 * given it so far. */
struct dest {
	const struct m_host *h;
	uint64_t planned_kib;
};

/* Free memory left on d after what is planned (0 when overcommitted). */
static uint64_t dest_left(const struct dest *d)
{
	return d->h->free_kib > d->planned_kib ?
	    d->h->free_kib - d->planned_kib : 0;
}

static int in_list(const char *name, char *const *to, size_t nto)
{
	size_t i;

	for (i = 0; i < nto; i++)
		if (strcmp(to[i], name) == 0)
			return 1;
	return 0;
}

/* Lock held. The hosts that may receive src's desktops into *dests;
 * *refused (caller frees) the reasons of those that may not, "; "
 * separated (NULL: none). -1 with *cause for a name in `to` that is no
 * host. */
static int plan_dests(const struct m_host *src, char *const *to, size_t nto,
    struct dest **dests, size_t *n, char **refused, char **cause)
{
	struct m_host **hosts;
	size_t nh, i;
	char *why, *t;

	for (i = 0; i < nto; i++)
		if (model_host_by_name(to[i]) == NULL) {
			*cause = xasprintf("no host named %s", to[i]);
			return -1;
		}
	hosts = model_hosts(&nh);
	*dests = xcalloc(nh + 1, sizeof **dests);
	*n = 0;
	*refused = NULL;
	for (i = 0; i < nh; i++) {
		if (hosts[i] == src || (nto > 0 && !in_list(hosts[i]->name, to, nto)))
			continue;
		if ((why = place_refusal(hosts[i], PLACE_MIGRATE)) == NULL) {
			(*dests)[(*n)++].h = hosts[i];
			continue;
		}
		t = *refused == NULL ? why : xasprintf("%s; %s", *refused, why);
		if (t != why)
			free(why);
		free(*refused);
		*refused = t;
	}
	return 0;
}

/* The destination with the most memory left (ties by name) among those
 * that can run desk's CPU (cpufit.h; desk NULL: all), NULL when there is
 * none; *cpu (caller frees) the CPU refusals met, "; " separated. */
static struct dest *most_left(struct dest *d, size_t n,
    const struct m_desktop *desk, char **cpu)
{
	struct dest *best = NULL;
	char *why, *t;
	size_t i;

	for (i = 0; i < n; i++) {
		if (desk != NULL && (why = cpufit_refusal(d[i].h, desk)) != NULL) {
			t = *cpu == NULL ? why : xasprintf("%s; %s", *cpu, why);
			if (t != why)
				free(why);
			free(*cpu);
			*cpu = t;
			continue;
		}
		if (best == NULL || dest_left(&d[i]) > dest_left(best) ||
		    (dest_left(&d[i]) == dest_left(best) &&
		    strcmp(d[i].h->name, best->h->name) < 0))
			best = &d[i];
	}
	return best;
}

/* Place one desktop needing mv->need_kib (0: a definition, no memory).
 * Lock held. */
static void place_one(struct place_move *mv, struct dest *d, size_t n,
    const char *refused)
{
	char *cpu = NULL;
	struct dest *best = most_left(d, n, model_desktop(mv->uuid), &cpu);
	uint64_t reserve;

	if (best == NULL) {
		mv->why = cpu != NULL ? xasprintf("no host can run its CPU (%s)",
		    cpu) : xasprintf("no host may receive it%s%s%s",
		    refused != NULL ? " (" : "", refused != NULL ? refused : "",
		    refused != NULL ? ")" : "");
		free(cpu);
		return;
	}
	free(cpu);
	reserve = mv->need_kib > 0 ? best->h->memory_reserve_kib : 0;
	if (dest_left(best) < mv->need_kib + reserve) {
		mv->why = xasprintf("needs %llu MiB (+%llu MiB reserve) and the "
		    "most any host has left is %llu MiB (%s)",
		    (unsigned long long)(mv->need_kib / 1024),
		    (unsigned long long)(reserve / 1024),
		    (unsigned long long)(dest_left(best) / 1024), best->h->name);
		return;
	}
	best->planned_kib += mv->need_kib;
	mv->dest_id = best->h->id;
	mv->dest = xstrdup(best->h->name);
	mv->dest_free_kib = dest_left(best);
}

static int by_need(const void *pa, const void *pb)
{
	const struct place_move *a = pa, *b = pb;

	if (a->need_kib != b->need_kib)
		return a->need_kib > b->need_kib ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Lock held. src's desktops: running ones into p->moves, shut-off ones
 * defined there into p->defined. */
static void plan_collect(const struct m_host *src, struct place_plan *p)
{
	struct m_desktop **ds;
	struct place_move *mv;
	size_t n, i, k;

	ds = model_desktops(&n);
	p->moves = xcalloc(n + 1, sizeof *p->moves);
	p->defined = xcalloc(n + 1, sizeof *p->defined);
	for (i = 0; i < n; i++)
		for (k = 0; k < ds[i]->nplaces; k++) {
			const struct m_place *pl = &ds[i]->places[k];

			if (pl->host_id != src->id)
				continue;
			if (model_place_live(pl))
				mv = &p->moves[p->nmoves++];
			else if (pl->persistent)
				mv = &p->defined[p->ndefined++];
			else
				continue;
			snprintf(mv->uuid, sizeof mv->uuid, "%s", ds[i]->uuid);
			mv->name = xstrdup(ds[i]->name);
			mv->need_kib = ds[i]->xml.max_memory_kib > ds[i]->xml.memory_kib ?
			    ds[i]->xml.max_memory_kib : ds[i]->xml.memory_kib;
		}
}

int place_drain_plan(const char *host, char *const *to, size_t nto,
    struct place_plan *out, char **cause)
{
	const struct m_host *src;
	struct dest *dests = NULL;
	char *refused = NULL;
	size_t nd = 0, i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	model_lock();
	if ((src = model_host_by_name(host)) == NULL)
		*cause = xasprintf("no host named %s", host);
	else if (plan_dests(src, to, nto, &dests, &nd, &refused, cause) == 0) {
		out->src_id = src->id;
		out->src = xstrdup(src->name);
		plan_collect(src, out);
		qsort(out->moves, out->nmoves, sizeof *out->moves, by_need);
		for (i = 0; i < out->nmoves; i++) {
			place_one(&out->moves[i], dests, nd, refused);
			out->unplaced += out->moves[i].dest_id == 0;
		}
		qsort(out->defined, out->ndefined, sizeof *out->defined, by_need);
		for (i = 0; i < out->ndefined; i++) {
			out->defined[i].need_kib = 0;   /* shut off: no memory */
			place_one(&out->defined[i], dests, nd, refused);
		}
		rc = 0;
	}
	model_unlock();
	free(dests);
	free(refused);
	return rc;
}

static void moves_free(struct place_move *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].dest);
		free(m[i].why);
	}
	free(m);
}

void place_plan_free(struct place_plan *p)
{
	if (p == NULL)
		return;
	moves_free(p->moves, p->nmoves);
	moves_free(p->defined, p->ndefined);
	free(p->src);
	memset(p, 0, sizeof *p);
}
