/* fuzz_config.c — libFuzzer harness for hvdeck.conf loading and -H.
 *
 *   clang -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 \
 *       -fsanitize=fuzzer,address,undefined $(pkg-config --cflags libconfig) \
 *       tests/fuzz/fuzz_config.c src/core/config.c src/core/lcfg.c src/core/text.c src/core/util.c src/core/atomic-file.c src/core/names.c \
 *       $(pkg-config --libs libconfig) -o build-fuzz/fuzz_config
 *   mkdir -p /tmp/corpus && cp tests/unit/data/config/[a-z]*.conf /tmp/corpus
 *   build-fuzz/fuzz_config -max_len=65536 -max_total_time=60 /tmp/corpus
 * scripts/fuzz.sh does all of this. Give a scratch corpus directory first:
 * libFuzzer writes into it.
 *
 * config_load reads a path, so each input is written to one temp file made
 * per process in $TMPDIR (else /dev/shm, else /tmp), removed at a normal exit.
 * @include is relative to that directory: scripts/fuzz.sh points TMPDIR at
 * a private directory holding the fixtures' include file.
 *
 * Checks what config.h promises: a failure comes with a cause and leaves
 * the defaults; a success holds only valid settings and hosts; a cause
 * never carries raw control characters (they reach the terminal). The
 * same bytes, NUL-terminated, are also given to config_add_cli_host. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_init(".conf");
	return 0;
}

static int has_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void check_cause(int rc, char *cause)
{
	if (rc < 0 && (cause == NULL || *cause == '\0'))
		abort();
	if (rc == 0 && cause != NULL)
		abort();
	if (cause != NULL && has_controls(cause))
		abort();
	free(cause);
}

static void check_host(const struct config *cfg, size_t i)
{
	const struct config_host *h = &cfg->hosts[i];
	size_t j;

	if (h->name == NULL || *h->name == '\0' || has_controls(h->name) ||
	    strlen(h->name) > 64)
		abort();
	if (h->uri == NULL || strchr(h->uri, ':') == NULL ||
	    has_controls(h->uri))
		abort();
	if ((unsigned)h->role > ROLE_DISK)
		abort();
	if (h->migration_address != NULL &&
	    (*h->migration_address == '\0' || has_controls(h->migration_address)))
		abort();
	for (j = 0; j < i; j++)
		if (strcmp(cfg->hosts[j].name, h->name) == 0)
			abort();
}

static void check_loaded(const struct config *cfg, int rc)
{
	size_t i;

	if (cfg->path == NULL || strcmp(cfg->path, fuzz_path) != 0)
		abort();
	if (cfg->theme == NULL || *cfg->theme == '\0' ||
	    cfg->log_file == NULL || cfg->pool_bases == NULL ||
	    *cfg->pool_bases == '\0' || cfg->pool_templates == NULL ||
	    *cfg->pool_templates == '\0' || cfg->pool_groups == NULL ||
	    *cfg->pool_groups == '\0')
		abort();
	if (cfg->stats_interval < 1 || cfg->stats_interval > 3600 ||
	    cfg->connect_timeout < 1 || cfg->connect_timeout > 600)
		abort();
	if (rc != 0) {
		/* A bad file changes nothing. */
		if (cfg->nhosts != 0 || strcmp(cfg->theme, "default") != 0 ||
		    cfg->stats_interval != 2 || cfg->connect_timeout != 10 ||
		    *cfg->log_file != '\0' || strcmp(cfg->pool_bases, "bases"))
			abort();
		return;
	}
	for (i = 0; i < cfg->nhosts; i++) {
		if (cfg->hosts[i].transient)
			abort();
		check_host(cfg, i);
	}
}

static void fuzz_load(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *cause = NULL;
	int rc;

	fuzz_file_write(data, size);
	config_defaults(&cfg, fuzz_path);
	rc = config_load(&cfg, 0, &cause);
	check_cause(rc, cause);
	check_loaded(&cfg, rc);
	config_free(&cfg);
}

static void fuzz_cli_host(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *arg, *cause = NULL;
	int rc;

	arg = xmalloc(size + 1);
	memcpy(arg, data, size);
	arg[size] = '\0';
	config_defaults(&cfg, NULL);
	rc = config_add_cli_host(&cfg, arg, &cause);
	check_cause(rc, cause);
	if (cfg.nhosts != (rc == 0 ? 1u : 0u))
		abort();
	if (rc == 0) {
		if (!cfg.hosts[0].transient || cfg.hosts[0].role != ROLE_MIXED)
			abort();
		check_host(&cfg, 0);
	}
	config_free(&cfg);
	free(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_load(data, size);
	fuzz_cli_host(data, size);
	return 0;
}
