/* ui.c — the console's main loop: wait on the terminal, the model's wake
 * descriptor and a signal descriptor; handle resize and signals once here;
 * hand keys to the top mode, or through its key table to the command
 * table. Never calls libvirt: actions are queued to host workers. */
#include "tui/ui.h"
#include "act/act-host.h"
#include "cmd/cmd-relay.h"
#include "act/act-migrate.h"
#include "cmd/cmd-face.h"
#include "cmd/cmd.h"
#include "cmd/cmd-migrate.h"
#include "tui/ui-form.h"
#include "act/engine.h"
#include "core/job.h"
#include "tui/keys.h"
#include "core/log.h"
#include "core/model.h"
#include "core/text.h"
#include "tui/theme.h"
#include "core/util.h"
#include "tui/views.h"
#include "virt/virt-host.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

/* The fatal hook: the terminal and fd 2 back, so the message is seen. */
static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
	log_stderr_restore();
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

int ui_theme_use(const char *name, int colour, char **cause)
{
	struct theme t;
	char *search = theme_search_path();
	int rc = theme_load(&t, name, search, cause);

	free(search);
	theme_apply(&t, colour);
	theme_free(&t);
	return rc;
}

int ui_check_terminal(const char *needs)
{
	char *cause = NULL;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "hvdeck: %s\n", needs);
		return 1;
	}
	if (ui_term_check(&cause) < 0) {
		fprintf(stderr, "hvdeck: %s\n", cause);
		free(cause);
		return 2;
	}
	return 0;
}

int ui_curses_start(int force_ascii, int *ascii, int *colour)
{
	const char *no_color = getenv("NO_COLOR");

	if (initscr() == NULL)
		return -1;
	raw();		/* Ctrl-S is "start", not XOFF; Ctrl-C is a key (quit) */
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	*ascii = force_ascii || strcasecmp(nl_langinfo(CODESET), "UTF-8") != 0;
	*colour = has_colors() && (no_color == NULL || *no_color == '\0');
	if (*colour && (start_color() == ERR))
		*colour = 0;
	if (*colour)
		use_default_colors();
	return 0;
}

static int start_curses(struct ui *u, const struct ui_options *o)
{
	char *cause = NULL;

	if (ui_curses_start(o->ascii, &u->ascii, &u->colour) < 0)
		return -1;
	if (ui_theme_use(o->theme != NULL ? o->theme : u->cfg->theme,
	    u->colour, &cause) < 0) {
		ui_message(u, 1, "theme: %s (using default)", cause);
		log_msg(LOG_WARN, "theme: %s", cause);
		free(cause);
	}
	mouseinterval(200);
	ui_set_mouse(u, u->cfg->mouse);
	return 0;
}

/* ---- the mouse ----
 * A click selects, a double click opens details, the wheel scrolls. The
 * terminfo entries of tmux and screen announce X10 reports (kmous=\E[M),
 * whose coordinates end at column 223; where that is so hvdeck asks the
 * terminal for SGR reports (mode 1006) itself and parses them into
 * curses mouse events (read_key). A terminal without SGR ignores the
 * request and curses reads its X10 reports as before. */

#define KEY_SGR_MOUSE (KEY_MAX + 1)	/* "\e[<" seen: an SGR report follows */

static int own_sgr;	/* we asked for mode 1006 and parse its reports */

void ui_set_mouse(struct ui *u, int on)
{
	const char *km = tigetstr("kmous");
	int native = km != NULL && km != (char *)-1 &&
	    strncmp(km, "\033[<", 3) == 0;

	u->mouse = on;
	mousemask(on ? BUTTON1_CLICKED | BUTTON1_PRESSED |
	    BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED : 0, NULL);
	if (on && !native && km != NULL && km != (char *)-1) {
		define_key("\033[<", KEY_SGR_MOUSE);
		putp("\033[?1006h");
		own_sgr = 1;
	} else if (own_sgr) {
		putp("\033[?1006l");
		own_sgr = 0;
	}
	fflush(stdout);
}

/* The rest of an SGR report, "B;X;YM" (press) or "...m" (release), as a
 * curses event pushed back for getmouse(). Returns 1 if one was pushed. */
