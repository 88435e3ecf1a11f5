/* virt-xml-edit.c — a new domain's XML from a template desktop's: the
 * tree is edited with libxml2 node calls, so names, paths and quotes in
 * them can never break out of the element they belong to. */
#include "virt/virt-xml-edit.h"
#include "core/util.h"

#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static int is_elem(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

/* First child element called name, or NULL. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	for (n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
		if (is_elem(n, name))
			return n;
	return NULL;
}

/* Remove every child element called name (and the blank text before it,
 * so the output keeps its indentation). */
static void remove_children(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = parent->children, next, blank;

	for (; n != NULL; n = next) {
		next = n->next;
		if (!is_elem(n, name))
			continue;
		if ((blank = n->prev) != NULL && xmlIsBlankNode(blank)) {
			xmlUnlinkNode(blank);
			xmlFreeNode(blank);
		}
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
}

static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = n != NULL ? xmlGetProp(n, (const xmlChar *)name) : NULL;
	char *s = v != NULL ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* The <disk> under devices whose <target dev=> is target. */
static xmlNodePtr find_disk(xmlNodePtr devices, const char *target)
{
	xmlNodePtr n;
	char *dev;
	int same;

	for (n = devices != NULL ? devices->children : NULL; n != NULL; n = n->next) {
		if (!is_elem(n, "disk"))
			continue;
		dev = attr(child(n, "target"), "dev");
		same = dev != NULL && strcmp(dev, target) == 0;
		free(dev);
		if (same)
			return n;
	}
	return NULL;
}

/* Point disk at the new volume: a fresh <source> in place of the old one
 * (whose attributes — index, startupPolicy — belonged to the old image). */
static int set_disk(xmlNodePtr disk, const struct xml_new_disk *nd,
    char **cause)
{
	char *type = attr(disk, "type");
	xmlNodePtr src = child(disk, "source"), fresh, drv;
	int rc = 0;

	fresh = xmlNewNode(NULL, (const xmlChar *)"source");
	if (type != NULL && strcmp(type, "volume") == 0 && nd->pool != NULL) {
		xmlNewProp(fresh, (const xmlChar *)"pool", (const xmlChar *)nd->pool);
		xmlNewProp(fresh, (const xmlChar *)"volume",
		    (const xmlChar *)nd->volume);
	} else if (type != NULL && strcmp(type, "file") == 0 && nd->path != NULL) {
		xmlNewProp(fresh, (const xmlChar *)"file", (const xmlChar *)nd->path);
	} else {
		*cause = xasprintf("disk %s is of type %s: only a file or a pool "
		    "volume can be derived", nd->target, type != NULL ? type : "?");
		xmlFreeNode(fresh);
		rc = -1;
		goto out;
	}
	if (src != NULL) {
		xmlReplaceNode(src, fresh);
		xmlFreeNode(src);
	} else {
		xmlAddChild(disk, fresh);
	}
	remove_children(disk, "backingStore");
	if ((drv = child(disk, "driver")) == NULL) {
		drv = xmlNewNode(NULL, (const xmlChar *)"driver");
		xmlNewProp(drv, (const xmlChar *)"name", (const xmlChar *)"qemu");
		xmlAddPrevSibling(fresh, drv);
	}
	xmlSetProp(drv, (const xmlChar *)"type", (const xmlChar *)nd->format);
out:
	free(type);
	return rc;
}

static int renew(xmlDocPtr doc, const char *name,
    const struct xml_new_disk *nd, char **cause)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), devices, n, disk;

	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		*cause = xstrdup("<!DOCTYPE> is not allowed in libvirt XML");
		return -1;
	}
	if (!is_elem(root, "domain") || (n = child(root, "name")) == NULL) {
		*cause = xstrdup("not a libvirt domain: no <domain> with a <name>");
		return -1;
	}
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContent(n, (const xmlChar *)name);    /* escaped by libxml2 */
	remove_children(root, "uuid");
	devices = child(root, "devices");
	for (n = devices != NULL ? devices->children : NULL; n != NULL; n = n->next)
		if (is_elem(n, "interface"))
			remove_children(n, "mac");
	if ((disk = find_disk(devices, nd->target)) == NULL) {
		*cause = xasprintf("the domain has no disk %s", nd->target);
		return -1;
	}
	return set_disk(disk, nd, cause);
}

int virtxml_domain_renew(const char *xml, const char *name,
    const struct xml_new_disk *disk, char **out, char **cause)
{
	xmlDocPtr doc;
	xmlChar *mem = NULL;
	int len = 0, rc;

	*out = NULL;
	if (xml == NULL || strlen(xml) > INT_MAX ||
	    (doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) == NULL) {
		*cause = xstrdup("the template's XML is not well formed");
		return -1;
	}
	if ((rc = renew(doc, name, disk, cause)) == 0) {
		xmlDocDumpFormatMemory(doc, &mem, &len, 0);
		if (mem == NULL) {
			*cause = xstrdup("cannot write the new XML");
			rc = -1;
		} else {
			*out = xstrdup((const char *)mem);
		}
	}
	xmlFree(mem);
	xmlFreeDoc(doc);
	return rc;
}

char *virtxml_volume_new(const char *name, unsigned long long capacity,
    const char *format)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"volume"), n, t;
	xmlChar *mem = NULL;
	char num[32];
	char *out;
	int len = 0;

	xmlDocSetRootElement(doc, root);
	xmlNewTextChild(root, NULL, (const xmlChar *)"name", (const xmlChar *)name);
	snprintf(num, sizeof num, "%llu", capacity);
	n = xmlNewTextChild(root, NULL, (const xmlChar *)"capacity",
	    (const xmlChar *)num);
	xmlNewProp(n, (const xmlChar *)"unit", (const xmlChar *)"bytes");
	t = xmlNewChild(root, NULL, (const xmlChar *)"target", NULL);
	n = xmlNewChild(t, NULL, (const xmlChar *)"format", NULL);
	xmlNewProp(n, (const xmlChar *)"type", (const xmlChar *)format);
	xmlDocDumpFormatMemory(doc, &mem, &len, 1);
	out = xstrdup(mem != NULL ? (const char *)mem : "");
	xmlFree(mem);
	xmlFreeDoc(doc);
	return out;
}
