/* act-domain.c — desktop lifecycle actions over the model and the host
 * workers. The UI thread only queues; libvirt is called on the worker. Each
 * action is a short job: queued here, run (or failed for an offline host)
 * on the worker, which also reports it to the events strip. */
#include "act/act-domain.h"
#include "act/vol-claim.h"
#include "core/job.h"
#include "core/text.h"
#include "core/model.h"
#include "core/place.h"
#include "virt/conn.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "core/util.h"
#include "act/vol-deps.h"
#include "virt/virt-ref.h"

#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;     /* for messages and help */
	const char *pending;  /* shown with the spinner */
	enum job_kind job;
	/* the guest must answer the request: the job waits for it (model.h,
	 * model_desktop_await); "NAME did not VERB within N s" */
	const char *await_verb;
} actions[DA_COUNT] = {
	[DA_START] = { "start", "starting", JK_START, NULL },
	[DA_SHUTDOWN] = { "shutdown", "shutting down", JK_SHUTDOWN, "shut down" },
	[DA_REBOOT] = { "reboot", "rebooting", JK_REBOOT, "reboot" },
	[DA_PAUSE] = { "pause", "pausing", JK_PAUSE },
	[DA_RESUME] = { "resume", "resuming", JK_RESUME },
	[DA_FORCE_OFF] = { "force off", "forcing off", JK_FORCE_OFF },
};

struct call {
	char uuid[40];
	char *name, *host;
	char *event_name;           /* name shortened for the events strip */
	enum domain_action action;
	unsigned job;
};

const char *act_domain_name(enum domain_action a)
{
	return a < DA_COUNT ? actions[a].name : "?";
}

/* One flag for the process: the connections jobs open follow it too. */
void act_set_read_only(int on)
{
	conn_set_read_only(on);
}

int act_read_only(void)
{
	return conn_read_only();
}

static int invoke(virDomainPtr dom, enum domain_action a)
{
	switch (a) {
	case DA_START: return virDomainCreate(dom);
	case DA_SHUTDOWN: return virDomainShutdown(dom);
	case DA_REBOOT: return virDomainReboot(dom, 0);
	case DA_PAUSE: return virDomainSuspend(dom);
	case DA_RESUME: return virDomainResume(dom);
	case DA_FORCE_OFF: return virDomainDestroy(dom);
	case DA_COUNT: break;
	}
	return -1;
}

static void call_free(struct call *c)
{
	free(c->name);
	free(c->event_name);
	free(c->host);
	free(c);
}

/* On the host's worker thread; conn is NULL when the host went offline
 * after the action was queued (the worker drains its queue then). */
static void run(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct call *c = ctx;
	virDomainPtr dom = NULL;
	char *msg = NULL;

	(void)host_id;
	if (job_begin(c->job) < 0) {	/* cancelled while queued */
		model_desktop_pending(c->uuid, NULL);
		call_free(c);
		return;
	}
	if (conn == NULL)
		msg = xasprintf("host %s went offline before it ran", c->host);
	else if ((dom = virDomainLookupByUUIDString(conn, c->uuid)) == NULL ||
	    invoke(dom, c->action) < 0)
		msg = evloop_last_error("failed");
	/* the model first: whoever waits on the job sees it settled */
	if (msg != NULL) {
		model_desktop_pending(c->uuid, NULL);
		model_event(SEV_ERROR, "%s: %s failed: %s", c->event_name,
		    act_domain_name(c->action), msg);
		job_fail(c->job, msg);
	} else {
		model_event(SEV_INFO, "%s: %s requested", c->event_name,
		    act_domain_name(c->action));
		if (actions[c->action].await_verb == NULL ||
		    !model_desktop_await(c->uuid, c->job,
		    actions[c->action].await_verb))
			job_done(c->job);
	}
	virt_dom_unref(dom);
	free(msg);
	call_free(c);
}

