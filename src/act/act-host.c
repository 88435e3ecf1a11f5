/* act-host.c — adding a host: one job (JK_ADD_HOST) on its own thread that
 * validates, connects over SSH, has the operator accept an unknown host
 * key or type a password once (waiting on a condition variable that the
 * answers and the job's cancel wake), installs hvdeck's key, runs the
 * pre-flight, opens the libvirt connection the host will be used through,
 * and only then saves the host (config_edit) and, in the console, starts
 * it. Every step is a line on the add's checklist; every failure ends the
 * job with its own message and writes nothing.
 *
 * The struct is shared by the caller (form or command line) and the job
 * thread: two references, the last one frees it. */
#include "act/act-host.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "virt/ssh.h"
#include "virt/transport.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-host.h"
#include "virt/virt-xml.h"

#include <ctype.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/uri.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define DEFAULT_TIMEOUT_S 10
#define NPOOLNAMES 3

struct hostadd {
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* state changes, answers, cancel */
	int refs;
	/* the request, copied */
	char *name, *address, *user, *yes_fp, *config_path;
	int port, timeout_s, start_in_engine, stats_interval;
	enum host_role role;
	char *pool_names[NPOOLNAMES];   /* the cluster's shared pools */
	struct checklist *cl;
	/* under lock */
	enum hostadd_state state;
	char *text;                     /* question or error */
	int key_answered, key_accept;
	int pw_answered;
	int pw_asked;           /* passwords asked for so far */
	char *password;                 /* wiped as soon as used */
	int cancelled;
	int committed;                  /* saving: a cancel comes too late */
	unsigned job;
	int asked;                      /* questions asked so far */
};

/* ---- shared state ---- */

/* A CLOCK_MONOTONIC time ms from now, for the condition variables. */
static void put(struct hostadd *ha)
{
	int last, i;

	pthread_mutex_lock(&ha->lock);
	last = --ha->refs == 0;
	pthread_mutex_unlock(&ha->lock);
	if (!last)
		return;
	if (ha->password != NULL) {
		explicit_bzero(ha->password, strlen(ha->password));
		free(ha->password);
	}
	free(ha->name);
	free(ha->address);
	free(ha->user);
	free(ha->yes_fp);
	free(ha->config_path);
	for (i = 0; i < NPOOLNAMES; i++)
		free(ha->pool_names[i]);
	free(ha->text);
	checklist_free(ha->cl);
	pthread_cond_destroy(&ha->cond);
	pthread_mutex_destroy(&ha->lock);
	free(ha);
}

/* Lock held: the state and its text, told to whoever waits. */
static void state_locked(struct hostadd *ha, enum hostadd_state st,
    const char *text)
{
	ha->state = st;
	util_set_str(&ha->text, text);
	pthread_cond_broadcast(&ha->cond);
}

static void set_state(struct hostadd *ha, enum hostadd_state st,
    const char *text)
{
	pthread_mutex_lock(&ha->lock);
	state_locked(ha, st, text);
	pthread_mutex_unlock(&ha->lock);
	model_wake();
}

static int cancelled(struct hostadd *ha)
{
	int c;

	pthread_mutex_lock(&ha->lock);
	c = ha->cancelled;
	pthread_mutex_unlock(&ha->lock);
	return c;
}

/* Password attempts in one add, as ssh's NumberOfPasswordPrompts. */
#define PASSWORD_TRIES 3

/* Ask the operator and wait for the answer (or a cancel). Returns 1 when
 * answered, 0 when cancelled. */
static int ask(struct hostadd *ha, enum hostadd_state st, const char *text,
    int *answered)
{
	int ok;

	pthread_mutex_lock(&ha->lock);
	ha->asked++;	/* with the state: a reader sees both or neither */
	state_locked(ha, st, text);
	model_wake();
	while (!*answered && !ha->cancelled)
		pthread_cond_wait(&ha->cond, &ha->lock);
	ok = !ha->cancelled;
	ha->state = HOSTADD_RUNNING;
	util_set_str(&ha->text, NULL);
	pthread_mutex_unlock(&ha->lock);
	model_wake();
	return ok;
}

/* ---- checks that need no network ---- */

/* What goes into a URI unquoted: an address, a user. */
static int plain_word(const char *s, const char *extra)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

static int load_file(const char *path, struct config *c, char **cause)
{
	config_defaults(c, path);
	return config_load(c, 1, cause);
}

/* What the request says of the host: an address, a port, a user fit to
 * go into a URI unquoted. 0, or -1 with *cause. */
static int check_request(const struct hostadd_req *r, const char *user,
    char **cause)
{
	char *vis;

	if (r->config_path == NULL) {
		*cause = xstrdup("no configuration file to add the host to");
		return -1;
	}
	if (!plain_word(r->address, ".-_:")) {
		vis = text_visible(r->address != NULL ? r->address : "");
		*cause = xasprintf("address '%s' is not a host name or IP address",
		    vis);
		free(vis);
		return -1;
	}
	if (r->port < 0 || r->port > 65535) {
		*cause = xasprintf("port %d is not a port (1 to 65535)", r->port);
		return -1;
	}
	if (!plain_word(user, "._-") || user[0] == '-') {
		vis = text_visible(user);
		*cause = xasprintf("user '%s' is not a user name", vis);
		free(vis);
		return -1;
	}
	return 0;
}

