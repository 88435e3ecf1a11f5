/* cli-cpu-fit.c — `hvdeck desktop cpu-fit [NAME] [--json]`: for every
 * desktop (or the one named), the CPU its definition asks for and the
 * hypervisor-capable hosts that can run it, from the answers the host
 * workers keep (cpufit.h), waited for within the connect timeout. */
#include "cli/cli-cpu-fit.h"
#include "cli/cli.h"
#include "act/engine.h"
#include "cmd/cmd-face.h"
#include "core/cpufit.h"
#include "core/json.h"
#include "core/log.h"
#include "core/model.h"
#include "core/place.h"
#include "core/text.h"
#include "core/util.h"
#include "virt/virt-xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One host's answer for one desktop. */
struct fit {
	char *host, *reason;
	enum cpufit v;
};

struct row {
	char *name, *uuid, *host, *key, *runs_on;
	int stuck;
	size_t nunknown;
	struct fit *fits;
	size_t nfits;
};

static const char *const verdicts[] = {
	[CPUFIT_UNKNOWN] = "unknown", [CPUFIT_YES] = "yes",
	[CPUFIT_NO] = "no", [CPUFIT_UNSURE] = "unsure",
};

/* Model lock held. */
static void fill(struct row *r, const struct m_desktop *d)
{
	const struct m_place *p = model_desktop_place(d);
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;
	struct m_host **hosts;
	size_t n, i;

	r->name = xstrdup(d->name);
	r->uuid = xstrdup(d->uuid);
	r->host = xstrdup(h != NULL ? h->name : NULL);
	r->key = xstrdup(d->xml.cpu_key);
	r->runs_on = cpufit_runs_on(d, &r->nunknown);
	r->stuck = cpufit_stuck(d);
	hosts = model_hosts(&n);
	r->fits = xcalloc(n + 1, sizeof *r->fits);
	for (i = 0; i < n; i++) {
		if (!place_role_allows(hosts[i]->role, PLACE_DESKTOP))
			continue;
		r->fits[r->nfits].host = xstrdup(hosts[i]->name);
		r->fits[r->nfits].v = cpufit_desktop_on(d, hosts[i],
		    &r->fits[r->nfits].reason);
		r->nfits++;
	}
}

static void row_free(struct row *r)
{
	size_t i;

	for (i = 0; i < r->nfits; i++) {
		free(r->fits[i].host);
		free(r->fits[i].reason);
	}
	free(r->fits);
	free(r->name);
	free(r->uuid);
	free(r->host);
	free(r->key);
	free(r->runs_on);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->name,
	    ((const struct row *)b)->name);
}

/* The rows of every desktop, or of those name finds (sorted by name).
 * Returns the count; *rows (caller frees each with row_free). */
static size_t collect(const char *name, struct row **rows)
{
	struct m_desktop **ds;
	size_t n, i;

	model_lock();
	if (name != NULL)
		n = model_desktops_find(name, &ds);
	else
		ds = model_desktops(&n);
	*rows = xcalloc(n + 1, sizeof **rows);
	for (i = 0; i < n; i++)
		fill(&(*rows)[i], ds[i]);
	if (name != NULL)
		free(ds);
	model_unlock();
	qsort(*rows, n, sizeof **rows, by_name);
	return n;
}

/* What a key asks for, shortly: "qemu64 +1 feature", "default". The
 * virt type in *virt_type (caller frees; NULL without a key). */
static char *cpu_text(const char *key, char **virt_type, size_t *nfeat,
    char **model)
{
	struct facts_cpu d;
	char *cause = NULL, *t;

	*virt_type = *model = NULL;
	*nfeat = 0;
	if (key == NULL || facts_cpu_parse(key, &d) < 0)
		return xstrdup("default");
	if (virtxml_cpu_summary(d.cpu_xml, model, nfeat, &cause) < 0)
		free(cause);
	*virt_type = xstrdup(d.virt_type);
	facts_cpu_free(&d);
	if (*nfeat == 0)
		return xstrdup(*model != NULL ? *model : "custom");
	t = xasprintf("%s +%zu feature%s", *model != NULL ? *model : "custom",
	    *nfeat, *nfeat == 1 ? "" : "s");
	return t;
}

