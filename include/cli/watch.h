/* watch.h — the feed of `hvdeck watch`, split so that no reader can stall
 * the program: the model observer runs under the model lock and only
 * renders the change into a line and queues it; the writer takes lines off
 * the queue and writes them with no lock held. A reader that stops reading
 * blocks the writer alone; host workers and the event loop go on.
 *
 * The queue is bounded. A stats line replaces the queued stats line of the
 * same object when nothing about that object was queued after it, so stats
 * never pile up. A change that finds the queue full is dropped and counted,
 * and the writer says so in the output ("dropped", with the count) where
 * the loss happened: nothing is lost silently. */
#ifndef HVDECK_WATCH_H
#define HVDECK_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

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

/* The model observer (model_set_observer(watch_observer, q)): renders the
 * change and queues it. Called under the model lock. */
void watch_observer(enum m_kind kind, enum m_op op, const struct m_host *h,
    const void *obj, void *ctx);

/* Write everything taken from q to fd until q is stopped and empty (0) or a
 * write fails (-1, errno set). A write interrupted by a signal after
 * watch_queue_stop() abandons the rest (-1, errno EINTR): a reader that
 * stopped reading must not keep watch from ending. */
int watch_write(struct watch_queue *q, int fd);

#endif