/* The add, running, from a checked request and the file's settings. */
static struct hostadd *hostadd_alloc(const struct hostadd_req *r,
    const char *user, const struct config *c)
{
	struct hostadd *ha = xcalloc(1, sizeof *ha);
	pthread_condattr_t attr;

	pthread_mutex_init(&ha->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ha->cond, &attr);
	pthread_condattr_destroy(&attr);
	ha->refs = 1;
	ha->name = xstrdup(r->name);
	ha->address = xstrdup(r->address);
	ha->user = xstrdup(user);
	ha->yes_fp = xstrdup(r->yes_fingerprint);
	ha->config_path = xstrdup(r->config_path);
	ha->port = r->port > 0 ? r->port : 22;
	ha->timeout_s = r->timeout_s > 0 ? r->timeout_s : DEFAULT_TIMEOUT_S;
	ha->start_in_engine = r->start_in_engine;
	ha->stats_interval = r->stats_interval > 0 ? r->stats_interval : 2;
	ha->role = r->role;
	ha->pool_names[0] = xstrdup(c->pool_bases);
	ha->pool_names[1] = xstrdup(c->pool_templates);
	ha->pool_names[2] = xstrdup(c->pool_groups);
	ha->cl = checklist_new();
	ha->state = HOSTADD_RUNNING;
	return ha;
}

int hostadd_new(const struct hostadd_req *r, struct hostadd **out,
    char **cause)
{
	struct config c;
	const char *user = r->user != NULL ? r->user : "root";

	if (check_request(r, user, cause) < 0)
		return -1;
	/* the name rules and duplicates are config_add_host's, on the file
	 * as it is now */
	if (load_file(r->config_path, &c, cause) < 0 ||
	    config_add_host(&c, r->name, "qemu+libssh://check/system", r->role,
	    NULL, cause) < 0) {
		config_free(&c);
		return -1;
	}
	*out = hostadd_alloc(r, user, &c);
	config_free(&c);
	return 0;
}

/* ---- addresses ---- */

/* The port libvirt connects to when the URI names none: by transport. */
static int default_port(const char *scheme)
{
	if (strstr(scheme, "+ssh") != NULL || strstr(scheme, "+libssh") != NULL)
		return 22;
	if (strstr(scheme, "+tcp") != NULL)
		return 16509;
	return 16514;	/* tls, libvirt's default transport */
}

int hostadd_uri_endpoint(const char *uri, char **host, int *port)
{
	/* libvirt reads its URIs with libxml2's parser: so does this */
	xmlURIPtr u = xmlParseURI(uri);
	const char *s;
	size_t len;

	*host = NULL;
	*port = 0;
	if (u == NULL)
		return -1;
	s = u->server != NULL ? u->server : "";
	len = strlen(s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {	/* [v6] */
		s++;
		len -= 2;
	}
	if (len > 0 && u->scheme != NULL && u->port >= 0 && u->port <= 65535) {
		*host = xstrndup(s, len);
		*port = u->port > 0 ? u->port : default_port(u->scheme);
	}
	xmlFreeURI(u);
	return *host != NULL ? 0 : -1;
}

/* The numeric addresses a name resolves to, NULL-terminated (caller frees
 * with free_addrs); NULL with *cause when it does not resolve. */
static char **resolve(const char *host, char **cause)
{
	struct addrinfo hints, *res, *ai;
	char **v = NULL, buf[NI_MAXHOST];
	size_t n = 0;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		*cause = xstrdup(gai_strerror(rc));
		return NULL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf,
		    NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrdup(buf);
		v[n] = NULL;
	}
	freeaddrinfo(res);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	return v;
}

static void free_addrs(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static int addrs_meet(char **a, char **b)
{
	size_t i, k;

	for (i = 0; a[i] != NULL; i++)
		for (k = 0; b[k] != NULL; k++)
			if (strcmp(a[i], b[k]) == 0)
				return 1;
	return 0;
}

/* Name and URI of every host the file and the running model know. */
struct known {
	char **names, **uris;
	size_t n;
};

static void known_add(struct known *k, const char *name, const char *uri)
{
	k->names = xreallocarray(k->names, k->n + 1, sizeof *k->names);
	k->uris = xreallocarray(k->uris, k->n + 1, sizeof *k->uris);
	k->names[k->n] = xstrdup(name);
	k->uris[k->n++] = xstrdup(uri);
}

static void known_free(struct known *k)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		free(k->names[i]);
		free(k->uris[i]);
	}
	free(k->names);
	free(k->uris);
}

static int known_load(struct hostadd *ha, struct known *k, char **cause)
{
	struct config c;
	struct m_host **hosts;
	size_t i, n;

	memset(k, 0, sizeof *k);
	if (load_file(ha->config_path, &c, cause) < 0) {
		config_free(&c);
		return -1;
	}
	for (i = 0; i < c.nhosts; i++)
		known_add(k, c.hosts[i].name, c.hosts[i].uri);
	config_free(&c);
	model_lock();	/* -H hosts of this run are not in the file */
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		known_add(k, hosts[i]->name, hosts[i]->uri);
	model_unlock();
	return 0;
}

/* Step 1: the name is free (file and console) and no configured host is
 * the same address and port. */
