/* virt-host.c — per-host worker threads: the connection state machine.
 *
 *   CONNECTING --open ok--> ONLINE/READ-ONLY --close cb / error--> OFFLINE
 *        ^                                                            |
 *        +---------------- backoff 1 s .. 60 s, jittered -------------+
 */
#include "virt/virt-host.h"
#include "virt/conn.h"
#include "virt/virt-cpu.h"
#include "virt/virt-queue.h"
#include "virt/virt-evloop.h"
#include "virt/virt-events.h"
#include "virt/virt-sync.h"
#include "core/model.h"
#include "core/log.h"
#include "core/util.h"

#include <errno.h>
#include <stdint.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Probe every 3 s, give up after 2 unanswered: a silent host is declared
 * dead within about 9 s. */
/* hosts_stop(): how long a worker that is not stuck connecting may take to
 * close its connection. */
#define HOSTS_CLOSE_GRACE_MS 10000

/* Private: other threads hold a worker only between worker_get() and
 * worker_put(), never across a wait, so a worker can go at any time. */
struct host_worker {
	unsigned host_id;
	char *name, *uri;
	int read_only;
	int stats_interval_ms;
	pthread_t thread;
	int started;                /* joinable; set and cleared by the owner */
	int refs;                   /* guarded by workers_lock */
	pthread_mutex_t lock;       /* guards everything below */
	pthread_cond_t cond;
	struct host_request *head, *tail;
	int stop;
	int closed;                 /* the close callback fired */
	int close_reason;
	int reconnect;              /* host_reconnect(): no backoff */
	int connecting;             /* inside conn_open */
	int connect_timeout_ms;     /* an open is given up after it */
	char **self_refreshed;      /* pools we refreshed: their event is ours */
	size_t nself_refreshed;
	/* worker thread only */
	virConnectPtr conn;
	struct events_reg events;
};

static pthread_mutex_t workers_lock = PTHREAD_MUTEX_INITIALIZER;
/* the configuration's connect_timeout, for every worker (hosts_start) */
static atomic_int connect_timeout_ms = CONN_TIMEOUT_MS;
static struct host_worker **workers;
static size_t nworkers;

/* A reference to a listed worker, or NULL. */
static struct host_worker *worker_get(unsigned host_id)
{
	struct host_worker *w = NULL;
	size_t i;

