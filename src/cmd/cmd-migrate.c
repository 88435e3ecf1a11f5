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

#include <errno.h>
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

/* Option --name as a number in [0, max] into *out (untouched when the
 * option is absent). */
static int opt_number(const struct cmd_ctx *c, const char *name, long max,
    long *out, char **cause)
{
	const char *v = cmd_opt(c->opts, name);
	char *end;
	long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 0 || n > max) {
		*cause = xasprintf("--%s: '%s' is not a number from 0 to %ld",
		    name, v, max);
		return -1;
	}
	*out = n;
	return 0;
}


static int start(struct cmd_ctx *c, const char *desktop, const char *dest,
    char **cause)
{
	struct migrate_req r;
	struct checklist *cl;
	long bw = 0, dt = 0;
	unsigned job;
	char *vis;

	if (opt_number(c, "bandwidth", CMD_MIGRATE_BANDWIDTH_MAX, &bw, cause) < 0 ||
	    opt_number(c, "max-downtime", CMD_MIGRATE_DOWNTIME_MAX, &dt, cause) < 0)
		return -1;
	memset(&r, 0, sizeof r);
	r.desktop = desktop;
	r.dest = dest;
	r.bandwidth_mibs = (unsigned long)bw;
	r.max_downtime_ms = dt;
	r.auto_converge = cmd_opt(c->opts, "auto-converge") != NULL;
	r.postcopy = cmd_opt(c->opts, "postcopy") != NULL;
	r.compress = cmd_opt(c->opts, "compress") != NULL;
	r.copy_storage = cmd_opt(c->opts, "copy-storage") != NULL;
	r.unsafe = cmd_opt(c->opts, "unsafe") != NULL;
	r.no_persist = cmd_opt(c->opts, "no-persist") != NULL;
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
