/* test_wall.c — the wall's config section (loaded, refused, saved back,
 * a removed host forgotten) and its alerts kept across frames (oldest
 * first, each until its condition clears, keeping when it began). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/config-wall.h"
#include "core/util.h"
#include "tui/wall.h"
#include "model-fill.h"
#include "scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOSTS "hosts = ( { name = \"hv1\"; uri = \"test:///default\"; },\n" \
	"  { name = \"hv2\"; uri = \"test:///default\"; } );\n"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_wall.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return scratch_rm_tree(dir);
}

/* Load text as a config file: 0 or -1 with *cause. */
static int load(const char *text, struct config *cfg, char **cause)
{
	char *path = xasprintf("%s/hvdeck.conf", dir);
	FILE *f = fopen(path, "w");
	int rc;

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	config_defaults(cfg, path);
	free(path);
	rc = config_load(cfg, 0, cause);
	return rc;
}

static void test_defaults(void **state)
{
	struct config cfg;
	char *cause = NULL;

	(void)state;
	assert_int_equal(load(HOSTS, &cfg, &cause), 0);
	assert_int_equal(cfg.wall.nhosts, 0);
	assert_int_equal(cfg.wall.pool_full, 90);
	assert_int_equal(cfg.wall.stale_after, 10);
	assert_false(cfg.wall.set);
	config_free(&cfg);
}

/* The section may come before the hosts it names; order is kept; a save
 * writes it back and a removed host leaves the list. */
static void test_load_save(void **state)
{
	struct config cfg, again;
	char *cause = NULL;

	(void)state;
	assert_int_equal(load("wall = { hosts = [ \"hv2\", \"hv1\" ]; "
	    "pool_full = 75; stale_after = 3; };\n" HOSTS, &cfg, &cause), 0);
	assert_int_equal(cfg.wall.nhosts, 2);
	assert_string_equal(cfg.wall.hosts[0], "hv2");
	assert_string_equal(cfg.wall.hosts[1], "hv1");
	assert_int_equal(cfg.wall.pool_full, 75);
	assert_int_equal(cfg.wall.stale_after, 3);
	assert_int_equal(config_remove_host(&cfg, "hv2", &cause), 0);
	assert_int_equal(config_save(&cfg, &cause), 0);
	config_defaults(&again, cfg.path);
	assert_int_equal(config_load(&again, 0, &cause), 0);
	assert_true(again.wall.set);
	assert_int_equal(again.wall.nhosts, 1);
	assert_string_equal(again.wall.hosts[0], "hv1");
	assert_int_equal(again.wall.pool_full, 75);
	assert_int_equal(again.wall.stale_after, 3);
	config_free(&again);
	config_free(&cfg);
}

static void test_refused(void **state)
{
	static const struct { const char *text, *words; } bad[] = {
		{ "wall = { hosts = [ \"hv9\" ]; };\n", "no host is called 'hv9'" },
		{ "wall = { hosts = [ \"hv1\", \"hv1\" ]; };\n", "name 'hv1' twice" },
		{ "wall = { pool_full = 0; };\n", "pool_full = 0 is out of range (1..100)" },
		{ "wall = { stale_after = \"x\"; };\n", "stale_after must be a number" },
		{ "wall = { colour = 1; };\n", "unknown key 'colour' in wall" },
		{ "wall = 3;\n", "wall must be a group" },
		{ "wall = { hosts = 3; };\n", "wall hosts must be a list" },
	};
	struct config cfg;
	char *cause, *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		text = xasprintf(HOSTS "%s", bad[i].text);
		assert_int_equal(load(text, &cfg, &cause), -1);
		if (strstr(cause, bad[i].words) == NULL ||
		    strstr(cause, "hvdeck.conf:3: ") == NULL)
			fail_msg("'%s' lacks '%s' or the line", cause, bad[i].words);
		assert_int_equal(cfg.nhosts, 0);	/* nothing taken */
		free(cause);
		free(text);
		config_free(&cfg);
	}
}

static void cond(struct wall_snap *s, const char *key, int64_t since)
{
	s->conds = xreallocarray(s->conds, s->nconds + 1, sizeof *s->conds);
	s->conds[s->nconds].key = xstrdup(key);
	s->conds[s->nconds].text = xasprintf("text of %s", key);
	s->conds[s->nconds].since_wall_ms = since;
	s->conds[s->nconds++].split_brain = 0;
}

/* Alerts keep their start and order; new ones join by age; a condition
 * gone is an alert gone. */
