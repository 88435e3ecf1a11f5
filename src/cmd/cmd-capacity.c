/* cmd-capacity.c — `capacity [--json]`: per host the vCPUs and memory
 * its running desktops take against what it has, per pool its fill, as
 * capacity.c derives them from the model (the engine's: in the server,
 * warm; in-process, after the hosts answered). */
#include "cmd/cmd-capacity.h"
#include "cmd/cmd-face.h"
#include "core/capacity.h"
#include "core/json.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_hosts(struct json *j, const struct capacity *cap)
{
	size_t i;

	json_begin_array(j, "hosts");
	for (i = 0; i < cap->nhosts; i++) {
		const struct cap_host *h = &cap->hosts[i];

		json_begin_object(j, NULL);
		json_string(j, "name", h->name);
		json_string(j, "state", h->state);
		json_bool(j, "maintenance", h->maintenance);
		json_uint(j, "running", h->running);
		json_uint(j, "cpus", h->cpus);
		json_uint(j, "vcpus", h->vcpus);
		json_double(j, "overcommit", capacity_ratio(h), 2);
		json_uint(j, "memory_kib", h->memory_kib);
		json_uint(j, "committed_kib", h->committed_kib);
		json_uint(j, "reserve_kib", h->reserve_kib);
		json_int(j, "headroom_kib", h->headroom_kib);
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_pools(struct json *j, const struct capacity *cap)
{
	size_t i;

	json_begin_array(j, "pools");
	for (i = 0; i < cap->npools; i++) {
		const struct cap_pool *p = &cap->pools[i];

		json_begin_object(j, NULL);
		json_string(j, "name", p->name);
		json_string(j, "host", p->host);
		json_uint(j, "hosts", p->nhosts);
		json_uint(j, "capacity", p->capacity);
		json_uint(j, "allocation", p->allocation);
		json_uint(j, "available", p->available);
		json_int(j, "percent", p->percent);
		json_bool(j, "warn", p->warn);
		json_end_object(j);
	}
	json_end_array(j);
}

/* One row of cells into a line, each cell padded to its column. */
static char *row(char *const *cell, const int *width, size_t n)
{
	char *line = xstrdup(""), *tmp;
	size_t k;

	for (k = 0; k < n; k++) {
		int pad = k + 1 < n ? width[k] - text_width(cell[k]) + 2 : 0;

		tmp = xasprintf("%s%s%*s", line, cell[k], pad, "");
		free(line);
		line = tmp;
	}
	return line;
}

/* A table: head then nrows rows of ncol cells (freed here), appended to
 * *lines. */
static void table(char **cell, size_t nrows, size_t ncol, char ***lines,
    size_t *n)
{
	int width[16] = { 0 }, w;
	size_t i;

	for (i = 0; i < nrows * ncol; i++)
		if ((w = text_width(cell[i])) > width[i % ncol])
			width[i % ncol] = w;
	*lines = xreallocarray(*lines, *n + nrows + 1, sizeof **lines);
	for (i = 0; i < nrows; i++)
		(*lines)[(*n)++] = row(cell + i * ncol, width, ncol);
	for (i = 0; i < nrows * ncol; i++)
		free(cell[i]);
	free(cell);
}

enum { H_NAME, H_STATE, H_RUN, H_VCPUS, H_RATIO, H_MEM, H_RESERVE,
	H_HEADROOM, H_COUNT };

static void host_lines(const struct capacity *cap, char ***lines, size_t *n)
{
	static const char *const head[H_COUNT] = { "HOST", "STATE", "RUN",
		"VCPUS/CPUS", "RATIO", "COMMITTED/MEMORY", "RESERVE", "HEADROOM" };
	char **cell = xcalloc((cap->nhosts + 1) * H_COUNT, sizeof *cell);
	size_t i, k;

	for (k = 0; k < H_COUNT; k++)
		cell[k] = xstrdup(head[k]);
	for (i = 0; i < cap->nhosts; i++) {
		const struct cap_host *h = &cap->hosts[i];
		char **c = cell + (i + 1) * H_COUNT, *a, *b;

		c[H_NAME] = text_visible(h->name);
		c[H_STATE] = xasprintf("%s%s", h->state, h->maintenance ?
		    ", maintenance" : "");
		c[H_RUN] = xasprintf("%zu", h->running);
		c[H_VCPUS] = xasprintf("%u/%u", h->vcpus, h->cpus);
		c[H_RATIO] = h->cpus > 0 ? xasprintf("%.2f", capacity_ratio(h)) :
		    xstrdup("-");
		a = capacity_kib((int64_t)h->committed_kib);
		b = capacity_kib((int64_t)h->memory_kib);
		c[H_MEM] = xasprintf("%s/%s", a, b);
		free(a);
		free(b);
		c[H_RESERVE] = capacity_kib((int64_t)h->reserve_kib);
		a = capacity_kib(h->headroom_kib);
		/* overcommitted: the view's warning colour, as a full pool */
		c[H_HEADROOM] = xasprintf("%s%s", a, h->headroom_kib < 0 &&
		    h->memory_kib > 0 ? " WARNING" : "");
		free(a);
	}
	table(cell, cap->nhosts + 1, H_COUNT, lines, n);
}

enum { P_NAME, P_HOST, P_USED, P_FILL, P_COUNT };

static void pool_lines(const struct capacity *cap, char ***lines, size_t *n)
{
	static const char *const head[P_COUNT] = { "POOL", "HOST", "USED/SIZE",
		"FILL" };
	char **cell = xcalloc((cap->npools + 1) * P_COUNT, sizeof *cell);
	size_t i, k;

	for (k = 0; k < P_COUNT; k++)
		cell[k] = xstrdup(head[k]);
	for (i = 0; i < cap->npools; i++) {
		const struct cap_pool *p = &cap->pools[i];
		char **c = cell + (i + 1) * P_COUNT, *a, *b;

		c[P_NAME] = text_visible(p->name);
		c[P_HOST] = p->nhosts > 1 ? xasprintf("%s +%zu shared",
		    p->host, p->nhosts - 1) : text_visible(p->host);
		a = capacity_kib((int64_t)(p->allocation / 1024));
		b = capacity_kib((int64_t)(p->capacity / 1024));
		c[P_USED] = xasprintf("%s/%s", a, b);
		free(a);
		free(b);
		c[P_FILL] = xasprintf("%d%%%s", p->percent, p->warn ?
		    " WARNING" : "");
	}
	table(cell, cap->npools + 1, P_COUNT, lines, n);
}

size_t cmd_capacity_lines(const struct capacity *cap, char ***lines)
{
	size_t n = 0;

	*lines = NULL;
	host_lines(cap, lines, &n);
	*lines = xreallocarray(*lines, n + 2, sizeof **lines);
	(*lines)[n++] = xstrdup("");
	pool_lines(cap, lines, &n);
	*lines = xreallocarray(*lines, n + 1, sizeof **lines);
	(*lines)[n++] = xasprintf("hosts by headroom (least first), pools by "
	    "fill (fullest first); warning at %d%% (pool_warn_percent)",
	    cap->warn_percent);
	return n;
}

static void print(struct cmd_ctx *c, const struct capacity *cap, int json)
{
	char **lines;
	size_t n, i;

	if (json) {
		struct json j;

		json_init(&j);
		json_begin_object(&j, NULL);
		json_int(&j, "pool_warn_percent", cap->warn_percent);
		json_hosts(&j, cap);
		json_pools(&j, cap);
		json_end_object(&j);
		cmd_print(c, j.buf);
		json_free(&j);
		return;
	}
	n = cmd_capacity_lines(cap, &lines);
	for (i = 0; i < n; i++) {
		cmd_print(c, lines[i]);
		free(lines[i]);
	}
	free(lines);
}

int cmd_capacity_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct capacity cap;

	if (cmd_in_console(c) && cmd_has_forms(c))	/* the capacity view */
		return cmd_form(c, e, argc, argv, cause);
	c->status = 1;
	if (cmd_engine_up(c) < 0) {
		*cause = xstrdup("capacity: the engine did not start");
		return -1;
	}
	capacity_read(&cap, c->cfg != NULL ? c->cfg->pool_warn_percent : 90);
	print(c, &cap, cmd_opt(c->opts, "json") != NULL);
	capacity_free(&cap);
	cmd_engine_down(c);
	c->status = 0;
	return 0;
}
