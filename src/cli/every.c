/*
 * every: --every, azkv as a long-running agent. The first round now, the
 * next one an interval after a round ends, sooner after a failed one (the
 * waits: retry.h). get: after a round that replaced a file, --on-change's
 * program (no shell; killed after --timeout) or --signal to --pid-file's
 * process. exec: the program runs as azkv's child with the environment of
 * the last good round and is restarted (TERM, --grace, KILL) when that
 * changes. The signals azkv handles are blocked and read from a signalfd,
 * in the waits here and, through net's wake hook, in the middle of a
 * request: TERM or INT end get at once (exit 0), HUP asks it for a round
 * now. exec forwards opts_signals to the program; azkv is the subreaper of
 * what it starts (PID 1 in a container is anyway), reaps every child,
 * orphans included, and ends with the program's status (128+N after
 * signal N).
 */
#include "cli/cli.h"
#include "azure/client.h"
#include "azure/retry.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/str.h"
#include "base/sys.h"
#include "crypto/sum.h"
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define EVERY_PID_MAX 4194304 /* Linux's PID_MAX_LIMIT */
#define EVERY_PID_FILE_MAX 24 /* bytes of --pid-file read */

static sys_sigset mask_inherited; /* what azkv's children get back */
static int sfd = -1;            /* the signalfd */
static pid_t child;             /* exec: the program; get: --on-change's */
static int status = -1;         /* child's end as an exit status, once reaped */
static int stop, again;         /* get: TERM or INT seen; HUP seen */

int every_check(err *e)
{
	int files = opts.out || opts.out_dir || opts.cert.key || opts.cert.certs || opts.cert.both;

	if (opts.every && opts.cmd != CMD_EXEC && !(opts.cmd == CMD_GET && files))
		return err_set(e, ERR_USAGE, "--every: exec, or get with --out, --out-dir, --pem*");
	if ((opts.on_change || opts.pid_file) && !(opts.every && opts.cmd == CMD_GET))
		return err_set(e, ERR_USAGE, "--on-change, --signal: get --every only");
	if (!opts.signal != !opts.pid_file)
		return err_set(e, ERR_USAGE, "--signal and --pid-file go together");
	return 0;
}

static void reap(void)
{
	int st;
	pid_t p;

	while ((p = sys_reap(-1, &st)) > 0)
		if (p == child) {
			child = 0;
			status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		}
}

/* Every pending signal: forwarded to exec's program, or noted. Nonzero
 * when a request under way must end (net's wake hook): stop, or exec's
 * program is gone. */
static int on_signals(void)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		int s = (int)si.ssi_signo;

		if (s == SIGCHLD)
			reap();
		else if (opts.cmd == CMD_EXEC && child > 0)
			kill(child, s);
		else if (s == SIGHUP)
			again = 1;
		else if (s == SIGTERM || s == SIGINT)
			stop = 1;
	}
	return stop || (opts.cmd == CMD_EXEC && status >= 0);
}

/* Wait until t, handling signals: 0 at t; 1 sooner, on stop, or once the
 * child *watch is gone, or (watch NULL) on HUP. */
static int nap(clock_ms t, const pid_t *watch)
{
	struct pollfd p = { sfd, POLLIN, 0 };
	clock_ms left;

	for (;;) {
		on_signals();
		if (stop || (watch ? *watch == 0 : again))
			return 1;
		if ((left = t - clock_now()) <= 0)
			return 0;
		poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
	}
}

/* Start argv with envp as a child, with the signal mask and SIGPIPE azkv
 * was started with. An exec failure comes back through a close-on-exec
 * pipe, so that it is reported as exec without --every reports it. */
static pid_t spawn(char **argv, char **envp, err *e)
{
	int p[2], why = 0;
	pid_t pid;

	if (sys_pipe(p) < 0)
		return err_set(e, ERR_INTERNAL, "pipe: %s", err_errno(errno));
	pid = sys_fork();
	if (pid == 0) {
		sys_sigmask(SIG_SETMASK, &mask_inherited, NULL);
		sys_sigaction(SIGPIPE, &main_sigpipe, NULL);
		execvpe(argv[0], argv, envp);
		why = errno;
		if (write(p[1], &why, sizeof why) < 0)
			_exit(126);
		_exit(127);
	}
	if (pid < 0)
		why = errno;
	close(p[1]);
	if (pid > 0 && read(p[0], &why, sizeof why) != (ssize_t)sizeof why)
		why = 0; /* closed by the exec: it ran */
	close(p[0]);
	if (why)
		return err_set(e, ERR_USAGE, "exec %s: %s", argv[0], err_errno(why));
	log_v("exec: %s (pid %d)", argv[0], (int)pid);
	status = -1;
	return pid;
}

