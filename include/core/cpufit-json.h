/* cpufit-json.h — the CPU-fit table (cpufit.h) as one line of kind
 * "cpufit": a server sends it to its subscribers whenever the table
 * changes, and an attached console's mirror applies it to its own table,
 * so the desktops' !CPU marks, "can run on" and the migrate form's
 * refusals are the server's answers. Hosts are named (ids differ between
 * processes). */
#ifndef HVDECK_CPUFIT_JSON_H
#define HVDECK_CPUFIT_JSON_H

#include "core/json-read.h"

struct json;

/* Model lock held: the line, newline-ended (caller frees):
 * {"kind":"cpufit","answers":[{"key","host","fit","reason"}...],
 *  "baselines":[...]}. */
char *cpufit_json_line(void);
/* The cluster's baseline CPUs, one per virt type, as the array key of
 * objects {virt_type, arch, model, features, hosts, xml} (host list
 * --json's cpu_baselines). */
void cpufit_json_baselines(struct json *j, const char *key);
/* Apply such a line (parsed) to this process's table: each answer of a
 * host this model knows by name, and each baseline. Takes the model lock. */
void cpufit_json_apply(const struct jread *line);

#endif
