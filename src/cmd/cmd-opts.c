/* cmd-opts.c — the typed options of commands and the one parser of their
 * values (cmd-opts.h). Adding an option is one line in `specs` beside its
 * usage text in the command table. */
#include "cmd/cmd-opts.h"
#include "core/names.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MiB/s: a sanity bound (about 1 TiB/s), not a limit; 0 is unlimited, for
 * which act-migrate.c asks libvirt for its largest speed */
#define MIBS_MAX 1000000LL
/* ms: an hour; libvirt passes larger values on and QEMU refuses them */
#define DOWNTIME_MS_MAX 3600000LL
/* qcow2's cluster sizes: act-derive.c also wants a power of two */
#define CLUSTER_MIN 512LL
#define CLUSTER_MAX (2LL << 20)

#define FLAG(name) { NULL, name, CMD_OPT_FLAG, 0, 0, NULL, NULL }

static const struct cmd_opt_spec specs[] = {
	/* hvdeck's own options that commands declare too (getopt takes them) */
	FLAG("json"),
	FLAG("stats"),
	/* migrate, desktop migrate, and the running migration's job */
	{ NULL, "bandwidth", CMD_OPT_INT, 0, MIBS_MAX, NULL, "MiB/s, 0 unlimited" },
	{ NULL, "max-downtime", CMD_OPT_INT, 0, DOWNTIME_MS_MAX, NULL,
	  "ms, 0 libvirt's default" },
	FLAG("auto-converge"),
	FLAG("postcopy"),
	FLAG("compress"),
	FLAG("copy-storage"),
	FLAG("unsafe"),
	FLAG("no-persist"),
	{ NULL, "to-pool", CMD_OPT_NAME, 0, 0, NULL, "pool name" },
	FLAG("place"),          /* migrate: each desktop where placement says */
	{ "job bandwidth", "MIBS", CMD_OPT_INT, 0, MIBS_MAX, NULL, "MiB/s, 0 unlimited" },
	/* a running migration cannot go back to libvirt's default: no 0 */
	{ "job downtime", "MS", CMD_OPT_INT, 1, DOWNTIME_MS_MAX, NULL, "ms" },
	/* host add, host rekey */
	{ NULL, "port", CMD_OPT_INT, 1, 65535, NULL, "SSH port" },
	{ NULL, "user", CMD_OPT_NAME, 0, 0, NULL, "user name" },
	{ NULL, "role", CMD_OPT_ENUM, 0, 0, "hypervisor|disk|mixed", NULL },
	{ NULL, "yes-fingerprint", CMD_OPT_NAME, 0, 0, NULL, "fingerprint" },
	/* desktop new, derive, template from, desktop delete, volume delete */
	{ NULL, "count", CMD_OPT_INT, 1, NAMES_MAX_COUNT, NULL, "how many names" },
	{ NULL, "on", CMD_OPT_NAME, 0, 0, NULL, "host name" },
	{ NULL, "pool", CMD_OPT_NAME, 0, 0, NULL, "pool name" },
	FLAG("start"),
	FLAG("with-disk"),
	FLAG("yes"),
	FLAG("flatten"),
	/* desktop move-disk */
	FLAG("delete-source"),
	{ NULL, "cluster-size", CMD_OPT_SIZE, CLUSTER_MIN, CLUSTER_MAX, NULL,
	  "bytes, or with K or M; a power of two" },
	FLAG("lazy-refcounts"),
	FLAG("extended-l2"),
	/* host drain; job cancel of a drain */
	{ "host drain", "parallel", CMD_OPT_INT, 1, 64, NULL,
	  "migrations at once" },
	{ "host drain", "to", CMD_OPT_NAME, 0, 0, NULL,
	  "host names, comma separated" },
	FLAG("dry-run"),
	FLAG("include-defined"),
	FLAG("let-running-finish"),
	/* desktop set: MiB up to 16 TiB, vCPUs up to libvirt's own bound */
	{ "desktop set", "vcpus", CMD_OPT_INT, 1, 4096, NULL, "vCPUs" },
	{ "desktop set", "memory", CMD_OPT_INT, 1, 16LL << 20, NULL, "MiB" },
	{ "desktop set", "max-memory", CMD_OPT_INT, 1, 16LL << 20, NULL, "MiB" },
	/* desktop viewer: where the .vv file goes */
	{ "desktop viewer", "file", CMD_OPT_NAME, 0, 0, NULL, "path, or - for standard output" },
	/* server, server start; server stop */
	FLAG("keep"),
	FLAG("force"),
	/* wall */
	{ "wall", "rotate", CMD_OPT_INT, 1, 3600, NULL,
	  "seconds per page of hosts" },
	FLAG("kiosk"),
};

