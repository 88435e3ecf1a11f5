/* srv-peer.c — the face of a command that runs in the server for a
 * client, and the run of the client's words (srv-peer.h). */
#include "srv/srv-peer.h"
#include "srv/proto.h"
#include "srv/srv.h"
#include "act/engine.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-opts.h"
#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/log.h"
#include "core/util.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

int srv_peer_send(struct srv_peer *p, int type, const char *const *f, int n)
{
	char *cause = NULL;

	if (p->gone)
		return -1;
	if (proto_send(p->fd, type, f, n, SRV_SEND_TIMEOUT_MS, &cause) == 0)
		return 0;
	/* its command goes on without it (and its jobs in the server) */
	log_msg(LOG_INFO, "server: client of %s dropped: %s", p->user, cause);
	free(cause);
	p->gone = 1;
	return -1;
}

void srv_peer_say(struct srv_peer *p, int error, const char *text)
{
	const char *f[2] = { error ? "1" : "0", text };

	(void)srv_peer_send(p, PROTO_SAY, f, 2);
}

/* A frame keeps room for its type and stream under PROTO_FRAME_MAX. */
#define OUT_CHUNK (PROTO_FRAME_MAX / 2)

void srv_peer_out(struct srv_peer *p, int stream, const char *text,
    size_t len)
{
	const char *f[2] = { stream == 2 ? "2" : "1", NULL };
	size_t n;
	char *chunk;

	while (len > 0 && !p->gone) {
		n = len < OUT_CHUNK ? len : OUT_CHUNK;
		chunk = xstrndup(text, n);
		f[1] = chunk;
		(void)srv_peer_send(p, PROTO_OUT, f, 2);
		free(chunk);
		text += n;
		len -= n;
	}
}

int srv_peer_cancelled(struct srv_peer *p)
{
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	struct proto_msg m;
	char *cause = NULL;

	if (p->cancel || p->gone)
		return p->cancel;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if (proto_recv(p->fd, &m, SRV_SEND_TIMEOUT_MS, &cause) < 0) {
		/* gone (killed, its terminal closed): not a cancel */
		log_msg(LOG_INFO, "server: client of %s gone: %s", p->user, cause);
		free(cause);
		p->gone = 1;
		return 0;
	}
	if (m.type == PROTO_CANCEL) {
		log_msg(LOG_INFO, "server: client of %s cancels", p->user);
		p->cancel = 1;
	}
	proto_msg_free(&m);
	return p->cancel;
}

/* Send a question frame and wait for its ANSWER: 0 with *m (the answer's
 * fields), -1 when the client is gone or answered something else. */
static int question(struct srv_peer *p, int type, const char *const *f,
    int n, struct proto_msg *m)
{
	char *cause = NULL;

	if (srv_peer_send(p, type, f, n) < 0)
		return -1;
	/* a person answers: no deadline, but a client gone ends the wait */
	if (proto_recv(p->fd, m, -1, &cause) < 0 || m->type != PROTO_ANSWER ||
	    m->n < 1) {
		log_msg(LOG_INFO, "server: client of %s: no answer: %s", p->user,
		    cause != NULL ? cause : "not an answer");
		free(cause);
		proto_msg_free(m);
		p->gone = 1;
		return -1;
	}
	return 0;
}

int srv_peer_confirm(struct srv_peer *p, const char *q, const char *what,
    char **cause)
{
	const char *f[2] = { q, what };
	struct proto_msg m;
	int rc = -1;

	if (question(p, PROTO_CONFIRM, f, 2, &m) < 0) {
		*cause = xasprintf("%s: the client went away before it answered",
		    what);
		return -1;
	}
	if (strcmp(m.f[0], "y") == 0)
		rc = 0;
	else
		*cause = m.n > 1 ? xstrdup(m.f[1]) :
		    xasprintf("%s: not confirmed", what);
	if (strcmp(m.f[0], "n") == 0)	/* "x": nobody could answer */
		cmd_face_declined();
	proto_msg_free(&m);
	return rc;
}

/* ---- the face ---- */

static struct srv_peer *peer_of(const struct cmd_face *f)
{
	return f->data;
}

static void face_say(const struct cmd_face *f, int error, const char *text);

struct srv_peer *srv_peer_of_face(const struct cmd_face *f)
{
	return f != NULL && f->say == face_say ? peer_of(f) : NULL;
}

/* The engine runs already: a command waits only for hosts still on
 * their first attempt (a server just started). */
static int face_engine_up(const struct cmd_face *f, const struct cmd_ctx *c)
{
	(void)f;
	engine_wait_settled(c->cfg->connect_timeout);
	return 0;
}

static void face_say(const struct cmd_face *f, int error, const char *text)
{
	srv_peer_say(peer_of(f), error, text);
}

/* A job frame (FOLLOW, FORGET) of job's id. */
static void send_job(const struct cmd_face *f, int type, unsigned job)
{
	char id[16];
	const char *fields[1] = { id };

	snprintf(id, sizeof id, "%u", job);
	(void)srv_peer_send(peer_of(f), type, fields, 1);
}

/* A console's command started job: its client follows it. */
static void face_follow(const struct cmd_face *f, unsigned job)
{
	send_job(f, PROTO_FOLLOW, job);
}

/* A console's command removed job (0: several): its client forgets it. */
static void face_forget(const struct cmd_face *f, unsigned job)
{
	send_job(f, PROTO_FORGET, job);
}

