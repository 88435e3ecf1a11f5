/* json-read.c — a recursive-descent JSON reader into a tree (json-read.h). */
#include "core/json-read.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	const char *p;
	char *cause;
};

static int value(struct rd *r, struct jread *v, int depth);

static void skip_ws(struct rd *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

/* Take c when it comes next (never past the end). */
static int eat(struct rd *r, char c)
{
	if (*r->p != c)
		return 0;
	r->p++;
	return 1;
}

static int fail(struct rd *r, const char *what)
{
	if (r->cause == NULL)
		r->cause = xasprintf("json: %s at \"%.20s\"", what, r->p);
	return -1;
}

/* Append code point c as UTF-8. */
static void put_utf8(char **b, size_t *len, unsigned c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c; n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6); u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f)); n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f)); n = 4;
	}
	memcpy(*b + *len, u, n);
	*len += n;
}

static int hex4(struct rd *r, unsigned *c)
{
	char h[5];
	char *end;

	if (strlen(r->p) < 4)
		return fail(r, "short \\u escape");
	memcpy(h, r->p, 4);
	h[4] = '\0';
	*c = (unsigned)strtoul(h, &end, 16);
	if (end != h + 4)
		return fail(r, "bad \\u escape");
	r->p += 4;
	return 0;
}

static int escape(struct rd *r, char **b, size_t *len)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = strchr(from, *r->p);
	unsigned c, lo;

	if (*r->p != '\0' && k != NULL && *r->p != 'u') {
		(*b)[(*len)++] = to[k - from];
		r->p++;
		return 0;
	}
	if (!eat(r, 'u') || hex4(r, &c) < 0)
		return fail(r, "bad escape");
	if (c >= 0xd800 && c < 0xdc00 && r->p[0] == '\\' && r->p[1] == 'u') {
		r->p += 2;
		if (hex4(r, &lo) < 0)
			return -1;
		c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(b, len, c);
	return 0;
}

/* At the opening quote: the string, owned. */
static int string(struct rd *r, char **out)
{
	const char *q = r->p + 1;
	char *b;
	size_t len = 0;

	/* an escape never makes more bytes than its own text */
	for (; *q != '\0' && *q != '"'; q++)
		if (*q == '\\' && q[1] != '\0')
			q++;
	b = xmalloc((size_t)(q - r->p) + 1);

	r->p++;
	while (*r->p != '"') {
		if (*r->p == '\0') {
			free(b);
			return fail(r, "string not ended");
		}
		if (*r->p != '\\') {
			b[len++] = *r->p++;
			continue;
		}
		r->p++;
		if (escape(r, &b, &len) < 0) {
			free(b);
			return -1;
		}
	}
	r->p++;
	b[len] = '\0';
	*out = b;
	return 0;
}

static int number(struct rd *r, struct jread *v)
{
	const char *start = r->p;
	char *end;

	errno = 0;
	v->num = strtod(start, &end);
	if (end == start)
		return fail(r, "unexpected character");
	v->type = JR_NUM;
	/* a double out of an integer's range has no conversion: 0 */
	v->i = v->num > -9.2e18 && v->num < 9.2e18 ? (int64_t)v->num : 0;
	v->u = v->num >= 0 && v->num < 1.8e19 ? (uint64_t)v->num : 0;
	if (strcspn(start, ".eE") >= (size_t)(end - start)) {
		/* whole numbers exactly, past double's 53 bits */
		if (*start == '-')
			v->i = strtoll(start, NULL, 10);
		else
			v->u = strtoull(start, NULL, 10), v->i = (int64_t)v->u;
	}
	r->p = end;
	return 0;
}

static void grow(struct jread *v, int obj)
{
	v->items = xreallocarray(v->items, v->n + 1, sizeof *v->items);
	memset(&v->items[v->n], 0, sizeof *v->items);
	if (obj) {
		v->keys = xreallocarray(v->keys, v->n + 1, sizeof *v->keys);
		v->keys[v->n] = NULL;
	}
}

/* An array or object, at its opening bracket. */
static int compound(struct rd *r, struct jread *v, int depth)
{
	int obj = *r->p == '{';
	char close = obj ? '}' : ']';

	v->type = obj ? JR_OBJ : JR_ARR;
	r->p++;
	skip_ws(r);
	if (*r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		/* counted at once: a failure below frees what it holds */
		grow(v, obj);
		v->n++;
		skip_ws(r);
		if (obj) {
			if (*r->p != '"' || string(r, &v->keys[v->n - 1]) < 0)
				return fail(r, "expected a key");
			skip_ws(r);
			if (!eat(r, ':'))
				return fail(r, "expected ':'");
		}
		if (value(r, &v->items[v->n - 1], depth + 1) < 0)
			return -1;
		skip_ws(r);
		if (*r->p == close) {
			r->p++;
			return 0;
		}
		if (!eat(r, ','))
			return fail(r, "expected ','");
	}
}

static int word(struct rd *r, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(r->p, w, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

static int value(struct rd *r, struct jread *v, int depth)
{
	if (depth > JREAD_DEPTH_MAX)
		return fail(r, "nested too deep");
	skip_ws(r);
	if (*r->p == '{' || *r->p == '[')
		return compound(r, v, depth);
	if (*r->p == '"') {
		v->type = JR_STR;
		return string(r, &v->str);
	}
	if (word(r, "null"))
		v->type = JR_NULL;
	else if (word(r, "true"))
		v->type = JR_BOOL, v->b = 1;
	else if (word(r, "false"))
		v->type = JR_BOOL, v->b = 0;
	else
		return number(r, v);
	return 0;
}

int jread_parse(const char *s, struct jread *out, char **cause)
{
	struct rd r = { s, NULL };

	memset(out, 0, sizeof *out);
	if (value(&r, out, 0) == 0) {
		skip_ws(&r);
		if (*r.p == '\0')
			return 0;
		fail(&r, "trailing text");
	}
	jread_free(out);
	*cause = r.cause;
	return -1;
}

void jread_free(struct jread *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		jread_free(&v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof *v);
}

const struct jread *jread_get(const struct jread *o, const char *key)
{
	size_t i;

	if (o == NULL || o->type != JR_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->keys[i] != NULL && strcmp(o->keys[i], key) == 0)
			return &o->items[i];
	return NULL;
}

const char *jread_str(const struct jread *o, const char *key)
{
	const struct jread *v = jread_get(o, key);

	return v != NULL && v->type == JR_STR ? v->str : NULL;
}

uint64_t jread_u64(const struct jread *o, const char *key, uint64_t dflt)
{
	const struct jread *v = jread_get(o, key);

	return v != NULL && v->type == JR_NUM ? v->u : dflt;
}

int64_t jread_i64(const struct jread *o, const char *key, int64_t dflt)
{
	const struct jread *v = jread_get(o, key);

	return v != NULL && v->type == JR_NUM ? v->i : dflt;
}

double jread_num(const struct jread *o, const char *key, double dflt)
{
	const struct jread *v = jread_get(o, key);

	return v != NULL && v->type == JR_NUM ? v->num : dflt;
}

int jread_bool(const struct jread *o, const char *key)
{
	const struct jread *v = jread_get(o, key);

	return v != NULL && v->type == JR_BOOL && v->b;
}
