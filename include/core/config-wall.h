/* config-wall.h — the wall section of hvdeck.conf, for hvdeck wall:
 *
 *   wall = {
 *     hosts = [ "hv1", "hv3" ];  # which hosts, in this order (default all)
 *     pool_full = 90;            # percent: a fuller pool raises an alert
 *     stale_after = 10;          # seconds without a word from a host
 *   };
 *
 * config.c loads and saves it beside the other settings, with the same
 * "FILE:LINE: why" errors; the section is written back only when the file
 * had one, so files without it stay as they were. */
#ifndef HVDECK_CONFIG_WALL_H
#define HVDECK_CONFIG_WALL_H

#include <libconfig.h>

#include "core/config.h"

/* Every member at its default (no hosts: all of them). */
void config_wall_defaults(struct config_wall *w);
/* Fill cfg->wall from the group g of the file at path, after the hosts
 * are loaded (the names must be configured hosts). Returns 0, or -1 with
 * *cause "FILE:LINE: why" (caller frees); cfg->wall may then be partly
 * filled (the caller drops the scratch config). */
int config_wall_load(struct config *cfg, const config_setting_t *g,
    const char *path, char **cause);
/* Add the section to root when w->set. */
void config_wall_save(const struct config_wall *w, config_setting_t *root);
/* A host was removed: the wall forgets it too (the file would not load
 * again otherwise). */
void config_wall_forget_host(struct config_wall *w, const char *name);
/* The section's lines for config_print_settings. */
void config_wall_print(void);
void config_wall_free(struct config_wall *w);

#endif
