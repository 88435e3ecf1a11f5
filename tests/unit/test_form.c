/* Unit tests for the form layer's logic (ui-form.c), without curses:
 * navigation over hidden and locked fields, the keys of choices,
 * checkboxes and numbers, a number's range checked on submit, a password
 * wiped when taken, and a checklist's steps as the form draws them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/checklist.h"
#include "tui/ui-edit.h"
#include "tui/ui-form.h"
#include "core/text.h"

static int setup(void **state)
{
	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	return 0;
}

static void type(struct form *f, const char *ascii)
{
	for (; *ascii != '\0'; ascii++)
		form_key(f, (unsigned char)*ascii);
}

static const char *const roles[] = { "hypervisor", "disk", "mixed" };

static struct form *four_fields(void)
{
	struct form *f = form_new("Add host");

	form_add_text(f, "name", "Name", "hv9");
	form_add_password(f, "pw", "Password");
	form_add_choice(f, "role", "Role", roles, 3, 2);
	form_add_number(f, "port", "Port", 1, 65535, 22);
	return f;
}

static void test_navigation_skips(void **state)
{
	struct form *f = four_fields();

	(void)state;
	assert_string_equal(form_focused(f), "name");
	assert_int_equal(form_key(f, '\t'), FORM_KEY_TAKEN);
	assert_string_equal(form_focused(f), "pw");
	form_show(f, "pw", 0);		/* hidden: the focus leaves it */
	assert_string_not_equal(form_focused(f), "pw");
	form_focus(f, "name");
	form_key(f, '\t');
	assert_string_equal(form_focused(f), "role");
	form_key(f, KEY_BTAB);
	assert_string_equal(form_focused(f), "name");
	form_lock(f, "role", 1);
	form_key(f, KEY_DOWN);		/* Down in a text field: next */
	assert_string_equal(form_focused(f), "port");
	form_key(f, '\t');		/* wraps, past the hidden and locked */
	assert_string_equal(form_focused(f), "name");
	form_key(f, KEY_UP);
	assert_string_equal(form_focused(f), "port");
	form_lock_all(f, 1);
	assert_null(form_focused(f));
	assert_int_equal(form_key(f, 'y'), FORM_KEY_IGNORED);	/* the owner's */
	assert_int_equal(form_key(f, '\t'), FORM_KEY_IGNORED);
	form_lock_all(f, 0);
	assert_non_null(form_focused(f));
	assert_int_equal(form_key(f, 27), FORM_KEY_CANCEL);
	assert_int_equal(form_key(f, '\n'), FORM_KEY_SUBMIT);
	form_free(f);
}

static void test_choice_keys(void **state)
{
	struct form *f = four_fields();

	(void)state;
	form_focus(f, "role");
	assert_int_equal(form_choice(f, "role"), 2);
	form_key(f, KEY_DOWN);		/* the last: stays */
	assert_int_equal(form_choice(f, "role"), 2);
	assert_string_equal(form_focused(f), "role");
	form_key(f, KEY_UP);
	assert_int_equal(form_choice(f, "role"), 1);
	form_key(f, KEY_LEFT);
	assert_int_equal(form_choice(f, "role"), 0);
	form_key(f, KEY_UP);
	assert_int_equal(form_choice(f, "role"), 0);
	form_key(f, KEY_RIGHT);
	assert_int_equal(form_choice(f, "role"), 1);
	form_key(f, ' ');
	form_key(f, ' ');		/* Space goes round */
	assert_int_equal(form_choice(f, "role"), 0);
	form_key(f, '\t');
	assert_string_equal(form_focused(f), "port");
	form_free(f);
}

static void test_checkbox(void **state)
{
	struct form *f = form_new("t");

	(void)state;
	form_add_check(f, "force", "Force", 0);
	assert_int_equal(form_check(f, "force"), 0);
	assert_int_equal(form_key(f, ' '), FORM_KEY_TAKEN);
	assert_int_equal(form_check(f, "force"), 1);
	form_key(f, ' ');
	assert_int_equal(form_check(f, "force"), 0);
	form_lock(f, "force", 1);
	form_key(f, ' ');
	assert_int_equal(form_check(f, "force"), 0);
	form_free(f);
}

static void test_number_range(void **state)
{
	struct form *f = four_fields();

	(void)state;
	assert_int_equal(form_validate(f), 0);
	assert_int_equal(form_number(f, "port"), 22);
	form_focus(f, "port");
	type(f, "0x");			/* letters refused: "220" */
	assert_string_equal(form_text(f, "port"), "220");
	type(f, "000");
	assert_int_equal(form_validate(f), -1);
	assert_string_equal(form_error(f, "port"), "a number from 1 to 65535");
	form_focus(f, "name");
	assert_int_equal(form_validate(f), -1);
	assert_string_equal(form_focused(f), "port");	/* to the bad field */
	form_set_text(f, "port", "-");
	assert_int_equal(form_validate(f), -1);
	form_set_text(f, "port", "2222");
	assert_int_equal(form_validate(f), 0);
	assert_null(form_error(f, "port"));
	assert_int_equal(form_number(f, "port"), 2222);
	form_free(f);
}

static void test_password_taken_and_wiped(void **state)
{
	struct form *f = four_fields();
	const struct edit *e;
	char *pw;
	size_t i;

	(void)state;
	form_focus(f, "pw");
	type(f, "s3cret-pass");
	e = form_edit(f, "pw");
	assert_non_null(e);
	assert_string_equal(form_text(f, "pw"), "");	/* never read as text */
	pw = form_take_password(f, "pw");
	assert_string_equal(pw, "s3cret-pass");
	/* the same buffer, every byte zero */
	assert_ptr_equal(form_edit(f, "pw"), e);
	for (i = 0; i < e->cap; i++)
		assert_int_equal(e->buf[i], 0);
	assert_int_equal(e->len, 0);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	assert_null(form_take_password(f, "name"));	/* not a password */
	form_free(f);
}

