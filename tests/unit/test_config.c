/* test_config.c — hvdeck.conf loading, validation, atomic save and -H.
 * Runs from the repository root (fixtures in tests/unit/data/config/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/util.h"
#include "scratch.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA "tests/unit/data/config/"

/* A scratch directory per test, removed by teardown. */
struct scratch {
	char dir[64];
};

static int setup_scratch(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/test_config.XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int teardown_scratch(void **state)
{
	struct scratch *s = *state;
	int rc = scratch_rm_tree(s->dir);

	free(s);
	return rc;
}

static char *scratch_path(void **state, const char *name)
{
	struct scratch *s = *state;

	return xasprintf("%s/%s", s->dir, name);
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Whole file, NUL-terminated; NULL when it does not exist. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void assert_defaults(const struct config *cfg)
{
	assert_int_equal(cfg->nhosts, 0);
	assert_null(cfg->hosts);
	assert_string_equal(cfg->theme, "default");
	assert_int_equal(cfg->stats_interval, 2);
	assert_int_equal(cfg->connect_timeout, 10);
	assert_string_equal(cfg->log_file, "");
	assert_string_equal(cfg->pool_bases, "bases");
	assert_string_equal(cfg->pool_templates, "templates");
	assert_string_equal(cfg->pool_groups, "groups");
	assert_string_equal(cfg->shared_dir_pools, "");
	assert_int_equal(cfg->mouse, 1);
}

static void assert_host(const struct config_host *h, const char *name,
    const char *uri, enum host_role role, const char *migration)
{
	assert_string_equal(h->name, name);
	assert_string_equal(h->uri, uri);
	assert_int_equal(h->role, role);
	if (migration == NULL)
		assert_null(h->migration_address);
	else
		assert_string_equal(h->migration_address, migration);
}

static void test_defaults(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg, "/nonexistent/hvdeck.conf");
	assert_string_equal(cfg.path, "/nonexistent/hvdeck.conf");
	assert_defaults(&cfg);
	config_free(&cfg);
	assert_null(cfg.path);
	config_free(&cfg);	/* twice is harmless */
}

static void test_load_good(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg, DATA "good.conf");
	assert_int_equal(config_load(&cfg, 0, &cause), 0);
	assert_null(cause);
	assert_int_equal(cfg.nhosts, 3);
	assert_host(&cfg.hosts[0], "hv1",
	    "qemu+libssh://root@hv1.example.org/system", ROLE_HYPERVISOR,
	    "10.0.0.11");
	assert_host(&cfg.hosts[1], "nas1", "qemu+tcp://nas1.example.org/system",
	    ROLE_DISK, NULL);
	assert_host(&cfg.hosts[2], "box", "qemu:///system", ROLE_MIXED, NULL);
	assert_false(cfg.hosts[0].transient);
	assert_int_equal(cfg.hosts[0].memory_reserve_mib, 4096);
	assert_int_equal(cfg.hosts[1].memory_reserve_mib,
	    CONFIG_MEMORY_RESERVE_DEFAULT);
	assert_int_equal(CONFIG_MEMORY_RESERVE_DEFAULT, 1024);
	assert_string_equal(cfg.theme, "mono");
	assert_int_equal(cfg.stats_interval, 5);
	assert_int_equal(cfg.connect_timeout, 30);
	assert_string_equal(cfg.log_file, "/tmp/hvdeck.log");
	assert_string_equal(cfg.pool_bases, "b");
	assert_string_equal(cfg.pool_templates, "t");
	assert_string_equal(cfg.pool_groups, "g");
	assert_string_equal(cfg.shared_dir_pools, "isos,scratch");
	assert_int_equal(cfg.mouse, 0);
	assert_string_equal(cfg.path, DATA "good.conf");
	config_free(&cfg);
}

static void test_load_example(void **state)
{
	struct config cfg;
	char *cause = NULL;
	int seen[3] = { 0 };
	size_t i;

	(void)state;
	config_defaults(&cfg, "hvdeck.conf.example");
	if (config_load(&cfg, 0, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(cfg.nhosts >= 3);
	for (i = 0; i < cfg.nhosts; i++)
		seen[cfg.hosts[i].role] = 1;
	assert_true(seen[ROLE_MIXED] && seen[ROLE_HYPERVISOR] &&
	    seen[ROLE_DISK]);
	config_free(&cfg);
}

static void test_load_missing(void **state)
{
	char *path = scratch_path(state, "none/hvdeck.conf");
	struct config cfg;
	char *cause = NULL;

	config_defaults(&cfg, path);
	assert_int_equal(config_load(&cfg, 1, &cause), 0);
	assert_null(cause);
	assert_defaults(&cfg);

	assert_int_equal(config_load(&cfg, 0, &cause), -1);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "No such file"));
	assert_defaults(&cfg);
	free(cause);
	config_free(&cfg);
	free(path);
}

