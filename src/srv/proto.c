/* proto.c — frames between client and server (proto.h): encoding,
 * decoding with every bound checked, and whole-frame send and receive
 * under a deadline, so a peer that stops reading or writing costs its
 * own thread a bounded wait and nothing else. */
#include "srv/proto.h"
#include "core/util.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int proto_encode(int type, const char *const *f, int n, char **out,
    size_t *len, char **cause)
{
	size_t size = 1, off;
	char *b;
	int i;

	if (n < 0 || n > PROTO_FIELDS_MAX) {
		*cause = xasprintf("frame: %d fields (at most %d)", n,
		    PROTO_FIELDS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		size += strlen(f[i]) + 1;
		if (size > PROTO_FRAME_MAX) {
			*cause = xasprintf("frame: larger than %d bytes",
			    PROTO_FRAME_MAX);
			return -1;
		}
	}
	b = xmalloc(4 + size);
	b[0] = (char)(size >> 24);
	b[1] = (char)(size >> 16);
	b[2] = (char)(size >> 8);
	b[3] = (char)size;
	b[4] = (char)type;
	for (i = 0, off = 5; i < n; i++) {
		size_t l = strlen(f[i]) + 1;

		memcpy(b + off, f[i], l);
		off += l;
	}
	*out = b;
	*len = 4 + size;
	return 0;
}

static uint32_t frame_size(const char *buf)
{
	const unsigned char *u = (const unsigned char *)buf;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | u[3];
}

/* Split the fields of body (size bytes after the type): -1 with *cause. */
static int split_fields(struct proto_msg *m, size_t size, char **cause)
{
	size_t i, start = 0;

	if (size > 0 && m->buf[size - 1] != '\0') {
		*cause = xstrdup("frame: a field is not ended");
		return -1;
	}
	for (i = 0; i < size; i++) {
		if (m->buf[i] != '\0')
			continue;
		if (m->n == PROTO_FIELDS_MAX) {
			*cause = xasprintf("frame: more than %d fields",
			    PROTO_FIELDS_MAX);
			return -1;
		}
		m->f = xreallocarray(m->f, (size_t)m->n + 1, sizeof *m->f);
		m->f[m->n++] = m->buf + start;
		start = i + 1;
	}
	return 0;
}

ssize_t proto_decode(const char *buf, size_t len, struct proto_msg *m,
    char **cause)
{
	uint32_t size;

	memset(m, 0, sizeof *m);
	if (len < 4)
		return 0;
	size = frame_size(buf);
	if (size == 0 || size > PROTO_FRAME_MAX) {
		*cause = size == 0 ? xstrdup("frame: empty") :
		    xasprintf("frame: %lu bytes (at most %d)",
		    (unsigned long)size, PROTO_FRAME_MAX);
		return -1;
	}
	if (len < 4 + (size_t)size)
		return 0;
	m->type = (unsigned char)buf[4];
	if (m->type < PROTO_HELLO || m->type > PROTO_TYPE_MAX) {
		*cause = xasprintf("frame: unknown type %d", m->type);
		return -1;
	}
	m->buf = xmalloc(size);
	m->len = size;
	memcpy(m->buf, buf + 5, size - 1);
	m->buf[size - 1] = '\0';
	if (split_fields(m, size - 1, cause) < 0) {
		proto_msg_free(m);
		return -1;
	}
	return (ssize_t)(4 + size);
}

void proto_msg_free(struct proto_msg *m)
{
	free(m->f);
	if (m->buf != NULL)
		explicit_bzero(m->buf, m->len);	/* an ANSWER: a password */
	free(m->buf);
	memset(m, 0, sizeof *m);
}

/* Wait until fd is ready for events, until deadline (< 0: none; one that
 * has passed still looks once): 0 ready, -1 timed out or failed (errno). */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int left, r;

	for (;;) {
		left = -1;
		if (deadline >= 0) {
			int64_t l = deadline - util_now_ms();

			left = l > 0 ? (int)l : 0;
		}
		r = poll(&p, 1, left);
		if (r > 0)
			return 0;
		if (r == 0 && left == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : util_now_ms() + timeout_ms;
}

static int write_all(int fd, const char *b, size_t len, int64_t deadline,
    char **cause)
{
	ssize_t w;

	while (len > 0) {
		if (wait_fd(fd, POLLOUT, deadline) < 0)
			goto fail;
		w = send(fd, b, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			goto fail;
		b += w;
		len -= (size_t)w;
	}
	return 0;
fail:
	*cause = errno == ETIMEDOUT ? xstrdup("the peer stopped reading") :
	    xasprintf("send: %s", strerror(errno));
	return -1;
}

int proto_send(int fd, int type, const char *const *f, int n, int timeout_ms,
    char **cause)
{
	char *b;
	size_t len;
	int rc;

	if (proto_encode(type, f, n, &b, &len, cause) < 0)
		return -1;
	rc = write_all(fd, b, len, deadline_of(timeout_ms), cause);
	explicit_bzero(b, len);	/* an ANSWER: a password */
	free(b);
	return rc;
}

/* Read exactly len bytes: 0, or -1 with *cause. */
static int read_all(int fd, char *b, size_t len, int64_t deadline,
    char **cause)
{
	ssize_t r;

	while (len > 0) {
		if (wait_fd(fd, POLLIN, deadline) < 0)
			goto fail;
		r = recv(fd, b, len, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == 0) {
			*cause = xstrdup("closed");
			return -1;
		}
		if (r < 0)
			goto fail;
		b += r;
		len -= (size_t)r;
	}
	return 0;
fail:
	*cause = errno == ETIMEDOUT ? xstrdup("no answer in time") :
	    xasprintf("receive: %s", strerror(errno));
	return -1;
}

int proto_recv(int fd, struct proto_msg *m, int timeout_ms, char **cause)
{
	int64_t deadline = deadline_of(timeout_ms);
	char head[4], *frame;
	uint32_t size;
	ssize_t took;

	memset(m, 0, sizeof *m);
	if (read_all(fd, head, 4, deadline, cause) < 0)
		return -1;
	size = frame_size(head);
	if (size == 0 || size > PROTO_FRAME_MAX) {	/* proto_decode says it */
		(void)proto_decode(head, 4, m, cause);
		return -1;
	}
	frame = xmalloc(4 + size);
	memcpy(frame, head, 4);
	if (read_all(fd, frame + 4, size, deadline, cause) < 0) {
		free(frame);
		return -1;
	}
	took = proto_decode(frame, 4 + size, m, cause);
	explicit_bzero(frame, 4 + size);
	free(frame);
	return took > 0 ? 0 : -1;
}

int proto_check_hello(const struct proto_msg *m, char **cause)
{
	char *ours = xasprintf("%d", PROTO_VERSION);
	int rc = -1;

	if (m->n < 3 || strcmp(m->f[0], PROTO_MAGIC) != 0)
		*cause = xstrdup("not an hvdeck peer");
	else if (strcmp(m->f[1], ours) != 0)
		*cause = xasprintf("protocol version %s, this hvdeck speaks %s "
		    "(hvdeck %s and %s)", m->f[1], ours, m->f[2], HVDECK_VERSION);
	else if (strcmp(m->f[2], HVDECK_VERSION) != 0)
		*cause = xasprintf("hvdeck %s, this is hvdeck %s: use one "
		    "version (stop the server: hvdeck server stop)", m->f[2],
		    HVDECK_VERSION);
	else
		rc = 0;
	free(ours);
	return rc;
}
