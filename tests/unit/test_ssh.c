/* test_ssh.c — hvdeck's key files and known_hosts editing (ssh-key.c,
 * ssh-known.c), in a scratch XDG_CONFIG_HOME. Sessions are tested against
 * the lab (tests/integration/test_host_rekey.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/checklist.h"
#include "virt/ssh.h"
#include "core/util.h"
#include "scratch.h"

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two ed25519 keys and their fingerprints from ssh-keygen -lf. */
#define KEY_A "AAAAC3NzaC1lZDI1NTE5AAAAIKkosckc5p5ro2S+F0/J++RQsb4Cck34OfSBxjhGGk4w"
#define FP_A "SHA256:tHqUA7MJPsv/wLVzgqH5YUBCX22E+HV/Zm8g9Acd6L0"
#define KEY_B "AAAAC3NzaC1lZDI1NTE5AAAAIEgJ/A6sLxMo2mGkxcuGtmcE22BY33+oZRl4FQcOakjz"
#define FP_B "SHA256:Bh6ASmwsGDypETSffea1dmmrXUIbjkFs+O1rBNwZPvs"
/* "[127.0.0.1]:2222 ssh-ed25519 KEY_A" hashed by ssh-keygen -H. */
#define HASHED_A "|1|38Rw0fmSlruuixYCCrvcmLqNsyc=|1fC2FzfuiObcdsN3JGqXqMlbzAY= " \
	"ssh-ed25519 " KEY_A

struct scratch {
	char dir[64];
	char known[128];
};

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	snprintf(s->dir, sizeof s->dir, "/tmp/test_ssh.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	setenv("XDG_CONFIG_HOME", s->dir, 1);
	snprintf(s->known, sizeof s->known, "%s/hvdeck/known_hosts", s->dir);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;
	int rc = scratch_rm_tree(s->dir);

	free(s);
	return rc;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	(void)fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static void known_file(struct scratch *s, const char *text)
{
	char *dir = xasprintf("%s/hvdeck", s->dir);

	mkdir(dir, 0700);
	free(dir);
	write_text(s->known, text);
}

static void test_host_name(void **state)
{
	static const struct {
		const char *addr;
		int port;
		const char *want;
	} cases[] = {
		{ "10.0.0.1", 22, "10.0.0.1" },
		{ "Node1.Example", 0, "node1.example" },
		{ "127.0.0.1", 22201, "[127.0.0.1]:22201" },
		{ "::1", 2200, "[::1]:2200" },
	};
	size_t i;
	char *n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = sshknown_host_name(cases[i].addr, cases[i].port);
		assert_string_equal(n, cases[i].want);
		free(n);
	}
}

static void test_fingerprint(void **state)
{
	char fp[96];

	(void)state;
	assert_int_equal(sshknown_fingerprint("ssh-ed25519", KEY_A, fp,
	    sizeof fp), 0);
	assert_string_equal(fp, FP_A);
	assert_int_equal(sshknown_fingerprint("ssh-ed25519", KEY_B, fp,
	    sizeof fp), 0);
	assert_string_equal(fp, FP_B);
	assert_int_equal(sshknown_fingerprint("ssh-ed25519", "garbage", fp,
	    sizeof fp), -1);
}

