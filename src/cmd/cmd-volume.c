/* cmd-volume.c — `volume delete`: the console asks first (Shift-D; --yes
 * is its answer), the command line runs the job and waits for it, so its exit status says
 * whether the volume is gone from every host that shares its pool. */
#include "cmd/cmd-volume.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-targets.h"
#include "act/act-pool.h"
#include "act/act-volume.h"
#include "core/job.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
/* A delete and the refreshes after it: a hung libvirt call is reported. */
#define JOB_WAIT_MS 180000

/* The command to run on the console's yes: the same delete, --yes. */
static char *delete_line(const struct vol_target *t)
{
	char *label_path = xasprintf("%s/%s", t->pool, t->name);
	char *quoted = cmd_quote(label_path), *on = cmd_quote(t->host);
	char *line = xasprintf("volume delete %s --on %s --yes", quoted, on);

	free(label_path);
	free(quoted);
	free(on);
	return line;
}

/* Asked first, naming the volume and its path, refused before asking
 * when something depends on it: the console's yes runs the same command
 * with --yes, the command line's terminal answers before the delete goes
 * on (no terminal: refused, nothing deleted). */
static int ask_delete(struct cmd_ctx *c, const struct vol_target *t,
    char **cause)
{
	char *label, *text, *vis, *line = NULL;
	int console = cmd_in_console(c), rc;

	if (act_volume_delete_check(t, cause) < 0)
		return -1;
	label = act_volume_label(t);
	vis = text_visible(t->path);
	text = xasprintf("Delete volume %s (%s)? Its data is lost.", label, vis);
	if (console)
		line = delete_line(t);
	rc = cmd_confirm(c, text, "volume delete", console ? cmd_face_run_line :
	    NULL, line, cause);
	free(line);
	free(text);
	free(vis);
	free(label);
	return rc;
}

/* The command line: its engine (as for dump), the job waited for. */
static int cli_delete(struct cmd_ctx *c, const char *spec, const char *host,
    char **cause)
{
	struct vol_target t;
	enum job_state st;
	unsigned job;
	char *label, *err;

	c->status = 1;
	if (cmd_engine_up(c) < 0)
		return -1;
	if (act_volume_find(spec, host, &t, cause) < 0) {
		cmd_engine_down(c);
		return -1;
	}
	if ((cmd_opt(c->opts, "yes") == NULL && ask_delete(c, &t, cause) < 0) ||
	    act_volume_delete(&t, &job, cause) < 0) {
		act_volume_target_free(&t);
		cmd_engine_down(c);
		return -1;
	}
	label = act_volume_label(&t);
	st = job_wait(job, JOB_WAIT_MS);
	err = job_error(job);
	if (st == JOB_DONE) {
		cmd_say(c, 0, "volume %s deleted", label);
		c->status = 0;
	} else if (job_state_final(st))
		*cause = xstrdup(err != NULL ? err : "delete failed");
	else
		*cause = xasprintf("delete of %s still %s after %d s", label,
		    job_state_name(st), JOB_WAIT_MS / 1000);
	free(err);
	free(label);
	act_volume_target_free(&t);
	cmd_engine_down(c);
	return c->status == 0 ? 0 : -1;
}

int cmd_volume_exec_delete(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	const char *host = cmd_opt(c->opts, "on");
	struct vol_target t;
	unsigned job = 0;
	int rc;

	if (argc == 0 && cmd_in_console(c)) {
		*cause = xstrdup("no volume selected (volumes pane: 3)");
		return -1;
	}
	if (argc == 0) {
		char *usage = cmd_usage(e);

		*cause = xasprintf("%s: the command line needs the volume as "
		    "POOL/NAME (%s)", e->name, usage);
		free(usage);
		c->status = EXIT_USAGE;
		return -1;
	}
	if (!cmd_in_console(c))
		return cli_delete(c, argv[0], host, cause);
	if (act_volume_find(argv[0], host, &t, cause) < 0)
		return -1;
	if (cmd_opt(c->opts, "yes") == NULL)
		rc = ask_delete(c, &t, cause);
	else if ((rc = act_volume_delete(&t, &job, cause)) == 0)
		cmd_follow(c, job);
	act_volume_target_free(&t);
	return rc;
}

/* libvirt sends no event for a volume made behind its back: rescan. */
/* "HOST/POOL" of a refresh job (its host and name). Caller frees. */
static char *refresh_target(unsigned job)
{
	const struct job *j;
	char *t;

	job_lock();
	j = job_find(job);
	t = j != NULL ? xasprintf("%s/%s", j->host != NULL ? j->host : "?",
	    j->name != NULL ? j->name : "?") : xasprintf("job %u", job);
	job_unlock();
	return t;
}

/* The command line: its engine, every refresh waited for and said (the
 * volumes a pool now has are in `hvdeck dump`). */
static int refresh_waited(struct cmd_ctx *c, const char *which,
    const char *on)
{
	unsigned *jobs;
	enum job_state st;
	char *cause = NULL, *err, *t;
	int n, i;

	c->status = 1;
	if (cmd_engine_up(c) < 0)
		return 0;
	if ((n = act_pool_refresh_jobs(which, on, &jobs, &cause)) < 0) {
		cmd_say(c, 1, "%s", cause);
		cmd_result(c, 0, "refused", which, cause);
		free(cause);
		cmd_engine_down(c);
		return 0;
	}
	c->status = 0;
	for (i = 0; i < n; i++)
		job_hold(jobs[i]);	/* each read in turn, after others ended */
	for (i = 0; i < n; i++) {
		st = job_wait(jobs[i], JOB_WAIT_MS);
		err = job_error(jobs[i]);
		t = refresh_target(jobs[i]);
		if (st == JOB_DONE) {
			cmd_say(c, 0, "%s: refreshed", t);
		} else {
			cmd_say(c, 1, "%s: refresh %s: %s", t, job_state_name(st),
			    err != NULL ? err : "no reason given");
			c->status = 1;
		}
		cmd_result(c, jobs[i], job_state_name(st), t, err);
		job_release(jobs[i]);
		free(t);
		free(err);
	}
	free(jobs);
	cmd_engine_down(c);
	return 0;
}

int cmd_pool_exec_refresh(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	const char *on = cmd_opt(c->opts, "on");
	int n;

	(void)e;
	if (!cmd_in_console(c))
		return refresh_waited(c, argc > 0 ? argv[0] : NULL, on);
	if (argc == 0) {
		*cause = xstrdup("no pool selected (pools pane: 2)");
		return -1;
	}
	if ((n = act_pool_refresh_jobs(argv[0], on, NULL, cause)) < 0)
		return -1;
	cmd_say(c, 0, "pool refresh queued on %d host%s", n, n == 1 ? "" : "s");
	return 0;
}
