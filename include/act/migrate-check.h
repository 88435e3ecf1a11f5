/* migrate-check.h — the pre-flight checks of a live migration, each the
 * answer for one checklist step of act-migrate.c. The storage and cache
 * checks read the model (they take its lock); the CPU and memory checks
 * ask the destination over the migration's own connection. Every check
 * returns 0 (pass), 1 (pass with a warning) or -1 (refuse), with *why
 * (caller frees) the reason for the operator either way. */
#ifndef HVDECK_MIGRATE_CHECK_H
#define HVDECK_MIGRATE_CHECK_H

#include <stdint.h>

#include <libvirt/libvirt.h>

#include "virt/virt-xml.h"

/* The destination can run the CPU that dom_xml (a live or persistent
 * domain XML) asks for: virConnectCompareHypervisorCPU on dconn. `what`
 * ("live", "persistent") goes into the reason. An incompatible CPU is
 * refused with libvirt's text (it names the missing feature or model); a
 * hypervisor that cannot compare gives a warning. */
int migrate_check_cpu(virConnectPtr dconn, const char *dom_xml,
    const char *what, char **why);

/* Disks of x (on host src_id) that host dst_id does not see: it sees a
 * disk when it has a pool sharing (model_pools_sharing) the source pool
 * that holds the disk's path. Fills copied[i] (x->ndisks entries) with 1
 * for each disk that must be copied. Without copy_storage such a disk is
 * refused, named; with it *flags gets VIR_MIGRATE_NON_SHARED_INC when
 * every copied disk's backing chain is shared, else _NON_SHARED_DISK. A
 * read-only disk the destination does not see is refused either way
 * (libvirt copies only writable disks). */
int migrate_check_storage(const struct xml_domain *x, unsigned src_id,
    unsigned dst_id, int copy_storage, int *copied, unsigned *flags,
    char **why);

/* Cache modes: a writable disk left on shared storage (not copied) with
 * a cache mode other than none or directsync can lose writes the source
 * host still caches when the destination takes over. Refused without
 * unsafe; with it, a warning and *flags gets VIR_MIGRATE_UNSAFE. */
int migrate_check_cache(const struct xml_domain *x, const int *copied,
    int unsafe, unsigned *flags, char **why);

/* free_kib on the destination must cover need_kib plus reserve_kib. */
int migrate_check_memory(const char *dest, const char *desktop,
    uint64_t free_kib, uint64_t need_kib, uint64_t reserve_kib, char **why);

#endif
