/* test_srv_sub.c — the server's subscriptions over socketpairs: a
 * subscriber gets the snapshot, the "synced" line, then the changes; one
 * that stops reading is dropped, while another that reads gets every
 * change in order; a job dismissed in the server is sent as gone; the
 * server's stop ends every subscription. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "srv/proto.h"
#include "srv/srv-peer.h"
#include "srv/srv-sub.h"
#include "model-fill.h"

#define FLOOD 12000

struct side {
	int sv[2];
	struct srv_peer peer;
	pthread_t serve;
	int rc;
	/* the reader's */
	pthread_t reader;
	atomic_int synced, hosts, maint_changes, last_maint, jobs, gone;
};

static char user[] = "tester";

static void *serve_main(void *arg)
{
	struct side *s = arg;

	s->rc = srv_sub_serve(&s->peer);
	return NULL;
}

/* Read every frame until the end: count what the test looks for. */
static void *reader_main(void *arg)
{
	struct side *s = arg;
	struct proto_msg m;
	char *cause = NULL;
	int i;

	while (proto_recv(s->sv[1], &m, -1, &cause) == 0) {
		for (i = 0; i < m.n; i++) {	/* the reader alone writes */
			const char *l = m.f[i];

			if (strstr(l, "\"kind\":\"synced\"") != NULL)
				s->synced = 1;
			else if (strstr(l, "\"state\":\"gone\"") != NULL)
				s->gone++;
			else if (strstr(l, "\"kind\":\"job\"") != NULL)
				s->jobs++;
			else if (strstr(l, "\"kind\":\"host\",\"op\":\"add\"") != NULL)
				s->hosts++;
			else if (s->synced && strstr(l, "\"name\":\"hv1\"") != NULL &&
			    strstr(l, "\"op\":\"change\"") != NULL) {
				s->maint_changes++;
				s->last_maint = strstr(l, "\"maintenance\":true") != NULL;
			}
		}
		proto_msg_free(&m);
	}
	free(cause);
	return NULL;
}

static void side_start(struct side *s, int read)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s->sv), 0);
	s->peer.fd = s->sv[0];
	s->peer.user = user;
	srv_peer_init(&s->peer);
	assert_int_equal(pthread_create(&s->serve, NULL, serve_main, s), 0);
	if (read)
		assert_int_equal(pthread_create(&s->reader, NULL, reader_main, s),
		    0);
}

/* A job the subscriber has seen, dismissed in the server: its "gone"
 * line follows. */
static void dismissed_job_goes(struct side *b)
{
	struct job_target t = { NULL, "d", 0, "hv1" };
	unsigned id = job_new(JK_START, &t, NULL, NULL);
	char *cause = NULL;
	int waited;

	assert_int_equal(job_begin(id), 0);
	job_done(id);
	for (waited = 0; b->jobs == 0 && waited < 10000; waited += 10)
		util_sleep_ms(10);
	assert_true(b->jobs > 0);
	assert_int_equal(b->gone, 0);
	assert_int_equal(job_dismiss(id, &cause), 0);
	for (waited = 0; b->gone == 0 && waited < 10000; waited += 10)
		util_sleep_ms(10);
	assert_int_equal(b->gone, 1);
}

static void test_subscribers(void **state)
{
	struct side a, b;
	unsigned h1, h2;
	int i, waited;

	(void)state;
	fill_hosts(&h1, &h2);
	srv_sub_init();
	side_start(&a, 0);	/* a never reads */
	side_start(&b, 1);
	for (waited = 0; !b.synced && waited < 10000; waited += 10)
		util_sleep_ms(10);
	assert_true(b.synced);
	assert_int_equal(b.hosts, 2);
	for (i = 1; i <= FLOOD; i++)
		model_host_set_maintenance("hv1", i & 1);
	/* a is dropped: its queue overflowed, or its send timed out */
	pthread_join(a.serve, NULL);
	assert_int_equal(a.rc, 1);
	assert_true(a.peer.gone);
	/* b, reading, got every change, in order, the last one last */
	for (waited = 0; b.maint_changes < FLOOD && waited < 30000; waited += 10)
		util_sleep_ms(10);
	assert_int_equal(b.maint_changes, FLOOD);
	assert_int_equal(b.last_maint, 0);
	dismissed_job_goes(&b);
	/* the server stops: b's subscription ends */
	srv_sub_stop_all();
	pthread_join(b.serve, NULL);
	assert_int_equal(b.rc, 0);
	close(b.sv[0]);
	pthread_join(b.reader, NULL);
	close(b.sv[1]);
	close(a.sv[0]);
	close(a.sv[1]);
	model_set_observer(NULL, NULL);
	model_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subscribers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
