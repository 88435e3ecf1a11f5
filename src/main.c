/* main.c — start-up order: options -> config -> subcommand (or console). */
#include "cli/cli.h"
#include "cmd/cmd.h"
#include "cli/cli-cmd.h"
#include "cli/cli-migrate.h"
#include "cmd/cmd-drain.h"
#include "cmd/cmd-disk-move.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-table.h"
#include "cmd/cmd-viewer.h"
#include "core/atomic-file.h"
#include "tui/ui-cmd.h"
#include "core/audit.h"
#include "core/config.h"
#include "act/engine.h"
#include "core/log.h"
#include "tui/ui.h"
#include "tui/wall.h"
#include "core/util.h"
#include "srv/srv.h"
#include "srv/srv-client.h"
#include "srv/srv-mirror.h"
#include "srv/srv-cmd.h"
#include "srv/srv-remote.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fputs(
"usage: hvdeck [OPTIONS] [COMMAND [ARGS]]\n"
"\n"
"A terminal console for clusters of KVM/libvirt hypervisors serving\n"
"virtual desktops.\n"
"\n"
"Without a command, hvdeck opens the console (press ? in it for keys).\n"
"\n"
"Commands:\n", out);
	cmd_print_cli_help(out);	/* from the command table */
	fputs(
"\n"
"Options:\n"
"  -c, --config FILE        configuration file (default\n"
"                           $XDG_CONFIG_HOME/hvdeck/hvdeck.conf)\n"
"  -H, --host [NAME=]URI    add a host for this run (repeatable)\n"
"  -r, --read-only          open every connection read-only (monitoring)\n"
"      --no-server          run the command or the console in this process,\n"
"                           never through the cluster's server (see hvdeck\n"
"                           server)\n"
"  -S, --socket PATH        the server's socket (default: one per\n"
"                           configuration file, in $XDG_RUNTIME_DIR/hvdeck)\n"
"      --theme NAME         colour theme (default, monochrome,\n"
"                           solarized-dark, high-contrast, or a user theme)\n"
"      --ascii              ASCII line drawing instead of UTF-8\n"
"  -t, --timeout SECONDS    dump: how long to wait for hosts\n"
"      --log FILE           write a log file\n"
"  -V, --version            print the version and exit\n"
"  -h, --help               print this help and exit\n"
"\n"
"See hvdeck(1).\n", out);
}

struct args {
	const char *config_path;
	const char **hosts;
	size_t nhosts;
	const char *log_file;
	struct cli_options cli;
	struct ui_options ui;
	struct cmd_opts opts;   /* the command's own options */
	int no_server;          /* --no-server */
};

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

enum { OPT_LOG = 256, OPT_JSON, OPT_STATS, OPT_THEME, OPT_ASCII,
	OPT_NO_SERVER };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "host", required_argument, NULL, 'H' },
	{ "read-only", no_argument, NULL, 'r' },
	{ "no-server", no_argument, NULL, OPT_NO_SERVER },
	{ "socket", required_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Options may stand before or after the command (`hvdeck dump --json`).
 * Returns -1 to exit 0 (help/version), 1 on a usage error, 0 to go on. */
static int parse_args(int *argcp, char **argv, struct args *a)
{
	int c, argc;
	size_t i, n = sizeof long_options / sizeof long_options[0] - 1;
	const char **globals = xcalloc(n + 1, sizeof *globals);
	char *cause = NULL;

	/* the options of commands (declared in the command table) come out
	 * first, so getopt sees only hvdeck's own */
	for (i = 0; i < n; i++)
		globals[i] = long_options[i].name;
	c = cmd_take_options(argcp, argv, NULL, globals, &a->opts, &cause);
	free(globals);
	if (c < 0) {
		fprintf(stderr, "hvdeck: %s\n", cause);
		free(cause);
		return 1;
	}
	argc = *argcp;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:H:rS:t:Vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': a->config_path = optarg; break;
		case 'H':
			a->hosts = xreallocarray(a->hosts, a->nhosts + 1, sizeof *a->hosts);
			a->hosts[a->nhosts++] = optarg;
			break;
		case 'r': a->cli.read_only = a->ui.read_only = 1; break;
		case OPT_NO_SERVER: a->no_server = 1; break;
		case 'S': srv_set_socket(optarg); break;
		case OPT_THEME: a->ui.theme = optarg; break;
		case OPT_ASCII: a->ui.ascii = 1; break;
		case 't':
			if (parse_int(optarg, CONFIG_TIMEOUT_MIN, CONFIG_TIMEOUT_MAX, &a->cli.timeout) < 0) {
				fprintf(stderr, "hvdeck: --timeout wants seconds from %d to %d, not '%s'\n",
				    CONFIG_TIMEOUT_MIN, CONFIG_TIMEOUT_MAX, optarg);
				return 1;
			}
			break;
		case OPT_LOG: a->log_file = optarg; break;
		case OPT_JSON: a->cli.json = 1; break;
		case OPT_STATS: a->cli.stats = 1; break;
		case 'V':
			printf("hvdeck %s\n", HVDECK_VERSION);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			fprintf(stderr, "hvdeck: option '%s' needs a value\n", argv[optind - 1]);
			return 1;
		default:
			fprintf(stderr, "hvdeck: unknown option '%s' (try --help)\n", argv[optind - 1]);
			return 1;
		}
	}
	return 0;
}