static void test_layout_errors_and_hidden(void **state)
{
	struct form *f = four_fields();
	struct form_line *v;
	size_t n;

	(void)state;
	form_show(f, "pw", 0);
	form_set_error(f, "name", "already in use");
	n = form_layout(f, 0, &v);
	assert_int_equal(n, 4);		/* name, its error, role, port */
	assert_int_equal(v[0].field, 0);
	assert_int_equal(v[1].field, -1);
	assert_int_equal(v[1].slot, SLOT_FORM_ERROR);
	assert_non_null(strstr(v[1].text, "already in use"));
	assert_int_equal(v[2].field, 2);
	form_lines_free(v, n);
	form_clear_errors(f);
	assert_null(form_error(f, "name"));
	form_set_message(f, "Accept key? y/n");
	assert_string_equal(form_message(f), "Accept key? y/n");
	form_free(f);
}

/* In a narrow box a hint that does not fit beside its field goes under
 * it, and errors and steps are wrapped by words: no line is wider than the
 * box, no word of the text is lost; unwrapped (width 0) each is one line. */
static void test_layout_wraps(void **state)
{
	static const char *hint = "the host refuses password login: install "
	    "hvdeck's key (hvdeck host key) on it, then press Enter";
	static const char *err = "host hv2 does not allow password login for "
	    "root (PermitRootLogin prohibit-password)";
	struct form *f = four_fields();
	struct form_line *v;
	size_t n, i, nwide;
	char all[1024] = "";

	(void)state;
	form_set_hint(f, "name", "short");
	form_set_hint(f, "pw", hint);
	form_set_error(f, "pw", err);
	nwide = form_layout(f, 0, &v);
	assert_int_equal(nwide, 5);	/* 4 fields, 1 error */
	form_lines_free(v, nwide);
	n = form_layout(f, 60, &v);
	assert_true(n > nwide + 2);
	assert_int_equal(v[0].field, 0);
	assert_int_equal(v[0].hint_below, 0);	/* "short" fits beside */
	assert_int_equal(v[1].field, 1);
	assert_int_equal(v[1].hint_below, 1);
	for (i = 0; i < n; i++) {
		if (v[i].field >= 0)
			continue;
		assert_true(text_width(v[i].text) <= 60);
		strncat(all, v[i].text + strspn(v[i].text, " "),
		    sizeof all - strlen(all) - 1);
		strncat(all, " ", sizeof all - strlen(all) - 1);
	}
	assert_non_null(strstr(all, "install hvdeck's key"));
	assert_non_null(strstr(all, "then press Enter"));
	assert_non_null(strstr(all, "PermitRootLogin"));
	assert_int_equal(v[2].slot, SLOT_DIM);	/* the hint under pw */
	form_lines_free(v, n);
	form_free(f);
}

static void test_checklist_drawn(void **state)
{
	static const struct {
		enum check_state st;
		enum theme_slot slot;
		const char *text;
	} want[] = {
		{ CHECK_OK, SLOT_CHECK_OK, "[ok  ] libvirtd: 9.0.0 running" },
		{ CHECK_WARN, SLOT_CHECK_WARN, "[warn] /dev/kvm: absent: TCG" },
		{ CHECK_FAIL, SLOT_CHECK_FAIL, "[FAIL] qemu: not found" },
		{ CHECK_RUNNING, SLOT_CHECK_RUNNING, "[..  ] disk space" },
		{ CHECK_PENDING, SLOT_CHECK_PENDING, "[    ] curl" },
	};
	struct checklist *cl = checklist_new();
	struct form *f = form_new("t");
	struct form_line *v;
	size_t n, i, first;

	(void)state;
	form_add_text(f, "name", "Name", NULL);
	checklist_set(cl, checklist_add(cl, "libvirtd"), CHECK_OK, "9.0.0 running");
	checklist_set(cl, checklist_add(cl, "/dev/kvm"), CHECK_WARN, "absent: TCG");
	checklist_set(cl, checklist_add(cl, "qemu"), CHECK_FAIL, "not found");
	checklist_set(cl, checklist_add(cl, "disk space"), CHECK_RUNNING, NULL);
	checklist_add(cl, "curl");
	n = form_layout(f, 0, &v);
	assert_int_equal(n, 1);		/* not shown until set */
	form_lines_free(v, n);
	form_set_checklist(f, cl);
	n = form_layout(f, 0, &v);
	first = n - sizeof want / sizeof want[0];
	assert_int_equal(first, 2);	/* the field, a blank, the steps */
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(v[first + i].field, -1);
		assert_int_equal(v[first + i].slot, want[i].slot);
		assert_string_equal(v[first + i].text, want[i].text);
	}
	form_lines_free(v, n);
	/* live: a later change shows in the next layout */
	checklist_set(cl, 3, CHECK_OK, "12 GiB free");
	n = form_layout(f, 0, &v);
	assert_string_equal(v[first + 3].text, "[ok  ] disk space: 12 GiB free");
	assert_int_equal(v[first + 3].slot, SLOT_CHECK_OK);
	form_lines_free(v, n);
	form_free(f);
	checklist_free(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_navigation_skips),
		cmocka_unit_test(test_choice_keys),
		cmocka_unit_test(test_checkbox),
		cmocka_unit_test(test_number_range),
		cmocka_unit_test(test_password_taken_and_wiped),
		cmocka_unit_test(test_layout_errors_and_hidden),
		cmocka_unit_test(test_layout_wraps),
		cmocka_unit_test(test_checklist_drawn),
	};

	return cmocka_run_group_tests_name("form", tests, setup, NULL);
}
