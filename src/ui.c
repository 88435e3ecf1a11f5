/* ui.c — the console's main loop: wait on the terminal and the model's
 * wake descriptor, dispatch keys through the key table, redraw only after
 * a change. Never calls libvirt: actions are queued to host workers. */
#include "ui.h"
#include "act-domain.h"
#include "engine.h"
#include "keys.h"
#include "log.h"
#include "model.h"
#include "theme.h"
#include "util.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

/* The themes shipped beside the binary (a build tree) and installed. */
static char *theme_search_path(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			return xasprintf("%s/themes:%s/../themes:%s/themes", exe, exe,
			    HVDECK_DATADIR);
		}
	}
	return xasprintf("%s/themes", HVDECK_DATADIR);
}

static int load_theme(struct ui *u, const char *name)
{
	struct theme t;
	char *search = theme_search_path(), *cause = NULL;
	int rc = theme_load(&t, name, search, &cause);

	free(search);
	if (rc < 0) {
		ui_message(u, 1, "theme: %s (using default)", cause);
		log_msg(LOG_WARN, "theme: %s", cause);
		free(cause);
	}
	theme_apply(&t, u->colour);
	theme_free(&t);
	return rc;
}

static int start_curses(struct ui *u, const struct ui_options *o)
{
	const char *no_color = getenv("NO_COLOR");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "hvdeck: the console needs a terminal (try 'hvdeck dump')\n");
		return -1;
	}
	if (initscr() == NULL) {
		fprintf(stderr, "hvdeck: cannot initialise the terminal\n");
		return -1;
	}
	util_set_fatal_hook(restore_terminal);
	raw();		/* Ctrl-S is "start", not XOFF; Ctrl-C is handled as q */
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	u->ascii = o->ascii || strcasecmp(nl_langinfo(CODESET), "UTF-8") != 0;
	u->colour = has_colors() && (no_color == NULL || *no_color == '\0');
	if (u->colour && (start_color() == ERR))
		u->colour = 0;
	if (u->colour)
		use_default_colors();
	load_theme(u, o->theme != NULL ? o->theme : u->cfg->theme);
	/* a click selects, a double click opens details; no drag needed */
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED, NULL);
	mouseinterval(200);
	return 0;
}

static void move_focus(struct ui *u, int delta)
{
	u->focus = (enum pane_id)(((int)u->focus + delta + PANE_COUNT) % PANE_COUNT);
}

static const char *selected_key(struct ui *u)
{
	const struct table_row *r = table_selected(&u->tables[u->focus]);

	return r != NULL ? r->key : NULL;
}

/* ---- actions ---- */

static void desktop_action(struct ui *u, enum domain_action a)
{
	const char *uuid = selected_key(u);
	char *cause = NULL;
	unsigned job;

	if (uuid == NULL) {
		ui_message(u, 1, "no desktop selected");
		return;
	}
	if (a == DA_PAUSE) {	/* p toggles */
		struct m_desktop *d;

		model_lock();
		d = model_desktop(uuid);
		if (d != NULL && model_desktop_state(d) == DS_PAUSED)
			a = DA_RESUME;
		model_unlock();
	}
	if (act_domain(uuid, a, &job, &cause) < 0) {
		ui_message(u, 1, "%s", cause);
		free(cause);
	}
}

static void ask_force_off(struct ui *u)
{
	const char *uuid = selected_key(u);
	struct m_desktop *d;
	const struct m_place *p;
	const struct m_host *h;

	if (uuid == NULL) {
		ui_message(u, 1, "no desktop selected");
		return;
	}
	model_lock();
	d = model_desktop(uuid);
	p = d != NULL ? model_desktop_place(d) : NULL;
	h = p != NULL ? model_host(p->host_id) : NULL;
	if (d != NULL) {
		free(u->confirm_text);
		u->confirm_text = xasprintf("Force off desktop %s on %s? "
		    "(like pulling the power cord)", d->name, h ? h->name : "?");
		snprintf(u->confirm_uuid, sizeof u->confirm_uuid, "%s", uuid);
		u->confirm_quit = 0;
		u->mode = MODE_CONFIRM;
	}
	model_unlock();
}

static void ask_quit(struct ui *u)
{
	int jobs;

	model_lock();
	jobs = view_jobs_count();
	model_unlock();
	if (jobs == 0) {
		u->quit = 1;
		return;
	}
	free(u->confirm_text);
	u->confirm_text = xasprintf("%d job%s running. Quit anyway? (jobs go on "
	    "in libvirt)", jobs, jobs == 1 ? " is" : "s are");
	u->confirm_quit = 1;
	u->mode = MODE_CONFIRM;
}

/* ---- the command line ---- */

