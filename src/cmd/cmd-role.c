/* cmd-role.c — `host role [NAME] [ROLE]` and `host maintenance [NAME]
 * [on|off]`. The command line needs both words (exit 2 without them);
 * in the console, NAME is the selected host (the console names it) and,
 * without the last word, the console asks: its form with the roles (e,
 * tui/form-role.c), a confirmation naming the host (M). The answer runs
 * the full command line through the table. */
#include "cmd/cmd-role.h"
#include "cmd/cmd-face.h"
#include "act/act-role.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

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

/* The host the command names (the console puts its selected row
 * there). Caller frees. */
static char *target_host(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	if (argc > 0)
		return xstrdup(argv[0]);
	if (!cmd_in_console(c)) {
		usage_error(c, e, cause, "%s", "the command line needs the "
		    "host's name");
		return NULL;
	}
	*cause = xstrdup("no host selected (hypervisors pane: 1)");
	return NULL;
}

static int apply(struct cmd_ctx *c, const struct role_change *ch,
    const char *what, char **cause)
{
	char *vis = text_visible(ch->host);
	int changed;

	if (act_role_apply(c->cfg, ch, &changed, cause) < 0) {
		free(vis);
		c->status = 1;
		return -1;
	}
	/* the console says it was saved; the command line's exit says it */
	cmd_say(c, 0, "%s: %s%s", vis, what, changed ?
	    (cmd_in_console(c) ? " (saved)" : "") : " already");
	free(vis);
	c->status = 0;
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
	if (argc < 2 && !cmd_has_forms(c))
		return usage_error(c, e, cause, "%s", argc == 0 ?
		    "the command line needs the host's name and the role" :
		    "which role: hypervisor, disk or mixed");
	if ((host = target_host(c, e, argc, argv, cause)) == NULL)
		return -1;
	if (argc < 2) {	/* which role: the console's form asks */
		free(host);
		return cmd_form(c, e, argc, argv, cause);
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

/* Toggle, asking first and naming the host; yes runs "host maintenance
 * "NAME" on|off". */
static int ask_toggle(struct cmd_ctx *c, const char *host, char **cause)
{
	struct m_host **hosts;
	size_t n, i;
	int on = -1;
	char *vis, *text, *line, *quoted;
	int rc;

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
	rc = cmd_confirm(c, text, "host maintenance", cmd_face_run_line, line,
	    cause);
	free(line);
	free(text);
	free(vis);
	return rc;
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
	if (argc < 2 && !cmd_in_console(c))
		return usage_error(c, e, cause, "%s", argc == 0 ?
		    "the command line needs the host's name and on or off" :
		    "on or off?");
	if ((host = target_host(c, e, argc, argv, cause)) == NULL)
		return -1;
	if (argc < 2) {
		rc = ask_toggle(c, host, cause);
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
