/* ui-form.c — the form layer's fields: labelled text, password, choice,
 * checkbox and number fields, an error beside each, a message line and a
 * checklist area. The logic (keys, validation, the lines to draw) needs
 * no curses, so unit tests drive it; form_draw is the only curses part.
 * Passwords are line editors with EDIT_PASSWORD: never drawn, wiped when
 * taken and when the form is freed. */
#include "tui/ui-form.h"
#include "core/text.h"
#include "tui/ui-edit.h"
#include "tui/ui-table.h"
#include "tui/ui-box.h"
#include "core/util.h"

#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct form_field {
	enum form_kind kind;
	char *key, *label, *hint, *error;
	int hidden, locked;
	struct edit edit;       /* text, password, number */
	char **choices;         /* choice */
	size_t nchoices, choice;
	int check;              /* checkbox */
	long min, max;          /* number */
};

struct form {
	char *title, *message;
	struct form_field *fields;
	size_t n;
	size_t focus;           /* n: no field can take it */
	struct checklist *cl;   /* not owned */
	size_t top;             /* first line drawn (scrolling) */
};

struct form *form_new(const char *title)
{
	struct form *f = xcalloc(1, sizeof *f);

	f->title = xstrdup(title);
	return f;
}

static void field_free(struct form_field *fl)
{
	size_t i;

	edit_free(&fl->edit);	/* wipes a password */
	for (i = 0; i < fl->nchoices; i++)
		free(fl->choices[i]);
	free(fl->choices);
	free(fl->key);
	free(fl->label);
	free(fl->hint);
	free(fl->error);
}

void form_free(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		field_free(&f->fields[i]);
	free(f->fields);
	free(f->title);
	free(f->message);
	free(f);
}

static struct form_field *find(const struct form *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return &f->fields[i];
	return NULL;
}

static int can_focus(const struct form_field *fl)
{
	return !fl->hidden && !fl->locked;
}

/* The focus moves delta (+1/-1) to the next field that can take it,
 * wrapping; it stays when none can. */
static void move_focus(struct form *f, int delta)
{
	size_t i, at = f->focus < f->n ? f->focus : (delta > 0 ? f->n - 1 : 0);

	for (i = 0; i < f->n; i++) {
		at = delta > 0 ? (at + 1) % f->n : (at + f->n - 1) % f->n;
		if (can_focus(&f->fields[at])) {
			f->focus = at;
			return;
		}
	}
}

/* After a field is hidden or locked: the focus goes on to one that can
 * take it (or none). */
static void fix_focus(struct form *f)
{
	if (f->focus < f->n && can_focus(&f->fields[f->focus]))
		return;
	f->focus = f->n;	/* none, unless a field can take it */
	move_focus(f, 1);
}

static struct form_field *add(struct form *f, enum form_kind kind,
    const char *key, const char *label)
{
	struct form_field *fl;

	f->fields = xreallocarray(f->fields, f->n + 1, sizeof *f->fields);
	fl = &f->fields[f->n++];
	memset(fl, 0, sizeof *fl);
	fl->kind = kind;
	fl->key = xstrdup(key);
	fl->label = xstrdup(label);
	if (kind == FORM_TEXT || kind == FORM_NUMBER)
		edit_init(&fl->edit, 0, NULL);
	else if (kind == FORM_PASSWORD)
		edit_init(&fl->edit, EDIT_PASSWORD, NULL);
	if (f->focus >= f->n - 1)	/* the first field takes the focus */
		f->focus = f->n;
	fix_focus(f);
	return fl;
}

void form_add_text(struct form *f, const char *key, const char *label,
    const char *initial)
{
	edit_set(&add(f, FORM_TEXT, key, label)->edit, initial);
}

void form_add_password(struct form *f, const char *key, const char *label)
{
	add(f, FORM_PASSWORD, key, label);
}

