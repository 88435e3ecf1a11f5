/* virt-mem.h — how much memory a host can give a guest now. libvirt's
 * virNodeGetFreeMemory is the kernel's MemFree: on a hypervisor whose page
 * cache has filled (disk images read and written all day) it is near zero
 * while gigabytes are reclaimable, and a migration or a placement judged
 * on it is refused for want of memory the host has. hvdeck counts what
 * the kernel would hand out: free + buffers + cached (virNodeGetMemoryStats
 * of all cells; shared memory in "cached" is counted too, the small error
 * libvirt's fields leave). */
#ifndef HVDECK_VIRT_MEM_H
#define HVDECK_VIRT_MEM_H

#include <libvirt/libvirt.h>
#include <stdint.h>

/* free + buffers + cached of n stats, in KiB; 0 when "free" is missing. */
uint64_t virt_mem_available_of(const virNodeMemoryStatsPtr p, int n);

/* The host's available memory in KiB into *kib: its memory stats, or
 * (a driver without them, e.g. test:///) virNodeGetFreeMemory. 0, or -1
 * when neither answers (libvirt's error left for the caller). One call
 * when the stats answer. */
int virt_mem_available(virConnectPtr c, uint64_t *kib);

#endif
