/* form-template.c — the console's form of `template from DESKTOP` (T on
 * a shut-off desktop): the template's name, keep its base or flatten.
 * Enter runs the full command line, names quoted, through the table. */
#include "tui/forms.h"
#include "act/act-desktop.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tmpl_submit(struct ui *u, struct form *f, void *ctx)
{
	char *line, *desktop = cmd_quote(ctx), *name;
	int rc;

	name = cmd_quote(form_text(f, "name"));
	line = xasprintf("template from %s %s%s", desktop, name,
	    form_choice(f, "disk") == 1 ? " --flatten" : "");
	rc = forms_submit(u, f, "name", line);
	free(line);
	free(name);
	free(desktop);
	return rc;
}

static const struct form_ops tmpl_ops = {
	.submit = tmpl_submit,
	.free = free,
};

static const char *const disk_choices[] = {
	"keep its base (a thin copy)", "flatten (standalone qcow2)",
};

static int open_tmpl_form(struct ui *u, const char *uuid, char **cause)
{
	struct m_desktop *d;
	struct form *f;
	char *title = NULL;

	model_lock();
	if ((d = model_desktop(uuid)) != NULL) {
		char *vis = text_visible(d->name);

		title = xasprintf("Template from %s", vis);
		free(vis);
	}
	model_unlock();
	if (title == NULL) {
		*cause = xstrdup("the desktop is gone");
		return -1;
	}
	f = form_new(title);
	free(title);
	form_add_text(f, "name", "Name", NULL);
	form_set_hint(f, "name", "the template desktop; its disk NAME.qcow2");
	form_add_choice(f, "disk", "Disk", disk_choices, 2, 0);
	form_set_message(f, "the disk is copied into the templates pool; the "
	    "template desktop is defined shut off");
	mode_form_push(u, f, &tmpl_ops, xstrdup(uuid));
	return 0;
}

int form_template_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	char *uuid;
	int rc;

	(void)c; (void)e; (void)argc;
	if ((uuid = act_desktop_resolve(argv[0], NULL, cause)) == NULL)
		return -1;
	rc = open_tmpl_form(u, uuid, cause);
	free(uuid);
	return rc;
}
