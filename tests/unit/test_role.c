/* Unit tests for host roles and maintenance (act-role.c, cmd-role.c):
 * the file changes only when it should, byte for byte unchanged on every
 * refusal (unknown host, -H host, bad role, bad on|off, read-only), exit
 * statuses 2 for bad usage and 1 for failures, and the model follows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/act-role.h"
#include "cmd/cmd.h"
#include "cmd/cmd-table.h"
#include "core/config.h"
#include "core/model.h"
#include "core/util.h"

#define CONF "# kept unless hvdeck writes\n" \
	"hosts = (\n" \
	"  { name = \"node1\"; uri = \"test:///default\"; },\n" \
	"  { name = \"node2\"; uri = \"test:///default\"; role = \"hypervisor\"; }\n" \
	");\n"

struct fx {
	char dir[64], *path;
	struct config cfg;      /* what hvdeck runs with */
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(8192, 1);

	assert_non_null(f);
	fread(buf, 1, 8191, f);
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	struct fx *x = xcalloc(1, sizeof *x);
	char *cause = NULL;
	FILE *f;

	snprintf(x->dir, sizeof x->dir, "/tmp/test_role.XXXXXX");
	if (mkdtemp(x->dir) == NULL)
		return -1;
	x->path = xasprintf("%s/hvdeck.conf", x->dir);
	f = fopen(x->path, "w");
	fputs(CONF, f);
	fclose(f);
	config_defaults(&x->cfg, x->path);
	if (config_load(&x->cfg, 0, &cause) != 0 ||
	    config_add_cli_host(&x->cfg, "tmp=test:///default", &cause) != 0)
		return -1;
	model_init();
	model_host_add(&x->cfg.hosts[1]);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	char *bak = xasprintf("%s.bak", x->path);

	unlink(x->path);
	unlink(bak);
	rmdir(x->dir);
	free(bak);
	free(x->path);
	config_free(&x->cfg);
	model_free();
	free(x);
	return 0;
}

/* The command line: exit status (0, 1, 2) of `hvdeck host ...`. */
static int run_why(struct fx *x, const char *line, int read_only,
    char **why)
{
	struct cmd_ctx c;
	char *cause = NULL;
	int rc;

	memset(&c, 0, sizeof c);
	c.cfg = &x->cfg;
	c.read_only = read_only;
	rc = cmd_run_line(&c, line, CMD_CLI, &cause);
	*why = cause;
	return rc == 0 ? c.status : (c.status != 0 ? c.status : 1);
}

static int run(struct fx *x, const char *line, int read_only)
{
	char *why;
	int st = run_why(x, line, read_only, &why);

	free(why);
	return st;
}

static int model_role(const char *name, int *maint)
{
	struct m_host **hosts;
	size_t n, i;
	int role = -1;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, name) == 0) {
			role = (int)hosts[i]->role;
			*maint = hosts[i]->maintenance;
		}
	model_unlock();
	return role;
}

static void test_refusals_leave_file(void **state)
{
	struct fx *x = *state;
	char *before = slurp(x->path), *after;
	static const struct {
		const char *line;
		int read_only, status;
		const char *why;        /* in the message */
	} cases[] = {
		{ "host role node2 bogus", 0, 2, "no role 'bogus'" },
		{ "host role node2", 0, 2, "which role" },
		{ "host role", 0, 2, "usage: host role NAME" },
		{ "host maintenance node2 maybe", 0, 2, "'maybe' is not on or off" },
		{ "host maintenance node2", 0, 2, "on or off" },
		{ "host role nosuch disk", 0, 1, "no host called 'nosuch'" },
		{ "host maintenance nosuch on", 0, 1, "no host called 'nosuch'" },
		{ "host role tmp disk", 0, 1, "given with -H" },
		{ "host maintenance tmp on", 0, 1, "given with -H" },
		{ "host role node2 disk", 1, 1, "read-only" },
		{ "host role node2 hypervisor", 0, 0, NULL }, /* already: no write */
	};
	size_t i;
	int maint;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = NULL;
		int st = run_why(x, cases[i].line, cases[i].read_only, &why);

		if (st != cases[i].status)
			fail_msg("%s: status %d, want %d", cases[i].line, st,
			    cases[i].status);
		if (cases[i].why != NULL && (why == NULL ||
		    strstr(why, cases[i].why) == NULL))
			fail_msg("%s: '%s', want '%s'", cases[i].line,
			    why != NULL ? why : "(none)", cases[i].why);
		free(why);
		after = slurp(x->path);
		if (strcmp(before, after) != 0)
			fail_msg("%s changed the file", cases[i].line);
		free(after);
	}
	assert_int_equal(model_role("node2", &maint), ROLE_HYPERVISOR);
	assert_int_equal(maint, 0);
	free(before);
}

static void test_set_and_persist(void **state)
{
	struct fx *x = *state;
	struct config back;
	char *cause = NULL;
	int maint;

	assert_int_equal(run(x, "host role node2 disk", 0), 0);
	assert_int_equal(run(x, "host maintenance node2 on", 0), 0);
	assert_int_equal(run(x, "host maintenance node1 on", 0), 0);
	assert_int_equal(run(x, "host maintenance node1 off", 0), 0);
	config_defaults(&back, x->path);
	if (config_load(&back, 0, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(config_find_host(&back, "node2")->role, ROLE_DISK);
	assert_int_equal(config_find_host(&back, "node2")->maintenance, 1);
	assert_int_equal(config_find_host(&back, "node1")->maintenance, 0);
	assert_int_equal(config_find_host(&back, "node1")->role, ROLE_MIXED);
	config_free(&back);
	/* the model follows (the console's pane) */
	assert_int_equal(model_role("node2", &maint), ROLE_DISK);
	assert_int_equal(maint, 1);
}

static void test_model_generation(void **state)
{
	uint64_t g;
	struct role_change ch = { "node2", 1, ROLE_MIXED, 0 };
	struct fx *x = *state;
	char *cause = NULL;
	int changed;

	g = model_generation();
	assert_int_equal(act_role_apply(&x->cfg, &ch, &changed, &cause), 0);
	assert_int_equal(changed, 1);
	assert_true(model_generation() > g);
	assert_int_equal(model_host_set_role("nosuch", ROLE_DISK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refusals_leave_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_set_and_persist, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_model_generation, setup,
		    teardown),
	};

	cmd_commands_register();
	return cmocka_run_group_tests_name("role", tests, NULL, NULL);
}
