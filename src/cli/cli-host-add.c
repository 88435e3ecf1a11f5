/* cli-host-add.c — the `host add` command, both ways in: the command line
 * runs the add and follows it on the terminal (steps printed as they
 * settle, the key question and the password asked on /dev/tty); the
 * console hands it to its add-host form (its face's form).
 *
 * The command line starts the engine for the configured hosts first, as
 * dump does, and waits for them within the connect timeout: the add
 * compares the new host's libvirt UUID with theirs and checks the paths
 * of their shared pools. A host that is offline then is named in a
 * warning: its UUID and pools could not be compared.
 *
 * With the cluster's server running, the add runs there (its engine is
 * up): the questions go to the client's terminal through the face (the
 * password as a secret), its lines through cli_out. An attached
 * console's add-host form follows the job the add runs as (its steps
 * come as the job's own line, srv-hostadd.h): the steps are not printed
 * to it, and a question it declined (Esc) cancels the add. */
#include "cli/cli.h"
#include "cli/cli-secret.h"
#include "act/act-host.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "act/engine.h"
#include "core/job.h"
#include "core/model.h"
#include "core/text.h"
#include "cmd/cmd-host-add.h"
#include "core/util.h"
#include "srv/srv-peer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_BAD_USAGE 2
#define PASSWORD_MAX 512

/* ---- the terminal ---- */

static void tty_write(int fd, const char *s)
{
	char *vis = text_visible(s);
	size_t len = strlen(vis), off = 0;
	ssize_t w;

	while (off < len && ((w = write(fd, vis + off, len - off)) > 0 ||
	    (w < 0 && errno == EINTR)))
		off += w > 0 ? (size_t)w : 0;
	free(vis);
}

static int ask_key(int tty, struct hostadd *ha, const char *key)
{
	char line[16];
	int yes;

	tty_write(tty, "Accept ");
	tty_write(tty, key);
	tty_write(tty, "? Type yes: ");
	yes = cli_secret_read_line(tty, line, sizeof line) >= 0 &&
	    strcmp(line, "yes") == 0;
	hostadd_key(ha, yes);
	return yes;
}

/* The password with echo off, straight from /dev/tty into the add (which
 * copies it) and wiped here. */
static void ask_password(int tty, struct hostadd *ha, const char *question)
{
	char pw[PASSWORD_MAX];
	ssize_t n;

	tty_write(tty, question);
	tty_write(tty, " ");
	n = cli_secret_read(tty, pw, sizeof pw);
	tty_write(tty, "\n");
	hostadd_password(ha, n > 0 ? pw : NULL);
	explicit_bzero(pw, sizeof pw);
}

/* Hosts the engine could not reach: the add cannot compare with them. */
static void note_offline(struct hostadd *ha)
{
	struct m_host **hosts;
	size_t n, i;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (!hosts[i]->inventory_done)
			checklist_note(hostadd_checklist(ha), CHECK_WARN,
			    "cluster", "host %s is not online: its libvirt "
			    "UUID and pools are not compared", hosts[i]->name);
	model_unlock();
}

/* Who answers the add's questions: the terminal in-process (tty, -1:
 * none), or, in the server, the client's (srv_peer_ask: the key as a
 * line, the password as a secret, each wiped once given). */
struct asker {
	int tty;
	struct srv_peer *peer;          /* non-NULL: in the server */
};

/* The client's answer to a question of peer's: -2, the operator
 * declined, cancels the add (as Esc in the console's own form); the
 * caller then answers no, which the cancel outranks, so that the state
 * leaves the question at once. */
static int peer_declined(struct hostadd *ha, int rc)
{
	char *cause = NULL;

	if (rc != -2)
		return 0;
	/* the job's cancel, so that it ends cancelled as the console's own
	 * Esc ends it; the add's own at once, before the no below */
	if (job_cancel(hostadd_job(ha), &cause) < 0)
		free(cause);
	hostadd_cancel(ha);
	return 1;
}

