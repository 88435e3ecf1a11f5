/* ssh-key.c — hvdeck's own ed25519 identity, beside its configuration.
 *
 * The private key is written to a unique temporary file made 0600 and
 * then linked to its name (atomic-file.h), so it is never readable by
 * others for an instant (no umask games, which would reach every thread)
 * and an existing key is never replaced. Making it and its .pub happens
 * under the key's lock (id_ed25519.lock), so two threads or two hvdecks
 * make one key between them. */
#include "virt/ssh.h"
#include "core/atomic-file.h"
#include "core/config.h"
#include "core/log.h"
#include "core/util.h"

#include <libssh/libssh.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sshkey_dir(void)
{
	/* The directory of the default configuration file: one rule for
	 * where hvdeck keeps its files (config.c). */
	char *conf = config_default_path();
	char *slash;

	if (conf == NULL)
		return NULL;
	slash = strrchr(conf, '/');
	if (slash != NULL)
		*slash = '\0';
	return conf;
}

static char *in_dir(const char *name)
{
	char *dir = sshkey_dir();
	char *p;

	if (dir == NULL)
		return NULL;
	p = xasprintf("%s/%s", dir, name);
	free(dir);
	return p;
}

char *sshkey_private_path(void)
{
	return in_dir("id_ed25519");
}

char *sshkey_known_hosts_path(void)
{
	return in_dir("known_hosts");
}

/* mkdir -p for the parents (default modes: they are ~/.config). */
static int make_parents(const char *dir, char **cause)
{
	char *p = xstrdup(dir);
	char *s;

	for (s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			*cause = xasprintf("cannot create %s: %s", p,
			    strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

int sshkey_dir_ensure(char **dir_out, char **cause)
{
	char *dir = sshkey_dir();
	struct stat st;

	if (dir == NULL) {
		*cause = xstrdup("no home directory for hvdeck's SSH key "
		    "(set HOME or XDG_CONFIG_HOME)");
		return -1;
	}
	if (make_parents(dir, cause) == -1)
		goto fail;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		goto fail;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s is not a directory", dir);
		goto fail;
	}
	/* Someone else could swap the key or known_hosts under us: refuse
	 * rather than "fix" a directory that may already be tampered with. */
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		*cause = xasprintf("%s is writable by others or not owned by "
		    "you: refusing to keep hvdeck's SSH key there (check it, "
		    "then chmod 700 it)", dir);
		goto fail;
	}
	if ((st.st_mode & 077) != 0 && chmod(dir, 0700) == -1) {
		*cause = xasprintf("chmod 700 %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (dir_out != NULL)
		*dir_out = dir;
	else
		free(dir);
	return 0;
fail:
	free(dir);
	return -1;
}

/* The host part of the key's comment: letters, digits, '.', '-', '_'
 * only, so the line is safe inside single quotes on a remote shell. */
static char *comment_host(void)
{
	char host[256] = "";
	char *p;

	if (gethostname(host, sizeof host - 1) == -1 || host[0] == '\0')
		snprintf(host, sizeof host, "localhost");
	for (p = host; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			*p = '_';
	}
	return xstrdup(host);
}

/* "ssh-ed25519 AAAA... hvdeck@HOST" of a key. */
static int pub_line_of(ssh_key key, char **line, char **cause)
{
	char *b64 = NULL, *host;

	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		*cause = xstrdup("cannot export hvdeck's public key");
		return -1;
	}
	host = comment_host();
	*line = xasprintf("%s %s hvdeck@%s",
	    ssh_key_type_to_char(ssh_key_type(key)), b64, host);
	ssh_string_free_char(b64);
	free(host);
	return 0;
}

/* The first line of the .pub file when it holds the same key (its
 * comment stays stable across hostname changes), else NULL. */
static char *read_pub(const char *path, const char *want)
{
	char buf[1024];
	FILE *f = fopen(path, "re");
	const char *sp;
	size_t n;

	if (f == NULL)
		return NULL;
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	/* Same "type base64" prefix as the private key's. */
	sp = strchr(want, ' ');
	sp = sp != NULL ? strchr(sp + 1, ' ') : NULL;
	n = sp != NULL ? (size_t)(sp - want) : strlen(want);
	if (strncmp(buf, want, n) != 0 || (buf[n] != ' ' && buf[n] != '\0'))
		return NULL;
	if (strchr(buf, '\'') != NULL)
		return NULL;
	return xstrdup(buf);
}

static int load_key(const char *path, ssh_key *key, char **cause)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return 1;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		*cause = xasprintf("%s is not a regular file of yours", path);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("%s is readable by others: refusing to use "
		    "it (chmod 600 it if it is still secret)", path);
		return -1;
	}
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, key) !=
	    SSH_OK) {
		*cause = xasprintf("cannot read hvdeck's SSH key %s", path);
		return -1;
	}
	return 0;
}

static int generate_key(const char *path, char **cause)
{
	ssh_key key = NULL;
	char *b64 = NULL;
	int rc;

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		*cause = xstrdup("cannot generate an ed25519 key (libssh)");
		return -1;
	}
	if (ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &b64) !=
	    SSH_OK) {
		ssh_key_free(key);
		*cause = xstrdup("cannot export the new key (libssh)");
		return -1;
	}
	ssh_key_free(key);
	rc = atomic_file_write(path, b64, strlen(b64), 0600,
	    ATOMIC_FILE_CREATE, cause);
	util_wipe(b64, strlen(b64));
	ssh_string_free_char(b64);
	if (rc == 0)
		log_msg(LOG_INFO, "made hvdeck's SSH key %s", path);
	return rc;
}

/* The key at path (made when missing) and its .pub line in *line. */
static int ensure_locked(const char *path, const char *pub, char **line,
    char **cause)
{
	ssh_key key = NULL;
	char *saved, *text;
	int rc = load_key(path, &key, cause);

	if (rc == 1) {
		char *err = NULL;

		/* an hvdeck of a version without the lock may have made it
		 * first: then that one is loaded */
		if (generate_key(path, &err) == -1 && access(path, F_OK) == -1) {
			*cause = err;
			return -1;
		}
		free(err);
		rc = load_key(path, &key, cause);
	}
	if (rc != 0 || pub_line_of(key, line, cause) == -1) {
		ssh_key_free(key);
		return -1;
	}
	ssh_key_free(key);
	saved = read_pub(pub, *line);
	if (saved != NULL) {
		free(*line);
		*line = saved;
		return 0;
	}
	text = xasprintf("%s\n", *line);
	rc = atomic_file_write(pub, text, strlen(text), 0644,
	    ATOMIC_FILE_REPLACE, cause);
	free(text);
	if (rc != 0) {
		free(*line);
		*line = NULL;
	}
	return rc;
}

int sshkey_ensure(char **pub_line, char **cause)
{
	struct atomic_file_lock *lk;
	char *dir, *path, *pub, *line = NULL;
	int rc;

	if (sshkey_dir_ensure(&dir, cause) == -1)
		return -1;
	path = xasprintf("%s/id_ed25519", dir);
	pub = xasprintf("%s/id_ed25519.pub", dir);
	rc = atomic_file_lock(path, &lk, cause);
	if (rc == 0) {
		rc = ensure_locked(path, pub, &line, cause);
		atomic_file_unlock(lk);
	}
	if (rc == 0 && pub_line != NULL)
		*pub_line = line;
	else
		free(line);
	free(dir);
	free(path);
	free(pub);
	return rc;
}
