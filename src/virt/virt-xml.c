/* virt-xml.c — facts from libvirt domain, volume and pool XML.
 *
 * libxml2 parses, XPath (relative to the root element) finds; nothing here
 * searches XML as text. Policy, beyond what virt-xml.h promises:
 *  - No network, no DTD loading, no entity substitution. A document with a
 *    <!DOCTYPE> is refused: libvirt never writes one, and without it no
 *    entity can expand into a billion laughs when text is read back.
 *  - A number that is not plain decimal, overflows, or has an unknown unit
 *    becomes 0 (ports: -1) and the parse still succeeds: one odd field must
 *    not hide a whole desktop from the operator.
 *  - Units follow libvirt's virScaleInteger: "b"/"bytes", k M G T P E with
 *    an optional "iB" are powers of 1024, the same letters followed by "B"
 *    are powers of 1000, case-insensitive. Memory is reported in KiB
 *    (rounded up, like libvirt), volume sizes in bytes.
 *  - Text comes through as stored: UTF-8, tabs, newlines and C1 controls
 *    included. XML 1.0 cannot carry other C0 controls (&#x1; is an error).
 *  - On -1 the output struct is left zeroed, so its _free() is harmless. */
#include "virt/virt-xml.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

/* A parsed document and an XPath context over it. */
struct xp {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlNodePtr root;
};

static void set_cause(char **cause, char *msg)
{
	if (cause != NULL)
		*cause = msg;
	else
		free(msg);
}

/* libxml2's own message for the last failure, as "line N: text". */
static char *parse_error(void)
{
	const xmlError *e = xmlGetLastError();
	char *msg, *end;

	if (e == NULL || e->message == NULL)
		return xstrdup("XML is not well formed");
	msg = xasprintf("XML line %d: %s", e->line, e->message);
	end = msg + strlen(msg);
	while (end > msg && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	return msg;
}

static void xp_close(struct xp *x)
{
	if (x->ctx != NULL)
		xmlXPathFreeContext(x->ctx);
	if (x->doc != NULL)
		xmlFreeDoc(x->doc);
	x->ctx = NULL;
	x->doc = NULL;
	x->root = NULL;
}

static int xp_open(struct xp *x, const char *xml, const char *root_name,
    char **cause)
{
	size_t len;
	xmlNodePtr root;

	memset(x, 0, sizeof *x);
	if (xml == NULL || *xml == '\0') {
		set_cause(cause, xstrdup("empty XML document"));
		return -1;
	}
	len = strlen(xml);
	if (len > INT_MAX) {
		set_cause(cause, xstrdup("XML document too large"));
		return -1;
	}
	xmlResetLastError();
	x->doc = xmlReadMemory(xml, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x->doc == NULL) {
		set_cause(cause, parse_error());
		return -1;
	}
	if (x->doc->intSubset != NULL || x->doc->extSubset != NULL) {
		set_cause(cause, xstrdup("<!DOCTYPE> is not allowed in libvirt XML"));
		goto fail;
	}
	root = xmlDocGetRootElement(x->doc);
	if (root == NULL) {
		set_cause(cause, xstrdup("XML has no root element"));
		goto fail;
	}
	if (root->ns != NULL || strcmp((const char *)root->name, root_name) != 0) {
		set_cause(cause, xasprintf("expected <%s> as the root element, "
		    "found <%s%s%s>", root_name,
		    root->ns != NULL && root->ns->prefix != NULL ?
		    (const char *)root->ns->prefix : "",
		    root->ns != NULL && root->ns->prefix != NULL ? ":" : "",
		    (const char *)root->name));
		goto fail;
	}
	x->ctx = xmlXPathNewContext(x->doc);
	if (x->ctx == NULL) {
		set_cause(cause, xstrdup("cannot create an XPath context"));
		goto fail;
	}
	x->root = root;
	return 0;

fail:
	xp_close(x);
	return -1;
}

/* Evaluate expr with `at` as the context node. The caller frees the result
 * with xmlXPathFreeObject(); it may be NULL. */
static xmlXPathObjectPtr xp_eval(struct xp *x, xmlNodePtr at, const char *expr)
{
	x->ctx->node = at;
	return xmlXPathEvalExpression((const xmlChar *)expr, x->ctx);
}

static size_t xp_count(xmlXPathObjectPtr obj)
{
	if (obj == NULL || obj->type != XPATH_NODESET || obj->nodesetval == NULL)
		return 0;
	return (size_t)obj->nodesetval->nodeNr;
}

/* First node matching expr, or NULL. Owned by the document. */
static xmlNodePtr xp_node(struct xp *x, xmlNodePtr at, const char *expr)
{
	xmlXPathObjectPtr obj = xp_eval(x, at, expr);
	xmlNodePtr n = NULL;

	if (xp_count(obj) > 0)
		n = obj->nodesetval->nodeTab[0];
	xmlXPathFreeObject(obj);
	return n;
}

/* Text of the first node matching expr (attribute value or element text),
 * as a heap copy the caller frees; "" when present but empty, NULL when
 * absent. Entities cannot expand here: documents with a DTD are refused. */
static char *xp_str(struct xp *x, xmlNodePtr at, const char *expr)
{
	xmlNodePtr n = xp_node(x, at, expr);
	xmlChar *c;
	char *s;

	if (n == NULL)
		return NULL;
	c = xmlNodeGetContent(n);
	s = xstrdup(c != NULL ? (const char *)c : "");
	xmlFree(c);
	return s;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Plain decimal only, optionally padded with XML whitespace: strtoull alone
 * would take signs ("-1" wraps), leading blanks and trailing junk. */
static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL)
		return -1;
	while (is_xml_space(*s))
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	while (is_xml_space(*end))
		end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Bytes per unit as libvirt's virScaleInteger reads it; dflt when no unit
 * is given, 0 when the unit is unknown. */
static uint64_t unit_scale(const char *unit, uint64_t dflt)
{
	static const char powers[] = "kmgtpe";
	const char *p;
	uint64_t base, scale = 1;

	if (unit == NULL || *unit == '\0')
		return dflt;
	if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
	    strcasecmp(unit, "bytes") == 0)
		return 1;
	p = strchr(powers, unit[0] | 0x20);
	if (p == NULL)
		return 0;
	if (unit[1] == '\0' || strcasecmp(unit + 1, "ib") == 0)
		base = 1024;
	else if (strcasecmp(unit + 1, "b") == 0)
		base = 1000;
	else
		return 0;
	for (; p >= powers; p--)
		scale *= base;	/* at most 1024^6 = 2^60: no overflow */
	return scale;
}

