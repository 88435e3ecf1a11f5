/* cli-secret.c — the password prompt's terminal handling. A signal that
 * ends or stops hvdeck while echo is off must not leave the operator's
 * shell without echo: the handlers below restore the terminal before the
 * signal takes effect, as OpenSSH's readpassphrase(3) does. They may run
 * on any thread (the engine's threads do not block these signals), so
 * they use only async-signal-safe calls and this file's statics, which are
 * set before the handlers are installed. */
#include "cli/cli-secret.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int ending[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int stopping[] = { SIGTSTP, SIGTTIN, SIGTTOU };
#define NENDING (sizeof ending / sizeof ending[0])
#define NSTOPPING (sizeof stopping / sizeof stopping[0])

static int secret_tty = -1;
static struct termios saved, quiet;
static struct sigaction old_ending[NENDING], old_stopping[NSTOPPING];
static struct sigaction old_cont;

static void on_stop(int sig);

/* One of ours while another runs: none nests, and a tcsetattr from a
 * background process group proceeds (SIGTTOU blocked) instead of
 * stopping us inside a handler. */
static void handle(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NENDING; i++)
		sigaddset(&sa.sa_mask, ending[i]);
	for (i = 0; i < NSTOPPING; i++)
		sigaddset(&sa.sa_mask, stopping[i]);
	sigaddset(&sa.sa_mask, SIGCONT);
	sigaction(sig, &sa, old);
	/* ignored before (a script's `trap '' INT`): it stays ignored, or
	 * re-raising it would do nothing and the prompt would read on with
	 * echo back on */
	if (old != NULL && old->sa_handler == SIG_IGN)
		sigaction(sig, old, NULL);
}

/* Echo back on, then the signal as it would have been without us. */
static void on_end(int sig)
{
	size_t i;

	(void)tcsetattr(secret_tty, TCSAFLUSH, &saved);
	for (i = 0; i < NENDING; i++)
		if (ending[i] == sig)
			sigaction(sig, &old_ending[i], NULL);
	/* Blocked in this thread until the handler returns: then it ends
	 * the process (or runs the handler that was there before). */
	kill(getpid(), sig);
}

/* Continued: echo off again and ready for the next stop. Continued in
 * the background (bg) the shell owns the terminal: it is left alone, and
 * the prompt's read stops us (SIGTTIN) until fg continues us again. */
static void on_cont(int sig)
{
	size_t i;
	int e = errno;

	(void)sig;
	if (tcgetpgrp(secret_tty) == getpgrp())
		(void)tcsetattr(secret_tty, TCSAFLUSH, &quiet);
	for (i = 0; i < NSTOPPING; i++)
		if (old_stopping[i].sa_handler != SIG_IGN)
			handle(stopping[i], on_stop, NULL);
	errno = e;
}

/* Echo back on, then stop for real (the default action). */
static void on_stop(int sig)
{
	struct sigaction dfl;
	int e = errno;

	(void)tcsetattr(secret_tty, TCSAFLUSH, &saved);
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	kill(getpid(), sig);
	errno = e;
}

static void catch_all(void)
{
	size_t i;

	for (i = 0; i < NENDING; i++)
		handle(ending[i], on_end, &old_ending[i]);
	for (i = 0; i < NSTOPPING; i++)
		handle(stopping[i], on_stop, &old_stopping[i]);
	handle(SIGCONT, on_cont, &old_cont);
}

static void release_all(void)
{
	size_t i;

	for (i = 0; i < NENDING; i++)
		sigaction(ending[i], &old_ending[i], NULL);
	for (i = 0; i < NSTOPPING; i++)
		sigaction(stopping[i], &old_stopping[i], NULL);
	sigaction(SIGCONT, &old_cont, NULL);
}

ssize_t cli_secret_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char ch;

	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf[n] = '\0';
			return n > 0 ? (ssize_t)n : -1;
		}
		if (ch == '\n' || ch == '\r')
			break;
		if (n + 1 < len)
			buf[n++] = ch;
	}
	buf[n] = '\0';
	util_wipe(&ch, sizeof ch);
	return (ssize_t)n;
}

ssize_t cli_secret_read(int tty, char *buf, size_t len)
{
	ssize_t n;

	util_secret_guard();
	if (tcgetattr(tty, &saved) != 0)
		return cli_secret_read_line(tty, buf, len);	/* not a terminal */
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	secret_tty = tty;
	catch_all();
	(void)tcsetattr(tty, TCSAFLUSH, &quiet);
	n = cli_secret_read_line(tty, buf, len);
	(void)tcsetattr(tty, TCSAFLUSH, &saved);
	release_all();
	secret_tty = -1;
	return n;
}