/* Lock held. NULL when the action fits the state, else why not. */
static const char *refusal(enum desktop_state s, enum domain_action a)
{
	int active = s == DS_RUNNING || s == DS_BLOCKED || s == DS_PAUSED ||
	    s == DS_SHUTDOWN || s == DS_PMSUSPENDED;

	switch (a) {
	case DA_START:
		return active ? "it is already running" : NULL;
	case DA_SHUTDOWN: case DA_REBOOT:
		/* a paused guest cannot answer ACPI: libvirt would accept the
		 * request and nothing would happen */
		if (s == DS_PAUSED)
			return "it is paused (p resumes it, Shift-F forces it off)";
		return active || s == DS_CRASHED ? NULL : "it is not running";
	case DA_FORCE_OFF:
		return active || s == DS_CRASHED ? NULL : "it is not running";
	case DA_PAUSE:
		return s == DS_RUNNING || s == DS_BLOCKED ? NULL : "it is not running";
	case DA_RESUME:
		return s == DS_PAUSED ? NULL : "it is not paused";
	case DA_COUNT:
		break;
	}
	return "unknown action";
}

/* Model lock held. A desktop live on one host must never start on
 * another: two QEMUs on one disk corrupt it. Whatever copy hvdeck would
 * start, any live placement refuses, named (the last known state of an
 * offline host counts: it cannot be shown stopped). */
static char *live_elsewhere(const struct m_desktop *d)
{
	char *where, *why;

	if (d->split_brain) {
		where = model_desktop_live_hosts(d, " and ");
		why = xasprintf("cannot start %s: it is running on %s (split brain)",
		    d->name, where);
		free(where);
		return why;
	}
	where = model_desktop_live_hosts(d, " and ");
	why = *where != '\0' ? xasprintf("cannot start %s: it is already "
	    "running on %s", d->name, where) : NULL;
	free(where);
	return why;
}

/* Model lock held. Never boot a parent: a disk the guest may write (not
 * read-only or shareable: xml_disk.readonly, a file or a pool volume)
 * that other volumes use as their backing file would corrupt every one
 * of them. */
static char *parent_disk(const struct m_desktop *d, unsigned host_id)
{
	size_t i;
	char *who, *why;

	for (i = 0; i < d->xml.ndisks; i++) {
		const struct xml_disk *k = &d->xml.disks[i];

		if (k->source == NULL || k->readonly ||
		    (k->device != NULL && strcmp(k->device, "disk") != 0) ||
		    (k->type != NULL && strcmp(k->type, "file") != 0 &&
		    strcmp(k->type, "volume") != 0) ||
		    !vol_deps_is_parent(host_id, k->source, &who))
			continue;
		why = xasprintf("cannot start %s: its disk %s is the backing file "
		    "of %s (writing to it would corrupt them)", d->name,
		    k->source, who);
		free(who);
		return why;
	}
	return NULL;
}

/* Model lock held. Never boot a disk a job of this process reads or
 * writes (a copy or an overlay being made of it, a copy being made onto
 * it): the job is named, to wait for or cancel. */
static char *claimed_disk(const struct m_desktop *d, unsigned host_id)
{
	char *key, *label, *busy, *why = NULL;
	size_t i;

	for (i = 0; i < d->xml.ndisks && why == NULL; i++) {
		const struct xml_disk *k = &d->xml.disks[i];

		if (k->source == NULL || k->readonly ||
		    (key = vol_claim_key_of(host_id, k->source,
		    &label)) == NULL)
			continue;
		if ((busy = job_claim_conflict(key, label, JOB_WRITES)) != NULL)
			why = xasprintf("cannot start %s: %s", d->name, busy);
		free(busy);
		free(key);
		free(label);
	}
	return why;
}

/* Model lock held. NULL when the action may go ahead, else why not
 * (caller frees). */
static char *check(const struct m_desktop *d, const struct m_host *h,
    enum desktop_state s, enum domain_action a)
{
	const char *why;
	char *live, *place;