static void test_load_directory(void **state)
{
	struct scratch *s = *state;
	struct config cfg;
	char *cause = NULL;

	config_defaults(&cfg, s->dir);
	assert_int_equal(config_load(&cfg, 1, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	config_free(&cfg);
}

struct bad_case {
	const char *file;
	int line;
	const char *words[3];	/* each must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ "bad-syntax.conf", 3, { "syntax error" } },
	{ "unknown-key.conf", 3, { "unknown setting", "'stats_intervall'",
	    "stats_interval" } },
	{ "unknown-host-key.conf", 5, { "unknown key", "'rol'" } },
	{ "hosts-group.conf", 2, { "hosts must be a list", "group" } },
	{ "hosts-entry-string.conf", 1, { "must be a group", "string" } },
	{ "duplicate-host.conf", 4, { "host name 'hv1' already in use" } },
	{ "bad-role.conf", 4, { "role 'storage'", "hypervisor, disk, mixed" } },
	{ "range.conf", 2, { "stats_interval = 0", "out of range",
	    "1..3600" } },
	{ "string-for-int.conf", 2, { "connect_timeout", "integer", "1..3600" } },
	{ "int-for-string.conf", 1, { "pool_bases", "must be a string" } },
	{ "int-for-bool.conf", 2, { "mouse", "true or false" } },
	{ "missing-uri.conf", 4, { "host 'hv2' has no uri" } },
	{ "bad-uri.conf", 3, { "'hv1.example.org' is not a libvirt URI" } },
	{ "empty-name.conf", 2, { "empty host name" } },
	{ "control-name.conf", 2, { "hv<U+001B>[31m1", "has '<U+001B>' at byte 3",
	    "only A-Z a-z 0-9 . _ - : [ ] are allowed" } },
	{ "empty-pool.conf", 1, { "pool_groups must not be empty" } },
	{ "maintenance-string.conf", 4, { "host key 'maintenance'",
	    "true or false", "string" } },
	{ "memory-reserve-range.conf", 4, { "memory_reserve -5",
	    "out of range", "0..16777216 MiB" } },
	{ "memory-reserve-string.conf", 4, { "host key 'memory_reserve'",
	    "a number", "string" } },
};

static void test_load_bad(void **state)
{
	const struct bad_case *bc = *state;
	char *path = xasprintf(DATA "%s", bc->file);
	char *where = xasprintf("%s:%d: ", path, bc->line);
	struct config cfg;
	char *cause = NULL;
	size_t i;

	config_defaults(&cfg, path);
	assert_int_equal(config_load(&cfg, 1, &cause), -1);
	assert_non_null(cause);
	if (strncmp(cause, where, strlen(where)) != 0)
		fail_msg("'%s' does not start with '%s'", cause, where);
	for (i = 0; i < 3 && bc->words[i] != NULL; i++)
		if (strstr(cause, bc->words[i]) == NULL)
			fail_msg("'%s' lacks '%s'", cause, bc->words[i]);
	assert_defaults(&cfg);
	assert_string_equal(cfg.path, path);
	free(cause);
	free(where);
	free(path);
	config_free(&cfg);
}

/* Errors in an @included file name that file, beside the config. */
static void test_load_include(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg, DATA "include.conf");
	assert_int_equal(config_load(&cfg, 0, &cause), -1);
	if (strncmp(cause, DATA "include-hosts.inc:3: 'hv1' is not a libvirt URI",
	    strlen(DATA "include-hosts.inc:3: 'hv1' is not a libvirt URI")) != 0)
		fail_msg("%s", cause);
	free(cause);
	assert_defaults(&cfg);
	config_free(&cfg);
}

/* @include is relative to the including file at every depth, as the
 * manual says (libconfig 1.5 alone resolves all against one directory). */
static void test_include_nested(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg, DATA "nested.conf");
	if (config_load(&cfg, 0, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg.stats_interval, 7);
	assert_int_equal(cfg.nhosts, 1);
	assert_string_equal(cfg.hosts[0].name, "hv1");
	config_free(&cfg);

	/* an error two levels down names that file and its own line */
	config_defaults(&cfg, DATA "nested-bad.conf");
	assert_int_equal(config_load(&cfg, 0, &cause), -1);
	if (strncmp(cause, DATA "nested/bad-more.inc:3: ",
	    strlen(DATA "nested/bad-more.inc:3: ")) != 0 ||
	    strstr(cause, "stats_interval") == NULL)
		fail_msg("%s", cause);
	free(cause);
	config_free(&cfg);
}

/* An absolute path to a readable file works; a syntax error in it is
 * named by that path and line. */
static void test_include_absolute(void **state)
{
	char *inc = scratch_path(state, "abs.inc");
	char *conf = scratch_path(state, "sub.conf");
	char *body = xasprintf("theme = \"default\";\n@include \"%s\"\n", inc);
	struct config cfg;
	char *cause = NULL, *want;

	spit(inc, "connect_timeout = 42;\n");
	spit(conf, body);
	/* load it from another directory: relative resolution would fail */
	config_defaults(&cfg, conf);
	if (config_load(&cfg, 0, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg.connect_timeout, 42);
	config_free(&cfg);

	spit(inc, "# fine\nconnect_timeout = ;\n");
	config_defaults(&cfg, conf);
	assert_int_equal(config_load(&cfg, 0, &cause), -1);
	want = xasprintf("%s:2: ", inc);
	if (strncmp(cause, want, strlen(want)) != 0)
		fail_msg("'%s' does not start with '%s'", cause, want);
	free(want);
	free(cause);
	config_free(&cfg);
	free(body);
	free(conf);
	free(inc);
}

static void on_alarm(int sig)
{
	(void)sig;
	/* a blocked open or read: the refusal did not happen */
	_exit(99);
}

/* -c on a FIFO (nobody writing) or a device is refused at once, not a
 * hang; the alarm turns a hang into a failure. */
static void test_load_fifo_refused(void **state)
{
	char *fifo = scratch_path(state, "fifo.conf");
	const char *paths[2];
	struct config cfg;
	char *cause = NULL;
	size_t i;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	paths[0] = fifo;
	paths[1] = "/dev/zero";
	signal(SIGALRM, on_alarm);
	for (i = 0; i < 2; i++) {
		alarm(5);
		config_defaults(&cfg, paths[i]);
		assert_int_equal(config_load(&cfg, 0, &cause), -1);
		alarm(0);
		if (strncmp(cause, paths[i], strlen(paths[i])) != 0 ||
		    strstr(cause, "not a regular file") == NULL)
			fail_msg("%s", cause);
		free(cause);
		config_free(&cfg);
	}
	signal(SIGALRM, SIG_DFL);
	free(fifo);
}

/* Bad input changes nothing, even over a config loaded before. */
static void test_load_bad_keeps_previous(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg, DATA "good.conf");
	assert_int_equal(config_load(&cfg, 0, &cause), 0);
	util_set_str(&cfg.path, DATA "duplicate-host.conf");
	assert_int_equal(config_load(&cfg, 0, &cause), -1);
	free(cause);
	assert_int_equal(cfg.nhosts, 3);
	assert_string_equal(cfg.theme, "mono");
	assert_int_equal(cfg.stats_interval, 5);
	config_free(&cfg);
}

static void assert_same(const struct config *a, const struct config *b)
{
	size_t i;

	assert_string_equal(a->theme, b->theme);
	assert_int_equal(a->stats_interval, b->stats_interval);
	assert_int_equal(a->connect_timeout, b->connect_timeout);
	assert_string_equal(a->log_file, b->log_file);
	assert_string_equal(a->pool_bases, b->pool_bases);
	assert_string_equal(a->pool_templates, b->pool_templates);
	assert_string_equal(a->pool_groups, b->pool_groups);
	assert_string_equal(a->shared_dir_pools, b->shared_dir_pools);
	assert_int_equal(a->mouse, b->mouse);
	assert_int_equal(a->nhosts, b->nhosts);
	for (i = 0; i < a->nhosts; i++) {
		assert_host(&b->hosts[i], a->hosts[i].name, a->hosts[i].uri,
		    a->hosts[i].role, a->hosts[i].migration_address);
		assert_int_equal(a->hosts[i].maintenance, b->hosts[i].maintenance);
		assert_int_equal(a->hosts[i].memory_reserve_mib,
		    b->hosts[i].memory_reserve_mib);
	}
}

static void fill(struct config *cfg)
{
	char *cause = NULL;

	util_set_str(&cfg->theme, "dark \"quoted\" \\ é");
	cfg->stats_interval = 3600;
	cfg->connect_timeout = 1;
	util_set_str(&cfg->log_file, "/var/log/hvdeck.log");
	util_set_str(&cfg->pool_bases, "pb");
	util_set_str(&cfg->pool_templates, "pt");
	util_set_str(&cfg->pool_groups, "pg");
	util_set_str(&cfg->shared_dir_pools, "isos, scratch");
	cfg->mouse = 0;
	assert_int_equal(config_add_host(cfg, "hv1",
	    "qemu+libssh://root@hv1/system?keyfile=/k&known_hosts=/h",
	    ROLE_HYPERVISOR, "10.0.0.1", &cause), 0);
	assert_int_equal(config_add_host(cfg, "nas_01", "qemu+tcp://nas/system",
	    ROLE_DISK, NULL, &cause), 0);
	assert_int_equal(config_add_host(cfg, "m", "test:///default",
	    ROLE_MIXED, NULL, &cause), 0);
	cfg->hosts[1].maintenance = 1;	/* saved, loaded back */
	cfg->hosts[0].memory_reserve_mib = 0;	/* likewise */
	cfg->hosts[2].memory_reserve_mib = CONFIG_MEMORY_RESERVE_MAX;
}

static void test_save_round_trip(void **state)
{
	char *dir = scratch_path(state, "a/b");
	char *path = scratch_path(state, "a/b/hvdeck.conf");
	char *tmp = xasprintf("%s.tmp", path), *bak = xasprintf("%s.bak", path);
	struct config cfg, back, expect;
	char *cause = NULL;
	struct stat st;

	config_defaults(&cfg, path);
	fill(&cfg);
	assert_int_equal(config_add_cli_host(&cfg, "qemu+ssh://t/system",
	    &cause), 0);
	if (config_save(&cfg, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_false(exists(tmp));
	assert_false(exists(bak));	/* nothing to keep the first time */

	config_defaults(&back, path);
	if (config_load(&back, 0, &cause) != 0)
		fail_msg("%s", cause);
	config_defaults(&expect, path);
	fill(&expect);			/* the same, without the -H host */
	assert_same(&expect, &back);
	config_free(&expect);
	config_free(&back);
	config_free(&cfg);
	free(bak);
	free(tmp);
	free(path);
	free(dir);
}

static void test_save_defaults_round_trip(void **state)
{
	char *path = scratch_path(state, "hvdeck.conf");
	struct config cfg, back;
	char *cause = NULL;

	config_defaults(&cfg, path);
	assert_int_equal(config_save(&cfg, &cause), 0);
	config_defaults(&back, path);
	if (config_load(&back, 0, &cause) != 0)
		fail_msg("%s", cause);
	assert_defaults(&back);
	config_free(&back);
	config_free(&cfg);
	free(path);
}

static void test_save_keeps_bak(void **state)
{
	char *path = scratch_path(state, "hvdeck.conf");
	char *bak = xasprintf("%s.bak", path);
	const char *old = "# hand-written\ntheme = \"old\";\n";
	char *first, *text;
	struct config cfg;
	char *cause = NULL;

	spit(path, old);
	config_defaults(&cfg, path);
	assert_int_equal(config_save(&cfg, &cause), 0);
	text = slurp(bak);
	assert_non_null(text);
	assert_string_equal(text, old);
	free(text);
	first = slurp(path);

	cfg.stats_interval = 9;
	assert_int_equal(config_save(&cfg, &cause), 0);
	text = slurp(bak);
	assert_string_equal(text, first);
	free(text);
	text = slurp(path);
	assert_non_null(strstr(text, "stats_interval = 9;"));
	free(text);
	free(first);
	config_free(&cfg);
	free(bak);
	free(path);
}

static void assert_refused(void **state, const char *content,
    const char *words)
{
	char *path = scratch_path(state, "hvdeck.conf");
	char *tmp = xasprintf("%s.tmp", path), *bak = xasprintf("%s.bak", path);
	struct config cfg;
	char *cause = NULL, *text;

	spit(path, content);
	config_defaults(&cfg, path);
	assert_int_equal(config_save(&cfg, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("'%s' lacks '%s'", cause, words);
	text = slurp(path);
	assert_string_equal(text, content);
	assert_false(exists(tmp));
	assert_false(exists(bak));
	free(text);
	free(cause);
	config_free(&cfg);
	free(bak);
	free(tmp);
	free(path);
}

static void test_save_refuses_unparsable(void **state)
{
	struct scratch *s = *state;
	char *words = xasprintf("%s/hvdeck.conf:3: not overwriting a file that "
	    "does not parse: ", s->dir);

	assert_refused(state, "hosts = (\n  { name = \"hv1\"; uri = \"x:y\"; }\n"
	    "theme = 1;\n", words);
	free(words);
}

static void test_save_refuses_invalid(void **state)
{
	struct scratch *s = *state;
	char *words = xasprintf("%s/hvdeck.conf:2: not overwriting a file with "
	    "errors: unknown setting 'them'", s->dir);

	assert_refused(state, "hosts = ( { name = \"a\"; uri = \"x:y\"; } );\n"
	    "them = \"x\";\n", words);
	free(words);
}

static void test_save_through_symlink(void **state)
{
	char *path = scratch_path(state, "hvdeck.conf");
	char *real = scratch_path(state, "real.conf");
	char *realbak = xasprintf("%s.bak", real);
	struct config cfg;
	char *cause = NULL, *text;
	struct stat st;

	spit(real, "theme = \"before\";\n");
	assert_int_equal(symlink("real.conf", path), 0);
	config_defaults(&cfg, path);
	assert_int_equal(config_save(&cfg, &cause), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = slurp(real);
	assert_non_null(strstr(text, "theme = \"default\";"));
	free(text);
	text = slurp(realbak);
	assert_string_equal(text, "theme = \"before\";\n");
	free(text);
	config_free(&cfg);
	free(realbak);
	free(real);
	free(path);
}


/* A backup that cannot be kept stops the save: the file is neither moved
 * away (the old fallback renamed it to FILE.bak) nor changed. */
static void test_save_stops_without_backup(void **state)
{
	char *path = scratch_path(state, "hvdeck.conf");
	char *bak = xasprintf("%s.bak", path), *inside = xasprintf("%s/x", bak);
	const char *old = "theme = \"old\";\n";
	struct config cfg;
	char *cause = NULL, *text;

	spit(path, old);
	assert_int_equal(mkdir(bak, 0700), 0);
	spit(inside, "x");
	config_defaults(&cfg, path);
	assert_int_equal(config_save(&cfg, &cause), -1);
	assert_non_null(cause);
	free(cause);
	text = slurp(path);
	assert_non_null(text);
	assert_string_equal(text, old);
	free(text);
	config_free(&cfg);
	free(inside);
	free(bak);
	free(path);
}

/* Two threads each add 40 hosts through config_edit while a third watches
 * the file: no edit may be lost, none may fail and the file may never be
 * missing (the old save unlinked a shared FILE.tmp and could move FILE
 * away as its backup). */
#define RACE_EDITS 40

struct race {
	const char *path;
	int who;
	int failed;
	volatile int done;
	int missing;
};

static int race_add(struct config *cfg, void *arg, char **cause)
{
	const char *name = arg;

	return config_add_host(cfg, name, "test:///default", ROLE_MIXED, NULL,
	    cause);
}

static void *race_editor(void *arg)
{
	struct race *r = arg;
	char name[32], *cause;
	int i;

	for (i = 0; i < RACE_EDITS; i++) {
		cause = NULL;
		snprintf(name, sizeof name, "t%d-%d", r->who, i);
		if (config_edit(r->path, race_add, name, &cause) != 0) {
			fprintf(stderr, "edit %s: %s\n", name, cause);
			r->failed++;
		}
		free(cause);
	}
	return NULL;
}

static void *race_watcher(void *arg)
{
	struct race *r = arg;
	struct stat st;

	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
		if (stat(r->path, &st) != 0)
			r->missing++;
	return NULL;
}

static void test_edit_threads_lose_nothing(void **state)
{
	char *path = scratch_path(state, "hvdeck.conf");
	struct race r[2] = { { .path = path, .who = 0 },
	    { .path = path, .who = 1 } };
	struct race w = { .path = path };
	pthread_t t[2], tw;
	struct config cfg;
	char name[32], *cause = NULL;
	int i, k;

	spit(path, "theme = \"default\";\n");
	assert_int_equal(pthread_create(&tw, NULL, race_watcher, &w), 0);
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&t[k], NULL, race_editor,
		    &r[k]), 0);
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	__atomic_store_n(&w.done, 1, __ATOMIC_RELEASE);
	pthread_join(tw, NULL);
	assert_int_equal(r[0].failed + r[1].failed, 0);
	assert_int_equal(w.missing, 0);
	config_defaults(&cfg, path);
	if (config_load(&cfg, 0, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(cfg.nhosts, 2 * RACE_EDITS);
	for (k = 0; k < 2; k++)
		for (i = 0; i < RACE_EDITS; i++) {
			snprintf(name, sizeof name, "t%d-%d", k, i);
			if (config_find_host(&cfg, name) == NULL)
				fail_msg("edit %s lost", name);
		}
	config_free(&cfg);
	free(path);
}

static void test_cli_host_named(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg, NULL);
	assert_int_equal(config_add_cli_host(&cfg,
	    "hv1=qemu+ssh://root@hv1.example.org/system", &cause), 0);
	assert_host(&cfg.hosts[0], "hv1", "qemu+ssh://root@hv1.example.org/system",
	    ROLE_MIXED, NULL);
	assert_true(cfg.hosts[0].transient);
	assert_int_equal(config_add_cli_host(&cfg,
	    "lab=qemu+libssh://root@127.0.0.1:22201/system?keyfile=/x", &cause),
	    0);
	assert_host(&cfg.hosts[1], "lab",
	    "qemu+libssh://root@127.0.0.1:22201/system?keyfile=/x", ROLE_MIXED,
	    NULL);
	config_free(&cfg);
}

static void test_cli_host_derived(void **state)
{
	static const char *const cases[][2] = {
		{ "qemu+libssh://root@127.0.0.1:22201/system?keyfile=/x&"
		  "known_hosts=/y", "127.0.0.1:22201" },
		{ "qemu+ssh://hv2.example.org/system", "hv2.example.org" },
		{ "qemu+ssh://a@b@hv3:2222/system", "hv3:2222" },
		{ "qemu+tcp://[fe80::1]:16509/system", "[fe80::1]:16509" },
		{ "qemu+ssh://hv4?no_tty=1", "hv4" },
		{ "qemu:///system", "local" },
	};
	struct config cfg;
	char *cause = NULL;
	size_t i;

	(void)state;
	config_defaults(&cfg, NULL);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (config_add_cli_host(&cfg, cases[i][0], &cause) != 0)
			fail_msg("%s: %s", cases[i][0], cause);
		assert_host(&cfg.hosts[i], cases[i][1], cases[i][0], ROLE_MIXED,
		    NULL);
		assert_true(cfg.hosts[i].transient);
	}
	config_free(&cfg);
}

static void test_cli_host_errors(void **state)
{
	static const char *const cases[][2] = {
		{ "test:///default", "host name 'local' already in use" },
		{ "hv1=qemu+ssh://other/system", "host name 'hv1' already in use" },
		{ "", "empty host URI" },
		{ "hv1.example.org", "'hv1.example.org' is not a libvirt URI" },
		{ "x=hv1.example.org", "is not a libvirt URI" },
		{ "1qemu:///system", "is not a libvirt URI" },
		{ "=qemu:///system", "empty host name" },
		{ "name=", "empty host URI" },
		{ "h\x01=qemu:///x", "host name \"h<U+0001>\" has '<U+0001>' at byte 2" },
		{ "my node=qemu:///x", "host name \"my node\" has ' ' at byte 3" },
		{ "qemu:///sys tem", "spaces" },
		{ "qemu+ssh://" "0123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789/system",
		  "longer than 64" },
	};
	struct config cfg;
	char *cause = NULL;
	size_t i;

	(void)state;
	config_defaults(&cfg, NULL);
	assert_int_equal(config_add_cli_host(&cfg, "qemu:///system", &cause), 0);
	assert_int_equal(config_add_cli_host(&cfg, "hv1=qemu:///system", &cause),
	    0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_int_equal(config_add_cli_host(&cfg, cases[i][0], &cause),
		    -1);
		assert_non_null(cause);
		if (strstr(cause, cases[i][1]) == NULL)
			fail_msg("%s: '%s' lacks '%s'", cases[i][0], cause,
			    cases[i][1]);
		free(cause);
		assert_int_equal(cfg.nhosts, 2);
	}
	config_free(&cfg);
}

static void test_add_host_checks(void **state)
{
	char name[66];
	struct config cfg;
	char *cause = NULL;

	(void)state;
	config_defaults(&cfg, NULL);
	memset(name, 'n', 64);
	name[64] = '\0';
	assert_int_equal(config_add_host(&cfg, name, "qemu:///system",
	    ROLE_DISK, NULL, &cause), 0);
	strcpy(name + 64, "x");
	assert_int_equal(config_add_host(&cfg, name, "qemu:///system",
	    ROLE_DISK, NULL, &cause), -1);
	free(cause);
	assert_int_equal(config_add_host(&cfg, "a", "qemu:///system",
	    (enum host_role)7, NULL, &cause), -1);
	free(cause);
	assert_int_equal(config_add_host(&cfg, "a", "qemu:///system",
	    ROLE_MIXED, "", &cause), -1);
	assert_non_null(strstr(cause, "migration_address"));
	free(cause);
	assert_int_equal(config_add_host(&cfg, "a\xff", "qemu:///system",
	    ROLE_MIXED, NULL, &cause), -1);
	assert_non_null(strstr(cause, "host name \"a<0xff>\" has '<0xff>' at byte 2"));
	free(cause);
	assert_int_equal(cfg.nhosts, 1);
	assert_false(cfg.hosts[0].transient);
	config_free(&cfg);
}

static void test_roles(void **state)
{
	enum host_role r = ROLE_DISK;

	(void)state;
	assert_string_equal(config_role_name(ROLE_MIXED), "mixed");
	assert_string_equal(config_role_name(ROLE_HYPERVISOR), "hypervisor");
	assert_string_equal(config_role_name(ROLE_DISK), "disk");
	assert_int_equal(config_role_parse("hypervisor", &r), 0);
	assert_int_equal(r, ROLE_HYPERVISOR);
	assert_int_equal(config_role_parse("disk", &r), 0);
	assert_int_equal(r, ROLE_DISK);
	assert_int_equal(config_role_parse("mixed", &r), 0);
	assert_int_equal(r, ROLE_MIXED);
	assert_int_equal(config_role_parse("Disk", &r), -1);
	assert_int_equal(config_role_parse(NULL, &r), -1);
	assert_int_equal(r, ROLE_MIXED);
}

static void check_default_path(const char *xdg, const char *home,
    const char *want)
{
	char *p;

	if (xdg != NULL)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", home, 1);
	p = config_default_path();
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
}

static void test_default_path(void **state)
{
	char *xdg = xstrdup(getenv("XDG_CONFIG_HOME"));
	char *home = xstrdup(getenv("HOME"));

	(void)state;
	check_default_path("/x/cfg", "/h", "/x/cfg/hvdeck/hvdeck.conf");
	check_default_path("relative", "/h", "/h/.config/hvdeck/hvdeck.conf");
	check_default_path("", "/h", "/h/.config/hvdeck/hvdeck.conf");
	check_default_path(NULL, "/home/u", "/home/u/.config/hvdeck/hvdeck.conf");
	if (xdg != NULL)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	if (home != NULL)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(xdg);
	free(home);
}

static void test_print_settings(void **state)
{
	char *path = scratch_path(state, "out.txt"), *text;
	int saved = dup(STDOUT_FILENO);

	assert_true(saved >= 0);
	fflush(stdout);
	assert_non_null(freopen(path, "w", stdout));
	config_print_settings();
	fflush(stdout);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	text = slurp(path);
	assert_non_null(strstr(text, "stats_interval"));
	assert_non_null(strstr(text, "(1..3600)"));
	assert_non_null(strstr(text, "\"templates\""));
	assert_non_null(strstr(text, "hosts"));
	free(text);
	free(path);
}

/* libconfig 1.5 exit()s on an @include of a directory and blocks on a
 * FIFO: such includes, a self-include loop, and the same through a theme,
 * are refused with file:line before libconfig reads anything. Each case:
 * two parts the message must have. */
static void test_include_not_regular(void **state)
{
	const char *bodies[] = {
		"@include \".\"\n", "@include \"\"\n", "theme = \"x\";\n  @include \"sub\"\n",
		"@include \"fifo\"\n", "@include \"loop.conf\"\n", "@include \"\\x00\"\n",
		"@include \"a\\\"b\"\n", "@include \"missing.inc\"\n",
		"@include \"good.inc\"; x = 1;\n",
	};
	const char *expect[][2] = {
		{ ":1: @include \".\"", ": not a regular file" },
		{ ":1: @include wants a plain file name", "" },
		{ ":2: @include \"sub\"", ": not a regular file" },
		{ ":1: @include \"fifo\"", ": not a regular file" },
		{ "nested more than 10 deep", "" },
		{ ":1: @include wants a plain file name", "" },
		{ ":1: @include wants a plain file name", "" },
		{ ":1: @include \"missing.inc\"", "missing.inc): No such file" },
		{ ":1: @include wants a plain file name", "alone on its line" },
	};
	char *sub = scratch_path(state, "sub"), *fifo = scratch_path(state, "fifo");
	char *loop = scratch_path(state, "loop.conf"), *cause = NULL;
	struct config cfg;
	size_t i;

	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		spit(loop, bodies[i]);
		config_defaults(&cfg, loop);
		assert_int_equal(config_load(&cfg, 0, &cause), -1);
		if (strstr(cause, expect[i][0]) == NULL ||
		    strstr(cause, expect[i][1]) == NULL)
			fail_msg("case %zu: '%s' lacks '%s' or '%s'", i, cause,
			    expect[i][0], expect[i][1]);
		assert_int_equal(cfg.nhosts, 0);
		free(cause);
		cause = NULL;
		config_free(&cfg);
	}
	/* a NUL byte anywhere: not a text file */
	{
		FILE *f = fopen(loop, "w");

		assert_non_null(f);
		assert_int_equal(fwrite("a = 1;\n\0\n", 1, 10, f), 10);
		fclose(f);
		config_defaults(&cfg, loop);
		assert_int_equal(config_load(&cfg, 0, &cause), -1);
		assert_non_null(strstr(cause, ":2: a NUL byte"));
		free(cause);
		config_free(&cfg);
	}
	free(sub);
	free(fifo);
	free(loop);
}

/* Named after the fixture so a failure says which file. */
#define BAD(i) { bad_cases[i].file, test_load_bad, NULL, NULL, \
	(void *)&bad_cases[i] }
#define SCRATCH(f) cmocka_unit_test_setup_teardown(f, setup_scratch, \
	teardown_scratch)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_example),
		SCRATCH(test_load_missing),
		SCRATCH(test_load_directory),
		BAD(0), BAD(1), BAD(2), BAD(3), BAD(4), BAD(5), BAD(6), BAD(7),
		BAD(8), BAD(9), BAD(10), BAD(11), BAD(12), BAD(13), BAD(14),
		BAD(15), BAD(16), BAD(17), BAD(18),
		cmocka_unit_test(test_load_include),
		SCRATCH(test_include_not_regular),
		cmocka_unit_test(test_include_nested),
		SCRATCH(test_include_absolute),
		SCRATCH(test_load_fifo_refused),
		cmocka_unit_test(test_load_bad_keeps_previous),
		SCRATCH(test_save_round_trip),
		SCRATCH(test_save_defaults_round_trip),
		SCRATCH(test_save_keeps_bak),
		SCRATCH(test_save_refuses_unparsable),
		SCRATCH(test_save_refuses_invalid),
		SCRATCH(test_save_through_symlink),
		SCRATCH(test_edit_threads_lose_nothing),
		SCRATCH(test_save_stops_without_backup),
		cmocka_unit_test(test_cli_host_named),
		cmocka_unit_test(test_cli_host_derived),
		cmocka_unit_test(test_cli_host_errors),
		cmocka_unit_test(test_add_host_checks),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_default_path),
		SCRATCH(test_print_settings),
	};

	_Static_assert(sizeof bad_cases / sizeof bad_cases[0] == 19,
	    "add a BAD(i) line for every bad_cases entry");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
