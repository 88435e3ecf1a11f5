/* cmd-host-reconnect.c — `:host reconnect NAME`. */
#include "cmd/cmd-host-reconnect.h"
#include "act/act-host-admin.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-host.h"

int cmd_host_reconnect_exec(struct cmd_ctx *c, const struct cmd_entry *e,
    int argc, char **argv, char **cause)
{
	unsigned id;

	(void)c;
	if (argc == 0) {	/* the console names the selected host */
		*cause = xasprintf("%s: which host? (a NAME, or select one in "
		    "the hypervisors pane)", e->name);
		return -1;
	}
	if ((id = act_host_id_of(argv[0])) == 0) {
		*cause = xasprintf("no host called %s", argv[0]);
		return -1;
	}
	model_event(SEV_INFO, "%s: reconnecting now", argv[0]);
	host_reconnect(id);
	return 0;
}
