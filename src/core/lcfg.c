/* lcfg.c — libconfig helpers shared by config and theme loading: reading a
 * file with its @includes (ours, not libconfig's), type names, and the
 * "FILE:LINE: message" form of every loader error. */
#include "core/lcfg.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Where each line of the composed text came from. The text libconfig
 * parses is the loaded file with every @include line replaced by the
 * included file's lines, so libconfig never opens a file itself: it would
 * resolve every include against one directory, block on a FIFO and exit()
 * on a directory. The map travels with the parsed tree as the root
 * setting's hook (freed by config_destroy through the destructor). */
struct lcfg_map {
	char **files;            /* each file once, as named to the operator */
	size_t nfiles;
	struct lcfg_line {
		size_t file;     /* index into files */
		unsigned line;   /* 1-based, in that file */
	} *lines;                /* one per line of the composed text */
	size_t nlines, cap;
};

static void map_free(void *hook)
{
	struct lcfg_map *m = hook;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	free(m->lines);
	free(m);
}

static size_t map_file(struct lcfg_map *m, const char *file)
{
	m->files = xreallocarray(m->files, m->nfiles + 1, sizeof *m->files);
	m->files[m->nfiles] = xstrdup(file);
	return m->nfiles++;
}

static void map_line(struct lcfg_map *m, size_t file, unsigned line)
{
	if (m->nlines == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->lines = xreallocarray(m->lines, m->cap, sizeof *m->lines);
	}
	m->lines[m->nlines].file = file;
	m->lines[m->nlines].line = line;
	m->nlines++;
}

/* The file and line of line n of the composed text (libconfig counts a
 * line past the end for an error at the end of the text). */
static const char *map_where(const struct lcfg_map *m, unsigned n,
    unsigned *line)
{
	if (n == 0 || m->nlines == 0) {
		*line = n;
		return m->nfiles > 0 ? m->files[0] : "?";
	}
	if (n > m->nlines) {
		*line = m->lines[m->nlines - 1].line + (n - (unsigned)m->nlines);
		return m->files[m->lines[m->nlines - 1].file];
	}
	*line = m->lines[n - 1].line;
	return m->files[m->lines[n - 1].file];
}

int lcfg_fail_at(char **cause, const char *path, const config_setting_t *s,
    const char *fmt, ...)
{
	const struct lcfg_map *m = config_setting_get_hook(
	    config_root_setting(s->config));
	const char *where = path;
	unsigned line = config_setting_source_line(s);
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (m != NULL)
		where = map_where(m, line, &line);
	*cause = xasprintf("%s:%u: %s", where, line, msg);
	free(msg);
	return -1;
}

#define INCLUDE_DEPTH 10

/* The name of an `@include "NAME"` line (libconfig's own rule: at the
 * start of a line, after blanks), "" when the name is not a plain path
 * (escapes, controls) or more than a comment follows it, or NULL when
 * the line is not an include. Caller frees. */
static char *include_name(const char *line, size_t len)
{
	const char *p = line, *end = line + len, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 8 || memcmp(p, "@include", 8) != 0)
		return NULL;
	for (p += 8; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	if (p == end || *p != '"')
		return xstrdup("");
	for (q = ++p; q < end && *q != '"'; q++)
		if (!(isalnum((unsigned char)*q) || strchr("._/-+", *q) != NULL) ||
		    *q == '\0')
			return xstrdup("");
	if (q == end || q == p)
		return xstrdup("");
	for (end = q + 1; *end == ' ' || *end == '\t' || *end == '\r'; end++)
		;
	if (*end != '\n' && *end != '\0' && *end != '#' &&
	    strncmp(end, "//", 2) != 0)
		return xstrdup("");
	return xstrndup(p, (size_t)(q - p));
}

/* The whole of a regular file. Opened without blocking, so a FIFO or a
 * device is refused instead of waiting for a writer. Returns 0, or -1 with
 * *why (static: strerror or a fixed text); ENOENT is left in errno. */
static int slurp(const char *path, char **text, size_t *len,
    const char **why)
{
	struct stat st;
	size_t cap = 4096, n = 0;
	ssize_t got;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file (a FIFO, device or directory is "
		    "refused)";
		close(fd);
		errno = EINVAL;
		return -1;
	}
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		got = read(fd, buf + n, cap - n - 1);
		if (got == 0)
			break;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*why = strerror(errno);
			free(buf);
			close(fd);
			return -1;
		}
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

