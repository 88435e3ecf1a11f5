/* cmd-desktop-new.c — desktop new, template from, desktop delete: their
 * argument rules, the console's forms and question, and the command
 * line's run (engine up, the action, its job followed with its progress
 * "2/5", the exit status: 0 done, 1 refused or failed, 2 bad usage). */
#include "cmd/cmd-desktop-new.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-targets.h"
#include "act/act-desktop.h"
#include "cmd/cmd-audit.h"
#include "core/job.h"
#include "core/model.h"
#include "core/names.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static int usage_error(struct cmd_ctx *c, const struct cmd_entry *e,
    const char *what, char **cause)
{
	char *usage = cmd_usage(e);

	*cause = xasprintf("%s: %s (%s)", e->name, what, usage);
	free(usage);
	c->status = EXIT_USAGE;
	return -1;
}

/* ---- the command line: an action's job, followed ---- */

typedef int (*start_fn)(const struct config *cfg, void *arg, unsigned *job,
    char **cause);

/* The newest phase of job if it is not last (then copied to last). */
static int new_phase(unsigned job, char *last, size_t len)
{
	const struct job_sample *smp;
	int fresh = 0;

	job_lock();
	smp = job_find(job) != NULL ? job_last_sample(job_find(job)) : NULL;
	if (smp != NULL && smp->phase[0] != '\0' && strcmp(smp->phase, last) != 0) {
		snprintf(last, len, "%s", smp->phase);
		fresh = 1;
	}
	job_unlock();
	return fresh;
}

/* The command line: run start on its settled engine and follow the job,
 * saying each new phase ("2/5 NAME"). Returns the exit status; done says
 * what went well. */
static int wait_job(struct cmd_ctx *c, start_fn start, void *arg,
    const char *done, char *const *targets, size_t ntargets)
{
	size_t i;
	char *cause = NULL, *err, last[JOB_PHASE_MAX] = "";
	enum job_state st;
	unsigned job;
	int status = 1;

	if (start(c->cfg, arg, &job, &cause) < 0) {
		cmd_say(c, 1, "%s", cause);
		for (i = 0; i < ntargets; i++)
			cmd_result(c, 0, "refused", targets[i], cause);
		free(cause);
		return 1;
	}
	do {
		st = job_wait(job, 300);
		if (new_phase(job, last, sizeof last))
			cmd_say(c, 0, "%s", last);
	} while (!job_state_final(st) && st != JOB_GONE);
	err = job_error(job);
	if (st == JOB_DONE) {
		cmd_say(c, 0, "%s", done);
		status = 0;
	} else {
		cmd_say(c, 1, "%s", err != NULL ? err : "failed");
	}
	/* --json: one result per target, the one job's for each (a batch of
	 * desktop new is one job) */
	for (i = 0; i < ntargets; i++)
		cmd_result(c, job, job_state_name(st), targets[i], err);
	free(err);
	return status;
}

static int wait_started(struct cmd_ctx *c, start_fn start, void *arg,
    const char *done, char *const *targets, size_t ntargets)
{
	int status;

	if (cmd_engine_up(c) < 0)
		return 1;
	status = wait_job(c, start, arg, done, targets, ntargets);
	cmd_engine_down(c);
	return status;
}

/* ---- desktop new ---- */

struct new_args {
	struct desktop_new_req r;
	char **names;
	size_t n;
	char *host;                 /* where they went (after the start) */
};

static void new_args_free(struct new_args *a)
{
	names_free(a->names, a->n);
	free(a->host);
}

/* Expand every NAME pattern (cmd_targets_expand: the one expander of
 * bulk commands); --count must equal the total. */
static int expand(struct new_args *a, int argc, char **argv,
    const char *count, char **cause)
{
	memset(a, 0, sizeof *a);
	if (cmd_targets_expand(argc, argv, 1, &a->names, &a->n, cause) < 0)
		return -1;
	if (names_check_count(argc == 1 ? argv[0] : "the names", a->n, count,
	    cause) < 0) {
		new_args_free(a);
		memset(a, 0, sizeof *a);
		return -1;
	}
	a->r.names = a->names;
	a->r.n = a->n;
	return 0;
}

static int start_new(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct new_args *a = arg;

	return act_desktop_new(cfg, &a->r, job, &a->host, cause);
}