static void test_lookup(void **state)
{
	struct scratch *s = *state;
	char fp[96] = "", *cause = NULL;
	int line = 0;

	/* No file yet: unknown, not an error. */
	assert_int_equal(sshknown_lookup("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_A, &line, fp, &cause), SSHC_KEY_UNKNOWN);
	known_file(s, "# hvdeck\n\n"
	    "[127.0.0.1]:2223 ssh-ed25519 " KEY_B "\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_A "\n");
	assert_int_equal(sshknown_lookup("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_A, &line, fp, &cause), SSHC_KEY_KNOWN);
	assert_int_equal(sshknown_lookup("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_B, &line, fp, &cause), SSHC_KEY_CHANGED);
	assert_int_equal(line, 4);
	assert_string_equal(fp, FP_A);
	/* Port 22 is another name: nothing known. */
	assert_int_equal(sshknown_lookup("127.0.0.1", 22, "ssh-ed25519",
	    KEY_A, &line, fp, &cause), SSHC_KEY_UNKNOWN);
	/* Hashed names match too (libssh's matching). */
	known_file(s, HASHED_A "\n");
	assert_int_equal(sshknown_lookup("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_B, &line, fp, &cause), SSHC_KEY_CHANGED);
	assert_int_equal(line, 1);
}

static void test_remove(void **state)
{
	struct scratch *s = *state;
	char *cause = NULL, *text;
	struct stat st;
	int removed = -1;

	known_file(s, "# keep me\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_A "\n"
	    "[127.0.0.1]:2223 ssh-ed25519 " KEY_B "\n"
	    HASHED_A "\n"
	    "[127.0.0.1]:2222 ssh-rsa AAAAnotakey\n");
	assert_int_equal(sshknown_remove("127.0.0.1", 2222, &removed,
	    &cause), 0);
	assert_int_equal(removed, 3);
	text = read_text(s->known);
	assert_string_equal(text, "# keep me\n"
	    "[127.0.0.1]:2223 ssh-ed25519 " KEY_B "\n");
	free(text);
	assert_int_equal(stat(s->known, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Nothing left for it: 0 removed, not an error, file untouched. */
	assert_int_equal(sshknown_remove("127.0.0.1", 2222, &removed,
	    &cause), 0);
	assert_int_equal(removed, 0);
}

static void test_add_replace(void **state)
{
	struct scratch *s = *state;
	char *cause = NULL, *text;
	struct stat st;

	/* Created 0600 with the first line. */
	assert_int_equal(sshknown_add("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_A, &cause), 0);
	assert_int_equal(stat(s->known, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A last line without its newline keeps its own line. */
	write_text(s->known, "[10.0.0.9]:2200 ssh-ed25519 " KEY_B);
	assert_int_equal(sshknown_add("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_A, &cause), 0);
	text = read_text(s->known);
	assert_string_equal(text, "[10.0.0.9]:2200 ssh-ed25519 " KEY_B "\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_A "\n");
	free(text);
	assert_int_equal(sshknown_replace("127.0.0.1", 2222, "ssh-ed25519",
	    KEY_B, &cause), 0);
	text = read_text(s->known);
	assert_string_equal(text, "[10.0.0.9]:2200 ssh-ed25519 " KEY_B "\n"
	    "[127.0.0.1]:2222 ssh-ed25519 " KEY_B "\n");
	free(text);
}

static void test_key_files(void **state)
{
	struct scratch *s = *state;
	char *line = NULL, *line2 = NULL, *cause = NULL, *path, *before;
	char *after, *dir = xasprintf("%s/hvdeck", s->dir);
	struct stat st;

	assert_int_equal(sshkey_ensure(&line, &cause), 0);
	assert_non_null(strstr(line, "ssh-ed25519 AAAA"));
	assert_non_null(strstr(line, " hvdeck@"));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	path = sshkey_private_path();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	before = read_text(path);
	/* An existing key is loaded, never replaced. */
	assert_int_equal(sshkey_ensure(&line2, &cause), 0);
	assert_string_equal(line, line2);
	after = read_text(path);
	assert_string_equal(before, after);
	/* A looser directory is tightened; one others may write is
	 * refused; so is a key others may read. */
	chmod(dir, 0755);
	assert_int_equal(sshkey_ensure(NULL, &cause), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	chmod(dir, 0777);
	assert_int_equal(sshkey_ensure(NULL, &cause), -1);
	assert_non_null(strstr(cause, "writable by others"));
	free(cause);
	chmod(dir, 0700);
	chmod(path, 0644);
	assert_int_equal(sshkey_ensure(NULL, &cause), -1);
	assert_non_null(strstr(cause, "readable by others"));
	free(cause);
	free(line);
	free(line2);
	free(before);
	free(after);
	free(path);
	free(dir);
}


/* One thread adds 40 hosts while another rewrites a third host's line 40
 * times: every added line survives (the old rewrite renamed its copy over
 * lines appended meanwhile, and both threads shared one temporary name). */
#define RACE_ROUNDS 40

struct known_race {
	int replace;	/* 1: rewrite 127.0.0.1:2222, 0: add 10.0.0.1:3000+i */
	int failed;
};

static void *race_worker(void *arg)
{
	struct known_race *r = arg;
	char *cause;
	int i, rc;

	for (i = 0; i < RACE_ROUNDS; i++) {
		cause = NULL;
		rc = r->replace ? sshknown_replace("127.0.0.1", 2222,
		    "ssh-ed25519", i % 2 ? KEY_A : KEY_B, &cause) :
		    sshknown_add("10.0.0.1", 3000 + i, "ssh-ed25519", KEY_A,
		    &cause);
		if (rc != 0) {
			fprintf(stderr, "%s: %s\n", r->replace ? "replace" :
			    "add", cause);
			r->failed++;
		}
		free(cause);
	}
	return NULL;
}

static void test_add_races_replace(void **state)
{
	struct scratch *s = *state;
	struct known_race r[2] = { { .replace = 0 }, { .replace = 1 } };
	pthread_t ta, tr;
	char *text, want[64];
	int i;

	known_file(s, "# keep me\n");
	assert_int_equal(pthread_create(&ta, NULL, race_worker, &r[0]), 0);
	assert_int_equal(pthread_create(&tr, NULL, race_worker, &r[1]), 0);
	pthread_join(ta, NULL);
	pthread_join(tr, NULL);
	assert_int_equal(r[0].failed + r[1].failed, 0);
	text = read_text(s->known);
	assert_non_null(strstr(text, "# keep me\n"));
	for (i = 0; i < RACE_ROUNDS; i++) {
		snprintf(want, sizeof want, "[10.0.0.1]:%d ssh-ed25519 ", 3000 + i);
		if (strstr(text, want) == NULL)
			fail_msg("the line of %s was lost", want);
	}
	assert_non_null(strstr(text, "[127.0.0.1]:2222 ssh-ed25519 " KEY_A "\n"));
	assert_null(strstr(text, KEY_B));
	free(text);
}

/* The steps preflight_run would add, settled from canned answers. */
static struct check_step *preflight(const char *out,
    const struct preflight_path *paths, size_t npaths, int *failed,
    size_t *n)
{
	struct checklist *cl = checklist_new();
	size_t steps[32], i, nc = preflight_nchecks();
	struct check_step *snap = NULL;

	for (i = 0; i < nc + npaths; i++)
		steps[i] = checklist_add(cl, "step");
	*failed = preflight_report(out, paths, npaths, cl, steps);
	checklist_snapshot(cl, &snap, n);
	checklist_free(cl);
	return snap;
}

static void test_preflight_ready(void **state)
{
	static const struct preflight_path paths[] = {
		{ "bases", "/var/lib/isard/bases" },
		{ "groups", "/srv/groups" },
		{ "templates", "/srv/tpl" },
	};
	struct check_step *st;
	size_t n, i;
	int failed;

	(void)state;
	st = preflight("proc libvirtd\n"
	    "sock /run/libvirt/libvirt-sock\n"
	    "tool nc /usr/bin/nc\n"
	    "tool qemu-kvm /usr/libexec/qemu-kvm\n"
	    "tool curl /usr/bin/curl\n"
	    "kvm yes\n"
	    "cert ca-cert.pem\ncert server-cert.pem\ncert server-key.pem\n"
	    "conf readable\nconf spice_tls 1\nconf spice_listen 0.0.0.0\n"
	    "path 0 1048576\npath 1 notdir\npath 2 missing\nend\n",
	    paths, 3, &failed, &n);
	assert_int_equal(n, preflight_nchecks() + 3);
	for (i = 0; i < preflight_nchecks(); i++)
		assert_int_equal(st[i].state, CHECK_OK);
	assert_string_equal(st[0].reason,
	    "libvirtd running, socket /run/libvirt/libvirt-sock");
	assert_string_equal(st[1].reason, "/usr/bin/nc");
	assert_string_equal(st[2].reason, "/usr/libexec/qemu-kvm");
	assert_string_equal(st[n - 3].reason, "exists, 1.0G free");
	assert_int_equal(st[n - 2].state, CHECK_FAIL);
	assert_int_equal(st[n - 1].state, CHECK_FAIL);
	assert_non_null(strstr(st[n - 1].reason, "missing"));
	assert_int_equal(failed, 2);
	free(st);
}

static void test_preflight_bare(void **state)
{
	struct check_step *st;
	size_t n, i;
	int failed, warns = 0;

	(void)state;
	/* A bare host: daemon down, no helper, no qemu; the warnings do
	 * not count as failures. Host text with a control character is
	 * shown visibly. */
	st = preflight("proc virtqemud\nconf readable\n"
	    "conf spice_tls 0\x1b[2J\nend\n", NULL, 0, &failed, &n);
	assert_int_equal(st[0].state, CHECK_FAIL);
	assert_non_null(strstr(st[0].reason, "virtqemud runs but"));
	assert_int_equal(st[1].state, CHECK_FAIL);
	assert_int_equal(st[2].state, CHECK_FAIL);
	for (i = 3; i < n; i++)
		warns += st[i].state == CHECK_WARN;
	assert_int_equal(warns, 4);
	assert_null(strchr(st[5].reason, '\x1b'));
	assert_non_null(strstr(st[5].reason, "<U+001B>"));
	assert_int_equal(failed, 3);
	free(st);
	/* Cut short: one more failed step says so. */
	st = preflight("proc libvirtd\n", NULL, 0, &failed, &n);
	assert_int_equal(n, preflight_nchecks() + 1);
	assert_int_equal(st[n - 1].state, CHECK_FAIL);
	assert_int_equal(failed, 4);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_name),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_races_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_files, setup,
		    teardown),
		cmocka_unit_test(test_preflight_ready),
		cmocka_unit_test(test_preflight_bare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