static int check_duplicates(struct hostadd *ha, char **cause)
{
	struct known k;
	char **mine, **theirs, *host, *why = NULL;
	size_t i;
	int port, rc = 0;

	if (known_load(ha, &k, cause) < 0)
		return -1;
	for (i = 0; i < k.n; i++) {
		if (strcmp(k.names[i], ha->name) == 0) {
			*cause = xasprintf("host name '%s' already in use", ha->name);
			known_free(&k);
			return -1;
		}
	}
	if ((mine = resolve(ha->address, &why)) == NULL) {
		*cause = xasprintf("%s does not resolve: %s", ha->address, why);
		free(why);
		known_free(&k);
		return -1;
	}
	for (i = 0; i < k.n && rc == 0; i++) {
		if (hostadd_uri_endpoint(k.uris[i], &host, &port) < 0)
			continue;
		if (port == ha->port &&
		    (theirs = resolve(host, &why)) != NULL) {
			if (addrs_meet(mine, theirs)) {
				*cause = xasprintf("%s port %d is already host %s (%s)",
				    ha->address, ha->port, k.names[i], k.uris[i]);
				rc = -1;
			}
			free_addrs(theirs);
		}
		free(why);
		why = NULL;
		free(host);
	}
	free_addrs(mine);
	known_free(&k);
	return rc;
}

/* ---- SSH ---- */

/* "ssh-ed25519" -> "ED25519", as OpenSSH shows key types. */
static void key_type_name(const char *type, char *out, size_t len)
{
	size_t i;

	if (strncmp(type, "ssh-", 4) == 0)
		type += 4;
	if (strncmp(type, "ecdsa", 5) == 0)
		type = "ecdsa";
	else if (strncmp(type, "rsa", 3) == 0)
		type = "rsa";
	for (i = 0; i + 1 < len && type[i] != '\0' && type[i] != '-'; i++)
		out[i] = (char)toupper((unsigned char)type[i]);
	out[i] = '\0';
}

/* Connect (step st_conn) and check the host key (step st_host): known,
 * accepted (by the flag or the operator) or refused. Returns the session,
 * or NULL with *cause and the failed step settled. */
/* The host key changed since known_hosts took it: refused loudly, its
 * checklist row says so. Returns -1 with *cause. */
static int key_changed(struct hostadd *ha, const struct sshc_hostkey *k,
    const char *type, size_t st_host, char **cause)
{
	*cause = xasprintf("HOST KEY MISMATCH: %s:%d now offers %s key "
	    "%s, not %s of %s line %d: it may be an impostor; "
	    "nothing replaced (a legitimate change: hvdeck host rekey)",
	    ha->address, ha->port, type, k->fingerprint,
	    k->known_fingerprint[0] != '\0' ? k->known_fingerprint :
	    "the key", k->known_path, k->known_line);
	checklist_set(ha->cl, st_host, CHECK_FAIL, "MISMATCH: %s %s is "
	    "not the key of known_hosts line %d", type, k->fingerprint,
	    k->known_line);
	return -1;
}

/* The operator said no to the key: the job ends cancelled (the audit
 * log's result too), not failed. */
static void declined(struct hostadd *ha)
{
	unsigned job;

	pthread_mutex_lock(&ha->lock);
	job = ha->job;
	pthread_mutex_unlock(&ha->lock);
	job_declined(job);
}

/* A key known_hosts lacks: taken in when the operator accepts it (asked
 * unless the request named its fingerprint). 0, or -1 with *cause. */
static int key_accept(struct hostadd *ha, struct sshc *s,
    const struct sshc_hostkey *k, const char *type, int may_ask,
    char **cause)
{
	char *q;
	int accept;

	if (!may_ask) {	/* accepted moments ago: something changed */
		*cause = xasprintf("%s:%d: its host key is not in known_hosts "
		    "any more", ha->address, ha->port);
		return -1;
	}
	if (ha->yes_fp == NULL) {
		q = xasprintf("%s key %s", type, k->fingerprint);
		accept = hostadd_ask_key(ha, q);
		free(q);
		if (!accept) {
			*cause = cancelled(ha) ? xstrdup("cancelled") :
			    xasprintf("%s key %s not accepted", type,
			    k->fingerprint);
			declined(ha);
			return -1;
		}
	}
	return sshc_hostkey_accept(s, cause);
}

/* The host key of s, checked against known_hosts and the fingerprint the
 * request named; the checklist's row st_host says how. 0, or -1 with
 * *cause. */
static int check_host_key(struct hostadd *ha, struct sshc *s,
    size_t st_host, int may_ask, char **cause)
{
	struct sshc_hostkey k;
	char type[32];

	checklist_set(ha->cl, st_host, CHECK_RUNNING, NULL);
	memset(&k, 0, sizeof k);
	if (sshc_hostkey(s, &k, cause) < 0)
		goto fail;
	key_type_name(k.type, type, sizeof type);
	if (k.status == SSHC_KEY_CHANGED)
		return key_changed(ha, &k, type, st_host, cause);
	if (ha->yes_fp != NULL && strcmp(ha->yes_fp, k.fingerprint) != 0) {
		*cause = xasprintf("fingerprint mismatch: %s:%d offers %s key %s, "
		    "not %s", ha->address, ha->port, type, k.fingerprint,
		    ha->yes_fp);
		goto fail;
	}
	if (k.status == SSHC_KEY_KNOWN) {
		checklist_set(ha->cl, st_host, CHECK_OK, "%s %s known", type,
		    k.fingerprint);
		return 0;
	}
	if (key_accept(ha, s, &k, type, may_ask, cause) < 0)
		goto fail;
	checklist_set(ha->cl, st_host, CHECK_OK, "%s %s accepted into "
	    "known_hosts", type, k.fingerprint);
	return 0;
fail:
	checklist_set(ha->cl, st_host, CHECK_FAIL, "%s", *cause);
	return -1;
}

