/* config.h — hvdeck.conf (libconfig): hosts, roles, UI and storage settings.
 * Settings are described by one table in config.c (name, type, default,
 * help); loading validates every value and never changes a file it could not
 * parse. Saving is atomic (temp file, fsync, rename, previous kept as .bak). */
#ifndef HVDECK_CONFIG_H
#define HVDECK_CONFIG_H

#include <stddef.h>

/* connect_timeout and -t/--timeout: one range for both. */
#define CONFIG_TIMEOUT_MIN 1
#define CONFIG_TIMEOUT_MAX 3600

enum host_role { ROLE_MIXED = 0, ROLE_HYPERVISOR, ROLE_DISK };

struct config_host {
	char *name;              /* unique, non-empty, printable */
	char *uri;               /* any libvirt URI */
	enum host_role role;     /* default ROLE_MIXED */
	char *migration_address; /* NULL when not set */
	int maintenance;         /* 1: no new desktops, derivations or
	                          * migrations go to it (saved; H4 loads it) */
	int memory_reserve_mib;  /* MiB a migration must leave free on it
	                          * (the hypervisor's own headroom);
	                          * 0..CONFIG_MEMORY_RESERVE_MAX, default
	                          * CONFIG_MEMORY_RESERVE_DEFAULT */
	int transient;           /* 1: added by -H for this run, never saved */
};
#define CONFIG_MEMORY_RESERVE_DEFAULT 1024
#define CONFIG_MEMORY_RESERVE_MAX (16 * 1024 * 1024)    /* 16 TiB */

/* The wall section (hvdeck wall): which hosts, in which order, and when
 * it raises an alert. */
struct config_wall {
	char **hosts;             /* names of configured hosts, in the wall's
	                           * order; NULL (nhosts 0): every host, in
	                           * the file's order */
	size_t nhosts;
	int pool_full;            /* percent: a pool fuller raises an alert;
	                           * CONFIG_WALL_POOL_FULL_MIN..100, default
	                           * CONFIG_WALL_POOL_FULL_DEFAULT */
	int stale_after;          /* seconds without a word from a host that
	                           * is up before it is flagged stale;
	                           * 1..3600, default CONFIG_WALL_STALE_DEFAULT */
	int set;                  /* the file has a wall section (saved back) */
};
#define CONFIG_WALL_POOL_FULL_MIN 1
#define CONFIG_WALL_POOL_FULL_DEFAULT 90
#define CONFIG_WALL_STALE_DEFAULT 10

struct config {
	char *path;               /* file loaded from (or to be created) */
	struct config_host *hosts;
	size_t nhosts;
	char *theme;              /* "default" */
	int stats_interval;       /* seconds between stats polls, 1..3600, default 2 */
	int connect_timeout;      /* seconds, CONFIG_TIMEOUT_MIN..MAX, default 10:
	                           * dump's deadline */
	int shutdown_timeout;     /* seconds, 1..3600, default 60: a shutdown or
	                           * reboot the guest ignores fails after it */
	int drain_parallel;       /* migrations a drain runs at once, 1..64,
	                           * default 2 */
	int mouse;                /* the console reports the mouse; default 1 */
	int use_server;           /* commands go through a running server
	                           * (srv.h); default 1, 0 as --no-server */
	int server_autostart;     /* plain hvdeck starts the cluster's server
	                           * when none runs and attaches; default 1 */
	int server_idle;          /* seconds a server with no client and no
	                           * running job stays up; 1..86400, default
	                           * 600 (server --keep: forever) */
	char *log_file;           /* "" = no log; default "" */
	char *pool_bases;         /* storage pool names, defaults "bases", */
	char *pool_templates;     /*   "templates", */
	char *pool_groups;        /*   "groups" */
	char *shared_dir_pools;   /* more dir pool names counted as shared
	                           * storage, comma/space separated; default "" */
	int pool_warn_percent;    /* a pool this full (1..100, default 90) is
	                           * a warning in the capacity view */
	struct config_wall wall;  /* the wall section */
};