#undef FLAG

#define NSPECS (sizeof specs / sizeof specs[0])

/* Options no entry declares and every action command takes: scripts
 * need no text parsing, whichever command they run. */
static const char *const every[] = { "json" };

int cmd_opt_every(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof every / sizeof every[0]; i++)
		if (strcmp(every[i], name) == 0)
			return 1;
	return 0;
}

const struct cmd_opt_spec *cmd_opt_specs(size_t *n)
{
	*n = NSPECS;
	return specs;
}

const struct cmd_opt_spec *cmd_opt_spec(const char *command,
    const char *name)
{
	const struct cmd_opt_spec *shared = NULL;
	size_t i;

	for (i = 0; i < NSPECS; i++) {
		if (strcmp(specs[i].name, name) != 0)
			continue;
		if (specs[i].command == NULL)
			shared = &specs[i];
		else if (command != NULL && strcmp(specs[i].command, command) == 0)
			return &specs[i];
	}
	return shared;
}

const char *cmd_opt(const struct cmd_opts *o, const char *name)
{
	int i;

	for (i = 0; o != NULL && i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return o->v[i].value;
	return NULL;
}

/* ---- values ---- */

/* Digits only (no sign, no spaces: strtoll would take both) and few
 * enough that no overflow is possible. */
static int whole(const char *s, long long *out, const char **end)
{
	long long v = 0;
	int n;

	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 15)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0)
		return -1;
	*out = v;
	*end = s + n;
	return 0;
}

