/* Unit tests for the mode stack (mode.c) and the panes mode's rebuilds
 * (mode-panes.c): push/pop/free without leaks, overlays drawn over what
 * they cover, resize reaching every mode, rows rebuilt only when the
 * model's generations move, and :go finding rows by name. No terminal:
 * the test modes do not call curses, and panes_refresh does not draw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-domain.h"
#include "cmd/cmd-desktop.h"
#include "core/job.h"
#include "tui/mode.h"
#include "core/model.h"
#include "tui/ui-marks.h"
#include "tui/ui-table.h"
#include "core/util.h"
#include "model-fill.h"

/* ---- a mode type that records what happens to it ---- */

static int inits, frees, resizes;
static char drawn[64];

struct rec {
	char name;
	int rows, cols;
};

static void rec_init(struct mode *m, void *arg)
{
	struct rec *r = xcalloc(1, sizeof *r);

	r->name = *(const char *)arg;
	m->data = r;
	inits++;
}

static void rec_draw(struct mode *m, struct rect r)
{
	struct rec *x = m->data;
	size_t n = strlen(drawn);

	(void)r;
	if (n + 1 < sizeof drawn) {
		drawn[n] = x->name;
		drawn[n + 1] = '\0';
	}
}

static void rec_resize(struct mode *m, int rows, int cols)
{
	struct rec *x = m->data;

	x->rows = rows;
	x->cols = cols;
	resizes++;
}

static void rec_free(struct mode *m)
{
	free(m->data);
	frees++;
}

static const struct mode_type full = {
	.name = "full", .init = rec_init, .draw = rec_draw,
	.resize = rec_resize, .free = rec_free,
};
static const struct mode_type overlay = {
	.name = "overlay", .overlay = 1, .init = rec_init, .draw = rec_draw,
	.resize = rec_resize, .free = rec_free,
};

static void draw(struct mode_stack *s)
{
	struct rect r = { 0, 0, 24, 80 };

	drawn[0] = '\0';
	mode_draw(s, r, r);
}

static void test_push_pop_free(void **state)
{
	struct mode_stack s = { NULL, 0 };
	struct mode *a;

	(void)state;
	inits = frees = 0;
	a = mode_push(&s, NULL, &full, (void *)"a");
	mode_push(&s, NULL, &full, (void *)"b");
	mode_push(&s, NULL, &overlay, (void *)"c");
	assert_int_equal(s.depth, 3);
	assert_int_equal(inits, 3);
	assert_ptr_equal(mode_find(&s, &overlay), s.top);
	assert_ptr_equal(mode_find(&s, &full), s.top->below);
	mode_pop(&s);
	assert_int_equal(frees, 1);
	assert_int_equal(s.depth, 2);
	assert_null(mode_find(&s, &overlay));
	mode_push(&s, NULL, &overlay, (void *)"d");
	mode_pop_to(&s, a);
	assert_ptr_equal(s.top, a);
	assert_int_equal(s.depth, 1);
	assert_int_equal(frees, 3);
	mode_free_all(&s);
	assert_null(s.top);
	assert_int_equal(s.depth, 0);
	assert_int_equal(frees, inits);
	mode_pop(&s);	/* popping an empty stack is harmless */
	assert_int_equal(frees, inits);
}

static void test_draw_order_and_resize(void **state)
{
	struct mode_stack s = { NULL, 0 };
	struct rec *a;

	(void)state;
	resizes = 0;
	mode_push(&s, NULL, &full, (void *)"a");
	a = s.top->data;
	draw(&s);
	assert_string_equal(drawn, "a");
	mode_push(&s, NULL, &full, (void *)"b");	/* covers a */
	draw(&s);
	assert_string_equal(drawn, "b");
	mode_push(&s, NULL, &overlay, (void *)"c");
	mode_push(&s, NULL, &overlay, (void *)"d");
	draw(&s);
	assert_string_equal(drawn, "bcd");		/* bottom up from b */
	mode_resize(&s, 30, 100);
	assert_int_equal(resizes, 4);			/* every mode, once */
	assert_int_equal(a->rows, 30);
	assert_int_equal(a->cols, 100);
	mode_free_all(&s);
}

/* ---- the panes: rebuilds follow generations ---- */

static unsigned h1, h2;

