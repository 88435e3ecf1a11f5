/* act-host-admin.c — removing a host and replacing its host key (the
 * commands `host remove` and `host rekey` are cmd/cmd-host.c's).
 *
 * Remove: the config file through config_edit (byte-for-byte unchanged on
 * any failure), then the host's lines in hvdeck's known_hosts (kept when
 * another configured host reaches the same address and port), and in the
 * console the engine's worker and the model's host, on a job thread: a
 * worker closing an SSH connection may take seconds.
 *
 * Rekey: a fresh SSH session shows the key the host presents now; the
 * known_hosts lines are replaced by exactly that key (the session's), once
 * the command (cmd/cmd-host.c) has the operator's yes. */
#include "act/act-host-admin.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "virt/ssh.h"
#include "virt/transport.h"
#include "core/util.h"
#include "virt/virt-host.h"

#include <libxml/uri.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define REMOVE_WAIT_MS 5000

/* ---- the SSH side of a URI ---- */

static int ssh_scheme(const char *scheme)
{
	const char *plus = scheme != NULL ? strchr(scheme, '+') : NULL;

	return plus != NULL && (strcmp(plus, "+ssh") == 0 ||
	    strcmp(plus, "+libssh") == 0 || strcmp(plus, "+libssh2") == 0);
}

int host_ssh_target(const char *uri, struct host_ssh_target *t,
    char **cause)
{
	xmlURIPtr u = xmlParseURI(uri);
	const char *server;
	size_t len;

	memset(t, 0, sizeof *t);
	if (u == NULL) {
		*cause = xasprintf("cannot parse the URI %s", uri);
		return -1;
	}
	if (!ssh_scheme(u->scheme)) {
		xmlFreeURI(u);
		return 1;
	}
	server = u->server != NULL ? u->server : "";
	len = strlen(server);
	if (len >= 2 && server[0] == '[' && server[len - 1] == ']')
		t->address = xstrndup(server + 1, len - 2);
	else
		t->address = xstrdup(server);
	if (t->address[0] == '\0') {
		*cause = xasprintf("the URI %s names no host", uri);
		xmlFreeURI(u);
		host_ssh_target_free(t);
		return -1;
	}
	t->port = u->port > 0 ? u->port : 22;
	t->user = xstrdup(u->user);
	t->known_hosts = transport_known_hosts(uri);
	xmlFreeURI(u);
	return 0;
}

void host_ssh_target_free(struct host_ssh_target *t)
{
	free(t->address);
	free(t->user);
	free(t->known_hosts);
	memset(t, 0, sizeof *t);
}

/* 1 when both URIs reach the same SSH address and port. */
static int same_ssh_target(const char *uri, const struct host_ssh_target *t)
{
	struct host_ssh_target o;
	char *cause = NULL;
	int same;

	if (host_ssh_target(uri, &o, &cause) != 0) {
		free(cause);
		return 0;
	}
	same = strcasecmp(o.address, t->address) == 0 && o.port == t->port;
	host_ssh_target_free(&o);
	return same;
}

/* ---- remove ---- */

struct remove_edit {
	const char *name;
	char *uri;              /* the removed host's */
	char *sharer;           /* another host on the same SSH target */
};

static int remove_fn(struct config *cfg, void *arg, char **cause)
{
	struct remove_edit *r = arg;
	struct host_ssh_target t;
	struct config_host *h = config_find_host(cfg, r->name);
	size_t i;
	char *err = NULL;

	if (h == NULL) {
		*cause = xasprintf("no host called %s in %s", r->name,
		    cfg->path);
		return -1;
	}
	r->uri = xstrdup(h->uri);
	if (config_remove_host(cfg, r->name, cause) < 0)
		return -1;
	if (host_ssh_target(r->uri, &t, &err) != 0) {
		free(err);
		return 0;
	}
	for (i = 0; i < cfg->nhosts && r->sharer == NULL; i++)
		if (same_ssh_target(cfg->hosts[i].uri, &t))
			r->sharer = xstrdup(cfg->hosts[i].name);
	host_ssh_target_free(&t);
	return 0;
}

/* Remove name from the config file at path and its known_hosts lines.
 * *said (caller frees): what was done. */
static int remove_host(const char *path, const char *name, char **said,
    char **cause)
{
	struct remove_edit r = { name, NULL, NULL };
	struct host_ssh_target t;
	char *err = NULL, *known = NULL;
	int removed = 0, rc;

	if (config_edit(path, remove_fn, &r, cause) < 0) {
		free(r.uri);
		free(r.sharer);
		return -1;
	}
	log_msg(LOG_INFO, "host remove: %s removed from %s", name, path);
	rc = host_ssh_target(r.uri, &t, &err);
	if (rc != 0)
		known = xstrdup(rc == 1 ? "" : "; its URI does not parse: "
		    "known_hosts left alone");
	else if (r.sharer != NULL)
		known = xasprintf("; known_hosts kept: host %s uses the same "
		    "address", r.sharer);
	else if (sshknown_remove(t.address, t.port, &removed, &err) < 0)
		known = xasprintf("; known_hosts: %s", err);
	else
		known = xasprintf("; %d known_hosts line%s removed", removed,
		    removed == 1 ? "" : "s");
	if (rc == 0)
		host_ssh_target_free(&t);
	*said = xasprintf("host %s removed from %s%s", name, path, known);
	free(known);
	free(err);
	free(r.uri);
	free(r.sharer);
	return 0;
}

