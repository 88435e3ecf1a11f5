/* cli-migrate.c — `hvdeck migrate DESKTOP DEST_HOST [options]` from a
 * shell: the same job the console's `m` form starts (act-migrate.h),
 * waited on. The pre-flight steps are printed as they settle; then the
 * progress: a one-line bar redrawn in place on a terminal, plain lines
 * (percent, remaining, rate, iteration) otherwise. Ctrl-C (SIGINT or
 * SIGTERM) cancels the migration: the desktop keeps running on the
 * source. Exit 0 done, 1 refused, failed or cancelled (with libvirt's
 * text), 2 bad usage. With the cluster's server running it is the
 * server's job: the lines go to the client through cli_out (plain lines,
 * no bar), the client's Ctrl-C comes as CANCEL, and a client that goes
 * away cancels nothing. */
#include "cli/cli-migrate.h"
#include "act/act-migrate.h"
#include "core/checklist.h"
#include "cli/cli.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-targets.h"
#include "core/names.h"
#include "srv/srv-peer.h"
#include "act/engine.h"
#include "core/format.h"
#include "core/job.h"
#include "core/util.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define TICK_MS 250
/* plain lines: at most one per second, and only when something moved */
#define LINE_EVERY_MS 1000
/* after a cancel, how long the abort may take before we stop waiting */
#define CANCEL_WAIT_MS 60000

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct shown {
	int64_t at_ms;
	double pct;
	uint64_t remaining, iteration;
	int tty_line;               /* a bar is on the terminal's line */
	int line_len;               /* its length: a shorter one pads over it */
	int warned;
};

/* Other lines start on a line of their own, not in the bar's. */
static void end_bar(struct shown *sh, struct cli_out *o)
{
	if (sh->tty_line)
		fputc('\n', o->out);
	sh->tty_line = 0;
	sh->line_len = 0;
}

static void progress(const char *name, unsigned job, int tty,
    struct shown *sh, struct cli_out *o)
{
	struct migrate_stats st;
	char rem[16], tot[16], rate[24], dirty[24], pct[16], eta[16];
	int64_t now = util_now_ms();

	if (migrate_stats(job, &st) < 0 || !st.active || st.data_total == 0)
		return;
	format_size(rem, sizeof rem, st.data_remaining);
	format_size(tot, sizeof tot, st.data_total);
	format_rate(rate, sizeof rate, (double)st.mem_bps);
	format_rate(dirty, sizeof dirty, (double)st.dirty_bps);
	format_percent(pct, sizeof pct, st.mem_pct);
	format_duration(eta, sizeof eta, st.eta_ms < 0 ? -1 : st.eta_ms / 1000);
	if (tty) {
		int fill = format_bar_fill((uint64_t)(st.mem_pct * 10), 1000, 20);

		char line[160];
		int len = snprintf(line, sizeof line, "[%-20.*s] %5s%% %6s left "
		    "of %s %s it %llu eta %s", fill, "####################", pct,
		    rem, tot, rate, (unsigned long long)st.iteration, eta);

		/* spaces over what a longer line before left ("eta 51s s") */
		fprintf(o->out, "\r%s%*s", line, sh->line_len > len ?
		    sh->line_len - len : 0, "");
		fflush(o->out);
		sh->tty_line = 1;
		sh->line_len = len;
	} else if (now - sh->at_ms >= LINE_EVERY_MS && (st.mem_pct != sh->pct ||
	    st.data_remaining != sh->remaining || st.iteration != sh->iteration)) {
		cli_say(o->out, 1, "%s: %s%% memory, %s remaining of %s, %s, dirty %s, "
		    "iteration %llu, eta %s", name, pct, rem, tot, rate, dirty,
		    (unsigned long long)st.iteration, eta);
		sh->at_ms = now;
		sh->pct = st.mem_pct;
		sh->remaining = st.data_remaining;
		sh->iteration = st.iteration;
	}
	if (st.not_converging && !sh->warned) {
		end_bar(sh, o);
		cli_say(o->out, 1, "%s: not converging: the guest dirties memory "
		    "faster (%s) than it is sent (%s)%s", name, dirty, rate,
		    st.postcopy_allowed ? "" : "; more bandwidth, a longer "
		    "max downtime or --auto-converge can help");
		sh->warned = 1;
	}
}

