/* scratch.h — for unit tests that work in a scratch directory: removing
 * it and everything under it. Header-only (static), like model-fill.h. */
#ifndef HVDECK_TEST_SCRATCH_H
#define HVDECK_TEST_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int scratch_rm_entry(const char *p, const struct stat *st, int f,
    struct FTW *ftw)
{
	(void)st;
	(void)f;
	(void)ftw;
	return remove(p);
}

/* rm -rf dir: 0, or -1 when something could not be removed. */
static int scratch_rm_tree(const char *dir)
{
	return nftw(dir, scratch_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