/* The key question: 1 asked (and answered), 0 nobody to ask. */
static int key_asked(const struct asker *a, struct hostadd *ha,
    const char *key)
{
	char *q, line[16];
	int rc;

	if (a->peer == NULL) {
		if (a->tty < 0)
			return 0;
		ask_key(a->tty, ha, key);
		return 1;
	}
	q = xasprintf("Accept %s? Type yes: ", key);
	rc = srv_peer_ask(a->peer, q, SRV_ASK_STDIN_TTY, line, sizeof line);
	free(q);
	if (rc == -1)
		return 0;
	(void)peer_declined(ha, rc);
	hostadd_key(ha, rc == 0 && strcmp(line, "yes") == 0);
	return 1;
}

/* The password question: 1 asked, 0 nobody to ask. */
static int password_asked(const struct asker *a, struct hostadd *ha,
    const char *question)
{
	char pw[PASSWORD_MAX];
	int rc;

	if (a->peer == NULL) {
		if (a->tty < 0)
			return 0;
		ask_password(a->tty, ha, question);
		return 1;
	}
	rc = srv_peer_ask(a->peer, question, SRV_ASK_SECRET, pw, sizeof pw);
	(void)peer_declined(ha, rc);
	hostadd_password(ha, rc == 0 ? pw : NULL);
	explicit_bzero(pw, sizeof pw);
	return 1;
}

/* The host takes no passwords: the operator installs hvdeck's key and
 * presses Enter (or types no). 1 asked, 0 nobody to ask. */
static int install_asked(const struct asker *a, struct hostadd *ha,
    const char *question)
{
	char *q = xasprintf("%s\n[Enter once installed, no to give up] ",
	    question), line[16] = "";
	int rc = 0, got;

	if (a->peer != NULL) {
		got = srv_peer_ask(a->peer, q, SRV_ASK_STDIN_TTY, line,
		    sizeof line);
		rc = got != -1;
		if (peer_declined(ha, got))	/* then its no below */
			snprintf(line, sizeof line, "no");
	} else if (a->tty >= 0) {
		tty_write(a->tty, q);
		rc = cli_secret_read_line(a->tty, line, sizeof line) >= 0;
	}
	free(q);
	if (rc)
		hostadd_key(ha, strcmp(line, "no") != 0);
	return rc;
}

/* The steps settled since the last call, printed (not to a console:
 * its form shows them). */
static void print_steps(struct hostadd *ha, const struct asker *a,
    struct cli_checklist_seen *seen, struct cli_out *o)
{
	if (a->peer != NULL && a->peer->console)
		return;
	cli_checklist_print(hostadd_checklist(ha), seen, o->out, o->out);
	cli_out_flush(o);
}

static int follow(struct hostadd *ha, const struct asker *a,
    struct cli_out *o)
{
	enum hostadd_state st;
	char *text = NULL;
	struct cli_checklist_seen seen = { NULL, 0 };
	uint64_t gen = 0;
	int status = 1;

	for (;;) {
		print_steps(ha, a, &seen, o);
		st = hostadd_state(ha, &text);
		if (st == HOSTADD_ADDED || st == HOSTADD_FAILED)
			break;
		if (st == HOSTADD_NEED_KEY && !key_asked(a, ha, text)) {
			cli_say(o->err, 1, "hvdeck: unknown host %s: no terminal to "
			    "ask; pass --yes-fingerprint with the fingerprint "
			    "you expect", text);
			hostadd_key(ha, 0);
		} else if (st == HOSTADD_NEED_PASSWORD &&
		    !password_asked(a, ha, text)) {
			cli_say(o->err, 1, "hvdeck: hvdeck's key was refused, and there "
			    "is no terminal to ask for a password");
			hostadd_password(ha, NULL);
		} else if (st == HOSTADD_NEED_INSTALL &&
		    !install_asked(a, ha, text)) {
			cli_say(o->err, 1, "hvdeck: %s — no terminal to wait on: "
			    "install it, then run host add again", text);
			hostadd_key(ha, 0);
		} else if (st != HOSTADD_NEED_KEY && st != HOSTADD_NEED_PASSWORD &&
		    st != HOSTADD_NEED_INSTALL) {
			gen = checklist_wait(hostadd_checklist(ha), gen, 200);
		}
		free(text);
		text = NULL;
	}
	print_steps(ha, a, &seen, o);
	if (st == HOSTADD_ADDED)
		status = 0;
	else
		cli_say(o->err, 1, "hvdeck: %s", text != NULL ? text : "failed");
	free(text);
	cli_checklist_seen_free(&seen);
	return status;
}

