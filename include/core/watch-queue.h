/* watch-queue.h — a bounded queue of lines between a model observer
 * (which runs under the model lock and must never wait) and a writer
 * that takes them with no lock held: `hvdeck watch` (cli/watch.h) and
 * the server's subscriptions (srv/srv-sub.h). A reader that stops
 * reading blocks its writer alone.
 *
 * A stats line replaces the queued stats line of the same object when
 * nothing about that object was queued after it, so stats never pile up.
 * A change that finds the queue full is dropped and counted, and the
 * writer is told where the loss happened: nothing is lost silently. */
#ifndef HVDECK_WATCH_QUEUE_H
#define HVDECK_WATCH_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/* Lines queued at most (about 1 KiB each in JSON). */
#define WATCH_QUEUE_MAX 8192

struct watch_queue;

/* A queue of at most cap lines. json: JSON lines (else the events strip as
 * text); stats: JSON lines for stats samples too. Free with
 * watch_queue_free(). */
struct watch_queue *watch_queue_new(size_t cap, int json, int stats);
/* Only once no observer and no writer uses q any more. */
void watch_queue_free(struct watch_queue *q);

/* Queue line (taken over, with its newline). key names the object the line
 * is about (NULL: none, never coalesced); stats: the line is a stats sample
 * and may replace one. Never waits for the writer. */
void watch_queue_push(struct watch_queue *q, const char *key, int stats,
    char *line);

/* Writer side: wait until something is queued, then return all of it as one
 * string, with a notice for changes dropped (caller frees). After
 * watch_queue_stop(), returns what is left, then NULL. */
char *watch_queue_take(struct watch_queue *q);
/* Wake the writer to finish; it returns what is still queued, then NULL. */
void watch_queue_stop(struct watch_queue *q);
int watch_queue_stopped(struct watch_queue *q);

/* The json and stats of watch_queue_new. */
int watch_queue_json(const struct watch_queue *q);
int watch_queue_stats(const struct watch_queue *q);
/* "HH:MM:SS" of wall_ms, local time, in buf. */
char *watch_queue_stamp(int64_t wall_ms, char buf[16]);
/* Like watch_queue_take, without the notice: *lost is how many changes
 * were dropped (after all that is returned) since the last take. NULL
 * (and *lost 0) once stopped and empty. */
char *watch_queue_take_lost(struct watch_queue *q, size_t *lost);

#endif
