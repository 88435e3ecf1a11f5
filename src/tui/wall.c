/* wall.c — `hvdeck wall` (wall.h): the command, the terminal and the
 * loop. The wall runs the console's engine in this process, read-only:
 * a server's mirror (srv-mirror.h) would be the other way, but the server
 * sends only changes, so a host whose figures did not move would look
 * silent to the mirror and its data age would lie; in-process, every
 * stats poll and event is seen. The jobs, though, are the server's
 * (drains, migrations, disk moves started by anyone): when a server runs
 * the wall subscribes to its jobs alone, read-only, and subscribes again
 * after losing it, for as long as it runs. The loop waits on the terminal, the
 * model's wake descriptor and a signal descriptor like the console's
 * (ui.c), and draws on a change of the model or jobs and once a second
 * for the clock and the data ages. */
#include "tui/wall.h"
#include "act/act-host.h"
#include "act/engine.h"
#include "cmd/cmd.h"
#include "cmd/cmd-opts.h"
#include "core/job.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"
#include "tui/theme.h"
#include "virt/virt-host.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

#define WALL_THEME "high-contrast"

#define SERVER_RETRY_MS 5000
/* Changes closer than this make one frame: at 100 hosts the stats alone
 * change the model some fifty times a second. */
#define FRAME_MIN_MS 250

static const struct ui_options *console_options;
static const struct wall_jobs_source *jobs_source;

void wall_set_jobs_source(const struct wall_jobs_source *src)
{
	jobs_source = src;
}

void wall_set_options(const struct ui_options *o)
{
	console_options = o;
}

struct wall {
	const struct config *cfg;
	int kiosk, rotate_s, quit, colour;
	int64_t next_page_ms;        /* wall clock; 0: no rotation */
	int64_t server_try_ms;       /* monotonic: next look for a server */
	struct wall_view view;
	struct wall_alerts alerts;
	int stderr_fd;
};

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
	log_stderr_restore();
}

/* Ctrl-C and Ctrl-Z arrive as keys (raw): the kiosk ignores them. */
static int start_curses(struct wall *w, const struct ui_options *o)
{
	char *cause = NULL;

	if (ui_curses_start(o->ascii, &w->view.ascii, &w->colour) < 0)
		return -1;
	if (ui_theme_use(o->theme != NULL ? o->theme : WALL_THEME, w->colour,
	    &cause) < 0) {
		log_msg(LOG_WARN, "wall: theme: %s (using default)", cause);
		free(cause);
	}
	getmaxyx(stdscr, w->view.rows, w->view.cols);
	return 0;
}

/* Taken only through the signal descriptor (blocked before any thread
 * starts). The kiosk takes SIGINT and SIGTSTP too, and ignores them. */
static int signals_block(int kiosk)
{
	static const int sigs[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGTSTP };
	sigset_t set;
	size_t i, n = kiosk ? 5 : 4;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The terminal's size; ncurses learns it here from the signal (its own
 * handler never runs with SIGWINCH blocked). resizeterm queues a
 * KEY_RESIZE, which only reads the size back: calling resizeterm for it
 * again would queue another, forever. */
static void resize(struct wall *w, int from_signal)
{
	struct winsize ws;

	if (from_signal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, w->view.rows, w->view.cols);
}

/* SIGTERM and SIGHUP always stop the wall (a service stop, a terminal
 * gone); SIGINT only outside the kiosk. */
static void read_signals(struct wall *w, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGWINCH) {
			resize(w, 1);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP ||
		    (si.ssi_signo == SIGINT && !w->kiosk)) {
			log_msg(LOG_INFO, "wall: signal %s: leaving",
			    sigabbrev_np((int)si.ssi_signo));
			w->quit = 1;
		} else {
			log_msg(LOG_INFO, "wall: kiosk: signal %s ignored",
			    sigabbrev_np((int)si.ssi_signo));
		}
	}
}

