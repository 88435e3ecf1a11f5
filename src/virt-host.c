/* virt-host.c — per-host worker threads: the connection state machine.
 *
 *   CONNECTING --open ok--> ONLINE/READ-ONLY --close cb / error--> OFFLINE
 *        ^                                                            |
 *        +---------------- backoff 1 s .. 60 s, jittered -------------+
 */
#include "virt-host.h"
#include "virt-queue.h"
#include "virt-evloop.h"
#include "virt-events.h"
#include "virt-sync.h"
#include "model.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Probe every 3 s, give up after 2 unanswered: a silent host is declared
 * dead within about 9 s. */
#define KEEPALIVE_INTERVAL 3
#define KEEPALIVE_COUNT 2

static pthread_mutex_t workers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct host_worker **workers;
static size_t nworkers;

struct host_worker *host_worker_find(unsigned host_id)
{
	struct host_worker *w = NULL;
	size_t i;

	pthread_mutex_lock(&workers_lock);
	for (i = 0; i < nworkers; i++)
		if (workers[i]->host_id == host_id)
			w = workers[i];
	pthread_mutex_unlock(&workers_lock);
	return w;
}

/* Returns -1 (r freed) once the worker is stopping: it drains its queue
 * one last time on the way out, so a request queued later would never be
 * served, nor a call's job ever end. */
