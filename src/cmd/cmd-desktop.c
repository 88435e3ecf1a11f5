/* cmd-desktop.c — the desktop verbs (`desktop start|shutdown|reboot|
 * pause|resume|toggle-pause|force-off NAME`): the console runs one
 * desktop's action and follows its job, or asks once for several (its
 * marks) and for a force off, naming the desktop and its host; the
 * command line runs its engine and waits for the job, asking a force off
 * on the terminal. */
#include "cmd/cmd-desktop.h"
#include "cmd/cmd-face.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-targets.h"
#include "core/names.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cmd_target_desktop(struct cmd_ctx *c, int argc, char **argv,
    char **cause)
{
	(void)c;
	if (argc == 0) {
		*cause = xstrdup("no desktop selected");
		return NULL;
	}
	return act_desktop_resolve(argv[0], NULL, cause);
}

/* Lock held. The desktop's host name, "?" when it runs nowhere known. */
static const char *host_of(const char *uuid)
{
	struct m_desktop *d = model_desktop(uuid);
	const struct m_place *pl = d != NULL ? model_desktop_place(d) : NULL;
	const struct m_host *h = pl != NULL ? model_host(pl->host_id) : NULL;

	return h != NULL ? h->name : "?";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The question's verbs, by enum domain_action. */
static const char *const verbs[DA_COUNT] = {
	[DA_START] = "Start", [DA_SHUTDOWN] = "Shut down",
	[DA_REBOOT] = "Reboot", [DA_PAUSE] = "Pause", [DA_RESUME] = "Resume",
	[DA_FORCE_OFF] = "Force off",
};

char *cmd_desktops_question(int a, char *const *uuids, size_t n)
{
	const char **hosts = xcalloc(n + 1, sizeof *hosts);
	char **names = xcalloc(n + 1, sizeof *names), *first;
	size_t nh = 0, i, k;
	char *list = xstrdup(""), *tmp, *q;
	struct m_desktop *d;

	model_lock();
	for (i = 0; i < n; i++) {
		const char *h = host_of(uuids[i]);

		d = model_desktop(uuids[i]);
		names[i] = d != NULL ? d->name : uuids[i];
		for (k = 0; k < nh && strcmp(hosts[k], h) != 0; k++)
			;
		if (k == nh)
			hosts[nh++] = h;
	}
	qsort(hosts, nh, sizeof *hosts, by_name);	/* a stable question */
	for (k = 0; k < nh; k++) {
		tmp = xasprintf("%s%s%s", list, k > 0 ? ", " : "", hosts[k]);
		free(list);
		list = tmp;
	}
	/* several: the first names too (issue 22), after the question */
	first = n > 1 ? cmd_targets_list(names, n, 3) : NULL;
	model_unlock();
	q = xasprintf("%s %zu desktop%s on %s?%s%s%s", a == CMD_DESKTOP_TOGGLE_PAUSE ?
	    "Pause/resume" : verbs[a], n, n == 1 ? "" : "s", list,
	    first != NULL ? " (" : "", first != NULL ? first : "",
	    first != NULL ? ")" : "");
	free(first);
	free(names);
	free(list);
	free(hosts);
	return q;
}

/* Pause/resume: resume when every one is paused, else pause. */
static int resolve_toggle(char *const *uuids, size_t n)
{
	struct m_desktop *d;
	size_t i;
	int a = DA_RESUME;

	model_lock();
	for (i = 0; i < n; i++) {
		d = model_desktop(uuids[i]);
		if (d == NULL || model_desktop_state(d) != DS_PAUSED)
			a = DA_PAUSE;
	}
	model_unlock();
	return a;
}

/* The answer's argument: "ACTION UUID UUID ...", the desktops as they
 * were when asked. Each its own job with its own result; refusals are
 * reported and the rest go on. */
static void desktops_confirmed(const struct cmd_face *f, const char *arg)
{
	struct cmd_ctx c = { .face = f };
	char **w;
	int n = cmd_split(arg, &w), i, ok = 0, refused = 0;
	enum domain_action a = (enum domain_action)atoi(w[0]);
	char *cause = NULL, first[160] = "";
	unsigned job;

	for (i = 1; i < n; i++) {
		if (act_domain(w[i], a, &job, &cause) == 0) {
			cmd_follow(&c, job);	/* each result in the status line */
			ok++;
			continue;
		}
		refused++;
		cmd_audit_note("refused", cause);
		model_event(SEV_WARN, "%s refused: %s", act_domain_name(a), cause);
		if (first[0] == '\0')
			snprintf(first, sizeof first, ": %s", cause);
		free(cause);
		cause = NULL;
	}
	cmd_free_words(w);
	if (n == 2 && refused == 0)
		return;	/* one desktop: its job says how it went */
	if (refused > 0)
		cmd_say(&c, 1, "%s: %d job%s started, %d refused%s",
		    act_domain_name(a), ok, ok == 1 ? "" : "s", refused, first);
	else
		cmd_say(&c, 0, "%s: %d job%s started", act_domain_name(a), ok,
		    ok == 1 ? "" : "s");
}

/* The UUIDs of the desktops named. NULL with *cause. Caller frees each
 * and the array. */
static char **resolve_all(int argc, char **argv, char **cause)
{
	char **uuids = xcalloc((size_t)argc + 1, sizeof *uuids);
	int i;

	for (i = 0; i < argc; i++) {
		if ((uuids[i] = act_desktop_resolve(argv[i], NULL, cause)) == NULL) {
			cmd_free_words(uuids);
			return NULL;
		}
	}
	return uuids;
}

/* Several desktops (the console's marks): one question naming how many
 * and where, then one job each. Force off of one asks too, naming the
 * desktop and its host, refused before asking: never a question whose
 * yes is refused. */
static int ask_desktops(struct cmd_ctx *c, int a, char **uuids, size_t n,
    char **cause)
{
	char *arg, *tmp, *q = NULL;
	size_t i;
	int rc;

	if (a == CMD_DESKTOP_TOGGLE_PAUSE)
		a = resolve_toggle(uuids, n);
	arg = xasprintf("%d", a);
	for (i = 0; i < n; i++) {
		tmp = xasprintf("%s %s", arg, uuids[i]);
		free(arg);
		arg = tmp;
	}
	if (n == 1) {	/* force off */
		struct m_desktop *d;
		const struct m_place *p;
		const struct m_host *h;

		if (act_domain_check(uuids[0], (enum domain_action)a, cause) < 0) {
			free(arg);
			return -1;
		}
		model_lock();
		d = model_desktop(uuids[0]);
		p = d != NULL ? model_desktop_place(d) : NULL;
		h = p != NULL ? model_host(p->host_id) : NULL;
		if (d != NULL)
			q = xasprintf("Force off desktop %s on %s? (like pulling "
			    "the power cord)", d->name, h != NULL ? h->name : "?");
		model_unlock();
	} else {
		q = cmd_desktops_question(a, uuids, n);
	}
	rc = q != NULL ? cmd_confirm(c, q, act_domain_name((enum domain_action)a),
	    desktops_confirmed, arg, cause) : 0;
	free(q);
	free(arg);
	return rc;
}

/* How long a job may take after the hosts answered: a libvirt call that
 * hangs longer is reported, not waited on forever. */
#define DESKTOP_WAIT_MS 120000

/* One desktop of the command line's: its name, UUID, host and job. */
struct one {
	const char *name;
	char *uuid, *host;
	unsigned job;               /* 0: refused */
};

/* The question of a force off: one desktop named with its host, several
 * by count and their first names. 0 on yes, -1 with *cause. */
static int ask_force_off(struct cmd_ctx *c, struct one *v, size_t n,
    char **cause)
{
	char **names = xcalloc(n + 1, sizeof *names), *list, *q, *what;
	const char *host = NULL;
	size_t i, k = 0;
	int rc;

	for (i = 0; i < n; i++)
		if (v[i].uuid != NULL) {
			names[k++] = (char *)v[i].name;
			if (host == NULL)
				host = v[i].host;	/* the one's, when one */
		}
	if (k == 0) {
		free(names);
		return 0;
	}
	list = cmd_targets_list(names, k, 3);
	if (k == 1) {
		q = xasprintf("Force off desktop %s on %s? (like pulling the "
		    "power cord)", names[0], host);
		what = xasprintf("force off %s on %s", names[0], host);
	} else {
		q = xasprintf("Force off %zu desktops (%s)? (like pulling the "
		    "power cord)", k, list);
		what = xasprintf("force off %zu desktops", k);
	}
	rc = cmd_confirm(c, q, what, NULL, NULL, cause);
	free(what);
	free(q);
	free(list);
	free(names);
	return rc;
}

/* Refused before anything starts: said, and counted as a result. */
static void refused(struct cmd_ctx *c, const char *name, char *cause)
{
	cmd_audit_note("refused", cause);
	cmd_say(c, 1, "%s", cause);
	cmd_result(c, 0, "refused", name, cause);
	free(cause);
}

/* The command line: o's job waited for (up to wait_ms), said. Returns
 * the exit status: 0 done, 1 failed or still running. */
static int report(struct cmd_ctx *c, const struct one *o,
    enum domain_action a, int wait_ms)
{
	enum job_state st = job_wait(o->job, wait_ms);
	char *err = job_error(o->job);
	int status = st == JOB_DONE ? 0 : 1;

	if (st == JOB_DONE)
		cmd_say(c, 0, "%s on %s: %s done", o->name, o->host,
		    act_domain_name(a));
	else if (job_state_final(st))
		cmd_say(c, 1, "%s on %s: %s %s: %s", o->name, o->host,
		    act_domain_name(a), job_state_name(st),
		    err != NULL ? err : "no reason given");
	else
		cmd_say(c, 1, "%s on %s: %s still %s after %d s", o->name,
		    o->host, act_domain_name(a), job_state_name(st),
		    wait_ms / 1000);
	cmd_result(c, o->job, job_state_name(st), o->name, err);
	job_release(o->job);
	free(err);
	return status;
}

/* The command line: its engine (as for dump); every desktop named is
 * resolved (a force off checked and asked once), every job started, then
 * each waited for (a shutdown's job waits for the guest, up to
 * shutdown_timeout): twenty desktops take as long as the slowest. */
static void wait_desktops(struct cmd_ctx *c, char **names, size_t n,
    enum domain_action a)
{
	struct one *v = xcalloc(n, sizeof *v);
	char *cause = NULL;
	size_t i;
	int st, wait_ms = DESKTOP_WAIT_MS + model_pending_timeout_ms();

	c->status = 1;
	if (cmd_engine_up(c) < 0) {
		free(v);
		return;
	}
	c->status = 0;
	for (i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].uuid = act_desktop_resolve(names[i], &v[i].host, &cause);
		if (v[i].uuid != NULL && a == DA_FORCE_OFF &&
		    act_domain_check(v[i].uuid, a, &cause) < 0) {
			free(v[i].uuid);
			v[i].uuid = NULL;
		}
		if (v[i].uuid == NULL) {
			refused(c, names[i], cause);
			cause = NULL;
			c->status = 1;
		}
	}
	if (a == DA_FORCE_OFF && ask_force_off(c, v, n, &cause) < 0) {
		refused(c, n == 1 ? names[0] : NULL, cause);
		c->status = 1;
		for (i = 0; i < n; i++) {
			free(v[i].uuid);
			v[i].uuid = NULL;
		}
	}
	for (i = 0; i < n; i++)
		if (v[i].uuid != NULL &&
		    act_domain(v[i].uuid, a, &v[i].job, &cause) < 0) {
			refused(c, names[i], cause);
			cause = NULL;
			c->status = 1;
		} else if (v[i].uuid != NULL) {
			job_hold(v[i].job);	/* read in turn: report() */
		}
	for (i = 0; i < n; i++) {
		if (v[i].job != 0 && (st = report(c, &v[i], a, wait_ms)) > c->status)
			c->status = st;
		free(v[i].uuid);
		free(v[i].host);
	}
	free(v);
	cmd_engine_down(c);
}

