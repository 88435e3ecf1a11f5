/* test_srv_turn.c — an attached console's requests take their turns in
 * the order of their tickets, whatever order their threads start in: a
 * thread started first with a later ticket waits for the earlier one to
 * give its turn on; giving twice passes the turn once; an abandoned
 * ticket (its thread never started) is skipped, before or after its turn
 * came. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "srv/srv-turn.h"

#define N 8

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned order[N];
static size_t norder;

struct runner {
	unsigned ticket;
};

static void *run(void *arg)
{
	struct runner *r = arg;

	srv_turn_wait(r->ticket);
	pthread_mutex_lock(&order_lock);
	order[norder++] = r->ticket;
	pthread_mutex_unlock(&order_lock);
	srv_turn_give();
	srv_turn_give();	/* a second give passes nothing on */
	return NULL;
}

/* N tickets taken in order, their threads started last first: they run
 * in ticket order. */
static void test_in_ticket_order(void **state)
{
	struct runner r[N];
	pthread_t t[N];
	size_t i;

	(void)state;
	norder = 0;
	for (i = 0; i < N; i++)
		r[i].ticket = srv_turn_take();
	for (i = N; i-- > 0;)
		assert_int_equal(pthread_create(&t[i], NULL, run, &r[i]), 0);
	for (i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(norder, N);
	for (i = 1; i < N; i++)
		assert_true(order[i] == order[i - 1] + 1);
}

/* A ticket abandoned while it waits for its turn, and one abandoned
 * when its turn has come: both skipped. */
static void test_abandoned_skipped(void **state)
{
	struct runner a, c;
	unsigned lost_now, lost_later;
	pthread_t ta, tc;

	(void)state;
	norder = 0;
	lost_now = srv_turn_take();	/* its turn now */
	a.ticket = srv_turn_take();
	lost_later = srv_turn_take();
	c.ticket = srv_turn_take();
	assert_int_equal(pthread_create(&tc, NULL, run, &c), 0);
	assert_int_equal(pthread_create(&ta, NULL, run, &a), 0);
	srv_turn_abandon(lost_later);
	srv_turn_abandon(lost_now);
	pthread_join(ta, NULL);
	pthread_join(tc, NULL);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], a.ticket);
	assert_int_equal(order[1], c.ticket);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_ticket_order),
		cmocka_unit_test(test_abandoned_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
