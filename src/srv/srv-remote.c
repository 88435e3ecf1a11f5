/* srv-remote.c — an attached console's commands, sent to the server on
 * threads of their own (srv-remote.h). */
#include "srv/srv-remote.h"
#include "srv/proto.h"
#include "srv/srv-client.h"
#include "srv/srv-mirror.h"
#include "srv/srv-turn.h"
#include "srv/srv.h"
#include "act/act-viewer.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-opts.h"
#include "cmd/cmd-relay.h"
#include "cmd/cmd.h"
#include "core/job.h"
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
	unsigned ticket;            /* its turn (srv-turn.h) */
	unsigned id;                /* what comes back for it (cmd-relay.h) */
};

/* The request on this thread had a question the operator answered no:
 * the console said "cancelled" then, as for a question of its own, and
 * the server's "WHAT: not confirmed" that ends the command is not said
 * over it. */
static _Thread_local int request_declined;

/* Each relay callback is the server's answer to the request: the next
 * request may go (srv_turn_give). */
static void relay_say(const struct cmd_face *f, int error, const char *text)
{
	(void)f;
	srv_turn_give();
	if (error && request_declined)
		return;
	cmd_relay_say(error, text);
}

static int relay_confirm(const struct cmd_face *f, const char *q,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	int rc;

	(void)f; (void)yes; (void)arg;
	srv_turn_give();
	rc = cmd_relay_confirm(q, what, cause);
	if (rc < 0 && cmd_face_take_declined()) {
		request_declined = 1;
		cmd_face_declined();	/* for the answer's "n" */
	}
	return rc;
}

/* A question the operator declined (Esc) is said as cancelled where it
 * was asked (a prompt, a form): the server's error that follows is not
 * said over it. */
static int relay_asked(const char *prompt, int secret, char *buf, size_t len)
{
	int rc;

	srv_turn_give();
	rc = cmd_relay_ask(prompt, secret, buf, len);
	if (rc == -2)
		request_declined = 1;
	return rc;
}

static int relay_ask(const struct cmd_face *f, const char *prompt,
    char *buf, size_t len)
{
	(void)f;
	return relay_asked(prompt, 0, buf, len);
}

static int relay_ask_secret(const struct cmd_face *f, const char *prompt,
    char *buf, size_t len)
{
	(void)f;
	return relay_asked(prompt, 1, buf, len);
}

/* How long a job the server removed may take to leave the mirror before
 * the console forgets it all the same. */
#define FORGET_WAIT_MS 5000

/* Wait (bounded) until the mirror has job no more. */
static void wait_unmirrored(unsigned job)
{
	int64_t until = util_now_ms() + FORGET_WAIT_MS;
	int have = 1;

	while (have && util_now_ms() < until) {
		job_lock();
		have = job_find(job) != NULL;
		job_unlock();
		if (have)
			util_sleep_ms(50);
	}
}

/* The server started job for the console's command: followed at once,
 * in the order of the server's FOLLOW (the console waits a little for a
 * job its mirror does not have yet: ui.c's show_results). */
static void relay_follow(const struct cmd_face *f, unsigned job)
{
	(void)f;
	srv_turn_give();
	cmd_relay_follow(job);
}

/* The server removed job (0: several): forgotten once the mirror has
 * dropped it, so that the console's selection moves on from its row. */
static void relay_forget(const struct cmd_face *f, unsigned job)
{
	(void)f;
	srv_turn_give();
	if (job != 0)
		wait_unmirrored(job);
	cmd_relay_forget(job);
}

