/* cmd.c — the command table and everything that reads it: the entries
 * registered (cmd-table.c's and the faces'), parsing a command line (argv
 * or a `:` line) into an entry and its arguments, argument and read-only
 * checks with messages made from the table, Tab completion, and the help
 * listings. */
#include "cmd/cmd.h"
#include "cmd/cmd-audit.h"
#include "core/model.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one table: the entries registered (cmd's own, cmd-table.c; the
 * command line's; the console's), in the order they came. */
#define TABLES_MAX 8
static struct cmd_entry *entries;
static size_t nall;
static const struct cmd_entry *tables[TABLES_MAX];
static size_t ntables;

static void append(const struct cmd_entry *t, size_t n)
{
	entries = xreallocarray(entries, nall + n, sizeof *entries);
	memcpy(entries + nall, t, n * sizeof *t);
	nall += n;
}

const struct cmd_entry *cmd_table(size_t *n)
{
	*n = nall;
	return entries;
}

void cmd_register_table(const struct cmd_entry *t, size_t n)
{
	size_t i;

	for (i = 0; i < ntables; i++)
		if (tables[i] == t)
			return;	/* registered already (tests set up often) */
	if (ntables == TABLES_MAX)
		abort();
	tables[ntables++] = t;
	append(t, n);
}

const struct cmd_entry *cmd_find(const char *name)
{
	const struct cmd_entry *t;
	size_t i, n;

	t = cmd_table(&n);
	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0 ||
		    (t[i].alias != NULL && strcmp(t[i].alias, name) == 0))
			return &t[i];
	return NULL;
}

/* ---- words ---- */

/* Copy one quoted part of a word from *p (at its opening quote) to cur:
 * in "double quotes" \" and \\ stand for themselves (cmd_quote writes any
 * name back this way); in 'single quotes' everything does, as in a
 * shell. */
static void quoted_part(const char **p, char *cur, size_t *len)
{
	const char *line = *p;
	char q = *line;

	for (line++; *line != '\0' && *line != q; line++) {
		if (q == '"' && *line == '\\' && (line[1] == '"' ||
		    line[1] == '\\'))
			line++;
		cur[(*len)++] = *line;
	}
	if (*line == q)
		line++;
	*p = line;
}

int cmd_split_marked(const char *line, char ***words, unsigned char **quoted)
{
	char **w = xcalloc(1, sizeof *w), *cur;
	unsigned char *m = xcalloc(1, 1);
	int n = 0;
	size_t len;

	while (line != NULL && *line != '\0') {
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0')
			break;
		cur = xcalloc(strlen(line) + 1, 1);
		len = 0;
		w = xreallocarray(w, (size_t)n + 2, sizeof *w);
		m = xreallocarray(m, (size_t)n + 1, 1);
		m[n] = *line == '"' || *line == '\'';
		while (*line != '\0' && !isspace((unsigned char)*line)) {
			if (*line == '"' || *line == '\'')
				quoted_part(&line, cur, &len);
			else
				cur[len++] = *line++;
		}
		w[n++] = cur;
		w[n] = NULL;
	}
	*words = w;
	if (quoted != NULL)
		*quoted = m;
	else
		free(m);
	return n;
}

int cmd_split(const char *line, char ***words)
{
	return cmd_split_marked(line, words, NULL);
}

char *cmd_requote(const char *word, int quoted)
{
	const char *eq;
	char *q, *s;

	if (quoted || strncmp(word, "--", 2) != 0)
		return cmd_quote(word);
	if ((eq = strchr(word, '=')) == NULL)
		return xstrdup(word);	/* an option, or "--" */
	q = cmd_quote(eq + 1);
	s = xasprintf("%.*s%s", (int)(eq + 1 - word), word, q);
	free(q);
	return s;
}

char *cmd_quote(const char *s)
{
	char *q = xcalloc(2 * strlen(s) + 3, 1), *p = q;

	*p++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '"';
	return q;
}