static int read_sgr_mouse(void)
{
	static int64_t last_ms;
	static int last_x = -1, last_y = -1;
	char buf[32];
	size_t n = 0;
	int ch, b, x, y;
	MEVENT ev;

	while (n + 1 < sizeof buf && (ch = getch()) != ERR) {
		buf[n++] = (char)ch;
		if (ch == 'M' || ch == 'm')
			break;
	}
	buf[n] = '\0';
	if (n == 0 || buf[n - 1] != 'M' ||
	    sscanf(buf, "%d;%d;%d", &b, &x, &y) != 3 || (b & 32))
		return 0;	/* releases and motion: nothing to do */
	memset(&ev, 0, sizeof ev);
	ev.x = x - 1;
	ev.y = y - 1;
	switch (b & ~(4 | 8 | 16)) {	/* without Shift, Meta, Ctrl */
	case 0:
		ev.bstate = BUTTON1_CLICKED;
		if (util_now_ms() - last_ms < 300 && x == last_x && y == last_y)
			ev.bstate = BUTTON1_DOUBLE_CLICKED;
		last_ms = util_now_ms();
		last_x = x;
		last_y = y;
		break;
	case 64: ev.bstate = BUTTON4_PRESSED; break;
	case 65: ev.bstate = BUTTON5_PRESSED; break;
	default: return 0;
	}
	return ungetmouse(&ev) == OK;
}

/* ---- signals ----
 * The signals the console handles are blocked before the first thread
 * starts (threads inherit the mask), so only this thread takes them, and
 * only through signalfd in its poll loop: no handler runs at a random
 * point in curses or in a libvirt thread. */

static const int handled_signals[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP };

static int signals_block(sigset_t *old)
{
	sigset_t set;
	size_t i;

	signal(SIGPIPE, SIG_IGN);	/* a dead peer is an error, not our death */
	sigemptyset(&set);
	for (i = 0; i < sizeof handled_signals / sizeof handled_signals[0]; i++)
		sigaddset(&set, handled_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The terminal's size now; ncurses learns it here, since its own SIGWINCH
 * handler never runs with the signal blocked. */
static void resize(struct ui *u, int from_signal)
{
	struct winsize ws;

	if (from_signal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, u->rows, u->cols);
	mode_resize(&u->modes, u->rows, u->cols);
}

/* The jobs this console's quitting concerns: none when attached (they
 * are the server's and go on there). */
static int jobs_running(const struct ui *u)
{
	int n;

	if (u->server_pid > 0)
		return 0;
	model_lock();
	n = view_jobs_count();
	model_unlock();
	return n;
}

/* SIGTERM and SIGINT leave at once, jobs or not: nobody is there to
 * answer a question (a service stop). SIGHUP is a dropped session: the
 * operator's migrations run over hvdeck's own connections, so it stops
 * drawing and lets its jobs finish first (hangup_wait). */
static void read_signals(struct ui *u, int sfd)
{
	struct signalfd_siginfo si;
	int jobs;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGWINCH) {
			resize(u, 1);
			continue;
		}
		if (si.ssi_signo == SIGHUP) {
			log_msg(LOG_INFO, "signal SIGHUP: the session is gone; "
			    "letting running jobs finish, then leaving");
			u->hangup = 1;
			u->quit = 1;
			continue;
		}
		jobs = jobs_running(u);
		if (jobs > 0)
			log_msg(LOG_WARN, "signal %s: leaving with %d job%s running "
			    "(libvirt carries them on; hvdeck no longer follows them)",
			    sigabbrev_np((int)si.ssi_signo), jobs, jobs == 1 ? "" : "s");
		else
			log_msg(LOG_INFO, "signal %s: leaving",
			    sigabbrev_np((int)si.ssi_signo));
		u->quit = 1;
	}
}

/* ---- keys and commands ---- */

void ui_redraw(struct ui *u)
{
	(void)u;
	clearok(curscr, TRUE);
}


static void confirmed_quit(struct ui *u, const char *arg)
{
	(void)arg;
	u->quit = 1;
}

