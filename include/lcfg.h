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
 * everything before the last '/'. Used as libconfig's include directory so
 * @include is relative to the including file. Caller frees. */
char *lcfg_dir_of(const char *path);

/* The name to show for a setting's file. file is what libconfig reports
 * (config_setting_source_file, config_error_file): NULL for the loaded file
 * itself, otherwise an @included file relative to the include directory,
 * i.e. to path's directory. Neither argument is kept. Caller frees. */
char *lcfg_source_name(const char *path, const char *file);

/* Sets *cause to "FILE:LINE: <fmt...>" for setting s of the file loaded
 * from path, and returns -1 so loaders can "return lcfg_fail_at(...)".
 * *cause is overwritten without being freed; the caller frees it. */
int lcfg_fail_at(char **cause, const char *path, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse path into lc (libconfig-initialised; @include is relative to the
 * file's directory). Returns 1 when parsed, 0 when the file does not
 * exist, -1 with *cause ("FILE:LINE: WHY<libconfig's text>" for syntax
 * errors, "FILE: reason" when it cannot be read). Caller frees *cause. */
int lcfg_read(config_t *lc, const char *path, const char *why, char **cause);

#endif
