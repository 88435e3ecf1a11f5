/* Unit tests for srv-peer.c, the server's side of one client, over a
 * socketpair: a read-only client is refused every entry that is not
 * read-only-safe by the table (a console-only one too, never "unknown"),
 * unknown commands and the client's own entries (dump) are bad usage,
 * options are checked against the entry; a question goes to the client
 * and its answer comes back, a client gone answers no and is sent nothing
 * more; and the audit record of a command run for a client names the
 * client's user and address, also in its end line written later, on
 * another thread, by the job the command made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli-cmd.h"
#include "cmd/cmd-table.h"
#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/job.h"
#include "core/util.h"
#include "srv/proto.h"
#include "srv/srv-cmd.h"
#include "srv/srv-peer.h"

#include "exec-job.h"

static char dir[64];
static int sv[2];
static struct srv_peer peer;
static char user[] = "alice", from[] = "192.0.2.9";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_srv_peer.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	unsetenv("SSH_CONNECTION");
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(&peer, 0, sizeof peer);
	peer.fd = sv[0];
	peer.user = user;
	peer.from = from;
	srv_peer_init(&peer);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	close(sv[0]);
	close(sv[1]);
	jobs_free();
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* Run line's words for the peer: its status; *said (caller frees) the
 * SAY lines the client got, one a line, errors marked "E ". */
static int run_line(const char *line, char **said)
{
	char **w, *s = xstrdup(""), *t, *cause = NULL;
	struct proto_msg m;
	int n = cmd_split(line, &w), status;

	status = srv_peer_run(&peer, NULL, w, n);
	cmd_free_words(w);
	while (proto_recv(sv[1], &m, 0, &cause) == 0) {
		assert_int_equal(m.type, PROTO_SAY);
		t = xasprintf("%s%s%s\n", s, strcmp(m.f[0], "1") == 0 ? "E " : "",
		    m.f[1]);
		free(s);
		s = t;
		proto_msg_free(&m);
	}
	free(cause);
	*said = s;
	return status;
}

static void assert_said(const char *line, int want, const char *needle)
{
	char *said;
	int status = run_line(line, &said);

	if (status != want || strstr(said, needle) == NULL)
		fail_msg("%s: status %d, said '%s' (wanted %d, '%s')", line,
		    status, said, want, needle);
	free(said);
}

static void test_read_only_from_the_table(void **state)
{
	const struct cmd_entry *t;
	size_t n, i, refused = 0;
	char *line, *want;

	(void)state;
	peer.read_only = 1;
	for (i = 0, t = cmd_table(&n); i < n; i++) {
		if (t[i].flags & CMD_READ_ONLY_OK)
			continue;
		line = xasprintf("-- %s x", t[i].name);
		want = xasprintf("E read-only: %s is not allowed\n", t[i].name);
		assert_said(line, 1, want);
		free(line);
		free(want);
		refused++;
	}
	assert_true(refused >= 10);
	/* a read-only-safe entry gets past the rule (then its own rules) */
	assert_said("-- server status", 2, "runs in the client's process");
}

static void test_bad_usage(void **state)
{
	(void)state;
	assert_said("-- no-such-command", 2, "E unknown command 'no-such-command'");
	assert_said("-- watch", 2, "E watch runs in the client's process");
	assert_said("-- go vm1", 2, "unknown command");   /* console only */
	/* an attached console's command on a job runs there (srv_console_entry) */
	assert_said("-- job cancel 3", 1, "E no job 3");
	assert_said("--count=3 -- desktop delete vm1", 2, "--count");
	assert_said("--yes=1 -- desktop delete vm1", 2, "E option '--yes' takes no value");
}

/* OUT frames carry output as it is, cut under the frame's limit; CANCEL
 * is seen once sent, a client gone is no cancel. */
