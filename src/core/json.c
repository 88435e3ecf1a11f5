/* json.c — JSON writer with RFC 8259 string escaping. Strings from libvirt
 * may hold any byte; the output is always valid UTF-8 (text.c repairs what
 * is not), and a keyed string that needed repair keeps its original bytes
 * in a "<key>_hex" member beside it. */
#include "core/json.h"
#include "core/text.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		while (j->len + n + 1 > j->cap)
			j->cap = j->cap ? j->cap * 2 : 256;
		j->buf = xrealloc(j->buf, j->cap);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void put_escaped(struct json *j, const char *s)
{
	char esc[8];

	put(j, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':  puts_(j, "\\\""); break;
		case '\\': puts_(j, "\\\\"); break;
		case '\n': puts_(j, "\\n"); break;
		case '\r': puts_(j, "\\r"); break;
		case '\t': puts_(j, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(esc, sizeof esc, "\\u%04x", c);
				puts_(j, esc);
			} else {
				put(j, s, 1);
			}
		}
	}
	put(j, "\"", 1);
}

/* Comma and "key": before every member. */
static void member(struct json *j, const char *key)
{
	if (j->need_comma)
		put(j, ",", 1);
	j->need_comma = 1;
	if (key != NULL) {
		put_escaped(j, key);
		put(j, ":", 1);
	}
}

void json_init(struct json *j)
{
	memset(j, 0, sizeof *j);
	put(j, "", 0);
}

void json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof *j);
}

char *json_take_line(struct json *j)
{
	char *line;

	put(j, "\n", 1);	/* buf is allocated from here on */
	line = j->buf;
	memset(j, 0, sizeof *j);
	return line;
}

void json_flush(struct json *j, FILE *out)
{
	fwrite(j->buf, 1, j->len, out);
	j->len = 0;
	j->buf[0] = '\0';
}

void json_begin_object(struct json *j, const char *key)
{
	member(j, key);
	put(j, "{", 1);
	j->need_comma = 0;
}

void json_end_object(struct json *j)
{
	put(j, "}", 1);
	j->need_comma = 1;
}

void json_begin_array(struct json *j, const char *key)
{
	member(j, key);
	put(j, "[", 1);
	j->need_comma = 0;
}

void json_end_array(struct json *j)
{
	put(j, "]", 1);
	j->need_comma = 1;
}

void json_string(struct json *j, const char *key, const char *value)
{
	char *fixed, *hex, *hex_key;

	member(j, key);
	if (value == NULL) {
		puts_(j, "null");
		return;
	}
	if (text_utf8_valid(value)) {
		put_escaped(j, value);
		return;
	}
	fixed = text_utf8_repair(value);
	put_escaped(j, fixed);
	free(fixed);
	if (key == NULL)
		return;	/* an array element has nowhere to put its bytes */
	hex = text_hex(value);
	hex_key = xasprintf("%s_hex", key);
	member(j, hex_key);
	put_escaped(j, hex);
	free(hex_key);
	free(hex);
}

void json_int(struct json *j, const char *key, int64_t value)
{
	char num[32];

	member(j, key);
	snprintf(num, sizeof num, "%lld", (long long)value);
	puts_(j, num);
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
	char num[32];

	member(j, key);
	snprintf(num, sizeof num, "%llu", (unsigned long long)value);
	puts_(j, num);
}

void json_double(struct json *j, const char *key, double value, int decimals)
{
	char num[64];

	member(j, key);
	if (value != value || value > 1e300 || value < -1e300) {
		puts_(j, "null");	/* NaN and infinities are not JSON */
		return;
	}
	snprintf(num, sizeof num, "%.*f", decimals, value);
	puts_(j, num);
}

void json_bool(struct json *j, const char *key, int value)
{
	member(j, key);
	puts_(j, value ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	puts_(j, "null");
}
