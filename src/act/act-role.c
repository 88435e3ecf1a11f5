/* act-role.c — set a host's role or maintenance: the file first (the
 * setting must survive a restart), then the model. */
#include "act/act-role.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

struct edit_arg {
	const struct role_change *ch;
	int changed;
};

/* config_edit's step on the freshly loaded file. */
static int change_host(struct config *cfg, void *arg, char **cause)
{
	struct edit_arg *a = arg;
	const struct role_change *ch = a->ch;
	struct config_host *h = config_find_host(cfg, ch->host);
	char *vis;

	if (h == NULL) {
		vis = text_visible(ch->host);
		*cause = xasprintf("no host called '%s' in %s", vis, cfg->path);
		free(vis);
		return -1;
	}
	if (ch->set_role ? h->role == ch->role :
	    h->maintenance == (ch->maintenance != 0))
		return -1;	/* nothing to write; *cause stays NULL */
	if (ch->set_role)
		h->role = ch->role;
	else
		h->maintenance = ch->maintenance != 0;
	a->changed = 1;
	return 0;
}

/* The host of the running config, refused when -H made it. */
static int check_running(const struct config *running, const char *name,
    char **cause)
{
	size_t i;
	char *vis;

	for (i = 0; i < running->nhosts; i++) {
		if (strcmp(running->hosts[i].name, name) != 0)
			continue;
		if (!running->hosts[i].transient)
			return 0;
		vis = text_visible(name);
		*cause = xasprintf("host '%s' was given with -H for this run only: "
		    "it is not in the configuration file, so its role and "
		    "maintenance cannot be saved (add it to the file first)", vis);
		free(vis);
		return -1;
	}
	return 0;	/* the file decides: it may have it since we started */
}

int act_role_apply(const struct config *running, const struct role_change *ch,
    int *changed, char **cause)
{
	struct edit_arg a = { ch, 0 };
	char *why = NULL;

	*changed = 0;
	if (check_running(running, ch->host, cause) < 0)
		return -1;
	if (config_edit(running->path, change_host, &a, &why) < 0 &&
	    (a.changed || why != NULL)) {
		*cause = why != NULL ? why : xstrdup("configuration not saved");
		return -1;
	}
	free(why);
	*changed = a.changed;
	/* the console's model; on the command line no host is in it */
	if (ch->set_role)
		model_host_set_role(ch->host, ch->role);
	else
		model_host_set_maintenance(ch->host, ch->maintenance);
	return 0;
}
