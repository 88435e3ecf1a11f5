/* virt-xml.h — facts extracted from libvirt XML with libxml2 + XPath.
 * Never string-searches XML. Every parse function fills a struct the caller
 * owns and must release with the matching _free(); strings inside are
 * heap copies (NULL when absent). */
#ifndef HVDECK_VIRT_XML_H
#define HVDECK_VIRT_XML_H

#include <stddef.h>
#include <stdint.h>

struct xml_disk {
	char *device;      /* "disk", "cdrom", ... */
	char *type;        /* "file", "block", "volume", "network", ... */
	char *cache;       /* driver cache mode, NULL when not set */
	int readonly;      /* <readonly/> or <shareable/>: never written
	                    * by one QEMU alone */
	char *target;      /* "vda" */
	char *bus;         /* "virtio" */
	char *format;      /* driver type: "qcow2", "raw" */
	char *source;      /* file path, or pool/volume as "POOL/VOL", or dev */
	char **backing;    /* backing chain paths from <backingStore>, top first */
	size_t nbacking;
};

struct xml_nic {
	char *type;        /* "network", "bridge", "user", ... */
	char *mac;
	char *source;      /* network or bridge name */
	char *model;
	char *target;      /* host-side dev, e.g. "vnet0" */
};

struct xml_graphics {
	char *type;        /* "vnc", "spice" */
	char *listen;      /* address, NULL if none */
	int port;          /* -1 when autoport and not running */
	int tls_port;      /* spice tlsPort, -1 when none */
};

struct xml_domain {
	char *name;
	char *uuid;
	char *title;
	char *description;
	unsigned vcpus;
	uint64_t memory_kib;      /* <currentMemory> if present, else <memory> */
	uint64_t max_memory_kib;  /* <memory> */
	char *os_kernel;          /* direct kernel boot path, NULL if none */
	struct xml_disk *disks;
	size_t ndisks;
	struct xml_nic *nics;
	size_t nnics;
	struct xml_graphics *graphics;
	size_t ngraphics;
};

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

/* What virConnectGetCapabilities says of a host. */
struct xml_caps {
	char *host_uuid;
	char *arch;               /* host/cpu/arch */
	char *cpu_model, *cpu_vendor;
	unsigned sockets, cores, threads;
	unsigned numa_cells;
	char *guests;             /* "hvm x86_64 (qemu kvm); hvm i686 (qemu)" */
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

void virtxml_domain_free(struct xml_domain *d);
void virtxml_caps_free(struct xml_caps *c);
void virtxml_volume_free(struct xml_volume *v);
void virtxml_pool_free(struct xml_pool *p);

/* Call once at start-up from the main thread (libxml2 is then thread-safe). */
void virtxml_init(void);
void virtxml_cleanup(void);

#endif
