/* test_audit.c — the audit log: where it is, what a line holds (valid
 * JSON, control characters escaped, one line per write), its modes, whole
 * lines under concurrent writers, and the command layer's records: one
 * start and exactly one end per mutating command, ended by the exec or by
 * the last of its jobs; read-only commands write nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <pwd.h>
#include <unistd.h>

#include "core/audit.h"
#include "cmd/cmd.h"
#include "cmd/cmd-audit.h"
#include "core/job.h"
#include "core/util.h"

#include "exec-job.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_audit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	unsetenv("SSH_CONNECTION");
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	jobs_free();
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* The log's lines (caller frees each and the array). */
static size_t lines(char ***out)
{
	char *path = audit_path(), *line = NULL;
	size_t n = 0, cap = 0;
	FILE *f = fopen(path, "r");
	char **v = NULL;

	free(path);
	while (f != NULL && getline(&line, &cap, f) > 0) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrdup(line);
	}
	free(line);
	if (f != NULL)
		fclose(f);
	*out = v;
	return n;
}

static void free_lines(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* A whole line: one object, newline-terminated, no raw control byte. */
static void assert_whole(const char *l)
{
	size_t len = strlen(l), i;

	assert_true(len > 2);
	assert_true(strncmp(l, "{\"time\":\"", 9) == 0);
	assert_string_equal(l + len - 2, "}\n");
	for (i = 0; i + 1 < len; i++)
		assert_true((unsigned char)l[i] >= 0x20);
}

static void test_path(void **state)
{
	char *p;

	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	p = audit_path();
	assert_string_equal(p, "/x/state/hvdeck/audit.log");
	free(p);
	setenv("HOME", "/home/op", 1);
	setenv("XDG_STATE_HOME", "relative/state", 1);  /* ignored */
	p = audit_path();
	assert_string_equal(p, "/home/op/.local/state/hvdeck/audit.log");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = audit_path();
	assert_string_equal(p, "/home/op/.local/state/hvdeck/audit.log");
	free(p);
	setenv("XDG_STATE_HOME", dir, 1);
}

static void test_fields(void **state)
{
	unsigned long id;
	char **v, *want, *path;
	struct stat st;
	size_t n;

	(void)state;
	setenv("SSH_CONNECTION", "192.0.2.7 50000 192.0.2.1 22", 1);
	id = audit_start("desktop start", "evil\n\"name\"\x01");
	assert_true(id > 0);
	audit_end(id, "desktop start", "evil\n\"name\"\x01", "failed",
	    "libvirt said:\tno");
	unsetenv("SSH_CONNECTION");
	n = lines(&v);
	assert_int_equal(n, 2);
	assert_whole(v[0]);
	assert_whole(v[1]);
	assert_non_null(strstr(v[0], "\"from\":\"192.0.2.7\""));
	want = xasprintf("\"id\":%lu,\"event\":\"start\",\"command\":\"desktop "
	    "start\",\"target\":\"evil\\n\\\"name\\\"\\u0001\"}", id);
	assert_non_null(strstr(v[0], want));
	free(want);
	assert_null(strstr(v[0], "result"));    /* end lines only */
	assert_non_null(strstr(v[1], "\"event\":\"end\""));
	assert_non_null(strstr(v[1], "\"result\":\"failed\",\"error\":"
	    "\"libvirt said:\\tno\"}"));
	assert_non_null(strstr(v[1], "\"user\":\""));
	free_lines(v, n);
	/* without SSH: from is null; an end without error: null */
	id = audit_start("host role", "node3 disk");
	audit_end(id, "host role", "node3 disk", "ok", NULL);
	n = lines(&v);
	assert_int_equal(n, 4);
	assert_non_null(strstr(v[2], "\"from\":null"));
	assert_non_null(strstr(v[3], "\"result\":\"ok\",\"error\":null}"));
	free_lines(v, n);
	path = audit_path();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	*strrchr(path, '/') = '\0';
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(path);
}

#define PER_THREAD 1000

/* Long targets: a writer that split a line would interleave them. */
static void *writer(void *arg)
{
	char target[3000];
	int i;

	memset(target, *(const char *)arg, sizeof target - 1);
	target[sizeof target - 1] = '\0';
	for (i = 0; i < PER_THREAD; i++)
		audit_start("concurrent", target);
	return NULL;
}

static void test_concurrent(void **state)
{
	pthread_t a, b;
	char **v;
	size_t n, i, na = 0, nb = 0;
	const char *t;

	(void)state;
	assert_int_equal(pthread_create(&a, NULL, writer, (void *)"a"), 0);
	assert_int_equal(pthread_create(&b, NULL, writer, (void *)"b"), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	n = lines(&v);
	assert_int_equal(n, 2 * PER_THREAD);
	for (i = 0; i < n; i++) {
		assert_whole(v[i]);
		t = strstr(v[i], "\"target\":\"") + 10;
		na += strspn(t, "a") == 2999 && strcmp(t + 2999, "\"}\n") == 0;
		nb += strspn(t, "b") == 2999 && strcmp(t + 2999, "\"}\n") == 0;
	}
	assert_int_equal(na, PER_THREAD);
	assert_int_equal(nb, PER_THREAD);
	free_lines(v, n);
}

/* ---- the command layer ---- */

static int exec_refuse(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)c; (void)e; (void)argc; (void)argv;
	*cause = xstrdup("cannot start vm1: it is already running");
	return -1;
}

static int exec_ok(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	return 0;
}

/* The command line's way: a refusal noted, the exit status 1. */
static int exec_note(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)e; (void)argc; (void)argv; (void)cause;
	cmd_audit_note("refused", "no desktop named vm9");
	c->status = 1;
	return 0;
}

