/* format.h — human formatting of sizes, rates, durations and percentages,
 * into caller buffers. Pure functions: unit-tested. */
#ifndef HVDECK_FORMAT_H
#define HVDECK_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 1023 -> "1023B", 1536 -> "1.5K", 10 GiB -> "10G"; at most 6 chars.
 * Binary units (K = 1024); one decimal below 10, rounded half up, and a
 * value that rounds to 1024 moves up a unit (1023.96K -> "1.0M"). */
char *format_size(char *buf, size_t len, uint64_t bytes);
/* Bytes per second like format_size plus "/s"; negative -> "-". */
char *format_rate(char *buf, size_t len, double bytes_per_s);
/* Seconds -> "59s", "59m59s", "23h59m", "6d23h", "999d", then years
 * ("2y"); truncated, not rounded; negative -> "-". */
char *format_duration(char *buf, size_t len, int64_t seconds);
/* 12.345 -> "12.3", 123.4 -> "123", negative -> "-". */
char *format_percent(char *buf, size_t len, double pct);
/* libvirt version number 9000000 -> "9.0.0"; 0 -> "-". */
char *format_version(char *buf, size_t len, unsigned long v);
/* A bar of width cells for used/total: the number of filled cells,
 * rounded so any non-zero use shows at least one cell and only a full
 * total fills all. */
int format_bar_fill(uint64_t used, uint64_t total, int width);

/* A sparkline of the last `width` (at most) of n values, one cell each,
 * scaled to their maximum: UTF-8 blocks (U+2581..U+2588) or, with ascii,
 * "_.-=+*#@"; a zero is the lowest cell, any non-zero value at least the
 * second, so a tail that reached nothing stands out. Into buf (cut to
 * fit whole cells); returns buf. */
char *format_sparkline(char *buf, size_t len, const uint64_t *v, size_t n,
    int width, int ascii);

#endif
