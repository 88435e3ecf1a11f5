/* config-wall.c — the wall section of hvdeck.conf (config-wall.h): its
 * members checked one by one, as config.c checks the hosts. */
#include "core/config-wall.h"
#include "core/lcfg.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STALE_MAX 3600

void config_wall_defaults(struct config_wall *w)
{
	memset(w, 0, sizeof *w);
	w->pool_full = CONFIG_WALL_POOL_FULL_DEFAULT;
	w->stale_after = CONFIG_WALL_STALE_DEFAULT;
}

void config_wall_free(struct config_wall *w)
{
	size_t i;

	for (i = 0; i < w->nhosts; i++)
		free(w->hosts[i]);
	free(w->hosts);
	config_wall_defaults(w);
}

static int load_int(const config_setting_t *m, const char *path, int min,
    int max, int *out, char **cause)
{
	int type = config_setting_type(m);
	long long v;

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return lcfg_fail_at(cause, path, m, "wall %s must be a number "
		    "(%d..%d), not %s", config_setting_name(m), min, max,
		    lcfg_type_name(type));
	v = config_setting_get_int64(m);
	if (v < min || v > max)
		return lcfg_fail_at(cause, path, m, "wall %s = %lld is out of "
		    "range (%d..%d)", config_setting_name(m), v, min, max);
	*out = (int)v;
	return 0;
}

/* One name of the hosts list: a string naming a configured host, once. */
static int load_host(struct config *cfg, const config_setting_t *e,
    const char *path, char **cause)
{
	struct config_wall *w = &cfg->wall;
	const char *name;
	char *vis;
	size_t i;
	int rc;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return lcfg_fail_at(cause, path, e, "wall hosts must be names "
		    "(strings), not %s", lcfg_type_name(config_setting_type(e)));
	name = config_setting_get_string(e);
	for (i = 0; i < w->nhosts; i++)
		if (strcmp(w->hosts[i], name) == 0)
			break;
	if (i < w->nhosts || config_find_host(cfg, name) == NULL) {
		vis = text_visible(name);
		rc = lcfg_fail_at(cause, path, e, i < w->nhosts ?
		    "wall hosts name '%s' twice" : "wall hosts: no host is "
		    "called '%s' (the hosts list names them)", vis);
		free(vis);
		return rc;
	}
	w->hosts = xreallocarray(w->hosts, w->nhosts + 1, sizeof *w->hosts);
	w->hosts[w->nhosts++] = xstrdup(name);
	return 0;
}

static int load_hosts(struct config *cfg, const config_setting_t *m,
    const char *path, char **cause)
{
	const config_setting_t *e;
	unsigned i;

	if (!config_setting_is_array(m) && !config_setting_is_list(m))
		return lcfg_fail_at(cause, path, m, "wall hosts must be a list "
		    "of names: hosts = [ \"hv1\", \"hv2\" ];, not %s",
		    lcfg_type_name(config_setting_type(m)));
	for (i = 0; (e = config_setting_get_elem(m, i)) != NULL; i++)
		if (load_host(cfg, e, path, cause) < 0)
			return -1;
	return 0;
}

int config_wall_load(struct config *cfg, const config_setting_t *g,
    const char *path, char **cause)
{
	struct config_wall *w = &cfg->wall;
	const config_setting_t *m;
	const char *key;
	unsigned i;
	int rc;

	if (!config_setting_is_group(g))
		return lcfg_fail_at(cause, path, g, "wall must be a group "
		    "{ hosts = [ ... ]; pool_full = 90; stale_after = 10; }, "
		    "not %s", lcfg_type_name(config_setting_type(g)));
	w->set = 1;
	for (i = 0; (m = config_setting_get_elem(g, i)) != NULL; i++) {
		key = config_setting_name(m);
		if (strcmp(key, "hosts") == 0)
			rc = load_hosts(cfg, m, path, cause);
		else if (strcmp(key, "pool_full") == 0)
			rc = load_int(m, path, CONFIG_WALL_POOL_FULL_MIN, 100,
			    &w->pool_full, cause);
		else if (strcmp(key, "stale_after") == 0)
			rc = load_int(m, path, 1, STALE_MAX, &w->stale_after,
			    cause);
		else
			rc = lcfg_fail_at(cause, path, m, "unknown key '%s' in "
			    "wall (known: hosts, pool_full, stale_after)", key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void config_wall_save(const struct config_wall *w, config_setting_t *root)
{
	config_setting_t *g, *list;
	size_t i;

	if (!w->set)
		return;
	g = config_setting_add(root, "wall", CONFIG_TYPE_GROUP);
	if (g == NULL)
		fatal("libconfig refused setting 'wall'");
	list = config_setting_add(g, "hosts", CONFIG_TYPE_ARRAY);
	for (i = 0; list != NULL && i < w->nhosts; i++)
		config_setting_set_string_elem(list, -1, w->hosts[i]);
	config_setting_set_int(config_setting_add(g, "pool_full",
	    CONFIG_TYPE_INT), w->pool_full);
	config_setting_set_int(config_setting_add(g, "stale_after",
	    CONFIG_TYPE_INT), w->stale_after);
}

void config_wall_forget_host(struct config_wall *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nhosts; i++) {
		if (strcmp(w->hosts[i], name) != 0)
			continue;
		free(w->hosts[i]);
		memmove(w->hosts + i, w->hosts + i + 1,
		    (w->nhosts - i - 1) * sizeof *w->hosts);
		w->nhosts--;
		return;
	}
}

void config_wall_print(void)
{
	printf("  %-16s %-12s %s\n", "wall", "{ }",
	    "hvdeck wall: hosts (a list of host names: which tiles, in "
	    "that order; default every host); pool_full (percent, default "
	    "90: a fuller pool raises an alert, 1..100); stale_after "
	    "(seconds without a word from a host before it is flagged "
	    "stale, default 10, 1..3600)");
}
