/* cli.c — headless modes: `hvdeck dump` and `hvdeck watch`. Both run the
 * same engine as the console (event loop, host workers, model) and print
 * from the model, so scripts and tests see exactly what operators see. */
#include "cli/cli.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "cmd/cmd-targets.h"
#include "act/engine.h"
#include "core/checklist.h"
#include "core/model.h"
#include "core/model-json.h"
#include "core/text.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "cli/watch.h"
#include "srv/srv-peer.h"
#include "core/util.h"
#include "core/log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A stopping watch lets its writer finish for WATCH_GRACE_MS, then
 * interrupts it, and gives up on it after WATCH_STOP_MS. */
#define WATCH_GRACE_MS 100
#define WATCH_STOP_MS 2000

static atomic_int writer_done;

void cli_say(FILE *f, int newline, const char *fmt, ...)
{
	va_list ap;
	char *line, *vis;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	vis = text_visible(line);
	fprintf(f, "%s%s", vis, newline ? "\n" : "");
	fflush(f);
	free(vis);
	free(line);
}

void cli_wait_settled(const struct cli_options *o, const struct config *cfg)
{
	engine_wait_settled(o->timeout > 0 ? o->timeout : cfg->connect_timeout);
}

/* The document goes out in pieces of about this size (json_flush): the
 * desktops are most of it, 1 KiB each. */
#define DUMP_FLUSH_BYTES 65536

static void dump_json(FILE *out)
{
	struct m_host **hosts;
	struct m_desktop **desktops;
	struct json j;
	size_t nh, nd, i, k;

	json_init(&j);
	json_begin_object(&j, NULL);
	hosts = model_hosts(&nh);
	json_begin_array(&j, "hosts");
	for (i = 0; i < nh; i++)
		model_json_host(&j, NULL, hosts[i]);
	json_end_array(&j);
	json_begin_array(&j, "pools");
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++)
			model_json_pool(&j, NULL, hosts[i], hosts[i]->pools[k]);
	json_end_array(&j);
	desktops = model_desktops(&nd);
	json_begin_array(&j, "desktops");
	for (i = 0; i < nd; i++) {
		model_json_desktop(&j, NULL, desktops[i]);
		if (j.len >= DUMP_FLUSH_BYTES)
			json_flush(&j, out);
	}
	json_end_array(&j);
	json_end_object(&j);
	fprintf(out, "%s\n", j.buf);
	json_free(&j);
}

/* Text output: key=value fields in the grammar of text_kv_value. */
static void put_field(FILE *out, const char *label, const char *value)
{
	char *v = text_kv_value(value);

	fprintf(out, " %s=%s", label, v);
	free(v);
}

static void dump_pool_text(FILE *out, const struct m_pool *p)
{
	size_t v;

	fprintf(out, "  pool");
	put_field(out, "name", p->name);
	put_field(out, "type", p->type);
	put_field(out, "target", p->target_path);
	fprintf(out, " active=%d volumes=%zu capacity=%llu available=%llu\n",
	    p->active, p->nvols, (unsigned long long)p->capacity,
	    (unsigned long long)p->available);
	for (v = 0; v < p->nvols; v++) {
		fprintf(out, "    volume");
		put_field(out, "name", p->vols[v].name);
		put_field(out, "format", p->vols[v].format);
		put_field(out, "backing", p->vols[v].backing_path);
		fprintf(out, " capacity=%llu\n", (unsigned long long)p->vols[v].capacity);
	}
}

static void dump_host_text(FILE *out, const struct m_host *h)
{
	size_t k;

	fprintf(out, "host");
	put_field(out, "name", h->name);
	put_field(out, "state", model_host_state_name(h->state));
	put_field(out, "role", config_role_name(h->role));
	put_field(out, "uri", h->uri);
	if (h->error != NULL)
		put_field(out, "error", h->error);
	fprintf(out, " cpus=%u memory_kib=%llu free_kib=%llu\n", h->cpus,
	    (unsigned long long)h->memory_kib, (unsigned long long)h->free_kib);
	for (k = 0; k < h->npools; k++)
		dump_pool_text(out, h->pools[k]);
}

