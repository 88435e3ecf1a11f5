/* srv-cmd.c — the server's commands: `server [--keep]` in the
 * foreground, `server start [--keep]` in the background (returning once
 * it listens), `server stop [--force]` and `server status`, the last two
 * as requests to the running one. */
#include "srv/srv-cmd.h"
#include "srv/proto.h"
#include "srv/server.h"
#include "srv/srv-client.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "core/log.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int exec_serve(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv; (void)cause;
	c->status = srv_serve(c->cfg, cmd_opt(c->opts, "keep") != NULL, -1);
	return 0;
}

/* The started server's side: no terminal (its session of its own), its
 * end of the pipe told once it listens. */
static int serve_detached(const struct cmd_ctx *c, int keep, int ready_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	log_set_stderr(0);
	return srv_serve(c->cfg, keep, ready_fd);
}

int srv_spawn(struct cmd_ctx *c, int keep, long *pid, char **cause)
{
	char buf[1024];
	ssize_t r, got = 0;
	int fds[2];
	pid_t child;

	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC) < 0 || (child = fork()) < 0) {
		*cause = xasprintf("server start: %s", strerror(errno));
		return -1;
	}
	if (child == 0) {
		close(fds[0]);
		c->status = serve_detached(c, keep, fds[1]);
		return 1;
	}
	close(fds[1]);
	while (got < (ssize_t)sizeof buf - 1 &&
	    ((r = read(fds[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0 ||
	    (r < 0 && errno == EINTR)))
		got += r > 0 ? r : 0;
	close(fds[0]);
	buf[got] = '\0';
	if (strcmp(buf, "ok\n") == 0) {
		*pid = (long)child;
		return 0;
	}
	/* what the server said, without the program name and the newline */
	buf[strcspn(buf, "\n")] = '\0';
	*cause = xstrdup(got > 0 ? (strncmp(buf, "hvdeck: ", 8) == 0 ?
	    buf + 8 : buf) : "server: ended before it listened");
	return -1;
}

static int exec_start(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	long pid;
	int rc;

	(void)e; (void)argc; (void)argv;
	rc = srv_spawn(c, cmd_opt(c->opts, "keep") != NULL, &pid, cause);
	if (rc == 0) {
		cmd_say(c, 0, "server started (pid %ld)", pid);
		c->status = 0;
	} else if (rc < 0) {
		c->status = 1;
	}
	return rc < 0 ? -1 : 0;
}

/* A request to the running server: its status, or 1 saying none runs. */
static int request(struct cmd_ctx *c, int type, char **f, int n, int wait_end,
    char **cause)
{
	int rc = srv_client_request(c->cfg, c->face, c->read_only, type, f, n,
	    wait_end, &c->status, cause);

	if (rc == 1) {
		*cause = xasprintf("no server runs for %s", c->cfg->path);
		c->status = 1;
		return -1;
	}
	if (rc < 0)
		c->status = 1;
	return rc;
}

static int exec_stop(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char force[2] = "0", *f[1] = { force };

	(void)e; (void)argc; (void)argv;
	if (cmd_opt(c->opts, "force") != NULL)
		force[0] = '1';
	return request(c, PROTO_STOP, f, 1, 1, cause);
}

static int exec_status(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv;
	return request(c, PROTO_STATUS, NULL, 0, 0, cause);
}

static int (*attach_console)(struct cmd_ctx *c);

void srv_cmd_set_attach(int (*console)(struct cmd_ctx *c))
{
	attach_console = console;
}

/* The console as the server's client: main.c's (it sits above the
 * console); no server is no console. */
static int exec_attach(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	int fd, rc;
	long pid;

	(void)e; (void)argc; (void)argv;
	c->status = 1;
	if ((rc = srv_client_connect(c->cfg, c->read_only, &fd, &pid,
	    cause)) == 1) {
		*cause = xasprintf("no server for %s; start one with hvdeck "
		    "server start", c->cfg->path);
		return -1;
	}
	if (rc < 0)
		return -1;
	close(fd);	/* it runs: the console subscribes on its own */
	if (attach_console == NULL) {
		*cause = xstrdup("attach: no console in this program");
		return -1;
	}
	c->status = attach_console(c);
	return 0;
}

#define SRV (CMD_CLI | CMD_LOCAL)

static const struct cmd_entry srv_commands[] = {
	{ "server", NULL, 0, 0, "[--keep]", SRV,
	  "run the cluster's server in the foreground: it holds the connections, "
	  "the model and the jobs, and runs the commands of shells that find it "
	  "(ends after server_idle seconds without clients or jobs, unless --keep)",
	  exec_serve, 0 },
	{ "server start", NULL, 0, 0, "[--keep]", SRV,
	  "start the cluster's server in the background; returns once it listens",
	  exec_start, 0 },
	{ "server stop", NULL, 0, 0, "[--force]", SRV,
	  "stop the cluster's server; asks first, naming them, when jobs run "
	  "(they are cancelled) unless --force", exec_stop, 0 },
	{ "server status", NULL, 0, 0, "", SRV | CMD_READ_ONLY_OK,
	  "the server's pid, socket, uptime, clients, hosts online and running jobs",
	  exec_status, 0 },
	{ "attach", NULL, 0, 0, "", SRV | CMD_READ_ONLY_OK,
	  "the console as a client of the cluster's running server: its model, "
	  "its jobs (they go on when the console quits)", exec_attach, 0 },
};

#undef SRV

void srv_cmd_register(void)
{
	cmd_register_table(srv_commands,
	    sizeof srv_commands / sizeof srv_commands[0]);
}
