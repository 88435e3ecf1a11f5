/* log.c — timestamped, thread-safe log lines to a file (and stderr in
 * headless modes). */
#include "core/log.h"
#include "core/text.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static enum log_level log_min = LOG_INFO;
/* Read without the lock on every log_msg (the early return), switched by
 * dump while workers log: atomic. */
static atomic_int log_stderr;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_open(const char *path, enum log_level min, char **cause)
{
	FILE *f;

	log_close();
	log_min = min;
	if (path == NULL || *path == '\0')
		return 0;
	f = fopen(path, "ae");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

void log_set_stderr(int on)
{
	atomic_store(&log_stderr, on);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char stamp[32], *text, *visible;
	struct tm tm;
	time_t now;
	va_list ap;

	int to_stderr = atomic_load(&log_stderr) && level >= LOG_WARN;

	if (level < log_min && !to_stderr)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return;
	visible = text_visible(text);
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL && level >= log_min)
		fprintf(log_file, "%s %s: %s\n", stamp, level_names[level], visible);
	if (to_stderr)
		fprintf(stderr, "hvdeck: %s\n", visible);
	pthread_mutex_unlock(&log_lock);
	free(text);
	free(visible);
}

/* ---- fd 2 while the console runs ----
 * Libraries (GLib's criticals under libvirt, libssh) write to fd 2
 * directly; on the terminal that scrolls the screen behind curses' back.
 * While captured, fd 2 is a pipe the UI drains into the log and the
 * events strip. Both ends are non-blocking: a writer whose text does not
 * fit loses it rather than stalling a library thread. */
static int saved_stderr = -1;
static char pending[1024];
static size_t npending;

int log_stderr_capture(char **cause)
{
	int p[2];

	if (saved_stderr >= 0) {
		*cause = xstrdup("standard error is already captured");
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stderr);
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved_stderr < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		*cause = xasprintf("standard error: %s", strerror(errno));
		if (saved_stderr >= 0)
			close(saved_stderr);
		saved_stderr = -1;
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	npending = 0;
	return p[0];
}

static void emit_pending(void (*fn)(const char *line))
{
	pending[npending] = '\0';
	if (npending > 0) {
		log_msg(LOG_WARN, "stderr: %s", pending);
		if (fn != NULL)
			fn(pending);
	}
	npending = 0;
}

void log_stderr_drain(int fd, void (*fn)(const char *line))
{
	char buf[512];
	ssize_t n, i;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n')
				emit_pending(fn);
			else if (npending < sizeof pending - 1)
				pending[npending++] = buf[i];
			else {
				emit_pending(fn);	/* a very long line: in pieces */
				pending[npending++] = buf[i];
			}
		}
	}
}

void log_stderr_restore(void)
{
	if (saved_stderr < 0)
		return;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
}
