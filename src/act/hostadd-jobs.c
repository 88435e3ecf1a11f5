/* hostadd-jobs.c — adds by job id (act-host.h): the server renders each
 * running add's line from here, and an attached console keeps here the
 * copies it makes of them, which its add-host form follows as it follows
 * an add of its own. */
#include "act/act-host.h"
#include "core/job.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct entry {
	unsigned job;
	struct hostadd *ha;     /* the entry's reference */
} *entries;
static size_t nentries;
static pthread_mutex_t entries_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const state_names[] = {
	[HOSTADD_RUNNING] = "running", [HOSTADD_NEED_KEY] = "need-key",
	[HOSTADD_NEED_PASSWORD] = "need-password",
	[HOSTADD_NEED_INSTALL] = "need-install", [HOSTADD_ADDED] = "added",
	[HOSTADD_FAILED] = "failed",
};

const char *hostadd_state_name(enum hostadd_state st)
{
	return st <= HOSTADD_FAILED ? state_names[st] : "failed";
}

int hostadd_state_parse(const char *word)
{
	size_t i;

	for (i = 0; word != NULL && i < sizeof state_names /
	    sizeof state_names[0]; i++)
		if (strcmp(state_names[i], word) == 0)
			return (int)i;
	return -1;
}

/* Lock held: the index of job's entry, nentries if none. */
static size_t find(unsigned job)
{
	size_t i;

	for (i = 0; i < nentries && entries[i].job != job; i++)
		;
	return i;
}

/* Lock held: entry i out; its reference returned to the caller, to be
 * released outside the lock (the last one frees). */
static struct hostadd *take(size_t i)
{
	struct hostadd *ha = entries[i].ha;

	entries[i] = entries[--nentries];
	return ha;
}

/* Lock held: the entries whose job has left the job table, moved to
 * *gone (*ngone of them) for the caller to release. */
static void prune(struct hostadd ***gone, size_t *ngone)
{
	size_t i = 0;
	int have;

	while (i < nentries) {
		job_lock();
		have = job_find(entries[i].job) != NULL;
		job_unlock();
		if (have) {
			i++;
			continue;
		}
		*gone = xreallocarray(*gone, *ngone + 1, sizeof **gone);
		(*gone)[(*ngone)++] = take(i);
	}
}

static void release_all(struct hostadd **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hostadd_release(v[i]);
	free(v);
}

/* Lock held: a new entry (ha's reference taken). */
static void add(unsigned job, struct hostadd *ha)
{
	entries = xreallocarray(entries, nentries + 1, sizeof *entries);
	entries[nentries].job = job;
	entries[nentries++].ha = ha;
}

void hostadd_register(unsigned job, struct hostadd *ha)
{
	struct hostadd **gone = NULL;
	size_t ngone = 0;

	hostadd_hold(ha);
	pthread_mutex_lock(&entries_lock);
	prune(&gone, &ngone);
	add(job, ha);
	pthread_mutex_unlock(&entries_lock);
	release_all(gone, ngone);
}

struct hostadd *hostadd_of_job(unsigned job)
{
	struct hostadd *ha = NULL;
	size_t i;

	pthread_mutex_lock(&entries_lock);
	if ((i = find(job)) < nentries) {
		ha = entries[i].ha;
		hostadd_hold(ha);
	}
	pthread_mutex_unlock(&entries_lock);
	return ha;
}

void hostadd_mirror(unsigned job, const char *name, enum hostadd_state st,
    const char *text, int asked, const struct check_step *steps, size_t n)
{
	struct hostadd **gone = NULL, *ha;
	size_t ngone = 0, i;

	pthread_mutex_lock(&entries_lock);
	if ((i = find(job)) == nentries) {
		prune(&gone, &ngone);
		add(job, hostadd_new_copy(name != NULL ? name : "?"));
		i = nentries - 1;
	}
	ha = entries[i].ha;
	hostadd_hold(ha);
	pthread_mutex_unlock(&entries_lock);
	release_all(gone, ngone);
	/* the steps first: a form that sees the state sees them too */
	checklist_replace(hostadd_checklist(ha), steps, n);
	hostadd_copy_set(ha, st, text, asked);
	hostadd_release(ha);
}

void hostadd_forget(unsigned job)
{
	struct hostadd *ha = NULL;
	size_t i;

	pthread_mutex_lock(&entries_lock);
	if ((i = find(job)) < nentries)
		ha = take(i);
	pthread_mutex_unlock(&entries_lock);
	hostadd_release(ha);
}

void hostadd_forget_all(void)
{
	struct hostadd **all;
	size_t n, i;

	pthread_mutex_lock(&entries_lock);
	n = nentries;
	all = xcalloc(n + 1, sizeof *all);
	for (i = 0; i < n; i++)
		all[i] = entries[i].ha;
	nentries = 0;
	free(entries);
	entries = NULL;
	pthread_mutex_unlock(&entries_lock);
	release_all(all, n);
}
