/* test_act.c — desktop actions as jobs.
 *
 * On a model filled by hand (no workers): the refusals (read-only, unknown
 * UUID, host offline, a state that does not allow the action) make no job
 * and no spinner; a second press joins the job in flight; a host without a
 * worker fails the job with a reason; a desktop whose disk backs other
 * volumes does not start.
 *
 * On the real engine (libvirt's in-process test driver, no daemon): the
 * actions reach the guest and their jobs end done; a libvirt failure ends
 * the job failed with libvirt's own words; a call queued to a host that is
 * offline, or whose worker is stopping, ends failed with a clear reason
 * within a bound instead of hanging; after a volume changes, the pool's
 * refresh reaches every host that shares it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act-domain.h"
#include "act/act-pool.h"
#include "core/config.h"
#include "act/engine.h"
#include "core/job.h"
#include "core/model.h"
#include "core/util.h"
#include "tui/views.h"
#include "virt/virt-host.h"

#include "model-wait.h"

#define SETTLE_MS 60000
#define JOB_MS 10000            /* a short action ends well within this */
#define GHOST_URI "test:///nonexistent/file.xml"

#define U_RUN "aaaaaaaa-0000-0000-0000-000000000001"
#define U_OFF "aaaaaaaa-0000-0000-0000-000000000002"
#define U_PAUSED "aaaaaaaa-0000-0000-0000-000000000003"
#define U_OFFLINE_HOST "aaaaaaaa-0000-0000-0000-000000000004"
#define U_PHANTOM "bbbbbbbb-0000-0000-0000-0000000000ff"

static unsigned h1, h2;
static struct config cfg;
static int engine_running;

static void desktop(unsigned host, const char *uuid, const char *name,
    enum desktop_state s)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	model_desktop_seen(host, uuid, name, s, 1, 1, &x);
}

/* ---- a model filled by hand ---- */

#define U_TWICE "aaaaaaaa-0000-0000-0000-000000000005"
#define U_SPLIT "aaaaaaaa-0000-0000-0000-000000000006"
#define U_GHOST "aaaaaaaa-0000-0000-0000-000000000007"

static int setup_model(void **state)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct config_host b = { .name = (char *)"hv2", .uri = (char *)"test:///default" };

	(void)state;
	model_init();
	act_set_read_only(0);
	h1 = model_host_add(&a);
	h2 = model_host_add(&b);
	model_host_set_state(h1, HOST_ONLINE, NULL);
	model_host_set_state(h2, HOST_OFFLINE, "connection closed by the host");
	desktop(h1, U_RUN, "alice", DS_RUNNING);
	desktop(h1, U_OFF, "bob", DS_SHUTOFF);
	desktop(h1, U_PAUSED, "carol", DS_PAUSED);
	desktop(h2, U_OFFLINE_HOST, "dave", DS_RUNNING);
	return 0;
}

static int teardown_model(void **state)
{
	(void)state;
	act_set_read_only(0);
	jobs_free();
	model_free();
	return 0;
}

static unsigned last_job_id(void)
{
	const struct job *j;
	unsigned id;

	job_lock();
	j = job_last();
	id = j != NULL ? j->id : 0;
	job_unlock();
	return id;
}

static int pending(const char *uuid)
{
	struct m_desktop *d;
	int p;

	model_lock();
	d = model_desktop(uuid);
	p = d != NULL && model_desktop_pending_now(d) != NULL;
	model_unlock();
	return p;
}

/* Refused with a cause containing `why`, and nothing was started. */
static void refused(const char *uuid, enum domain_action a, const char *why)
{
	unsigned before = last_job_id(), job = 12345;
	char *cause = NULL, *checked = NULL;

	/* the check the console asks before a confirmation says the same */
	if (act_domain_check(uuid, a, &checked) == 0)
		fail_msg("the check allows %s of %s (wanted: %s)",
		    act_domain_name(a), uuid, why);
	if (act_domain(uuid, a, &job, &cause) == 0)
		fail_msg("%s of %s was not refused (wanted: %s)",
		    act_domain_name(a), uuid, why);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("cause \"%s\" does not say \"%s\"", cause, why);
	assert_string_equal(checked, cause);
	free(cause);
	free(checked);
	assert_int_equal(job, 0);
	assert_int_equal(last_job_id(), before);	/* no job made */
	assert_false(pending(uuid));                    /* no spinner */
}

