/* srv-mig.c — a migration's stats and steps as a subscription line, and
 * back (srv-mig.h). */
#include "srv/srv-mig.h"
#include "act/act-migrate.h"
#include "cmd/cmd-migrate.h"
#include "core/checklist.h"
#include "core/json-read.h"
#include "core/json.h"
#include "core/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One table for both directions: the stats' whole numbers by name. */
enum num_type { NT_U64, NT_I64, NT_INT, NT_ULONG, NT_LONG };

static const struct num_field {
	const char *name;
	size_t off;
	enum num_type type;
} nums[] = {
#define F(n, t) { #n, offsetof(struct migrate_stats, n), t }
	F(active, NT_INT),
	F(data_processed, NT_U64), F(data_remaining, NT_U64),
	F(data_total, NT_U64), F(mem_bps, NT_U64), F(dirty_rate, NT_U64),
	F(dirty_bps, NT_U64), F(iteration, NT_U64),
	F(expected_downtime_ms, NT_U64), F(elapsed_ms, NT_I64),
	F(eta_ms, NT_I64), F(not_converging, NT_INT),
	F(postcopy_allowed, NT_INT), F(postcopy_active, NT_INT),
	F(bandwidth_mibs, NT_ULONG), F(max_downtime_ms, NT_LONG),
	F(downtime_ms, NT_I64), F(total_ms, NT_I64),
#undef F
};

static int64_t num_get(const struct migrate_stats *st,
    const struct num_field *f)
{
	const char *p = (const char *)st + f->off;

	switch (f->type) {
	case NT_U64: return (int64_t)*(const uint64_t *)(const void *)p;
	case NT_I64: return *(const int64_t *)(const void *)p;
	case NT_INT: return *(const int *)(const void *)p;
	case NT_ULONG: return (int64_t)*(const unsigned long *)(const void *)p;
	case NT_LONG: return *(const long *)(const void *)p;
	}
	return 0;
}

static void num_set(struct migrate_stats *st, const struct num_field *f,
    int64_t v)
{
	char *p = (char *)st + f->off;

	switch (f->type) {
	case NT_U64: *(uint64_t *)(void *)p = (uint64_t)v; break;
	case NT_I64: *(int64_t *)(void *)p = v; break;
	case NT_INT: *(int *)(void *)p = (int)v; break;
	case NT_ULONG: *(unsigned long *)(void *)p = (unsigned long)v; break;
	case NT_LONG: *(long *)(void *)p = (long)v; break;
	}
}

void srv_job_line_begin(struct json *j, const char *kind, unsigned job)
{
	json_init(j);
	json_begin_object(j, NULL);
	json_string(j, "kind", kind);
	json_begin_object(j, "object");
	json_uint(j, "id", job);
}

char *srv_job_line_end(struct json *j)
{
	json_end_object(j);
	json_end_object(j);
	return json_take_line(j);
}

void srv_steps_json(struct json *j, const struct check_step *steps, size_t n)
{
	size_t i;

	json_begin_array(j, "steps");
	for (i = 0; i < n; i++) {
		json_begin_object(j, NULL);
		json_int(j, "state", steps[i].state);
		json_string(j, "text", steps[i].text);
		json_string(j, "reason", steps[i].reason);
		json_end_object(j);
	}
	json_end_array(j);
}

char *srv_mig_line_of(unsigned job, const struct migrate_stats *st,
    const struct check_step *steps, size_t n)
{
	struct json j;
	size_t i;

	srv_job_line_begin(&j, "migration", job);
	json_double(&j, "mem_pct", st->mem_pct, 2);
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++)
		json_int(&j, nums[i].name, num_get(st, &nums[i]));
	json_string(&j, "source", st->source);
	json_string(&j, "dest", st->dest);
	json_begin_array(&j, "remaining");
	for (i = 0; i < st->nremaining && i < MIGRATE_HISTORY; i++)
		json_uint(&j, NULL, st->remaining[i]);
	json_end_array(&j);
	srv_steps_json(&j, steps, n);
	return srv_job_line_end(&j);
}

char *srv_mig_line(unsigned job)
{
	struct migrate_stats st;
	struct checklist *cl;
	struct check_step *steps = NULL;
	size_t n = 0;
	char *line;

	if (migrate_stats(job, &st) < 0)
		return NULL;
	if ((cl = cmd_migrate_checklist(job)) != NULL)
		checklist_snapshot(cl, &steps, &n);
	line = srv_mig_line_of(job, &st, steps, n);
	free(steps);
	return line;
}

static void copy_str(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

struct check_step *srv_steps_of(const struct jread *a, size_t *n)
{
	struct check_step *steps;
	const struct jread *o;
	int64_t state;
	size_t i;

	*n = a != NULL && a->type == JR_ARR ? a->n : 0;
	steps = xcalloc(*n + 1, sizeof *steps);
	for (i = 0; i < *n; i++) {
		o = &a->items[i];
		state = jread_i64(o, "state", CHECK_PENDING);
		steps[i].state = state >= CHECK_PENDING && state <= CHECK_FAIL ?
		    (enum check_state)state : CHECK_FAIL;
		copy_str(steps[i].text, sizeof steps[i].text, jread_str(o, "text"));
		copy_str(steps[i].reason, sizeof steps[i].reason,
		    jread_str(o, "reason"));
	}
	return steps;
}

void srv_mig_apply(const struct jread *o)
{
	unsigned job = (unsigned)jread_u64(o, "id", 0);
	const struct jread *a = jread_get(o, "remaining");
	struct migrate_stats st;
	struct check_step *steps;
	size_t i, n;

	if (job == 0)
		return;
	memset(&st, 0, sizeof st);
	st.mem_pct = jread_num(o, "mem_pct", -1);
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++)
		num_set(&st, &nums[i], jread_i64(o, nums[i].name, 0));
	copy_str(st.source, sizeof st.source, jread_str(o, "source"));
	copy_str(st.dest, sizeof st.dest, jread_str(o, "dest"));
	for (i = 0; a != NULL && a->type == JR_ARR && i < a->n &&
	    i < MIGRATE_HISTORY; i++)
		st.remaining[st.nremaining++] = a->items[i].u;
	steps = srv_steps_of(jread_get(o, "steps"), &n);
	cmd_migrate_mirror(job, &st, steps, n);
	free(steps);
}