void cmd_free_words(char **words)
{
	size_t i;

	for (i = 0; words != NULL && words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

/* ---- parsing ---- */

static int allowed(const struct cmd_entry *e, unsigned where)
{
	return where == 0 || (e->flags & where) != 0;
}

static const char *where_hint(unsigned where)
{
	return where == CMD_CLI ? "try --help" : "try :help";
}

char *cmd_usage(const struct cmd_entry *e)
{
	return xasprintf("usage: %s%s%s", e->name, e->args[0] != '\0' ? " " : "",
	    e->args);
}

/* The verbs of a family, "start, shutdown, ..." (NULL: not a family). */
static char *family_verbs(const char *family, unsigned where)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i, flen = strlen(family);
	char *list = NULL, *tmp;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		const struct cmd_entry *e = &cmds[i];

		if (strncmp(e->name, family, flen) != 0 || e->name[flen] != ' ' ||
		    !allowed(e, where))
			continue;
		tmp = list == NULL ? xstrdup(e->name + flen + 1) :
		    xasprintf("%s, %s", list, e->name + flen + 1);
		free(list);
		list = tmp;
	}
	return list;
}

static const struct cmd_entry *lookup(char **words, int nwords, unsigned where,
    int *used)
{
	const struct cmd_entry *e = NULL;

	if (nwords >= 2) {
		char *two = xasprintf("%s %s", words[0], words[1]);

		e = cmd_find(two);
		free(two);
		*used = 2;
	}
	if (e == NULL || !allowed(e, where)) {
		e = cmd_find(words[0]);
		*used = 1;
	}
	return e;
}

const struct cmd_entry *cmd_parse(char **words, int nwords, unsigned where,
    int *nargs, char ***args, char **cause)
{
	const struct cmd_entry *e;
	char *usage, *verbs;
	int used = 0, n;

	if (nwords == 0) {
		*cause = xasprintf("no command (%s)", where_hint(where));
		return NULL;
	}
	e = lookup(words, nwords, where, &used);
	if (e == NULL) {
		verbs = family_verbs(words[0], where);
		if (verbs != NULL)
			*cause = xasprintf("unknown command '%s %s' (%s: %s)", words[0],
			    nwords > 1 ? words[1] : "", words[0], verbs);
		else
			*cause = xasprintf("unknown command '%s' (%s)", words[0],
			    where_hint(where));
		free(verbs);
		return NULL;
	}
	if (!allowed(e, where)) {
		if (e->flags & CMD_CLI)
			*cause = xasprintf("'%s' runs from the command line: hvdeck %s",
			    e->name, e->name);
		else if (e->flags & CMD_LINE)
			*cause = xasprintf("'%s' is a console command: type :%s in the console",
			    e->name, e->name);
		else
			*cause = xasprintf("unknown command '%s' (%s)", words[0],
			    where_hint(where));
		return NULL;
	}
	n = nwords - used;
	if (n < e->min_args || n > e->max_args) {
		usage = cmd_usage(e);
		if (n < e->min_args)
			*cause = xasprintf("%s: missing argument (%s)", e->name, usage);
		else
			*cause = xasprintf("%s: unexpected argument '%s' (%s)", e->name,
			    words[used + e->max_args], usage);
		free(usage);
		return NULL;
	}
	*nargs = n;
	*args = words + used;
	return e;
}

/* ---- options ---- */

/* Whether args declares --name, and whether it takes a value: the
 * declaration "--name" is followed by a space or '=' and a metavariable. */
static int declares(const char *args, const char *name, int *has_arg)
{
	size_t len = strlen(name);
	const char *p;

	for (p = strstr(args, "--"); p != NULL; p = strstr(p + 2, "--")) {
		if (strncmp(p + 2, name, len) != 0 ||
		    (p[2 + len] != '\0' && p[2 + len] != ' ' &&
		    p[2 + len] != '=' && p[2 + len] != ']'))
			continue;
		*has_arg = p[2 + len] == ' ' || p[2 + len] == '=';
		return 1;
	}
	return 0;
}

/* Some entry declares --name. */
static int any_declares(const char *name, int *has_arg)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++)
		if (declares(cmds[i].args, name, has_arg))
			return 1;
	return 0;
}

