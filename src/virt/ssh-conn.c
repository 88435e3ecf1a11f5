/* ssh-conn.c — one SSH session to a host being added or rekeyed: our own
 * TCP connect (so "does not resolve", "refused", "timed out" and "not an
 * SSH server" are told apart, and the peer's address is known), then
 * libssh on that socket with hvdeck's known_hosts only, hvdeck's key,
 * a password once, and commands over exec channels. */
#include "virt/ssh.h"
#include "core/log.h"
#include "core/util.h"

#include <libssh/libssh.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define EXEC_OUT_MAX (64 * 1024)

struct sshc {
	ssh_session ss;
	char *address;          /* as given: the known_hosts name */
	int port;
	char *user;
	int timeout_s;
	char peer[NI_MAXHOST];
};

/* ---- connecting ---- */

/* One address, within deadline: the socket, or -1 with errno
 * (ETIMEDOUT when the deadline passed). */
static int tcp_try(const struct addrinfo *ai, int64_t deadline)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, err = 0, rc, left;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto done;
	if (errno != EINPROGRESS)
		goto fail;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		left = (int)(deadline - util_now_ms());
		if (left <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		rc = poll(&pfd, 1, left);
		if (rc == 1)
			break;
		if (rc == -1 && errno != EINTR)
			goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		goto fail;
	if (err != 0) {
		errno = err;
		goto fail;
	}
done:
	/* libssh polls the socket itself; it expects it blocking. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int tcp_connect(const char *address, int port, int timeout_s,
    char *peer, size_t peersz, char **cause)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int64_t deadline = util_now_ms() + (int64_t)timeout_s * 1000;
	int fd = -1, rc, refused = 0, timedout = 0, other = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof service, "%d", port);
	rc = getaddrinfo(address, service, &hints, &res);
	if (rc != 0) {
		*cause = xasprintf("%s does not resolve: %s", address,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		fd = tcp_try(ai, deadline);
		if (fd != -1)
			break;
		if (errno == ECONNREFUSED)
			refused = 1;
		else if (errno == ETIMEDOUT)
			timedout = 1;
		else
			other = errno;
		if (util_now_ms() >= deadline)
			break;
	}
	if (fd != -1 && getnameinfo(ai->ai_addr, ai->ai_addrlen, peer,
	    (socklen_t)peersz, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(peer, peersz, "%s", address);
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
	if (refused)
		*cause = xasprintf("%s port %d refused the connection (is "
		    "sshd running there?)", address, port);
	else if (timedout)
		*cause = xasprintf("%s port %d did not answer within %d s",
		    address, port, timeout_s);
	else
		*cause = xasprintf("cannot connect to %s port %d: %s",
		    address, port, strerror(other));
	return -1;
}

static int set_options(struct sshc *s, const char *known, char **cause)
{
	long timeout = s->timeout_s;
	int no = 0;

	/* The system's known hosts and ~/.ssh/config must not decide
	 * anything: hvdeck trusts its own file only. */
	if (ssh_options_set(s->ss, SSH_OPTIONS_HOST, s->address) < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_PORT, &s->port) < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_USER, s->user) < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_KNOWNHOSTS, known) < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
	    "/dev/null") < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_TIMEOUT, &timeout) < 0) {
		*cause = xasprintf("libssh options: %s",
		    ssh_get_error(s->ss));
		return -1;
	}
	return 0;
}

