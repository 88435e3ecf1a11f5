/* virt-events.c — libvirt callbacks, run on the event-loop thread. They
 * never wait: no libvirt call that needs the host, no model lock. Each
 * turns its event into requests for the host's worker (re-read a domain
 * or a pool, or apply a job change to the model), so a slow model reader
 * can never stall the loop that carries every host's keepalives.
 *
 * A callback's opaque is its own small context holding the host id, freed
 * by libvirt (through the free callback) when the callback goes: a host
 * that is removed leaves ids that are no longer found, never a dangling
 * worker pointer. */
#include "virt/virt-events.h"
#include "virt/virt-evloop.h"
#include "core/model.h"
#include "core/log.h"
#include "core/util.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ev_ctx {
	unsigned host_id;
	const struct events_sink *sink;
};

static atomic_long live_contexts;

static struct ev_ctx *ctx_new(unsigned host_id, const struct events_sink *sink)
{
	struct ev_ctx *c = xcalloc(1, sizeof *c);

	c->host_id = host_id;
	c->sink = sink;
	atomic_fetch_add(&live_contexts, 1);
	return c;
}

static void ctx_free(void *opaque)
{
	atomic_fetch_sub(&live_contexts, 1);
	free(opaque);
}

long events_live_contexts(void)
{
	return atomic_load(&live_contexts);
}

static unsigned host_of(void *opaque)
{
	return ((struct ev_ctx *)opaque)->host_id;
}

/* Queue a request for the callback's host. */
static void request(void *opaque, enum req_kind kind, const char *arg,
    int propagate)
{
	struct ev_ctx *c = opaque;

	c->sink->request(c->host_id, kind, arg, propagate);
}

/* ---- job changes, applied to the model on the worker ---- */

enum job_change { JC_END, JC_BLOCK_JOB, JC_ITERATION, JC_REBOOTED };

struct job_note {
	enum job_change change;
	char uuid[VIR_UUID_STRING_BUFLEN];
	uint64_t iteration;
};

/* Lock held. Was this exact text logged in the last 2 s? QEMU reports one
 * reset as a burst of reboot events: the log keeps one line for it. */
static int logged_lately(const char *text)
{
	const struct m_event *e;
	size_t n, i;
	int64_t now = util_wall_ms();

	model_event_at(0, &n);
	for (i = n; i > 0 && n - i < 16; i--) {
		e = model_event_at(i - 1, &n);
		if (now - e->wall_ms > 2000)
			break;
		if (strcmp(e->text, text) == 0)
			return 1;
	}
	return 0;
}

/* On the worker, in order with the host's re-reads and job polls (which
 * run there too), so an event and a poll never interleave their
 * read-modify-write of the same desktop's job fields. */
static void apply_job_note(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct job_note *n = ctx;
	const struct m_desktop *d;
	double pct = -1;
	char text[sizeof ((struct m_event *)0)->text] = "";

	(void)conn;
	(void)host_id;
	switch (n->change) {
	case JC_END:
		model_desktop_job(n->uuid, 0, NULL, -1, 0);
		break;
	case JC_BLOCK_JOB:
		model_desktop_job(n->uuid, 1, "block job", -1, 0);
		break;
	case JC_ITERATION:
		/* keep a percentage the job poll measured; the event counts */
		model_lock();
		d = model_desktop(n->uuid);
		if (d != NULL && d->job_active)
			pct = d->job_pct;
		model_unlock();
		model_desktop_job(n->uuid, 1, "migration", pct, n->iteration);
		break;
	case JC_REBOOTED:
		/* A reboot keeps the state "running": this event is its answer,
		 * and the log's only trace. QEMU reports a reset the same way,
		 * so one we did not ask for (the guest's or a virsh reset) is
		 * logged as a reset. */
		model_lock();
		d = model_desktop(n->uuid);
		if (d != NULL && d->name != NULL)
			snprintf(text, sizeof text, "%s %s", d->name,
			    d->pending != NULL ? "rebooted" :
			    "reset (or rebooted by its guest)");
		if (text[0] != '\0' && logged_lately(text))
			text[0] = '\0';
		model_unlock();
		if (text[0] != '\0')
			model_event(SEV_INFO, "%s", text);
		model_desktop_pending(n->uuid, NULL);
		break;
	}
	free(n);
}

static void note_job(void *opaque, virDomainPtr dom,
    enum job_change change, uint64_t iteration)
{
	struct ev_ctx *c = opaque;
	struct job_note *n = xcalloc(1, sizeof *n);

	n->change = change;
	n->iteration = iteration;
	if (virDomainGetUUIDString(dom, n->uuid) != 0 ||
	    c->sink->call(c->host_id, apply_job_note, n) < 0)
		free(n);
}

static void reread_domain(void *opaque, virDomainPtr dom)
{
	char uuid[VIR_UUID_STRING_BUFLEN];

	if (virDomainGetUUIDString(dom, uuid) == 0)
		request(opaque, REQ_DOMAIN, uuid, 0);
}

/* ---- the callbacks ---- */

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
    int detail, void *opaque)
{
	(void)conn;
	log_msg(LOG_DEBUG, "host %u: domain %s lifecycle %d/%d",
	    host_of(opaque), virDomainGetName(dom), event, detail);
	reread_domain(opaque, dom);
	return 0;
}

static void on_generic(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
	(void)conn;
	reread_domain(opaque, dom);
}

static void on_job_completed(virConnectPtr conn, virDomainPtr dom,
    virTypedParameterPtr params, int nparams, void *opaque)
{
	(void)conn;
	(void)params;
	(void)nparams;
	note_job(opaque, dom, JC_END, 0);
	reread_domain(opaque, dom);
}

