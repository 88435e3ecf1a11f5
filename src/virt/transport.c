/* transport.c — the URI hvdeck opens for a host, and the one it writes.
 *
 * Why not qemu+libssh: libvirt 9.0's libssh client leaves the libssh
 * session's buffered data to a GLib source that outlives the call that
 * made it (virNetClientIOEventLoop with a zero timeout whenever the socket
 * has cached data); a later dispatch then calls through a dead stack frame
 * (a segfault once the groups pool passed ~50 volumes) or quits a freed
 * loop (GLib-CRITICAL g_main_loop_quit with two hosts of ~150 desktops).
 * OpenSSH behind qemu+ssh is a plain pipe to libvirt: no cached data, no
 * such path. The wrapper (libexec/hvdeck-ssh) keeps the trust hvdeck's
 * libssh URIs had: hvdeck's key, hvdeck's known_hosts, nothing else. */
#include "virt/transport.h"
#include "virt/ssh.h"
#include "core/log.h"
#include "core/util.h"

#include <ctype.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HVDECK_DATADIR
#define HVDECK_DATADIR "/usr/local/share/hvdeck"
#endif

#define LIBSSH_SCHEME "qemu+libssh://"
#define SSH_SCHEME "qemu+ssh://"

static char *executable(char *path)
{
	if (access(path, X_OK) == 0)
		return path;
	free(path);
	return NULL;
}

char *transport_wrapper_path(void)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = executable(xasprintf("%s/%s", self, TRANSPORT_WRAPPER));
			if (p != NULL)
				return p;
		}
	}
	return executable(xasprintf("%s/%s", HVDECK_DATADIR,
	    TRANSPORT_WRAPPER));
}

/* Percent-encode what a URI query value cannot carry as it is. */
static char *query_escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("/-._~", *s) != NULL)
			*o++ = *s;
		else
			o += sprintf(o, "%%%02X", (unsigned char)*s);
	}
	*o = '\0';
	return out;
}

