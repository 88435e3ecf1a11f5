/* vol-deps.c — the volumes of the model indexed by (path, scope), each
 * linked to the volume it is backed by, and the walks over those links
 * that answer what depends on a volume and what its chain is. Built
 * afresh for each question (and each build of the volumes pane), under
 * the model lock: the model changes under every event. */
#include "act/vol-deps.h"
#include "core/model.h"
#include "core/util.h"
#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int scope_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int node_cmp(const void *a, const void *b)
{
	const struct vol_node *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c != 0 ? c : scope_cmp(x->scope, y->scope);
}

static int node_order_cmp(const void *a, const void *b)
{
	const struct vol_node *x = a, *y = b;
	int c = node_cmp(x, y);

	return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vol_node *)a)->path,
	    ((const struct vol_node *)b)->path);
}

long vol_index_find(const struct vol_index *ix, const char *path,
    const char *scope, int any)
{
	struct vol_node probe;
	const struct vol_node *hit;

	if (path == NULL || ix->count == 0)
		return -1;
	memset(&probe, 0, sizeof probe);
	probe.path = (char *)path;
	probe.scope = scope;
	hit = bsearch(&probe, ix->n, ix->count, sizeof *ix->n,
	    any ? path_cmp : node_cmp);
	return hit != NULL ? hit - ix->n : -1;
}

/* The volume at path as host `host` sees it (NULL: shared storage first). */
static long find_seen(const struct vol_index *ix, const char *path,
    const char *host)
{
	long k = -1;

	if (host != NULL)
		k = vol_index_find(ix, path, host, 0);
	if (k < 0)
		k = vol_index_find(ix, path, NULL, 0);
	if (k < 0 && host == NULL)
		k = vol_index_find(ix, path, NULL, 1);
	return k;
}

void vol_index_build(struct vol_index *ix)
{
	struct m_host **hosts;
	size_t nh, i, k, v, total = 0, kept;

	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++)
			total += hosts[i]->pools[k]->nvols;
	ix->n = xcalloc(total + 1, sizeof *ix->n);
	ix->count = 0;
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *p = hosts[i]->pools[k];

			for (v = 0; v < p->nvols; v++) {
				struct vol_node *nd = &ix->n[ix->count];

				nd->h = hosts[i];
				nd->p = p;
				nd->v = &p->vols[v];
				nd->scope = p->share_key != NULL ? NULL : hosts[i]->name;
				nd->path = text_normalise_path(nd->v->path != NULL ?
				    nd->v->path : nd->v->name);
				nd->backing = text_normalise_path(nd->v->backing_path);
				nd->order = ix->count++;
			}
		}
	qsort(ix->n, ix->count, sizeof *ix->n, node_order_cmp);
	for (i = 0, kept = 0; i < ix->count; i++) {
		if (kept > 0 && node_cmp(&ix->n[kept - 1], &ix->n[i]) == 0) {
			free(ix->n[i].path);
			free(ix->n[i].backing);
			continue;
		}
		ix->n[kept++] = ix->n[i];
	}
	ix->count = kept;
	for (i = 0; i < ix->count; i++)
		ix->n[i].backer = ix->n[i].backing == NULL ? -1 :
		    find_seen(ix, ix->n[i].backing, ix->n[i].scope);
}

void vol_index_free(struct vol_index *ix)
{
	size_t i;

	for (i = 0; i < ix->count; i++) {
		free(ix->n[i].path);
		free(ix->n[i].backing);
	}
	free(ix->n);
}

/* How many steps down node i's chain t is (1: its backer), 0: not there.
 * seen is scratch of ix->count bytes. */
static unsigned depth_to(const struct vol_index *ix, long i, long t, char *seen)
{
	unsigned d = 0;
	long k;

	memset(seen, 0, ix->count);
	seen[i] = 1;
	for (k = ix->n[i].backer; k >= 0 && !seen[k]; k = ix->n[k].backer) {
		d++;
		if (k == t)
			return d;
		seen[k] = 1;
	}
	return 0;
}

static int dep_cmp(const void *a, const void *b)
{
	const struct vol_dep_volume *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return strcmp(x->path, y->path);
}

static void add_volume(struct vol_deps *out, const struct vol_node *nd,
    unsigned depth)
{
	struct vol_dep_volume *w;

	out->volumes = xreallocarray(out->volumes, out->nvolumes + 1,
	    sizeof *out->volumes);
	w = &out->volumes[out->nvolumes++];
	w->host = xstrdup(nd->h->name);
	w->pool = xstrdup(nd->p->name);
	w->name = xstrdup(nd->v->name);
	w->path = xstrdup(nd->path);
	w->depth = depth;
}