static const struct cmd_entry e_note = { "desktop start", NULL, 0, 1,
	"[NAME]", CMD_CLI, "", exec_note, 0 };
static const struct cmd_entry e_job = { "desktop start", NULL, 0, 1, "[NAME]",
	CMD_CLI, "", exec_job, 0 };
static const struct cmd_entry e_refuse = { "desktop start", NULL, 0, 1,
	"[NAME]", CMD_CLI, "", exec_refuse, 0 };
static const struct cmd_entry e_read = { "dump", NULL, 0, 0, "", CMD_CLI |
	CMD_READ_ONLY_OK, "", exec_ok, 0 };

static int run(const struct cmd_entry *e, const char *arg, int read_only,
    char **cause)
{
	struct cmd_ctx c;
	char *argv[] = { (char *)arg, NULL };

	memset(&c, 0, sizeof c);
	c.read_only = read_only;
	return cmd_exec_entry(&c, e, arg != NULL, argv, cause);
}

static void test_job_ends_the_record(void **state)
{
	char *cause = NULL, **v;
	size_t n;

	(void)state;
	assert_int_equal(run(&e_job, "vm1", 0, &cause), 0);
	n = lines(&v);
	assert_int_equal(n, 1);         /* the job runs: no end yet */
	assert_non_null(strstr(v[0], "\"event\":\"start\",\"command\":"
	    "\"desktop start\",\"target\":\"vm1\""));
	free_lines(v, n);
	assert_int_equal(job_begin(made_job), 0);
	job_fail(made_job, "internal error: no disk");
	job_fail(made_job, "again");    /* ends once */
	n = lines(&v);
	assert_int_equal(n, 2);
	assert_non_null(strstr(v[1], "\"event\":\"end\",\"command\":"
	    "\"desktop start\",\"target\":\"vm1\",\"result\":\"failed\","
	    "\"error\":\"internal error: no disk\"}"));
	free_lines(v, n);
	/* a job made outside any command carries no record */
	job_done(job_new(JK_START, NULL, NULL, NULL));
	n = lines(&v);
	assert_int_equal(n, 2);
	free_lines(v, n);
}

static void test_done_and_forgotten(void **state)
{
	char *cause = NULL, **v;
	size_t n;

	(void)state;
	assert_int_equal(run(&e_job, "vm1", 0, &cause), 0);
	job_done(made_job);
	assert_int_equal(run(&e_job, "vm2", 0, &cause), 0);
	jobs_free();    /* hvdeck quits with the job queued */
	n = lines(&v);
	assert_int_equal(n, 4);
	assert_non_null(strstr(v[1], "\"target\":\"vm1\",\"result\":\"ok\""));
	assert_non_null(strstr(v[3], "\"target\":\"vm2\",\"result\":"
	    "\"cancelled\",\"error\":\"forgotten before it ended\""));
	free_lines(v, n);
}