static struct sshc *connect_checked(struct hostadd *ha, size_t st_conn,
    size_t st_host, int may_ask, char **cause)
{
	struct sshc *s = NULL;

	checklist_set(ha->cl, st_conn, CHECK_RUNNING, NULL);
	if (sshc_connect(ha->address, ha->port, ha->user, ha->timeout_s, &s,
	    cause) < 0) {
		checklist_set(ha->cl, st_conn, CHECK_FAIL, "%s", *cause);
		return NULL;
	}
	checklist_set(ha->cl, st_conn, CHECK_OK, "%s", sshc_peer_address(s));
	if (check_host_key(ha, s, st_host, may_ask, cause) < 0) {
		sshc_free(s);
		return NULL;
	}
	return s;
}

int hostadd_ask_key(struct hostadd *ha, const char *question)
{
	int accept;

	pthread_mutex_lock(&ha->lock);
	ha->key_answered = 0;	/* an answer given before the question is none */
	pthread_mutex_unlock(&ha->lock);
	accept = ask(ha, HOSTADD_NEED_KEY, question, &ha->key_answered);
	pthread_mutex_lock(&ha->lock);
	accept = accept && ha->key_accept;
	pthread_mutex_unlock(&ha->lock);
	return accept;
}

char *hostadd_ask_password(struct hostadd *ha)
{
	char *q, *pw;

	/* a question asked again reads differently: followers see a new one */
	q = ++ha->pw_asked == 1 ? xasprintf("Password for %s@%s:", ha->user,
	    ha->address) : xasprintf("Password for %s@%s (try %d of %d):",
	    ha->user, ha->address, ha->pw_asked, PASSWORD_TRIES);

	pthread_mutex_lock(&ha->lock);
	ha->pw_answered = 0;
	pthread_mutex_unlock(&ha->lock);
	ask(ha, HOSTADD_NEED_PASSWORD, q, &ha->pw_answered);
	free(q);
	pthread_mutex_lock(&ha->lock);
	pw = ha->password;
	ha->password = NULL;
	pthread_mutex_unlock(&ha->lock);
	return pw;
}

static void wipe(char *pw)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, strlen(pw));
	free(pw);
}

