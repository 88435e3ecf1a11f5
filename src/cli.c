/* cli.c — headless modes: `hvdeck dump` and `hvdeck watch`. Both run the
 * same engine as the console (event loop, host workers, model) and print
 * from the model, so scripts and tests see exactly what operators see. */
#include "cli.h"
#include "engine.h"
#include "model.h"
#include "model-json.h"
#include "virt-evloop.h"
#include "virt-host.h"
#include "util.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
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

void cli_wait_settled(int timeout_s)
{
	int64_t deadline = util_now_ms() + (int64_t)timeout_s * 1000;
	struct pollfd pfd = { .fd = model_wake_fd(), .events = POLLIN };

	while (!all_settled() && !interrupted) {
		int64_t left = deadline - util_now_ms();

		if (left <= 0)
			return;
		if (poll(&pfd, 1, (int)(left > 200 ? 200 : left)) > 0)
			model_wake_drain();
	}
}

static void dump_json(void)
{
	struct m_host **hosts;
	struct m_desktop **desktops;
	struct json j;
	size_t nh, nd, i, k;

	json_init(&j);
	json_begin_object(&j, NULL);
	hosts = model_hosts(&nh);
	json_begin_array(&j, "hosts");
	for (i = 0; i < nh; i++)
		model_json_host(&j, NULL, hosts[i]);
	json_end_array(&j);
	json_begin_array(&j, "pools");
	for (i = 0; i < nh; i++)
		for (k = 0; k < hosts[i]->npools; k++)
			model_json_pool(&j, NULL, hosts[i], hosts[i]->pools[k]);
	json_end_array(&j);
	desktops = model_desktops(&nd);
	json_begin_array(&j, "desktops");
	for (i = 0; i < nd; i++)
		model_json_desktop(&j, NULL, desktops[i]);
	json_end_array(&j);
	json_end_object(&j);
	puts(j.buf);
	json_free(&j);
}

/* Text output: every string from a host is made visible before printing. */
static void put_field(const char *label, const char *value)
{
	char *v = util_visible(value != NULL ? value : "-");

	printf(" %s=%s", label, v);
	free(v);
}

static void dump_text(void)
{
	struct m_host **hosts;
	struct m_desktop **desktops;
	size_t nh, nd, i, k, v;

	hosts = model_hosts(&nh);
	for (i = 0; i < nh; i++) {
		struct m_host *h = hosts[i];

		printf("host");
		put_field("name", h->name);
		put_field("state", model_host_state_name(h->state));
		put_field("role", config_role_name(h->role));
		put_field("uri", h->uri);
		if (h->error != NULL)
			put_field("error", h->error);
		printf(" cpus=%u memory_kib=%llu free_kib=%llu\n", h->cpus,
		    (unsigned long long)h->memory_kib,
		    (unsigned long long)h->free_kib);
		for (k = 0; k < h->npools; k++) {
			struct m_pool *p = h->pools[k];

			printf("  pool");
			put_field("name", p->name);
			put_field("type", p->type);
			put_field("target", p->target_path);
			printf(" active=%d volumes=%zu capacity=%llu available=%llu\n",
			    p->active, p->nvols, (unsigned long long)p->capacity,
			    (unsigned long long)p->available);
			for (v = 0; v < p->nvols; v++) {
				printf("    volume");
				put_field("name", p->vols[v].name);
				put_field("format", p->vols[v].format);
				put_field("backing", p->vols[v].backing_path);
				printf(" capacity=%llu\n",
				    (unsigned long long)p->vols[v].capacity);
			}
		}
	}
	desktops = model_desktops(&nd);
	for (i = 0; i < nd; i++) {
		struct m_desktop *d = desktops[i];
		const struct m_place *p = model_desktop_place(d);
		const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;

		printf("desktop");
		put_field("name", d->name);
		put_field("uuid", d->uuid);
		put_field("state", model_state_name(model_desktop_state(d)));
		put_field("host", h != NULL ? h->name : NULL);
		if (d->split_brain) {
			char *where = model_desktop_live_hosts(d, "+");

			put_field("split_brain", where);
			free(where);
		}
		printf(" vcpus=%u memory_kib=%llu", d->xml.vcpus,
		    (unsigned long long)d->xml.memory_kib);
		if (d->cpu_pct >= 0)
			printf(" cpu_pct=%.1f\n", d->cpu_pct);
		else
			printf(" cpu_pct=-\n");
	}
}

