/* virt-ref.h — libvirt object references that may be NULL, dropped in one
 * call: the cleanup tail of every function that looked objects up (a
 * lookup that failed left NULL, and libvirt's frees refuse NULL with an
 * error of their own). */
#ifndef HVDECK_VIRT_REF_H
#define HVDECK_VIRT_REF_H

#include <libvirt/libvirt.h>

static inline void virt_dom_unref(virDomainPtr d)
{
	if (d != NULL)
		virDomainFree(d);
}

static inline void virt_vol_unref(virStorageVolPtr v)
{
	if (v != NULL)
		virStorageVolFree(v);
}

static inline void virt_pool_unref(virStoragePoolPtr p)
{
	if (p != NULL)
		virStoragePoolFree(p);
}

#endif