static void dump_desktop_text(FILE *out, const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;

	fprintf(out, "desktop");
	put_field(out, "name", d->name);
	put_field(out, "uuid", d->uuid);
	put_field(out, "state", model_state_name(model_desktop_state(d)));
	put_field(out, "host", h != NULL ? h->name : NULL);
	if (d->split_brain) {
		char *where = model_desktop_live_hosts(d, "+");

		put_field(out, "split_brain", where);
		free(where);
	}
	fprintf(out, " vcpus=%u memory_kib=%llu", d->xml.vcpus,
	    (unsigned long long)d->xml.memory_kib);
	if (d->cpu_pct >= 0)
		fprintf(out, " cpu_pct=%.1f\n", d->cpu_pct);
	else
		fprintf(out, " cpu_pct=-\n");
}

static void dump_text(FILE *out)
{
	struct m_host **hosts;
	struct m_desktop **desktops;
	size_t nh, nd, i;

	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++)
		dump_host_text(out, hosts[i]);
	desktops = model_desktops(&nd);
	for (i = 0; i < nd; i++)
		dump_desktop_text(out, desktops[i]);
}

/* Model lock held. Each host without its inventory is reported on err
 * (once: its "offline" event is not) and makes the status 1; one still
 * connecting is shown as what it is for the reader, offline: "connect
 * timed out" — for good (in-process: *stuck) or, in the server
 * (restore), for this print only. Then the dump on out. */
static int dump_report(FILE *out, FILE *err, int json, int restore,
    int *stuck)
{
	struct m_host **hosts;
	size_t n, i;
	int status = 0;
	char *why, **saved;

	hosts = model_hosts(&n);
	saved = xcalloc(n + 1, sizeof *saved);
	for (i = 0; i < n; i++) {
		if (hosts[i]->inventory_done)
			continue;
		status = 1;
		/* libvirt's text, straight to a terminal: visible form */
		why = text_visible(hosts[i]->error != NULL ? hosts[i]->error :
		    "no answer before the timeout");
		fprintf(err, "hvdeck: %s: %s\n", hosts[i]->name, why);
		free(why);
		if (hosts[i]->state == HOST_CONNECTING) {
			*stuck = 1;
			saved[i] = xstrdup(hosts[i]->error != NULL ?
			    hosts[i]->error : "");
			hosts[i]->state = HOST_OFFLINE;
			util_set_str(&hosts[i]->error, "connect timed out");
		}
	}
	if (json)
		dump_json(out);
	else
		dump_text(out);
	for (i = 0; i < n; i++) {
		if (restore && saved[i] != NULL) {
			hosts[i]->state = HOST_CONNECTING;
			util_set_str(&hosts[i]->error, saved[i][0] != '\0' ?
			    saved[i] : NULL);
		}
		free(saved[i]);
	}
	free(saved);
	return status;
}

static void no_hosts(FILE *err, const struct config *cfg)
{
	if (cfg->nhosts == 0)
		fprintf(err, "hvdeck: no hosts: list them in %s or give -H URI\n",
		    cfg->path != NULL ? cfg->path : "the configuration file");
}

int cli_dump(const struct config *cfg, const struct cli_options *o)
{
	int status, stuck = 0;

	no_hosts(stderr, cfg);
	/* each unreachable host is reported once, below, after the wait: its
	 * "offline" event would say the same again on stderr */
	log_set_stderr(0);
	if (engine_start(cfg, o->read_only) < 0)
		return 1;
	cli_wait_settled(o, cfg);
	model_lock();
	status = dump_report(stdout, stderr, o->json, 0, &stuck);
	model_unlock();
	fflush(stdout);
	log_set_stderr(1);
	/* A worker blocked in libvirt's connect cannot be joined: engine_stop
	 * would wait a second for it and then leave it all the same, so the
	 * deadline would be N + 1 seconds. The process ends instead. */
	if (!stuck)
		engine_stop();
	return status;
}

