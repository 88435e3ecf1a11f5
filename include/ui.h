/* ui.h — the console. ui_run owns the terminal from start to end; it is the
 * only caller of curses. The struct is shared by ui.c (loop, keys, modes)
 * and ui-draw.c (drawing). */
#ifndef HVDECK_UI_H
#define HVDECK_UI_H

#include <stdint.h>

#include "config.h"
#include "layout.h"
#include "ui-table.h"
#include "views.h"

struct ui_options {
	const char *theme;      /* NULL: the config's */
	int ascii;              /* force ASCII line drawing */
	int read_only;
};

enum ui_mode { MODE_NORMAL, MODE_FILTER, MODE_COMMAND, MODE_CONFIRM,
	MODE_HELP, MODE_DETAILS };

struct ui {
	const struct config *cfg;
	int ascii, colour, read_only;
	int rows, cols;
	enum pane_id focus;
	struct table tables[PANE_COUNT];
	struct layout layout;
	enum ui_mode mode;
	char input[256];           /* filter or command being typed */
	size_t input_len;
	char *filter_before;       /* restored by Esc */
	enum pane_id details_pane;
	char *details_key;
	size_t page_top;           /* scroll of details/help */
	struct text page;          /* lines of details/help, rebuilt per draw */
	char *confirm_text;
	char confirm_uuid[40];
	int confirm_quit;          /* the confirmation is for quitting */
	char message[256];
	int message_error;
	int64_t message_until;
	int quit;
};

/* Run the console until the operator quits. Returns the exit status. */
int ui_run(const struct config *cfg, const struct ui_options *o);

/* ui-draw.c */
void ui_draw(struct ui *u);
/* Set the status-line message (errors stay longer). */
void ui_message(struct ui *u, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Row lines the focused pane shows (for paging). */
int ui_pane_rows(const struct ui *u, enum pane_id p);
/* Does anything on screen animate (spinners)? */
int ui_animating(void);

#endif
