/* transport.h — how hvdeck reaches a host's libvirt over SSH.
 *
 * libvirt 9.0's own libssh client (qemu+libssh://) crashes once a reply
 * grows past a few dozen volumes or two connections inventory hundreds of
 * desktops at once (man hvdeck, TRANSPORT). hvdeck therefore opens
 * qemu+ssh:// through OpenSSH, run by a small wrapper installed with it,
 * libexec/hvdeck-ssh, which lets only hvdeck's key and the known_hosts
 * file beside it take part. The URIs hvdeck writes name the wrapper by its
 * bare name (command=hvdeck-ssh) so they also work in virsh when the
 * wrapper is on PATH; at connect time hvdeck puts the wrapper's full path
 * in. Old qemu+libssh:// URIs that point at a key and the known_hosts
 * beside it are opened the same way; the configuration file is not
 * rewritten. */
#ifndef HVDECK_TRANSPORT_H
#define HVDECK_TRANSPORT_H

#include <libvirt/libvirt.h>

/* The wrapper's bare name, as the URIs hvdeck writes carry it. */
#define TRANSPORT_WRAPPER "hvdeck-ssh"

/* The wrapper's full path (caller frees): next to the running binary (an
 * uninstalled build), else in DATADIR; NULL when neither is executable. */
char *transport_wrapper_path(void);

/* The URI hvdeck opens for a configured one (caller frees, never NULL):
 * qemu+libssh:// with keyfile= and a known_hosts= beside it becomes
 * qemu+ssh:// through the wrapper; command=hvdeck-ssh gets its full path;
 * anything else is returned as it is. */
char *transport_uri(const char *uri);

/* transport_uri's rewrite with the wrapper at wrapper (caller frees);
 * NULL when uri stays as it is. */
char *transport_rewrite(const char *uri, const char *wrapper);

/* virConnectOpenAuth on transport_uri(uri): the one way hvdeck opens a
 * host (the connection is the caller's). */
virConnectPtr transport_open(const char *uri, virConnectAuthPtr auth,
    unsigned int flags);

/* The known_hosts file a URI's host key is checked against (caller
 * frees): its known_hosts=, or for one through hvdeck-ssh the file beside
 * its keyfile=; NULL when the URI does not say (libvirt's default). */
char *transport_known_hosts(const char *uri);

/* The private key a URI names (its keyfile=, caller frees); NULL when it
 * names none. */
char *transport_keyfile(const char *uri);

/* The URI `host add` writes for USER@ADDRESS:PORT with hvdeck's key
 * (caller frees); NULL with *cause without a home directory. */
char *transport_host_uri(const char *user, const char *address, int port,
    char **cause);

#endif
