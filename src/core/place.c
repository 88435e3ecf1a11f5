/* place.c — which hosts may do what: role, maintenance and state decide,
 * the seed system's balancer orders (see place.h). */
#include "core/place.h"
#include "core/cpufit.h"
#include "core/model.h"
#include "core/util.h"

#include <stdlib.h>
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
