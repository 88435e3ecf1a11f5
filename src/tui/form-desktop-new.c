/* form-desktop-new.c — the console's form of `desktop new` (N: the
 * template desktop, or a choice of the template desktops that use the
 * selected volume; names, host, start). Enter runs the full command
 * line, names quoted, through the table. */
#include "tui/forms.h"
#include "act/act-desktop.h"
#include "cmd/cmd-desktop-new.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOSTS 64

/* The template desktop the console means: a desktops-pane row (a
 * template desktop), or for a volume row the template desktops using it. */
static size_t console_templates(struct ui *u, char ***names, char **cause)
{
	enum pane_id pane;
	const char *key = panes_selected(panes_of(u), &pane), *tab;
	struct m_desktop *d;
	char *why = NULL, *vis;
	size_t n;

	*names = NULL;
	if (key != NULL && pane == PANE_DESKTOPS) {
		model_lock();
		d = model_desktop(key);
		if (d == NULL)
			why = xstrdup("the desktop is gone");
		else if ((why = act_desktop_not_template(u->cfg, d)) == NULL) {
			*names = xcalloc(1, sizeof **names);
			(*names)[0] = xstrdup(d->uuid);
		}
		model_unlock();
		*cause = why;
		return why == NULL ? 1 : 0;
	}
	if (key == NULL || pane != PANE_VOLUMES) {
		*cause = xstrdup("select a template desktop (desktops pane: 4) or a "
		    "template volume (volumes pane: 3)");
		return 0;
	}
	tab = strchr(key, '\t');	/* "HOST\tPATH" for a local volume */
	n = act_desktop_templates_using(u->cfg,
	    tab != NULL ? tab + 1 : key, names);
	if (n == 0) {
		vis = text_visible(tab != NULL ? tab + 1 : key);
		*cause = xasprintf("no template desktop uses %s (a template "
		    "desktop: shut off, its disk a volume of pool %s)", vis,
		    u->cfg->pool_templates);
		free(vis);
	}
	return n;
}

struct new_form {
	char **tmpls;               /* names, or one UUID */
	size_t ntmpls;
	char **hosts;               /* "best" first, then the hosts */
	size_t nhosts;
};

static void new_form_free(void *ctx)
{
	struct new_form *nf = ctx;

	act_desktop_names_free(nf->tmpls, nf->ntmpls);
	act_desktop_names_free(nf->hosts, nf->nhosts);
	free(nf);
}

static int new_submit(struct ui *u, struct form *f, void *ctx)
{
	struct new_form *nf = ctx;
	size_t h = form_choice(f, "host");
	char *line, *on, *host, *tmpl, *names;
	int rc;

	host = cmd_quote(nf->hosts[h]);
	on = h == 0 ? xstrdup("") : xasprintf(" --on %s", host);
	tmpl = cmd_quote(nf->tmpls[form_choice(f, "template")]);
	names = cmd_quote(form_text(f, "names"));
	line = xasprintf("desktop new %s %s%s%s", tmpl, names, on,
	    form_check(f, "start") ? " --start" : "");
	rc = forms_submit(u, f, "names", line);
	free(line);
	free(names);
	free(tmpl);
	free(on);
	free(host);
	return rc;
}

static const struct form_ops new_ops = {
	.submit = new_submit,
	.free = new_form_free,
};

static int open_new_form(struct ui *u, char **tmpls, size_t n)
{
	struct new_form *nf = xcalloc(1, sizeof *nf);
	struct form *f = form_new("New desktops from a template");
	unsigned *ids = NULL;
	size_t i, nh;

	nf->tmpls = tmpls;
	nf->ntmpls = n;
	/* one template: only the hosts that can run its CPU (its copies
	 * ask for the same); several: the submit says which cannot */
	nh = place_hosts_for(PLACE_DESKTOP, 0, n == 1 ? tmpls[0] : NULL, &ids);
	nf->hosts = xcalloc(nh + 1, sizeof *nf->hosts);
	nf->hosts[nf->nhosts++] = xstrdup("best (most free memory)");
	model_lock();
	for (i = 0; i < nh && nf->nhosts < MAX_HOSTS; i++) {
		const struct m_host *h = model_host(ids[i]);

		if (h != NULL)
			nf->hosts[nf->nhosts++] = xstrdup(h->name);
	}
	/* one template given as a UUID shows as its name */
	if (n == 1) {
		struct m_desktop *d = model_desktop(tmpls[0]);
		char *name = xstrdup(d != NULL ? d->name : tmpls[0]);
		const char *only = name;

		form_add_choice(f, "template", "Template", &only, 1, 0);
		free(name);
	} else {
		form_add_choice(f, "template", "Template",
		    (const char *const *)tmpls, n, 0);
	}
	model_unlock();
	free(ids);
	form_add_text(f, "names", "Names", NULL);
	form_set_hint(f, "names", "e.g. class-a-{01..20}");
	form_add_choice(f, "host", "Host", (const char *const *)nf->hosts,
	    nf->nhosts, 0);
	/* unticked, as `desktop new` without --start: one default */
	form_add_check(f, "start", "Start them", 0);
	form_focus(f, "names");
	form_set_message(f, "each gets a thin overlay of the template's disk "
	    "in the groups pool, a new UUID and new MACs");
	mode_form_push(u, f, &new_ops, nf);
	return 0;
}

int form_desktop_new_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	char **tmpls;
	size_t n;

	(void)c; (void)e;
	if (argc == 0) {	/* the selected template desktop, or volume */
		if ((n = console_templates(u, &tmpls, cause)) == 0)
			return -1;
		return open_new_form(u, tmpls, n);
	}
	tmpls = xcalloc(1, sizeof *tmpls);
	if ((tmpls[0] = act_desktop_resolve(argv[0], NULL, cause)) == NULL) {
		free(tmpls);
		return -1;
	}
	return open_new_form(u, tmpls, 1);
}
