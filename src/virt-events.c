/* virt-events.c — libvirt callbacks, run on the event-loop thread. They
 * never wait for libvirt: each turns its event into a request for the
 * host's worker (re-read one domain or one pool), or a direct job update
 * that needs no reply from the host. */
#include "virt-events.h"
#include "virt-evloop.h"
#include "model.h"
#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void reread_domain(struct host_worker *w, virDomainPtr dom)
{
	char uuid[VIR_UUID_STRING_BUFLEN];

	if (virDomainGetUUIDString(dom, uuid) == 0)
		host_request(w->host_id, REQ_DOMAIN, uuid, 0);
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
    int detail, void *opaque)
{
	(void)conn;
	log_msg(LOG_DEBUG, "%s: domain %s lifecycle %d/%d",
	    ((struct host_worker *)opaque)->name, virDomainGetName(dom), event, detail);
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
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)conn;
	(void)params;
	(void)nparams;
	if (virDomainGetUUIDString(dom, uuid) == 0)
		model_desktop_job(uuid, 0, NULL, -1, 0);
	reread_domain(opaque, dom);
}

static void on_migration_iteration(virConnectPtr conn, virDomainPtr dom,
    int iteration, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	const struct m_desktop *d;
	double pct = -1;

	(void)conn;
	if (virDomainGetUUIDString(dom, uuid) != 0)
		return;
	/* keep a percentage an action measured; the event only counts */
	model_lock();
	d = model_desktop(uuid);
	if (d != NULL && d->job_active)
		pct = d->job_pct;
	model_unlock();
	model_desktop_job(uuid, 1, "migration", pct, (uint64_t)iteration);
	host_request(((struct host_worker *)opaque)->host_id, REQ_JOB, uuid, 0);
}

static void on_block_job(virConnectPtr conn, virDomainPtr dom,
    const char *disk, int type, int status, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)conn;
	(void)type;
	if (virDomainGetUUIDString(dom, uuid) != 0)
		return;
	if (status == VIR_DOMAIN_BLOCK_JOB_COMPLETED ||
	    status == VIR_DOMAIN_BLOCK_JOB_FAILED ||
	    status == VIR_DOMAIN_BLOCK_JOB_CANCELED)
		model_desktop_job(uuid, 0, NULL, -1, 0);
	else
		model_desktop_job(uuid, 1, "block job", -1, 0);
	log_msg(LOG_INFO, "%s: block job on %s: status %d",
	    ((struct host_worker *)opaque)->name, disk, status);
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
	char uuid[VIR_UUID_STRING_BUFLEN];

	/* a reboot keeps the state "running": this event is its answer */
	if (virDomainGetUUIDString(dom, uuid) == 0)
		model_desktop_pending(uuid, NULL);
	on_generic(conn, dom, opaque);
}

static void on_pool_lifecycle(virConnectPtr conn, virStoragePoolPtr pool,
    int event, int detail, void *opaque)
{
	struct host_worker *w = opaque;
	const char *name = virStoragePoolGetName(pool);

	(void)conn;
	(void)detail;
	(void)event;
	if (name != NULL)
		host_request(w->host_id, REQ_POOL_EVENT, name, 0);
}

static void on_pool_refresh(virConnectPtr conn, virStoragePoolPtr pool,
    void *opaque)
{
	struct host_worker *w = opaque;
	const char *name = virStoragePoolGetName(pool);

	(void)conn;
	if (name == NULL)
		return;
	/* A refresh we asked for ourselves (to follow shared storage) is
	 * already re-read by the worker that asked, right after the call,
	 * and must not bounce back to the host that told us. */
	if (!host_take_self_refresh(w, name))
		host_request(w->host_id, REQ_POOL_EVENT, name, 1);
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
    sizeof ((struct host_worker *)0)->domain_cb / sizeof(int),
    "room for every domain callback id");
_Static_assert(sizeof pool_events / sizeof pool_events[0] <=
    sizeof ((struct host_worker *)0)->pool_cb / sizeof(int),
    "room for every pool callback id");

int events_register(struct host_worker *w, char **cause)
{
	size_t i;
	int id;

	w->ncb_domain = w->ncb_pool = 0;
	for (i = 0; i < sizeof domain_events / sizeof domain_events[0]; i++) {
		id = virConnectDomainEventRegisterAny(w->conn, NULL,
		    domain_events[i].id, domain_events[i].cb, w, NULL);
		if (id < 0)
			goto fail;
		w->domain_cb[w->ncb_domain++] = id;
	}
	for (i = 0; i < sizeof pool_events / sizeof pool_events[0]; i++) {
		id = virConnectStoragePoolEventRegisterAny(w->conn, NULL,
		    pool_events[i].id, pool_events[i].cb, w, NULL);
		if (id < 0)
			goto fail;
		w->pool_cb[w->ncb_pool++] = id;
	}
	return 0;
fail:
	{
		char *msg = evloop_last_error("event registration failed");

		*cause = xasprintf("cannot follow events: %s", msg);
		free(msg);
	}
	events_deregister(w);
	return -1;
}

void events_deregister(struct host_worker *w)
{
	int i;

	for (i = 0; i < w->ncb_domain; i++)
		virConnectDomainEventDeregisterAny(w->conn, w->domain_cb[i]);
	for (i = 0; i < w->ncb_pool; i++)
		virConnectStoragePoolEventDeregisterAny(w->conn, w->pool_cb[i]);
	w->ncb_domain = w->ncb_pool = 0;
}
