/* test_act_host.c — the parts of adding a host that need no network: the
 * request checks of hostadd_new (against a configuration file) and the
 * host and port a configured URI connects to (the duplicate-address
 * check), and the add's last step: a cancel and the save decided once
 * (hostadd_save against a real job, no network); the conversation (the
 * key question, the password, a cancel while asking, a second answer)
 * driven through its questions on a thread standing in for the job's.
 * The SSH and libvirt
 * steps: tests/integration/test_host_add*. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "act/act-host.h"
#include "core/model.h"
#include "core/job.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

static void endpoint_is(const char *uri, const char *host, int port)
{
	char *h = NULL;
	int p = -1;

	if (host == NULL) {
		assert_int_equal(hostadd_uri_endpoint(uri, &h, &p), -1);
		assert_null(h);
		return;
	}
	assert_int_equal(hostadd_uri_endpoint(uri, &h, &p), 0);
	assert_non_null(h);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	free(h);
}

static void test_uri_endpoint(void **state)
{
	(void)state;
	endpoint_is("qemu+ssh://root@hv1.example.org/system", "hv1.example.org", 22);
	endpoint_is("qemu+libssh://hvtest@127.0.0.1:22242/system?keyfile=/x/id"
	    "&known_hosts=/x/kh&sshauth=privkey", "127.0.0.1", 22242);
	endpoint_is("qemu+tcp://127.0.0.1:16541/system", "127.0.0.1", 16541);
	endpoint_is("qemu+tcp://hv2/system", "hv2", 16509);
	endpoint_is("qemu://hv3/system", "hv3", 16514);
	endpoint_is("qemu+tls://hv3:1234/system", "hv3", 1234);
	endpoint_is("qemu+ssh://[::1]:2222/system", "::1", 2222);
	endpoint_is("qemu+ssh://u@[fe80::1]/system", "fe80::1", 22);
	endpoint_is("qemu+ssh://hv4?no_tty=1", "hv4", 22);
	/* port 0 is the transport's default, as libvirt reads it */
	endpoint_is("qemu+ssh://hv6:0/system", "hv6", 22);
	/* local sockets and broken ones have no endpoint */
	endpoint_is("qemu:///system", NULL, 0);
	endpoint_is("test:///default", NULL, 0);
	endpoint_is("qemu+unix:///system", NULL, 0);
	endpoint_is("qemu+ssh://hv6:abc/system", NULL, 0);
	/* libvirt's parser (libxml2's) refuses a second '@' */
	endpoint_is("qemu+ssh://a@b@hv5:23/system", NULL, 0);
	endpoint_is("qemu+ssh://hv6:70000/system", NULL, 0);
	endpoint_is("qemu+ssh://[::1/system", NULL, 0);
	endpoint_is("qemu+ssh://root@:22/system", NULL, 0);
	endpoint_is("not a uri", NULL, 0);
}

static char conf[64];

