/* conn.c — the one opener of a job's private connection. See conn.h. */
#include "virt/conn.h"
#include "virt/transport.h"
#include "virt/virt-evloop.h"
#include "core/log.h"
#include "core/util.h"

#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* A dead peer is noticed after about interval * (count + 1) seconds. */
#define KEEPALIVE_INTERVAL 3
#define KEEPALIVE_COUNT 2
/* How often a wait for an open looks at the caller's cancel. */
#define CANCEL_POLL_MS 200

static atomic_int read_only;

void conn_set_read_only(int on)
{
	atomic_store(&read_only, on != 0);
}

int conn_read_only(void)
{
	return atomic_load(&read_only);
}

int conn_refuses_writes(virConnectPtr c)
{
	virDomainPtr d = virDomainDefineXML(c, "<hvdeck-read-only-probe/>");
	virErrorPtr e;
	int denied;

	if (d != NULL) {	/* cannot be: no driver reads that as a domain */
		virDomainUndefine(d);
		virDomainFree(d);
		return 0;
	}
	e = virGetLastError();
	denied = e != NULL && e->code == VIR_ERR_OPERATION_DENIED;
	virResetLastError();
	return denied;
}

/* Credentials are never asked for on a worker or job thread: there is no
 * one to type them. Interactive onboarding happens in the add-host form. */
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

virConnectAuthPtr conn_no_prompt_auth(void)
{
	return &no_prompt;
}

void conn_keepalive(virConnectPtr conn, const char *name)
{
	if (virConnectSetKeepAlive(conn, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT) < 0)
		log_msg(LOG_DEBUG, "%s: keepalive not supported", name);
}

void conn_close(virConnectPtr conn)
{
	if (conn != NULL)
		virConnectClose(conn);
}

/* virConnectOpen can hang on a host that answers SSH but whose libvirt
 * does not: it runs on a thread of its own, waited on with a deadline;
 * one given up on closes its connection itself if it ever returns. Two
 * references: the waiter's and the thread's. */
struct opener {
	pthread_mutex_t lock;
	pthread_cond_t cond;        /* CLOCK_MONOTONIC */
	int refs, done;
	unsigned flags;
	char *uri, *error;
	virConnectPtr conn;
};

static void opener_put(struct opener *o)
{
	int last;

	pthread_mutex_lock(&o->lock);
	last = --o->refs == 0;
	pthread_mutex_unlock(&o->lock);
	if (!last)
		return;
	conn_close(o->conn);
	free(o->uri);
	free(o->error);
	pthread_cond_destroy(&o->cond);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

static void *opener_main(void *arg)
{
	struct opener *o = arg;
	virConnectPtr c = transport_open(o->uri, &no_prompt, o->flags);
	/* libvirt's error is per thread: take it here */
	char *err = c == NULL ? evloop_last_error("cannot connect") : NULL;

	pthread_mutex_lock(&o->lock);
	o->conn = c;
	o->error = err;
	o->done = 1;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	opener_put(o);
	return NULL;
}

static struct opener *opener_new(const char *uri, int ro)
{
	struct opener *o = xcalloc(1, sizeof *o);
	pthread_condattr_t attr;

	pthread_mutex_init(&o->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cond, &attr);
	pthread_condattr_destroy(&attr);
	o->uri = xstrdup(uri);
	o->flags = ro || conn_read_only() ? VIR_CONNECT_RO : 0;
	o->refs = 2;
	return o;
}

/* Start the opener's thread; -1 when none could be started (then o holds
 * only the caller's reference). */
static int opener_start(struct opener *o)
{
	pthread_attr_t tattr;
	pthread_t t;
	int rc;

	pthread_attr_init(&tattr);
	pthread_attr_setdetachstate(&tattr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &tattr, opener_main, o);
	pthread_attr_destroy(&tattr);
	if (rc != 0)
		o->refs = 1;
	return rc != 0 ? -1 : 0;
}

static int opts_cancelled(const struct conn_opts *opts)
{
	return opts != NULL && opts->cancelled != NULL &&
	    opts->cancelled(opts->ctx);
}

/* Wait for the opener until it is done, the deadline passes or the caller
 * cancels; take its connection, or say why there is none. */
static virConnectPtr opener_wait(struct opener *o,
    const struct conn_opts *opts, enum conn_failure *fail, char **cause)
{
	int timeout_ms = opts != NULL && opts->timeout_ms > 0 ?
	    opts->timeout_ms : CONN_TIMEOUT_MS;
	int64_t deadline = util_now_ms() + timeout_ms;
	virConnectPtr c = NULL;
	struct timespec ts;

	pthread_mutex_lock(&o->lock);
	while (!o->done && util_now_ms() < deadline && !opts_cancelled(opts)) {
		ts = util_deadline(CLOCK_MONOTONIC, CANCEL_POLL_MS);
		pthread_cond_timedwait(&o->cond, &o->lock, &ts);
	}
	if (o->done && o->conn != NULL) {
		c = o->conn;
		o->conn = NULL;
	} else if (o->done) {
		*fail = CONN_REFUSED;
		*cause = xstrdup(o->error);
	} else {
		*fail = opts_cancelled(opts) ? CONN_CANCELLED : CONN_TIMEOUT;
		*cause = *fail == CONN_CANCELLED ? xstrdup("cancelled") :
		    xasprintf("did not answer within %d s",
		    (timeout_ms + 999) / 1000);
	}
	pthread_mutex_unlock(&o->lock);
	return c;
}

virConnectPtr conn_open(const char *uri, const struct conn_opts *opts,
    enum conn_failure *fail, char **cause)
{
	struct opener *o = opener_new(uri, opts != NULL && opts->read_only);
	enum conn_failure f = CONN_REFUSED;
	virConnectPtr c;

	if (opener_start(o) < 0) {
		opener_put(o);
		*cause = xstrdup("cannot start a thread for the libvirt "
		    "connection");
		c = NULL;
	} else {
		c = opener_wait(o, opts, &f, cause);
		opener_put(o);
	}
	if (c == NULL) {
		if (fail != NULL)
			*fail = f;
		return NULL;
	}
	conn_keepalive(c, uri);
	return c;
}
