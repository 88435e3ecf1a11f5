/* act-role.h — a host's role and maintenance, the operator's settings for
 * placement: written to the configuration file (config_edit: loaded
 * afresh, saved atomically, untouched on any failure) and then to the
 * model, so the pane and every later placement see them. A host given
 * only by -H for one run is not in the file and cannot be changed. */
#ifndef HVDECK_ACT_ROLE_H
#define HVDECK_ACT_ROLE_H

#include "core/config.h"

/* What changes: the role, or maintenance on/off. */
struct role_change {
	const char *host;       /* its name */
	int set_role;           /* 1: role; 0: maintenance */
	enum host_role role;
	int maintenance;
};

/* Apply ch to the file of running (the config hvdeck runs with: its path,
 * and which hosts are transient) and to the model. *changed is 0 when the
 * host already had that value (the file is not rewritten). Returns 0, or
 * -1 with *cause (caller frees): no such host, a -H host, the file
 * cannot be loaded or saved. */
int act_role_apply(const struct config *running, const struct role_change *ch,
    int *changed, char **cause);

#endif
