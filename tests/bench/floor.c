/* floor.c — the floors `make bench` measures hvdeck against: plain libvirt
 * clients making the calls hvdeck makes, and nothing else (no model, no
 * XML parsing, no screen). What they cost is what libvirt costs; what hvdeck
 * costs beyond it is hvdeck's.
 *
 *   floor poll  SECONDS INTERVAL URI...  hvdeck's connections (one thread
 *        per host, keepalive, the same event callbacks) and, every INTERVAL
 *        seconds per host, the stats calls of virt-sync.c read_stats and
 *        sync_node_stats; runs SECONDS seconds
 *   floor dump  URI...   the calls of one hvdeck inventory (virt-sync.c
 *        read_all: facts, every domain, every pool and volume), one thread
 *        per host; prints the wall time
 *   floor bulk  URI...   an inventory from bulk calls only: the domain list,
 *        virConnectGetAllDomainStats (state, block), pool and volume lists
 *   floor events URI     prints "MS kind detail" (CLOCK_REALTIME ms) for
 *        every domain lifecycle event, until killed
 *   floor stamp          copies stdin lines to stdout prefixed "MS "
 *   floor flip URI NAME COUNT GAP_MS   COUNT suspend/resume pairs of NAME,
 *        GAP_MS apart, each call's start printed "MS suspend|resume"
 */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void *event_loop(void *arg)
{
	(void)arg;
	for (;;)
		virEventRunDefaultImpl();
	return NULL;
}

/* The test driver has no free-memory call: hvdeck asks anyway, and so
 * does the floor, without printing every refusal. */
static void quiet(void *o, virErrorPtr e)
{
	(void)o; (void)e;
}

static void start_event_loop(void)
{
	pthread_t t;

	virSetErrorFunc(NULL, quiet);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
		fprintf(stderr, "floor: libvirt init failed\n");
		exit(1);
	}
	pthread_create(&t, NULL, event_loop, NULL);
	pthread_detach(t);
}

static int on_any(virConnectPtr c, virDomainPtr d, void *o)
{
	(void)c; (void)d; (void)o;
	return 0;
}

static void on_pool(virConnectPtr c, virStoragePoolPtr p, void *o)
{
	(void)c; (void)p; (void)o;
}

static virConnectPtr open_or_die(const char *uri)
{
	virConnectPtr c = virConnectOpenAuth(uri, virConnectAuthPtrDefault, 0);

	if (c == NULL) {
		fprintf(stderr, "floor: cannot connect to %s\n", uri);
		exit(1);
	}
	return c;
}

/* hvdeck's connection: keepalive 3/2, close callback, its seven domain and
 * two pool event callbacks (virt-events.c). */
static virConnectPtr open_like_hvdeck(const char *uri)
{
	static const int dom_ids[] = {
		VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_ID_REBOOT,
		VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
		VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
		VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
		VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
	};
	virConnectPtr c = open_or_die(uri);
	size_t i;

	virConnectSetKeepAlive(c, 3, 2);
	for (i = 0; i < sizeof dom_ids / sizeof dom_ids[0]; i++)
		virConnectDomainEventRegisterAny(c, NULL, dom_ids[i],
		    VIR_DOMAIN_EVENT_CALLBACK(on_any), NULL, NULL);
	virConnectStoragePoolEventRegisterAny(c, NULL,
	    VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
	    VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool), NULL, NULL);
	virConnectStoragePoolEventRegisterAny(c, NULL,
	    VIR_STORAGE_POOL_EVENT_ID_REFRESH,
	    VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool), NULL, NULL);
	return c;
}

/* ------------------------------------------------------------- poll ---- */

struct poll_arg {
	const char *uri;
	int seconds, interval;
};

static unsigned long long sum_indexed(virTypedParameterPtr p, int np,
    const char *prefix, const char *field)
{
	unsigned count = 0, i;
	unsigned long long v, total = 0;
	char key[VIR_TYPED_PARAM_FIELD_LENGTH];

	snprintf(key, sizeof key, "%s.count", prefix);
	if (virTypedParamsGetUInt(p, np, key, &count) != 1)
		return 0;
	for (i = 0; i < count; i++) {
		snprintf(key, sizeof key, "%s.%u.%s", prefix, i, field);
		if (virTypedParamsGetULLong(p, np, key, &v) == 1)
			total += v;
	}
	return total;
}

/* virt-sync.c sync_node_stats + read_stats, values read and dropped. */

/* hvdeck's virt_mem_available, call for call: the node's memory stats,
 * and free memory when the driver has none (the test driver). */
