/* virt-queue.c — a host worker's request queue and reconnect pacing. */
#include "virt/virt-queue.h"

#include <stdlib.h>
#include <string.h>

void queue_request_free(struct host_request *r)
{
	free(r->arg);
	free(r);
}

static int same_request(const struct host_request *a,
    const struct host_request *b)
{
	return a->kind == b->kind && a->kind != REQ_CALL &&
	    a->propagate == b->propagate && a->arg != NULL && b->arg != NULL &&
	    strcmp(a->arg, b->arg) == 0;
}

int queue_push(struct host_request **head, struct host_request **tail,
    struct host_request *r)
{
	struct host_request *q;

	for (q = *head; q != NULL; q = q->next) {
		if (same_request(q, r)) {
			queue_request_free(r);
			return 0;
		}
	}
	r->next = NULL;
	if (*tail != NULL)
		(*tail)->next = r;
	else
		*head = r;
	*tail = r;
	return 1;
}

struct host_request *queue_pop(struct host_request **head,
    struct host_request **tail)
{
	struct host_request *r = *head;

	if (r != NULL) {
		*head = r->next;
		if (*head == NULL)
			*tail = NULL;
		r->next = NULL;
	}
	return r;
}

int queue_backoff_next(int ms)
{
	if (ms < BACKOFF_MIN_MS)
		return BACKOFF_MIN_MS;
	return ms > BACKOFF_MAX_MS / 2 ? BACKOFF_MAX_MS : ms * 2;
}

int queue_backoff_jitter(int ms, long rnd)
{
	long spread = ms / 5 * 2 + 1;

	if (rnd < 0)
		rnd = -(rnd + 1);
	return ms - ms / 5 + (int)(rnd % spread);
}

int queue_backoff_cap(int ms, int watched)
{
	return watched && ms > BACKOFF_WATCHED_MAX_MS ? BACKOFF_WATCHED_MAX_MS : ms;
}
