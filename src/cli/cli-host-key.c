/* cli-host-key.c — `hvdeck host key`. */
#include "cli/cli-host-key.h"
#include "virt/ssh.h"

#include <stdio.h>
#include <stdlib.h>

int cli_host_key_exec(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	char *line = NULL, *key;

	(void)c; (void)e; (void)argc; (void)argv;
	if (sshkey_ensure(&line, cause) == -1)
		return -1;
	key = sshkey_private_path();
	printf("%s\n# %s.pub\n", line, key != NULL ? key : "?");
	fflush(stdout);
	free(key);
	free(line);
	return 0;
}