int cmd_desktop_exec_new(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct new_args a;
	char *list, *done;
	unsigned job;

	if (argc < 2 && !cmd_has_forms(c))
		return usage_error(c, e, argc == 0 ? "the command line needs the "
		    "template desktop and the new names" : "which names?", cause);
	if (argc < 2)	/* which template, which names: the console's form */
		return cmd_form(c, e, argc, argv, cause);
	if (expand(&a, argc - 1, argv + 1, cmd_opt(c->opts, "count"), cause) < 0) {
		c->status = 1;
		return -1;
	}
	a.r.tmpl = argv[0];
	a.r.on = cmd_opt(c->opts, "on");
	a.r.start = cmd_opt(c->opts, "start") != NULL;
	list = cmd_targets_list(a.names, a.n, a.n);
	if (!cmd_in_console(c)) {
		done = xasprintf("made %s%s", list, a.r.start ? " (started)" : "");
		c->status = wait_started(c, start_new, &a, done, a.names, a.n);
		free(done);
	} else if (start_new(c->cfg, &a, &job, cause) == 0) {
		cmd_follow(c, job);
		cmd_say(c, 0, "making %zu desktop%s on %s: %s", a.n,
		    a.n == 1 ? "" : "s", a.host, list);
	} else {
		c->status = 1;
	}
	free(list);
	new_args_free(&a);
	return c->status == 1 && cmd_in_console(c) ? -1 : 0;
}

/* ---- template from ---- */

struct tmpl_args {
	const char *desktop, *name;
	int flatten;
};

static int start_tmpl(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct tmpl_args *a = arg;

	return act_template_from(cfg, a->desktop, a->name, a->flatten, job, cause);
}

int cmd_desktop_exec_template(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct tmpl_args a;
	char *done, *vis;
	unsigned job;
	int rc;

	if (argc < 2 && !cmd_has_forms(c))
		return usage_error(c, e, "the command line needs the desktop and "
		    "the template's name", cause);
	if (argc == 0) {
		*cause = xstrdup("no desktop selected (desktops pane: 4)");
		return -1;
	}
	if (argc < 2)	/* the template's name: the console's form */
		return cmd_form(c, e, argc, argv, cause);
	a.desktop = argv[0];
	a.name = argv[1];
	a.flatten = cmd_opt(c->opts, "flatten") != NULL;
	vis = text_visible(a.name);
	if (!cmd_in_console(c)) {
		done = xasprintf("template %s made (disk %s.qcow2%s)", vis, vis,
		    a.flatten ? ", flattened" : "");
		c->status = wait_started(c, start_tmpl, &a, done,
		    (char *const *)&a.name, 1);
		free(done);
		rc = 0;
	} else if ((rc = start_tmpl(c->cfg, &a, &job, cause)) == 0) {
		cmd_follow(c, job);
		cmd_say(c, 0, "making template %s", vis);
	}
	free(vis);
	return rc;
}

/* ---- desktop delete ---- */

struct del_args {
	const char *desktop;
	int with_disk;
};

static int start_del(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct del_args *a = arg;

	return act_desktop_delete(cfg, a->desktop, a->with_disk, job, cause);
}

char *cmd_desktop_delete_question(const char *name, const char *disk)
{
	char *vn = text_visible(name), *vd = disk != NULL ? text_visible(disk) :
	    NULL, *q;

	q = vd != NULL ? xasprintf("Delete desktop %s and its disk %s?", vn, vd) :
	    xasprintf("Delete desktop %s? (its disk stays)", vn);
	free(vn);
	free(vd);
	return q;
}

/* Without --yes: refused before asking (never a question whose yes is
 * refused), then asked naming the desktop (and its disk). 0 on yes, -1
 * with *cause. */
static int confirm_delete(struct cmd_ctx *c, const struct del_args *a,
    char **cause)
{
	char *name, *disk, *q, *what, *vis;
	int rc;

	if (act_desktop_delete_check(c->cfg, a->desktop, a->with_disk, &name,
	    &disk, cause) < 0)
		return -1;
	q = cmd_desktop_delete_question(name, disk);
	vis = text_visible(name);
	what = xasprintf("desktop delete %s (--yes answers it)", vis);
	rc = cmd_confirm(c, q, what, NULL, NULL, cause);
	free(what);
	free(vis);
	free(q);
	free(name);
	free(disk);
	return rc;
}

