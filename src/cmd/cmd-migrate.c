/* cmd-migrate.c — `desktop migrate` in the console: the start of a
 * migration through act-migrate.h, with its pre-flight checklist kept for
 * the form and the progress view; without a destination the console's
 * migrate form (tui/form-migrate.c) chooses one and runs the full line. */
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-face.h"
#include "act/act-desktop.h"
#include "act/act-migrate.h"
#include "core/checklist.h"
#include "cmd/cmd-desktop.h"
#include "cmd/cmd-job.h"
#include "cmd/cmd-targets.h"
#include "core/format.h"
#include "core/job.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the checklists of migrations started here ----
 * A checklist must outlive its job (act-migrate.h); the progress view
 * shows it too, so they are kept until hvdeck leaves. An attached
 * console keeps its server's copies here too (cmd_migrate_mirror), with
 * their stats. The server's command threads and the console's mirror
 * thread add to the list: its lock guards it (the checklists have their
 * own). */

static struct started {
	unsigned job;
	struct checklist *cl;
	int mirrored;           /* a copy of the server's */
	struct migrate_stats st;        /* mirrored: the server's last */
} *started;
static size_t nstarted;
static pthread_mutex_t started_lock = PTHREAD_MUTEX_INITIALIZER;

/* Lock held: the entry of job, NULL if none. */
static struct started *find(unsigned job)
{
	size_t i;

	for (i = 0; i < nstarted; i++)
		if (started[i].job == job)
			return &started[i];
	return NULL;
}

/* Lock held: a new entry for job (its checklist taken). */
static struct started *add(unsigned job, struct checklist *cl)
{
	struct started *s;

	started = xreallocarray(started, nstarted + 1, sizeof *started);
	s = &started[nstarted++];
	memset(s, 0, sizeof *s);
	s->job = job;
	s->cl = cl;
	return s;
}

static void remember(unsigned job, struct checklist *cl)
{
	pthread_mutex_lock(&started_lock);
	add(job, cl);
	pthread_mutex_unlock(&started_lock);
}

struct checklist *cmd_migrate_checklist(unsigned job)
{
	struct started *s;
	struct checklist *cl;

	pthread_mutex_lock(&started_lock);
	s = find(job);
	cl = s != NULL ? s->cl : NULL;
	pthread_mutex_unlock(&started_lock);
	return cl;
}

int cmd_migrate_stats(unsigned job, struct migrate_stats *out)
{
	struct started *s;
	int rc = -1;

	if (migrate_stats(job, out) == 0)
		return 0;
	pthread_mutex_lock(&started_lock);
	if ((s = find(job)) != NULL && s->mirrored) {
		*out = s->st;
		rc = 0;
	}
	pthread_mutex_unlock(&started_lock);
	return rc;
}

void cmd_migrate_mirror(unsigned job, const struct migrate_stats *st,
    const struct check_step *steps, size_t n)
{
	struct started *s;
	struct checklist *cl;

	pthread_mutex_lock(&started_lock);
	if ((s = find(job)) == NULL)
		s = add(job, checklist_new());
	s->mirrored = 1;
	s->st = *st;
	cl = s->cl;
	pthread_mutex_unlock(&started_lock);
	checklist_replace(cl, steps, n);
	model_wake();
}

void cmd_migrate_free_all(void)
{
	size_t i;

	pthread_mutex_lock(&started_lock);
	for (i = 0; i < nstarted; i++)
		checklist_free(started[i].cl);
	free(started);
	started = NULL;
	nstarted = 0;
	pthread_mutex_unlock(&started_lock);
}

/* ---- the command ---- */

int cmd_migrate_request(const struct cmd_opts *o, struct migrate_req *r,
    char **cause)
{
	long long bw = 0, dt = 0;

	if (cmd_opt_int(o, cmd_opt_spec("desktop migrate", "bandwidth"), &bw,
	    cause) < 0 || cmd_opt_int(o, cmd_opt_spec("desktop migrate",
	    "max-downtime"), &dt, cause) < 0)
		return -1;
	r->bandwidth_mibs = (unsigned long)bw;
	r->max_downtime_ms = (long)dt;
	r->auto_converge = cmd_opt(o, "auto-converge") != NULL;
	r->postcopy = cmd_opt(o, "postcopy") != NULL;
	r->compress = cmd_opt(o, "compress") != NULL;
	r->copy_storage = cmd_opt(o, "copy-storage") != NULL;
	r->unsafe = cmd_opt(o, "unsafe") != NULL;
	r->no_persist = cmd_opt(o, "no-persist") != NULL;
	r->to_pool = cmd_opt(o, "to-pool");
	return 0;
}

