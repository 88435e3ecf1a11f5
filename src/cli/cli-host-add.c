/* cli-host-add.c — the `host add` command, both ways in: the command line
 * runs the add and follows it on the terminal (steps printed as they
 * settle, the key question and the password asked on /dev/tty); the
 * console hands it to its add-host form (its face's form).
 *
 * The command line starts the engine for the configured hosts first, as
 * dump does, and waits for them within the connect timeout: the add
 * compares the new host's libvirt UUID with theirs and checks the paths
 * of their shared pools. A host that is offline then is named in a
 * warning: its UUID and pools could not be compared. */
#include "cli/cli.h"
#include "cli/cli-secret.h"
#include "act/act-host.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "act/engine.h"
#include "core/model.h"
#include "core/text.h"
#include "cmd/cmd-host-add.h"
#include "core/util.h"

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

static int follow(struct hostadd *ha, int tty)
{
	enum hostadd_state st;
	char *text = NULL;
	struct cli_checklist_seen seen = { NULL, 0 };
	uint64_t gen = 0;
	int status = 1;

	for (;;) {
		cli_checklist_print(hostadd_checklist(ha), &seen, stdout, stdout);
		st = hostadd_state(ha, &text);
		if (st == HOSTADD_ADDED || st == HOSTADD_FAILED)
			break;
		if (st == HOSTADD_NEED_KEY && tty >= 0) {
			ask_key(tty, ha, text);
		} else if (st == HOSTADD_NEED_KEY) {
			cli_say(stderr, 1, "hvdeck: unknown host %s: no terminal to "
			    "ask; pass --yes-fingerprint with the fingerprint "
			    "you expect", text);
			hostadd_key(ha, 0);
		} else if (st == HOSTADD_NEED_PASSWORD && tty >= 0) {
			ask_password(tty, ha, text);
		} else if (st == HOSTADD_NEED_PASSWORD) {
			cli_say(stderr, 1, "hvdeck: hvdeck's key was refused, and there "
			    "is no terminal to ask for a password");
			hostadd_password(ha, NULL);
		} else {
			gen = checklist_wait(hostadd_checklist(ha), gen, 200);
		}
		free(text);
		text = NULL;
	}
	cli_checklist_print(hostadd_checklist(ha), &seen, stdout, stdout);
	if (st == HOSTADD_ADDED)
		status = 0;
	else
		cli_say(stderr, 1, "hvdeck: %s", text != NULL ? text : "failed");
	free(text);
	cli_checklist_seen_free(&seen);
	return status;
}

static int cli_run(struct cmd_ctx *c, const struct hostadd_req *req,
    char **cause)
{
	struct hostadd_req r = *req;
	struct hostadd *ha;
	unsigned job;
	int tty = -1, timeout;

	timeout = cli_options_of(c)->timeout > 0 ? cli_options_of(c)->timeout :
	    c->cfg->connect_timeout;
	r.config_path = c->cfg->path;
	r.timeout_s = timeout;
	r.stats_interval = c->cfg->stats_interval;
	r.start_in_engine = 0;
	if (hostadd_new(&r, &ha, cause) < 0) {
		c->status = EXIT_BAD_USAGE;
		return -1;
	}
	if (engine_start(c->cfg, 0) < 0) {
		hostadd_free(ha);
		c->status = 1;
		return 0;
	}
	cli_wait_settled(timeout);
	note_offline(ha);
	if (isatty(STDIN_FILENO))
		tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (hostadd_start(ha, &job, cause) < 0) {
		c->status = 1;
	} else {
		c->status = follow(ha, tty);
		if (c->status == 0)
			cli_say(stdout, 1, "host %s added to %s", r.name, r.config_path);
	}
	if (tty >= 0)
		close(tty);
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
