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

	if (file == NULL) {
		n = act_viewer_lines(v, 1, &lines);
		say_lines(c, lines, n);
		return 0;
	}
	if (strcmp(file, "-") != 0) {
		if (cmd_viewer_write(v, file, cause) < 0)
			return -1;
		cmd_say(c, 0, "wrote %s (%s %s port %d)", file, v->type,
		    v->address, v->port);
		return 0;
	}
	/* stdout: the file's lines as they are */
	vv = act_viewer_vv(v);
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