static int listed(const char *const *names, const char *name)
{
	for (; names != NULL && *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return 1;
	return 0;
}

int cmd_take_options(int *nwords, char **words, const unsigned char *quoted,
    const char *const *globals, struct cmd_opts *o, char **cause)
{
	int i, out = 0, has_arg;
	char name[32];
	const char *eq;
	size_t len;

	memset(o, 0, sizeof *o);
	for (i = 0; i < *nwords; i++) {
		const char *w = words[i];

		if (quoted != NULL && quoted[i]) {	/* a name, never an option */
			words[out++] = words[i];
			continue;
		}
		if (strcmp(w, "--") == 0) {	/* the rest are arguments */
			for (i++; i < *nwords; i++)
				words[out++] = words[i];
			break;
		}
		eq = strchr(w, '=');
		len = eq != NULL ? (size_t)(eq - w) : strlen(w);
		if (strncmp(w, "--", 2) != 0 || len - 2 >= sizeof name ||
		    len <= 2) {
			words[out++] = words[i];
			continue;
		}
		memcpy(name, w + 2, len - 2);
		name[len - 2] = '\0';
		if (listed(globals, name) || !any_declares(name, &has_arg)) {
			words[out++] = words[i];
			continue;
		}
		if (o->n == CMD_OPTS_MAX) {
			*cause = xstrdup("too many options");
			return -1;
		}
		snprintf(o->v[o->n].name, sizeof o->v[o->n].name, "%s", name);
		if (!has_arg && eq != NULL) {
			*cause = xasprintf("option '--%s' takes no value", name);
			return -1;
		}
		if (has_arg && eq != NULL)
			o->v[o->n].value = eq + 1;
		else if (has_arg && i + 1 < *nwords)
			o->v[o->n].value = words[++i];
		else if (has_arg) {
			*cause = xasprintf("option '--%s' needs a value", name);
			return -1;
		} else
			o->v[o->n].value = "";
		o->n++;
	}
	*nwords = out;
	words[out] = NULL;
	return 0;
}

int cmd_check_options(const struct cmd_entry *e, const struct cmd_opts *o,
    char **cause)
{
	int i, has_arg;
	char *usage;

	for (i = 0; o != NULL && i < o->n; i++) {
		if (declares(e->args, o->v[i].name, &has_arg) ||
		    ((e->flags & CMD_CLI) && !(e->flags & CMD_LOCAL) &&
		    cmd_opt_every(o->v[i].name)))
			continue;
		usage = cmd_usage(e);
		*cause = xasprintf("%s does not take --%s (%s)", e->name,
		    o->v[i].name, usage);
		free(usage);
		return -1;
	}
	return cmd_opts_check(e->name, o, cause);
}

int cmd_check_read_only(const struct cmd_ctx *c, const struct cmd_entry *e,
    char **cause)
{
	if (!c->read_only || (e->flags & CMD_READ_ONLY_OK))
		return 0;
	*cause = xasprintf("read-only: %s is not allowed", e->name);
	return -1;
}

static cmd_after_exec_fn after_exec;

/* Every way in passes here: the audit log records each command that
 * changes something, refused ones (read-only too) included. */
int cmd_exec_entry(struct cmd_ctx *c, const struct cmd_entry *e, int argc,
    char **argv, char **cause)
{
	struct cmd_audit *a = cmd_audit_begin(c, e, argc, argv);
	int rc, has;

	if (cmd_check_read_only(c, e, cause) < 0)
		rc = -1;
	else
		rc = e->exec(c, e, argc, argv, cause);
	cmd_audit_done(a, rc, c->status, rc < 0 ? *cause : NULL);
	/* --json: a command that said no result of its own still gives one
	 * (dump and host list, which declare --json, print their own) */
	if (after_exec != NULL && !declares(e->args, "json", &has))
		after_exec(c, argc > 0 ? argv[0] : NULL, rc, rc < 0 ? *cause : NULL);
	return rc;
}

void cmd_set_after_exec(cmd_after_exec_fn fn)
{
	after_exec = fn;
}

static cmd_remote_fn remote_run;

void cmd_set_remote(cmd_remote_fn remote)
{
	remote_run = remote;
}

int cmd_run_line(struct cmd_ctx *c, const char *line, unsigned where,
    char **cause)
{
	char **all, **words, **args;
	unsigned char *quoted;
	int n = cmd_split_marked(line, &all, &quoted), nargs, rc = -1;
	const struct cmd_entry *e;
	const struct cmd_opts *saved = c->opts;
	struct cmd_opts opts;

	if (n == 0) {	/* an empty `:` line does nothing */
		cmd_free_words(all);
		free(quoted);
		return 0;
	}
	/* cmd_take_options drops option words from the array: keep them all
	 * to free */
	words = xreallocarray(NULL, (size_t)n + 1, sizeof *words);
	memcpy(words, all, ((size_t)n + 1) * sizeof *words);
	if (cmd_take_options(&n, words, quoted, NULL, &opts, cause) == 0 &&
	    (e = cmd_parse(words, n, where, &nargs, &args, cause)) != NULL &&
	    cmd_check_options(e, &opts, cause) == 0) {
		c->opts = &opts;
		rc = remote_run != NULL ?
		    remote_run(c, e, &opts, nargs, args, cause) : 1;
		if (rc == 1)
			rc = cmd_exec_entry(c, e, nargs, args, cause);
		c->opts = saved;
	}
	free(words);
	free(quoted);
	cmd_free_words(all);
	return rc;
}

/* ---- completion ---- */

struct names {
	char **v;
	size_t n;
};

static void names_add(struct names *s, const char *name, const char *prefix)
{
	size_t i;

	if (name == NULL || strncmp(name, prefix, strlen(prefix)) != 0)
		return;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = xstrdup(name);
}

/* Names of model objects the entry's argument can be. */
static void model_names(struct names *s, unsigned flags, const char *prefix)
{
	struct m_host **hosts;
	struct m_desktop **ds;
	size_t nh, nd, i, k, v;
	int any = !(flags & (CMD_ARG_HOST | CMD_ARG_DESKTOP));

	model_lock();
	hosts = model_hosts(&nh);
	if (any || (flags & CMD_ARG_HOST))
		for (i = 0; i < nh; i++)
			names_add(s, hosts[i]->name, prefix);
	ds = model_desktops(&nd);
	if (any || (flags & CMD_ARG_DESKTOP))
		for (i = 0; i < nd; i++)
			names_add(s, ds[i]->name, prefix);
	for (i = 0; any && i < nh; i++) {
		for (k = 0; k < hosts[i]->npools; k++) {
			names_add(s, hosts[i]->pools[k]->name, prefix);
			for (v = 0; v < hosts[i]->pools[k]->nvols; v++)
				names_add(s, hosts[i]->pools[k]->vols[v].name, prefix);
		}
	}
	model_unlock();
}

/* Command names (or a family's verbs) for word `pos` of a line. */
static void command_names(struct names *s, const char *family, const char *prefix)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i, flen = family != NULL ? strlen(family) : 0;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		const char *name = cmds[i].name;
		char *first;

		if (!(cmds[i].flags & CMD_LINE))
			continue;
		if (family == NULL) {
			first = xstrndup(name, strcspn(name, " "));
			names_add(s, first, prefix);
			free(first);
		} else if (strncmp(name, family, flen) == 0 && name[flen] == ' ') {
			names_add(s, name + flen + 1, prefix);
		}
	}
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Which candidates word `pos` (words before it: w[0..pos-1]) may take. */
static void candidates(struct names *s, char **w, int pos, const char *prefix)
{
	const struct cmd_entry *e;

	if (pos == 0) {
		command_names(s, NULL, prefix);
		return;
	}
	if (pos == 1) {
		command_names(s, w[0], prefix);
		e = cmd_find(w[0]);
		if (e != NULL && (e->flags & CMD_LINE) && (e->flags & CMD_ARG_NAME))
			model_names(s, e->flags, prefix);
		return;
	}
	if (pos == 2) {
		char *two = xasprintf("%s %s", w[0], w[1]);

		e = cmd_find(two);
		free(two);
		if (e != NULL && (e->flags & CMD_LINE) && (e->flags & CMD_ARG_NAME))
			model_names(s, e->flags, prefix);
	}
}

