/* act-viewer.c — a desktop's screen for a remote viewer (act-viewer.h):
 * its graphics read with secrets on its host's worker, the address a
 * viewer reaches, a virt-viewer file, and the SSH tunnel when the host
 * listens only on its loopback. */
#include "act/act-viewer.h"
#include "core/json-read.h"
#include "core/json.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/ssh.h"
#include "virt/transport.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-xml.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void viewer_free(struct viewer *v)
{
	if (v->password != NULL)
		util_wipe(v->password, strlen(v->password));
	free(v->name);
	free(v->host);
	free(v->type);
	free(v->listen);
	free(v->address);
	free(v->password);
	free(v->ssh);
	memset(v, 0, sizeof *v);
}

/* Shared by the asker and the worker: the last one frees it. */
struct viewer_req {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs, done;
	char uuid[40];
	char *uri;              /* the host's libvirt URI */
	struct viewer v;
	char *error;
};

static void req_unref(struct viewer_req *r)
{
	int last;

	pthread_mutex_lock(&r->lock);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	viewer_free(&r->v);
	free(r->uri);
	free(r->error);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r);
}

static int loopback(const char *a)
{
	return a == NULL || strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strcmp(a, "localhost") == 0 || strcmp(a, "") == 0;
}

static int wildcard(const char *a)
{
	return a != NULL && (strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0);
}

int act_viewer_uri(const char *uri, char **user, char **host, int *port,
    char **keyfile, char **known_hosts)
{
	const char *p = strstr(uri, "://"), *end, *at, *colon;
	int ssh = strncmp(uri, "qemu+ssh:", 9) == 0 ||
	    strncmp(uri, "qemu+libssh", 11) == 0;

	*user = *host = NULL;
	*port = 0;
	*keyfile = transport_keyfile(uri);
	*known_hosts = transport_known_hosts(uri);
	if (p == NULL)
		return ssh;
	p += 3;
	end = p + strcspn(p, "/?");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) {
		*user = xstrndup(p, (size_t)(at - p));
		p = at + 1;
	}
	if (*p == '[') {	/* [v6]:port */
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close != NULL) {
			*host = xstrndup(p + 1, (size_t)(close - p - 1));
			if (close[1] == ':')
				*port = atoi(close + 2);
		}
	} else if ((colon = memchr(p, ':', (size_t)(end - p))) != NULL) {
		*host = xstrndup(p, (size_t)(colon - p));
		*port = atoi(colon + 1);
	} else if (end > p) {
		*host = xstrndup(p, (size_t)(end - p));
	}
	return ssh;
}

/* "ssh -i KEY -o UserKnownHostsFile=KH -p PORT -N -L ... USER@HOST", or
 * NULL when the graphics are reachable as they are: listening beyond the
 * host's loopback, or the host is this machine reached without SSH. */
static char *tunnel(const char *uri, const struct xml_display *d)
{
	char *user, *host, *key, *kh, *fwd, *s;
	int port, ssh = act_viewer_uri(uri, &user, &host, &port, &key, &kh);

	if ((d->socket == NULL && !loopback(d->listen)) ||
	    (!ssh && loopback(host))) {
		s = NULL;
		goto out;
	}
	if (key == NULL)
		key = sshkey_private_path();
	if (kh == NULL)
		kh = sshkey_known_hosts_path();
	if (d->socket != NULL)
		fwd = xasprintf("-L 5900:%s", d->socket);
	else if (d->tls_port > 0 && d->port > 0)
		fwd = xasprintf("-L %d:127.0.0.1:%d -L %d:127.0.0.1:%d", d->port,
		    d->port, d->tls_port, d->tls_port);
	else	/* one of them: TLS only, or plain only */
		fwd = xasprintf("-L %d:127.0.0.1:%d", d->port > 0 ? d->port :
		    d->tls_port, d->port > 0 ? d->port : d->tls_port);
	s = xasprintf("ssh -i %s -o UserKnownHostsFile=%s -o "
	    "StrictHostKeyChecking=yes -p %d -N %s %s@%s",
	    key != NULL ? key : "KEY", kh != NULL ? kh : "KNOWN_HOSTS",
	    port > 0 ? port : 22, fwd, user != NULL ? user : "root",
	    host != NULL ? host : "HOST");
	free(fwd);
out:
	free(user);
	free(host);
	free(key);
	free(kh);
	return s;
}

