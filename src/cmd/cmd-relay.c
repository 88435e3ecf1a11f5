/* cmd-relay.c — lines and questions carried to the face's thread
 * (cmd-relay.h). */
#include "cmd/cmd-relay.h"
#include "cmd/cmd-face.h"
#include "core/model.h"
#include "core/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum item_kind { IT_LINE, IT_CONFIRM, IT_ASK, IT_FOLLOW, IT_FORGET };

struct item {
	enum item_kind kind;
	int question;           /* confirm, ask: waits for its answer */
	int error;
	int secret;             /* ask: a password */
	char *text, *what;
	unsigned job;           /* follow, forget */
	unsigned ticket;        /* a question's */
	unsigned request;       /* the request it came for (0: none) */
	int answered, yes;
	int declined;           /* answered no by the operator */
	char *answer;           /* ask: the line typed (wiped when freed) */
	int delivered;
	struct item *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static struct item *items;      /* in order; questions stay until answered */
static unsigned next_ticket = 1;
static int closed;
static atomic_uint last_request;
static _Thread_local unsigned thread_request;
static unsigned delivering;             /* UI thread only */

unsigned cmd_relay_request_new(void)
{
	return atomic_fetch_add(&last_request, 1) + 1;
}

unsigned cmd_relay_request_last(void)
{
	return atomic_load(&last_request);
}

void cmd_relay_request_set(unsigned request)
{
	thread_request = request;
}

unsigned cmd_relay_delivering(void)
{
	return delivering;
}

/* Lock held: it queued last, stamped with its thread's request. */
static void append(struct item *it)
{
	struct item **p;

	it->request = thread_request;
	for (p = &items; *p != NULL; p = &(*p)->next)
		;
	*p = it;
}

void cmd_relay_say(int error, const char *text)
{
	struct item *it = xcalloc(1, sizeof *it);

	it->error = error;
	it->text = xstrdup(text);
	pthread_mutex_lock(&lock);
	append(it);
	pthread_mutex_unlock(&lock);
	model_wake();
}

static void unlink_item(struct item *it)
{
	struct item **p;

	for (p = &items; *p != NULL; p = &(*p)->next)
		if (*p == it) {
			*p = it->next;
			return;
		}
}

/* Queue the question it and wait for its answer (or the console's end):
 * its yes. it stays the caller's. */
static int wait_answer(struct item *it)
{
	int yes;

	it->question = 1;
	pthread_mutex_lock(&lock);
	it->ticket = next_ticket++;
	it->answered = closed;
	append(it);
	pthread_mutex_unlock(&lock);
	model_wake();
	pthread_mutex_lock(&lock);
	while (!it->answered)
		pthread_cond_wait(&answered, &lock);
	unlink_item(it);
	yes = it->yes;
	pthread_mutex_unlock(&lock);
	return yes;
}

int cmd_relay_ask(const char *prompt, int secret, char *buf, size_t len)
{
	struct item *it = xcalloc(1, sizeof *it);
	int yes, rc;

	it->kind = IT_ASK;
	it->secret = secret;
	it->text = xstrdup(prompt);
	yes = wait_answer(it) && it->answer != NULL;
	if (yes)
		snprintf(buf, len, "%s", it->answer);
	rc = yes ? 0 : it->declined ? -2 : -1;
	if (it->answer != NULL) {
		explicit_bzero(it->answer, strlen(it->answer));
		free(it->answer);
	}
	free(it->text);
	free(it);
	return rc;
}

static void relay_job(enum item_kind kind, unsigned job)
{
	struct item *it = xcalloc(1, sizeof *it);

	it->kind = kind;
	it->job = job;
	pthread_mutex_lock(&lock);
	append(it);
	pthread_mutex_unlock(&lock);
	model_wake();
}

void cmd_relay_follow(unsigned job)
{
	relay_job(IT_FOLLOW, job);
}

void cmd_relay_forget(unsigned job)
{
	relay_job(IT_FORGET, job);
}

int cmd_relay_confirm(const char *question, const char *what, char **cause)
{
	struct item *it = xcalloc(1, sizeof *it);
	int yes;

	it->kind = IT_CONFIRM;
	it->text = xstrdup(question);
	it->what = xstrdup(what);
	yes = wait_answer(it);
	if (!yes) {
		*cause = xasprintf("%s: not confirmed", it->what);
		cmd_face_declined();
	}
	free(it->text);
	free(it->what);
	free(it);
	return yes ? 0 : -1;
}

/* line: an ask's answer (copied), NULL for a confirmation's; a no
 * without yes is the operator's (declined) or nobody's. */
static void answer_as(const char *arg, int yes, const char *line,
    int declined)
{
	unsigned ticket = (unsigned)strtoul(arg, NULL, 10);
	struct item *it;

	pthread_mutex_lock(&lock);
	for (it = items; it != NULL; it = it->next)
		if (it->question && it->ticket == ticket && !it->answered) {
			it->answered = 1;
			it->yes = yes;
			it->declined = declined;
			if (yes && line != NULL)
				it->answer = xstrdup(line);
		}
	pthread_cond_broadcast(&answered);
	pthread_mutex_unlock(&lock);
}

static void answer(const char *arg, int yes, const char *line)
{
	answer_as(arg, yes, line, !yes);
}

void cmd_relay_yes(const struct cmd_face *f, const char *arg)
{
	(void)f;
	answer(arg, 1, NULL);
}

void cmd_relay_no(const char *arg)
{
	answer(arg, 0, NULL);
}

void cmd_relay_answer(const char *arg, const char *line)
{
	answer(arg, 1, line);
}

/* Lock held: the first item not yet delivered, taken off when a line. */
static struct item *next_undelivered(void)
{
	struct item *it;

