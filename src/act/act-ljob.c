/* act-ljob.c — jobs libvirt runs that hvdeck did not start: read on
 * every host, and aborted on the desktop's host worker (act-ljob.h). */
#include "act/act-ljob.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "core/format.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-host.h"
#include "virt/virt-sync.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the sweep: one count the hosts' workers bring down ---- */

struct sweep {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int left, answered, refs;
};

static void sweep_unref(struct sweep *s)
{
	int last;

	pthread_mutex_lock(&s->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
		free(s);
	}
}

static void run_sweep(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct sweep *s = ctx;

	if (conn != NULL)
		sync_jobs_sweep(conn, host_id);
	pthread_mutex_lock(&s->lock);
	s->left--;
	s->answered += conn != NULL;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	sweep_unref(s);
}

/* Lock held. The online hosts' ids (caller frees), their count in *n. */
static unsigned *online_hosts(size_t *n)
{
	struct m_host **hosts;
	size_t nh, i;
	unsigned *ids;

	hosts = model_hosts(&nh);
	ids = xcalloc(nh + 1, sizeof *ids);
	for (i = 0, *n = 0; i < nh; i++)
		if (hosts[i]->state == HOST_ONLINE)
			ids[(*n)++] = hosts[i]->id;
	return ids;
}

/* A sweep of s queued on every online host's worker (one ref each). */
static void queue_sweep(struct sweep *s)
{
	unsigned *ids;
	size_t n, i;

	model_lock();
	ids = online_hosts(&n);
	model_unlock();
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&s->lock);
		s->left++;
		s->refs++;
		pthread_mutex_unlock(&s->lock);
		if (host_call(ids[i], run_sweep, s) < 0) {
			pthread_mutex_lock(&s->lock);
			s->left--;
			s->refs--;
			pthread_mutex_unlock(&s->lock);
		}
	}
	free(ids);
}

int act_ljob_sweep(int timeout_ms)
{
	struct sweep *s = xcalloc(1, sizeof *s);
	int64_t end = util_now_ms() + timeout_ms;
	int answered;

	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->refs = 1;
	queue_sweep(s);
	pthread_mutex_lock(&s->lock);
	while (s->left > 0 && util_now_ms() < end) {
		struct timespec ts = util_deadline(CLOCK_REALTIME, 100);

		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
	}
	answered = s->answered;
	pthread_mutex_unlock(&s->lock);
	sweep_unref(s);
	return answered;
}

void act_ljob_sweep_async(void)
{
	struct sweep *s = xcalloc(1, sizeof *s);

	/* nobody waits: the workers' unrefs free it */
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->refs = 1;
	queue_sweep(s);
	sweep_unref(s);
}

/* ---- abort ---- */

struct abort_ctx {
	unsigned job;
	char uuid[40];
};

static void run_abort(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct abort_ctx *a = ctx;
	char *cause = NULL;

	if (job_begin(a->job) == 0) {
		if (conn == NULL)
			job_fail(a->job, "the host went offline");
		else if (sync_abort_job(conn, a->uuid, &cause) < 0)
			job_fail(a->job, cause);
		else
			job_done(a->job);
		/* the job's end (or its failure) shows on the next poll */
		if (conn != NULL)
			sync_job(conn, host_id, a->uuid);
	}
	free(cause);
	free(a);
}

/* Lock held. d's job libvirt runs with the host it runs on, or -1 with
 * *cause. */
static int abortable(const struct m_desktop *d, const struct m_host **h,
    char **cause)
{
	const struct m_place *p = model_desktop_place(d);

	*h = p != NULL ? model_host(p->host_id) : NULL;
	if (!d->job_active)
		*cause = xasprintf("%s has no job libvirt runs", d->name);
	else if (job_find_active(JK_MIGRATE, d->uuid) != 0)
		*cause = xasprintf("hvdeck migrates %s: cancel that job (c on "
		    "its row)", d->name);
	else if (*h == NULL || (*h)->state != HOST_ONLINE)
		*cause = xasprintf("%s: its host is not online", d->name);
	else
		return 0;
	return -1;
}

char *act_ljob_question(const char *name_or_uuid, char **cause)
{
	const struct m_host *h;
	struct m_desktop *d;
	char *q = NULL, pct[16] = "";

	model_lock();
	if ((d = act_desktop_find(name_or_uuid, cause)) != NULL &&
	    abortable(d, &h, cause) == 0) {
		if (d->job_pct >= 0)
			snprintf(pct, sizeof pct, " (%.0f%%)", d->job_pct);
		q = xasprintf("Abort the %s of %s on %s%s? hvdeck did not start "
		    "it (virsh or another tool did); %s stays on %s.",
		    d->job_kind != NULL ? d->job_kind : "job", d->name, h->name,
		    pct, d->name, h->name);
	}
	model_unlock();
	return q;
}

int act_ljob_abort(const char *name_or_uuid, unsigned *job, char **cause)
{
	struct job_target t;
	const struct m_host *h;
	struct m_desktop *d;
	struct abort_ctx *a;
	unsigned host_id;

	if (act_read_only()) {
		*cause = xstrdup("read-only: abort refused");
		return -1;
	}
	model_lock();
	if ((d = act_desktop_find(name_or_uuid, cause)) == NULL ||
	    abortable(d, &h, cause) < 0) {
		model_unlock();
		return -1;
	}
	a = xcalloc(1, sizeof *a);
	snprintf(a->uuid, sizeof a->uuid, "%s", d->uuid);
	t.uuid = d->uuid;
	t.name = d->name;
	t.host_id = host_id = h->id;
	t.host = h->name;
	a->job = *job = job_new(JK_ABORT, &t, NULL, NULL);
	model_unlock();
	if (host_call(host_id, run_abort, a) < 0) {
		job_fail(a->job, "the host's worker is stopping");
		free(a);
	}
	return 0;
}