/* Where a viewer connects: the loopback end of the tunnel, the address
 * the host listens on, or (listening everywhere) the host's own. */
static char *address_of(const char *uri, const struct xml_display *d)
{
	char *user, *host, *key, *kh, *a;
	int port;

	if (d->socket != NULL || loopback(d->listen))
		return xstrdup("127.0.0.1");
	if (!wildcard(d->listen))
		return xstrdup(d->listen);
	act_viewer_uri(uri, &user, &host, &port, &key, &kh);
	a = host != NULL ? host : xstrdup("127.0.0.1");
	free(user);
	free(key);
	free(kh);
	return a;
}

/* The worker's reading into r->v (or r->error). */
static void read_display(virConnectPtr conn, struct viewer_req *r)
{
	virDomainPtr dom;
	struct xml_display d;
	char *xml, *cause = NULL;

	if (conn == NULL) {
		r->error = xstrdup("the host went offline");
		return;
	}
	if ((dom = virDomainLookupByUUIDString(conn, r->uuid)) == NULL) {
		r->error = evloop_last_error("no such domain");
		return;
	}
	/* secrets need a read-write connection: without, no password */
	if ((xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE)) == NULL) {
		r->v.password_unknown = 1;
		xml = virDomainGetXMLDesc(dom, 0);
	}
	virDomainFree(dom);
	if (xml == NULL) {
		r->error = evloop_last_error("failed");
		return;
	}
	if (virtxml_display(xml, &d, &cause) < 0) {
		r->error = cause;
	} else if (d.type == NULL) {
		r->error = xasprintf("%s has no graphics device", r->v.name);
	} else if (d.port <= 0 && d.tls_port <= 0 && d.socket == NULL) {
		r->error = xasprintf("%s's %s display has no port (is it "
		    "running?)", r->v.name, d.type);
	} else {
		r->v.type = xstrdup(d.type);
		r->v.listen = d.socket != NULL ? xasprintf("socket %s", d.socket) :
		    xstrdup(d.listen != NULL ? d.listen : "(the host's default)");
		r->v.address = address_of(r->uri, &d);
		r->v.port = d.socket != NULL ? 5900 : d.port;
		r->v.tls_port = d.tls_port;
		r->v.password = xstrdup(d.passwd);
		r->v.ssh = tunnel(r->uri, &d);
	}
	virtxml_display_free(&d);
	util_wipe(xml, strlen(xml));
	free(xml);
}

/* The reading is in r (its viewer or its error): the asker is told,
 * and the reader lets go of r. */
static void req_finish(struct viewer_req *r)
{
	pthread_mutex_lock(&r->lock);
	r->done = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	model_wake();	/* a console's page shows it */
	req_unref(r);
}

static void run(virConnectPtr conn, unsigned host_id, void *ctx)
{
	struct viewer_req *r = ctx;

	(void)host_id;
	read_display(conn, r);
	req_finish(r);
}

/* Lock held. The host the desktop runs on, or why none. */
static char *where(const char *uuid, struct viewer_req *r, unsigned *host_id)
{
	const struct m_desktop *d = model_desktop(uuid);
	const struct m_host *h;

	if (d == NULL)
		return xstrdup("no such desktop");
	if (d->run_host == 0 || (h = model_host(d->run_host)) == NULL)
		return xasprintf("desktop viewer: %s is not running", d->name);
	if (h->state != HOST_ONLINE)
		return xasprintf("desktop viewer: %s's host %s is not online",
		    d->name, h->name);
	r->v.name = xstrdup(d->name);
	r->v.host = xstrdup(h->name);
	r->uri = xstrdup(h->uri);
	*host_id = h->id;
	return NULL;
}