static void dependent_volumes(const struct vol_index *ix, long t,
    struct vol_deps *out)
{
	char *seen = xcalloc(ix->count + 1, 1);
	size_t i;
	unsigned d;

	for (i = 0; i < ix->count; i++)
		if ((long)i != t && (d = depth_to(ix, (long)i, t, seen)) > 0)
			add_volume(out, &ix->n[i], d);
	free(seen);
	if (out->nvolumes > 1)
		qsort(out->volumes, out->nvolumes, sizeof *out->volumes, dep_cmp);
}

/* The path and scope of volume vol of pool `pool` on host h (a volume
 * disk's "POOL/VOL"), or NULL. */
static const char *volume_path(const struct m_host *h, const char *pool,
    size_t poollen, const char *vol, const char **scope)
{
	size_t i, k;

	for (i = 0; h != NULL && i < h->npools; i++) {
		const struct m_pool *p = h->pools[i];

		if (strlen(p->name) != poollen || strncmp(p->name, pool, poollen) != 0)
			continue;
		for (k = 0; k < p->nvols; k++)
			if (strcmp(p->vols[k].name, vol) == 0) {
				*scope = p->share_key != NULL ? NULL : h->name;
				return p->vols[k].path;
			}
	}
	return NULL;
}

/* The volume a disk source names on host h alone: a path among h's local
 * volumes, "POOL/VOL" in h's pool of that name. -1 when none. */
static long host_node(const struct vol_index *ix, const struct m_host *h,
    const char *source)
{
	const char *slash = strchr(source, '/'), *vpath, *scope = h->name;
	char *path;
	long hit;

	if (source[0] == '/')
		path = text_normalise_path(source);
	else if (slash != NULL && (vpath = volume_path(h, source,
	    (size_t)(slash - source), slash + 1, &scope)) != NULL)
		path = text_normalise_path(vpath);
	else
		return -1;
	hit = vol_index_find(ix, path, scope, 0);
	free(path);
	return hit;
}

/* A path no host holds as its own: the volume of shared storage, or -1. */
static long shared_node(const struct vol_index *ix, const char *source)
{
	char *path;
	long hit;

	if (source[0] != '/')
		return -1;
	path = text_normalise_path(source);
	hit = vol_index_find(ix, path, NULL, 0);
	free(path);
	return hit;
}

/* The volume a disk source names, seen from desktop d's hosts: "POOL/VOL"
 * (a volume disk) or a path. -1 when it is no known volume. */
static long disk_node(const struct vol_index *ix, const struct m_desktop *d,
    const char *source)
{
	size_t k;
	long hit = -1;

	for (k = 0; k < d->nplaces && hit < 0; k++) {
		const struct m_host *h = model_host(d->places[k].host_id);

		if (h != NULL)
			hit = host_node(ix, h, source);
	}
	return hit >= 0 ? hit : shared_node(ix, source);
}

char *vol_deps_disk_path(const struct m_desktop *d, const char *source)
{
	const char *slash = strchr(source, '/'), *vpath = NULL, *scope;
	size_t k;

	for (k = 0; source[0] != '/' && slash != NULL && vpath == NULL &&
	    k < d->nplaces; k++)
		vpath = volume_path(model_host(d->places[k].host_id), source,
		    (size_t)(slash - source), slash + 1, &scope);
	return text_normalise_path(vpath != NULL ? vpath : source);
}

/* Whether desktop d can see node t's file at all (a local file is its
 * host's desktops' only). */
static int sees(const struct m_desktop *d, const struct vol_node *t)
{
	size_t k;

	if (t->scope == NULL)
		return 1;
	for (k = 0; k < d->nplaces; k++)
		if (d->places[k].host_id == t->h->id)
			return 1;
	return 0;
}

/* Does this disk use node t: 0 no, 1 it is t, 2 through an overlay. */
static int disk_uses(const struct vol_index *ix, const struct m_desktop *d,
    const struct xml_disk *disk, long t, char *seen)
{
	long k;
	size_t i;
	int hit = 0;

	if (disk->source == NULL)
		return 0;
	k = disk_node(ix, d, disk->source);
	if (k == t)
		return 1;
	if (k >= 0)
		return depth_to(ix, k, t, seen) > 0 ? 2 : 0;
	/* no volume hvdeck knows: the chain the running domain reports */
	for (i = 0; i < disk->nbacking && !hit && sees(d, &ix->n[t]); i++) {
		char *b = text_normalise_path(disk->backing[i]);

		hit = b != NULL && strcmp(b, ix->n[t].path) == 0;
		free(b);
	}
	return hit ? 2 : 0;
}

