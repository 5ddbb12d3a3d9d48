#include "base/clock.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The system call itself, not clock_gettime(): musl's reaches the vDSO
 * through its ELF lookup, code a run that reads the clock a few dozen
 * times does not need. Only where the kernel's timespec is libc's (64-bit
 * targets); a 32-bit one (armhf) goes through libc's 64-bit time call. */
#if defined(__LP64__)
static struct timespec now(clockid_t id)
{
	struct timespec ts = { 0, 0 };

	syscall(SYS_clock_gettime, id, &ts);
	return ts;
}
#else
static struct timespec now(clockid_t id)
{
	struct timespec ts = { 0, 0 };

	clock_gettime(id, &ts);
	return ts;
}
#endif

/* The wall clock (time() in tls.c and client.c) must not wrap in 2038: a
 * 32-bit target needs musl 1.2 or later, whose time_t is 64-bit. */
_Static_assert(sizeof(time_t) >= 8, "time_t is 32-bit: use musl 1.2 or later");

clock_ms clock_now(void)
{
	struct timespec ts = now(CLOCK_MONOTONIC);

	return (clock_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long clock_epoch(void)
{
	return (long long)now(CLOCK_REALTIME).tv_sec;
}