static int parse_size(const char *s, long long *out)
{
	const char *end;

	if (whole(s, out, &end) < 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		*out <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		*out <<= 20, end++;
	return *end == '\0' ? 0 : -1;
}

/* "512", "64K", "2M": a size as the operator would write it. */
static void size_text(long long v, char *buf, size_t len)
{
	if (v != 0 && v % (1LL << 20) == 0)
		snprintf(buf, len, "%lldM", v >> 20);
	else if (v != 0 && v % (1LL << 10) == 0)
		snprintf(buf, len, "%lldK", v >> 10);
	else
		snprintf(buf, len, "%lld", v);
}

static int in_words(const char *words, const char *v)
{
	size_t len = strlen(v);
	const char *p = words;

	while (len > 0) {
		const char *bar = strchr(p, '|');
		size_t wl = bar != NULL ? (size_t)(bar - p) : strlen(p);

		if (wl == len && strncmp(p, v, len) == 0)
			return 1;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	return 0;
}

/* "--bandwidth" for an option, "MIBS" for a positional argument. */
static const char *dashes(const struct cmd_opt_spec *s)
{
	return s->name[0] >= 'A' && s->name[0] <= 'Z' ? "" : "--";
}

/* The values s allows: "0..1000000 (MiB/s, 0 unlimited)", "512..2M
 * (bytes...)", "hypervisor|disk|mixed"; NULL for a flag or a name, whose
 * usage text says all. Caller frees. */
static char *range(const struct cmd_opt_spec *s)
{
	char lo[24], hi[24];
	const char *open = s->unit != NULL ? " (" : "";
	const char *close = s->unit != NULL ? ")" : "";
	const char *unit = s->unit != NULL ? s->unit : "";

	switch (s->type) {
	case CMD_OPT_INT:
		snprintf(lo, sizeof lo, "%lld", s->min);
		snprintf(hi, sizeof hi, "%lld", s->max);
		break;
	case CMD_OPT_SIZE:
		size_text(s->min, lo, sizeof lo);
		size_text(s->max, hi, sizeof hi);
		break;
	case CMD_OPT_ENUM:
		return xstrdup(s->words);
	case CMD_OPT_NAME:
	case CMD_OPT_FLAG:
		return NULL;
	}
	return xasprintf("%s..%s%s%s%s", lo, hi, open, unit, close);
}

/* What a value of s must be: "a whole number 0..1000000 (MiB/s, 0
 * unlimited)". Caller frees. */
static char *wanted(const struct cmd_opt_spec *s)
{
	char *r = range(s), *w;

	switch (s->type) {
	case CMD_OPT_INT:
		w = xasprintf("a whole number %s", r);
		break;
	case CMD_OPT_SIZE:
		w = xasprintf("a size %s", r);
		break;
	case CMD_OPT_ENUM:
		w = xasprintf("one of %s", r);
		break;
	default:
		w = xasprintf("a %s", s->unit != NULL ? s->unit : "name");
		break;
	}
	free(r);
	return w;
}

static int refuse(const struct cmd_opt_spec *s, const char *value,
    char **cause)
{
	char *vis = text_visible(value), *w = wanted(s);

	*cause = xasprintf("%s%s: '%s' is not %s", dashes(s), s->name, vis, w);
	free(w);
	free(vis);
	return -1;
}

int cmd_opt_parse_int(const struct cmd_opt_spec *s, const char *value,
    long long *out, char **cause)
{
	const char *end;
	long long v;
	int rc;

	if (s->type == CMD_OPT_SIZE)
		rc = parse_size(value, &v);
	else if (s->type == CMD_OPT_INT)
		rc = whole(value, &v, &end) == 0 && *end == '\0' ? 0 : -1;
	else
		abort();        /* a caller asked a number of a word */
	if (rc < 0 || v < s->min || v > s->max)
		return refuse(s, value, cause);
	*out = v;
	return 0;
}

int cmd_opt_check(const struct cmd_opt_spec *s, const char *value,
    char **cause)
{
	long long v;

	switch (s->type) {
	case CMD_OPT_INT:
	case CMD_OPT_SIZE:
		return cmd_opt_parse_int(s, value, &v, cause);
	case CMD_OPT_ENUM:
		return in_words(s->words, value) ? 0 : refuse(s, value, cause);
	case CMD_OPT_NAME:
		return value[0] != '\0' ? 0 : refuse(s, value, cause);
	case CMD_OPT_FLAG:
		break;          /* cmd_take_options refuses a flag's value */
	}
	return 0;
}

int cmd_opts_check(const char *command, const struct cmd_opts *o,
    char **cause)
{
	const struct cmd_opt_spec *s;
	int i;

	for (i = 0; o != NULL && i < o->n; i++) {
		s = cmd_opt_spec(command, o->v[i].name);
		if (s != NULL && cmd_opt_check(s, o->v[i].value, cause) < 0)
			return -1;
	}
	return 0;
}

int cmd_opt_int(const struct cmd_opts *o, const struct cmd_opt_spec *s,
    long long *out, char **cause)
{
	const char *v = cmd_opt(o, s->name);

	return v == NULL ? 0 : cmd_opt_parse_int(s, v, out, cause);
}

int cmd_opt_str(const struct cmd_opts *o, const struct cmd_opt_spec *s,
    const char **out, char **cause)
{
	const char *v = cmd_opt(o, s->name);

	if (s->type != CMD_OPT_ENUM && s->type != CMD_OPT_NAME)
		abort();        /* a caller asked a word of a number */
	if (v == NULL)
		return 0;
	if (cmd_opt_check(s, v, cause) < 0)
		return -1;
	*out = v;
	return 0;
}

/* ---- help ---- */

/* Whether usage (an entry's args) shows option or metavariable name. */
static int shows(const char *usage, const struct cmd_opt_spec *s)
{
	size_t len = strlen(s->name);
	const char *p;

	for (p = strstr(usage, s->name); p != NULL; p = strstr(p + 1, s->name)) {
		int before = p == usage ? ' ' : p[-1], after = p[len];

		if ((*dashes(s) != '\0' ? p >= usage + 2 && p[-1] == '-' &&
		    p[-2] == '-' : before == ' ' || before == '[') &&
		    (after == '\0' || after == ' ' || after == ']' || after == '='))
			return 1;
	}
	return 0;
}

char *cmd_opts_describe(const char *command, const char *usage)
{
	char *out = NULL, *one, *joined;
	size_t i;

	for (i = 0; i < NSPECS; i++) {
		if (!shows(usage, &specs[i]) ||
		    cmd_opt_spec(command, specs[i].name) != &specs[i] ||
		    (one = range(&specs[i])) == NULL)
			continue;
		joined = xasprintf("%s%s%s%s %s", out != NULL ? out : "",
		    out != NULL ? ", " : "", dashes(&specs[i]), specs[i].name, one);
		free(out);
		free(one);
		out = joined;
	}
	return out;
}