static int setup(void **state)
{
	(void)state;
	fill_hosts(&h1, &h2);
	fill_desktop(h1, "aaaaaaaa-0000-0000-0000-000000000001", "alice", DS_SHUTOFF);
	fill_desktop(h2, "aaaaaaaa-0000-0000-0000-000000000002", "bob", DS_SHUTOFF);
	fill_bases(h1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_free();
	return 0;
}

static void test_rebuild_on_generation(void **state)
{
	/* 200 x 50: the wall layout shows hosts, pools, desktops and volumes */
	struct panes *p = panes_new(50, 200, 1);
	unsigned d, po, ho, vo;
	struct desktop_sample sample = { .cpu_ns = 1000, .at_ms = 1000 };

	(void)state;
	assert_int_equal(panes_refresh(p, 0), 4);
	assert_int_equal(panes_builds(p, PANE_JOBS), 0);	/* hidden */
	assert_int_equal(panes_table(p, PANE_DESKTOPS)->nrows, 2);
	/* nothing moved: nothing is rebuilt, however often we draw */
	assert_int_equal(panes_refresh(p, 0), 0);
	assert_int_equal(panes_refresh(p, 0), 0);
	d = panes_builds(p, PANE_DESKTOPS);
	po = panes_builds(p, PANE_POOLS);
	ho = panes_builds(p, PANE_HOSTS);
	vo = panes_builds(p, PANE_VOLUMES);
	/* a desktop changes: the panes showing desktops, not the pools, nor
	 * the volumes (which show no state) */
	model_desktop_set_state(h1, "aaaaaaaa-0000-0000-0000-000000000001", DS_RUNNING, 1);
	panes_refresh(p, 0);
	assert_int_equal(panes_builds(p, PANE_DESKTOPS), d + 1);
	assert_int_equal(panes_builds(p, PANE_HOSTS), ho + 1);	/* running count */
	assert_int_equal(panes_builds(p, PANE_POOLS), po);
	assert_int_equal(panes_builds(p, PANE_VOLUMES), vo);
	/* a first stats sample only sets the counters: no shown value
	 * changes, nothing is rebuilt (change means change) */
	model_desktop_stats(h1, "aaaaaaaa-0000-0000-0000-000000000001", &sample);
	panes_refresh(p, 0);
	assert_int_equal(panes_builds(p, PANE_DESKTOPS), d + 1);
	/* the next one gives a CPU figure: the desktops pane only (no count
	 * moved) */
	sample.cpu_ns += 500000000;
	sample.at_ms += 1000;
	model_desktop_stats(h1, "aaaaaaaa-0000-0000-0000-000000000001", &sample);
	panes_refresh(p, 0);
	assert_int_equal(panes_builds(p, PANE_DESKTOPS), d + 2);
	assert_int_equal(panes_builds(p, PANE_HOSTS), ho + 1);
	assert_int_equal(panes_builds(p, PANE_VOLUMES), vo);
	d++;
	assert_string_equal(panes_table(p, PANE_DESKTOPS)->rows[0].state, "running");
	/* a removal alone (no newer generation) still counts */
	model_desktop_gone(h2, "aaaaaaaa-0000-0000-0000-000000000002");
	panes_refresh(p, 0);
	assert_int_equal(panes_builds(p, PANE_DESKTOPS), d + 2);
	assert_int_equal(panes_table(p, PANE_DESKTOPS)->nrows, 1);
	assert_int_equal(panes_builds(p, PANE_POOLS), po);
	assert_int_equal(panes_builds(p, PANE_VOLUMES), vo + 1);	/* its users */
	/* a tick (clocks, spinners) refreshes the shown panes showing time:
	 * hosts and desktops, not pools and volumes */
	assert_int_equal(panes_refresh(p, 1), 2);
	assert_int_equal(panes_builds(p, PANE_POOLS), po);
	panes_free(p);
}

/* The jobs pane follows the job layer's own counter. */
static void test_rebuild_on_job(void **state)
{
	struct panes *p = panes_new(50, 200, 1);
	struct job_target t = { .uuid = "aaaaaaaa-0000-0000-0000-000000000001",
		.name = "alice", .host_id = 0, .host = "hv1" };
	unsigned jobs, desktops, id;

	(void)state;
	t.host_id = h1;
	panes_set_focus(p, PANE_JOBS);		/* shown instead of volumes */
	panes_refresh(p, 0);
	assert_int_equal(panes_refresh(p, 0), 0);
	jobs = panes_builds(p, PANE_JOBS);
	desktops = panes_builds(p, PANE_DESKTOPS);
	id = job_new(JK_START, &t, NULL, NULL);
	assert_int_equal(panes_refresh(p, 0), 1);
	assert_int_equal(panes_builds(p, PANE_JOBS), jobs + 1);
	assert_int_equal(panes_builds(p, PANE_DESKTOPS), desktops);
	job_done(id);
	panes_refresh(p, 0);
	assert_int_equal(panes_builds(p, PANE_JOBS), jobs + 2);
	panes_free(p);
	jobs_free();
}

/* Pool "scratch" with self.qcow2, backed by itself. */
static void self_backed(unsigned host)
{
	struct m_pool info;
	struct m_volume *v = xcalloc(1, sizeof *v);

	memset(&info, 0, sizeof info);
	info.name = (char *)"scratch";
	info.target_path = (char *)"/nfs/scratch";
	v[0].name = xstrdup("self.qcow2");
	v[0].path = xstrdup("/nfs/scratch/self.qcow2");
	v[0].backing_path = xstrdup("/nfs/scratch/self.qcow2");
	model_pool_seen(host, &info, v, 1);
}

/* Marks: kept by key across rebuilds, flagged on the rows, forgotten when
 * their desktop goes; `*` marks only what the filter shows; the question
 * counts them and names their hosts. */
static void test_marks(void **state)
{
	struct panes *p = panes_new(50, 200, 1);
	struct table *t = panes_table(p, PANE_DESKTOPS);
	char *const *m;
	size_t n;
	char *q;

	(void)state;
	panes_refresh(p, 0);
	assert_int_equal(panes_focus(p), PANE_DESKTOPS);
	assert_int_equal(panes_mark_toggle(p), 0);
	m = panes_marks(p, &n);
	assert_int_equal(n, 1);
	assert_int_equal(panes_mark_shown(p), 0);
	m = panes_marks(p, &n);
	assert_int_equal(n, 2);			/* no mark twice */
	assert_true(t->rows[0].marked && t->rows[1].marked);
	q = cmd_desktops_question(DA_FORCE_OFF, m, n);
	assert_string_equal(q, "Force off 2 desktops on hv1, hv2? (alice, bob)");
	free(q);
	/* a rebuild keeps them */
	model_desktop_set_state(h1, "aaaaaaaa-0000-0000-0000-000000000001", DS_RUNNING, 1);
	panes_refresh(p, 0);
	assert_true(t->rows[0].marked && t->rows[1].marked);
	/* a desktop that goes takes its mark along */
	model_desktop_gone(h2, "aaaaaaaa-0000-0000-0000-000000000002");
	panes_refresh(p, 0);
	m = panes_marks(p, &n);
	assert_int_equal(n, 1);
	q = cmd_desktops_question(DA_START, m, n);
	assert_string_equal(q, "Start 1 desktop on hv1?");
	free(q);
	assert_int_equal(panes_mark_clear(p), 1);
	assert_false(t->rows[0].marked);
	/* `*` under a filter */
	fill_desktop(h2, "aaaaaaaa-0000-0000-0000-000000000003", "carol", DS_SHUTOFF);
	panes_refresh(p, 0);
	table_set_filter(t, "carol");
	assert_int_equal(panes_mark_shown(p), 0);
	m = panes_marks(p, &n);
	assert_int_equal(n, 1);
	assert_string_equal(m[0], "aaaaaaaa-0000-0000-0000-000000000003");
	/* only in the desktops pane */
	panes_set_focus(p, PANE_HOSTS);
	assert_int_equal(panes_mark_toggle(p), -1);
	assert_int_equal(panes_mark_shown(p), -1);
	panes_free(p);
}

static void test_go(void **state)
{
	struct panes *p = panes_new(30, 100, 1);
	enum pane_id pane;
	const char *key;

	(void)state;
	self_backed(h1);
	panes_refresh(p, 0);
	assert_int_equal(panes_go(p, "bob", -1), 0);
	key = panes_selected(p, &pane);
	assert_int_equal(pane, PANE_DESKTOPS);
	assert_string_equal(key, "aaaaaaaa-0000-0000-0000-000000000002");
	assert_int_equal(panes_go(p, "hv2", -1), 0);
	key = panes_selected(p, &pane);
	assert_int_equal(pane, PANE_HOSTS);
	assert_string_equal(key, "hv2");
	assert_int_equal(panes_go(p, "bases", -1), 0);		/* a hidden pane */
	assert_int_equal(panes_focus(p), PANE_POOLS);
	assert_int_equal(panes_go(p, "tmpl.qcow2", -1), 0);	/* under its base */
	key = panes_selected(p, &pane);
	assert_int_equal(pane, PANE_VOLUMES);
	/* the row key is the view's (a local pool's volume: host and path) */
	assert_non_null(strstr(key, "/nfs/bases/tmpl.qcow2"));
	/* a volume with a note after its name: the name finds it */
	assert_int_equal(panes_go(p, "self.qcow2", -1), 0);
	key = panes_selected(p, &pane);
	assert_int_equal(pane, PANE_VOLUMES);
	assert_non_null(strstr(key, "/nfs/scratch/self.qcow2"));
	assert_int_equal(panes_go(p, "self", -1), -1);
	assert_int_equal(panes_go(p, "qcow2", -1), -1);	/* names, not substrings */
	assert_int_equal(panes_go(p, "nope", -1), -1);
	assert_int_equal(panes_go(p, "hv1", PANE_DESKTOPS), -1);
	/* the filter of the pane gone to is cleared */
	table_set_filter(panes_table(p, PANE_DESKTOPS), "zzz");
	assert_int_equal(panes_go(p, "alice", PANE_DESKTOPS), 0);
	assert_null(panes_table(p, PANE_DESKTOPS)->filter);
	panes_free(p);
}

/* Issue 9 item 3: a selected desktop that leaves the filtered set (an
 * external stop under state:running) takes the selection with it:
 * nothing is selected (the next key cannot hit a neighbour) until the
 * operator moves, and the row is selected again if it comes back first. */
static void test_selection_leaves_filter(void **state)
{
	struct panes *p = panes_new(30, 100, 1);
	struct table *t = panes_table(p, PANE_DESKTOPS);
	const char *alice = "aaaaaaaa-0000-0000-0000-000000000001";
	const char *bob = "aaaaaaaa-0000-0000-0000-000000000002";
	enum pane_id pane;

	(void)state;
	model_desktop_set_state(h1, alice, DS_RUNNING, 1);
	model_desktop_set_state(h2, bob, DS_RUNNING, 1);
	panes_refresh(p, 0);
	assert_int_equal(panes_go(p, "bob", PANE_DESKTOPS), 0);
	table_set_filter(t, "state:run");
	assert_string_equal(panes_selected(p, &pane), bob);
	/* bob stops from outside: alice must not inherit the selection */
	model_desktop_set_state(h2, bob, DS_SHUTOFF, 1);
	panes_refresh(p, 0);
	assert_int_equal(t->nshown, 1);
	assert_null(panes_selected(p, &pane));
	/* it runs again before the operator moved: selected again */
	model_desktop_set_state(h2, bob, DS_RUNNING, 1);
	panes_refresh(p, 0);
	assert_string_equal(panes_selected(p, &pane), bob);
	/* gone again; a move selects what is on screen */
	model_desktop_set_state(h2, bob, DS_SHUTOFF, 1);
	panes_refresh(p, 0);
	assert_null(panes_selected(p, &pane));
	table_move(t, 1, 10);
	assert_string_equal(panes_selected(p, &pane), alice);
	/* bob back: the operator's choice (alice) stays */
	model_desktop_set_state(h2, bob, DS_RUNNING, 1);
	panes_refresh(p, 0);
	assert_string_equal(panes_selected(p, &pane), alice);
	/* the operator's own filter hiding the selection is a move: the
	 * first row it shows is selected */
	table_set_filter(t, "bob");
	assert_string_equal(panes_selected(p, &pane), bob);
	panes_free(p);
}


/* Issue 17 item 21: the desktops pane opens at the top of its list
 * (running first) with the first row selected, however the hosts'
 * inventories arrive; once the operator chose a row, later inventories
 * (and reconnects) keep it. */
static void test_first_screen_until_chosen(void **state)
{
	struct panes *p = panes_new(30, 100, 1);
	struct table *t = panes_table(p, PANE_DESKTOPS);
	const char *run = "aaaaaaaa-0000-0000-0000-0000000000ff";
	enum pane_id pane;
	char uuid[48], name[32];
	int i;

	(void)state;
	/* hv2's inventory first (bob), then hv1's: many desktops and one
	 * running, which sorts first */
	panes_refresh(p, 0);
	assert_string_equal(panes_selected(p, &pane),
	    t->rows[t->shown[0]].key);
	for (i = 0; i < 60; i++) {
		snprintf(uuid, sizeof uuid, "bbbbbbbb-0000-0000-0000-%012d", i);
		snprintf(name, sizeof name, "bulk-%02d", i);
		fill_desktop(h1, uuid, name, DS_SHUTOFF);
	}
	fill_desktop(h1, run, "zz-running", DS_RUNNING);
	panes_refresh(p, 0);
	assert_string_equal(t->rows[t->shown[0]].key, run);
	assert_int_equal(t->sel, 0);
	assert_int_equal(t->top, 0);
	assert_string_equal(panes_selected(p, &pane), run);
	/* the operator picks a row: it stays through a new inventory */
	table_move(t, 2, 20);
	assert_int_equal(t->sel, 2);
	snprintf(uuid, sizeof uuid, "%s", panes_selected(p, &pane));
	fill_desktop(h2, "cccccccc-0000-0000-0000-000000000001", "aaa-first",
	    DS_RUNNING);
	panes_refresh(p, 0);
	assert_string_equal(panes_selected(p, &pane), uuid);
	assert_int_equal(t->sel, 3);
	panes_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_pop_free),
		cmocka_unit_test(test_draw_order_and_resize),
		cmocka_unit_test_setup_teardown(test_rebuild_on_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuild_on_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_go, setup, teardown),
		cmocka_unit_test_setup_teardown(test_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_selection_leaves_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_screen_until_chosen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
