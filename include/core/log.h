/* log.h — a log file for operators and developers. Never writes to the
 * terminal while curses owns it. */
#ifndef HVDECK_LOG_H
#define HVDECK_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Open the log at path (appending). NULL or "" disables the file.
 * Returns 0, or -1 with *cause set (caller frees). */
int log_open(const char *path, enum log_level min, char **cause);
void log_close(void);
/* While set, warnings and errors also go to stderr (headless modes). */
void log_set_stderr(int on);
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* While the console runs, fd 2 must never reach the terminal: point it at
 * a pipe. Returns the pipe's read end (non-blocking; the caller polls and
 * closes it), or -1 with *cause (caller frees). */
int log_stderr_capture(char **cause);
/* Read what libraries wrote: each line goes to the log (a warning) and to
 * fn (may be NULL). */
void log_stderr_drain(int fd, void (*fn)(const char *line));
/* Put the original fd 2 back (no-op if not captured); safe to call from
 * the fatal hook, so a crash message after endwin is seen. */
void log_stderr_restore(void);

#endif
