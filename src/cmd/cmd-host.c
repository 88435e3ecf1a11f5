/* cmd-host.c — `host remove` and `host rekey` (cmd-host.h): the words,
 * the questions through the face, the actions of act-host-admin.c. */
#include "cmd/cmd-host.h"
#include "cmd/cmd-face.h"
#include "act/act-host-admin.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

/* ---- remove ---- */

/* The console's removal: its job, followed. */
static int remove_start(const struct cmd_ctx *c, const char *config_path,
    const char *name, char **cause)
{
	unsigned job;

	if (act_host_remove_start(config_path, name, &job, cause) < 0)
		return -1;
	cmd_follow(c, job);
	return 0;
}

/* The console's answer yes: its removal. */
static void remove_confirmed(const struct cmd_face *f, const char *arg)
{
	struct cmd_ctx c = { .face = f };
	char **w, *cause = NULL;

	/* arg: "CONFIG_PATH" "NAME", as they were when asked */
	if (cmd_split(arg, &w) == 2 && remove_start(&c, w[0], w[1], &cause) < 0)
		cmd_say(&c, 1, "%s", cause);
	free(cause);
	cmd_free_words(w);
}

/* Refused before asking (never a question whose yes is refused), then
 * the question naming the host: the console's yes starts its removal
 * (remove_confirmed), the command line's terminal answers before the
 * command goes on (no terminal: refused, nothing changed). */
static int ask_remove(struct cmd_ctx *c, const char *name, char **cause)
{
	char *q, *path, *quoted, *arg = NULL;
	int console = cmd_in_console(c), rc;

	if (act_host_remove_check(c->cfg, name, cause) < 0)
		return -1;
	q = xasprintf("Remove hypervisor %s from the config and hvdeck's "
	    "known_hosts? (nothing on the host itself changes)", name);
	if (console) {
		path = cmd_quote(c->cfg->path);
		quoted = cmd_quote(name);
		arg = xasprintf("%s %s", path, quoted);
		free(quoted);
		free(path);
	}
	rc = cmd_confirm(c, q, "host remove", console ? remove_confirmed :
	    NULL, arg, cause);
	free(arg);
	free(q);
	return rc;
}

int cmd_host_remove_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	char *said = NULL, *usage;

	if (argc == 0 && cmd_in_console(c)) {
		*cause = xstrdup("no hypervisor selected (hypervisors pane: 1)");
		return -1;
	}
	if (argc == 0) {
		usage = cmd_usage(e);
		*cause = xasprintf("%s: the command line needs the host's name "
		    "(%s)", e->name, usage);
		free(usage);
		c->status = EXIT_USAGE;
		return -1;
	}
	if (cmd_in_console(c) && cmd_opt(c->opts, "yes") == NULL)
		return ask_remove(c, argv[0], cause);
	if (cmd_in_console(c))
		return remove_start(c, c->cfg->path, argv[0], cause);
	if (cmd_opt(c->opts, "yes") == NULL && ask_remove(c, argv[0],
	    cause) < 0)
		return -1;
	if (act_host_remove(c->cfg, argv[0], &said, cause) < 0)
		return -1;
	cmd_say(c, 0, "%s", said);
	free(said);
	return 0;
}

/* ---- rekey ---- */

/* The operator's yes to exactly this fingerprint: --yes-fingerprint, or
 * typed (the face asks a person, never stdin). 0, or -1 with *cause. */
static int confirm_fingerprint(struct cmd_ctx *c, const char *fp,
    char **cause)
{
	const char *given = cmd_opt(c->opts, "yes-fingerprint");
	char typed[128];
	const char *s = given;

	if (given == NULL) {
		if (cmd_ask(c, "Type the new fingerprint to accept it: ", typed,
		    sizeof typed) < 0) {
			*cause = xstrdup("no terminal to confirm the new key "
			    "on: check the fingerprint out of band and pass "
			    "it with --yes-fingerprint");
			return -1;
		}
		s = typed;
	}
	if (strcmp(s, fp) != 0) {
		*cause = xasprintf("the host presents %s, not %s: nothing "
		    "changed", fp, s);
		return -1;
	}
	return 0;
}

/* The old and the new key, as the operator compares them. */
static void say_keys(struct cmd_ctx *c, const struct act_rekey *r)
{
	const struct sshc_hostkey *k = &r->key;

	cmd_say(c, 0, "host %s (%s port %d)", r->host->name, r->target.address,
	    r->target.port);
	if (k->status == SSHC_KEY_CHANGED)
		cmd_say(c, 0, "  known key: %s (%s line %d)", k->known_fingerprint,
		    k->known_path, k->known_line);
	else
		cmd_say(c, 0, "  known key: %s", k->status == SSHC_KEY_KNOWN ?
		    k->fingerprint : "none");
	cmd_say(c, 0, "  new key:   %s %s", k->type, k->fingerprint);
}

int cmd_host_rekey_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct act_rekey r;
	int rc = -1;

	(void)e;
	(void)argc;
	if (cmd_in_console(c)) {
		*cause = xstrdup("host rekey runs on the command line: "
		    "hvdeck host rekey NAME");
		return -1;
	}
	if (act_host_rekey_probe(c->cfg, argv[0], &r, cause) < 0)
		return -1;
	say_keys(c, &r);
	if (r.key.status == SSHC_KEY_KNOWN) {
		cmd_say(c, 0, "the host presents the known key: nothing to change");
		rc = 0;
	} else if (confirm_fingerprint(c, r.key.fingerprint, cause) == 0 &&
	    act_host_rekey_replace(&r, cause) == 0) {
		cmd_say(c, 0, "hvdeck's known_hosts now holds %s for %s",
		    r.key.fingerprint, r.host->name);
		rc = 0;
	}
	act_host_rekey_free(&r);
	return rc;
}
