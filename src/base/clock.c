#include "base/clock.h"

#include <time.h>

clock_ms clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (clock_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