void ui_ask_quit(struct ui *u)
{
	char *text, *migrating;
	int jobs = jobs_running(u);

	if (jobs == 0) {
		u->quit = 1;
		return;
	}
	/* a migration runs over hvdeck's own connections: quitting ends it,
	 * and the operator must know which desktops that stops */
	if ((migrating = migrate_running_names()) != NULL) {
		text = xasprintf("Migrating: %s. Quit anyway? Quitting cancels "
		    "the migrations; each desktop stays on its source.",
		    migrating);
		free(migrating);
		mode_confirm_push_also(u, text, confirmed_quit, "", CTRL('c'));
		free(text);
		return;
	}
	text = xasprintf("%d job%s running. Quit anyway? (jobs go on in "
	    "libvirt; Ctrl-C again quits)", jobs, jobs == 1 ? " is" : "s are");
	/* a second Ctrl-C means it: the operator who pressed it twice
	 * wants out, as in a shell */
	mode_confirm_push_also(u, text, confirmed_quit, "", CTRL('c'));
	free(text);
}

int ui_too_small(const struct ui *u)
{
	return u->cols < LAYOUT_MIN_COLS || u->rows < LAYOUT_MIN_ROWS;
}

/* Behind the "too small" screen nothing the operator cannot see may act
 * (a hidden confirmation, the selected desktop): only redraw and quit.
 * Quit does not ask there (the question could not be seen); jobs go on
 * in libvirt and the log says so. */
static void too_small_key(struct ui *u, int ch)
{
	MEVENT ev;
	int jobs;

	if (ch == KEY_MOUSE) {
		getmouse(&ev);	/* take it off the queue, act on nothing */
	} else if (ch == CTRL('l')) {
		ui_redraw(u);
	} else if (ch == 'q' || ch == CTRL('c')) {
		if ((jobs = jobs_running(u)) > 0)
			log_msg(LOG_WARN, "quit behind the too-small screen with %d "
			    "job%s running", jobs, jobs == 1 ? "" : "s");
		u->quit = 1;
	}
}

/* A key bound only in other panes says where it belongs, rather than
 * doing nothing. */
static void key_elsewhere(struct ui *u, enum key_table kt, int ch)
{
	const struct key_binding *b;
	char where[96];
	int other;

	b = keys_elsewhere(kt, ch, (int)panes_focus(u->panes), &other);
	if (b != NULL && b->label != NULL)
		ui_message(u, 0, "%s is %s — in %s, press %d", b->label,
		    b->command, keys_where(b->panes, where, sizeof where),
		    other + 1);
}

void ui_key(struct ui *u, int ch)
{
	struct mode *top = u->modes.top;
	const struct key_binding *b;

	if (ch == KEY_RESIZE) {
		resize(u, 0);
		return;
	}
	if (ui_too_small(u)) {
		too_small_key(u, ch);
		return;
	}
	if (top == NULL)
		return;
	if (top->type->key != NULL && top->type->key(top, ch))
		return;
	if (ch == KEY_MOUSE && top->type->move != NULL) {	/* pages: the wheel */
		MEVENT ev;

		if (getmouse(&ev) == OK && (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)))
			for (int i = 0; i < 3; i++)
				(top->type->move)(top, (ev.bstate & BUTTON4_PRESSED) ?
				    MOVE_UP : MOVE_DOWN);
		return;
	}
	b = keys_lookup(top->type->keys, ch, (int)panes_focus(u->panes));
	if (b != NULL)
		cmd_face_run_line(&u->face, b->command);
	else
		key_elsewhere(u, top->type->keys, ch);
}

/* The next key: curses KEY_* codes and ASCII as they are, any other
 * character as EDIT_KEY_WCHAR | its code point (get_wch), so the line
 * editor gets whole characters, not bytes. ERR when none is waiting. */
static int read_key(void)
{
	wint_t wc;
	int rc = get_wch(&wc);

	if (rc == ERR)
		return ERR;
	if (rc == KEY_CODE_YES && wc == KEY_SGR_MOUSE) {
		read_sgr_mouse();	/* then its KEY_MOUSE, or the next key */
		return read_key();
	}
	if (rc == KEY_CODE_YES || wc < 0x80)
		return (int)wc;
	return EDIT_KEY_WCHAR | (int)wc;
}

