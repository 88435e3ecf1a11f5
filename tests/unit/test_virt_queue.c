/* test_virt_queue.c — a host worker's request queue (order, dedup of
 * identical re-reads, calls never merged) and its reconnect pacing
 * (doubling within 1 s .. 60 s, jitter within +-20 %). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>

#include "virt/virt-queue.h"
#include "core/util.h"

static struct host_request *req(enum req_kind kind, const char *arg,
    int propagate)
{
	struct host_request *r = xcalloc(1, sizeof *r);

	r->kind = kind;
	r->arg = xstrdup(arg);
	r->propagate = propagate;
	return r;
}

static void fn(virConnectPtr conn, unsigned host_id, void *ctx)
{
	(void)conn;
	(void)host_id;
	(void)ctx;
}

static struct host_request *call(void *ctx)
{
	struct host_request *r = req(REQ_CALL, NULL, 0);

	r->fn = fn;
	r->ctx = ctx;
	return r;
}

static size_t drain(struct host_request **head, struct host_request **tail)
{
	struct host_request *r;
	size_t n = 0;

	while ((r = queue_pop(head, tail)) != NULL) {
		queue_request_free(r);
		n++;
	}
	assert_null(*head);
	assert_null(*tail);
	return n;
}

static void test_dedup(void **state)
{
	struct host_request *head = NULL, *tail = NULL, *r;

	(void)state;
	assert_int_equal(queue_push(&head, &tail, req(REQ_DOMAIN, "u1", 0)), 1);
	assert_int_equal(queue_push(&head, &tail, req(REQ_DOMAIN, "u1", 0)), 0);
	assert_int_equal(queue_push(&head, &tail, req(REQ_DOMAIN, "u2", 0)), 1);
	assert_int_equal(queue_push(&head, &tail, req(REQ_JOB, "u1", 0)), 1);
	assert_int_equal(queue_push(&head, &tail, req(REQ_JOB, "u1", 0)), 0);
	assert_int_equal(queue_push(&head, &tail, req(REQ_POOL_EVENT, "bases", 1)), 1);
	/* not the same: this one does not pass the refresh on */
	assert_int_equal(queue_push(&head, &tail, req(REQ_POOL_EVENT, "bases", 0)), 1);
	assert_int_equal(queue_push(&head, &tail, req(REQ_POOL_EVENT, "bases", 1)), 0);
	assert_int_equal(queue_push(&head, &tail, req(REQ_POOL_REFRESH, "bases", 0)), 1);
	assert_int_equal(queue_push(&head, &tail, req(REQ_POOL_REFRESH, "bases", 0)), 0);

	/* first in, first out */
	r = queue_pop(&head, &tail);
	assert_int_equal(r->kind, REQ_DOMAIN);
	assert_string_equal(r->arg, "u1");
	queue_request_free(r);
	r = queue_pop(&head, &tail);
	assert_string_equal(r->arg, "u2");
	queue_request_free(r);
	assert_int_equal(drain(&head, &tail), 4);

	/* once served, the same re-read is queued again */
	assert_int_equal(queue_push(&head, &tail, req(REQ_DOMAIN, "u1", 0)), 1);
	assert_int_equal(drain(&head, &tail), 1);
}

/* Every call carries its own job: two identical calls are two jobs. */
static void test_calls_never_merged(void **state)
{
	struct host_request *head = NULL, *tail = NULL, *r;
	int a, b;

	(void)state;
	assert_int_equal(queue_push(&head, &tail, call(&a)), 1);
	assert_int_equal(queue_push(&head, &tail, call(&a)), 1);
	assert_int_equal(queue_push(&head, &tail, call(&b)), 1);
	r = queue_pop(&head, &tail);
	assert_ptr_equal(r->ctx, &a);
	queue_request_free(r);
	r = queue_pop(&head, &tail);
	assert_ptr_equal(r->ctx, &a);
	queue_request_free(r);
	r = queue_pop(&head, &tail);
	assert_ptr_equal(r->ctx, &b);
	queue_request_free(r);
	assert_null(queue_pop(&head, &tail));
	assert_null(tail);
}

/* A console looking caps the delay; without one the backoff is whole. */
static void test_backoff_cap(void **state)
{
	(void)state;
	assert_int_equal(queue_backoff_cap(BACKOFF_MAX_MS, 0), BACKOFF_MAX_MS);
	assert_int_equal(queue_backoff_cap(BACKOFF_MAX_MS, 1),
	    BACKOFF_WATCHED_MAX_MS);
	assert_int_equal(queue_backoff_cap(BACKOFF_MIN_MS, 1), BACKOFF_MIN_MS);
	assert_int_equal(queue_backoff_cap(BACKOFF_WATCHED_MAX_MS, 1),
	    BACKOFF_WATCHED_MAX_MS);
	assert_true(BACKOFF_MIN_MS < BACKOFF_WATCHED_MAX_MS &&
	    BACKOFF_WATCHED_MAX_MS < BACKOFF_MAX_MS);
}

static void test_backoff_bounds(void **state)
{
	int ms = 0, steps = 0, prev;

	(void)state;
	assert_int_equal(queue_backoff_next(0), BACKOFF_MIN_MS);
	assert_int_equal(queue_backoff_next(-5), BACKOFF_MIN_MS);
	assert_int_equal(queue_backoff_next(BACKOFF_MIN_MS), 2 * BACKOFF_MIN_MS);
	assert_int_equal(queue_backoff_next(BACKOFF_MAX_MS), BACKOFF_MAX_MS);
	assert_int_equal(queue_backoff_next(BACKOFF_MAX_MS - 1), BACKOFF_MAX_MS);
	assert_int_equal(queue_backoff_next(INT_MAX), BACKOFF_MAX_MS);
	/* 1, 2, 4, ... 32 s, then 60 s for ever */
	for (ms = BACKOFF_MIN_MS; ms < BACKOFF_MAX_MS; ms = queue_backoff_next(ms)) {
		prev = ms;
		assert_true(queue_backoff_next(prev) > prev);
		steps++;
	}
	assert_int_equal(ms, BACKOFF_MAX_MS);
	assert_int_equal(steps, 6);
}

static void test_jitter_bounds(void **state)
{
	static const int delays[] = { BACKOFF_MIN_MS, 4000, BACKOFF_MAX_MS };
	static const long rnds[] = { 0, 1, 2, 12345, 2147483647L, LONG_MAX, -1, LONG_MIN };
	size_t i, k;
	int d, lo_seen = 0, hi_seen = 0;

	(void)state;
	for (i = 0; i < sizeof delays / sizeof delays[0]; i++) {
		for (k = 0; k < sizeof rnds / sizeof rnds[0]; k++) {
			d = queue_backoff_jitter(delays[i], rnds[k]);
			assert_true(d >= delays[i] - delays[i] / 5);
			assert_true(d <= delays[i] + delays[i] / 5);
		}
		for (k = 0; k < 2000; k++) {
			d = queue_backoff_jitter(delays[i], (long)k * 7919);
			assert_true(d >= delays[i] - delays[i] / 5);
			assert_true(d <= delays[i] + delays[i] / 5);
			lo_seen |= d == delays[i] - delays[i] / 5;
			hi_seen |= d == delays[i] + delays[i] / 5;
		}
	}
	/* the whole spread is used: hosts do not reconnect in lockstep */
	assert_true(lo_seen);
	assert_true(hi_seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_calls_never_merged),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_backoff_cap),
		cmocka_unit_test(test_jitter_bounds),
	};

	return cmocka_run_group_tests_name("virt-queue", tests, NULL, NULL);
}
