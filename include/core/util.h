/* util.h — allocation that never returns NULL, time, strings. (Making
 * untrusted text safe to show is text.h.) */
#ifndef HVDECK_UTIL_H
#define HVDECK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Allocation wrappers: on failure they call fatal(), which restores the
 * terminal first. Returned memory is owned by the caller (free()). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);                  /* NULL in, NULL out */
/* At most n bytes of s (less if s ends sooner), always NUL-terminated, for
 * slicing a name out of a longer string. NULL in, NULL out. */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For functions that take a format themselves; ap is consumed. */
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* Print a message and exit(70) after running the fatal hook (the UI uses it
 * to leave curses mode so the message is readable). */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void util_set_fatal_hook(void (*hook)(void));

/* Monotonic and wall clocks in milliseconds. */
int64_t util_now_ms(void);
/* Sleep ms milliseconds (a signal does not cut it short). */
void util_sleep_ms(int ms);
int64_t util_wall_ms(void);
/* The time ms (>= 0) from now on clock (CLOCK_MONOTONIC for a condition
 * set to it, CLOCK_REALTIME for pthread_timedjoin_np and plain
 * conditions), for a timed wait. */
struct timespec util_deadline(clockid_t clock, int64_t ms);

/* Replace *dst with a copy of src (freeing the old value). Returns 1 if the
 * value changed, 0 if it was equal. */
int util_set_str(char **dst, const char *src);

/* mkdir -p, mode 0700 for what it creates (config, key, state dirs).
 * Returns 0, or -1 with *cause (caller frees). */
int util_make_dirs(const char *dir, char **cause);
/* Free n strings and their array. */
void util_strings_free(char **v, size_t n);
/* Give the system back the free pages inside the heap (glibc's
 * malloc_trim; nothing elsewhere): after a big structure was rebuilt, the
 * old one's pages stay resident in the heap's holes otherwise. Costs a walk
 * of the free lists: call it after rebuilds, not per change. */
void util_release_free(void);
/* Overwrite a secret in memory in a way the compiler cannot elide. */
void util_wipe(void *p, size_t len);
/* Before a secret (a password) enters this process: no core dump from
 * here on (RLIMIT_CORE 0, PR_SET_DUMPABLE 0, which also keeps other
 * processes of the user from reading its memory). For the rest of the
 * process's life: a copy may outlive the prompt. Idempotent. */
void util_secret_guard(void);

#endif
