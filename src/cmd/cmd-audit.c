/* cmd-audit.c — audit records of running commands: one per command that
 * changes something, held by the exec, its jobs and its confirmation,
 * ended once (see cmd-audit.h). */
#include "cmd/cmd-audit.h"
#include "core/audit.h"
#include "core/job.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct cmd_audit {
	unsigned long id;           /* audit.h's; 0 when it cannot write */
	char *command, *target;
	int refs;                   /* the exec, each job, a confirmation */
	int jobs;                   /* jobs made under it */
	int severity;               /* worst outcome so far: results[] */
	char *error;
	int ended;
	int started;                /* its start line written */
	int form;                   /* it only opened a form: no lines */
	int declined;               /* a question of it answered no */
	struct cmd_audit *saved;    /* current before it (its exec's thread) */
	char *user, *from;          /* a server's client (audit_set_client on
	                             * the exec's thread), NULL: this process */
	struct cmd_audit *prev, *next;  /* the open ones */
};

/* By severity: the worst seen is the result. */
static const char *const results[] = { "ok", "cancelled", "refused", "failed" };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct cmd_audit *open_list;
static _Thread_local struct cmd_audit *current;

static int severity_of(const char *result)
{
	int i;

	for (i = 0; i < (int)(sizeof results / sizeof results[0]); i++)
		if (strcmp(results[i], result) == 0)
			return i;
	return 3;
}

/* Lock held. */
static void note_locked(struct cmd_audit *a, const char *result,
    const char *error)
{
	int s = severity_of(result);

	if (s > a->severity || (s == a->severity && a->error == NULL)) {
		if (s > a->severity || error != NULL)
			util_set_str(&a->error, error);
		a->severity = s;
	}
}

/* Lock held. The start line, once it is sure to be a command's: when it
 * first acts (a job, a question) or ends; never for one that only
 * opened a form (the form's submit is the command). */
static void start_locked(struct cmd_audit *a)
{
	const char *user, *from;

	if (a->started)
		return;
	a->started = 1;
	audit_client(&user, &from);
	audit_set_client(a->user, a->from);
	a->id = audit_start(a->command, a->target);
	audit_set_client(user, from);
}

/* Lock held. The end line, once. */
static void end_locked(struct cmd_audit *a)
{
	if (a->ended)
		return;
	a->ended = 1;
	if (!a->form || a->started) {
		const char *user, *from;

		start_locked(a);
		/* on a job's thread too: the client the command ran for */
		audit_client(&user, &from);
		audit_set_client(a->user, a->from);
		audit_end(a->id, a->command, a->target, results[a->severity],
		    a->error);
		audit_set_client(user, from);
	}
	if (a->prev != NULL)
		a->prev->next = a->next;
	else
		open_list = a->next;
	if (a->next != NULL)
		a->next->prev = a->prev;
	a->prev = a->next = NULL;
}

static void unref(struct cmd_audit *a, const char *result, const char *error)
{
	int last;

	pthread_mutex_lock(&lock);
	if (result != NULL)
		note_locked(a, result, error);
	last = --a->refs == 0;
	if (last)
		end_locked(a);
	pthread_mutex_unlock(&lock);
	if (!last)
		return;
	free(a->command);
	free(a->target);
	free(a->error);
	free(a->user);
	free(a->from);
	free(a);
}

/* job.h's hooks: a job made under the current record holds it. */
static void *job_attach(void)
{
	struct cmd_audit *a = current;

	if (a == NULL)
		return NULL;
	pthread_mutex_lock(&lock);
	start_locked(a);
	a->refs++;
	a->jobs++;
	pthread_mutex_unlock(&lock);
	return a;
}

static void job_ended(void *ctx, enum job_state s, const char *error)
{
	switch (s) {
	case JOB_DONE: unref(ctx, "ok", NULL); break;
	case JOB_FAILED: unref(ctx, "failed", error); break;
	case JOB_GONE:
		unref(ctx, "cancelled", error != NULL ? error :
		    "forgotten before it ended");
		break;
	default: unref(ctx, "cancelled", error); break;
	}
}

