/* intern.c — a set of strings, open addressing on FNV-1a (see intern.h).
 * Strings are only added: what was interned stays until intern_clear,
 * which is bounded by the distinct values a fleet has (formats, buses,
 * targets, networks, base images), not by its rows. */
#include "core/intern.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char **slots;
static size_t nslots, nused;	/* nslots: 0 or a power of two */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of s, or the empty slot where it goes. */
static size_t find(char **tab, size_t n, const char *s)
{
	size_t i = (size_t)hash(s) & (n - 1);

	while (tab[i] != NULL && strcmp(tab[i], s) != 0)
		i = (i + 1) & (n - 1);
	return i;
}

/* Kept at most half full so probes stay short. */
static void grow(void)
{
	size_t n = nslots != 0 ? nslots * 2 : 64, i;
	char **tab = xcalloc(n, sizeof *tab);

	for (i = 0; i < nslots; i++)
		if (slots[i] != NULL)
			tab[find(tab, n, slots[i])] = slots[i];
	free(slots);
	slots = tab;
	nslots = n;
}

const char *intern_str(const char *s)
{
	size_t i;

	if (s == NULL)
		return NULL;
	if ((nused + 1) * 2 > nslots)
		grow();
	i = find(slots, nslots, s);
	if (slots[i] == NULL) {
		slots[i] = xstrdup(s);
		nused++;
	}
	return slots[i];
}

void intern_clear(void)
{
	size_t i;

	for (i = 0; i < nslots; i++)
		free(slots[i]);
	free(slots);
	slots = NULL;
	nslots = nused = 0;
}
