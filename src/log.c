/* log.c — timestamped, thread-safe log lines to a file (and stderr in
 * headless modes). */
#include "log.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static enum log_level log_min = LOG_INFO;
static int log_stderr;

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
	pthread_mutex_lock(&log_lock);
	log_stderr = on;
	pthread_mutex_unlock(&log_lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char stamp[32], *text, *visible;
	struct tm tm;
	time_t now;
	va_list ap;

	if (level < log_min && !(log_stderr && level >= LOG_WARN))
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
	if (log_stderr && level >= LOG_WARN)
		fprintf(stderr, "hvdeck: %s\n", visible);
	pthread_mutex_unlock(&log_lock);
	free(text);
	free(visible);
}
