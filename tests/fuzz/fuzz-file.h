/* fuzz-file.h — for harnesses of parsers that read files: one temp file
 * per process, rewritten with each input. Header-only (static functions)
 * so each harness stays one translation unit. */
#ifndef HVDECK_FUZZ_FILE_H
#define HVDECK_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

static char *fuzz_path;
static int fuzz_fd = -1;

static void fuzz_file_remove(void)
{
	if (fuzz_path != NULL)
		unlink(fuzz_path);
}

static const char *fuzz_temp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	if (dir != NULL && *dir != '\0' && access(dir, W_OK) == 0)
		return dir;
	if (access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/* Create the file, named with this suffix (".conf"); removed at exit. */
static void fuzz_file_init(const char *suffix)
{
	fuzz_path = xasprintf("%s/hvdeck-fuzz-XXXXXX%s", fuzz_temp_dir(), suffix);
	fuzz_fd = mkstemps(fuzz_path, (int)strlen(suffix));
	if (fuzz_fd < 0) {
		perror(fuzz_path);
		abort();
	}
	atexit(fuzz_file_remove);
}

/* Make the file hold exactly data; returns its path. */
static const char *fuzz_file_write(const uint8_t *data, size_t size)
{
	size_t off = 0;
	ssize_t n;

	if (ftruncate(fuzz_fd, 0) != 0)
		abort();
	while (off < size) {
		n = pwrite(fuzz_fd, data + off, size - off, (off_t)off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	return fuzz_path;
}

#endif
