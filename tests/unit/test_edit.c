/* Unit tests for the line editor (ui-edit.c), pure: no curses screen.
 * Characters, not bytes: "/té", Backspace, "xy" must give "txy". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui-edit.h"

#define CTRL(c) ((c) & 0x1f)

static int setup(void **state)
{
	(void)state;
	/* wcwidth needs a UTF-8 locale */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	return 0;
}

static void type(struct edit *e, const char *ascii)
{
	for (; *ascii != '\0'; ascii++)
		edit_key(e, (unsigned char)*ascii);
}

static void test_multibyte_backspace(void **state)
{
	struct edit e;

	(void)state;
	edit_init(&e, 0, NULL);
	type(&e, "t");
	assert_int_equal(edit_key(&e, EDIT_KEY_WCHAR | 0xe9), EDIT_CHANGED); /* é */
	assert_string_equal(edit_text(&e), "t\xc3\xa9");
	edit_key(&e, KEY_BACKSPACE);
	type(&e, "xy");
	assert_string_equal(edit_text(&e), "txy");
	/* a wide character and a 4-byte one, deleted with Delete */
	edit_key(&e, KEY_HOME);
	edit_key(&e, EDIT_KEY_WCHAR | 0x4e2d);	/* 中 */
	edit_key(&e, EDIT_KEY_WCHAR | 0x1f600);	/* an emoji */
	assert_string_equal(edit_text(&e), "\xe4\xb8\xad\xf0\x9f\x98\x80txy");
	assert_int_equal(edit_cursor_chars(&e), 2);
	edit_key(&e, KEY_LEFT);
	edit_key(&e, KEY_DC);
	assert_string_equal(edit_text(&e), "\xe4\xb8\xadtxy");
	edit_key(&e, KEY_LEFT);
	edit_key(&e, KEY_DC);
	assert_string_equal(edit_text(&e), "txy");
	/* controls, bidi overrides, zero-width characters are refused */
	assert_int_equal(edit_key(&e, EDIT_KEY_WCHAR | 0x202e), EDIT_IGNORED);
	assert_int_equal(edit_key(&e, EDIT_KEY_WCHAR | 0x200b), EDIT_IGNORED);
	assert_int_equal(edit_key(&e, EDIT_KEY_WCHAR | 0x9b), EDIT_IGNORED);
	assert_int_equal(edit_key(&e, 0x1b), EDIT_IGNORED);
	assert_string_equal(edit_text(&e), "txy");
	edit_free(&e);
}

static void test_cursor_moves(void **state)
{
	struct edit e;

	(void)state;
	edit_init(&e, 0, NULL);
	edit_set(&e, "a\xc3\xa9z");
	assert_int_equal(edit_cursor_chars(&e), 3);
	edit_key(&e, KEY_LEFT);
	edit_key(&e, KEY_LEFT);
	assert_int_equal(edit_cursor_chars(&e), 1);
	assert_int_equal(e.cur, 1);
	edit_key(&e, KEY_RIGHT);
	assert_int_equal(e.cur, 3);	/* over both bytes of é */
	type(&e, "-");
	assert_string_equal(edit_text(&e), "a\xc3\xa9-z");
	edit_key(&e, CTRL('a'));
	assert_int_equal(e.cur, 0);
	edit_key(&e, KEY_LEFT);
	assert_int_equal(e.cur, 0);
	edit_key(&e, CTRL('e'));
	assert_int_equal(e.cur, e.len);
	edit_key(&e, KEY_RIGHT);
	assert_int_equal(e.cur, e.len);
	/* invalid UTF-8 is cut at the first bad byte */
	edit_set(&e, "ok\xc3(x");
	assert_string_equal(edit_text(&e), "ok");
	/* a completed name from a host: no controls, no bidi override */
	edit_set(&e, "a\x1b[2Jb\xe2\x80\xae" "c\xc2\x9b" "d");
	assert_string_equal(edit_text(&e), "a[2Jbcd");
	edit_free(&e);
}