void form_add_choice(struct form *f, const char *key, const char *label,
    const char *const *choices, size_t n, size_t initial)
{
	struct form_field *fl = add(f, FORM_CHOICE, key, label);
	size_t i;

	fl->choices = xcalloc(n > 0 ? n : 1, sizeof *fl->choices);
	for (i = 0; i < n; i++)
		fl->choices[i] = xstrdup(choices[i]);
	fl->nchoices = n;
	fl->choice = initial < n ? initial : 0;
}

void form_add_check(struct form *f, const char *key, const char *label,
    int initial)
{
	add(f, FORM_CHECK, key, label)->check = initial != 0;
}

void form_add_number(struct form *f, const char *key, const char *label,
    long min, long max, long initial)
{
	struct form_field *fl = add(f, FORM_NUMBER, key, label);
	char buf[32];

	fl->min = min;
	fl->max = max;
	snprintf(buf, sizeof buf, "%ld", initial);
	edit_set(&fl->edit, buf);
}

void form_set_hint(struct form *f, const char *key, const char *hint)
{
	struct form_field *fl = find(f, key);

	if (fl != NULL)
		util_set_str(&fl->hint, hint);
}

void form_show(struct form *f, const char *key, int shown)
{
	struct form_field *fl = find(f, key);

	if (fl == NULL)
		return;
	fl->hidden = !shown;
	fix_focus(f);
}

void form_lock(struct form *f, const char *key, int locked)
{
	struct form_field *fl = find(f, key);

	if (fl == NULL)
		return;
	fl->locked = locked != 0;
	fix_focus(f);
}

void form_lock_all(struct form *f, int locked)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		f->fields[i].locked = locked != 0;
	fix_focus(f);
}

void form_focus(struct form *f, const char *key)
{
	struct form_field *fl = find(f, key);

	if (fl != NULL && can_focus(fl))
		f->focus = (size_t)(fl - f->fields);
}

/* ---- values ---- */

const char *form_text(const struct form *f, const char *key)
{
	const struct form_field *fl = find(f, key);

	/* a password only ever leaves through form_take_password */
	if (fl == NULL || (fl->kind != FORM_TEXT && fl->kind != FORM_NUMBER))
		return "";
	return edit_text(&fl->edit);
}

void form_set_text(struct form *f, const char *key, const char *s)
{
	struct form_field *fl = find(f, key);

	if (fl != NULL && (fl->kind == FORM_TEXT || fl->kind == FORM_NUMBER))
		edit_set(&fl->edit, s);
}

size_t form_choice(const struct form *f, const char *key)
{
	const struct form_field *fl = find(f, key);

	return fl != NULL && fl->kind == FORM_CHOICE ? fl->choice : 0;
}

int form_check(const struct form *f, const char *key)
{
	const struct form_field *fl = find(f, key);

	return fl != NULL && fl->kind == FORM_CHECK ? fl->check : 0;
}

/* The number typed: 0 with *v when it is a whole integer, else -1. */
static int parse_number(const struct form_field *fl, long *v)
{
	const char *s = edit_text(&fl->edit);
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s != '\0' && *end == '\0' && errno == 0 ? 0 : -1;
}

long form_number(const struct form *f, const char *key)
{
	const struct form_field *fl = find(f, key);
	long v;

	if (fl == NULL || fl->kind != FORM_NUMBER || parse_number(fl, &v) < 0)
		return fl != NULL ? fl->min : 0;
	return v;
}

char *form_take_password(struct form *f, const char *key)
{
	struct form_field *fl = find(f, key);
	char *copy;

	if (fl == NULL || fl->kind != FORM_PASSWORD)
		return NULL;
	copy = xstrdup(edit_text(&fl->edit));
	edit_clear(&fl->edit);	/* zeros every byte of the buffer */
	return copy;
}

/* ---- errors, message, checklist ---- */

void form_set_error(struct form *f, const char *key, const char *msg)
{
	struct form_field *fl = find(f, key);

	if (fl != NULL)
		util_set_str(&fl->error, msg);
}

void form_clear_errors(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		util_set_str(&f->fields[i].error, NULL);
}

void form_set_message(struct form *f, const char *msg)
{
	util_set_str(&f->message, msg);
}