static int desk_cmp(const void *a, const void *b)
{
	return text_natural_cmp(((const struct vol_dep_desktop *)a)->name,
	    ((const struct vol_dep_desktop *)b)->name);
}

static void using_desktops(const struct vol_index *ix, long t,
    struct vol_deps *out)
{
	struct m_desktop **ds;
	char *seen = xcalloc(ix->count + 1, 1);
	size_t n, i, k;

	ds = model_desktops(&n);
	for (i = 0; i < n; i++) {
		const struct xml_disk *via = NULL;
		const struct m_place *pl;
		struct vol_dep_desktop *w;
		int direct = 0, u;

		for (k = 0; k < ds[i]->xml.ndisks && !direct; k++) {
			u = disk_uses(ix, ds[i], &ds[i]->xml.disks[k], t, seen);
			if (u == 1)
				direct = 1;
			else if (u == 2 && via == NULL)
				via = &ds[i]->xml.disks[k];
		}
		if (!direct && via == NULL)
			continue;
		out->desktops = xreallocarray(out->desktops, out->ndesktops + 1,
		    sizeof *out->desktops);
		w = &out->desktops[out->ndesktops++];
		memset(w, 0, sizeof *w);
		snprintf(w->uuid, sizeof w->uuid, "%s", ds[i]->uuid);
		w->name = xstrdup(ds[i]->name != NULL ? ds[i]->name : ds[i]->uuid);
		pl = model_desktop_place(ds[i]);
		if (pl != NULL && model_host(pl->host_id) != NULL)
			w->host = xstrdup(model_host(pl->host_id)->name);
		w->live = pl != NULL && model_place_live(pl);
		w->via = direct ? NULL : xstrdup(via->source);
	}
	free(seen);
	if (out->ndesktops > 1)
		qsort(out->desktops, out->ndesktops, sizeof *out->desktops,
		    desk_cmp);
}

/* Hosts that have node t's storage and are not online, or, for shared
 * storage, are not online and were never read (a command line run while
 * a host is down never learns its pools: it may have this one). */
static void offline_sharers(const struct vol_node *t, struct vol_deps *out)
{
	struct m_host **hosts;
	size_t n, i, k;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		int has = 0;

		if (hosts[i]->state == HOST_ONLINE ||
		    hosts[i]->state == HOST_READONLY)
			continue;
		if (t->scope != NULL)
			has = hosts[i] == t->h;
		else
			has = hosts[i]->npools == 0 && !hosts[i]->ever_online;
		for (k = 0; t->scope == NULL && k < hosts[i]->npools; k++)
			has |= hosts[i]->pools[k]->share_key != NULL &&
			    strcmp(hosts[i]->pools[k]->share_key,
			    t->p->share_key) == 0;
		if (!has)
			continue;
		out->offline = xreallocarray(out->offline, out->noffline + 1,
		    sizeof *out->offline);
		out->offline[out->noffline++] = xstrdup(hosts[i]->name);
	}
}

static void deps_fill(const struct vol_index *ix, long t, struct vol_deps *out)
{
	memset(out, 0, sizeof *out);
	dependent_volumes(ix, t, out);
	using_desktops(ix, t, out);
	offline_sharers(&ix->n[t], out);
}

/* The node of pool/name as host_id sees it (0: any host). */
static long find_named(const struct vol_index *ix, unsigned host_id,
    const char *pool, const char *name)
{
	size_t i, best = ix->count;

	for (i = 0; i < ix->count; i++) {
		const struct vol_node *nd = &ix->n[i];

		if (strcmp(nd->p->name, pool) != 0 ||
		    strcmp(nd->v->name, name) != 0)
			continue;
		if (host_id == 0 || nd->h->id == host_id)
			return (long)i;
		if (nd->scope == NULL && best == ix->count)
			best = i;	/* shared: one volume, seen through another host */
	}
	/* a shared pool's volume kept under another host's view: host_id
	 * sees it when it has a pool with that share key */
	if (best < ix->count) {
		const struct m_host *h = model_host(host_id);

		for (i = 0; h != NULL && i < h->npools; i++)
			if (h->pools[i]->share_key != NULL &&
			    strcmp(h->pools[i]->share_key,
			    ix->n[best].p->share_key) == 0 &&
			    strcmp(h->pools[i]->name, pool) == 0)
				return (long)best;
	}
	return -1;
}

