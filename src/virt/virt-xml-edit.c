/* virt-xml-edit.c — a new domain's XML from a template desktop's: the
 * tree is edited with libxml2 node calls, so names, paths and quotes in
 * them can never break out of the element they belong to. */
#include "virt/virt-xml-edit.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/random.h>

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

/* ---- what each copy must have of its own ---- */

/* The copy's own file beside the template's: in path's directory, the
 * file name's leading template name (old) replaced by name, or name and
 * a '-' put before a file name that does not start with it. Names are
 * unique across the cluster and hold no '/', so no two copies share a
 * result. Caller frees. */
static char *own_path(const char *path, const char *old, const char *name)
{
	const char *base = strrchr(path, '/');
	size_t dir = base != NULL ? (size_t)(base + 1 - path) : 0;
	size_t n = strlen(old);

	base = path + dir;
	if (n > 0 && strncmp(base, old, n) == 0)
		return xasprintf("%.*s%s%s", (int)dir, path, name, base + n);
	return xasprintf("%.*s%s-%s", (int)dir, path, name, base);
}

/* Attribute an of n, when set, made the copy's own path. */
static void own_attr(xmlNodePtr n, const char *an, const char *old,
    const char *name)
{
	char *v = attr(n, an), *mine;

	if (v == NULL || *v == '\0') {
		free(v);
		return;
	}
	mine = own_path(v, old, name);
	xmlSetProp(n, (const xmlChar *)an, (const xmlChar *)mine);
	free(mine);
	free(v);
}

static int is_chardev(xmlNodePtr n)
{
	return is_elem(n, "serial") || is_elem(n, "console") ||
	    is_elem(n, "parallel") || is_elem(n, "channel");
}

/* A character device's files: its log, and its source when that is a
 * file, a unix socket or a pipe the domain makes (a host device, a tty,
 * is shared on purpose and kept). A <console> that mirrors <serial>
 * holds the same paths and gets the same new ones. */
static void own_chardev(xmlNodePtr dev, const char *old, const char *name)
{
	char *type = attr(dev, "type");
	int made = type != NULL && (strcmp(type, "file") == 0 ||
	    strcmp(type, "unix") == 0 || strcmp(type, "pipe") == 0);
	xmlNodePtr n;

	for (n = dev->children; n != NULL; n = n->next) {
		if (is_elem(n, "log"))
			own_attr(n, "file", old, name);
		else if (made && is_elem(n, "source"))
			own_attr(n, "path", old, name);
	}
	free(type);
}

/* Remove every child node of n (text and elements). */
static void empty(xmlNodePtr n)
{
	xmlNodePtr c, next;

	for (c = n->children; c != NULL; c = next) {
		next = c->next;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
}

/* The template's NVRAM (UEFI variables) is its own: the copy keeps the
 * firmware's template (<nvram template=>) and loses the path, so libvirt
 * names a file of its own and fills it from that template at the first
 * start (libvirt 9.0: NVRAM_DIR/NAME_VARS.fd). */
static void own_nvram(xmlNodePtr root)
{
	xmlNodePtr nv = child(child(root, "os"), "nvram");

	if (nv == NULL)
		return;
	empty(nv);
	xmlUnsetProp(nv, (const xmlChar *)"type");
}

/* A TPM emulator's state is the domain's own (libvirt keeps it by UUID,
 * which the copy does not have): no shared state path, no secret that
 * encrypted the template's state. */
static void own_tpm(xmlNodePtr tpm)
{
	xmlNodePtr be = child(tpm, "backend");
	char *type = attr(be, "type");

	if (type != NULL && strcmp(type, "emulator") == 0) {
		remove_children(be, "encryption");
		remove_children(be, "source");
	}
	free(type);
}

/* A fresh password of len - 1 letters and digits, from getrandom. */
static int fresh_password(char *out, size_t len, char **cause)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char buf[64];
	size_t i = 0, k;
	ssize_t got;

	while (i + 1 < len) {
		if ((got = getrandom(buf, sizeof buf, 0)) < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			*cause = xasprintf("no random password: %s", strerror(errno));
			return -1;
		}
		/* 248 = 4 * 62: every character equally likely */
		for (k = 0; k < (size_t)got && i + 1 < len; k++)
			if (buf[k] < 248)
				out[i++] = set[buf[k] % 62];
	}
	out[i] = '\0';
	explicit_bzero(buf, sizeof buf);
	return 0;
}