void form_set_checklist(struct form *f, struct checklist *cl)
{
	f->cl = cl;
}

const char *form_error(const struct form *f, const char *key)
{
	const struct form_field *fl = find(f, key);

	return fl != NULL ? fl->error : NULL;
}

const char *form_message(const struct form *f)
{
	return f->message;
}

void form_set_title(struct form *f, const char *title)
{
	free(f->title);
	f->title = xstrdup(title);
}

const char *form_title(const struct form *f)
{
	return f->title;
}

const char *form_focused(const struct form *f)
{
	return f->focus < f->n ? f->fields[f->focus].key : NULL;
}

const struct edit *form_edit(const struct form *f, const char *key)
{
	const struct form_field *fl = find(f, key);

	return fl != NULL && (fl->kind == FORM_TEXT || fl->kind == FORM_NUMBER ||
	    fl->kind == FORM_PASSWORD) ? &fl->edit : NULL;
}

/* ---- keys ---- */

/* A choice's own keys: Up/Left back, Down/Right on (both stop at the
 * ends, like a list), Space on and round. */
static int choice_key(struct form_field *fl, int ch)
{
	if (fl->nchoices == 0)
		return 0;
	if (ch == KEY_UP || ch == KEY_LEFT) {
		if (fl->choice > 0)
			fl->choice--;
	} else if (ch == KEY_DOWN || ch == KEY_RIGHT) {
		if (fl->choice + 1 < fl->nchoices)
			fl->choice++;
	} else if (ch == ' ') {
		fl->choice = (fl->choice + 1) % fl->nchoices;
	} else {
		return 0;
	}
	return 1;
}

/* Printable keys a number field refuses: all but digits, and '-' first. */
static int number_refuses(const struct form_field *fl, int ch)
{
	if (ch >= '0' && ch <= '9')
		return 0;
	if (ch == '-')
		return fl->edit.cur != 0 || strchr(edit_text(&fl->edit), '-') != NULL;
	return (ch >= ' ' && ch < 0x7f) || (ch & EDIT_KEY_WCHAR) != 0;
}

static int field_key(struct form_field *fl, int ch)
{
	switch (fl->kind) {
	case FORM_CHOICE:
		return choice_key(fl, ch);
	case FORM_CHECK:
		if (ch != ' ')
			return 0;
		fl->check = !fl->check;
		return 1;
	case FORM_NUMBER:
		if (number_refuses(fl, ch))
			return 1;	/* swallowed, not the owner's */
		/* FALLTHROUGH */
	case FORM_TEXT:
	case FORM_PASSWORD:
		if (ch == KEY_UP || ch == KEY_DOWN)
			return 0;	/* no history in a form: navigation */
		return edit_key(&fl->edit, ch) != EDIT_IGNORED;
	}
	return 0;
}

enum form_key_result form_key(struct form *f, int ch)
{
	struct form_field *fl = f->focus < f->n ? &f->fields[f->focus] : NULL;

	if (ch == 27)
		return FORM_KEY_CANCEL;
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
		return FORM_KEY_SUBMIT;
	if (fl != NULL && !fl->locked && field_key(fl, ch))
		return FORM_KEY_TAKEN;
	if (fl == NULL)
		return FORM_KEY_IGNORED;
	if (ch == '\t' || ch == KEY_DOWN) {
		move_focus(f, 1);
		return FORM_KEY_TAKEN;
	}
	if (ch == KEY_BTAB || ch == KEY_UP) {
		move_focus(f, -1);
		return FORM_KEY_TAKEN;
	}
	return FORM_KEY_IGNORED;
}

int form_validate(struct form *f)
{
	size_t i, bad = f->n;
	long v;
	char *msg;

	for (i = 0; i < f->n; i++) {
		struct form_field *fl = &f->fields[i];

		if (fl->kind != FORM_NUMBER || fl->hidden)
			continue;
		if (parse_number(fl, &v) == 0 && v >= fl->min && v <= fl->max) {
			util_set_str(&fl->error, NULL);
			continue;
		}
		msg = xasprintf("a number from %ld to %ld", fl->min, fl->max);
		util_set_str(&fl->error, msg);
		free(msg);
		if (bad == f->n)
			bad = i;
	}
	if (bad == f->n)
		return 0;
	if (can_focus(&f->fields[bad]))
		f->focus = bad;
	return -1;
}

