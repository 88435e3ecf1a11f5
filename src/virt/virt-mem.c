/* virt-mem.c — a host's available memory. See virt-mem.h. */
#include "virt/virt-mem.h"

#include <libvirt/virterror.h>

#include <string.h>

/* Linux gives four fields (total, free, buffers, cached); room for more. */
#define LINUX_FIELDS 4
#define MEM_FIELDS 8

uint64_t virt_mem_available_of(const virNodeMemoryStatsPtr p, int n)
{
	uint64_t sum = 0;
	int i, have_free = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(p[i].field, VIR_NODE_MEMORY_STATS_FREE) == 0)
			have_free = 1;
		else if (strcmp(p[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) != 0 &&
		    strcmp(p[i].field, VIR_NODE_MEMORY_STATS_CACHED) != 0)
			continue;
		sum += p[i].value;
	}
	return have_free ? sum : 0;
}

/* libvirt wants exactly the count the host has: Linux's four first (one
 * call), else asked for — only when the count was what it refused: a
 * driver without memory stats (the test driver) costs one call, not two,
 * on every stats poll. */
static int memory_stats(virConnectPtr c, virNodeMemoryStats *p, int *n)
{
	virErrorPtr err;

	*n = LINUX_FIELDS;
	if (virNodeGetMemoryStats(c, VIR_NODE_MEMORY_STATS_ALL_CELLS, p, n,
	    0) == 0)
		return 0;
	err = virGetLastError();
	if (err == NULL || err->code != VIR_ERR_INVALID_ARG)
		return -1;
	*n = 0;
	if (virNodeGetMemoryStats(c, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, n,
	    0) < 0 || *n <= 0 || *n > MEM_FIELDS || *n == LINUX_FIELDS)
		return -1;
	return virNodeGetMemoryStats(c, VIR_NODE_MEMORY_STATS_ALL_CELLS, p, n,
	    0);
}

int virt_mem_available(virConnectPtr c, uint64_t *kib)
{
	virNodeMemoryStats p[MEM_FIELDS];
	int n;
	unsigned long long free_b;

	memset(p, 0, sizeof p);
	if (memory_stats(c, p, &n) == 0 &&
	    (*kib = virt_mem_available_of(p, n)) > 0)
		return 0;
	free_b = virNodeGetFreeMemory(c);
	if (free_b == 0)
		return -1;
	*kib = free_b / 1024;
	return 0;
}