int cli_dump_warm(struct cmd_ctx *c, struct cli_out *o, int json)
{
	int status, stuck = 0;

	no_hosts(o->err, c->cfg);
	(void)cmd_engine_up(c);	/* a server just started: its first answers */
	model_lock();
	status = dump_report(o->out, o->err, json, 1, &stuck);
	model_unlock();
	return status;
}

/* The writer thread: SIGUSR1 is open to it alone, so that cli_watch can
 * interrupt a write() that a reader blocks. */
static void *watch_writer(void *arg)
{
	struct watch_queue *q = arg;
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	if (watch_write(q, STDOUT_FILENO) < 0 && errno != EPIPE &&
	    errno != EINTR)
		fprintf(stderr, "hvdeck: watch: %s\n", strerror(errno));
	atomic_store(&writer_done, 1);
	return NULL;
}

/* SIGUSR1 only interrupts the writer's write(). SIGINT and SIGTERM are
 * taken by sigtimedwait(); a handler still matters for them: a signal
 * ignored from the start (a background job of a script) is discarded even
 * while blocked. */
static void on_signal(int sig)
{
	(void)sig;
}

/* Until SIGINT/SIGTERM, or the writer ends (the reader went away). The
 * signals are blocked in every thread and taken here, so they are never
 * lost in a thread that is busy. */
static void wait_for_end(const sigset_t *ends)
{
	struct timespec tick = { 0, 200 * 1000 * 1000 };

	while (!atomic_load(&writer_done))
		if (sigtimedwait(ends, NULL, &tick) > 0)
			return;
}

/* Stop the writer: it writes what is queued if the reader takes it within
 * a grace period, and is interrupted (again and again: a signal may land
 * just before its write()) if not. Returns 0 once it has ended, -1 if it
 * did not. */
static int stop_writer(struct watch_queue *q, pthread_t writer)
{
	int64_t start = util_now_ms();

	watch_queue_stop(q);
	while (!atomic_load(&writer_done)) {
		if (util_now_ms() - start > WATCH_STOP_MS) {
			log_msg(LOG_WARN, "watch: the output stays blocked; "
			    "ending without writing the rest");
			return -1;
		}
		if (util_now_ms() - start >= WATCH_GRACE_MS)
			pthread_kill(writer, SIGUSR1);
		util_sleep_ms(20);
	}
	pthread_join(writer, NULL);
	return 0;
}

int cli_watch(const struct config *cfg, const struct cli_options *o)
{
	struct watch_queue *q;
	struct sigaction sa;
	sigset_t ends, blocked;
	pthread_t writer;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: write() returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&ends);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGTERM);
	blocked = ends;
	sigaddset(&blocked, SIGUSR1);
	/* before any thread starts: they all inherit it */
	pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	q = watch_queue_new(WATCH_QUEUE_MAX, o->json, o->stats);
	atomic_store(&writer_done, 0);
	rc = pthread_create(&writer, NULL, watch_writer, q);
	if (rc != 0) {
		fprintf(stderr, "hvdeck: watch: %s\n", strerror(rc));
		watch_queue_free(q);
		return 1;
	}
	model_set_observer(watch_observer, q);
	if (engine_start(cfg, o->read_only) < 0) {
		model_set_observer(NULL, NULL);
		if (stop_writer(q, writer) == 0)
			watch_queue_free(q);
		return 1;
	}
	wait_for_end(&ends);
	model_set_observer(NULL, NULL);
	/* a writer still blocked keeps q: the process is about to end */
	if (stop_writer(q, writer) == 0)
		watch_queue_free(q);
	engine_stop();
	return 0;
}

int cli_confirm(const char *question, const char *what, char **cause)
{
	char line[16];
	FILE *tty;
	int yes;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+e")) == NULL) {
		*cause = xasprintf("%s: asks for a confirmation on a terminal, "
		    "and there is none", what);
		return -1;
	}
	cli_say(tty, 0, "%s [y/N] ", question);
	fflush(tty);
	yes = fgets(line, sizeof line, tty) != NULL &&
	    (strcmp(line, "y\n") == 0 || strcmp(line, "Y\n") == 0);
	fclose(tty);
	if (!yes) {
		*cause = xasprintf("%s: not confirmed", what);
		cmd_face_declined();
	}
	return yes ? 0 : -1;
}

