/* ui-term.c — can this terminal carry the console? Asked of terminfo
 * before curses starts, so hvdeck answers in its own words (and with exit
 * status 2) instead of curses' "Error opening terminal" or a blank screen
 * on a terminal that cannot move the cursor. Kept apart from ui.c: term.h
 * defines hundreds of macros with common names. */
#include "tui/ui.h"
#include "core/util.h"

#include <curses.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

int ui_term_check(char **cause)
{
	const char *term = getenv("TERM");
	const char *cup;
	int err = 0;

	if (term == NULL || *term == '\0') {
		*cause = xstrdup("TERM is not set: the console needs to know the "
		    "terminal (e.g. TERM=xterm-256color); 'hvdeck dump' and "
		    "'hvdeck watch' need none");
		return -1;
	}
	/* with an error pointer, setupterm reports instead of exiting */
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		if (err == -1)
			*cause = xstrdup("no terminfo database found: the console "
			    "cannot drive the terminal; 'hvdeck dump' and 'hvdeck "
			    "watch' need none");
		else
			*cause = xasprintf("unknown terminal type '%s' (no terminfo "
			    "entry): set TERM to one this system knows, e.g. "
			    "xterm-256color", term);
		return -1;
	}
	cup = tigetstr("cup");
	if (cup == NULL || cup == (const char *)-1) {
		*cause = xasprintf("terminal type '%s' cannot move the cursor: the "
		    "console needs a full-screen terminal; try 'hvdeck dump' or "
		    "'hvdeck watch'", term);
		del_curterm(cur_term);
		return -1;
	}
	del_curterm(cur_term);	/* newterm sets up its own */
	return 0;
}
