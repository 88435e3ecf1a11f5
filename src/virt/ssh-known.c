/* ssh-known.c — hvdeck's own known_hosts file: look up, add, replace and
 * remove a host's lines. Host names are matched by libssh's own parser
 * (plain, patterns, hashed "|1|" names), so hvdeck agrees with what
 * libvirt's libssh transport will find in the same file. */
#include "virt/ssh.h"
#include "core/atomic-file.h"
#include "core/util.h"

#include <libssh/libssh.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sshknown_host_name(const char *address, int port)
{
	char *name, *p;

	if (port == 0 || port == 22)
		name = xstrdup(address);
	else
		name = xasprintf("[%s]:%d", address, port);
	/* libssh lowercases the host before it looks it up. */
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return name;
}

int sshknown_fingerprint(const char *type, const char *b64, char *out,
    size_t outsz)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp;

	if (ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type),
	    &key) != SSH_OK)
		return -1;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0) {
		ssh_key_free(key);
		return -1;
	}
	ssh_key_free(key);
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return -1;
	snprintf(out, outsz, "%s", fp);
	ssh_string_free_char(fp);
	return 0;
}

/* The lines of the file (each without its newline): *lines (free each
 * and the array). A missing file has none. */
static int read_lines(const char *path, char ***lines, size_t *n,
    char **cause)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;

	*lines = NULL;
	*n = 0;
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while ((len = getline(&buf, &cap, f)) != -1) {
		if (len > 0 && buf[len - 1] == '\n')
			buf[len - 1] = '\0';
		*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
		(*lines)[(*n)++] = xstrdup(buf);
	}
	free(buf);
	fclose(f);
	return 0;
}

static void free_lines(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* 1 when the line is about host (libssh's matching), 0 when not or it
 * is a comment. *e (may be NULL) gets the parsed entry when it parses. */
static int line_matches(const char *host, const char *line,
    struct ssh_knownhosts_entry **e)
{
	struct ssh_knownhosts_entry *entry = NULL;
	const char *p = line;
	int rc;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	rc = ssh_known_hosts_parse_line(host, p, &entry);
	if (rc == SSH_AGAIN)
		return 0;
	/* SSH_ERROR after the name matched: an unreadable key of this
	 * host's, still its line. */
	if (e != NULL)
		*e = rc == SSH_OK ? entry : NULL;
	else
		ssh_knownhosts_entry_free(entry);
	return 1;
}

static char *known_path(char **cause)
{
	char *path = sshkey_known_hosts_path();

	if (path == NULL)
		*cause = xstrdup("no home directory for hvdeck's known_hosts "
		    "(set HOME or XDG_CONFIG_HOME)");
	return path;
}

int sshknown_lookup(const char *address, int port, const char *type,
    const char *b64, int *line, char *fingerprint, char **cause)
{
	char *path, *host, **lines;
	struct ssh_knownhosts_entry *e;
	ssh_key key = NULL;
	size_t n, i;
	int st = SSHC_KEY_UNKNOWN;

	if ((path = known_path(cause)) == NULL)
		return -1;
	if (read_lines(path, &lines, &n, cause) == -1) {
		free(path);
		return -1;
	}
	free(path);
	if (ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type),
	    &key) != SSH_OK) {
		free_lines(lines, n);
		*cause = xasprintf("cannot read the server's %s key", type);
		return -1;
	}
	host = sshknown_host_name(address, port);
	for (i = 0; i < n && st != SSHC_KEY_KNOWN; i++) {
		e = NULL;
		if (!line_matches(host, lines[i], &e))
			continue;
		if (e != NULL && e->publickey != NULL &&
		    ssh_key_cmp(e->publickey, key, SSH_KEY_CMP_PUBLIC) == 0)
			st = SSHC_KEY_KNOWN;
		else if (st == SSHC_KEY_UNKNOWN) {
			st = SSHC_KEY_CHANGED;
			*line = (int)i + 1;
			snprintf(fingerprint, 96, "(unreadable key)");
			if (e != NULL && e->publickey != NULL) {
				char *kb = NULL;

				if (ssh_pki_export_pubkey_base64(e->publickey,
				    &kb) == SSH_OK)
					(void)sshknown_fingerprint(
					    ssh_key_type_to_char(
					    ssh_key_type(e->publickey)), kb,
					    fingerprint, 96);
				ssh_string_free_char(kb);
			}
		}
		ssh_knownhosts_entry_free(e);
	}
	ssh_key_free(key);
	free(host);
	free_lines(lines, n);
	return st;
}