/* --signal SIG to the process --pid-file names, read each time (the
 * server may have restarted meanwhile). */
static void send_signal(void)
{
	char buf[EVERY_PID_FILE_MAX];
	unsigned long long pid = 0;
	int fd = open(opts.pid_file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	int why = errno;

	if (fd >= 0)
		close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < 0)
		log_err("--pid-file %s: %s", opts.pid_file, err_errno(why));
	else if (str_udec(buf, (size_t)n, EVERY_PID_MAX, &pid) < 0 || pid == 0)
		log_err("--pid-file %s: no process id in it", opts.pid_file);
	else if (kill((pid_t)pid, opts.signal) < 0)
		log_err("--signal to %llu (--pid-file %s): %s", pid, opts.pid_file, err_errno(errno));
	else
		log_v("signal %d to %llu", opts.signal, pid);
}

/* --on-change: PROGRAM ARGS with envp, no shell; killed at --timeout. */
static void run_on_change(char **envp)
{
	err e = { 0, 0, "" };

	if ((child = spawn(opts.on_change, envp, &e)) < 0) {
		child = 0;
		log_err("--on-change: %s", e.msg);
	} else if (!nap(clock_now() + opts.timeout * 1000, &child)) {
		kill(child, SIGKILL);
		log_err("--on-change %s: killed at --timeout", opts.on_change[0]);
	} else if (child == 0 && status != 0) {
		log_err("--on-change %s: exit status %d", opts.on_change[0], status);
	}
}

/* Restart's first half: TERM, --grace seconds, KILL; back once reaped. */
static void end_program(void)
{
	log_v("exec: new values: restart");
	kill(child, SIGTERM);
	if (nap(clock_now() + opts.grace * 1000, &child))
		return;
	log_v("exec: --grace over: KILL");
	kill(child, SIGKILL);
	while (!nap(clock_now() + 1000, &child))
		;
}

static int start(err *e)
{
	sys_sigset set = SYS_SIGBIT(SIGCHLD);
	const unsigned char *s;

	for (s = opts_signals; *s; s++)
		set |= SYS_SIGBIT(*s);
	sys_sigmask(SIG_BLOCK, &set, &mask_inherited);
	sfd = sys_signalfd(&set);
	if (sfd < 0)
		return err_set(e, ERR_INTERNAL, "signalfd: %s", err_errno(errno));
	sys_subreaper();
	net_wake_fd = sfd;
	net_wake = on_signals;
	return 0;
}

/* --every's interval in ms; AZKV_TEST_EVERY_MS replaces it (tests only:
 * they could not wait 30 s a round). */
static long long interval(void)
{
	const char *t = getenv("AZKV_TEST_EVERY_MS");
	unsigned long long ms;

	if (t && str_udec(t, strlen(t), CLI_EVERY_MAX * 1000ULL, &ms) == 0 && ms > 0)
		return (long long)ms;
	return opts.every * 1000LL;
}

int every_run(int (*round)(err *e), char **envp, err *e)
{
	unsigned char have[SUM_LEN], got[SUM_LEN];
	long long ms = interval();
	unsigned fails = 0;
	int x = opts.cmd == CMD_EXEC, rc;
	clock_ms next;

	if (start(e) < 0)
		return -1;
	if ((rc = round(e)) < 0)
		return stop ? 0 : -1;
	if (x) {
		sum_strv(envp, have);
		if ((child = spawn(opts.program, envp, e)) < 0)
			return -1;
	}
	for (next = clock_now() + retry_every(ms, 1, client_rnd());; ) {
		err one = { 0, 0, "" };

		if (!x && rc > 0 && opts.on_change)
			run_on_change(envp);
		if (!x && rc > 0 && opts.signal)
			send_signal();
		nap(next, x ? &child : NULL);
		again = 0;
		if (stop || (x && child == 0) || ((rc = round(&one)) < 0 && (stop || (x && child == 0))))
			break;
		if (rc < 0) {
			long long w = retry_round(++fails, ms, client_rnd());

			log_err("%s; next try in %lldms", one.msg, w);
			next = clock_now() + w;
			continue;
		}
		fails = 0;
		next = clock_now() + retry_every(ms, 0, client_rnd());
		if (!x)
			continue;
		sum_strv(envp, got);
		if (memcmp(got, have, SUM_LEN) == 0)
			continue;
		memcpy(have, got, SUM_LEN);
		end_program();
		if ((child = spawn(opts.program, envp, e)) < 0)
			return -1;
	}
	return x && status >= 0 ? status : 0;
}
