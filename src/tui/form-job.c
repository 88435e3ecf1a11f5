/* form-job.c — the console's small form for `job bandwidth ID` and `job
 * downtime ID` without a value (b and d on a running migration): the
 * value now and a suggestion; Enter runs `job bandwidth ID VALUE`
 * through the table. */
#include "tui/forms.h"
#include "act/act-migrate.h"
#include "cmd/cmd-job.h"
#include "cmd/cmd-opts.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct value_form {
	unsigned id;
	int op;                 /* JOB_OP_BANDWIDTH, JOB_OP_DOWNTIME */
};

static int value_submit(struct ui *u, struct form *f, void *arg)
{
	struct value_form *vf = arg;
	char *line;
	int rc;

	line = xasprintf("job %s %u %ld", vf->op == JOB_OP_BANDWIDTH ?
	    "bandwidth" : "downtime", vf->id, form_number(f, "value"));
	rc = forms_submit(u, f, "value", line);
	free(line);
	return rc;
}

static const struct form_ops value_ops = {
	.submit = value_submit,
	.free = free,
};

int form_job_value_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	struct migrate_stats st;
	struct value_form *vf;
	struct form *form;
	char *title, *name, hint[96];
	int op = e->arg;
	const struct cmd_opt_spec *s = cmd_job_value_spec(op);
	unsigned id = (unsigned)strtoul(argv[0], NULL, 10);

	(void)c; (void)argc;
	if (cmd_job_migration(id, &name, &st, cause) < 0)
		return -1;
	title = xasprintf("%s of migration %u (%s)", op == JOB_OP_BANDWIDTH ?
	    "Bandwidth" : "Max downtime", id, name);
	form = form_new(title);
	free(title);
	free(name);
	if (op == JOB_OP_BANDWIDTH) {
		/* an operator who presses b wants more: offer double */
		form_add_number(form, "value", "MiB/s", (long)s->min, (long)s->max,
		    st.bandwidth_mibs > 0 ? (long)st.bandwidth_mibs * 2 : 0);
		snprintf(hint, sizeof hint, "now %lu%s; 0 = unlimited",
		    st.bandwidth_mibs, st.bandwidth_mibs > 0 ? " MiB/s" :
		    " (unlimited)");
	} else {
		form_add_number(form, "value", "ms", (long)s->min, (long)s->max,
		    st.max_downtime_ms > 0 ? st.max_downtime_ms * 2 : 500);
		snprintf(hint, sizeof hint, "now %ld ms, expected %llu ms",
		    st.max_downtime_ms, (unsigned long long)st.expected_downtime_ms);
	}
	form_set_hint(form, "value", hint);
	form_set_message(form, "Enter: apply   Esc: leave it");
	vf = xcalloc(1, sizeof *vf);
	vf->id = id;
	vf->op = op;
	mode_form_push(u, form, &value_ops, vf);
	return 0;
}