/* A step whose text carries the details ("connect 10.0.0.5:22"). */
static size_t step(struct hostadd *ha, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t step(struct hostadd *ha, const char *fmt, ...)
{
	va_list ap;
	char *text;
	size_t i;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	i = checklist_add(ha->cl, text);
	free(text);
	return i;
}

/* Log in with a password once and install hvdeck's key (s is then
 * spent). Returns 0, or -1 with *cause and the failed step settled. */
static int install_key(struct hostadd *ha, struct sshc *s, char **cause)
{
	size_t i = step(ha, "log in as %s with a password", ha->user);
	char *pw;
	int rc, added, tries;

	checklist_set(ha->cl, i, CHECK_RUNNING, NULL);
	for (tries = 1;; tries++) {
		if ((pw = hostadd_ask_password(ha)) == NULL) {
			*cause = cancelled(ha) ? xstrdup("cancelled") :
			    xasprintf("no password given for %s@%s (hvdeck's "
			    "key was refused)", ha->user, ha->address);
			checklist_set(ha->cl, i, CHECK_FAIL, "%s", *cause);
			return -1;
		}
		rc = sshc_auth_password(s, pw, cause);
		wipe(pw);
		if (rc == 0) {
			checklist_set(ha->cl, i, CHECK_OK, "logged in");
			break;
		}
		/* libssh's layer says which: wrong, or no password logins */
		if (*cause == NULL)
			*cause = rc > 0 ? xasprintf("wrong password for %s@%s",
			    ha->user, ha->address) : xstrdup("login failed");
		if (rc < 0 || tries == PASSWORD_TRIES ||
		    !sshc_password_allowed(s)) {
			checklist_set(ha->cl, i, CHECK_FAIL, "%s", *cause);
			return -1;
		}
		/* a typo costs a try, not the add */
		checklist_set(ha->cl, i, CHECK_WARN, "%s: try %d of %d", *cause,
		    tries + 1, PASSWORD_TRIES);
		free(*cause);
		*cause = NULL;
	}
	i = step(ha, "install hvdeck's key for %s", ha->user);
	checklist_set(ha->cl, i, CHECK_RUNNING, NULL);
	if (sshc_install_key(s, &added, cause) < 0) {
		checklist_set(ha->cl, i, CHECK_FAIL, "%s", *cause);
		return -1;
	}
	checklist_set(ha->cl, i, CHECK_OK, added ? "added to ~/.ssh/"
	    "authorized_keys" : "already in ~/.ssh/authorized_keys");
	return 0;
}

/* hvdeck's own SSH key, made when it has none (checklist step st_key). */
static int ensure_key(struct hostadd *ha, size_t st_key, char **cause)
{
	checklist_set(ha->cl, st_key, CHECK_RUNNING, NULL);
	if (sshkey_ensure(NULL, cause) < 0) {
		checklist_set(ha->cl, st_key, CHECK_FAIL, "%s", *cause);
		return -1;
	}
	checklist_set(ha->cl, st_key, CHECK_OK, NULL);
	return 0;
}

/* After the key was installed, prove it works: a fresh session, by key
 * alone. The session, or NULL with *cause. */
static struct sshc *login_again(struct hostadd *ha, char **cause)
{
	size_t st_conn = step(ha, "connect %s:%d again", ha->address, ha->port);
	size_t st_host = step(ha, "host key");
	size_t st_auth = step(ha, "log in as %s with hvdeck's key", ha->user);
	struct sshc *s;
	int rc;

	if ((s = connect_checked(ha, st_conn, st_host, 0, cause)) == NULL) {
		checklist_set(ha->cl, st_auth, CHECK_FAIL, "not tried");
		return NULL;
	}
	checklist_set(ha->cl, st_auth, CHECK_RUNNING, NULL);
	if ((rc = sshc_auth_key(s, cause)) == 0) {
		checklist_set(ha->cl, st_auth, CHECK_OK, "the key works");
		return s;
	}
	if (rc > 0) {
		free(*cause);
		*cause = xasprintf("%s@%s still refuses hvdeck's key after it "
		    "was installed (sshd's AuthorizedKeysFile, or the "
		    "permissions of ~/.ssh?)", ha->user, ha->address);
	}
	checklist_set(ha->cl, st_auth, CHECK_FAIL, "%s", *cause);
	sshc_free(s);
	return NULL;
}

/* The host refused hvdeck's key and takes no passwords: the operator
 * installs the key by hand (the question shows it) and says so; each time
 * the key is tried on a fresh session (one kept open would meet sshd's
 * LoginGraceTime while the operator works). The session, or NULL with
 * *cause. */
static struct sshc *await_install(struct hostadd *ha, char **cause)
{
	size_t st_conn, st_host, st_auth;
	char *pub = NULL, *q;
	struct sshc *s = NULL;
	int ok, rc;

	if (sshkey_ensure(&pub, cause) < 0)
		return NULL;
	q = xasprintf("%s@%s takes no password logins: install hvdeck's key "
	    "in its ~/.ssh/authorized_keys: %s", ha->user, ha->address, pub);
	free(pub);
	for (;;) {
		pthread_mutex_lock(&ha->lock);
		ha->key_answered = 0;
		pthread_mutex_unlock(&ha->lock);
		ok = ask(ha, HOSTADD_NEED_INSTALL, q, &ha->key_answered);
		pthread_mutex_lock(&ha->lock);
		ok = ok && ha->key_accept;
		pthread_mutex_unlock(&ha->lock);
		if (!ok) {
			*cause = cancelled(ha) ? xstrdup("cancelled") :
			    xasprintf("hvdeck's key is not installed on %s@%s, "
			    "which takes no password logins", ha->user,
			    ha->address);
			break;
		}
		st_conn = step(ha, "connect %s:%d again", ha->address, ha->port);
		st_host = step(ha, "host key");
		st_auth = step(ha, "log in as %s with hvdeck's key", ha->user);
		if ((s = connect_checked(ha, st_conn, st_host, 0, cause)) == NULL) {
			checklist_set(ha->cl, st_auth, CHECK_FAIL, "not tried");
			break;
		}
		checklist_set(ha->cl, st_auth, CHECK_RUNNING, NULL);
		if ((rc = sshc_auth_key(s, cause)) == 0) {
			checklist_set(ha->cl, st_auth, CHECK_OK, "the key works");
			break;
		}
		sshc_free(s);
		s = NULL;
		checklist_set(ha->cl, st_auth, rc < 0 ? CHECK_FAIL : CHECK_WARN,
		    "%s", rc < 0 ? *cause : "still refused");
		if (rc < 0)
			break;
		free(*cause);
		*cause = NULL;
	}
	free(q);
	return s;
}

/* Steps 2-3: a logged-in session by hvdeck's key, installing the key
 * with a password when the key is refused (or, when the host takes no
 * passwords, waiting for the operator to install it). */
static struct sshc *ssh_login(struct hostadd *ha, char **cause)
{
	struct sshc *s;
	size_t st_key, st_conn, st_host, st_auth;
	int rc;

	st_key = step(ha, "hvdeck's SSH key");
	st_conn = step(ha, "connect %s:%d", ha->address, ha->port);
	st_host = step(ha, "host key");
	st_auth = step(ha, "log in as %s with hvdeck's key", ha->user);
	if (ensure_key(ha, st_key, cause) < 0)
		return NULL;
	if ((s = connect_checked(ha, st_conn, st_host, 1, cause)) == NULL)
		return NULL;
	checklist_set(ha->cl, st_auth, CHECK_RUNNING, NULL);
	if ((rc = sshc_auth_key(s, cause)) == 0) {
		checklist_set(ha->cl, st_auth, CHECK_OK, NULL);
		return s;
	}
	if (rc < 0) {
		checklist_set(ha->cl, st_auth, CHECK_FAIL, "%s", *cause);
		sshc_free(s);
		return NULL;
	}
	free(*cause);
	*cause = NULL;
	if (!sshc_password_allowed(s)) {
		checklist_set(ha->cl, st_auth, CHECK_WARN, "refused, and the "
		    "host takes no passwords: install the key by hand");
		sshc_free(s);
		return await_install(ha, cause);
	}
	checklist_set(ha->cl, st_auth, CHECK_WARN, "refused: a password "
	    "installs it");
	rc = install_key(ha, s, cause);
	sshc_free(s);
	return rc < 0 ? NULL : login_again(ha, cause);
}

/* ---- pre-flight ---- */

/* The target paths the cluster's shared pools have on other hosts. */
static size_t pool_paths(struct hostadd *ha, struct preflight_path **out)
{
	struct m_host **hosts;
	struct preflight_path *v = NULL;
	size_t nh, i, k, n = 0, j, p;

	model_lock();
	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++) {
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *pl = hosts[i]->pools[k];
			int dup = 0, ours = 0;

			for (p = 0; p < NPOOLNAMES; p++)
				ours |= ha->pool_names[p] != NULL &&
				    strcmp(pl->name, ha->pool_names[p]) == 0;
			if (!ours || pl->target_path == NULL)
				continue;
			for (j = 0; j < n; j++)
				dup |= strcmp(v[j].pool, pl->name) == 0 &&
				    strcmp(v[j].path, pl->target_path) == 0;
			if (dup)
				continue;
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n].pool = xstrdup(pl->name);
			v[n++].path = xstrdup(pl->target_path);
		}
	}
	model_unlock();
	*out = v;
	return n;
}