/* ---- what is drawn ---- */

char *form_check_text(const struct check_step *s, enum theme_slot *slot)
{
	static const enum theme_slot slots[] = {
		[CHECK_PENDING] = SLOT_CHECK_PENDING,
		[CHECK_RUNNING] = SLOT_CHECK_RUNNING,
		[CHECK_OK] = SLOT_CHECK_OK,
		[CHECK_WARN] = SLOT_CHECK_WARN,
		[CHECK_FAIL] = SLOT_CHECK_FAIL,
	};

	*slot = (unsigned)s->state < sizeof slots / sizeof slots[0] ?
	    slots[s->state] : SLOT_NORMAL;
	return xasprintf("[%-4s] %s%s%s", checklist_state_tag(s->state), s->text,
	    s->reason[0] != '\0' ? ": " : "", s->reason);
}

static void line_add(struct form_line **v, size_t *n, int field,
    enum theme_slot slot, char *text)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].field = field;
	(*v)[*n].slot = slot;
	(*v)[*n].text = text;
	(*v)[*n].hint_below = 0;
	(*n)++;
}

/* prefix then text, as lines of at most width cells (0: one line): the
 * text wrapped by words, the lines after the first indented by indent
 * spaces (the prefix's width). Takes text. */
static void lines_add(struct form_line **v, size_t *n, enum theme_slot slot,
    const char *prefix, char *text, int width, int indent)
{
	char **w;
	size_t k, i;

	if (width <= indent + 8 || indent + text_width(text) <= width) {
		line_add(v, n, -1, slot, xasprintf("%s%s", prefix, text));
		free(text);
		return;
	}
	k = text_wrap(text, width - indent, &w);
	for (i = 0; i < k; i++)
		line_add(v, n, -1, slot, i == 0 ? xasprintf("%s%s", prefix, w[i]) :
		    xasprintf("%*s%s", indent, "", w[i]));
	text_lines_free(w, k);
	free(text);
}

/* The columns of a field row in a form width cells wide: the labels',
 * the value's, the field's (the rest beside it is the hint's). */
struct form_cols {
	int label, value, field;
};

static int label_width(const struct form *f, int w)
{
	int lw = 0, t;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!f->fields[i].hidden && (t = text_width(f->fields[i].label)) > lw)
			lw = t;
	lw += 1;
	return lw > w / 3 ? w / 3 : lw;
}

static struct form_cols field_cols(const struct form *f, int w)
{
	struct form_cols c;

	c.label = label_width(f, w);
	c.value = w - c.label - 1;
	c.field = c.value > 30 ? c.value * 2 / 3 : c.value;
	return c;
}

/* Whether fl's hint fits beside its field; else it goes under it. */
static int hint_beside(const struct form_field *fl, struct form_cols c)
{
	return fl->hint != NULL && c.field < c.value - 2 &&
	    text_width(fl->hint) <= c.value - c.field - 2;
}

size_t form_layout(struct form *f, int width, struct form_line **lines)
{
	struct form_line *v = NULL;
	struct check_step *steps = NULL;
	struct form_cols c = field_cols(f, width);
	size_t n = 0, i, ns = 0;
	enum theme_slot slot;

	for (i = 0; i < f->n; i++) {
		struct form_field *fl = &f->fields[i];

		if (fl->hidden)
			continue;
		line_add(&v, &n, (int)i, SLOT_NORMAL, NULL);
		if (fl->hint != NULL && width > 0 && !hint_beside(fl, c)) {
			char *pad = xasprintf("%*s", c.label + 1, "");

			v[n - 1].hint_below = 1;
			lines_add(&v, &n, SLOT_DIM, pad, xstrdup(fl->hint),
			    width, c.label + 1);
			free(pad);
		}
		if (fl->error != NULL)
			lines_add(&v, &n, SLOT_FORM_ERROR, "  ! ",
			    xstrdup(fl->error), width, 4);
	}
	if (f->cl != NULL)
		checklist_snapshot(f->cl, &steps, &ns);
	if (ns > 0)
		line_add(&v, &n, -1, SLOT_NORMAL, xstrdup(""));
	for (i = 0; i < ns; i++) {
		char *t = form_check_text(&steps[i], &slot);

		lines_add(&v, &n, slot, "", t, width, 7);
	}
	free(steps);
	*lines = v;
	return n;
}

