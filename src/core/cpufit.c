/* cpufit.c — the answers to "can host H run CPU definition K", the
 * hosts' host-model CPUs and the cluster's baselines (see cpufit.h). */
#include "core/cpufit.h"
#include "core/model.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One host's answer for one key. */
struct answer {
	unsigned host_id;
	enum cpufit v;
	char *reason;
	int asked;        /* a worker was asked and has not answered */
};

struct def {
	char *key;
	struct answer *a;
	size_t na;
};

struct hmodel {
	unsigned host_id;
	char *virt_type, *arch, *xml;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct def *defs;
static size_t ndefs;
static unsigned *asked_hosts;     /* hosts connected once: asked from now */
static size_t nasked_hosts;
static struct hmodel *models;
static size_t nmodels;
static struct cpufit_baseline *bases;
static size_t nbases;
static uint64_t generation;       /* bumped by every answer that changed */
static uint64_t models_gen;       /* bumped by every host-model change */

/* Lock held. The entry of key, made when make. */
static struct def *def_of(const char *key, int make)
{
	size_t i;

	for (i = 0; i < ndefs; i++)
		if (strcmp(defs[i].key, key) == 0)
			return &defs[i];
	if (!make)
		return NULL;
	defs = xreallocarray(defs, ndefs + 1, sizeof *defs);
	memset(&defs[ndefs], 0, sizeof defs[ndefs]);
	defs[ndefs].key = xstrdup(key);
	return &defs[ndefs++];
}

/* Lock held. The answer of host_id in d, made when missing. */
static struct answer *answer_of(struct def *d, unsigned host_id)
{
	size_t i;

	for (i = 0; i < d->na; i++)
		if (d->a[i].host_id == host_id)
			return &d->a[i];
	d->a = xreallocarray(d->a, d->na + 1, sizeof *d->a);
	memset(&d->a[d->na], 0, sizeof d->a[d->na]);
	d->a[d->na].host_id = host_id;
	return &d->a[d->na++];
}

size_t cpufit_want(const char *key, unsigned **ids)
{
	struct def *d;
	struct answer *a;
	size_t i, n = 0;

	*ids = NULL;
	if (key == NULL)
		return 0;
	pthread_mutex_lock(&lock);
	d = def_of(key, 1);
	/* the common case, every desktop of a fleet: nothing new */
	if (d->na < nasked_hosts) {
		*ids = xcalloc(nasked_hosts, sizeof **ids);
		for (i = 0; i < nasked_hosts; i++) {
			a = answer_of(d, asked_hosts[i]);
			if (a->asked || a->v != CPUFIT_UNKNOWN)
				continue;
			a->asked = 1;
			(*ids)[n++] = asked_hosts[i];
		}
	}
	pthread_mutex_unlock(&lock);
	if (n == 0) {
		free(*ids);
		*ids = NULL;
	}
	return n;
}

size_t cpufit_host_connected(unsigned host_id, char ***keys)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nasked_hosts && asked_hosts[i] != host_id; i++)
		;
	if (i == nasked_hosts) {
		asked_hosts = xreallocarray(asked_hosts, nasked_hosts + 1,
		    sizeof *asked_hosts);
		asked_hosts[nasked_hosts++] = host_id;
	}
	*keys = xcalloc(ndefs + 1, sizeof **keys);
	for (i = 0; i < ndefs; i++) {
		answer_of(&defs[i], host_id)->asked = 1;
		(*keys)[i] = xstrdup(defs[i].key);
	}
	i = ndefs;
	pthread_mutex_unlock(&lock);
	return i;
}

