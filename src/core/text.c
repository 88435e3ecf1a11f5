/* text.c — untrusted text made safe for the terminal and valid for JSON.
 * The decoder is our own (strict UTF-8) so `dump` output does not depend on
 * the locale; only the screen's widths ask wcwidth(). */
#include "core/text.h"
#include "core/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 64;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static char *buf_done(struct buf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

/* Decodes one UTF-8 sequence at p: its length, or 0 when the byte at p does
 * not start a valid sequence (overlong, surrogate, past U+10FFFF,
 * truncated). */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
	size_t n, i;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points shown as <U+XXXX>: each can hide text, reorder it, make two
 * different names look alike, or change the width a terminal gives the
 * rest of the line. Sorted; safety over beauty (an emoji family shows its
 * joiners). */
static const struct { uint32_t lo, hi; } hidden[] = {
	{ 0x0000, 0x001f },	/* C0 controls */
	{ 0x007f, 0x009f },	/* DEL, C1 controls (U+009B is CSI) */
	{ 0x00ad, 0x00ad },	/* soft hyphen: invisible */
	{ 0x034f, 0x034f },	/* combining grapheme joiner */
	{ 0x061c, 0x061c },	/* Arabic letter mark (bidi) */
	{ 0x115f, 0x1160 },	/* Hangul fillers: blank */
	{ 0x17b4, 0x17b5 },	/* Khmer inherent vowels: invisible */
	{ 0x180b, 0x180f },	/* Mongolian selectors and vowel separator */
	{ 0x200b, 0x200f },	/* zero-width space, joiners, LRM, RLM */
	{ 0x2028, 0x202e },	/* line/paragraph separators, bidi embeddings
				 * and overrides */
	{ 0x2060, 0x206f },	/* word joiner, invisible operators, bidi
				 * isolates, deprecated format controls */
	{ 0x3164, 0x3164 },	/* Hangul filler */
	{ 0xe000, 0xf8ff },	/* private use: no known glyph or width */
	{ 0xfdd0, 0xfdef },	/* noncharacters */
	{ 0xfe00, 0xfe0f },	/* variation selectors: change widths */
	{ 0xfeff, 0xfeff },	/* zero-width no-break space (BOM) */
	{ 0xffa0, 0xffa0 },	/* halfwidth Hangul filler */
	{ 0xfff0, 0xfffb },	/* specials, interlinear annotation */
	{ 0x1d173, 0x1d17a },	/* musical formatting controls */
	{ 0xe0000, 0xe0fff },	/* tags, variation selectors supplement */
	{ 0xf0000, 0x10ffff },	/* supplementary private use */
};

static int is_hidden(uint32_t cp)
{
	size_t lo = 0, hi = sizeof hidden / sizeof hidden[0];

	if ((cp & 0xfffe) == 0xfffe)
		return 1;	/* U+xFFFE, U+xFFFF: noncharacters */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < hidden[mid].lo)
			hi = mid;
		else if (cp > hidden[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static void add_cp_escape(struct buf *b, uint32_t cp)
{
	char esc[16];

	snprintf(esc, sizeof esc, "<U+%04X>", (unsigned)cp);
	buf_add(b, esc, strlen(esc));
}

static void add_byte_escape(struct buf *b, unsigned char c)
{
	char esc[8];

	snprintf(esc, sizeof esc, "<0x%02x>", c);
	buf_add(b, esc, strlen(esc));
}

/* The one walk behind text_visible and text_screen. screen: also escape
 * what the terminal cannot draw at a known width. */
static char *escape(const char *s, int screen, int ascii)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	struct buf b = { NULL, 0, 0 };
	int have_base = 0;	/* the last thing kept was a drawn character */

	while (*p != '\0') {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		int keep;

		if (n == 0) {
			add_byte_escape(&b, *p++);
			have_base = 0;
			continue;
		}
		keep = !is_hidden(cp);
		if (keep && screen && cp >= 0x80) {
			int w = ascii ? -1 : wcwidth((wchar_t)cp);

			keep = w > 0 || (w == 0 && have_base);
		}
		if (keep) {
			buf_add(&b, (const char *)p, n);
			have_base = 1;
		} else {
			add_cp_escape(&b, cp);
			have_base = 0;
		}
		p += n;
	}
	return buf_done(&b);
}

char *text_visible(const char *s)
{
	return escape(s, 0, 0);
}

int text_is_plain(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	while (*p != '\0') {
		uint32_t cp;
		size_t n;

		if (*p >= 0x20 && *p < 0x7f) {	/* printable ASCII: never hidden */
			p++;
			continue;
		}
		n = utf8_decode(p, &cp);
		if (n == 0 || is_hidden(cp))
			return 0;
		p += n;
	}
	return 1;
}

char *text_screen(const char *s, int ascii)
{
	/* without a UTF-8 locale curses cannot draw anything else */
	return escape(s, 1, ascii || MB_CUR_MAX == 1);
}

/* Width of the code point at p (from text_screen: valid and drawable). */
static int cp_width(const unsigned char *p, size_t *len)
{
	uint32_t cp;
	int w;

	*len = utf8_decode(p, &cp);
	if (*len == 0) {
		*len = 1;	/* not from text_screen: count a byte a cell */
		return 1;
	}
	if (cp < 0x80)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int cells = 0;
	size_t n;

	while (*p != '\0') {
		cells += cp_width(p, &n);
		p += n;
	}
	return cells;
}

/* The byte length of s's longest prefix of whole characters that fits
 * width cells (at least one character, so that a line always advances),
 * and where the last space in it ends a word (0: none). */
static size_t fit_prefix(const char *s, int width, size_t *space)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len = 0;
	int cells = 0, w;

	*space = 0;
	while (p[len] != '\0') {
		w = cp_width(p + len, &n);
		if (len > 0 && w > 0 && cells + w > width)
			break;
		if (p[len] == ' ')
			*space = len;
		cells += w;
		len += n;
	}
	if (p[len] == ' ' || p[len] == '\0')
		*space = len;	/* the line ends on a whole word */
	return len;
}