/* Ctrl-Z outside the kiosk: the terminal back to the shell until fg. */
static void suspend(void)
{
	endwin();
	raise(SIGTSTP);
	clearok(curscr, TRUE);
	refresh();
}

/* q and Ctrl-C quit, Ctrl-Z suspends, Ctrl-L repaints; in the kiosk only
 * the repaint acts. Every other key does nothing: the wall has no
 * cursor and no selection. */
static void key(struct wall *w, int ch)
{
	if (ch == KEY_RESIZE)
		resize(w, 0);
	else if (ch == CTRL('l'))
		clearok(curscr, TRUE);
	else if (w->kiosk)
		return;
	else if (ch == 'q' || ch == CTRL('c'))
		w->quit = 1;
	else if (ch == CTRL('z'))
		suspend();
}

static void frame(struct wall *w)
{
	struct wall_snap s;

	w->view.now_wall_ms = util_wall_ms();
	wall_snap_take(&s, w->cfg, w->view.ascii);
	wall_alerts_update(&w->alerts, &s, w->view.now_wall_ms);
	wall_draw(&w->view, &s, &w->alerts);
	wall_snap_free(&s);
}

static void stderr_line(const char *line)
{
	model_event(SEV_WARN, "stderr: %s", line);
}

/* The server's jobs: subscribe when one runs, drop its jobs when it went
 * away (they would show running for ever), look again every few seconds.
 * Returns 1 when the jobs changed hands (draw). */
static int follow_server(struct wall *w)
{
	char *cause = NULL;
	int64_t now = util_now_ms();
	long pid;
	int rc;

	if (jobs_source == NULL)
		return 0;
	if (w->view.server_pid > 0) {
		if (jobs_source->running())
			return 0;
		log_msg(LOG_WARN, "wall: the server (pid %ld) went away",
		    w->view.server_pid);
		jobs_source->stop();
		jobs_free();
		w->view.server_pid = 0;
		w->server_try_ms = now + SERVER_RETRY_MS;
		return 1;
	}
	if (now < w->server_try_ms)
		return 0;
	w->server_try_ms = now + SERVER_RETRY_MS;
	if ((rc = jobs_source->start(w->cfg, &pid, &cause)) == 0) {
		log_msg(LOG_INFO, "wall: the jobs of the server (pid %ld)", pid);
		w->view.server_pid = pid;
		return 1;
	}
	if (rc < 0) {
		log_msg(LOG_WARN, "wall: server: %s", cause);
		free(cause);
	}
	return 0;
}

/* Until the next whole second (the clock), the next page, or (dirty) the
 * end of the frame spacing since the last frame at drawn_ms. */
static int poll_timeout(const struct wall *w, int dirty, int64_t drawn_ms)
{
	int64_t now = util_wall_ms(), t = 1000 - now % 1000, gap;

	if (w->next_page_ms > 0 && w->next_page_ms - now < t)
		t = w->next_page_ms > now ? w->next_page_ms - now : 0;
	gap = FRAME_MIN_MS - (util_now_ms() - drawn_ms);
	if (dirty && gap < t)
		t = gap > 0 ? gap : 0;
	return (int)t + 1;
}

static void loop(struct wall *w, int sfd)
{
	struct pollfd pfd[4];
	int64_t now, drawn_s = -1, drawn_ms = 0;
	int dirty = 1, ch, n;

	pfd[0].fd = STDIN_FILENO;
	pfd[1].fd = model_wake_fd();
	pfd[2].fd = sfd;
	pfd[3].fd = w->stderr_fd;
	for (n = 0; n < 4; n++)
		pfd[n].events = POLLIN;
	while (!w->quit) {
		now = util_wall_ms();
		if (w->next_page_ms > 0 && now >= w->next_page_ms) {
			w->view.page = w->view.pages > 1 ?
			    (w->view.page + 1) % w->view.pages : 0;
			w->next_page_ms = now + (int64_t)w->rotate_s * 1000;
			dirty = 1;
		}
		dirty |= follow_server(w);
		if ((dirty && util_now_ms() - drawn_ms >= FRAME_MIN_MS) ||
		    now / 1000 != drawn_s) {
			frame(w);
			drawn_s = now / 1000;
			drawn_ms = util_now_ms();
			dirty = 0;
		}
		n = poll(pfd, 4, poll_timeout(w, dirty, drawn_ms));
		if (n < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			model_wake_drain();
			dirty = 1;
		}
		if (pfd[3].revents & (POLLIN | POLLHUP))
			log_stderr_drain(w->stderr_fd, stderr_line);
		if (sfd >= 0 && (pfd[2].revents & POLLIN)) {
			read_signals(w, sfd);
			dirty = 1;
		}
		while (!w->quit && (ch = getch()) != ERR) {
			key(w, ch);
			dirty = 1;
		}
	}
}

