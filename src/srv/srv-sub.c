/* srv-sub.c — the server's subscriptions (srv-sub.h): one observer of
 * the model fans each change out to every subscriber's queue; each
 * subscriber's thread packs its lines into frames and sends them. */
#include "srv/srv-sub.h"
#include "srv/proto.h"
#include "srv/srv-drain.h"
#include "srv/srv-hostadd.h"
#include "srv/srv-mig.h"
#include "srv/srv-peer.h"
#include "core/cpufit.h"
#include "core/cpufit-json.h"
#include "core/job.h"
#include "core/json.h"
#include "core/log.h"
#include "core/model-json.h"
#include "core/model.h"
#include "core/util.h"
#include "core/watch-queue.h"
#include "virt/virt-host.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room a frame keeps for its type and length. */
#define FRAME_ROOM (PROTO_FRAME_MAX - 16)

struct sub {
	struct watch_queue *q;
	struct sub *next;
};

/* Lock order: the model lock (the observer runs under it), then this. */
static pthread_mutex_t subs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sub *subs;

static const char *const severity_names[] = { "info", "warn", "error" };

/* An entry of the events strip as a line of kind "event". */
static char *event_line(const struct m_event *e)
{
	struct json j;

	json_init(&j);
	json_begin_object(&j, NULL);
	json_int(&j, "time_ms", e->wall_ms);
	json_string(&j, "kind", "event");
	json_string(&j, "severity", severity_names[e->severity]);
	json_string(&j, "text", e->text);
	json_end_object(&j);
	return json_take_line(&j);
}

/* Job lock held. A job as a line of kind "job": what the jobs pane and
 * the progress view show. */
static char *job_line(const struct job *j)
{
	const struct job_sample *sm = job_last_sample(j);
	struct json jw;
	char *line;

	json_init(&jw);
	json_begin_object(&jw, NULL);
	json_int(&jw, "time_ms", util_wall_ms());
	json_string(&jw, "kind", "job");
	json_begin_object(&jw, "object");
	json_uint(&jw, "id", j->id);
	json_string(&jw, "kind", job_kind_name(j->kind));
	json_string(&jw, "state", job_state_name(j->state));
	json_string(&jw, "uuid", j->uuid);
	json_string(&jw, "name", j->name);
	json_string(&jw, "host", j->host);
	json_string(&jw, "error", j->error);
	if (sm != NULL) {
		json_double(&jw, "pct", sm->pct, 1);
		json_uint(&jw, "done", sm->done);
		json_uint(&jw, "total", sm->total);
		json_string(&jw, "phase", sm->phase);
	}
	json_end_object(&jw);
	json_end_object(&jw);
	line = json_take_line(&jw);
	return line;
}

/* Job lock held: the line of every job changed since generation since
 * (0: every job), queued on q, or on every subscriber when q is NULL. */
static void queue_jobs(struct watch_queue *q, uint64_t since)
{
	struct job *j;
	struct sub *s;
	char key[24], *line;

	for (j = job_first(); j != NULL; j = job_next(j)) {
		if (j->gen <= since && since != 0)
			continue;
		line = job_line(j);
		snprintf(key, sizeof key, "j%u", j->id);
		if (q != NULL)
			watch_queue_push(q, key, 1, xstrdup(line));
		for (s = subs; q == NULL && s != NULL; s = s->next)
			watch_queue_push(s->q, key, 1, xstrdup(line));
		free(line);
	}
}

/* Job lock held, subs_lock held: a "gone" line to every subscriber for
 * each job of *ids (the last look's, *n of them) that is no more
 * (dismissed), then *ids is the jobs now. */
