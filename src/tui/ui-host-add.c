/* ui-host-add.c — the add-host form: built on the form layer (ui-form.h),
 * submitting through the command table, following the add's state. */
#include "tui/ui-host-add.h"
#include "act/act-host.h"
#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/job.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/ui.h"
#include "tui/ui-form.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* The role choices, in enum host_role order. */
static const char *const role_names[] = { "mixed", "hypervisor", "disk" };

struct addform {
	struct form *form;          /* owned by the form mode */
	struct hostadd *ha;         /* the current attempt, NULL before */
	enum hostadd_state seen;    /* the state last shown */
	char *seen_text;
	char *name;                 /* the host being added */
};

static void addform_drop(struct addform *af)
{
	if (af->ha == NULL)
		return;
	form_set_checklist(af->form, NULL);
	hostadd_abandon(af->ha);	/* cancels it if still running */
	af->ha = NULL;
}

static void addform_free(void *ctx)
{
	struct addform *af = ctx;

	addform_drop(af);
	free(af->seen_text);
	free(af->name);
	free(af);
}

/* Start the add of r in af's form. */
static int addform_start(struct ui *u, struct addform *af,
    const struct hostadd_req *req, char **cause)
{
	struct hostadd_req r = *req;
	struct hostadd *ha;
	unsigned job;

	r.config_path = u->cfg->path;
	r.timeout_s = u->cfg->connect_timeout;
	r.stats_interval = u->cfg->stats_interval;
	r.start_in_engine = 1;
	if (hostadd_new(&r, &ha, cause) < 0)
		return -1;
	addform_drop(af);
	if (hostadd_start(ha, &job, cause) < 0) {
		hostadd_abandon(ha);
		return -1;
	}
	af->ha = ha;
	af->seen = HOSTADD_RUNNING;
	util_set_str(&af->seen_text, NULL);
	util_set_str(&af->name, r.name);
	ui_follow_job(u, job);
	form_clear_errors(af->form);
	form_lock_all(af->form, 1);
	form_set_checklist(af->form, hostadd_checklist(ha));
	form_set_message(af->form, "adding the host... (Esc cancels)");
	return 0;
}

/* Put an error from the request beside the field it concerns. */
static void show_error(struct form *f, const char *cause)
{
	static const struct { const char *prefix, *key; } fields[] = {
		{ "host name", "name" }, { "empty host name", "name" },
		{ "address", "address" }, { "--port", "port" },
		{ "port", "port" }, { "user", "user" }, { "--user", "user" },
		{ "--role", "role" },
	};
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strncmp(cause, fields[i].prefix,
		    strlen(fields[i].prefix)) == 0) {
			form_set_error(f, fields[i].key, cause);
			return;
		}
	}
	form_set_message(f, cause);
}

/* "Accept ED25519 SHA256:...? y/n": the word "key" left out so that it
 * fits a form's message line (72 cells) whole. Caller frees. */
static char *key_question(const char *key)
{
	const char *sp = strstr(key, " key ");

	if (sp == NULL)
		return xasprintf("Accept %s? y/n", key);
	return xasprintf("Accept %.*s%s? y/n", (int)(sp - key), key, sp + 4);
}

