/* form-disk-move.c — the console's form of `desktop move-disk DESKTOP`
 * (Shift-V): which disk, into which pool of the desktop's host, and a box
 * to delete the old volume after. The first Enter checks the choice
 * (disk_move_check) and asks on the message line, naming the desktop, the
 * disk and the pool; a second Enter with the same choice runs the full
 * command line, names quoted, through the table. */
#include "tui/forms.h"
#include "act/act-desktop.h"
#include "act/act-disk-move.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "tui/mode.h"
#include "tui/ui-form.h"
#include "tui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dm_form {
	char *uuid;
	char **disks, **pools;          /* raw names, as the choices list them */
	size_t ndisks, npools;
	size_t other;                   /* the first pool the disk is not in */
	char *armed;                    /* the line the question was asked for */
};

static void names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void dm_free(void *ctx)
{
	struct dm_form *d = ctx;

	free(d->uuid);
	names_free(d->disks, d->ndisks);
	names_free(d->pools, d->npools);
	free(d->armed);
	free(d);
}

static char *dm_line(struct form *f, const struct dm_form *d)
{
	char *desk = cmd_quote(d->uuid), *disk, *pool, *line;

	disk = cmd_quote(d->disks[form_choice(f, "disk")]);
	pool = cmd_quote(d->pools[form_choice(f, "pool")]);
	line = xasprintf("desktop move-disk %s %s %s%s", desk, disk, pool,
	    form_check(f, "delete") ? " --delete-source" : "");
	free(desk);
	free(disk);
	free(pool);
	return line;
}

static int dm_submit(struct ui *u, struct form *f, void *ctx)
{
	struct dm_form *d = ctx;
	struct disk_move_req r;
	char *line = dm_line(f, d), *what = NULL, *cause = NULL, *vis, *q;
	int rc;

	if (d->armed != NULL && strcmp(d->armed, line) == 0) {
		rc = forms_submit(u, f, NULL, line);
		free(line);
		return rc;
	}
	memset(&r, 0, sizeof r);
	r.desktop = d->uuid;
	r.disk = d->disks[form_choice(f, "disk")];
	r.pool = d->pools[form_choice(f, "pool")];
	r.delete_source = form_check(f, "delete");
	if (disk_move_check(&r, &what, &cause) < 0) {
		form_set_message(f, cause);
		free(cause);
		free(line);
		return -1;
	}
	vis = text_visible(what);
	/* what is deleted first: a long name cuts the end of the line */
	q = xasprintf("Move%s %s? Enter: yes", r.delete_source ?
	    ", deleting the old one," : "", vis);
	form_set_message(f, q);
	free(q);
	free(vis);
	free(what);
	free(d->armed);
	d->armed = line;
	return 0;
}

static const struct form_ops dm_ops = {
	.submit = dm_submit,
	.free = dm_free,
};

/* Lock held. Pool p holds disk target of dk (a path among its volumes',
 * or a volume disk's "POOL/VOL"). */
static int holds(const struct m_pool *p, const struct m_desktop *dk,
    const char *target)
{
	const char *src = NULL;
	size_t i, n = strlen(p->name);

	for (i = 0; i < dk->xml.ndisks && src == NULL; i++)
		if (dk->xml.disks[i].target != NULL &&
		    strcmp(dk->xml.disks[i].target, target) == 0)
			src = dk->xml.disks[i].source;
	if (src == NULL)
		return 0;
	if (src[0] != '/')
		return strncmp(src, p->name, n) == 0 && src[n] == '/';
	for (i = 0; i < p->nvols; i++)
		if (p->vols[i].path != NULL && strcmp(p->vols[i].path, src) == 0)
			return 1;
	return 0;
}

/* Lock held. d's disks that may move, and its host's active pools (the
 * first one its first disk is not in offered first). */
static void dm_choices(const struct m_desktop *dk, struct dm_form *d)
{
	const struct m_place *p = model_desktop_place(dk);
	const struct m_host *h = p != NULL ? model_host(p->host_id) : NULL;
	size_t i;

	for (i = 0; i < dk->xml.ndisks; i++) {
		const struct xml_disk *k = &dk->xml.disks[i];

		if (k->target == NULL || k->source == NULL ||
		    (k->device != NULL && strcmp(k->device, "disk") != 0))
			continue;
		d->disks = xreallocarray(d->disks, d->ndisks + 1, sizeof *d->disks);
		d->disks[d->ndisks++] = xstrdup(k->target);
	}
	for (i = 0; h != NULL && i < h->npools; i++) {
		if (!h->pools[i]->active)
			continue;
		if (d->other == d->npools && d->ndisks > 0 &&
		    holds(h->pools[i], dk, d->disks[0]))
			d->other++;
		d->pools = xreallocarray(d->pools, d->npools + 1, sizeof *d->pools);
		d->pools[d->npools++] = xstrdup(h->pools[i]->name);
	}
	if (d->other >= d->npools)
		d->other = 0;
}

static void add_choice(struct form *f, const char *key, const char *label,
    char **names, size_t n, size_t initial)
{
	char **vis = xcalloc(n + 1, sizeof *vis);
	size_t i;

	for (i = 0; i < n; i++)
		vis[i] = text_visible(names[i]);
	form_add_choice(f, key, label, (const char *const *)vis, n, initial);
	names_free(vis, n);
}

static int open_dm_form(struct ui *u, const char *uuid, int delete_source,
    char **cause)
{
	struct m_desktop *dk;
	struct dm_form *d = xcalloc(1, sizeof *d);
	struct form *f;
	char *title = NULL, *vis;

	d->uuid = xstrdup(uuid);
	model_lock();
	if ((dk = model_desktop(uuid)) != NULL) {
		vis = text_visible(dk->name);
		title = xasprintf("Move the disk of %s", vis);
		free(vis);
		dm_choices(dk, d);
	}
	model_unlock();
	if (title == NULL || d->ndisks == 0 || d->npools == 0) {
		*cause = xstrdup(title == NULL ? "the desktop is gone" :
		    d->ndisks == 0 ? "the desktop has no disk to move" :
		    "its host has no active pool");
		free(title);
		dm_free(d);
		return -1;
	}
	f = form_new(title);
	free(title);
	add_choice(f, "disk", "Disk", d->disks, d->ndisks, 0);
	add_choice(f, "pool", "To pool", d->pools, d->npools, d->other);
	form_add_check(f, "delete", "Delete the old one", delete_source);
	form_set_message(f, "a running desktop keeps running: its disk is "
	    "copied, then switched over; Enter asks first");
	mode_form_push(u, f, &dm_ops, d);
	return 0;
}

int form_disk_move_open(struct ui *u, struct cmd_ctx *c,
    const struct cmd_entry *e, int argc, char **argv, char **cause)
{
	char *uuid;
	int rc;

	(void)e; (void)argc;
	if ((uuid = act_desktop_resolve(argv[0], NULL, cause)) == NULL)
		return -1;
	rc = open_dm_form(u, uuid, cmd_opt(c->opts, "delete-source") != NULL,
	    cause);
	free(uuid);
	return rc;
}
