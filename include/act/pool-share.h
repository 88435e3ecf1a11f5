/* pool-share.h — which storage pools are one storage seen through several
 * hosts. A pool's "share key" names the storage itself: the network source
 * of a netfs, gluster, iscsi or rbd pool, or the directory of a dir pool
 * the configuration names as shared (pool_bases, pool_templates,
 * pool_groups, shared_dir_pools). Pools of different hosts with the same
 * key are one pool: one row in the pools pane, and a refresh of one is
 * followed on the others. Every other pool is local to its host, whatever
 * its target path (every host's `default` is at /var/lib/libvirt/images). */
#ifndef HVDECK_POOL_SHARE_H
#define HVDECK_POOL_SHARE_H

#include "core/config.h"
#include "virt/virt-xml.h"

/* Take the shared dir pool names from cfg (copies). Call before host
 * workers start: the names are read without a lock afterwards. NULL
 * forgets them all. */
void pool_share_configure(const struct config *cfg);

/* The share key of a parsed pool, NULL when it is local; *basis is always
 * set to why, for humans ("netfs source nas1:/export/vdi", "local: ...").
 * Caller frees the key and *basis. */
char *pool_share_key(const struct xml_pool *x, char **basis);

#endif