void form_lines_free(struct form_line *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
}

/* ---- curses ---- */

/* The choices in a row, the chosen one in brackets; only the chosen one
 * when the row is too narrow. */
static void draw_choice(const struct form_field *fl, int y, int x, int w,
    int focused, int ascii)
{
	int used = 0, i;
	char *one;

	for (i = 0; i < (int)fl->nchoices; i++)
		used += text_width(fl->choices[i]) + 3;
	if (used > w && fl->nchoices > 0) {
		one = xasprintf("< %s >", fl->choices[fl->choice]);
		attrset(theme_attr(focused ? SLOT_FORM_FOCUS : SLOT_FORM_FIELD));
		table_put_text(y, x, one, w, 0, ascii);
		free(one);
		return;
	}
	for (i = 0, used = 0; i < (int)fl->nchoices; i++) {
		int chosen = (size_t)i == fl->choice;

		one = xasprintf(chosen ? "[%s]" : " %s ", fl->choices[i]);
		attrset(theme_attr(chosen ? (focused ? SLOT_FORM_FOCUS :
		    SLOT_FORM_FIELD) : SLOT_NORMAL));
		used += table_put_text(y, x + used, one, w - used, 0, ascii);
		attrset(theme_attr(SLOT_NORMAL));
		if (used < w)
			used += table_put_text(y, x + used, " ", 1, 0, ascii);
		free(one);
	}
}

/* One field's row: label, value, and its hint when it fits beside
 * (hint_below: it has lines of its own). Returns 1 and *cy, *cx when the
 * terminal cursor belongs there. */
static int draw_field(struct form_field *fl, int focused, int hint_below,
    int y, int x, struct form_cols c, int ascii, int *cy, int *cx)
{
	int vx = x + c.label + 1, fw = c.value, cur = 0;

	attrset(theme_attr(fl->locked ? SLOT_DIM : SLOT_FORM_LABEL));
	table_put_text(y, x, fl->label, c.label, 0, ascii);
	if (c.value < 4)
		return 0;
	if (fl->hint != NULL && !hint_below)	/* the hint after a shorter field */
		fw = c.field;
	switch (fl->kind) {
	case FORM_CHOICE:
		draw_choice(fl, y, vx, fw, focused, ascii);
		break;
	case FORM_CHECK:
		attrset(theme_attr(focused ? SLOT_FORM_FOCUS : SLOT_FORM_FIELD));
		mvaddstr(y, vx, fl->check ? "[x]" : "[ ]");
		break;
	default:
		attrset(theme_attr(focused ? SLOT_FORM_FOCUS : SLOT_FORM_FIELD));
		edit_draw(&fl->edit, y, vx, fw);	/* a password: no text */
		if (focused)
			getyx(stdscr, *cy, *cx);
		cur = focused;
		break;
	}
	if (fl->hint != NULL && !hint_below && fw < c.value - 2) {
		attrset(theme_attr(SLOT_DIM));
		table_put_text(y, vx + fw + 2, fl->hint, c.value - fw - 2, 0, ascii);
	}
	attrset(theme_attr(SLOT_NORMAL));
	return cur;
}

/* Scroll so the focused field's row (and its error) is on screen. */
static void scroll_to_focus(struct form *f, const struct form_line *v,
    size_t n, int rows)
{
	size_t i, want = f->top;

	for (i = 0; i < n; i++)
		if (v[i].field >= 0 && (size_t)v[i].field == f->focus)
			want = i;
	if (want < f->top)
		f->top = want;
	else if (rows > 0 && want + 1 >= f->top + (size_t)rows)
		f->top = want + 2 - (size_t)rows;
	if (f->top + (size_t)rows > n + 1)
		f->top = n + 1 > (size_t)rows ? n + 1 - (size_t)rows : 0;
}