static void pool_paths_free(struct preflight_path *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)v[i].pool);
		free((char *)v[i].path);
	}
	free(v);
}

/* The first failed step, "text: reason". Caller frees. */
static char *first_failure(struct checklist *cl)
{
	struct check_step *steps;
	size_t n, i;
	char *msg = NULL;

	checklist_snapshot(cl, &steps, &n);
	for (i = 0; i < n && msg == NULL; i++)
		if (steps[i].state == CHECK_FAIL)
			msg = xasprintf("%s: %s", steps[i].text, steps[i].reason);
	free(steps);
	return msg;
}

static int preflight(struct hostadd *ha, struct sshc *s, char **cause)
{
	struct preflight_path *paths;
	size_t n = pool_paths(ha, &paths);
	int failed = preflight_run(s, paths, n, ha->cl, cause);
	char *first;

	pool_paths_free(paths, n);
	if (failed < 0)
		return -1;
	if (failed == 0)
		return 0;
	first = first_failure(ha->cl);
	*cause = xasprintf("pre-flight: %d check%s failed%s%s", failed,
	    failed == 1 ? "" : "s", first != NULL ? ": " : "",
	    first != NULL ? first : "");
	free(first);
	return -1;
}

/* ---- libvirt ---- */

static char *make_uri(struct hostadd *ha, char **cause)
{
	return transport_host_uri(ha->user, ha->address, ha->port, cause);
}

static int cancelled_cb(void *ctx)
{
	return cancelled(ctx);
}

/* libvirt on the new host, through the one opener (virt/conn.h): within
 * the add's timeout, given up when the operator cancels. */
static virConnectPtr open_libvirt(struct hostadd *ha, const char *uri,
    char **cause)
{
	struct conn_opts o = {
		.timeout_ms = ha->timeout_s * 1000, .cancelled = cancelled_cb, .ctx = ha,
	};
	enum conn_failure fail;
	virConnectPtr c;
	char *msg = NULL;

	if ((c = conn_open(uri, &o, &fail, &msg)) != NULL)
		return c;
	if (fail == CONN_REFUSED)
		*cause = xasprintf("libvirt on %s does not answer (is libvirtd "
		    "or virtqemud running?): %s", ha->address, msg);
	else if (fail == CONN_TIMEOUT)
		*cause = xasprintf("libvirt on %s did not answer within %d s",
		    ha->address, ha->timeout_s);
	else
		*cause = xstrdup("cancelled");
	free(msg);
	return NULL;
}

/* The configured host (by the model) with this libvirt host UUID; caller
 * frees; NULL if none. */
static char *uuid_owner(const char *uuid)
{
	struct m_host **hosts;
	size_t n, i;
	char *name = NULL;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n && name == NULL; i++)
		if (hosts[i]->caps.host_uuid != NULL &&
		    strcasecmp(hosts[i]->caps.host_uuid, uuid) == 0)
			name = xstrdup(hosts[i]->name);
	model_unlock();
	return name;
}

/* Step 5: libvirt answers over the URI the host will be used by, and is
 * not a host already configured under another name. */
static int check_libvirt(struct hostadd *ha, const char *uri, char **cause)
{
	size_t st = checklist_add(ha->cl, "libvirt over qemu+ssh");
	virConnectPtr c;
	char *xml, *hostname, *other, *why = NULL;
	struct xml_caps caps;
	int rc = -1;

	checklist_set(ha->cl, st, CHECK_RUNNING, NULL);
	if ((c = open_libvirt(ha, uri, cause)) == NULL) {
		checklist_set(ha->cl, st, CHECK_FAIL, "%s", *cause);
		return -1;
	}
	memset(&caps, 0, sizeof caps);
	hostname = virConnectGetHostname(c);
	if ((xml = virConnectGetCapabilities(c)) == NULL) {
		*cause = xasprintf("capabilities: %s", virGetLastErrorMessage());
	} else if (virtxml_parse_caps(xml, &caps, &why) < 0) {
		*cause = xasprintf("capabilities: %s", why);
	} else if (caps.host_uuid == NULL) {
		*cause = xstrdup("libvirt reports no host UUID");
	} else if ((other = uuid_owner(caps.host_uuid)) != NULL) {
		*cause = xasprintf("libvirt host UUID %s is already host %s "
		    "(the same machine)", caps.host_uuid, other);
		free(other);
	} else {
		checklist_set(ha->cl, st, CHECK_OK, "%s, host UUID %s",
		    hostname != NULL ? hostname : "?", caps.host_uuid);
		rc = 0;
	}
	if (rc < 0)
		checklist_set(ha->cl, st, CHECK_FAIL, "%s", *cause);
	free(why);
	free(xml);
	free(hostname);
	facts_caps_free(&caps);
	virConnectClose(c);
	return rc;
}