static void test_refused_read_only(void **state)
{
	(void)state;
	act_set_read_only(1);
	refused(U_RUN, DA_SHUTDOWN, "read-only");
	refused(U_OFF, DA_START, "read-only");
}

static void test_refused_unknown(void **state)
{
	(void)state;
	refused("cccccccc-0000-0000-0000-000000000000", DA_START,
	    "no desktop with UUID cccccccc-0000-0000-0000-000000000000");
	refused(U_RUN, DA_COUNT, "unknown action");
}

static void test_refused_host_offline(void **state)
{
	(void)state;
	refused(U_OFFLINE_HOST, DA_SHUTDOWN, "cannot shutdown dave: host hv2 is offline");
	refused(U_OFFLINE_HOST, DA_FORCE_OFF, "host hv2 is offline");
}

static void test_refused_state(void **state)
{
	(void)state;
	refused(U_OFF, DA_SHUTDOWN, "cannot shutdown bob: it is not running");
	refused(U_OFF, DA_PAUSE, "cannot pause bob: it is not running");
	refused(U_OFF, DA_REBOOT, "it is not running");
	refused(U_OFF, DA_FORCE_OFF, "it is not running");
	refused(U_OFF, DA_RESUME, "it is not paused");
	refused(U_RUN, DA_START, "cannot start alice: it is already running");
	refused(U_RUN, DA_RESUME, "it is not paused");
	refused(U_PAUSED, DA_PAUSE, "it is not running");
	refused(U_PAUSED, DA_START, "already running");
	/* a paused guest cannot answer ACPI: refused at once, not accepted
	 * by libvirt and then ignored */
	refused(U_PAUSED, DA_SHUTDOWN, "cannot shutdown carol: it is paused");
	refused(U_PAUSED, DA_REBOOT, "it is paused");
}

/* What the check allows, act_domain does not refuse for the same reason. */
static void test_check_allows(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_int_equal(act_domain_check(U_RUN, DA_FORCE_OFF, &cause), 0);
	assert_null(cause);
	assert_int_equal(act_domain_check(U_PAUSED, DA_FORCE_OFF, &cause), 0);
	assert_int_equal(act_domain_check(U_PAUSED, DA_RESUME, &cause), 0);
	assert_int_equal(act_domain_check(U_OFF, DA_START, &cause), 0);
	assert_null(cause);
}

/* Never boot a parent: a desktop whose writable disk other volumes are
 * derived from is refused, naming them; a read-only disk on it, or a disk
 * that is a leaf, is not. */
#define U_PARENT "aaaaaaaa-0000-0000-0000-000000000008"
#define U_CDROM "aaaaaaaa-0000-0000-0000-000000000009"
#define U_LEAF "aaaaaaaa-0000-0000-0000-00000000000a"

static void disk_desktop(const char *uuid, const char *name,
    const char *source, int readonly)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	x.disks = xcalloc(1, sizeof *x.disks);
	x.ndisks = 1;
	x.disks[0].device = xstrdup(readonly ? "cdrom" : "disk");
	x.disks[0].type = xstrdup("file");
	x.disks[0].source = xstrdup(source);
	x.disks[0].readonly = readonly;
	model_desktop_seen(h1, uuid, name, DS_SHUTOFF, 1, 1, &x);
}

static void test_refused_parent(void **state)
{
	struct m_volume *v = xcalloc(3, sizeof *v);
	struct m_pool info;
	char *cause = NULL;

	(void)state;
	memset(&info, 0, sizeof info);
	info.name = (char *)"bases";
	info.target_path = (char *)"/nfs/bases";
	v[0].name = xstrdup("base.qcow2");
	v[0].path = xstrdup("/nfs/bases/base.qcow2");
	v[1].name = xstrdup("t1.qcow2");
	v[1].path = xstrdup("/nfs/bases/t1.qcow2");
	v[1].backing_path = xstrdup("/nfs/bases/base.qcow2");
	v[2].name = xstrdup("t2.qcow2");
	v[2].path = xstrdup("/nfs/bases/t2.qcow2");
	v[2].backing_path = xstrdup("/nfs/bases/base.qcow2");
	model_pool_seen(h1, &info, v, 3);
	disk_desktop(U_PARENT, "tmpl-base", "/nfs/bases/base.qcow2", 0);
	disk_desktop(U_CDROM, "installer", "/nfs/bases/base.qcow2", 1);
	disk_desktop(U_LEAF, "desk-t1", "/nfs/bases/t1.qcow2", 0);
	refused(U_PARENT, DA_START, "cannot start tmpl-base: its disk "
	    "/nfs/bases/base.qcow2 is the backing file of bases/t1.qcow2, "
	    "bases/t2.qcow2");
	assert_int_equal(act_domain_check(U_CDROM, DA_START, &cause), 0);
	assert_int_equal(act_domain_check(U_LEAF, DA_START, &cause), 0);
	assert_null(cause);
}