/* ---- read elsewhere (an attached console: its server) ---- */

static _Atomic(act_viewer_remote_fn) remote_fn;

void act_viewer_set_remote(act_viewer_remote_fn fn)
{
	atomic_store(&remote_fn, fn);
}

struct remote_read {
	struct viewer_req *r;
	act_viewer_remote_fn fn;
};

static void *remote_main(void *arg)
{
	struct remote_read *rr = arg;
	struct viewer_req *r = rr->r;
	struct viewer v;
	char *cause = NULL;
	int rc;

	memset(&v, 0, sizeof v);
	rc = rr->fn(r->uuid, &v, &cause);
	free(rr);
	pthread_mutex_lock(&r->lock);
	if (rc == 0)
		r->v = v;
	else
		r->error = cause != NULL ? cause :
		    xstrdup("desktop viewer: no answer");
	pthread_mutex_unlock(&r->lock);
	req_finish(r);
	return NULL;
}

/* The reading on a thread of its own, through fn: r is the asker's and
 * the thread's. 0, or -1 with *cause. */
static int begin_remote(struct viewer_req *r, act_viewer_remote_fn fn,
    char **cause)
{
	struct remote_read *rr = xcalloc(1, sizeof *rr);
	pthread_t t;

	rr->r = r;
	rr->fn = fn;
	if (pthread_create(&t, NULL, remote_main, rr) != 0) {
		free(rr);
		*cause = xstrdup("desktop viewer: cannot start a thread");
		return -1;
	}
	pthread_detach(t);
	return 0;
}

int act_viewer_begin(const char *uuid, struct viewer_req **req, char **cause)
{
	struct viewer_req *r = xcalloc(1, sizeof *r);
	act_viewer_remote_fn fn;
	unsigned host_id = 0;
	char *why;

	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->refs = 2;	/* the asker's and the worker's */
	snprintf(r->uuid, sizeof r->uuid, "%s", uuid);
	if ((fn = atomic_load(&remote_fn)) != NULL) {
		if (begin_remote(r, fn, cause) < 0) {
			r->refs = 1;
			req_unref(r);
			return -1;
		}
		*req = r;
		return 0;
	}
	model_lock();
	why = where(uuid, r, &host_id);
	model_unlock();
	if (why == NULL && host_call(host_id, run, r) < 0)
		why = xstrdup("desktop viewer: the host's worker is stopping");
	if (why != NULL) {
		r->refs = 1;
		req_unref(r);
		*cause = why;
		return -1;
	}
	*req = r;
	return 0;
}

