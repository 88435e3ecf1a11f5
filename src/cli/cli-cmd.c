/* cli-cmd.c — the command line's entries of the command table and its
 * face: what a command says goes to stdout (errors to stderr, prefixed
 * like every other message of hvdeck's), its questions to /dev/tty. */
#include "cli/cli-cmd.h"
#include "cli/cli-host-key.h"
#include "cli/cli-host-list.h"
#include "cli/cli-cpu-fit.h"
#include "cli/cli-migrate.h"
#include "cli/cli-secret.h"
#include "cli/cli.h"
#include "act/engine.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "core/util.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void face_say(const struct cmd_face *f, int error, const char *text)
{
	(void)f;
	if (error)
		cli_say(stderr, 1, "hvdeck: %s", text);
	else
		cli_say(stdout, 1, "%s", text);
}

/* The terminal answers at once: yes runs before the command returns. */
static int face_confirm(const struct cmd_face *f, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	if (cli_confirm(question, what, cause) < 0)
		return -1;
	if (yes != NULL)	/* NULL: the answer is all the command needs */
		yes(f, arg);
	return 0;
}

/* Read the operator's answer from the terminal itself (never stdin: the
 * answer must come from a person). Returns -1 without a terminal. */
static int face_ask(const struct cmd_face *f, const char *prompt, char *buf,
    size_t len)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;
	char ch;

	(void)f;
	if (fd == -1)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return -1;
	}
	while ((r = read(fd, &ch, 1)) == 1 && ch != '\n')
		if (n + 1 < len)
			buf[n++] = ch;
	close(fd);
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return r < 0 ? -1 : 0;
}

/* A password from the terminal itself with echo off (cli-secret.h), as
 * host add asks it in-process: only when hvdeck was run from one. */
static int face_ask_secret(const struct cmd_face *f, const char *prompt,
    char *buf, size_t len)
{
	int fd;
	ssize_t n = -1;

	(void)f;
	if (!isatty(STDIN_FILENO) ||
	    (fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return -1;
	if (write(fd, prompt, strlen(prompt)) >= 0 && write(fd, " ", 1) >= 0) {
		n = cli_secret_read(fd, buf, len);
		(void)!write(fd, "\n", 1);
	}
	close(fd);
	return n > 0 ? 0 : -1;
}

/* The command line's engine for one command, as dump's. */
static int face_engine_up(const struct cmd_face *f, const struct cmd_ctx *c)
{
	const struct cli_options *o = f->data;

	if (engine_start(c->cfg, c->read_only) < 0)
		return -1;
	cli_wait_settled(o, c->cfg);
	return 0;
}

static void face_engine_down(const struct cmd_face *f)
{
	(void)f;
	fflush(stdout);
	engine_stop();
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The first question installs the handlers: until a long command asks,
 * Ctrl-C ends hvdeck as it always did. */
static int face_interrupted(const struct cmd_face *f)
{
	static int installed;
	struct sigaction sa;

	(void)f;
	if (!installed) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_interrupt;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		installed = 1;
	}
	return interrupted;
}

void cli_face_init(struct cmd_face *f, struct cli_options *o)
{
	memset(f, 0, sizeof *f);
	f->data = o;
	f->engine_up = face_engine_up;
	f->engine_down = face_engine_down;
	f->say = face_say;
	f->ask = face_ask;
	f->ask_secret = face_ask_secret;
	f->confirm = face_confirm;
	f->interrupted = face_interrupted;
}

static int exec_dump(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct cli_out o;

	(void)e; (void)argc; (void)argv; (void)cause;
	cli_out_open(&o, c);
	if (o.peer == NULL) {
		c->status = cli_dump(c->cfg, cli_options_of(c));
		return 0;
	}
	/* in the server, for a client */
	c->status = cli_dump_warm(c, &o, cmd_opt(c->opts, "json") != NULL);
	cli_out_close(&o);
	return 0;
}

static int exec_watch(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv; (void)cause;
	c->status = cli_watch(c->cfg, cli_options_of(c));
	return 0;
}

#define RO CMD_READ_ONLY_OK
/* each prints or asks on the terminal itself: never through a server */
#define CLI (CMD_CLI | CMD_LOCAL)
/* printed by the server for a client when one runs (cli_out) */
#define SERVED CMD_CLI

static const struct cmd_entry cli_commands[] = {
	{ "dump", NULL, 0, 0, "[--json]", SERVED | RO,
	  "connect to every host, print the inventory, exit (status 1 if a host was unreachable)",
	  exec_dump, 0 },
	{ "watch", NULL, 0, 0, "[--json] [--stats]", CLI | RO,
	  "follow the cluster until interrupted: one line per event, or with --json one JSON line per model change",
	  exec_watch, 0 },
	{ "host list", NULL, 0, 0, "[--json]", SERVED | RO,
	  "the configured hosts: name, role, maintenance, state (connecting like dump) and URI",
	  cli_host_list_exec, 0 },
	{ "desktop cpu-fit", NULL, 0, 1, "[NAME] [--json]", SERVED | RO,
	  "which hypervisors can run each desktop's CPU (libvirt's CPU comparison on every host); with NAME, every host's answer and reason",
	  cli_cpu_fit_exec, 0 },
	/* not read-only-safe: the key is made on first need */
	{ "host key", NULL, 0, 0, "", CLI,
	  "print hvdeck's public key (made on first need) and, as a # line, the file it is in: install it in a host's authorized_keys", cli_host_key_exec, 0 },
	{ "migrate", NULL, 1, 4096, "DESKTOP... [DEST_HOST] [--place] [--bandwidth MiB/s] "
	  "[--max-downtime MS] [--auto-converge] [--postcopy] [--compress] "
	  "[--copy-storage] [--to-pool POOL] [--unsafe] [--no-persist]", SERVED,
	  "live-migrate a running desktop (name or UUID) to DEST_HOST after a "
	  "pre-flight; prints progress, exit 0 when it arrived, 1 with libvirt's "
	  "message; Ctrl-C cancels (it keeps running on the source); several "
	  "names and one range (class-{01..05}) migrate at once, to DEST_HOST "
	  "or, without it (or with --place), each to the host placement picks",
	  cli_migrate_exec, 0 },
	{ "host add", NULL, 2, 2, "NAME ADDRESS [--port N] [--user USER] "
	  "[--role hypervisor|disk|mixed] [--yes-fingerprint SHA256:...]",
	  SERVED | CMD_LINE,
	  "add a hypervisor over SSH: accept its host key, install hvdeck's key "
	  "(a password, once), pre-flight, then save it (exit 1 if refused)",
	  cli_host_add_exec, 0 },
};

#undef CLI
#undef SERVED

void cli_cmd_register(void)
{
	cmd_register_table(cli_commands,
	    sizeof cli_commands / sizeof cli_commands[0]);
}
