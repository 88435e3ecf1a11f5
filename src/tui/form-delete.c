/* form-delete.c — the console's question for `desktop delete DESKTOP`
 * (Shift-X) as a form: it names the desktop, and a box its disk (named
 * too when it may go, else why not); Enter runs the command with --yes
 * through the table, Esc keeps the desktop. */
#include "tui/forms.h"
#include "act/act-desktop.h"
#include "cmd/cmd-desktop-new.h"
#include "cmd/cmd-targets.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int del_submit(struct ui *u, struct form *f, void *ctx)
{
	char *line, *desktop = cmd_quote(ctx);
	int rc;

	line = xasprintf("desktop delete %s --yes%s", desktop,
	    form_check(f, "disk") ? " --with-disk" : "");
	rc = forms_submit(u, f, "disk", line);
	free(line);
	free(desktop);
	return rc;
}

static const struct form_ops del_ops = {
	.submit = del_submit,
	.free = free,
};

/* The console's question: a form naming the desktop, a box for its disk
 * (named too), Enter deletes, Esc keeps. */
static int open_del_form(struct ui *u, const char *uuid, int with_disk,
    char **cause)
{
	char *name, *disk, *q, *why = NULL;
	struct form *f;

	if (act_desktop_delete_check(u->cfg, uuid, 0, &name, &disk, cause) < 0)
		return -1;
	free(disk);
	/* the disk is named when it may go; else why it may not */
	if (act_desktop_delete_check(u->cfg, uuid, 1, &q, &disk, &why) < 0)
		disk = NULL;
	else
		free(q);
	/* the title names both (a field's label is cut to its column) */
	if (disk != NULL) {
		char *vn = text_visible(name), *vd = text_visible(disk);

		q = xasprintf("Delete desktop %s? (disk %s)", vn, vd);
		free(vn);
		free(vd);
	} else {
		q = cmd_desktop_delete_question(name, NULL);
	}
	f = form_new(q);
	free(q);
	form_add_check(f, "disk", "Delete the disk too", disk != NULL && with_disk);
	if (disk == NULL) {	/* why it may not go, on the message line */
		form_lock(f, "disk", 1);
		form_set_message(f, why);
	} else {
		form_set_message(f, "Enter deletes, Esc keeps it");
	}
	mode_form_push(u, f, &del_ops, xstrdup(uuid));
	free(why);
	free(disk);
	free(name);
	return 0;
}

/* Several desktops (the marks): Enter runs `desktop delete --yes
 * [--with-disk] NAME...`, which refuses the ones that may not go (their
 * disk) and deletes the rest. */
static int several_submit(struct ui *u, struct form *f, void *ctx)
{
	char *line;
	int rc;

	line = xasprintf("desktop delete --yes%s %s", form_check(f, "disk") ?
	    " --with-disk" : "", (const char *)ctx);
	rc = forms_submit(u, f, "disk", line);
	free(line);
	return rc;
}

static const struct form_ops several_ops = {
	.submit = several_submit,
	.free = free,
};

/* The question for several: how many and the first names, a box for
 * their disks. */
static int open_several(struct ui *u, struct cmd_ctx *c, int argc,
    char **argv)
{
	char *list = cmd_targets_list(argv, (size_t)argc, 3), *q, *words, *t, *w;
	struct form *f;
	int i;

	q = xasprintf("Delete %d desktops? (%s)", argc, list);
	f = form_new(q);
	form_add_check(f, "disk", "Delete their disks too",
	    cmd_opt(c->opts, "with-disk") != NULL);
	form_set_message(f, "Enter deletes (a desktop that may not go is "
	    "named and kept), Esc keeps them");
	words = xstrdup("");
	for (i = 0; i < argc; i++) {
		w = cmd_quote(argv[i]);
		t = xasprintf("%s%s%s", words, i > 0 ? " " : "", w);
		free(w);
		free(words);
		words = t;
	}
	mode_form_push(u, f, &several_ops, words);
	free(q);
	free(list);
	return 0;
}

int form_delete_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	char *uuid;
	int rc;

	(void)e;
	if (argc > 1)
		return open_several(u, c, argc, argv);
	if ((uuid = act_desktop_resolve(argv[0], NULL, cause)) == NULL)
		return -1;
	rc = open_del_form(u, uuid, cmd_opt(c->opts, "with-disk") != NULL,
	    cause);
	free(uuid);
	return rc;
}
