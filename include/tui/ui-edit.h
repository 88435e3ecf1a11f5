/* ui-edit.h — the one line editor of the console: the filter, the `:` line
 * and every form field. The text is UTF-8 and every edit is by character
 * (a code point), never by byte: the cursor sits on a character boundary.
 * The editing itself is pure (no curses) so unit tests drive it; only
 * edit_draw touches the screen. Keys are curses key codes, with characters
 * beyond ASCII encoded as EDIT_KEY_WCHAR | code point (ui.c reads them
 * with get_wch), so they never collide with KEY_* codes. */
#ifndef HVDECK_UI_EDIT_H
#define HVDECK_UI_EDIT_H

#include <stddef.h>

/* A key that is the character (code point) in the low bits. Above
 * U+10FFFF, so no code point and no curses KEY_* code has this bit. */
#define EDIT_KEY_WCHAR 0x200000

/* Up/Down recall earlier lines. Bounded: the oldest line goes first. A
 * history is owned by whoever keeps it across prompts (the UI). */
struct edit_history {
	char **lines;           /* oldest first, each owned */
	size_t n, max;
};

enum edit_flag {
	EDIT_PASSWORD = 1 << 0, /* never echoed, never in a history, wiped */
	EDIT_STARS = 1 << 1,    /* a password shows one `*` per character */
};

struct edit {
	char *buf;              /* UTF-8, NUL-terminated, owned */
	size_t len, cap;        /* bytes */
	size_t cur;             /* byte offset of the cursor, a boundary */
	size_t scroll;          /* display column of the field's first cell */
	unsigned flags;         /* enum edit_flag */
	struct edit_history *hist; /* NULL: no Up/Down (form fields) */
	size_t hpos;            /* hist->n: editing the draft */
	char *draft;            /* the line being typed while browsing, owned */
};

/* What a key did. */
enum edit_result { EDIT_IGNORED, EDIT_MOVED, EDIT_CHANGED };

/* Start empty. hist (may be NULL, kept by the caller, must outlive e) is
 * ignored for a password. */
void edit_init(struct edit *e, unsigned flags, struct edit_history *hist);
/* Replace the text (copied; invalid UTF-8 is cut at the first bad byte,
 * characters that cannot be typed are left out), cursor at the end. */
void edit_set(struct edit *e, const char *s);
/* Empty the text; the old bytes are overwritten with zeros first. */
void edit_clear(struct edit *e);
/* Free everything (wiping the buffer, as edit_clear). */
void edit_free(struct edit *e);
/* The text (owned by e, valid until the next edit). */
const char *edit_text(const struct edit *e);
/* The cursor as a character index (for tests and drawing). */
size_t edit_cursor_chars(const struct edit *e);
/* Display width of the whole text, in cells (as it is drawn). */
int edit_width(const struct edit *e);
/* Handle a key: printable characters insert; Backspace, Delete, Left,
 * Right, Home/Ctrl-A, End/Ctrl-E, Ctrl-U (kill to start), Ctrl-W (kill the
 * word before the cursor), Up/Down (history). Other keys are ignored. */
enum edit_result edit_key(struct edit *e, int key);
/* Keep the text in e's history (not a password's, not an empty line, not
 * a repeat of the last). */
void edit_commit(struct edit *e);

void edit_history_init(struct edit_history *h, size_t max);
void edit_history_add(struct edit_history *h, const char *line);
void edit_history_free(struct edit_history *h);

/* The part of the text shown in a field `width` cells wide, scrolling
 * e->scroll so the cursor stays visible: *from and *to are byte offsets,
 * *pad the blank cells before them (half a wide character scrolled off),
 * *col the cursor's cell in the field. A password shows no text. */
void edit_view(struct edit *e, int width, size_t *from, size_t *to, int *pad,
    int *col);
/* Draw the field at (y, x), width cells, with the current attribute, and
 * leave the terminal cursor on the edit cursor. */
void edit_draw(struct edit *e, int y, int x, int width);

#endif
