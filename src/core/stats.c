/* stats.c — rates from cumulative counters. */
#include "core/stats.h"

double stats_cpu_percent(uint64_t prev_cpu_ns, int64_t prev_at_ms,
    uint64_t cpu_ns, int64_t at_ms)
{
	double wall_ns;

	if (prev_at_ms <= 0 || at_ms <= prev_at_ms || cpu_ns < prev_cpu_ns)
		return -1;
	wall_ns = (double)(at_ms - prev_at_ms) * 1e6;
	return (double)(cpu_ns - prev_cpu_ns) * 100.0 / wall_ns;
}

double stats_rate(uint64_t prev, int64_t prev_at_ms, uint64_t now, int64_t at_ms)
{
	if (prev_at_ms <= 0 || at_ms <= prev_at_ms || now < prev)
		return -1;
	return (double)(now - prev) * 1000.0 / (double)(at_ms - prev_at_ms);
}