int vol_deps_of(unsigned host_id, const char *pool, const char *name,
    struct vol_deps *out, char **cause)
{
	struct vol_index ix;
	long t;

	memset(out, 0, sizeof *out);
	vol_index_build(&ix);
	t = find_named(&ix, host_id, pool, name);
	if (t >= 0)
		deps_fill(&ix, t, out);
	else
		*cause = xasprintf("no volume %s in pool %s", name, pool);
	vol_index_free(&ix);
	return t >= 0 ? 0 : -1;
}

/* Whether desktop d writes node t where it is live: a disk it may write
 * (not read-only or shareable, not a CD) that is t as the live place's
 * host sees it. Why, naming the desktop, its state and host; else NULL. */
static char *writes(const struct vol_index *ix, const struct m_desktop *d,
    long t, const char *what)
{
	size_t p, k;

	for (p = 0; p < d->nplaces; p++) {
		const struct m_place *pl = &d->places[p];
		const struct m_host *h = model_host(pl->host_id);

		if (h == NULL || !model_place_live(pl))
			continue;
		for (k = 0; k < d->xml.ndisks; k++) {
			const struct xml_disk *dk = &d->xml.disks[k];
			long at;

			if (dk->source == NULL || dk->readonly || (dk->device != NULL &&
			    strcmp(dk->device, "cdrom") == 0))
				continue;
			if ((at = host_node(ix, h, dk->source)) < 0)
				at = shared_node(ix, dk->source);
			if (at == t)
				return xasprintf("%s is written by desktop %s %s on %s: "
				    "shut it down first", what, d->name,
				    model_state_name(pl->state), h->name);
		}
	}
	return NULL;
}

char *vol_deps_writer(unsigned host_id, const char *pool, const char *name)
{
	struct vol_index ix;
	struct m_desktop **ds;
	char *why = NULL;
	size_t n, i;
	long t;

	vol_index_build(&ix);
	t = find_named(&ix, host_id, pool, name);
	ds = model_desktops(&n);
	for (i = 0; t >= 0 && i < n && why == NULL; i++)
		why = writes(&ix, ds[i], t, name);
	vol_index_free(&ix);
	return why;
}

/* The host name of host_id, NULL for 0 or unknown. */
static const char *host_name(unsigned host_id)
{
	const struct m_host *h = host_id != 0 ? model_host(host_id) : NULL;

	return h != NULL ? h->name : NULL;
}

int vol_deps_of_path(unsigned host_id, const char *path,
    struct vol_deps *out, char **cause)
{
	struct vol_index ix;
	char *norm = text_normalise_path(path);
	long t;

	memset(out, 0, sizeof *out);
	vol_index_build(&ix);
	t = find_seen(&ix, norm, host_name(host_id));
	if (t >= 0)
		deps_fill(&ix, t, out);
	else
		*cause = xasprintf("no volume at %s", path);
	vol_index_free(&ix);
	free(norm);
	return t >= 0 ? 0 : -1;
}

void vol_deps_free(struct vol_deps *d)
{
	size_t i;

	for (i = 0; i < d->nvolumes; i++) {
		free(d->volumes[i].host);
		free(d->volumes[i].pool);
		free(d->volumes[i].name);
		free(d->volumes[i].path);
	}
	free(d->volumes);
	for (i = 0; i < d->ndesktops; i++) {
		free(d->desktops[i].name);
		free(d->desktops[i].host);
		free(d->desktops[i].via);
	}
	free(d->desktops);
	for (i = 0; i < d->noffline; i++)
		free(d->offline[i]);
	free(d->offline);
	memset(d, 0, sizeof *d);
}

int vol_deps_blocking(const struct vol_deps *d)
{
	return d->nvolumes > 0 || d->ndesktops > 0 || d->noffline > 0;
}

