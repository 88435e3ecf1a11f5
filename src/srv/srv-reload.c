/* srv-reload.c — the server's configuration, loaded again when its file
 * changes (srv-reload.h). Loaded configurations are kept until the server
 * stops: a command that started with one keeps reading it. */
#include "srv/srv-reload.h"
#include "core/log.h"
#include "core/model.h"
#include "core/util.h"
#include "virt/virt-host.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

/* How long a removed host's worker is waited for. */
#define REMOVE_WAIT_MS 2000

static struct {
	pthread_mutex_t lock;
	const struct config *first;     /* the server's, not ours */
	struct config **loaded;         /* ours, oldest first */
	size_t nloaded;
	int ifd, stop[2];
	char *base;                     /* the file's name in its directory */
	pthread_t thread;
	int running;
} R = { .lock = PTHREAD_MUTEX_INITIALIZER, .ifd = -1, .stop = { -1, -1 } };

const struct config *srv_reload_current(void)
{
	const struct config *c;

	pthread_mutex_lock(&R.lock);
	c = R.nloaded > 0 ? R.loaded[R.nloaded - 1] : R.first;
	pthread_mutex_unlock(&R.lock);
	return c;
}

static int in_config(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return 1;
	return 0;
}

/* A host given by -H to the server: not the file's. */
static int transient(const char *name)
{
	size_t i;

	for (i = 0; i < R.first->nhosts; i++)
		if (strcmp(R.first->hosts[i].name, name) == 0)
			return R.first->hosts[i].transient;
	return 0;
}

/* Hosts of the file that the model lacks join; the others get the file's
 * role and maintenance. */
static void add_and_update(const struct config *c)
{
	struct m_host *h;
	size_t i;
	int known;

	for (i = 0; i < c->nhosts; i++) {
		model_lock();
		h = model_host_by_name(c->hosts[i].name);
		known = h != NULL;
		model_unlock();
		if (!known) {
			log_msg(LOG_INFO, "server: %s: added to %s", c->hosts[i].name,
			    c->path);
			hosts_add(&c->hosts[i], 0, c->stats_interval);
			continue;
		}
		model_host_set_role(c->hosts[i].name, c->hosts[i].role);
		model_host_set_maintenance(c->hosts[i].name,
		    c->hosts[i].maintenance);
		model_host_set_reserve(c->hosts[i].name,
		    (uint64_t)c->hosts[i].memory_reserve_mib * 1024);
	}
}

/* Hosts of the model that the file no longer lists (never one given by
 * -H for this run) are taken out. */
static void remove_gone(const struct config *c)
{
	struct m_host **hosts;
	unsigned *ids = NULL;
	size_t n, i, k = 0;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (in_config(c, hosts[i]->name) || transient(hosts[i]->name))
			continue;
		ids = xreallocarray(ids, k + 1, sizeof *ids);
		ids[k++] = hosts[i]->id;
	}
	model_unlock();
	for (i = 0; i < k; i++) {
		log_msg(LOG_INFO, "server: host %u: removed from %s", ids[i],
		    c->path);
		hosts_remove(ids[i], REMOVE_WAIT_MS);
	}
	free(ids);
}

static void reload(void)
{
	struct config *c = xcalloc(1, sizeof *c);
	char *cause = NULL;

	config_defaults(c, R.first->path);
	if (config_load(c, 0, &cause) < 0) {
		log_msg(LOG_WARN, "server: %s not loaded again: %s", R.first->path,
		    cause);
		free(cause);
		config_free(c);
		free(c);
		return;
	}
	add_and_update(c);
	remove_gone(c);
	pthread_mutex_lock(&R.lock);
	R.loaded = xreallocarray(R.loaded, R.nloaded + 1, sizeof *R.loaded);
	R.loaded[R.nloaded++] = c;
	pthread_mutex_unlock(&R.lock);
	log_msg(LOG_INFO, "server: loaded %s again", c->path);
}

/* Whether the events in buf (len bytes) name the file. */
static int names_file(const char *buf, ssize_t len)
{
	const struct inotify_event *ev;
	ssize_t off;
	int hit = 0;

	for (off = 0; off < len; off += (ssize_t)sizeof *ev + ev->len) {
		ev = (const struct inotify_event *)(buf + off);
		if (ev->len > 0 && strcmp(ev->name, R.base) == 0)
			hit = 1;
	}
	return hit;
}

static void *reload_main(void *arg)
{
	struct pollfd pf[2] = { { .fd = R.ifd, .events = POLLIN },
	    { .fd = R.stop[0], .events = POLLIN } };
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;
	int hit;

	(void)arg;
	for (;;) {
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents != 0)
			break;
		hit = 0;
		/* what is queued now, at once: a save's rename is atomic, so the
		 * file can be read as soon as its event is here, and an event
		 * after the read loads it again. (Waiting for a quiet directory
		 * would starve: other files in it may change all the time.) */
		while ((len = read(R.ifd, buf, sizeof buf)) > 0)
			hit |= names_file(buf, len);
		if (hit)
			reload();
	}
	return NULL;
}

int srv_reload_start(const struct config *cfg, char **cause)
{
	char *dir;
	const char *slash;

	R.first = cfg;
	if (cfg->path == NULL) {
		*cause = xstrdup("no configuration file");
		return -1;
	}
	if ((slash = strrchr(cfg->path, '/')) == NULL) {
		dir = xstrdup(".");
		R.base = xstrdup(cfg->path);
	} else {
		dir = slash == cfg->path ? xstrdup("/") :
		    xstrndup(cfg->path, (size_t)(slash - cfg->path));
		R.base = xstrdup(slash + 1);
	}
	R.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	/* a file renamed into place, or written and closed; never its
	 * creation (an empty file would be a configuration without hosts) */
	if (R.ifd < 0 || inotify_add_watch(R.ifd, dir, IN_CLOSE_WRITE |
	    IN_MOVED_TO) < 0 || pipe2(R.stop, O_CLOEXEC) < 0 ||
	    pthread_create(&R.thread, NULL, reload_main, NULL) != 0) {
		*cause = xasprintf("following %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	R.running = 1;
	return 0;
}

void srv_reload_stop(void)
{
	size_t i;

	if (R.running) {
		if (write(R.stop[1], "x", 1) < 0)
			log_msg(LOG_WARN, "server: cannot stop following the file");
		else
			pthread_join(R.thread, NULL);
		R.running = 0;
	}
	if (R.ifd >= 0)
		close(R.ifd);
	for (i = 0; i < 2; i++)
		if (R.stop[i] >= 0)
			close(R.stop[i]);
	for (i = 0; i < R.nloaded; i++) {
		config_free(R.loaded[i]);
		free(R.loaded[i]);
	}
	free(R.loaded);
	free(R.base);
	R.loaded = NULL;
	R.nloaded = 0;
	R.base = NULL;
	R.ifd = R.stop[0] = R.stop[1] = -1;
	R.first = NULL;
}
