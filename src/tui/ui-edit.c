/* ui-edit.c — the line editor: UTF-8 text edited by character, with a
 * cursor on character boundaries, horizontal scrolling by display width,
 * an optional bounded history, and password fields that are never echoed
 * and never left in freed memory. */
#include "tui/ui-edit.h"
#include "core/util.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CTRL(c) ((c) & 0x1f)

/* ---- UTF-8 ---- */

/* The code point at s (n bytes left) and its length; 0 for invalid or
 * truncated UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Characters an operator may type: printable, and none of those that make
 * text look like other text (bidi overrides and isolates, zero-width
 * characters). */
static int typeable(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2069) || c == 0xfeff)
		return 0;
	return c < 0x80 || wcwidth((wchar_t)c) >= 0;
}

static int cp_width(uint32_t c)
{
	int w = c < 0x80 ? 1 : wcwidth((wchar_t)c);

	return w < 0 ? 1 : w;
}

/* Byte offset of the character before / after off. The buffer is always
 * valid UTF-8, so stepping over continuation bytes is enough. */
static size_t prev_char(const struct edit *e, size_t off)
{
	while (off > 0 && ((unsigned char)e->buf[--off] & 0xc0) == 0x80)
		;
	return off;
}

static size_t next_char(const struct edit *e, size_t off)
{
	if (off < e->len)
		off++;
	while (off < e->len && ((unsigned char)e->buf[off] & 0xc0) == 0x80)
		off++;
	return off;
}

/* Display width of the bytes [from, to); a password shows one star or
 * nothing per character. */
static int span_width(const struct edit *e, size_t from, size_t to)
{
	uint32_t c;
	size_t k;
	int w = 0;

	while (from < to) {
		k = utf8_decode((const unsigned char *)e->buf + from, to - from, &c);
		if (k == 0)
			k = 1;
		if (e->flags & EDIT_PASSWORD)
			w += (e->flags & EDIT_STARS) ? 1 : 0;
		else
			w += cp_width(c);
		from += k;
	}
	return w;
}

/* ---- the buffer ---- */

/* Grow by copying, so a password's old buffer can be wiped before it is
 * freed (realloc would leave a copy behind). */
static void reserve(struct edit *e, size_t need)
{
	char *n;
	size_t cap = e->cap != 0 ? e->cap : 32;

	if (need + 1 <= e->cap)
		return;
	while (cap < need + 1)
		cap *= 2;
	n = xcalloc(cap, 1);
	if (e->buf != NULL) {
		memcpy(n, e->buf, e->len + 1);
		explicit_bzero(e->buf, e->cap);
		free(e->buf);
	}
	e->buf = n;
	e->cap = cap;
}

void edit_init(struct edit *e, unsigned flags, struct edit_history *hist)
{
	memset(e, 0, sizeof *e);
	e->flags = flags;
	e->hist = (flags & EDIT_PASSWORD) ? NULL : hist;
	e->hpos = e->hist != NULL ? e->hist->n : 0;
	reserve(e, 0);
}

void edit_clear(struct edit *e)
{
	if (e->buf != NULL)
		explicit_bzero(e->buf, e->cap);
	e->len = e->cur = e->scroll = 0;
}

static void insert(struct edit *e, uint32_t c)
{
	char enc[4];
	size_t k = utf8_encode(c, enc);

	reserve(e, e->len + k);
	memmove(e->buf + e->cur + k, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, enc, k);
	e->len += k;
	e->cur += k;
}

void edit_set(struct edit *e, const char *s)
{
	size_t n = 0, k, total = s != NULL ? strlen(s) : 0;
	uint32_t c;

	edit_clear(e);
	/* the valid prefix, and of it only what could be typed: a completed
	 * name from a host may hold controls or bidi overrides */
	while (n < total &&
	    (k = utf8_decode((const unsigned char *)s + n, total - n, &c)) > 0) {
		if (typeable(c))
			insert(e, c);
		n += k;
	}
}

void edit_free(struct edit *e)
{
	edit_clear(e);
	free(e->buf);
	if (e->draft != NULL) {
		explicit_bzero(e->draft, strlen(e->draft));
		free(e->draft);
	}
	memset(e, 0, sizeof *e);
}

const char *edit_text(const struct edit *e)
{
	return e->buf != NULL ? e->buf : "";
}

size_t edit_cursor_chars(const struct edit *e)
{
	size_t off = 0, n = 0;

	while (off < e->cur) {
		off = next_char(e, off);
		n++;
	}
	return n;
}

int edit_width(const struct edit *e)
{
	return span_width(e, 0, e->len);
}


/* Remove the bytes [from, to) and leave the cursor at from. */
static void cut(struct edit *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	explicit_bzero(e->buf + e->len + 1, to - from);	/* the tail's old copy */
	e->cur = from;
}

static size_t word_start(const struct edit *e, size_t off)
{
	while (off > 0 && e->buf[off - 1] == ' ')
		off--;
	while (off > 0 && e->buf[off - 1] != ' ')
		off = prev_char(e, off);
	return off;
}

/* ---- history ---- */

void edit_history_init(struct edit_history *h, size_t max)
{
	memset(h, 0, sizeof *h);
	h->max = max > 0 ? max : 1;
}

