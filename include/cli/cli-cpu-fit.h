/* cli-cpu-fit.h — `hvdeck desktop cpu-fit [NAME] [--json]`: which
 * hypervisor-capable hosts can run each desktop's CPU definition (and, for
 * one desktop, every host's answer with libvirt's reason), from the
 * answers the host workers keep (cpufit.h). */
#ifndef HVDECK_CLI_CPU_FIT_H
#define HVDECK_CLI_CPU_FIT_H

#include "cmd/cmd.h"

/* The command table's exec. Sets c->status 0, or 1 when the engine cannot
 * start or NAME names no desktop. */
int cli_cpu_fit_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause);

#endif
