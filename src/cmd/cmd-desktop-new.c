/* cmd-desktop-new.c — desktop new, template from, desktop delete: their
 * argument rules, the console's forms and question, and the command
 * line's run (engine up, the action, its job followed with its progress
 * "2/5", the exit status: 0 done, 1 refused or failed, 2 bad usage). */
#include "cmd/cmd-desktop-new.h"
#include "cmd/cmd-face.h"
#include "act/act-desktop.h"
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

/* "a b c": names shown to the operator, visible. Caller frees. */
static char *joined(char *const *v, size_t n)
{
	char *s = xstrdup(""), *t, *vis;
	size_t i;

	for (i = 0; i < n; i++) {
		vis = text_visible(v[i]);
		t = xasprintf("%s%s%s", s, i > 0 ? ", " : "", vis);
		free(vis);
		free(s);
		s = t;
	}
	return s;
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
    const char *done)
{
	char *cause = NULL, *err, last[JOB_PHASE_MAX] = "";
	enum job_state st;
	unsigned job;
	int status = 1;

	if (start(c->cfg, arg, &job, &cause) < 0) {
		cmd_say(c, 1, "%s", cause);
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
	free(err);
	return status;
}

static int wait_started(struct cmd_ctx *c, start_fn start, void *arg,
    const char *done)
{
	int status;

	if (cmd_engine_up(c) < 0)
		return 1;
	status = wait_job(c, start, arg, done);
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

/* Expand every NAME pattern; --count must equal the total. */
static int expand(struct new_args *a, int argc, char **argv,
    const char *count, char **cause)
{
	char **v;
	size_t n, i;
	int k;

	memset(a, 0, sizeof *a);
	for (k = 0; k < argc; k++) {
		if (names_expand(argv[k], &v, &n, cause) < 0) {
			new_args_free(a);
			memset(a, 0, sizeof *a);
			return -1;
		}
		a->names = xreallocarray(a->names, a->n + n, sizeof *a->names);
		for (i = 0; i < n; i++)
			a->names[a->n++] = v[i];
		free(v);
	}
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
	list = joined(a.names, a.n);
	if (!cmd_in_console(c)) {
		done = xasprintf("made %s%s", list, a.r.start ? " (started)" : "");
		c->status = wait_started(c, start_new, &a, done);
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
		c->status = wait_started(c, start_tmpl, &a, done);
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
	c->status = wait_job(c, start_del, a, done);
	cmd_engine_down(c);
	free(done);
	free(vis);
	return 0;
}

int cmd_desktop_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct del_args a;
	unsigned job;

	if (argc == 0 && !cmd_in_console(c))
		return usage_error(c, e, "the command line needs the desktop", cause);
	if (argc == 0) {
		*cause = xstrdup("no desktop selected (desktops pane: 4)");
		return -1;
	}
	a.desktop = argv[0];
	a.with_disk = cmd_opt(c->opts, "with-disk") != NULL;
	if (!cmd_in_console(c))
		return delete_waited(c, &a, cause);
	if (cmd_opt(c->opts, "yes") == NULL) {
		if (cmd_has_forms(c))	/* the console asks with a form */
			return cmd_form(c, e, argc, argv, cause);
		if (confirm_delete(c, &a, cause) < 0)
			return -1;
	}
	if (start_del(c->cfg, &a, &job, cause) < 0)
		return -1;
	cmd_follow(c, job);
	return 0;
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
	c->status = wait_started(c, start_cpu, &a, done);
	free(done);
	free(vd);
	free(vc);
	return 0;
}
