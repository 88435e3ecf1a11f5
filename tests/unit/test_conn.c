/* Unit tests for virt/conn.c, the one opener of a job's connection: a
 * read-only hvdeck opens its job connections read-only, so libvirt itself
 * refuses a write an action forgot to check (test:///default driver); a
 * host whose libvirt never answers is given up at the deadline or on
 * cancel, and a refused connection says libvirt's reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "act/act-domain.h"
#include "core/util.h"
#include "virt/conn.h"
#include "virt/virt-evloop.h"

static void quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

static int setup(void **state)
{
	char *cause = NULL;

	(void)state;
	virSetErrorFunc(NULL, quiet);
	if (evloop_start(&cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	act_set_read_only(0);
	evloop_stop();
	return 0;
}

/* Suspend the test driver's running domain "test" on a job connection
 * opened with hvdeck read_only as given: the action's own check skipped. */
static int suspend_on_conn(int read_only, const struct conn_opts *o,
    int *code)
{
	virConnectPtr c;
	virDomainPtr d;
	char *cause = NULL;
	int rc;

	act_set_read_only(read_only);	/* what engine_start sets */
	c = conn_open("test:///default", o, NULL, &cause);
	assert_non_null(c);
	assert_null(cause);
	d = virDomainLookupByName(c, "test");
	assert_non_null(d);
	rc = virDomainSuspend(d);
	*code = rc < 0 ? virGetLastError()->code : VIR_ERR_OK;
	if (rc == 0)
		assert_int_equal(virDomainResume(d), 0);
	virDomainFree(d);
	conn_close(c);
	return rc;
}

static int suspend_on_job_conn(int read_only, int *code)
{
	return suspend_on_conn(read_only, NULL, code);
}

static void test_read_only_refused_by_libvirt(void **state)
{
	int code;

	(void)state;
	assert_int_equal(suspend_on_job_conn(1, &code), -1);
	assert_int_equal(code, VIR_ERR_OPERATION_DENIED);
	assert_true(conn_read_only());
}

static void test_writable_when_not_read_only(void **state)
{
	int code;

	(void)state;
	assert_int_equal(suspend_on_job_conn(0, &code), 0);
	assert_int_equal(code, VIR_ERR_OK);
	assert_false(conn_read_only());
}

/* A read-only host worker in a writable process (its own flag, as
 * hosts_add gives it): its connection is read-only all the same. */
static void test_read_only_asked_per_open(void **state)
{
	struct conn_opts o = { .read_only = 1 };
	int code;

	(void)state;
	assert_int_equal(suspend_on_conn(0, &o, &code), -1);
	assert_int_equal(code, VIR_ERR_OPERATION_DENIED);
	assert_false(conn_read_only());
}

/* A socket that takes connections into its backlog and never answers:
 * libvirt's open waits for a reply that does not come. */
static int silent_socket(char *path, size_t len, char *uri, size_t ulen)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	snprintf(path, len, "/tmp/hvdeck-test-conn-%ld.sock", (long)getpid());
	unlink(path);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 8), 0);
	snprintf(uri, ulen, "qemu+unix:///system?socket=%s", path);
	return fd;
}

/* Closing the socket resets the waiting connection: the abandoned opener
 * thread then ends (and frees what it holds) before the loop stops. */
static void silence_end(int fd, const char *path)
{
	close(fd);
	unlink(path);
	usleep(300 * 1000);
}

/* Open the silent socket with o: given up within 3 s as want says. */
static void open_silent(const struct conn_opts *o, enum conn_failure want,
    const char *want_cause)
{
	enum conn_failure fail = CONN_REFUSED;
	char path[108], uri[200], *cause = NULL;
	int fd = silent_socket(path, sizeof path, uri, sizeof uri);
	int64_t t0 = util_now_ms();

	assert_null(conn_open(uri, o, &fail, &cause));
	assert_true(util_now_ms() - t0 < 3000);
	assert_int_equal(fail, want);
	assert_string_equal(cause, want_cause);
	free(cause);
	silence_end(fd, path);
}

static void test_deadline(void **state)
{
	struct conn_opts o = { .timeout_ms = 300 };
	int64_t t0 = util_now_ms();

	(void)state;
	open_silent(&o, CONN_TIMEOUT, "did not answer within 1 s");
	assert_true(util_now_ms() - t0 >= 300);
}

static int cancel_now(void *ctx)
{
	return ++*(int *)ctx > 1;	/* the second look */
}

static void test_cancel(void **state)
{
	int looks = 0;
	struct conn_opts o = { .timeout_ms = 20000, .cancelled = cancel_now, .ctx = &looks };

	(void)state;
	open_silent(&o, CONN_CANCELLED, "cancelled");
	assert_true(looks >= 2);
}

static void test_refused_says_libvirt(void **state)
{
	enum conn_failure fail = CONN_TIMEOUT;
	char *cause = NULL;

	(void)state;
	assert_null(conn_open("qemu+unix:///system?socket=/nonexistent/"
	    "hvdeck.sock", NULL, &fail, &cause));
	assert_int_equal(fail, CONN_REFUSED);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "/nonexistent/hvdeck.sock"));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_only_refused_by_libvirt),
		cmocka_unit_test(test_writable_when_not_read_only),
		cmocka_unit_test(test_read_only_asked_per_open),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_refused_says_libvirt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
