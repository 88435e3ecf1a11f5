/* theme.c — semantic colour slots, theme files and their curses attributes.
 * One table gives every slot its file name, its default colours and its
 * monochrome attributes; a theme file is laid over a copy of it and swapped
 * in only when every value is valid, so a bad file leaves the default. */
#include "tui/theme.h"
#include "core/lcfg.h"
#include "core/text.h"
#include "core/util.h"

#include <curses.h>
#include <libconfig.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define C_DEFAULT (-1)

struct slot_def {
	const char *name;
	short fg, bg;
	unsigned attrs;   /* with colours */
	unsigned mono;    /* without: must be readable on its own */
};

/* Adding a slot: an enum value in theme.h and one row here. Monochrome
 * attributes carry the meaning alone, so states that need attention are
 * bold or reversed and quiet ones dim. */
static const struct slot_def slot_table[] = {
	[SLOT_NORMAL] = { "normal", C_DEFAULT, C_DEFAULT, A_NORMAL, A_NORMAL },
	[SLOT_BORDER] = { "border", COLOR_BLUE, C_DEFAULT, A_NORMAL, A_NORMAL },
	[SLOT_BORDER_ACTIVE] = { "border_active", COLOR_CYAN, C_DEFAULT,
	    A_BOLD, A_BOLD },
	[SLOT_TITLE] = { "title", COLOR_CYAN, C_DEFAULT, A_BOLD, A_BOLD },
	[SLOT_HEADER] = { "header", COLOR_BLACK, COLOR_GREEN, A_NORMAL,
	    A_BOLD | A_UNDERLINE },
	[SLOT_SELECTION] = { "selection", COLOR_BLACK, COLOR_CYAN, A_NORMAL,
	    A_REVERSE },
	[SLOT_SELECTION_INACTIVE] = { "selection_inactive", COLOR_BLACK,
	    COLOR_WHITE, A_NORMAL, A_UNDERLINE },
	[SLOT_STATUS] = { "status", COLOR_WHITE, COLOR_BLUE, A_NORMAL,
	    A_REVERSE },
	[SLOT_STATUS_MODE_RO] = { "status_mode_ro", COLOR_BLACK, COLOR_YELLOW,
	    A_BOLD, A_REVERSE | A_BOLD },
	[SLOT_DIM] = { "dim", C_DEFAULT, C_DEFAULT, A_DIM, A_DIM },
	[SLOT_ALERT] = { "alert", COLOR_RED, C_DEFAULT, A_BOLD,
	    A_BOLD | A_REVERSE },
	[SLOT_KEY] = { "key", COLOR_YELLOW, C_DEFAULT, A_BOLD, A_BOLD },
	[SLOT_STATE_RUNNING] = { "state_running", COLOR_GREEN, C_DEFAULT,
	    A_BOLD, A_BOLD },
	[SLOT_STATE_PAUSED] = { "state_paused", COLOR_YELLOW, C_DEFAULT,
	    A_NORMAL, A_UNDERLINE },
	[SLOT_STATE_SHUTOFF] = { "state_shutoff", C_DEFAULT, C_DEFAULT,
	    A_NORMAL, A_NORMAL },
	[SLOT_STATE_CRASHED] = { "state_crashed", COLOR_RED, C_DEFAULT, A_BOLD,
	    A_BOLD | A_REVERSE },
	[SLOT_STATE_TRANSITION] = { "state_transition", COLOR_CYAN, C_DEFAULT,
	    A_NORMAL, A_BOLD | A_UNDERLINE },
	[SLOT_STATE_UNKNOWN] = { "state_unknown", COLOR_MAGENTA, C_DEFAULT,
	    A_NORMAL, A_DIM },
	/* louder than crashed, and told apart from it without colour */
	[SLOT_SPLIT_BRAIN] = { "split_brain", COLOR_WHITE, COLOR_RED,
	    A_BOLD, A_BOLD | A_REVERSE | A_UNDERLINE },
	[SLOT_HOST_ONLINE] = { "host_online", COLOR_GREEN, C_DEFAULT, A_NORMAL,
	    A_BOLD },
	[SLOT_HOST_CONNECTING] = { "host_connecting", COLOR_YELLOW, C_DEFAULT,
	    A_NORMAL, A_DIM },
	[SLOT_HOST_OFFLINE] = { "host_offline", COLOR_RED, C_DEFAULT, A_BOLD,
	    A_BOLD | A_REVERSE },
	[SLOT_HOST_READONLY] = { "host_readonly", COLOR_CYAN, C_DEFAULT,
	    A_NORMAL, A_UNDERLINE },
	[SLOT_HOST_MAINTENANCE] = { "host_maintenance", COLOR_MAGENTA,
	    C_DEFAULT, A_NORMAL, A_DIM | A_UNDERLINE },
	/* Bars are reversed so both block cells and '|' cells show. */
	[SLOT_BAR_CPU] = { "bar_cpu", COLOR_GREEN, C_DEFAULT, A_REVERSE,
	    A_REVERSE },
	[SLOT_BAR_MEM] = { "bar_mem", COLOR_YELLOW, C_DEFAULT, A_REVERSE,
	    A_REVERSE },
	[SLOT_BAR_DISK] = { "bar_disk", COLOR_CYAN, C_DEFAULT, A_REVERSE,
	    A_REVERSE },
	[SLOT_BAR_EMPTY] = { "bar_empty", C_DEFAULT, C_DEFAULT, A_DIM, A_DIM },
	[SLOT_JOB] = { "job", COLOR_CYAN, C_DEFAULT, A_NORMAL, A_BOLD },
	[SLOT_EVENT_TIME] = { "event_time", COLOR_BLUE, C_DEFAULT, A_NORMAL,
	    A_DIM },
	/* a volume whose chain is broken (missing backing file, cycle):
	 * apart from alerts, which are about hosts and desktops */
	[SLOT_VOLUME_PROBLEM] = { "volume_problem", COLOR_MAGENTA, C_DEFAULT,
	    A_BOLD, A_BOLD | A_UNDERLINE },
	/* the whole row, cells and gaps: underlined bold (and italic where
	 * the terminal has it, which no other slot uses) reads without
	 * colour and differs from a one-cell state or a volume problem */
	[SLOT_MARKED] = { "marked", COLOR_YELLOW, C_DEFAULT, A_BOLD | A_UNDERLINE,
	    A_BOLD | A_ITALIC | A_UNDERLINE },
	/* forms: an empty field still shows where it is (underlined), the
	 * focused one is reversed like a selection */
	[SLOT_FORM_LABEL] = { "form_label", COLOR_CYAN, C_DEFAULT, A_NORMAL,
	    A_NORMAL },
	[SLOT_FORM_FIELD] = { "form_field", C_DEFAULT, C_DEFAULT, A_UNDERLINE,
	    A_UNDERLINE },
	[SLOT_FORM_FOCUS] = { "form_focus", COLOR_BLACK, COLOR_CYAN, A_NORMAL,
	    A_REVERSE },
	[SLOT_FORM_ERROR] = { "form_error", COLOR_RED, C_DEFAULT, A_BOLD,
	    A_BOLD | A_REVERSE },
	/* checklist steps: the tag ("ok", "warn", "FAIL") says the state in
	 * words, the slot repeats it */
	[SLOT_CHECK_PENDING] = { "check_pending", C_DEFAULT, C_DEFAULT, A_DIM,
	    A_DIM },
	[SLOT_CHECK_RUNNING] = { "check_running", COLOR_CYAN, C_DEFAULT,
	    A_NORMAL, A_NORMAL },
	[SLOT_CHECK_OK] = { "check_ok", COLOR_GREEN, C_DEFAULT, A_NORMAL,
	    A_BOLD },
	[SLOT_CHECK_WARN] = { "check_warn", COLOR_YELLOW, C_DEFAULT, A_BOLD,
	    A_BOLD | A_UNDERLINE },
	[SLOT_CHECK_FAIL] = { "check_fail", COLOR_RED, C_DEFAULT, A_BOLD,
	    A_BOLD | A_REVERSE },
};
_Static_assert(sizeof slot_table / sizeof slot_table[0] == SLOT_COUNT,
    "slot_table needs one row per enum theme_slot");