static void test_kill(void **state)
{
	struct edit e;

	(void)state;
	edit_init(&e, 0, NULL);
	edit_set(&e, "desktop start d\xc3\xa9sk-1");
	edit_key(&e, CTRL('w'));
	assert_string_equal(edit_text(&e), "desktop start ");
	edit_key(&e, CTRL('w'));
	assert_string_equal(edit_text(&e), "desktop ");
	type(&e, "stop now");
	edit_key(&e, KEY_LEFT);
	edit_key(&e, KEY_LEFT);
	edit_key(&e, KEY_LEFT);
	edit_key(&e, CTRL('u'));
	assert_string_equal(edit_text(&e), "now");
	assert_int_equal(e.cur, 0);
	edit_free(&e);
}

static void test_history(void **state)
{
	struct edit_history h;
	struct edit e;
	size_t i;

	(void)state;
	edit_history_init(&h, 3);
	edit_init(&e, 0, &h);
	edit_set(&e, "one");
	edit_commit(&e);
	edit_set(&e, "two");
	edit_commit(&e);
	edit_set(&e, "draft");
	assert_int_equal(edit_key(&e, KEY_UP), EDIT_CHANGED);
	assert_string_equal(edit_text(&e), "two");
	edit_key(&e, KEY_UP);
	assert_string_equal(edit_text(&e), "one");
	assert_int_equal(edit_key(&e, KEY_UP), EDIT_IGNORED);
	assert_string_equal(edit_text(&e), "one");
	edit_key(&e, KEY_DOWN);
	assert_string_equal(edit_text(&e), "two");
	edit_key(&e, KEY_DOWN);
	assert_string_equal(edit_text(&e), "draft");
	assert_int_equal(edit_key(&e, KEY_DOWN), EDIT_IGNORED);
	edit_free(&e);
	/* bounded: the oldest goes; a repeat of the last is not kept */
	for (i = 0; i < 5; i++)
		edit_history_add(&h, i % 2 ? "b" : "c");
	edit_history_add(&h, "c");
	assert_int_equal(h.n, 3);
	assert_string_equal(h.lines[2], "c");
	/* form fields have none */
	edit_init(&e, 0, NULL);
	edit_set(&e, "x");
	assert_int_equal(edit_key(&e, KEY_UP), EDIT_IGNORED);
	edit_commit(&e);
	edit_free(&e);
	edit_history_free(&h);
}

static void test_password(void **state)
{
	struct edit_history h;
	struct edit e;
	size_t from, to, i;
	int pad, col;
	char *buf;

	(void)state;
	edit_history_init(&h, 10);
	edit_init(&e, EDIT_PASSWORD, &h);
	type(&e, "s3cret-pass");
	edit_key(&e, KEY_BACKSPACE);
	edit_commit(&e);
	assert_int_equal(h.n, 0);	/* never kept */
	assert_int_equal(edit_key(&e, KEY_UP), EDIT_IGNORED);
	edit_view(&e, 20, &from, &to, &pad, &col);
	assert_int_equal(col, 0);	/* nothing echoed, not even the length */
	buf = e.buf;
	edit_clear(&e);
	for (i = 0; i < e.cap; i++)
		assert_int_equal(buf[i], 0);
	/* growing the buffer leaves no copy behind in the old one: checked
	 * through the same pointer while it still belongs to e */
	edit_free(&e);
	edit_init(&e, EDIT_PASSWORD | EDIT_STARS, NULL);
	type(&e, "abc");
	edit_view(&e, 20, &from, &to, &pad, &col);
	assert_int_equal(col, 3);
	edit_free(&e);
	edit_history_free(&h);
}

static void test_scroll(void **state)
{
	struct edit e;
	size_t from, to;
	int pad, col, i;

	(void)state;
	edit_init(&e, 0, NULL);
	for (i = 0; i < 30; i++)
		edit_key(&e, EDIT_KEY_WCHAR | 0x4e2d);	/* 60 cells */
	edit_view(&e, 10, &from, &to, &pad, &col);
	assert_int_equal(col, 9);
	assert_int_equal(to, e.len);
	/* what is shown fits: pad + 2 cells per character <= 10 */
	assert_true(pad + (int)((to - from) / 3) * 2 <= 10);
	edit_key(&e, KEY_HOME);
	edit_view(&e, 10, &from, &to, &pad, &col);
	assert_int_equal(from, 0);
	assert_int_equal(col, 0);
	assert_int_equal(to, 15);	/* 5 characters of 2 cells */
	edit_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multibyte_backspace),
		cmocka_unit_test(test_cursor_moves),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_scroll),
	};

	return cmocka_run_group_tests_name("edit", tests, setup, NULL);
}
