/* srv.c — where the server of a cluster listens (srv.h): the socket
 * directory, checked as tmux checks its own, and the socket and lock
 * named from a hash of the configuration's absolute path; which commands
 * go to it. */
#include "srv/srv.h"
#include "cmd/cmd-derive.h"
#include "cmd/cmd-desktop.h"
#include "cmd/cmd-drain.h"
#include "cmd/cmd-host.h"
#include "cmd/cmd-opts.h"
#include "cmd/cmd-volume.h"
#include "cmd/cmd.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *socket_override;

void srv_set_socket(const char *path)
{
	socket_override = path;
}

/* The configuration's absolute path: resolved when it exists (a symlink
 * or a relative -c names the same cluster), else made absolute. */
static char *absolute(const char *path)
{
	char buf[PATH_MAX], *r, *cwd;

	if ((r = realpath(path, buf)) != NULL)
		return xstrdup(r);
	if (path[0] == '/' || (cwd = getcwd(buf, sizeof buf)) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

/* FNV-1a, 64 bits: a name per cluster, not a secret. */
static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static char *socket_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/hvdeck", xdg);
	return xasprintf("/tmp/hvdeck-%lu", (unsigned long)getuid());
}

/* dir is ours and closed to others: 0, 1 when it does not exist, -1 with
 * *cause. */
static int check_dir(const char *dir, char **cause)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		*cause = xasprintf("socket directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		*cause = xasprintf("socket directory %s is not a directory", dir);
	else if (st.st_uid != getuid())
		*cause = xasprintf("socket directory %s is owned by uid %lu, not "
		    "by you (uid %lu): refusing it (or run with --no-server)", dir,
		    (unsigned long)st.st_uid, (unsigned long)getuid());
	else if ((st.st_mode & 077) != 0)
		*cause = xasprintf("socket directory %s is open to others (mode "
		    "%04o, want 0700): refusing it (or run with --no-server)", dir,
		    (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return -1;
}

static int make_dir(const char *dir, int make, char **cause)
{
	int rc = check_dir(dir, cause);

	if (rc != 1 || !make)
		return rc;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		*cause = xasprintf("socket directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	rc = check_dir(dir, cause);	/* made by another first: its check */
	if (rc == 1)
		*cause = xasprintf("socket directory %s: gone as it was made", dir);
	return rc == 1 ? -1 : rc;
}

int srv_paths(const char *config_path, int make, struct srv_paths *p,
    char **cause)
{
	char *dir;

	memset(p, 0, sizeof *p);
	p->key = absolute(config_path != NULL ? config_path : "");
	if (socket_override != NULL) {
		p->socket = xstrdup(socket_override);
	} else {
		dir = socket_dir();
		if (make_dir(dir, make, cause) < 0) {
			free(dir);
			srv_paths_free(p);
			return -1;
		}
		p->socket = xasprintf("%s/cluster-%016llx.sock", dir,
		    (unsigned long long)hash(p->key));
		free(dir);
	}
	p->lock = xasprintf("%s.lock", p->socket);
	return 0;
}

void srv_paths_free(struct srv_paths *p)
{
	free(p->socket);
	free(p->lock);
	free(p->key);
	memset(p, 0, sizeof *p);
}

int srv_lock_held(const char *config_path)
{
	struct srv_paths p;
	char *cause = NULL;
	int fd, held = 0;

	if (srv_paths(config_path, 0, &p, &cause) < 0) {
		free(cause);
		return 0;
	}
	fd = open(p.lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
		close(fd);	/* a shared lock taken goes with it */
	}
	srv_paths_free(&p);
	return held;
}

int srv_wanted(const struct cmd_entry *e)
{
	return e != NULL && (e->flags & CMD_CLI) &&
	    !(e->flags & (CMD_LOCAL | CMD_NO_CONFIG));
}

/* The console's own entries that act through the engine, which an
 * attached console has not, or on the server's jobs for every console
 * (dismiss): its server runs them. */
static const char *const engine_entries[] = {
	"desktop migrate", "pool refresh", "host reconnect", "job dismiss",
	"job dismiss-finished",
};

int srv_console_flavour(const struct cmd_entry *e, const struct cmd_opts *o)
{
	if (e == NULL)
		return 0;
	/* the console's form asked first: only its --yes (or a dry run)
	 * comes here, and the console path of a drain asks nothing more */
	if (e->exec == cmd_drain_exec)
		return cmd_opt(o, "yes") != NULL || cmd_opt(o, "dry-run") != NULL;
	return e->exec == cmd_desktop_exec || e->exec == cmd_host_remove_exec ||
	    e->exec == cmd_volume_exec_delete || e->exec == cmd_derive_exec;
}

int srv_console_entry(const struct cmd_entry *e)
{
	size_t i;

	if (e == NULL || (e->flags & CMD_CLI))
		return 0;
	if ((e->flags & CMD_SEL_JOB) && !(e->flags & CMD_READ_ONLY_OK))
		return 1;
	for (i = 0; i < sizeof engine_entries / sizeof engine_entries[0]; i++)
		if (strcmp(e->name, engine_entries[i]) == 0)
			return 1;
	return 0;
}

int srv_sockaddr(const char *path, struct sockaddr_un *sa, char **cause)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path) {
		*cause = xasprintf("socket path too long: %s", path);
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}