int act_viewer_poll(struct viewer_req *r, struct viewer *out, char **cause)
{
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (r->done && r->error != NULL) {
		*cause = xstrdup(r->error);
		rc = -1;
	} else if (r->done) {
		*out = r->v;	/* moved out: the request keeps none of it */
		memset(&r->v, 0, sizeof r->v);
		r->error = xstrdup("already taken");
		rc = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void act_viewer_wait(struct viewer_req *r, int timeout_ms)
{
	struct timespec until = util_deadline(CLOCK_REALTIME, timeout_ms);

	pthread_mutex_lock(&r->lock);
	while (!r->done && pthread_cond_timedwait(&r->cond, &r->lock,
	    &until) == 0)
		;
	pthread_mutex_unlock(&r->lock);
}

void act_viewer_release(struct viewer_req *r)
{
	if (r != NULL)
		req_unref(r);
}

char *act_viewer_json(const struct viewer *v)
{
	struct json j;
	char *s;

	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "name", v->name);
	json_string(&j, "host", v->host);
	json_string(&j, "type", v->type);
	json_string(&j, "listen", v->listen);
	json_string(&j, "address", v->address);
	json_int(&j, "port", v->port);
	json_int(&j, "tls_port", v->tls_port);
	json_string(&j, "password", v->password);
	json_bool(&j, "password_unknown", v->password_unknown);
	json_string(&j, "ssh", v->ssh);
	json_end_object(&j);
	s = xstrdup(j.buf);
	util_wipe(j.buf, j.len);
	json_free(&j);
	return s;
}

static char *dup_or_null(const struct jread *o, const char *key)
{
	const char *s = jread_str(o, key);

	return s != NULL ? xstrdup(s) : NULL;
}

int act_viewer_from_json(const char *text, struct viewer *v, char **cause)
{
	struct jread o;

	memset(v, 0, sizeof *v);
	if (jread_parse(text, &o, cause) < 0)
		return -1;
	if (jread_str(&o, "type") == NULL || jread_str(&o, "name") == NULL) {
		jread_free(&o);
		*cause = xstrdup("desktop viewer: the answer has no type or name");
		return -1;
	}
	v->name = dup_or_null(&o, "name");
	v->host = dup_or_null(&o, "host");
	v->type = dup_or_null(&o, "type");
	v->listen = dup_or_null(&o, "listen");
	v->address = dup_or_null(&o, "address");
	v->port = (int)jread_i64(&o, "port", -1);
	v->tls_port = (int)jread_i64(&o, "tls_port", -1);
	v->password = dup_or_null(&o, "password");
	v->password_unknown = jread_bool(&o, "password_unknown");
	v->ssh = dup_or_null(&o, "ssh");
	/* the parser's copy of the password is wiped before it is freed
	 * (its memory, owned by o) */
	if (v->password != NULL)
		util_wipe((char *)jread_str(&o, "password"), strlen(v->password));
	jread_free(&o);
	return 0;
}

char *act_viewer_vv(const struct viewer *v)
{
	char port[32] = "", tls[32] = "", *pw = NULL, *s;
	int spice = strcmp(v->type, "spice") == 0;

	if (v->tls_port > 0)
		snprintf(tls, sizeof tls, "tls-port=%d\n", v->tls_port);
	if (v->password != NULL)
		pw = xasprintf("password=%s\n", v->password);
	if (v->port > 0)	/* a TLS-only display has none */
		snprintf(port, sizeof port, "port=%d\n", v->port);
	s = xasprintf("[virt-viewer]\ntype=%s\nhost=%s\n%s%s%s"
	    "title=%s\ndelete-this-file=1\nfullscreen=0\n"
	    "toggle-fullscreen=shift+f11\nrelease-cursor=shift+f12\n%s",
	    v->type, v->address, port, tls, pw != NULL ? pw : "", v->name,
	    spice ? "secure-attention=ctrl+alt+end\n" : "");
	if (pw != NULL) {
		util_wipe(pw, strlen(pw));
		free(pw);
	}
	return s;
}

static void line(char ***lines, size_t *n, char *s)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = s;
}

size_t act_viewer_lines(const struct viewer *v, int show_password,
    char ***lines)
{
	size_t n = 0;

	*lines = NULL;
	line(lines, &n, xasprintf("desktop:  %s on %s", v->name, v->host));
	line(lines, &n, xasprintf("type:     %s", v->type));
	line(lines, &n, xasprintf("listens:  %s", v->listen));
	line(lines, &n, xasprintf("connect:  %s port %d", v->address,
	    v->port));
	if (v->tls_port > 0)
		line(lines, &n, xasprintf("tls-port: %d", v->tls_port));
	line(lines, &n, xasprintf("password: %s", v->password_unknown ?
	    "unknown (a read-only connection cannot read it)" :
	    v->password == NULL ? "none set" : show_password ? v->password :
	    "set (in the .vv file)"));
	if (v->ssh != NULL) {
		line(lines, &n, xstrdup("it listens only on the host itself: "
		    "tunnel first with"));
		line(lines, &n, xasprintf("  %s", v->ssh));
	}
	return n;
}
