/* watch-queue.c — the bounded queue between a model observer and the
 * writer of its lines (watch-queue.h): `hvdeck watch` and the server's
 * subscriptions. */
#include "core/watch-queue.h"
#include "core/json.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct entry {
	char *line;
	char *key;                  /* the object, or NULL */
	int stats;
};

struct watch_queue {
	pthread_mutex_t lock;       /* never held while writing */
	pthread_cond_t cond;
	struct entry *ring;
	size_t cap, head, count;
	size_t dropped;             /* lost since the last take */
	int64_t dropped_since_ms;
	int stop;
	int json, stats;
};

struct watch_queue *watch_queue_new(size_t cap, int json, int stats)
{
	struct watch_queue *q = xcalloc(1, sizeof *q);

	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->cap = cap > 0 ? cap : 1;
	q->ring = xcalloc(q->cap, sizeof *q->ring);
	q->json = json;
	q->stats = stats;
	return q;
}

static struct entry *at(struct watch_queue *q, size_t i)
{
	return &q->ring[(q->head + i) % q->cap];
}

void watch_queue_free(struct watch_queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->count; i++) {
		free(at(q, i)->line);
		free(at(q, i)->key);
	}
	free(q->ring);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}

/* Lock held. The newest queued entry about key, or NULL. */
static struct entry *newest_about(struct watch_queue *q, const char *key)
{
	size_t i;

	for (i = q->count; i-- > 0;)
		if (at(q, i)->key != NULL && strcmp(at(q, i)->key, key) == 0)
			return at(q, i);
	return NULL;
}

void watch_queue_push(struct watch_queue *q, const char *key, int stats,
    char *line)
{
	struct entry *e;

	pthread_mutex_lock(&q->lock);
	/* a newer sample makes the queued one stale, unless a change of the
	 * object came between: then both stay, in order */
	if (stats && key != NULL && (e = newest_about(q, key)) != NULL &&
	    e->stats) {
		free(e->line);
		e->line = line;
	} else if (q->count == q->cap) {
		if (q->dropped++ == 0)
			q->dropped_since_ms = util_wall_ms();
		free(line);
	} else {
		e = at(q, q->count++);
		e->line = line;
		e->key = xstrdup(key);
		e->stats = stats;
	}
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

char *watch_queue_stamp(int64_t wall_ms, char buf[16])
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
	return buf;
}

/* Lock held. The line that tells the reader what it did not get. */
static char *dropped_notice(struct watch_queue *q)
{
	struct json j;
	char when[16];

	if (!q->json)
		return xasprintf("%s warning: %zu changes not shown: the output "
		    "was not read in time\n", watch_queue_stamp(q->dropped_since_ms, when),
		    q->dropped);
	json_init(&j);
	json_begin_object(&j, NULL);
	json_int(&j, "time_ms", q->dropped_since_ms);
	json_string(&j, "kind", "dropped");
	json_uint(&j, "count", q->dropped);
	json_end_object(&j);
	return json_take_line(&j);
}

/* Append s to *buf (length *len), freeing s. */
static void append(char **buf, size_t *len, char *s)
{
	size_t n = strlen(s);

	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	free(s);
}

/* Lock held: what is queued, as one string (NULL when nothing). */
static char *take_locked(struct watch_queue *q)
{
	char *buf = NULL;
	size_t len = 0;
	struct entry *e;

	while (q->count > 0) {
		e = at(q, 0);
		append(&buf, &len, e->line);
		free(e->key);
		memset(e, 0, sizeof *e);
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	return buf;
}

char *watch_queue_take(struct watch_queue *q)
{
	char *buf;
	size_t len;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && q->dropped == 0 && !q->stop)
		pthread_cond_wait(&q->cond, &q->lock);
	buf = take_locked(q);
	/* a full queue only drops: the loss came after all that was queued */
	if (q->dropped > 0) {
		len = buf != NULL ? strlen(buf) : 0;
		append(&buf, &len, dropped_notice(q));
		q->dropped = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return buf;
}

char *watch_queue_take_lost(struct watch_queue *q, size_t *lost)
{
	char *buf;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && q->dropped == 0 && !q->stop)
		pthread_cond_wait(&q->cond, &q->lock);
	buf = take_locked(q);
	*lost = q->dropped;
	q->dropped = 0;
	pthread_mutex_unlock(&q->lock);
	return buf;
}

void watch_queue_stop(struct watch_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

int watch_queue_stopped(struct watch_queue *q)
{
	int stop;

	pthread_mutex_lock(&q->lock);
	stop = q->stop;
	pthread_mutex_unlock(&q->lock);
	return stop;
}


int watch_queue_json(const struct watch_queue *q)
{
	return q->json;
}

int watch_queue_stats(const struct watch_queue *q)
{
	return q->stats;
}