static int enqueue(struct host_worker *w, struct host_request *r)
{
	pthread_mutex_lock(&w->lock);
	if (w->stop) {
		pthread_mutex_unlock(&w->lock);
		queue_request_free(r);
		return -1;
	}
	if (queue_push(&w->head, &w->tail, r))
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void host_queue(struct host_worker *w, struct host_request *r)
{
	enqueue(w, r);
}

void host_request(unsigned host_id, enum req_kind kind, const char *arg,
    int propagate)
{
	struct host_worker *w = host_worker_find(host_id);
	struct host_request *r;

	if (w == NULL)
		return;
	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->arg = xstrdup(arg);
	r->propagate = propagate;
	host_queue(w, r);
}

int host_call(unsigned host_id, host_call_fn fn, void *ctx)
{
	struct host_worker *w = host_worker_find(host_id);
	struct host_request *r;

	if (w == NULL)
		return -1;
	r = xcalloc(1, sizeof *r);
	r->kind = REQ_CALL;
	r->fn = fn;
	r->ctx = ctx;
	return enqueue(w, r);
}

void host_mark_self_refresh(struct host_worker *w, const char *pool)
{
	pthread_mutex_lock(&w->lock);
	w->self_refreshed = xreallocarray(w->self_refreshed,
	    w->nself_refreshed + 1, sizeof *w->self_refreshed);
	w->self_refreshed[w->nself_refreshed++] = xstrdup(pool);
	pthread_mutex_unlock(&w->lock);
}

int host_take_self_refresh(struct host_worker *w, const char *pool)
{
	size_t i;
	int found = 0;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nself_refreshed; i++) {
		if (strcmp(w->self_refreshed[i], pool) == 0) {
			free(w->self_refreshed[i]);
			w->self_refreshed[i] =
			    w->self_refreshed[--w->nself_refreshed];
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return found;
}

/* Runs on the event-loop thread: only flag and wake the worker. */
static void close_callback(virConnectPtr conn, int reason, void *opaque)
{
	struct host_worker *w = opaque;

	(void)conn;
	pthread_mutex_lock(&w->lock);
	w->closed = 1;
	w->close_reason = reason;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static const char *close_reason_text(int reason)
{
	switch (reason) {
	case VIR_CONNECT_CLOSE_REASON_ERROR: return "connection error";
	case VIR_CONNECT_CLOSE_REASON_EOF: return "connection closed by the host";
	case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: return "host stopped answering keepalives";
	case VIR_CONNECT_CLOSE_REASON_CLIENT: return "closed";
	default: return "connection lost";
	}
}

/* Credentials are never asked for on a worker thread: there is no one to
 * type them. Interactive onboarding happens in the add-host form. */
static int no_prompt_auth(virConnectCredentialPtr cred, unsigned int ncred,
    void *cbdata)
{
	(void)cred;
	(void)ncred;
	(void)cbdata;
	return -1;
}

static int auth_types[] = {
	VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_ECHOPROMPT,
	VIR_CRED_NOECHOPROMPT,
};

static virConnectAuth no_prompt = {
	auth_types, sizeof auth_types / sizeof auth_types[0], no_prompt_auth, NULL,
};

/* Wait until a request, a stop, the deadline, or (when online) a close of
 * the connection. Lock held. */
static void wait_until(struct host_worker *w, int64_t deadline_ms, int online)
{
	struct timespec ts;
	int64_t left;

	while (!w->stop && !(online && w->closed) && w->head == NULL) {
		left = deadline_ms - util_now_ms();
		if (left <= 0)
			return;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += left / 1000;
		ts.tv_nsec += (left % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	}
}

static struct host_request *dequeue(struct host_worker *w)
{
	struct host_request *r;

	pthread_mutex_lock(&w->lock);
	r = queue_pop(&w->head, &w->tail);
	pthread_mutex_unlock(&w->lock);
	return r;
}

/* Shared storage (NFS in production): a volume created through one host is
 * seen by the others only after they rescan the same directory. */
static void follow_shared_storage(struct host_worker *w, const char *pool)
{
	struct m_pool_ref *refs;
	size_t i, n = model_pools_sharing(w->host_id, pool, &refs);

	for (i = 0; i < n; i++)
		host_request(refs[i].host_id, REQ_POOL_REFRESH, refs[i].pool, 0);
	model_pool_refs_free(refs, n);
}

static void serve(struct host_worker *w, struct host_request *r)
{
	switch (r->kind) {
	case REQ_DOMAIN:
		sync_domain(w, r->arg);
		break;
	case REQ_POOL_EVENT:
		sync_pool(w, r->arg);
		if (r->propagate)
			follow_shared_storage(w, r->arg);
		break;
	case REQ_POOL_REFRESH: {
		virStoragePoolPtr pool = virStoragePoolLookupByName(w->conn, r->arg);

		if (pool != NULL) {
			host_mark_self_refresh(w, r->arg);
			if (virStoragePoolRefresh(pool, 0) < 0) {
				char *msg = evloop_last_error("refresh failed");

				host_take_self_refresh(w, r->arg);
				model_event(SEV_WARN, "%s: refresh of pool %s: %s",
				    w->name, r->arg, msg);
				free(msg);
			}
			virStoragePoolFree(pool);
		}
		/* re-read here, not on the refresh event: the event for a
		 * refresh we made is dropped by on_pool_refresh */
		sync_pool(w, r->arg);
		break;
	}
	case REQ_JOB:
		sync_job(w, r->arg);
		break;
	case REQ_CALL:
		r->fn(w->conn, w->host_id, r->ctx);
		break;
	}
}

static int open_connection(struct host_worker *w, char **cause)
{
	unsigned flags = w->read_only ? VIR_CONNECT_RO : 0;

	w->conn = virConnectOpenAuth(w->uri, &no_prompt, flags);
	if (w->conn == NULL) {
		*cause = evloop_last_error("cannot connect");
		return -1;
	}
	pthread_mutex_lock(&w->lock);
	w->closed = 0;
	pthread_mutex_unlock(&w->lock);
	if (virConnectSetKeepAlive(w->conn, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT) < 0)
		log_msg(LOG_DEBUG, "%s: keepalive not supported", w->name);
	if (virConnectRegisterCloseCallback(w->conn, close_callback, w, NULL) < 0 ||
	    events_register(w, cause) < 0) {
		if (*cause == NULL)
			*cause = evloop_last_error("cannot register callbacks");
		virConnectClose(w->conn);
		w->conn = NULL;
		return -1;
	}
	return 0;
}

static void close_connection(struct host_worker *w)
{
	if (w->conn == NULL)
		return;
	events_deregister(w);
	virConnectUnregisterCloseCallback(w->conn, close_callback);
	virConnectClose(w->conn);
	w->conn = NULL;
}

/* Serve requests and poll stats until the connection closes or stop. */
static void run_online(struct host_worker *w)
{
	struct host_request *r;
	int64_t next_stats = util_now_ms();

	for (;;) {
		pthread_mutex_lock(&w->lock);
		wait_until(w, next_stats, 1);
		if (w->stop || w->closed) {
			pthread_mutex_unlock(&w->lock);
			return;
		}
		pthread_mutex_unlock(&w->lock);
		while ((r = dequeue(w)) != NULL) {
			serve(w, r);
			queue_request_free(r);
		}
		if (util_now_ms() >= next_stats) {
			sync_stats(w);
			next_stats = util_now_ms() + w->stats_interval_ms;
		}
		if (virConnectIsAlive(w->conn) != 1) {
			pthread_mutex_lock(&w->lock);
			w->closed = 1;
			pthread_mutex_unlock(&w->lock);
		}
	}
}

/* Requests that need a connection fail while offline: actions learn it. */
static void drain_offline(struct host_worker *w)
{
	struct host_request *r;

	while ((r = dequeue(w)) != NULL) {
		if (r->kind == REQ_CALL)
			r->fn(NULL, w->host_id, r->ctx);
		queue_request_free(r);
	}
}

/* Sleep out the backoff; actions queued meanwhile fail at once rather than
 * wait for the host. Returns with the lock released. */
static void backoff_wait(struct host_worker *w, int ms)
{
	int64_t deadline = util_now_ms() + queue_backoff_jitter(ms, random());

	pthread_mutex_lock(&w->lock);
	for (;;) {
		wait_until(w, deadline, 0);
		if (w->stop || w->head == NULL)
			break;
		pthread_mutex_unlock(&w->lock);
		drain_offline(w);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
}

static int stopping(struct host_worker *w)
{
	int stop;

	pthread_mutex_lock(&w->lock);
	stop = w->stop;
	pthread_mutex_unlock(&w->lock);
	return stop;
}

static void *worker_main(void *arg)
{
	struct host_worker *w = arg;
	int backoff = BACKOFF_MIN_MS;
	char *cause = NULL;

	/* "connecting" is shown for the first attempt only: while retrying,
	 * a host stays "offline" with the last error, so watchers see one
	 * change per real change, not one per retry. */
	model_host_set_state(w->host_id, HOST_CONNECTING, NULL);
	while (!stopping(w)) {
		if (open_connection(w, &cause) == 0 && sync_full(w, &cause) == 0) {
			log_msg(LOG_INFO, "%s: connected to %s", w->name, w->uri);
			model_host_set_state(w->host_id,
			    w->read_only ? HOST_READONLY : HOST_ONLINE, NULL);
			backoff = BACKOFF_MIN_MS;
			run_online(w);
			pthread_mutex_lock(&w->lock);
			if (!w->stop)
				cause = xstrdup(close_reason_text(w->close_reason));
			pthread_mutex_unlock(&w->lock);
		}
		close_connection(w);
		if (cause != NULL) {
			log_msg(LOG_INFO, "%s: offline: %s", w->name, cause);
			model_host_set_state(w->host_id, HOST_OFFLINE, cause);
			free(cause);
			cause = NULL;
		}
		drain_offline(w);
		backoff_wait(w, backoff);
		backoff = queue_backoff_next(backoff);
	}
	close_connection(w);
	drain_offline(w);
	return NULL;
}

unsigned hosts_add(const struct config_host *ch, int read_only,
    int stats_interval)
{
	struct host_worker *w = xcalloc(1, sizeof *w);
	pthread_condattr_t attr;
	int rc;

	w->host_id = model_host_add(ch);
	w->name = xstrdup(ch->name);
	w->uri = xstrdup(ch->uri);
	w->read_only = read_only;
	w->stats_interval_ms = stats_interval * 1000;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);

	pthread_mutex_lock(&workers_lock);
	workers = xreallocarray(workers, nworkers + 1, sizeof *workers);
	workers[nworkers++] = w;
	pthread_mutex_unlock(&workers_lock);

	rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc != 0)
		fatal("host worker thread: %s", strerror(rc));
	w->started = 1;
	return w->host_id;
}

void hosts_start(const struct config *cfg, int read_only)
{
	size_t i;

	srandom((unsigned)util_wall_ms());
	for (i = 0; i < cfg->nhosts; i++)
		hosts_add(&cfg->hosts[i], read_only, cfg->stats_interval);
}

int hosts_stop(int timeout_ms)
{
	struct host_worker **list;
	struct timespec ts;
	size_t i, n;
	int stragglers = 0;

	/* Join without holding workers_lock: a stopping worker (or an event
	 * callback) may still look workers up, e.g. to pass on a refresh. */
	pthread_mutex_lock(&workers_lock);
	n = nworkers;
	list = xcalloc(n + 1, sizeof *list);
	if (n > 0)	/* workers is NULL before the first host */
		memcpy(list, workers, n * sizeof *list);
	pthread_mutex_unlock(&workers_lock);

	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&list[i]->lock);
		list[i]->stop = 1;
		pthread_cond_signal(&list[i]->cond);
		pthread_mutex_unlock(&list[i]->lock);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	for (i = 0; i < n; i++) {
		if (!list[i]->started)
			continue;
		/* A worker stuck in a TCP connect to a silent host is left
		 * behind; the process is about to exit. */
		if (pthread_timedjoin_np(list[i]->thread, NULL, &ts) == 0) {
			list[i]->started = 0;
		} else {
			log_msg(LOG_INFO, "%s: worker did not stop in time",
			    list[i]->name);
			stragglers++;
		}
	}
	free(list);
	return stragglers;
}

void hosts_free(void)
{
	size_t i, k;

	pthread_mutex_lock(&workers_lock);
	for (i = 0; i < nworkers; i++) {
		struct host_worker *w = workers[i];

		if (w->started)
			continue;	/* still running: never free under it */
		for (k = 0; k < w->nself_refreshed; k++)
			free(w->self_refreshed[k]);
		free(w->self_refreshed);
		free(w->name);
		free(w->uri);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
	pthread_mutex_unlock(&workers_lock);
}
