/* Unit tests for log.c's fd 2 capture: while captured, what is written to
 * fd 2 comes out of the pipe line by line (and goes to the log), never to
 * the original fd 2; restore puts the original back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

static char got[8][128];
static int ngot;

static void line(const char *l)
{
	if (ngot < 8)
		snprintf(got[ngot++], sizeof got[0], "%s", l);
}

static int same_file(int fd, const struct stat *want)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == want->st_dev &&
	    st.st_ino == want->st_ino;
}

static void test_capture_and_restore(void **state)
{
	char tmpl[] = "/tmp/hvdeck-test-log.XXXXXX", buf[512];
	char *cause = NULL;
	struct stat orig;
	int fd, rfd, before;
	FILE *f;
	size_t n;

	(void)state;
	/* fd 2 is a file we can read back: it must not get the text */
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	before = dup(STDERR_FILENO);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(fstat(STDERR_FILENO, &orig), 0);
	assert_int_equal(log_open(tmpl, LOG_INFO, &cause), 0);

	rfd = log_stderr_capture(&cause);
	assert_true(rfd >= 0);
	assert_false(same_file(STDERR_FILENO, &orig));
	assert_int_equal(log_stderr_capture(&cause), -1);	/* not twice */
	free(cause);
	cause = NULL;
	dprintf(STDERR_FILENO, "GLib-CRITICAL **: one\ntwo");
	fprintf(stderr, " halves\n");
	log_stderr_drain(rfd, line);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0], "GLib-CRITICAL **: one");
	assert_string_equal(got[1], "two halves");

	log_stderr_restore();
	close(rfd);
	assert_true(same_file(STDERR_FILENO, &orig));
	log_close();
	/* the file got only the log's lines, never the raw text */
	f = fopen(tmpl, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "warn: stderr: GLib-CRITICAL **: one\n"));
	assert_non_null(strstr(buf, "warn: stderr: two halves\n"));
	assert_null(strstr(buf, "\nGLib-CRITICAL"));
	dup2(before, STDERR_FILENO);
	close(before);
	close(fd);
	unlink(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_and_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
