/* cmd-table.c — the commands of cmd/ (the ones that act on the cluster),
 * one entry each in `commands`, registered into the one table (cmd.h)
 * beside the command line's and the console's. Adding a command is one
 * entry here and its exec in the family's cmd-*.c. */
#include "cmd/cmd-table.h"
#include "cmd/cmd-targets.h"
#include "act/act-domain.h"
#include "cmd/cmd-capacity.h"
#include "cmd/cmd-derive.h"
#include "cmd/cmd-desktop.h"
#include "cmd/cmd-desktop-new.h"
#include "cmd/cmd-drain.h"
#include "cmd/cmd-disk-move.h"
#include "cmd/cmd-host.h"
#include "cmd/cmd-host-reconnect.h"
#include "cmd/cmd-job.h"
#include "cmd/cmd-migrate.h"
#include "cmd/cmd-role.h"
#include "cmd/cmd-size.h"
#include "cmd/cmd-viewer.h"
#include "cmd/cmd-volume.h"

#include <stdio.h>

static int exec_list_commands(struct cmd_ctx *, const struct cmd_entry *, int, char **, char **);

#define RO CMD_READ_ONLY_OK
#define DESKTOP_ARG (CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP)
/* desktop verbs the command line has too (NAME then required), and the
 * console runs on every marked desktop */
#define DESKTOP_VERB (DESKTOP_ARG | CMD_CLI | CMD_SEL_MARKS)
/* the marked desktops one verb may act on in the console (the command
 * line takes one: cmd_desktop_exec) */
#define DESKTOPS_MAX 4096