int cli_checklist_news(struct checklist *cl,
    const struct cli_checklist_seen *seen)
{
	struct check_step *s;
	size_t n, i;
	int news = 0;

	checklist_snapshot(cl, &s, &n);
	for (i = 0; i < n && !news; i++)
		news = s[i].state >= CHECK_OK && (i >= seen->n ||
		    (int)s[i].state != seen->state[i]);
	free(s);
	return news;
}

void cli_checklist_print(struct checklist *cl, struct cli_checklist_seen *seen,
    FILE *out, FILE *fail_out)
{
	struct check_step *s;
	size_t n, i;

	checklist_snapshot(cl, &s, &n);
	if (n > seen->n) {	/* new steps: none printed yet */
		seen->state = xreallocarray(seen->state, n, sizeof *seen->state);
		for (i = seen->n; i < n; i++)
			seen->state[i] = CHECK_PENDING;
		seen->n = n;
	}
	for (i = 0; i < n; i++) {
		if (s[i].state < CHECK_OK || (int)s[i].state == seen->state[i])
			continue;
		seen->state[i] = (int)s[i].state;
		cli_say(s[i].state == CHECK_FAIL ? fail_out : out, 1,
		    "%-4s %s%s%s", checklist_state_tag(s[i].state), s[i].text,
		    s[i].reason[0] != '\0' ? ": " : "", s[i].reason);
	}
	free(s);
}

void cli_checklist_seen_free(struct cli_checklist_seen *seen)
{
	free(seen->state);
	seen->state = NULL;
	seen->n = 0;
}

const struct cli_options *cli_options_of(const struct cmd_ctx *c)
{
	return c->face->data;	/* cli_face_init's */
}

void cli_out_open(struct cli_out *o, const struct cmd_ctx *c)
{
	memset(o, 0, sizeof *o);
	o->peer = srv_peer_of_face(c->face);
	if (o->peer == NULL) {
		o->out = stdout;
		o->err = stderr;
		return;
	}
	o->out = open_memstream(&o->obuf, &o->olen);
	o->err = open_memstream(&o->ebuf, &o->elen);
	if (o->out == NULL || o->err == NULL)
		abort();	/* out of memory, as xmalloc */
}

/* One buffer to the client's stream, and a fresh buffer for what follows
 * (stderr's first: a failure line precedes the lines after it). */
static FILE *send_buffer(struct cli_out *o, FILE *f, char **buf,
    size_t *len, int stream, int reopen)
{
	fclose(f);
	if (*len > 0 && stream != 0)
		srv_peer_out(o->peer, stream, *buf, *len);
	free(*buf);
	*buf = NULL;
	*len = 0;
	if (!reopen)
		return NULL;
	if ((f = open_memstream(buf, len)) == NULL)
		abort();
	return f;
}

void cli_out_results_only(struct cli_out *o, const struct cmd_ctx *c)
{
	if (!cmd_json(c))
		return;
	o->quiet = 1;
	if (o->peer == NULL && (o->out = fopen("/dev/null", "w")) == NULL)
		abort();	/* no /dev/null: nothing sane to do */
}

static void out_send(struct cli_out *o, int reopen)
{
	if (o->peer == NULL) {
		fflush(o->err);
		fflush(o->out);
		if (o->quiet && !reopen) {
			fclose(o->out);
			o->out = stdout;
		}
		return;
	}

	o->err = send_buffer(o, o->err, &o->ebuf, &o->elen, 2, reopen);
	/* quiet: stream 0, the text before the results is never sent */
	o->out = send_buffer(o, o->out, &o->obuf, &o->olen, o->quiet ? 0 : 1,
	    reopen);
}

void cli_out_flush(struct cli_out *o)
{
	out_send(o, 1);
}

void cli_out_close(struct cli_out *o)
{
	out_send(o, 0);
}
