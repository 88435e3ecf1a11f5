/* atomic-file.h — files hvdeck rewrites (its configuration, its SSH key,
 * its known_hosts) are changed under one lock and replaced in one step.
 *
 * The lock of FILE is an exclusive flock(2) on the sibling FILE.lock
 * (created 0600 and never removed: removing it would let a second writer
 * lock a new inode while the first still holds the old one), taken after a
 * process-wide mutex for FILE. A writer holds it across read, change and
 * rename, so two hvdecks or two threads never lose each other's edit.
 * A replacement is written to a unique temporary beside FILE (mkstemp),
 * fsynced, renamed (or linked, to create without replacing) over FILE and
 * the directory fsynced: FILE is always either the old or the new text. */
#ifndef HVDECK_CORE_ATOMIC_FILE_H
#define HVDECK_CORE_ATOMIC_FILE_H

#include <stddef.h>

struct atomic_file_lock;

/* Blocks until this thread holds path's lock. The directory of path must
 * exist. Returns 0 and *out (release with atomic_file_unlock), or -1 with
 * *cause (caller frees) when FILE.lock cannot be opened or locked. */
int atomic_file_lock(const char *path, struct atomic_file_lock **out,
    char **cause);
/* Releases and frees lk; NULL is a no-op. */
void atomic_file_unlock(struct atomic_file_lock *lk);

enum atomic_file_how {
	ATOMIC_FILE_REPLACE,    /* rename over an existing path */
	ATOMIC_FILE_CREATE,     /* link: fails (EEXIST) when path exists */
};

/* Writes len bytes of data as path with the given mode (not the umask's),
 * through a unique temporary in path's directory, fsync of the file,
 * rename or link, fsync of the directory. Never follows a symlink at
 * path's temporary; on failure path is as it was and no temporary is
 * left. Callers that read path first hold its lock. Returns 0 or -1 with
 * *cause (caller frees) naming the file and errno's text. */
int atomic_file_write(const char *path, const char *data, size_t len,
    int mode, enum atomic_file_how how, char **cause);

/* Replaces to (as atomic_file_write) with a copy of from's bytes and
 * mode: a backup that never moves from away, on any file system. Returns
 * 0, 1 when from does not exist (nothing to keep), or -1 with *cause. */
int atomic_file_copy(const char *from, const char *to, char **cause);

/* fsync of a directory, so a rename in it survives a crash. 0 or -1 with
 * *cause. */
int atomic_file_sync_dir(const char *dir, char **cause);

#endif
