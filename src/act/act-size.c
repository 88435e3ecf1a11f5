/* act-size.c — a desktop's size (act-size.h): checked against the model
 * and its host's capacity here, changed on the host's worker, re-read
 * into the model after. */
#include "act/act-size.h"
#include "act/act-domain.h"
#include "core/capacity.h"
#include "core/place.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-sync.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The notes of finished jobs, until asked (a few: one per change made
 * by this process; the console never asks, so the oldest go). */
#define NOTES_MAX 64
static pthread_mutex_t notes_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { unsigned job; char *text; } notes[NOTES_MAX];
static size_t notes_next;

static void note_keep(unsigned job, const char *text)
{
	pthread_mutex_lock(&notes_lock);
	free(notes[notes_next].text);
	notes[notes_next].job = job;
	notes[notes_next].text = xstrdup(text);
	notes_next = (notes_next + 1) % NOTES_MAX;
	pthread_mutex_unlock(&notes_lock);
}

char *act_size_note(unsigned job)
{
	char *s = NULL;
	size_t i;

	pthread_mutex_lock(&notes_lock);
	for (i = 0; i < NOTES_MAX && s == NULL; i++)
		if (notes[i].job == job && notes[i].text != NULL) {
			s = notes[i].text;
			notes[i].text = NULL;
			notes[i].job = 0;
		}
	pthread_mutex_unlock(&notes_lock);
	return s;
}

/* The size a desktop would have: what is asked, else what it has. */
struct size_final {
	unsigned vcpus;
	uint64_t memory_kib, max_kib;
};

static void final_size(const struct m_desktop *d, const struct size_req *r,
    struct size_final *f)
{
	f->vcpus = r->vcpus != 0 ? r->vcpus : d->xml.vcpus;
	f->memory_kib = r->memory_kib != 0 ? r->memory_kib : d->xml.memory_kib;
	f->max_kib = r->max_memory_kib != 0 ? r->max_memory_kib :
	    d->xml.max_memory_kib;
	/* more memory than its maximum: the maximum grows with it */
	if (r->max_memory_kib == 0 && f->memory_kib > f->max_kib)
		f->max_kib = f->memory_kib;
}

/* Lock held. Whether the host it counts on can take the new size: a
 * running desktop adds what its maximum grows by to what runs there, a
 * shut-off one must fit beside what runs there to start. */
static char *over_capacity(const struct m_desktop *d, const struct m_host *h,
    const struct size_final *f)
{
	int live = d->run_host == h->id;
	int64_t more = live ? (int64_t)f->max_kib -
	    (int64_t)d->xml.max_memory_kib : (int64_t)f->max_kib;

	if (f->vcpus <= d->xml.vcpus && f->max_kib <= d->xml.max_memory_kib)
		return NULL;	/* smaller always fits */
	return place_fit_refusal(h, f->vcpus, more);
}

/* Lock held. The host the desktop counts on (its live placement, else
 * where it is defined), NULL when none. */
static const struct m_host *host_of(const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);

	return p != NULL ? model_host(p->host_id) : NULL;
}

static char *check_locked(const char *uuid, const struct size_req *r)
{
	const struct m_desktop *d = model_desktop(uuid);
	const struct m_host *h;
	struct size_final f;
	char *mem, *max, *why;

	if (d == NULL)
		return xstrdup("no such desktop");
	if ((h = host_of(d)) == NULL || h->state != HOST_ONLINE)
		return xasprintf("desktop set %s: its host %s is not online",
		    d->name, h != NULL ? h->name : "?");
	final_size(d, r, &f);
	if (f.memory_kib > f.max_kib) {
		mem = capacity_kib((int64_t)f.memory_kib);
		max = capacity_kib((int64_t)f.max_kib);
		why = xasprintf("desktop set %s: memory %s is above its maximum "
		    "memory %s (--max-memory)", d->name, mem, max);
		free(mem);
		free(max);
		return why;
	}
	if ((why = over_capacity(d, h, &f)) == NULL)
		return NULL;
	mem = xasprintf("desktop set %s refused: %s", d->name, why);
	free(why);
	return mem;
}

int act_size_check(const char *uuid, const struct size_req *r, char **cause)
{
	char *why;

	if (act_read_only()) {
		*cause = xstrdup("read-only: desktop set refused");
		return -1;
	}
	if (r->vcpus == 0 && r->memory_kib == 0 && r->max_memory_kib == 0) {
		*cause = xstrdup("desktop set: nothing to change (--vcpus, "
		    "--memory, --max-memory)");
		return -1;
	}
	model_lock();
	why = check_locked(uuid, r);
	model_unlock();
	if (why == NULL)
		return 0;
	*cause = why;
	return -1;
}

struct size_call {
	unsigned job;
	char uuid[40];
	char *name;
	struct size_req req;
	struct size_final f;
	char *live, *later;     /* what changed live, what at next start */
};

