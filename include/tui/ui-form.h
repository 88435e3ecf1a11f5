/* ui-form.h — the one form layer (helper H1 implements ui-form.c for the
 * fields and mode-form.c for the mode). Every form of hvdeck — add host,
 * role, and later derive, migrate, drain — is built with these calls.
 *
 * A form is a title, labelled fields, a checklist area (a running action's
 * steps, live, see checklist.h) and one message line. Keys: Tab / Down
 * next field, Shift-Tab / Up previous field (a choice field takes Up/Down
 * itself, and Left/Right/Space; see form_key), Enter submits, Esc cancels.
 * Text and password fields are ui-edit.h line editors; a password is never
 * drawn (EDIT_PASSWORD), never kept in a history, and wiped when taken or
 * freed. Everything is drawn through theme slots.
 *
 * Fields are named by a key ("address") so the code that submits reads
 * them by name. The form itself never calls libvirt or libssh: its owner's
 * ops do, through actions and jobs. */
#ifndef HVDECK_UI_FORM_H
#define HVDECK_UI_FORM_H

#include <stddef.h>

#include "core/checklist.h"
#include "tui/layout.h"
#include "tui/theme.h"

struct ui;
struct form;
struct edit;

enum form_kind { FORM_TEXT, FORM_PASSWORD, FORM_CHOICE, FORM_CHECK,
	FORM_NUMBER };

/* A new empty form (title copied). */
struct form *form_new(const char *title);
/* Frees every field, wiping passwords. NULL-safe. Does not free the
 * checklist (its owner does). */
void form_free(struct form *f);

/* Fields, in order. key and label are copied; initial may be NULL. */
void form_add_text(struct form *f, const char *key, const char *label,
    const char *initial);
void form_add_password(struct form *f, const char *key, const char *label);
/* choices[0..n) copied; initial is an index. */
void form_add_choice(struct form *f, const char *key, const char *label,
    const char *const *choices, size_t n, size_t initial);
void form_add_check(struct form *f, const char *key, const char *label,
    int initial);
/* A number in [min, max]; submit refuses other values with an error
 * beside the field. */
void form_add_number(struct form *f, const char *key, const char *label,
    long min, long max, long initial);
/* A field's one-line hint drawn after it (dim), e.g. "default 22". */
void form_set_hint(struct form *f, const char *key, const char *hint);
/* Hide or show a field (a password field appears only when asked for);
 * hidden fields are skipped by Tab and not drawn. */
void form_show(struct form *f, const char *key, int shown);
/* Read-only fields are drawn but Tab skips them (after submit). */
void form_lock(struct form *f, const char *key, int locked);
/* Lock or unlock every field at once (while an action runs). */
void form_lock_all(struct form *f, int locked);
void form_focus(struct form *f, const char *key);

/* Values. Text of a text or number field (owned by f, valid until the
 * next key); "" for other kinds, a password included: it leaves only
 * through form_take_password. form_number of a field that holds no
 * integer is its minimum (form_validate has refused it by then). */
const char *form_text(const struct form *f, const char *key);
void form_set_text(struct form *f, const char *key, const char *s);
size_t form_choice(const struct form *f, const char *key);
int form_check(const struct form *f, const char *key);
long form_number(const struct form *f, const char *key);
/* Move the password out: a malloc'd copy (caller wipes with
 * explicit_bzero and frees); the field is wiped and emptied. */
char *form_take_password(struct form *f, const char *key);

/* An error beside the field (NULL clears); the form's message line
 * (NULL clears), e.g. a question: "Accept key ED25519 SHA256:...? y/n". */
void form_set_error(struct form *f, const char *key, const char *msg);
void form_clear_errors(struct form *f);
void form_set_message(struct form *f, const char *msg);
/* A new title (copied): what it names changed (a plan made again). */
void form_set_title(struct form *f, const char *title);
/* Show this checklist under the fields (not owned; NULL: none). */
void form_set_checklist(struct form *f, struct checklist *cl);

/* What the owner of a form does. All run on the UI thread and must not
 * block: they start actions (jobs) and read their state. */