static void print_json(FILE *out, const struct row *r, size_t n)
{
	struct json j;
	char *vt, *model, *txt, *one, *comma;
	size_t i, k, nf;

	json_init(&j);
	json_begin_object(&j, NULL);
	json_begin_array(&j, "desktops");
	for (i = 0; i < n; i++) {
		txt = cpu_text(r[i].key, &vt, &nf, &model);
		json_begin_object(&j, NULL);
		json_string(&j, "name", r[i].name);
		json_string(&j, "uuid", r[i].uuid);
		json_string(&j, "host", r[i].host);
		json_string(&j, "cpu", r[i].key != NULL ? model : "default");
		json_uint(&j, "cpu_features", nf);
		json_string(&j, "virt_type", vt);
		json_begin_array(&j, "can_run_on");
		for (one = r[i].runs_on; *one != '\0'; one = comma + 2) {
			comma = strstr(one, ", ");
			if (comma == NULL) {
				json_string(&j, NULL, one);
				break;
			}
			*comma = '\0';
			json_string(&j, NULL, one);
			*comma = ',';
		}
		json_end_array(&j);
		json_bool(&j, "cannot_leave_host", r[i].stuck);
		json_begin_array(&j, "hosts");
		for (k = 0; k < r[i].nfits; k++) {
			json_begin_object(&j, NULL);
			json_string(&j, "name", r[i].fits[k].host);
			json_string(&j, "fits", verdicts[r[i].fits[k].v]);
			json_string(&j, "reason", r[i].fits[k].reason);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		free(txt);
		free(vt);
		free(model);
	}
	json_end_array(&j);
	json_end_object(&j);
	fprintf(out, "%s\n", j.buf);
	json_free(&j);
}

/* "nowhere", or the hosts, with how many are not known (not answered,
 * could not compare; a read-only hvdeck asks none). */
static char *runs_on_text(const struct row *r)
{
	if (r->nunknown > 0)
		return xasprintf("%s (%zu not known)", *r->runs_on ? r->runs_on :
		    "no host known", r->nunknown);
	return xstrdup(*r->runs_on ? r->runs_on : "nowhere");
}

static void print_text(FILE *out, const struct row *r, size_t n, int each)
{
	char *vt, *model, *txt, *runs;
	size_t i, k, nf;

	for (i = 0; i < n; i++) {
		txt = cpu_text(r[i].key, &vt, &nf, &model);
		runs = runs_on_text(&r[i]);
		cli_say(out, 1, "%s (on %s): CPU %s%s%s%s — can run on: %s",
		    r[i].name, r[i].host != NULL ? r[i].host : "no host", txt,
		    vt != NULL ? " (" : "", vt != NULL ? vt : "",
		    vt != NULL ? ")" : "", runs);
		for (k = 0; each && k < r[i].nfits; k++)
			cli_say(out, 1, "  %-12s %-8s %s", r[i].fits[k].host,
			    verdicts[r[i].fits[k].v], r[i].fits[k].reason ?
			    r[i].fits[k].reason : "");
		free(runs);
		free(txt);
		free(vt);
		free(model);
	}
}

/* The answers asked for have come, or the deadline passed. */
static void wait_answers(int timeout_s)
{
	int64_t deadline = util_now_ms() + (int64_t)timeout_s * 1000;

	while (cpufit_pending() > 0 && util_now_ms() < deadline)
		util_sleep_ms(100);
}

/* Print; 1 when the name finds no desktop. */
static int report(FILE *out, FILE *err, const char *name, int json)
{
	struct row *r;
	size_t n = collect(name, &r), i;

	if (name != NULL && n == 0) {
		cli_say(err, 1, "desktop cpu-fit: no desktop called %s", name);
		free(r);
		return 1;
	}
	if (json)
		print_json(out, r, n);
	else
		print_text(out, r, n, name != NULL);
	for (i = 0; i < n; i++)
		row_free(&r[i]);
	free(r);
	return 0;
}

/* A host is still connecting. */
static int connecting(void)
{
	struct m_host **hosts;
	size_t n, i;
	int any = 0;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		any |= hosts[i]->state == HOST_CONNECTING;
	model_unlock();
	return any;
}

int cli_cpu_fit_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	const struct config *cfg = c->cfg;
	const char *name = argc > 0 ? argv[0] : NULL;
	int json = cmd_opt(c->opts, "json") != NULL;
	struct cli_out o;

	(void)e; (void)cause;
	c->status = 0;
	cli_out_open(&o, c);
	if (o.peer != NULL) {	/* in the server: its model, warm */
		(void)cmd_engine_up(c);
		wait_answers(cfg->connect_timeout);
		c->status = report(o.out, o.err, name, json);
		cli_out_close(&o);
		return 0;
	}
	json |= cli_options_of(c)->json;
	log_set_stderr(0);
	if (engine_start(cfg, cli_options_of(c)->read_only) < 0) {
		c->status = 1;
		return 0;
	}
	cli_wait_settled(cli_options_of(c), cfg);
	wait_answers(cli_options_of(c)->timeout > 0 ?
	    cli_options_of(c)->timeout : cfg->connect_timeout);
	c->status = report(stdout, stderr, name, json);
	fflush(stdout);
	log_set_stderr(1);
	/* a worker blocked in a connect cannot be joined (see cli_dump) */
	if (!connecting())
		engine_stop();
	return 0;
}
