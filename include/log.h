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

#endif
