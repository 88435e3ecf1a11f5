/* test_transport.c — the URI hvdeck opens for a configured one: old
 * qemu+libssh:// URIs whose known_hosts sits beside their key go through
 * OpenSSH and hvdeck-ssh, everything else stays as it is; and the URI
 * `host add` writes. Connecting through it: tests/integration/
 * test_scale_transport.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "virt/transport.h"

#include <stdlib.h>
#include <string.h>

#define W "/opt/hv deck/hvdeck-ssh"
#define WE "/opt/hv%20deck/hvdeck-ssh"

static void rewrites_to(const char *uri, const char *want)
{
	char *got = transport_rewrite(uri, W);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_libssh_beside(void **state)
{
	(void)state;
	rewrites_to("qemu+libssh://root@127.0.0.1:22281/system?keyfile=/l/id_ed25519"
	    "&known_hosts=/l/known_hosts&sshauth=privkey&no_verify=0",
	    "qemu+ssh://root@127.0.0.1:22281/system?command=" WE
	    "&no_tty=1&keyfile=/l/id_ed25519");
	/* what host add wrote before: escaped paths, other parameters kept */
	rewrites_to("qemu+libssh://u@[::1]:22/system?keyfile=/h/a%20b/id_ed25519&"
	    "known_hosts=/h/a%20b/known_hosts&known_hosts_verify=normal&"
	    "sshauth=privkey&mode=legacy",
	    "qemu+ssh://u@[::1]:22/system?command=" WE
	    "&no_tty=1&keyfile=/h/a%20b/id_ed25519&mode=legacy");
}

static void test_libssh_other_trust_stays(void **state)
{
	(void)state;
	/* known_hosts elsewhere, or none (libssh's ~/.ssh/known_hosts), or
	 * no key: the wrapper could not verify the same way, so unchanged */
	rewrites_to("qemu+libssh://root@h/system?keyfile=/l/id&known_hosts=/o/known_hosts", NULL);
	rewrites_to("qemu+libssh://root@h/system?keyfile=/l/id", NULL);
	rewrites_to("qemu+libssh://root@h/system?known_hosts=/l/known_hosts", NULL);
	rewrites_to("qemu+libssh://root@h/system?keyfile=/l/id&known_hosts=/l/known_hosts2", NULL);
	rewrites_to("qemu+libssh://root@h/system", NULL);
}

static void test_ssh_wrapper_named(void **state)
{
	(void)state;
	rewrites_to("qemu+ssh://root@h:2222/system?command=hvdeck-ssh&no_tty=1&keyfile=/k/id",
	    "qemu+ssh://root@h:2222/system?command=" WE "&no_tty=1&keyfile=/k/id");
	/* the operator's own ssh URIs are theirs */
	rewrites_to("qemu+ssh://root@h/system", NULL);
	rewrites_to("qemu+ssh://root@h/system?command=/usr/bin/ssh&keyfile=/k/id", NULL);
	rewrites_to("qemu+ssh://root@h/system?command=hvdeck-ssh", NULL);
	rewrites_to("qemu+tcp://127.0.0.1:16509/system", NULL);
	rewrites_to("qemu:///system", NULL);
}

static void test_host_uri(void **state)
{
	char *cause = NULL, *u;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/cfg dir", 1);
	u = transport_host_uri("root", "10.0.0.5", 22, &cause);
	assert_non_null(u);
	assert_string_equal(u, "qemu+ssh://root@10.0.0.5:22/system?command=hvdeck-ssh"
	    "&no_tty=1&keyfile=/cfg%20dir/hvdeck/id_ed25519");
	free(u);
	u = transport_host_uri("hv", "fe80::1", 2201, &cause);
	assert_non_null(u);
	assert_non_null(strstr(u, "qemu+ssh://hv@[fe80::1]:2201/system?"));
	/* what it writes, it opens through the wrapper */
	{
		char *r = transport_rewrite(u, W);

		assert_non_null(r);
		assert_non_null(strstr(r, "command=" WE "&no_tty=1&keyfile=/cfg%20dir/"));
		free(r);
	}
	free(u);
}

static void known_is(const char *uri, const char *want)
{
	char *got = transport_known_hosts(uri);

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	free(got);
}

static void test_known_hosts(void **state)
{
	(void)state;
	/* what host rekey replaces lines in: the file the transport reads */
	known_is("qemu+ssh://root@h:22/system?command=hvdeck-ssh&no_tty=1&keyfile=/c%20d/hvdeck/id_ed25519",
	    "/c d/hvdeck/known_hosts");
	known_is("qemu+ssh://root@h/system?command=/usr/share/hvdeck/hvdeck-ssh&keyfile=/k/id", "/k/known_hosts");
	known_is("qemu+libssh://root@h/system?keyfile=/k/id&known_hosts=/o/kh", "/o/kh");
	known_is("qemu+ssh://root@h/system?command=/usr/bin/ssh&keyfile=/k/id", NULL);
	known_is("qemu+ssh://root@h/system", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libssh_beside),
		cmocka_unit_test(test_libssh_other_trust_stays),
		cmocka_unit_test(test_ssh_wrapper_named),
		cmocka_unit_test(test_host_uri),
		cmocka_unit_test(test_known_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