/* s, then text (freeing s): a growing string. */
static char *cat(char *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static char *cat(char *s, const char *fmt, ...)
{
	va_list ap;
	char *more, *out;

	va_start(ap, fmt);
	more = xvasprintf(fmt, ap);
	va_end(ap);
	out = s != NULL ? xasprintf("%s%s", s, more) : xstrdup(more);
	free(s);
	free(more);
	return out;
}

char *vol_deps_volume_list(const struct vol_deps *d, size_t max)
{
	char *s = xstrdup("");
	size_t i;

	for (i = 0; i < d->nvolumes && (max == 0 || i < max); i++)
		s = cat(s, "%s%s/%s", i > 0 ? ", " : "", d->volumes[i].pool,
		    d->volumes[i].name);
	if (i < d->nvolumes)
		s = cat(s, " and %zu more", d->nvolumes - i);
	return s;
}

char *vol_deps_refusal(const char *what, const struct vol_deps *d)
{
	char *s, *list;
	size_t i;

	if (!vol_deps_blocking(d))
		return NULL;
	s = xasprintf("cannot delete %s:", what);
	if (d->nvolumes > 0) {
		list = vol_deps_volume_list(d, 8);
		s = cat(s, " volumes are derived from it: %s;", list);
		free(list);
	}
	if (d->ndesktops > 0) {
		s = cat(s, " desktops use it:");
		for (i = 0; i < d->ndesktops && i < 8; i++)
			s = cat(s, "%s %s%s%s%s", i > 0 ? "," : "",
			    d->desktops[i].name,
			    d->desktops[i].via != NULL ? " (through " : "",
			    d->desktops[i].via != NULL ? d->desktops[i].via : "",
			    d->desktops[i].via != NULL ? ")" : "");
		if (i < d->ndesktops)
			s = cat(s, " and %zu more", d->ndesktops - i);
		s = cat(s, ";");
	}
	for (i = 0; i < d->noffline; i++)
		s = cat(s, " host %s, which has or may have its pool, is "
		    "offline: what depends on it there is unknown;", d->offline[i]);
	s[strlen(s) - 1] = '\0';	/* the last ';' */
	return s;
}

int vol_deps_is_parent(unsigned host_id, const char *path, char **dependents)
{
	struct vol_deps d;
	struct vol_index ix;
	const char *slash = strchr(path, '/'), *vpath, *scope = NULL;
	char *norm = NULL;
	size_t i;
	long t = -1;

	if (dependents != NULL)
		*dependents = NULL;
	memset(&d, 0, sizeof d);
	vol_index_build(&ix);
	if (path[0] == '/') {
		norm = text_normalise_path(path);
		t = find_seen(&ix, norm, host_name(host_id));
	} else if (slash != NULL && (vpath = volume_path(model_host(host_id),
	    path, (size_t)(slash - path), slash + 1, &scope)) != NULL) {
		norm = text_normalise_path(vpath);
		t = vol_index_find(&ix, norm, scope, 0);
	}
	for (i = 0; t >= 0 && i < ix.count; i++)
		if (ix.n[i].backer == t && (long)i != t)
			add_volume(&d, &ix.n[i], 1);
	vol_index_free(&ix);
	free(norm);
	if (d.nvolumes > 0 && dependents != NULL)
		*dependents = vol_deps_volume_list(&d, 8);
	i = d.nvolumes;
	vol_deps_free(&d);
	return i > 0;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

size_t vol_deps_chain(unsigned host_id, const char *path,
    struct vol_level **levels, enum vol_chain_end *end)
{
	struct vol_index ix;
	char *norm = text_normalise_path(path), *seen;
	size_t n = 0;
	long k, last = -1;

	*levels = NULL;
	*end = VCE_BASE;
	vol_index_build(&ix);
	seen = xcalloc(ix.count + 1, 1);
	for (k = find_seen(&ix, norm, host_name(host_id)); k >= 0 && !seen[k];
	    last = k, k = ix.n[k].backer) {
		const struct vol_node *nd = &ix.n[k];
		struct vol_level *l;

		seen[k] = 1;
		*levels = xreallocarray(*levels, n + 1, sizeof **levels);
		l = &(*levels)[n++];
		l->host = xstrdup(nd->h->name);
		l->pool = xstrdup(nd->p->name);
		l->name = xstrdup(nd->v->name);
		l->path = xstrdup(nd->path);
		l->format = dup_or_null(nd->v->format);
		l->capacity = nd->v->capacity;
		l->allocation = nd->v->allocation;
		l->backing_path = dup_or_null(nd->backing);
		l->backing_format = dup_or_null(nd->v->backing_format);
	}
	if (k >= 0)
		*end = VCE_LOOP;
	else if (last >= 0 && ix.n[last].backing != NULL)
		*end = VCE_UNKNOWN;
	free(seen);
	vol_index_free(&ix);
	free(norm);
	return n;
}

void vol_chain_free(struct vol_level *levels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(levels[i].host);
		free(levels[i].pool);
		free(levels[i].name);
		free(levels[i].path);
		free(levels[i].format);
		free(levels[i].backing_path);
		free(levels[i].backing_format);
	}
	free(levels);
}