static int face_confirm(const struct cmd_face *f, const char *q,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	if (srv_peer_confirm(peer_of(f), q, what, cause) < 0)
		return -1;
	if (yes != NULL)
		yes(f, arg);
	return 0;
}

int srv_peer_ask(struct srv_peer *p, const char *prompt, enum srv_ask how,
    char *buf, size_t len)
{
	char mode[2] = { (char)('0' + how), '\0' };
	const char *fields[2] = { prompt, mode };
	struct proto_msg m;
	int rc = -1;

	if (question(p, PROTO_ASK, fields, 2, &m) < 0)
		return -1;
	if (strcmp(m.f[0], "y") == 0 && m.n > 1) {
		snprintf(buf, len, "%s", m.f[1]);
		rc = 0;
	} else if (strcmp(m.f[0], "n") == 0) {
		rc = -2;
	}
	proto_msg_free(&m);
	return rc;
}

static int face_ask(const struct cmd_face *f, const char *prompt, char *buf,
    size_t len)
{
	return srv_peer_ask(peer_of(f), prompt, SRV_ASK_LINE, buf, len);
}

static int face_ask_secret(const struct cmd_face *f, const char *prompt,
    char *buf, size_t len)
{
	return srv_peer_ask(peer_of(f), prompt, SRV_ASK_SECRET, buf, len);
}

static int face_interrupted(const struct cmd_face *f)
{
	return srv_peer_cancelled(peer_of(f));
}

void srv_peer_init(struct srv_peer *p)
{
	memset(&p->face, 0, sizeof p->face);
	p->face.data = p;
	p->face.engine_up = face_engine_up;
	p->face.say = face_say;
	p->face.confirm = face_confirm;
	p->face.follow_job = face_follow;
	p->face.forget_job = face_forget;
	p->face.ask = face_ask;
	p->face.ask_secret = face_ask_secret;
	p->face.interrupted = face_interrupted;
}

/* ---- one command ---- */

/* The entry the words name, wherever it may run: the read-only rule
 * comes first, from the table (a console-only entry is refused as such
 * too, never "unknown"). */
static const struct cmd_entry *entry_named(char **w, int n)
{
	const struct cmd_entry *e = NULL;
	char *two;

	if (n >= 2) {
		two = xasprintf("%s %s", w[0], w[1]);
		e = cmd_find(two);
		free(two);
	}
	return e != NULL || n < 1 ? e : cmd_find(w[0]);
}

/* A read-only client's command that is read-only-safe in a process of
 * its own but would change every client's view here (CMD_SHARED): 1 with
 * *cause. */
static int shared_refused(const struct cmd_entry *e, char **cause)
{
	if (!(e->flags & CMD_SHARED))
		return 0;
	*cause = xasprintf("read-only: %s is not allowed (the server's jobs are "
	    "every console's)", e->name);
	return 1;
}

/* Parse and check: the entry with *nargs, *args; NULL with *cause and
 * *status. */
static const struct cmd_entry *parse(struct srv_peer *p, char **words, int n,
    struct cmd_ctx *ctx, struct cmd_opts *o, int *nargs, char ***args,
    int *status, char **cause)
{
	const struct cmd_entry *e;

	*status = EXIT_USAGE;
	if (cmd_take_options(&n, words, NULL, NULL, o, cause) < 0)
		return NULL;
	if ((e = entry_named(words, n)) != NULL && p->read_only &&
	    (cmd_check_read_only(ctx, e, cause) < 0 ||
	    shared_refused(e, cause))) {
		/* the server's own word that it refused, not the client's */
		log_msg(LOG_INFO, "server: read-only client of %s: %s", p->user,
		    *cause);
		*status = 1;
		return NULL;
	}
	/* an attached console's commands on the server's jobs */
	if ((e = cmd_parse(words, n, srv_console_entry(e) ? CMD_LINE : CMD_CLI,
	    nargs, args, cause)) == NULL)
		return NULL;
	if (!srv_wanted(e) && !srv_console_entry(e)) {
		*cause = xasprintf("%s runs in the client's process, not in the "
		    "server", e->name);
		return NULL;
	}
	if (cmd_check_options(e, o, cause) < 0)
		return NULL;
	return e;
}

int srv_peer_run(struct srv_peer *p, const struct config *cfg, char **words,
    int n)
{
	const struct cmd_entry *e;
	struct cmd_opts opts;
	struct cmd_ctx ctx;
	char **args = NULL, *cause = NULL;
	/* cmd_take_options ends the words with a NULL: one more slot */
	char **w = xcalloc((size_t)n + 1, sizeof *w);
	int nargs = 0, status;

	memset(&opts, 0, sizeof opts);
	memset(&ctx, 0, sizeof ctx);
	ctx.face = &p->face;
	ctx.cfg = cfg;
	ctx.opts = &opts;
	ctx.read_only = p->read_only;
	memcpy(w, words, (size_t)n * sizeof *w);
	audit_set_client(p->user, p->from);
	e = parse(p, w, n, &ctx, &opts, &nargs, &args, &status, &cause);
	p->face.console = srv_console_entry(e) ||	/* see srv_console_entry */
	    (p->console && srv_console_flavour(e, &opts));
	if (e != NULL && cmd_exec_entry(&ctx, e, nargs, args, &cause) == 0)
		status = ctx.status;
	else if (e != NULL)
		status = ctx.status != 0 ? ctx.status : 1;
	if (cause != NULL)
		srv_peer_say(p, 1, cause);
	free(cause);
	free(w);
	p->face.console = 0;
	audit_set_client(NULL, NULL);
	return status;
}
