/* srv-sub.h — the server's subscriptions (proto.h SUBSCRIBE): a client
 * (an attached console) gets a snapshot of the model, then every change,
 * as watch --json's lines (model-json.h), the jobs' lines (a dismissed
 * job's with state "gone") and each migration's progress (srv-mig.h),
 * packed into SUB_LINES frames of at most PROTO_FRAME_MAX bytes. The
 * model observer only renders and queues (watch-queue.h, one bounded
 * queue per subscriber); the
 * subscriber's own thread sends. A subscriber that stops reading (a send
 * that does not finish in SRV_SEND_TIMEOUT_MS) or falls so far behind
 * that its queue overflows is dropped: the server and the other clients
 * never wait for it, and it may subscribe again for a new snapshot. */
#ifndef HVDECK_SRV_SUB_H
#define HVDECK_SRV_SUB_H

struct srv_peer;

/* Changes queued per subscriber at most, past its snapshot. */
#define SRV_SUB_QUEUE_MAX 8192

/* Observe the model for the subscribers (once, at the server's start,
 * after the model exists). */
void srv_sub_init(void);
/* Serve p's SUBSCRIBE on the calling thread until p goes away, is
 * dropped, or srv_sub_stop_all: 0 when the server stopped it, 1 when p
 * went or was dropped. */
int srv_sub_serve(struct srv_peer *p);
/* The server stops: every subscription ends. */
void srv_sub_stop_all(void);

#endif
