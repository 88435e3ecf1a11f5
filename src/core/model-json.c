/* model-json.c — the JSON shapes of dump --json and watch --json. One place,
 * so the two outputs never disagree. */
#include "core/model-json.h"

#include "core/util.h"

#include <stdlib.h>

void model_json_host(struct json *j, const char *key, const struct m_host *h)
{
	json_begin_object(j, key);
	json_string(j, "name", h->name);
	json_string(j, "uri", h->uri);
	json_string(j, "role", config_role_name(h->role));
	json_string(j, "state", model_host_state_name(h->state));
	json_string(j, "error", h->error);
	json_string(j, "hostname", h->hostname);
	json_string(j, "migration_address", h->migration_address);
	json_uint(j, "libvirt_version", h->lib_version);
	json_uint(j, "hypervisor_version", h->hv_version);
	json_uint(j, "cpus", h->cpus);
	json_string(j, "arch", h->caps.arch);
	json_string(j, "cpu_model", h->caps.cpu_model);
	json_string(j, "host_uuid", h->caps.host_uuid);
	json_string(j, "guests", h->caps.guests);
	json_uint(j, "memory_kib", h->memory_kib);
	json_uint(j, "free_kib", h->free_kib);
	if (h->cpu_pct >= 0)
		json_double(j, "cpu_pct", h->cpu_pct, 1);
	else
		json_null(j, "cpu_pct");
	json_bool(j, "maintenance", h->maintenance);
	json_uint(j, "memory_reserve_kib", h->memory_reserve_kib);
	json_bool(j, "read_only", h->read_only);
	/* offline: when it was last online, when the worker tries again */
	if (h->seen_wall_ms > 0)
		json_int(j, "last_seen_ms", h->seen_wall_ms);
	else
		json_null(j, "last_seen_ms");
	if (model_host_retry_in_s(h) >= 0)
		json_int(j, "retry_at_ms", h->retry_wall_ms);
	else
		json_null(j, "retry_at_ms");
	json_end_object(j);
}