size_t text_wrap(const char *s, int width, char ***lines)
{
	size_t n = 0, len, space, cut;
	char **v = NULL;

	if (width < 1)
		width = 1;
	do {
		while (n > 0 && *s == ' ')	/* a line starts on a word */
			s++;
		len = fit_prefix(s, width, &space);
		cut = space > 0 ? space : len;	/* a word longer than a line
						 * is split where it must */
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrndup(s, cut);
		s += cut;
		while (*s == ' ')
			s++;
	} while (*s != '\0');
	*lines = v;
	return n;
}

void text_lines_free(char **lines, size_t n)
{
	util_strings_free(lines, n);
}

char *text_truncate(const char *s, int width, int ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *ellipsis = ascii ? "~" : "\xe2\x80\xa6";
	size_t n, keep = 0;
	int cells = 0, w;
	char *out;

	if (width <= 0)
		return xstrdup("");
	if (text_width(s) <= width)
		return xstrdup(s);
	/* whole characters with their marks, leaving one cell for "…" */
	while (*p != '\0') {
		w = cp_width(p, &n);
		if (w > 0 && cells + w > width - 1)
			break;
		cells += w;
		p += n;
		keep = (size_t)((const char *)p - s);
	}
	out = xmalloc(keep + strlen(ellipsis) + 1);
	memcpy(out, s, keep);
	strcpy(out + keep, ellipsis);
	return out;
}

/* Bytes of the next character of p: a code point, or one invalid byte. */
static size_t char_len(const unsigned char *p)
{
	uint32_t cp;
	size_t n = utf8_decode(p, &cp);

	return n == 0 ? 1 : n;
}

char *text_shorten(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t nchars = 0, head, tail, i, head_bytes = 0, tail_from = 0, off;
	char *out;

	for (off = 0; p[off] != '\0'; off += char_len(p + off))
		nchars++;
	if (nchars <= max || max < 3)
		return xstrdup((const char *)p);
	head = (max - 1) / 2 + (max - 1) % 2;	/* the start weighs more */
	tail = max - 1 - head;
	for (i = 0, off = 0; p[off] != '\0'; off += char_len(p + off), i++) {
		if (i == head)
			head_bytes = off;
		if (i == nchars - tail)
			tail_from = off;
	}
	out = xasprintf("%.*s\xe2\x80\xa6%s", (int)head_bytes, (const char *)p,
	    (const char *)p + tail_from);
	return out;
}

int text_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	uint32_t cp;
	size_t n;

	for (; *p != '\0'; p += n)
		if ((n = utf8_decode(p, &cp)) == 0)
			return 0;
	return 1;
}

char *text_utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	struct buf b = { NULL, 0, 0 };
	uint32_t cp;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_decode(p, &cp)) == 0) {
			buf_add(&b, "\xef\xbf\xbd", 3);	/* U+FFFD */
			p++;
		} else {
			buf_add(&b, (const char *)p, n);
			p += n;
		}
	}
	return buf_done(&b);
}

