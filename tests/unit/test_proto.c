/* Unit tests for proto.c: frames round-trip (empty fields too), a partial
 * frame waits for more, every malformed frame (empty, oversized, unknown
 * type, a field not ended) is refused before anything is allocated for
 * its body, an encoder refuses what a decoder would, whole frames pass a
 * socket, a reader that stops reading times the sender out, an oversized
 * header on a socket is refused, and HELLO's versions are compared. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv/proto.h"
#include "core/util.h"

static void test_round_trip(void **state)
{
	const char *f[3] = { "desktop", "", "déjà vu" };
	struct proto_msg m;
	char *buf, *cause = NULL;
	size_t len;

	(void)state;
	assert_int_equal(proto_encode(PROTO_CMD, f, 3, &buf, &len, &cause), 0);
	assert_int_equal(len, 4 + 1 + 8 + 1 + strlen("déjà vu") + 1);
	/* one byte short: more needed, nothing decoded */
	assert_int_equal(proto_decode(buf, len - 1, &m, &cause), 0);
	assert_int_equal(proto_decode(buf, 3, &m, &cause), 0);
	assert_int_equal(proto_decode(buf, len, &m, &cause), (ssize_t)len);
	assert_int_equal(m.type, PROTO_CMD);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.f[0], "desktop");
	assert_string_equal(m.f[1], "");
	assert_string_equal(m.f[2], "déjà vu");
	proto_msg_free(&m);
	free(buf);
	/* no fields at all */
	assert_int_equal(proto_encode(PROTO_STATUS, NULL, 0, &buf, &len, &cause), 0);
	assert_int_equal(proto_decode(buf, len, &m, &cause), 5);
	assert_int_equal(m.type, PROTO_STATUS);
	assert_int_equal(m.n, 0);
	proto_msg_free(&m);
	free(buf);
}

/* A frame of raw bytes: length prefix from size, then body. */
static size_t raw(char *out, uint32_t size, const char *body, size_t blen)
{
	out[0] = (char)(size >> 24);
	out[1] = (char)(size >> 16);
	out[2] = (char)(size >> 8);
	out[3] = (char)size;
	memcpy(out + 4, body, blen);
	return 4 + blen;
}