void model_json_pool(struct json *j, const char *key, const struct m_host *h,
    const struct m_pool *p)
{
	size_t i;

	json_begin_object(j, key);
	json_string(j, "host", h->name);
	json_string(j, "name", p->name);
	json_string(j, "uuid", p->uuid);
	json_string(j, "type", p->type);
	json_string(j, "target", p->target_path);
	json_string(j, "share_key", p->share_key);
	json_string(j, "share_basis", p->share_basis);
	json_bool(j, "active", p->active);
	json_bool(j, "autostart", p->autostart);
	json_uint(j, "capacity", p->capacity);
	json_uint(j, "allocation", p->allocation);
	json_uint(j, "available", p->available);
	json_begin_array(j, "volumes");
	for (i = 0; i < p->nvols; i++) {
		const struct m_volume *v = &p->vols[i];

		json_begin_object(j, NULL);
		json_string(j, "name", v->name);
		json_string(j, "path", v->path);
		json_string(j, "format", v->format);
		json_uint(j, "capacity", v->capacity);
		json_uint(j, "allocation", v->allocation);
		json_string(j, "backing", v->backing_path);
		json_string(j, "backing_format", v->backing_format);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void rate(struct json *j, const char *key, double v)
{
	if (v >= 0)
		json_double(j, key, v, 1);
	else
		json_null(j, key);
}

/* The desktop's job (migration, block job), null when none runs. */
static void desktop_job(struct json *j, const struct m_desktop *d)
{
	if (!d->job_active) {
		json_null(j, "job");
		return;
	}
	json_begin_object(j, "job");
	json_string(j, "kind", d->job_kind);
	rate(j, "pct", d->job_pct);
	json_uint(j, "iteration", d->job_iteration);
	json_end_object(j);
}

/* Where the desktop is: live on two or more hosts outside a migration
 * (and where), then every host that knows it, with its state there. */
static void desktop_places(struct json *j, const struct m_desktop *d)
{
	const struct m_host *ph;
	size_t i;

	json_bool(j, "split_brain", d->split_brain);
	json_begin_array(j, "split_brain_hosts");
	for (i = 0; d->split_brain && i < d->nplaces; i++) {
		ph = model_host(d->places[i].host_id);
		if (model_place_live(&d->places[i]))
			json_string(j, NULL, ph != NULL ? ph->name : NULL);
	}
	json_end_array(j);
	json_begin_array(j, "hosts");
	for (i = 0; i < d->nplaces; i++) {
		ph = model_host(d->places[i].host_id);
		json_begin_object(j, NULL);
		json_string(j, "host", ph != NULL ? ph->name : NULL);
		json_string(j, "state", model_state_name(d->places[i].state));
		json_int(j, "reason", d->places[i].reason);
		json_end_object(j);
	}
	json_end_array(j);
}

/* The disks with their backing chains, and the graphics consoles. */
static void desktop_devices(struct json *j, const struct xml_domain *x)
{
	size_t i, k;

	json_begin_array(j, "disks");
	for (i = 0; i < x->ndisks; i++) {
		const struct xml_disk *dk = &x->disks[i];

		json_begin_object(j, NULL);
		json_string(j, "target", dk->target);
		json_string(j, "source", dk->source);
		json_string(j, "format", dk->format);
		json_begin_array(j, "backing");
		for (k = 0; k < dk->nbacking; k++)
			json_string(j, NULL, dk->backing[k]);
		json_end_array(j);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_array(j, "graphics");
	for (i = 0; i < x->ngraphics; i++) {
		json_begin_object(j, NULL);
		json_string(j, "type", x->graphics[i].type);
		json_string(j, "listen", x->graphics[i].listen);
		json_int(j, "port", x->graphics[i].port);
		json_end_object(j);
	}
	json_end_array(j);
}

/* with_cpu: the CPU it asks for (facts.h's cpu_key, a few hundred bytes
 * shared by a fleet), in the lines of a change but not of its stats, for
 * an attached console's CPU-fit marks (cpufit-json.h). */
static void desktop_object(struct json *j, const char *key,
    const struct m_desktop *d, int with_cpu)
{
	const struct m_place *p = model_desktop_place(d);
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;

	json_begin_object(j, key);
	json_string(j, "name", d->name);
	json_string(j, "uuid", d->uuid);
	json_string(j, "state", model_state_name(model_desktop_state(d)));
	json_string(j, "host", h != NULL ? h->name : NULL);
	json_bool(j, "persistent", p != NULL && p->persistent);
	json_uint(j, "vcpus", d->xml.vcpus);
	json_uint(j, "memory_kib", d->xml.memory_kib);
	json_uint(j, "max_memory_kib", d->xml.max_memory_kib);
	rate(j, "cpu_pct", d->cpu_pct);
	rate(j, "disk_rd_bps", d->rd_bps);
	rate(j, "disk_wr_bps", d->wr_bps);
	rate(j, "net_rx_bps", d->rx_bps);
	rate(j, "net_tx_bps", d->tx_bps);
	/* since when it runs (the console's uptime), when seen starting */
	if (d->started_wall_ms > 0)
		json_int(j, "started_ms", d->started_wall_ms);
	else
		json_null(j, "started_ms");
	/* an action in flight (the row's spinner): "starting" */
	json_string(j, "pending", model_desktop_pending_now(d));
	desktop_job(j, d);
	desktop_places(j, d);
	desktop_devices(j, &d->xml);
	if (with_cpu)
		json_string(j, "cpu_key", d->xml.cpu_key);
	json_end_object(j);
}

void model_json_desktop(struct json *j, const char *key,
    const struct m_desktop *d)
{
	desktop_object(j, key, d, 0);
}

static const char *const kind_names[] = { "host", "pool", "desktop" };
static const char *const op_names[] = { "add", "change", "remove", "stats" };

const char *model_json_kind_name(enum m_kind kind)
{
	return kind < MK_EVENT ? kind_names[kind] : "event";
}

const char *model_json_op_name(enum m_op op)
{
	return op_names[op];
}

/* The objects are only valid under the lock, so the whole line is made
 * here; writing it is the caller's business. */
char *model_json_change(enum m_kind kind, enum m_op op,
    const struct m_host *h, const void *obj)
{
	struct json j;

	json_init(&j);
	json_begin_object(&j, NULL);
	json_int(&j, "time_ms", util_wall_ms());
	json_string(&j, "kind", model_json_kind_name(kind));
	json_string(&j, "op", op_names[op]);
	switch (kind) {
	case MK_HOST:
		model_json_host(&j, "object", obj);
		break;
	case MK_POOL:
		model_json_pool(&j, "object", h, obj);
		break;
	case MK_DESKTOP:
		desktop_object(&j, "object", obj, op != MO_STATS);
		break;
	case MK_EVENT:
		break;
	}
	json_end_object(&j);
	return json_take_line(&j);
}

char *model_json_key(enum m_kind kind, const struct m_host *h,
    const void *obj)
{
	switch (kind) {
	case MK_HOST:
		return xasprintf("h%u", ((const struct m_host *)obj)->id);
	case MK_POOL:
		return xasprintf("p%u/%s", h != NULL ? h->id : 0,
		    ((const struct m_pool *)obj)->name);
	case MK_DESKTOP:
		return xasprintf("d%s", ((const struct m_desktop *)obj)->uuid);
	case MK_EVENT:
		break;
	}
	return NULL;
}

