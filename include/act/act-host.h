/* act-host.h — adding, removing and rekeying hosts (helper H3 implements
 * act-host.c). Roles and maintenance: act-role.c (helper H4).
 *
 * Adding a host is a conversation: the work runs as ONE job (kind
 * JK_ADD_HOST) on a thread of its own, which may stop and wait (condition
 * variable, with the job's cancel waking it) for the operator — to accept
 * an unknown host key, or to type a password once so hvdeck can install
 * its key. The caller (the `a` form, or `hvdeck host add` on a terminal)
 * follows hostadd_state() and answers. One job from start to end, so the
 * audit log has one start and one end line for it. The steps are reported
 * live on the add's checklist.
 *
 *   hostadd_new -> hostadd_start -> RUNNING -> NEED_KEY -> hostadd_key(yes)
 *     -> RUNNING -> NEED_PASSWORD -> hostadd_password(pw) -> RUNNING
 *        (or, when the host takes no passwords, NEED_INSTALL ->
 *        hostadd_key(installed) -> RUNNING, the key tried again)
 *     -> (pre-flight, libvirt connect, config save, hosts_add) -> ADDED
 *   any failure -> FAILED (error text; the config untouched)
 *
 * Only when libvirt answers over the new URI
 * (qemu+libssh://USER@ADDRESS:PORT/system?keyfile=...&known_hosts=...) is
 * the host saved (config_edit) and started in the running engine. */
#ifndef HVDECK_ACT_HOST_H
#define HVDECK_ACT_HOST_H

#include "core/checklist.h"
#include "core/config.h"

struct hostadd_req {
	const char *name;
	const char *address;            /* name or IP */
	int port;                       /* 0: 22 */
	const char *user;               /* NULL: root */
	enum host_role role;
	const char *yes_fingerprint;    /* accept exactly this key; NULL */
	const char *config_path;        /* the file to add it to */
	int timeout_s;                  /* connect timeout */
	int start_in_engine;            /* console: hosts_add after saving */
	int stats_interval;             /* for hosts_add */
};

enum hostadd_state {
	HOSTADD_RUNNING,
	HOSTADD_NEED_KEY,       /* unknown key: accept it? (prompt text) */
	HOSTADD_NEED_PASSWORD,  /* key refused: a password (a wrong one is
	                         * asked again, 3 tries in all) */
	HOSTADD_NEED_INSTALL,   /* key refused and no password logins: the
	                         * operator installs hvdeck's key by hand
	                         * (text: the question, ending in the public
	                         * key's line), then the key is tried again */
	HOSTADD_ADDED,
	HOSTADD_FAILED,         /* error text */
};

struct hostadd;

/* Check the request (name rules, a duplicate name in the config file).
 * Returns 0 with *out, or -1 with *cause: bad usage (exit 2 on the
 * command line). */
int hostadd_new(const struct hostadd_req *r, struct hostadd **out,
    char **cause);
/* Start its job. Returns 0 with *job, or -1 with *cause. */
int hostadd_start(struct hostadd *ha, unsigned *job, char **cause);
/* The job's last step, once every check passed (uri is the host's
 * libvirt URI): decide under the locks whether a cancel came first
 * (job_commit) — then -1, *cause "cancelled", nothing written — or save
 * the host to the configuration file (and start it in the engine when
 * asked), after which a cancel of job is refused. The job thread calls
 * it; separate so the decision can be tested without a network. */
int hostadd_save(struct hostadd *ha, unsigned job, const char *uri,
    char **cause);
/* The job thread's questions, separate so the conversation can be driven
 * without a network (the SSH steps call them): set the state NEED_KEY
 * (text question, borrowed) or NEED_PASSWORD ("Password for USER@ADDRESS:")
 * and wait for the answer hostadd_key / hostadd_password gives while it
 * is asked (one answer; one given before the question does not count) or
 * for a cancel; the state is RUNNING again when they return.
 * hostadd_ask_key: 1 accepted, 0 refused or cancelled. hostadd_ask_password:
 * the password (caller wipes and frees), NULL given up or cancelled. */
int hostadd_ask_key(struct hostadd *ha, const char *question);
char *hostadd_ask_password(struct hostadd *ha);
/* The job's cancel: a question waiting returns at once; after the save
 * began (hostadd_save) it changes nothing. */
