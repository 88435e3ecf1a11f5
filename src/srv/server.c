/* server.c — `hvdeck server`: the lock that makes it the cluster's only
 * one, the socket, the engine, a thread per client, and the end: stopped,
 * or idle (no client, no running job) for server_idle seconds. */
#include "srv/server.h"
#include "srv/srv.h"
#include "srv/proto.h"
#include "srv/srv-peer.h"
#include "srv/srv-reload.h"
#include "srv/srv-sub.h"
#include "act/engine.h"
#include "cmd/cmd-audit.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* How long a client has to say HELLO and its request. */
#define HELLO_TIMEOUT_MS 10000
/* How long a stopping server waits for its clients' threads. */
#define STOP_WAIT_MS 3000

static struct {
	const struct config *cfg;
	struct srv_paths paths;
	int64_t started_ms;
	atomic_int clients;
	atomic_int stop;
	int wake[2];            /* a stop wakes the accept loop */
} S;

static void wake_loop(void)
{
	ssize_t w = write(S.wake[1], "x", 1);

	(void)w;	/* a full pipe is awake already */
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&S.stop, 1);
	wake_loop();
}

/* ---- the lock and the socket ---- */

/* The pid written in a held lock file, 0 if unreadable. */
static long lock_pid(int fd)
{
	char buf[32];
	ssize_t r = pread(fd, buf, sizeof buf - 1, 0);

	if (r <= 0)
		return 0;
	buf[r] = '\0';
	return strtol(buf, NULL, 10);
}

/* Hold the cluster's lock for the process's life: its fd, or -1 with
 * *cause naming the server that holds it. */
