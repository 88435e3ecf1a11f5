/* cmd-targets.c — the names of a bulk command, its confirmation's list
 * and its --json results (cmd-targets.h). */
#include "cmd/cmd-targets.h"
#include "cmd/cmd-face.h"
#include "core/json.h"
#include "core/names.h"
#include "core/text.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_targets_expand(int argc, char **argv, int new_names, char ***names,
    size_t *n, char **cause)
{
	char **v;
	size_t nv, i;
	int k;

	*names = NULL;
	*n = 0;
	for (k = 0; k < argc; k++) {
		if (!new_names && strpbrk(argv[k], "{}") == NULL) {
			/* an existing desktop's name, whatever its characters */
			nv = 1;
			v = xcalloc(1, sizeof *v);
			v[0] = xstrdup(argv[k]);
		} else if (names_expand(argv[k], &v, &nv, cause) < 0) {
			names_free(*names, *n);
			*names = NULL;
			*n = 0;
			return -1;
		}
		if (*n + nv > NAMES_MAX_COUNT) {
			names_free(v, nv);
			names_free(*names, *n);
			*names = NULL;
			*n = 0;
			*cause = xasprintf("more than %d names", NAMES_MAX_COUNT);
			return -1;
		}
		*names = xreallocarray(*names, *n + nv, sizeof **names);
		for (i = 0; i < nv; i++)
			(*names)[(*n)++] = v[i];
		free(v);
	}
	return 0;
}

char *cmd_targets_list(char *const *v, size_t n, size_t show)
{
	char *s = xstrdup(""), *t, *vis;
	size_t i;

	for (i = 0; i < n && i < show; i++) {
		vis = text_visible(v[i]);
		t = xasprintf("%s%s%s", s, i > 0 ? ", " : "", vis);
		free(vis);
		free(s);
		s = t;
	}
	if (n > show) {
		t = xasprintf("%s and %zu more", s, n - show);
		free(s);
		s = t;
	}
	return s;
}

int cmd_json(const struct cmd_ctx *c)
{
	return !cmd_in_console(c) && cmd_opt(c->opts, "json") != NULL;
}

void cmd_result(struct cmd_ctx *c, unsigned job, const char *state,
    const char *target, const char *error)
{
	struct json j;

	c->results++;
	if (!cmd_json(c) || c->face == NULL || c->face->say == NULL)
		return;
	json_init(&j);
	json_begin_object(&j, NULL);
	if (job != 0)
		json_uint(&j, "id", job);
	else
		json_null(&j, "id");
	json_string(&j, "state", state);
	json_string(&j, "target", target);
	json_string(&j, "error", error);
	json_end_object(&j);
	c->face->say(c->face, 0, j.buf);
	json_free(&j);
}

void cmd_result_generic(struct cmd_ctx *c, const char *target, int rc,
    const char *cause)
{
	if (cmd_json(c) && c->results == 0)
		cmd_result(c, c->job, rc < 0 || c->status != 0 ? "failed" :
		    "done", target, rc < 0 ? cause : NULL);
}
