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

struct pollfd;

#define NET_RESOLVE_MAX 8 /* --resolve entries */
#define NET_ADDRS_MAX 16  /* addresses tried per host */

typedef struct net_resolve {
	char host[256];
	unsigned port;
	char addr[64]; /* numeric IPv4 or IPv6 */
} net_resolve;

typedef struct net_cfg {
	const net_resolve *resolve;
	size_t nresolve;
	const char *proxy_host; /* HTTPS_PROXY / --proxy for TLS peers; NULL: none */
	unsigned proxy_port;
	const char *proxy_user; /* Basic credentials for the proxy; NULL: none */
	const char *proxy_pass;
	const char *no_proxy;   /* NO_PROXY list (url_no_proxy), or NULL */
} net_cfg;

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

/* Parse "HOST:PORT:ADDR" (ADDR may be [v6]) as curl's --resolve. 0 or -1. */
int net_resolve_parse(net_resolve *r, const char *s);

/* Connect to host:port before deadline; returns the fd or -1 (e set). */
int net_connect(const net_cfg *cfg, const char *host, unsigned port,
	clock_ms deadline, err *e);

/* Read up to n bytes: >0 bytes read, 0 the peer closed, -1 error (e set). */
long net_read(int fd, void *buf, size_t n, clock_ms deadline, const char *peer,
	err *e);

/* Write all n bytes or fail: 0 or -1 (e set). */
int net_write(int fd, const void *buf, size_t n, clock_ms deadline,
	const char *peer, err *e);

#endif
