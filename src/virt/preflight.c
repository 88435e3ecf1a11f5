/* preflight.c — is a host ready to be a hypervisor? One shell script run
 * over the SSH session answers every question in tagged lines ("tool nc
 * /usr/bin/nc"); a table of checks turns the answers into checklist steps,
 * each settled with its reason. The answers are the host's text: they
 * reach a reason only through text_visible. */
#include "virt/ssh.h"
#include "core/format.h"
#include "core/text.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_CERT_DIR "/etc/pki/libvirt-spice"
#define PF_QEMU_CONF "/etc/libvirt/qemu.conf"

/* The fixed part of the script. Non-interactive logins often lack the
 * sbin and libexec directories in PATH, where libvirtd and qemu-kvm
 * live. */
static const char pf_script[] =
    "PATH=\"$PATH:/usr/sbin:/sbin:/usr/libexec:/usr/local/sbin\"\n"
    "for n in libvirtd virtqemud; do\n"
    "  if pidof \"$n\" >/dev/null 2>&1 || pgrep -x \"$n\" >/dev/null 2>&1"
    "; then echo \"proc $n\"\n"
    "  elif command -v systemctl >/dev/null 2>&1 &&"
    " [ \"$(systemctl is-active \"$n\" 2>/dev/null)\" = active ]; then"
    " echo \"proc $n\"; fi\n"
    "done\n"
    "for s in /run/libvirt/libvirt-sock /run/libvirt/virtqemud-sock; do\n"
    "  [ -S \"$s\" ] && echo \"sock $s\"\n"
    "done\n"
    "for t in virt-ssh-helper nc qemu-system-x86_64 qemu-kvm curl; do\n"
    "  p=$(command -v \"$t\" 2>/dev/null | head -n 1)\n"
    "  [ -n \"$p\" ] && echo \"tool $t $p\"\n"
    "done\n"
    "[ -c /dev/kvm ] && echo 'kvm yes'\n"
    "for f in ca-cert.pem server-cert.pem server-key.pem; do\n"
    "  [ -e \"" PF_CERT_DIR "/$f\" ] && echo \"cert $f\"\n"
    "done\n"
    "c=" PF_QEMU_CONF "\n"
    "if [ -r \"$c\" ]; then echo 'conf readable'\n"
    "  for k in spice_tls spice_listen; do\n"
    "    v=$(sed -n \"s/^[[:space:]]*$k[[:space:]]*=[[:space:]]*//p\" \"$c\""
    " | tail -n 1)\n"
    "    [ -n \"$v\" ] && echo \"conf $k $v\"\n"
    "  done\n"
    "fi\n";

/* The answers: the script's lines, split into a tag and the rest. */
struct pf_answers {
	char **tag, **rest;
	size_t n;
};

static void answers_parse(struct pf_answers *a, const char *out)
{
	const char *p = out, *nl, *sp;
	char *line;

	memset(a, 0, sizeof *a);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		p = nl != NULL ? nl + 1 : p + strlen(p);
		sp = strchr(line, ' ');
		a->tag = xreallocarray(a->tag, a->n + 1, sizeof *a->tag);
		a->rest = xreallocarray(a->rest, a->n + 1, sizeof *a->rest);
		a->rest[a->n] = xstrdup(sp != NULL ? sp + 1 : "");
		if (sp != NULL)
			line[sp - line] = '\0';
		a->tag[a->n++] = line;
	}
}

static void answers_free(struct pf_answers *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->tag[i]);
		free(a->rest[i]);
	}
	free(a->tag);
	free(a->rest);
}

/* The rest of the first line tagged tag whose rest starts with the word
 * first (NULL: any); with first, the text after that word. NULL if
 * none. */
static const char *answer(const struct pf_answers *a, const char *tag,
    const char *first)
{
	size_t i, n;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->tag[i], tag) != 0)
			continue;
		if (first == NULL)
			return a->rest[i];
		n = strlen(first);
		if (strncmp(a->rest[i], first, n) == 0 &&
		    (a->rest[i][n] == ' ' || a->rest[i][n] == '\0'))
			return a->rest[i][n] == ' ' ? a->rest[i] + n + 1 : "";
	}
	return NULL;
}