/* Starting a desktop live on another host would make two QEMUs write one
 * disk: refused, naming where it runs — an offline host's last known
 * state included, since nothing shows it stopped. */
static void test_refused_live_elsewhere(void **state)
{
	struct config_host c = { .name = (char *)"hv3", .uri = (char *)"test:///default" };
	unsigned h3;

	(void)state;
	h3 = model_host_add(&c);
	model_host_set_state(h3, HOST_ONLINE, NULL);
	desktop(h1, U_TWICE, "erin", DS_SHUTOFF);
	desktop(h3, U_TWICE, "erin", DS_RUNNING);
	refused(U_TWICE, DA_START, "cannot start erin: it is already running on hv3");
	desktop(h1, U_SPLIT, "frank", DS_RUNNING);
	desktop(h3, U_SPLIT, "frank", DS_PAUSED);
	refused(U_SPLIT, DA_START,
	    "cannot start frank: it is running on hv1 and hv3 (split brain)");
	desktop(h1, U_GHOST, "gina", DS_SHUTOFF);
	desktop(h2, U_GHOST, "gina", DS_RUNNING);	/* hv2 is offline */
	refused(U_GHOST, DA_START, "already running on hv2");
}

/* A start makes a new running desktop: a disk-role host or one in
 * maintenance refuses it with placement's reason; what is already running
 * there may still be resumed and forced off. */
#define U_ON_DISK "aaaaaaaa-0000-0000-0000-000000000008"
#define U_ON_MAINT "aaaaaaaa-0000-0000-0000-000000000009"
static void test_refused_placement(void **state)
{
	struct config_host c3 = { .name = (char *)"node3",
	    .uri = (char *)"test:///default", .role = ROLE_DISK };
	struct config_host c4 = { .name = (char *)"node4",
	    .uri = (char *)"test:///default", .maintenance = 1 };
	char *cause = NULL;
	unsigned h3, h4;

	(void)state;
	h3 = model_host_add(&c3);
	h4 = model_host_add(&c4);
	model_host_set_state(h3, HOST_ONLINE, NULL);
	model_host_set_state(h4, HOST_ONLINE, NULL);
	desktop(h3, U_ON_DISK, "hank", DS_SHUTOFF);
	desktop(h4, U_ON_MAINT, "ida", DS_SHUTOFF);
	refused(U_ON_DISK, DA_START,
	    "cannot start hank: node3 has role disk: it runs no desktops");
	refused(U_ON_MAINT, DA_START, "cannot start ida: node4 is in maintenance");
	desktop(h4, U_ON_MAINT, "ida", DS_PAUSED);
	assert_int_equal(act_domain_check(U_ON_MAINT, DA_RESUME, &cause), 0);
	assert_int_equal(act_domain_check(U_ON_MAINT, DA_FORCE_OFF, &cause), 0);
	assert_null(cause);
}

/* The host is in the model but has no worker (it was removed): the job is
 * made and fails with the reason; the spinner goes. */
static void test_no_worker_fails_job(void **state)
{
	unsigned job = 1;
	char *cause = NULL, *e;
	unsigned id;

	(void)state;
	assert_int_equal(act_domain(U_RUN, DA_SHUTDOWN, &job, &cause), -1);
	assert_non_null(strstr(cause, "host hv1 is gone"));
	assert_int_equal(job, 0);
	id = last_job_id();
	assert_true(id > 0);
	assert_int_equal(job_wait(id, 0), JOB_FAILED);
	e = job_error(id);
	assert_string_equal(e, cause);
	free(e);
	free(cause);
	assert_false(pending(U_RUN));
}

/* The jobs pane: a queued job on top, the failed one below it with the
 * reason; filters see the job's state and host. */