int sshc_connect(const char *address, int port, const char *user,
    int timeout_s, struct sshc **out, char **cause)
{
	struct sshc *s;
	char *known;
	int fd;

	if (address == NULL || address[0] == '\0' || address[0] == '-' ||
	    strchr(address, '@') != NULL) {
		*cause = xasprintf("bad address '%s'", address ? address : "");
		return -1;
	}
	if ((known = sshkey_known_hosts_path()) == NULL) {
		*cause = xstrdup("no home directory for hvdeck's known_hosts "
		    "(set HOME or XDG_CONFIG_HOME)");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->address = xstrdup(address);
	s->port = port > 0 ? port : 22;
	s->user = xstrdup(user != NULL && user[0] != '\0' ? user : "root");
	s->timeout_s = timeout_s > 0 ? timeout_s : 10;
	fd = tcp_connect(address, s->port, s->timeout_s, s->peer,
	    sizeof s->peer, cause);
	if (fd == -1)
		goto fail;
	if ((s->ss = ssh_new()) == NULL) {
		close(fd);
		*cause = xstrdup("libssh: cannot make a session");
		goto fail;
	}
	if (set_options(s, known, cause) == -1 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_FD, &fd) < 0) {
		close(fd);
		goto fail;
	}
	/* From here libssh owns the socket. */
	if (ssh_connect(s->ss) != SSH_OK) {
		*cause = xasprintf("%s port %d does not speak SSH (no "
		    "handshake): %s", address, s->port, ssh_get_error(s->ss));
		goto fail;
	}
	free(known);
	*out = s;
	return 0;
fail:
	free(known);
	sshc_free(s);
	return -1;
}

void sshc_free(struct sshc *s)
{
	if (s == NULL)
		return;
	if (s->ss != NULL) {
		ssh_disconnect(s->ss);
		ssh_free(s->ss);
	}
	free(s->address);
	free(s->user);
	free(s);
}

const char *sshc_peer_address(const struct sshc *s)
{
	return s->peer;
}

/* ---- the host key ---- */

/* The server's key as "type" and base64 (caller frees *b64 with
 * ssh_string_free_char). */
static int server_key(struct sshc *s, char *type, size_t typesz,
    char **b64, char **cause)
{
	ssh_key key = NULL;

	if (ssh_get_server_publickey(s->ss, &key) != SSH_OK) {
		*cause = xasprintf("no host key from %s: %s", s->address,
		    ssh_get_error(s->ss));
		return -1;
	}
	snprintf(type, typesz, "%s", ssh_key_type_to_char(ssh_key_type(key)));
	if (ssh_pki_export_pubkey_base64(key, b64) != SSH_OK) {
		ssh_key_free(key);
		*cause = xasprintf("cannot read the host key of %s",
		    s->address);
		return -1;
	}
	ssh_key_free(key);
	return 0;
}

int sshc_hostkey(struct sshc *s, struct sshc_hostkey *k, char **cause)
{
	char *b64 = NULL, *path;
	int st;

	memset(k, 0, sizeof *k);
	if (server_key(s, k->type, sizeof k->type, &b64, cause) == -1)
		return -1;
	if (sshknown_fingerprint(k->type, b64, k->fingerprint,
	    sizeof k->fingerprint) == -1) {
		ssh_string_free_char(b64);
		*cause = xasprintf("cannot hash the host key of %s",
		    s->address);
		return -1;
	}
	st = sshknown_lookup(s->address, s->port, k->type, b64,
	    &k->known_line, k->known_fingerprint, cause);
	ssh_string_free_char(b64);
	if (st == -1)
		return -1;
	k->status = (enum sshc_key_status)st;
	if (st == SSHC_KEY_CHANGED && (path = sshkey_known_hosts_path()) !=
	    NULL) {
		snprintf(k->known_path, sizeof k->known_path, "%s", path);
		free(path);
	}
	return 0;
}

/* Accept or replace: the server's key written to hvdeck's known_hosts. */
static int store_key(struct sshc *s, int replace, char **cause)
{
	struct sshc_hostkey k;
	char type[32], *b64 = NULL;
	int rc;

	if (sshc_hostkey(s, &k, cause) == -1)
		return -1;
	if (k.status == SSHC_KEY_KNOWN && !replace)
		return 0;
	if (k.status == SSHC_KEY_CHANGED && !replace) {
		*cause = xasprintf("the host key of %s changed (%s line %d): "
		    "refusing to accept it; use 'hvdeck host rekey' if the "
		    "change is legitimate", s->address, k.known_path,
		    k.known_line);
		return -1;
	}
	if (server_key(s, type, sizeof type, &b64, cause) == -1)
		return -1;
	if (replace)
		rc = sshknown_replace(s->address, s->port, type, b64, cause);
	else
		rc = sshknown_add(s->address, s->port, type, b64, cause);
	ssh_string_free_char(b64);
	if (rc == 0)
		log_msg(LOG_INFO, "known_hosts: %s %s key of %s port %d (%s)",
		    replace ? "replaced by the" : "added the", type,
		    s->address, s->port, k.fingerprint);
	return rc;
}

