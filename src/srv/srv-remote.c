/* srv-remote.c — an attached console's commands, sent to the server on
 * threads of their own (srv-remote.h). */
#include "srv/srv-remote.h"
#include "srv/proto.h"
#include "srv/srv-client.h"
#include "srv/srv-mirror.h"
#include "srv/srv.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-opts.h"
#include "cmd/cmd-relay.h"
#include "cmd/cmd.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* How long the console waits for the server's snapshot before it draws. */
#define SYNC_WAIT_MS 10000

static const struct config *attached_cfg;
static int attached_ro;

struct request {
	char **words;
	int n;
};

static void relay_say(const struct cmd_face *f, int error, const char *text)
{
	(void)f;
	cmd_relay_say(error, text);
}

static int relay_confirm(const struct cmd_face *f, const char *q,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	(void)f; (void)yes; (void)arg;
	return cmd_relay_confirm(q, what, cause);
}

static const struct cmd_face relay_face = {
	.say = relay_say,
	.confirm = relay_confirm,
};

static void request_free(struct request *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->words[i]);
	free(r->words);
	free(r);
}

static void *request_main(void *arg)
{
	struct request *r = arg;
	char *cause = NULL;
	int status = 0, rc;

	rc = srv_client_request(attached_cfg, &relay_face, attached_ro,
	    PROTO_CMD, r->words, r->n, 0, &status, &cause);
	if (rc == 1)
		cmd_relay_say(1, "the server is gone: start one (hvdeck server "
		    "start) and attach again");
	else if (rc < 0)
		cmd_relay_say(1, cause);
	free(cause);
	request_free(r);
	return NULL;
}

/* The words the server parses: options, "--", the command's name and its
 * arguments (as main.c sends a command line's). */
static struct request *words_of(const struct cmd_entry *e,
    const struct cmd_opts *o, int argc, char **argv)
{
	struct request *r = xcalloc(1, sizeof *r);
	const struct cmd_opt_spec *spec;
	char **name = NULL;
	int i, nn = cmd_split(e->name, &name);

	r->words = xcalloc((size_t)(o->n + 1 + nn + argc) + 1, sizeof *r->words);
	for (i = 0; i < o->n; i++) {
		spec = cmd_opt_spec(e->name, o->v[i].name);
		r->words[r->n++] = spec != NULL && spec->type == CMD_OPT_FLAG ?
		    xasprintf("--%s", o->v[i].name) :
		    xasprintf("--%s=%s", o->v[i].name, o->v[i].value);
	}
	r->words[r->n++] = xstrdup("--");
	for (i = 0; i < nn; i++)
		r->words[r->n++] = xstrdup(name[i]);
	for (i = 0; i < argc; i++)
		r->words[r->n++] = xstrdup(argv[i]);
	cmd_free_words(name);
	return r;
}

/* The console's own entries that act through connections of the
 * console's own, which an attached console has not: the server has no
 * such command yet (this release). */
static const char *const needs_engine[] = {
	"desktop migrate", "pool refresh", "host reconnect",
	"desktop viewer",	/* its page reads the host on a worker */
};

static int needs_own_engine(const struct cmd_entry *e)
{
	size_t i;

	for (i = 0; i < sizeof needs_engine / sizeof needs_engine[0]; i++)
		if (strcmp(e->name, needs_engine[i]) == 0)
			return 1;
	return 0;
}

/* Entries whose console exec, short of words, asks first here and then
 * runs the whole line (which comes back through cmd_run_line). */
static int asks_here(const struct cmd_entry *e)
{
	return strcmp(e->name, "host maintenance") == 0;
}

/* Entries whose console exec opens its form or view here with all its
 * words given: the capacity view (the mirror's figures), and desktop set
 * without an option (its form; the submit goes to the server). */
static int opens_here(const struct cmd_entry *e, const struct cmd_opts *o)
{
	return strcmp(e->name, "capacity") == 0 ||
	    (strcmp(e->name, "desktop set") == 0 && (o == NULL || o->n == 0));
}

/* desktop toggle-pause is the console's: resume when every desktop named
 * is paused (in the mirror), else pause, as the server's entries. */
static const struct cmd_entry *toggled(int argc, char **argv)
{
	struct m_desktop **found;
	size_t n;
	int i, all_paused = argc > 0;

	model_lock();
	for (i = 0; i < argc; i++) {
		n = model_desktops_find(argv[i], &found);
		if (n != 1 || model_desktop_state(found[0]) != DS_PAUSED)
			all_paused = 0;
		free(found);
	}
	model_unlock();
	return cmd_find(all_paused ? "desktop resume" : "desktop pause");
}

static int remote(struct cmd_ctx *c, const struct cmd_entry *e,
    const struct cmd_opts *o, int argc, char **argv, char **cause)
{
	struct request *r;
	pthread_t t;

	/* refused here as the server would (cmd_exec_entry's rule) */
	if (c->read_only && !(e->flags & CMD_READ_ONLY_OK))
		return 1;
	/* missing words: the console's form (or question) asks for them
	 * first */
	if ((argc < e->max_args || opens_here(e, o)) && (asks_here(e) ||
	    (c->face != NULL && c->face->has_form != NULL &&
	    c->face->has_form(c->face, e->name))))
		return 1;
	if (strcmp(e->name, "desktop toggle-pause") == 0 && argc > 0 &&
	    (e = toggled(argc, argv)) == NULL)
		return 1;
	if (needs_own_engine(e)) {
		*cause = xasprintf("%s: not from a console attached to the "
		    "server in this release (hvdeck --no-server opens a console "
		    "with connections of its own)", e->name);
		return -1;
	}
	if (!srv_wanted(e) && !srv_job_entry(e))
		return 1;
	r = words_of(e, o, argc, argv);
	if (pthread_create(&t, NULL, request_main, r) != 0) {
		request_free(r);
		*cause = xasprintf("%s: cannot start a thread for it", e->name);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

int srv_attach_start(const struct config *cfg, int read_only, long *pid,
    char **cause)
{
	int rc = srv_mirror_start(cfg, read_only, pid, cause);

	if (rc == 1) {
		*cause = xasprintf("no server for %s; start one with hvdeck "
		    "server start", cfg->path);
		return -1;
	}
	if (rc < 0)
		return -1;
	/* the first screen is the server's whole picture */
	if (srv_mirror_wait_synced(SYNC_WAIT_MS) < 0)
		log_msg(LOG_WARN, "attach: the server's snapshot is not complete "
		    "after %d ms; it shows as it comes", SYNC_WAIT_MS);
	attached_cfg = cfg;
	attached_ro = read_only;
	cmd_set_remote(remote);
	return 0;
}

void srv_attach_stop(void)
{
	cmd_set_remote(NULL);
	cmd_relay_close();
	srv_mirror_stop();
}
