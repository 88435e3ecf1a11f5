/* names.c — name rules and brace patterns (see names.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/text.h"
#include "core/util.h"

/* How much of a name a message quotes: enough to recognise it, short
 * enough that the reason stays on the line. */
#define NAMES_QUOTE_MAX 60
#define NAMES_DIGITS_MAX 9      /* an end of a range: no overflow */

static int names_allowed(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* The name as a message quotes it: visible, shortened. Caller frees. */
static char *names_quote(const char *name)
{
	char *vis = text_visible(name), *s = text_shorten(vis, NAMES_QUOTE_MAX);

	free(vis);
	return s;
}

/* Bytes of the (possibly multi-byte) character at s, so a bad 'é' is
 * shown whole, not as half a sequence. */
static size_t names_char_len(const unsigned char *s)
{
	size_t want = 1, i;

	if (s[0] >= 0xc0 && s[0] <= 0xdf)
		want = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		want = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf7)
		want = 4;
	for (i = 1; i < want; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 1;
	return want;
}

/* -1 with *cause = fmt around the quoted name (fmt has one %s). */
static int names_fail(char **cause, const char *fmt, const char *name)
{
	char *q = names_quote(name);

	if (cause != NULL)
		*cause = xasprintf(fmt, q);
	free(q);
	return -1;
}

/* A host's name may also hold what a URI's host part does (-H URI names
 * hosts "127.0.0.1:16509", "[::1]:16509"): none of it is special to the
 * `:` line. */
static int names_host_allowed(unsigned char c)
{
	return names_allowed(c) || c == ':' || c == '[' || c == ']';
}

/* names_check's rules with the characters allowed(c) takes (listed in
 * `list` for the message), the name called `what` in messages. */
static int names_check_chars(const char *name, const char *what,
    int (*allowed)(unsigned char), const char *list, char **cause)
{
	size_t len = name == NULL ? 0 : strlen(name), i;
	char *bad, *at, *q;

	if (len == 0) {
		if (cause != NULL)
			*cause = xasprintf("%s is empty", what);
		return -1;
	}
	if (len > NAMES_MAX_LEN) {
		if (cause != NULL)
			*cause = xasprintf("%s is %zu bytes long: at most %d",
			    what, len, NAMES_MAX_LEN);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (allowed((unsigned char)name[i]))
			continue;
		if (cause == NULL)
			return -1;
		at = xstrndup(name + i,
		    names_char_len((const unsigned char *)name + i));
		bad = text_visible(at);
		q = names_quote(name);
		*cause = xasprintf("%s \"%s\" has '%s' at byte %zu: only "
		    "%s are allowed", what, q, bad, i + 1, list);
		free(q);
		free(bad);
		free(at);
		return -1;
	}
	return 0;
}

int names_check(const char *name, char **cause)
{
	if (names_check_chars(name, "name", names_allowed, "A-Z a-z 0-9 . _ -",
	    cause) < 0)
		return -1;
	if (name[0] == '.')
		return names_fail(cause, "name \"%s\" starts with '.'", name);
	return 0;
}

int names_check_desktop(const char *name, char **cause)
{
	if (names_check(name, cause) < 0)
		return -1;
	if (strspn(name, "0123456789") == strlen(name))
		return names_fail(cause, "name \"%s\" is all digits: virsh "
		    "would take it for a domain id", name);
	return 0;
}

int names_check_host(const char *name, char **cause)
{
	if (names_check_chars(name, "host name", names_host_allowed,
	    "A-Z a-z 0-9 . _ - : [ ]", cause) < 0)
		return -1;
	if (name[0] == '.' || name[0] == '-')
		return names_fail(cause, name[0] == '.' ? "host name \"%s\" "
		    "starts with '.'" : "host name \"%s\" starts with '-'", name);
	return 0;
}

void names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* One end of a range: 1..NAMES_DIGITS_MAX digits. */
static int names_end(const char *s, size_t len, unsigned long *v)
{
	size_t i;

	if (len == 0 || len > NAMES_DIGITS_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	*v = strtoul(s, NULL, 10);
	return 0;
}

/* A range "A..B" written between braces (without them). */
static int names_range(const char *in, size_t len, unsigned long *a,
    unsigned long *b, int *width)
{
	const char *dots = memmem(in, len, "..", 2);
	size_t la, lb;

	if (dots == NULL)
		return -1;
	la = (size_t)(dots - in);
	lb = len - la - 2;
	if (names_end(in, la, a) != 0 || names_end(dots + 2, lb, b) != 0)
		return -1;
	*width = 0;
	if ((la > 1 && in[0] == '0') || (lb > 1 && dots[2] == '0'))
		*width = (int)(la > lb ? la : lb);
	return 0;
}

static int names_one(const char *pattern, char ***names, size_t *n,
    char **cause)
{
	if (names_check(pattern, cause) != 0)
		return -1;
	*names = xcalloc(1, sizeof **names);
	(*names)[0] = xstrdup(pattern);
	*n = 1;
	return 0;
}

int names_expand(const char *pattern, char ***names, size_t *n, char **cause)
{
	const char *open, *close;
	unsigned long a, b, count, i, v;
	char *prefix, **out;
	int width;

	*names = NULL;
	*n = 0;
	if (pattern == NULL)
		pattern = "";
	open = strchr(pattern, '{');
	close = strchr(pattern, '}');
	if (open == NULL && close == NULL)
		return names_one(pattern, names, n, cause);
	if (open == NULL || close == NULL || close < open ||
	    names_range(open + 1, (size_t)(close - open - 1), &a, &b,
	    &width) != 0)
		return names_fail(cause, "name \"%s\": braces must hold one "
		    "range of numbers, like {01..20}", pattern);
	if (strpbrk(close + 1, "{}") != NULL)
		return names_fail(cause, "name \"%s\" has more than one brace "
		    "range: at most one", pattern);
	count = (a > b ? a - b : b - a) + 1;
	if (count > NAMES_MAX_COUNT) {
		if (cause != NULL)
			*cause = xasprintf("the range {%lu..%lu} makes %lu "
			    "names: at most %d at once", a, b, count,
			    NAMES_MAX_COUNT);
		return -1;
	}
	prefix = xstrndup(pattern, (size_t)(open - pattern));
	out = xcalloc(count, sizeof *out);
	for (i = 0; i < count; i++) {
		v = a > b ? a - i : a + i;
		out[i] = xasprintf("%s%0*lu%s", prefix, width, v, close + 1);
		if (names_check(out[i], cause) != 0) {
			names_free(out, i + 1);
			free(prefix);
			return -1;
		}
	}
	free(prefix);
	*names = out;
	*n = count;
	return 0;
}

int names_check_count(const char *pattern, size_t n, const char *count,
    char **cause)
{
	unsigned long long v;
	char *end, *q;

	if (count == NULL)
		return 0;
	errno = 0;
	v = strtoull(count, &end, 10);
	if (count[0] < '0' || count[0] > '9' || *end != '\0' || errno != 0) {
		if (cause != NULL) {
			q = names_quote(count);
			*cause = xasprintf("--count: '%s' is not a number", q);
			free(q);
		}
		return -1;
	}
	if (v == n)
		return 0;
	if (cause != NULL) {
		q = names_quote(pattern);
		*cause = xasprintf("--count %llu, but %s makes %zu name%s", v,
		    q, n, n == 1 ? "" : "s");
		free(q);
	}
	return -1;
}