static void test_jobs_pane(void **state)
{
	struct job_target t = { U_OFF, "bob", 0, "hv1" };
	struct table tb;
	const struct table_row *r;
	unsigned failed, queued, job;
	char *cause = NULL, key[32];

	(void)state;
	assert_int_equal(act_domain(U_RUN, DA_SHUTDOWN, &job, &cause), -1);
	free(cause);
	failed = last_job_id();
	t.host_id = h1;
	queued = job_new(JK_START, &t, NULL, NULL);
	table_init(&tb, view_jobs.cols, view_jobs.ncols);
	model_lock();
	view_jobs.build(&tb, 1);
	table_finish(&tb);
	assert_int_equal(view_jobs_count(), 1);
	model_unlock();
	assert_int_equal(tb.nshown, 2);
	r = &tb.rows[tb.shown[0]];
	snprintf(key, sizeof key, "job:%u", queued);
	assert_string_equal(r->key, key);
	assert_string_equal(r->cells[1], "start");
	assert_string_equal(r->cells[2], "bob");
	assert_string_equal(r->cells[3], "hv1");
	assert_string_equal(r->cells[4], "queued");
	r = &tb.rows[tb.shown[1]];
	snprintf(key, sizeof key, "%u", failed);
	assert_string_equal(r->cells[0], key);
	assert_string_equal(r->cells[1], "shutdown");
	assert_string_equal(r->cells[2], "alice");
	assert_string_equal(r->cells[4], "failed");
	assert_non_null(strstr(r->cells[7], "host hv1 is gone"));
	table_set_filter(&tb, "state:fail host:hv1");
	assert_int_equal(tb.nshown, 1);
	table_free(&tb);
}

/* A second press while the first action is queued joins its job. */
static void test_second_press_joins(void **state)
{
	struct job_target t = { U_RUN, "alice", 0, "hv1" };
	unsigned queued, job = 0;
	char *cause = NULL;

	(void)state;
	t.host_id = h1;
	queued = job_new(JK_SHUTDOWN, &t, NULL, NULL);
	assert_int_equal(act_domain(U_RUN, DA_SHUTDOWN, &job, &cause), 0);
	assert_null(cause);
	assert_int_equal(job, queued);
	assert_int_equal(last_job_id(), queued);
	job_done(queued);
}

/* ---- the real engine ---- */

static int settled(const void *arg)
{
	struct m_host **hosts;
	size_t n, i;

	(void)arg;
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (!hosts[i]->inventory_done && !hosts[i]->attempted)
			return 0;
	return n > 0;
}

static unsigned host_id(const char *name)
{
	struct m_host **hosts;
	size_t n, i;
	unsigned id = 0;

	model_lock();
	hosts = model_hosts(&n);
	for (i = 0; i < n; i++)
		if (strcmp(hosts[i]->name, name) == 0)
			id = hosts[i]->id;
	model_unlock();
	return id;
}

struct want {
	const char *uuid;
	enum desktop_state state;
};

static int desktop_in(const void *arg)
{
	const struct want *w = arg;
	struct m_desktop *d = model_desktop(w->uuid);

	return d != NULL && model_desktop_state(d) == w->state;
}

static int setup_engine(void **state)
{
	(void)state;
	config_defaults(&cfg, NULL);
	act_set_read_only(0);
	return 0;
}

static int teardown_engine(void **state)
{
	(void)state;
	if (engine_running) {
		engine_stop();
		engine_running = 0;
	}
	config_free(&cfg);
	return 0;
}

static void start_engine(void)
{
	assert_int_equal(engine_start(&cfg, 0), 0);
	engine_running = 1;
	if (!wait_model(settled, NULL, SETTLE_MS))
		fail_msg("hosts did not settle within %d ms", SETTLE_MS);
}

static void add_host(const char *name, const char *uri)
{
	char *cause = NULL;

	if (config_add_host(&cfg, name, uri, ROLE_MIXED, NULL, &cause) < 0)
		fail_msg("config_add_host %s: %s", name, cause);
}

/* Act, wait for the job, then for the model to show the guest's state. */
static void act_and_see(const char *uuid, enum domain_action a,
    enum desktop_state then)
{
	struct want w = { uuid, then };
	char *cause = NULL, *e;
	unsigned job = 0;
	enum job_state s;

	if (act_domain(uuid, a, &job, &cause) < 0)
		fail_msg("%s refused: %s", act_domain_name(a), cause);
	assert_true(job > 0);
	s = job_wait(job, JOB_MS);
	if (s != JOB_DONE) {
		e = job_error(job);
		fail_msg("%s: job %u %s: %s", act_domain_name(a), job,
		    job_state_name(s), e ? e : "");
	}
	if (!wait_model(desktop_in, &w, JOB_MS))
		fail_msg("%s: the model never showed %s", act_domain_name(a),
		    model_state_name(then));
}

