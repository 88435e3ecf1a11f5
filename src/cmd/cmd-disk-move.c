/* cmd-disk-move.c — `desktop move-disk` (see cmd-disk-move.h). */
#include "cmd/cmd-disk-move.h"
#include "cmd/cmd-face.h"
#include "act/act-disk-move.h"
#include "core/job.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
#define TICK_MS 250
/* plain lines: at most one per second, and only when something moved */
#define LINE_EVERY_MS 1000

/* The request from the words: DESKTOP [DISK] POOL. */
static int request(struct cmd_ctx *c, int argc, char **argv,
    struct disk_move_req *r, char **cause)
{
	long long bw = 0;

	memset(r, 0, sizeof *r);
	if (cmd_opt_int(c->opts, cmd_opt_spec("desktop move-disk", "bandwidth"),
	    &bw, cause) < 0)
		return -1;
	r->desktop = argv[0];
	r->disk = argc == 3 ? argv[1] : NULL;
	r->pool = argv[argc - 1];
	r->delete_source = cmd_opt(c->opts, "delete-source") != NULL;
	r->bandwidth_mibs = (unsigned long)bw;
	return 0;
}

/* The job's newest progress, when it moved since *last. */
static void say_progress(struct cmd_ctx *c, const char *name, unsigned job,
    double *last, int64_t *at)
{
	const struct job_sample *s;
	struct job *j;
	char phase[JOB_PHASE_MAX];
	double pct = -1;
	uint64_t done = 0, total = 0;
	int64_t now = util_now_ms();

	job_lock();
	if ((j = job_find(job)) != NULL && j->nsamples > 0) {
		s = &j->samples[(j->sample_head + j->nsamples - 1) % JOB_SAMPLES];
		pct = s->pct;
		done = s->done;
		total = s->total;
		snprintf(phase, sizeof phase, "%s", s->phase);
	}
	job_unlock();
	if (pct < 0 || total == 0 || pct == *last || now - *at < LINE_EVERY_MS)
		return;
	*last = pct;
	*at = now;
	cmd_say(c, 0, "%s: %s %.0f%% (%llu of %llu MiB)", name, phase, pct,
	    (unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
}

/* Wait for the job, Ctrl-C cancelling it. The exit status. */
static int follow(struct cmd_ctx *c, const char *name, unsigned job)
{
	enum job_state st;
	double last = -1;
	int64_t at = 0;
	int cancelling = 0;
	char *err, *why = NULL;

	do {
		st = job_wait(job, TICK_MS);
		if (!job_state_final(st) && st != JOB_GONE)
			say_progress(c, name, job, &last, &at);
		if (!cancelling && cmd_interrupted(c)) {
			cancelling = 1;
			if (job_cancel(job, &why) < 0)
				cmd_say(c, 1, "%s", why);
			else
				cmd_say(c, 1, "cancelling the disk move of %s", name);
			free(why);
			why = NULL;
		}
	} while (!job_state_final(st) && st != JOB_GONE);
	err = job_error(job);
	if (st == JOB_DONE)
		cmd_say(c, 0, "%s: disk moved", name);
	else if (st == JOB_CANCELLED)
		cmd_say(c, 1, "%s: disk move cancelled: it stays on its disk", name);
	else
		cmd_say(c, 1, "%s: disk move failed: %s", name,
		    err != NULL ? err : "no reason given");
	free(err);
	return st == JOB_DONE ? 0 : 1;
}

static int exec_cli(struct cmd_ctx *c, const struct disk_move_req *r,
    char **cause)
{
	unsigned job;
	char *what = NULL;

	if (cmd_engine_up(c) < 0) {
		*cause = xstrdup("cannot start the engine");
		c->status = 1;
		return -1;
	}
	if (disk_move_check(r, &what, cause) < 0 ||
	    disk_move_start(r, &job, cause) < 0) {
		free(what);
		cmd_engine_down(c);
		c->status = 1;
		return -1;
	}
	cmd_say(c, 0, "moving %s%s (job %u)", what, r->delete_source ?
	    ", deleting the old volume after" : "", job);
	free(what);
	c->status = follow(c, r->desktop, job);
	cmd_engine_down(c);
	return 0;
}

static int exec_console(struct cmd_ctx *c, const struct disk_move_req *r,
    char **cause)
{
	unsigned job;

	if (disk_move_start(r, &job, cause) < 0)
		return -1;
	cmd_follow(c, job);
	c->job = job;
	cmd_say(c, 0, "moving the disk of %s to pool %s (job %u; 5: jobs, "
	    "c cancels)", r->desktop, r->pool, job);
	return 0;
}

int cmd_disk_move_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct disk_move_req r;
	char *usage;

	if (cmd_has_forms(c) && argc < 2)	/* the console's form */
		return cmd_form(c, e, argc, argv, cause);
	if (argc < 2) {
		usage = cmd_usage(e);
		*cause = xasprintf("%s: a desktop and a pool are needed (%s)",
		    e->name, usage);
		free(usage);
		c->status = EXIT_USAGE;
		return -1;
	}
	if (request(c, argc, argv, &r, cause) < 0) {
		c->status = EXIT_USAGE;
		return -1;
	}
	if (cmd_in_console(c))
		return exec_console(c, &r, cause);
	return exec_cli(c, &r, cause);
}
