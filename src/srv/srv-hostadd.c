/* srv-hostadd.c — an add's state and steps as a subscription line, and
 * back (srv-hostadd.h). */
#include "srv/srv-hostadd.h"
#include "srv/srv-mig.h"
#include "act/act-host.h"
#include "core/checklist.h"
#include "core/json-read.h"
#include "core/json.h"

#include <stdlib.h>

char *srv_hostadd_line_of(unsigned job, struct hostadd *ha)
{
	struct check_step *steps = NULL;
	enum hostadd_state st;
	struct json j;
	char *text = NULL;
	size_t n = 0;
	int asked;

	st = hostadd_question(ha, &text, &asked);
	checklist_snapshot(hostadd_checklist(ha), &steps, &n);
	srv_job_line_begin(&j, "hostadd", job);
	json_string(&j, "name", hostadd_name(ha));
	json_string(&j, "state", hostadd_state_name(st));
	json_string(&j, "text", text);
	json_int(&j, "asked", asked);
	srv_steps_json(&j, steps, n);
	free(steps);
	free(text);
	return srv_job_line_end(&j);
}

char *srv_hostadd_line(unsigned job)
{
	struct hostadd *ha = hostadd_of_job(job);
	char *line;

	if (ha == NULL)
		return NULL;
	line = srv_hostadd_line_of(job, ha);
	hostadd_release(ha);
	return line;
}

void srv_hostadd_apply(const struct jread *o)
{
	unsigned job = (unsigned)jread_u64(o, "id", 0);
	int st = hostadd_state_parse(jread_str(o, "state"));
	struct check_step *steps;
	size_t n;

	if (job == 0 || st < 0)
		return;
	steps = srv_steps_of(jread_get(o, "steps"), &n);
	hostadd_mirror(job, jread_str(o, "name"), (enum hostadd_state)st,
	    jread_str(o, "text"), (int)jread_i64(o, "asked", 0), steps, n);
	free(steps);
}
