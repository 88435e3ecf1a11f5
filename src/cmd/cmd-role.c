/* cmd-role.c — `host role [NAME] [ROLE]` and `host maintenance [NAME]
 * [on|off]`. The command line needs both words (exit 2 without them);
 * the console defaults NAME to the selected host and, without the last
 * word, asks: a form with the roles (e), a confirmation naming the host
 * (M). The answer runs the full command line through the table. */
#include "cmd/cmd-role.h"
#include "act/act-role.h"
#include "tui/mode.h"
#include "core/model.h"
#include "core/text.h"
#include "tui/ui-form.h"
#include "tui/ui.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static const char *const role_choices[] = { "hypervisor", "disk", "mixed" };
#define NCHOICES (sizeof role_choices / sizeof role_choices[0])

/* Bad usage: the message with the entry's usage; exit status 2. */
static int usage_error(struct cmd_ctx *c, const struct cmd_entry *e,
    char **cause, const char *fmt, const char *word)
{
	char *usage = cmd_usage(e), *vis = text_visible(word), *msg;

	msg = xasprintf(fmt, vis);
	*cause = xasprintf("%s: %s (%s)", e->name, msg, usage);
	free(msg);
	free(vis);
	free(usage);
	c->status = EXIT_USAGE;
	return -1;
}

/* The host the command names: argv[0], or in the console the selected
 * row of the hypervisors pane. Caller frees. */
static char *target_host(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	enum pane_id pane;
	const char *key;

	if (argc > 0)
		return xstrdup(argv[0]);
	if (c->ui == NULL) {
		usage_error(c, e, cause, "%s", "the command line needs the "
		    "host's name");
		return NULL;
	}
	key = panes_selected(panes_of(c->ui), &pane);
	if (key == NULL || pane != PANE_HOSTS) {
		*cause = xstrdup("no host selected (hypervisors pane: 1)");
		return NULL;
	}
	return xstrdup(key);
}

/* The console's config, or the command line's. */
static const struct config *running_config(const struct cmd_ctx *c)
{
	return c->ui != NULL ? c->ui->cfg : c->cfg;
}

static int apply(struct cmd_ctx *c, const struct role_change *ch,
    const char *what, char **cause)
{
	char *vis = text_visible(ch->host);
	int changed;

	if (act_role_apply(running_config(c), ch, &changed, cause) < 0) {
		free(vis);
		c->status = 1;
		return -1;
	}
	if (c->ui != NULL)
		ui_message(c->ui, 0, "%s: %s%s", vis, what,
		    changed ? " (saved)" : " already");
	else
		printf("%s: %s%s\n", vis, what, changed ? "" : " already");
	free(vis);
	c->status = 0;
	return 0;
}

/* ---- the role form (e) ---- */

static int role_submit(struct ui *u, struct form *f, void *ctx)
{
	const char *host = ctx;
	struct cmd_ctx c;
	char *line, *quoted, *cause = NULL;
	int rc;

	memset(&c, 0, sizeof c);
	c.ui = u;
	c.read_only = u->read_only;
	quoted = cmd_quote(host);
	line = xasprintf("host role %s %s", quoted,
	    role_choices[form_choice(f, "role")]);
	free(quoted);
	rc = cmd_run_line(&c, line, 0, &cause);
	free(line);
	if (rc == 0)
		return 1;
	form_set_error(f, "role", cause);	/* the form stays */
	free(cause);
	return -1;
}

static const struct form_ops role_ops = {
	.submit = role_submit,
	.free = free,
};

static int open_role_form(struct ui *u, const char *host, char **cause)
{
	struct m_host **hosts;
	size_t n, i, initial = NCHOICES;
	struct form *f;
	char *title, *vis;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, host) == 0)
			initial = hosts[i]->role == ROLE_HYPERVISOR ? 0 :
			    hosts[i]->role == ROLE_DISK ? 1 : 2;
	model_unlock();
	vis = text_visible(host);
	if (initial == NCHOICES) {
		*cause = xasprintf("no host named %s", vis);
		free(vis);
		return -1;
	}
	title = xasprintf("Role of %s", vis);
	free(vis);
	f = form_new(title);
	free(title);
	form_add_choice(f, "role", "Role", role_choices, NCHOICES, initial);
	form_set_hint(f, "role", "Up/Down choose");
	form_set_message(f, "hypervisor: desktops only; disk: disk "
	    "operations only; mixed: both");
	mode_form_push(u, f, &role_ops, xstrdup(host));
	return 0;
}

int cmd_role_exec_role(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct role_change ch;
	char *host, what[64];
	int rc;

	if (argc == 2 && config_role_parse(argv[1], &ch.role) < 0)
		return usage_error(c, e, cause, "no role '%s': hypervisor, disk "
		    "or mixed", argv[1]);
	if (argc < 2 && c->ui == NULL)
		return usage_error(c, e, cause, "%s", argc == 0 ?
		    "the command line needs the host's name and the role" :
		    "which role: hypervisor, disk or mixed");
	if ((host = target_host(c, e, argc, argv, cause)) == NULL)
		return -1;
	if (argc < 2) {
		rc = open_role_form(c->ui, host, cause);
		free(host);
		return rc;
	}
	ch.host = host;
	ch.set_role = 1;
	ch.maintenance = 0;
	snprintf(what, sizeof what, "role %s", config_role_name(ch.role));
	rc = apply(c, &ch, what, cause);
	free(host);
	return rc;
}

/* ---- maintenance (M) ---- */

static void maintenance_confirmed(struct ui *u, const char *arg)
{
	ui_run_command(u, arg, 0);	/* "host maintenance "NAME" on" */
}

/* Toggle, asking first and naming the host. */
static int ask_toggle(struct ui *u, const char *host, char **cause)
{
	struct m_host **hosts;
	size_t n, i;
	int on = -1;
	char *vis, *text, *line, *quoted;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, host) == 0)
			on = hosts[i]->maintenance;
	model_unlock();
	vis = text_visible(host);
	if (on < 0) {
		*cause = xasprintf("no host named %s", vis);
		free(vis);
		return -1;
	}
	text = on ? xasprintf("Take %s out of maintenance? (new desktops, "
	    "derivations and migrations may go to it again)", vis) :
	    xasprintf("Put %s in maintenance? (no new desktops, derivations "
	    "or migrations go to it; what runs there keeps running)", vis);
	quoted = cmd_quote(host);
	line = xasprintf("host maintenance %s %s", quoted, on ? "off" : "on");
	free(quoted);
	mode_confirm_push(u, text, maintenance_confirmed, line);
	free(line);
	free(text);
	free(vis);
	return 0;
}

int cmd_role_exec_maintenance(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct role_change ch;
	char *host;
	int rc;

	if (argc == 2 && strcmp(argv[1], "on") != 0 &&
	    strcmp(argv[1], "off") != 0)
		return usage_error(c, e, cause, "'%s' is not on or off", argv[1]);
	if (argc < 2 && c->ui == NULL)
		return usage_error(c, e, cause, "%s", argc == 0 ?
		    "the command line needs the host's name and on or off" :
		    "on or off?");
	if ((host = target_host(c, e, argc, argv, cause)) == NULL)
		return -1;
	if (argc < 2) {
		rc = ask_toggle(c->ui, host, cause);
		free(host);
		return rc;
	}
	memset(&ch, 0, sizeof ch);
	ch.host = host;
	ch.maintenance = strcmp(argv[1], "on") == 0;
	rc = apply(c, &ch, ch.maintenance ? "maintenance on" :
	    "maintenance off", cause);
	free(host);
	return rc;
}
