/* virt-xml.h — facts extracted from libvirt XML with libxml2 + XPath.
 * Never string-searches XML. Every parse function fills a struct the caller
 * owns and must release with the matching _free(); strings inside are
 * heap copies (NULL when absent). */
#ifndef HVDECK_VIRT_XML_H
#define HVDECK_VIRT_XML_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"

struct xml_volume {
	char *name;
	char *key;
	char *path;               /* <target><path> */
	char *format;             /* <target><format type=> */
	uint64_t capacity;        /* bytes (honours unit=) */
	uint64_t allocation;      /* bytes */
	char *backing_path;       /* <backingStore><path>, NULL if none */
	char *backing_format;
};

struct xml_pool {
	char *name;
	char *uuid;
	char *type;               /* "dir", "netfs", "logical", ... */
	char *target_path;        /* <target><path> */
	/* <source>: what identifies network storage (NULL when absent) */
	char *source_host;        /* first <host name=> (netfs, gluster, iscsi, rbd) */
	char *source_dir;         /* <dir path=> (netfs, gluster) */
	char *source_name;        /* <name> (gluster volume, rbd pool) */
	char *source_device;      /* first <device path=> (iscsi target IQN) */
};

/* Each returns 0, or -1 with *cause (caller frees) when xml is not well
 * formed or lacks the root element. */
int virtxml_parse_domain(const char *xml, struct xml_domain *out, char **cause);
int virtxml_parse_volume(const char *xml, struct xml_volume *out, char **cause);
int virtxml_parse_pool(const char *xml, struct xml_pool *out, char **cause);

int virtxml_parse_caps(const char *xml, struct xml_caps *out, char **cause);

/* What virConnectCompareHypervisorCPU needs of a domain (act-migrate):
 * its <cpu> element as XML (NULL when it has none: the hypervisor's
 * default CPU), emulator, arch, machine and virt type (NULL when absent). */
struct xml_domain_cpu {
	char *cpu_xml, *emulator, *arch, *machine, *virt_type;
};
int virtxml_domain_cpu(const char *xml, struct xml_domain_cpu *out,
    char **cause);
void virtxml_domain_cpu_free(struct xml_domain_cpu *c);

/* A domain's first graphics device as a viewer needs it, from the XML
 * libvirt gives with VIR_DOMAIN_XML_SECURE (passwd is only there). */
struct xml_display {
	char *type;               /* "spice", "vnc"; NULL: no graphics */
	char *listen;             /* address; NULL when none is given */
	char *socket;             /* <listen type='socket'> path */
	char *passwd;             /* NULL when none is set */
	int port, tls_port;       /* -1 when none (not running, no TLS) */
};
int virtxml_display(const char *xml, struct xml_display *out, char **cause);
/* Frees the strings, the password wiped first. */
void virtxml_display_free(struct xml_display *d);

/* The host-model CPU of a host's domain capabilities
 * (virConnectGetDomainCapabilities) as a <cpu> element, what
 * virConnectBaselineHypervisorCPU takes: *cpu_xml (caller frees), NULL
 * when the host offers no host-model CPU. -1 with *cause for XML that is
 * no <domainCapabilities>. */
int virtxml_domcaps_host_model(const char *xml, char **cpu_xml,
    char **cause);
/* A <cpu> element's model (NULL when none; caller frees) and how many
 * features it requires. */
int virtxml_cpu_summary(const char *xml, char **model, size_t *nfeatures,
    char **cause);

void virtxml_volume_free(struct xml_volume *v);
void virtxml_pool_free(struct xml_pool *p);

/* Call once at start-up from the main thread (libxml2 is then thread-safe). */
void virtxml_init(void);
void virtxml_cleanup(void);

#endif
