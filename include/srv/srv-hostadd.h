/* srv-hostadd.h — an add of a host for an attached console: the server
 * sends each add job's state, its question count and its checklist as a
 * line of kind "hostadd" (srv-sub.h) whenever they change, and the
 * console's mirror keeps a copy (hostadd_mirror, act-host.h), so its
 * add-host form shows the server's steps and questions as it shows an
 * add of its own. The questions' answers go back through the relay
 * (cmd-relay.h), never in these lines: a password travels only as the
 * answer to its question. */
#ifndef HVDECK_SRV_HOSTADD_H
#define HVDECK_SRV_HOSTADD_H

struct hostadd;
struct jread;

/* The line of add job, ha (ended by a newline; caller frees). */
char *srv_hostadd_line_of(unsigned job, struct hostadd *ha);
/* The line of this process's add job, NULL when job is no add it
 * knows. */
char *srv_hostadd_line(unsigned job);
/* Keep the line's object o as the console's copy (hostadd_mirror). */
void srv_hostadd_apply(const struct jread *o);

#endif
