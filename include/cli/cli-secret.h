/* cli-secret.h — a password read from the terminal with echo off, the
 * terminal given back whatever happens (readpassphrase(3)'s care). */
#ifndef HVDECK_CLI_SECRET_H
#define HVDECK_CLI_SECRET_H

#include <stddef.h>
#include <sys/types.h>

/* Read one line from tty (an open terminal) into buf (len bytes, always
 * NUL-terminated) with echo off, byte by byte (no stdio buffer keeps a
 * copy). While echo is off, SIGINT, SIGTERM, SIGHUP and SIGQUIT restore
 * the terminal first and then take their course (the previous
 * disposition, re-raised); SIGTSTP, SIGTTIN and SIGTTOU restore it, stop,
 * and turn echo off again on SIGCONT. Core dumps are off from here on
 * (util_secret_guard). Returns the length, or -1 at end of input. The
 * caller wipes buf. */
ssize_t cli_secret_read(int tty, char *buf, size_t len);
/* Read one line from fd byte by byte, as it is (no echo change): no
 * stdio buffer keeps a copy. Returns its length (the line end dropped, a
 * longer line cut to len - 1 bytes), or -1 at end of input. */
ssize_t cli_secret_read_line(int fd, char *buf, size_t len);

#endif
