/* cmd-face.c — the calls a command makes on its face (cmd-face.h). */
#include "cmd/cmd-face.h"
#include "cmd/cmd-audit.h"
#include "cmd/cmd.h"
#include "cmd/cmd-targets.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_engine_up(const struct cmd_ctx *c)
{
	if (c->face == NULL || c->face->engine_up == NULL)
		return 0;
	return c->face->engine_up(c->face, c);
}

void cmd_engine_down(const struct cmd_ctx *c)
{
	if (c->face != NULL && c->face->engine_down != NULL)
		c->face->engine_down(c->face);
}

void cmd_say(const struct cmd_ctx *c, int error, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (c->face == NULL || c->face->say == NULL)
		return;
	if (!error && cmd_json(c))	/* results only: cmd_result says them */
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	c->face->say(c->face, error, text);
	free(text);
}

void cmd_print(struct cmd_ctx *c, const char *text)
{
	if (c->face != NULL && c->face->say != NULL)
		c->face->say(c->face, 0, text);
	c->results++;
}

void cmd_follow(const struct cmd_ctx *c, unsigned job)
{
	if (c->face != NULL && c->face->follow_job != NULL && job != 0)
		c->face->follow_job(c->face, job);
}

void cmd_forget_job(const struct cmd_ctx *c, unsigned job)
{
	if (c->face != NULL && c->face->forget_job != NULL)
		c->face->forget_job(c->face, job);
}

static _Thread_local int declined;

void cmd_face_declined(void)
{
	declined = 1;
}

int cmd_face_take_declined(void)
{
	int was = declined;

	declined = 0;
	return was;
}

int cmd_face_confirm(const struct cmd_face *f, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause,
    int *said_no)
{
	int rc;

	(void)cmd_face_take_declined();
	rc = f->confirm(f, question, what, yes, arg, cause);
	*said_no = rc < 0 && cmd_face_take_declined();
	return rc;
}

int cmd_confirm(const struct cmd_ctx *c, const char *question,
    const char *what, cmd_face_yes yes, const char *arg, char **cause)
{
	int rc, said_no;

	if (c->face == NULL || c->face->confirm == NULL) {
		*cause = xasprintf("%s: nobody to ask", what);
		return -1;
	}
	rc = cmd_face_confirm(c->face, question, what, yes, arg, cause,
	    &said_no);
	if (said_no)
		cmd_audit_declined();
	return rc;
}

int cmd_ask(const struct cmd_ctx *c, const char *prompt, char *buf,
    size_t len)
{
	if (c->face == NULL || c->face->ask == NULL)
		return -1;
	return c->face->ask(c->face, prompt, buf, len);
}

void cmd_face_run_line(const struct cmd_face *f, const char *line)
{
	if (f != NULL && f->run_line != NULL)
		f->run_line(f, line);
}

int cmd_has_forms(const struct cmd_ctx *c)
{
	return c->face != NULL && c->face->form != NULL;
}

int cmd_form(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	if (!cmd_has_forms(c)) {
		*cause = xasprintf("%s: no form here", e->name);
		return -1;
	}
	cmd_audit_form();	/* the form's submit is the command */
	return c->face->form(c, e, argc, argv, cause);
}

int cmd_interrupted(const struct cmd_ctx *c)
{
	return c->face != NULL && c->face->interrupted != NULL &&
	    c->face->interrupted(c->face);
}

int cmd_in_console(const struct cmd_ctx *c)
{
	return c->face != NULL && c->face->console;
}