/* Default path: $XDG_CONFIG_HOME/hvdeck/hvdeck.conf (when absolute), else
 * $HOME/.config/hvdeck/hvdeck.conf (the passwd entry's home when HOME is
 * unset). NULL when there is no home at all. Caller frees. */
char *config_default_path(void);

/* Fill *cfg with defaults (no hosts); cfg->path = copy of path (may be
 * NULL: load and save then fail). Not "config_init": libconfig exports a
 * function of that name, which the linker would confuse with ours. */
void config_defaults(struct config *cfg, const char *path);

/* Load cfg->path into *cfg (which must be config_defaults'ed). Call it
 * before config_add_cli_host: on success *cfg is replaced wholesale, so
 * hosts added earlier (transient or not) are dropped.
 * A missing file is not an error when missing_ok is set (defaults stay).
 * On a syntax or validation error returns -1 and sets *cause to a message
 * naming the file and line ("FILE:LINE: ..."); *cfg is left unchanged (the
 * file is loaded into a scratch config first), i.e. defaults and no hosts
 * for a freshly initialised cfg. Caller frees *cause. */
int config_load(struct config *cfg, int missing_ok, char **cause);

/* Write cfg (non-transient hosts and every setting) to cfg->path atomically
 * under FILE's lock (atomic-file.h): keep a copy of the previous file as
 * FILE.bak (a backup that fails stops the save), write a unique temporary
 * (mode 0600), fsync, rename, fsync the directory. Creates the directory (0700) if needed. A
 * symlinked FILE is written where it points. Refuses (-1) to replace an
 * existing FILE that does not load ("FILE:LINE: not overwriting ..."), as
 * the in-memory config has only defaults then. Comments in FILE are not
 * kept. Returns 0 or -1 with *cause (caller frees). */
int config_save(const struct config *cfg, char **cause);

/* A host with every member at its documented default (mixed role unless
 * given, no maintenance, CONFIG_MEMORY_RESERVE_DEFAULT, no migration
 * address): the one place a host is given its defaults, whether loaded,
 * added or built at run time. Stores name and uri as given (the caller
 * keeps owning them). */
void config_host_init(struct config_host *h, char *name, char *uri,
    enum host_role role);

/* Parse a -H argument "[NAME=]URI" and append a transient host. Without
 * NAME the host is named after the URI's host[:port], or "local" when the
 * URI has no host. Rejects empty/duplicate names and URIs that are not
 * "scheme:..." with -1 and *cause. */
int config_add_cli_host(struct config *cfg, const char *arg, char **cause);

/* Append a host after validating it (name unique and printable, uri
 * non-empty). Copies the strings. Returns 0 or -1 with *cause. */
int config_add_host(struct config *cfg, const char *name, const char *uri,
    enum host_role role, const char *migration_address, char **cause);

/* The host called name, NULL if none. */
struct config_host *config_find_host(const struct config *cfg,
    const char *name);
/* Remove the host called name. Returns 0, or -1 with *cause when there is
 * none. */
int config_remove_host(struct config *cfg, const char *name, char **cause);

/* Change the file at path and nothing else: load it afresh (a missing file
 * is an empty config), let fn change that copy (fn returns 0, or -1 with
 * *cause), save it atomically, all under FILE's lock (FILE.lock and a
 * process-wide mutex), so concurrent edits by threads or processes are
 * applied one after the other and none is lost. When the load, fn or the save fails the
 * file is left byte-for-byte as it was. The running console's own config
 * is not touched: the caller updates the model. Returns 0 or -1 with
 * *cause (caller frees). */
int config_edit(const char *path,
    int (*fn)(struct config *cfg, void *arg, char **cause), void *arg,
    char **cause);

const char *config_role_name(enum host_role role);
/* A hypervisor or mixed host: desktops run there (place.c's rule for
 * PLACE_DESKTOP, for modules below placement). */
int config_role_runs_desktops(enum host_role role);
/* "hypervisor" | "disk" | "mixed" -> role; returns 0 or -1. */
int config_role_parse(const char *s, enum host_role *out);

/* Print every setting with its default and help (for --help / man). */
void config_print_settings(void);

void config_free(struct config *cfg);

#endif
