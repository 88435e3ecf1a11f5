/* ui-marks.c — one action on every marked desktop: one question that says
 * how many and where, then one job per desktop so each has its own result,
 * and a report of the ones that were refused. */
#include "tui/ui-marks.h"
#include "act/act-domain.h"
#include "cmd/cmd-audit.h"
#include "tui/mode.h"
#include "core/model.h"
#include "tui/ui.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOGGLE_PAUSE (-1)

/* The question's verbs, by enum domain_action. */
static const char *const verbs[DA_COUNT] = {
	[DA_START] = "Start", [DA_SHUTDOWN] = "Shut down",
	[DA_REBOOT] = "Reboot", [DA_PAUSE] = "Pause", [DA_RESUME] = "Resume",
	[DA_FORCE_OFF] = "Force off",
};

int ui_marks_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct panes *p;
	size_t n;

	(void)argc; (void)argv;
	if (c->ui == NULL || (p = panes_of(c->ui)) == NULL) {
		*cause = xasprintf("%s: only in the console", e->name);
		return -1;
	}
	switch (e->arg) {
	case UI_MARK_TOGGLE:
	case UI_MARK_SHOWN:
		if ((e->arg == UI_MARK_TOGGLE ? panes_mark_toggle(p) :
		    panes_mark_shown(p)) < 0) {
			*cause = xstrdup("marks are for desktops: focus the "
			    "desktops pane (4)");
			return -1;
		}
		break;
	case UI_MARK_CLEAR:
		n = panes_mark_clear(p);
		ui_message(c->ui, 0, "%zu mark%s cleared", n, n == 1 ? "" : "s");
		break;
	}
	return 0;
}

size_t ui_marks_count(struct ui *u)
{
	size_t n = 0;

	if (u != NULL && panes_of(u) != NULL)
		panes_marks(panes_of(u), &n);
	return n;
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

char *ui_marks_question(int a, char *const *uuids, size_t n)
{
	const char **hosts = xcalloc(n + 1, sizeof *hosts);
	size_t nh = 0, i, k;
	char *list = xstrdup(""), *tmp, *q;

	model_lock();
	for (i = 0; i < n; i++) {
		const char *h = host_of(uuids[i]);

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
	model_unlock();
	q = xasprintf("%s %zu desktop%s on %s?", a == TOGGLE_PAUSE ?
	    "Pause/resume" : verbs[a], n, n == 1 ? "" : "s", list);
	free(list);
	free(hosts);
	return q;
}

/* Pause/resume of a set: resume when every one is paused, else pause. */
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

/* The confirmation's argument: "ACTION UUID UUID ...", the marks as they
 * were when asked (so a mark made after the question is not acted on). */
static void confirmed(struct ui *u, const char *arg)
{
	char **w;
	int n = cmd_split(arg, &w), i, ok = 0, refused = 0;
	enum domain_action a = (enum domain_action)atoi(w[0]);
	char *cause = NULL, first[160] = "";
	unsigned job;

	for (i = 1; i < n; i++) {
		if (act_domain(w[i], a, &job, &cause) == 0) {
			ui_follow_job(u, job);	/* each result in the status line */
			ok++;
			continue;
		}
		refused++;	/* reported, and the rest go on */
		cmd_audit_note("refused", cause);
		model_event(SEV_WARN, "%s refused: %s", act_domain_name(a), cause);
		if (first[0] == '\0')
			snprintf(first, sizeof first, ": %s", cause);
		free(cause);
		cause = NULL;
	}
	cmd_free_words(w);
	panes_mark_clear(panes_of(u));
	if (refused > 0)
		ui_message(u, 1, "%s: %d job%s started, %d refused%s",
		    act_domain_name(a), ok, ok == 1 ? "" : "s", refused, first);
	else
		ui_message(u, 0, "%s: %d job%s started", act_domain_name(a), ok,
		    ok == 1 ? "" : "s");
}

int ui_marks_act(struct ui *u, int a, char **cause)
{
	size_t n, i;
	char *const *uuids = panes_marks(panes_of(u), &n);
	char *arg, *tmp, *q;

	if (n == 0) {
		*cause = xstrdup("no desktop marked");
		return -1;
	}
	if (a == TOGGLE_PAUSE)
		a = resolve_toggle(uuids, n);
	if (a < 0 || a >= DA_COUNT) {
		*cause = xstrdup("not an action on desktops");
		return -1;
	}
	arg = xasprintf("%d", a);
	for (i = 0; i < n; i++) {
		tmp = xasprintf("%s %s", arg, uuids[i]);
		free(arg);
		arg = tmp;
	}
	q = ui_marks_question(a, uuids, n);
	mode_confirm_push(u, q, confirmed, arg);
	free(q);
	free(arg);
	return 0;
}
