/* stats.h — arithmetic over libvirt counters: CPU % from cpu.time deltas and
 * byte rates from counter deltas. Pure functions, no libvirt. */
#ifndef HVDECK_STATS_H
#define HVDECK_STATS_H

#include <stdint.h>

/* CPU usage in percent of ONE physical CPU (like top: a guest using 2 full
 * vCPUs shows 200%) between two samples. cpu_ns are cumulative cpu.time in
 * nanoseconds, at_ms the monotonic sample times. Returns -1 when no valid
 * delta exists (first sample, clock not advanced, counter went backwards,
 * e.g. after a restart or migration). */
double stats_cpu_percent(uint64_t prev_cpu_ns, int64_t prev_at_ms,
    uint64_t cpu_ns, int64_t at_ms);

/* Bytes per second between two cumulative counters; -1 when invalid. */
double stats_rate(uint64_t prev, int64_t prev_at_ms, uint64_t now, int64_t at_ms);

#endif
