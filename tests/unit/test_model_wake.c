/* test_model_wake.c — the model's wake descriptor under concurrent writers.
 *
 * Several threads make changes in bursts while this thread polls the wake
 * fd and drains it, as the console does. After every burst, a change the
 * reader has not yet seen must leave the fd readable: a wake that is lost
 * (drained by the reader while its writer's flag stays set) means no later
 * change ever writes again, and the console updates only on a key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "core/model.h"
#include "core/util.h"

#define WRITERS 4
#define BURSTS 3000
#define PER_BURST 8
/* generous on a loaded machine; a readable fd answers at once */
#define DEADLINE_MS 2000

static unsigned host;
static pthread_barrier_t go;
static atomic_uint bursts_done;	/* writer-bursts finished */

static void *writer(void *arg)
{
	uint64_t busy = 0;
	int b, i;

	(void)arg;
	for (b = 0; b < BURSTS; b++) {
		pthread_barrier_wait(&go);
		for (i = 0; i < PER_BURST; i++) {
			busy += 10;
			model_host_stats(host, busy, busy * 4, 1024);
		}
		atomic_fetch_add(&bursts_done, 1);
	}
	return NULL;
}

static int readable(int timeout_ms)
{
	struct pollfd pfd = { .fd = model_wake_fd(), .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) > 0;
}

static void test_no_lost_wake(void **state)
{
	struct config_host ch = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	pthread_t t[WRITERS];
	uint64_t seen;
	unsigned target;
	int b, i, stalled_at = -1;

	(void)state;
	model_init();
	host = model_host_add(&ch);
	model_wake_drain();
	seen = model_generation();
	pthread_barrier_init(&go, NULL, WRITERS + 1);
	atomic_store(&bursts_done, 0);
	for (i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, NULL), 0);
	for (b = 0; b < BURSTS; b++) {
		pthread_barrier_wait(&go);
		target = (unsigned)(WRITERS * (b + 1));
		/* drain while the writers run: the race is drain vs change */
		while (atomic_load(&bursts_done) < target) {
			if (readable(0)) {
				model_wake_drain();
				seen = model_generation();
			}
		}
		if (model_generation() == seen)
			continue;
		if (stalled_at < 0 && !readable(DEADLINE_MS))
			stalled_at = b;	/* keep the writers going to their end */
		model_wake_drain();
		seen = model_generation();
	}
	for (i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	model_free();
	if (stalled_at >= 0)
		fail_msg("changes of burst %d never made the wake fd readable", stalled_at);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_lost_wake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