/* value × unit expressed in units of `out` bytes (1 or 1024), rounded up;
 * 0 for a bad number, an unknown unit or overflow. */
static uint64_t scaled(const char *value, const char *unit, uint64_t dflt,
    uint64_t out)
{
	uint64_t v, scale, bytes;

	if (parse_u64(value, &v) < 0)
		return 0;
	scale = unit_scale(unit, dflt);
	if (scale == 0)
		return 0;
	if (scale % out == 0) {
		/* Avoid going through bytes: 2^64 KiB must still fit. */
		scale /= out;
		return v > UINT64_MAX / scale ? 0 : v * scale;
	}
	if (v > UINT64_MAX / scale)
		return 0;
	bytes = v * scale;
	return bytes / out + (bytes % out != 0);
}

/* Element text at expr with its unit= attribute, in units of `out` bytes. */
static uint64_t xp_scaled(struct xp *x, xmlNodePtr at, const char *expr,
    uint64_t dflt, uint64_t out)
{
	xmlNodePtr n = xp_node(x, at, expr);
	char *value, *unit;
	uint64_t r;

	if (n == NULL)
		return 0;
	value = xp_str(x, n, ".");
	unit = xp_str(x, n, "@unit");
	r = scaled(value, unit, dflt, out);
	free(value);
	free(unit);
	return r;
}

/* A TCP port; -1 when absent, "-1" (autoport, not running) or bad. */
static int xp_port(struct xp *x, xmlNodePtr at, const char *expr)
{
	char *s = xp_str(x, at, expr);
	uint64_t v;
	int port = -1;

	if (parse_u64(s, &v) == 0 && v <= 65535)
		port = (int)v;
	free(s);
	return port;
}