/* Nothing more to wait for: the job is final, or gone from the table. */
static int ended(enum job_state st)
{
	return job_state_final(st) || st == JOB_GONE;
}

/* Ctrl-C: in-process a signal; in the server the client's CANCEL (a
 * client that went away cancels nothing). */
static int cancel_asked(struct cli_out *o)
{
	return o->peer != NULL ? srv_peer_cancelled(o->peer) : interrupted;
}

/* Wait for the job, printing as it goes. Returns its final state. */
static enum job_state follow(const char *name, unsigned job,
    struct checklist *cl, struct cli_out *o)
{
	struct cli_checklist_seen seen = { NULL, 0 };
	struct shown sh;
	enum job_state st;
	/* the server prints plain lines: it has no terminal to redraw */
	int tty = o->peer == NULL && isatty(STDOUT_FILENO), cancelling = 0;
	int64_t cancel_at = 0;
	char *cause = NULL;

	memset(&sh, 0, sizeof sh);
	sh.pct = -1;
	for (;;) {
		st = job_wait(job, TICK_MS);
		if (cli_checklist_news(cl, &seen))
			end_bar(&sh, o);
		cli_checklist_print(cl, &seen, o->out, o->err);
		cli_out_flush(o);
		if (ended(st))
			break;
		if (!cancelling && cancel_asked(o)) {
			cancelling = 1;
			cancel_at = util_now_ms();
			end_bar(&sh, o);
			if (job_cancel(job, &cause) < 0) {
				cli_say(o->err, 1, "hvdeck: %s", cause);
				free(cause);
				cause = NULL;
			} else {
				cli_say(o->err, 1, "hvdeck: cancelling the migration "
				    "of %s", name);
			}
		}
		if (cancelling && util_now_ms() - cancel_at > CANCEL_WAIT_MS)
			break;
		progress(name, job, tty, &sh, o);
		cli_out_flush(o);
	}
	end_bar(&sh, o);
	cli_checklist_seen_free(&seen);
	return st;
}

static int run(const char *desktop, const char *dest, struct migrate_req *r,
    struct cli_out *o)
{
	struct checklist *cl = checklist_new();
	struct migrate_stats ms;
	char *cause = NULL, *err;
	enum job_state st;
	unsigned job;
	int status = 1;

	r->desktop = desktop;
	r->dest = dest;
	if (migrate_start(r, cl, &job, &cause) < 0) {
		cmd_audit_note("refused", cause);
		cli_say(o->err, 1, "hvdeck: %s", cause);
		free(cause);
		checklist_free(cl);
		return 1;
	}
	st = follow(desktop, job, cl, o);
	err = job_error(job);
	if (st == JOB_DONE && migrate_stats(job, &ms) == 0) {
		char total[16];

		format_duration(total, sizeof total, ms.total_ms / 1000);
		if (ms.downtime_ms >= 0)
			cli_say(o->out, 1, "%s: migrated %s -> %s in %s (%lld ms), "
			    "downtime %lld ms", desktop, ms.source, ms.dest, total,
			    (long long)ms.total_ms, (long long)ms.downtime_ms);
		else
			cli_say(o->out, 1, "%s: migrated %s -> %s in %s (%lld ms)",
			    desktop, ms.source, ms.dest, total,
			    (long long)ms.total_ms);
		status = 0;
	} else if (job_state_final(st) && o->peer != NULL &&
	    migrate_stats(job, &ms) == 0) {
		/* the job's end event, which in-process reaches stderr as
		 * every warning does, goes to the server's log: said here */
		cli_say(o->err, 1, "hvdeck: %s: migration %s (%s -> %s): %s",
		    desktop, st == JOB_CANCELLED ? "cancelled" : "failed",
		    ms.source, ms.dest, err != NULL ? err : "unknown");
	} else if (job_state_final(st)) {
		/* said already: the job's end event ("NAME: migration failed
		 * (SRC -> DEST): reason") reaches stderr as every warning does */
	} else {
		cli_say(o->err, 1, "hvdeck: %s: migration still %s; hvdeck stops "
		    "waiting (the job is cancelled)", desktop, job_state_name(st));
	}
	free(err);
	/* the job is final (or abandoned to engine_stop's cancel): the
	 * checklist is no longer written */
	if (job_state_final(st))
		checklist_free(cl);
	return status;
}