static char *uuid_of(const char *name)
{
	struct m_desktop **ds;
	size_t n, i;
	char *u = NULL;

	model_lock();
	ds = model_desktops(&n);
	for (i = 0; i < n; i++)
		if (strcmp(ds[i]->name, name) == 0)
			u = xstrdup(ds[i]->uuid);
	model_unlock();
	return u;
}

static void test_actions_reach_guest(void **state)
{
	char *u;

	(void)state;
	add_host("local", "test:///default");
	start_engine();
	u = uuid_of("test");
	assert_non_null(u);
	act_and_see(u, DA_PAUSE, DS_PAUSED);
	act_and_see(u, DA_RESUME, DS_RUNNING);
	act_and_see(u, DA_SHUTDOWN, DS_SHUTOFF);
	act_and_see(u, DA_START, DS_RUNNING);
	act_and_see(u, DA_FORCE_OFF, DS_SHUTOFF);
	act_and_see(u, DA_START, DS_RUNNING);
	free(u);
}

/* A desktop the model has but libvirt does not: the job fails with the
 * very text libvirt gives for it, and the events strip says so too. */
static void test_failure_has_libvirt_text(void **state)
{
	virConnectPtr c;
	virErrorPtr err;
	char *cause = NULL, *expected, *e;
	unsigned job = 0;
	const struct m_event *ev;
	size_t n, i;
	int found = 0;

	(void)state;
	add_host("local", "test:///default");
	start_engine();
	desktop(host_id("local"), U_PHANTOM, "phantom", DS_RUNNING);

	c = virConnectOpen("test:///default");
	assert_non_null(c);
	assert_null(virDomainLookupByUUIDString(c, U_PHANTOM));
	err = virGetLastError();
	assert_non_null(err);
	expected = xstrdup(err->message);
	virConnectClose(c);

	assert_int_equal(act_domain(U_PHANTOM, DA_SHUTDOWN, &job, &cause), 0);
	assert_int_equal(job_wait(job, JOB_MS), JOB_FAILED);
	e = job_error(job);
	assert_string_equal(e, expected);
	assert_false(pending(U_PHANTOM));
	model_lock();
	for (i = 0; model_event_at(i, &n) != NULL; i++) {
		ev = model_event_at(i, &n);
		found |= strstr(ev->text, "phantom: shutdown failed: ") != NULL &&
		    strstr(ev->text, expected) != NULL;
	}
	model_unlock();
	assert_true(found);
	free(e);
	free(expected);
}

/* A call queued while the host is down is drained by its worker: the job
 * fails with the reason, within a bound, instead of waiting for a
 * reconnect that may never come. */
static void test_offline_host_drains(void **state)
{
	char *cause = NULL, *e;
	unsigned ghost, job = 0;
	int64_t t0;

	(void)state;
	add_host("ghost", GHOST_URI);
	start_engine();
	ghost = host_id("ghost");
	desktop(ghost, U_RUN, "alice", DS_RUNNING);
	/* as if the connection had just been lost: the model still says
	 * online, the worker already knows better */
	model_host_set_state(ghost, HOST_ONLINE, NULL);
	t0 = util_now_ms();
	if (act_domain(U_RUN, DA_SHUTDOWN, &job, &cause) < 0)
		fail_msg("refused: %s", cause);
	assert_int_equal(job_wait(job, JOB_MS), JOB_FAILED);
	assert_true(util_now_ms() - t0 < 5000);
	e = job_error(job);
	assert_string_equal(e, "host ghost went offline before it ran");
	free(e);
	assert_false(pending(U_RUN));
}

/* Once its worker stops (shutting down, or the host removed) nothing would
 * ever serve the queue: the call is refused and the job fails at once. */
static void test_stopped_worker_refuses(void **state)
{
	char *cause = NULL;
	unsigned ghost, job = 1, id;

	(void)state;
	add_host("ghost", GHOST_URI);
	start_engine();
	ghost = host_id("ghost");
	desktop(ghost, U_RUN, "alice", DS_RUNNING);
	assert_int_equal(hosts_stop(5000), 0);
	model_host_set_state(ghost, HOST_ONLINE, NULL);
	assert_int_equal(act_domain(U_RUN, DA_SHUTDOWN, &job, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "host ghost is gone"));
	free(cause);
	id = last_job_id();
	assert_int_equal(job_wait(id, 2000), JOB_FAILED);
	assert_false(pending(U_RUN));
}