/* The command line: its engine first (the check and the question need
 * the hosts' inventory), asked unless --yes, the job waited for. */
static int delete_waited(struct cmd_ctx *c, struct del_args *a,
    char **cause)
{
	char *vis = text_visible(a->desktop), *done;

	c->status = 1;
	if (cmd_engine_up(c) < 0) {
		free(vis);
		return 0;
	}
	if (cmd_opt(c->opts, "yes") == NULL && confirm_delete(c, a, cause) < 0) {
		cmd_engine_down(c);
		free(vis);
		return -1;
	}
	done = xasprintf("deleted %s%s", vis, a->with_disk ? " and its disk" : "");
	c->status = wait_job(c, start_del, a, done, (char *const *)&a->desktop, 1);
	cmd_engine_down(c);
	free(done);
	free(vis);
	return 0;
}

/* ---- desktop delete of several desktops (a range, the marks) ---- */

/* The desktops of names that may go (checked as one delete is), each
 * refusal said; the rest in *ok (caller frees the array, not the
 * names). Returns how many may go. */
static size_t deletable(struct cmd_ctx *c, char **names, size_t n,
    int with_disk, char ***ok)
{
	char *name, *disk, *cause = NULL;
	size_t i, k = 0;

	*ok = xcalloc(n + 1, sizeof **ok);
	for (i = 0; i < n; i++) {
		if (act_desktop_delete_check(c->cfg, names[i], with_disk, &name,
		    &disk, &cause) == 0) {
			(*ok)[k++] = names[i];
			free(name);
			free(disk);
			continue;
		}
		cmd_say(c, 1, "%s", cause);
		cmd_result(c, 0, "refused", names[i], cause);
		c->status = 1;
		free(cause);
		cause = NULL;
	}
	return k;
}

/* "Delete 20 desktops and their disks (class-01, class-02, class-03 and
 * 17 more)?" Caller frees. */
static char *bulk_question(char **names, size_t n, int with_disk)
{
	char *list = cmd_targets_list(names, n, 3), *q;

	q = xasprintf("Delete %zu desktop%s%s (%s)?%s", n, n == 1 ? "" : "s",
	    with_disk ? (n == 1 ? " and its disk" : " and their disks") : "",
	    list, with_disk ? "" : (n == 1 ? " (its disk stays)" :
	    " (their disks stay)"));
	free(list);
	return q;
}

/* Start each delete: its job followed (console) or kept in jobs[i] (0:
 * refused, said). Returns how many started. */
static size_t start_dels(struct cmd_ctx *c, char **names, size_t n,
    int with_disk, unsigned *jobs)
{
	char *cause = NULL;
	size_t i, started = 0;

	for (i = 0; i < n; i++) {
		jobs[i] = 0;
		if (act_desktop_delete(c->cfg, names[i], with_disk, &jobs[i],
		    &cause) < 0) {
			cmd_audit_note("refused", cause);
			cmd_say(c, 1, "%s", cause);
			cmd_result(c, 0, "refused", names[i], cause);
			c->status = 1;
			free(cause);
			cause = NULL;
			continue;
		}
		if (!cmd_in_console(c))
			job_hold(jobs[i]);	/* read after all ended: wait_dels */
		cmd_follow(c, jobs[i]);
		started++;
	}
	return started;
}

/* The command line: each delete's job waited for and said. */
static void wait_dels(struct cmd_ctx *c, char **names, size_t n,
    int with_disk, const unsigned *jobs)
{
	enum job_state st;
	char *err, *vis;
	size_t i;

	for (i = 0; i < n; i++) {
		if (jobs[i] == 0)
			continue;
		st = job_wait(jobs[i], -1);
		err = job_error(jobs[i]);
		vis = text_visible(names[i]);
		if (st == JOB_DONE)
			cmd_say(c, 0, "deleted %s%s", vis, with_disk ?
			    " and its disk" : "");
		else
			cmd_say(c, 1, "%s: %s", vis, err != NULL ? err : "failed");
		if (st != JOB_DONE)
			c->status = 1;
		cmd_result(c, jobs[i], job_state_name(st), names[i], err);
		job_release(jobs[i]);
		free(vis);
		free(err);
	}
}

/* Several desktops: every one checked (refusals said, the rest go on),
 * one question naming how many and the first ones unless --yes, then one
 * job each, all at once; the command line waits for them all. */
