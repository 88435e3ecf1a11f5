/* audit.c — the audit log: one JSON line per event, appended with
 * O_APPEND in a single write(2) so lines of concurrent writers (threads
 * or other hvdeck processes) never interleave. See audit.h for the path
 * and the fields. */
#include "core/audit.h"
#include "core/json.h"
#include "core/log.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static atomic_ulong next_id = 1;
static atomic_int complained;   /* the reason it cannot write: logged once */

char *audit_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/hvdeck/audit.log", xdg);
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/')
		return NULL;
	return xasprintf("%s/.local/state/hvdeck/audit.log", home);
}

/* "2026-11-29T10:42:39.123Z" */
static void now_iso(char *buf, size_t size)
{
	int64_t ms = util_wall_ms();
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char day[32];

	gmtime_r(&secs, &tm);
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", day, (int)(ms % 1000));
}

/* The login of the effective user: the passwd name, not $LOGNAME (which
 * anyone can set); the number when there is no passwd entry. */
static char *user_name(void)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		return xstrdup(pw.pw_name);
	return xasprintf("%lu", (unsigned long)geteuid());
}

/* The client address: the first word of SSH_CONNECTION, NULL without. */
static char *ssh_client(void)
{
	const char *c = getenv("SSH_CONNECTION");
	size_t n;

	if (c == NULL || (n = strcspn(c, " ")) == 0)
		return NULL;
	return xstrndup(c, n);
}

static void complain(const char *fmt, const char *path, const char *why)
{
	if (atomic_exchange(&complained, 1) == 0)
		log_msg(LOG_WARN, fmt, path, why);
}

/* Append one whole line. Returns 0 or -1 (complained). */
static int append(const char *line, size_t len)
{
	char *path = audit_path(), *dir, *cause = NULL;
	ssize_t w;
	int fd, rc = -1;

	if (path == NULL) {
		complain("audit log %s: %s", "(none)", "no home directory");
		return -1;
	}
	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	if (util_make_dirs(dir, &cause) < 0) {
		complain("audit log %s: %s", path, cause);
		goto out;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		complain("audit log %s: %s", path, strerror(errno));
		goto out;
	}
	/* one write(2): O_APPEND places it whole at the end */
	w = write(fd, line, len);
	if (w == (ssize_t)len)
		rc = 0;
	else
		complain("audit log %s: %s", path, w < 0 ? strerror(errno) :
		    "short write");
	close(fd);
out:
	free(cause);
	free(dir);
	free(path);
	return rc;
}

static int write_line(unsigned long id, const char *event, const char *command,
    const char *target, const char *result, const char *error)
{
	struct json j;
	char when[40], *user = user_name(), *from = ssh_client(), *line;
	int rc;

	now_iso(when, sizeof when);
	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "time", when);
	json_string(&j, "user", user);
	json_string(&j, "from", from);
	json_int(&j, "pid", (int64_t)getpid());
	json_uint(&j, "id", id);
	json_string(&j, "event", event);
	json_string(&j, "command", command);
	json_string(&j, "target", target);
	if (result != NULL) {
		json_string(&j, "result", result);
		json_string(&j, "error", error);
	}
	json_end_object(&j);
	line = xasprintf("%s\n", j.buf);
	rc = append(line, strlen(line));
	free(line);
	json_free(&j);
	free(user);
	free(from);
	return rc;
}

unsigned long audit_start(const char *command, const char *target)
{
	unsigned long id = atomic_fetch_add(&next_id, 1);

	if (write_line(id, "start", command, target, NULL, NULL) < 0)
		return 0;
	return id;
}

void audit_end(unsigned long id, const char *command, const char *target,
    const char *result, const char *error)
{
	if (id == 0)
		return;
	write_line(id, "end", command, target, result != NULL ? result : "ok",
	    error);
}

void audit_session(const char *what)
{
	write_line(0, "session", what, NULL, NULL, NULL);
}