/* The console runs one desktop's action and follows its job; the command
 * line waits for it. */
int cmd_desktop_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char **uuids;
	int a = e->arg, rc = 0;
	unsigned job;

	if (argc == 0) {
		char *usage = cmd_usage(e);

		if (cmd_in_console(c))
			*cause = xstrdup("no desktop selected");
		else
			*cause = xasprintf("%s: the command line needs the "
			    "desktop's name (%s)", e->name, usage);
		free(usage);
		c->status = 2;	/* bad usage */
		return -1;
	}
	if (!cmd_in_console(c)) {	/* by names and one range, waited on */
		char **names;
		size_t n;

		if (cmd_targets_expand(argc, argv, 0, &names, &n, cause) < 0) {
			c->status = 2;
			return -1;
		}
		wait_desktops(c, names, n, (enum domain_action)a);
		names_free(names, n);
		return 0;
	}
	if ((uuids = resolve_all(argc, argv, cause)) == NULL)
		return -1;
	if (argc > 1 || a == DA_FORCE_OFF) {
		rc = ask_desktops(c, a, uuids, (size_t)argc, cause);
		cmd_free_words(uuids);
		return rc;
	}
	if (a == CMD_DESKTOP_TOGGLE_PAUSE)
		a = resolve_toggle(uuids, 1);
	if ((rc = act_domain(uuids[0], (enum domain_action)a, &job, cause)) == 0)
		cmd_follow(c, job);
	cmd_free_words(uuids);
	return rc;
}