static const struct cmd_entry commands[] = {
	{ "list-commands", NULL, 0, 0, "", CMD_CLI | RO | CMD_NO_CONFIG | CMD_LOCAL,
	  "print every command: where it runs, its arguments and help", exec_list_commands, 0 },
	{ "host role", NULL, 0, 2, "NAME hypervisor|disk|mixed",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "set a host's role and save it (console: default the selected host; without a role, a form)",
	  cmd_role_exec_role, 0 },
	{ "host maintenance", NULL, 0, 2, "NAME on|off",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "put a host in or out of maintenance and save it (console: without on|off, toggle after asking)",
	  cmd_role_exec_maintenance, 0 },
	{ "host drain", NULL, 0, 1, "NAME [--parallel N] [--bandwidth MIBS] [--dry-run] "
	  "[--to HOST,...] [--include-defined] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "put a host in maintenance and live-migrate every running desktop off it, "
	  "each to the host with the most free memory after the moves before it, "
	  "N at a time (drain_parallel, default 2); prints the plan first, --dry-run "
	  "only that (console: Shift-E, its form shows the plan unless --yes)",
	  cmd_drain_exec, 0 },
	{ "desktop start", NULL, 0, DESKTOPS_MAX, "[NAME...]", DESKTOP_VERB,
	  "start the desktop (in the console, default: the selected one, or every marked one after asking once; the command line takes several names and one range, class-{01..20})", cmd_desktop_exec, DA_START },
	{ "desktop shutdown", NULL, 0, DESKTOPS_MAX, "[NAME...]", DESKTOP_VERB,
	  "graceful shutdown (ACPI)", cmd_desktop_exec, DA_SHUTDOWN },
	{ "desktop reboot", NULL, 0, DESKTOPS_MAX, "[NAME...]", DESKTOP_VERB,
	  "reboot", cmd_desktop_exec, DA_REBOOT },
	{ "desktop pause", NULL, 0, DESKTOPS_MAX, "[NAME...]", DESKTOP_VERB,
	  "pause", cmd_desktop_exec, DA_PAUSE },
	{ "desktop resume", NULL, 0, DESKTOPS_MAX, "[NAME...]", DESKTOP_VERB,
	  "resume a paused desktop", cmd_desktop_exec, DA_RESUME },
	{ "desktop toggle-pause", NULL, 0, DESKTOPS_MAX, "[NAME]", DESKTOP_ARG | CMD_SEL_MARKS,
	  "pause / resume", cmd_desktop_exec, CMD_DESKTOP_TOGGLE_PAUSE },
	{ "desktop force-off", NULL, 0, DESKTOPS_MAX, "[NAME...]", DESKTOP_VERB,
	  "force off (asks, naming the desktop)", cmd_desktop_exec, DA_FORCE_OFF },
	{ "desktop new", NULL, 0, 64,
	  "TEMPLATE_DESKTOP NAME... [--count N] [--on HOST] [--start]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP,
	  "new desktops from a template desktop: each a qcow2 overlay of its disk in the groups pool and a copy of its definition (new UUID, MACs); NAME may hold one range {01..20} (console: without names, a form)",
	  cmd_desktop_exec_new, 0 },
	{ "desktop delete", NULL, 0, DESKTOPS_MAX, "DESKTOP... [--with-disk] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP |
	  CMD_SEL_MARKS,
	  "undefine a desktop that is not running, --with-disk also its overlay (never a base or template volume, never a disk others use); asks first unless --yes; several names and one range (class-{01..20}) or the console's marks: asked once, one job each at once",
	  cmd_desktop_exec_delete, 0 },
	{ "desktop set-cpu", NULL, 0, 2, "DESKTOP MODEL|baseline",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "replace a shut-off desktop's CPU (its definition's <cpu>) by CPU model MODEL, or by the cluster's baseline CPU that every hypervisor runs (hvdeck desktop cpu-fit shows where it can run)",
	  cmd_desktop_exec_set_cpu, 0 },
	{ "template from", NULL, 0, 2, "DESKTOP NAME [--flatten]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "a template from a shut-off desktop: its disk copied into the templates pool as NAME.qcow2 (keeping its base, or --flatten: standalone) and a shut-off template desktop NAME on it",
	  cmd_desktop_exec_template, 0 },
	{ "desktop migrate", NULL, 0, DESKTOPS_MAX, "[NAME...] [DEST_HOST] [--bandwidth MIBS] "
	  "[--max-downtime MS] [--auto-converge] [--postcopy] [--compress] "
	  "[--copy-storage] [--to-pool POOL] [--unsafe] [--no-persist]", DESKTOP_ARG | CMD_SEL_DESKTOP |
	  CMD_SEL_MARKS,
	  "live-migrate a running desktop (default: the selected one); without "
	  "DEST_HOST a form lists the hosts that may receive it; several (the marks) "
	  "after one question, to DEST_HOST or each where placement puts it", cmd_migrate_exec, 0 },
	{ "desktop move-disk", NULL, 0, 3, "DESKTOP [DISK] POOL [--delete-source] [--bandwidth MIBS]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "copy a desktop's disk (default: its first) into another pool of its host, live when it runs (block copy, then a switch once in sync), and point its definition there; the old volume stays unless --delete-source (console: Shift-V, a form)",
	  cmd_disk_move_exec, 0 },
	{ "job cancel", NULL, 0, 1, "[ID] [--let-running-finish] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_SEL_JOB,
	  "cancel a job after asking (default: the selected job or the progress view's); "
	  "a cancelled migration leaves the desktop on its source; a cancelled drain "
	  "starts no more moves and cancels its running migrations, or with "
	  "--let-running-finish lets them finish; on a job hvdeck did not start "
	  "(a virsh migrate: ID is its desktop), abort it with virDomainAbortJob after a question saying so; "
	  "the command line cancels a job of the cluster's server (hvdeck jobs lists them), asking unless --yes",
	  cmd_job_exec, JOB_OP_CANCEL },
	{ "job bandwidth", NULL, 0, 2, "[ID] [MIBS]", CMD_CLI | CMD_LINE | CMD_SEL_JOB,
	  "set a running migration's bandwidth in MiB/s, 0 unlimited (the console without MIBS: a form; "
	  "the command line: ID and MIBS, a job of the cluster's server)",
	  cmd_job_exec, JOB_OP_BANDWIDTH },
	{ "job downtime", NULL, 0, 2, "[ID] [MS]", CMD_CLI | CMD_LINE | CMD_SEL_JOB,
	  "set a running migration's allowed downtime in ms (the console without MS: a form; "
	  "the command line: ID and MS, a job of the cluster's server)",
	  cmd_job_exec, JOB_OP_DOWNTIME },
	{ "job postcopy", NULL, 0, 1, "[ID]", CMD_LINE | CMD_SEL_JOB,
	  "switch a migration started with post-copy allowed to post-copy, after asking",
	  cmd_job_exec, JOB_OP_POSTCOPY },
	{ "job dismiss", NULL, 0, 1, "[ID]", CMD_LINE | RO | CMD_SHARED | CMD_SEL_JOB,
	  "forget a finished job (remove its row)", cmd_job_exec, JOB_OP_DISMISS },
	{ "job dismiss-finished", NULL, 0, 0, "", CMD_LINE | RO | CMD_SHARED,
	  "forget every finished job", cmd_job_exec, JOB_OP_DISMISS_FINISHED },
	{ "derive", NULL, 0, 2, "SOURCE NAME [--pool POOL] [--count N] [--on HOST] "
	  "[--cluster-size BYTES] [--lazy-refcounts] [--extended-l2]", CMD_CLI | CMD_LINE,
	  "thin qcow2 overlays backed by a base or template volume; NAME may hold one range, "
	  "class-{01..20}.qcow2 (console: without NAME, a form for the selected volume)",
	  cmd_derive_exec, 0 },
	{ "pool refresh", NULL, 0, 1, "[NAME] [--on HOST]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_SEL_POOL,
	  "rescan a storage pool for new volumes on every online host that has it, or --on one (default: the selected one; the command line: every pool) and wait for it",
	  cmd_pool_exec_refresh, 0 },
	{ "jobs", NULL, 0, 0, "[--json]", CMD_CLI | RO,
	  "list the jobs: a running server's (queued, running, finished), and jobs libvirt runs that hvdeck did not start (a virsh migrate) with their progress; in-process, only jobs libvirt runs",
	  cmd_jobs_exec, 0 },
	{ "volume delete", NULL, 0, 1, "POOL/NAME [--on HOST] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_SEL_VOLUME,
	  "delete a volume, refused while any volume is derived from it, a desktop uses it or a host sharing its pool is offline; asks first, naming the volume and its path, unless --yes (console: default the selected one)",
	  cmd_volume_exec_delete, 0 },
	{ "host remove", NULL, 0, 1, "[NAME] [--yes]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "remove a hypervisor from the config and hvdeck's known_hosts, never touching the host; asks first, naming it, unless --yes (console: default the selected one)",
	  cmd_host_remove_exec, 0 },
	{ "host reconnect", NULL, 0, 1, "[NAME]",
	  CMD_LINE | RO | CMD_ARG_NAME | CMD_ARG_HOST | CMD_SEL_HOST,
	  "try a host again now, not at the end of its backoff (an online host's connection is opened again; default: the selected one)",
	  cmd_host_reconnect_exec, 0 },
	{ "desktop set", NULL, 0, 1, "[NAME] [--vcpus N] [--memory MiB] [--max-memory MiB]",
	  CMD_CLI | CMD_LINE | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "change a desktop's vCPUs and memory: a shut-off one's definition; a running one live where libvirt allows (hotplug, balloon), the rest at its next start; refused over its host's capacity (console: without options, a form)",
	  cmd_size_exec, 0 },
	{ "desktop viewer", NULL, 0, 1, "[NAME] [--file PATH|-] [--json]",
	  CMD_CLI | CMD_LINE | RO | CMD_ARG_NAME | CMD_ARG_DESKTOP | CMD_SEL_DESKTOP,
	  "what a remote viewer needs to open a running desktop's screen: graphics type, address, port, TLS port, password; --file writes a virt-viewer .vv file (0600; - prints it), --json one JSON object; the ssh -L command when the host listens only locally (console: a page, w writes the file)",
	  cmd_viewer_exec, 0 },
	{ "capacity", NULL, 0, 0, "[--json]", CMD_CLI | CMD_LINE | RO,
	  "per host vCPUs of running desktops against CPUs (overcommit), memory committed against total and memory_reserve, desktops running; per pool its fill; hosts by headroom (console: the capacity view, %)",
	  cmd_capacity_exec, 0 },
	{ "host rekey", NULL, 1, 1, "NAME [--yes-fingerprint FP]", CMD_CLI,
	  "replace a host's key in hvdeck's known_hosts after it legitimately changed: shows the old and new fingerprints, the new one must be typed or given",
	  cmd_host_rekey_exec, 0 },
};

#undef RO
#undef DESKTOP_ARG
#undef DESKTOP_VERB

void cmd_commands_register(void)
{
	cmd_register_table(commands, sizeof commands / sizeof commands[0]);
	cmd_set_after_exec(cmd_result_generic);
}

/* ---- list-commands ---- */

static const char *where_name(unsigned flags)
{
	if ((flags & CMD_CLI) && (flags & CMD_LINE))
		return "both";
	if (flags & CMD_CLI)
		return "cli";
	if (flags & CMD_LINE)
		return "console";
	return "key";
}

static int exec_list_commands(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	const struct cmd_entry *cmds;
	size_t i, ncmd;

	(void)c; (void)e; (void)argc; (void)argv; (void)cause;
	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		const struct cmd_entry *x = &cmds[i];

		printf("%s\t%s\t%s\t%s\t%s\n", where_name(x->flags), x->name,
		    x->args, x->flags & CMD_READ_ONLY_OK ? "read-only" : "writes",
		    x->help);
	}
	return 0;
}
