/* act-domain.h — desktop actions (start, shutdown, reboot, pause, resume,
 * force off), shared by the console and the command line. An action is
 * checked against the model, becomes a job (job.h), is marked pending on
 * the desktop, and is queued to the worker of the host the desktop is on;
 * the job ends done when libvirt accepted the request (a shutdown or
 * reboot: when the guest answers it, failed after the shutdown timeout
 * when it does not), failed with
 * libvirt's own message otherwise (also a model event), and the new state
 * arrives through libvirt's lifecycle event. Never blocks. */
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

/* Would act_domain refuse action a on this desktop now (read-only, not
 * in the model, host not connected, state)? 0 if not, else -1 with
 * *cause (caller frees), the same text act_domain would give. The console
 * asks it before a confirmation, so it never asks and then refuses. Takes
 * the model lock. */
int act_domain_check(const char *uuid, enum domain_action a, char **cause);

/* Queue action a on the desktop with this UUID as a job. Returns 0 with
 * *job_id (job_wait() it for the outcome) — the id of the job already
 * queued or running when the same action on the same desktop is asked
 * again — or -1 with *cause (caller frees) and *job_id 0 when the desktop
 * is unknown, its host is not connected, hvdeck is read-only, or the state
 * does not allow it (no job is made then), or the host has no worker (the
 * job is made and failed). */
int act_domain(const char *uuid, enum domain_action a, unsigned *job_id,
    char **cause);

#endif