/* What a <disk> or <backingStore> reads from: a path, a device, a
 * directory, "POOL/VOL" for a pool volume, or a network image name. */
static char *source_of(struct xp *x, xmlNodePtr at)
{
	static const char *const plain[] = {
		"source/@file", "source/@dev", "source/@dir"
	};
	char *s, *pool, *vol;
	size_t i;

	for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		if ((s = xp_str(x, at, plain[i])) != NULL)
			return s;
	}
	pool = xp_str(x, at, "source/@pool");
	vol = xp_str(x, at, "source/@volume");
	if (pool != NULL && vol != NULL) {
		s = xasprintf("%s/%s", pool, vol);
		free(pool);
		free(vol);
		return s;
	}
	free(pool);
	if (vol != NULL)
		return vol;
	return xp_str(x, at, "source/@name");
}

/* Follow nested <backingStore> down to the empty one that ends the chain
 * (or to one without a source; the parser's depth limit bounds the loop). */
static void disk_backing(struct xp *x, xmlNodePtr disk, struct xml_disk *d)
{
	xmlNodePtr bs = disk;
	char *src;

	while ((bs = xp_node(x, bs, "backingStore")) != NULL &&
	    (src = source_of(x, bs)) != NULL) {
		d->backing = xreallocarray(d->backing, d->nbacking + 1,
		    sizeof *d->backing);
		d->backing[d->nbacking++] = src;
	}
}

static void domain_disks(struct xp *x, struct xml_domain *out)
{
	xmlXPathObjectPtr obj = xp_eval(x, x->root, "devices/disk");
	size_t i, n = xp_count(obj);

	if (n > 0)
		out->disks = xcalloc(n, sizeof *out->disks);
	for (i = 0; i < n; i++) {
		xmlNodePtr node = obj->nodesetval->nodeTab[i];
		struct xml_disk *d = &out->disks[i];

		d->device = xp_str(x, node, "@device");
		d->type = xp_str(x, node, "@type");
		d->cache = xp_str(x, node, "driver/@cache");
		d->readonly = xp_node(x, node, "readonly") != NULL ||
		    xp_node(x, node, "shareable") != NULL;
		d->target = xp_str(x, node, "target/@dev");
		d->bus = xp_str(x, node, "target/@bus");
		d->format = xp_str(x, node, "driver/@type");
		d->source = source_of(x, node);
		disk_backing(x, node, d);
	}
	out->ndisks = n;
	xmlXPathFreeObject(obj);
}

static void domain_nics(struct xp *x, struct xml_domain *out)
{
	xmlXPathObjectPtr obj = xp_eval(x, x->root, "devices/interface");
	size_t i, n = xp_count(obj);

	if (n > 0)
		out->nics = xcalloc(n, sizeof *out->nics);
	for (i = 0; i < n; i++) {
		xmlNodePtr node = obj->nodesetval->nodeTab[i];
		struct xml_nic *nic = &out->nics[i];

		nic->type = xp_str(x, node, "@type");
		nic->mac = xp_str(x, node, "mac/@address");
		/* A running type='network' NIC also names its bridge: the
		 * network is what the operator chose, so it wins. */
		nic->source = xp_str(x, node, "source/@network");
		if (nic->source == NULL)
			nic->source = xp_str(x, node, "source/@bridge");
		if (nic->source == NULL)
			nic->source = xp_str(x, node, "source/@dev");
		nic->model = xp_str(x, node, "model/@type");
		nic->target = xp_str(x, node, "target/@dev");
	}
	out->nnics = n;
	xmlXPathFreeObject(obj);
}

