#include "base/clock.h"

#include <time.h>

/* The wall clock (time() in tls.c and client.c) must not wrap in 2038: a
 * 32-bit target needs musl 1.2 or later, whose time_t is 64-bit. */
_Static_assert(sizeof(time_t) >= 8, "time_t is 32-bit: use musl 1.2 or later");

clock_ms clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (clock_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