static void queue_gone(unsigned **ids, size_t *n)
{
	unsigned *now = NULL;
	size_t nnow = 0, i, k;
	struct job *j;
	struct sub *s;
	char key[24], *line;

	for (j = job_first(); j != NULL; j = job_next(j)) {
		now = xreallocarray(now, nnow + 1, sizeof *now);
		now[nnow++] = j->id;
	}
	for (i = 0; i < *n; i++) {
		for (k = 0; k < nnow && now[k] != (*ids)[i]; k++)
			;
		if (k < nnow)
			continue;
		snprintf(key, sizeof key, "j%u", (*ids)[i]);
		line = xasprintf("{\"kind\":\"job\",\"object\":{\"id\":%u,"
		    "\"state\":\"gone\"}}\n", (*ids)[i]);
		for (s = subs; s != NULL; s = s->next)
			watch_queue_push(s->q, key, 1, xstrdup(line));
		free(line);
	}
	free(*ids);
	*ids = now;
	*n = nnow;
}

/* ---- migrations and drains: their own lines ----
 * A migration's stats and pre-flight steps, and a drain's desktops,
 * change without their job changing (they have their own locks, which
 * must not be taken under the job lock): the jobs thread renders each
 * such job's line outside it and sends those that changed (srv-mig.h,
 * srv-drain.h). */

struct line_seen {
	unsigned job;
	char *line;             /* the last sent */
};

/* The ids of the migration, drain and add-host jobs (*n of them; caller
 * frees): the jobs with a line of their own. */
static unsigned *own_line_ids(size_t *n)
{
	unsigned *ids = NULL;
	struct job *j;

	*n = 0;
	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j))
		if (j->kind == JK_MIGRATE || j->kind == JK_DRAIN ||
		    j->kind == JK_ADD_HOST) {
			ids = xreallocarray(ids, *n + 1, sizeof *ids);
			ids[(*n)++] = j->id;
		}
	job_unlock();
	return ids;
}

/* Job id's own line: a migration's stats and steps, a drain's items or
 * an add's state and steps; NULL for none. */
static char *own_line(unsigned id)
{
	char *line = srv_mig_line(id);

	if (line == NULL)
		line = srv_drain_line(id);
	return line != NULL ? line : srv_hostadd_line(id);
}

/* Every such job's own line (*n of them; caller frees each and the array),
 * for a new subscriber's snapshot: rendered before the model lock is
 * taken (a migration's own locks are never taken under it). */
static char **own_lines(size_t *n)
{
	size_t nid, i;
	unsigned *ids = own_line_ids(&nid);
	char **lines = xcalloc(nid + 1, sizeof *lines);

	*n = 0;
	for (i = 0; i < nid; i++)
		if ((lines[*n] = own_line(ids[i])) != NULL)
			(*n)++;
	free(ids);
	return lines;
}

/* The own lines that changed since the last call (seen, nseen:
 * what was sent, replaced by what is now), rendered without any lock,
 * then sent to every subscriber. */
static void send_own_lines(struct line_seen **seen, size_t *nseen)
{
	size_t n, i, k;
	unsigned *ids = own_line_ids(&n);
	struct line_seen *now = xcalloc(n + 1, sizeof *now);
	int *changed = xcalloc(n + 1, sizeof *changed);
	struct sub *s;
	char key[24];

	for (i = 0; i < n; i++) {
		now[i].job = ids[i];
		now[i].line = own_line(ids[i]);
		for (k = 0; k < *nseen && (*seen)[k].job != ids[i]; k++)
			;
		changed[i] = now[i].line != NULL && (k == *nseen ||
		    (*seen)[k].line == NULL ||
		    strcmp((*seen)[k].line, now[i].line) != 0);
	}
	pthread_mutex_lock(&subs_lock);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "m%u", ids[i]);
		for (s = subs; changed[i] && s != NULL; s = s->next)
			watch_queue_push(s->q, key, 1, xstrdup(now[i].line));
	}
	pthread_mutex_unlock(&subs_lock);
	for (k = 0; k < *nseen; k++)
		free((*seen)[k].line);
	free(*seen);
	free(changed);
	free(ids);
	*seen = now;
	*nseen = n;
}

/* The CPU-fit table changed (its generation moved from *seen): its line
 * to every subscriber, the newest replacing one not sent yet. */