/* The known_hosts path (caller frees), its directory checked and its
 * lock taken in *lk: every change of the file holds it, so a rewrite never
 * renames its copy over a line appended meanwhile. NULL with *cause. */
static char *lock_known(struct atomic_file_lock **lk, char **cause)
{
	char *path;

	if (sshkey_dir_ensure(NULL, cause) == -1)
		return NULL;
	if ((path = known_path(cause)) == NULL)
		return NULL;
	if (atomic_file_lock(path, lk, cause) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Everything but the host's lines, plus add (may be NULL) at the end;
 * *count: the lines left out. Caller frees. */
static char *without_host(char **lines, size_t n, const char *host,
    const char *add, int *count)
{
	size_t i, len = 0, cap = 1;
	char *text;

	for (i = 0; i < n; i++)
		cap += strlen(lines[i]) + 1;
	cap += add != NULL ? strlen(add) + 1 : 0;
	text = xmalloc(cap);
	text[0] = '\0';
	*count = 0;
	for (i = 0; i < n; i++) {
		if (line_matches(host, lines[i], NULL)) {
			(*count)++;
			continue;
		}
		len += (size_t)snprintf(text + len, cap - len, "%s\n",
		    lines[i]);
	}
	if (add != NULL)
		snprintf(text + len, cap - len, "%s\n", add);
	return text;
}

/* Rewrite the file without the host's lines, plus add (may be NULL) at
 * the end, holding the lock from the read to the rename. */
static int rewrite(const char *address, int port, const char *add,
    int *removed, char **cause)
{
	struct atomic_file_lock *lk;
	char *path, *host, **lines, *text;
	size_t n;
	int rc, count = 0;

	if ((path = lock_known(&lk, cause)) == NULL)
		return -1;
	rc = read_lines(path, &lines, &n, cause);
	if (rc == 0) {
		host = sshknown_host_name(address, port);
		text = without_host(lines, n, host, add, &count);
		if (count > 0 || add != NULL)
			rc = atomic_file_write(path, text, strlen(text), 0600,
			    ATOMIC_FILE_REPLACE, cause);
		free(text);
		free(host);
		free_lines(lines, n);
	}
	atomic_file_unlock(lk);
	if (removed != NULL)
		*removed = count;
	free(path);
	return rc;
}

int sshknown_remove(const char *address, int port, int *removed,
    char **cause)
{
	return rewrite(address, port, NULL, removed, cause);
}

static char *entry_line(const char *address, int port, const char *type,
    const char *b64)
{
	char *host = sshknown_host_name(address, port);
	char *line = xasprintf("%s %s %s", host, type, b64);

	free(host);
	return line;
}

int sshknown_replace(const char *address, int port, const char *type,
    const char *b64, char **cause)
{
	char *line = entry_line(address, port, type, b64);
	int rc = rewrite(address, port, line, NULL, cause);

	free(line);
	return rc;
}

/* Append line to the open file, on a line of its own. */
static int append_line(int fd, const char *line)
{
	struct stat st;
	char last = '\n', *text;
	ssize_t len;
	int rc = 0;

	/* A last line without its newline must not swallow ours. */
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	text = xasprintf("%s%s\n", last == '\n' ? "" : "\n", line);
	len = (ssize_t)strlen(text);
	if (write(fd, text, (size_t)len) != len || fsync(fd) == -1)
		rc = -1;
	free(text);
	return rc;
}

int sshknown_add(const char *address, int port, const char *type,
    const char *b64, char **cause)
{
	struct atomic_file_lock *lk;
	char *path, *line;
	int fd, rc = -1;

	if ((path = lock_known(&lk, cause)) == NULL)
		return -1;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	line = entry_line(address, port, type, b64);
	if (fd == -1)
		*cause = xasprintf("cannot open %s: %s", path,
		    strerror(errno));
	else if (append_line(fd, line) != 0)
		*cause = xasprintf("cannot write %s: %s", path,
		    strerror(errno));
	else
		rc = 0;
	if (fd != -1)
		close(fd);
	atomic_file_unlock(lk);
	free(line);
	free(path);
	return rc;
}