void cpufit_host_removed(unsigned host_id)
{
	size_t i, k;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ndefs; i++)
		for (k = 0; k < defs[i].na; k++)
			if (defs[i].a[k].host_id == host_id) {
				free(defs[i].a[k].reason);
				defs[i].a[k] = defs[i].a[--defs[i].na];
				break;
			}
	for (i = 0; i < nasked_hosts; i++)
		if (asked_hosts[i] == host_id) {
			asked_hosts[i] = asked_hosts[--nasked_hosts];
			break;
		}
	for (i = 0; i < nmodels;) {
		if (models[i].host_id != host_id) {
			i++;
			continue;
		}
		free(models[i].virt_type);
		free(models[i].arch);
		free(models[i].xml);
		models[i] = models[--nmodels];
	}
	generation++;
	pthread_mutex_unlock(&lock);
	model_wake();
}

uint64_t cpufit_generation(void)
{
	uint64_t g;

	pthread_mutex_lock(&lock);
	g = generation;
	pthread_mutex_unlock(&lock);
	return g;
}

void cpufit_answer(const char *key, unsigned host_id, enum cpufit v,
    const char *reason)
{
	struct answer *a;
	int changed;

	if (key == NULL)
		return;
	pthread_mutex_lock(&lock);
	a = answer_of(def_of(key, 1), host_id);
	a->asked = 0;
	/* unreachable: keep what the host said when it last could */
	changed = 0;
	if (v != CPUFIT_UNKNOWN) {
		changed = util_set_str(&a->reason, reason);
		changed |= a->v != v;
		a->v = v;
	}
	generation += changed != 0;
	pthread_mutex_unlock(&lock);
	if (changed)
		model_wake();
}

enum cpufit cpufit_get(const char *key, unsigned host_id, char **reason)
{
	struct def *d;
	enum cpufit v = CPUFIT_UNKNOWN;
	size_t i;

	if (reason != NULL)
		*reason = NULL;
	if (key == NULL)
		return CPUFIT_YES;
	pthread_mutex_lock(&lock);
	if ((d = def_of(key, 0)) != NULL)
		for (i = 0; i < d->na; i++)
			if (d->a[i].host_id == host_id) {
				v = d->a[i].v;
				if (reason != NULL)
					*reason = xstrdup(d->a[i].reason);
				break;
			}
	pthread_mutex_unlock(&lock);
	return v;
}

void cpufit_each(cpufit_each_fn *fn, void *ctx)
{
	size_t i, k;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ndefs; i++)
		for (k = 0; k < defs[i].na; k++)
			if (defs[i].a[k].v != CPUFIT_UNKNOWN)
				fn(defs[i].key, defs[i].a[k].host_id,
				    defs[i].a[k].v, defs[i].a[k].reason, ctx);
	pthread_mutex_unlock(&lock);
}

size_t cpufit_pending(void)
{
	size_t i, k, n = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ndefs; i++)
		for (k = 0; k < defs[i].na; k++)
			n += defs[i].a[k].asked != 0;
	pthread_mutex_unlock(&lock);
	return n;
}

void cpufit_host_model(unsigned host_id, const char *virt_type,
    const char *arch, const char *xml)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nmodels; i++)
		if (models[i].host_id == host_id &&
		    strcmp(models[i].virt_type, virt_type) == 0)
			break;
	if (i == nmodels && xml != NULL) {
		models = xreallocarray(models, nmodels + 1, sizeof *models);
		models[nmodels].host_id = host_id;
		models[nmodels].virt_type = xstrdup(virt_type);
		models[nmodels].arch = models[nmodels].xml = NULL;
		nmodels++;
	}
	models_gen++;
	if (i < nmodels && xml != NULL) {
		util_set_str(&models[i].arch, arch);
		util_set_str(&models[i].xml, xml);
	} else if (i < nmodels) {
		free(models[i].virt_type);
		free(models[i].arch);
		free(models[i].xml);
		models[i] = models[--nmodels];
	}
	pthread_mutex_unlock(&lock);
}

static int same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

