/* cli-host-list.c — `hvdeck host list`: the config's hosts in its order,
 * each with the state its connection reached before the deadline. */
#include "cli/cli-host-list.h"
#include "cli/cli.h"
#include "act/engine.h"
#include "cmd/cmd-face.h"
#include "core/cpufit-json.h"
#include "core/json.h"
#include "core/log.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row: from the config, and the model's word on it. */
struct row {
	const struct config_host *ch;
	const char *state;
	char *error;
};

/* Model lock held. A host still connecting at the deadline is reported
 * as what it is for the reader, as dump does. Returns 1 when it is. */
static int fill(struct row *r, const struct config_host *ch)
{
	struct m_host **hosts;
	size_t n, i;

	r->ch = ch;
	r->state = "unknown";
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(hosts[i]->name, ch->name) != 0)
			continue;
		if (hosts[i]->state == HOST_CONNECTING) {
			r->state = "offline";
			r->error = xstrdup("connect timed out");
			return 1;
		}
		r->state = model_host_state_name(hosts[i]->state);
		r->error = xstrdup(hosts[i]->error);
	}
	return 0;
}

static void print_json(FILE *out, const struct row *r, size_t n)
{
	struct json j;
	size_t i;

	json_init(&j);
	json_begin_object(&j, NULL);
	json_begin_array(&j, "hosts");
	for (i = 0; i < n; i++) {
		json_begin_object(&j, NULL);
		json_string(&j, "name", r[i].ch->name);
		json_string(&j, "uri", r[i].ch->uri);
		json_string(&j, "role", config_role_name(r[i].ch->role));
		json_bool(&j, "maintenance", r[i].ch->maintenance);
		json_string(&j, "state", r[i].state);
		json_string(&j, "error", r[i].error);
		json_end_object(&j);
	}
	json_end_array(&j);
	cpufit_json_baselines(&j, "cpu_baselines");
	json_end_object(&j);
	fprintf(out, "%s\n", j.buf);
	json_free(&j);
}

enum { C_NAME, C_ROLE, C_MAINT, C_STATE, C_URI, C_ERROR, C_COUNT };

static void print_text(FILE *out, const struct row *r, size_t n)
{
	static const char *const head[C_COUNT] = { "NAME", "ROLE", "MAINT",
		"STATE", "URI", "ERROR" };
	char **cell = xcalloc((n + 1) * C_COUNT, sizeof *cell);
	int width[C_COUNT] = { 0 }, w;
	size_t i, k;

	for (k = 0; k < C_COUNT; k++)
		cell[k] = xstrdup(head[k]);
	for (i = 0; i < n; i++) {
		char **c = cell + (i + 1) * C_COUNT;

		/* names, URIs and libvirt's text reach a terminal: visible */
		c[C_NAME] = text_visible(r[i].ch->name);
		c[C_ROLE] = xstrdup(config_role_name(r[i].ch->role));
		c[C_MAINT] = xstrdup(r[i].ch->maintenance ? "yes" : "no");
		c[C_STATE] = xstrdup(r[i].state);
		c[C_URI] = text_visible(r[i].ch->uri);
		c[C_ERROR] = text_visible(r[i].error != NULL ? r[i].error : "");
	}
	for (i = 0; i < (n + 1) * C_COUNT; i++)
		if ((w = text_width(cell[i])) > width[i % C_COUNT])
			width[i % C_COUNT] = w;
	for (i = 0; i < n + 1; i++) {
		for (k = 0; k < C_COUNT; k++) {
			const char *s = cell[i * C_COUNT + k];

			if (k + 1 == C_COUNT || (k + 2 == C_COUNT &&
			    cell[i * C_COUNT + k + 1][0] == '\0')) {
				fprintf(out, "%s\n", s);  /* no trailing blanks */
				break;
			}
			fprintf(out, "%s%*s", s, width[k] - text_width(s) + 2, "");
		}
	}
	for (i = 0; i < (n + 1) * C_COUNT; i++)
		free(cell[i]);
	free(cell);
}

/* The list on out; 1 when a host was still connecting. */
static int list(FILE *out, const struct config *cfg, int json)
{
	struct row *r = xcalloc(cfg->nhosts + 1, sizeof *r);
	size_t i;
	int stuck = 0;

	model_lock();
	for (i = 0; i < cfg->nhosts; i++)
		stuck |= fill(&r[i], &cfg->hosts[i]);
	model_unlock();
	if (json)
		print_json(out, r, cfg->nhosts);
	else
		print_text(out, r, cfg->nhosts);
	for (i = 0; i < cfg->nhosts; i++)
		free(r[i].error);
	free(r);
	return stuck;
}

int cli_host_list_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	const struct config *cfg = c->cfg;
	struct cli_out o;
	int stuck;

	(void)e; (void)argc; (void)argv; (void)cause;
	c->status = 0;
	cli_out_open(&o, c);
	if (o.peer != NULL) {	/* in the server: its model, warm */
		(void)cmd_engine_up(c);
		(void)list(o.out, cfg, cmd_opt(c->opts, "json") != NULL);
		cli_out_close(&o);
		return 0;
	}
	/* an unreachable host is a row of the list, not a warning too */
	log_set_stderr(0);
	if (engine_start(cfg, cli_options_of(c)->read_only) < 0) {
		c->status = 1;
		return 0;
	}
	cli_wait_settled(cli_options_of(c), cfg);
	stuck = list(stdout, cfg, cli_options_of(c)->json);
	fflush(stdout);
	log_set_stderr(1);
	/* a worker blocked in a connect cannot be joined (see cli_dump) */
	if (!stuck)
		engine_stop();
	return 0;
}
