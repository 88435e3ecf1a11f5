/* cli-desktop.c — `hvdeck desktop VERB NAME` from a shell: the same action
 * and job the console's key runs, waited on for an exit status. The engine
 * starts as for dump, the desktop is found by name once the hosts have
 * answered, and the job's end decides: 0 done, 1 refused or failed (with
 * libvirt's text). Force off asks on the terminal, naming the desktop and
 * its host, and is refused without one. */
#include "cli/cli.h"
#include "act/act-desktop.h"
#include "act/act-domain.h"
#include "cmd/cmd-audit.h"
#include "act/engine.h"
#include "core/job.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long a job may take after the hosts answered: a libvirt call that
 * hangs longer is reported, not waited on forever. */
#define JOB_WAIT_MS 120000

int cli_confirm(const char *question, const char *what, char **cause)
{
	char line[16];
	FILE *tty;
	int yes;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+e")) == NULL) {
		*cause = xasprintf("%s: asks for a confirmation on a terminal, "
		    "and there is none", what);
		return -1;
	}
	cli_say(tty, 0, "%s [y/N] ", question);
	fflush(tty);
	yes = fgets(line, sizeof line, tty) != NULL &&
	    (strcmp(line, "y\n") == 0 || strcmp(line, "Y\n") == 0);
	fclose(tty);
	if (!yes)
		*cause = xasprintf("%s: not confirmed", what);
	return yes ? 0 : -1;
}

/* Force off asks first, as the console does: y on the terminal. */
static int confirm_force_off(const char *name, const char *host, char **cause)
{
	char *q = xasprintf("Force off desktop %s on %s? (like pulling the "
	    "power cord)", name, host), *what = xasprintf("force off %s on %s",
	    name, host);
	int rc = cli_confirm(q, what, cause);

	free(what);
	free(q);
	return rc;
}

static int run(const char *name, enum domain_action a, int wait_ms)
{
	char *uuid, *host = NULL, *cause = NULL, *err;
	enum job_state st;
	unsigned job;
	int status = 1;

	uuid = act_desktop_resolve(name, &host, &cause);
	/* refuse before asking, as the console does */
	if (uuid != NULL && a == DA_FORCE_OFF &&
	    (act_domain_check(uuid, a, &cause) < 0 ||
	    confirm_force_off(name, host, &cause) < 0)) {
		free(uuid);
		uuid = NULL;
	}
	if (uuid == NULL || act_domain(uuid, a, &job, &cause) < 0) {
		cmd_audit_note("refused", cause);
		cli_say(stderr, 1, "hvdeck: %s", cause);
		goto out;
	}
	st = job_wait(job, wait_ms);
	err = job_error(job);
	if (st == JOB_DONE) {
		cli_say(stdout, 1, "%s on %s: %s done", name, host,
		    act_domain_name(a));
		status = 0;
	} else if (job_state_final(st)) {
		cli_say(stderr, 1, "hvdeck: %s on %s: %s %s: %s", name, host,
		    act_domain_name(a), job_state_name(st),
		    err != NULL ? err : "no reason given");
	} else {
		cli_say(stderr, 1, "hvdeck: %s on %s: %s still %s after %d s",
		    name, host, act_domain_name(a), job_state_name(st),
		    wait_ms / 1000);
	}
	free(err);
out:
	free(cause);
	free(uuid);
	free(host);
	return status;
}

int cli_desktop(const struct config *cfg, const struct cli_options *o,
    const char *name, enum domain_action a)
{
	int status;

	if (engine_start(cfg, o->read_only) < 0)
		return 1;
	cli_wait_settled(o->timeout > 0 ? o->timeout : cfg->connect_timeout);
	/* a shutdown's job waits for the guest, up to shutdown_timeout */
	status = run(name, a, JOB_WAIT_MS + model_pending_timeout_ms());
	fflush(stdout);
	engine_stop();
	return status;
}