size_t cpufit_baseline_hosts(unsigned **ids)
{
	struct m_host **hosts;
	size_t n, i, k = 0;

	model_lock();
	hosts = model_hosts(&n);
	*ids = xcalloc(n + 1, sizeof **ids);
	for (i = 0; i < n; i++)
		if (config_role_runs_desktops(hosts[i]->role))
			(*ids)[k++] = hosts[i]->id;
	model_unlock();
	return k;
}

size_t cpufit_models_of(const unsigned *ids, size_t n, const char *virt_type,
    const char *arch, char ***xmls, unsigned **hosts, uint64_t *gen)
{
	size_t i, k, got = 0;

	pthread_mutex_lock(&lock);
	*gen = models_gen;
	*xmls = xcalloc(n + 1, sizeof **xmls);
	*hosts = xcalloc(n + 1, sizeof **hosts);
	for (i = 0; i < n; i++)
		for (k = 0; k < nmodels; k++)
			if (models[k].host_id == ids[i] &&
			    strcmp(models[k].virt_type, virt_type) == 0 &&
			    same(models[k].arch, arch)) {
				(*xmls)[got] = xstrdup(models[k].xml);
				(*hosts)[got++] = ids[i];
				break;
			}
	pthread_mutex_unlock(&lock);
	return got;
}

size_t cpufit_host_virt_types(unsigned host_id, char ***types,
    char ***arches)
{
	size_t i, n = 0;

	pthread_mutex_lock(&lock);
	*types = xcalloc(nmodels + 1, sizeof **types);
	*arches = xcalloc(nmodels + 1, sizeof **arches);
	for (i = 0; i < nmodels; i++)
		if (models[i].host_id == host_id) {
			(*types)[n] = xstrdup(models[i].virt_type);
			(*arches)[n++] = xstrdup(models[i].arch);
		}
	pthread_mutex_unlock(&lock);
	return n;
}

static void baseline_clear(struct cpufit_baseline *b)
{
	free(b->virt_type);
	free(b->arch);
	free(b->xml);
	free(b->model);
	free(b->hosts);
	memset(b, 0, sizeof *b);
}

static void baseline_copy(struct cpufit_baseline *dst,
    const struct cpufit_baseline *src)
{
	dst->virt_type = xstrdup(src->virt_type);
	dst->arch = xstrdup(src->arch);
	dst->xml = xstrdup(src->xml);
	dst->model = xstrdup(src->model);
	dst->hosts = xstrdup(src->hosts);
	dst->nfeatures = src->nfeatures;
	dst->gen = src->gen;
}

void cpufit_set_baseline(const struct cpufit_baseline *b)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nbases && strcmp(bases[i].virt_type, b->virt_type); i++)
		;
	/* two hosts connecting at once: the one that saw more models wins,
	 * whichever finishes last */
	if (i < nbases && b->gen < bases[i].gen) {
		pthread_mutex_unlock(&lock);
		return;
	}
	if (i < nbases)
		baseline_clear(&bases[i]);
	else if (b->xml != NULL)
		bases = xreallocarray(bases, ++nbases, sizeof *bases);
	if (b->xml != NULL)
		baseline_copy(&bases[i], b);
	else if (i < nbases)
		bases[i] = bases[--nbases];
	generation++;	/* a server sends it on with the answers */
	pthread_mutex_unlock(&lock);
	model_wake();
}

static int by_virt_type(const void *a, const void *b)
{
	return strcmp(((const struct cpufit_baseline *)a)->virt_type,
	    ((const struct cpufit_baseline *)b)->virt_type);
}

size_t cpufit_baselines(struct cpufit_baseline **out)
{
	size_t i, n;

	pthread_mutex_lock(&lock);
	n = nbases;
	*out = xcalloc(n + 1, sizeof **out);
	for (i = 0; i < n; i++)
		baseline_copy(&(*out)[i], &bases[i]);
	pthread_mutex_unlock(&lock);
	qsort(*out, n, sizeof **out, by_virt_type);
	return n;
}