/* ---- saving ---- */

struct append {
	const char *name, *uri;
	enum host_role role;
};

static int append_fn(struct config *cfg, void *arg, char **cause)
{
	const struct append *a = arg;

	return config_add_host(cfg, a->name, a->uri, a->role, NULL, cause);
}

void hostadd_config_host(const struct hostadd *ha, const char *uri,
    struct config_host *out)
{
	/* config_host_init: the one place a host gets the file's defaults
	 * (a hand-built host once started with a 0 MiB reserve). */
	config_host_init(out, ha->name, (char *)uri, ha->role);
}

static int save(struct hostadd *ha, const char *uri, char **cause)
{
	struct append a = { ha->name, uri, ha->role };
	struct config_host ch;
	size_t st = checklist_add(ha->cl, "save");

	checklist_set(ha->cl, st, CHECK_RUNNING, "%s", ha->config_path);
	if (config_edit(ha->config_path, append_fn, &a, cause) < 0) {
		checklist_set(ha->cl, st, CHECK_FAIL, "%s", *cause);
		return -1;
	}
	checklist_set(ha->cl, st, CHECK_OK, "%s", ha->config_path);
	if (ha->start_in_engine) {
		hostadd_config_host(ha, uri, &ch);
		hosts_add(&ch, 0, ha->stats_interval);
		checklist_note(ha->cl, CHECK_OK, "start", "connecting in the "
		    "console");
	}
	return 0;
}

/* ---- the job ---- */

/* The point of no return, decided once under the add's lock and the
 * job's (job_commit): either a cancel came first and nothing is saved, or
 * the save goes ahead and every later cancel is refused ("too late"), so
 * no one is told "cancelled" about a host that was written. */
static int commit(struct hostadd *ha, unsigned id, char **cause)
{
	int rc = -1;

	pthread_mutex_lock(&ha->lock);
	if (ha->cancelled)
		*cause = xstrdup("cancelled");
	else if ((rc = job_commit(id, cause)) == 0)
		ha->committed = 1;
	pthread_mutex_unlock(&ha->lock);
	return rc;
}

int hostadd_save(struct hostadd *ha, unsigned job, const char *uri,
    char **cause)
{
	return commit(ha, job, cause) < 0 ? -1 : save(ha, uri, cause);
}

static int run(unsigned id, void *ctx, char **cause)
{
	struct hostadd *ha = ctx;
	struct sshc *s = NULL;
	size_t st = checklist_add(ha->cl, "check name and address");
	char *uri = NULL;
	int rc = -1;

	checklist_set(ha->cl, st, CHECK_RUNNING, NULL);
	if (check_duplicates(ha, cause) < 0) {
		checklist_set(ha->cl, st, CHECK_FAIL, "%s", *cause);
		goto out;
	}
	checklist_set(ha->cl, st, CHECK_OK, "%s, %s:%d", ha->name, ha->address,
	    ha->port);
	if ((s = ssh_login(ha, cause)) == NULL)
		goto out;
	if (cancelled(ha) || preflight(ha, s, cause) < 0)
		goto out;
	sshc_free(s);
	s = NULL;
	if (cancelled(ha) || (uri = make_uri(ha, cause)) == NULL ||
	    check_libvirt(ha, uri, cause) < 0)
		goto out;
	if (hostadd_save(ha, id, uri, cause) < 0)
		goto out;
	rc = 0;
out:
	sshc_free(s);
	if (rc < 0 && *cause == NULL)
		*cause = xstrdup("cancelled");
	if (rc == 0) {
		log_msg(LOG_INFO, "host %s added: %s", ha->name, uri);
		model_event(SEV_INFO, "host %s added (%s@%s:%d, %s)", ha->name,
		    ha->user, ha->address, ha->port, config_role_name(ha->role));
		set_state(ha, HOSTADD_ADDED, NULL);
	} else {
		log_msg(LOG_INFO, "add host %s: %s", ha->name, *cause);
		set_state(ha, HOSTADD_FAILED, *cause);
	}
	free(uri);
	return rc;
}

void hostadd_cancel(struct hostadd *ha)
{
	pthread_mutex_lock(&ha->lock);
	ha->cancelled |= !ha->committed;
	pthread_cond_broadcast(&ha->cond);
	pthread_mutex_unlock(&ha->lock);
}

static void cancel_hook(unsigned id, void *ctx)
{
	(void)id;
	hostadd_cancel(ctx);
}

static void job_free_ctx(void *ctx)
{
	struct hostadd *ha = ctx;

	/* cancelled while queued: run never ran to say so */
	if (hostadd_state(ha, NULL) == HOSTADD_RUNNING)
		set_state(ha, HOSTADD_FAILED, "cancelled");
	put(ha);
}

static const struct job_ops add_ops = {
	run, NULL, cancel_hook, job_free_ctx, 0,
};