/* The add, its engine up (and, in-process, the terminal open). */
static void add(struct cmd_ctx *c, struct hostadd *ha, const char *name,
    const struct asker *a, struct cli_out *o, char **cause)
{
	unsigned job;

	note_offline(ha);
	if (hostadd_start(ha, &job, cause) < 0) {
		c->status = 1;
		return;
	}
	cmd_follow(c, job);	/* an attached console's form takes it */
	c->status = follow(ha, a, o);
	if (c->status == 0)
		cli_say(o->out, 1, "host %s added to %s", name, c->cfg->path);
	cli_out_flush(o);
}

/* In the server for a client: its engine runs; the host, saved to the
 * configuration, reaches it by the file (srv-reload.h), once. */
static int served(struct cmd_ctx *c, struct hostadd_req *r,
    struct cli_out *o, char **cause)
{
	struct asker a = { -1, o->peer };
	struct hostadd *ha;

	r->timeout_s = c->cfg->connect_timeout;
	if (hostadd_new(r, &ha, cause) < 0) {
		c->status = EXIT_BAD_USAGE;
		return -1;
	}
	(void)cmd_engine_up(c);
	add(c, ha, r->name, &a, o, cause);
	hostadd_free(ha);
	cli_out_close(o);
	return c->status == 1 && *cause != NULL ? -1 : 0;
}

static int cli_run(struct cmd_ctx *c, const struct hostadd_req *req,
    char **cause)
{
	struct hostadd_req r = *req;
	struct asker a = { -1, NULL };
	struct hostadd *ha;
	struct cli_out o;

	r.config_path = c->cfg->path;
	r.stats_interval = c->cfg->stats_interval;
	r.start_in_engine = 0;
	cli_out_open(&o, c);
	cli_out_results_only(&o, c);
	if (o.peer != NULL)
		return served(c, &r, &o, cause);
	r.timeout_s = cli_options_of(c)->timeout > 0 ?
	    cli_options_of(c)->timeout : c->cfg->connect_timeout;
	if (hostadd_new(&r, &ha, cause) < 0) {
		c->status = EXIT_BAD_USAGE;
		return -1;
	}
	if (engine_start(c->cfg, 0) < 0) {
		hostadd_free(ha);
		c->status = 1;
		return 0;
	}
	engine_wait_settled(r.timeout_s);
	if (isatty(STDIN_FILENO))
		a.tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	add(c, ha, r.name, &a, &o, cause);
	if (a.tty >= 0)
		close(a.tty);
	hostadd_free(ha);
	engine_stop();
	return c->status == 1 && *cause != NULL ? -1 : 0;
}

int cli_host_add_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct hostadd_req r;

	if (cmd_in_console(c))	/* the console follows it in a form */
		return cmd_form(c, e, argc, argv, cause);
	if (argc != 2) {
		char *usage = cmd_usage(e);

		*cause = xasprintf("%s: needs NAME and ADDRESS (%s)", e->name,
		    usage);
		free(usage);
		c->status = EXIT_BAD_USAGE;
		return -1;
	}
	if (cmd_host_add_request(c, e, argv, &r, cause) < 0) {
		c->status = EXIT_BAD_USAGE;
		return -1;
	}
	return cli_run(c, &r, cause);
}
