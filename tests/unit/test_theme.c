/* test_theme.c — theme files, the search path and monochrome attributes.
 * Runs from the repository root (shipped themes in themes/, fixtures in
 * tests/unit/data/theme/). Never starts curses: theme_apply is only called
 * with colours off, which touches no curses state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/theme.h"
#include "core/util.h"

#include <curses.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA "tests/unit/data/theme/"

static const char *const shipped[] = {
	"default", "monochrome", "solarized-dark", "high-contrast",
};
#define NSHIPPED (sizeof shipped / sizeof shipped[0])

/* ---- helpers ---- */

static void assert_same_style(const struct theme_style *a,
    const struct theme_style *b, const char *slot)
{
	if (a->fg != b->fg || a->bg != b->bg || a->attrs != b->attrs ||
	    a->mono != b->mono)
		fail_msg("slot %s differs: fg %d/%d bg %d/%d attrs %#x/%#x "
		    "mono %#x/%#x", slot, a->fg, b->fg, a->bg, b->bg, a->attrs,
		    b->attrs, a->mono, b->mono);
}

static void assert_is_default(const struct theme *t)
{
	struct theme d;
	int i;

	theme_default(&d);
	assert_string_equal(t->name, "default");
	for (i = 0; i < SLOT_COUNT; i++)
		assert_same_style(&t->slots[i], &d.slots[i],
		    theme_slot_name((enum theme_slot)i));
	theme_free(&d);
}

/* Scratch directory: XDG_CONFIG_HOME points into it so the developer's own
 * themes never take part; HOME and XDG_CONFIG_HOME are restored after. */
struct scratch {
	char dir[64];
	char *xdg, *home;
	char *old_xdg, *old_home;
};

