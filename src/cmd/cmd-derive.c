/* cmd-derive.c — `derive` on the command line, the `:` line and the
 * volumes pane's n (a form). See cmd-derive.h. */
#include "cmd/cmd-derive.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-targets.h"
#include "act/act-derive.h"
#include "core/checklist.h"
#include "core/job.h"
#include "core/model.h"
#include "core/names.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
/* A batch of 1000 overlays on slow storage: minutes, not hours. */
#define DERIVE_WAIT_MS (30 * 60 * 1000)

static int usage_error(struct cmd_ctx *c, const struct cmd_entry *e,
    const char *msg, char **cause)
{
	char *usage = cmd_usage(e);

	*cause = xasprintf("%s: %s (%s)", e->name, msg, usage);
	free(usage);
	c->status = EXIT_USAGE;
	return -1;
}

/* The request from the arguments and options. -1 with *cause: usage. */
static int request(struct cmd_ctx *c, const struct config *cfg, int argc,
    char **argv, struct derive_req *r, char **cause)
{
	long long cs = 0, count;

	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->source = argv[0];
	r->pattern = argc > 1 ? argv[1] : NULL;
	r->count = cmd_opt(c->opts, "count");
	r->pool = cmd_opt(c->opts, "pool");
	r->host = cmd_opt(c->opts, "on");
	r->o.lazy_refcounts = cmd_opt(c->opts, "lazy-refcounts") != NULL;
	r->o.extended_l2 = cmd_opt(c->opts, "extended-l2") != NULL;
	/* names_check_count compares --count's text with the names */
	if (cmd_opt_int(c->opts, cmd_opt_spec("derive", "count"), &count,
	    cause) < 0 || cmd_opt_int(c->opts, cmd_opt_spec("derive",
	    "cluster-size"), &cs, cause) < 0)
		return -1;
	r->o.cluster_size = (uint64_t)cs;
	return 0;
}

/* ---- the command line: start, follow, report ---- */

/* "k/N" for every volume made since *printed (the samples are a ring:
 * a poll may find several new ones), said outside the job lock. */
static void say_progress(struct cmd_ctx *c, unsigned job, uint64_t *printed)
{
	const struct job_sample *smp;
	struct job *j;
	char lines[JOB_SAMPLES][JOB_PHASE_MAX];
	unsigned i, n = 0;

	job_lock();
	for (i = 0; (j = job_find(job)) != NULL && i < j->nsamples; i++) {
		smp = &j->samples[(j->sample_head + i) % JOB_SAMPLES];
		if (smp->done <= *printed)
			continue;
		*printed = smp->done;
		snprintf(lines[n++], sizeof lines[0], "%s", smp->phase);
	}
	job_unlock();
	for (i = 0; i < n; i++)
		cmd_say(c, 0, "%s", lines[i]);	/* "3/20": digits only */
}

/* --json: one result per volume the batch makes (POOL/NAME), the one
 * job's end for each. */
static void results(struct cmd_ctx *c, const struct derive_req *r,
    const struct derive_started *s, enum job_state st, const char *err)
{
	char **names, *cause = NULL, *t;
	size_t n, i;

	if (names_expand(r->pattern, &names, &n, &cause) < 0) {
		free(cause);	/* checked before the batch began */
		return;
	}
	for (i = 0; i < n; i++) {
		t = xasprintf("%s/%s", s->dst_pool, names[i]);
		cmd_result(c, s->job, job_state_name(st), t, err);
		free(t);
	}
	names_free(names, n);
}

static int wait_batch(struct cmd_ctx *c, const struct derive_req *r,
    const struct derive_started *s)
{
	uint64_t printed = 0;
	enum job_state st;
	char *err;
	int64_t deadline = util_now_ms() + DERIVE_WAIT_MS;

	if (s->count == 1)
		cmd_say(c, 0, "derive %s/%s from %s on %s", s->dst_pool, s->first,
		    s->src_pool, s->host);
	else
		cmd_say(c, 0, "derive %s/%s … %s from %s on %s: %zu volumes",
		    s->dst_pool, s->first, s->last, s->src_pool, s->host,
		    s->count);
	do {
		st = job_wait(s->job, 200);
		say_progress(c, s->job, &printed);
	} while (!job_state_final(st) && st != JOB_GONE &&
	    util_now_ms() < deadline);
	err = job_error(s->job);
	if (st == JOB_DONE)
		cmd_say(c, 0, "made %zu in pool %s on %s: %s%s%s", s->count,
		    s->dst_pool, s->host, s->first, s->count > 1 ? " … " : "",
		    s->count > 1 ? s->last : "");
	else if (job_state_final(st))
		cmd_say(c, 1, "derive on %s: %s", s->host,
		    err != NULL ? err : "no reason given");
	else
		cmd_say(c, 1, "derive on %s: still running after %d s",
		    s->host, DERIVE_WAIT_MS / 1000);
	results(c, r, s, st, err);
	free(err);
	return st == JOB_DONE ? 0 : 1;
}

/* What needs no host: the names, --count, the options. A refusal here
 * does not wait for every host to answer. 0, or -1 with *cause and the
 * exit status act_derive would give. */
static int precheck(struct cmd_ctx *c, const struct derive_req *r,
    char **cause)
{
	char **names;
	size_t n;
	int rc;

	if (names_expand(r->pattern, &names, &n, cause) < 0) {
		c->status = 1;
		return -1;
	}
	rc = names_check_count(r->pattern, n, r->count, cause) < 0 ||
	    derive_opts_check(&r->o, cause) < 0 ? -1 : 0;
	names_free(names, n);
	if (rc < 0)
		c->status = EXIT_USAGE;
	return rc;
}

static int exec_cli(struct cmd_ctx *c, const struct derive_req *r,
    char **cause)
{
	struct derive_started s;
	int usage;

	if (precheck(c, r, cause) < 0)
		return -1;
	if (cmd_engine_up(c) < 0) {
		*cause = xstrdup("cannot start the engine");
		c->status = 1;
		return -1;
	}
	if (act_derive(r, &s, &usage, cause) < 0) {
		cmd_engine_down(c);
		c->status = usage ? EXIT_USAGE : 1;
		return -1;
	}
	c->status = wait_batch(c, r, &s);
	derive_started_free(&s);
	cmd_engine_down(c);
	return 0;
}

/* ---- the console: a started batch ---- */

/* The console: the batch starts, its result goes to the status line.
 * A form that ran the command passes c->derive to fill, so it can
 * follow the job. */
static int exec_console(struct cmd_ctx *c, const struct derive_req *r,
    char **cause)
{
	struct derive_started s;
	int usage;

	if (act_derive(r, &s, &usage, cause) < 0)
		return -1;
	cmd_follow(c, s.job);
	cmd_say(c, 0, "derive: %zu volume%s in %s on %s (job %u)",
	    s.count, s.count == 1 ? "" : "s", s.dst_pool, s.host, s.job);
	c->job = s.job;
	if (c->derive != NULL)
		*c->derive = s;
	else
		derive_started_free(&s);
	return 0;
}

int cmd_derive_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct derive_req r;

	if (cmd_has_forms(c) && argc < 2)	/* the console's derive form */
		return cmd_form(c, e, argc, argv, cause);
	if (argc < 2)
		return usage_error(c, e, argc == 0 ? "the command line needs "
		    "the source volume and the new name" : "the new name is "
		    "missing", cause);
	if (request(c, c->cfg, argc, argv, &r, cause) < 0) {
		c->status = EXIT_USAGE;
		return -1;
	}
	if (cmd_in_console(c))
		return exec_console(c, &r, cause);
	return exec_cli(c, &r, cause);
}