/* ---- pools: a volume made behind the model's back ----
 *
 * act_pool_refresh_sharing's jobs, waited for with act_pool_wait (no
 * sleep), make it show on every host that shares its pool. Every
 * connection to test:///default is one driver, so two hosts on it see
 * one storage, and `default-pool` is named shared in the configuration. */
#define POOL "default-pool"
#define VOL "made-behind.img"

/* Lock held. Whether host `name` lists VOL in POOL. */
static int lists(const char *name)
{
	struct m_host **hosts;
	size_t n, i, k, v;

	hosts = model_hosts(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(hosts[i]->name, name) != 0)
			continue;
		for (k = 0; k < hosts[i]->npools; k++) {
			const struct m_pool *p = hosts[i]->pools[k];

			if (strcmp(p->name, POOL) != 0)
				continue;
			for (v = 0; v < p->nvols; v++)
				if (strcmp(p->vols[v].name, VOL) == 0)
					return 1;
		}
	}
	return 0;
}

static void test_refresh_sharing(void **state)
{
	virConnectPtr c;
	virStoragePoolPtr p;
	virStorageVolPtr v;
	unsigned *jobs = NULL;
	char *cause = NULL;
	size_t n;
	int a, b;

	(void)state;
	free(cfg.shared_dir_pools);
	cfg.shared_dir_pools = xstrdup(POOL);
	add_host("a", "test:///default");
	add_host("b", "test:///default");
	start_engine();

	c = virConnectOpen("test:///default");
	assert_non_null(c);
	p = virStoragePoolLookupByName(c, POOL);
	assert_non_null(p);
	v = virStorageVolCreateXML(p, "<volume><name>" VOL "</name>"
	    "<capacity>1048576</capacity></volume>", 0);
	assert_non_null(v);
	model_lock();
	a = lists("a");
	b = lists("b");
	model_unlock();
	assert_false(a || b);	/* libvirt sent no event: nobody knows yet */

	n = act_pool_refresh_sharing(host_id("a"), POOL, &jobs);
	assert_int_equal(n, 2);
	if (act_pool_wait(jobs, n, JOB_MS, &cause) < 0)
		fail_msg("wait: %s", cause);
	free(jobs);
	model_lock();
	a = lists("a");
	b = lists("b");
	model_unlock();
	assert_true(a);
	assert_true(b);

	/* deleted: both forget it, the same way */
	assert_int_equal(virStorageVolDelete(v, 0), 0);
	n = act_pool_refresh_sharing(host_id("b"), POOL, &jobs);
	assert_int_equal(n, 2);
	assert_int_equal(act_pool_wait(jobs, n, JOB_MS, &cause), 0);
	free(jobs);
	model_lock();
	a = lists("a");
	b = lists("b");
	model_unlock();
	assert_false(a || b);

	virStorageVolFree(v);
	virStoragePoolFree(p);
	virConnectClose(c);
}

/* A refresh that never ends in time is reported, not waited on forever. */
static void test_wait_unknown(void **state)
{
	unsigned none[] = { 999999 };
	char *cause = NULL;

	(void)state;
	/* a job forgotten (or never made) is not a failure */
	assert_int_equal(act_pool_wait(none, 1, 10, &cause), 0);
	assert_null(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused_read_only, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_refused_unknown, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_refused_host_offline, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_refused_state, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_refused_live_elsewhere, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_refused_placement, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_check_allows, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_refused_parent, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_no_worker_fails_job, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_second_press_joins, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_jobs_pane, setup_model, teardown_model),
		cmocka_unit_test_setup_teardown(test_actions_reach_guest, setup_engine, teardown_engine),
		cmocka_unit_test_setup_teardown(test_failure_has_libvirt_text, setup_engine, teardown_engine),
		cmocka_unit_test_setup_teardown(test_offline_host_drains, setup_engine, teardown_engine),
		cmocka_unit_test_setup_teardown(test_stopped_worker_refuses, setup_engine, teardown_engine),
		cmocka_unit_test_setup_teardown(test_refresh_sharing, setup_engine, teardown_engine),
		cmocka_unit_test(test_wait_unknown),
	};

	return cmocka_run_group_tests_name("act", tests, NULL, NULL);
}
