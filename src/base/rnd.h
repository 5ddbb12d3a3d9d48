/*
 * rnd: the one source of random bytes: the kernel's (getrandom(2)), for the
 * TLS seed, DNS query ids, OAEP and PKCS#1 padding, temporary file names
 * and the jitter of retries. Early in boot the pool may not be ready yet:
 * then it waits for it (said under -v) rather than fail or take the clock,
 * unless RND_NOWAIT says waiting is worse than failing. No /dev/urandom:
 * an empty root has no /dev.
 */
#ifndef AZKV_RND_H
#define AZKV_RND_H

#include <stddef.h>

/* Fail instead of waiting for the pool (a retry's jitter, which any
 * spread serves). */
#define RND_NOWAIT 1

/* Fill buf[n]: NULL, or why not (strerror, or "short read"). */
const char *rnd_bytes(void *buf, size_t n, int flags);

#endif