static void send_cpufit(uint64_t *seen)
{
	uint64_t now = cpufit_generation();
	struct sub *s;
	char *line;

	if (now == *seen)
		return;
	*seen = now;
	model_lock();	/* lock order: the model's, then the subscribers' */
	line = cpufit_json_line();
	pthread_mutex_lock(&subs_lock);
	for (s = subs; s != NULL; s = s->next)
		watch_queue_push(s->q, "cpufit", 1, xstrdup(line));
	pthread_mutex_unlock(&subs_lock);
	model_unlock();
	free(line);
}

/* Jobs and the CPU-fit table have no observer: their generations are
 * looked at a few times a second, and what changed goes to every
 * subscriber. */
#define JOBS_POLL_MS 200
static pthread_t jobs_thread;
static int jobs_polling, jobs_ending;

static void *jobs_main(void *arg)
{
	uint64_t seen = job_generation(), now, fit_seen = cpufit_generation();
	struct line_seen *sent_lines = NULL;
	unsigned *ids = NULL;
	size_t nsent = 0, nids = 0, i;
	int stop = 0, any;

	(void)arg;
	while (!stop) {
		util_sleep_ms(JOBS_POLL_MS);
		now = job_generation();
		pthread_mutex_lock(&subs_lock);
		stop = jobs_ending;
		any = subs != NULL;
		if (now != seen && any) {
			job_lock();
			queue_jobs(NULL, seen);
			queue_gone(&ids, &nids);
			job_unlock();
		}
		pthread_mutex_unlock(&subs_lock);
		if (any) {
			send_own_lines(&sent_lines, &nsent);
			send_cpufit(&fit_seen);
		} else {	/* a new subscriber's snapshot has the table */
			fit_seen = cpufit_generation();
		}
		seen = now;
	}
	for (i = 0; i < nsent; i++)
		free(sent_lines[i].line);
	free(sent_lines);
	free(ids);
	return NULL;
}

/* Model lock held: render once, queue for each subscriber. */
static void observer(enum m_kind kind, enum m_op op, const struct m_host *h,
    const void *obj, void *ctx)
{
	struct sub *s;
	char *key = NULL, *line;

	(void)ctx;
	pthread_mutex_lock(&subs_lock);
	if (subs != NULL) {
		if (kind == MK_EVENT) {
			line = event_line(obj);
		} else {
			key = model_json_key(kind, h, obj);
			line = model_json_change(kind, op, h, obj);
		}
		for (s = subs; s != NULL; s = s->next)
			watch_queue_push(s->q, key, op == MO_STATS, xstrdup(line));
		free(line);
		free(key);
	}
	pthread_mutex_unlock(&subs_lock);
}

void srv_sub_init(void)
{
	model_set_observer(observer, NULL);
	jobs_polling = pthread_create(&jobs_thread, NULL, jobs_main, NULL) == 0;
	if (!jobs_polling)
		log_msg(LOG_WARN, "server: no thread for the jobs' changes: "
		    "attached consoles will not see jobs");
}

/* Model lock held: every object as an "add" line, the CPU-fit table,
 * the events strip, the jobs, the migrations' and drains' own lines
 * own[0..nm) (taken) and the "synced" line, into a new queue with room
 * for them all. */
static struct watch_queue *snapshot(char **own, size_t nm)
{
	struct m_host **h = NULL;
	struct m_desktop **d = NULL;
	struct watch_queue *q;
	size_t nh, nd, ne, np = 0, i, k;