/* console: what the server's command prints comes as lines to say */
static const struct cmd_face relay_face = {
	.console = 1,
	.say = relay_say,
	.confirm = relay_confirm,
	.ask = relay_ask,
	.ask_secret = relay_ask_secret,
	.follow_job = relay_follow,
	.forget_job = relay_forget,
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

	cmd_relay_request_set(r->id);
	srv_turn_wait(r->ticket);
	rc = srv_client_request(attached_cfg, &relay_face, attached_ro,
	    PROTO_CMD, r->words, r->n, 0, &status, &cause);
	srv_turn_give();	/* it ended without a word */
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

/* Entries whose console exec, short of words, asks first here and then
 * runs the whole line (which comes back through cmd_run_line). */
static int asks_here(const struct cmd_entry *e)
{
	return strcmp(e->name, "host maintenance") == 0;
}

/* Entries whose console exec opens its form or view here with all its
 * words given: the capacity view (the mirror's figures), desktop set
 * without an option (its form; the submit goes to the server), and the
 * viewer page (its reading asked of the server: viewer_remote). */
static int opens_here(const struct cmd_entry *e, const struct cmd_opts *o)
{
	return strcmp(e->name, "capacity") == 0 ||
	    ((strcmp(e->name, "desktop set") == 0 ||
	    strcmp(e->name, "desktop viewer") == 0) && (o == NULL || o->n == 0));
}

/* Entries whose console form asks first even with every word given,
 * unless --yes (desktop delete's form: the disk too?; host drain's: the
 * plan, unless a dry run); its submit runs the line with --yes. */
static int form_unless_yes(const struct cmd_entry *e,
    const struct cmd_opts *o)
{
	if (cmd_opt(o, "yes") != NULL)
		return 0;
	return strcmp(e->name, "desktop delete") == 0 ||
	    (strcmp(e->name, "host drain") == 0 &&
	    cmd_opt(o, "dry-run") == NULL);
}

/* Entries whose console exec asks its own question (naming the target
 * as the console does) with every word given, unless --yes, and then
 * runs the line with --yes: volume delete. */
static int asks_unless_yes(const struct cmd_entry *e,
    const struct cmd_opts *o)
{
	return strcmp(e->name, "volume delete") == 0 && cmd_opt(o, "yes") == NULL;
}

/* Whether e's console form (or question) comes first, here: for words
 * its argc lacks — the form fills at most the first two (the target and
 * what to do with it: desktop new's template and names, migrate's
 * desktop and destination), whatever more the entry takes — or for its
 * question (form_unless_yes); host add's form always, to follow the add
 * (its own submit, c->hostadd set, goes to the server). */
static int form_first(const struct cmd_ctx *c, const struct cmd_entry *e,
    const struct cmd_opts *o, int argc)
{
	const struct cmd_face *f = c->face;
	int wanted = e->max_args < 2 ? e->max_args : 2;
	int has_form = f != NULL && f->has_form != NULL &&
	    f->has_form(f, e->name);

	if (has_form && strcmp(e->name, "host add") == 0 && c->hostadd == NULL)
		return 1;
	if ((argc < wanted || opens_here(e, o)) && (asks_here(e) || has_form))
		return 1;
	return argc > 0 && ((has_form && form_unless_yes(e, o)) ||
	    asks_unless_yes(e, o));
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
	/* the console's form (or question) first: its submit comes back
	 * with the whole line */
	if (form_first(c, e, o, argc))
		return 1;
	if (strcmp(e->name, "desktop toggle-pause") == 0 && argc > 0 &&
	    (e = toggled(argc, argv)) == NULL)
		return 1;
	if (!srv_wanted(e) && !srv_console_entry(e))
		return 1;
	r = words_of(e, o, argc, argv);
	r->ticket = srv_turn_take();	/* in the order typed */
	r->id = cmd_relay_request_new();
	if (pthread_create(&t, NULL, request_main, r) != 0) {
		srv_turn_abandon(r->ticket);
		request_free(r);
		*cause = xasprintf("%s: cannot start a thread for it", e->name);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

/* ---- the viewer page's reading, asked of the server ---- */

/* What the server said for one `desktop viewer --json`. */
struct captured {
	char *text;                 /* its JSON line (a password: wiped) */
	char *error;                /* its error line */
};

static void capture_say(const struct cmd_face *f, int error, const char *text)
{
	struct captured *c = f->data;
	char **slot = error ? &c->error : &c->text;

	if (*slot == NULL)
		*slot = xstrdup(text);
}

static void captured_free(struct captured *c)
{
	if (c->text != NULL)
		util_wipe(c->text, strlen(c->text));
	free(c->text);
	free(c->error);
}

/* act_viewer_remote_fn: the server reads the desktop's graphics on its
 * host's worker and sends them whole (over the socket only); this
 * console's page shows them as its own reading. Blocks (the page's
 * thread). */
static int viewer_remote(const char *uuid, struct viewer *out, char **cause)
{
	struct captured cap = { NULL, NULL };
	struct cmd_face face = { .console = 1, .data = &cap, .say = capture_say };
	char json[] = "--json", end[] = "--", desktop[] = "desktop";
	char viewer[] = "viewer", *target = xstrdup(uuid);
	char *words[5] = { json, end, desktop, viewer, target };
	int status = 0, rc;

	rc = srv_client_request(attached_cfg, &face, attached_ro, PROTO_CMD,
	    words, 5, 0, &status, cause);
	free(target);
	if (rc == 1)
		*cause = xstrdup("desktop viewer: the server is gone");
	else if (rc == 0 && (status != 0 || cap.text == NULL))
		*cause = cap.error != NULL ? xstrdup(cap.error) :
		    xstrdup("desktop viewer: the server said nothing");
	else if (rc == 0)
		rc = act_viewer_from_json(cap.text, out, cause);
	captured_free(&cap);
	return rc == 0 ? 0 : -1;
}

int srv_attach_start(const struct config *cfg, int read_only, long *pid,
    char **cause)
{
	int rc;

	srv_client_set_console(1);
	rc = srv_mirror_start(cfg, read_only, pid, cause);
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
	log_msg(LOG_INFO, "attach: attached to the cluster's server (pid %ld)%s",
	    *pid, read_only ? ", read-only" : "");
	attached_cfg = cfg;
	attached_ro = read_only;
	cmd_set_remote(remote);
	act_viewer_set_remote(viewer_remote);
	return 0;
}

void srv_attach_stop(void)
{
	srv_client_set_console(0);
	act_viewer_set_remote(NULL);
	cmd_set_remote(NULL);
	cmd_relay_close();
	srv_mirror_stop();
}
