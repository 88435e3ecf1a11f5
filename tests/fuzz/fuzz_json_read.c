/* fuzz_json_read.c — libFuzzer harness for the JSON reader (json-read.h),
 * which an attached console runs on every line its server sends.
 *
 *   scripts/fuzz.sh builds and runs it (seeds: tests/unit/data/json/).
 *
 * Each input, as one document: a failure comes with a cause, a success
 * without, and the tree is freeable and can be looked into. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json-read.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1), *cause = NULL;
	struct jread v;
	int rc;

	memcpy(s, data, size);
	s[size] = '\0';
	rc = jread_parse(s, &v, &cause);
	if (rc < 0 && (cause == NULL || *cause == '\0'))
		abort();
	if (rc == 0) {
		if (cause != NULL)
			abort();
		(void)jread_str(&v, "kind");
		(void)jread_u64(jread_get(&v, "object"), "id", 0);
		jread_free(&v);
	}
	free(cause);
	free(s);
	return 0;
}