static void register_hooks(void)
{
	job_set_end_hook(job_attach, job_ended);
}

/* "a b c" */
static char *join(int argc, char **argv)
{
	char *s = NULL, *t;
	int i;

	for (i = 0; i < argc; i++) {
		t = xasprintf("%s%s%s", s != NULL ? s : "", s != NULL ? " " : "",
		    argv[i]);
		free(s);
		s = t;
	}
	return s;
}

/* The server's client this thread runs for, kept for the record's lines
 * written later on a job's thread. */
static void capture_client(struct cmd_audit *a)
{
	const char *user, *from;

	audit_client(&user, &from);
	a->user = xstrdup(user);
	a->from = xstrdup(from);
}

struct cmd_audit *cmd_audit_begin(const struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_audit *a;

	/* a read-only hvdeck changes nothing: its one line says it started
	 * (cmd_audit_read_only_session) */
	if ((e->flags & CMD_READ_ONLY_OK) || c->read_only)
		return NULL;
	pthread_once(&once, register_hooks);
	a = xcalloc(1, sizeof *a);
	a->command = xstrdup(e->name);
	/* the console names its selection and marks in the words */
	a->target = argc > 0 ? join(argc, argv) : NULL;
	a->refs = 1;
	capture_client(a);
	pthread_mutex_lock(&lock);
	a->next = open_list;
	if (open_list != NULL)
		open_list->prev = a;
	open_list = a;
	pthread_mutex_unlock(&lock);
	a->saved = current;
	current = a;
	return a;
}

void cmd_audit_done(struct cmd_audit *a, int rc, int status,
    const char *cause)
{
	const char *result = NULL;

	if (a == NULL)
		return;
	current = a->saved;
	pthread_mutex_lock(&lock);
	/* refused: the checks said no before anything happened */
	if (rc < 0 && a->declined && a->jobs == 0) {
		result = "cancelled";
		cause = "not confirmed";
	} else if (rc < 0)
		result = a->jobs > 0 ? "failed" : "refused";
	else if (status != 0 && a->severity == 0)	/* nothing said why */
		result = status == 2 ? "refused" : "failed";
	pthread_mutex_unlock(&lock);
	unref(a, result, cause);
}

void cmd_audit_declined(void)
{
	if (current == NULL)
		return;
	pthread_mutex_lock(&lock);
	current->declined = 1;
	pthread_mutex_unlock(&lock);
}

void cmd_audit_note(const char *result, const char *error)
{
	if (current == NULL || result == NULL)
		return;
	pthread_mutex_lock(&lock);
	note_locked(current, result, error);
	pthread_mutex_unlock(&lock);
}

struct cmd_audit *cmd_audit_hold(void)
{
	struct cmd_audit *a = current;

	if (a != NULL) {
		pthread_mutex_lock(&lock);
		start_locked(a);
		a->refs++;
		pthread_mutex_unlock(&lock);
	}
	return a;
}

struct cmd_audit *cmd_audit_enter(struct cmd_audit *a)
{
	struct cmd_audit *prev = current;

	current = a;
	return prev;
}

void cmd_audit_leave(struct cmd_audit *prev)
{
	current = prev;
}

void cmd_audit_release(struct cmd_audit *a, const char *result,
    const char *error)
{
	if (a != NULL)
		unref(a, result, error);
}

void cmd_audit_form(void)
{
	if (current == NULL)
		return;
	pthread_mutex_lock(&lock);
	current->form = 1;
	pthread_mutex_unlock(&lock);
}

void cmd_audit_read_only_session(void)
{
	audit_session("read-only session started");
}

void cmd_audit_close_all(const char *why)
{
	pthread_mutex_lock(&lock);
	while (open_list != NULL) {
		note_locked(open_list, "cancelled", why);
		end_locked(open_list);	/* unlinks it; the last unref frees */
	}
	pthread_mutex_unlock(&lock);
}
