/* view-hosts.c — the hypervisors pane and a host's details. */
#include "tui/views.h"
#include "core/cpufit.h"
#include "core/format.h"
#include "core/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_NAME, C_ROLE, C_STATE, C_LIBVIRT, C_QEMU, C_CPU, C_MEMBAR, C_MEM,
	C_DESKTOPS, C_MAINT, C_COUNT };

static const struct table_column cols[C_COUNT] = {
	[C_NAME] = { "HOST", 12, 6, 0, 0, 0 },
	[C_ROLE] = { "ROLE", 10, 0, 0, 0, 0 },
	[C_STATE] = { "STATE", 14, 8, 0, 0, 1, 1 },
	[C_LIBVIRT] = { "LIBVIRT", 7, 0, 0, 0, 0 },
	[C_QEMU] = { "QEMU", 7, 0, 0, 0, 0 },
	[C_CPU] = { "CPU%", 5, 4, 1, 1, 0 },
	[C_MEMBAR] = { "MEMORY", 10, 0, 0, 1, 0 },
	[C_MEM] = { "USED/TOTAL", 11, 0, 1, 1, 0 },
	[C_DESKTOPS] = { "RUN", 4, 3, 1, 1, 0 },
	[C_MAINT] = { "MAINT", 5, 0, 0, 0, 0 },
};

int view_hosts_running_on(unsigned host_id)
{
	const struct m_host *h = model_host(host_id);

	return h != NULL ? (int)h->running : 0;
}

/* "offline, seen 12:03, retry in 14s: connection refused": when it was
 * last there and when the worker tries again, then libvirt's reason. */
static void state_text(char *buf, size_t len, const struct m_host *h)
{
	char seen[32] = "never seen", retry[32] = "", clock[24];
	long in_s = model_host_retry_in_s(h);

	if (h->state != HOST_OFFLINE) {
		snprintf(buf, len, "%s%s%s", model_host_state_name(h->state),
		    h->error != NULL ? ": " : "", h->error != NULL ? h->error : "");
		return;
	}
	if (h->seen_wall_ms > 0)
		snprintf(seen, sizeof seen, "seen %s",
		    view_clock(clock, sizeof clock, h->seen_wall_ms));
	if (in_s >= 0)
		snprintf(retry, sizeof retry, ", retry in %lds", in_s);
	snprintf(buf, len, "offline, %s%s%s%s", seen, retry,
	    h->error != NULL ? ": " : "", h->error != NULL ? h->error : "");
}

static void build(struct table *t, int ascii)
{
	struct m_host **hosts;
	size_t n, i;
	char a[16], b[16], c[16], state[512];

	(void)ascii;
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		struct m_host *h = hosts[i];
		struct table_row *r = table_add(t, h->name);
		uint64_t used = h->memory_kib > h->free_kib ? h->memory_kib - h->free_kib : 0;
		int online = h->state == HOST_ONLINE || h->state == HOST_READONLY;

		r->state = model_host_state_name(h->state);
		r->host = h->name;
		table_cell(r, C_NAME, SLOT_NORMAL, "%s", h->name);
		table_cell(r, C_ROLE, SLOT_NORMAL, "%s", config_role_name(h->role));
		state_text(state, sizeof state, h);
		table_cell(r, C_STATE, view_host_slot(h->state), "%s", state);
		/* an absent host's versions (in its details) leave their room
		 * to its state's reason, which spills over blank cells */
		table_cell(r, C_LIBVIRT, SLOT_NORMAL, "%s", online ?
		    format_version(a, sizeof a, h->lib_version) : "");
		table_cell(r, C_QEMU, SLOT_NORMAL, "%s", online ?
		    format_version(a, sizeof a, h->hv_version) : "");
		/* figures of a host that is not there are blank, not stale:
		 * the details keep the last ones, labelled "last seen" */
		table_cell(r, C_CPU, SLOT_NORMAL, "%s", online ?
		    format_percent(a, sizeof a, h->cpu_pct) : "");
		r->num[C_CPU] = online ? h->cpu_pct : -1;
		if (online && h->memory_kib > 0) {
			r->bar_col = C_MEMBAR;
			r->bar_frac = (double)used / (double)h->memory_kib;
			r->bar_slot = SLOT_BAR_MEM;
			r->num[C_MEMBAR] = r->num[C_MEM] = r->bar_frac;
			/* what a selected row shows instead of the bar */
			table_cell(r, C_MEMBAR, SLOT_NORMAL, "%.0f%%", r->bar_frac * 100);
			table_cell(r, C_MEM, SLOT_NORMAL, "%s/%s",
			    format_size(b, sizeof b, used * 1024),
			    format_size(c, sizeof c, h->memory_kib * 1024));
		} else {
			table_cell(r, C_MEM, SLOT_DIM, "%s", online ? "-" : "");
			r->num[C_MEMBAR] = r->num[C_MEM] = -1;
		}
		r->num[C_DESKTOPS] = online ? view_hosts_running_on(h->id) : -1;
		if (online)
			table_cell(r, C_DESKTOPS, SLOT_NORMAL, "%d",
			    (int)r->num[C_DESKTOPS]);
		else
			table_cell(r, C_DESKTOPS, SLOT_NORMAL, "%s", "");
		table_cell(r, C_MAINT, SLOT_HOST_MAINTENANCE, "%s",
		    h->maintenance ? "yes" : "");
	}
}

/* "x86_64 Intel Cascadelake, 1 socket x 2 cores x 1 thread, 1 NUMA cell",
 * leaving out what the host did not say. */
