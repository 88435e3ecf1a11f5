/* watch.c — the feed of `hvdeck watch`: observer queues, writer writes.
 * See watch.h for why the two are apart. */
#include "cli/watch.h"
#include "core/json.h"
#include "core/model-json.h"
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Text mode: the events strip as a log (its text is already made
 * printable by the model). */
static char *event_line(const struct m_event *e)
{
	char when[16];

	return xasprintf("%s %s%s\n", watch_queue_stamp(e->wall_ms, when),
	    e->severity == SEV_ERROR ? "error: " :
	    e->severity == SEV_WARN ? "warning: " : "", e->text);
}

void watch_observer(enum m_kind kind, enum m_op op, const struct m_host *h,
    const void *obj, void *ctx)
{
	struct watch_queue *q = ctx;
	char *key;

	if (!watch_queue_json(q)) {
		if (kind == MK_EVENT)
			watch_queue_push(q, NULL, 0, event_line(obj));
		return;
	}
	if ((op == MO_STATS && !watch_queue_stats(q)) || kind == MK_EVENT)
		return;
	key = model_json_key(kind, h, obj);
	watch_queue_push(q, key, op == MO_STATS,
	    model_json_change(kind, op, h, obj));
	free(key);
}

int watch_write(struct watch_queue *q, int fd)
{
	char *buf;
	size_t len, off;
	ssize_t n;

	while ((buf = watch_queue_take(q)) != NULL) {
		len = strlen(buf);
		for (off = 0; off < len; off += (size_t)n) {
			n = write(fd, buf + off, len - off);
			if (n < 0 && errno == EINTR && !watch_queue_stopped(q)) {
				n = 0;
				continue;
			}
			if (n < 0) {
				free(buf);
				return -1;
			}
		}
		free(buf);
	}
	return 0;
}