struct form_ops {
	/* Enter. Validate (form_set_error per field and return -1: the form
	 * stays), or start the action (return 0: the form stays, showing
	 * its checklist), or finish (return 1: the form closes). */
	int (*submit)(struct ui *u, struct form *f, void *ctx);
	/* Every redraw while the form is open (the UI wakes on job and
	 * checklist changes): follow the running action — show a question,
	 * a password field, the result. Return 1 to close the form. NULL:
	 * nothing to follow. */
	int (*poll)(struct ui *u, struct form *f, void *ctx);
	/* A key the form did not take (e.g. y/n for a question shown in the
	 * message line); return 1 if taken. NULL: none. */
	int (*key)(struct ui *u, struct form *f, void *ctx, int ch);
	/* Esc: return 1 to close (default when NULL), 0 to stay (an action
	 * that cannot be abandoned half-way says why in the message). */
	int (*cancel)(struct ui *u, struct form *f, void *ctx);
	/* The form closes: free ctx (the form itself is freed after). */
	void (*free)(void *ctx);
	/* A question of a command that runs in the server (cmd-relay.h,
	 * ticket its ticket, secret: a password) while the form is open:
	 * return 1 when the form takes it (it answers it later with
	 * cmd_relay_answer or cmd_relay_no, and no later than its free), 0
	 * to leave it to the prompt line. NULL: none. */
	int (*question)(struct ui *u, struct form *f, void *ctx, int secret,
	    const char *ticket);
};

/* Open a form over the panes; the mode owns f and ctx from here. */
void mode_form_push(struct ui *u, struct form *f, const struct form_ops *ops,
    void *ctx);
/* The UI loop calls this before each redraw: every open form's ops->poll
 * runs; a form whose poll says "close" is closed once nothing is above
 * it (a confirmation it asked for). */
void mode_form_poll(struct ui *u);
/* A relayed question (form_ops.question) for the open forms, top first:
 * 1 when one took it. */
int mode_form_question(struct ui *u, int secret, const char *ticket);

/* --- the form's logic without curses: mode-form.c and the unit tests --- */

enum form_key_result {
	FORM_KEY_IGNORED,       /* not the form's: the owner's ops->key */
	FORM_KEY_TAKEN,         /* moved, edited, chose */
	FORM_KEY_SUBMIT,        /* Enter */
	FORM_KEY_CANCEL,        /* Esc */
};
/* A key for the focused field or the navigation: Tab/Down (Up/Down are
 * the choice's own in a choice field) next, Shift-Tab/Up previous, both
 * skipping hidden and locked fields and wrapping; a choice takes Up/Left
 * (previous), Down/Right (next) and Space (next, wrapping); a checkbox
 * Space; text, password and number fields the line editor's keys (a
 * number only digits and a leading '-'). A locked field takes nothing. */
enum form_key_result form_key(struct form *f, int ch);
/* Check what the form itself can: each shown number is an integer in its
 * range, else an error beside it and focus on the first bad field.
 * Returns 0, or -1 (errors set). Other fields' errors are left alone. */
int form_validate(struct form *f);
/* Key of the focused field, NULL when none can take focus. */
const char *form_focused(const struct form *f);
/* The error beside a field, the message line, the title: owned by f,
 * NULL when none. */
const char *form_error(const struct form *f, const char *key);
const char *form_message(const struct form *f);
const char *form_title(const struct form *f);
/* The line editor of a text, password or number field (NULL otherwise):
 * for drawing and the tests, which check a taken password is wiped. */
const struct edit *form_edit(const struct form *f, const char *key);

/* What a form draws, top to bottom: a field (field >= 0, drawn by
 * form_draw from the field itself), or a line of text in a slot: an error
 * under its field, a checklist step, a blank. text is owned by the array. */
struct form_line {
	int field;              /* index of a field, or -1 */
	enum theme_slot slot;
	char *text;             /* -1 lines: the text; NULL for a field */
	int hint_below;         /* a field whose hint did not fit beside it:
	                         * the lines after it hold the hint */
};
/* The lines of f in a box width cells wide inside (0: no wrapping, one
 * line each): fields, each hint that does not fit beside its field on
 * lines under it, errors and checklist steps wrapped by words, so that
 * nothing is cut (the message and key hints are not among them: they stay
 * at the bottom). Returns the count; *lines freed with form_lines_free. */
size_t form_layout(struct form *f, int width, struct form_line **lines);
void form_lines_free(struct form_line *lines, size_t n);
/* One checklist step as the form shows it: "[ ok ] text: reason", and its
 * slot. Caller frees. */
char *form_check_text(const struct check_step *s, enum theme_slot *slot);

/* Forms are as wide as their longest text (hint, step, message) needs,
 * between these (and never wider than the screen); a field is given
 * FORM_FIELD_WIDTH cells before its hint goes under it. */
#define FORM_MIN_WIDTH 76
#define FORM_MAX_WIDTH 132
#define FORM_FIELD_WIDTH 32
/* The box f wants (borders included) in at most max_w columns: *w, and
 * *h for every line with the message wrapped in *w (the caller clips to
 * the screen; the form scrolls). */
void form_size(struct form *f, int max_w, int *w, int *h);

/* Curses: draw f in r (a box with the title), scrolled so the focused
 * field shows; the terminal cursor is left on a focused text field. */
void form_draw(struct form *f, struct rect r, int ascii);

#endif
