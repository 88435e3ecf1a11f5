/* srv-client.c — the command line as a client of its cluster's server
 * (srv.h): connect, HELLO, one request, then whatever the server's
 * command says or asks goes through the command line's own face until
 * its EXIT. */
#include "srv/srv-client.h"
#include "srv/proto.h"
#include "srv/srv.h"
#include "cmd/cmd-face.h"
#include "core/util.h"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define HELLO_TIMEOUT_MS 10000
/* server stop: how long its end (the socket closing) is waited for */
#define STOP_WAIT_MS 20000
/* how often a client that cancels on Ctrl-C looks at its flag */
#define INTERRUPT_TICK_MS 200

static int cancel_on_interrupt;
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

void srv_client_cancel_on_interrupt(int on)
{
	cancel_on_interrupt = on;
}

/* Connect to path: the fd, -2 when no server listens there (no socket,
 * or a stale one), -1 with *cause. */
static int connect_to(const char *path, char **cause)
{
	struct sockaddr_un sa;
	int fd;

	if (srv_sockaddr(path, &sa, cause) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*cause = xasprintf("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		return fd;
	close(fd);
	if (errno == ENOENT || errno == ECONNREFUSED)
		return -2;
	*cause = xasprintf("server socket %s: %s", path, strerror(errno));
	return -1;
}

/* This process is an attached console (srv_client_set_console); read by
 * the console's request threads. */
static atomic_int console_client;

void srv_client_set_console(int on)
{
	atomic_store(&console_client, on);
}

static char *my_login(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw != NULL ? xstrdup(pw->pw_name) :
	    xasprintf("%lu", (unsigned long)getuid());
}

/* HELLO and its answer: 0 with *pid (the server's), -1 with *cause. */
static int hello(int fd, int read_only, long *pid, char **cause)
{
	const char *ssh = getenv("SSH_CONNECTION");
	char ver[16], *user = my_login(), *from, *sent = NULL;
	const char *f[7];
	struct proto_msg m;
	int rc = -1;

	snprintf(ver, sizeof ver, "%d", PROTO_VERSION);
	from = ssh != NULL ? xstrndup(ssh, strcspn(ssh, " ")) : xstrdup("");
	f[0] = PROTO_MAGIC; f[1] = ver; f[2] = HVDECK_VERSION;
	f[3] = read_only ? "1" : "0"; f[4] = user; f[5] = from;
	f[6] = atomic_load(&console_client) ? "1" : "0";
	/* a server that refuses us at once may have closed before it read
	 * our HELLO: its REFUSE is read all the same */
	if (proto_send(fd, PROTO_HELLO, f, 7, HELLO_TIMEOUT_MS, &sent) < 0)
		(void)shutdown(fd, SHUT_WR);
	if (proto_recv(fd, &m, HELLO_TIMEOUT_MS, cause) < 0 && sent != NULL) {
		free(*cause);
		*cause = sent;
		sent = NULL;
	} else if (*cause == NULL) {
		if (m.type == PROTO_REFUSE)
			*cause = xasprintf("the server refused this client: %s",
			    m.n > 0 ? m.f[0] : "no reason given");
		else if (m.type != PROTO_HELLO_OK)
			*cause = xstrdup("the server did not answer HELLO");
		else if (proto_check_hello(&m, cause) == 0 && m.n >= 4) {
			*pid = strtol(m.f[3], NULL, 10);
			rc = 0;
		} else if (*cause == NULL)
			*cause = xstrdup("the server's HELLO is short");
		proto_msg_free(&m);
	}
	free(sent);
	free(user);
	free(from);
	return rc;
}

/* ASK's line through face, read as its how says (proto.h): 0; -2 when
 * the operator declined; -1 when nobody can answer. */
static int ask(const struct cmd_face *face, const struct proto_msg *m,
    char *line, size_t len)
{
	const char *how = m->n >= 2 ? m->f[1] : "0";

	if (strcmp(how, "0") != 0 && !isatty(STDIN_FILENO))
		return -1;	/* as in-process: no terminal, nobody to ask */
	if (strcmp(how, "1") == 0)
		return face->ask_secret != NULL ?
		    face->ask_secret(face, m->f[0], line, len) : -1;
	return face->ask != NULL ? face->ask(face, m->f[0], line, len) : -1;
}

/* A question of the server's, answered through face. */
static int answer(int fd, const struct cmd_face *face,
    const struct proto_msg *m, char **cause)
{
	char line[1024] = "", *why = NULL;
	const char *f[2] = { "y", line };
	int rc, said_no, asked = -1;

	if (m->type == PROTO_CONFIRM && m->n >= 2) {
		if (cmd_face_confirm(face, m->f[0], m->f[1], NULL, NULL, &why,
		    &said_no) < 0) {
			f[0] = said_no ? "n" : "x";
			f[1] = why;
		}
	} else if (m->n >= 1 && (asked = ask(face, m, line, sizeof line)) == 0) {
		f[1] = line;
	} else if (asked == -2) {
		f[0] = "n";
		f[1] = "declined";
	} else {
		f[0] = "x";
		f[1] = "nobody to ask";
	}
	rc = proto_send(fd, PROTO_ANSWER, f, 2, HELLO_TIMEOUT_MS, cause);
	explicit_bzero(line, sizeof line);	/* a password, a fingerprint */
	free(why);
	return rc;
}

/* OUT: written as the command writes it in-process; a console's face
 * (an attached console: the terminal is the screen's) says each line. */
static void out(const struct cmd_face *face, const struct proto_msg *m)
{
	FILE *f = strcmp(m->f[0], "2") == 0 ? stderr : stdout;
	char *text, *line, *save = NULL;
	size_t len;

	if (!face->console) {
		fputs(m->f[1], f);
		fflush(f);
		return;
	}
	len = strlen(m->f[1]);
	text = xstrdup(m->f[1]);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		face->say(face, f == stderr, line);
	util_wipe(text, len);	/* a viewer's password */
	free(text);
}

/* Wait until fd is readable; on the way, a Ctrl-C is sent as CANCEL
 * (once) when the client cancels on interrupt. 0, or -1 with *cause. */
static int wait_readable(int fd, int *cancelled, char **cause)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	while (cancel_on_interrupt) {
		if (interrupted && !*cancelled) {
			*cancelled = 1;
			if (proto_send(fd, PROTO_CANCEL, NULL, 0, HELLO_TIMEOUT_MS,
			    cause) < 0)
				return -1;
		}
		if (poll(&pfd, 1, INTERRUPT_TICK_MS) > 0)
			break;
	}
	return 0;
}

/* Until EXIT: what the server says and asks, through face. 0 with
 * *status, -1 with *cause. */
static int follow(int fd, const struct cmd_face *face, long pid, int *status,
    char **cause)
{
	struct proto_msg m;
	char *why = NULL;
	int cancelled = 0;

	for (;;) {
		if (wait_readable(fd, &cancelled, cause) < 0)
			return -1;
		if (proto_recv(fd, &m, -1, &why) < 0) {
			*cause = xasprintf("the server (pid %ld) went away: %s; its "
			    "jobs are its own (hvdeck server status)", pid, why);
			free(why);
			return -1;
		}
		if (m.type == PROTO_EXIT && m.n >= 1) {
			*status = (int)strtol(m.f[0], NULL, 10);
			proto_msg_free(&m);
			return 0;
		}
		if (m.type == PROTO_SAY && m.n >= 2)
			face->say(face, strcmp(m.f[0], "0") != 0, m.f[1]);
		else if (m.type == PROTO_OUT && m.n >= 2)
			out(face, &m);
		else if (m.type == PROTO_FOLLOW && m.n >= 1 &&
		    face->follow_job != NULL)
			face->follow_job(face, (unsigned)strtoul(m.f[0], NULL, 10));
		else if (m.type == PROTO_FORGET && m.n >= 1 &&
		    face->forget_job != NULL)
			face->forget_job(face, (unsigned)strtoul(m.f[0], NULL, 10));
		else if ((m.type == PROTO_CONFIRM || m.type == PROTO_ASK) &&
		    answer(fd, face, &m, cause) < 0) {
			proto_msg_free(&m);
			return -1;
		}
		proto_msg_free(&m);
	}
}

int srv_client_connect(const struct config *cfg, int read_only, int *fd,
    long *pid, char **cause)
{
	struct srv_paths p;
	char *why = NULL;
	int again = -1, rc = -1;

	if (srv_paths(cfg->path, 0, &p, cause) < 0)
		return -1;
	*fd = connect_to(p.socket, cause);
	if (*fd < 0) {
		srv_paths_free(&p);
		return *fd == -2 ? 1 : -1;
	}
	if (hello(*fd, read_only, pid, cause) == 0)
		rc = 0;
	else if ((again = connect_to(p.socket, &why)) == -2) {
		/* a server dying as we connected (its socket closed with our
		 * connection in its queue): none runs now */
		free(*cause);
		*cause = NULL;
		rc = 1;
	}
	if (again >= 0)
		close(again);
	free(why);
	srv_paths_free(&p);
	if (rc != 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int srv_client_request(const struct config *cfg, const struct cmd_face *face,
    int read_only, int type, char **f, int n, int wait_end, int *status,
    char **cause)
{
	struct proto_msg m;
	char *why = NULL;
	long pid = 0;
	int fd, rc;

	if ((rc = srv_client_connect(cfg, read_only, &fd, &pid, cause)) != 0)
		return rc;
	rc = -1;
	if (proto_send(fd, type, (const char *const *)f, n, HELLO_TIMEOUT_MS,
	    cause) == 0 && follow(fd, face, pid, status, cause) == 0) {
		rc = 0;
		/* server stop: returns once the server is gone (its end) */
		if (wait_end && *status == 0 &&
		    proto_recv(fd, &m, STOP_WAIT_MS, &why) == 0)
			proto_msg_free(&m);
		free(why);
	}
	close(fd);
	return rc;
}

int srv_client_run(const struct config *cfg, const struct cmd_face *face,
    int read_only, char **words, int n, int *status, char **cause)
{
	struct sigaction sa, old_int, old_term;
	int rc;

	if (!cancel_on_interrupt)
		return srv_client_request(cfg, face, read_only, PROTO_CMD, words,
		    n, 0, status, cause);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;	/* no SA_RESTART: poll wakes */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = srv_client_request(cfg, face, read_only, PROTO_CMD, words, n, 0,
	    status, cause);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
