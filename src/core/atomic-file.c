/* atomic-file.c — the lock and the one-step replacement of hvdeck's own
 * files (atomic-file.h says what they promise). */
#include "core/atomic-file.h"
#include "core/lcfg.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* One mutex per lock file, for the life of the process (a handful of
 * files). flock alone would do between threads on a local file system,
 * each thread opening its own descriptor; on NFS Linux emulates flock with
 * POSIX record locks, which never conflict inside one process. */
struct path_mutex {
	char *path;
	pthread_mutex_t mutex;
	struct path_mutex *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct path_mutex *registry;

struct atomic_file_lock {
	struct path_mutex *pm;
	int fd;
};

static struct path_mutex *mutex_of(const char *lock_path)
{
	struct path_mutex *pm;

	pthread_mutex_lock(&registry_lock);
	for (pm = registry; pm != NULL; pm = pm->next)
		if (strcmp(pm->path, lock_path) == 0)
			break;
	if (pm == NULL) {
		pm = xmalloc(sizeof *pm);
		pm->path = xstrdup(lock_path);
		pthread_mutex_init(&pm->mutex, NULL);
		pm->next = registry;
		registry = pm;
	}
	pthread_mutex_unlock(&registry_lock);
	return pm;
}

int atomic_file_lock(const char *path, struct atomic_file_lock **out,
    char **cause)
{
	char *lock_path = xasprintf("%s.lock", path);
	struct path_mutex *pm = mutex_of(lock_path);
	int fd, rc = -1;

	pthread_mutex_lock(&pm->mutex);
	fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	while (fd >= 0 && (rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (fd < 0 || rc != 0) {
		*cause = xasprintf("cannot lock %s: %s", lock_path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		pthread_mutex_unlock(&pm->mutex);
		free(lock_path);
		return -1;
	}
	free(lock_path);
	*out = xmalloc(sizeof **out);
	(*out)->pm = pm;
	(*out)->fd = fd;
	return 0;
}

void atomic_file_unlock(struct atomic_file_lock *lk)
{
	if (lk == NULL)
		return;
	close(lk->fd);		/* drops the flock */
	pthread_mutex_unlock(&lk->pm->mutex);
	free(lk);
}

int atomic_file_sync_dir(const char *dir, char **cause)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* Some file systems cannot fsync a directory (EINVAL): nothing to
	 * wait for there. */
	if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL)) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A 0600 temporary beside path holding data, fsynced; its name in *tmp
 * (caller frees and unlinks). */
static int write_temp(const char *path, const char *data, size_t len,
    int mode, char **tmp, char **cause)
{
	int fd, err;

	*tmp = xasprintf("%s.tmp.XXXXXX", path);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot create %s: %s", *tmp,
		    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		err = errno;
		close(fd);
		*cause = xasprintf("cannot write %s: %s", *tmp, strerror(err));
		return -1;
	}
	if (close(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", *tmp,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int atomic_file_write(const char *path, const char *data, size_t len,
    int mode, enum atomic_file_how how, char **cause)
{
	char *tmp = NULL, *dir;
	int rc = -1;

	if (write_temp(path, data, len, mode, &tmp, cause) != 0)
		goto out;
	/* link() fails when the name exists: the no-replace case. */
	if ((how == ATOMIC_FILE_REPLACE ? rename(tmp, path) :
	    link(tmp, path)) != 0) {
		*cause = xasprintf("cannot create %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (how == ATOMIC_FILE_REPLACE) {
		free(tmp);
		tmp = NULL;
	}
	dir = lcfg_dir_of(path);
	rc = atomic_file_sync_dir(dir, cause);
	free(dir);
out:
	if (tmp != NULL) {
		(void)unlink(tmp);
		free(tmp);
	}
	return rc;
}

/* The whole of an open file: *data (caller frees), *len. */
static int read_all(int fd, char **data, size_t *len)
{
	size_t cap = 4096;
	ssize_t n;

	*data = xmalloc(cap);
	*len = 0;
	for (;;) {
		if (*len == cap)
			*data = xrealloc(*data, cap *= 2);
		n = read(fd, *data + *len, cap - *len);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(*data);
			*data = NULL;
			return -1;
		}
		*len += (size_t)n;
	}
}

int atomic_file_copy(const char *from, const char *to, char **cause)
{
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data;
	size_t len;
	int rc;

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0 || fstat(fd, &st) != 0 || read_all(fd, &data, &len) != 0) {
		*cause = xasprintf("cannot read %s: %s", from, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	rc = atomic_file_write(to, data, len, (int)(st.st_mode & 07777),
	    ATOMIC_FILE_REPLACE, cause);
	free(data);
	return rc;
}
