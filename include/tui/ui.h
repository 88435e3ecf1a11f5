/* ui.h — the console. ui_run owns the terminal from start to end; it is the
 * only caller of curses. The main loop (ui.c) waits on the terminal, the
 * model's wake descriptor and a signal descriptor, handles resize and
 * signals once, and hands keys to the top mode of the stack (mode.h);
 * ui-draw.c has the drawing the modes share (boxes, the status line). */
#ifndef HVDECK_UI_H
#define HVDECK_UI_H

#include <stdint.h>

#include "cmd/cmd-face.h"
#include "core/config.h"
#include "tui/layout.h"
#include "tui/mode.h"
#include "tui/ui-edit.h"

#define UI_FOLLOW_MAX 32

struct ui_options {
	const char *theme;      /* NULL: the config's */
	int ascii;              /* force ASCII line drawing */
	int read_only;
	/* sets the console's face (cmd-face.h) for u: ui-cmd.c's
	 * ui_cmd_face_init, given by main.c, which sits above both */
	void (*face_init)(struct ui *u, struct cmd_face *f);
	/* attached to the cluster's server (main.c sets both, tui never
	 * includes srv/): no engine here; attach_start brings this process's
	 * model up as the server's mirror (0 with *pid, or -1 with *cause),
	 * attach_stop ends it. NULL: the console runs its own engine. */
	int (*attach_start)(const struct config *cfg, int read_only, long *pid,
	    char **cause);
	void (*attach_stop)(void);
};

struct ui {
	const struct config *cfg;
	int ascii, colour, read_only;
	int rows, cols;
	struct mode_stack modes;   /* the panes mode at the bottom */
	struct panes *panes;       /* the bottom mode's state */
	char message[256];
	int message_error;
	int64_t message_until;
	int64_t message_at;         /* when it was set (monotonic ms) */
	int quit;
	int hangup;                /* SIGHUP: let the jobs finish, then leave */
	int tick;                  /* this draw follows a timeout: clocks, spinners */
	int mouse;                 /* mouse reporting on (:mouse, the mouse setting) */
	struct edit_history filter_history, command_history; /* Up/Down in / and : */
	unsigned follow[UI_FOLLOW_MAX]; /* jobs started here, result not yet shown */
	int64_t follow_since[UI_FOLLOW_MAX]; /* when each was followed */
	size_t nfollow;
	unsigned last_follow;      /* the job followed last, and the request */
	unsigned follow_request;   /* (cmd-relay.h) it came for: a form whose
	                            * line went to the server takes it */
	unsigned sent_request;     /* the request of forms_run_line's line (0:
	                            * it did not go to the server) */
	unsigned refusal_request;  /* the request refused last, and why */
	char refusal[256];
	unsigned forsaken[4];      /* requests whose form closed before their
	                            * job came back (forms_forsake) */
	int stderr_fd;             /* fd 2's pipe while the console runs, -1 */
	struct cmd_face face;      /* how commands ask and tell (ui-cmd.c) */
	long server_pid;           /* attached: the server's pid; 0 in-process */
};

/* Run the console until the operator quits or SIGTERM/SIGINT/SIGHUP
 * arrives. Returns the exit status: 0 for both; 2 when the terminal
 * cannot carry the console (TERM unset or unknown, no cursor
 * addressing); 1 when it cannot start otherwise (not a terminal, no
 * hosts engine). */
int ui_run(const struct config *cfg, const struct ui_options *o);

/* Set the status-line message (errors stay longer). */
void ui_message(struct ui *u, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Quit, asking first when jobs are running. */
void ui_ask_quit(struct ui *u);
/* Handle a key the way the top mode does (the mouse double click uses it
 * to open details). */
void ui_key(struct ui *u, int ch);

/* Turn mouse reporting on or off (off: the terminal selects text). */
void ui_set_mouse(struct ui *u, int on);
/* Follow a job started from the console: when it ends, its result
 * ("shutdown desk-3 on hv2: failed: <libvirt's text>") shows in the
 * status line. */
void ui_follow_job(struct ui *u, unsigned job);
/* Is the terminal below the minimum size? Then only resize, redraw and
 * quit keys act. */
int ui_too_small(const struct ui *u);

/* Before anything starts: can a full screen run here? 0, or the exit
 * status after saying why on stderr: 1 without a terminal (needs is the
 * sentence then), 2 (bad usage) for a terminal type hvdeck cannot drive
 * — never curses' own message or a blank screen. */
int ui_check_terminal(const char *needs);
/* Curses in the modes hvdeck uses (raw: Ctrl-C and Ctrl-Z are keys; no
 * echo, no cursor, no waiting for keys); *ascii for line drawing (forced,
 * or a locale that is not UTF-8), *colour unless NO_COLOR or the terminal
 * has none. 0, or -1 when curses cannot start. */
int ui_curses_start(int force_ascii, int *ascii, int *colour);
/* Load the theme called name (beside the binary, installed, or the
 * user's) and apply it: 0, or -1 with *cause (caller frees) and the
 * default theme applied. */
int ui_theme_use(const char *name, int colour, char **cause);

/* ui-term.c */
/* Can the terminal carry the console (TERM set and known, cursor
 * addressing)? 0, or -1 with *cause (caller frees). Before curses. */
int ui_term_check(char **cause);

/* Repaint the whole terminal on the next draw (Ctrl-L). */
void ui_redraw(struct ui *u);

/* ui-draw.c */
/* One frame of the console. */
void ui_draw(struct ui *u);
/* The status line: message, hints, counts. */
void ui_draw_status(struct ui *u, struct rect r);
/* Does anything on screen animate (spinners)? Takes the model lock. */
int ui_animating(void);
/* While an offline host's "retry in Ns" counts down: the milliseconds
 * until the soonest of them shows its next value (the redraw is due
 * then), -1 when none counts down. Takes the model lock. */
int64_t ui_countdown_next_ms(void);

#endif