void cpufit_baselines_free(struct cpufit_baseline *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		baseline_clear(&b[i]);
	free(b);
}

char *cpufit_baseline_xml(const char *virt_type)
{
	char *xml = NULL;
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nbases; i++)
		if (same(bases[i].virt_type, virt_type))
			xml = xstrdup(bases[i].xml);
	pthread_mutex_unlock(&lock);
	return xml;
}

/* ---- the model's side (model lock held) ---- */

enum cpufit cpufit_desktop_on(const struct m_desktop *d,
    const struct m_host *h, char **reason)
{
	return cpufit_get(d->xml.cpu_key, h->id, reason);
}

static int runs_desktops(const struct m_host *h)
{
	return config_role_runs_desktops(h->role);
}

char *cpufit_runs_on(const struct m_desktop *d, size_t *nunknown)
{
	struct m_host **hosts;
	size_t n, i, len = 0;
	char *out = xstrdup("");
	enum cpufit v;

	if (nunknown != NULL)
		*nunknown = 0;
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (!runs_desktops(hosts[i]))
			continue;
		v = cpufit_desktop_on(d, hosts[i], NULL);
		if ((v == CPUFIT_UNKNOWN || v == CPUFIT_UNSURE) &&
		    nunknown != NULL)
			(*nunknown)++;
		if (v != CPUFIT_YES)
			continue;
		out = xrealloc(out, len + strlen(hosts[i]->name) + 3);
		len += (size_t)sprintf(out + len, "%s%s", len ? ", " : "",
		    hosts[i]->name);
	}
	return out;
}

/* Lock held. Host id's answer in d (NULL: none). */
static enum cpufit verdict_in(const struct def *d, unsigned id)
{
	size_t i;

	for (i = 0; d != NULL && i < d->na; i++)
		if (d->a[i].host_id == id)
			return d->a[i].v;
	return CPUFIT_UNKNOWN;
}

/* Called for every desktop row the pane copies: the key is looked up
 * once, and the first other host that does not say no ends it. */
int cpufit_stuck(const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	struct m_host **hosts;
	const struct def *def;
	size_t n, i, others = 0;
	int stuck = 1;

	if (d->xml.cpu_key == NULL || p == NULL)
		return 0;
	hosts = model_hosts(&n);
	pthread_mutex_lock(&lock);
	def = def_of(d->xml.cpu_key, 0);
	for (i = 0; i < n && stuck; i++) {
		if (hosts[i]->id == p->host_id || !runs_desktops(hosts[i]))
			continue;
		stuck = verdict_in(def, hosts[i]->id) == CPUFIT_NO;
		others++;
	}
	pthread_mutex_unlock(&lock);
	return stuck && others > 0;
}

char *cpufit_refusal(const struct m_host *h, const struct m_desktop *d)
{
	char *reason, *why;

	if (cpufit_desktop_on(d, h, &reason) != CPUFIT_NO) {
		free(reason);
		return NULL;
	}
	why = xasprintf("%s cannot run the CPU of %s: %s", h->name, d->name,
	    reason != NULL ? reason : "incompatible");
	free(reason);
	return why;
}

void cpufit_free(void)
{
	size_t i, k;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ndefs; i++) {
		for (k = 0; k < defs[i].na; k++)
			free(defs[i].a[k].reason);
		free(defs[i].a);
		free(defs[i].key);
	}
	free(defs);
	defs = NULL;
	ndefs = 0;
	free(asked_hosts);
	asked_hosts = NULL;
	nasked_hosts = 0;
	for (i = 0; i < nmodels; i++) {
		free(models[i].virt_type);
		free(models[i].arch);
		free(models[i].xml);
	}
	free(models);
	models = NULL;
	nmodels = 0;
	for (i = 0; i < nbases; i++)
		baseline_clear(&bases[i]);
	free(bases);
	bases = NULL;
	nbases = 0;
	pthread_mutex_unlock(&lock);
}
