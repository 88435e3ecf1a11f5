/* checklist.h — the steps of a running action, reported live: a form shows
 * them under its fields, the command line prints each as it settles. The
 * action (on a job thread) adds and settles steps; readers take snapshots.
 * Thread-safe; every change wakes the UI (model_wake) and a waiter.
 *
 * States: pending (not begun) -> running -> ok | warn | fail, each settled
 * step with its reason ("libvirtd 9.0.0 running", "/dev/kvm absent: guests
 * run under TCG"). */
#ifndef HVDECK_CHECKLIST_H
#define HVDECK_CHECKLIST_H

#include <stddef.h>
#include <stdint.h>

enum check_state { CHECK_PENDING, CHECK_RUNNING, CHECK_OK, CHECK_WARN,
	CHECK_FAIL };

#define CHECK_TEXT_MAX 80       /* bytes of a step's name */
#define CHECK_REASON_MAX 200    /* bytes of its reason */

struct check_step {
	enum check_state state;
	char text[CHECK_TEXT_MAX];
	char reason[CHECK_REASON_MAX];  /* "" until settled with one */
};

struct checklist;

struct checklist *checklist_new(void);
/* Caller's last reference; NULL-safe. */
void checklist_free(struct checklist *cl);

/* Append a pending step (text copied, cut to fit). Returns its index. */
size_t checklist_add(struct checklist *cl, const char *text);
/* Set a step's state and reason (printf format; NULL: keep the reason).
 * Unknown indices are ignored. */
void checklist_set(struct checklist *cl, size_t i, enum check_state st,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Append a step already in state st: a step found on the way. Returns its
 * index. */
size_t checklist_note(struct checklist *cl, enum check_state st,
    const char *text, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Forget every step (a new attempt). */
void checklist_clear(struct checklist *cl);
/* Make cl's steps exactly steps[0..n) (a copy of another process's
 * checklist): rewritten only when they differ, since each change wakes
 * the console. */
void checklist_replace(struct checklist *cl, const struct check_step *steps,
    size_t n);

/* A copy of the steps: *steps (caller frees) and their count. Returns the
 * generation the copy is of. */
uint64_t checklist_snapshot(struct checklist *cl, struct check_step **steps,
    size_t *n);
/* Bumped by every change. */
uint64_t checklist_generation(struct checklist *cl);
/* Block until the generation differs from gen or timeout_ms passes (< 0:
 * forever). Returns the current generation. */
uint64_t checklist_wait(struct checklist *cl, uint64_t gen, int timeout_ms);
/* Count of steps in state st. */
size_t checklist_count(struct checklist *cl, enum check_state st);

/* "ok", "warn", "FAIL", "..", "  " (pending): the command line's tags. */
const char *checklist_state_tag(enum check_state st);

#endif
