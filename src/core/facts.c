/* facts.c — releasing the plain facts of facts.h. */
#include "core/facts.h"
#include "core/util.h"

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

/* The parts of a key, in order; a newline never occurs in the first four
 * (names and paths libvirt accepts), the <cpu> element comes last. */
#define KEY_PARTS 5

/* A part of a key: "" for none, and for one with a newline, which
 * would split the key elsewhere (libvirt then takes its default). */
static const char *key_part(const char *s)
{
	return s == NULL || strchr(s, '\n') != NULL ? "" : s;
}

char *facts_cpu_key(const char *virt_type, const char *arch,
    const char *machine, const char *emulator, const char *cpu_xml)
{
	if (cpu_xml == NULL)
		return NULL;
	return xasprintf("%s\n%s\n%s\n%s\n%s", key_part(virt_type),
	    key_part(arch), key_part(machine), key_part(emulator), cpu_xml);
}

int facts_cpu_parse(const char *key, struct facts_cpu *out)
{
	char *parts[KEY_PARTS] = { NULL };
	const char *p = key, *nl;
	size_t i;

	memset(out, 0, sizeof *out);
	if (key == NULL)
		return -1;
	for (i = 0; i < KEY_PARTS - 1; i++) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		parts[i] = nl > p ? xstrndup(p, (size_t)(nl - p)) : NULL;
		p = nl + 1;
	}
	if (i < KEY_PARTS - 1 || *p == '\0') {
		for (i = 0; i < KEY_PARTS; i++)
			free(parts[i]);
		return -1;
	}
	out->virt_type = parts[0];
	out->arch = parts[1];
	out->machine = parts[2];
	out->emulator = parts[3];
	out->cpu_xml = xstrdup(p);
	return 0;
}

void facts_cpu_free(struct facts_cpu *d)
{
	free(d->virt_type);
	free(d->arch);
	free(d->machine);
	free(d->emulator);
	free(d->cpu_xml);
	memset(d, 0, sizeof *d);
}