	if (a == DA_START && (live = live_elsewhere(d)) != NULL)
		return live;
	if (a == DA_START && ((live = parent_disk(d, h->id)) != NULL ||
	    (live = claimed_disk(d, h->id)) != NULL))
		return live;
	if (h->state != HOST_ONLINE)
		return xasprintf("cannot %s %s: host %s is %s", actions[a].name,
		    d->name, h->name, model_host_state_name(h->state));
	if ((why = refusal(s, a)) != NULL)
		return xasprintf("cannot %s %s: %s", actions[a].name, d->name, why);
	/* a start makes a new running desktop there: placement decides (a
	 * resume does not, the guest already holds its memory there) */
	if (a == DA_START && (place = place_refusal(h, PLACE_DESKTOP)) != NULL) {
		live = xasprintf("cannot start %s: %s", d->name, place);
		free(place);
		return live;
	}
	return NULL;
}

/* Model lock held. The desktop, its placement and host, or NULL with
 * *cause (caller frees) when it is not in the model. */
static struct m_desktop *locate(const char *uuid, const struct m_place **p,
    const struct m_host **h, char **cause)
{
	struct m_desktop *d = model_desktop(uuid);

	*p = d != NULL ? model_desktop_place(d) : NULL;
	*h = *p != NULL ? model_host((*p)->host_id) : NULL;
	if (d == NULL || *p == NULL || *h == NULL) {
		*cause = xasprintf("no desktop with UUID %s", uuid);
		return NULL;
	}
	return d;
}

/* Before the model lock: what does not depend on the desktop. */
static int check_global(enum domain_action a, char **cause)
{
	if (a >= DA_COUNT) {
		*cause = xstrdup("unknown action");
		return -1;
	}
	if (act_read_only()) {
		*cause = xasprintf("cannot %s: hvdeck runs read-only", actions[a].name);
		return -1;
	}
	return 0;
}

int act_domain_check(const char *uuid, enum domain_action a, char **cause)
{
	const struct m_place *p;
	const struct m_host *h;
	struct m_desktop *d;

	if (check_global(a, cause) < 0)
		return -1;
	model_lock();
	if ((d = locate(uuid, &p, &h, cause)) != NULL)
		*cause = check(d, h, p->state, a);
	model_unlock();
	return *cause != NULL ? -1 : 0;
}

int act_domain(const char *uuid, enum domain_action a, unsigned *job_id,
    char **cause)
{
	struct m_desktop *d;
	const struct m_place *p;
	const struct m_host *h;
	struct job_target t;
	struct call *c;
	unsigned host_id, job;

	*job_id = 0;
	if (check_global(a, cause) < 0)
		return -1;
	model_lock();
	if ((d = locate(uuid, &p, &h, cause)) == NULL) {
		model_unlock();
		return -1;
	}
	/* a second press while the first is queued or running joins it */
	if ((*job_id = job_find_active(actions[a].job, uuid)) != 0) {
		model_unlock();
		return 0;
	}
	if ((*cause = check(d, h, p->state, a)) != NULL) {
		model_unlock();
		return -1;
	}
	c = xcalloc(1, sizeof *c);
	snprintf(c->uuid, sizeof c->uuid, "%s", uuid);
	c->name = xstrdup(d->name);
	c->event_name = text_shorten(d->name, MODEL_EVENT_NAME_MAX);
	c->host = xstrdup(h->name);
	c->action = a;
	host_id = p->host_id;
	model_unlock();

	t.uuid = c->uuid;
	t.name = c->name;
	t.host_id = host_id;
	t.host = c->host;
	job = c->job = job_new(actions[a].job, &t, NULL, NULL);
	model_desktop_pending(uuid, actions[a].pending);
	/* once queued, c is the worker's: it may be freed before we return */
	if (host_call(host_id, run, c) < 0) {
		*cause = xasprintf("cannot %s %s: host %s is gone", actions[a].name,
		    c->name, c->host);
		model_desktop_pending(uuid, NULL);
		job_fail(job, *cause);
		call_free(c);
		return -1;
	}
	*job_id = job;
	return 0;
}
