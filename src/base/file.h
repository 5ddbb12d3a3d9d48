/*
 * file: small files read whole (a password, a federated token, an Arc key)
 * under one rule. The file must be a regular file: a FIFO, device, socket
 * or directory is refused before any read (reading one may block forever
 * or never end), and so is a file over the caller's cap (fstat of the
 * opened file, then the read itself: a file that grows meanwhile is
 * refused too). Symbolic links: followed when the path comes from the
 * user (an option, a variable: Kubernetes mounts secrets and tokens
 * through links); the caller passes O_NOFOLLOW when the name comes from a
 * server (the Arc challenge), which must not aim a read at a link. Every
 * error path wipes the caller's buffer. Errors: the caller's class, with
 * "what: why".
 */
#ifndef AZKV_FILE_H
#define AZKV_FILE_H

#include <stddef.h>

#include "base/err.h"

/* Read fd to its end into buf[max + 1]: *n bytes, max + 1 meaning "more
 * than max" (the read stops there). EINTR is retried. 0, or -1 with errno
 * set (the *n bytes read before are the caller's to wipe). */
int file_read_fd(int fd, void *buf, size_t max, size_t *n);

/* Read the regular file path (relative to dirfd: AT_FDCWD or an open
 * folder) into buf[max + 1], at most max bytes: *n. flags: 0 or
 * O_NOFOLLOW. 0, or -1 with e set to code and "what: why" (buf wiped). */
int file_read_small(int dirfd, const char *path, int flags, void *buf, size_t max,
	size_t *n, int code, const char *what, err *e);

#endif