static int take_lock(const struct srv_paths *p, char **cause)
{
	char pid[32];
	int fd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0) {
		*cause = xasprintf("%s: %s", p->lock, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*cause = xasprintf("a server for %s runs already (pid %ld, "
		    "socket %s)", p->key, lock_pid(fd), p->socket);
		close(fd);
		return -1;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		log_msg(LOG_WARN, "server: %s: %s", p->lock, strerror(errno));
	return fd;
}

/* Listen on the socket (a stale one, whose server is gone since we hold
 * the lock, replaced): its fd, or -1 with *cause. */
static int listen_on(const char *path, char **cause)
{
	struct sockaddr_un sa;
	int fd;

	if (srv_sockaddr(path, &sa, cause) < 0)
		return -1;
	if (unlink(path) == 0)
		log_msg(LOG_INFO, "server: replaced the stale socket %s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
		*cause = xasprintf("socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- status and stop ---- */

/* "migrate desk-3 (running), derive class-04" of the running jobs, or
 * NULL when none runs. Caller frees. */
static char *running_jobs(void)
{
	struct job *j;
	char *s = NULL, *t;

	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j)) {
		if (job_state_final(j->state))
			continue;
		t = xasprintf("%s%s%s %s (job %u)", s != NULL ? s : "",
		    s != NULL ? ", " : "", job_kind_name(j->kind),
		    j->name != NULL ? j->name : j->host != NULL ? j->host : "-",
		    j->id);
		free(s);
		s = t;
	}
	job_unlock();
	return s;
}

/* The hosts online of n, and the names of those in maintenance ("-"
 * when none; caller frees). */
static char *hosts_online(size_t *online, size_t *n)
{
	struct m_host **h;
	char *maint = NULL, *t;
	size_t i;

	model_lock();
	h = model_hosts(n);
	for (i = 0, *online = 0; i < *n; i++) {
		if (h[i]->state == HOST_ONLINE || h[i]->state == HOST_READONLY)
			(*online)++;
		if (!h[i]->maintenance)
			continue;
		t = xasprintf("%s%s%s", maint != NULL ? maint : "",
		    maint != NULL ? " " : "", h[i]->name);
		free(maint);
		maint = t;
	}
	model_unlock();
	return maint != NULL ? maint : xstrdup("-");
}

static int do_status(struct srv_peer *p)
{
	char *jobs = running_jobs(), *lines[8], *maint;
	size_t online, n, i;

	maint = hosts_online(&online, &n);
	lines[0] = xasprintf("pid %ld", (long)getpid());
	lines[1] = xasprintf("socket %s", S.paths.socket);
	lines[2] = xasprintf("config %s", S.paths.key);
	lines[3] = xasprintf("uptime %llds",
	    (long long)((util_now_ms() - S.started_ms) / 1000));
	lines[4] = xasprintf("clients %d", atomic_load(&S.clients) - 1);
	lines[5] = xasprintf("hosts online %zu/%zu", online, n);
	lines[6] = xasprintf("hosts in maintenance %s", maint);
	lines[7] = xasprintf("jobs running %u%s%s", job_active_count(),
	    jobs != NULL ? ": " : "", jobs != NULL ? jobs : "");
	free(maint);
	for (i = 0; i < 8; i++) {
		srv_peer_say(p, 0, lines[i]);
		free(lines[i]);
	}
	free(jobs);
	return 0;
}

/* Stop, after asking p when jobs run (unless force): 0, or 1 refused. */
static int do_stop(struct srv_peer *p, int force)
{
	char *jobs = running_jobs(), *q, *cause = NULL, *line;
	int rc = 0;

	if (jobs != NULL && !force) {
		q = xasprintf("Stop the server (pid %ld)? Its running jobs are "
		    "cancelled: %s", (long)getpid(), jobs);
		rc = srv_peer_confirm(p, q, "server stop (--force answers it)",
		    &cause);
		free(q);
	}
	free(jobs);
	if (rc < 0) {
		srv_peer_say(p, 1, cause);
		free(cause);
		return 1;
	}
	line = xasprintf("stopping the server (pid %ld)", (long)getpid());
	srv_peer_say(p, 0, line);
	free(line);
	atomic_store(&S.stop, 1);
	wake_loop();
	return 0;
}

/* ---- a client ---- */

/* HELLO: 0 with p's read-only flag and address, else -1 after refusing. */
static int greet(struct srv_peer *p)
{
	char pid[32], ver[16], *cause = NULL;
	const char *ok[4] = { PROTO_MAGIC, ver, HVDECK_VERSION, pid };
	struct proto_msg m;

	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	snprintf(ver, sizeof ver, "%d", PROTO_VERSION);
	if (proto_recv(p->fd, &m, HELLO_TIMEOUT_MS, &cause) < 0 ||
	    m.type != PROTO_HELLO || proto_check_hello(&m, &cause) < 0 ||
	    m.n < 6) {
		const char *f[1] = { cause != NULL ? cause : "no HELLO" };

		log_msg(LOG_WARN, "server: client of %s refused: %s", p->user, f[0]);
		(void)srv_peer_send(p, PROTO_REFUSE, f, 1);
		free(cause);
		proto_msg_free(&m);
		return -1;
	}
	p->read_only = strcmp(m.f[3], "0") != 0;
	p->from = m.f[5][0] != '\0' ? xstrdup(m.f[5]) : NULL;
	p->console = m.n > 6 && strcmp(m.f[6], "1") == 0;
	proto_msg_free(&m);
	return srv_peer_send(p, PROTO_HELLO_OK, ok, 4);
}

/* The request after HELLO: its exit status, sent as EXIT. */
static void serve_request(struct srv_peer *p)
{
	struct proto_msg m;
	char *cause = NULL, st[16];
	const char *f[1] = { st };
	int status = 2;

	if (proto_recv(p->fd, &m, HELLO_TIMEOUT_MS, &cause) < 0) {
		log_msg(LOG_INFO, "server: client of %s: %s", p->user, cause);
		free(cause);
		return;
	}
	if (m.type == PROTO_CMD)
		status = srv_peer_run(p, srv_reload_current(), m.f, m.n);
	else if (m.type == PROTO_SUBSCRIBE)
		status = srv_sub_serve(p);
	else if (m.type == PROTO_STATUS)
		status = do_status(p);
	else if (m.type == PROTO_STOP && !p->read_only)
		status = do_stop(p, m.n > 0 && strcmp(m.f[0], "1") == 0);
	else
		srv_peer_say(p, 1, m.type == PROTO_STOP ?
		    "read-only: server stop is not allowed" : "unexpected request");
	proto_msg_free(&m);
	snprintf(st, sizeof st, "%d", status);
	(void)srv_peer_send(p, PROTO_EXIT, f, 1);
}

static void *client_main(void *arg)
{
	struct srv_peer *p = arg;

	if (greet(p) == 0)
		serve_request(p);
	/* a stopping server's process closes it: the client sees the end */
	if (!atomic_load(&S.stop))
		close(p->fd);
	free(p->user);
	free(p->from);
	free(p);
	atomic_fetch_sub(&S.clients, 1);
	wake_loop();
	return NULL;
}

static char *login_of(uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		return xstrdup(pw.pw_name);
	return xasprintf("%lu", (unsigned long)uid);
}

/* Take one connection: refused unless its peer is our uid. */
static void accept_one(int lfd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	struct srv_peer *p;
	pthread_t t;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	srv_peer_init(p);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
	    cr.uid != getuid()) {
		char *why = xasprintf("uid %lu may not use the server of uid %lu",
		    (unsigned long)cr.uid, (unsigned long)getuid());
		const char *f[1] = { why };

		p->user = login_of(cr.uid);
		log_msg(LOG_WARN, "server: refused a client (pid %ld): %s",
		    (long)cr.pid, why);
		(void)srv_peer_send(p, PROTO_REFUSE, f, 1);
		free(why);
		free(p->user);
		free(p);
		close(fd);
		return;
	}
	p->user = login_of(cr.uid);
	atomic_fetch_add(&S.clients, 1);
	if (pthread_create(&t, NULL, client_main, p) != 0) {
		atomic_fetch_sub(&S.clients, 1);
		close(fd);
		free(p->user);
		free(p);
		return;
	}
	pthread_detach(t);
}

/* ---- the life of the server ---- */

/* Accept until stopped or idle (no client, no running job) for idle_s
 * seconds (keep: never idle). */
static void accept_loop(int lfd, int keep, int idle_s)
{
	struct pollfd pf[2] = { { .fd = lfd, .events = POLLIN },
	    { .fd = S.wake[0], .events = POLLIN } };
	int64_t idle_since = util_now_ms();
	char buf[64];

	while (!atomic_load(&S.stop)) {
		if (poll(pf, 2, 1000) > 0) {
			if (pf[1].revents & POLLIN)
				while (read(S.wake[0], buf, sizeof buf) > 0)
					;
			if (pf[0].revents & POLLIN)
				accept_one(lfd);
		}
		if (keep || atomic_load(&S.clients) > 0 || job_active_count() > 0)
			idle_since = util_now_ms();
		else if (util_now_ms() - idle_since >= (int64_t)idle_s * 1000) {
			log_msg(LOG_INFO, "server: idle for %d s: exiting", idle_s);
			break;
		}
	}
}

static void handle_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);	/* a server outlives its terminal */
	signal(SIGPIPE, SIG_IGN);
}

