/* mode-viewer.c — `v` on a desktop (`:desktop viewer NAME`): what a
 * remote viewer needs, read on the desktop's host's worker (the page
 * polls, never waits), in a details-like page; `w` writes NAME.vv
 * (0600) in the console's working directory. */
#include "tui/forms.h"
#include "act/act-desktop.h"
#include "act/act-viewer.h"
#include "cmd/cmd-viewer.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/theme.h"
#include "tui/ui.h"
#include "tui/views.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct viewpage {
	struct mode_page page;  /* first: mode_page_move_op */
	struct text text;
	struct viewer_req *req; /* NULL once answered */
	struct viewer v;
	int ready;
	char *error;            /* why it cannot be shown */
	char *note;             /* what w did */
};

static const struct mode_type mode_viewer;

int form_viewer_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	struct viewer_req *req;
	char *uuid;
	int rc;

	(void)c; (void)e; (void)argc;
	if ((uuid = act_desktop_resolve(argv[0], NULL, cause)) == NULL)
		return -1;
	rc = act_viewer_begin(uuid, &req, cause);
	free(uuid);
	if (rc < 0)
		return -1;
	mode_push(&u->modes, u, &mode_viewer, req);
	return 0;
}

static void viewpage_init(struct mode *m, void *arg)
{
	struct viewpage *p = xcalloc(1, sizeof *p);

	p->req = arg;
	m->data = p;
}

/* Take the answer when it came. */
static void poll_req(struct viewpage *p)
{
	int rc;

	if (p->req == NULL)
		return;
	if ((rc = act_viewer_poll(p->req, &p->v, &p->error)) == 0)
		return;
	p->ready = rc == 1;
	act_viewer_release(p->req);
	p->req = NULL;
}

static void build(struct viewpage *p)
{
	char **lines;
	size_t n, i;

	text_clear(&p->text);
	if (p->error != NULL) {
		text_add(&p->text, SLOT_ALERT, "%s", p->error);
		return;
	}
	if (!p->ready) {
		text_add(&p->text, SLOT_DIM, "reading the graphics from the "
		    "desktop's host...");
		return;
	}
	n = act_viewer_lines(&p->v, 0, &lines);
	for (i = 0; i < n; i++) {
		text_add(&p->text, SLOT_NORMAL, "%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
	text_add(&p->text, SLOT_DIM, "%s", "");
	if (p->note != NULL)
		text_add(&p->text, SLOT_TITLE, "%s", p->note);
	text_add(&p->text, SLOT_DIM, "w: write %s.vv here (0600; remote-viewer "
	    "deletes it once read)   Esc: back", p->v.name);
}

static int viewpage_key(struct mode *m, int ch)
{
	struct viewpage *p = m->data;
	char *path, *cause = NULL, cwd[4096];

	if (ch != 'w' || !p->ready)
		return 0;
	if (getcwd(cwd, sizeof cwd) == NULL)
		snprintf(cwd, sizeof cwd, ".");
	path = xasprintf("%s/%s.vv", cwd, p->v.name);
	free(p->note);
	if (strchr(p->v.name, '/') != NULL)
		p->note = xstrdup("a name with / cannot be a file name: use "
		    "hvdeck desktop viewer NAME --file PATH");
	else if (cmd_viewer_write(&p->v, path, &cause) < 0)
		p->note = cause;
	else
		p->note = xasprintf("wrote %s", path);
	free(path);
	return 1;
}

static void viewpage_draw(struct mode *m, struct rect r)
{
	struct viewpage *p = m->data;
	struct rect body = { r.y + 1, r.x, r.h - 1, r.w };

	if (r.h < 3 || r.w < 10)
		return;
	poll_req(p);
	build(p);
	attrset(theme_attr(SLOT_TITLE));
	mvhline(r.y, r.x, ' ', r.w);
	mvaddnstr(r.y, r.x, "Viewer", r.w);
	mode_page_draw(&p->page, &p->text, body, m->ui->ascii);
	attrset(theme_attr(SLOT_NORMAL));
}

static void viewpage_free(struct mode *m)
{
	struct viewpage *p = m->data;

	act_viewer_release(p->req);
	viewer_free(&p->v);
	text_clear(&p->text);
	free(p->error);
	free(p->note);
	free(p);
}

static const struct mode_type mode_viewer = {
	.name = "viewer",
	.keys = KT_PAGE,
	.init = viewpage_init,
	.key = viewpage_key,
	.draw = viewpage_draw,
	.move = mode_page_move_op,
	.free = viewpage_free,
};
