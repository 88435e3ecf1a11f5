/* srv-turn.c — the order of an attached console's requests (srv-turn.h):
 * a ticket counter and the ticket whose turn it is, under one lock. */
#include "srv/srv-turn.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turned = PTHREAD_COND_INITIALIZER;
static unsigned next_ticket;    /* the ticket srv_turn_take gives next */
static unsigned now_serving;    /* whose turn it is */
static unsigned *abandoned;     /* tickets no request will give on */
static size_t nabandoned;
static _Thread_local int holding;  /* this thread has the turn */

unsigned srv_turn_take(void)
{
	unsigned t;

	pthread_mutex_lock(&lock);
	t = next_ticket++;
	pthread_mutex_unlock(&lock);
	return t;
}

/* Lock held: past every abandoned ticket whose turn it is. */
static void skip_abandoned(void)
{
	size_t i;

	for (i = 0; i < nabandoned; i++) {
		if (abandoned[i] != now_serving)
			continue;
		abandoned[i] = abandoned[--nabandoned];
		now_serving++;
		i = (size_t)-1;	/* the next one may be abandoned too */
	}
}

void srv_turn_wait(unsigned ticket)
{
	pthread_mutex_lock(&lock);
	while (now_serving != ticket)
		pthread_cond_wait(&turned, &lock);
	pthread_mutex_unlock(&lock);
	holding = 1;
}

void srv_turn_give(void)
{
	if (!holding)
		return;
	holding = 0;
	pthread_mutex_lock(&lock);
	now_serving++;
	skip_abandoned();
	pthread_cond_broadcast(&turned);
	pthread_mutex_unlock(&lock);
}

void srv_turn_abandon(unsigned ticket)
{
	pthread_mutex_lock(&lock);
	abandoned = xreallocarray(abandoned, nabandoned + 1, sizeof *abandoned);
	abandoned[nabandoned++] = ticket;
	skip_abandoned();
	pthread_cond_broadcast(&turned);
	pthread_mutex_unlock(&lock);
}