static void run_command(struct ui *u, const char *line)
{
	char verb[32] = "", arg[200] = "";

	if (sscanf(line, " %31s %199[^\n]", verb, arg) < 1)
		return;
	if (strcmp(verb, "q") == 0 || strcmp(verb, "quit") == 0) {
		ask_quit(u);
	} else if (strcmp(verb, "host") == 0 && arg[0] != '\0') {
		u->focus = PANE_HOSTS;
		table_set_filter(&u->tables[PANE_HOSTS], NULL);
		free(u->tables[PANE_HOSTS].selected_key);
		u->tables[PANE_HOSTS].selected_key = xstrdup(arg);
		if (!table_select_key(&u->tables[PANE_HOSTS], arg))
			ui_message(u, 0, "host %s: selected when it appears", arg);
	} else if (strcmp(verb, "desktop") == 0 && arg[0] != '\0') {
		struct m_desktop **ds;
		size_t n, i;
		char *uuid = NULL;

		model_lock();
		ds = model_desktops(&n);
		for (i = 0; i < n && uuid == NULL; i++)
			if (ds[i]->name != NULL && strcmp(ds[i]->name, arg) == 0)
				uuid = xstrdup(ds[i]->uuid);
		model_unlock();
		if (uuid == NULL) {
			ui_message(u, 1, "no desktop named %s", arg);
			return;
		}
		u->focus = PANE_DESKTOPS;
		table_set_filter(&u->tables[PANE_DESKTOPS], NULL);
		free(u->tables[PANE_DESKTOPS].selected_key);
		u->tables[PANE_DESKTOPS].selected_key = uuid;
	} else {
		ui_message(u, 1, "unknown command '%s' (host NAME, desktop NAME, quit)", line);
	}
}

/* ---- keys per mode ---- */

static void key_input(struct ui *u, int ch)
{
	struct table *t = &u->tables[u->focus];

	if (ch == 27) {		/* cancel */
		if (u->mode == MODE_FILTER)
			table_set_filter(t, u->filter_before);
		u->mode = MODE_NORMAL;
	} else if (ch == '\n' || ch == KEY_ENTER) {
		if (u->mode == MODE_COMMAND) {
			u->mode = MODE_NORMAL;
			run_command(u, u->input);
		} else {
			u->mode = MODE_NORMAL;
		}
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (u->input_len > 0)
			u->input[--u->input_len] = '\0';
	} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f &&
	    u->input_len + 1 < sizeof u->input) {
		u->input[u->input_len++] = (char)ch;
		u->input[u->input_len] = '\0';
	}
	/* the filter applies as it is typed */
	if (u->mode == MODE_FILTER)
		table_set_filter(t, u->input);
	if (u->mode == MODE_NORMAL) {
		free(u->filter_before);
		u->filter_before = NULL;
	}
}

static void key_confirm(struct ui *u, int ch)
{
	u->mode = MODE_NORMAL;
	if (ch != 'y' && ch != 'Y') {
		ui_message(u, 0, "cancelled");
		return;
	}
	if (u->confirm_quit) {
		u->quit = 1;
	} else {
		char *cause = NULL;
		unsigned job;

		if (act_domain(u->confirm_uuid, DA_FORCE_OFF, &job, &cause) < 0) {
			ui_message(u, 1, "%s", cause);
			free(cause);
		}
	}
}

static void key_page(struct ui *u, int ch)
{
	size_t page = (size_t)(u->rows > 4 ? u->rows - 3 : 1);

	switch (keys_lookup(ch, u->focus)) {
	case CMD_UP: if (u->page_top > 0) u->page_top--; break;
	case CMD_DOWN: u->page_top++; break;
	case CMD_PAGE_UP: u->page_top = u->page_top > page ? u->page_top - page : 0; break;
	case CMD_PAGE_DOWN: u->page_top += page; break;
	case CMD_HOME: u->page_top = 0; break;
	case CMD_END: u->page_top = (size_t)-1 / 2; break;
	case CMD_BACK: case CMD_HELP: case CMD_DETAILS: u->mode = MODE_NORMAL; break;
	case CMD_QUIT: ask_quit(u); break;
	default: break;
	}
}