static int setup_scratch(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/test_theme.XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	s->old_xdg = xstrdup(getenv("XDG_CONFIG_HOME"));
	s->old_home = xstrdup(getenv("HOME"));
	s->xdg = xasprintf("%s/xdg", s->dir);
	s->home = xasprintf("%s/home", s->dir);
	setenv("XDG_CONFIG_HOME", s->xdg, 1);
	setenv("HOME", s->home, 1);
	*state = s;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void restore_env(const char *name, const char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static int teardown_scratch(void **state)
{
	struct scratch *s = *state;
	int rc = nftw(s->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

	restore_env("XDG_CONFIG_HOME", s->old_xdg);
	restore_env("HOME", s->old_home);
	free(s->old_xdg);
	free(s->old_home);
	free(s->xdg);
	free(s->home);
	free(s);
	return rc;
}

/* mkdir -p for test paths. */
static void make_dirs(const char *dir)
{
	char *p = xstrdup(dir), *slash = p;

	while ((slash = strchr(slash + 1, '/')) != NULL) {
		*slash = '\0';
		mkdir(p, 0700);
		*slash = '/';
	}
	mkdir(p, 0700);
	free(p);
}

/* Writes DIR/NAME.theme with name = LABEL (creating DIR). */
static void put_theme(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s.theme", dir, name);
	FILE *f;

	make_dirs(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void put_labelled(const char *dir, const char *name, const char *label)
{
	char *text = xasprintf("name = \"%s\";\n", label);

	put_theme(dir, name, text);
	free(text);
}

/* theme_load that must succeed; returns the loaded name (caller frees). */
static char *load_ok(const char *name, const char *search_path)
{
	struct theme t;
	char *cause = NULL, *got;

	if (theme_load(&t, name, search_path, &cause) != 0)
		fail_msg("theme_load(%s): %s", name, cause);
	assert_null(cause);
	got = xstrdup(t.name);
	theme_free(&t);
	return got;
}

static void assert_load_ok(const char *name, const char *search_path,
    const char *want)
{
	char *got = load_ok(name, search_path);

	assert_string_equal(got, want);
	free(got);
}

/* theme_load that must fail with a message containing needle. */
static void assert_load_fails(const char *name, const char *search_path,
    const char *needle)
{
	struct theme t;
	char *cause = NULL;

	assert_int_equal(theme_load(&t, name, search_path, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s' lacks '%s'", cause, needle);
	assert_is_default(&t);
	theme_free(&t);
	free(cause);
}

/* ---- tests ---- */

/* First, before anything calls theme_apply. */
static void test_attr_before_apply(void **state)
{
	struct theme d;
	int i;

	(void)state;
	theme_default(&d);
	for (i = 0; i < SLOT_COUNT; i++)
		assert_int_equal(theme_attr((enum theme_slot)i),
		    (int)d.slots[i].mono);
	theme_free(&d);
	assert_int_equal(theme_attr(SLOT_SELECTION), (int)A_REVERSE);
	assert_int_equal(theme_attr(SLOT_HEADER), (int)(A_BOLD | A_UNDERLINE));
	assert_int_equal(theme_attr(SLOT_STATE_RUNNING), (int)A_BOLD);
	assert_int_equal(theme_attr(SLOT_STATE_UNKNOWN), (int)A_DIM);
	assert_int_equal(theme_attr(SLOT_DIM), (int)A_DIM);
	assert_int_equal(theme_attr(SLOT_NORMAL), (int)A_NORMAL);
	assert_int_equal(theme_attr(SLOT_COUNT), (int)A_NORMAL);
}

/* Colours off: every slot that must stand out does so with attributes
 * alone, and no monochrome attribute carries a colour pair. */
static void test_mono_readable(void **state)
{
	static const enum theme_slot loud[] = {
		SLOT_HEADER, SLOT_SELECTION, SLOT_SELECTION_INACTIVE,
		SLOT_STATUS, SLOT_STATUS_MODE_RO, SLOT_ALERT, SLOT_KEY,
		SLOT_STATE_RUNNING, SLOT_STATE_CRASHED, SLOT_SPLIT_BRAIN,
		SLOT_HOST_OFFLINE,
		SLOT_BAR_CPU, SLOT_BAR_MEM, SLOT_BAR_DISK,
	};
	struct theme d;
	size_t i;

	(void)state;
	theme_default(&d);
	for (i = 0; i < SLOT_COUNT; i++)
		assert_int_equal(d.slots[i].mono & A_COLOR, 0);
	for (i = 0; i < sizeof loud / sizeof loud[0]; i++)
		if (d.slots[loud[i]].mono == A_NORMAL)
			fail_msg("%s has no monochrome attribute",
			    theme_slot_name(loud[i]));
	assert_true(d.slots[SLOT_SELECTION].mono !=
	    d.slots[SLOT_SELECTION_INACTIVE].mono);
	/* a split brain must not pass for a crash or an alert without colour */
	for (i = 0; i < SLOT_COUNT; i++)
		if (i != SLOT_SPLIT_BRAIN && d.slots[i].mono ==
		    d.slots[SLOT_SPLIT_BRAIN].mono)
			fail_msg("split_brain looks like %s in monochrome",
			    theme_slot_name((enum theme_slot)i));
	theme_free(&d);
}

static void test_slot_names(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < SLOT_COUNT; i++) {
		assert_non_null(theme_slot_name((enum theme_slot)i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(theme_slot_name((enum theme_slot)i),
			    theme_slot_name((enum theme_slot)j));
	}
	assert_string_equal(theme_slot_name(SLOT_NORMAL), "normal");
	assert_string_equal(theme_slot_name(SLOT_STATE_RUNNING),
	    "state_running");
	assert_string_equal(theme_slot_name(SLOT_EVENT_TIME), "event_time");
	assert_null(theme_slot_name(SLOT_COUNT));
}

static void test_shipped_load(void **state)
{
	struct theme t;
	char *cause = NULL, *path;
	size_t i;

	(void)state;
	for (i = 0; i < NSHIPPED; i++) {
		path = xasprintf("themes/%s.theme", shipped[i]);
		if (theme_load_file(&t, path, &cause) != 0)
			fail_msg("%s", cause);
		assert_string_equal(t.name, shipped[i]);
		theme_free(&t);
		free(path);
	}
}

/* Through the search path too, with an empty user directory. */
static void test_shipped_by_name(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NSHIPPED; i++)
		assert_load_ok(shipped[i], "/nonexistent:themes", shipped[i]);
}

static void test_default_file_matches(void **state)
{
	struct theme t;
	char *cause = NULL;

	(void)state;
	if (theme_load_file(&t, "themes/default.theme", &cause) != 0)
		fail_msg("%s", cause);
	assert_is_default(&t);
	theme_free(&t);
}

static void test_monochrome_has_no_colour(void **state)
{
	struct theme t;
	char *cause = NULL;
	int i;

	(void)state;
	if (theme_load_file(&t, "themes/monochrome.theme", &cause) != 0)
		fail_msg("%s", cause);
	for (i = 0; i < SLOT_COUNT; i++) {
		assert_int_equal(t.slots[i].fg, -1);
		assert_int_equal(t.slots[i].bg, -1);
		assert_int_equal(t.slots[i].attrs, t.slots[i].mono);
	}
	theme_free(&t);
}

static void test_high_contrast(void **state)
{
	struct theme t;
	char *cause = NULL;
	int i;

	(void)state;
	if (theme_load_file(&t, "themes/high-contrast.theme", &cause) != 0)
		fail_msg("%s", cause);
	for (i = 0; i < SLOT_COUNT; i++) {
		assert_int_equal(t.slots[i].attrs & A_DIM, 0);
		assert_true(t.slots[i].bg >= 0);
	}
	assert_true(t.slots[SLOT_SELECTION].attrs & A_REVERSE);
	theme_free(&t);
}

static void test_override(void **state)
{
	struct theme t, d;
	char *cause = NULL;
	int i;

	(void)state;
	theme_default(&d);
	if (theme_load_file(&t, DATA "override.theme", &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(t.name, "override");

	assert_int_equal(t.slots[SLOT_STATE_RUNNING].fg, 208);
	assert_int_equal(t.slots[SLOT_STATE_RUNNING].bg,
	    d.slots[SLOT_STATE_RUNNING].bg);
	assert_int_equal(t.slots[SLOT_STATE_RUNNING].attrs,
	    d.slots[SLOT_STATE_RUNNING].attrs);

	assert_int_equal(t.slots[SLOT_HEADER].fg, d.slots[SLOT_HEADER].fg);
	assert_int_equal(t.slots[SLOT_HEADER].bg, d.slots[SLOT_HEADER].bg);
	assert_int_equal(t.slots[SLOT_HEADER].attrs, A_UNDERLINE | A_ITALIC);

	assert_int_equal(t.slots[SLOT_SELECTION].fg, 15);
	assert_int_equal(t.slots[SLOT_SELECTION].bg, 0);
	assert_int_equal(t.slots[SLOT_SELECTION].attrs, A_STANDOUT);

	for (i = 0; i < SLOT_COUNT; i++) {
		/* files never change the monochrome attributes */
		assert_int_equal(t.slots[i].mono, d.slots[i].mono);
		if (i != SLOT_STATE_RUNNING && i != SLOT_HEADER &&
		    i != SLOT_SELECTION)
			assert_same_style(&t.slots[i], &d.slots[i],
			    theme_slot_name((enum theme_slot)i));
	}
	theme_free(&t);
	theme_free(&d);
}

/* Without name = "...", the file's base name; [] clears the attributes. */
static void test_name_from_file(void **state)
{
	struct theme t;
	char *cause = NULL;

	(void)state;
	if (theme_load_file(&t, DATA "no-name.theme", &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(t.name, "no-name");
	assert_int_equal(t.slots[SLOT_ALERT].bg, COLOR_RED);
	assert_int_equal(t.slots[SLOT_ALERT].attrs, A_NORMAL);
	theme_free(&t);

	if (theme_load_file(&t, DATA "empty.theme", &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(t.name, "empty");
	theme_free(&t);
}

struct bad_case {
	const char *file;
	int line;
	const char *needle;   /* names the offending thing */
};

static const struct bad_case bad_cases[] = {
	{ "bad-syntax.theme", 3, "syntax error" },
	{ "unknown-key.theme", 2, "unknown key 'colours'" },
	{ "unknown-slot.theme", 4, "unknown slot 'state_runing'" },
	{ "unknown-field.theme", 6, "unknown key 'background' in alert" },
	{ "bad-colour.theme", 4, "border.bg: unknown colour 'purple'" },
	{ "colour256.theme", 4, "title.fg: colour 'color256' is out of range" },
	{ "bad-attr.theme", 5, "key.attrs: unknown attribute 'blink'" },
	{ "attrs-string.theme", 4, "dim.attrs must be a list" },
	{ "attr-not-string.theme", 3, "job.attrs: each attribute must be a "
	  "string, not an integer" },
	{ "fg-int.theme", 4, "bar_cpu.fg must be a string" },
	{ "colors-list.theme", 2, "colors must be a group" },
	{ "slot-string.theme", 3, "event_time must be a group" },
	{ "name-int.theme", 1, "name must be a string" },
	{ "name-empty.theme", 2, "name must be non-empty" },
	{ "no-such-file.theme", 0, "No such file or directory" },
};
#define NBAD (sizeof bad_cases / sizeof bad_cases[0])

static void test_load_bad(void **state)
{
	const struct bad_case *c = *state;
	char *path = xasprintf(DATA "%s", c->file), *prefix, *cause = NULL;
	struct theme t;

	t.name = NULL;
	assert_int_equal(theme_load_file(&t, path, &cause), -1);
	assert_non_null(cause);
	prefix = c->line > 0 ? xasprintf("%s:%d: ", path, c->line) :
	    xasprintf("%s: ", path);
	if (strncmp(cause, prefix, strlen(prefix)) != 0 ||
	    strstr(cause, c->needle) == NULL)
		fail_msg("got '%s', want '%s...%s...'", cause, prefix, c->needle);
	assert_is_default(&t);
	theme_free(&t);
	free(prefix);
	free(cause);
	free(path);
}

static void test_bad_names(void **state)
{
	(void)state;
	assert_load_fails("../default", "themes", "not a path");
	assert_load_fails("a/b", "themes", "invalid theme name 'a/b'");
	assert_load_fails("/etc/passwd", "themes", "not a path");
	assert_load_fails(".hidden", "themes", "must not start with '.'");
	assert_load_fails("..", "themes", "must not start with '.'");
	assert_load_fails("", "themes", "empty theme name");
	assert_load_fails("a\nb", "themes", "'a<U+000A>b'");
}

static void test_search_order(void **state)
{
	struct scratch *s = *state;
	char *user = xasprintf("%s/hvdeck/themes", s->xdg);
	char *sp1 = xasprintf("%s/sp1", s->dir), *sp2 = xasprintf("%s/sp2",
	    s->dir);
	char *path = xasprintf("%s::%s", sp1, sp2), *f;

	put_labelled(user, "foo", "user-foo");
	put_labelled(sp1, "foo", "sp1-foo");
	put_labelled(sp2, "foo", "sp2-foo");
	put_labelled(sp2, "bar", "sp2-bar");
	put_labelled(sp1, "default", "sp1-default");

	assert_load_ok("foo", path, "user-foo");     /* user dir first */
	assert_load_ok("bar", path, "sp2-bar");      /* then in order */
	assert_load_ok("default", path, "sp1-default");

	f = xasprintf("%s/foo.theme", user);
	assert_int_equal(unlink(f), 0);
	free(f);
	assert_load_ok("foo", path, "sp1-foo");
	f = xasprintf("%s/foo.theme", sp1);
	assert_int_equal(unlink(f), 0);
	free(f);
	assert_load_ok("foo", path, "sp2-foo");

	/* "default" needs no file; other names do */
	assert_load_ok("default", NULL, "default");
	assert_load_ok("default", "", "default");
	assert_load_fails("nope", path, "theme 'nope' not found (looked in ");
	assert_load_fails("nope", path, user);
	assert_load_fails("nope", path, sp2);

	free(path);
	free(sp1);
	free(sp2);
	free(user);
}

/* Without XDG_CONFIG_HOME (or a relative one) the user directory is under
 * $HOME/.config. */
static void test_search_home(void **state)
{
	struct scratch *s = *state;
	char *user = xasprintf("%s/.config/hvdeck/themes", s->home);

	put_labelled(user, "mine", "home-mine");
	unsetenv("XDG_CONFIG_HOME");
	assert_load_ok("mine", "themes", "home-mine");
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	assert_load_ok("mine", "themes", "home-mine");
	setenv("XDG_CONFIG_HOME", s->xdg, 1);
	assert_load_fails("mine", "themes", "theme 'mine' not found");
	free(user);
}

/* A broken file found by name is an error, not a fall-through. */
static void test_search_broken(void **state)
{
	struct scratch *s = *state;
	char *user = xasprintf("%s/hvdeck/themes", s->xdg), *want;

	put_theme(user, "default", "name = \"x\";\ncolors = { nope = {}; };\n");
	want = xasprintf("%s/default.theme:2: unknown slot 'nope'", user);
	assert_load_fails("default", "themes", want);
	free(want);
	free(user);
}

/* With colours off theme_apply needs no terminal. */
static void test_apply_mono(void **state)
{
	struct theme t;

	(void)state;
	theme_default(&t);
	t.slots[SLOT_KEY].mono = A_UNDERLINE;
	theme_apply(&t, 0);
	theme_free(&t);
	assert_int_equal(theme_attr(SLOT_KEY), (int)A_UNDERLINE);
	assert_int_equal(theme_attr(SLOT_SELECTION), (int)A_REVERSE);
}

#define BAD(i) { bad_cases[i].file, test_load_bad, NULL, NULL, \
	(void *)&bad_cases[i] }
#define SCRATCH(f) cmocka_unit_test_setup_teardown(f, setup_scratch, \
	teardown_scratch)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attr_before_apply),
		cmocka_unit_test(test_mono_readable),
		cmocka_unit_test(test_slot_names),
		cmocka_unit_test(test_shipped_load),
		SCRATCH(test_shipped_by_name),
		cmocka_unit_test(test_default_file_matches),
		cmocka_unit_test(test_monochrome_has_no_colour),
		cmocka_unit_test(test_high_contrast),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_name_from_file),
		BAD(0), BAD(1), BAD(2), BAD(3), BAD(4), BAD(5), BAD(6), BAD(7),
		BAD(8), BAD(9), BAD(10), BAD(11), BAD(12), BAD(13), BAD(14),
		cmocka_unit_test(test_bad_names),
		SCRATCH(test_search_order),
		SCRATCH(test_search_home),
		SCRATCH(test_search_broken),
		cmocka_unit_test(test_apply_mono),
	};

	_Static_assert(NBAD == 15, "add a BAD(i) line for each bad case");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
