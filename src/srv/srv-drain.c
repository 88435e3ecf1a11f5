/* srv-drain.c — a drain's items as a subscription line, and back
 * (srv-drain.h). */
#include "srv/srv-drain.h"
#include "srv/srv-mig.h"
#include "act/act-drain.h"
#include "core/json-read.h"
#include "core/json.h"
#include "core/util.h"

#include <stdlib.h>

char *srv_drain_line_of(unsigned job, const struct drain_item *items,
    size_t n)
{
	struct json j;
	size_t i;

	srv_job_line_begin(&j, "drain", job);
	json_begin_array(&j, "items");
	for (i = 0; i < n; i++) {
		json_begin_object(&j, NULL);
		json_string(&j, "name", items[i].name);
		json_string(&j, "dest", items[i].dest);
		json_string(&j, "why", items[i].why);
		json_int(&j, "state", items[i].state);
		json_bool(&j, "defined", items[i].defined);
		json_uint(&j, "job", items[i].job);
		json_double(&j, "pct", items[i].pct, 1);
		json_end_object(&j);
	}
	json_end_array(&j);
	return srv_job_line_end(&j);
}

char *srv_drain_line(unsigned job)
{
	struct drain_item *items;
	size_t n;
	char *line;

	if (drain_items(job, &items, &n) < 0)
		return NULL;
	line = srv_drain_line_of(job, items, n);
	drain_items_free(items, n);
	return line;
}

/* A state from the line: one this build knows, else "failed" (nothing
 * is claimed that the server did not say). */
static enum drain_state state_of(int64_t v)
{
	return v >= DRAIN_WAITING && v <= DRAIN_STAYS ? (enum drain_state)v :
	    DRAIN_FAILED;
}

void srv_drain_apply(const struct jread *o)
{
	unsigned job = (unsigned)jread_u64(o, "id", 0);
	const struct jread *a = jread_get(o, "items");
	struct drain_item *items;
	size_t i, n = a != NULL && a->type == JR_ARR ? a->n : 0;

	if (job == 0)
		return;
	items = xcalloc(n + 1, sizeof *items);
	for (i = 0; i < n; i++) {
		const struct jread *it = &a->items[i];

		/* drain_mirror copies: the line's strings are lent */
		items[i].name = (char *)jread_str(it, "name");
		items[i].dest = (char *)jread_str(it, "dest");
		items[i].why = (char *)jread_str(it, "why");
		items[i].state = state_of(jread_i64(it, "state", DRAIN_FAILED));
		items[i].defined = jread_bool(it, "defined");
		items[i].job = (unsigned)jread_u64(it, "job", 0);
		items[i].pct = jread_num(it, "pct", -1);
	}
	drain_mirror(job, items, n);
	free(items);
}