/* The wall from start to end: its exit status (0 when stopped by q or a
 * signal; 1 or 2 when it could not start, as ui_run). */
static int wall_run(struct wall *w, const struct ui_options *o)
{
	char *cause = NULL;
	int sfd, rc;

	if ((rc = ui_check_terminal("the wall needs a terminal")) != 0)
		return rc;
	if ((w->stderr_fd = log_stderr_capture(&cause)) < 0) {
		log_msg(LOG_WARN, "%s", cause);
		free(cause);
	}
	util_set_fatal_hook(restore_terminal);
	if ((sfd = signals_block(w->kiosk)) < 0)
		log_msg(LOG_WARN, "signalfd: %s", strerror(errno));
	/* an offline host is retried often and forever: someone looks */
	hosts_set_watched(1);
	rc = engine_start(w->cfg, 1) < 0 || start_curses(w, o) < 0;
	if (rc == 0) {
		if (w->rotate_s > 0)
			w->next_page_ms = util_wall_ms() + (int64_t)w->rotate_s * 1000;
		loop(w, sfd);
		endwin();
	}
	if (w->view.server_pid > 0)
		jobs_source->stop();
	jobs_free();	/* the server's, copied */
	hostadd_forget_all();
	if (w->stderr_fd >= 0) {
		log_stderr_drain(w->stderr_fd, NULL);
		log_stderr_restore();
		close(w->stderr_fd);
	}
	util_set_fatal_hook(NULL);
	if (rc != 0)
		fprintf(stderr, "hvdeck: the wall cannot start (no engine or "
		    "no terminal)\n");
	engine_stop();
	wall_alerts_free(&w->alerts);
	if (sfd >= 0)
		close(sfd);
	return rc;
}

static int wall_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	static const struct ui_options none;
	struct wall w;
	long long rotate = 0;

	(void)e; (void)argc; (void)argv;
	memset(&w, 0, sizeof w);
	w.cfg = c->cfg;
	w.stderr_fd = -1;
	if (cmd_opt_int(c->opts, cmd_opt_spec("wall", "rotate"), &rotate,
	    cause) < 0) {
		c->status = 2;
		return -1;
	}
	w.rotate_s = (int)rotate;
	w.kiosk = cmd_opt(c->opts, "kiosk") != NULL;
	log_set_stderr(0);	/* the screen is the wall's */
	c->status = wall_run(&w, console_options != NULL ? console_options :
	    &none);
	return 0;
}

static const struct cmd_entry wall_commands[] = {
	{ "wall", NULL, 0, 0, "[--rotate SECONDS] [--kiosk]",
	  CMD_CLI | CMD_READ_ONLY_OK | CMD_LOCAL | CMD_IMPLIES_READ_ONLY,
	  "a read-only dashboard for a wall screen: a tile per host, the "
	  "totals, the running jobs and the alerts; q quits unless --kiosk; "
	  "--rotate pages through hosts that do not fit", wall_exec, 0 },
};

void wall_cmd_register(void)
{
	cmd_register_table(wall_commands,
	    sizeof wall_commands / sizeof wall_commands[0]);
}