struct compose {
	struct lcfg_map *map;
	char *text;              /* the composed text */
	size_t len, cap;
	char **cause;
};

static void add_text(struct compose *c, const char *s, size_t n)
{
	if (c->len + n + 2 > c->cap) {
		while (c->len + n + 2 > c->cap)
			c->cap = c->cap ? c->cap * 2 : 4096;
		c->text = xrealloc(c->text, c->cap);
	}
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
}

static int compose_file(struct compose *c, const char *file, int depth,
    const char *from);

/* One @include line of file at lineno: its target's lines in its place. */
static int compose_include(struct compose *c, const char *file,
    unsigned lineno, const char *name, int depth)
{
	char *dir, *full, *from;
	int rc;

	if (*name == '\0') {
		*c->cause = xasprintf("%s:%u: @include wants a plain file name "
		    "(letters, digits, . _ / - +) in double quotes, alone on "
		    "its line", file, lineno);
		return -1;
	}
	if (depth >= INCLUDE_DEPTH) {
		*c->cause = xasprintf("%s:%u: @include nested more than %d deep",
		    file, lineno, INCLUDE_DEPTH);
		return -1;
	}
	/* relative to the including file, as the manual says */
	dir = lcfg_dir_of(file);
	full = name[0] == '/' || strcmp(dir, ".") == 0 ? xstrdup(name) :
	    xasprintf("%s/%s", dir, name);
	free(dir);
	from = strcmp(full, name) == 0 ?
	    xasprintf("%s:%u: @include \"%s\"", file, lineno, name) :
	    xasprintf("%s:%u: @include \"%s\" (%s)", file, lineno, name, full);
	rc = compose_file(c, full, depth + 1, from);
	free(from);
	free(full);
	return rc;
}

/* Appends file's lines. from says who asked for the file in a message
 * ("FILE:LINE: @include ..."), NULL for the loaded file itself, whose
 * absence is not an error here (-1 with *c->cause NULL). Otherwise -1 sets
 * *c->cause. */
static int compose_file(struct compose *c, const char *file, int depth,
    const char *from)
{
	const char *why, *p, *nl, *end;
	char *text, *name;
	size_t len, idx;
	unsigned lineno = 0;
	int rc = 0;

	if (slurp(file, &text, &len, &why) < 0) {
		if (from != NULL || errno != ENOENT)
			*c->cause = xasprintf("%s: %s", from != NULL ? from : file,
			    why);
		return -1;
	}
	idx = map_file(c->map, file);
	for (p = text, end = text + len; rc == 0 && p < end; p = nl + 1) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL) {
			*c->cause = xasprintf("%s:%u: a NUL byte: not a text file",
			    file, lineno);
			rc = -1;
		} else if ((name = include_name(p, (size_t)(nl - p))) != NULL) {
			rc = compose_include(c, file, lineno, name, depth);
			free(name);
		} else {
			add_text(c, p, (size_t)(nl - p));
			add_text(c, "\n", 1);
			map_line(c->map, idx, lineno);
		}
	}
	free(text);
	return rc;
}

int lcfg_read(config_t *lc, const char *path, const char *why, char **cause)
{
	struct compose c = { NULL, NULL, 0, 0, cause };
	const char *where;
	unsigned line;

	c.map = xcalloc(1, sizeof *c.map);
	*cause = NULL;
	if (compose_file(&c, path, 0, NULL) < 0) {
		map_free(c.map);
		free(c.text);
		return *cause == NULL ? 0 : -1;
	}
	if (config_read_string(lc, c.text != NULL ? c.text : "") != CONFIG_TRUE) {
		where = map_where(c.map, (unsigned)config_error_line(lc), &line);
		*cause = xasprintf("%s:%u: %s%s", where, line, why,
		    config_error_text(lc));
		map_free(c.map);
		free(c.text);
		return -1;
	}
	free(c.text);
	config_set_destructor(lc, map_free);
	config_setting_set_hook(config_root_setting(lc), c.map);
	return 1;
}
