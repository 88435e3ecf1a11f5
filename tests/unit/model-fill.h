/* model-fill.h — for unit tests that need a model filled by hand (no
 * libvirt): hosts, desktops and a pool of volumes. Header-only (static
 * functions) so each test stays one translation unit. */
#ifndef HVDECK_TEST_MODEL_FILL_H
#define HVDECK_TEST_MODEL_FILL_H

#include <string.h>

#include "core/model.h"
#include "core/util.h"

/* A fresh model with hosts hv1 and hv2, online. */
static void fill_hosts(unsigned *h1, unsigned *h2)
{
	struct config_host a = { .name = (char *)"hv1", .uri = (char *)"test:///default" };
	struct config_host b = { .name = (char *)"hv2", .uri = (char *)"test:///default" };

	model_init();
	*h1 = model_host_add(&a);
	*h2 = model_host_add(&b);
	model_host_set_state(*h1, HOST_ONLINE, NULL);
	model_host_set_state(*h2, HOST_ONLINE, NULL);
}

static void fill_desktop(unsigned host, const char *uuid, const char *name,
    enum desktop_state state)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	model_desktop_seen(host, uuid, name, state, 1, 1, &x);
}

/* Pool "bases" at /nfs/bases with deb.qcow2 and tmpl.qcow2 backed by it. */
static void fill_bases(unsigned host)
{
	struct m_pool info;
	struct m_volume *v = xcalloc(2, sizeof *v);

	memset(&info, 0, sizeof info);
	info.name = (char *)"bases";
	info.target_path = (char *)"/nfs/bases";
	info.type = (char *)"dir";
	v[0].name = xstrdup("deb.qcow2");
	v[0].path = xstrdup("/nfs/bases/deb.qcow2");
	v[1].name = xstrdup("tmpl.qcow2");
	v[1].path = xstrdup("/nfs/bases/tmpl.qcow2");
	v[1].backing_path = xstrdup("/nfs/bases/deb.qcow2");
	model_pool_seen(host, &info, v, 2);
}

#endif