static void on_migration_iteration(virConnectPtr conn, virDomainPtr dom,
    int iteration, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)conn;
	note_job(opaque, dom, JC_ITERATION, (uint64_t)iteration);
	if (virDomainGetUUIDString(dom, uuid) == 0)
		request(opaque, REQ_JOB, uuid, 0);
}

static void on_block_job(virConnectPtr conn, virDomainPtr dom,
    const char *disk, int type, int status, void *opaque)
{
	(void)conn;
	(void)type;
	note_job(opaque, dom,
	    status == VIR_DOMAIN_BLOCK_JOB_COMPLETED ||
	    status == VIR_DOMAIN_BLOCK_JOB_FAILED ||
	    status == VIR_DOMAIN_BLOCK_JOB_CANCELED ? JC_END : JC_BLOCK_JOB, 0);
	log_msg(LOG_INFO, "host %u: block job on %s: status %d",
	    host_of(opaque), disk, status);
	reread_domain(opaque, dom);
}

static void on_device_removed(virConnectPtr conn, virDomainPtr dom,
    const char *alias, void *opaque)
{
	(void)alias;
	on_generic(conn, dom, opaque);
}

static void on_metadata(virConnectPtr conn, virDomainPtr dom, int type,
    const char *nsuri, void *opaque)
{
	(void)type;
	(void)nsuri;
	on_generic(conn, dom, opaque);
}

static void on_reboot(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
	note_job(opaque, dom, JC_REBOOTED, 0);
	on_generic(conn, dom, opaque);
}

static void on_pool_lifecycle(virConnectPtr conn, virStoragePoolPtr pool,
    int event, int detail, void *opaque)
{
	const char *name = virStoragePoolGetName(pool);

	(void)conn;
	(void)detail;
	(void)event;
	if (name != NULL)
		request(opaque, REQ_POOL_EVENT, name, 0);
}

static void on_pool_refresh(virConnectPtr conn, virStoragePoolPtr pool,
    void *opaque)
{
	const char *name = virStoragePoolGetName(pool);

	(void)conn;
	if (name == NULL)
		return;
	/* A refresh we asked for ourselves (to follow shared storage) is
	 * already re-read by the worker that asked, right after the call,
	 * and must not bounce back to the host that told us. */
	if (!((struct ev_ctx *)opaque)->sink->take_self_refresh(host_of(opaque),
	    name))
		request(opaque, REQ_POOL_EVENT, name, 1);
}

/* The table: one row per event hvdeck follows. */
static const struct {
	int id;
	virConnectDomainEventGenericCallback cb;
	const char *name;
} domain_events[] = {
	{ VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), "lifecycle" },
	{ VIR_DOMAIN_EVENT_ID_REBOOT, VIR_DOMAIN_EVENT_CALLBACK(on_reboot), "reboot" },
	{ VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, VIR_DOMAIN_EVENT_CALLBACK(on_job_completed), "job-completed" },
	{ VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION, VIR_DOMAIN_EVENT_CALLBACK(on_migration_iteration), "migration-iteration" },
	{ VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, VIR_DOMAIN_EVENT_CALLBACK(on_block_job), "block-job" },
	{ VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(on_device_removed), "device-removed" },
	{ VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata), "metadata-change" },
};

static const struct {
	int id;
	virConnectStoragePoolEventGenericCallback cb;
	const char *name;
} pool_events[] = {
	{ VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_lifecycle), "pool-lifecycle" },
	{ VIR_STORAGE_POOL_EVENT_ID_REFRESH, VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh), "pool-refresh" },
};

_Static_assert(sizeof domain_events / sizeof domain_events[0] <=
    EVENTS_MAX_DOMAIN, "room for every domain callback id");
_Static_assert(sizeof pool_events / sizeof pool_events[0] <=
    EVENTS_MAX_POOL, "room for every pool callback id");

int events_register(virConnectPtr conn, unsigned host_id,
    const struct events_sink *sink, struct events_reg *reg, char **cause)
{
	struct ev_ctx *c;
	const char *what = NULL;
	size_t i;
	int id;

	reg->ncb_domain = reg->ncb_pool = 0;
	for (i = 0; what == NULL && i < sizeof domain_events / sizeof domain_events[0]; i++) {
		c = ctx_new(host_id, sink);
		id = virConnectDomainEventRegisterAny(conn, NULL,
		    domain_events[i].id, domain_events[i].cb, c, ctx_free);
		if (id < 0) {
			ctx_free(c);	/* libvirt frees nothing it refused */
			what = domain_events[i].name;
		} else {
			reg->domain_cb[reg->ncb_domain++] = id;
		}
	}
	for (i = 0; what == NULL && i < sizeof pool_events / sizeof pool_events[0]; i++) {
		c = ctx_new(host_id, sink);
		id = virConnectStoragePoolEventRegisterAny(conn, NULL,
		    pool_events[i].id, pool_events[i].cb, c, ctx_free);
		if (id < 0) {
			ctx_free(c);
			what = pool_events[i].name;
		} else {
			reg->pool_cb[reg->ncb_pool++] = id;
		}
	}
	if (what == NULL)
		return 0;
	{
		char *msg = evloop_last_error("event registration failed");

		*cause = xasprintf("cannot follow %s events: %s", what, msg);
		free(msg);
	}
	events_deregister(conn, reg);
	return -1;
}

void events_deregister(virConnectPtr conn, struct events_reg *reg)
{
	int i;

	for (i = 0; i < reg->ncb_domain; i++)
		virConnectDomainEventDeregisterAny(conn, reg->domain_cb[i]);
	for (i = 0; i < reg->ncb_pool; i++)
		virConnectStoragePoolEventDeregisterAny(conn, reg->pool_cb[i]);
	reg->ncb_domain = reg->ncb_pool = 0;
}
