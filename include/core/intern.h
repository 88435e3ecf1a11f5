/* intern.h — one shared copy of strings that repeat across thousands of
 * model rows ("qcow2", "virtio", "vda", a base image's path): a row keeps
 * the pointer, not a copy. Not thread-safe: the model calls it under its
 * lock. */
#ifndef HVDECK_INTERN_H
#define HVDECK_INTERN_H

/* The shared copy of s (NULL for NULL), valid until intern_clear(); never
 * free it. Callers hold the model lock (the views' builds do). */
const char *intern_str(const char *s);
/* Free every shared copy (the model is being freed: no row is left). */
void intern_clear(void);

#endif