/* Settle step i with a reason built from host text made visible. */
static void settle(struct checklist *cl, size_t i, enum check_state st,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void settle(struct checklist *cl, size_t i, enum check_state st,
    const char *fmt, ...)
{
	va_list ap;
	char *raw, *vis;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	vis = text_visible(raw);
	checklist_set(cl, i, st, "%s", vis);
	free(vis);
	free(raw);
}

static void check_daemon(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	const char *d = answer(a, "proc", "libvirtd") != NULL ? "libvirtd" :
	    answer(a, "proc", "virtqemud") != NULL ? "virtqemud" : NULL;
	const char *sock = answer(a, "sock", NULL);

	if (d == NULL)
		settle(cl, i, CHECK_FAIL, "neither libvirtd nor virtqemud is "
		    "running");
	else if (sock == NULL)
		settle(cl, i, CHECK_FAIL, "%s runs but its socket "
		    "/run/libvirt/libvirt-sock (or virtqemud-sock) is absent",
		    d);
	else
		settle(cl, i, CHECK_OK, "%s running, socket %s", d, sock);
}

/* The first of two tools present: ok with its path, else fail. */
static void check_either(const struct pf_answers *a, struct checklist *cl,
    size_t i, const char *t1, const char *t2, const char *why)
{
	const char *p1 = answer(a, "tool", t1), *p2 = answer(a, "tool", t2);

	if (p1 != NULL)
		settle(cl, i, CHECK_OK, "%s", p1);
	else if (p2 != NULL)
		settle(cl, i, CHECK_OK, "%s", p2);
	else
		settle(cl, i, CHECK_FAIL, "neither %s nor %s found: %s", t1,
		    t2, why);
}

static void check_helper(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	check_either(a, cl, i, "virt-ssh-helper", "nc",
	    "libvirt's SSH transport needs one");
}

static void check_qemu(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	check_either(a, cl, i, "qemu-system-x86_64", "qemu-kvm",
	    "no emulator to run guests");
}

static void check_kvm(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	if (answer(a, "kvm", NULL) != NULL)
		settle(cl, i, CHECK_OK, "present");
	else
		settle(cl, i, CHECK_WARN, "absent: guests run under TCG "
		    "(slow)");
}

static void check_certs(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	static const char *const files[] = { "ca-cert.pem",
	    "server-cert.pem", "server-key.pem" };
	char missing[128] = "";
	size_t f;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		if (answer(a, "cert", files[f]) != NULL)
			continue;
		snprintf(missing + strlen(missing),
		    sizeof missing - strlen(missing), "%s%s",
		    missing[0] != '\0' ? ", " : "", files[f]);
	}
	if (missing[0] == '\0')
		settle(cl, i, CHECK_OK, "present in " PF_CERT_DIR);
	else
		settle(cl, i, CHECK_WARN, "missing in " PF_CERT_DIR ": %s",
		    missing);
}

static void check_conf(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	const char *tls = answer(a, "conf", "spice_tls");
	const char *listen = answer(a, "conf", "spice_listen");

	if (answer(a, "conf", "readable") == NULL)
		settle(cl, i, CHECK_WARN, PF_QEMU_CONF " is not readable");
	else if (tls == NULL || strcmp(tls, "1") != 0 || listen == NULL)
		settle(cl, i, CHECK_WARN, "spice_tls = %s, spice_listen = %s: "
		    "%s%s%s; set spice_tls = 1 and spice_listen in " PF_QEMU_CONF,
		    tls != NULL ? tls : "unset",
		    listen != NULL ? listen : "unset",
		    tls == NULL || strcmp(tls, "1") != 0 ? "desktops' SPICE "
		    "screens travel unencrypted" : "",
		    (tls == NULL || strcmp(tls, "1") != 0) && listen == NULL ?
		    ", and " : "", listen == NULL ? "they listen only on the "
		    "host itself (viewers elsewhere cannot reach them)" : "");
	else
		settle(cl, i, CHECK_OK, "spice_tls = %s, spice_listen = %s",
		    tls, listen);
}

static void check_curl(const struct pf_answers *a, struct checklist *cl,
    size_t i)
{
	const char *p = answer(a, "tool", "curl");

	if (p != NULL)
		settle(cl, i, CHECK_OK, "%s", p);
	else
		settle(cl, i, CHECK_WARN, "curl not found");
}

/* The checks in the order they are shown. */
static const struct pf_check {
	const char *text;
	void (*check)(const struct pf_answers *, struct checklist *, size_t);
} pf_checks[] = {
	{ "libvirt daemon and socket", check_daemon },
	{ "virt-ssh-helper or nc", check_helper },
	{ "qemu-system-x86_64 or qemu-kvm", check_qemu },
	{ "/dev/kvm", check_kvm },
	{ "SPICE/VNC TLS certificates", check_certs },
	{ "spice_tls/spice_listen in qemu.conf", check_conf },
	{ "curl", check_curl },
};
#define PF_NCHECKS (sizeof pf_checks / sizeof pf_checks[0])