/* A graphics password is never copied: a copy of a template that has one
 * gets a fresh one of its own, 8 characters for VNC (the protocol's DES
 * key; libvirt refuses more), 16 for SPICE. */
static int own_password(xmlNodePtr g, char **cause)
{
	char pw[17], *type = attr(g, "type");
	xmlChar *old = xmlGetProp(g, (const xmlChar *)"passwd");
	size_t len = type != NULL && strcmp(type, "vnc") == 0 ? 9 : sizeof pw;

	free(type);
	if (old == NULL)
		return 0;
	explicit_bzero(old, strlen((const char *)old));
	xmlFree(old);
	if (fresh_password(pw, len, cause) < 0)
		return -1;
	xmlSetProp(g, (const xmlChar *)"passwd", (const xmlChar *)pw);
	explicit_bzero(pw, sizeof pw);
	return 0;
}

/* SMBIOS must give the domain's UUID, which libvirt makes anew. */
static void own_sysinfo(xmlNodePtr root)
{
	xmlNodePtr si, sys, n, next;
	char *name;

	for (si = root->children; si != NULL; si = si->next) {
		if (!is_elem(si, "sysinfo") || (sys = child(si, "system")) == NULL)
			continue;
		for (n = sys->children; n != NULL; n = next) {
			next = n->next;
			name = is_elem(n, "entry") ? attr(n, "name") : NULL;
			if (name != NULL && strcmp(name, "uuid") == 0) {
				xmlUnlinkNode(n);
				xmlFreeNode(n);
			}
			free(name);
		}
	}
}

/* Every device of the copy that must not be the template's: MACs and
 * host-side interface names (libvirt makes new ones), character devices'
 * files, TPM state, graphics passwords. */
static int own_devices(xmlNodePtr devices, const char *old, const char *name,
    char **cause)
{
	xmlNodePtr n;

	for (n = devices != NULL ? devices->children : NULL; n != NULL;
	    n = n->next) {
		if (is_elem(n, "interface")) {
			remove_children(n, "mac");
			remove_children(n, "target");
		} else if (is_chardev(n)) {
			own_chardev(n, old, name);
		} else if (is_elem(n, "tpm")) {
			own_tpm(n);
		} else if (is_elem(n, "graphics") && own_password(n, cause) < 0) {
			return -1;
		}
	}
	return 0;
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
		    "volume can be derived or moved", nd->target,
		    type != NULL ? type : "?");
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
	char *old;
	int rc;

	if (!is_elem(root, "domain") || (n = child(root, "name")) == NULL) {
		*cause = xstrdup("not a libvirt domain: no <domain> with a <name>");
		return -1;
	}
	old = (char *)xmlNodeGetContent(n);
	xmlNodeSetContent(n, NULL);
	xmlNodeAddContent(n, (const xmlChar *)name);    /* escaped by libxml2 */
	remove_children(root, "uuid");
	own_sysinfo(root);
	own_nvram(root);
	devices = child(root, "devices");
	rc = own_devices(devices, old != NULL ? old : "", name, cause);
	xmlFree(old);
	if (rc < 0)
		return -1;
	if ((disk = find_disk(devices, nd->target)) == NULL) {
		*cause = xasprintf("the domain has no disk %s", nd->target);
		return -1;
	}
	return set_disk(disk, nd, cause);
}

/* Parse xml, run edit on its tree, write it back into *out. */
static int edit_domain(const char *xml, const char *name,
    const struct xml_new_disk *nd,
    int (*edit)(xmlDocPtr, const char *, const struct xml_new_disk *, char **),
    char **out, char **cause)
{
	xmlDocPtr doc;
	xmlChar *mem = NULL;
	int len = 0, rc;

	*out = NULL;
	if (xml == NULL || strlen(xml) > INT_MAX ||
	    (doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) == NULL) {
		*cause = xstrdup(name != NULL ? "the template's XML is not "
		    "well formed" : "the domain's XML is not well formed");
		return -1;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		*cause = xstrdup("<!DOCTYPE> is not allowed in libvirt XML");
		rc = -1;
	} else if ((rc = edit(doc, name, nd, cause)) == 0) {
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

static int moved(xmlDocPtr doc, const char *name,
    const struct xml_new_disk *nd, char **cause)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), disk;

	(void)name;
	if (!is_elem(root, "domain")) {
		*cause = xstrdup("not a libvirt domain: no <domain>");
		return -1;
	}
	if ((disk = find_disk(child(root, "devices"), nd->target)) == NULL) {
		*cause = xasprintf("the domain has no disk %s", nd->target);
		return -1;
	}
	/* a running copy's <mirror> belongs to the job, not the definition */
	remove_children(disk, "mirror");
	return set_disk(disk, nd, cause);
}