/* A name the `:` line would not read back as one name when bare: a space,
 * a quote or a backslash in it, or an option's dash in front. */
static int needs_quotes(const char *name)
{
	return name[0] == '-' || name[strcspn(name, " \t\"'\\")] != '\0';
}

/* line up to start, then name quoted (cmd_quote) and a space. */
static char *quoted_word(const char *line, size_t start, const char *name)
{
	char *q = cmd_quote(name), *s;

	s = xasprintf("%.*s%s ", (int)start, line, q);
	free(q);
	return s;
}

size_t cmd_complete(const char *line, char **completed, char **list)
{
	char **w, *prefix, *tmp;
	struct names s = { NULL, 0 };
	size_t i, lcp, start, count;
	int n = cmd_split(line, &w), pos;
	size_t len = strlen(line);

	/* the word being completed: a new one after a trailing space */
	if (n == 0 || (len > 0 && isspace((unsigned char)line[len - 1]))) {
		pos = n;
		prefix = xstrdup("");
		start = len;
	} else {
		pos = n - 1;
		prefix = xstrdup(w[n - 1]);
		start = len;
		while (start > 0 && !isspace((unsigned char)line[start - 1]))
			start--;
	}
	candidates(&s, w, pos, prefix);
	cmd_free_words(w);
	if (s.n > 1)
		qsort(s.v, s.n, sizeof *s.v, by_string);
	lcp = s.n > 0 ? strlen(s.v[0]) : 0;
	for (i = 1; i < s.n; i++) {
		size_t k = 0;

		while (k < lcp && s.v[i][k] == s.v[0][k])
			k++;
		lcp = k;
	}
	if (s.n == 0 || lcp < strlen(prefix))
		*completed = xstrdup(line);
	else if (s.n == 1 && needs_quotes(s.v[0]))
		*completed = quoted_word(line, start, s.v[0]);
	else
		*completed = xasprintf("%.*s%.*s%s", (int)start, line, (int)lcp,
		    s.v[0], s.n == 1 ? " " : "");
	*list = NULL;
	for (i = 0; s.n > 1 && i < s.n; i++) {
		tmp = *list == NULL ? xstrdup(s.v[i]) : xasprintf("%s %s", *list, s.v[i]);
		free(*list);
		*list = tmp;
	}
	for (i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	free(prefix);
	count = s.n;
	return count;
}

/* ---- help ---- */

/* Print text wrapped into a column starting at `indent`, width 78. */
static void wrap(FILE *out, const char *text, int indent, int first_col)
{
	int col = first_col, width = 78;
	const char *p = text;

	while (*p != '\0') {
		size_t wl = strcspn(p, " ");

		if (col > indent && col + 1 + (int)wl > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)wl, p);
		col += (int)wl;
		p += wl;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

void cmd_print_cli_help(FILE *out)
{
	const struct cmd_entry *cmds;
	size_t ncmd;
	size_t i;
	char *head, *desc;
	int col;

	for (i = 0, cmds = cmd_table(&ncmd); i < ncmd; i++) {
		if (!(cmds[i].flags & CMD_CLI))
			continue;
		head = xasprintf("  %s%s%s", cmds[i].name,
		    cmds[i].args[0] != '\0' ? " " : "", cmds[i].args);
		col = (int)strlen(head);
		fputs(head, out);
		if (col < 27) {
			fprintf(out, "%*s", 27 - col, "");
			col = 27;
		}
		free(head);
		wrap(out, cmds[i].help, 27, col);
		if ((desc = cmd_opts_describe(cmds[i].name, cmds[i].args)) != NULL) {
			head = xasprintf("values: %s", desc);
			fprintf(out, "%27s", "");
			wrap(out, head, 27, 27);
			free(head);
			free(desc);
		}
	}
}
