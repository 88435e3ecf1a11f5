/* lcfg.c — libconfig helpers shared by config and theme loading: type names
 * and the "FILE:LINE: message" form of every loader error. */
#include "lcfg.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *lcfg_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	}
	return "nothing";
}

char *lcfg_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *lcfg_source_name(const char *path, const char *file)
{
	char *dir, *full;

	if (file == NULL)
		return xstrdup(path);
	if (file[0] == '/')
		return xstrdup(file);
	dir = lcfg_dir_of(path);
	/* A file loaded by a bare name keeps bare names: "x.inc", not
	 * "./x.inc". */
	full = strcmp(dir, ".") == 0 ? xstrdup(file) :
	    xasprintf("%s/%s", dir, file);
	free(dir);
	return full;
}

int lcfg_fail_at(char **cause, const char *path, const config_setting_t *s,
    const char *fmt, ...)
{
	char *msg, *where;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	where = lcfg_source_name(path, config_setting_source_file(s));
	*cause = xasprintf("%s:%u: %s", where, config_setting_source_line(s),
	    msg);
	free(where);
	free(msg);
	return -1;
}

#define INCLUDE_DEPTH 10

/* The name of an `@include "NAME"` line, "" when the name is not a plain
 * path (escapes, controls: what libconfig would open cannot be known for
 * sure, so it is refused), or NULL when the line is not an include.
 * Caller frees. */
static char *include_name(const char *line, size_t len)
{
	const char *p = line, *end = line + len, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 8 || memcmp(p, "@include", 8) != 0)
		return NULL;
	p = memchr(p + 8, '"', (size_t)(end - p - 8));
	if (p == NULL)
		return NULL;	/* libconfig reports the syntax error */
	for (q = ++p; q < end && *q != '"'; q++)
		if (!(isalnum((unsigned char)*q) || strchr("._/-+", *q) != NULL) ||
		    *q == '\0')
			return xstrdup("");
	if (q == end || q == p)
		return xstrdup("");
	return xstrndup(p, (size_t)(q - p));
}

/* libconfig 1.5 calls exit() when an @include names a directory, and
 * blocks on a FIFO: every file an include names, at any depth, must be a
 * regular file before libconfig sees the text. Returns 0 or -1 with
 * *cause as "FILE:LINE: ...". */
static int check_includes(const char *file, const char *dir, int depth,
    char **cause)
{
	FILE *f = fopen(file, "re");
	char *line = NULL, *name, *full;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	struct stat st;
	int rc = 0;

	if (f == NULL)
		return 0;	/* libconfig says why it cannot open it */
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			*cause = xasprintf("%s:%u: a NUL byte: not a text file", file, lineno);
			rc = -1;
			break;
		}
		if ((name = include_name(line, (size_t)len)) == NULL)
			continue;
		full = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", dir, name);
		if (*name == '\0') {
			*cause = xasprintf("%s:%u: @include wants a plain file name "
			    "(letters, digits, . _ / - +)", file, lineno);
			rc = -1;
		} else if (depth >= INCLUDE_DEPTH) {
			*cause = xasprintf("%s:%u: @include nested more than %d deep",
			    file, lineno, INCLUDE_DEPTH);
			rc = -1;
		} else if (stat(full, &st) == 0 && !S_ISREG(st.st_mode)) {
			*cause = xasprintf("%s:%u: @include \"%s\": not a regular file",
			    file, lineno, name);
			rc = -1;
		} else if (stat(full, &st) == 0) {
			rc = check_includes(full, dir, depth + 1, cause);
		}
		free(full);
		free(name);
	}
	free(line);
	fclose(f);
	return rc;
}

int lcfg_read(config_t *lc, const char *path, const char *why, char **cause)
{
	struct stat st;
	char *dir, *where;
	FILE *f;
	int ok;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		fclose(f);
		return -1;
	}
	dir = lcfg_dir_of(path);
	if (check_includes(path, dir, 0, cause) < 0) {
		free(dir);
		fclose(f);
		return -1;
	}
	config_set_include_dir(lc, dir);
	free(dir);
	ok = config_read(lc, f) == CONFIG_TRUE;
	fclose(f);
	if (ok)
		return 1;
	where = lcfg_source_name(path, config_error_file(lc));
	*cause = xasprintf("%s:%d: %s%s", where, config_error_line(lc), why,
	    config_error_text(lc));
	free(where);
	return -1;
}

