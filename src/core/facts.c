/* facts.c — releasing the plain facts of facts.h. */
#include "core/facts.h"

#include <stdlib.h>
#include <string.h>

void facts_caps_free(struct xml_caps *c)
{
	if (c == NULL)
		return;
	free(c->host_uuid);
	free(c->arch);
	free(c->cpu_model);
	free(c->cpu_vendor);
	free(c->guests);
	memset(c, 0, sizeof *c);
}

static void disk_free(struct xml_disk *d)
{
	size_t i;

	free(d->device);
	free(d->type);
	free(d->cache);
	free(d->target);
	free(d->bus);
	free(d->format);
	free(d->source);
	for (i = 0; i < d->nbacking; i++)
		free(d->backing[i]);
	free(d->backing);
}

static void nic_free(struct xml_nic *n)
{
	free(n->type);
	free(n->mac);
	free(n->source);
	free(n->model);
	free(n->target);
}

void facts_domain_free(struct xml_domain *d)
{
	size_t i;

	if (d == NULL)
		return;
	free(d->name);
	free(d->uuid);
	free(d->title);
	free(d->description);
	free(d->os_kernel);
	free(d->cpu_key);
	for (i = 0; i < d->ndisks; i++)
		disk_free(&d->disks[i]);
	free(d->disks);
	for (i = 0; i < d->nnics; i++)
		nic_free(&d->nics[i]);
	free(d->nics);
	for (i = 0; i < d->ngraphics; i++) {
		free(d->graphics[i].type);
		free(d->graphics[i].listen);
	}
	free(d->graphics);
	memset(d, 0, sizeof *d);
}
