/* form-size.c — the console's form of `desktop set NAME` (z on a
 * desktop): its vCPUs, memory and maximum memory as they are; Enter runs
 * `desktop set "NAME"` with the values that changed, through the table,
 * and a refusal (over capacity, with the numbers) stays in the form. */
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

/* The desktop (its UUID) and its size when the form opened. */
struct size_form {
	char *uuid;
	long vcpus, memory, max_memory;     /* MiB */
};

static void size_free(void *ctx)
{
	struct size_form *s = ctx;

	free(s->uuid);
	free(s);
}

static void opt(char **line, const char *name, long now, long was)
{
	char *tmp;

	if (now == was)
		return;
	tmp = xasprintf("%s --%s %ld", *line, name, now);
	free(*line);
	*line = tmp;
}

static int size_submit(struct ui *u, struct form *f, void *ctx)
{
	struct size_form *s = ctx;
	char *quoted = cmd_quote(s->uuid), *line;
	size_t len;
	int rc;

	line = xasprintf("desktop set %s", quoted);
	free(quoted);
	len = strlen(line);
	opt(&line, "vcpus", form_number(f, "vcpus"), s->vcpus);
	opt(&line, "memory", form_number(f, "memory"), s->memory);
	opt(&line, "max-memory", form_number(f, "max-memory"), s->max_memory);
	if (strlen(line) == len) {
		form_set_message(f, "nothing changed (Esc closes)");
		free(line);
		return -1;
	}
	rc = forms_submit(u, f, NULL, line);	/* a refusal: the form stays */
	free(line);
	return rc;
}

static const struct form_ops size_ops = {
	.submit = size_submit,
	.free = size_free,
};

int form_size_open(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct size_form *s = xcalloc(1, sizeof *s);
	struct m_desktop *d;
	struct form *f;
	char *title = NULL, *vis;
	int live = 0;

	(void)c; (void)e; (void)argc;
	if ((s->uuid = act_desktop_resolve(argv[0], NULL, cause)) == NULL) {
		free(s);
		return -1;
	}
	model_lock();
	if ((d = model_desktop(s->uuid)) != NULL) {
		vis = text_visible(d->name);
		title = xasprintf("Size of %s", vis);
		free(vis);
		s->vcpus = (long)d->xml.vcpus;
		s->memory = (long)(d->xml.memory_kib / 1024);
		s->max_memory = (long)(d->xml.max_memory_kib / 1024);
		live = d->run_host != 0;
	}
	model_unlock();
	if (title == NULL) {
		*cause = xstrdup("the desktop is gone");
		size_free(s);
		return -1;
	}
	f = form_new(title);
	free(title);
	form_add_number(f, "vcpus", "vCPUs", 1, 4096, s->vcpus);
	form_add_number(f, "memory", "Memory MiB", 1, 16L << 20, s->memory);
	form_add_number(f, "max-memory", "Max memory MiB", 1, 16L << 20,
	    s->max_memory);
	form_set_hint(f, "memory", "within max memory: the balloon, live");
	form_set_hint(f, "max-memory", live ? "applies at next start" :
	    "the most the guest may be given");
	form_set_message(f, live ? "running: vCPUs and memory change live "
	    "where libvirt allows it, the rest at next start; checked against "
	    "the host's capacity" : "shut off: its definition changes; "
	    "checked against the host's capacity");
	mode_form_push(u, f, &size_ops, s);
	return 0;
}
