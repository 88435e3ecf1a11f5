/* virt-xml-edit.h — the one place hvdeck writes libvirt XML: a new desktop
 * made from a template desktop's domain XML (desktop new, template from).
 * libxml2 edits the tree; nothing here replaces text in XML. The XML may
 * hold secrets (passwords of graphics): it is never logged. */
#ifndef HVDECK_VIRT_XML_EDIT_H
#define HVDECK_VIRT_XML_EDIT_H

/* The new disk of a new desktop, replacing the source of one disk. */
struct xml_new_disk {
	const char *target;     /* which disk: its <target dev=> ("vda") */
	const char *pool;       /* the new volume, for a type='volume' disk */
	const char *volume;
	const char *path;       /* its path, for a type='file' disk */
	const char *format;     /* its <driver type=> ("qcow2") */
};

/* The domain XML of a desktop made from xml (a template desktop's inactive
 * XML, read with its secrets): <name> set to name; <uuid>, the SMBIOS
 * UUID, every interface's <mac> and host-side <target dev> removed so
 * that libvirt makes new ones; the disk whose target is disk->target made
 * to point at the new volume, keeping its type (volume: pool and volume;
 * file: the path), its driver type set, its <backingStore> dropped (libvirt
 * reads the chain from the image). What a running domain writes is made
 * its own, as virt-clone does: the <nvram> path dropped (its template
 * kept: libvirt makes NAME_VARS.fd from it), every character device's
 * <log file=> and file, socket or pipe source path renamed (the file name's
 * leading template name replaced by name, else "NAME-" before it), a TPM
 * emulator's <encryption secret=> and state <source> dropped, and every
 * graphics passwd= replaced by a fresh random one (never the template's:
 * 8 letters and digits for VNC, 16 for SPICE).
 * Returns 0 with *out (caller frees; it may hold passwords), or -1 with
 * *cause (caller frees): not well formed, a <!DOCTYPE>, no such disk, a
 * disk that is neither a file nor a pool volume, no randomness. */
int virtxml_domain_renew(const char *xml, const char *name,
    const struct xml_new_disk *disk, char **out, char **cause);

/* xml (a domain's XML, live or inactive) with only its disk disk->target
 * moved to the new volume as virtxml_domain_renew moves it (a file disk
 * to disk->path, a pool volume disk to disk->pool and disk->volume, the
 * driver type set, <backingStore> and a block job's <mirror> dropped);
 * everything else as it was: a disk moved to another pool (desktop
 * move-disk) and the destination's XML of a migration that moves its
 * storage. Returns 0 with *out (caller frees), or -1 with *cause (caller
 * frees): not well formed, no such disk, neither a file nor a volume. */
int virtxml_domain_move_disk(const char *xml, const struct xml_new_disk *disk,
    char **out, char **cause);

/* The XML of a new volume: name, capacity in bytes, format ("qcow2"), no
 * backing store (a copy made from another volume is then standalone).
 * Caller frees. */
char *virtxml_volume_new(const char *name, unsigned long long capacity,
    const char *format);

/* The <disk type='file'> of a block copy's destination (virDomainBlockCopy):
 * the file at path, its driver type format ("qcow2"). Caller frees. */
char *virtxml_disk_file(const char *path, const char *format);

/* The domain XML xml with its <cpu> replaced by cpu_xml (a <cpu>
 * element; added when xml had none), for `desktop set-cpu`. Returns 0
 * with *out (caller frees; it may hold passwords, as xml did), or -1 with
 * *cause (caller frees). */
int virtxml_domain_set_cpu(const char *xml, const char *cpu_xml, char **out,
    char **cause);

/* A <cpu> asking for the named model and nothing else (mode custom,
 * match exact, fallback forbid): a model every host lists as usable runs
 * anywhere. Caller frees. */
char *virtxml_cpu_custom(const char *model);

#endif