static int setup_conf(void **state)
{
	FILE *f;
	int fd;

	(void)state;
	snprintf(conf, sizeof conf, "/tmp/test_act_host.XXXXXX");
	if ((fd = mkstemp(conf)) < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fprintf(f, "hosts = ( { name = \"hv1\"; uri = \"qemu+tcp://127.0.0.1:16501/system\"; } );\n");
	fclose(f);
	return 0;
}

static int teardown_conf(void **state)
{
	(void)state;
	return unlink(conf);
}

/* hostadd_new's answer for a request that differs from a good one. */
static int try_new(const char *name, const char *address, int port,
    const char *user, const char *path, char **cause)
{
	struct hostadd_req r;
	struct hostadd *ha = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	r.name = name;
	r.address = address;
	r.port = port;
	r.user = user;
	r.role = ROLE_DISK;
	r.config_path = path;
	*cause = NULL;
	rc = hostadd_new(&r, &ha, cause);
	if (rc == 0) {
		char *text = (char *)"unset";

		assert_null(*cause);
		assert_non_null(ha);
		/* nothing started yet: running, no job, an empty checklist */
		assert_int_equal(hostadd_state(ha, &text), HOSTADD_RUNNING);
		assert_null(text);
		assert_int_equal(hostadd_job(ha), 0);
		assert_non_null(hostadd_checklist(ha));
		hostadd_free(ha);
	} else {
		assert_non_null(*cause);
	}
	return rc;
}

static void refused(const char *name, const char *address, int port,
    const char *user, const char *path, const char *words)
{
	char *cause;

	assert_int_equal(try_new(name, address, port, user, path, &cause), -1);
	if (strstr(cause, words) == NULL)
		fail_msg("'%s' does not say '%s'", cause, words);
	free(cause);
}

static void test_new_checks(void **state)
{
	char *cause;

	(void)state;
	assert_int_equal(try_new("hv2", "127.0.0.1", 22204, NULL, conf, &cause), 0);
	assert_int_equal(try_new("hv2", "hv2.example.org", 0, "hvtest", conf,
	    &cause), 0);
	assert_int_equal(try_new("hv2", "::1", 22, "root", conf, &cause), 0);
	/* a missing file is an empty configuration (the first host) */
	assert_int_equal(try_new("hv1", "10.0.0.1", 22, NULL,
	    "/tmp/test_act_host.none/hvdeck.conf", &cause), 0);

	refused("hv1", "10.0.0.1", 22, NULL, conf, "already in use");
	refused("", "10.0.0.1", 22, NULL, conf, "empty host name");
	refused("hv\x1b[2J", "10.0.0.1", 22, NULL, conf,
	    "host name \"hv<U+001B>[2J\" has '<U+001B>' at byte 3");
	/* names a command could not take back from the `:` line */
	refused("my node", "10.0.0.1", 22, NULL, conf,
	    "host name \"my node\" has ' ' at byte 3: only A-Z a-z 0-9 . _ - : [ ] "
	    "are allowed");
	refused("n\"q", "10.0.0.1", 22, NULL, conf, "has '\"' at byte 2");
	refused("x$(id)", "10.0.0.1", 22, NULL, conf, "has '$' at byte 2");
	refused("../x", "10.0.0.1", 22, NULL, conf, "has '/' at byte 3");
	refused("n\xc5\x93ud", "10.0.0.1", 22, NULL, conf, "at byte 2");
	refused("--unsafe", "10.0.0.1", 22, NULL, conf, "starts with '-'");
	assert_int_equal(try_new("hv-3.lab_x", "10.0.0.1", 22, NULL, conf,
	    &cause), 0);
	refused("hv2", "", 22, NULL, conf, "is not a host name or IP address");
	refused("hv2", "10.0.0.1/system?x=1", 22, NULL, conf,
	    "is not a host name or IP address");
	refused("hv2", "root@10.0.0.1", 22, NULL, conf,
	    "is not a host name or IP address");
	refused("hv2", "10.0.0.1", 70000, NULL, conf, "is not a port");
	refused("hv2", "10.0.0.1", 22, "-oProxyCommand=x", conf,
	    "is not a user name");
	refused("hv2", "10.0.0.1", 22, "a b", conf, "is not a user name");
	refused("hv2", "10.0.0.1", 22, NULL, NULL, "no configuration file");
}

/* A file that does not load is not overwritten later: refused now. */
static void test_new_broken_file(void **state)
{
	char path[64];
	FILE *f;
	int fd;

	(void)state;
	snprintf(path, sizeof path, "/tmp/test_act_host.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("hosts = ( { name = ;\n", f);
	fclose(f);
	refused("hv2", "10.0.0.1", 22, NULL, path, path);
	unlink(path);
}

/* A host added in a running console is started as a later console loads
 * it from the file: with the default memory reserve, not 0 (its
 * migration pre-flight said "+ 0 MiB reserve"). */
static void test_started_host_has_defaults(void **state)
{
	const char *uri = "qemu+libssh://root@10.0.0.2/system";
	struct hostadd_req r;
	struct hostadd *ha = NULL;
	struct config_host ch;
	struct config c;
	char *cause = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	r.name = "hv2";
	r.address = "10.0.0.2";
	r.role = ROLE_DISK;
	r.config_path = conf;
	assert_int_equal(hostadd_new(&r, &ha, &cause), 0);
	hostadd_config_host(ha, uri, &ch);
	assert_string_equal(ch.name, "hv2");
	assert_string_equal(ch.uri, uri);
	assert_int_equal(ch.role, ROLE_DISK);
	assert_int_equal(ch.memory_reserve_mib, CONFIG_MEMORY_RESERVE_DEFAULT);
	/* the same as the file's host without a memory_reserve line */
	config_defaults(&c, conf);
	assert_int_equal(config_load(&c, 0, &cause), 0);
	assert_int_equal(c.nhosts, 1);
	assert_int_equal(ch.memory_reserve_mib, c.hosts[0].memory_reserve_mib);
	assert_int_equal(ch.maintenance, c.hosts[0].maintenance);
	assert_null(ch.migration_address);
	assert_int_equal(ch.transient, 0);
	config_free(&c);
	hostadd_free(ha);
}

static void hook_not_run_yet(unsigned id, void *ctx)
{
	(void)id;
	(void)ctx;
}

static int conf_names(const char *name)
{
	char buf[4096], *want = xasprintf("name = \"%s\"", name);
	FILE *f = fopen(conf, "r");
	size_t n;
	int found;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	found = strstr(buf, want) != NULL;
	free(want);
	return found;
}

/* Esc between the add's last check and its save: the job layer has the
 * cancel, the add's hook has not run yet (it runs on the watcher). The
 * save must not happen (the console has said "cancelled"); and once the
 * save has begun, a cancel is refused rather than said. */
static void test_cancel_before_save(void **state)
{
	struct hostadd_req r;
	struct hostadd *ha = NULL;
	char *cause = NULL;
	unsigned id;

	(void)state;
	model_init();
	memset(&r, 0, sizeof r);
	r.name = "hv2";
	r.address = "10.0.0.2";
	r.role = ROLE_DISK;
	r.config_path = conf;
	assert_int_equal(hostadd_new(&r, &ha, &cause), 0);

	id = job_new(JK_ADD_HOST, NULL, hook_not_run_yet, NULL);
	assert_int_equal(job_begin(id), 0);
	assert_int_equal(job_cancel(id, &cause), 0);	/* Esc: "cancelled" */
	assert_int_equal(hostadd_save(ha, id, "qemu+tcp://10.0.0.2/system",
	    &cause), -1);
	assert_string_equal(cause, "cancelled");
	assert_false(conf_names("hv2"));
	job_fail(id, cause);
	free(cause);
	cause = NULL;
	assert_int_equal(job_wait(id, 0), JOB_CANCELLED);

	id = job_new(JK_ADD_HOST, NULL, hook_not_run_yet, NULL);
	assert_int_equal(job_begin(id), 0);
	assert_int_equal(hostadd_save(ha, id, "qemu+tcp://10.0.0.2/system",
	    &cause), 0);
	assert_true(conf_names("hv2"));
	assert_int_equal(job_cancel(id, &cause), -1);	/* nothing said */
	assert_non_null(strstr(cause, "too late to cancel"));
	free(cause);
	job_done(id);
	assert_int_equal(job_wait(id, 0), JOB_DONE);
	hostadd_free(ha);
	jobs_free();
	model_free();
}

/* The job's side of the conversation, on its own thread: one question
 * (what), its answer kept for the test. */
struct asker {
	struct hostadd *ha;
	int password;           /* 0: the key question */
	int accepted;           /* the key's answer */
	char *pw;               /* the password's */
	pthread_t t;
};

static void *asker_run(void *arg)
{
	struct asker *a = arg;

	if (a->password)
		a->pw = hostadd_ask_password(a->ha);
	else
		a->accepted = hostadd_ask_key(a->ha, "ED25519 key SHA256:abc");
	return NULL;
}

static void ask_on_thread(struct asker *a, struct hostadd *ha, int password,
    enum hostadd_state want, const char *text)
{
	char *got = NULL;

	memset(a, 0, sizeof *a);
	a->ha = ha;
	a->password = password;
	a->accepted = -1;
	assert_int_equal(pthread_create(&a->t, NULL, asker_run, a), 0);
	assert_int_equal(hostadd_wait(ha, 5000), want);
	assert_int_equal(hostadd_state(ha, &got), want);
	assert_string_equal(got, text);
	free(got);
}

static void asked_and_answered(struct asker *a)
{
	assert_int_equal(pthread_join(a->t, NULL), 0);
	assert_int_equal(hostadd_state(a->ha, NULL), HOSTADD_RUNNING);
}

/* The add-host conversation without a network: each question shows its
 * text, takes one answer (a second, or one given before it was asked,
 * changes nothing), and a cancel while asking ends the question. */
static void test_conversation(void **state)
{
	struct hostadd_req r;
	struct hostadd *ha = NULL;
	struct asker a;
	char *cause = NULL;

	(void)state;
	model_init();
	memset(&r, 0, sizeof r);
	r.name = "hv2";
	r.address = "10.0.0.2";
	r.user = "admin";
	r.role = ROLE_DISK;
	r.config_path = conf;
	assert_int_equal(hostadd_new(&r, &ha, &cause), 0);

	/* an answer before any question is none */
	hostadd_key(ha, 1);
	hostadd_password(ha, "early");
	/* the key: accepted; a second answer changes nothing */
	ask_on_thread(&a, ha, 0, HOSTADD_NEED_KEY, "ED25519 key SHA256:abc");
	hostadd_key(ha, 1);
	hostadd_key(ha, 0);
	asked_and_answered(&a);
	assert_int_equal(a.accepted, 1);
	/* refused */
	ask_on_thread(&a, ha, 0, HOSTADD_NEED_KEY, "ED25519 key SHA256:abc");
	hostadd_key(ha, 0);
	hostadd_key(ha, 1);
	asked_and_answered(&a);
	assert_int_equal(a.accepted, 0);
	/* the password: taken once, the second ignored */
	ask_on_thread(&a, ha, 1, HOSTADD_NEED_PASSWORD,
	    "Password for admin@10.0.0.2:");
	hostadd_password(ha, "s3cret");
	hostadd_password(ha, "other");
	asked_and_answered(&a);
	assert_string_equal(a.pw, "s3cret");
	free(a.pw);
	/* given up; asked again, the question says so (a follower that
	 * missed the RUNNING in between still sees a new question) */
	ask_on_thread(&a, ha, 1, HOSTADD_NEED_PASSWORD,
	    "Password for admin@10.0.0.2 (try 2 of 3):");
	hostadd_password(ha, NULL);
	asked_and_answered(&a);
	assert_null(a.pw);
	/* a cancel while asking ends the question, refused; a later answer
	 * changes nothing and the save is refused */
	ask_on_thread(&a, ha, 0, HOSTADD_NEED_KEY, "ED25519 key SHA256:abc");
	hostadd_cancel(ha);
	asked_and_answered(&a);
	assert_int_equal(a.accepted, 0);
	hostadd_key(ha, 1);
	assert_int_equal(hostadd_state(ha, NULL), HOSTADD_RUNNING);
	/* ... and every later question returns at once, unanswered */
	assert_int_equal(hostadd_ask_key(ha, "ED25519 key SHA256:def"), 0);
	assert_null(hostadd_ask_password(ha));
	assert_int_equal(hostadd_state(ha, NULL), HOSTADD_RUNNING);
	assert_int_equal(hostadd_save(ha, 0, "qemu+tcp://10.0.0.2/system",
	    &cause), -1);
	assert_string_equal(cause, "cancelled");
	free(cause);
	assert_false(conf_names("hv2"));
	hostadd_free(ha);
	model_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_endpoint),
		cmocka_unit_test_setup_teardown(test_new_checks, setup_conf,
		    teardown_conf),
		cmocka_unit_test(test_new_broken_file),
		cmocka_unit_test_setup_teardown(test_started_host_has_defaults,
		    setup_conf, teardown_conf),
		cmocka_unit_test_setup_teardown(test_conversation, setup_conf,
		    teardown_conf),
		cmocka_unit_test_setup_teardown(test_cancel_before_save, setup_conf,
		    teardown_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