void hostadd_cancel(struct hostadd *ha);
/* The state; *text (caller frees, may be NULL): NEED_KEY the key
 * ("ED25519 key SHA256:..."), NEED_PASSWORD the question ("Password for
 * USER@ADDRESS:"), FAILED the error. */
enum hostadd_state hostadd_state(struct hostadd *ha, char **text);
/* Answer NEED_KEY (0 refuses: the add fails, nothing written), or
 * NEED_INSTALL (1: installed, try the key again; 0: give up). */
void hostadd_key(struct hostadd *ha, int accept);
/* Answer NEED_PASSWORD: pw is copied, used once and wiped; the caller
 * wipes its own copy. NULL gives up. */
void hostadd_password(struct hostadd *ha, const char *pw);
struct checklist *hostadd_checklist(struct hostadd *ha);
/* Its job (0 before start). */
unsigned hostadd_job(struct hostadd *ha);
/* Wait up to timeout_ms for the state to leave RUNNING. */
enum hostadd_state hostadd_wait(struct hostadd *ha, int timeout_ms);
/* The host and port a libvirt URI connects to (scheme://[user@]host
 * [:port]/..., an IPv6 host in brackets), read as libvirt reads it (with
 * libxml2's URI parser), the port defaulting by transport when it is
 * absent or 0: 22 for +ssh and +libssh, 16509 for +tcp, else 16514 (TLS).
 * Returns 0 with *host (caller frees), or -1 for a local URI (no host)
 * or one that does not parse. For the duplicate-address check. */
int hostadd_uri_endpoint(const char *uri, char **host, int *port);
/* The host the console starts once it is saved: this add's name, role
 * and uri with every other member at the file's defaults, exactly as a
 * console started later loads it (memory reserve 1024 MiB). Borrows
 * ha's name and uri: out lives no longer than ha and uri. */
void hostadd_config_host(const struct hostadd *ha, const char *uri,
    struct config_host *out);
/* Free (cancelling a running phase first and waiting for it). */
void hostadd_free(struct hostadd *ha);
/* hostadd_state, with *asked the questions asked so far (each NEED_*
 * entered counts one), read with the state: which relayed question a
 * state belongs to (hostadd-jobs.c, form-host-add.c). */
enum hostadd_state hostadd_question(struct hostadd *ha, char **text,
    int *asked);
const char *hostadd_name(const struct hostadd *ha);
/* Another reference to ha, and its end (the last frees it). */
void hostadd_hold(struct hostadd *ha);
void hostadd_release(struct hostadd *ha);

/* --- an add of another process: an attached console's copy of its
 * server's add, kept from the server's lines (srv-hostadd.h). It runs
 * nothing: hostadd_key and hostadd_password on it do nothing (the
 * server's questions are answered through the relay, cmd-relay.h). --- */
struct hostadd *hostadd_new_copy(const char *name);
void hostadd_copy_set(struct hostadd *ha, enum hostadd_state st,
    const char *text, int asked);

/* --- adds by job (hostadd-jobs.c): this process's (registered as they
 * start) and copies of the server's (hostadd_mirror), for the server's
 * lines and the attached console's form. An entry lives until its job
 * has left the job table (pruned as new ones come) or hostadd_forget. */
void hostadd_register(unsigned job, struct hostadd *ha);
/* The add of job (another reference: hostadd_release it), NULL if none. */
struct hostadd *hostadd_of_job(unsigned job);
/* The copy of the server's add job: made on its first line, then set to
 * state, text, asked and steps[0..n). */
void hostadd_mirror(unsigned job, const char *name, enum hostadd_state st,
    const char *text, int asked, const struct check_step *steps, size_t n);
void hostadd_forget(unsigned job);
/* Drop every entry (the end of the process). */
void hostadd_forget_all(void);
/* The state's word in a line, and back (-1: not a state). */
const char *hostadd_state_name(enum hostadd_state st);
int hostadd_state_parse(const char *word);
/* The same without waiting (the UI thread: a job inside an SSH connect
 * ends on its own, holding its own reference, and saves nothing once
 * cancelled). */
void hostadd_abandon(struct hostadd *ha);

#endif
