/* config.c — hvdeck.conf: one table of scalar settings plus the hosts list.
 * A file is parsed with libconfig into a scratch struct config and swapped
 * in only when every value is valid, so bad input changes nothing. Saving
 * refuses to replace a file that does not load (it may hold hosts the
 * operator has not fixed yet) and is atomic under FILE.lock: a copy kept
 * as FILE.bak, a unique temporary, fsync, rename, fsync of the directory
 * (atomic-file.h). */
#include "core/config.h"
#include "core/config-wall.h"
#include "core/names.h"
#include "core/atomic-file.h"
#include "core/lcfg.h"
#include "core/text.h"
#include "core/util.h"

#include <libconfig.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOST_NAME_MAX_LEN 64

enum setting_type { SETTING_INT, SETTING_STRING, SETTING_BOOL };

struct setting {
	const char *name;
	enum setting_type type;
	size_t offset;            /* of an int or a char * in struct config */
	int def_int, min, max;    /* SETTING_INT (SETTING_BOOL: def_int) */
	const char *def_str;      /* SETTING_STRING */
	int nonempty;             /* SETTING_STRING: "" is an error */
	const char *const *allowed; /* SETTING_STRING: NULL-terminated, or NULL */
	const char *help;
};

/* Adding a setting: a field in struct config and one entry here. */
static const struct setting settings[] = {
	{ .name = "theme", .type = SETTING_STRING,
	  .offset = offsetof(struct config, theme), .def_str = "default",
	  .nonempty = 1, .help = "colour theme name" },
	{ .name = "stats_interval", .type = SETTING_INT,
	  .offset = offsetof(struct config, stats_interval),
	  .def_int = 2, .min = 1, .max = 3600,
	  .help = "seconds between statistics polls of each host" },
	{ .name = "connect_timeout", .type = SETTING_INT,
	  .offset = offsetof(struct config, connect_timeout),
	  .def_int = 10, .min = CONFIG_TIMEOUT_MIN, .max = CONFIG_TIMEOUT_MAX,
	  .help = "seconds a host's connection may take to open (then it "
	          "is offline and tried again); dump and other subcommands "
	          "wait that long for hosts" },
	{ .name = "shutdown_timeout", .type = SETTING_INT,
	  .offset = offsetof(struct config, shutdown_timeout),
	  .def_int = 60, .min = 1, .max = 3600,
	  .help = "seconds a guest has to answer a shutdown or reboot before "
	          "hvdeck reports it ignored (warning event, failed job)" },
	{ .name = "drain_parallel", .type = SETTING_INT,
	  .offset = offsetof(struct config, drain_parallel),
	  .def_int = 2, .min = 1, .max = 64,
	  .help = "migrations a host drain runs at once (host drain "
	          "--parallel overrides it)" },
	{ .name = "mouse", .type = SETTING_BOOL,
	  .offset = offsetof(struct config, mouse), .def_int = 1,
	  .help = "the console reports the mouse (false: the terminal "
	          "selects text, :mouse toggles)" },
	{ .name = "use_server", .type = SETTING_BOOL,
	  .offset = offsetof(struct config, use_server), .def_int = 1,
	  .help = "commands and the console go through the cluster's server "
	          "when one runs (false: always in-process, as --no-server)" },
	{ .name = "server_autostart", .type = SETTING_BOOL,
	  .offset = offsetof(struct config, server_autostart), .def_int = 1,
	  .help = "the console starts the cluster's server in the background "
	          "when none runs, and attaches to it (default false: it runs "
	          "in-process then)" },
	{ .name = "server_idle", .type = SETTING_INT,
	  .offset = offsetof(struct config, server_idle),
	  .def_int = 600, .min = 1, .max = 86400,
	  .help = "seconds the server stays up with no client and no running "
	          "job (hvdeck server --keep: until stopped)" },
	{ .name = "log_file", .type = SETTING_STRING,
	  .offset = offsetof(struct config, log_file), .def_str = "",
	  .help = "file to append the log to; \"\" disables the log" },
	{ .name = "pool_bases", .type = SETTING_STRING,
	  .offset = offsetof(struct config, pool_bases), .def_str = "bases",
	  .nonempty = 1, .help = "storage pool holding base images" },
	{ .name = "pool_templates", .type = SETTING_STRING,
	  .offset = offsetof(struct config, pool_templates),
	  .def_str = "templates", .nonempty = 1,
	  .help = "storage pool holding template images" },
	{ .name = "pool_groups", .type = SETTING_STRING,
	  .offset = offsetof(struct config, pool_groups), .def_str = "groups",
	  .nonempty = 1, .help = "storage pool holding desktop group images" },
	{ .name = "shared_dir_pools", .type = SETTING_STRING,
	  .offset = offsetof(struct config, shared_dir_pools), .def_str = "",
	  .help = "dir pools, besides the three above, that are one directory "
	          "shared by every host defining them (comma separated)" },
	{ .name = "pool_warn_percent", .type = SETTING_INT,
	  .offset = offsetof(struct config, pool_warn_percent),
	  .def_int = 90, .min = 1, .max = 100,
	  .help = "a storage pool this full (percent) is a warning in the "
	          "capacity view and hvdeck capacity" },
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* A host's members and their libconfig types. */
enum host_key { HK_NAME, HK_URI, HK_ROLE, HK_MIGRATION, HK_MAINTENANCE,
	HK_MEMORY_RESERVE, HK_COUNT };
static const struct {
	const char *name;
	int type;               /* CONFIG_TYPE_STRING, _BOOL or _INT */
} host_keys[HK_COUNT] = {
	[HK_NAME] = { "name", CONFIG_TYPE_STRING },
	[HK_URI] = { "uri", CONFIG_TYPE_STRING },
	[HK_ROLE] = { "role", CONFIG_TYPE_STRING },
	[HK_MIGRATION] = { "migration_address", CONFIG_TYPE_STRING },
	[HK_MAINTENANCE] = { "maintenance", CONFIG_TYPE_BOOL },
	[HK_MEMORY_RESERVE] = { "memory_reserve", CONFIG_TYPE_INT },
};

static const char *const role_names[] = {
	[ROLE_MIXED] = "mixed",
	[ROLE_HYPERVISOR] = "hypervisor",
	[ROLE_DISK] = "disk",
};
#define NROLES (sizeof role_names / sizeof role_names[0])

/* Where loader errors go: every message is "FILE:LINE: WHY...". */
struct load_ctx {
	const char *path;   /* file name when libconfig does not know it */
	const char *why;    /* prefix after FILE:LINE:, usually "" */
	char **cause;
};

static void *field(struct config *cfg, const struct setting *s)
{
	return (char *)cfg + s->offset;
}

static const void *field_c(const struct config *cfg, const struct setting *s)
{
	return (const char *)cfg + s->offset;
}

static const struct setting *find_setting(const char *name)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

/* The validators return NULL when the value is fine, else a message for
 * humans (caller frees) that shows the value with controls made visible. */
static char *check_name(const struct config *cfg, const char *name)
{
	char *vis, *msg = NULL;

	if (*name == '\0')
		return xstrdup("empty host name");
	/* a name every command and the `:` line can take back as a word */
	if (names_check_host(name, &msg) < 0)
		return msg;
	vis = text_visible(name);
	if (strlen(name) > HOST_NAME_MAX_LEN)
		msg = xasprintf("host name '%s' is longer than %d bytes", vis,
		    HOST_NAME_MAX_LEN);
	else if (config_find_host(cfg, name) != NULL)
		msg = xasprintf("host name '%s' already in use", vis);
	free(vis);
	return msg;
}

/* Only the shape libvirt needs first: "scheme:" with a scheme of letters,
 * digits, '+', '-' or '.', starting with a letter; the rest is libvirt's. */
static char *check_uri(const char *uri)
{
	const char *p = uri;
	char *vis, *msg = NULL;

	if (*uri == '\0')
		return xstrdup("empty host URI");
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p += strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	vis = text_visible(uri);
	if (p == uri || *p != ':')
		msg = xasprintf("'%s' is not a libvirt URI (expected scheme:..., "
		    "e.g. qemu+ssh://root@hv1.example.org/system)", vis);
	else if (!text_is_plain(uri) || strchr(uri, ' ') != NULL)
		msg = xasprintf("URI '%s' has spaces, control characters, "
		    "invisible characters or invalid UTF-8", vis);
	free(vis);
	return msg;
}

static char *check_migration_address(const char *addr)
{
	char *vis, *msg;

	if (*addr == '\0')
		return xstrdup("empty migration_address (leave it out to use "
		    "the host's URI)");
	if (text_is_plain(addr) && strchr(addr, ' ') == NULL)
		return NULL;
	vis = text_visible(addr);
	msg = xasprintf("migration_address '%s' has spaces, control characters, "
	    "invisible characters or invalid UTF-8", vis);
	free(vis);
	return msg;
}

static void free_host(struct config_host *h)
{
	free(h->name);
	free(h->uri);
	free(h->migration_address);
}

static void append_host(struct config *cfg, const char *name, const char *uri,
    enum host_role role, const char *migration_address)
{
	struct config_host *h;

	cfg->hosts = xreallocarray(cfg->hosts, cfg->nhosts + 1,
	    sizeof *cfg->hosts);
	h = &cfg->hosts[cfg->nhosts++];
	config_host_init(h, xstrdup(name), xstrdup(uri), role);
	h->migration_address = xstrdup(migration_address);
}

void config_host_init(struct config_host *h, char *name, char *uri,
    enum host_role role)
{
	memset(h, 0, sizeof *h);
	h->name = name;
	h->uri = uri;
	h->role = role;
	h->memory_reserve_mib = CONFIG_MEMORY_RESERVE_DEFAULT;
}

/* lcfg_fail_at with ctx->why between "FILE:LINE: " and the message, so a
 * refused save says why it looked at the file at all. */
static int fail_at(const struct load_ctx *ctx, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail_at(const struct load_ctx *ctx, const config_setting_t *s,
    const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	lcfg_fail_at(ctx->cause, ctx->path, s, "%s%s", ctx->why, msg);
	free(msg);
	return -1;
}

/* Like fail_at with a message from a validator (freed here). */
static int fail_msg(const struct load_ctx *ctx, const config_setting_t *s,
    char *msg)
{
	fail_at(ctx, s, "%s", msg);
	free(msg);
	return -1;
}

static int load_int(const struct load_ctx *ctx, struct config *out,
    const struct setting *s, const config_setting_t *cs)
{
	int type = config_setting_type(cs);
	long long v;

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return fail_at(ctx, cs, "%s must be an integer (%d..%d), not %s",
		    s->name, s->min, s->max, lcfg_type_name(type));
	v = config_setting_get_int64(cs);
	if (v < s->min || v > s->max)
		return fail_at(ctx, cs, "%s = %lld is out of range (%d..%d)",
		    s->name, v, s->min, s->max);
	*(int *)field(out, s) = (int)v;
	return 0;
}

static int load_bool(const struct load_ctx *ctx, struct config *out,
    const struct setting *s, const config_setting_t *cs)
{
	int type = config_setting_type(cs);

	if (type != CONFIG_TYPE_BOOL)
		return fail_at(ctx, cs, "%s must be true or false, not %s",
		    s->name, lcfg_type_name(type));
	*(int *)field(out, s) = config_setting_get_bool(cs);
	return 0;
}

static int allowed(const struct setting *s, const char *value)
{
	const char *const *a;

	if (s->allowed == NULL)
		return 1;
	for (a = s->allowed; *a != NULL; a++)
		if (strcmp(*a, value) == 0)
			return 1;
	return 0;
}

/* "a, b, c" from a NULL-terminated list. Caller frees. */
static char *join(const char *const *list)
{
	char *s = xstrdup(""), *t;

	for (; *list != NULL; list++) {
		t = xasprintf("%s%s%s", s, *s != '\0' ? ", " : "", *list);
		free(s);
		s = t;
	}
	return s;
}

static int load_string(const struct load_ctx *ctx, struct config *out,
    const struct setting *s, const config_setting_t *cs)
{
	int type = config_setting_type(cs);
	const char *v;
	char *vis, *list;

	if (type != CONFIG_TYPE_STRING)
		return fail_at(ctx, cs, "%s must be a string, not %s", s->name,
		    lcfg_type_name(type));
	v = config_setting_get_string(cs);
	if (s->nonempty && *v == '\0')
		return fail_at(ctx, cs, "%s must not be empty", s->name);
	if (!text_is_plain(v))
		return fail_at(ctx, cs, "%s has control characters, invisible "
		    "characters or invalid UTF-8", s->name);
	if (!allowed(s, v)) {
		vis = text_visible(v);
		list = join(s->allowed);
		fail_at(ctx, cs, "%s = \"%s\" is not one of: %s", s->name, vis,
		    list);
		free(list);
		free(vis);
		return -1;
	}
	util_set_str(field(out, s), v);
	return 0;
}

/* Collects a host group's members by key, rejecting unknown keys and
 * values of the wrong type. */
static int host_members(const struct load_ctx *ctx, const config_setting_t *g,
    const config_setting_t *at[HK_COUNT])
{
	const config_setting_t *m;
	const char *key;
	int i, k;

	for (i = 0; (m = config_setting_get_elem(g, (unsigned)i)) != NULL; i++) {
		key = config_setting_name(m);
		for (k = 0; k < HK_COUNT; k++)
			if (strcmp(host_keys[k].name, key) == 0)
				break;
		if (k == HK_COUNT)
			return fail_at(ctx, m, "unknown key '%s' in a host "
			    "(known: name, uri, role, migration_address, "
			    "maintenance, memory_reserve)", key);
		if (config_setting_type(m) != host_keys[k].type &&
		    !(host_keys[k].type == CONFIG_TYPE_INT &&
		    config_setting_type(m) == CONFIG_TYPE_INT64))
			return fail_at(ctx, m, "host key '%s' must be %s, not %s",
			    key, host_keys[k].type == CONFIG_TYPE_BOOL ?
			    "true or false" : host_keys[k].type ==
			    CONFIG_TYPE_INT ? "a number" : "a string",
			    lcfg_type_name(config_setting_type(m)));
		at[k] = m;
	}
	return 0;
}

static char *check_role(const char *s, enum host_role *role)
{
	char *vis, *msg;

	if (config_role_parse(s, role) == 0)
		return NULL;
	vis = text_visible(s);
	msg = xasprintf("role '%s' is not one of: hypervisor, disk, mixed", vis);
	free(vis);
	return msg;
}

static int load_host(const struct load_ctx *ctx, struct config *out,
    const config_setting_t *g)
{
	const config_setting_t *at[HK_COUNT] = { NULL };
	const char *v[HK_COUNT] = { NULL };
	enum host_role role = ROLE_MIXED;
	char *msg;
	int k;

	if (!config_setting_is_group(g))
		return fail_at(ctx, g, "each entry of hosts must be a group "
		    "{ name = \"...\"; uri = \"...\"; }, not %s",
		    lcfg_type_name(config_setting_type(g)));
	if (host_members(ctx, g, at) != 0)
		return -1;
	for (k = 0; k < HK_COUNT; k++)
		if (at[k] != NULL && host_keys[k].type == CONFIG_TYPE_STRING)
			v[k] = config_setting_get_string(at[k]);
	if (v[HK_NAME] == NULL)
		return fail_at(ctx, g, "host without a name");
	if ((msg = check_name(out, v[HK_NAME])) != NULL)
		return fail_msg(ctx, at[HK_NAME], msg);
	/* the name is printable from here on */
	if (v[HK_URI] == NULL)
		return fail_at(ctx, g, "host '%s' has no uri", v[HK_NAME]);
	if ((msg = check_uri(v[HK_URI])) != NULL)
		return fail_msg(ctx, at[HK_URI], msg);
	if (v[HK_ROLE] != NULL && (msg = check_role(v[HK_ROLE], &role)) != NULL)
		return fail_msg(ctx, at[HK_ROLE], msg);
	if (v[HK_MIGRATION] != NULL &&
	    (msg = check_migration_address(v[HK_MIGRATION])) != NULL)
		return fail_msg(ctx, at[HK_MIGRATION], msg);
	append_host(out, v[HK_NAME], v[HK_URI], role, v[HK_MIGRATION]);
	if (at[HK_MAINTENANCE] != NULL)
		out->hosts[out->nhosts - 1].maintenance =
		    config_setting_get_bool(at[HK_MAINTENANCE]);
	if (at[HK_MEMORY_RESERVE] != NULL) {
		long long mib = config_setting_get_int64(at[HK_MEMORY_RESERVE]);

		if (mib < 0 || mib > CONFIG_MEMORY_RESERVE_MAX)
			return fail_at(ctx, at[HK_MEMORY_RESERVE], "memory_reserve "
			    "%lld is out of range (0..%d MiB)", mib,
			    CONFIG_MEMORY_RESERVE_MAX);
		out->hosts[out->nhosts - 1].memory_reserve_mib = (int)mib;
	}
	return 0;
}

static int load_hosts(const struct load_ctx *ctx, struct config *out,
    const config_setting_t *list)
{
	const config_setting_t *g;
	unsigned i;

	if (!config_setting_is_list(list))
		return fail_at(ctx, list, "hosts must be a list in parentheses, "
		    "not %s: hosts = ( { name = \"hv1\"; uri = \"...\"; }, "
		    "... );", lcfg_type_name(config_setting_type(list)));
	for (i = 0; (g = config_setting_get_elem(list, i)) != NULL; i++)
		if (load_host(ctx, out, g) != 0)
			return -1;
	return 0;
}

static char *known_settings(void)
{
	const char *names[NSETTINGS + 3];
	size_t i;

	names[0] = "hosts";
	for (i = 0; i < NSETTINGS; i++)
		names[i + 1] = settings[i].name;
	names[NSETTINGS + 1] = "wall";
	names[NSETTINGS + 2] = NULL;
	return join(names);
}

/* Fills out (config_defaults'ed) from a parsed tree. */
static int load_tree(const struct load_ctx *ctx, const config_t *lc,
    struct config *out)
{
	const config_setting_t *root = config_root_setting(lc), *cs;
	const config_setting_t *wall = NULL;
	const struct setting *s;
	const char *name;
	char *known;
	unsigned i;
	int rc;

	for (i = 0; (cs = config_setting_get_elem(root, i)) != NULL; i++) {
		name = config_setting_name(cs);
		if (strcmp(name, "wall") == 0) {
			wall = cs;	/* after the hosts it names */
			rc = 0;
		} else if (strcmp(name, "hosts") == 0) {
			rc = load_hosts(ctx, out, cs);
		} else if ((s = find_setting(name)) == NULL) {
			known = known_settings();
			rc = fail_at(ctx, cs, "unknown setting '%s' (known: %s)",
			    name, known);
			free(known);
		} else if (s->type == SETTING_INT) {
			rc = load_int(ctx, out, s, cs);
		} else if (s->type == SETTING_BOOL) {
			rc = load_bool(ctx, out, s, cs);
		} else {
			rc = load_string(ctx, out, s, cs);
		}
		if (rc != 0)
			return -1;
	}
	if (wall != NULL && config_wall_load(out, wall, ctx->path,
	    ctx->cause) < 0)
		return -1;
	return 0;
}

char *config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/hvdeck/hvdeck.conf", xdg);
	if ((home == NULL || home[0] == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/.config/hvdeck/hvdeck.conf", home);
}

void config_defaults(struct config *cfg, const char *path)
{
	const struct setting *s;
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	cfg->path = xstrdup(path);
	config_wall_defaults(&cfg->wall);
	for (i = 0; i < NSETTINGS; i++) {
		s = &settings[i];
		if (s->type != SETTING_STRING)
			*(int *)field(cfg, s) = s->def_int;
		else
			*(char **)field(cfg, s) = xstrdup(s->def_str);
	}
}

int config_load(struct config *cfg, int missing_ok, char **cause)
{
	struct load_ctx ctx = { cfg->path, "", cause };
	struct config tmp;
	config_t lc;
	int rc;

	if (cfg->path == NULL) {
		*cause = xstrdup("no configuration file (set HOME or use -c)");
		return -1;
	}
	config_defaults(&tmp, cfg->path);
	config_init(&lc);
	rc = lcfg_read(&lc, cfg->path, "", cause);
	if (rc == 1 && load_tree(&ctx, &lc, &tmp) != 0)
		rc = -1;
	config_destroy(&lc);
	if (rc == 0 && !missing_ok) {
		*cause = xasprintf("%s: %s", cfg->path, strerror(ENOENT));
		rc = -1;
	}
	if (rc == 1) {
		config_free(cfg);
		*cfg = tmp;
		return 0;
	}
	config_free(&tmp);
	return rc;
}

/* The file to replace: a symlinked config (dotfile managers) is written
 * where it points, so the link survives. Caller frees. */
static char *save_target(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (real = realpath(path, NULL)) != NULL)
		return real;
	return xstrdup(path);
}

/* An existing file that does not load may hold hosts the operator has not
 * fixed yet; the in-memory config has only defaults then. Never clobber it. */
static int check_existing(const char *path, char **cause)
{
	struct load_ctx ctx = {
		path, "not overwriting a file with errors: ", cause
	};
	struct config scratch;
	config_t lc;
	int rc;

	config_init(&lc);
	rc = lcfg_read(&lc, path,
	    "not overwriting a file that does not parse: ", cause);
	if (rc == 1) {
		config_defaults(&scratch, path);
		rc = load_tree(&ctx, &lc, &scratch) == 0 ? 0 : -1;
		config_free(&scratch);
	}
	config_destroy(&lc);
	return rc < 0 ? -1 : 0;
}

static config_setting_t *add(config_setting_t *parent, const char *name,
    int type)
{
	config_setting_t *s = config_setting_add(parent, name, type);

	if (s == NULL)
		fatal("libconfig refused setting '%s'",
		    name != NULL ? name : "(list element)");
	return s;
}

static void add_string(config_setting_t *parent, const char *name,
    const char *value)
{
	config_setting_set_string(add(parent, name, CONFIG_TYPE_STRING), value);
}

/* lc must be libconfig-initialised; the caller destroys it. */
static void build_tree(const struct config *cfg, config_t *lc)
{
	config_setting_t *root = config_root_setting(lc), *list, *g;
	const struct config_host *h;
	const struct setting *s;
	size_t i;

	for (i = 0; i < NSETTINGS; i++) {
		s = &settings[i];
		if (s->type == SETTING_INT)
			config_setting_set_int(add(root, s->name,
			    CONFIG_TYPE_INT), *(const int *)field_c(cfg, s));
		else if (s->type == SETTING_BOOL)
			config_setting_set_bool(add(root, s->name,
			    CONFIG_TYPE_BOOL), *(const int *)field_c(cfg, s));
		else
			add_string(root, s->name,
			    *(char *const *)field_c(cfg, s));
	}
	list = add(root, "hosts", CONFIG_TYPE_LIST);
	for (i = 0; i < cfg->nhosts; i++) {
		h = &cfg->hosts[i];
		if (h->transient)
			continue;
		g = add(list, NULL, CONFIG_TYPE_GROUP);
		add_string(g, "name", h->name);
		add_string(g, "uri", h->uri);
		add_string(g, "role", config_role_name(h->role));
		if (h->migration_address != NULL)
			add_string(g, "migration_address",
			    h->migration_address);
		if (h->maintenance)	/* only when on: files stay short */
			config_setting_set_bool(add(g, "maintenance",
			    CONFIG_TYPE_BOOL), 1);
		if (h->memory_reserve_mib != CONFIG_MEMORY_RESERVE_DEFAULT)
			config_setting_set_int(add(g, "memory_reserve",
			    CONFIG_TYPE_INT), h->memory_reserve_mib);
	}
	config_wall_save(&cfg->wall, root);
}

/* The file's text: a header, then libconfig's rendering of cfg. Built in
 * memory so that a write error is the one atomic_file_write reports.
 * Caller frees. */
static char *render(const struct config *cfg, size_t *len)
{
	config_t lc;
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		fatal("open_memstream: %s", strerror(errno));
	config_init(&lc);
	build_tree(cfg, &lc);
	fputs("# hvdeck configuration, rewritten by hvdeck (comments are not "
	    "kept).\n# Every setting is described in hvdeck.conf.example.\n\n",
	    f);
	config_write(&lc, f);
	config_destroy(&lc);
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	return text;
}

/* The save itself, with target's lock held: check, keep FILE.bak (a copy:
 * the live file is never moved, and a backup that fails stops the save),
 * replace. */
static int save_locked(const struct config *cfg, const char *target,
    char **cause)
{
	char *bak, *text;
	size_t len;
	int rc;

	if (check_existing(target, cause) != 0)
		return -1;
	bak = xasprintf("%s.bak", target);
	rc = atomic_file_copy(target, bak, cause) < 0 ? -1 : 0;
	free(bak);
	if (rc != 0)
		return -1;
	text = render(cfg, &len);
	rc = atomic_file_write(target, text, len, 0600, ATOMIC_FILE_REPLACE,
	    cause);
	free(text);
	return rc;
}

/* The file a save replaces (symlinks resolved), its directory made, its
 * lock taken: *target (caller frees) and *lk (atomic_file_unlock). */
static int lock_target(const char *path, char **target,
    struct atomic_file_lock **lk, char **cause)
{
	char *dir;
	int rc;

	if (path == NULL) {
		*cause = xstrdup("no configuration file (set HOME or use -c)");
		return -1;
	}
	*target = save_target(path);
	dir = lcfg_dir_of(*target);
	rc = util_make_dirs(dir, cause);
	free(dir);
	if (rc == 0)
		rc = atomic_file_lock(*target, lk, cause);
	if (rc != 0) {
		free(*target);
		*target = NULL;
	}
	return rc;
}

int config_save(const struct config *cfg, char **cause)
{
	struct atomic_file_lock *lk;
	char *target;
	int rc;

	if (lock_target(cfg->path, &target, &lk, cause) != 0)
		return -1;
	rc = save_locked(cfg, target, cause);
	atomic_file_unlock(lk);
	free(target);
	return rc;
}

/* "host[:port]" of scheme://[user@]host[:port]/..., or "local". */
static char *name_from_uri(const char *uri)
{
	const char *p = strchr(uri, ':') + 1, *at;
	size_t len;

	if (strncmp(p, "//", 2) != 0)
		return xstrdup("local");
	p += 2;
	len = strcspn(p, "/?#");
	if ((at = memrchr(p, '@', len)) != NULL) {
		len -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	return len == 0 ? xstrdup("local") : xstrndup(p, len);
}

int config_add_cli_host(struct config *cfg, const char *arg, char **cause)
{
	const char *eq = strchr(arg, '='), *uri = arg;
	char *name = NULL, *msg;
	int rc;

	/* URIs carry '=' in their query; a NAME never has ':' or '/'. */
	if (eq != NULL && strcspn(arg, ":/") > (size_t)(eq - arg)) {
		name = xstrndup(arg, (size_t)(eq - arg));
		uri = eq + 1;
	}
	if ((msg = check_uri(uri)) != NULL) {
		free(name);
		*cause = msg;
		return -1;
	}
	if (name == NULL)
		name = name_from_uri(uri);
	rc = config_add_host(cfg, name, uri, ROLE_MIXED, NULL, cause);
	if (rc == 0)
		cfg->hosts[cfg->nhosts - 1].transient = 1;
	else if (config_find_host(cfg, name) != NULL) {
		msg = xasprintf("%s; name this one with -H NAME=URI", *cause);
		free(*cause);
		*cause = msg;
	}
	free(name);
	return rc;
}

int config_add_host(struct config *cfg, const char *name, const char *uri,
    enum host_role role, const char *migration_address, char **cause)
{
	char *msg;

	if (name == NULL || uri == NULL) {
		*cause = xstrdup(name == NULL ? "empty host name" :
		    "empty host URI");
		return -1;
	}
	msg = check_name(cfg, name);
	if (msg == NULL)
		msg = check_uri(uri);
	if (msg == NULL && (unsigned)role >= NROLES)
		msg = xasprintf("invalid host role %d", (int)role);
	if (msg == NULL && migration_address != NULL)
		msg = check_migration_address(migration_address);
	if (msg != NULL) {
		*cause = msg;
		return -1;
	}
	append_host(cfg, name, uri, role, migration_address);
	return 0;
}

struct config_host *config_find_host(const struct config *cfg,
    const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nhosts; i++)
		if (strcmp(cfg->hosts[i].name, name) == 0)
			return &cfg->hosts[i];
	return NULL;
}

int config_remove_host(struct config *cfg, const char *name, char **cause)
{
	struct config_host *h = config_find_host(cfg, name);
	size_t i;

	if (h == NULL) {
		char *vis = text_visible(name);

		*cause = xasprintf("no host called '%s' in the configuration",
		    vis);
		free(vis);
		return -1;
	}
	i = (size_t)(h - cfg->hosts);
	config_wall_forget_host(&cfg->wall, name);
	free_host(h);
	memmove(h, h + 1, (cfg->nhosts - i - 1) * sizeof *h);
	cfg->nhosts--;
	return 0;
}

int config_edit(const char *path,
    int (*fn)(struct config *cfg, void *arg, char **cause), void *arg,
    char **cause)
{
	struct atomic_file_lock *lk;
	struct config c;
	char *target;
	int rc = -1;

	/* Locked from the read to the rename: an edit racing this one (a
	 * thread, another hvdeck) waits and then reads this one's result. */
	if (lock_target(path, &target, &lk, cause) != 0)
		return -1;
	config_defaults(&c, path);
	if (config_load(&c, 1, cause) == 0 && fn(&c, arg, cause) == 0 &&
	    save_locked(&c, target, cause) == 0)
		rc = 0;
	config_free(&c);
	atomic_file_unlock(lk);
	free(target);
	return rc;
}

const char *config_role_name(enum host_role role)
{
	if ((unsigned)role >= NROLES)
		return "unknown";
	return role_names[role];
}

int config_role_parse(const char *s, enum host_role *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NROLES; i++) {
		if (strcmp(role_names[i], s) == 0) {
			*out = (enum host_role)i;
			return 0;
		}
	}
	return -1;
}

void config_print_settings(void)
{
	const struct setting *s;
	char *def, *list;
	size_t i;

	printf("Settings in hvdeck.conf (libconfig syntax: name = value;):\n");
	printf("  %-16s %-12s %s\n", "hosts", "( )",
	    "list of { name; uri; role (hypervisor|disk|mixed, default mixed); "
	    "migration_address (optional); maintenance (true|false, default "
	    "false: no new desktops, derivations or migrations go to it); "
	    "memory_reserve (MiB kept free for the host itself when a "
	    "migration comes in, default 1024) }");
	for (i = 0; i < NSETTINGS; i++) {
		s = &settings[i];
		if (s->type == SETTING_INT) {
			def = xasprintf("%d", s->def_int);
			printf("  %-16s %-12s %s (%d..%d)\n", s->name, def,
			    s->help, s->min, s->max);
		} else if (s->type == SETTING_BOOL) {
			def = xstrdup(s->def_int ? "true" : "false");
			printf("  %-16s %-12s %s\n", s->name, def, s->help);
		} else {
			def = xasprintf("\"%s\"", s->def_str);
			list = s->allowed != NULL ? join(s->allowed) : NULL;
			printf("  %-16s %-12s %s%s%s%s\n", s->name, def, s->help,
			    list != NULL ? " (one of: " : "",
			    list != NULL ? list : "", list != NULL ? ")" : "");
			free(list);
		}
		free(def);
	}
	config_wall_print();
}

void config_free(struct config *cfg)
{
	const struct setting *s;
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nhosts; i++)
		free_host(&cfg->hosts[i]);
	free(cfg->hosts);
	config_wall_free(&cfg->wall);
	for (i = 0; i < NSETTINGS; i++) {
		s = &settings[i];
		if (s->type == SETTING_STRING)
			free(*(char **)field(cfg, s));
	}
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

int config_role_runs_desktops(enum host_role role)
{
	return role == ROLE_MIXED || role == ROLE_HYPERVISOR;
}