static void test_refused_and_read_only(void **state)
{
	char *cause = NULL, **v;
	size_t n;

	(void)state;
	assert_int_equal(run(&e_refuse, "vm1", 0, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(run(&e_job, "vm1", 1, &cause), -1);  /* read-only */
	free(cause);
	cause = NULL;
	assert_int_equal(run(&e_read, NULL, 0, &cause), 0);
	assert_int_equal(run(&e_read, NULL, 1, &cause), 0);
	assert_int_equal(run(&e_note, "vm9", 0, &cause), 0);
	n = lines(&v);
	/* dump wrote nothing, nor did the read-only hvdeck's refusal: a
	 * read-only hvdeck writes only that its session started */
	assert_int_equal(n, 4);
	assert_non_null(strstr(v[3], "\"result\":\"refused\",\"error\":"
	    "\"no desktop named vm9\"}"));
	assert_non_null(strstr(v[1], "\"result\":\"refused\",\"error\":"
	    "\"cannot start vm1: it is already running\"}"));
	free_lines(v, n);
	cmd_audit_read_only_session();
	n = lines(&v);
	assert_int_equal(n, 5);
	assert_non_null(strstr(v[4], "\"event\":\"session\",\"command\":"
	    "\"read-only session started\",\"target\":null}"));
	free_lines(v, n);
}

static int exec_form(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	cmd_audit_form();	/* as cmd_form does */
	return 0;
}

static const struct cmd_entry e_form = { "desktop migrate", NULL, 0, 2,
	"[NAME]", CMD_CLI, "", exec_form, 0 };

/* Opening a form is not a command: no line until its submit runs one. */
static void test_form_is_not_a_command(void **state)
{
	char *cause = NULL, **v;
	size_t n;

	(void)state;
	assert_int_equal(run(&e_form, "vm1", 0, &cause), 0);
	n = lines(&v);
	assert_int_equal(n, 0);
	free_lines(v, n);
	assert_int_equal(run(&e_job, "vm1", 0, &cause), 0);	/* its submit */
	job_done(made_job);
	n = lines(&v);
	assert_int_equal(n, 2);
	assert_non_null(strstr(v[1], "\"target\":\"vm1\",\"result\":\"ok\""));
	free_lines(v, n);
}

/* A record held past its exec (a job thread left behind at exit) ends
 * when hvdeck exits, and never a second time. */
static void test_close_all(void **state)
{
	char *cause = NULL, **v;
	size_t n;

	(void)state;
	assert_int_equal(run(&e_job, "vm1", 0, &cause), 0);
	cmd_audit_close_all("hvdeck exited before it ended");
	job_done(made_job);
	n = lines(&v);
	assert_int_equal(n, 2);
	assert_non_null(strstr(v[1], "\"result\":\"cancelled\",\"error\":"
	    "\"hvdeck exited before it ended\"}"));
	free_lines(v, n);
}

/* A child that starts a command and dies: its pid is gone. */
static pid_t dead_child(int close_it)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned long id = audit_start("desktop new", "room-{01..03}");

		if (close_it)
			audit_end(id, "desktop new", "room-{01..03}", "ok", NULL);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return pid;
}

static void test_dead_process_closed(void **state)
{
	pid_t dead = dead_child(0), done = dead_child(1);
	struct passwd *pw = getpwuid(geteuid());
	char **v, *path = audit_path(), *want, *line;
	size_t n;
	FILE *f;

	(void)state;
	/* pid 1 is alive but not an hvdeck: a reused pid does not keep it open */
	line = xasprintf("{\"time\":\"x\",\"user\":\"%s\",\"from\":null,"
	    "\"pid\":1,\"id\":7,\"event\":\"start\",\"command\":\"host add\","
	    "\"target\":\"hv9\"}\n", pw->pw_name);
	assert_non_null(f = fopen(path, "a"));
	fputs(line, f);
	/* another user's record is theirs to close */
	fputs("{\"time\":\"x\",\"user\":\"nobody-else\",\"from\":null,"
	    "\"pid\":999999,\"id\":1,\"event\":\"start\",\"command\":\"dump\","
	    "\"target\":null}\n", f);
	fclose(f);
	free(line);
	assert_int_equal(audit_close_dead(), 2);
	n = lines(&v);
	/* dead start, done start + end, pid 1, the other user, 2 ends */
	assert_int_equal(n, 7);
	want = xasprintf("\"pid\":%ld,", (long)dead);
	/* the two end lines, in log order of their start lines: pid 1's
	 * record was written after the child's */
	assert_non_null(strstr(v[5], want));
	assert_non_null(strstr(v[5], "\"event\":\"end\",\"command\":\"desktop new\","
	    "\"target\":\"room-{01..03}\",\"result\":\"unknown (process died)\","
	    "\"error\":null}\n"));
	assert_non_null(strstr(v[6], "\"pid\":1,\"id\":7,\"event\":\"end\","
	    "\"command\":\"host add\",\"target\":\"hv9\",\"result\":"
	    "\"unknown (process died)\""));
	/* the child that ended its command is left alone */
	{
		char *d = xasprintf("\"pid\":%ld,", (long)done);

		assert_null(strstr(v[5], d));
		assert_null(strstr(v[6], d));
		free(d);
	}
	free(want);
	free_lines(v, n);
	/* closed once: the next start finds nothing */
	assert_int_equal(audit_close_dead(), 0);
	n = lines(&v);
	assert_int_equal(n, 7);
	free_lines(v, n);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_ends_the_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_and_forgotten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_is_not_a_command, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_and_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_process_closed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