	for (it = items; it != NULL && it->delivered; it = it->next)
		;
	if (it != NULL) {
		it->delivered = 1;
		if (!it->question)
			unlink_item(it);
	}
	return it;
}

/* A question delivered through f (on the UI thread); an ask without a
 * way to ask it is answered no. */
static void deliver_question(const struct cmd_face *f, struct item *it)
{
	char ticket[16], *text, *what, *cause = NULL;
	enum item_kind kind = it->kind;
	int secret = it->secret;

	/* the asker frees it once answered: copies for the face */
	snprintf(ticket, sizeof ticket, "%u", it->ticket);
	text = xstrdup(it->text);
	what = it->what != NULL ? xstrdup(it->what) : NULL;
	pthread_mutex_unlock(&lock);
	if (kind == IT_ASK) {
		if (f->ask_relayed == NULL)
			answer_as(ticket, 0, NULL, 0);	/* nobody to ask */
		else
			f->ask_relayed(f, text, secret, ticket);
	} else if (f->confirm(f, text, what, cmd_relay_yes, ticket,
	    &cause) < 0) {
		cmd_relay_no(ticket);
		free(cause);
	}
	free(text);
	free(what);
}

void cmd_relay_drain(const struct cmd_face *f)
{
	struct item *it;

	for (;;) {
		pthread_mutex_lock(&lock);
		it = next_undelivered();
		if (it == NULL) {
			pthread_mutex_unlock(&lock);
			return;
		}
		delivering = it->request;	/* for the face's callback */
		if (it->question) {
			deliver_question(f, it);	/* unlocks */
			delivering = 0;
			continue;
		}
		pthread_mutex_unlock(&lock);
		if (it->kind == IT_FOLLOW && f->follow_job != NULL)
			f->follow_job(f, it->job);
		else if (it->kind == IT_FORGET && f->forget_job != NULL)
			f->forget_job(f, it->job);
		else if (it->kind == IT_LINE)
			f->say(f, it->error, it->text);
		delivering = 0;
		free(it->text);
		free(it);
	}
}

void cmd_relay_close(void)
{
	struct item *it;

	pthread_mutex_lock(&lock);
	closed = 1;
	for (it = items; it != NULL; it = it->next)
		if (it->question)
			it->answered = 1;
	pthread_cond_broadcast(&answered);
	pthread_mutex_unlock(&lock);
}