static void cpu_line(struct text *out, const struct xml_caps *c)
{
	char topo[96] = "", cells[32] = "";

	if (c->sockets > 0)
		snprintf(topo, sizeof topo, ", %u socket(s) x %u core(s) x %u thread(s)",
		    c->sockets, c->cores, c->threads);
	if (c->numa_cells > 0)
		snprintf(cells, sizeof cells, ", %u NUMA cell(s)", c->numa_cells);
	text_add(out, SLOT_NORMAL, "  CPU          %s%s%s%s%s%s%s", c->arch ? c->arch : "-",
	    c->cpu_vendor ? " " : "", c->cpu_vendor ? c->cpu_vendor : "",
	    c->cpu_model ? " " : "", c->cpu_model ? c->cpu_model : "", topo, cells);
}

/* CPU and memory: live while online, the last known figures (dim,
 * labelled) while not. */
static void online_figures(struct text *out, const struct m_host *h)
{
	int up = h->state == HOST_ONLINE || h->state == HOST_READONLY;
	const char *label = up ? "" : " (last seen)";
	enum theme_slot slot = up ? SLOT_NORMAL : SLOT_DIM;
	char a[16], b[16];

	text_add(out, slot, "  CPUs         %u at %u MHz, %s%% busy%s", h->cpus,
	    h->mhz, format_percent(a, sizeof a, up ? h->cpu_pct : h->seen_cpu_pct),
	    label);
	text_add(out, slot, "  memory       %s total, %s free%s",
	    format_size(a, sizeof a, h->memory_kib * 1024),
	    format_size(b, sizeof b, h->free_kib * 1024), label);
}

/* The cluster's baseline CPUs (cpufit.h): the CPU every
 * hypervisor-capable host can run, per virt type. */
static void baseline_lines(struct text *out)
{
	struct cpufit_baseline *b;
	size_t n = cpufit_baselines(&b), i;

	if (n == 0)
		text_add(out, SLOT_DIM, "  baseline CPU (not known yet)");
	for (i = 0; i < n; i++)
		text_add(out, SLOT_NORMAL, "  %-12s %s +%zu features (%s) over %s",
		    i == 0 ? "baseline CPU" : "", b[i].model != NULL ?
		    b[i].model : "?", b[i].nfeatures, b[i].virt_type, b[i].hosts);
	cpufit_baselines_free(b, n);
}

static void details(const char *key, struct text *out)
{
	struct m_host **hosts;
	struct m_host *h = NULL;
	size_t n, i;
	char a[16], b[16];

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, key) == 0)
			h = hosts[i];
	if (h == NULL) {
		text_add(out, SLOT_ALERT, "host %s is gone", key);
		return;
	}
	text_add(out, SLOT_TITLE, "Host %s", h->name);
	text_add(out, SLOT_NORMAL, "  URI          %s", h->uri);
	text_add(out, SLOT_NORMAL, "  role         %s", config_role_name(h->role));
	text_add(out, view_host_slot(h->state), "  state        %s%s%s",
	    model_host_state_name(h->state), h->error ? ": " : "",
	    h->error ? h->error : "");
	text_add(out, SLOT_NORMAL, "  hostname     %s", h->hostname ? h->hostname : "-");
	text_add(out, SLOT_NORMAL, "  hypervisor   %s %s, libvirt %s",
	    h->hv_type ? h->hv_type : "-", format_version(a, sizeof a, h->hv_version),
	    format_version(b, sizeof b, h->lib_version));
	if (h->state == HOST_OFFLINE) {
		char seen[24], retry[48] = "";
		long in_s = model_host_retry_in_s(h);

		if (in_s >= 0)
			snprintf(retry, sizeof retry, ", next retry in %lds", in_s);
		text_add(out, view_host_slot(h->state), "  last seen    %s%s",
		    h->seen_wall_ms > 0 ? view_clock(seen, sizeof seen,
		    h->seen_wall_ms) : "never", retry);
	}
	online_figures(out, h);
	cpu_line(out, &h->caps);
	text_add(out, SLOT_NORMAL, "  guests       %s", h->caps.guests ? h->caps.guests : "-");
	text_add(out, SLOT_NORMAL, "  host UUID    %s", h->caps.host_uuid ? h->caps.host_uuid : "-");
	text_add(out, SLOT_NORMAL, "  migration    %s",
	    h->migration_address ? h->migration_address : "(libvirt's default)");
	text_add(out, SLOT_NORMAL, "  maintenance  %s", h->maintenance ? "yes" : "no");
	text_add(out, SLOT_NORMAL, "  desktops     %d running", view_hosts_running_on(h->id));
	baseline_lines(out);
	text_add(out, SLOT_NORMAL, "%s", "");
	text_add(out, SLOT_HEADER, "Storage pools (%zu)", h->npools);
	for (i = 0; i < h->npools; i++) {
		struct m_pool *p = h->pools[i];

		text_add(out, p->active ? SLOT_NORMAL : SLOT_DIM,
		    "  %-12s %-8s %-5s %s  %s free of %s, %zu volumes", p->name,
		    p->active ? "active" : "inactive", p->type ? p->type : "-",
		    p->target_path ? p->target_path : "-",
		    format_size(a, sizeof a, p->available),
		    format_size(b, sizeof b, p->capacity), p->nvols);
	}
}

const struct view view_hosts = {
	PANE_HOSTS, "Hypervisors", cols, C_COUNT, build, NULL, NULL, details,
};