static int start(struct cmd_ctx *c, const char *desktop, const char *dest,
    char **cause)
{
	struct migrate_req r;
	struct checklist *cl;
	unsigned job;
	char *vis;

	memset(&r, 0, sizeof r);
	if (cmd_migrate_request(c->opts, &r, cause) < 0)
		return -1;
	r.desktop = desktop;
	r.dest = dest;
	cl = checklist_new();
	if (migrate_start(&r, cl, &job, cause) < 0) {
		checklist_free(cl);
		return -1;
	}
	remember(job, cl);
	c->job = job;
	cmd_follow(c, job);
	vis = text_visible(dest);
	cmd_say(c, 0, "migration %u to %s: pre-flight checks (5: jobs, "
	    "Enter: progress)", job, vis);
	free(vis);
	return 0;
}

/* ---- several desktops (the marks): asked once, one migration each ---- */

/* 1 when name is a host's (the model's). */
static int is_host(const char *name)
{
	int yes;

	model_lock();
	yes = model_host_by_name(name) != NULL;
	model_unlock();
	return yes;
}

/* 1 when name is one desktop's (name or UUID). */
static int is_desktop(const char *name)
{
	char *cause = NULL, *uuid = act_desktop_resolve(name, NULL, &cause);
	int yes = uuid != NULL;

	free(cause);
	free(uuid);
	return yes;
}

/* The answer's argument: the options' words are the face's own (c's),
 * so each line is "DEST UUID" per desktop, newline separated: yes starts
 * them. */
static void several_confirmed(const struct cmd_face *f, const char *arg)
{
	struct cmd_ctx c = { .face = f };
	char *copy = xstrdup(arg), *line, *save = NULL, *sp, *cause = NULL;
	int ok = 0, refused = 0;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		if (start(&c, sp + 1, line, &cause) == 0) {
			ok++;
			continue;
		}
		refused++;
		cmd_say(&c, 1, "%s", cause);
		free(cause);
		cause = NULL;
	}
	free(copy);
	if (refused > 0 || ok != 1)
		cmd_say(&c, refused > 0, "migrate: %d started, %d refused (5: jobs)",
		    ok, refused);
}

/* Each desktop to dest, or each where placement puts it (migrate_place_
 * batch), after one question naming how many, the first ones and where. */
static int ask_several(struct cmd_ctx *c, char **names, size_t n,
    const char *dest, char **cause)
{
	char **dests = xcalloc(n + 1, sizeof *dests), **why = xcalloc(n + 1,
	    sizeof *why), *list = cmd_targets_list(names, n, 3), *arg, *t, *q;
	size_t i, k = 0;
	int rc = 0;

	if (dest == NULL)
		migrate_place_batch(names, n, dests, why);
	arg = xstrdup("");
	for (i = 0; i < n; i++) {
		if (dest == NULL && dests[i] == NULL) {
			cmd_say(c, 1, "%s", why[i]);	/* named, the rest go */
			continue;
		}
		t = xasprintf("%s%s %s\n", arg, dest != NULL ? dest : dests[i],
		    names[i]);
		free(arg);
		arg = t;
		k++;
	}
	if (k > 0) {
		q = dest != NULL ? xasprintf("Migrate %zu desktops (%s) to %s?", n,
		    list, dest) : xasprintf("Migrate %zu desktops (%s), each to "
		    "the host placement picks (most free memory first)?", k, list);
		rc = cmd_confirm(c, q, "desktop migrate", several_confirmed, arg,
		    cause);
		free(q);
	} else {
		*cause = xstrdup("no host may receive any of them");
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		free(dests[i]);
		free(why[i]);
	}
	free(dests);
	free(why);
	free(list);
	free(arg);
	return rc;
}

int cmd_migrate_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char *uuid;
	int rc;

	if (!cmd_in_console(c)) {
		*cause = xasprintf("'%s' is a console command (the command line "
		    "has: hvdeck migrate DESKTOP... [DEST_HOST])", e->name);
		return -1;
	}
	if (argc == 2 && (is_host(argv[1]) || !is_desktop(argv[1])))
		return start(c, argv[0], argv[1], cause);	/* NAME DEST_HOST */
	if (argc >= 2) {	/* the marks, perhaps a host last */
		int dest = is_host(argv[argc - 1]);

		return ask_several(c, argv, (size_t)(argc - dest), dest ?
		    argv[argc - 1] : NULL, cause);
	}
	if ((uuid = cmd_target_desktop(c, argc, argv, cause)) == NULL)
		return -1;
	free(uuid);	/* it exists: the console's form chooses where */
	rc = cmd_form(c, e, argc, argv, cause);
	return rc;
}