static void ready(int fd, const char *what)
{
	if (fd < 0)
		return;
	if (write(fd, what, strlen(what)) < 0)
		log_msg(LOG_WARN, "server: cannot tell who started it: %s",
		    strerror(errno));
	close(fd);
}

/* Set up the lock, the socket and the engine: the listening fd, or -1
 * after telling ready_fd and stderr why. */
static int open_server(const struct config *cfg, int ready_fd, int *lock)
{
	char *cause = NULL, *msg;
	int lfd = -1;

	*lock = -1;
	if (srv_paths(cfg->path, 1, &S.paths, &cause) == 0 &&
	    (*lock = take_lock(&S.paths, &cause)) >= 0 &&
	    (lfd = listen_on(S.paths.socket, &cause)) >= 0 &&
	    pipe2(S.wake, O_CLOEXEC | O_NONBLOCK) == 0 &&
	    engine_start(cfg, 0) == 0)
		return lfd;
	if (cause == NULL)
		cause = xstrdup(lfd >= 0 ? "the engine did not start" :
		    strerror(errno));
	msg = xasprintf("hvdeck: server: %s\n", cause);
	fputs(msg, stderr);
	ready(ready_fd, msg);
	free(msg);
	free(cause);
	if (lfd >= 0) {
		unlink(S.paths.socket);
		close(lfd);
	}
	return -1;
}

int srv_serve(const struct config *cfg, int keep, int ready_fd)
{
	char *cause = NULL;
	int lfd, lock, waited = 0;

	memset(&S, 0, sizeof S);
	S.cfg = cfg;
	S.started_ms = util_now_ms();
	S.wake[0] = S.wake[1] = -1;
	handle_signals();
	if ((lfd = open_server(cfg, ready_fd, &lock)) < 0) {
		if (lock >= 0)
			close(lock);
		srv_paths_free(&S.paths);
		return 1;
	}
	log_msg(LOG_INFO, "server: pid %ld listening on %s for %s",
	    (long)getpid(), S.paths.socket, S.paths.key);
	if (srv_reload_start(cfg, &cause) < 0) {
		log_msg(LOG_WARN, "server: %s (changes to the file will not "
		    "reach it)", cause);
		free(cause);
	}
	srv_sub_init();
	ready(ready_fd, "ok\n");
	accept_loop(lfd, keep, cfg->server_idle);
	atomic_store(&S.stop, 1);
	srv_sub_stop_all();
	/* no new client; the socket goes before the lock (a new server may
	 * take both) */
	unlink(S.paths.socket);
	close(lfd);
	/* jobs are cancelled (act's rules), then the clients' threads that
	 * waited on them end */
	(void)jobs_stop(1000);
	while (atomic_load(&S.clients) > 0 && waited < STOP_WAIT_MS) {
		util_sleep_ms(50);
		waited += 50;
	}
	if (atomic_load(&S.clients) > 0) {
		/* a thread still in a command uses the engine: the process ends
		 * under it, without running destructors */
		log_msg(LOG_WARN, "server: %d clients still busy at exit",
		    atomic_load(&S.clients));
		cmd_audit_close_all("the server stopped before it ended");
		log_close();
		fflush(NULL);
		_exit(0);
	}
	srv_reload_stop();	/* its thread adds and removes hosts */
	engine_stop();
	close(lock);
	srv_paths_free(&S.paths);
	return 0;
}
