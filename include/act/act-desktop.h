/* act-desktop.h — the life of a desktop around templates: desktops made
 * from a template desktop (desktop new), a template made from a desktop
 * (template from), a desktop deleted (desktop delete); and the one lookup
 * of a desktop by name or UUID every command uses.
 *
 * A template desktop is a shut-off domain whose disk (its first disk of
 * device "disk") is a volume of the templates pool (config pool_templates).
 * Each action checks what the model can answer first and writes nothing
 * when a check fails; then ONE job on a thread of its own, with its own
 * connections (job_start_thread), does the libvirt work; afterwards every
 * host that shares a pool it changed rescans it. The domain XML is read
 * with VIR_DOMAIN_XML_INACTIVE (never SECURE) and never logged. */
#ifndef HVDECK_ACT_DESKTOP_H
#define HVDECK_ACT_DESKTOP_H

#include <stddef.h>

#include "core/config.h"

struct m_desktop;

/* The UUID of the one desktop name_or_uuid names (model_desktops_find),
 * and its host's name in *host when host is not NULL. NULL with *cause
 * (caller frees) when none does, or several do (their hosts named).
 * Takes the model lock. Caller frees the UUID and *host. */
char *act_desktop_resolve(const char *name_or_uuid, char **host,
    char **cause);
/* The same under the model lock (held): the desktop itself, valid while
 * the lock is held, or NULL with *cause (caller frees). */
struct m_desktop *act_desktop_find(const char *name_or_uuid, char **cause);

/* Lock held. NULL when d is a template desktop under cfg, else why not,
 * for humans (caller frees). */
char *act_desktop_not_template(const struct config *cfg,
    const struct m_desktop *d);

/* The template desktops whose disk is the volume at path (any host):
 * their names, sorted (caller frees with act_desktop_names_free), and the
 * count. Takes the model lock. */
size_t act_desktop_templates_using(const struct config *cfg,
    const char *path, char ***names);
void act_desktop_names_free(char **names, size_t n);

/* desktop new: for each name, an overlay NAME.qcow2 in the groups pool
 * backed by the template's volume and a domain NAME defined from the
 * template's XML (new UUID and MACs, the disk on the overlay), started
 * when start is set. A failure stops the batch: what that desktop made is
 * removed, the ones made before stay; the job's error says what was made
 * and what was not. */
struct desktop_new_req {
	const char *tmpl;           /* template desktop: name or UUID */
	char *const *names;         /* expanded names (names.h), n of them */
	size_t n;
	const char *on;             /* host name; NULL = best by free memory */
	int start;
};
/* Checks (template, names: rules, unique across the cluster, no such
 * volume in the groups pool; the host: place_refusal(PLACE_DESKTOP)), then
 * the job. Returns 0 with *job and *host (caller frees: where they go), or
 * -1 with *cause (caller frees). */
int act_desktop_new(const struct config *cfg, const struct desktop_new_req *r,
    unsigned *job, char **host, char **cause);

/* template from: the desktop's disk copied into the templates pool as
 * NAME.qcow2 (virStorageVolCreateXMLFrom: flatten gives a standalone
 * qcow2; else the copy keeps the disk's backing file), and a shut-off
 * template desktop NAME defined on it on the desktop's host. A running
 * desktop is refused. Returns 0 with *job, or -1 with *cause. */
int act_template_from(const struct config *cfg, const char *desktop,
    const char *name, int flatten, unsigned *job, char **cause);

/* desktop delete: undefine the desktop (a live one is refused) and, with
 * with_disk, delete its overlay — never a volume of the bases or
 * templates pool, never one another volume backs or another desktop
 * uses (vol-deps.h), never while a host sharing its pool is offline.
 * act_desktop_delete_check answers without acting, for a confirmation:
 * 0 with *name and *disk (the volume's path, NULL without with_disk;
 * caller frees both), or -1 with *cause. */
int act_desktop_delete_check(const struct config *cfg, const char *desktop,
    int with_disk, char **name, char **disk, char **cause);
int act_desktop_delete(const struct config *cfg, const char *desktop,
    int with_disk, unsigned *job, char **cause);

/* desktop set-cpu: the definition's <cpu> replaced — by a custom CPU of
 * model cpu (mode custom, fallback forbid), or with cpu "baseline" by the
 * cluster's baseline CPU for the desktop's virt type (cpufit.h) — on every
 * host it is defined on (virDomainDefineXML of its edited inactive XML).
 * Refused while it runs anywhere, when a host it is defined on is not
 * connected, and by a host that cannot run the new CPU (libvirt's
 * reason). Returns 0 with *job, or -1 with *cause (caller frees). */
int act_desktop_set_cpu(const char *desktop, const char *cpu, unsigned *job,
    char **cause);

#endif