int sshc_hostkey_accept(struct sshc *s, char **cause)
{
	return store_key(s, 0, cause);
}

int sshc_hostkey_replace(struct sshc *s, char **cause)
{
	return store_key(s, 1, cause);
}

/* ---- authentication ---- */

static int auth_result(struct sshc *s, int rc, const char *how,
    char **cause)
{
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		return 0;
	case SSH_AUTH_DENIED:
		return 1;
	case SSH_AUTH_PARTIAL:
		*cause = xasprintf("%s@%s accepted %s but asks for more "
		    "(multi-factor login is not supported)", s->user,
		    s->address, how);
		return -1;
	default:
		*cause = xasprintf("login to %s@%s failed: %s", s->user,
		    s->address, ssh_get_error(s->ss));
		return -1;
	}
}

int sshc_auth_key(struct sshc *s, char **cause)
{
	ssh_key key = NULL;
	char *path;
	int rc;

	if (sshkey_ensure(NULL, cause) == -1)
		return -1;
	if ((path = sshkey_private_path()) == NULL) {
		*cause = xstrdup("no home directory for hvdeck's SSH key");
		return -1;
	}
	rc = ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key);
	if (rc != SSH_OK) {
		*cause = xasprintf("cannot read hvdeck's SSH key %s", path);
		free(path);
		return -1;
	}
	free(path);
	rc = ssh_userauth_publickey(s->ss, NULL, key);
	ssh_key_free(key);
	return auth_result(s, rc, "hvdeck's key", cause);
}

int sshc_password_allowed(struct sshc *s)
{
	int methods = ssh_userauth_list(s->ss, NULL);

	return methods == 0 || (methods & SSH_AUTH_METHOD_PASSWORD) != 0;
}

int sshc_auth_password(struct sshc *s, const char *password, char **cause)
{
	int methods, rc;

	methods = ssh_userauth_list(s->ss, NULL);
	if (methods == 0) {
		/* The server tells the methods in its answer to a first
		 * attempt: "none" asks without giving anything away. */
		rc = ssh_userauth_none(s->ss, NULL);
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
		if (rc == SSH_AUTH_ERROR)
			return auth_result(s, rc, "", cause);
		methods = ssh_userauth_list(s->ss, NULL);
	}
	if ((methods & SSH_AUTH_METHOD_PASSWORD) == 0) {
		*cause = xasprintf("%s does not allow password login for %s "
		    "(PasswordAuthentication in its sshd_config)",
		    s->address, s->user);
		return 1;
	}
	rc = ssh_userauth_password(s->ss, NULL, password);
	rc = auth_result(s, rc, "the password", cause);
	if (rc == 1)
		*cause = xasprintf("wrong password for %s@%s", s->user,
		    s->address);
	return rc;
}

/* ---- commands ---- */

char *sshc_shell_quote(const char *s)
{
	size_t n = 3, i;
	char *q, *p;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '\'' ? 4 : 1;
	q = p = xmalloc(n);
	*p++ = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else
			*p++ = *s;
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

/* Read what the command prints until it ends: stdout kept (up to the
 * cap), stderr drained so a chatty command cannot stall on a full
 * window. */
static int exec_read(struct sshc *s, ssh_channel ch, char **out,
    char **cause)
{
	char buf[4096], *acc = xmalloc(1);
	size_t len = 0;
	int64_t deadline = util_now_ms() + 120 * 1000;
	int n, e;

	acc[0] = '\0';
	while (!ssh_channel_is_eof(ch)) {
		if (util_now_ms() > deadline) {
			*cause = xasprintf("a command on %s ran over 120 s",
			    s->address);
			free(acc);
			return -1;
		}
		n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 200);
		if (n == SSH_ERROR)
			goto broke;
		if (n > 0 && len < EXEC_OUT_MAX) {
			if ((size_t)n > EXEC_OUT_MAX - len)
				n = (int)(EXEC_OUT_MAX - len);
			acc = xrealloc(acc, len + (size_t)n + 1);
			memcpy(acc + len, buf, (size_t)n);
			len += (size_t)n;
			acc[len] = '\0';
		}
		do {
			e = ssh_channel_read_nonblocking(ch, buf, sizeof buf,
			    1);
		} while (e > 0);
		if (e == SSH_ERROR)
			goto broke;
	}
	*out = acc;
	return 0;
broke:
	*cause = xasprintf("the session to %s broke: %s", s->address,
	    ssh_get_error(s->ss));
	free(acc);
	return -1;
}