static void test_alerts(void **state)
{
	struct wall_alerts a = { NULL, 0 };
	struct wall_snap s;

	(void)state;
	memset(&s, 0, sizeof s);
	cond(&s, "stale:hv1", 0);
	wall_alerts_update(&a, &s, 1000);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.v[0].since_wall_ms, 1000);
	assert_int_equal(s.nconds, 0);
	/* later: still stale, and an offline host that went at 500 */
	cond(&s, "offline:hv2", 500);
	cond(&s, "stale:hv1", 0);
	wall_alerts_update(&a, &s, 5000);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.v[0].key, "offline:hv2");
	assert_string_equal(a.v[1].key, "stale:hv1");
	assert_int_equal(a.v[1].since_wall_ms, 1000);	/* kept */
	/* a split brain now; hv1 is heard again */
	cond(&s, "offline:hv2", 500);
	cond(&s, "split:u", 0);
	wall_alerts_update(&a, &s, 9000);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.v[0].key, "offline:hv2");
	assert_string_equal(a.v[1].key, "split:u");
	assert_int_equal(a.v[1].since_wall_ms, 9000);
	/* all clear */
	wall_alerts_update(&a, &s, 10000);
	assert_int_equal(a.n, 0);
	wall_alerts_free(&a);
}

static const struct wall_cond *find(const struct wall_snap *s,
    const char *key)
{
	size_t i;

	for (i = 0; i < s->nconds; i++)
		if (strcmp(s->conds[i].key, key) == 0)
			return &s->conds[i];
	return NULL;
}

/* A snapshot of a hand-filled model: the wall's hosts in its order, the
 * counts, and the conditions (split brain, offline, a full pool). */
static void test_snapshot(void **state)
{
	struct config cfg;
	struct wall_snap s;
	struct m_pool info;
	const struct wall_cond *c;
	unsigned h1, h2, h3;
	static char *order[] = { (char *)"hv3", (char *)"hv1", (char *)"hv2" };

	(void)state;
	config_defaults(&cfg, NULL);
	cfg.wall.hosts = order;
	cfg.wall.nhosts = 3;
	fill_hosts(&h1, &h2);
	h3 = fill_host("hv3");
	model_host_set_state(h3, HOST_OFFLINE, "connection refused");
	fill_desktop(h1, "00000000-0000-0000-0000-000000000001", "solo", DS_RUNNING);
	fill_desktop(h2, "00000000-0000-0000-0000-000000000001", "solo", DS_SHUTOFF);
	fill_desktop(h1, "00000000-0000-0000-0000-000000000002", "twin", DS_RUNNING);
	fill_desktop(h2, "00000000-0000-0000-0000-000000000002", "twin", DS_RUNNING);
	memset(&info, 0, sizeof info);
	info.name = (char *)"groups";
	info.type = (char *)"dir";
	info.active = 1;
	info.capacity = 100;
	info.allocation = 95;
	model_pool_seen(h1, &info, NULL, 0);
	info.allocation = 50;
	model_pool_seen(h2, &info, NULL, 0);

	wall_snap_take(&s, &cfg, 1);
	assert_int_equal(s.nhosts, 3);
	assert_string_equal(s.hosts[0].name, "hv3");
	assert_string_equal(s.hosts[1].name, "hv1");
	assert_false(s.hosts[0].up);
	assert_true(s.hosts[1].up);
	assert_int_equal(s.hosts[1].desktops, 2);
	assert_int_equal(s.hosts[2].desktops, 2);
	assert_int_equal(s.online, 2);
	assert_int_equal(s.desktops, 4);	/* placements */
	assert_non_null(c = find(&s, "split:00000000-0000-0000-0000-000000000002"));
	assert_true(c->split_brain);
	assert_non_null(strstr(c->text, "twin runs on hv1+hv2"));
	assert_null(find(&s, "split:00000000-0000-0000-0000-000000000001"));
	assert_non_null(c = find(&s, "offline:hv3"));
	assert_non_null(strstr(c->text, "connection refused"));
	assert_non_null(c = find(&s, "pool:hv1/groups"));
	assert_non_null(strstr(c->text, "95% full"));
	assert_null(find(&s, "pool:hv2/groups"));	/* under 90 % */
	assert_int_equal(s.nconds, 3);
	wall_snap_free(&s);

	cfg.wall.pool_full = 96;	/* the threshold is the setting's */
	wall_snap_take(&s, &cfg, 1);
	assert_null(find(&s, "pool:hv1/groups"));
	wall_snap_free(&s);
	cfg.wall.hosts = NULL;
	cfg.wall.nhosts = 0;
	wall_snap_take(&s, &cfg, 1);	/* no list: every host, in order */
	assert_int_equal(s.nhosts, 3);
	assert_string_equal(s.hosts[0].name, "hv1");
	wall_snap_free(&s);
	model_free();
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test(test_alerts),
		cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