/* ---- following jobs ---- */

void ui_follow_job(struct ui *u, unsigned job)
{
	size_t i;

	if (u == NULL || job == 0)
		return;
	u->last_follow = job;
	u->follow_request = cmd_relay_delivering();
	for (i = 0; i < u->nfollow; i++)
		if (u->follow[i] == job)
			return;		/* a second press joined the first job */
	if (u->nfollow == UI_FOLLOW_MAX) {	/* forget the oldest */
		memmove(u->follow, u->follow + 1, (UI_FOLLOW_MAX - 1) * sizeof *u->follow);
		memmove(u->follow_since, u->follow_since + 1,
		    (UI_FOLLOW_MAX - 1) * sizeof *u->follow_since);
		u->nfollow--;
	}
	u->follow_since[u->nfollow] = util_now_ms();
	u->follow[u->nfollow++] = job;
}

/* Job lock held. A shutdown or reboot job ends done only once the guest
 * answered, and failed when it did not within shutdown_timeout. */
static void show_result(struct ui *u, const struct job *j)
{
	const char *what = job_kind_name(j->kind);
	const char *host = j->host != NULL ? j->host : "?";
	/* a long name must not push the outcome off the line */
	char *name = text_shorten(j->name != NULL ? j->name : j->uuid,
	    MODEL_EVENT_NAME_MAX);

	if (j->state == JOB_FAILED)
		ui_message(u, 1, "%s %s on %s: failed: %s", what, name, host,
		    j->error != NULL ? j->error : "no reason given");
	else if (u->message_error && util_now_ms() < u->message_until &&
	    u->message_at >= j->created_ms)
		;	/* a success never hides an error said since the job began
		 * (a refusal among marked desktops): the events strip has it */
	else if (j->state == JOB_CANCELLED)
		ui_message(u, 0, "%s %s on %s: cancelled", what, name, host);
	else
		ui_message(u, 0, "%s %s on %s: done", what, name, host);
	free(name);
}

/* How long a followed job may be unknown here: an attached console is
 * told to follow a server's job when the server starts it, and the job's
 * line may reach the mirror a little later. */
#define UI_FOLLOW_UNSEEN_MS 5000

/* The followed jobs that ended since the last look: their result in the
 * status line (the newest wins; each is also in the events strip). In
 * the order they were followed, so that an attached console's results
 * come in the order of its commands. */
static void show_results(struct ui *u)
{
	size_t i, k = 0;
	struct job *j;
	int64_t now = util_now_ms();

	if (u->nfollow == 0)
		return;
	job_lock();
	for (i = 0; i < u->nfollow; i++) {
		j = job_find(u->follow[i]);
		if ((j != NULL && !job_state_final(j->state)) || (j == NULL &&
		    now - u->follow_since[i] < UI_FOLLOW_UNSEEN_MS)) {
			u->follow_since[k] = u->follow_since[i];
			u->follow[k++] = u->follow[i];
		} else if (j != NULL) {
			show_result(u, j);
		}
	}
	u->nfollow = k;
	job_unlock();
}

/* A line a library wrote to fd 2: to the events strip (log_stderr_drain
 * has logged it). */
static void stderr_line(const char *line)
{
	model_event(SEV_WARN, "stderr: %s", line);
}

/* At least twice a second while a migration runs, whether or not its
 * watcher's samples wake us; no timer at all when none does. */
#define UI_MIGRATE_REFRESH_MS 400

static int ui_migrating(void)
{
	const struct job *j;
	int any = 0;

	job_lock();
	for (j = job_first(); j != NULL && !any; j = job_next(j))
		any = j->kind == JK_MIGRATE && !job_state_final(j->state);
	job_unlock();
	return any;
}

/* How long to sleep: until the clock's next minute, a message expires,
 * the next spinner frame, or an offline host's retry countdown shows its
 * next value; otherwise only input or the model wakes us. */