int sshc_exec(struct sshc *s, const char *command, char **out,
    int *status, char **cause)
{
	ssh_channel ch;
	char *q, *line, *acc = NULL;

	if ((ch = ssh_channel_new(s->ss)) == NULL ||
	    ssh_channel_open_session(ch) != SSH_OK) {
		*cause = xasprintf("cannot open a channel to %s: %s",
		    s->address, ssh_get_error(s->ss));
		ssh_channel_free(ch);
		return -1;
	}
	/* The login shell could be anything: run the command by sh. */
	q = sshc_shell_quote(command);
	line = xasprintf("sh -c %s", q);
	free(q);
	if (ssh_channel_request_exec(ch, line) != SSH_OK) {
		*cause = xasprintf("cannot run a command on %s: %s",
		    s->address, ssh_get_error(s->ss));
		free(line);
		ssh_channel_free(ch);
		return -1;
	}
	free(line);
	if (exec_read(s, ch, &acc, cause) == -1) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
		return -1;
	}
	ssh_channel_send_eof(ch);
	*status = ssh_channel_get_exit_status(ch);
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	if (out != NULL)
		*out = acc;
	else
		free(acc);
	return 0;
}

int sshc_install_key(struct sshc *s, int *added, char **cause)
{
	char *pub = NULL, *blob, *sp, *cmd, *out = NULL;
	int status = -1, rc = -1;

	if (sshkey_ensure(&pub, cause) == -1)
		return -1;
	/* The line is "type base64 hvdeck@host" with a sanitised host, so
	 * single quotes hold it; a key is present when any line has its
	 * base64 as a field (options in front of it count). */
	blob = xstrdup(strchr(pub, ' ') != NULL ? strchr(pub, ' ') + 1 : pub);
	if ((sp = strchr(blob, ' ')) != NULL)
		*sp = '\0';
	cmd = xasprintf(
	    "umask 077; d=\"$HOME/.ssh\"; f=\"$d/authorized_keys\"; "
	    "mkdir -p \"$d\" && chmod 700 \"$d\" && touch \"$f\" && "
	    "chmod 600 \"$f\" || exit 3; "
	    "if awk -v k='%s' '{for(i=1;i<=NF;i++) if($i==k) f=1} "
	    "END{exit !f}' \"$f\"; then echo hvdeck-key-present; exit 0; fi; "
	    "if [ -s \"$f\" ] && [ -n \"$(tail -c 1 \"$f\")\" ]; then "
	    "echo >> \"$f\"; fi; "
	    "echo '%s' >> \"$f\" && echo hvdeck-key-added",
	    blob, pub);
	if (sshc_exec(s, cmd, &out, &status, cause) == -1)
		goto done;
	if (status == 0 && strstr(out, "hvdeck-key-added") != NULL) {
		*added = 1;
		rc = 0;
	} else if (status == 0 && strstr(out, "hvdeck-key-present") != NULL) {
		*added = 0;
		rc = 0;
	} else
		*cause = xasprintf("cannot add hvdeck's key to ~%s/.ssh/"
		    "authorized_keys on %s (exit status %d)", s->user,
		    s->address, status);
done:
	free(out);
	free(cmd);
	free(blob);
	free(pub);
	return rc;
}
