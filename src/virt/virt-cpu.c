/* virt-cpu.c — the CPU questions a host worker asks its host (see
 * virt-cpu.h); the bookkeeping of answers is cpufit.c's. */
#include "virt/virt-cpu.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-xml.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"

#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The virt types a desktop may ask for: KVM on real hosts, TCG (qemu)
 * where there is no KVM — the lab's nodes. */
static const char *const virt_types[] = { "kvm", "qemu" };

enum cpufit vcpu_verdict(int rc, int err_code)
{
	if (rc == VIR_CPU_COMPARE_IDENTICAL || rc == VIR_CPU_COMPARE_SUPERSET)
		return CPUFIT_YES;
	if (rc == VIR_CPU_COMPARE_INCOMPATIBLE ||
	    err_code == VIR_ERR_CPU_INCOMPATIBLE)
		return CPUFIT_NO;
	return CPUFIT_UNSURE;
}

void vcpu_compare(virConnectPtr conn, unsigned host_id, const char *key)
{
	struct facts_cpu d;
	virErrorPtr err;
	char *why = NULL;
	enum cpufit v;
	int rc;

	if (conn == NULL || facts_cpu_parse(key, &d) < 0) {
		cpufit_answer(key, host_id, CPUFIT_UNKNOWN, NULL);
		return;
	}
	/* FAIL_INCOMPATIBLE: libvirt then names what is missing */
	rc = virConnectCompareHypervisorCPU(conn, d.emulator, d.arch,
	    d.machine, d.virt_type, d.cpu_xml,
	    VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
	err = rc < 0 ? virGetLastError() : NULL;
	v = vcpu_verdict(rc, err != NULL ? err->code : 0);
	if (rc < 0)
		why = evloop_last_error(v == CPUFIT_NO ? "incompatible" :
		    "the hypervisor could not compare");
	cpufit_answer(key, host_id, v, why);
	free(why);
	facts_cpu_free(&d);
}

static void compare_call(virConnectPtr conn, unsigned host_id, void *ctx)
{
	vcpu_compare(conn, host_id, ctx);
	free(ctx);
}

void vcpu_want(const char *key)
{
	unsigned *ids;
	size_t n = cpufit_want(key, &ids), i;
	char *copy;

	for (i = 0; i < n; i++) {
		copy = xstrdup(key);
		if (host_call(ids[i], compare_call, copy) < 0) {
			cpufit_answer(key, ids[i], CPUFIT_UNKNOWN, NULL);
			free(copy);
		}
	}
	free(ids);
}

/* The host's host-model CPU for each virt type into cpufit. */
static void read_host_models(virConnectPtr conn, unsigned host_id,
    const char *arch)
{
	char *caps, *cpu, *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof virt_types / sizeof virt_types[0]; i++) {
		cpu = NULL;
		caps = virConnectGetDomainCapabilities(conn, NULL, arch, NULL,
		    virt_types[i], 0);
		if (caps == NULL)	/* no KVM there: not an error */
			log_msg(LOG_DEBUG, "host %u: no %s domain capabilities",
			    host_id, virt_types[i]);
		else if (virtxml_domcaps_host_model(caps, &cpu, &cause) < 0) {
			log_msg(LOG_INFO, "host %u: %s domain capabilities: %s",
			    host_id, virt_types[i], cause);
			free(cause);
			cause = NULL;
		}
		cpufit_host_model(host_id, virt_types[i], arch, cpu);
		free(caps);
		free(cpu);
	}
}

/* "hv1, hv2": the names of hosts ids (caller frees). */
static char *names_of(const unsigned *ids, size_t n)
{
	struct m_host *h;
	char *out = xstrdup(""), *next;
	size_t i;

	model_lock();
	for (i = 0; i < n; i++) {
		if ((h = model_host(ids[i])) == NULL)
			continue;
		next = xasprintf("%s%s%s", out, *out ? ", " : "", h->name);
		free(out);
		out = next;
	}
	model_unlock();
	return out;
}

/* The baseline of the models of hosts ids for virt_type, asked of conn. */
static void baseline(virConnectPtr conn, const char *virt_type,
    const char *arch, const unsigned *ids, size_t n)
{
	struct cpufit_baseline b = { .virt_type = (char *)virt_type,
	    .arch = (char *)arch };
	unsigned *had;
	char **xmls, *cause = NULL;
	size_t k = cpufit_models_of(ids, n, virt_type, arch, &xmls, &had,
	    &b.gen), i;

	/* MIGRATABLE: without the features that block a migration
	 * (invtsc), the whole point of a cluster's baseline */
	if (k > 0)
		b.xml = virConnectBaselineHypervisorCPU(conn, NULL, arch, NULL,
		    virt_type, (const char **)xmls, (unsigned)k,
		    VIR_CONNECT_BASELINE_CPU_MIGRATABLE);
	if (k > 0 && b.xml == NULL) {
		cause = evloop_last_error("no baseline");
		log_msg(LOG_INFO, "%s baseline CPU: %s", virt_type, cause);
		free(cause);
		cause = NULL;
	}
	/* a failed baseline keeps the one computed before */
	if (b.xml != NULL &&
	    virtxml_cpu_summary(b.xml, &b.model, &b.nfeatures, &cause) < 0)
		free(cause);
	b.hosts = names_of(had, k);
	if (b.xml != NULL)
		cpufit_set_baseline(&b);
	free(b.xml);
	free(b.model);
	free(b.hosts);
	for (i = 0; i < k; i++)
		free(xmls[i]);
	free(xmls);
	free(had);
}

void vcpu_host_connected(virConnectPtr conn, unsigned host_id)
{
	unsigned *ids;
	char **keys, *arch, **types = NULL, **arches = NULL;
	size_t n, i, nk, nt = 0;

	n = cpufit_baseline_hosts(&ids);
	model_lock();
	arch = model_host(host_id) != NULL ?
	    xstrdup(model_host(host_id)->caps.arch) : NULL;
	model_unlock();
	read_host_models(conn, host_id, arch);
	nk = cpufit_host_connected(host_id, &keys);
	for (i = 0; i < nk; i++) {
		vcpu_compare(conn, host_id, keys[i]);
		free(keys[i]);
	}
	free(keys);
	for (i = 0; i < n && ids[i] != host_id; i++)
		;
	/* a disk-only host's CPU is no limit: it asks no baseline; nor of
	 * a virt type it does not offer */
	if (i < n)
		nt = cpufit_host_virt_types(host_id, &types, &arches);
	for (i = 0; i < nt; i++) {
		baseline(conn, types[i], arches[i], ids, n);
		free(types[i]);
		free(arches[i]);
	}
	free(types);
	free(arches);
	free(ids);
	free(arch);
}