/* The message's lines in width cells (at least one, blank or not). */
static size_t message_lines(const struct form *f, int width, char ***lines)
{
	return text_wrap(f->message != NULL ? f->message : "", width, lines);
}

void form_size(struct form *f, int max_w, int *w, int *h)
{
	struct form_line *v;
	size_t n, i, k;
	int want = FORM_MIN_WIDTH - 4, t;
	char **m;

	/* unwrapped: every text line, field with its hint, and the message
	 * at its full width */
	n = form_layout(f, 0, &v);
	for (i = 0; i < n; i++)
		if (v[i].field < 0 && (t = text_width(v[i].text)) > want)
			want = t;
	form_lines_free(v, n);
	for (i = 0; i < f->n; i++)
		if (!f->fields[i].hidden && f->fields[i].hint != NULL &&
		    (t = label_width(f, 1000) + 1 + FORM_FIELD_WIDTH + 2 +
		    text_width(f->fields[i].hint)) > want)
			want = t;
	if (f->message != NULL && (t = text_width(f->message)) > want)
		want = t;
	*w = want + 4 < FORM_MAX_WIDTH ? want + 4 : FORM_MAX_WIDTH;
	if (*w > max_w)
		*w = max_w;
	n = form_layout(f, *w - 4, &v);
	form_lines_free(v, n);
	k = message_lines(f, *w - 4, &m);
	text_lines_free(m, k);
	*h = (int)(n + k) + 4;
}

void form_draw(struct form *f, struct rect r, int ascii)
{
	struct form_line *v;
	int x = r.x + 2, w = r.w - 4, y, cy = -1, cx = -1, rows, cursor = 0;
	struct form_cols c = field_cols(f, w);
	char *title = xasprintf(" %s ", f->title), **m;
	size_t n = form_layout(f, w, &v), i, nm = message_lines(f, w, &m), k, j;

	/* the message takes at most half the rows from the fields */
	k = nm;
	if (k > 1 && (int)k > (r.h - 4) / 2)
		k = (r.h - 4) / 2 > 1 ? (size_t)((r.h - 4) / 2) : 1;
	rows = r.h - 3 - (int)k;
	attrset(theme_attr(SLOT_NORMAL));
	for (y = 0; y < r.h; y++)
		mvhline(r.y + y, r.x, ' ', r.w);
	ui_box(r, 1, title, ascii);
	free(title);
	if (w >= 8 && rows >= 1) {
		scroll_to_focus(f, v, n, rows);
		for (i = f->top, y = r.y + 1; i < n && y < r.y + 1 + rows; i++, y++)
			if (v[i].field >= 0)
				cursor |= draw_field(&f->fields[v[i].field],
				    (size_t)v[i].field == f->focus, v[i].hint_below,
				    y, x, c, ascii, &cy, &cx);
			else {
				attrset(theme_attr(v[i].slot));
				table_put_text(y, x, v[i].text, w, 0, ascii);
			}
		attrset(theme_attr(SLOT_KEY));
		for (j = 0; j < k; j++)
			table_put_text(r.y + r.h - 2 - (int)k + (int)j, x, m[j], w,
			    0, ascii);
		attrset(theme_attr(SLOT_DIM));
		table_put_text(r.y + r.h - 2, x, f->top > 0 || i < n ?
		    "Tab/Shift-Tab field  Enter submit  Esc cancel  (more: Tab)" :
		    "Tab/Shift-Tab field  Enter submit  Esc cancel", w, 0, ascii);
		attrset(theme_attr(SLOT_NORMAL));
	}
	form_lines_free(v, n);
	text_lines_free(m, nm);
	if (cursor && cy >= 0) {
		move(cy, cx);
		curs_set(1);
	}
}