static void check_path(const struct pf_answers *a,
    const struct preflight_path *p, size_t n, struct checklist *cl,
    size_t i)
{
	char key[32], sz[16], *end;
	const char *v;
	unsigned long long kb;

	snprintf(key, sizeof key, "%zu", n);
	v = answer(a, "path", key);
	if (v == NULL || strcmp(v, "missing") == 0)
		settle(cl, i, CHECK_FAIL, "missing (pool %s has it on other "
		    "hosts)", p->pool);
	else if (strcmp(v, "notdir") == 0)
		settle(cl, i, CHECK_FAIL, "not a directory");
	else {
		kb = strtoull(v, &end, 10);
		if (end == v || *end != '\0')
			settle(cl, i, CHECK_OK, "exists");
		else
			settle(cl, i, CHECK_OK, "exists, %s free",
			    format_size(sz, sizeof sz, kb * 1024ULL));
	}
}

/* The script with the paths' part: each path quoted, answered by its
 * index so no path text comes back. Caller frees. */
static char *pf_build(const struct preflight_path *paths, size_t npaths)
{
	char *s = xstrdup(pf_script), *q, *next;
	size_t i;

	for (i = 0; i < npaths; i++) {
		q = sshc_shell_quote(paths[i].path);
		next = xasprintf("%sp=%s\n"
		    "if [ -d \"$p\" ]; then echo \"path %zu $(df -Pk -- \"$p\""
		    " 2>/dev/null | awk 'NR==2{print $4}')\"\n"
		    "elif [ -e \"$p\" ]; then echo 'path %zu notdir'\n"
		    "else echo 'path %zu missing'; fi\n", s, q, i, i, i);
		free(q);
		free(s);
		s = next;
	}
	next = xasprintf("%secho end\n", s);
	free(s);
	return next;
}

/* How many of the steps failed. */
static int count_failed(struct checklist *cl, const size_t *steps,
    size_t n)
{
	struct check_step *snap = NULL;
	size_t ns = 0, i;
	int failed = 0;

	checklist_snapshot(cl, &snap, &ns);
	for (i = 0; i < n; i++)
		if (steps[i] < ns && snap[steps[i]].state == CHECK_FAIL)
			failed++;
	free(snap);
	return failed;
}

int preflight_report(const char *out, const struct preflight_path *paths,
    size_t npaths, struct checklist *cl, const size_t *steps)
{
	struct pf_answers a;
	size_t i;
	int failed;

	answers_parse(&a, out);
	for (i = 0; i < PF_NCHECKS; i++)
		pf_checks[i].check(&a, cl, steps[i]);
	for (i = 0; i < npaths; i++)
		check_path(&a, &paths[i], i, cl, steps[PF_NCHECKS + i]);
	failed = count_failed(cl, steps, PF_NCHECKS + npaths);
	if (answer(&a, "end", NULL) == NULL) {
		checklist_note(cl, CHECK_FAIL, "pre-flight script",
		    "ended early: the answers above may be incomplete");
		failed++;
	}
	answers_free(&a);
	return failed;
}

/* Our steps, added pending: the fixed checks, then one per path.
 * Caller frees. */
static size_t *add_steps(const struct preflight_path *paths, size_t npaths,
    struct checklist *cl)
{
	size_t *steps = xcalloc(PF_NCHECKS + npaths, sizeof *steps);
	char *raw, *vis;
	size_t i;

	for (i = 0; i < PF_NCHECKS; i++)
		steps[i] = checklist_add(cl, pf_checks[i].text);
	for (i = 0; i < npaths; i++) {
		raw = xasprintf("%s: %s", paths[i].pool, paths[i].path);
		vis = text_visible(raw);
		steps[PF_NCHECKS + i] = checklist_add(cl, vis);
		free(vis);
		free(raw);
	}
	return steps;
}

int preflight_run(struct sshc *s, const struct preflight_path *paths,
    size_t npaths, struct checklist *cl, char **cause)
{
	size_t *steps = add_steps(paths, npaths, cl), i;
	char *script = pf_build(paths, npaths), *out = NULL;
	int status = -1, rc;

	for (i = 0; i < PF_NCHECKS + npaths; i++)
		checklist_set(cl, steps[i], CHECK_RUNNING, NULL);
	rc = sshc_exec(s, script, &out, &status, cause);
	free(script);
	if (rc == -1) {
		for (i = 0; i < PF_NCHECKS + npaths; i++)
			checklist_set(cl, steps[i], CHECK_FAIL,
			    "not checked: the session broke");
		free(steps);
		return -1;
	}
	rc = preflight_report(out, paths, npaths, cl, steps);
	free(out);
	free(steps);
	return rc;
}

size_t preflight_nchecks(void)
{
	return PF_NCHECKS;
}