/* The console's removal, on a job thread. */
struct remove_job {
	char *path, *name;
};

unsigned act_host_id_of(const char *name)
{
	const struct m_host *h;
	unsigned id;

	model_lock();
	h = model_host_by_name(name);
	id = h != NULL ? h->id : 0;
	model_unlock();
	return id;
}

static int remove_run(unsigned id, void *ctx, char **cause)
{
	struct remove_job *j = ctx;
	unsigned host_id;
	char *said = NULL;

	(void)id;
	if (remove_host(j->path, j->name, &said, cause) < 0)
		return -1;
	if ((host_id = act_host_id_of(j->name)) != 0)
		hosts_remove(host_id, REMOVE_WAIT_MS);
	model_event(SEV_INFO, "%s", said);
	free(said);
	return 0;
}

static void remove_free(void *ctx)
{
	struct remove_job *j = ctx;

	free(j->path);
	free(j->name);
	free(j);
}

static const struct job_ops remove_ops = {
	remove_run, NULL, NULL, remove_free, 0,
};

int act_host_remove_start(const char *config_path, const char *name,
    unsigned *job, char **cause)
{
	struct remove_job *j;
	struct job_target t = { NULL, name, 0, name };

	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(config_path);
	j->name = xstrdup(name);
	if (job_start_thread(JK_REMOVE_HOST, &t, &remove_ops, j, job,
	    cause) < 0)
		return -1;	/* job_start_thread freed j through remove_free */
	return 0;
}

static int refuse_transient(const struct config *cfg, const char *name,
    char **cause)
{
	const struct config_host *h = config_find_host(cfg, name);

	if (h == NULL || !h->transient)
		return 0;
	*cause = xasprintf("host %s was given with -H for this run only: it "
	    "is not in the config file, nothing to remove", name);
	return -1;
}

int act_host_remove(const struct config *cfg, const char *name, char **said,
    char **cause)
{
	if (refuse_transient(cfg, name, cause) < 0)
		return -1;
	return remove_host(cfg->path, name, said, cause);
}

int act_host_remove_check(const struct config *cfg, const char *name,
    char **cause)
{
	if (refuse_transient(cfg, name, cause) < 0)
		return -1;
	if (cfg->path == NULL) {
		*cause = xstrdup("no configuration file to remove it from");
		return -1;
	}
	/* the console knows its hosts in the model (one added since it
	 * read its config too), the command line in its config */
	if (act_host_id_of(name) == 0 && config_find_host(cfg, name) == NULL) {
		*cause = xasprintf("no host called %s", name);
		return -1;
	}
	return 0;
}

/* ---- rekey ---- */

/* The host's SSH target, checking that its URI uses hvdeck's
 * known_hosts (else replacing our lines would change nothing). */
static int rekey_target(const struct config_host *h,
    struct host_ssh_target *t, char **cause)
{
	char *ours = sshkey_known_hosts_path();
	int rc = host_ssh_target(h->uri, t, cause);

	if (rc == 1)
		*cause = xasprintf("host %s is not reached over SSH (%s): no "
		    "host key to replace", h->name, h->uri);
	else if (rc == 0 && (t->known_hosts == NULL || ours == NULL ||
	    strcmp(t->known_hosts, ours) != 0)) {
		*cause = xasprintf("host %s checks its key in %s, not in "
		    "hvdeck's known_hosts (%s): edit that file instead",
		    h->name, t->known_hosts != NULL ? t->known_hosts :
		    "~/.ssh/known_hosts", ours != NULL ? ours : "?");
		host_ssh_target_free(t);
		rc = -1;
	}
	free(ours);
	return rc == 0 ? 0 : -1;
}

int act_host_rekey_probe(const struct config *cfg, const char *name,
    struct act_rekey *r, char **cause)
{
	memset(r, 0, sizeof *r);
	if ((r->host = config_find_host(cfg, name)) == NULL) {
		*cause = xasprintf("no host called %s in %s", name, cfg->path);
		return -1;
	}
	if (rekey_target(r->host, &r->target, cause) < 0)
		return -1;
	r->have_target = 1;
	if (sshc_connect(r->target.address, r->target.port, r->target.user,
	    cfg->connect_timeout, &r->session, cause) < 0 ||
	    sshc_hostkey(r->session, &r->key, cause) < 0) {
		act_host_rekey_free(r);
		return -1;
	}
	return 0;
}

int act_host_rekey_replace(struct act_rekey *r, char **cause)
{
	return sshc_hostkey_replace(r->session, cause);
}

void act_host_rekey_free(struct act_rekey *r)
{
	sshc_free(r->session);
	r->session = NULL;
	if (r->have_target)
		host_ssh_target_free(&r->target);
	r->have_target = 0;
}
