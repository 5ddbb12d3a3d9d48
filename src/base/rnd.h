/*
 * rnd: secret random bytes from the kernel (getrandom(2)) for the TLS seed
 * and the DNS query ids. Early in boot the pool may not be ready yet: then
 * it waits for it (said under -v) rather than fail or take the clock. No
 * /dev/urandom: an empty root has no /dev.
 */
#ifndef AZKV_RND_H
#define AZKV_RND_H

#include <stddef.h>

/* Fill buf[n]: NULL, or why not (strerror, or "short read"). */
const char *rnd_bytes(void *buf, size_t n);

#endif