static void add(char **list, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(char **list, const char *fmt, ...)
{
	va_list ap;
	char *item, *tmp;

	va_start(ap, fmt);
	item = xvasprintf(fmt, ap);
	va_end(ap);
	tmp = *list == NULL ? item : xasprintf("%s, %s", *list, item);
	if (tmp != item) {
		free(item);
		free(*list);
	}
	*list = tmp;
}

/* The persistent definition, in the order libvirt accepts: a maximum
 * grows before what it bounds, and shrinks after. -1 with libvirt's
 * message in *err. */
static int set_config(virDomainPtr dom, const struct size_call *c, char **err)
{
	unsigned cf = VIR_DOMAIN_AFFECT_CONFIG;
	int maxv;

	if (c->req.vcpus != 0) {
		maxv = virDomainGetVcpusFlags(dom, cf | VIR_DOMAIN_VCPU_MAXIMUM);
		if ((maxv >= 0 && c->f.vcpus > (unsigned)maxv &&
		    virDomainSetVcpusFlags(dom, c->f.vcpus, cf |
		    VIR_DOMAIN_VCPU_MAXIMUM) < 0) ||
		    virDomainSetVcpusFlags(dom, c->f.vcpus, cf) < 0)
			goto fail;
	}
	if (c->req.memory_kib == 0 && c->req.max_memory_kib == 0)
		return 0;
	if (virDomainSetMemoryFlags(dom, c->f.max_kib, cf |
	    VIR_DOMAIN_MEM_MAXIMUM) < 0 ||
	    virDomainSetMemoryFlags(dom, c->f.memory_kib, cf) < 0)
		goto fail;
	return 0;
fail:
	*err = evloop_last_error("failed");
	return -1;
}

/* A running desktop: each change live when libvirt takes it, else noted
 * for the next start with libvirt's reason. */
static void set_live(virDomainPtr dom, struct size_call *c)
{
	unsigned lf = VIR_DOMAIN_AFFECT_LIVE;
	char *why;

	if (c->req.vcpus != 0) {
		if (virDomainSetVcpusFlags(dom, c->f.vcpus, lf) == 0) {
			add(&c->live, "%u vCPUs", c->f.vcpus);
		} else {
			why = evloop_last_error("refused");
			add(&c->later, "%u vCPUs (live: %s)", c->f.vcpus, why);
			free(why);
		}
	}
	if (c->req.max_memory_kib != 0)
		add(&c->later, "max memory %llu MiB (libvirt changes it only "
		    "when the guest is off)", (unsigned long long)(c->f.max_kib / 1024));
	if (c->req.memory_kib == 0)
		return;
	if (virDomainSetMemoryFlags(dom, c->f.memory_kib, lf) == 0) {
		add(&c->live, "memory %llu MiB", (unsigned long long)
		    (c->f.memory_kib / 1024));
	} else {
		why = evloop_last_error("refused");
		add(&c->later, "memory %llu MiB (live: %s)", (unsigned long long)
		    (c->f.memory_kib / 1024), why);
		free(why);
	}
}

static void call_free(struct size_call *c)
{
	free(c->name);
	free(c->live);
	free(c->later);
	free(c);
}

/* What the job did, for the operator. Caller frees. */
static char *note_of(const struct size_call *c, int active)
{
	if (!active)
		return xasprintf("%s: size set (%u vCPUs, memory %llu MiB, max "
		    "memory %llu MiB)", c->name, c->f.vcpus, (unsigned long long)
		    (c->f.memory_kib / 1024), (unsigned long long)
		    (c->f.max_kib / 1024));
	return xasprintf("%s: %s%s%s%s", c->name,
	    c->live != NULL ? "live: " : "", c->live != NULL ? c->live : "",
	    c->live != NULL && c->later != NULL ? "; " : "",
	    c->later != NULL ? "at next start: " : "");
}

static void finish(struct size_call *c, int active)
{
	char *note = note_of(c, active), *full;

	full = c->later != NULL ? xasprintf("%s%s", note, c->later) :
	    xstrdup(note);
	note_keep(c->job, full);
	model_event(SEV_INFO, "%s", full);
	job_done(c->job);
	free(full);
	free(note);
}

/* On the host's worker. */
static void run(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct size_call *c = ctx;
	virDomainPtr dom = NULL;
	char *err = NULL;
	int active = 0;

	if (job_begin(c->job) < 0) {
		call_free(c);
		return;
	}
	if (conn == NULL)
		err = xstrdup("the host went offline before it ran");
	else if ((dom = virDomainLookupByUUIDString(conn, c->uuid)) == NULL)
		err = evloop_last_error("no such domain");
	else if ((active = virDomainIsActive(dom)) < 0)
		err = evloop_last_error("failed");
	/* a transient running domain has no definition to change */
	else if ((!active || virDomainIsPersistent(dom) == 1) &&
	    set_config(dom, c, &err) < 0)
		;
	else if (active)
		set_live(dom, c);
	if (err != NULL) {
		model_event(SEV_ERROR, "%s: desktop set failed: %s", c->name, err);
		job_fail(c->job, err);
	} else {
		finish(c, active);
	}
	if (dom != NULL) {
		sync_domain(conn, host_id, c->uuid);
		virDomainFree(dom);
	}
	free(err);
	call_free(c);
}

int act_size(const char *uuid, const struct size_req *r, unsigned *job,
    char **cause)
{
	struct size_call *c;
	struct job_target t = { uuid, NULL, 0, NULL };
	const struct m_desktop *d;
	const struct m_host *h;
	char *name = NULL, *host = NULL;

	*job = 0;
	if (act_size_check(uuid, r, cause) < 0)
		return -1;
	c = xcalloc(1, sizeof *c);
	snprintf(c->uuid, sizeof c->uuid, "%s", uuid);
	c->req = *r;
	model_lock();
	if ((d = model_desktop(uuid)) != NULL && (h = host_of(d)) != NULL) {
		name = xstrdup(d->name);
		host = xstrdup(h->name);
		t.host_id = h->id;
		final_size(d, r, &c->f);
	}
	model_unlock();
	if (name == NULL) {
		*cause = xstrdup("the desktop is gone");
		free(c);
		return -1;
	}
	t.name = c->name = name;
	t.host = host;
	c->job = *job = job_new(JK_DESKTOP_SET, &t, NULL, NULL);
	if (host_call(t.host_id, run, c) < 0) {
		job_fail(c->job, "the host's worker is stopping");
		call_free(c);
	}
	free(host);
	return 0;
}
