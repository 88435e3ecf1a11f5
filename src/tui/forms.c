/* forms.c — the table of the console's command forms and the one way a
 * form's command line runs (forms.h). */
#include "tui/forms.h"
#include "cmd/cmd-relay.h"
#include "core/job.h"
#include "core/util.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdlib.h>
#include <string.h>

static const struct ui_form_opener openers[] = {
	{ "host add", form_host_add_open },
	{ "host role", form_role_open },
	{ "job bandwidth", form_job_value_open },
	{ "job downtime", form_job_value_open },
	{ "desktop migrate", form_migrate_open },
	{ "derive", form_derive_open },
	{ "desktop new", form_desktop_new_open },
	{ "template from", form_template_open },
	{ "desktop delete", form_delete_open },
	{ "host drain", form_drain_open },
	{ "desktop move-disk", form_disk_move_open },
	{ "capacity", form_capacity_open },
	{ "desktop set", form_size_open },
	{ "desktop viewer", form_viewer_open },
};

const struct ui_form_opener *forms_table(size_t *n)
{
	*n = sizeof openers / sizeof openers[0];
	return openers;
}

int forms_run_line(struct ui *u, struct cmd_ctx *c, const char *line,
    char **cause)
{
	int marks, rc;
	unsigned before;
	char *full = ui_cmd_explicit(u, line, 0, &marks);

	c->face = &u->face;
	c->cfg = u->cfg;
	c->read_only = u->read_only;
	before = cmd_relay_request_last();
	rc = cmd_run_line(c, full, 0, cause);
	u->sent_request = cmd_relay_request_last();
	if (u->sent_request == before)
		u->sent_request = 0;	/* run here, or refused before sending */
	free(full);
	return rc;
}

int forms_awaited(struct ui *u, unsigned request, int kind, unsigned *job,
    const char **why)
{
	const struct job *j;
	int ours = 0, unknown = 0;

	if (request == 0) {
		*why = "the line did not go to the server";
		return -1;
	}
	if (u->last_follow != 0 && u->follow_request == request) {
		job_lock();
		j = job_find(u->last_follow);
		unknown = j == NULL;	/* its line is still on the way */
		ours = j != NULL && (int)j->kind == kind;
		job_unlock();
	}
	if (ours) {
		*job = u->last_follow;
		return 1;
	}
	if (unknown)
		return 0;
	/* a reply to an earlier line may come after this one went: only
	 * this line's own refusal counts */
	if (u->refusal_request != request)
		return 0;
	*why = u->refusal;
	return -1;
}

int forms_cancel_remote(struct ui *u, unsigned job, char **cause)
{
	struct cmd_ctx c;
	char *line = xasprintf("job cancel %u --yes", job);
	int rc;

	memset(&c, 0, sizeof c);
	rc = forms_run_line(u, &c, line, cause);
	free(line);
	return rc;
}

void forms_forsake(struct ui *u, unsigned request)
{
	if (request == 0)
		return;
	memmove(u->forsaken + 1, u->forsaken,
	    sizeof u->forsaken - sizeof u->forsaken[0]);
	u->forsaken[0] = request;
}

int forms_forsaken_now(const struct ui *u)
{
	unsigned request = cmd_relay_delivering();
	size_t i;

	for (i = 0; request != 0 && i < sizeof u->forsaken /
	    sizeof u->forsaken[0]; i++)
		if (u->forsaken[i] == request)
			return 1;
	return 0;
}

int forms_forsaken_job(struct ui *u, unsigned job)
{
	char *cause = NULL;

	if (!forms_forsaken_now(u))
		return 0;
	if (forms_cancel_remote(u, job, &cause) < 0) {
		ui_message(u, 1, "%s", cause);
		free(cause);
	}
	return 1;
}

int forms_forsaken_question(struct ui *u, const char *ticket)
{
	if (!forms_forsaken_now(u))
		return 0;
	cmd_relay_no(ticket);
	return 1;
}

int forms_submit(struct ui *u, struct form *f, const char *field,
    const char *line)
{
	struct cmd_ctx c;

	memset(&c, 0, sizeof c);
	return forms_run(u, f, field, &c, line) == 0 ? 1 : -1;
}

int forms_run(struct ui *u, struct form *f, const char *field,
    struct cmd_ctx *c, const char *line)
{
	char *cause = NULL;

	if (forms_run_line(u, c, line, &cause) == 0)
		return 0;
	if (field != NULL)
		form_set_error(f, field, cause);
	else
		form_set_message(f, cause);
	free(cause);
	return -1;
}