void edit_history_add(struct edit_history *h, const char *line)
{
	if (line == NULL || *line == '\0' ||
	    (h->n > 0 && strcmp(h->lines[h->n - 1], line) == 0))
		return;
	if (h->n == h->max) {
		free(h->lines[0]);
		memmove(h->lines, h->lines + 1, (h->n - 1) * sizeof *h->lines);
		h->n--;
	}
	h->lines = xreallocarray(h->lines, h->n + 1, sizeof *h->lines);
	h->lines[h->n++] = xstrdup(line);
}

void edit_history_free(struct edit_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->lines[i]);
	free(h->lines);
	memset(h, 0, sizeof *h);
}

void edit_commit(struct edit *e)
{
	if (e->hist == NULL || (e->flags & EDIT_PASSWORD))
		return;
	edit_history_add(e->hist, edit_text(e));
	e->hpos = e->hist->n;
	free(e->draft);
	e->draft = NULL;
}

/* Up (-1) and Down (+1) through the history; the line being typed is kept
 * as the draft and comes back below the newest line. */
static enum edit_result recall(struct edit *e, int dir)
{
	struct edit_history *h = e->hist;
	size_t to;

	if (h == NULL || (dir < 0 && e->hpos == 0) ||
	    (dir > 0 && e->hpos >= h->n))
		return EDIT_IGNORED;
	if (e->hpos > h->n)
		e->hpos = h->n;
	to = dir < 0 ? e->hpos - 1 : e->hpos + 1;
	if (e->hpos == h->n) {
		free(e->draft);
		e->draft = xstrdup(edit_text(e));
	}
	e->hpos = to;
	if (to == h->n) {
		edit_set(e, e->draft);
		free(e->draft);
		e->draft = NULL;
	} else {
		edit_set(e, h->lines[to]);
	}
	return EDIT_CHANGED;
}

/* ---- keys ---- */

enum edit_result edit_key(struct edit *e, int key)
{
	switch (key) {
	case KEY_BACKSPACE: case 127: case CTRL('h'):
		if (e->cur == 0)
			return EDIT_IGNORED;
		cut(e, prev_char(e, e->cur), e->cur);
		return EDIT_CHANGED;
	case KEY_DC: case CTRL('d'):
		if (e->cur == e->len)
			return EDIT_IGNORED;
		cut(e, e->cur, next_char(e, e->cur));
		return EDIT_CHANGED;
	case KEY_LEFT: case CTRL('b'):
		e->cur = prev_char(e, e->cur);
		return EDIT_MOVED;
	case KEY_RIGHT: case CTRL('f'):
		e->cur = next_char(e, e->cur);
		return EDIT_MOVED;
	case KEY_HOME: case CTRL('a'):
		e->cur = 0;
		return EDIT_MOVED;
	case KEY_END: case CTRL('e'):
		e->cur = e->len;
		return EDIT_MOVED;
	case CTRL('u'):
		if (e->cur == 0)
			return EDIT_IGNORED;
		cut(e, 0, e->cur);
		return EDIT_CHANGED;
	case CTRL('w'):
		if (e->cur == 0)
			return EDIT_IGNORED;
		cut(e, word_start(e, e->cur), e->cur);
		return EDIT_CHANGED;
	case KEY_UP:
		return recall(e, -1);
	case KEY_DOWN:
		return recall(e, 1);
	}
	if (key >= 0x20 && key < 0x7f) {
		insert(e, (uint32_t)key);
		return EDIT_CHANGED;
	}
	if ((key & EDIT_KEY_WCHAR) && typeable((uint32_t)key & 0x1fffff)) {
		insert(e, (uint32_t)key & 0x1fffff);
		return EDIT_CHANGED;
	}
	return EDIT_IGNORED;
}

/* ---- showing it ---- */

void edit_view(struct edit *e, int width, size_t *from, size_t *to, int *pad,
    int *col)
{
	int ccol = span_width(e, 0, e->cur), total = span_width(e, 0, e->len);
	int start = 0, w;
	size_t off = 0, k;

	if (width < 1)
		width = 1;
	/* the cursor needs a cell of its own after the last character */
	if ((size_t)ccol < e->scroll)
		e->scroll = (size_t)ccol;
	if (ccol >= (int)e->scroll + width)
		e->scroll = (size_t)(ccol - width + 1);
	if ((int)e->scroll > 0 && total - (int)e->scroll < width - 1)
		e->scroll = total + 1 > width ? (size_t)(total + 1 - width) : 0;
	/* the first character that starts inside the field */
	while (off < e->len && start < (int)e->scroll) {
		k = next_char(e, off);
		start += span_width(e, off, k);
		off = k;
	}
	*from = off;
	*pad = start - (int)e->scroll;
	w = *pad;
	while (off < e->len) {
		k = next_char(e, off);
		if (w + span_width(e, off, k) > width)
			break;
		w += span_width(e, off, k);
		off = k;
	}
	*to = off;
	*col = ccol - (int)e->scroll;
	if (*col >= width)
		*col = width - 1;
}

void edit_draw(struct edit *e, int y, int x, int width)
{
	size_t from, to, i;
	int pad, col;

	if (width < 1)
		return;
	edit_view(e, width, &from, &to, &pad, &col);
	mvhline(y, x, ' ', width);
	if (e->flags & EDIT_PASSWORD) {
		move(y, x + pad);
		for (i = from; i < to; i = next_char(e, i))
			if (e->flags & EDIT_STARS)
				addch('*');
	} else {
		mvaddnstr(y, x + pad, e->buf + from, (int)(to - from));
	}
	move(y, x + col);
}