char *text_hex(const char *s)
{
	static const char digits[] = "0123456789abcdef";
	size_t len = s != NULL ? strlen(s) : 0, i;
	char *out = xmalloc(len * 2 + 1);

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[(unsigned char)s[i] >> 4];
		out[2 * i + 1] = digits[(unsigned char)s[i] & 0xf];
	}
	out[2 * len] = '\0';
	return out;
}

char *text_kv_value(const char *s)
{
	struct buf b = { NULL, 0, 0 };
	const unsigned char *p;
	char *v;
	int bare;

	if (s == NULL)
		return xstrdup("-");
	v = text_visible(s);
	bare = *v != '\0' && strcmp(v, "-") != 0;
	for (p = (const unsigned char *)v; *p != '\0' && bare; p++)
		bare = *p > ' ' && *p < 0x7f && strchr("=\"\\", *p) == NULL;
	if (bare)
		return v;
	buf_add(&b, "\"", 1);
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_add(&b, "\\", 1);
		buf_add(&b, (const char *)p, 1);
	}
	buf_add(&b, "\"", 1);
	free(v);
	return b.s;
}

/* Skip leading zeros; the run's length then its digits decide. */
static int digits_cmp(const char **pa, const char **pb)
{
	const char *a = *pa, *b = *pb;
	size_t la, lb;
	int c;

	while (*a == '0' && isdigit((unsigned char)a[1]))
		a++;
	while (*b == '0' && isdigit((unsigned char)b[1]))
		b++;
	for (la = 0; isdigit((unsigned char)a[la]); la++)
		;
	for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
		;
	if (la != lb)
		return la < lb ? -1 : 1;
	c = strncmp(a, b, la);
	*pa = a + la;
	*pb = b + lb;
	return c;
}

int text_natural_cmp(const char *a, const char *b)
{
	const char *x = a, *y = b;
	int c;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	while (*x != '\0' && *y != '\0') {
		if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
			if ((c = digits_cmp(&x, &y)) != 0)
				return c;
			continue;
		}
		c = tolower((unsigned char)*x) - tolower((unsigned char)*y);
		if (c != 0)
			return c < 0 ? -1 : 1;
		x++;
		y++;
	}
	if (*x != '\0' || *y != '\0')
		return *x != '\0' ? 1 : -1;
	c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

char *text_natural_key(const char *s)
{
	size_t len = strlen(s), o = 0, run, left;
	/* a digit run of L takes 1 + L / 9 prefix bytes and L digits */
	char *k = xmalloc(3 * len + 3);
	const char *p = s;

	while (*p != '\0') {
		if (!isdigit((unsigned char)*p)) {
			k[o++] = (char)tolower((unsigned char)*p++);
			continue;
		}
		while (*p == '0' && isdigit((unsigned char)p[1]))
			p++;
		for (run = 0; isdigit((unsigned char)p[run]); run++)
			;
		/* a prefix byte inside '0'..'9' sorts against any other byte
		 * as a digit does; its value orders the runs by length */
		for (left = run; left >= 9; left -= 9)
			k[o++] = '9';
		k[o++] = (char)('0' + left);
		memcpy(k + o, p, run);
		o += run;
		p += run;
	}
	k[o++] = '\x01';
	memcpy(k + o, s, len + 1);
	return k;
}

char *text_normalise_path(const char *path)
{
	char *copy, *out, *seg, *save = NULL;
	char **parts;
	size_t n = 0, i, len;

	if (path == NULL)
		return NULL;
	copy = xstrdup(path);
	parts = xcalloc(strlen(path) + 1, sizeof *parts);
	for (seg = strtok_r(copy, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (n > 0 && strcmp(parts[n - 1], "..") != 0)
				n--;
			else if (path[0] != '/')
				parts[n++] = seg;
			continue;
		}
		parts[n++] = seg;
	}
	len = strlen(path) + 2;
	out = xcalloc(1, len);
	if (path[0] == '/')
		strcat(out, "/");
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, "/");
		strcat(out, parts[i]);
	}
	if (*out == '\0')
		strcat(out, ".");
	free(parts);
	free(copy);
	return out;
}

char *text_replace(const char *s, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to), n = 0, len;
	const char *p, *hit;
	char *out, *o;

	if (flen == 0)
		return xstrdup(s);
	for (p = s; (hit = strstr(p, from)) != NULL; p = hit + flen)
		n++;
	len = strlen(s) - n * flen + n * tlen;
	out = o = xcalloc(len + 1, 1);
	for (p = s; (hit = strstr(p, from)) != NULL; p = hit + flen) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, tlen);
		o += tlen;
	}
	strcpy(o, p);
	return out;
}