static void assert_malformed(const char *b, size_t len, const char *needle)
{
	struct proto_msg m;
	char *cause = NULL;

	assert_int_equal(proto_decode(b, len, &m, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s' lacks '%s'", cause, needle);
	assert_null(m.buf);
	assert_null(m.f);
	free(cause);
}

static void test_malformed(void **state)
{
	struct proto_msg m;
	char b[64], *cause = NULL;
	size_t n;

	(void)state;
	n = raw(b, 0, "", 0);
	assert_malformed(b, n, "empty");
	/* refused from the header alone: no waiting for 4 GiB */
	n = raw(b, 0xffffffffu, "", 0);
	assert_malformed(b, n, "at most");
	n = raw(b, PROTO_FRAME_MAX + 1, "", 0);
	assert_malformed(b, n, "at most");
	n = raw(b, 3, "\x63" "a", 3);
	assert_malformed(b, n, "unknown type");
	n = raw(b, 1, "\0", 1);
	assert_malformed(b, n, "unknown type");
	n = raw(b, 4, "\x04" "ab", 4);	/* "ab" then its NUL... */
	assert_int_equal(proto_decode(b, n, &m, &cause), 8);
	assert_string_equal(m.f[0], "ab");
	proto_msg_free(&m);
	n = raw(b, 3, "\x04" "ab", 3);	/* ...cut: not ended */
	assert_malformed(b, n, "not ended");
}

static void test_too_many_fields(void **state)
{
	char *body = xmalloc(1 + PROTO_FIELDS_MAX + 1), *b, *buf, *cause = NULL;
	const char **f = xcalloc(PROTO_FIELDS_MAX + 1, sizeof *f);
	size_t n, len;
	int i;

	(void)state;
	body[0] = PROTO_CMD;
	memset(body + 1, 0, PROTO_FIELDS_MAX + 1);	/* 1025 empty fields */
	b = xmalloc(4 + 2 + PROTO_FIELDS_MAX);
	n = raw(b, 2 + PROTO_FIELDS_MAX, body, 2 + PROTO_FIELDS_MAX);
	assert_malformed(b, n, "fields");
	for (i = 0; i <= PROTO_FIELDS_MAX; i++)
		f[i] = "";
	assert_int_equal(proto_encode(PROTO_CMD, f, PROTO_FIELDS_MAX + 1, &buf,
	    &len, &cause), -1);
	assert_non_null(strstr(cause, "fields"));
	free(cause);
	assert_int_equal(proto_encode(PROTO_CMD, f, PROTO_FIELDS_MAX, &buf,
	    &len, &cause), 0);
	free(buf);
	free(f);
	free(b);
	free(body);
}

static void test_oversized_encode(void **state)
{
	char *big = xmalloc(PROTO_FRAME_MAX), *buf, *cause = NULL;
	const char *f[1] = { big };
	size_t len;

	(void)state;
	memset(big, 'x', PROTO_FRAME_MAX - 1);
	big[PROTO_FRAME_MAX - 1] = '\0';
	/* type + the field + its NUL = PROTO_FRAME_MAX + 1 */
	assert_int_equal(proto_encode(PROTO_SAY, f, 1, &buf, &len, &cause), -1);
	assert_non_null(strstr(cause, "larger than"));
	free(cause);
	big[PROTO_FRAME_MAX - 2] = '\0';	/* exactly the limit */
	assert_int_equal(proto_encode(PROTO_SAY, f, 1, &buf, &len, &cause), 0);
	assert_int_equal(len, 4 + PROTO_FRAME_MAX);
	free(buf);
	free(big);
}

static void test_socket(void **state)
{
	const char *f[2] = { "1", "hvdeck: no desktop named x" };
	struct proto_msg m;
	char *cause = NULL, b[16];
	int sv[2];
	size_t n;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(proto_send(sv[0], PROTO_SAY, f, 2, 1000, &cause), 0);
	assert_int_equal(proto_recv(sv[1], &m, 1000, &cause), 0);
	assert_int_equal(m.type, PROTO_SAY);
	assert_string_equal(m.f[1], f[1]);
	proto_msg_free(&m);
	/* nothing sent: the deadline */
	assert_int_equal(proto_recv(sv[1], &m, 50, &cause), -1);
	assert_string_equal(cause, "no answer in time");
	free(cause);
	/* an oversized header: refused without reading its body */
	n = raw(b, PROTO_FRAME_MAX + 1, "", 0);
	assert_int_equal(write(sv[0], b, n), (ssize_t)n);
	assert_int_equal(proto_recv(sv[1], &m, 1000, &cause), -1);
	assert_non_null(strstr(cause, "at most"));
	free(cause);
	/* the peer went away */
	close(sv[0]);
	assert_int_equal(proto_recv(sv[1], &m, 1000, &cause), -1);
	assert_string_equal(cause, "closed");
	free(cause);
	close(sv[1]);
}

/* A reader that never reads: the sender gives up at its deadline. */
static void test_stalled_reader(void **state)
{
	char *big = xmalloc(60000), *cause = NULL;
	const char *f[1] = { big };
	int sv[2], i, rc = 0;

	(void)state;
	memset(big, 'y', 59999);
	big[59999] = '\0';
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (i = 0; i < 1000 && rc == 0; i++)
		rc = proto_send(sv[0], PROTO_SAY, f, 1, 100, &cause);
	assert_int_equal(rc, -1);
	assert_string_equal(cause, "the peer stopped reading");
	free(cause);
	close(sv[0]);
	close(sv[1]);
	free(big);
}

static int hello_check(const char *magic, const char *proto,
    const char *version, char **cause)
{
	const char *f[6] = { magic, proto, version, "0", "root", "" };
	struct proto_msg m;
	char *buf;
	size_t len;
	int rc;

	assert_int_equal(proto_encode(PROTO_HELLO, f, 6, &buf, &len, cause), 0);
	assert_int_equal(proto_decode(buf, len, &m, cause), (ssize_t)len);
	rc = proto_check_hello(&m, cause);
	proto_msg_free(&m);
	free(buf);
	return rc;
}

static void test_hello_versions(void **state)
{
	char ver[16], *cause = NULL;

	(void)state;
	snprintf(ver, sizeof ver, "%d", PROTO_VERSION);
	assert_int_equal(hello_check(PROTO_MAGIC, ver, HVDECK_VERSION, &cause), 0);
	assert_null(cause);
	assert_int_equal(hello_check(PROTO_MAGIC, "999", HVDECK_VERSION, &cause), -1);
	assert_non_null(strstr(cause, "protocol version 999"));
	free(cause);
	cause = NULL;
	assert_int_equal(hello_check(PROTO_MAGIC, ver, "0.0.9", &cause), -1);
	assert_non_null(strstr(cause, "hvdeck 0.0.9, this is hvdeck " HVDECK_VERSION));
	free(cause);
	cause = NULL;
	assert_int_equal(hello_check("GET / HTTP/1.1", ver, HVDECK_VERSION, &cause), -1);
	assert_string_equal(cause, "not an hvdeck peer");
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_oversized_encode),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_stalled_reader),
		cmocka_unit_test(test_hello_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
