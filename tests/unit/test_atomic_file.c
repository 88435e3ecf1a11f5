/* test_atomic_file.c — the lock and the one-step replacement of hvdeck's
 * own files (atomic-file.c): modes, create without replacing, the copy
 * kept as a backup, nothing left behind when a step fails, and the lock
 * excluding a second holder (another descriptor: another process or
 * thread) until it is released. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/atomic-file.h"
#include "core/util.h"
#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_atomic_file.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_rm_tree(dir);
}

static char *slurp(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return xstrdup(buf);
}

static void text_is(const char *path, const char *want)
{
	char *text = slurp(path);

	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

static void mode_is(const char *path, unsigned mode)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, mode);
}

/* Entries of dir other than the names given (NULL-terminated). */
static int strangers(const char *const *names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	const char *const *n;
	int count = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		for (n = names; *n != NULL && strcmp(*n, e->d_name) != 0; n++)
			;
		if (*n == NULL) {
			fprintf(stderr, "left behind: %s\n", e->d_name);
			count++;
		}
	}
	closedir(d);
	return count;
}

static void test_write_modes(void **state)
{
	char *f = xasprintf("%s/f", dir), *cause = NULL;
	static const char *const only_f[] = { "f", NULL };

	(void)state;
	assert_int_equal(atomic_file_write(f, "one\n", 4, 0644,
	    ATOMIC_FILE_CREATE, &cause), 0);
	mode_is(f, 0644);
	/* create never replaces, and leaves nothing behind */
	assert_int_equal(atomic_file_write(f, "two\n", 4, 0600,
	    ATOMIC_FILE_CREATE, &cause), -1);
	assert_non_null(strstr(cause, "File exists"));
	free(cause);
	text_is(f, "one\n");
	assert_int_equal(strangers(only_f), 0);
	/* replace does, with its own mode */
	assert_int_equal(atomic_file_write(f, "three\n", 6, 0600,
	    ATOMIC_FILE_REPLACE, &cause), 0);
	text_is(f, "three\n");
	mode_is(f, 0600);
	assert_int_equal(strangers(only_f), 0);
	free(f);
}

/* A backup that cannot be written stops nothing silently and moves
 * nothing: the file stays where it is. */
static void test_copy(void **state)
{
	char *f = xasprintf("%s/f", dir), *bak = xasprintf("%s/f.bak", dir);
	char *inside = xasprintf("%s/f.bak/x", dir), *cause = NULL;
	static const char *const kept[] = { "f", "f.bak", NULL };

	(void)state;
	assert_int_equal(atomic_file_copy(f, bak, &cause), 1);	/* no file */
	assert_int_equal(atomic_file_write(f, "live\n", 5, 0640,
	    ATOMIC_FILE_CREATE, &cause), 0);
	assert_int_equal(atomic_file_copy(f, bak, &cause), 0);
	text_is(bak, "live\n");
	mode_is(bak, 0640);
	/* FILE.bak a non-empty directory: the copy fails, FILE stays */
	assert_int_equal(unlink(bak), 0);
	assert_int_equal(mkdir(bak, 0700), 0);
	assert_int_equal(atomic_file_write(inside, "x", 1, 0600,
	    ATOMIC_FILE_CREATE, &cause), 0);
	assert_int_equal(atomic_file_copy(f, bak, &cause), -1);
	assert_non_null(cause);
	free(cause);
	text_is(f, "live\n");
	assert_int_equal(strangers(kept), 0);
	free(inside);
	free(bak);
	free(f);
}

/* While held, another descriptor cannot take the lock (LOCK_NB). */
static void test_lock_excludes(void **state)
{
	char *f = xasprintf("%s/f", dir), *lock = xasprintf("%s/f.lock", dir);
	struct atomic_file_lock *lk = NULL;
	char *cause = NULL;
	int fd;

	(void)state;
	assert_int_equal(atomic_file_lock(f, &lk, &cause), 0);
	mode_is(lock, 0600);
	fd = open(lock, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	atomic_file_unlock(lk);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);
	/* taken again by the same thread after release: no deadlock */
	assert_int_equal(atomic_file_lock(f, &lk, &cause), 0);
	atomic_file_unlock(lk);
	atomic_file_unlock(NULL);
	/* a directory that is not there: said, not crashed */
	free(f);
	f = xasprintf("%s/none/f", dir);
	assert_int_equal(atomic_file_lock(f, &lk, &cause), -1);
	assert_non_null(strstr(cause, "cannot lock"));
	free(cause);
	free(lock);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_excludes, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