static int poll_timeout(struct ui *u)
{
	int64_t now = util_now_ms(), wall = util_wall_ms();
	int64_t t = 60000 - wall % 60000, countdown;

	if (u->message[0] != '\0' && u->message_until > now &&
	    u->message_until - now < t)
		t = u->message_until - now;
	if (ui_animating() && t > 150)
		t = 150;
	else if (t > UI_MIGRATE_REFRESH_MS && ui_migrating())
		t = UI_MIGRATE_REFRESH_MS;	/* the numbers move */
	else if ((countdown = ui_countdown_next_ms()) >= 0 && countdown < t)
		t = countdown;
	return (int)t + 1;
}

static void loop(struct ui *u, int sfd)
{
	struct pollfd pfd[4];
	int ch, n;

	/* a negative descriptor (no signalfd, no pipe) is ignored by poll */
	pfd[0].fd = STDIN_FILENO;
	pfd[1].fd = model_wake_fd();
	pfd[2].fd = sfd;
	pfd[3].fd = u->stderr_fd;
	for (n = 0; n < 4; n++)
		pfd[n].events = POLLIN;
	while (!u->quit) {
		show_results(u);
		mode_form_poll(u);	/* a form follows its action */
		ui_draw(u);
		n = poll(pfd, 4, poll_timeout(u));
		if (n < 0 && errno != EINTR)
			break;
		u->tick = n == 0;
		if (pfd[1].revents & POLLIN) {
			model_wake_drain();
			/* an attached console's commands, answered by its server */
			cmd_relay_drain(&u->face);
		}
		if (pfd[3].revents & (POLLIN | POLLHUP))
			log_stderr_drain(u->stderr_fd, stderr_line);
		if (sfd >= 0 && (pfd[2].revents & POLLIN))
			read_signals(u, sfd);
		while (!u->quit && (ch = read_key()) != ERR) {
			/* A resize (or a signal) that came while keys queued
			 * up acts before the next key: behind a stale "too
			 * small" screen the keys typed after it would be
			 * dropped (Esc, then q did nothing). */
			if (sfd >= 0)
				read_signals(u, sfd);
			if (!u->quit)
				ui_key(u, ch);
		}
	}
}

/* fd 2 back on the terminal, after the last of the pipe went to the log. */
static void release_stderr(struct ui *u)
{
	if (u->stderr_fd < 0)
		return;
	log_stderr_drain(u->stderr_fd, NULL);
	log_stderr_restore();
	close(u->stderr_fd);
	u->stderr_fd = -1;
}

/* How long a hung-up console waits for its jobs: a job stuck on a host
 * that stopped answering must not keep it alive for hours. */
#define HANGUP_WAIT_MS (15 * 60 * 1000)

/* After SIGHUP, with the terminal gone: wait for every job that is not
 * final (their end lines reach the audit log through its hook as each
 * ends), HANGUP_WAIT_MS at most; what is left is cancelled on the way
 * out (engine_stop). SIGTERM or SIGINT ends the wait. */
static void hangup_wait(int sfd)
{
	int64_t deadline = util_now_ms() + HANGUP_WAIT_MS;
	struct signalfd_siginfo si;
	unsigned *ids = NULL;
	size_t n = 0, i;
	const struct job *j;
	enum job_state s;
	int stop = 0;

	job_lock();
	for (j = job_first(); j != NULL; j = job_next(j))
		if (!job_state_final(j->state)) {
			ids = xreallocarray(ids, n + 1, sizeof *ids);
			ids[n++] = j->id;
		}
	job_unlock();
	if (n > 0)
		log_msg(LOG_INFO, "SIGHUP: waiting for %zu job%s to finish", n,
		    n == 1 ? "" : "s");
	for (i = 0; i < n && !stop; i++) {
		while ((s = job_wait(ids[i], 1000)) == JOB_RUNNING ||
		    s == JOB_QUEUED) {
			while (sfd >= 0 && read(sfd, &si, sizeof si) ==
			    (ssize_t)sizeof si)
				stop |= si.ssi_signo == SIGTERM ||
				    si.ssi_signo == SIGINT;
			if (stop) {
				log_msg(LOG_WARN, "signal while waiting for jobs "
				    "after SIGHUP: leaving now");
				break;
			}
			if (util_now_ms() > deadline) {
				log_msg(LOG_WARN, "SIGHUP: jobs still running after "
				    "%d s: cancelling them and leaving",
				    HANGUP_WAIT_MS / 1000);
				stop = 1;
				break;
			}
		}
		log_msg(LOG_INFO, "SIGHUP: job %u %s", ids[i],
		    job_state_name(job_wait(ids[i], 0)));
	}
	free(ids);
}

