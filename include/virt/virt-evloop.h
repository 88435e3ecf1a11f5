/* virt-evloop.h — the one libvirt event-loop thread of the process. */
#ifndef HVDECK_VIRT_EVLOOP_H
#define HVDECK_VIRT_EVLOOP_H

/* Register libvirt's default event implementation, silence libvirt's own
 * stderr printing, and start the thread. Must run before the first
 * connection is opened. Returns 0 or -1 with *cause (caller frees). */
int evloop_start(char **cause);
/* Let the loop run its pending work (what closed connections left) for a
 * moment, then stop and join the thread. Call after every connection is
 * closed. Safe when not started. */
void evloop_stop(void);

/* libvirt's last error on this thread as a fresh string (never NULL). */
char *evloop_last_error(const char *fallback);
/* "what: libvirt's text" of the call that just failed on this thread
 * ("failed" when libvirt said nothing). Caller frees. */
char *evloop_error_for(const char *what);

#endif
