/* json.h — a tiny JSON writer into a growing buffer (for dump/watch). */
#ifndef HVDECK_JSON_H
#define HVDECK_JSON_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct json {
	char *buf;      /* NUL-terminated, owned */
	size_t len, cap;
	int need_comma; /* a value was written at the current nesting level */
};

void json_init(struct json *j);
void json_free(struct json *j);
/* Write what the buffer holds to out and empty it, the writer's place in
 * the document kept: a long document goes out in pieces instead of whole
 * in memory (dump at 10,000 desktops: 10 MB). */
void json_flush(struct json *j, FILE *out);
/* The document as one line, its newline added (caller frees); j is
 * emptied as by json_free. For the JSON-lines streams (watch, the
 * server's subscriptions, the audit log). */
char *json_take_line(struct json *j);
/* Objects and arrays; key is NULL inside arrays. */
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
/* NULL -> null. Invalid UTF-8 is written with U+FFFD for each bad byte and,
 * when key is set, followed by "<key>_hex": the original bytes in hex. */
void json_string(struct json *j, const char *key, const char *value);
void json_int(struct json *j, const char *key, int64_t value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_double(struct json *j, const char *key, double value, int decimals);
void json_bool(struct json *j, const char *key, int value);
void json_null(struct json *j, const char *key);

#endif
