/* fuzz_theme.c — libFuzzer harness for theme files.
 *
 *   clang -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 \
 *       -fsanitize=fuzzer,address,undefined \
 *       $(pkg-config --cflags libconfig ncursesw) \
 *       tests/fuzz/fuzz_theme.c src/tui/theme.c src/core/lcfg.c src/core/text.c src/core/util.c \
 *       $(pkg-config --libs libconfig ncursesw) -o build-fuzz/fuzz_theme
 *   mkdir -p /tmp/corpus && cp tests/unit/data/theme/[a-z]* themes/[a-z]* /tmp/corpus
 *   build-fuzz/fuzz_theme -max_len=65536 -max_total_time=60 /tmp/corpus
 * scripts/fuzz.sh does all of this. Give a scratch corpus directory first:
 * libFuzzer writes into it.
 *
 * theme_load_file reads a path, so each input is written to one temp file
 * (NAME.theme, so the name-from-path rule runs) made per process in
 * $TMPDIR (else /dev/shm, else /tmp), removed at a normal exit.
 *
 * Checks what theme.h promises: a failure comes with a cause and leaves
 * exactly the default theme; a success has a printable name and colours
 * in -1..255; a cause never carries raw control characters. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/theme.h"
#include "core/util.h"
#include "fuzz-file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5's scanner and parser leak token text on some syntax
 * errors (a plain libconfig program leaks the same inputs); what the tree
 * allocates, i.e. a missing config_destroy, is still reported. */
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n"
	    "leak:libconfig_yyparse\n";
}

static struct theme builtin;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_init(".theme");
	theme_default(&builtin);
	return 0;
}

static int has_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void check_theme(const struct theme *t, int rc)
{
	int i;

	if (t->name == NULL || *t->name == '\0' || has_controls(t->name))
		abort();
	if (rc != 0) {
		if (strcmp(t->name, builtin.name) != 0 ||
		    memcmp(t->slots, builtin.slots, sizeof t->slots) != 0)
			abort();
		return;
	}
	for (i = 0; i < SLOT_COUNT; i++) {
		if (t->slots[i].fg < -1 || t->slots[i].fg > 255 ||
		    t->slots[i].bg < -1 || t->slots[i].bg > 255)
			abort();
		/* Files set colours and attributes, never the mono row. */
		if (t->slots[i].mono != builtin.slots[i].mono)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	char *cause = NULL;
	int rc;

	fuzz_file_write(data, size);
	memset(&t, 0, sizeof t);
	rc = theme_load_file(&t, fuzz_path, &cause);
	if (rc < 0 && (cause == NULL || *cause == '\0'))
		abort();
	if (rc == 0 && cause != NULL)
		abort();
	if (cause != NULL && has_controls(cause))
		abort();
	free(cause);
	check_theme(&t, rc);
	theme_free(&t);
	return 0;
}
