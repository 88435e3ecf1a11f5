/* text.h — the one place that makes untrusted text (names, paths and error
 * texts from libvirt, hosts and config files) safe for a terminal and valid
 * for JSON. Screen, `dump` text, `watch` text and the log all go through
 * text_visible, so a name looks the same on each of them.
 *
 * Visible form: a code point that could hide, reorder or fake text becomes
 * "<U+XXXX>" (C0 and C1 controls, DEL, bidi embeddings, overrides, isolates
 * and marks, zero-width characters and the joiners, variation selectors,
 * fillers, tags, noncharacters, private use); a byte that is not valid UTF-8
 * becomes "<0xNN>". Everything else is kept byte for byte, so "t-a" and
 * "t-a\u200b" never look alike and a valid printable name is unchanged. */
#ifndef HVDECK_TEXT_H
#define HVDECK_TEXT_H

#include <stddef.h>

/* The visible form of s (see above); NULL gives "". Independent of the
 * locale. Caller frees. */
char *text_visible(const char *s);

/* 1 when text_visible(s) equals s: valid UTF-8 with nothing to escape. */
int text_is_plain(const char *s);

/* For curses: text_visible, and further escaped so every remaining
 * character has a known width: code points wcwidth() rejects in the
 * current locale, a zero-width mark with no base character before it, and
 * when ascii is set (or the locale is not UTF-8) every non-ASCII code
 * point. Caller frees. */
char *text_screen(const char *s, int ascii);

/* Display cells of a string made by text_screen. */
int text_width(const char *s);

/* s (made by text_screen) broken into lines of at most width cells at
 * spaces (the spaces at a break dropped; a word longer than a line split
 * between characters): the count (at least 1: "" is one empty line) and
 * *lines, freed with text_lines_free. */
size_t text_wrap(const char *s, int width, char ***lines);
void text_lines_free(char **lines, size_t n);

/* s (made by text_screen) cut to at most width cells: when it does not fit,
 * the longest prefix that leaves room for "…" ("~" when ascii), then the
 * ellipsis. Never splits a character nor parts a base from its combining
 * marks. width <= 0 gives "". Caller frees. */
char *text_truncate(const char *s, int width, int ascii);

/* s with its middle replaced by "…" when it has more than max characters
 * (code points; an invalid byte counts as one): the start and the end are
 * kept, so "desk-…-10" and "desk-…-11" still differ and a sentence built
 * around a long name keeps its verb. Caller frees. */
char *text_shorten(const char *s, size_t max);

/* A value of `dump` text's key=value grammar: the visible form of s, bare
 * when it is non-empty printable ASCII without space, '=', '"' or '\' and
 * not "-"; otherwise in double quotes, with '"' and '\' escaped by a
 * backslash. NULL (no value) gives a bare "-", so a real "-" is quoted.
 * Caller frees. */
char *text_kv_value(const char *s);

/* 1 when s is valid UTF-8 (strict: no overlong forms, surrogates or code
 * points past U+10FFFF). NULL is valid. */
int text_utf8_valid(const char *s);

/* A copy of s with each byte that is not valid UTF-8 replaced by U+FFFD;
 * valid text is kept exactly. Caller frees. */
char *text_utf8_repair(const char *s);

/* The bytes of s in lowercase hex, two digits a byte. Caller frees. */
char *text_hex(const char *s);

/* Names as people count: digit runs compare by value ("desk-2" before
 * "desk-10"), letters without case; a full tie falls back to strcmp so
 * the order is total. NULL sorts first. */
int text_natural_cmp(const char *a, const char *b);
/* A key whose strcmp orders as text_natural_cmp orders the strings (the
 * same sign for every pair): a table sorting thousands of rows compares
 * keys made once per row instead of walking names on every comparison.
 * Letters lowered, each digit run (leading zeros dropped) behind a
 * prefix of '0'..'9' bytes that orders by its length, then a 0x01 byte
 * and the string itself for the full-tie fallback. Caller frees. */
char *text_natural_key(const char *s);

/* Lexically normalised copy of a path ("a/b/../c" -> "a/c"). Caller frees. */
char *text_normalise_path(const char *path);

/* s with every from replaced by to (from empty: a copy). Messages name
 * hosts by name where libvirt's text has their URI. Caller frees. */
char *text_replace(const char *s, const char *from, const char *to);

#endif
