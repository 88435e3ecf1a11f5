/* model-fill.h — for unit tests that need a model filled by hand (no
 * libvirt): hosts, desktops and a pool of volumes. Header-only (static
 * inline: a test uses only some) so each test stays one translation unit. */
#ifndef HVDECK_TEST_MODEL_FILL_H
#define HVDECK_TEST_MODEL_FILL_H

#include <string.h>

#include "core/model.h"
#include "core/util.h"

/* Host `name` added to the model (already initialised), online: its id. */
static inline unsigned fill_host(const char *name)
{
	struct config_host c = { .name = (char *)name, .uri = (char *)"test:///default" };
	unsigned id = model_host_add(&c);

	model_host_set_state(id, HOST_ONLINE, NULL);
	return id;
}

/* A fresh model with hosts hv1 and hv2, online. */
static inline void fill_hosts(unsigned *h1, unsigned *h2)
{
	model_init();
	*h1 = fill_host("hv1");
	*h2 = fill_host("hv2");
}

static inline void fill_desktop(unsigned host, const char *uuid, const char *name,
    enum desktop_state state)
{
	struct xml_domain x;

	memset(&x, 0, sizeof x);
	model_desktop_seen(host, uuid, name, state, 1, 1, &x);
}

/* Pool "bases" at /nfs/bases with deb.qcow2 and tmpl.qcow2 backed by it. */
static inline void fill_bases(unsigned host)
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
