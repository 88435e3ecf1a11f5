/* virt-cpu.h — the host workers' CPU questions (cpufit.h holds the
 * answers): a host's host-model CPUs from its domain capabilities, the
 * cluster's baseline (virConnectBaselineHypervisorCPU) and whether a host
 * can run a desktop's CPU (virConnectCompareHypervisorCPU). Every call
 * blocks on the host: they run on its worker only. */
#ifndef HVDECK_VIRT_CPU_H
#define HVDECK_VIRT_CPU_H

#include <libvirt/libvirt.h>

#include "core/cpufit.h"

/* Host worker, after the inventory of a host that just connected and
 * before it is declared online (so a command that waits for the hosts
 * finds the answers): its host-model CPUs for the virt types kvm and qemu,
 * its answer for every CPU definition known, then the cluster's baseline
 * per virt type over the hypervisor-capable hosts' host-model CPUs. */
void vcpu_host_connected(virConnectPtr conn, unsigned host_id);
/* A desktop asking for the CPU key was read (any thread): the hosts not
 * asked about it yet are asked, each on its own worker. NULL: nothing. */
void vcpu_want(const char *key);
/* What virConnectCompareHypervisorCPU's result rc (and, when it failed,
 * the error's code) means for a desktop. */
enum cpufit vcpu_verdict(int rc, int err_code);
/* Host worker: ask conn whether it runs key's CPU; the answer goes to
 * cpufit (host_id). */
void vcpu_compare(virConnectPtr conn, unsigned host_id, const char *key);

#endif
