/* engine.c — start-up and shut-down order of the shared machinery. */
#include "act/engine.h"
#include "act/act-host.h"
#include "act/act-domain.h"
#include "core/job.h"
#include "core/model.h"
#include "act/pool-share.h"
#include "virt/virt-evloop.h"
#include "virt/virt-host.h"
#include "virt/virt-sync.h"
#include "virt/virt-xml.h"

#include "core/util.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

int engine_start(const struct config *cfg, int read_only)
{
	char *cause = NULL;

	model_init();
	model_set_pending_timeout(cfg->shutdown_timeout * 1000);
	virtxml_init();
	act_set_read_only(read_only);
	pool_share_configure(cfg);
	sync_set_share_key(pool_share_key);
	/* the loop must exist before the first connection is opened */
	if (evloop_start(&cause) < 0) {
		fprintf(stderr, "hvdeck: %s\n", cause);
		free(cause);
		return -1;
	}
	hosts_start(cfg, read_only);
	return 0;
}

static int left_behind;

int engine_left_behind(void)
{
	return left_behind;
}

/* Connections close on their workers while the event loop still runs
 * (their close needs it); the loop stops after the last one. */
void engine_stop(void)
{
	/* job threads hold connections of their own: cancel them first */
	left_behind = jobs_stop(1000);
	if (left_behind == 0)
		left_behind = hosts_stop(1000);
	if (left_behind > 0)
		return;
	evloop_stop();
	hosts_free();
	jobs_free();
	hostadd_forget_all();
	model_free();
	sync_set_share_key(NULL);
	pool_share_configure(NULL);
	virtxml_cleanup();
}

/* Every host has finished its first attempt: inventory or offline. */
static int all_settled(void)
{
	struct m_host **hosts;
	size_t n, i;
	int done = 1;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (!hosts[i]->inventory_done && !hosts[i]->attempted)
			done = 0;
	model_unlock();
	return done;
}

void engine_wait_settled(int timeout_s)
{
	int64_t deadline = util_now_ms() + (int64_t)timeout_s * 1000;
	struct pollfd pfd = { .fd = model_wake_fd(), .events = POLLIN };

	while (!all_settled()) {
		int64_t left = deadline - util_now_ms();

		if (left <= 0)
			return;
		if (poll(&pfd, 1, (int)(left > 200 ? 200 : left)) > 0)
			model_wake_drain();
	}
}