static int delete_several(struct cmd_ctx *c, char **names, size_t n,
    char **cause)
{
	int with_disk = cmd_opt(c->opts, "with-disk") != NULL, rc = 0;
	char **ok, *q, *what;
	unsigned *jobs;
	size_t k;

	c->status = 0;
	if (!cmd_in_console(c) && cmd_engine_up(c) < 0) {
		c->status = 1;
		return 0;
	}
	k = deletable(c, names, n, with_disk, &ok);
	if (k > 0 && cmd_opt(c->opts, "yes") == NULL) {
		q = bulk_question(ok, k, with_disk);
		what = xasprintf("desktop delete of %zu desktops (--yes answers "
		    "it)", k);
		rc = cmd_confirm(c, q, what, NULL, NULL, cause);
		free(what);
		free(q);
	}
	if (rc == 0 && k > 0) {
		jobs = xcalloc(k, sizeof *jobs);
		if (start_dels(c, ok, k, with_disk, jobs) > 0 && !cmd_in_console(c))
			wait_dels(c, ok, k, with_disk, jobs);
		else if (cmd_in_console(c))
			cmd_say(c, 0, "deleting %zu desktop%s%s", k, k == 1 ? "" :
			    "s", with_disk ? " with their disks" : "");
		free(jobs);
	}
	free(ok);
	if (!cmd_in_console(c))
		cmd_engine_down(c);
	if (rc < 0)
		c->status = 1;
	return rc;
}

int cmd_desktop_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct del_args a;
	char **names;
	size_t n;
	unsigned job;
	int rc = 0;

	if (argc == 0 && !cmd_in_console(c))
		return usage_error(c, e, "the command line needs the desktop", cause);
	if (argc == 0) {
		*cause = xstrdup("no desktop selected (desktops pane: 4)");
		return -1;
	}
	if (cmd_targets_expand(argc, argv, 0, &names, &n, cause) < 0) {
		c->status = EXIT_USAGE;
		return -1;
	}
	if (n > 1 && cmd_in_console(c) && cmd_opt(c->opts, "yes") == NULL &&
	    cmd_has_forms(c)) {	/* the marks: the console's form asks */
		names_free(names, n);
		return cmd_form(c, e, argc, argv, cause);
	}
	if (n > 1) {
		rc = delete_several(c, names, n, cause);
		names_free(names, n);
		return rc;
	}
	a.desktop = names[0];
	a.with_disk = cmd_opt(c->opts, "with-disk") != NULL;
	if (!cmd_in_console(c))
		rc = delete_waited(c, &a, cause);
	else if (cmd_opt(c->opts, "yes") == NULL && cmd_has_forms(c))
		rc = cmd_form(c, e, argc, argv, cause);	/* the console's form */
	else if ((cmd_opt(c->opts, "yes") == NULL &&
	    confirm_delete(c, &a, cause) < 0) ||
	    start_del(c->cfg, &a, &job, cause) < 0)
		rc = -1;
	else
		cmd_follow(c, job);
	names_free(names, n);
	return rc;
}

/* ---- desktop set-cpu ---- */

struct cpu_args {
	const char *desktop, *cpu;
};

static int start_cpu(const struct config *cfg, void *arg, unsigned *job,
    char **cause)
{
	struct cpu_args *a = arg;

	(void)cfg;
	return act_desktop_set_cpu(a->desktop, a->cpu, job, cause);
}

int cmd_desktop_exec_set_cpu(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct cpu_args a;
	char *done, *vd, *vc;
	unsigned job;

	if (argc < 2)
		return usage_error(c, e, "the desktop and a CPU model (or "
		    "baseline)", cause);
	a.desktop = argv[0];
	a.cpu = argv[1];
	if (cmd_in_console(c)) {
		if (start_cpu(c->cfg, &a, &job, cause) < 0)
			return -1;
		cmd_follow(c, job);
		return 0;
	}
	vd = text_visible(a.desktop);
	vc = text_visible(a.cpu);
	done = strcmp(a.cpu, "baseline") == 0 ?
	    xasprintf("%s now asks for the cluster's baseline CPU", vd) :
	    xasprintf("%s now asks for CPU model %s", vd, vc);
	c->status = wait_started(c, start_cpu, &a, done,
	    (char *const *)&a.desktop, 1);
	free(done);
	free(vd);
	free(vc);
	return 0;
}
