/*
 * net: TCP sockets bounded by one absolute deadline.
 * The addresses come from resolve.h (--resolve, literals, /etc/hosts, DNS);
 * every address is tried in turn.
 * Sockets are non-blocking with TCP_NODELAY; connect, read and write wait
 * with poll() until the deadline, and passing it is its own error. Errors
 * go to an err as ERR_NETWORK.
 */
#ifndef AZKV_NET_H
#define AZKV_NET_H

#include <stddef.h>
#include "base/clock.h"
#include "base/err.h"
#include "net/resolve.h"

struct pollfd;

/* The wake hook (--every: cli/every.c sets them to its signalfd and signal
 * reader): while set, every wait of this module and the resolver first asks
 * net_wake(), and also wakes when net_wake_fd is readable; a nonzero answer
 * (stop) ends the wait as its deadline would, and the client's retry sleep
 * (client_retry) at once: the run is ending, its error is not reported. */
extern int net_wake_fd;
extern int (*net_wake)(void);

/* poll(2) p[0..n) and the wake fd, which it puts in p[n] (the caller leaves
 * room), until deadline: 1 one of p[0..n) is ready (or poll failed: the
 * next call says why), 0 the deadline passed, -1 net_wake() said stop. */
int net_poll(struct pollfd *p, unsigned n, clock_ms deadline);

/* Connect to host:port before deadline, at the addresses resolve_name
 * gives (rc: the --resolve entries); returns the fd or -1 (e set). */
int net_connect(const resolve_cfg *rc, const char *host, unsigned port,
	clock_ms deadline, err *e);

/* Read up to n bytes: >0 bytes read, 0 the peer closed, -1 error (e set). */
long net_read(int fd, void *buf, size_t n, clock_ms deadline, const char *peer,
	err *e);

/* Write all n bytes or fail: 0 or -1 (e set). */
int net_write(int fd, const void *buf, size_t n, clock_ms deadline,
	const char *peer, err *e);

#endif
