/* facts.h — what libvirt's XML says of a guest (its disks, NICs,
 * graphics, size) and of a host (its CPU and guest types), as plain data.
 * The model keeps these; virt-xml.c fills them from the XML. Strings are
 * heap copies (NULL when absent) owned by the struct: release a filled
 * struct with the matching _free(), which leaves it zeroed. */
#ifndef HVDECK_FACTS_H
#define HVDECK_FACTS_H

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
	/* The CPU the guest asks for, as one string: what
	 * virConnectCompareHypervisorCPU takes — virt type, arch, machine,
	 * emulator and the <cpu> element — joined by newlines (facts_cpu_parse
	 * reads it back). NULL when the definition has no <cpu>: the
	 * hypervisor's default CPU, which every host runs. */
	char *cpu_key;
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

/* NULL-safe; the struct itself stays the caller's (zeroed). */
void facts_domain_free(struct xml_domain *d);
void facts_caps_free(struct xml_caps *c);

/* The key of a CPU definition (struct xml_domain's cpu_key): caller
 * frees; NULL when cpu_xml is NULL (no <cpu>: the hypervisor's default
 * CPU). cpufit.h keeps the hosts' answers per key. */
char *facts_cpu_key(const char *virt_type, const char *arch,
    const char *machine, const char *emulator, const char *cpu_xml);
/* A key's parts, heap copies (NULL when empty); release with
 * facts_cpu_free. Returns -1 for a string that is no key. */
struct facts_cpu {
	char *virt_type, *arch, *machine, *emulator, *cpu_xml;
};
int facts_cpu_parse(const char *key, struct facts_cpu *out);
void facts_cpu_free(struct facts_cpu *d);

#endif