	h = model_hosts(&nh);
	d = model_desktops(&nd);
	(void)model_event_at(0, &ne);
	for (i = 0; i < nh; i++)
		np += h[i]->npools;
	q = watch_queue_new(nh + np + nd + 1 + ne + nm + 1 + SRV_SUB_QUEUE_MAX, 1,
	    1);
	for (i = 0; i < nh; i++)
		watch_queue_push(q, NULL, 0,
		    model_json_change(MK_HOST, MO_ADD, NULL, h[i]));
	for (i = 0; i < nh; i++)
		for (k = 0; k < h[i]->npools; k++)
			watch_queue_push(q, NULL, 0, model_json_change(MK_POOL,
			    MO_ADD, h[i], h[i]->pools[k]));
	for (i = 0; i < nd; i++)
		watch_queue_push(q, NULL, 0,
		    model_json_change(MK_DESKTOP, MO_ADD, NULL, d[i]));
	watch_queue_push(q, NULL, 0, cpufit_json_line());
	for (i = 0; i < ne; i++)
		watch_queue_push(q, NULL, 0, event_line(model_event_at(i, &ne)));
	job_lock();	/* lock order: the model's, then the jobs' */
	queue_jobs(q, 0);
	job_unlock();
	for (i = 0; i < nm; i++)
		watch_queue_push(q, NULL, 0, own[i]);
	watch_queue_push(q, NULL, 0, xstrdup("{\"kind\":\"synced\"}\n"));
	return q;
}

/* Send buf's lines (each ended by a newline; buf is cut up) in frames:
 * 0, or -1 when p is gone. */
static int send_lines(struct srv_peer *p, char *buf)
{
	const char **f = xcalloc(PROTO_FIELDS_MAX, sizeof *f);
	char *line = buf, *nl;
	size_t size = 0, len;
	int n = 0, rc = 0;

	for (; rc == 0 && line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		len = strlen(line) + 1;
		if (len > FRAME_ROOM) {
			log_msg(LOG_WARN, "server: a change of %zu bytes is too "
			    "large for a frame: not sent to %s", len, p->user);
			continue;
		}
		if (size + len > FRAME_ROOM || n == PROTO_FIELDS_MAX) {
			rc = srv_peer_send(p, PROTO_SUB_LINES, f, n);
			n = 0;
			size = 0;
		}
		f[n++] = line;
		size += len;
	}
	if (rc == 0 && n > 0)
		rc = srv_peer_send(p, PROTO_SUB_LINES, f, n);
	free(f);
	return rc;
}

static void unlink_sub(struct sub *me)
{
	struct sub **s;

	pthread_mutex_lock(&subs_lock);
	for (s = &subs; *s != NULL; s = &(*s)->next)
		if (*s == me) {
			*s = me->next;
			break;
		}
	hosts_set_watched(subs != NULL);
	pthread_mutex_unlock(&subs_lock);
}

int srv_sub_serve(struct srv_peer *p)
{
	struct sub *me = xcalloc(1, sizeof *me);
	size_t lost = 0, nm;
	char *buf, **own = own_lines(&nm);
	int rc = 0;

	model_lock();
	me->q = snapshot(own, nm);
	free(own);
	pthread_mutex_lock(&subs_lock);
	me->next = subs;
	subs = me;
	/* a console (or a wall) looks: offline hosts are retried often, as
	 * in a console's own process */
	hosts_set_watched(1);
	pthread_mutex_unlock(&subs_lock);
	model_unlock();
	while ((buf = watch_queue_take_lost(me->q, &lost)) != NULL ||
	    lost > 0) {
		if (buf != NULL && send_lines(p, buf) < 0)
			rc = 1;
		free(buf);
		if (rc == 0 && lost > 0) {
			/* its mirror would be wrong from here on */
			log_msg(LOG_INFO, "server: subscriber %s dropped: %zu "
			    "changes behind", p->user, lost);
			p->gone = 1;
			rc = 1;
		}
		if (rc != 0)
			break;
	}
	unlink_sub(me);
	watch_queue_free(me->q);
	free(me);
	return rc;
}

void srv_sub_stop_all(void)
{
	struct sub *s;

	pthread_mutex_lock(&subs_lock);
	for (s = subs; s != NULL; s = s->next)
		watch_queue_stop(s->q);
	jobs_ending = 1;
	pthread_mutex_unlock(&subs_lock);
	if (jobs_polling)
		pthread_join(jobs_thread, NULL);
	jobs_polling = 0;
}
