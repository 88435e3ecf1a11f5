/* cpufit.h — where each desktop's CPU can run (issue 21, item 4).
 *
 * A desktop asks for a CPU (its definition's <cpu>, with the virt type,
 * arch, machine and emulator it runs under: facts.h's cpu_key). Whether a
 * host can run it is libvirt's answer to virConnectCompareHypervisorCPU on
 * that host; a fleet asks for few distinct CPUs, so the answers are kept
 * per distinct key × host, asked by the host's worker (virt-cpu.c) when
 * the host connects and when a key is first seen. The cluster's baseline
 * CPU — what every hypervisor-capable host can run — is kept per virt
 * type, computed by the worker of the host that connected last.
 *
 * The table has its own lock, taken inside the model lock where both are
 * held (model before cpufit), never the other way: under its own lock
 * nothing here calls the model; the functions taking a desktop or host
 * are called under the model lock, cpufit_baseline_hosts takes it, and
 * the others only wake the UI (model_wake, no lock). Any thread. */
#ifndef HVDECK_CPUFIT_H
#define HVDECK_CPUFIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"

struct m_desktop;
struct m_host;

enum cpufit {
	CPUFIT_UNKNOWN,   /* not asked yet, or the host was not reachable */
	CPUFIT_YES,       /* identical or a superset: it runs there */
	CPUFIT_NO,        /* incompatible: libvirt says why */
	CPUFIT_UNSURE,    /* the hypervisor could not compare */
};

/* --- the table (takes its own lock) --- */
/* A desktop with key was seen: the ids of the hosts that have connected
 * but not been asked about key, now marked asked (*ids: caller frees,
 * NULL when 0); their workers are to compare it. NULL key: none. */
size_t cpufit_want(const char *key, unsigned **ids);
/* Host id connected: every key known, marked asked for it (*keys: caller
 * frees each and the array), and the host counted as one that is asked
 * from now on. */
size_t cpufit_host_connected(unsigned host_id, char ***keys);
/* Host id gone from the cluster: its answers and CPU models dropped. */
void cpufit_host_removed(unsigned host_id);
/* The answer of host id for key (reason copied, may be NULL). An answer
 * of CPUFIT_UNKNOWN (no connection) also clears the asked mark. Wakes the
 * UI when it changes. */
void cpufit_answer(const char *key, unsigned host_id, enum cpufit v,
    const char *reason);
/* The answer kept (UNKNOWN when none); *reason (NULL when none) is a
 * copy the caller frees, when reason is not NULL. */
enum cpufit cpufit_get(const char *key, unsigned host_id, char **reason);
/* A counter that changes with every answer that changed: a view of the
 * answers is rebuilt when it moved. */
uint64_t cpufit_generation(void);
/* fn for every answer kept that is not UNKNOWN, under the table's lock:
 * fn must not call cpufit (a server renders them for its clients). */
typedef void cpufit_each_fn(const char *key, unsigned host_id,
    enum cpufit v, const char *reason, void *ctx);
void cpufit_each(cpufit_each_fn *fn, void *ctx);
/* Questions asked and not answered yet (the CLI waits for 0). */
size_t cpufit_pending(void);

/* What host id offers for virt_type (its domain capabilities' host-model
 * CPU as a <cpu> element) on arch; NULL xml forgets it. */
void cpufit_host_model(unsigned host_id, const char *virt_type,
    const char *arch, const char *xml);
/* The hosts whose CPUs the baseline is over: every hypervisor-capable
 * one (role hypervisor or mixed; a disk host runs no desktop), in any
 * state (an offline host counts with the CPU it had). *ids: caller
 * frees. Takes the model lock. */
size_t cpufit_baseline_hosts(unsigned **ids);
/* The host-model CPUs of hosts ids (n of them) for virt_type on arch:
 * *xmls (caller frees each and the array) and, in *hosts, the ids that
 * had one; *gen the models' generation then (a baseline made of them
 * carries it). Returns the count. */
size_t cpufit_models_of(const unsigned *ids, size_t n, const char *virt_type,
    const char *arch, char ***xmls, unsigned **hosts, uint64_t *gen);
/* The virt types host id offers a model for (caller frees each and the
 * array), with their arch in *arches (the same). */
size_t cpufit_host_virt_types(unsigned host_id, char ***types,
    char ***arches);

/* The cluster's baseline for virt_type: its <cpu> XML, the model it
 * names and how many features it lists, over which hosts ("hv1, hv2").
 * NULL xml forgets it. */
struct cpufit_baseline {
	char *virt_type, *arch, *xml, *model, *hosts;
	size_t nfeatures;
	uint64_t gen;     /* of the models it was made of: an older one
	                   * never replaces a newer one */
};
void cpufit_set_baseline(const struct cpufit_baseline *b);
/* Every baseline, sorted by virt type: *out (caller frees with
 * cpufit_baselines_free). */
size_t cpufit_baselines(struct cpufit_baseline **out);
void cpufit_baselines_free(struct cpufit_baseline *b, size_t n);
/* The baseline's XML for virt_type (caller frees), NULL when none. */
char *cpufit_baseline_xml(const char *virt_type);

/* --- what the views, the CLI and placement ask (model lock held) --- */
/* Whether host h can run d's CPU: YES for a desktop that asks for no
 * CPU model. */
enum cpufit cpufit_desktop_on(const struct m_desktop *d,
    const struct m_host *h, char **reason);
/* The hypervisor-capable hosts (role) that can run d's CPU, joined by
 * ", " ("" when none; caller frees); *nunknown counts those that have
 * not answered or could not compare (NULL: not wanted). */
char *cpufit_runs_on(const struct m_desktop *d, size_t *nunknown);
/* 1 when d cannot leave the host it is on: another hypervisor-capable
 * host exists and every such host answered that it cannot run d's CPU. */
int cpufit_stuck(const struct m_desktop *d);
/* Why h may not take d for its CPU: NULL when it may (or nobody knows
 * yet), else "node2 cannot run the CPU of web1: REASON" (caller frees). */
char *cpufit_refusal(const struct m_host *h, const struct m_desktop *d);

/* Free everything (the model is being freed). */
void cpufit_free(void);

#endif