int hostadd_start(struct hostadd *ha, unsigned *job, char **cause)
{
	struct job_target t = { NULL, ha->name, 0, ha->name };

	pthread_mutex_lock(&ha->lock);
	ha->refs++;	/* the job's */
	pthread_mutex_unlock(&ha->lock);
	if (job_start_thread(JK_ADD_HOST, &t, &add_ops, ha, job, cause) < 0) {
		set_state(ha, HOSTADD_FAILED, *cause);
		return -1;
	}
	pthread_mutex_lock(&ha->lock);
	ha->job = *job;
	pthread_mutex_unlock(&ha->lock);
	hostadd_register(*job, ha);
	return 0;
}

enum hostadd_state hostadd_question(struct hostadd *ha, char **text,
    int *asked)
{
	enum hostadd_state st;

	pthread_mutex_lock(&ha->lock);
	st = ha->state;
	if (text != NULL)
		*text = xstrdup(ha->text);
	if (asked != NULL)
		*asked = ha->asked;
	pthread_mutex_unlock(&ha->lock);
	return st;
}

enum hostadd_state hostadd_state(struct hostadd *ha, char **text)
{
	return hostadd_question(ha, text, NULL);
}

/* Lock held. The question is answered: no caller may see it again (and
 * answer twice) before the job thread wakes. */
static void answered(struct hostadd *ha)
{
	ha->state = HOSTADD_RUNNING;
	util_set_str(&ha->text, NULL);
	pthread_cond_broadcast(&ha->cond);
}

void hostadd_key(struct hostadd *ha, int accept)
{
	pthread_mutex_lock(&ha->lock);
	if ((ha->state == HOSTADD_NEED_KEY ||
	    ha->state == HOSTADD_NEED_INSTALL) && !ha->key_answered) {
		ha->key_accept = accept != 0;
		ha->key_answered = 1;
		answered(ha);
	}
	pthread_mutex_unlock(&ha->lock);
}

void hostadd_password(struct hostadd *ha, const char *pw)
{
	if (pw != NULL)
		util_secret_guard();	/* the copy below lives on */
	pthread_mutex_lock(&ha->lock);
	if (ha->state == HOSTADD_NEED_PASSWORD && !ha->pw_answered) {
		ha->password = pw != NULL ? xstrdup(pw) : NULL;
		ha->pw_answered = 1;
		answered(ha);
	}
	pthread_mutex_unlock(&ha->lock);
}

struct checklist *hostadd_checklist(struct hostadd *ha)
{
	return ha->cl;
}

unsigned hostadd_job(struct hostadd *ha)
{
	unsigned j;

	pthread_mutex_lock(&ha->lock);
	j = ha->job;
	pthread_mutex_unlock(&ha->lock);
	return j;
}

enum hostadd_state hostadd_wait(struct hostadd *ha, int timeout_ms)
{
	struct timespec ts;
	enum hostadd_state st;

	ts = util_deadline(CLOCK_MONOTONIC, timeout_ms);
	pthread_mutex_lock(&ha->lock);
	while (ha->state == HOSTADD_RUNNING &&
	    pthread_cond_timedwait(&ha->cond, &ha->lock, &ts) == 0)
		;
	st = ha->state;
	pthread_mutex_unlock(&ha->lock);
	return st;
}

/* ---- copies: another process's add, as its lines tell it ---- */

void hostadd_hold(struct hostadd *ha)
{
	pthread_mutex_lock(&ha->lock);
	ha->refs++;
	pthread_mutex_unlock(&ha->lock);
}

void hostadd_release(struct hostadd *ha)
{
	if (ha != NULL)
		put(ha);
}

struct hostadd *hostadd_new_copy(const char *name)
{
	struct hostadd_req r;
	struct config c;
	struct hostadd *ha;

	memset(&r, 0, sizeof r);
	r.name = name;
	config_defaults(&c, NULL);
	ha = hostadd_alloc(&r, "", &c);
	config_free(&c);
	return ha;
}

void hostadd_copy_set(struct hostadd *ha, enum hostadd_state st,
    const char *text, int asked)
{
	pthread_mutex_lock(&ha->lock);
	ha->asked = asked;
	state_locked(ha, st, text);
	pthread_mutex_unlock(&ha->lock);
	model_wake();
}

const char *hostadd_name(const struct hostadd *ha)
{
	return ha->name;
}

/* How long hostadd_free waits for a cancelled job: its blocking calls
 * (SSH connect, libvirt open) end within the connect timeout. */
#define FREE_WAIT_MS 2000

static void release(struct hostadd *ha, int wait_ms)
{
	enum hostadd_state st;
	unsigned job;
	char *cause = NULL;

	if (ha == NULL)
		return;
	job = hostadd_job(ha);
	st = hostadd_state(ha, NULL);
	if (job != 0 && !job_state_final(job_wait(job, 0))) {
		/* settled: the job is returning, its outcome is its own */
		if (st != HOSTADD_ADDED && st != HOSTADD_FAILED) {
			cancel_hook(job, ha);	/* wakes a question at once */
			if (job_cancel(job, &cause) < 0)
				free(cause);
		}
		if (wait_ms > 0)
			job_wait(job, wait_ms);
	}
	put(ha);	/* a job still running keeps its own reference */
}

void hostadd_free(struct hostadd *ha)
{
	release(ha, FREE_WAIT_MS);
}

void hostadd_abandon(struct hostadd *ha)
{
	release(ha, 0);
}