static void domain_graphics(struct xp *x, struct xml_domain *out)
{
	xmlXPathObjectPtr obj = xp_eval(x, x->root, "devices/graphics");
	size_t i, n = xp_count(obj);

	if (n > 0)
		out->graphics = xcalloc(n, sizeof *out->graphics);
	for (i = 0; i < n; i++) {
		xmlNodePtr node = obj->nodesetval->nodeTab[i];
		struct xml_graphics *g = &out->graphics[i];

		g->type = xp_str(x, node, "@type");
		/* The legacy listen= attribute only mirrors the first
		 * <listen>; a <listen type='network'> carries no copy. */
		g->listen = xp_str(x, node, "listen/@address");
		if (g->listen == NULL)
			g->listen = xp_str(x, node, "@listen");
		g->port = xp_port(x, node, "@port");
		g->tls_port = xp_port(x, node, "@tlsPort");
	}
	out->ngraphics = n;
	xmlXPathFreeObject(obj);
}

int virtxml_display(const char *xml, struct xml_display *out, char **cause)
{
	struct xp x;
	xmlNodePtr g;

	memset(out, 0, sizeof *out);
	out->port = out->tls_port = -1;
	if (xp_open(&x, xml, "domain", cause) < 0)
		return -1;
	if ((g = xp_node(&x, x.root, "devices/graphics")) != NULL) {
		out->type = xp_str(&x, g, "@type");
		out->listen = xp_str(&x, g, "listen[@type='address']/@address");
		if (out->listen == NULL)
			out->listen = xp_str(&x, g, "@listen");
		out->socket = xp_str(&x, g, "listen[@type='socket']/@socket");
		if (out->socket == NULL)
			out->socket = xp_str(&x, g, "@socket");
		out->passwd = xp_str(&x, g, "@passwd");
		out->port = xp_port(&x, g, "@port");
		out->tls_port = xp_port(&x, g, "@tlsPort");
	}
	xp_close(&x);
	return 0;
}

void virtxml_display_free(struct xml_display *d)
{
	if (d->passwd != NULL)
		util_wipe(d->passwd, strlen(d->passwd));
	free(d->type);
	free(d->listen);
	free(d->socket);
	free(d->passwd);
	memset(d, 0, sizeof *d);
	d->port = d->tls_port = -1;
}

/* <vcpu current='N'> is the number online; the text is the maximum. */
static unsigned domain_vcpus(struct xp *x)
{
	char *s = xp_str(x, x->root, "vcpu/@current");
	uint64_t v;

	if (s == NULL)
		s = xp_str(x, x->root, "vcpu");
	if (parse_u64(s, &v) < 0 || v > UINT_MAX)
		v = 0;
	free(s);
	return (unsigned)v;
}

static char *xp_dump(struct xp *x, const char *expr);

/* The domain's CPU as cpufit.h keys it. */
static char *domain_cpu_key(struct xp *x)
{
	char *cpu = xp_dump(x, "cpu"), *vt, *arch, *mach, *emu, *key;

	if (cpu == NULL)
		return NULL;
	vt = xp_str(x, x->root, "@type");
	arch = xp_str(x, x->root, "os/type/@arch");
	mach = xp_str(x, x->root, "os/type/@machine");
	emu = xp_str(x, x->root, "devices/emulator");
	key = facts_cpu_key(vt, arch, mach, emu, cpu);
	free(vt);
	free(arch);
	free(mach);
	free(emu);
	free(cpu);
	return key;
}

int virtxml_parse_domain(const char *xml, struct xml_domain *out, char **cause)
{
	struct xp x;

	memset(out, 0, sizeof *out);
	if (xp_open(&x, xml, "domain", cause) < 0)
		return -1;
	out->name = xp_str(&x, x.root, "name");
	out->uuid = xp_str(&x, x.root, "uuid");
	out->title = xp_str(&x, x.root, "title");
	out->description = xp_str(&x, x.root, "description");
	out->vcpus = domain_vcpus(&x);
	out->max_memory_kib = xp_scaled(&x, x.root, "memory", 1024, 1024);
	if (xp_node(&x, x.root, "currentMemory") != NULL)
		out->memory_kib = xp_scaled(&x, x.root, "currentMemory",
		    1024, 1024);
	else
		out->memory_kib = out->max_memory_kib;
	out->os_kernel = xp_str(&x, x.root, "os/kernel");
	domain_disks(&x, out);
	domain_nics(&x, out);
	domain_graphics(&x, out);
	out->cpu_key = domain_cpu_key(&x);
	xp_close(&x);
	return 0;
}

