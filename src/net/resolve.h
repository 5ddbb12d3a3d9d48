/*
 * resolve: the addresses to try for host:port (net.c connects to them).
 * Order: --resolve overrides first, then IP literals, "localhost" as
 * 127.0.0.1 then ::1 (a scratch image has no /etc/hosts), then /etc/hosts,
 * then DNS over UDP per /etc/resolv.conf (dns.h: no search list, no TCP;
 * IPv4 then IPv6, no RFC 6724 sorting). At most RESOLVE_ADDRS_MAX addresses.
 * Errors go to an err as ERR_NET_CONNECT (a bad --resolve address:
 * ERR_USAGE).
 */
#ifndef AZKV_RESOLVE_H
#define AZKV_RESOLVE_H

#include <stddef.h>
#include <sys/socket.h>
#include "base/clock.h"
#include "base/err.h"

#define RESOLVE_MAX 8      /* --resolve entries */
#define RESOLVE_ADDRS_MAX 16 /* addresses tried per host */

/* One --resolve entry: HOST:PORT goes to ADDR. */
typedef struct resolve_entry {
	char host[256];
	unsigned port;
	char addr[64]; /* numeric IPv4 or IPv6 */
} resolve_entry;

/* The --resolve entries, looked at before anything else. */
typedef struct resolve_cfg {
	const resolve_entry *v;
	size_t n;
} resolve_cfg;

typedef struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
} net_addr;

/* Parse "HOST:PORT:ADDR" (ADDR may be [v6]) as curl's --resolve. 0 or -1. */
int resolve_parse(resolve_entry *r, const char *s);

/* Fill out[RESOLVE_ADDRS_MAX] with the addresses to try for host:port, DNS
 * waiting at most until deadline; returns the count, 0 with e set. */
size_t resolve_name(const resolve_cfg *rc, net_addr *out, const char *host,
	unsigned port, clock_ms deadline, err *e);

/* The address for messages: dotted IPv4, or IPv6 as eight hex groups
 * (inet_ntop would pull in printf). */
void resolve_addr_fmt(const net_addr *a, char *out, size_t cap);

#endif
