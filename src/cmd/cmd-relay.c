/* cmd-relay.c — lines and questions carried to the face's thread
 * (cmd-relay.h). */
#include "cmd/cmd-relay.h"
#include "core/model.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	int question;           /* else a line */
	int error;
	char *text, *what;
	unsigned ticket;        /* a question's */
	int answered, yes;
	int delivered;
	struct item *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static struct item *items;      /* in order; questions stay until answered */
static unsigned next_ticket = 1;
static int closed;

static void append(struct item *it)
{
	struct item **p;

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

int cmd_relay_confirm(const char *question, const char *what, char **cause)
{
	struct item *it = xcalloc(1, sizeof *it);
	int yes;

	it->question = 1;
	it->text = xstrdup(question);
	it->what = xstrdup(what);
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
	if (!yes)
		*cause = xasprintf("%s: not confirmed", it->what);
	free(it->text);
	free(it->what);
	free(it);
	return yes ? 0 : -1;
}

static void answer(const char *arg, int yes)
{
	unsigned ticket = (unsigned)strtoul(arg, NULL, 10);
	struct item *it;

	pthread_mutex_lock(&lock);
	for (it = items; it != NULL; it = it->next)
		if (it->question && it->ticket == ticket) {
			it->answered = 1;
			it->yes = yes;
		}
	pthread_cond_broadcast(&answered);
	pthread_mutex_unlock(&lock);
}

void cmd_relay_yes(const struct cmd_face *f, const char *arg)
{
	(void)f;
	answer(arg, 1);
}

void cmd_relay_no(const char *arg)
{
	answer(arg, 0);
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

void cmd_relay_drain(const struct cmd_face *f)
{
	struct item *it;
	char ticket[16], *text, *what, *cause = NULL;

	for (;;) {
		pthread_mutex_lock(&lock);
		it = next_undelivered();
		if (it == NULL) {
			pthread_mutex_unlock(&lock);
			return;
		}
		if (!it->question) {
			pthread_mutex_unlock(&lock);
			f->say(f, it->error, it->text);
			free(it->text);
			free(it);
			continue;
		}
		/* the asker frees it once answered: copies for the face */
		snprintf(ticket, sizeof ticket, "%u", it->ticket);
		text = xstrdup(it->text);
		what = xstrdup(it->what);
		pthread_mutex_unlock(&lock);
		if (f->confirm(f, text, what, cmd_relay_yes, ticket, &cause) < 0) {
			cmd_relay_no(ticket);
			free(cause);
			cause = NULL;
		}
		free(text);
		free(what);
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
