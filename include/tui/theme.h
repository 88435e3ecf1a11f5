/* theme.h — semantic colour slots and theme files (libconfig).
 *
 * Views never use colour numbers: they ask for a slot's attribute. A theme
 * file maps slot names to a foreground, a background and attributes:
 *
 *   name = "solarized-dark";
 *   colors = {
 *     state_running = { fg = "green"; bg = "default"; attrs = ["bold"]; };
 *     ...
 *   };
 *
 * Slots missing from a file keep the default theme's value. With colours off
 * (NO_COLOR, a terminal without colours, or the monochrome theme) every slot
 * falls back to its monochrome attributes, so every theme stays readable. */
#ifndef HVDECK_THEME_H
#define HVDECK_THEME_H

enum theme_slot {
	SLOT_NORMAL, SLOT_BORDER, SLOT_BORDER_ACTIVE, SLOT_TITLE, SLOT_HEADER,
	SLOT_SELECTION, SLOT_SELECTION_INACTIVE, SLOT_STATUS, SLOT_STATUS_MODE_RO,
	SLOT_DIM, SLOT_ALERT, SLOT_KEY,
	SLOT_STATE_RUNNING, SLOT_STATE_PAUSED, SLOT_STATE_SHUTOFF,
	SLOT_STATE_CRASHED, SLOT_STATE_TRANSITION, SLOT_STATE_UNKNOWN,
	SLOT_SPLIT_BRAIN,    /* a desktop live on two hosts: the loudest alarm */
	SLOT_HOST_ONLINE, SLOT_HOST_CONNECTING, SLOT_HOST_OFFLINE,
	SLOT_HOST_READONLY, SLOT_HOST_MAINTENANCE,
	SLOT_BAR_CPU, SLOT_BAR_MEM, SLOT_BAR_DISK, SLOT_BAR_EMPTY,
	SLOT_JOB, SLOT_EVENT_TIME, SLOT_VOLUME_PROBLEM,
	SLOT_MARKED,            /* rows marked for an action on many (Space) */
	SLOT_FORM_LABEL, SLOT_FORM_FIELD, SLOT_FORM_FOCUS, SLOT_FORM_ERROR,
	SLOT_CHECK_PENDING, SLOT_CHECK_RUNNING, SLOT_CHECK_OK, SLOT_CHECK_WARN,
	SLOT_CHECK_FAIL,        /* a form's checklist steps, by state */
	SLOT_COUNT
};

/* A colour is -1 (terminal default) or 0..255. attrs are curses A_* bits. */
struct theme_style {
	short fg, bg;
	unsigned attrs;      /* with colours */
	unsigned mono;       /* without colours */
};

struct theme {
	char *name;
	struct theme_style slots[SLOT_COUNT];
};

/* Slot names as written in theme files ("state_running"), for help/man. */
const char *theme_slot_name(enum theme_slot slot);

/* The built-in default theme (also the base every file is laid over).
 * Ownership, here and in the loaders below: *t is overwritten without being
 * freed (pass a fresh or theme_free'd struct); t->name is then owned by *t
 * and released by theme_free. */
void theme_default(struct theme *t);

/* Load a theme file over the default. On error returns -1 with *cause as
 * "FILE:LINE: message" (caller frees) and leaves *t as the default theme.
 * t->name is the file's name = "..." or else its base name less .theme. */
int theme_load_file(struct theme *t, const char *path, char **cause);

/* Find NAME: $XDG_CONFIG_HOME/hvdeck/themes/NAME.theme (or
 * ~/.config/...), then each directory of the colon-separated search path
 * (the source tree's themes/ and the installed DATADIR/themes). "default"
 * needs no file. NAME must not contain '/' or start with '.'. Returns 0, or
 * -1 with *cause (caller frees; the theme is then the default, so the
 * caller can warn and go on). */
int theme_load(struct theme *t, const char *name, const char *search_path,
    char **cause);

/* Frees t->name and sets it to NULL; twice is harmless. */
void theme_free(struct theme *t);

/* Curses: init colour pairs for the theme (after start_color()), and the
 * attribute to draw a slot with. use_colour 0 -> monochrome attributes.
 * theme_apply copies what it needs (t may be freed after). Before any
 * theme_apply, theme_attr returns the monochrome attributes. */
void theme_apply(const struct theme *t, int use_colour);
int theme_attr(enum theme_slot slot);

#endif
