/* Unit tests for srv-client.c's connect: a server that dies while our
 * connection waits in its queue (its listening socket closed: the
 * connection is reset, the socket file stays) is "no server runs", as a
 * stale socket is; a server that is alive but drops us keeps the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "srv/srv-client.h"
#include "srv/srv.h"
#include "core/config.h"

static char path_buf[] = "/nonexistent/hvdeck.conf";

struct attempt {
	struct config cfg;
	int rc, fd;
	long pid;
	char *cause;
};

static void *attempt_run(void *arg)
{
	struct attempt *a = arg;

	a->rc = srv_client_connect(&a->cfg, 0, &a->fd, &a->pid, &a->cause);
	return NULL;
}

/* A listening socket at dir/s, the client pointed at it. */
static int listen_at(char *dir, char *path, size_t len)
{
	struct sockaddr_un sa;
	char *cause = NULL;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, len, "%s/s", dir);
	assert_int_equal(srv_sockaddr(path, &sa, &cause), 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	srv_set_socket(path);
	return fd;
}

/* Start a connect in a thread and wait until it is in lfd's queue. */
static void start_attempt(struct attempt *a, pthread_t *t, int lfd)
{
	struct pollfd pfd = { lfd, POLLIN, 0 };

	memset(a, 0, sizeof *a);
	a->cfg.path = path_buf;
	a->fd = -1;
	assert_int_equal(pthread_create(t, NULL, attempt_run, a), 0);
	assert_int_equal(poll(&pfd, 1, 10000), 1);
}

static void test_server_dying_in_connect(void **state)
{
	char dir[] = "/tmp/hvdeck-client-XXXXXX", path[256];
	int lfd = listen_at(dir, path, sizeof path);
	struct attempt a;
	pthread_t t;

	(void)state;
	start_attempt(&a, &t, lfd);
	close(lfd);	/* what a killed server's last thread does */
	pthread_join(t, NULL);
	assert_int_equal(a.rc, 1);
	assert_null(a.cause);
	srv_set_socket(NULL);
	unlink(path);
	rmdir(dir);
}

static void test_server_alive_drops_us(void **state)
{
	char dir[] = "/tmp/hvdeck-client-XXXXXX", path[256];
	int lfd = listen_at(dir, path, sizeof path), cfd;
	struct attempt a;
	pthread_t t;

	(void)state;
	start_attempt(&a, &t, lfd);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	close(cfd);	/* no HELLO_OK, but the server still listens */
	pthread_join(t, NULL);
	assert_int_equal(a.rc, -1);
	assert_int_equal(a.fd, -1);
	assert_non_null(a.cause);
	free(a.cause);
	close(lfd);
	srv_set_socket(NULL);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_dying_in_connect),
		cmocka_unit_test(test_server_alive_drops_us),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
