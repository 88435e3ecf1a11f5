/* form-role.c — the console's form for `host role NAME` without a role
 * (e on the hypervisors pane): the three roles, the host's own chosen;
 * Enter runs `host role "NAME" ROLE` through the table. */
#include "tui/forms.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_choices[] = { "hypervisor", "disk", "mixed" };
#define NCHOICES (sizeof role_choices / sizeof role_choices[0])

static int role_submit(struct ui *u, struct form *f, void *ctx)
{
	char *line, *quoted = cmd_quote(ctx);
	int rc;

	line = xasprintf("host role %s %s", quoted,
	    role_choices[form_choice(f, "role")]);
	free(quoted);
	rc = forms_submit(u, f, "role", line);	/* an error: the form stays */
	free(line);
	return rc;
}

static const struct form_ops role_ops = {
	.submit = role_submit,
	.free = free,
};

int form_role_open(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	const char *host = argv[0];
	struct m_host **hosts;
	size_t n, i, initial = NCHOICES;
	struct form *f;
	char *title, *vis;

	(void)c; (void)e; (void)argc;
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