static void key_normal(struct ui *u, int ch)
{
	struct table *t = &u->tables[u->focus];
	int rows = ui_pane_rows(u, u->focus);

	if (ch == 3) {	/* Ctrl-C under raw() */
		ask_quit(u);
		return;
	}
	switch (keys_lookup(ch, u->focus)) {
	case CMD_PANE_HOSTS: u->focus = PANE_HOSTS; break;
	case CMD_PANE_POOLS: u->focus = PANE_POOLS; break;
	case CMD_PANE_VOLUMES: u->focus = PANE_VOLUMES; break;
	case CMD_PANE_DESKTOPS: u->focus = PANE_DESKTOPS; break;
	case CMD_PANE_JOBS: u->focus = PANE_JOBS; break;
	case CMD_NEXT_PANE: move_focus(u, 1); break;
	case CMD_PREV_PANE: move_focus(u, -1); break;
	case CMD_UP: table_move(t, -1, rows); break;
	case CMD_DOWN: table_move(t, 1, rows); break;
	case CMD_PAGE_UP: table_move(t, -rows, rows); break;
	case CMD_PAGE_DOWN: table_move(t, rows, rows); break;
	case CMD_HOME: table_home(t); break;
	case CMD_END: table_end(t, rows); break;
	case CMD_DETAILS:
		if (selected_key(u) != NULL && view_of(u->focus)->details != NULL) {
			free(u->details_key);
			u->details_key = xstrdup(selected_key(u));
			u->details_pane = u->focus;
			u->page_top = 0;
			u->mode = MODE_DETAILS;
		}
		break;
	case CMD_BACK:
		if (t->filter != NULL)
			table_set_filter(t, NULL);
		break;
	case CMD_FILTER:
		free(u->filter_before);
		u->filter_before = xstrdup(t->filter);
		snprintf(u->input, sizeof u->input, "%s", t->filter ? t->filter : "");
		u->input_len = strlen(u->input);
		u->mode = MODE_FILTER;
		break;
	case CMD_COMMAND:
		u->input[0] = '\0';
		u->input_len = 0;
		u->mode = MODE_COMMAND;
		break;
	case CMD_SORT: table_cycle_sort(t); break;
	case CMD_SORT_REVERSE: table_reverse_sort(t); break;
	case CMD_HELP: u->mode = MODE_HELP; u->page_top = 0; break;
	case CMD_QUIT: ask_quit(u); break;
	case CMD_REDRAW: clearok(curscr, TRUE); break;
	case CMD_START: desktop_action(u, DA_START); break;
	case CMD_SHUTDOWN: desktop_action(u, DA_SHUTDOWN); break;
	case CMD_REBOOT: desktop_action(u, DA_REBOOT); break;
	case CMD_PAUSE_RESUME: desktop_action(u, DA_PAUSE); break;
	case CMD_FORCE_OFF: ask_force_off(u); break;
	case CMD_NONE: break;
	}
}

/* Focus the pane under the pointer and select the row there. */
static void mouse(struct ui *u)
{
	MEVENT ev;
	int p;

	if (getmouse(&ev) != OK || u->mode != MODE_NORMAL)
		return;
	for (p = 0; p < PANE_COUNT; p++) {
		struct rect r = u->layout.pane[p];

		if (r.h == 0 || ev.y < r.y || ev.y >= r.y + r.h ||
		    ev.x < r.x || ev.x >= r.x + r.w)
			continue;
		u->focus = (enum pane_id)p;
		/* below the border and the header line */
		if (table_click(&u->tables[p], ev.y - r.y - 2) &&
		    (ev.bstate & BUTTON1_DOUBLE_CLICKED))
			key_normal(u, '\n');
		return;
	}
}

static void key(struct ui *u, int ch)
{
	if (ch == KEY_RESIZE)
		return;	/* the next draw relayouts; selection lives in keys */
	if (ch == KEY_MOUSE) {
		mouse(u);
		return;
	}
	switch (u->mode) {
	case MODE_FILTER: case MODE_COMMAND: key_input(u, ch); break;
	case MODE_CONFIRM: key_confirm(u, ch); break;
	case MODE_HELP: case MODE_DETAILS: key_page(u, ch); break;
	case MODE_NORMAL: key_normal(u, ch); break;
	}
}

/* How long to sleep: until the clock's next minute, a message expires, or
 * the next spinner frame; otherwise only input or the model wakes us. */
static int poll_timeout(struct ui *u)
{
	int64_t now = util_now_ms(), wall = util_wall_ms();
	int64_t t = 60000 - wall % 60000;

	if (u->message[0] != '\0' && u->message_until > now &&
	    u->message_until - now < t)
		t = u->message_until - now;
	if (ui_animating() && t > 150)
		t = 150;
	return (int)t + 1;
}

int ui_run(const struct config *cfg, const struct ui_options *o)
{
	struct ui u;
	struct pollfd pfd[2];
	int p, ch;

	memset(&u, 0, sizeof u);
	u.cfg = cfg;
	u.read_only = o->read_only;
	u.focus = PANE_DESKTOPS;
	for (p = 0; p < PANE_COUNT; p++)
		table_init(&u.tables[p], view_of((enum pane_id)p)->cols,
		    view_of((enum pane_id)p)->ncols);
	if (engine_start(cfg, o->read_only) < 0)
		return 1;
	if (start_curses(&u, o) < 0) {
		engine_stop();
		return 1;
	}
	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = model_wake_fd();
	pfd[1].events = POLLIN;
	while (!u.quit) {
		ui_draw(&u);
		if (poll(pfd, 2, poll_timeout(&u)) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			model_wake_drain();
		/* EINTR from SIGWINCH lands here too: getch returns KEY_RESIZE */
		while (!u.quit && (ch = getch()) != ERR)
			key(&u, ch);
	}
	endwin();
	util_set_fatal_hook(NULL);
	engine_stop();
	for (p = 0; p < PANE_COUNT; p++)
		table_free(&u.tables[p]);
	text_clear(&u.page);
	free(u.details_key);
	free(u.filter_before);
	free(u.confirm_text);
	return 0;
}
