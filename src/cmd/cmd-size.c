/* cmd-size.c — `desktop set`: the options into a size request, refused
 * before any change when over capacity (act-size.c); the console follows
 * the job (its note goes to the events), the command line waits for it
 * and prints what changed live and what at next start. */
#include "cmd/cmd-size.h"
#include "act/act-desktop.h"
#include "act/act-size.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-face.h"
#include "core/job.h"
#include "core/util.h"

#include <stdlib.h>

/* How long the change may take on its host once queued. */
#define SIZE_WAIT_MS 60000

/* The options as a request: 0 or -1 with *cause (bad values were
 * refused by the typed option lines already). */
static int request(const struct cmd_ctx *c, const char *command,
    struct size_req *r, char **cause)
{
	long long v;

	r->vcpus = 0;
	r->memory_kib = r->max_memory_kib = 0;
	v = 0;
	if (cmd_opt_int(c->opts, cmd_opt_spec(command, "vcpus"), &v, cause) < 0)
		return -1;
	r->vcpus = (unsigned)v;
	v = 0;
	if (cmd_opt_int(c->opts, cmd_opt_spec(command, "memory"), &v, cause) < 0)
		return -1;
	r->memory_kib = (uint64_t)v * 1024;
	v = 0;
	if (cmd_opt_int(c->opts, cmd_opt_spec(command, "max-memory"), &v,
	    cause) < 0)
		return -1;
	r->max_memory_kib = (uint64_t)v * 1024;
	return 0;
}

/* The command line: the job waited for, its note printed. */
static void wait_size(struct cmd_ctx *c, const char *name, unsigned job)
{
	enum job_state st = job_wait(job, SIZE_WAIT_MS);
	char *err = job_error(job), *note = act_size_note(job);

	if (st == JOB_DONE) {
		cmd_say(c, 0, "%s", note != NULL ? note : name);
		c->status = 0;
	} else {
		cmd_say(c, 1, "desktop set %s: %s%s%s", name, job_state_name(st),
		    err != NULL ? ": " : "", err != NULL ? err : "");
	}
	free(err);
	free(note);
}

int cmd_size_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct size_req r;
	char *uuid;
	unsigned job;
	int engine = 0;

	c->status = 2;
	if (argc == 0) {
		*cause = xstrdup(cmd_in_console(c) ? "no desktop selected" :
		    "desktop set: the command line needs the desktop's name");
		return -1;
	}
	if (request(c, e->name, &r, cause) < 0)
		return -1;
	if (r.vcpus == 0 && r.memory_kib == 0 && r.max_memory_kib == 0) {
		if (cmd_has_forms(c))	/* z: the form */
			return cmd_form(c, e, argc, argv, cause);
		*cause = xstrdup("desktop set: nothing to change (--vcpus N, "
		    "--memory MiB, --max-memory MiB)");
		return -1;
	}
	c->status = 1;
	if (!cmd_in_console(c)) {
		if (cmd_engine_up(c) < 0) {
			*cause = xstrdup("desktop set: the engine did not start");
			return -1;
		}
		engine = 1;
	}
	if ((uuid = act_desktop_resolve(argv[0], NULL, cause)) == NULL ||
	    act_size(uuid, &r, &job, cause) < 0) {
		free(uuid);
		if (engine)
			cmd_engine_down(c);
		return -1;
	}
	free(uuid);
	if (cmd_in_console(c))
		cmd_follow(c, job);
	else
		wait_size(c, argv[0], job);
	if (engine)
		cmd_engine_down(c);
	return 0;
}
