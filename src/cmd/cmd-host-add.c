/* cmd-host-add.c — the request of `host add NAME ADDRESS [--port N]
 * [--user USER] [--role R] [--yes-fingerprint FP]` from its words and
 * options, for both faces that run it. */
#include "cmd/cmd-host-add.h"
#include "act/act-host.h"
#include "core/text.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(const struct cmd_entry *e, char **cause,
    const char *fmt, const char *value)
{
	char *usage = cmd_usage(e), *vis = text_visible(value);

	*cause = xasprintf(fmt, vis);
	free(vis);
	vis = xasprintf("%s (%s)", *cause, usage);
	free(*cause);
	*cause = vis;
	free(usage);
	return -1;
}

int cmd_host_add_request(const struct cmd_ctx *c, const struct cmd_entry *e,
    char **argv, struct hostadd_req *r, char **cause)
{
	const char *port = cmd_opt(c->opts, "port");
	const char *role = cmd_opt(c->opts, "role");
	char *end;
	long v;

	memset(r, 0, sizeof *r);
	r->name = argv[0];
	r->address = argv[1];
	r->port = 22;
	if (port != NULL) {
		errno = 0;
		v = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno != 0 || v < 1 ||
		    v > 65535)
			return usage_error(e, cause, "--port: '%s' is not a port "
			    "(1 to 65535)", port);
		r->port = (int)v;
	}
	r->user = cmd_opt(c->opts, "user");
	if (r->user != NULL && *r->user == '\0')
		return usage_error(e, cause, "--user: empty user name%s", "");
	r->role = ROLE_MIXED;
	if (role != NULL && config_role_parse(role, &r->role) < 0)
		return usage_error(e, cause, "--role: '%s' is not hypervisor, "
		    "disk or mixed", role);
	r->yes_fingerprint = cmd_opt(c->opts, "yes-fingerprint");
	return 0;
}