static int send_password(struct addform *af, struct form *f)
{
	char *pw = form_take_password(f, "password");

	if (pw == NULL || *pw == '\0') {
		free(pw);
		form_set_error(f, "password", "type the password, or Esc");
		return 0;
	}
	hostadd_password(af->ha, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	form_show(f, "password", 0);
	form_set_message(f, "logging in...");
	return 0;
}

static int submit(struct ui *u, struct form *f, void *ctx)
{
	struct addform *af = ctx;
	enum hostadd_state st = af->ha != NULL ? hostadd_state(af->ha, NULL) :
	    HOSTADD_FAILED;
	struct cmd_opts opts;
	struct cmd_ctx c;
	char port[16], *argv[3], *cause = NULL;
	int missing = 0;

	if (af->ha != NULL && st == HOSTADD_NEED_PASSWORD)
		return send_password(af, f);
	if (af->ha != NULL && st != HOSTADD_FAILED)
		return 0;	/* running: Esc cancels */
	form_clear_errors(f);
	if (*form_text(f, "name") == '\0') {
		form_set_error(f, "name", "a name for the host");
		missing = 1;
	}
	if (*form_text(f, "address") == '\0') {
		form_set_error(f, "address", "its name or IP address");
		missing = 1;
	}
	if (*form_text(f, "user") == '\0') {
		form_set_error(f, "user", "the SSH user (root)");
		missing = 1;
	}
	if (missing)
		return -1;
	memset(&opts, 0, sizeof opts);
	snprintf(port, sizeof port, "%ld", form_number(f, "port"));
	snprintf(opts.v[0].name, sizeof opts.v[0].name, "port");
	opts.v[0].value = port;
	snprintf(opts.v[1].name, sizeof opts.v[1].name, "user");
	opts.v[1].value = form_text(f, "user");
	snprintf(opts.v[2].name, sizeof opts.v[2].name, "role");
	opts.v[2].value = role_names[form_choice(f, "role") % 3];
	opts.n = 3;
	argv[0] = xstrdup(form_text(f, "name"));
	argv[1] = xstrdup(form_text(f, "address"));
	argv[2] = NULL;
	memset(&c, 0, sizeof c);
	c.ui = u;
	c.read_only = u->read_only;
	c.opts = &opts;
	c.result = af;
	if (cmd_exec_entry(&c, cmd_find("host add"), 2, argv, &cause) < 0) {
		show_error(f, cause);
		free(cause);
		free(argv[0]);
		free(argv[1]);
		return -1;
	}
	free(argv[0]);
	free(argv[1]);
	return 0;
}

static int poll_add(struct ui *u, struct form *f, void *ctx)
{
	struct addform *af = ctx;
	enum hostadd_state st;
	char *text = NULL, *msg;

	if (af->ha == NULL)
		return 0;
	st = hostadd_state(af->ha, &text);
	if (st == af->seen && (text == NULL ? af->seen_text == NULL :
	    af->seen_text != NULL && strcmp(text, af->seen_text) == 0)) {
		free(text);
		return 0;
	}
	af->seen = st;
	util_set_str(&af->seen_text, text);
	switch (st) {
	case HOSTADD_RUNNING:
		form_set_message(f, "adding the host... (Esc cancels)");
		break;
	case HOSTADD_NEED_KEY:
		msg = key_question(text);
		form_set_message(f, msg);
		free(msg);
		break;
	case HOSTADD_NEED_PASSWORD:
		util_secret_guard();	/* the field will hold it */
		form_show(f, "password", 1);
		form_lock(f, "password", 0);
		form_focus(f, "password");
		/* hvdeck's key was refused: the password installs it */
		msg = xasprintf("%s Enter sends it", text);
		form_set_message(f, msg);
		free(msg);
		break;
	case HOSTADD_ADDED:
		free(text);
		ui_message(u, 0, "host %s added", af->name);
		panes_select(panes_of(u), PANE_HOSTS, af->name);
		return 1;
	case HOSTADD_FAILED:
		form_show(f, "password", 0);
		form_lock_all(f, 0);
		form_lock(f, "password", 1);
		form_set_message(f, text != NULL ? text : "failed");
		break;
	}
	free(text);
	return 0;
}

static int key(struct ui *u, struct form *f, void *ctx, int ch)
{
	struct addform *af = ctx;

	(void)u;
	(void)f;
	if (af->ha == NULL || hostadd_state(af->ha, NULL) != HOSTADD_NEED_KEY)
		return 0;
	if (ch == 'y' || ch == 'Y' || ch == 'n' || ch == 'N') {
		hostadd_key(af->ha, ch == 'y' || ch == 'Y');
		return 1;
	}
	return 0;
}

/* Esc: a running add is cancelled (nothing written), the form closes. */
static int cancel(struct ui *u, struct form *f, void *ctx)
{
	struct addform *af = ctx;
	char *cause = NULL;
	unsigned job;

	(void)f;
	if (af->ha != NULL && (job = hostadd_job(af->ha)) != 0 &&
	    !job_state_final(job_wait(job, 0))) {
		if (job_cancel(job, &cause) < 0)
			free(cause);
		else
			ui_message(u, 0, "adding host %s cancelled", af->name);
	}
	return 1;
}

static const struct form_ops add_ops = {
	submit, poll_add, key, cancel, addform_free,
};

/* The form, filled from r (NULL: empty, the defaults). */
static struct addform *open_form(struct ui *u, const struct hostadd_req *r)
{
	struct addform *af = xcalloc(1, sizeof *af);
	struct form *f = form_new("Add a hypervisor");

	form_add_text(f, "name", "Name", r != NULL ? r->name : NULL);
	form_add_text(f, "address", "Address", r != NULL ? r->address : NULL);
	form_set_hint(f, "address", "name or IP");
	form_add_number(f, "port", "SSH port", 1, 65535,
	    r != NULL && r->port > 0 ? r->port : 22);
	form_set_hint(f, "port", "default 22");
	form_add_text(f, "user", "User",
	    r != NULL && r->user != NULL ? r->user : "root");
	form_set_hint(f, "user", "default root");
	form_add_choice(f, "role", "Role", role_names, 3,
	    r != NULL ? (size_t)r->role : 0);
	form_add_password(f, "password", "Password");
	form_show(f, "password", 0);
	form_lock(f, "password", 1);
	form_focus(f, "name");
	af->form = f;
	mode_form_push(u, f, &add_ops, af);
	return af;
}

int ui_host_add_open_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv;
	if (c->ui == NULL) {
		*cause = xstrdup("'add-host' is a console key: hvdeck host add "
		    "NAME ADDRESS on the command line");
		return -1;
	}
	if (c->read_only) {
		*cause = xstrdup("cannot add a host: hvdeck runs read-only");
		return -1;
	}
	open_form(c->ui, NULL);
	return 0;
}

int ui_host_add_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct hostadd_req r;
	struct addform *af = c->result;

	(void)argc;
	if (cli_host_add_request(c, e, argv, &r, cause) < 0)
		return -1;
	if (af == NULL)	/* the `:` line: a form to follow it */
		af = open_form(c->ui, &r);
	if (addform_start(c->ui, af, &r, cause) < 0) {
		if (c->result == NULL)
			show_error(af->form, *cause);
		return -1;
	}
	c->result = af->ha;
	return 0;
}