static const char *const colour_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const struct {
	const char *name;
	unsigned attr;
} attr_names[] = {
	{ "normal", A_NORMAL },
	{ "bold", A_BOLD },
	{ "dim", A_DIM },
	{ "underline", A_UNDERLINE },
	{ "reverse", A_REVERSE },
	{ "standout", A_STANDOUT },
	{ "italic", A_ITALIC },
};
#define NATTRS (sizeof attr_names / sizeof attr_names[0])

enum slot_key { SK_FG, SK_BG, SK_ATTRS, SK_COUNT };
static const char *const slot_keys[SK_COUNT] = { "fg", "bg", "attrs" };

/* The curses side: attribute per slot once theme_apply ran. */
static unsigned applied_attr[SLOT_COUNT];
static int applied;

/* ---- theme files ---- */

/* What lcfg_fail_at needs, passed down the loaders as one argument. */
struct load_ctx {
	const char *path;
	char **cause;
};

/* Printable ASCII only: names end up in messages and on the screen. */
static int plain_text(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* "default", a colour name, or "colorN" (N 0..255). Returns 0, -1 for an
 * unknown name, -2 for a colorN out of range. */
static int parse_colour(const char *s, short *out)
{
	const char *p;
	int i, n = 0;

	if (strcmp(s, "default") == 0) {
		*out = C_DEFAULT;
		return 0;
	}
	for (i = 0; i < 16; i++)
		if (strcmp(s, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	if (strncmp(s, "color", 5) != 0 || s[5] == '\0')
		return -1;
	for (p = s + 5; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (n <= 255)
			n = n * 10 + (*p - '0');
	}
	if (n > 255)
		return -2;
	*out = (short)n;
	return 0;
}

static int load_colour(const struct load_ctx *ctx, const char *slot,
    const config_setting_t *cs, short *out)
{
	const char *key = config_setting_name(cs), *v;
	char *vis;
	int type = config_setting_type(cs), rc;

	if (type != CONFIG_TYPE_STRING)
		return lcfg_fail_at(ctx->cause, ctx->path, cs, "%s.%s must be "
		    "a string (a colour name or \"colorN\"), not %s", slot, key,
		    lcfg_type_name(type));
	v = config_setting_get_string(cs);
	if ((rc = parse_colour(v, out)) == 0)
		return 0;
	vis = text_visible(v);
	if (rc == -2)
		lcfg_fail_at(ctx->cause, ctx->path, cs, "%s.%s: colour '%s' is "
		    "out of range (color0 .. color255)", slot, key, vis);
	else
		lcfg_fail_at(ctx->cause, ctx->path, cs, "%s.%s: unknown colour "
		    "'%s' (use default, black, red, green, yellow, blue, "
		    "magenta, cyan, white, bright-black .. bright-white, or "
		    "color0 .. color255)", slot, key, vis);
	free(vis);
	return -1;
}

static int parse_attr(const char *s, unsigned *out)
{
	size_t i;

	for (i = 0; i < NATTRS; i++)
		if (strcmp(s, attr_names[i].name) == 0) {
			*out = attr_names[i].attr;
			return 0;
		}
	return -1;
}

static int load_attrs(const struct load_ctx *ctx, const char *slot,
    const config_setting_t *cs, unsigned *out)
{
	const config_setting_t *e;
	int type = config_setting_type(cs);
	unsigned i, bits = A_NORMAL, a;
	char *vis;

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return lcfg_fail_at(ctx->cause, ctx->path, cs, "%s.attrs must "
		    "be a list of names like [\"bold\", \"reverse\"], not %s",
		    slot, lcfg_type_name(type));
	for (i = 0; (e = config_setting_get_elem(cs, i)) != NULL; i++) {
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return lcfg_fail_at(ctx->cause, ctx->path, e,
			    "%s.attrs: each attribute must be a string, not %s",
			    slot, lcfg_type_name(config_setting_type(e)));
		if (parse_attr(config_setting_get_string(e), &a) != 0) {
			vis = text_visible(config_setting_get_string(e));
			lcfg_fail_at(ctx->cause, ctx->path, e, "%s.attrs: "
			    "unknown attribute '%s' (use normal, bold, dim, "
			    "underline, reverse, standout, italic)", slot, vis);
			free(vis);
			return -1;
		}
		bits |= a;
	}
	*out = bits;
	return 0;
}

static int find_slot(const char *name)
{
	int i;

	for (i = 0; i < SLOT_COUNT; i++)
		if (strcmp(slot_table[i].name, name) == 0)
			return i;
	return -1;
}

static int load_slot(const struct load_ctx *ctx, struct theme_style *st,
    const config_setting_t *g)
{
	const char *slot = config_setting_name(g), *key;
	const config_setting_t *m;
	unsigned i;
	int k, rc = 0;

	if (!config_setting_is_group(g))
		return lcfg_fail_at(ctx->cause, ctx->path, g, "%s must be a "
		    "group { fg = \"...\"; bg = \"...\"; attrs = [...]; }, "
		    "not %s", slot, lcfg_type_name(config_setting_type(g)));
	for (i = 0; rc == 0 && (m = config_setting_get_elem(g, i)) != NULL;
	    i++) {
		key = config_setting_name(m);
		for (k = 0; k < SK_COUNT; k++)
			if (strcmp(slot_keys[k], key) == 0)
				break;
		if (k == SK_FG)
			rc = load_colour(ctx, slot, m, &st->fg);
		else if (k == SK_BG)
			rc = load_colour(ctx, slot, m, &st->bg);
		else if (k == SK_ATTRS)
			rc = load_attrs(ctx, slot, m, &st->attrs);
		else
			rc = lcfg_fail_at(ctx->cause, ctx->path, m, "unknown "
			    "key '%s' in %s (known: fg, bg, attrs)", key, slot);
	}
	return rc;
}

static int load_colours(const struct load_ctx *ctx, struct theme *t,
    const config_setting_t *g)
{
	const config_setting_t *m;
	const char *name;
	char *vis;
	unsigned i;
	int slot;

	if (!config_setting_is_group(g))
		return lcfg_fail_at(ctx->cause, ctx->path, g, "colors must be "
		    "a group { SLOT = { ... }; ... }, not %s",
		    lcfg_type_name(config_setting_type(g)));
	for (i = 0; (m = config_setting_get_elem(g, i)) != NULL; i++) {
		name = config_setting_name(m);
		if ((slot = find_slot(name)) < 0) {
			vis = text_visible(name);
			lcfg_fail_at(ctx->cause, ctx->path, m, "unknown slot "
			    "'%s' in colors (see themes/default.theme for the "
			    "list)", vis);
			free(vis);
			return -1;
		}
		if (load_slot(ctx, &t->slots[slot], m) != 0)
			return -1;
	}
	return 0;
}

static int load_name(const struct load_ctx *ctx, struct theme *t,
    const config_setting_t *cs)
{
	const char *v;

	if (config_setting_type(cs) != CONFIG_TYPE_STRING)
		return lcfg_fail_at(ctx->cause, ctx->path, cs, "name must be "
		    "a string, not %s",
		    lcfg_type_name(config_setting_type(cs)));
	v = config_setting_get_string(cs);
	if (*v == '\0' || !plain_text(v))
		return lcfg_fail_at(ctx->cause, ctx->path, cs, "name must be "
		    "non-empty printable ASCII");
	util_set_str(&t->name, v);
	return 0;
}

static int load_tree(const struct load_ctx *ctx, const config_t *lc,
    struct theme *t)
{
	const config_setting_t *root = config_root_setting(lc), *cs;
	const char *name;
	unsigned i;
	int rc;

	for (i = 0; (cs = config_setting_get_elem(root, i)) != NULL; i++) {
		name = config_setting_name(cs);
		if (strcmp(name, "name") == 0)
			rc = load_name(ctx, t, cs);
		else if (strcmp(name, "colors") == 0)
			rc = load_colours(ctx, t, cs);
		else
			rc = lcfg_fail_at(ctx->cause, ctx->path, cs, "unknown "
			    "key '%s' (known: name, colors)", name);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Parses path into lc. Returns 0, or -1 with *cause; a theme that is not
 * there is an error like any other. */
static int read_tree(config_t *lc, const char *path, char **cause)
{
	int rc = lcfg_read(lc, path, "", cause);

	if (rc == 0)
		*cause = xasprintf("%s: %s", path, strerror(ENOENT));
	return rc > 0 ? 0 : -1;
}

/* "dir/solarized-dark.theme" -> "solarized-dark". Caller frees. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base || strcmp(dot, ".theme") != 0)
		return xstrdup(base);
	return xstrndup(base, (size_t)(dot - base));
}

const char *theme_slot_name(enum theme_slot slot)
{
	if ((int)slot < 0 || slot >= SLOT_COUNT)
		return NULL;
	return slot_table[slot].name;
}

void theme_default(struct theme *t)
{
	int i;

	t->name = xstrdup("default");
	for (i = 0; i < SLOT_COUNT; i++) {
		t->slots[i].fg = slot_table[i].fg;
		t->slots[i].bg = slot_table[i].bg;
		t->slots[i].attrs = slot_table[i].attrs;
		t->slots[i].mono = slot_table[i].mono;
	}
}

int theme_load_file(struct theme *t, const char *path, char **cause)
{
	struct load_ctx ctx = { path, cause };
	struct theme tmp;
	config_t lc;
	int rc;

	theme_default(&tmp);
	free(tmp.name);
	tmp.name = name_from_path(path);
	config_init(&lc);
	rc = read_tree(&lc, path, cause);
	if (rc == 0)
		rc = load_tree(&ctx, &lc, &tmp);
	config_destroy(&lc);
	if (rc == 0) {
		*t = tmp;
		return 0;
	}
	theme_free(&tmp);
	theme_default(t);
	return -1;
}

/* A theme name is a file name inside a themes directory, never a path. */
static char *check_theme_name(const char *name)
{
	char *vis, *msg = NULL;

	if (name == NULL || *name == '\0')
		return xstrdup("empty theme name");
	vis = text_visible(name);
	if (strchr(name, '/') != NULL)
		msg = xasprintf("invalid theme name '%s': a name, not a path "
		    "(put NAME.theme in a themes directory)", vis);
	else if (name[0] == '.')
		msg = xasprintf("invalid theme name '%s': must not start with "
		    "'.'", vis);
	else if (!plain_text(name))
		msg = xasprintf("invalid theme name '%s': control characters",
		    vis);
	free(vis);
	return msg;
}

/* $XDG_CONFIG_HOME/hvdeck/themes or ~/.config/hvdeck/themes; NULL when
 * there is no home. Caller frees. */
static char *user_theme_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/hvdeck/themes", xdg);
	if ((home == NULL || home[0] == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/.config/hvdeck/themes", home);
}

/* Appends dir to the "looked in" list; returns 1 with *found (caller frees)
 * when DIR/NAME.theme exists. */
static int try_dir(const char *dir, size_t dirlen, const char *name,
    char **looked, char **found)
{
	struct stat st;
	char *path, *l;

	if (dirlen == 0)
		return 0;
	path = xasprintf("%.*s/%s.theme", (int)dirlen, dir, name);
	if (stat(path, &st) == 0) {
		*found = path;
		return 1;
	}
	free(path);
	l = xasprintf("%s%s%.*s", *looked, **looked != '\0' ? ", " : "",
	    (int)dirlen, dir);
	free(*looked);
	*looked = l;
	return 0;
}

/* The first NAME.theme in the user directory then the search path, or NULL
 * with *looked listing the directories tried. Caller frees both. */
static char *find_theme(const char *name, const char *search_path,
    char **looked)
{
	const char *p, *colon;
	char *dir, *found = NULL;
	int hit = 0;

	*looked = xstrdup("");
	if ((dir = user_theme_dir()) != NULL) {
		hit = try_dir(dir, strlen(dir), name, looked, &found);
		free(dir);
	}
	for (p = search_path; !hit && p != NULL; p = colon ? colon + 1 : NULL) {
		colon = strchr(p, ':');
		hit = try_dir(p, colon ? (size_t)(colon - p) : strlen(p), name,
		    looked, &found);
	}
	return found;
}

int theme_load(struct theme *t, const char *name, const char *search_path,
    char **cause)
{
	char *msg, *path, *looked, *vis;
	int rc;

	if ((msg = check_theme_name(name)) != NULL) {
		*cause = msg;
		theme_default(t);
		return -1;
	}
	path = find_theme(name, search_path, &looked);
	if (path != NULL) {
		rc = theme_load_file(t, path, cause);
	} else if (strcmp(name, "default") == 0) {
		theme_default(t);
		rc = 0;
	} else {
		vis = text_visible(name);
		*cause = xasprintf("theme '%s' not found (looked in %s)", vis,
		    *looked != '\0' ? looked : "no directories");
		free(vis);
		theme_default(t);
		rc = -1;
	}
	free(looked);
	free(path);
	return rc;
}

void theme_free(struct theme *t)
{
	free(t->name);
	t->name = NULL;
}

/* ---- curses ---- */

/* Brings a 0..255 colour into the terminal's palette. The 6x6x6 cube keeps
 * a hue's dominant channels; greys become black or white, with fg and bg
 * apart so dark grey text stays visible on a dark background. */
static short fit_colour(short c, int ncolours, int is_bg)
{
	int r, g, b, m, lum, out;

	if (c < 0 || c < ncolours)
		return c;
	if (c < 16)
		return (short)(c % 8);
	if (c >= 232) {
		lum = 8 + 10 * (c - 232);
		if (ncolours >= 16)
			out = lum < 48 ? 0 : lum < 128 ? 8 : lum < 208 ? 7 : 15;
		else
			out = lum < (is_bg ? 128 : 40) ? 0 : 7;
		return (short)out;
	}
	c -= 16;
	r = c / 36, g = c / 6 % 6, b = c % 6;
	m = r > g ? r : g;
	m = m > b ? m : b;
	if (m == 0)
		return 0;
	out = (r * 3 >= m * 2) | (g * 3 >= m * 2) << 1 | (b * 3 >= m * 2) << 2;
	if (ncolours >= 16 && m >= 4)
		out += 8;
	return (short)out;
}

void theme_apply(const struct theme *t, int use_colour)
{
	int defaults_ok, i;
	short fg, bg;

	if (use_colour && (!has_colors() || COLORS < 8 ||
	    COLOR_PAIRS <= SLOT_COUNT))
		use_colour = 0;
	defaults_ok = use_colour && use_default_colors() == OK;
	for (i = 0; i < SLOT_COUNT; i++) {
		if (!use_colour) {
			applied_attr[i] = t->slots[i].mono;
			continue;
		}
		fg = fit_colour(t->slots[i].fg, COLORS, 0);
		bg = fit_colour(t->slots[i].bg, COLORS, 1);
		if (!defaults_ok && fg < 0)
			fg = COLOR_WHITE;
		if (!defaults_ok && bg < 0)
			bg = COLOR_BLACK;
		init_pair((short)(i + 1), fg, bg);
		applied_attr[i] = (unsigned)COLOR_PAIR(i + 1) | t->slots[i].attrs;
	}
	applied = 1;
}

int theme_attr(enum theme_slot slot)
{
	if ((int)slot < 0 || slot >= SLOT_COUNT)
		slot = SLOT_NORMAL;
	if (!applied)
		return (int)slot_table[slot].mono;
	return (int)applied_attr[slot];
}
