/* virt-evloop.c — runs virEventRunDefaultImpl on one thread for all
 * connections: keepalives, close callbacks and domain/pool events are all
 * dispatched here, so callbacks must be quick and must not call libvirt
 * APIs that wait for a reply (they queue work for host workers instead). */
#include "virt/virt-evloop.h"
#include "core/log.h"
#include "core/util.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

static pthread_t loop_thread;
static atomic_int loop_running;
static atomic_int loop_stop;

/* libvirt prints every error to stderr by default, which would scribble
 * over the curses screen. Errors are read per call instead. */
static void quiet_error(void *opaque, virErrorPtr err)
{
	(void)opaque;
	if (err != NULL && err->message != NULL)
		log_msg(LOG_DEBUG, "libvirt: %s", err->message);
}

static void *loop_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&loop_stop)) {
		if (virEventRunDefaultImpl() < 0) {
			char *msg = evloop_last_error("event loop failed");

			log_msg(LOG_ERROR, "event loop: %s", msg);
			free(msg);
		}
	}
	return NULL;
}

/* libvirt frees what a closed connection left in the loop (its socket
 * watch, its keepalive timer, the client they hold) from idle callbacks
 * of the loop itself: run the loop that long before it stops, so every
 * connection is gone while the loop still exists. */
#define DRAIN_MS 100

static void stop_timer(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
	atomic_store(&loop_stop, 1);
}

int evloop_start(char **cause)
{
	int rc;

	virSetErrorFunc(NULL, quiet_error);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
		*cause = evloop_last_error("cannot initialise libvirt");
		return -1;
	}
	atomic_store(&loop_stop, 0);
	rc = pthread_create(&loop_thread, NULL, loop_main, NULL);
	if (rc != 0) {
		*cause = xasprintf("event loop thread: %s", strerror(rc));
		return -1;
	}
	atomic_store(&loop_running, 1);
	return 0;
}

void evloop_stop(void)
{
	if (!atomic_load(&loop_running))
		return;
	/* The flag is set on the loop's own thread, after DRAIN_MS of work. */
	if (virEventAddTimeout(DRAIN_MS, stop_timer, NULL, NULL) < 0) {
		atomic_store(&loop_stop, 1);
		virEventAddTimeout(0, stop_timer, NULL, NULL);
	}
	pthread_join(loop_thread, NULL);
	atomic_store(&loop_running, 0);
}

char *evloop_last_error(const char *fallback)
{
	virErrorPtr err = virGetLastError();

	if (err != NULL && err->message != NULL)
		return xstrdup(err->message);
	return xstrdup(fallback);
}

char *evloop_error_for(const char *what)
{
	char *msg = evloop_last_error("failed"), *t;

	t = xasprintf("%s: %s", what, msg);
	free(msg);
	return t;
}
