/* test_watch.c — watch's queue between the model observer and the writer:
 * stats coalesce per object without reordering an object's lines, a full
 * queue drops with a notice instead of waiting, the observer never waits
 * for a writer, and a writer blocked on its output ends once stopped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/model.h"
#include "core/util.h"
#include "cli/watch.h"

static void push(struct watch_queue *q, const char *key, int stats,
    const char *text)
{
	watch_queue_push(q, key, stats, xasprintf("%s\n", text));
}

/* Everything queued, as one string (the queue is stopped first, so an
 * empty queue gives "" instead of waiting). */
static char *take_all(struct watch_queue *q)
{
	char *s;

	watch_queue_stop(q);
	s = watch_queue_take(q);
	return s != NULL ? s : xstrdup("");
}

static void test_stats_coalesce_per_object(void **state)
{
	struct watch_queue *q = watch_queue_new(16, 1, 1);
	char *s;

	(void)state;
	push(q, "d1", 1, "d1 s1");
	push(q, "h1", 1, "h1 s1");
	push(q, "d1", 1, "d1 s2");
	push(q, "d1", 0, "d1 change");
	push(q, "d1", 1, "d1 s3");	/* after a change: kept apart */
	push(q, "d1", 1, "d1 s4");
	push(q, "h1", 1, "h1 s2");
	s = take_all(q);
	assert_string_equal(s, "d1 s2\nh1 s2\nd1 change\nd1 s4\n");
	free(s);
	watch_queue_free(q);
}

static void test_full_queue_drops_with_notice(void **state)
{
	struct watch_queue *q = watch_queue_new(3, 1, 0);
	char key[16], *s, *notice;
	int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "d%d", i);
		push(q, key, 0, key);
	}
	s = watch_queue_take(q);
	assert_non_null(s);
	assert_true(strncmp(s, "d0\nd1\nd2\n", 9) == 0);
	notice = s + 9;
	assert_non_null(strstr(notice, "\"kind\":\"dropped\""));
	assert_non_null(strstr(notice, "\"count\":7"));
	free(s);
	/* told once: the next take has only what came after */
	push(q, "d10", 0, "d10");
	s = take_all(q);
	assert_string_equal(s, "d10\n");
	free(s);
	watch_queue_free(q);
}

static void test_text_drop_notice(void **state)
{
	struct watch_queue *q = watch_queue_new(1, 0, 0);
	char *s;

	(void)state;
	push(q, NULL, 0, "first");
	push(q, NULL, 0, "second");
	push(q, NULL, 0, "third");
	s = take_all(q);
	assert_true(strncmp(s, "first\n", 6) == 0);
	assert_non_null(strstr(s, "warning: 2 changes not shown"));
	free(s);
	watch_queue_free(q);
}

/* The observer under the model lock, with no writer at all: every change
 * returns, and what did not fit is counted, not lost silently. */
static void test_observer_never_waits(void **state)
{
	struct config_host ch = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct watch_queue *q = watch_queue_new(16, 1, 1);
	unsigned host;
	char uuid[40], *s, *p;
	size_t lines = 0;
	unsigned long dropped = 0;
	int i;

	(void)state;
	model_init();
	host = model_host_add(&ch);
	model_set_observer(watch_observer, q);
	for (i = 0; i < 100; i++) {
		snprintf(uuid, sizeof uuid, "%08d-0000-0000-0000-000000000000", i);
		model_desktop_seen(host, uuid, "d", DS_RUNNING, 1, 1, NULL);
	}
	for (i = 0; i < 1000; i++)
		model_host_stats(host, (uint64_t)i, (uint64_t)i * 2, 1);
	model_set_observer(NULL, NULL);
	model_free();
	s = take_all(q);
	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	p = strstr(s, "\"count\":");
	assert_non_null(p);
	dropped = strtoul(p + 8, NULL, 10);
	/* 100 adds and the host's stats: 16 written, the rest counted */
	assert_int_equal(lines, 17);
	assert_true(dropped >= 100 - 16);
	free(s);
	watch_queue_free(q);
}

/* ---- a writer whose reader stopped reading ---- */

static void on_usr1(int sig)
{
	(void)sig;
}

struct writer_run {
	struct watch_queue *q;
	int fd, rc, err;
	atomic_int done;
};

static void *writer(void *arg)
{
	struct writer_run *r = arg;

	r->rc = watch_write(r->q, r->fd);
	r->err = errno;
	r->done = 1;
	return NULL;
}

static void test_blocked_writer_ends_when_stopped(void **state)
{
	struct writer_run r = { 0 };
	struct sigaction sa;
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	pthread_t t;
	char *big;
	int fds[2], i;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;	/* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	assert_int_equal(pipe(fds), 0);
	r.q = watch_queue_new(16, 1, 0);
	r.fd = fds[1];
	/* more than a pipe holds, and nobody reads */
	big = xcalloc(1, 256 * 1024 + 2);
	memset(big, 'x', 256 * 1024);
	big[256 * 1024] = '\n';
	watch_queue_push(r.q, NULL, 0, big);
	assert_int_equal(pthread_create(&t, NULL, writer, &r), 0);
	for (i = 0; i < 20 && !r.done; i++)
		nanosleep(&nap, NULL);
	assert_false(r.done);	/* blocked in write() */
	watch_queue_stop(r.q);
	for (i = 0; i < 200 && !r.done; i++) {
		pthread_kill(t, SIGUSR1);
		nanosleep(&nap, NULL);
	}
	assert_true(r.done);
	pthread_join(t, NULL);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err, EINTR);
	close(fds[0]);
	close(fds[1]);
	watch_queue_free(r.q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_coalesce_per_object),
		cmocka_unit_test(test_full_queue_drops_with_notice),
		cmocka_unit_test(test_text_drop_notice),
		cmocka_unit_test(test_observer_never_waits),
		cmocka_unit_test(test_blocked_writer_ends_when_stopped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