static void test_out_and_cancel(void **state)
{
	size_t big = PROTO_FRAME_MAX + 100, got = 0;
	char *text = xmalloc(big + 1), *cause = NULL;
	struct proto_msg m;
	int room = 4 * PROTO_FRAME_MAX;

	(void)state;
	/* one thread: every frame must fit in the socket before it is read */
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &room,
	    sizeof room), 0);
	memset(text, 'x', big);
	text[big] = '\0';
	text[0] = '\r';	/* a bar's redraw: bytes as they are */
	assert_int_equal(srv_peer_cancelled(&peer), 0);
	srv_peer_out(&peer, 2, text, big);
	while (got < big) {
		if (proto_recv(sv[1], &m, 100, &cause) < 0)
			fail_msg("%s (got %zu)", cause, got);
		assert_int_equal(m.type, PROTO_OUT);
		assert_string_equal(m.f[0], "2");
		assert_memory_equal(m.f[1], text + got, strlen(m.f[1]));
		got += strlen(m.f[1]);
		proto_msg_free(&m);
	}
	assert_int_equal(got, big);
	free(text);
	assert_int_equal(proto_send(sv[1], PROTO_CANCEL, NULL, 0, 100, &cause),
	    0);
	assert_int_equal(srv_peer_cancelled(&peer), 1);
	assert_int_equal(srv_peer_cancelled(&peer), 1);
	peer.cancel = 0;
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(srv_peer_cancelled(&peer), 0);
	assert_true(peer.gone);
}

static void test_questions(void **state)
{
	const char *yes[1] = { "y" }, *no[2] = { "n", "server stop: not confirmed" };
	char *cause = NULL, *buf;
	struct proto_msg m;

	(void)state;
	/* the answers, queued before the questions (one thread) */
	assert_int_equal(proto_send(sv[1], PROTO_ANSWER, yes, 1, 100, &cause), 0);
	assert_int_equal(srv_peer_confirm(&peer, "Stop?", "server stop", &cause), 0);
	assert_int_equal(proto_recv(sv[1], &m, 100, &cause), 0);
	assert_int_equal(m.type, PROTO_CONFIRM);
	assert_string_equal(m.f[0], "Stop?");
	assert_string_equal(m.f[1], "server stop");
	proto_msg_free(&m);
	assert_int_equal(proto_send(sv[1], PROTO_ANSWER, no, 2, 100, &cause), 0);
	assert_int_equal(srv_peer_confirm(&peer, "Stop?", "server stop", &cause), -1);
	assert_string_equal(cause, "server stop: not confirmed");
	free(cause);
	cause = NULL;
	assert_int_equal(proto_recv(sv[1], &m, 100, &cause), 0);
	proto_msg_free(&m);
	/* the client goes away: no, and nothing more is sent */
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(srv_peer_confirm(&peer, "Stop?", "server stop", &cause), -1);
	assert_string_equal(cause, "server stop: the client went away before it answered");
	free(cause);
	assert_true(peer.gone);
	buf = xstrdup("x");
	srv_peer_say(&peer, 0, buf);    /* no SIGPIPE, no error */
	free(buf);
	assert_int_equal(srv_peer_send(&peer, PROTO_SAY, yes, 1), -1);
}

/* ---- the audit record of a client's command ---- */

static const struct cmd_entry test_commands[] = {
	{ "test job", NULL, 1, 1, "NAME", CMD_CLI, "a job left running",
	  exec_job, 0 },
};

static void *end_job(void *arg)
{
	(void)arg;
	job_done(made_job);     /* a job thread of the server's */
	return NULL;
}

static void test_audit_names_the_client(void **state)
{
	char *said, *path, line[1024];
	const char *now_user, *now_from;
	pthread_t t;
	FILE *f;
	int n = 0;

	(void)state;
	assert_int_equal(run_line("-- test job vm1", &said), 0);
	free(said);
	audit_client(&now_user, &now_from);
	assert_null(now_user);  /* the thread is the server's own again */
	assert_null(now_from);
	assert_int_equal(job_begin(made_job), 0);
	assert_int_equal(pthread_create(&t, NULL, end_job, NULL), 0);
	pthread_join(t, NULL);
	path = audit_path();
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "\"command\":\"test job\"") == NULL)
			fail_msg("%s", line);
		if (strstr(line, "\"user\":\"alice\",\"from\":\"192.0.2.9\"") == NULL)
			fail_msg("not the client's: %s", line);
		n++;
	}
	fclose(f);
	free(path);
	assert_int_equal(n, 2);         /* start, and the job's end */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_only_from_the_table,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_and_cancel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_questions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_names_the_client, setup,
		    teardown),
	};

	cmd_commands_register();
	srv_cmd_register();
	cli_cmd_register();
	cmd_register_table(test_commands,
	    sizeof test_commands / sizeof test_commands[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