/* ---- several desktops (names, one range), to one host or placed ---- */

struct batch {
	char **names;               /* expanded (names_free) */
	size_t n;
	const char *dest;           /* one destination, NULL: placed */
};

/* The words: DESKTOP... [DEST_HOST]. Without --place the last word is
 * the destination when a configured host has that name, or when there are
 * two words and neither holds a range (DESKTOP DEST_HOST, as always: an
 * unknown host is refused by the migration's checks); otherwise, and with
 * --place, each desktop is placed. 0, or -1 with *cause. */
static int batch_parse(const struct cmd_ctx *c, int argc, char **argv,
    struct batch *b, char **cause)
{
	size_t i;

	b->dest = NULL;
	if (cmd_opt(c->opts, "place") != NULL)
		return cmd_targets_expand(argc, argv, 0, &b->names, &b->n, cause);
	for (i = 0; argc >= 2 && i < c->cfg->nhosts; i++)
		if (strcmp(c->cfg->hosts[i].name, argv[argc - 1]) == 0)
			b->dest = argv[argc - 1];
	if (argc == 2 && strpbrk(argv[0], "{}") == NULL &&
	    strpbrk(argv[1], "{}") == NULL)
		b->dest = argv[1];
	if (b->dest != NULL)
		argc--;
	return cmd_targets_expand(argc, argv, 0, &b->names, &b->n, cause);
}

/* Until every job of the batch is final; Ctrl-C cancels the ones still
 * running, once each, and the wait ends CANCEL_WAIT_MS after it (an
 * abort a hung host never answers). */
static void batch_wait(const unsigned *jobs, size_t n, struct cli_out *o)
{
	int64_t cancel_at = 0;
	enum job_state st;
	size_t i, left;
	char *cause = NULL;
	int cancel;

	do {
		cancel = cancel_at == 0 && cancel_asked(o);
		if (cancel)
			cancel_at = util_now_ms();
		for (i = 0, left = 0; i < n; i++) {
			if (jobs[i] == 0)
				continue;
			st = job_wait(jobs[i], TICK_MS / 4);
			if (ended(st))
				continue;
			left++;
			if (cancel && job_cancel(jobs[i], &cause) < 0) {
				free(cause);
				cause = NULL;
			}
		}
	} while (left > 0 &&
	    (cancel_at == 0 || util_now_ms() - cancel_at <= CANCEL_WAIT_MS));
}

/* Each one started (its destination placed unless given), then all
 * followed to their end; Ctrl-C cancels the ones still running. */
static int run_batch(struct cmd_ctx *c, const struct batch *b,
    struct migrate_req *r, struct cli_out *o)
{
	char **dests = xcalloc(b->n + 1, sizeof *dests);
	char **why = xcalloc(b->n + 1, sizeof *why), *cause = NULL, *err;
	unsigned *jobs = xcalloc(b->n + 1, sizeof *jobs);
	struct checklist **cls = xcalloc(b->n + 1, sizeof *cls);
	enum job_state st;
	size_t i;
	int status = 0;

