/* model-wait.h — unit tests wait on the model's wake descriptor, never on
 * a sleep: drain, look, then poll until the next change or the deadline.
 * A change between the look and the poll has written to the pipe, so none
 * is lost. Include after model.h and util.h. */
#ifndef HVDECK_TEST_MODEL_WAIT_H
#define HVDECK_TEST_MODEL_WAIT_H

#include <poll.h>
#include <stdint.h>

typedef int (*model_pred)(const void *arg);

/* Wait until pred(arg) holds, calling it under the model lock when lock is
 * set (else pred takes what it needs). Returns 1, or 0 at the deadline. */
static inline int wait_model_loop(model_pred pred, const void *arg,
    int64_t timeout_ms, int lock)
{
	int64_t deadline = util_now_ms() + timeout_ms, left;
	struct pollfd pfd;
	int ok;

	for (;;) {
		model_wake_drain();
		if (lock)
			model_lock();
		ok = pred(arg);
		if (lock)
			model_unlock();
		if (ok)
			return 1;
		left = deadline - util_now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = model_wake_fd();
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left) < 0)
			return 0;
	}
}

/* pred runs with the model lock held. */
static inline int wait_model(model_pred pred, const void *arg,
    int64_t timeout_ms)
{
	return wait_model_loop(pred, arg, timeout_ms, 1);
}

/* pred locks the model itself. */
static inline int wait_model_unlocked(model_pred pred, const void *arg,
    int64_t timeout_ms)
{
	return wait_model_loop(pred, arg, timeout_ms, 0);
}

#endif
