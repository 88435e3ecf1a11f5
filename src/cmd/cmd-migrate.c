/* cmd-migrate.c — `desktop migrate` in the console: the start of a
 * migration through act-migrate.h, with its pre-flight checklist kept for
 * the form and the progress view; without a destination the console's
 * migrate form (tui/form-migrate.c) chooses one and runs the full line. */
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-face.h"
#include "act/act-migrate.h"
#include "core/checklist.h"
#include "cmd/cmd-desktop.h"
#include "cmd/cmd-job.h"
#include "core/format.h"
#include "core/job.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the checklists of migrations started here ----
 * A checklist must outlive its job (act-migrate.h); the progress view
 * shows it too, so they are kept until hvdeck leaves. */

static struct started {
	unsigned job;
	struct checklist *cl;
} *started;
static size_t nstarted;

static void remember(unsigned job, struct checklist *cl)
{
	started = xreallocarray(started, nstarted + 1, sizeof *started);
	started[nstarted].job = job;
	started[nstarted].cl = cl;
	nstarted++;
}

struct checklist *cmd_migrate_checklist(unsigned job)
{
	size_t i;

	for (i = 0; i < nstarted; i++)
		if (started[i].job == job)
			return started[i].cl;
	return NULL;
}

void cmd_migrate_free_all(void)
{
	size_t i;

	for (i = 0; i < nstarted; i++)
		checklist_free(started[i].cl);
	free(started);
	started = NULL;
	nstarted = 0;
}

/* ---- the command ---- */

int cmd_migrate_request(const struct cmd_opts *o, struct migrate_req *r,
    char **cause)
{
	long long bw = 0, dt = 0;

	if (cmd_opt_int(o, cmd_opt_spec("desktop migrate", "bandwidth"), &bw,
	    cause) < 0 || cmd_opt_int(o, cmd_opt_spec("desktop migrate",
	    "max-downtime"), &dt, cause) < 0)
		return -1;
	r->bandwidth_mibs = (unsigned long)bw;
	r->max_downtime_ms = (long)dt;
	r->auto_converge = cmd_opt(o, "auto-converge") != NULL;
	r->postcopy = cmd_opt(o, "postcopy") != NULL;
	r->compress = cmd_opt(o, "compress") != NULL;
	r->copy_storage = cmd_opt(o, "copy-storage") != NULL;
	r->unsafe = cmd_opt(o, "unsafe") != NULL;
	r->no_persist = cmd_opt(o, "no-persist") != NULL;
	r->to_pool = cmd_opt(o, "to-pool");
	return 0;
}

static int start(struct cmd_ctx *c, const char *desktop, const char *dest,
    char **cause)
{
	struct migrate_req r;
	struct checklist *cl;
	unsigned job;
	char *vis;

	memset(&r, 0, sizeof r);
	if (cmd_migrate_request(c->opts, &r, cause) < 0)
		return -1;
	r.desktop = desktop;
	r.dest = dest;
	cl = checklist_new();
	if (migrate_start(&r, cl, &job, cause) < 0) {
		checklist_free(cl);
		return -1;
	}
	remember(job, cl);
	c->job = job;
	cmd_follow(c, job);
	vis = text_visible(dest);
	cmd_say(c, 0, "migration %u to %s: pre-flight checks (5: jobs, "
	    "Enter: progress)", job, vis);
	free(vis);
	return 0;
}

int cmd_migrate_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char *uuid;
	int rc;

	if (!cmd_in_console(c)) {
		*cause = xasprintf("'%s' is a console command (the command line "
		    "has: hvdeck migrate DESKTOP DEST_HOST)", e->name);
		return -1;
	}
	if (argc == 2)
		return start(c, argv[0], argv[1], cause);
	if ((uuid = cmd_target_desktop(c, argc, argv, cause)) == NULL)
		return -1;
	free(uuid);	/* it exists: the console's form chooses where */
	rc = cmd_form(c, e, argc, argv, cause);
	return rc;
}
