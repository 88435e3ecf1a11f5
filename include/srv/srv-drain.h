/* srv-drain.h — a drain's desktops for an attached console: the server
 * sends each drain job's items (every desktop: waiting, moving with its
 * progress, moved, failed with the reason) as a line of kind "drain"
 * (srv-sub.c) whenever they change, and the console's mirror keeps them
 * (drain_mirror), so the jobs pane's details of the server's drain list
 * them as they list a drain of the console's own. */
#ifndef HVDECK_SRV_DRAIN_H
#define HVDECK_SRV_DRAIN_H

#include <stddef.h>

struct drain_item;
struct jread;

/* The line of drain job from its items[0..n) (ended by a newline;
 * caller frees). */
char *srv_drain_line_of(unsigned job, const struct drain_item *items,
    size_t n);
/* The line of a drain job of this process (caller frees), NULL when the
 * job is no drain it runs. */
char *srv_drain_line(unsigned job);
/* Keep the line's object o as the console's copy of its server's drain
 * (drain_mirror). */
void srv_drain_apply(const struct jread *o);

#endif