	if (b->dest == NULL)
		migrate_place_batch(b->names, b->n, dests, why);
	for (i = 0; i < b->n; i++) {
		r->desktop = b->names[i];
		r->dest = b->dest != NULL ? b->dest : dests[i];
		cls[i] = checklist_new();
		if (r->dest == NULL || migrate_start(r, cls[i], &jobs[i], &cause) < 0) {
			err = r->dest == NULL ? why[i] : cause;
			cmd_audit_note("refused", err);
			cli_say(o->err, 1, "hvdeck: %s", err);
			cmd_result(c, 0, "refused", b->names[i], err);
			free(cause);
			cause = NULL;
			jobs[i] = 0;
			status = 1;
			continue;
		}
		job_hold(jobs[i]);	/* its end read after all ended */
		if (!cmd_json(c))
			cli_say(o->out, 1, "%s: migrating to %s (job %u)", b->names[i],
			    r->dest, jobs[i]);
	}
	cli_out_flush(o);
	batch_wait(jobs, b->n, o);
	for (i = 0; i < b->n; i++) {
		if (jobs[i] == 0)
			continue;
		st = job_wait(jobs[i], 0);
		err = job_error(jobs[i]);
		if (st == JOB_DONE && !cmd_json(c))
			cli_say(o->out, 1, "%s: migrated to %s", b->names[i],
			    b->dest != NULL ? b->dest : dests[i]);
		else if (!ended(st))
			cli_say(o->err, 1, "hvdeck: %s: migration still %s; hvdeck "
			    "stops waiting (the job is cancelled)", b->names[i],
			    job_state_name(st));
		else if (st != JOB_DONE)
			cli_say(o->err, 1, "hvdeck: %s: migration %s: %s", b->names[i],
			    job_state_name(st), err != NULL ? err : "no reason given");
		if (st != JOB_DONE)
			status = 1;
		cmd_result(c, jobs[i], job_state_name(st), b->names[i], err);
		job_release(jobs[i]);
		free(err);
		/* a job still running (abandoned to engine_stop's cancel)
		 * may still write its checklist */
		if (!ended(st))
			cls[i] = NULL;
	}
	for (i = 0; i < b->n; i++) {
		free(dests[i]);
		free(why[i]);
		checklist_free(cls[i]);
	}
	free(cls);
	free(jobs);
	free(why);
	free(dests);
	return status;
}

/* One desktop to one host: the pre-flight and progress as before; else
 * the batch. */
static int run_any(struct cmd_ctx *c, const struct batch *b,
    struct migrate_req *r, struct cli_out *o)
{
	int status;

	if (b->n == 1 && b->dest != NULL && !cmd_json(c))
		return run(b->names[0], b->dest, r, o);
	status = run_batch(c, b, r, o);
	cli_out_flush(o);
	return status;
}

/* In the server for a client: its engine runs; the job is the server's
 * and outlives the client (a client gone is no cancel). */
static int served(struct cmd_ctx *c, struct cli_out *o, const struct batch *b,
    struct migrate_req *r)
{
	(void)cmd_engine_up(c);
	c->status = run_any(c, b, r, o);
	cli_out_close(o);
	return 0;
}

int cli_migrate_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct migrate_req r;
	struct sigaction sa, old_int, old_term;
	struct cli_out o;
	char *usage, *msg;

	struct batch b;

	if (cmd_in_console(c)) {
		*cause = xasprintf("%s: in the console, m on a desktop", e->name);
		return -1;
	}
	memset(&r, 0, sizeof r);
	if (cmd_migrate_request(c->opts, &r, cause) < 0) {
		usage = cmd_usage(e);
		msg = xasprintf("%s (%s)", *cause, usage);
		free(*cause);
		*cause = msg;
		free(usage);
		c->status = EXIT_USAGE;
		return -1;
	}
	if (batch_parse(c, argc, argv, &b, cause) < 0) {
		c->status = EXIT_USAGE;
		return -1;
	}
	cli_out_open(&o, c);
	if (o.peer != NULL) {
		served(c, &o, &b, &r);
		names_free(b.names, b.n);
		return 0;
	}
	if (engine_start(c->cfg, c->read_only) < 0) {
		c->status = 1;
		return 0;
	}
	cli_wait_settled(cli_options_of(c), c->cfg);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	c->status = run_any(c, &b, &r, &o);
	names_free(b.names, b.n);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	fflush(stdout);
	engine_stop();
	return 0;
}
