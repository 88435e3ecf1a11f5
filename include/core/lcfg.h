/* lcfg.h — libconfig helpers shared by config and theme loading.
 *
 * Both loaders report errors as "FILE:LINE: message", where FILE is the
 * file a setting came from: the loaded file itself, or a file it pulled in
 * with @include. These helpers keep that naming in one place so the two
 * loaders cannot drift apart in how they point at a mistake. */
#ifndef HVDECK_LCFG_H
#define HVDECK_LCFG_H

#include <libconfig.h>

/* "an integer", "a group { }"... for "X must be ..., not <type>" messages.
 * A static string: the caller must not free it. */
const char *lcfg_type_name(int type);

/* The directory part of path: "." for "file", "/" for "/file", else
 * everything before the last '/'. Caller frees. */
char *lcfg_dir_of(const char *path);

/* Sets *cause to "FILE:LINE: <fmt...>" for setting s of the file loaded
 * from path (FILE is the included file s came from, if any, found through
 * the line map lcfg_read left on lc), and returns -1 so loaders can
 * "return lcfg_fail_at(...)".
 * *cause is overwritten without being freed; the caller frees it. */
int lcfg_fail_at(char **cause, const char *path, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse path into lc (config_init'ed). @include "NAME" lines are expanded
 * here, not by libconfig: NAME is relative to the including file (or
 * absolute), must be a regular file, nests at most 10 deep. Every file is
 * opened without blocking and refused unless regular (a FIFO or device
 * never hangs the load). Returns 1 when parsed (lc then carries a line map,
 * freed by config_destroy), 0 when path does not exist, -1 with *cause:
 * "FILE:LINE: WHY<libconfig's text>" for syntax errors, "FILE: reason" when
 * path cannot be read, "FILE:LINE: @include "NAME" (PATH): reason" for an
 * include. Caller frees *cause. */
int lcfg_read(config_t *lc, const char *path, const char *why, char **cause);

#endif