int cli_dump(const struct config *cfg, const struct cli_options *o)
{
	struct m_host **hosts;
	size_t n, i;
	int status = 0;

	if (cfg->nhosts == 0)
		fprintf(stderr, "hvdeck: no hosts: list them in %s or give -H URI\n",
		    cfg->path != NULL ? cfg->path : "the configuration file");
	if (engine_start(cfg, o->read_only) < 0)
		return 1;
	cli_wait_settled(o->timeout > 0 ? o->timeout : cfg->connect_timeout);
	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (hosts[i]->inventory_done)
			continue;
		status = 1;
		fprintf(stderr, "hvdeck: %s: %s\n", hosts[i]->name,
		    hosts[i]->error != NULL ? hosts[i]->error :
		    "no answer before the timeout");
		if (hosts[i]->state == HOST_CONNECTING) {
			/* report it as what it is for the reader */
			hosts[i]->state = HOST_OFFLINE;
			util_set_str(&hosts[i]->error, "connect timed out");
		}
	}
	if (o->json)
		dump_json();
	else
		dump_text();
	model_unlock();
	fflush(stdout);
	engine_stop();
	return status;
}

static const char *const kind_names[] = { "host", "pool", "desktop" };
static const char *const op_names[] = { "add", "change", "remove", "stats" };

/* Text mode: the events strip as a log (its text is already made
 * printable by the model). */
static void print_event(const struct m_event *e)
{
	char stamp[16];
	struct tm tm;
	time_t t = (time_t)(e->wall_ms / 1000);

	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
	printf("%s %s%s\n", stamp, e->severity == SEV_ERROR ? "error: " :
	    e->severity == SEV_WARN ? "warning: " : "", e->text);
	fflush(stdout);
}

static void watch_observer(enum m_kind kind, enum m_op op,
    const struct m_host *h, const void *obj, void *ctx)
{
	const struct cli_options *o = ctx;
	struct json j;

	if (!o->json) {
		if (kind == MK_EVENT)
			print_event(obj);
		return;
	}
	if ((op == MO_STATS && !o->stats) || kind == MK_EVENT)
		return;
	json_init(&j);
	json_begin_object(&j, NULL);
	json_int(&j, "time_ms", util_wall_ms());
	json_string(&j, "kind", kind_names[kind]);
	json_string(&j, "op", op_names[op]);
	switch (kind) {
	case MK_HOST:
		model_json_host(&j, "object", obj);
		break;
	case MK_POOL:
		model_json_pool(&j, "object", h, obj);
		break;
	case MK_DESKTOP:
		model_json_desktop(&j, "object", obj);
		break;
	case MK_EVENT:
		break;
	}
	json_end_object(&j);
	/* One write per line, flushed: readers see whole lines at once. */
	puts(j.buf);
	fflush(stdout);
	json_free(&j);
}

int cli_watch(const struct config *cfg, const struct cli_options *o)
{
	struct sigaction sa;
	struct pollfd pfd;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	model_set_observer(watch_observer, (void *)o);
	if (engine_start(cfg, o->read_only) < 0)
		return 1;
	pfd.fd = model_wake_fd();
	pfd.events = POLLIN;
	while (!interrupted && !ferror(stdout)) {
		if (poll(&pfd, 1, 1000) > 0)
			model_wake_drain();
	}
	model_set_observer(NULL, NULL);
	engine_stop();
	return 0;
}
