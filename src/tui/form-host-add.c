/* form-host-add.c — the add-host form (`a` in the hypervisors pane, or
 * `host add NAME ADDRESS` on the `:` line): name, address, port, user and
 * role; submitting runs `host add` through the command table (so the
 * audit log sees it), and the form then follows the add: the checklist
 * live, the host key question on the message line (y/n), a password
 * field when hvdeck's key is refused, the error with the fields unlocked
 * to retry, or, once added, the form closes and the new host's row is
 * selected. Esc cancels a running add.
 *
 * Attached to a server, the add runs there: the form sends its line and
 * follows the add job the server follows for this console, from the
 * copy the server's lines keep (hostadd_of_job): the same steps, the
 * same questions in the same fields. The server's questions come relayed
 * (cmd-relay.h): the form takes them (form_ops.question) and answers the
 * one the copy shows as asked; Esc declines it, which cancels the add
 * there. */
#include "tui/forms.h"
#include "act/act-host.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd-host-add.h"
#include "cmd/cmd-relay.h"
#include "core/job.h"
#include "core/model.h"
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
	struct hostadd *ha;         /* the current attempt (attached: the
	                             * copy of the server's), NULL before */
	enum hostadd_state seen;    /* the state last shown */
	char *seen_text;
	char *name;                 /* the host being added */
	char *yes_fp;               /* the `:` line's --yes-fingerprint */
	/* attached (model_is_mirror): the add runs in the server */
	int awaiting;               /* sent as request, its job not known */
	unsigned request;           /* (cmd-relay.h) */
	unsigned job;               /* the server's add job */
	char *ticket;               /* its question waiting for an answer */
	int tickets;                /* its questions taken so far */
};

/* Attached: the server's question waiting, answered (line; NULL
 * declines it: the add is cancelled there). */
static void answer_question(struct addform *af, const char *line)
{
	if (af->ticket == NULL)
		return;
	if (line != NULL)
		cmd_relay_answer(af->ticket, line);
	else
		cmd_relay_no(af->ticket);
	free(af->ticket);
	af->ticket = NULL;
}

static void addform_drop(struct addform *af)
{
	answer_question(af, NULL);
	af->job = 0;
	af->awaiting = 0;
	af->tickets = 0;
	if (af->ha == NULL)
		return;
	form_set_checklist(af->form, NULL);
	hostadd_abandon(af->ha);	/* cancels it if still running (a copy
	                                 * has no job here: only released) */
	af->ha = NULL;
}

static void addform_free(void *ctx)
{
	struct addform *af = ctx;

	addform_drop(af);
	free(af->seen_text);
	free(af->name);
	free(af->yes_fp);
	free(af);
}

/* Start the add of req in the console's engine. */
static int start_add(struct ui *u, const struct hostadd_req *req,
    struct hostadd **out, unsigned *job, char **cause)
{
	struct hostadd_req r = *req;
	struct hostadd *ha;

	r.config_path = u->cfg->path;
	r.timeout_s = u->cfg->connect_timeout;
	r.stats_interval = u->cfg->stats_interval;
	r.start_in_engine = 1;
	if (hostadd_new(&r, &ha, cause) < 0)
		return -1;
	if (hostadd_start(ha, job, cause) < 0) {
		hostadd_abandon(ha);
		return -1;
	}
	*out = ha;
	return 0;
}

/* The form follows ha (its attempt at adding name). */
static void addform_attach(struct addform *af, struct hostadd *ha,
    const char *name)
{
	addform_drop(af);
	af->ha = ha;
	af->seen = HOSTADD_RUNNING;
	util_set_str(&af->seen_text, NULL);
	util_set_str(&af->name, name);
	form_clear_errors(af->form);
	form_lock_all(af->form, 1);
	form_set_checklist(af->form, hostadd_checklist(ha));
	form_set_message(af->form, "adding the host... (Esc cancels)");
}

/* Attached: the line goes to the server now; the form waits locked for
 * the add job the server follows for this console (follow_remote). */
