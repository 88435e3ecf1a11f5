/* cli.h — headless subcommands over the model: dump and watch. */
#ifndef HVDECK_CLI_H
#define HVDECK_CLI_H

#include "config.h"

struct cli_options {
	int json;
	int stats;          /* watch: also print stats samples */
	int read_only;
	int timeout;        /* seconds; 0 = config's connect_timeout */
};

/* Connect to every host, wait for inventory (bounded), print, return the
 * exit status: 0, or 1 when a host was unreachable. */
int cli_dump(const struct config *cfg, const struct cli_options *o);
/* Print one JSON line per model change until SIGINT/SIGTERM. Returns 0. */
int cli_watch(const struct config *cfg, const struct cli_options *o);

#endif
