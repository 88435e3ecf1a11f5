/* cmd-host-add.c — the request of `host add NAME ADDRESS [--port N]
 * [--user USER] [--role R] [--yes-fingerprint FP]` from its words and
 * options, for both faces that run it. */
#include "cmd/cmd-host-add.h"
#include "act/act-host.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

int cmd_host_add_request(const struct cmd_ctx *c, const struct cmd_entry *e,
    char **argv, struct hostadd_req *r, char **cause)
{
	const char *role = "mixed", *user = NULL;
	long long port = 22;

	memset(r, 0, sizeof *r);
	r->name = argv[0];
	r->address = argv[1];
	/* main.c and cmd_run_line checked them already; the form builds its
	 * own options */
	if (cmd_opt_int(c->opts, cmd_opt_spec(e->name, "port"), &port, cause) < 0 ||
	    cmd_opt_str(c->opts, cmd_opt_spec(e->name, "user"), &user, cause) < 0 ||
	    cmd_opt_str(c->opts, cmd_opt_spec(e->name, "role"), &role, cause) < 0)
		return -1;
	if (config_role_parse(role, &r->role) < 0)
		abort();        /* the table's words and config.c's differ */
	r->port = (int)port;
	r->user = user;
	r->yes_fingerprint = cmd_opt(c->opts, "yes-fingerprint");
	return 0;
}
