/* audit.c — the audit log: one JSON line per event, appended with
 * O_APPEND in a single write(2) so lines of concurrent writers (threads
 * or other hvdeck processes) never interleave. See audit.h for the path
 * and the fields. */
#include "core/audit.h"
#include "core/json.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static atomic_ulong next_id = 1;
static atomic_int complained;   /* the reason it cannot write: logged once */
static _Thread_local const char *client_user, *client_from;

void audit_set_client(const char *user, const char *from)
{
	client_user = user;
	client_from = from;
}

void audit_client(const char **user, const char **from)
{
	*user = client_user;
	*from = client_from;
}

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

	if (client_user != NULL)
		return xstrdup(client_user);
	if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		return xstrdup(pw.pw_name);
	return xasprintf("%lu", (unsigned long)geteuid());
}

/* The client address: the first word of SSH_CONNECTION, NULL without. */
static char *ssh_client(void)
{
	const char *c = getenv("SSH_CONNECTION");
	size_t n;

	if (client_user != NULL)	/* a server's client: its address */
		return xstrdup(client_from);

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

/* One JSON line (caller frees), the given pid's: an end line written for
 * a dead process carries that process's pid and id. */
static char *format_line(long pid, unsigned long id, const char *event,
    const char *command, const char *target, const char *result,
    const char *error)
{
	struct json j;
	char when[40], *user = user_name(), *from = ssh_client(), *line;

	now_iso(when, sizeof when);
	json_init(&j);
	json_begin_object(&j, NULL);
	json_string(&j, "time", when);
	json_string(&j, "user", user);
	json_string(&j, "from", from);
	json_int(&j, "pid", (int64_t)pid);
	json_uint(&j, "id", id);
	json_string(&j, "event", event);
	json_string(&j, "command", command);
	json_string(&j, "target", target);
	if (result != NULL) {
		json_string(&j, "result", result);
		json_string(&j, "error", error);
	}
	json_end_object(&j);
	line = json_take_line(&j);
	free(user);
	free(from);
	return line;
}

static int write_line(unsigned long id, const char *event, const char *command,
    const char *target, const char *result, const char *error)
{
	char *line = format_line((long)getpid(), id, event, command, target,
	    result, error);
	int rc = append(line, strlen(line));

	free(line);
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

/* ---- records a dead process left open ---- */

/* The log's tail that is scanned: a dead record older than this many bytes
 * of later lines is not looked for (a start costs one read of it). */
#define AUDIT_SCAN_MAX (4 << 20)

struct open_rec {
	long pid;
	unsigned long id;
	char *command, *target;
};

/* The number after "key": in line; -1 without one. */
static long field_num(const char *line, const char *key)
{
	char *pat = xasprintf("\"%s\":", key);
	const char *p = strstr(line, pat);
	long v = -1;

	if (p != NULL)
		v = strtol(p + strlen(pat), NULL, 10);
	free(pat);
	return v;
}

/* The string after "key": in line, unescaped (caller frees); NULL when
 * absent or null. Reads what json_string writes. */
static char *field_str(const char *line, const char *key)
{
	char *pat = xasprintf("\"%s\":\"", key), *out, *o;
	const char *p = strstr(line, pat);
	unsigned v;

	if (p == NULL) {
		free(pat);
		return NULL;
	}
	p += strlen(pat);
	free(pat);
	out = o = xmalloc(strlen(p) + 1);
	for (; *p != '\0' && *p != '"'; p++) {
		if (*p != '\\' || p[1] == '\0') {
			*o++ = *p;
			continue;
		}
		p++;
		if (*p == 'u' && sscanf(p + 1, "%4x", &v) == 1 && v < 0x80) {
			*o++ = (char)v;
			p += 4;
		} else
			*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
	}
	*o = '\0';
	return out;
}

/* Still running: alive and an hvdeck (a pid reused by another program
 * does not keep a record open). */
static int still_running(long pid)
{
	char *path, comm[64] = "";
	FILE *f;

	/* this process has written nothing yet: a record of its pid is an
	 * earlier process's */
	if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) < 0)
		return 0;
	path = xasprintf("/proc/%ld/comm", pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
	}
	free(path);
	return strncmp(comm, "hvdeck", 6) == 0;
}

/* The log's last AUDIT_SCAN_MAX bytes from a line start (caller frees). */
static char *read_tail(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END), from;
	char *buf, *nl;
	ssize_t n;

	if (size <= 0)
		return NULL;
	from = size > AUDIT_SCAN_MAX ? size - AUDIT_SCAN_MAX : 0;
	buf = xmalloc((size_t)(size - from) + 1);
	n = pread(fd, buf, (size_t)(size - from), from);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (from > 0 && (nl = strchr(buf, '\n')) != NULL)
		memmove(buf, nl + 1, strlen(nl + 1) + 1);
	return buf;
}

/* Start lines of this user without their end line, in log order. */
static struct open_rec *open_records(char *text, const char *user, size_t *n)
{
	struct open_rec *v = NULL;
	char *line, *save = NULL, *u, *ev;
	size_t i;

	*n = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		u = field_str(line, "user");
		ev = field_str(line, "event");
		if (u != NULL && ev != NULL && strcmp(u, user) == 0) {
			long pid = field_num(line, "pid"), id = field_num(line, "id");

			if (strcmp(ev, "start") == 0) {
				v = xreallocarray(v, *n + 1, sizeof *v);
				v[*n].pid = pid;
				v[*n].id = (unsigned long)id;
				v[*n].command = field_str(line, "command");
				v[*n].target = field_str(line, "target");
				(*n)++;
			}
			for (i = 0; strcmp(ev, "end") == 0 && i < *n; i++) {
				if (v[i].pid != pid || v[i].id != (unsigned long)id)
					continue;
				free(v[i].command);
				free(v[i].target);
				/* keep log order: the warnings read as it happened */
				memmove(&v[i], &v[i + 1], (--(*n) - i) * sizeof *v);
				break;
			}
		}
		free(u);
		free(ev);
	}
	return v;
}

static void close_dead(int fd, const struct open_rec *r)
{
	char *what = xasprintf("%s%s%s", r->command != NULL ? r->command : "?",
	    r->target != NULL ? " " : "", r->target != NULL ? r->target : "");
	char *line = format_line(r->pid, r->id, "end", r->command, r->target,
	    "unknown (process died)", NULL);

	/* an event: on stderr for a command, in the console's event log */
	model_event(SEV_WARN, "audit: pid %ld ended without closing \"%s\" "
	    "\xe2\x80\x94 check what it made", r->pid, what);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		log_msg(LOG_WARN, "audit: cannot close pid %ld's record: %s",
		    r->pid, strerror(errno));
	free(line);
	free(what);
}

int audit_close_dead(void)
{
	char *path = audit_path(), *text, *user;
	struct open_rec *v;
	size_t n, i;
	int fd, closed = 0;

	if (path == NULL)
		return 0;
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd < 0)
		return 0;	/* no log yet: nothing to close */
	/* two hvdecks starting at once must not both close a record */
	if (flock(fd, LOCK_EX) < 0 || (text = read_tail(fd)) == NULL) {
		close(fd);
		return 0;
	}
	user = user_name();
	v = open_records(text, user, &n);
	for (i = 0; i < n; i++) {
		if (!still_running(v[i].pid)) {
			close_dead(fd, &v[i]);
			closed++;
		}
		free(v[i].command);
		free(v[i].target);
	}
	free(v);
	free(user);
	free(text);
	close(fd);	/* drops the lock */
	return closed;
}

void audit_session(const char *what)
{
	write_line(0, "session", what, NULL, NULL, NULL);
}