	pthread_mutex_lock(&workers_lock);
	for (i = 0; i < nworkers; i++) {
		if (workers[i]->host_id == host_id) {
			w = workers[i];
			w->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&workers_lock);
	return w;
}

static void clear_self_refresh(struct host_worker *w)
{
	size_t i;

	for (i = 0; i < w->nself_refreshed; i++)
		free(w->self_refreshed[i]);
	free(w->self_refreshed);
	w->self_refreshed = NULL;
	w->nself_refreshed = 0;
}

/* The last reference frees; its thread has been joined (or never ran). */
static void worker_free(struct host_worker *w)
{
	struct host_request *r;

	while ((r = w->head) != NULL) {
		w->head = r->next;
		if (r->kind == REQ_CALL)
			r->fn(NULL, w->host_id, r->ctx);
		queue_request_free(r);
	}
	clear_self_refresh(w);
	free(w->name);
	free(w->uri);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

static void worker_put(struct host_worker *w)
{
	int last;

	pthread_mutex_lock(&workers_lock);
	last = --w->refs == 0;
	pthread_mutex_unlock(&workers_lock);
	if (last)
		worker_free(w);
}

/* Queue r on the host's worker (r is taken). Returns -1 (r freed) for no
 * such host, or once the worker is stopping: it drains its queue one last
 * time on the way out, so a request queued later would never be served,
 * nor a call's job ever end. */
static int queue(unsigned host_id, struct host_request *r)
{
	struct host_worker *w = worker_get(host_id);
	int rc = 0;

	if (w == NULL) {
		queue_request_free(r);
		return -1;
	}
	pthread_mutex_lock(&w->lock);
	if (w->stop) {
		queue_request_free(r);
		rc = -1;
	} else if (queue_push(&w->head, &w->tail, r)) {
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	worker_put(w);
	return rc;
}

void host_request(unsigned host_id, enum req_kind kind, const char *arg,
    int propagate)
{
	struct host_request *r = xcalloc(1, sizeof *r);

	r->kind = kind;
	r->arg = xstrdup(arg);
	r->propagate = propagate;
	queue(host_id, r);
}

int host_call(unsigned host_id, host_call_fn fn, void *ctx)
{
	struct host_request *r = xcalloc(1, sizeof *r);

	r->kind = REQ_CALL;
	r->fn = fn;
	r->ctx = ctx;
	return queue(host_id, r);
}

/* Flag the connection closed and wake the worker (any thread). */
static void flag_closed(unsigned host_id, int reason, int reconnect)
{
	struct host_worker *w = worker_get(host_id);

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	if (!w->closed)
		w->close_reason = reason;
	w->closed = 1;
	w->reconnect |= reconnect;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	worker_put(w);
}

void host_reconnect(unsigned host_id)
{
	flag_closed(host_id, VIR_CONNECT_CLOSE_REASON_CLIENT, 1);
}

void host_mark_self_refresh(unsigned host_id, const char *pool)
{
	struct host_worker *w = worker_get(host_id);

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->self_refreshed = xreallocarray(w->self_refreshed,
	    w->nself_refreshed + 1, sizeof *w->self_refreshed);
	w->self_refreshed[w->nself_refreshed++] = xstrdup(pool);
	pthread_mutex_unlock(&w->lock);
	worker_put(w);
}

int host_take_self_refresh(unsigned host_id, const char *pool)
{
	struct host_worker *w = worker_get(host_id);
	size_t i;
	int found = 0;

	if (w == NULL)
		return 0;
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
	worker_put(w);
	return found;
}

/* Runs on the event-loop thread: only flag and wake the worker. */
/* The close callback's context is the host id itself, never the worker
 * and nothing allocated: drivers without close callbacks (test:///)
 * accept the registration but never call its free function. */
static void close_callback(virConnectPtr conn, int reason, void *opaque)
{
	(void)conn;
	flag_closed((unsigned)(uintptr_t)opaque, reason, 0);
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

/* Wait until a request, a stop, the deadline, or (when online) a close of
 * the connection. Lock held. */
static void wait_until(struct host_worker *w, int64_t deadline_ms, int online)
{
	struct timespec ts;
	int64_t left;

	/* reconnect: an operator asked to try now, backoff or not */
	while (!w->stop && !(online && w->closed) && !w->reconnect &&
	    w->head == NULL) {
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

/* libvirt refuses to refresh a pool while it builds a volume in it ("pool
 * 'groups' has asynchronous jobs running"): a batch of overlays keeps it
 * busy for a moment, so the refresh is tried again after a short wait
 * rather than reported as a failure the batch did not have. */
#define REFRESH_BUSY_TRIES 6
#define REFRESH_BUSY_FIRST_MS 100

static int pool_busy(void)
{
	virErrorPtr err = virGetLastError();

	return err != NULL && err->code == VIR_ERR_INTERNAL_ERROR &&
	    err->message != NULL &&
	    strstr(err->message, "asynchronous jobs running") != NULL;
}

/* virStoragePoolRefresh, waiting out a busy pool: at most about 6 s. */
static int refresh_waiting(virStoragePoolPtr pool)
{
	int i, ms = REFRESH_BUSY_FIRST_MS;

	for (i = 1;; i++) {
		if (virStoragePoolRefresh(pool, 0) == 0)
			return 0;
		if (i == REFRESH_BUSY_TRIES || !pool_busy())
			return -1;
		util_sleep_ms(ms);
		ms *= 2;
	}
}

/* Shared storage (NFS in production): a volume created through one host is
 * seen by the others only after they rescan the same directory. */
int host_refresh_pool(virConnectPtr conn, unsigned host_id, const char *name,
    char **cause)
{
	virStoragePoolPtr pool;
	int rc = 0;

	*cause = NULL;
	if (conn == NULL) {
		*cause = xstrdup("the host is not connected");
		return -1;
	}
	pool = virStoragePoolLookupByName(conn, name);
	if (pool != NULL) {
		host_mark_self_refresh(host_id, name);
		if (refresh_waiting(pool) < 0) {
			*cause = evloop_last_error("refresh failed");
			host_take_self_refresh(host_id, name);
			rc = -1;
		}
		virStoragePoolFree(pool);
	}
	/* re-read here, not on the refresh event: the event for a refresh we
	 * made is dropped by on_pool_refresh (a pool gone is read as gone) */
	sync_pool(conn, host_id, name);
	return rc;
}

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
		sync_domain(w->conn, w->host_id, r->arg);
		break;
	case REQ_POOL_EVENT:
		sync_pool(w->conn, w->host_id, r->arg);
		if (r->propagate)
			follow_shared_storage(w, r->arg);
		break;
	case REQ_POOL_REFRESH: {
		char *msg = NULL;

		if (host_refresh_pool(w->conn, w->host_id, r->arg, &msg) < 0 &&
		    msg != NULL) {
			model_event(SEV_WARN, "%s: refresh of pool %s: %s",
			    w->name, r->arg, msg);
		}
		free(msg);
		break;
	}
	case REQ_JOB:
		sync_job(w->conn, w->host_id, r->arg);
		break;
	case REQ_CALL:
		r->fn(w->conn, w->host_id, r->ctx);
		break;
	}
}

/* What the event callbacks of a worker's connection ask of the workers. */
static const struct events_sink sink = {
	.request = host_request,
	.call = host_call,
	.take_self_refresh = host_take_self_refresh,
};

/* One of w's flags, read under its lock. */
static int flag_of(struct host_worker *w, const int *flag)
{
	int v;

	pthread_mutex_lock(&w->lock);
	v = *flag;
	pthread_mutex_unlock(&w->lock);
	return v;
}

static int stopping(struct host_worker *w)
{
	return flag_of(w, &w->stop);
}

static int open_cancelled(void *arg)
{
	return stopping(arg);
}

/* The open is given up after connect_timeout (a host that takes the TCP
 * or SSH login but whose libvirtd never answers would otherwise keep the
 * host "connecting" for ever, saying nothing): the host goes offline
 * with "did not answer within N s" and is tried again like any other
 * failure. A stop cancels the wait at once. */
static int open_connection(struct host_worker *w, char **cause)
{
	struct conn_opts o = {
		.timeout_ms = w->connect_timeout_ms,
		.cancelled = open_cancelled, .ctx = w,
		.read_only = w->read_only,
	};

	pthread_mutex_lock(&w->lock);
	w->connecting = 1;
	pthread_mutex_unlock(&w->lock);
	w->conn = conn_open(w->uri, &o, NULL, cause);
	pthread_mutex_lock(&w->lock);
	w->connecting = 0;
	pthread_mutex_unlock(&w->lock);
	if (w->conn == NULL)
		return -1;
	pthread_mutex_lock(&w->lock);
	w->closed = 0;
	w->reconnect = 0;
	pthread_mutex_unlock(&w->lock);
	if (virConnectRegisterCloseCallback(w->conn, close_callback,
	    (void *)(uintptr_t)w->host_id, NULL) < 0) {
		*cause = evloop_last_error("cannot register callbacks");
		virConnectClose(w->conn);
		w->conn = NULL;
		return -1;
	}
	if (events_register(w->conn, w->host_id, &sink, &w->events, cause) < 0) {
		virConnectUnregisterCloseCallback(w->conn, close_callback);
		virConnectClose(w->conn);
		w->conn = NULL;
		return -1;
	}
	return 0;
}

/* The order matters (issue 8): callbacks go first, while the connection
 * still stands, so none of ours runs once virConnectClose() starts and each
 * context is freed by libvirt through its free callback; then keepalive
 * stops, so no probe or "dead" verdict runs on the event-loop thread while
 * this thread tears the client down; then the close. The event loop keeps
 * running through all of it (see engine_stop). Refreshes still awaiting
 * their event will never see it on a new connection. */
static void close_connection(struct host_worker *w)
{
	if (w->conn == NULL)
		return;
	events_deregister(w->conn, &w->events);
	virConnectUnregisterCloseCallback(w->conn, close_callback);
	virConnectSetKeepAlive(w->conn, -1, 0);
	virConnectClose(w->conn);
	w->conn = NULL;
	pthread_mutex_lock(&w->lock);
	clear_self_refresh(w);
	pthread_mutex_unlock(&w->lock);
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
			sync_stats(w->conn, w->host_id);
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
	int64_t wait_ms = queue_backoff_jitter(ms, random());
	int64_t deadline = util_now_ms() + wait_ms;

	/* the hosts pane says when the next attempt comes */
	model_host_retry_at(w->host_id, util_wall_ms() + wait_ms);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		wait_until(w, deadline, 0);
		if (w->stop || w->head == NULL || w->reconnect)
			break;
		pthread_mutex_unlock(&w->lock);
		drain_offline(w);
		pthread_mutex_lock(&w->lock);
	}
	w->reconnect = 0;
	pthread_mutex_unlock(&w->lock);
}

/* hosts_set_watched: a console is open */
static atomic_int watched;

void hosts_set_watched(int on)
{
	atomic_store(&watched, on != 0);
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
		/* stopping: a removed host's connect may return late */
		if (open_connection(w, &cause) == 0 && !stopping(w) &&
		    sync_full(w->conn, w->host_id, &cause) == 0) {
			log_msg(LOG_INFO, "%s: connected to %s", w->name, w->uri);
			/* the CPU questions are asked (cpufit_pending counts
			 * them) before the host is online: a command that waits
			 * for every host online, then for no pending question,
			 * must not read a host not asked yet as "unknown" */
			if (!w->read_only)	/* forbidden read-only */
				vcpu_host_connected(w->conn, w->host_id);
			model_host_set_state(w->host_id,
			    w->read_only ? HOST_READONLY : HOST_ONLINE, NULL);
			backoff = BACKOFF_MIN_MS;
			run_online(w);
			pthread_mutex_lock(&w->lock);
			if (!w->stop)
				cause = xstrdup(close_reason_text(w->close_reason));
			if (w->reconnect)
				backoff = 0;
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
		if (backoff == 0) {	/* asked to reconnect: at once */
			backoff = BACKOFF_MIN_MS;
			continue;
		}
		backoff_wait(w, queue_backoff_cap(backoff, atomic_load(&watched)));
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

	/* a desktop's CPU seen by any sync is compared on every host */
	sync_set_cpu_hook(vcpu_want);
	w->host_id = model_host_add(ch);
	w->name = xstrdup(ch->name);
	w->uri = xstrdup(ch->uri);
	w->read_only = read_only;
	w->stats_interval_ms = stats_interval * 1000;
	w->connect_timeout_ms = atomic_load(&connect_timeout_ms);
	w->refs = 1;	/* the list's */
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

	atomic_store(&connect_timeout_ms, cfg->connect_timeout * 1000);
	srandom((unsigned)util_wall_ms());
	for (i = 0; i < cfg->nhosts; i++)
		hosts_add(&cfg->hosts[i], read_only, cfg->stats_interval);
}

static int is_connecting(struct host_worker *w)
{
	return flag_of(w, &w->connecting);
}

int hosts_stop(int timeout_ms)
{
	struct host_worker **list;
	struct timespec ts;
	size_t i, n;
	int stragglers = 0, pass;

	/* Join without holding workers_lock: a stopping worker (or an event
	 * callback) may still look workers up, e.g. to pass on a refresh. */
	pthread_mutex_lock(&workers_lock);
	n = nworkers;
	list = xcalloc(n + 1, sizeof *list);
	for (i = 0; i < n; i++) {
		list[i] = workers[i];
		list[i]->refs++;
	}
	pthread_mutex_unlock(&workers_lock);

	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&list[i]->lock);
		list[i]->stop = 1;
		pthread_cond_signal(&list[i]->cond);
		pthread_mutex_unlock(&list[i]->lock);
	}
	/* Pass 0 waits timeout_ms for everyone. Pass 1 waits longer for a
	 * worker that is closing or finishing a read (over SSH under load that
	 * can take seconds): only one stuck in a connect to a silent host is
	 * left behind, and the process is then about to exit. */
	for (pass = 0; pass < 2; pass++) {
		ts = util_deadline(CLOCK_REALTIME,
		    pass == 0 ? timeout_ms : HOSTS_CLOSE_GRACE_MS);
		for (i = 0; i < n; i++) {
			if (!list[i]->started ||
			    (pass == 1 && is_connecting(list[i])))
				continue;
			if (pthread_timedjoin_np(list[i]->thread, NULL, &ts) == 0)
				list[i]->started = 0;
		}
	}
	for (i = 0; i < n; i++) {
		if (list[i]->started) {
			log_msg(LOG_INFO, "%s: worker did not stop in time%s",
			    list[i]->name, is_connecting(list[i]) ?
			    " (still connecting)" : "");
			stragglers++;
		}
		worker_put(list[i]);
	}
	free(list);
	return stragglers;
}

int hosts_remove(unsigned host_id, int timeout_ms)
{
	struct host_worker *w = worker_get(host_id);
	struct timespec ts;
	size_t i;
	int joined = 0;

	if (w == NULL)
		return -1;
	/* Stopped, new requests are refused; the worker closes its own
	 * connection on its way out (close_connection's order). */
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	ts = util_deadline(CLOCK_REALTIME, timeout_ms);
	if (w->started && pthread_timedjoin_np(w->thread, NULL, &ts) == 0) {
		w->started = 0;
		joined = 1;
	}
	if (joined) {
		pthread_mutex_lock(&workers_lock);
		for (i = 0; i < nworkers; i++) {
			if (workers[i] == w) {
				memmove(workers + i, workers + i + 1,
				    (--nworkers - i) * sizeof *workers);
				w->refs--;	/* the list's; ours is still held */
				break;
			}
		}
		pthread_mutex_unlock(&workers_lock);
	} else
		/* Stuck connecting: it stays listed, stopped, for hosts_stop
		 * and hosts_free; what it reads later finds no host. */
		log_msg(LOG_INFO, "%s: removed; its worker is still "
		    "connecting and will end on its own", w->name);
	worker_put(w);
	model_host_remove(host_id);
	return 0;
}

void hosts_free(void)
{
	struct host_worker **list;
	size_t i, n;

	pthread_mutex_lock(&workers_lock);
	list = workers;
	n = nworkers;
	workers = NULL;
	nworkers = 0;
	pthread_mutex_unlock(&workers_lock);
	/* A worker still running (stuck in a connect) keeps the list's
	 * reference: it is never freed under its thread. */
	for (i = 0; i < n; i++)
		if (!list[i]->started)
			worker_put(list[i]);
	free(list);
}