/* The element at expr serialized, NULL when absent. */
static char *xp_dump(struct xp *x, const char *expr)
{
	xmlNodePtr node = xp_node(x, x->root, expr);
	xmlBufferPtr buf;
	char *s = NULL;

	if (node == NULL || (buf = xmlBufferCreate()) == NULL)
		return NULL;
	if (xmlNodeDump(buf, x->doc, node, 0, 0) >= 0)
		s = xstrdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return s;
}

int virtxml_domain_cpu(const char *xml, struct xml_domain_cpu *out,
    char **cause)
{
	struct xp x;

	memset(out, 0, sizeof *out);
	if (xp_open(&x, xml, "domain", cause) < 0)
		return -1;
	out->cpu_xml = xp_dump(&x, "cpu");
	out->emulator = xp_str(&x, x.root, "devices/emulator");
	out->arch = xp_str(&x, x.root, "os/type/@arch");
	out->machine = xp_str(&x, x.root, "os/type/@machine");
	out->virt_type = xp_str(&x, x.root, "@type");
	xp_close(&x);
	return 0;
}

int virtxml_domcaps_host_model(const char *xml, char **cpu_xml,
    char **cause)
{
	struct xp x;
	xmlNodePtr mode, n;
	xmlBufferPtr buf;
	char *sup;

	*cpu_xml = NULL;
	if (xp_open(&x, xml, "domainCapabilities", cause) < 0)
		return -1;
	mode = xp_node(&x, x.root, "cpu/mode[@name='host-model']");
	sup = mode != NULL ? xp_str(&x, mode, "@supported") : NULL;
	if (sup != NULL && strcmp(sup, "yes") == 0 &&
	    (buf = xmlBufferCreate()) != NULL) {
		/* the mode's children are a <cpu>'s: model, vendor, features */
		xmlBufferCCat(buf, "<cpu mode='custom' match='exact'>");
		for (n = mode->children; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE)
				xmlNodeDump(buf, x.doc, n, 0, 0);
		xmlBufferCCat(buf, "</cpu>");
		*cpu_xml = xstrdup((const char *)xmlBufferContent(buf));
		xmlBufferFree(buf);
	}
	free(sup);
	xp_close(&x);
	return 0;
}

int virtxml_cpu_summary(const char *xml, char **model, size_t *nfeatures,
    char **cause)
{
	struct xp x;
	xmlXPathObjectPtr obj;

	*model = NULL;
	*nfeatures = 0;
	if (xp_open(&x, xml, "cpu", cause) < 0)
		return -1;
	*model = xp_str(&x, x.root, "model");
	obj = xp_eval(&x, x.root, "feature[not(@policy) or "
	    "@policy='require' or @policy='force']");
	*nfeatures = xp_count(obj);
	xmlXPathFreeObject(obj);
	xp_close(&x);
	return 0;
}

void virtxml_domain_cpu_free(struct xml_domain_cpu *c)
{
	free(c->cpu_xml);
	free(c->emulator);
	free(c->arch);
	free(c->machine);
	free(c->virt_type);
	memset(c, 0, sizeof *c);
}

int virtxml_parse_volume(const char *xml, struct xml_volume *out, char **cause)
{
	struct xp x;

	memset(out, 0, sizeof *out);
	if (xp_open(&x, xml, "volume", cause) < 0)
		return -1;
	out->name = xp_str(&x, x.root, "name");
	out->key = xp_str(&x, x.root, "key");
	out->path = xp_str(&x, x.root, "target/path");
	out->format = xp_str(&x, x.root, "target/format/@type");
	out->capacity = xp_scaled(&x, x.root, "capacity", 1, 1);
	out->allocation = xp_scaled(&x, x.root, "allocation", 1, 1);
	out->backing_path = xp_str(&x, x.root, "backingStore/path");
	out->backing_format = xp_str(&x, x.root, "backingStore/format/@type");
	xp_close(&x);
	return 0;
}

