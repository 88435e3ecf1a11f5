/* json-read.h — a small JSON reader: one document into a tree, for the
 * console's mirror of a server's model (the lines model-json.h writes).
 * Depth and size are bounded by the caller's frame; nesting is limited to
 * JREAD_DEPTH_MAX so a hostile line cannot exhaust the stack. */
#ifndef HVDECK_JSON_READ_H
#define HVDECK_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

#define JREAD_DEPTH_MAX 32

enum jread_type { JR_NULL, JR_BOOL, JR_NUM, JR_STR, JR_ARR, JR_OBJ };

struct jread {
	enum jread_type type;
	int b;                  /* JR_BOOL */
	double num;             /* JR_NUM */
	uint64_t u;             /* JR_NUM that is a whole number >= 0 */
	int64_t i;              /* JR_NUM that is a whole number */
	char *str;              /* JR_STR, owned */
	size_t n;               /* JR_ARR, JR_OBJ: items */
	char **keys;            /* JR_OBJ: n keys, owned */
	struct jread *items;    /* n values, owned */
};

/* Parse the document s (NUL-ended) into *out (free with jread_free): 0,
 * or -1 with *cause (caller frees). */
int jread_parse(const char *s, struct jread *out, char **cause);
void jread_free(struct jread *v);

/* The member key of object o, NULL when o is no object or has none.
 * Borrowed from o. */
const struct jread *jread_get(const struct jread *o, const char *key);
/* Typed members: a string (NULL when absent, null or not a string;
 * borrowed), a whole number (dflt otherwise), a double, a bool. */
const char *jread_str(const struct jread *o, const char *key);
uint64_t jread_u64(const struct jread *o, const char *key, uint64_t dflt);
int64_t jread_i64(const struct jread *o, const char *key, int64_t dflt);
double jread_num(const struct jread *o, const char *key, double dflt);
int jread_bool(const struct jread *o, const char *key);

#endif
