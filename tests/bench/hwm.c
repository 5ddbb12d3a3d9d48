/*
 * hwm: run a command and report its peak resident memory (VmHWM) and peak
 * address space (VmPeak) as the kernel saw them just before the process's
 * exit, on stderr as "hwm: N kB, vmpeak: M kB". getrusage's ru_maxrss
 * cannot tell this for a child: it keeps
 * the high-water mark from before exec (the parent's memory). Uses ptrace's
 * exit stop, when /proc/PID/status still describes the process's memory.
 * With HWM_SMAPS set, also prints each mapping's resident size (where the
 * memory goes). Exit status: the command's. For benchmarks only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kB figure of /proc/PID/status's line key ("VmHWM:"), or -1. */
static long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, n) == 0)
			kb = strtol(line + n, NULL, 10);
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	pid_t pid;
	int st, sig;
	long kb = -1, peak = -1;

	if (argc < 2)
		return 2;
	pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC);
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (;;) {
		if (waitpid(pid, &st, 0) < 0)
			return 1;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		sig = WSTOPSIG(st);
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			kb = status_kb(pid, "VmHWM:"), sig = 0;
			peak = status_kb(pid, "VmPeak:");
			if (getenv("HWM_SMAPS")) {
				char cmd[96];

				snprintf(cmd, sizeof cmd, "grep -E '^[0-9a-f]|^Rss' /proc/%d/smaps >&2", (int)pid);
				if (system(cmd) != 0)
					perror("smaps");
			}
		}
		else if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8)) || sig == SIGTRAP)
			sig = 0;
		ptrace(PTRACE_CONT, pid, 0, sig);
	}
	fprintf(stderr, "hwm: %ld kB, vmpeak: %ld kB\n", kb, peak);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