int virtxml_parse_pool(const char *xml, struct xml_pool *out, char **cause)
{
	struct xp x;

	memset(out, 0, sizeof *out);
	if (xp_open(&x, xml, "pool", cause) < 0)
		return -1;
	out->name = xp_str(&x, x.root, "name");
	out->uuid = xp_str(&x, x.root, "uuid");
	out->type = xp_str(&x, x.root, "@type");
	out->target_path = xp_str(&x, x.root, "target/path");
	out->source_host = xp_str(&x, x.root, "source/host/@name");
	out->source_dir = xp_str(&x, x.root, "source/dir/@path");
	out->source_name = xp_str(&x, x.root, "source/name");
	out->source_device = xp_str(&x, x.root, "source/device/@path");
	xp_close(&x);
	return 0;
}

static unsigned xp_uint(struct xp *x, xmlNodePtr at, const char *expr)
{
	char *s = xp_str(x, at, expr);
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v > UINT_MAX)
		v = 0;
	free(s);
	return (unsigned)v;
}

/* "hvm x86_64 (qemu kvm); ..." : which guests the host can run, and with
 * which accelerators (no "kvm" means software emulation only). */
static char *caps_guests(struct xp *x)
{
	xmlXPathObjectPtr guests = xp_eval(x, x->root, "guest");
	size_t i, k, n = xp_count(guests);
	char *out = NULL, *tmp;

	for (i = 0; i < n; i++) {
		xmlNodePtr g = guests->nodesetval->nodeTab[i];
		char *os = xp_str(x, g, "os_type"), *arch = xp_str(x, g, "arch/@name");
		xmlXPathObjectPtr types = xp_eval(x, g, "arch/domain/@type");
		char *list = xstrdup("");

		for (k = 0; k < xp_count(types); k++) {
			xmlChar *t = xmlNodeGetContent(types->nodesetval->nodeTab[k]);

			tmp = xasprintf("%s%s%s", list, k ? " " : "", t ? (const char *)t : "?");
			xmlFree(t);
			free(list);
			list = tmp;
		}
		xmlXPathFreeObject(types);
		tmp = xasprintf("%s%s%s %s (%s)", out ? out : "", out ? "; " : "",
		    os ? os : "?", arch ? arch : "?", list);
		free(out);
		out = tmp;
		free(list);
		free(os);
		free(arch);
	}
	xmlXPathFreeObject(guests);
	return out;
}

int virtxml_parse_caps(const char *xml, struct xml_caps *out, char **cause)
{
	struct xp x;

	memset(out, 0, sizeof *out);
	if (xp_open(&x, xml, "capabilities", cause) < 0)
		return -1;
	out->host_uuid = xp_str(&x, x.root, "host/uuid");
	out->arch = xp_str(&x, x.root, "host/cpu/arch");
	out->cpu_model = xp_str(&x, x.root, "host/cpu/model");
	out->cpu_vendor = xp_str(&x, x.root, "host/cpu/vendor");
	out->sockets = xp_uint(&x, x.root, "host/cpu/topology/@sockets");
	out->cores = xp_uint(&x, x.root, "host/cpu/topology/@cores");
	out->threads = xp_uint(&x, x.root, "host/cpu/topology/@threads");
	out->numa_cells = xp_uint(&x, x.root, "host/topology/cells/@num");
	out->guests = caps_guests(&x);
	xp_close(&x);
	return 0;
}

void virtxml_volume_free(struct xml_volume *v)
{
	if (v == NULL)
		return;
	free(v->name);
	free(v->key);
	free(v->path);
	free(v->format);
	free(v->backing_path);
	free(v->backing_format);
	memset(v, 0, sizeof *v);
}

void virtxml_pool_free(struct xml_pool *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->uuid);
	free(p->type);
	free(p->target_path);
	free(p->source_host);
	free(p->source_dir);
	free(p->source_name);
	free(p->source_device);
	memset(p, 0, sizeof *p);
}

/* libxml2 prints parse warnings to stderr by default, from whichever
 * thread parses (libvirt's test driver too): that would scribble over the
 * console. Our own parses read errors through xmlGetLastError(). */
static void quiet_xml(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

void virtxml_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	xmlThrDefSetGenericErrorFunc(NULL, quiet_xml);	/* threads to come */
}

void virtxml_cleanup(void)
{
	xmlCleanupParser();
}
