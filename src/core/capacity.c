/* capacity.c — the cluster's capacity, derived from the model when asked
 * (capacity.h): one walk of the desktops for the hosts, one of the pools,
 * shared pools counted once. */
#include "core/capacity.h"
#include "core/model.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* Lock held. The model's counters say how many run; the sizes are
 * summed over the desktops that count as running here. */
static void host_sums(const struct m_host *h, struct cap_host *c)
{
	struct m_desktop **ds;
	size_t n, i;

	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		if (ds[i]->run_host != h->id)
			continue;
		c->vcpus += ds[i]->xml.vcpus;
		c->committed_kib += ds[i]->xml.max_memory_kib;
	}
}

/* Lock held. c's fields from h, without the sums. */
static void host_facts(const struct m_host *h, struct cap_host *c)
{
	memset(c, 0, sizeof *c);
	c->id = h->id;
	c->name = xstrdup(h->name);
	c->state = model_host_state_name(h->state);
	c->maintenance = h->maintenance;
	c->cpus = h->cpus;
	c->memory_kib = h->memory_kib;
	c->reserve_kib = h->memory_reserve_kib;
	c->running = h->running;
}

static void headroom(struct cap_host *c)
{
	c->headroom_kib = (int64_t)c->memory_kib - (int64_t)c->reserve_kib -
	    (int64_t)c->committed_kib;
}

void capacity_host(const struct m_host *h, struct cap_host *c)
{
	host_facts(h, c);
	host_sums(h, c);
	headroom(c);
}

/* Lock held. Every host's sums in one walk of the desktops (the view
 * redraws with the model: not one walk per host). */
static void all_sums(struct cap_host *c, size_t nh)
{
	struct m_desktop **ds;
	unsigned max = 0, *slot;
	size_t n, i;

	for (i = 0; i < nh; i++)
		if (c[i].id > max)
			max = c[i].id;
	slot = xcalloc((size_t)max + 1, sizeof *slot);
	for (i = 0; i < nh; i++)
		slot[c[i].id] = (unsigned)i + 1;
	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		unsigned at = ds[i]->run_host <= max ? slot[ds[i]->run_host] : 0;

		if (ds[i]->run_host == 0 || at == 0)
			continue;
		c[at - 1].vcpus += ds[i]->xml.vcpus;
		c[at - 1].committed_kib += ds[i]->xml.max_memory_kib;
	}
	for (i = 0; i < nh; i++)
		headroom(&c[i]);
	free(slot);
}

void capacity_host_free(struct cap_host *c)
{
	free(c->name);
	c->name = NULL;
}

/* Lock held. The pools of every host, a shared one (same share key)
 * once, under the first host that has it. */
static void pools_read(struct capacity *out)
{
	struct m_host **hosts;
	size_t nh, i, k, j;

	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *p = hosts[i]->pools[k];
			struct cap_pool *c = NULL;

			for (j = 0; p->share_key != NULL && j < out->npools; j++)
				if (out->pools[j].share_key != NULL &&
				    strcmp(out->pools[j].share_key, p->share_key) == 0)
					c = &out->pools[j];
			if (c != NULL) {
				c->nhosts++;
				continue;
			}
			out->pools = xreallocarray(out->pools, out->npools + 1,
			    sizeof *out->pools);
			c = &out->pools[out->npools++];
			memset(c, 0, sizeof *c);
			c->name = xstrdup(p->name);
			c->share_key = xstrdup(p->share_key);
			c->host = xstrdup(hosts[i]->name);
			c->nhosts = 1;
			c->capacity = p->capacity;
			c->allocation = p->allocation;
			c->available = p->available;
			c->percent = p->capacity > 0 ? (int)(p->allocation * 100 /
			    p->capacity) : 0;
			c->warn = c->percent >= out->warn_percent;
		}
}

static int by_headroom(const void *pa, const void *pb)
{
	const struct cap_host *a = pa, *b = pb;

	if (a->headroom_kib != b->headroom_kib)
		return a->headroom_kib < b->headroom_kib ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int by_fill(const void *pa, const void *pb)
{
	const struct cap_pool *a = pa, *b = pb;
	int c;

	if (a->percent != b->percent)
		return a->percent > b->percent ? -1 : 1;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	return strcmp(a->host, b->host);
}

void capacity_read(struct capacity *out, int warn_percent)
{
	struct m_host **hosts;
	size_t n, i;

	memset(out, 0, sizeof *out);
	out->warn_percent = warn_percent;
	model_lock();
	hosts = model_hosts(&n);
	out->hosts = xcalloc(n + 1, sizeof *out->hosts);
	for (i = 0; i < n; i++)
		host_facts(hosts[i], &out->hosts[i]);
	out->nhosts = n;
	all_sums(out->hosts, n);
	pools_read(out);
	model_unlock();
	qsort(out->hosts, out->nhosts, sizeof *out->hosts, by_headroom);
	if (out->npools > 0)
		qsort(out->pools, out->npools, sizeof *out->pools, by_fill);
}

void capacity_free(struct capacity *c)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		capacity_host_free(&c->hosts[i]);
	for (i = 0; i < c->npools; i++) {
		free(c->pools[i].name);
		free(c->pools[i].host);
		free(c->pools[i].share_key);
	}
	free(c->hosts);
	free(c->pools);
	memset(c, 0, sizeof *c);
}

double capacity_ratio(const struct cap_host *c)
{
	return c->cpus > 0 ? (double)c->vcpus / c->cpus : 0;
}

char *capacity_kib(int64_t kib)
{
	int64_t a = kib < 0 ? -kib : kib;

	if (a >= 1024 * 1024)
		return xasprintf("%.1f GiB", (double)kib / (1024.0 * 1024));
	return xasprintf("%lld MiB", (long long)(kib / 1024));
}

char *capacity_refusal(const struct cap_host *c, unsigned vcpus,
    int64_t more_kib)
{
	char *total, *used, *res, *more, *room, *s;

	if (c->cpus > 0 && vcpus > c->cpus)
		return xasprintf("%s has %u CPUs: a desktop of %u vCPUs does "
		    "not fit (%u vCPUs run there, ratio %.2f)", c->name, c->cpus,
		    vcpus, c->vcpus, capacity_ratio(c));
	if (c->memory_kib == 0 || more_kib <= c->headroom_kib)
		return NULL;
	total = capacity_kib((int64_t)c->memory_kib);
	used = capacity_kib((int64_t)c->committed_kib);
	res = capacity_kib((int64_t)c->reserve_kib);
	more = capacity_kib(more_kib);
	room = capacity_kib(c->headroom_kib);
	s = xasprintf("%s: %s of %s committed to %zu running desktop%s, "
	    "memory_reserve %s: %s more does not fit (headroom %s)", c->name,
	    used, total, c->running, c->running == 1 ? "" : "s", res, more, room);
	free(total);
	free(used);
	free(res);
	free(more);
	free(room);
	return s;
}
