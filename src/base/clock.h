/*
 * clock: the run's monotonic clock in milliseconds, and the wall clock.
 * Deadlines are absolute clock_ms values compared against clock_now(); the
 * wall clock is never used for them (it may read 1970 early in boot).
 */
#ifndef AZKV_CLOCK_H
#define AZKV_CLOCK_H

typedef long long clock_ms; /* CLOCK_MONOTONIC milliseconds */

/* Now, on CLOCK_MONOTONIC. */
clock_ms clock_now(void);

/* Unix seconds, on CLOCK_REALTIME (as time(NULL)). */
long long clock_epoch(void);

#endif
