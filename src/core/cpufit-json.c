/* cpufit-json.c — the CPU-fit table to and from a line of kind "cpufit"
 * (cpufit-json.h). */
#include "core/cpufit-json.h"
#include "core/cpufit.h"
#include "core/json.h"
#include "core/model.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const fit_names[] = { "unknown", "yes", "no", "unsure" };

/* Model lock held (cpufit_each's fn: the table's lock is taken inside
 * the model's, the documented order). */
static void answer_json(const char *key, unsigned host_id, enum cpufit v,
    const char *reason, void *ctx)
{
	struct json *j = ctx;
	const struct m_host *h = model_host(host_id);

	if (h == NULL)
		return;
	json_begin_object(j, NULL);
	json_string(j, "key", key);
	json_string(j, "host", h->name);
	json_string(j, "fit", fit_names[v]);
	json_string(j, "reason", reason);
	json_end_object(j);
}

void cpufit_json_baselines(struct json *j, const char *key)
{
	struct cpufit_baseline *b;
	size_t n = cpufit_baselines(&b), i;

	json_begin_array(j, key);
	for (i = 0; i < n; i++) {
		json_begin_object(j, NULL);
		json_string(j, "virt_type", b[i].virt_type);
		json_string(j, "arch", b[i].arch);
		json_string(j, "model", b[i].model);
		json_uint(j, "features", b[i].nfeatures);
		json_string(j, "hosts", b[i].hosts);
		json_string(j, "xml", b[i].xml);
		json_end_object(j);
	}
	json_end_array(j);
	cpufit_baselines_free(b, n);
}

char *cpufit_json_line(void)
{
	struct json j;

	json_init(&j);
	json_begin_object(&j, NULL);
	json_int(&j, "time_ms", util_wall_ms());
	json_string(&j, "kind", "cpufit");
	json_begin_array(&j, "answers");
	cpufit_each(answer_json, &j);
	json_end_array(&j);
	cpufit_json_baselines(&j, "baselines");
	json_end_object(&j);
	return json_take_line(&j);
}

static enum cpufit fit_of(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof fit_names / sizeof *fit_names; i++)
		if (strcmp(s, fit_names[i]) == 0)
			return (enum cpufit)i;
	return CPUFIT_UNKNOWN;
}

/* Model lock held. */
static void apply_answer(const struct jread *a)
{
	const char *key = jread_str(a, "key"), *host = jread_str(a, "host");
	const struct m_host *h = host != NULL ? model_host_by_name(host) : NULL;

	if (key != NULL && h != NULL)
		cpufit_answer(key, h->id, fit_of(jread_str(a, "fit")),
		    jread_str(a, "reason"));
}

static void apply_baseline(const struct jread *o)
{
	struct cpufit_baseline b;

	memset(&b, 0, sizeof b);
	b.virt_type = (char *)jread_str(o, "virt_type");
	b.arch = (char *)jread_str(o, "arch");
	b.xml = (char *)jread_str(o, "xml");
	b.model = (char *)jread_str(o, "model");
	b.hosts = (char *)jread_str(o, "hosts");
	b.nfeatures = (size_t)jread_u64(o, "features", 0);
	/* gen 0: the server's newest, applied in the order it sent them */
	if (b.virt_type != NULL && b.xml != NULL)
		cpufit_set_baseline(&b);
}

void cpufit_json_apply(const struct jread *line)
{
	const struct jread *a = jread_get(line, "answers"),
	    *b = jread_get(line, "baselines");
	size_t i;

	model_lock();
	for (i = 0; a != NULL && a->type == JR_ARR && i < a->n; i++)
		if (a->items[i].type == JR_OBJ)
			apply_answer(&a->items[i]);
	model_unlock();
	for (i = 0; b != NULL && b->type == JR_ARR && i < b->n; i++)
		if (b->items[i].type == JR_OBJ)
			apply_baseline(&b->items[i]);
}