/* The console's engine, or (attached) the mirror of the server's model:
 * 0, or -1 after saying why. */
static int start_engine(struct ui *u, const struct config *cfg,
    const struct ui_options *o)
{
	char *cause = NULL;

	if (o->attach_start == NULL) {
		hosts_set_watched(1);	/* an operator looks: retry offline hosts often */
		return engine_start(cfg, o->read_only);
	}
	model_init();
	if (o->attach_start(cfg, o->read_only, &u->server_pid, &cause) == 0)
		return 0;
	fprintf(stderr, "hvdeck: %s\n", cause);
	free(cause);
	model_free();
	return -1;
}

static void stop_engine(struct ui *u, const struct ui_options *o)
{
	if (u->server_pid == 0) {
		engine_stop();
		return;
	}
	o->attach_stop();
	jobs_free();	/* the copies of the server's */
	hostadd_forget_all();
	model_free();
}

int ui_run(const struct config *cfg, const struct ui_options *o)
{
	struct ui u;
	sigset_t old;
	char *cause = NULL;
	int sfd, rc, jobs;

	memset(&u, 0, sizeof u);
	u.cfg = cfg;
	views_set_pools(cfg->pool_bases, cfg->pool_templates);
	u.read_only = o->read_only;
	o->face_init(&u, &u.face);
	if ((rc = ui_check_terminal("the console needs a terminal (try "
	    "'hvdeck dump')")) != 0)
		return rc;
	edit_history_init(&u.filter_history, 50);
	edit_history_init(&u.command_history, 50);
	/* from the first library thread on, fd 2 never reaches the screen */
	if ((u.stderr_fd = log_stderr_capture(&cause)) < 0) {
		log_msg(LOG_WARN, "%s", cause);
		free(cause);
	}
	util_set_fatal_hook(restore_terminal);
	sfd = signals_block(&old);	/* before engine_start's threads */
	if (sfd < 0)
		log_msg(LOG_WARN, "signalfd: %s", strerror(errno));
	if (start_engine(&u, cfg, o) < 0) {
		util_set_fatal_hook(NULL);
		release_stderr(&u);
		close(sfd);
		return 1;
	}
	if (start_curses(&u, o) < 0) {
		util_set_fatal_hook(NULL);
		release_stderr(&u);
		fprintf(stderr, "hvdeck: cannot initialise the terminal\n");
		stop_engine(&u, o);
		close(sfd);
		return 1;
	}
	getmaxyx(stdscr, u.rows, u.cols);
	mode_push(&u.modes, &u, &mode_panes, NULL);
	loop(&u, sfd);
	if (u.mouse)
		ui_set_mouse(&u, 0);	/* and SGR reports off */
	endwin();
	release_stderr(&u);
	util_set_fatal_hook(NULL);
	mode_free_all(&u.modes);
	edit_history_free(&u.filter_history);
	edit_history_free(&u.command_history);
	if (u.server_pid > 0) {
		/* the jobs are the server's: they go on without this console */
		if (job_active_count() > 0)
			fprintf(stderr, "hvdeck: detached from the server (pid %ld); "
			    "its jobs go on there (hvdeck attach shows them)\n",
			    u.server_pid);
		stop_engine(&u, o);
		if (sfd >= 0)
			close(sfd);
		return 0;
	}
	if (u.hangup)
		hangup_wait(sfd);
	if ((jobs = jobs_running(&u)) > 0)
		fprintf(stderr, "hvdeck: left %d job%s running; libvirt carries "
		    "them on\n", jobs, jobs == 1 ? "" : "s");
	stop_engine(&u, o);
	if (!engine_left_behind())
		cmd_migrate_free_all();	/* no job thread reads them now */
	if (sfd >= 0)
		close(sfd);
	return 0;
}