static char *query_unescape(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	size_t i;
	unsigned v;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2]) &&
		    sscanf(s + i + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* The raw value of parameter name in query (caller frees), NULL if absent. */
static char *param_raw(const char *query, const char *name)
{
	size_t nl = strlen(name), len;
	const char *p = query;

	while (p != NULL && *p != '\0') {
		len = strcspn(p, "&");
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=')
			return xstrndup(p + nl + 1, len - nl - 1);
		p = p[len] == '&' ? p + len + 1 : NULL;
	}
	return NULL;
}

static char *param(const char *query, const char *name)
{
	char *raw = param_raw(query, name), *v;

	if (raw == NULL)
		return NULL;
	v = query_unescape(raw, strlen(raw));
	free(raw);
	return v;
}

/* The parameters libssh understood and OpenSSH does not need (the wrapper
 * verifies against the known_hosts beside the key, always), or the ones
 * the rewrite sets itself. */
static int dropped(const char *p, size_t len)
{
	static const char *const names[] = { "keyfile", "known_hosts",
		"known_hosts_verify", "sshauth", "no_verify", "command",
		"no_tty", NULL };
	size_t i, nl;

	for (i = 0; names[i] != NULL; i++) {
		nl = strlen(names[i]);
		if (len >= nl && strncmp(p, names[i], nl) == 0 &&
		    (len == nl || p[nl] == '='))
			return 1;
	}
	return 0;
}

/* "qemu+ssh://AUTH/PATH?command=W&no_tty=1&keyfile=K" + kept params. */
static char *ssh_uri(const char *rest, size_t restlen, const char *query,
    const char *wrapper, const char *keyfile)
{
	char *ew = query_escape(wrapper), *ek = query_escape(keyfile);
	char *out = xasprintf("%s%.*s?command=%s&no_tty=1&keyfile=%s",
	    SSH_SCHEME, (int)restlen, rest, ew, ek), *t;
	const char *p = query;
	size_t len;

	while (p != NULL && *p != '\0') {
		len = strcspn(p, "&");
		if (len > 0 && !dropped(p, len)) {
			t = xasprintf("%s&%.*s", out, (int)len, p);
			free(out);
			out = t;
		}
		p = p[len] == '&' ? p + len + 1 : NULL;
	}
	free(ew);
	free(ek);
	return out;
}

/* 1 when kh is the known_hosts file beside key: the one file the wrapper
 * reads, so the rewrite trusts exactly what the libssh URI trusted. */
static int beside(const char *key, const char *kh)
{
	const char *slash = strrchr(key, '/');
	size_t dl = slash != NULL ? (size_t)(slash - key) : 0;

	if (slash == NULL)
		return strcmp(kh, "known_hosts") == 0;
	return strncmp(kh, key, dl) == 0 && strcmp(kh + dl, "/known_hosts") == 0;
}

static char *from_libssh(const char *uri, const char *wrapper)
{
	const char *rest = uri + strlen(LIBSSH_SCHEME);
	const char *q = strchr(rest, '?');
	const char *query = q != NULL ? q + 1 : "";
	size_t restlen = q != NULL ? (size_t)(q - rest) : strlen(rest);
	char *key = param(query, "keyfile"), *kh = param(query, "known_hosts");
	char *out = NULL;

	if (key != NULL && kh != NULL && beside(key, kh))
		out = ssh_uri(rest, restlen, query, wrapper, key);
	free(key);
	free(kh);
	return out;
}

/* command=hvdeck-ssh (the bare name host add writes) -> the full path. */
static char *wrapper_named(const char *uri, const char *wrapper)
{
	const char *rest = uri + strlen(SSH_SCHEME);
	const char *q = strchr(rest, '?');
	char *cmd, *key, *out = NULL;

	if (q == NULL || (cmd = param(q + 1, "command")) == NULL)
		return NULL;
	if (strcmp(cmd, TRANSPORT_WRAPPER) == 0 &&
	    (key = param(q + 1, "keyfile")) != NULL) {
		out = ssh_uri(rest, (size_t)(q - rest), q + 1, wrapper, key);
		free(key);
	}
	free(cmd);
	return out;
}

char *transport_rewrite(const char *uri, const char *wrapper)
{
	if (strncmp(uri, LIBSSH_SCHEME, strlen(LIBSSH_SCHEME)) == 0)
		return from_libssh(uri, wrapper);
	if (strncmp(uri, SSH_SCHEME, strlen(SSH_SCHEME)) == 0)
		return wrapper_named(uri, wrapper);
	return NULL;
}

char *transport_uri(const char *uri)
{
	static atomic_int told;
	char *wrapper, *out;
	int libssh = strncmp(uri, LIBSSH_SCHEME, strlen(LIBSSH_SCHEME)) == 0;

	if (!libssh && strncmp(uri, SSH_SCHEME, strlen(SSH_SCHEME)) != 0)
		return xstrdup(uri);
	if ((wrapper = transport_wrapper_path()) == NULL) {
		if (libssh && !atomic_exchange(&told, 1))
			log_msg(LOG_INFO, "%s not found beside hvdeck nor in %s: "
			    "qemu+libssh:// URIs are opened as they are",
			    TRANSPORT_WRAPPER, HVDECK_DATADIR);
		return xstrdup(uri);
	}
	out = transport_rewrite(uri, wrapper);
	if (libssh && out != NULL && !atomic_exchange(&told, 1))
		log_msg(LOG_INFO, "qemu+libssh:// hosts are reached through "
		    "qemu+ssh:// and %s (libvirt's libssh client crashes at "
		    "scale); the configuration file is unchanged", wrapper);
	free(wrapper);
	return out != NULL ? out : xstrdup(uri);
}

virConnectPtr transport_open(const char *uri, virConnectAuthPtr auth,
    unsigned int flags)
{
	char *u = transport_uri(uri);
	virConnectPtr c = virConnectOpenAuth(u, auth, flags);

	free(u);
	return c;
}

char *transport_known_hosts(const char *uri)
{
	const char *q = strchr(uri, '?'), *base, *slash;
	char *kh, *cmd, *key, *out = NULL;

	if (q == NULL)
		return NULL;
	if ((kh = param(q + 1, "known_hosts")) != NULL)
		return kh;
	cmd = param(q + 1, "command");
	key = param(q + 1, "keyfile");
	if (cmd != NULL && key != NULL) {
		base = strrchr(cmd, '/') != NULL ? strrchr(cmd, '/') + 1 : cmd;
		slash = strrchr(key, '/');
		if (strcmp(base, TRANSPORT_WRAPPER) == 0)
			out = slash != NULL ? xasprintf("%.*s/known_hosts",
			    (int)(slash - key), key) : xstrdup("known_hosts");
	}
	free(cmd);
	free(key);
	return out;
}

char *transport_keyfile(const char *uri)
{
	const char *q = strchr(uri, '?');

	return q != NULL ? param(q + 1, "keyfile") : NULL;
}

char *transport_host_uri(const char *user, const char *address, int port,
    char **cause)
{
	char *key = sshkey_private_path(), *ek, *uri;
	int v6 = strchr(address, ':') != NULL;

	if (key == NULL) {
		*cause = xstrdup("no home directory for hvdeck's key");
		return NULL;
	}
	ek = query_escape(key);
	uri = xasprintf("%s%s@%s%s%s:%d/system?command=%s&no_tty=1&keyfile=%s",
	    SSH_SCHEME, user, v6 ? "[" : "", address, v6 ? "]" : "", port,
	    TRANSPORT_WRAPPER, ek);
	free(ek);
	free(key);
	return uri;
}
