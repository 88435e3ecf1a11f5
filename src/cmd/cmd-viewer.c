/* cmd-viewer.c — `desktop viewer`: the desktop's graphics read on its
 * host's worker (the engine's: in the server, warm), then said, printed
 * as a .vv file, or written as one. The password reaches only the
 * operator (their terminal, the file): never the log or the audit. */
#include "cmd/cmd-viewer.h"
#include "act/act-desktop.h"
#include "act/act-viewer.h"
#include "cmd/cmd-face.h"
#include "core/atomic-file.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

int cmd_viewer_write(const struct viewer *v, const char *path, char **cause)
{
	char *vv = act_viewer_vv(v);
	int rc = atomic_file_write(path, vv, strlen(vv), 0600,
	    ATOMIC_FILE_REPLACE, cause);

	util_wipe(vv, strlen(vv));
	free(vv);
	return rc;
}

/* The value of "KEY=" in a .vv text, "?" when absent. Caller frees. */
static char *vv_value(const char *vv, const char *key)
{
	size_t kl = strlen(key);
	const char *s;

	for (s = vv; s != NULL && *s != '\0'; s = strchr(s, '\n'),
	    s = s != NULL ? s + 1 : NULL)
		if (strncmp(s, key, kl) == 0 && s[kl] == '=')
			return xstrndup(s + kl + 1, strcspn(s + kl + 1, "\n"));
	return xstrdup("?");
}

char *cmd_viewer_wrote(const char *path, const char *vv)
{
	char *type = vv_value(vv, "type"), *host = vv_value(vv, "host");
	char *port = vv_value(vv, "port"), *s;

	s = xasprintf("wrote %s (%s %s port %s)", path, type, host, port);
	free(type);
	free(host);
	free(port);
	return s;
}

/* The reading, waited for: 0 with *v, or -1 with *cause. */
static int read_viewer(const char *name, struct viewer *v, char **cause)
{
	struct viewer_req *req;
	char *uuid;
	int rc;

	if ((uuid = act_desktop_resolve(name, NULL, cause)) == NULL)
		return -1;
	rc = act_viewer_begin(uuid, &req, cause);
	free(uuid);
	if (rc < 0)
		return -1;
	act_viewer_wait(req, CMD_VIEWER_WAIT_MS);
	rc = act_viewer_poll(req, v, cause);
	act_viewer_release(req);
	if (rc == 0)
		*cause = xasprintf("desktop viewer: %s's host did not answer "
		    "within %d s", name, CMD_VIEWER_WAIT_MS / 1000);
	return rc == 1 ? 0 : -1;
}

static void say_lines(struct cmd_ctx *c, char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cmd_say(c, 0, "%s", lines[i]);
		util_wipe(lines[i], strlen(lines[i]));
		free(lines[i]);
	}
	free(lines);
}

/* What was read, where it was asked for. */
static int give(struct cmd_ctx *c, const struct viewer *v, char **cause)
{
	const char *file = cmd_opt(c->opts, "file");
	char **lines, *vv, *nl, *s;
	size_t n = 0;

	if (file == NULL && cmd_opt(c->opts, "json") != NULL) {
		s = act_viewer_json(v);	/* an attached console's page too */
		cmd_print(c, s);
		util_wipe(s, strlen(s));
		free(s);
		return 0;
	}
	if (file == NULL) {
		n = act_viewer_lines(v, 1, &lines);
		say_lines(c, lines, n);
		return 0;
	}
	vv = act_viewer_vv(v);
	if (strcmp(file, "-") != 0) {
		s = atomic_file_write(file, vv, strlen(vv), 0600,
		    ATOMIC_FILE_REPLACE, cause) == 0 ? cmd_viewer_wrote(file, vv) :
		    NULL;
		util_wipe(vv, strlen(vv));
		free(vv);
		if (s == NULL)
			return -1;
		cmd_say(c, 0, "%s", s);
		free(s);
		return 0;
	}
	/* stdout: the file's lines as they are */
	lines = xcalloc(64, sizeof *lines);
	for (s = vv; *s != '\0' && n < 64; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s) - 1;
		lines[n++] = xstrndup(s, (size_t)(nl - s));
	}
	util_wipe(vv, strlen(vv));
	free(vv);
	say_lines(c, lines, n);
	return 0;
}

int cmd_viewer_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct viewer v;
	int rc;

	c->status = 2;
	if (argc == 0) {
		*cause = xstrdup(cmd_in_console(c) ? "no desktop selected" :
		    "desktop viewer: the command line needs the desktop's name");
		return -1;
	}
	if (cmd_in_console(c) && cmd_has_forms(c))	/* v: the page */
		return cmd_form(c, e, argc, argv, cause);
	c->status = 1;
	if (cmd_engine_up(c) < 0) {
		*cause = xstrdup("desktop viewer: the engine did not start");
		return -1;
	}
	memset(&v, 0, sizeof v);
	if ((rc = read_viewer(argv[0], &v, cause)) == 0 &&
	    (rc = give(c, &v, cause)) == 0)
		c->status = 0;
	viewer_free(&v);
	cmd_engine_down(c);
	return rc;
}