static int load_config(const struct args *a, struct config *cfg)
{
	char *path, *cause = NULL;
	size_t i;

	path = a->config_path != NULL ? xstrdup(a->config_path) : config_default_path();
	config_defaults(cfg, path);
	free(path);
	/* An explicit -c file must exist; the default one may not yet. */
	if (config_load(cfg, a->config_path == NULL, &cause) < 0) {
		fprintf(stderr, "hvdeck: %s\n", cause);
		free(cause);
		return -1;
	}
	for (i = 0; i < a->nhosts; i++) {
		if (config_add_cli_host(cfg, a->hosts[i], &cause) < 0) {
			fprintf(stderr, "hvdeck: -H %s: %s\n", a->hosts[i], cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

/* --json is hvdeck's own option (getopt took it): an entry of cmd/ that
 * declares it reads it from its options, as it does in the server. */
static void json_option(struct args *a, const struct cmd_entry *e)
{
	if (!a->cli.json || strstr(e->args, "--json") == NULL ||
	    cmd_opt(&a->opts, "json") != NULL || a->opts.n >= CMD_OPTS_MAX)
		return;
	snprintf(a->opts.v[a->opts.n].name, sizeof a->opts.v[0].name, "json");
	a->opts.v[a->opts.n++].value = "";
}

/* The command words after the options, checked against the command
 * table. Returns the entry, NULL for the console, or exits 2. */
static const struct cmd_entry *parse_command(int argc, char **argv,
    int *nargs, char ***args, int *bad)
{
	const struct cmd_entry *e;
	char *cause = NULL;

	*bad = 0;
	if (optind >= argc)
		return NULL;
	e = cmd_parse(argv + optind, argc - optind, CMD_CLI, nargs, args, &cause);
	if (e == NULL) {
		fprintf(stderr, "hvdeck: %s\n", cause);
		free(cause);
		*bad = 1;
	}
	return e;
}

/* The command's options, taken out of the words by parse_args, against
 * its table entry: 0, or -1 after saying why on stderr. */
static int check_command_options(const struct cmd_entry *command,
    const struct args *a)
{
	char *cause = NULL;

	if (a->opts.n == 0 || (command != NULL &&
	    cmd_check_options(command, &a->opts, &cause) == 0))
		return 0;
	if (command == NULL)
		fprintf(stderr, "hvdeck: option '--%s' belongs to a command "
		    "(try --help)\n", a->opts.v[0].name);
	else
		fprintf(stderr, "hvdeck: %s\n", cause);
	free(cause);
	return -1;
}

/* --json is hvdeck's own option (getopt took it, for watch and the
 * console's absence of a command): a command that takes it (dump, host
 * list, and every action command: cmd_opt_every) finds it among its
 * options, in-process as in a server. */
static void json_to_command(const struct cmd_entry *e, struct args *a)
{
	struct cmd_opts one = { .n = 1 };
	char *cause = NULL;

	snprintf(one.v[0].name, sizeof one.v[0].name, "json");
	one.v[0].value = "";
	if (!a->cli.json || e == NULL || cmd_opt(&a->opts, "json") != NULL ||
	    a->opts.n == CMD_OPTS_MAX || cmd_check_options(e, &one, &cause) < 0) {
		free(cause);
		return;
	}
	a->opts.v[a->opts.n++] = one.v[0];
}

/* Run one command of the command line: its exit status. */
static int run_command(struct cmd_ctx *ctx, const struct cmd_entry *command,
    int nargs, char **cargs)
{
	char *cause = NULL;

	if (cmd_exec_entry(ctx, command, nargs, cargs, &cause) == 0)
		return ctx->status;
	fprintf(stderr, "hvdeck: %s\n", cause);
	free(cause);
	return ctx->status != 0 ? ctx->status : 1;
}

/* The words a server re-parses: the command's options, "--", then the
 * command and its arguments. Caller frees the array (not the words). */
static char **server_words(const struct args *a, const struct cmd_entry *e,
    int argc, char **argv, int *n, char ***made)
{
	char **w = xcalloc((size_t)(a->opts.n + 2 + argc - optind), sizeof *w);
	const struct cmd_opt_spec *spec;
	int i, k = 0;

	*made = xcalloc((size_t)a->opts.n + 2, sizeof **made);
	/* --json is among a->opts (json_to_command): sent as any flag */
	for (i = 0; i < a->opts.n; i++) {
		spec = cmd_opt_spec(e->name, a->opts.v[i].name);
		(*made)[i] = spec != NULL && spec->type == CMD_OPT_FLAG ?
		    xasprintf("--%s", a->opts.v[i].name) :
		    xasprintf("--%s=%s", a->opts.v[i].name, a->opts.v[i].value);
		w[k++] = (*made)[i];
	}
	(*made)[a->opts.n] = xstrdup("--");
	w[k++] = (*made)[a->opts.n];
	for (i = optind; i < argc; i++)
		w[k++] = argv[i];
	*n = k;
	return w;
}

/* The command through the cluster's server when one runs: 1 when none
 * runs (run it here), else 0 with *status. */
static int through_server(const struct args *a, const struct config *cfg,
    struct cmd_ctx *ctx, const struct cmd_entry *e, int argc, char **argv,
    int *status)
{
	char **made, **w, *cause = NULL;
	int n, i, rc;

	w = server_words(a, e, argc, argv, &n, &made);
	/* Ctrl-C cancels a migration or a drain, as in-process (the job is the
	 * server's: a client killed or hung up cancels nothing) */
	srv_client_cancel_on_interrupt(e->exec == cli_migrate_exec ||
	    e->exec == cmd_drain_exec || e->exec == cmd_disk_move_exec);
	rc = srv_client_run(cfg, ctx->face, ctx->read_only, w, n, status, &cause);
	if (rc < 0) {
		fprintf(stderr, "hvdeck: %s\n", cause);
		free(cause);
		*status = 1;
	}
	for (i = 0; i <= a->opts.n + 1; i++)
		free(made[i]);
	free(made);
	free(w);
	return rc < 0 ? 0 : rc;
}

/* What a command printed on stdout while it ran in the server: fd is a
 * memory file standing in for stdout (the bytes never touch a disk).
 * Returns them (caller wipes and frees) and puts stdout back. */
static char *capture_end(int fd, int saved, size_t *len)
{
	off_t end;
	char *buf;

	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	end = lseek(fd, 0, SEEK_END);
	buf = xcalloc((size_t)(end > 0 ? end : 0) + 1, 1);
	*len = end > 0 && pread(fd, buf, (size_t)end, 0) == end ? (size_t)end : 0;
	close(fd);
	return buf;
}

/* desktop viewer --file PATH through the server: the server prints the
 * file (--file -) and this process — the operator's, in their directory
 * — writes it as PATH (0600, atomically), never the server. 1 when no
 * server runs, else 0 with *status. */
static int viewer_through_server(struct args *a, const struct config *cfg,
    struct cmd_ctx *ctx, const struct cmd_entry *e, int argc, char **argv,
    int *status)
{
	const char *path = NULL;
	char *vv, *cause = NULL, *said;
	size_t len;
	int i, k = -1, fd, saved, rc;

	for (i = 0; i < a->opts.n; i++)
		if (strcmp(a->opts.v[i].name, "file") == 0)
			path = a->opts.v[k = i].value;
	if (path == NULL || strcmp(path, "-") == 0)
		return through_server(a, cfg, ctx, e, argc, argv, status);
	fflush(stdout);
	if ((fd = memfd_create("hvdeck-vv", MFD_CLOEXEC)) < 0 ||
	    (saved = dup(STDOUT_FILENO)) < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "hvdeck: desktop viewer: %s\n", strerror(errno));
		*status = 1;
		return 0;
	}
	a->opts.v[k].value = "-";
	rc = through_server(a, cfg, ctx, e, argc, argv, status);
	a->opts.v[k].value = path;
	vv = capture_end(fd, saved, &len);
	if (rc == 0 && *status == 0) {
		if (atomic_file_write(path, vv, len, 0600, ATOMIC_FILE_REPLACE,
		    &cause) == 0) {
			said = cmd_viewer_wrote(path, vv);
			printf("%s\n", said);
			free(said);
		} else {
			fprintf(stderr, "hvdeck: %s\n", cause);
			free(cause);
			*status = 1;
		}
	}
	util_wipe(vv, len);
	free(vv);
	return rc;
}

/* The wall takes the jobs of the cluster's server from its mirror. */
static const struct wall_jobs_source wall_jobs = {
	srv_mirror_start_jobs, srv_mirror_running, srv_mirror_stop_jobs,
};

/* The console's options, for attach (set once main has parsed them). */
static struct ui_options *console_options;

/* The console attached to the cluster's server (`hvdeck attach`, or plain
 * `hvdeck` when one runs): the mirror instead of an engine. */
static int attached_console(struct cmd_ctx *c)
{
	log_set_stderr(0);	/* the console's screen is its own */
	console_options->face_init = ui_cmd_face_init;
	console_options->attach_start = srv_attach_start;
	console_options->attach_stop = srv_attach_stop;
	return ui_run(c->cfg, console_options);
}

/* Plain `hvdeck`: whether the cluster's server runs (attach to it); a
 * server that refuses this client is said and ends the run (-1). */
static int server_runs(const struct config *cfg, int read_only)
{
	char *cause = NULL;
	long pid;
	int fd, rc = srv_client_connect(cfg, read_only, &fd, &pid, &cause);

	if (rc == 0) {
		close(fd);
		return 1;
	}
	if (rc == 1)
		return 0;
	fprintf(stderr, "hvdeck: %s (hvdeck --no-server runs the console "
	    "on its own)\n", cause);
	free(cause);
	return -1;
}

/* How long a console waits for the server another console started at
 * the same time (it holds the lock) to listen. */
#define OTHER_SERVER_WAIT_MS 15000

/* After losing the race to start the server: 1 once the winner answers,
 * 0 when no server holds the lock any more or it did not answer in
 * time, -1 after saying why it cannot be reached. */
static int another_server_up(const struct config *cfg, int read_only)
{
	int64_t until = util_now_ms() + OTHER_SERVER_WAIT_MS;
	int runs;

	while ((runs = server_runs(cfg, read_only)) == 0 &&
	    srv_lock_held(cfg->path) && util_now_ms() < until)
		util_sleep_ms(50);
	return runs;
}

/* Plain `hvdeck` with no server running: start the cluster's server in
 * the background, as tmux starts its own, and attach to it (1); 0 when
 * another console started one first (attach to that); -1 after saying
 * why. In the started process itself: 2, its status in c->status. */
static int start_server(struct cmd_ctx *c)
{
	char *cause = NULL;
	long pid;
	int rc = srv_spawn(c, 0, &pid, &cause);

	if (rc == 1)
		return 2;
	if (rc == 0) {
		log_msg(LOG_INFO, "console: started the cluster's server "
		    "(pid %ld)", pid);
		return 1;
	}
	/* two consoles at once: the other's server took the lock, and
	 * answers once it listens */
	if (another_server_up(c->cfg, c->read_only) > 0) {
		free(cause);
		return 0;
	}
	fprintf(stderr, "hvdeck: %s (hvdeck --no-server runs the console on "
	    "its own)\n", cause);
	free(cause);
	return -1;
}

/* The console: attached to the cluster's server, started first when
 * none runs and server_autostart is set (read-only never starts one: it
 * runs in-process then), or in-process (no server, --no-server,
 * use_server false, -H). */
static int console(struct args *a, struct cmd_ctx *c)
{
	int runs, started;

	if (!a->no_server && c->cfg->use_server && a->nhosts == 0) {
		runs = server_runs(c->cfg, c->read_only);
		if (runs == 0 && !c->read_only && c->cfg->server_autostart) {
			started = start_server(c);
			if (started == 2)	/* this is the server: it has ended */
				return c->status;
			runs = started < 0 ? -1 : 1;
		}
		if (runs < 0)
			return 1;
		if (runs > 0)
			return attached_console(c);
	}
	a->ui.face_init = ui_cmd_face_init;
	return ui_run(c->cfg, &a->ui);
}

/* The log: --log, else the config's. 0, or -1 after saying why. */
static int open_log(const struct args *a, const struct config *cfg)
{
	char *cause = NULL;

	if (log_open(a->log_file != NULL ? a->log_file : cfg->log_file,
	    LOG_INFO, &cause) == 0)
		return 0;
	fprintf(stderr, "hvdeck: log: %s\n", cause);
	free(cause);
	return -1;
}

/* After the console or the command: audit, log and config closed. */
static int finish(int rc, struct config *cfg)
{
	/* a job thread left behind still gets its audit end line */
	cmd_audit_close_all("hvdeck exited before it ended");
	log_close();
	config_free(cfg);
	if (engine_left_behind() > 0) {
		/* a worker still connecting runs inside libvirt and libssh:
		 * their destructors must not run under it (exit() would) */
		fflush(NULL);
		_exit(rc);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct args a;
	struct config cfg;
	const struct cmd_entry *command;
	struct cmd_ctx ctx;
	struct cmd_face face;
	char **cargs = NULL;
	int rc, nargs = 0, bad;

	setlocale(LC_ALL, "");
	/* one table: the command line's and the console's entries too */
	cmd_commands_register();
	srv_cmd_register();
	srv_cmd_set_attach(attached_console);
	cli_cmd_register();
	ui_cmd_register();
	wall_cmd_register();
	memset(&a, 0, sizeof a);
	console_options = &a.ui;
	wall_set_options(&a.ui);
	wall_set_jobs_source(&wall_jobs);
	rc = parse_args(&argc, argv, &a);
	if (rc != 0) {
		free(a.hosts);
		return rc < 0 ? 0 : EXIT_USAGE;
	}
	command = parse_command(argc, argv, &nargs, &cargs, &bad);
	if (!bad)
		json_to_command(command, &a);
	if (bad || check_command_options(command, &a) < 0) {
		free(a.hosts);
		return EXIT_USAGE;
	}
	if (command != NULL && (command->flags & CMD_IMPLIES_READ_ONLY))
		a.cli.read_only = a.ui.read_only = 1;
	memset(&ctx, 0, sizeof ctx);
	cli_face_init(&face, &a.cli);
	ctx.face = &face;
	ctx.read_only = a.cli.read_only;
	ctx.opts = &a.opts;
	if (command != NULL && (command->flags & CMD_NO_CONFIG)) {
		free(a.hosts);
		return run_command(&ctx, command, nargs, cargs);
	}
	rc = load_config(&a, &cfg);
	free(a.hosts);
	if (rc < 0 || open_log(&a, &cfg) < 0) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	log_set_stderr(command != NULL);
	ctx.cfg = &cfg;
	/* read-only, hvdeck changes nothing: one audit line says so, for a
	 * console or a command that would otherwise have been logged (run
	 * here or refused by the server alike) */
	if (ctx.read_only && (command == NULL ||
	    !(command->flags & CMD_READ_ONLY_OK)))
		cmd_audit_read_only_session();
	/* with the cluster's server running, a command of cmd/ runs there
	 * (-H makes a cluster of this run's own: in-process) */
	if (srv_wanted(command) && !a.no_server && cfg.use_server &&
	    a.nhosts == 0 && (command->exec == cmd_viewer_exec ?
	    viewer_through_server(&a, &cfg, &ctx, command, argc, argv, &rc) :
	    through_server(&a, &cfg, &ctx, command, argc, argv, &rc)) == 0)
		return finish(rc, &cfg);
	/* else a crash never hides what it interrupted */
	if (!ctx.read_only)
		(void)audit_close_dead();
	if (command == NULL) {
		rc = console(&a, &ctx);
	} else {
		ctx.cfg = &cfg;
		json_option(&a, command);
		rc = run_command(&ctx, command, nargs, cargs);
	}
	return finish(rc, &cfg);
}