static unsigned long long available_memory(virConnectPtr c)
{
	virNodeMemoryStats p[8];
	int n = 4, i;	/* Linux's count: libvirt wants it exactly */
	unsigned long long sum = 0;

	if (virNodeGetMemoryStats(c, VIR_NODE_MEMORY_STATS_ALL_CELLS, p, &n, 0) == 0) {
		for (i = 0; i < n; i++)
			if (strcmp(p[i].field, VIR_NODE_MEMORY_STATS_TOTAL) != 0)
				sum += p[i].value;
		if (sum > 0)
			return sum;
	}
	return virNodeGetFreeMemory(c) / 1024;
}

static void poll_once(virConnectPtr c)
{
	virDomainStatsRecordPtr *recs = NULL;
	virNodeCPUStatsPtr params;
	char uuid[VIR_UUID_STRING_BUFLEN];
	unsigned long long v, sink = 0;
	int n = 0, i;
	unsigned types = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
	    VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_INTERFACE |
	    VIR_DOMAIN_STATS_BLOCK;

	if (virNodeGetCPUStats(c, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) == 0 &&
	    n > 0) {
		params = calloc((size_t)n, sizeof *params);
		if (virNodeGetCPUStats(c, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0) == 0)
			sink += available_memory(c);
		free(params);
	}
	n = virConnectGetAllDomainStats(c, types, &recs,
	    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
	for (i = 0; i < n; i++) {
		virDomainStatsRecordPtr r = recs[i];

		virDomainGetUUIDString(r->dom, uuid);
		if (virTypedParamsGetULLong(r->params, r->nparams, "cpu.time", &v) == 1)
			sink += v;
		if (virTypedParamsGetULLong(r->params, r->nparams, "balloon.current", &v) == 1)
			sink += v;
		sink += sum_indexed(r->params, r->nparams, "block", "rd.bytes");
		sink += sum_indexed(r->params, r->nparams, "block", "wr.bytes");
		sink += sum_indexed(r->params, r->nparams, "net", "rx.bytes");
		sink += sum_indexed(r->params, r->nparams, "net", "tx.bytes");
	}
	if (n > 0)
		virDomainStatsRecordListFree(recs);
	(void)sink;
}

static void *poll_host(void *arg)
{
	struct poll_arg *a = arg;
	virConnectPtr c = open_like_hvdeck(a->uri);
	long long end = now_ms(CLOCK_MONOTONIC) + a->seconds * 1000LL, next;

	while ((next = now_ms(CLOCK_MONOTONIC)) < end) {
		poll_once(c);
		virConnectIsAlive(c);
		next += a->interval * 1000LL;
		if (next > end)
			next = end;
		if (next > now_ms(CLOCK_MONOTONIC))
			sleep_ms((long)(next - now_ms(CLOCK_MONOTONIC)));
	}
	virConnectClose(c);
	return NULL;
}

/* ------------------------------------------------------------- dump ---- */

/* virt-sync.c sync_facts, read_domain, read_pool, read_volume. */
static void dump_host(virConnectPtr c)
{
	virDomainPtr *doms = NULL;
	virStoragePoolPtr *pools = NULL;
	virStorageVolPtr *vols = NULL;
	virNodeInfo ni;
	virStoragePoolInfo pi;
	char uuid[VIR_UUID_STRING_BUFLEN];
	unsigned long ver;
	int n, i, k, nv, state, reason, autostart;

	virNodeGetInfo(c, &ni);
	free(virConnectGetHostname(c));
	virConnectGetType(c);
	virConnectGetLibVersion(c, &ver);
	virConnectGetVersion(c, &ver);
	available_memory(c);
	free(virConnectGetCapabilities(c));
	n = virConnectListAllDomains(c, &doms, 0);
	for (i = 0; i < n; i++) {
		virDomainGetUUIDString(doms[i], uuid);
		virDomainGetState(doms[i], &state, &reason, 0);
		virDomainIsPersistent(doms[i]);
		free(virDomainGetXMLDesc(doms[i], 0));
		virDomainGetName(doms[i]);
		virDomainFree(doms[i]);
	}
	free(doms);
	n = virConnectListAllStoragePools(c, &pools, 0);
	for (i = 0; i < n; i++) {
		virStoragePoolGetName(pools[i]);
		virStoragePoolGetUUIDString(pools[i], uuid);
		virStoragePoolGetInfo(pools[i], &pi);
		virStoragePoolGetAutostart(pools[i], &autostart);
		free(virStoragePoolGetXMLDesc(pools[i], 0));
		nv = virStoragePoolListAllVolumes(pools[i], &vols, 0);
		for (k = 0; k < nv; k++) {
			free(virStorageVolGetXMLDesc(vols[k], 0));
			virStorageVolGetName(vols[k]);
			virStorageVolFree(vols[k]);
		}
		free(vols);
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	virConnectIsAlive(c);
}

/* The least an inventory can ask: lists and one bulk stats call. */
static void bulk_host(virConnectPtr c)
{
	virDomainPtr *doms = NULL;
	virDomainStatsRecordPtr *recs = NULL;
	virStoragePoolPtr *pools = NULL;
	virStorageVolPtr *vols = NULL;
	int n, i, k, nv;

	n = virConnectListAllDomains(c, &doms, 0);
	for (i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	n = virConnectGetAllDomainStats(c, VIR_DOMAIN_STATS_STATE |
	    VIR_DOMAIN_STATS_BLOCK, &recs, 0);
	if (n > 0)
		virDomainStatsRecordListFree(recs);
	n = virConnectListAllStoragePools(c, &pools, 0);
	for (i = 0; i < n; i++) {
		nv = virStoragePoolListAllVolumes(pools[i], &vols, 0);
		for (k = 0; k < nv; k++)
			virStorageVolFree(vols[k]);
		free(vols);
		virStoragePoolFree(pools[i]);
	}
	free(pools);
}

struct inv_arg {
	const char *uri;
	int bulk;
};

static void *inventory_host(void *arg)
{
	struct inv_arg *a = arg;
	virConnectPtr c = open_like_hvdeck(a->uri);

	if (a->bulk)
		bulk_host(c);
	else
		dump_host(c);
	virConnectClose(c);
	return NULL;
}

static int run_threads(int n, void *args, size_t size, void *(*fn)(void *))
{
	pthread_t *t = calloc((size_t)n, sizeof *t);
	int i;

	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * size);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}

/* ----------------------------------------------------------- events ---- */

static int on_lifecycle(virConnectPtr c, virDomainPtr d, int event,
    int detail, void *o)
{
	(void)c; (void)o;
	printf("%lld %s %d %d\n", now_ms(CLOCK_REALTIME), virDomainGetName(d),
	    event, detail);
	fflush(stdout);
	return 0;
}

static int events_main(const char *uri)
{
	virConnectPtr c = open_or_die(uri);

	virConnectSetKeepAlive(c, 3, 2);
	if (virConnectDomainEventRegisterAny(c, NULL,
	    VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), NULL, NULL) < 0)
		return 1;
	printf("%lld ready\n", now_ms(CLOCK_REALTIME));
	fflush(stdout);
	for (;;)
		pause();
}

static int stamp_main(void)
{
	char line[65536];

	while (fgets(line, sizeof line, stdin) != NULL) {
		printf("%lld %s", now_ms(CLOCK_REALTIME), line);
		fflush(stdout);
	}
	return 0;
}

static int flip_main(const char *uri, const char *name, int count, int gap)
{
	virConnectPtr c = open_or_die(uri);
	virDomainPtr d = virDomainLookupByName(c, name);
	int i;

	if (d == NULL)
		return 1;
	for (i = 0; i < count; i++) {
		printf("%lld suspend\n", now_ms(CLOCK_REALTIME));
		if (virDomainSuspend(d) < 0)
			return 1;
		sleep_ms(gap);
		printf("%lld resume\n", now_ms(CLOCK_REALTIME));
		if (virDomainResume(d) < 0)
			return 1;
		sleep_ms(gap);
	}
	fflush(stdout);
	virDomainFree(d);
	virConnectClose(c);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: floor poll SECONDS INTERVAL URI... | dump URI... | "
	    "bulk URI... | events URI | stamp | flip URI NAME COUNT GAP_MS\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i, n = argc - 2;
	long long t0;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "stamp") == 0)
		return stamp_main();
	start_event_loop();
	if (strcmp(argv[1], "poll") == 0 && argc > 4) {
		struct poll_arg *a = calloc((size_t)argc, sizeof *a);

		for (i = 4; i < argc; i++) {
			a[i - 4].uri = argv[i];
			a[i - 4].seconds = atoi(argv[2]);
			a[i - 4].interval = atoi(argv[3]);
		}
		return run_threads(argc - 4, a, sizeof *a, poll_host);
	}
	if ((strcmp(argv[1], "dump") == 0 || strcmp(argv[1], "bulk") == 0) && n > 0) {
		struct inv_arg *a = calloc((size_t)n, sizeof *a);

		for (i = 0; i < n; i++) {
			a[i].uri = argv[i + 2];
			a[i].bulk = argv[1][0] == 'b';
		}
		t0 = now_ms(CLOCK_MONOTONIC);
		run_threads(n, a, sizeof *a, inventory_host);
		printf("%lld ms\n", now_ms(CLOCK_MONOTONIC) - t0);
		return 0;
	}
	if (strcmp(argv[1], "events") == 0 && argc == 3)
		return events_main(argv[2]);
	if (strcmp(argv[1], "flip") == 0 && argc == 6)
		return flip_main(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	return usage();
}
