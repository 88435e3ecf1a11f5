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
#include "core/watch-queue.h"

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
