/* pool-share.c — the share key of a pool: what identifies its storage.
 * A target path does not: local pools of different hosts often share one
 * (/var/lib/libvirt/images). A network pool's source does; a dir pool is
 * shared only by the operator's word, the configured pool names. */
#include "act/pool-share.h"
#include "core/util.h"
#include "core/text.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A dir pool name counted as shared, and the setting that says so. */
struct shared_name {
	char *name;
	const char *setting;
};

static struct shared_name *names;
static size_t nnames;

/* Network pool types and the <source> parts that name their storage,
 * besides the (first) source host: "TYPE HOST:PART[:PART]". */
static const struct share_rule {
	const char *type;
	size_t part[2];          /* offsets of char * in struct xml_pool; 0: none */
	int path[2];             /* the part is a path: normalised */
} rules[] = {
	{ "netfs", { offsetof(struct xml_pool, source_dir), 0 }, { 1, 0 } },
	{ "gluster", { offsetof(struct xml_pool, source_name),
	    offsetof(struct xml_pool, source_dir) }, { 0, 1 } },
	{ "iscsi", { offsetof(struct xml_pool, source_device), 0 }, { 0, 0 } },
	{ "iscsi-direct", { offsetof(struct xml_pool, source_device), 0 }, { 0, 0 } },
	{ "rbd", { offsetof(struct xml_pool, source_name), 0 }, { 0, 0 } },
};
#define NRULES (sizeof rules / sizeof rules[0])

static void add_name(const char *name, const char *setting)
{
	names = xreallocarray(names, nnames + 1, sizeof *names);
	names[nnames].name = xstrdup(name);
	names[nnames++].setting = setting;
}

void pool_share_configure(const struct config *cfg)
{
	char *list, *tok, *save = NULL;
	size_t i;

	for (i = 0; i < nnames; i++)
		free(names[i].name);
	free(names);
	names = NULL;
	nnames = 0;
	if (cfg == NULL)
		return;
	add_name(cfg->pool_bases, "pool_bases");
	add_name(cfg->pool_templates, "pool_templates");
	add_name(cfg->pool_groups, "pool_groups");
	list = xstrdup(cfg->shared_dir_pools != NULL ? cfg->shared_dir_pools : "");
	for (tok = strtok_r(list, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save))
		add_name(tok, "shared_dir_pools");
	free(list);
}

static const struct shared_name *shared_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < nnames; i++)
		if (strcmp(names[i].name, name) == 0)
			return &names[i];
	return NULL;
}

/* Host names compare without case; paths lexically normalised. */
static char *lower(const char *s)
{
	char *out = xstrdup(s), *p;

	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static const char *part_of(const struct xml_pool *x, size_t off)
{
	return *(char *const *)(const void *)((const char *)x + off);
}

static char *network_key(const struct xml_pool *x, const struct share_rule *r,
    char **basis)
{
	char *host, *p[2] = { NULL, NULL }, *key;
	size_t i;

	if (x->source_host == NULL || part_of(x, r->part[0]) == NULL) {
		*basis = xasprintf("local: a %s pool without its source", r->type);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		const char *v = r->part[i] != 0 ? part_of(x, r->part[i]) : NULL;

		if (v != NULL)
			p[i] = r->path[i] ? text_normalise_path(v) : xstrdup(v);
	}
	host = lower(x->source_host);
	key = xasprintf("%s %s:%s%s%s", r->type, host, p[0], p[1] ? ":" : "",
	    p[1] ? p[1] : "");
	*basis = xasprintf("shared: %s source %s:%s%s%s", r->type, host, p[0],
	    p[1] ? ":" : "", p[1] ? p[1] : "");
	free(host);
	free(p[0]);
	free(p[1]);
	return key;
}

char *pool_share_key(const struct xml_pool *x, char **basis)
{
	const struct shared_name *sn;
	char *path, *key;
	size_t i;

	for (i = 0; x->type != NULL && i < NRULES; i++)
		if (strcmp(rules[i].type, x->type) == 0)
			return network_key(x, &rules[i], basis);
	if (x->type == NULL || strcmp(x->type, "dir") != 0) {
		*basis = xasprintf("local: %s pools are storage of one host",
		    x->type != NULL ? x->type : "untyped");
		return NULL;
	}
	sn = shared_name(x->name);
	if (sn == NULL || x->target_path == NULL) {
		*basis = xstrdup(sn == NULL ? "local: a dir pool not named in "
		    "pool_bases, pool_templates, pool_groups or shared_dir_pools" :
		    "local: a dir pool without a target path");
		return NULL;
	}
	path = text_normalise_path(x->target_path);
	key = xasprintf("dir %s", path);
	*basis = xasprintf("shared: dir pool named in %s, at %s", sn->setting, path);
	free(path);
	return key;
}
