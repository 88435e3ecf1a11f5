/* checklist.c — a locked, growing list of steps with a generation and a
 * condition variable, so a job thread reports and any reader follows. */
#include "core/checklist.h"
#include "core/model.h"
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct checklist {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct check_step *steps;
	size_t n, cap;
	uint64_t gen;
};

struct checklist *checklist_new(void)
{
	struct checklist *cl = xcalloc(1, sizeof *cl);
	pthread_condattr_t ca;

	pthread_mutex_init(&cl->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cl->changed, &ca);
	pthread_condattr_destroy(&ca);
	return cl;
}

void checklist_free(struct checklist *cl)
{
	if (cl == NULL)
		return;
	pthread_mutex_destroy(&cl->lock);
	pthread_cond_destroy(&cl->changed);
	free(cl->steps);
	free(cl);
}

/* Under the lock: a change happened. */
static void changed(struct checklist *cl)
{
	cl->gen++;
	pthread_cond_broadcast(&cl->changed);
}

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

static size_t append(struct checklist *cl, enum check_state st,
    const char *text, const char *reason)
{
	size_t i;

	if (cl->n == cl->cap) {
		cl->cap = cl->cap != 0 ? cl->cap * 2 : 8;
		cl->steps = xreallocarray(cl->steps, cl->cap, sizeof *cl->steps);
	}
	i = cl->n++;
	cl->steps[i].state = st;
	copy_text(cl->steps[i].text, sizeof cl->steps[i].text, text);
	copy_text(cl->steps[i].reason, sizeof cl->steps[i].reason, reason);
	changed(cl);
	return i;
}

size_t checklist_add(struct checklist *cl, const char *text)
{
	size_t i;

	pthread_mutex_lock(&cl->lock);
	i = append(cl, CHECK_PENDING, text, NULL);
	pthread_mutex_unlock(&cl->lock);
	model_wake();
	return i;
}

void checklist_set(struct checklist *cl, size_t i, enum check_state st,
    const char *fmt, ...)
{
	char reason[CHECK_REASON_MAX];
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(reason, sizeof reason, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_lock(&cl->lock);
	if (i < cl->n) {
		cl->steps[i].state = st;
		if (fmt != NULL)
			copy_text(cl->steps[i].reason, sizeof cl->steps[i].reason,
			    reason);
		changed(cl);
	}
	pthread_mutex_unlock(&cl->lock);
	model_wake();
}

size_t checklist_note(struct checklist *cl, enum check_state st,
    const char *text, const char *fmt, ...)
{
	char reason[CHECK_REASON_MAX] = "";
	va_list ap;
	size_t i;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(reason, sizeof reason, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_lock(&cl->lock);
	i = append(cl, st, text, reason);
	pthread_mutex_unlock(&cl->lock);
	model_wake();
	return i;
}

void checklist_clear(struct checklist *cl)
{
	pthread_mutex_lock(&cl->lock);
	cl->n = 0;
	changed(cl);
	pthread_mutex_unlock(&cl->lock);
	model_wake();
}

void checklist_replace(struct checklist *cl, const struct check_step *steps,
    size_t n)
{
	struct check_step *now;
	size_t had, i;
	int same;

	checklist_snapshot(cl, &now, &had);
	same = had == n;
	for (i = 0; same && i < n; i++)
		same = now[i].state == steps[i].state &&
		    strcmp(now[i].text, steps[i].text) == 0 &&
		    strcmp(now[i].reason, steps[i].reason) == 0;
	free(now);
	if (same)
		return;
	checklist_clear(cl);
	for (i = 0; i < n; i++)
		(void)checklist_note(cl, steps[i].state, steps[i].text, "%s",
		    steps[i].reason);
}

uint64_t checklist_snapshot(struct checklist *cl, struct check_step **steps,
    size_t *n)
{
	uint64_t gen;

	pthread_mutex_lock(&cl->lock);
	*n = cl->n;
	*steps = xcalloc(cl->n != 0 ? cl->n : 1, sizeof **steps);
	if (cl->n != 0)
		memcpy(*steps, cl->steps, cl->n * sizeof **steps);
	gen = cl->gen;
	pthread_mutex_unlock(&cl->lock);
	return gen;
}

uint64_t checklist_generation(struct checklist *cl)
{
	uint64_t gen;

	pthread_mutex_lock(&cl->lock);
	gen = cl->gen;
	pthread_mutex_unlock(&cl->lock);
	return gen;
}

uint64_t checklist_wait(struct checklist *cl, uint64_t gen, int timeout_ms)
{
	struct timespec deadline;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (timeout_ms >= 0) {
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&cl->lock);
	while (cl->gen == gen) {
		if (timeout_ms < 0)
			pthread_cond_wait(&cl->changed, &cl->lock);
		else if (pthread_cond_timedwait(&cl->changed, &cl->lock,
		    &deadline) == ETIMEDOUT)
			break;
	}
	now = cl->gen;
	pthread_mutex_unlock(&cl->lock);
	return now;
}

size_t checklist_count(struct checklist *cl, enum check_state st)
{
	size_t i, count = 0;

	pthread_mutex_lock(&cl->lock);
	for (i = 0; i < cl->n; i++)
		if (cl->steps[i].state == st)
			count++;
	pthread_mutex_unlock(&cl->lock);
	return count;
}

const char *checklist_state_tag(enum check_state st)
{
	static const char *const tags[] = {
		[CHECK_PENDING] = "  ", [CHECK_RUNNING] = "..",
		[CHECK_OK] = "ok", [CHECK_WARN] = "warn", [CHECK_FAIL] = "FAIL",
	};

	return (unsigned)st < sizeof tags / sizeof tags[0] ? tags[st] : "?";
}