static void remote_sending(struct addform *af, const char *name)
{
	addform_drop(af);
	af->awaiting = 1;
	af->request = 0;	/* known once the line went (send_add) */
	af->seen = HOSTADD_RUNNING;
	util_set_str(&af->seen_text, NULL);
	util_set_str(&af->name, name);
	form_clear_errors(af->form);
	form_lock_all(af->form, 1);
	form_set_message(af->form, "sent to the server…");
}

/* The state shown. Attached, a question shows once the server's copy
 * and its relayed question agree: they travel apart (the copy's line
 * every 200 ms, the question at once), and each answer goes to the
 * question the copy counts as asked. */
static enum hostadd_state shown_state(struct addform *af, char **text)
{
	int asked;
	enum hostadd_state st = hostadd_question(af->ha, text, &asked);

	if (!model_is_mirror() || (st != HOSTADD_NEED_KEY &&
	    st != HOSTADD_NEED_PASSWORD && st != HOSTADD_NEED_INSTALL))
		return st;
	if (af->ticket != NULL && asked == af->tickets)
		return st;
	free(*text);
	*text = NULL;
	return HOSTADD_RUNNING;
}

/* The fields open again for another try (the password's stays shut
 * until a host asks for one). */
static void fields_open(struct form *f)
{
	form_lock_all(f, 0);
	form_lock(f, "password", 1);
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

/* "Accept ED25519 SHA256:...? Type yes, then Enter" (the word "key"
 * left out). Caller frees. */
static char *key_question(const char *key)
{
	const char *sp = strstr(key, " key ");

	if (sp == NULL)
		return xasprintf("Accept %s? Type yes, then Enter", key);
	return xasprintf("Accept %.*s%s? Type yes, then Enter",
	    (int)(sp - key), key, sp + 4);
}

static int send_password(struct addform *af, struct form *f)
{
	char *pw = form_take_password(f, "password");

	if (pw == NULL || *pw == '\0') {
		free(pw);
		form_set_error(f, "password", "type the password, or Esc");
		return 0;
	}
	if (model_is_mirror())
		answer_question(af, pw);
	else
		hostadd_password(af->ha, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	form_show(f, "password", 0);
	form_set_message(f, "logging in...");
	return 0;
}

/* The key question answered with what was typed (only "yes" accepts). */
static void send_key(struct addform *af, struct form *f)
{
	const char *typed = form_text(f, "hostkey");

	if (model_is_mirror())
		answer_question(af, typed);
	else
		hostadd_key(af->ha, strcmp(typed, "yes") == 0);
	form_set_text(f, "hostkey", "");
	form_lock(f, "hostkey", 1);
	form_show(f, "hostkey", 0);
}

/* The fields' line, NULL with the missing fields marked. Caller frees. */
static char *add_line(struct addform *af, struct form *f)
{
	char *line, *name, *address, *user, *fp;
	int missing = 0;

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
		return NULL;
	name = cmd_quote(form_text(f, "name"));
	address = cmd_quote(form_text(f, "address"));
	user = cmd_quote(form_text(f, "user"));
	fp = af->yes_fp != NULL ? cmd_quote(af->yes_fp) : NULL;
	line = xasprintf("host add %s %s --port %ld --user %s --role %s%s%s",
	    name, address, form_number(f, "port"), user,
	    role_names[form_choice(f, "role") % 3],
	    fp != NULL ? " --yes-fingerprint " : "", fp != NULL ? fp : "");
	free(fp);
	free(user);
	free(address);
	free(name);
	return line;
}

/* Run the fields' line: in-process the form follows the add it starts;
 * attached it waits for the server's. 0, or -1 with the error shown. */
static int send_add(struct ui *u, struct addform *af, struct form *f)
{
	struct cmd_ctx c;
	struct hostadd *ha = NULL;
	char *line, *cause = NULL;
	int rc;

	form_clear_errors(f);
	if ((line = add_line(af, f)) == NULL)
		return -1;
	if (model_is_mirror())
		remote_sending(af, form_text(f, "name"));
	memset(&c, 0, sizeof c);
	c.hostadd = &ha;
	rc = forms_run_line(u, &c, line, &cause);
	af->request = u->sent_request;
	free(line);
	if (rc < 0) {
		af->awaiting = 0;
		fields_open(f);
		show_error(f, cause);
		free(cause);
		return -1;
	}
	if (ha != NULL)
		addform_attach(af, ha, form_text(f, "name"));
	return 0;
}

static int submit(struct ui *u, struct form *f, void *ctx)
{
	struct addform *af = ctx;
	enum hostadd_state st = HOSTADD_FAILED;
	char *text = NULL;

	if (af->awaiting || (model_is_mirror() && af->job != 0 && af->ha == NULL))
		return 0;	/* the server's add not here yet */
	if (af->ha != NULL) {
		st = shown_state(af, &text);
		free(text);
	}
	if (af->ha != NULL && st == HOSTADD_NEED_PASSWORD)
		return send_password(af, f);
	if (af->ha != NULL && st == HOSTADD_NEED_KEY) {
		send_key(af, f);
		return 0;
	}
	if (af->ha != NULL && st == HOSTADD_NEED_INSTALL) {
		if (model_is_mirror())
			answer_question(af, "");	/* Enter: installed */
		else
			hostadd_key(af->ha, 1);
		form_set_message(f, "trying hvdeck's key again...");
		return 0;
	}
	if (af->ha != NULL && st == HOSTADD_ADDED)
		return 1;	/* its result read: close */
	if (af->ha != NULL && st != HOSTADD_FAILED)
		return 0;	/* running: Esc cancels */
	return send_add(u, af, f);
}

/* The add followed has ended (added or failed). */
static int add_ended(struct addform *af)
{
	enum hostadd_state st = af->ha != NULL ?
	    hostadd_state(af->ha, NULL) : HOSTADD_RUNNING;

	return st == HOSTADD_ADDED || st == HOSTADD_FAILED;
}

/* Attached: the server's add job once it came back (or its refusal,
 * shown with the fields open again), then its copy. 1 when the copy is
 * there to follow. */
static int follow_remote(struct ui *u, struct form *f, struct addform *af)
{
	unsigned job;
	const char *why;
	int rc;

	if (af->awaiting) {
		rc = forms_awaited(u, af->request, JK_ADD_HOST, &job, &why);
		if (rc == 0)
			return 0;
		af->awaiting = 0;
		if (rc < 0) {
			answer_question(af, NULL);
			fields_open(f);
			show_error(f, why);
			return 0;
		}
		af->job = job;
	}
	if (af->ha == NULL && af->job != 0 &&
	    (af->ha = hostadd_of_job(af->job)) != NULL) {
		form_set_checklist(f, hostadd_checklist(af->ha));
		form_set_message(f, "adding the host... (Esc cancels)");
	}
	return af->ha != NULL;
}

/* A question of the server's add: taken while this form follows one
 * that has not ended (one at a time: the server asks one). */
static int take_question(struct ui *u, struct form *f, void *ctx,
    int secret, const char *ticket)
{
	struct addform *af = ctx;

	(void)u; (void)f; (void)secret;
	if (!model_is_mirror() || af->ticket != NULL || af->request == 0 ||
	    cmd_relay_delivering() != af->request || add_ended(af))
		return 0;
	af->ticket = xstrdup(ticket);
	af->tickets++;
	return 1;
}

static int poll_add(struct ui *u, struct form *f, void *ctx)
{
	struct addform *af = ctx;
	enum hostadd_state st;
	char *text = NULL, *msg;

	if (model_is_mirror() && !follow_remote(u, f, af))
		return 0;
	if (af->ha == NULL)
		return 0;
	st = shown_state(af, &text);
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
		form_show(f, "hostkey", 1);
		form_lock(f, "hostkey", 0);
		form_focus(f, "hostkey");
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
	case HOSTADD_NEED_INSTALL:
		form_show(f, "password", 0);
		msg = xasprintf("%s — then Enter tries it (Esc gives up)", text);
		form_set_message(f, msg);
		free(msg);
		break;
	case HOSTADD_ADDED:
		/* the form stays until a key, so that the checklist's warnings
		 * (the pre-flight's) are read */
		ui_message(u, 0, "host %s added", af->name);
		panes_select(panes_of(u), PANE_HOSTS, af->name);
		msg = xasprintf("host %s added; read the steps above, then Enter "
		    "or Esc closes", af->name);
		form_set_message(f, msg);
		free(msg);
		break;
	case HOSTADD_FAILED:
		form_show(f, "password", 0);
		fields_open(f);
		form_set_message(f, text != NULL ? text : "failed");
		break;
	}
	free(text);
	return 0;
}

/* Esc, attached: the server's question declined (which cancels its
 * add), or its job cancelled; a line whose job has not come back yet is
 * forsaken: its job is cancelled as it comes back. */
static int cancel_remote(struct ui *u, struct addform *af)
{
	char *cause = NULL;

	if (af->awaiting && af->request != 0) {
		forms_forsake(u, af->request);
		ui_message(u, 0, "adding host %s cancelled", af->name);
		return 1;
	}
	if (af->awaiting || af->job == 0 || add_ended(af))
		return 1;
	if (af->ticket != NULL) {
		answer_question(af, NULL);
	} else if (forms_cancel_remote(u, af->job, &cause) < 0) {
		ui_message(u, 1, "%s", cause);
		free(cause);
		return 1;
	}
	ui_message(u, 0, "adding host %s cancelled", af->name);
	return 1;
}

/* Esc: a running add is cancelled (nothing written), the form closes. */
static int cancel(struct ui *u, struct form *f, void *ctx)
{
	struct addform *af = ctx;
	char *cause = NULL;
	unsigned job;

	(void)f;
	if (model_is_mirror())
		return cancel_remote(u, af);
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
	.submit = submit,
	.poll = poll_add,
	.cancel = cancel,
	.free = addform_free,
	.question = take_question,
};

/* The form, filled from r (NULL: empty, the defaults). */
static struct addform *open_form(struct ui *u, const struct hostadd_req *r)
{
	struct addform *af = xcalloc(1, sizeof *af);
	struct form *f = form_new("Add a hypervisor");
	const struct cmd_opt_spec *port = cmd_opt_spec("host add", "port");

	form_add_text(f, "name", "Name", r != NULL ? r->name : NULL);
	form_add_text(f, "address", "Address", r != NULL ? r->address : NULL);
	form_set_hint(f, "address", "name or IP");
	form_add_number(f, "port", "SSH port", (long)port->min, (long)port->max,
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
	/* an unknown host key is accepted by typing yes, as on the command
	 * line: one rule, the safer one */
	form_add_text(f, "hostkey", "Accept key", NULL);
	form_set_hint(f, "hostkey", "type yes to accept it, anything else refuses");
	form_show(f, "hostkey", 0);
	form_lock(f, "hostkey", 1);
	form_focus(f, "name");
	af->form = f;
	mode_form_push(u, f, &add_ops, af);
	return af;
}

int form_host_add_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv;
	if (!cmd_in_console(c)) {
		*cause = xstrdup("'add-host' is a console key: hvdeck host add "
		    "NAME ADDRESS on the command line");
		return -1;
	}
	cmd_audit_form();	/* its submit, host add, is the command */
	open_form(c->face->data, NULL);
	return 0;
}

int form_host_add_open(struct ui *u, struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	struct hostadd_req r;
	struct addform *af = NULL;
	struct hostadd *ha;
	unsigned job;

	(void)argc;
	if (cmd_host_add_request(c, e, argv, &r, cause) < 0)
		return -1;
	if (c->hostadd == NULL)	/* the `:` line: a form to follow it */
		af = open_form(u, &r);
	if (af != NULL && model_is_mirror()) {	/* the server adds it */
		af->yes_fp = xstrdup(r.yes_fingerprint);
		(void)send_add(u, af, af->form);	/* errors in the form */
		return 0;
	}
	if (start_add(u, &r, &ha, &job, cause) < 0) {
		if (af != NULL)
			show_error(af->form, *cause);
		return -1;
	}
	ui_follow_job(u, job);
	c->job = job;
	if (af != NULL)
		addform_attach(af, ha, r.name);
	else
		*c->hostadd = ha;
	return 0;
}
