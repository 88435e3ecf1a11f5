/* act-domain.h — desktop actions (start, shutdown, reboot, pause, resume,
 * force off), shared by the console and the command line. An action is
 * checked against the model, marked pending on the desktop, and queued to
 * the worker of the host the desktop is on; its outcome reaches the
 * operator as a model event (libvirt's own message on failure), and the
 * new state arrives through libvirt's lifecycle event. Never blocks. */
#ifndef HVDECK_ACT_DOMAIN_H
#define HVDECK_ACT_DOMAIN_H

enum domain_action {
	DA_START, DA_SHUTDOWN, DA_REBOOT, DA_PAUSE, DA_RESUME, DA_FORCE_OFF,
	DA_COUNT
};

/* "start", "shutdown", ... */
const char *act_domain_name(enum domain_action a);
/* Connections are read-only: every action is refused. */
void act_set_read_only(int on);
int act_read_only(void);

/* Queue action a on the desktop with this UUID. Returns 0, or -1 with
 * *cause (caller frees) when the desktop is unknown, its host is not
 * connected, hvdeck is read-only, or the state does not allow it. */
int act_domain(const char *uuid, enum domain_action a, char **cause);

#endif
