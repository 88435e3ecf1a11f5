/* mode.h — the console's modes on a stack (tmux's window_mode): the panes
 * at the bottom, and above them details, help, a confirmation, a prompt.
 * Each mode is a small vtable with its own state; the top mode takes the
 * keys; draw walks up from the highest full-screen mode so overlays
 * (confirm, prompt) are drawn over what they cover. A view that is not a
 * table draws itself. Modes never call libvirt. */
#ifndef HVDECK_MODE_H
#define HVDECK_MODE_H

#include <stddef.h>

#include "cmd/cmd-face.h"
#include "tui/keys.h"
#include "tui/layout.h"

struct ui;
struct mode;

enum mode_move { MOVE_UP, MOVE_DOWN, MOVE_PAGE_UP, MOVE_PAGE_DOWN, MOVE_HOME,
	MOVE_END };

struct mode_type {
	const char *name;
	int overlay;            /* drawn over the mode below */
	enum key_table keys;    /* bindings looked up after key() declines */
	/* Set up m->data from arg (the mode's own meaning; may be NULL). */
	void (*init)(struct mode *m, void *arg);
	/* A key; returns 1 if taken, 0 to try the mode's key table. NULL: the
	 * table only. */
	int (*key)(struct mode *m, int ch);
	/* Draw into r: the screen above the status line (overlays get the
	 * whole screen, status line included). */
	void (*draw)(struct mode *m, struct rect r);
	/* The terminal changed size (called once per resize, every mode). */
	void (*resize)(struct mode *m, int rows, int cols);
	/* Scroll or move the selection; NULL: nothing to move. */
	void (*move)(struct mode *m, enum mode_move how);
	/* Free m->data. */
	void (*free)(struct mode *m);
};

struct mode {
	const struct mode_type *type;
	struct ui *ui;
	void *data;
	struct mode *below;
};

struct mode_stack {
	struct mode *top;
	size_t depth;
};

/* Push a mode of type t: allocated, initialised with arg, on top. Returns
 * it (owned by the stack). */
struct mode *mode_push(struct mode_stack *s, struct ui *u,
    const struct mode_type *t, void *arg);
/* Pop and free the top mode (no-op on an empty stack). */
void mode_pop(struct mode_stack *s);
/* Pop every mode above `keep` (keep stays). */
void mode_pop_to(struct mode_stack *s, const struct mode *keep);
/* Free every mode. */
void mode_free_all(struct mode_stack *s);
/* The topmost mode of type t, NULL if none. */
struct mode *mode_find(const struct mode_stack *s, const struct mode_type *t);

/* Draw from the highest non-overlay mode up. screen is the whole terminal,
 * body the part above the status line. */
void mode_draw(struct mode_stack *s, struct rect screen, struct rect body);
/* Tell every mode the new size. */
void mode_resize(struct mode_stack *s, int rows, int cols);

/* The modes. */
extern const struct mode_type mode_panes, mode_details, mode_help,
    mode_confirm, mode_prompt, mode_events, mode_form, mode_migrate;

/* A scrollable page of text lines (details and help share it). */
struct text;
struct mode_page {
	size_t top;
	int rows;               /* lines on screen, from the last draw */
};
void mode_page_move(struct mode_page *p, enum mode_move how);
/* The move op of a mode whose data begins with its struct mode_page. */
void mode_page_move_op(struct mode *m, enum mode_move how);
void mode_page_draw(struct mode_page *p, const struct text *t, struct rect r,
    int ascii);
/* The same, with a last line saying where the page is and that there is
 * more ("-- more: lines 1-22 of 80 ..."), when it does not fit. */
void mode_page_draw_more(struct mode_page *p, const struct text *t,
    struct rect r, int ascii);

/* --- the panes mode: what commands need from it (mode-panes.c) --- */
struct panes;
struct panes *panes_of(struct ui *u);
/* Key of the selected row of the focused pane (NULL: none). Valid until
 * the next rebuild. */
const char *panes_selected(struct panes *p, enum pane_id *pane);
enum pane_id panes_focus(const struct panes *p);
void panes_set_focus(struct panes *p, enum pane_id pane);
void panes_move_focus(struct panes *p, int delta);
/* Select the row with this key in a pane (focus it, clear its filter);
 * the selection waits for the row if it is not there yet. Returns 1 if
 * the row is there now. */
int panes_select(struct panes *p, enum pane_id pane, const char *key);
/* Find a host, desktop, pool or volume row by name (in that order of
 * panes) and select it. Returns 0, or -1 when nothing has that name. */
int panes_go(struct panes *p, const char *name, int only_pane);
/* Rebuild the rows of the shown panes whose model generation moved (all
 * of them on a tick: clocks and spinners). Returns how many were rebuilt.
 * Takes the model lock. */
int panes_refresh(struct panes *p, int tick);
/* Marks on desktops (Space, `*`, Esc): bulk actions act on them. Toggle
 * the selected desktop's mark and move down / mark every row the filter
 * shows: -1 when the desktops pane is not focused. Clear returns how many
 * there were. The list (owned by p) holds UUIDs of desktops that exist. */
int panes_mark_toggle(struct panes *p);
int panes_mark_shown(struct panes *p);
size_t panes_mark_clear(struct panes *p);
char *const *panes_marks(const struct panes *p, size_t *n);
/* The table of a pane (filter, sort, selection). */
struct table *panes_table(struct panes *p, enum pane_id pane);
/* For tests: a panes state without a UI, laid out for rows x cols. */
struct panes *panes_new(int rows, int cols, int ascii);
void panes_free(struct panes *p);
/* Refreshes per pane since creation, whole builds and row-by-row updates
 * alike (tests measure redraw cost with it). */
unsigned panes_builds(const struct panes *p, enum pane_id pane);

/* --- helpers to push modes --- */
/* Ask a yes/no question; on y, fn(u, arg) runs (arg is freed after with
 * free()). The text is copied. */
void mode_confirm_push(struct ui *u, const char *text,
    void (*fn)(struct ui *u, const char *arg), const char *arg);
/* The same, with one more key that means yes (0: none). */
void mode_confirm_push_also(struct ui *u, const char *text,
    void (*fn)(struct ui *u, const char *arg), const char *arg, int also_yes);
/* A command's question (cmd_face.confirm): on y, yes(face, arg) runs
 * inside the command's audit record. */
void mode_confirm_push_face(struct ui *u, const char *text,
    const struct cmd_face *face, cmd_face_yes yes, const char *arg);
/* m (a confirmation on top) also runs fn(u) after a yes. */
void mode_confirm_after_yes(struct mode *m, void (*fn)(struct ui *u));
/* The filter (kind '/') or command (':') prompt. */
void mode_prompt_push(struct ui *u, int kind);
/* A question of a command that runs in the server (cmd-relay.h): the
 * line typed after question (secret: a password, shown as stars) is its
 * answer on Enter (cmd_relay_answer(ticket, ...)), Esc answers no. */
void mode_prompt_push_question(struct ui *u, const char *question,
    int secret, const char *ticket);
/* The event log, full screen (`L`). */
void mode_events_push(struct ui *u);
/* A migration's progress, full screen (mode-migrate.c). */
void mode_migrate_push(struct ui *u, unsigned job);
/* The job a progress view shows (m is a mode_migrate). */
unsigned mode_migrate_job(const struct mode *m);
/* Details of a row of a pane. */
void mode_details_push(struct ui *u, enum pane_id pane, const char *key);

#endif