int virtxml_domain_move_disk(const char *xml, const struct xml_new_disk *disk,
    char **out, char **cause)
{
	return edit_domain(xml, NULL, disk, moved, out, cause);
}

int virtxml_domain_renew(const char *xml, const char *name,
    const struct xml_new_disk *disk, char **out, char **cause)
{
	return edit_domain(xml, name, disk, renew, out, cause);
}

static xmlDocPtr read_doc(const char *xml)
{
	if (xml == NULL || strlen(xml) > INT_MAX)
		return NULL;
	return xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Put cpu (a node of doc) where the old <cpu> was, else after <vcpu>,
 * else last: libvirt reads the elements in any order. */
static void place_cpu(xmlNodePtr root, xmlNodePtr cpu)
{
	xmlNodePtr old = child(root, "cpu"), vcpu = child(root, "vcpu");

	if (old != NULL) {
		xmlReplaceNode(old, cpu);
		xmlFreeNode(old);
	} else if (vcpu != NULL) {
		xmlAddNextSibling(vcpu, cpu);
	} else {
		xmlAddChild(root, cpu);
	}
}

int virtxml_domain_set_cpu(const char *xml, const char *cpu_xml, char **out,
    char **cause)
{
	xmlDocPtr doc, cdoc;
	xmlNodePtr root, croot, copy;
	xmlChar *mem = NULL;
	int len = 0, rc = -1;

	*out = NULL;
	if ((doc = read_doc(xml)) == NULL ||
	    !is_elem(root = xmlDocGetRootElement(doc), "domain")) {
		*cause = xstrdup("the desktop's XML is not a domain");
		xmlFreeDoc(doc);
		return -1;
	}
	if ((cdoc = read_doc(cpu_xml)) == NULL ||
	    !is_elem(croot = xmlDocGetRootElement(cdoc), "cpu")) {
		*cause = xstrdup("the new CPU is not a <cpu> element");
		goto out;
	}
	copy = xmlDocCopyNode(croot, doc, 1);
	place_cpu(root, copy);
	xmlDocDumpFormatMemory(doc, &mem, &len, 0);
	if (mem == NULL) {
		*cause = xstrdup("cannot write the new XML");
		goto out;
	}
	*out = xstrdup((const char *)mem);
	rc = 0;
out:
	xmlFree(mem);
	xmlFreeDoc(cdoc);
	xmlFreeDoc(doc);
	return rc;
}

char *virtxml_cpu_custom(const char *model)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"cpu"), m;
	xmlBufferPtr buf = xmlBufferCreate();
	char *out;

	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, (const xmlChar *)"mode", (const xmlChar *)"custom");
	xmlNewProp(root, (const xmlChar *)"match", (const xmlChar *)"exact");
	m = xmlNewTextChild(root, NULL, (const xmlChar *)"model",
	    (const xmlChar *)model);
	xmlNewProp(m, (const xmlChar *)"fallback", (const xmlChar *)"forbid");
	xmlNodeDump(buf, doc, root, 0, 0);
	out = xstrdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
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

char *virtxml_disk_file(const char *path, const char *format)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"disk"), n;
	xmlChar *mem = NULL;
	char *out;
	int len = 0;

	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, (const xmlChar *)"type", (const xmlChar *)"file");
	n = xmlNewChild(root, NULL, (const xmlChar *)"source", NULL);
	xmlNewProp(n, (const xmlChar *)"file", (const xmlChar *)path);
	n = xmlNewChild(root, NULL, (const xmlChar *)"driver", NULL);
	xmlNewProp(n, (const xmlChar *)"type", (const xmlChar *)format);
	xmlDocDumpFormatMemory(doc, &mem, &len, 0);
	out = xstrdup(mem != NULL ? (const char *)mem : "");
	xmlFree(mem);
	xmlFreeDoc(doc);
	return out;
}
