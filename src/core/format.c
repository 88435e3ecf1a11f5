/* format.c — short human numbers for table cells. Rounding is half up and
 * done before the unit is chosen, so a value that rounds to 1024 of one
 * unit prints as 1.0 of the next, never as "1024K". */
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char size_units[] = "KMGTPE";

char *format_size(char *buf, size_t len, uint64_t bytes)
{
	uint64_t d, whole, rest, tenths, n = 0;
	int k;

	if (bytes < 1024) {
		snprintf(buf, len, "%uB", (unsigned)bytes);
		return buf;
	}
	for (k = 0; size_units[k] != '\0'; k++) {
		d = (uint64_t)1 << (10 * (k + 1));
		whole = bytes / d;
		rest = bytes % d;    /* < 2^60, so rest * 10 fits */
		if (whole < 10) {
			tenths = whole * 10 + (rest * 10 + d / 2) / d;
			if (tenths < 100) {
				snprintf(buf, len, "%u.%u%c",
				    (unsigned)(tenths / 10),
				    (unsigned)(tenths % 10), size_units[k]);
				return buf;
			}
		}
		n = whole + (rest + d / 2) / d;
		if (n < 1024 || size_units[k + 1] == '\0')
			break;
	}
	snprintf(buf, len, "%u%c", (unsigned)n, size_units[k]);
	return buf;
}

char *format_rate(char *buf, size_t len, double bytes_per_s)
{
	char size[16];
	uint64_t b;

	if (!(bytes_per_s >= 0)) {      /* negative or NaN */
		snprintf(buf, len, "-");
		return buf;
	}
	/* 2^64 is exact in a double; anything from there on saturates */
	if (bytes_per_s >= 18446744073709551616.0)
		b = UINT64_MAX;
	else
		b = (uint64_t)(bytes_per_s + 0.5);
	snprintf(buf, len, "%s/s", format_size(size, sizeof size, b));
	return buf;
}

/* Truncates: an uptime of 59m59s has not been up an hour. */
char *format_duration(char *buf, size_t len, int64_t seconds)
{
	long long s = seconds;

	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else if (s < 7 * 86400)
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s / 3600 % 24);
	else if (s < 1000LL * 86400)
		snprintf(buf, len, "%lldd", s / 86400);
	else
		snprintf(buf, len, "%lldy", s / (365LL * 86400));
	return buf;
}

char *format_percent(char *buf, size_t len, double pct)
{
	double tenths;

	if (!(pct >= 0) || isinf(pct)) {
		snprintf(buf, len, "-");
		return buf;
	}
	tenths = floor(pct * 10 + 0.5);
	if (tenths < 1000)
		snprintf(buf, len, "%.1f", tenths / 10);
	else
		snprintf(buf, len, "%.0f", floor(pct + 0.5));
	return buf;
}

char *format_version(char *buf, size_t len, unsigned long v)
{
	if (v == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lu.%lu.%lu", v / 1000000, v / 1000 % 1000,
		    v % 1000);
	return buf;
}

int format_bar_fill(uint64_t used, uint64_t total, int width)
{
	uint64_t n;

	if (width <= 0 || total == 0 || used == 0)
		return 0;
	if (used >= total)
		return width;
	if (used <= UINT64_MAX / (uint64_t)width &&
	    used * (uint64_t)width <= UINT64_MAX - total / 2)
		n = (used * (uint64_t)width + total / 2) / total;
	else
		n = (uint64_t)((double)used / (double)total * width + 0.5);
	if (n > (uint64_t)width - 1)
		n = (uint64_t)width - 1;
	if (n < 1)
		n = 1;
	return (int)n;
}

char *format_sparkline(char *buf, size_t len, const uint64_t *v, size_t n,
    int width, int ascii)
{
	static const char *const blocks[8] = { "\u2581", "\u2582", "\u2583",
		"\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii_levels[8] = "_.-=+*#@";
	size_t first = width > 0 && n > (size_t)width ? n - (size_t)width : 0;
	size_t i, out = 0, cell;
	uint64_t max = 0;
	int level;

	if (len == 0)
		return buf;
	for (i = first; i < n; i++)
		if (v[i] > max)
			max = v[i];
	buf[0] = '\0';
	for (i = first; i < n && width > 0; i++) {
		/* 1..7 for any non-zero value: 0 is reserved for "nothing" */
		level = v[i] == 0 || max == 0 ? 0 :
		    1 + (int)((double)v[i] / (double)max * 6.999);
		cell = ascii ? 1 : strlen(blocks[level]);
		if (out + cell >= len)
			break;
		if (ascii)
			buf[out] = ascii_levels[level];
		else
			memcpy(buf + out, blocks[level], cell);
		out += cell;
		buf[out] = '\0';
	}
	return buf;
}
