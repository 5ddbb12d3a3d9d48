/* No getaddrinfo: it brings malloc, stdio and qsort along. */
#include "net/resolve.h"
#include "net/net.h"
#include "net/dns.h"
#include "base/fmt.h"
#include "base/frame.h"
#include "base/log.h"
#include "base/rnd.h"
#include "base/str.h"
#include "base/sys.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Numeric address into a; 0 if it parsed. */
static int addr_numeric(net_addr *a, const char *host, unsigned port)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
	unsigned char ip[16];
	int type = dns_ip_parse(host, ip);

	memset(a, 0, sizeof *a);
	if (type == DNS_A) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)port);
		memcpy(&v4->sin_addr, ip, 4);
		a->len = sizeof *v4;
		return 0;
	}
	if (type == DNS_AAAA) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)port);
		memcpy(&v6->sin6_addr, ip, 16);
		a->len = sizeof *v6;
		return 0;
	}
	return -1;
}

/* ---- resolution: /etc/hosts, then DNS over UDP. Not getaddrinfo: it
 * brings malloc, stdio and qsort along (README: no malloc, no stdio). ----- */

#define NET_HOSTS "/etc/hosts"
#define NET_RESOLV_CONF "/etc/resolv.conf"
#define NET_LINE_MAX 4096 /* /etc read in whole lines; longer ones skipped
                             (musl skips lines over 512) */
#define NET_DNS_REPLY_MAX 1232 /* 512 without EDNS; room for servers that
                                  send more anyway */
#define NET_DNS_PORT 53
#define RQ_PENDING (-1000) /* rq.res until its answer: no count, no DNS_E_* */

typedef void (*lines_fn)(void *ctx, const char *text, size_t n);

/* One query (A or AAAA) sent to every nameserver each round, as musl does. */
typedef struct rq {
	unsigned char pkt[DNS_QUERY_MAX];
	int len, type;
	unsigned id;
	int res;         /* RQ_PENDING, an address count or a final DNS_E_* */
	unsigned failed; /* bit per nameserver that failed it in this round */
	int why, why_ns; /* the last failure (DNS_E_* or errno) and from whom */
	dns_addr addrs[RESOLVE_ADDRS_MAX];
} rq;

typedef struct ns_sock {
	int fd;  /* UDP, connected: the kernel drops other sources and
	            reports ICMP errors */
	int err; /* errno when fd is -1 */
	net_addr sa;
} ns_sock;

typedef struct resolver {
	const char *host;
	dns_conf conf;
	ns_sock ns[DNS_NS_MAX];
	rq q[2]; /* A first: IPv4 addresses are tried first */
	unsigned all; /* bit per nameserver */
} resolver;

/* Pass the whole lines in buf[have] to fn; returns how many bytes are left,
 * moved to the front. *skip: buf starts inside a line that was too long. */
static size_t lines_flush(char *buf, size_t have, size_t cap, int *skip,
	lines_fn fn, void *ctx)
{
	const char *nl = memrchr(buf, '\n', have);
	size_t start = 0, end;

	if (!nl) {
		if (have < cap)
			return have;
		*skip = 1;
		return 0;
	}
	end = (size_t)(nl - buf) + 1;
	if (*skip)
		start = (size_t)((char *)memchr(buf, '\n', have) - buf) + 1;
	*skip = 0;
	if (end > start)
		fn(ctx, buf + start, end - start);
	memmove(buf, buf + end, have - end);
	return have - end;
}

/* Feed the lines of path to fn, as many whole lines as fit buf[cap] at a
 * time. A missing or unreadable file is empty (as for musl). 0, or -1 with
 * errno set. */
static int read_lines(const char *path, char *buf, size_t cap, lines_fn fn,
	void *ctx)
{
	size_t have = 0;
	int skip = 0, fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	ssize_t r;

	if (fd < 0)
		return (errno == ENOENT || errno == ENOTDIR || errno == EACCES) ?
			0 : -1;
	for (;;) {
		r = read(fd, buf + have, cap - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have = lines_flush(buf, have + (size_t)r, cap, &skip, fn, ctx);
	}
	saved = errno;
	close(fd);
	errno = saved;
	if (r < 0)
		return -1;
	if (have > 0 && !skip)
		fn(ctx, buf, have);
	return 0;
}

static void addr_from_dns(net_addr *a, const dns_addr *d, unsigned port)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof *a);
	if (d->type == DNS_A) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)port);
		memcpy(&v4->sin_addr, d->ip, 4);
		a->len = sizeof *v4;
		return;
	}
	v6->sin6_family = AF_INET6;
	v6->sin6_port = htons((unsigned short)port);
	memcpy(&v6->sin6_addr, d->ip, 16);
	v6->sin6_scope_id = d->scope;
	a->len = sizeof *v6;
}

typedef struct hosts_ctx {
	const char *name;
	dns_addr out[RESOLVE_ADDRS_MAX];
	size_t n;
} hosts_ctx;

static void hosts_fn(void *ctx, const char *text, size_t n)
{
	hosts_ctx *h = ctx;

	h->n += dns_hosts_lookup(text, n, h->name, h->out + h->n,
		RESOLVE_ADDRS_MAX - h->n);
}

/* /etc/hosts, in file order: the count, 0 (not listed) or -1 (e set). */
static int resolve_hosts(net_addr *out, const char *host, unsigned port,
	err *e)
{
	char buf[NET_LINE_MAX];
	hosts_ctx h;
	size_t i;

	h.name = host;
	h.n = 0;
	if (read_lines(NET_HOSTS, buf, sizeof buf, hosts_fn, &h) < 0)
		return err_net(e, ERR_NET_CONNECT, "resolve %s: %s: %s", host,
			NET_HOSTS, err_errno(errno));
	for (i = 0; i < h.n; i++)
		addr_from_dns(&out[i], &h.out[i], port);
	if (h.n > 0)
		log_v("resolve %s: %zu address(es) from %s", host, h.n,
			NET_HOSTS);
	return (int)h.n;
}

static void conf_fn(void *ctx, const char *text, size_t n)
{
	dns_resolv_conf(ctx, text, n);
}

/* Two different query ids, from the kernel's random source, waiting for it
 * early in boot as the TLS seeding does: an id taken from the clock could
 * be guessed by whoever races the answer, and not every name is checked by
 * TLS afterwards (an identity endpoint is plain HTTP). 0 or -1 (e set). */
static int query_ids(unsigned id[2], const char *host, err *e)
{
	unsigned char b[4];
	const char *why = rnd_bytes(b, sizeof b, 0);

	if (why)
		return err_set(e, ERR_INTERNAL, "resolve %s: getrandom: %s", host, why);
	id[0] = (unsigned)b[0] << 8 | b[1];
	id[1] = (unsigned)b[2] << 8 | b[3];
	if (id[1] == id[0])
		id[1] ^= 1;
	return 0;
}

static void ns_open(ns_sock *s, const dns_addr *a)
{
	addr_from_dns(&s->sa, a, NET_DNS_PORT);
	s->fd = sys_socket(s->sa.ss.ss_family, SOCK_DGRAM);
	if (s->fd >= 0 && connect(s->fd, (const struct sockaddr *)&s->sa.ss,
		s->sa.len) == 0)
		return;
	s->err = errno;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* resolv.conf, the two queries, one socket per nameserver. 0 or -1 (e set). */
static int resolver_init(resolver *r, const char *host, err *e)
{
	char buf[NET_LINE_MAX];
	unsigned id[2] = { 0, 0 }; /* (set by query_ids; gcc cannot tell) */
	size_t i;

	memset(r, 0, sizeof *r);
	r->host = host;
	dns_conf_init(&r->conf);
	if (read_lines(NET_RESOLV_CONF, buf, sizeof buf, conf_fn, &r->conf) < 0)
		return err_net(e, ERR_NET_CONNECT, "resolve %s: %s: %s", host,
			NET_RESOLV_CONF, err_errno(errno));
	if (query_ids(id, host, e) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		rq *q = &r->q[i];

		q->type = i == 0 ? DNS_A : DNS_AAAA;
		q->id = id[i];
		q->res = RQ_PENDING;
		q->len = dns_query_fmt(q->pkt, sizeof q->pkt, q->id, host,
			q->type);
		if (q->len < 0)
			return err_net(e, ERR_NET_CONNECT, "resolve %s: %s",
				host, dns_strerror(q->len));
	}
	for (i = 0; i < r->conf.nns; i++) {
		ns_open(&r->ns[i], &r->conf.ns[i]);
		r->all |= 1u << i;
	}
	return 0;
}

static void resolver_close(resolver *r)
{
	size_t i;

	for (i = 0; i < r->conf.nns; i++)
		if (r->ns[i].fd >= 0)
			close(r->ns[i].fd);
}

/* Nameserver i failed every pending query of this round (why: errno). */
static void ns_fail(resolver *r, size_t i, int why)
{
	size_t k;

	for (k = 0; k < 2; k++) {
		if (r->q[k].res != RQ_PENDING)
			continue;
		r->q[k].failed |= 1u << i;
		r->q[k].why = why;
		r->q[k].why_ns = (int)i;
	}
}

/* Send every pending query to every nameserver. */
static void round_start(resolver *r, unsigned round)
{
	size_t i, k;

	log_v("dns %s: attempt %u of %u, %zu nameserver(s)", r->host, round + 1,
		r->conf.attempts, r->conf.nns);
	for (k = 0; k < 2; k++)
		r->q[k].failed = 0;
	for (i = 0; i < r->conf.nns; i++) {
		if (r->ns[i].fd < 0) {
			ns_fail(r, i, r->ns[i].err);
			continue;
		}
		for (k = 0; k < 2; k++)
			if (r->q[k].res == RQ_PENDING && send(r->ns[i].fd,
				r->q[k].pkt, (size_t)r->q[k].len, MSG_NOSIGNAL) < 0)
				ns_fail(r, i, errno);
	}
}

/* Final outcomes end a query; the others fail it for this nameserver and
 * round only (another server, or the next round, may do better). */
static int rq_final(int rc)
{
	return rc >= 0 || rc == DNS_E_NXDOMAIN || rc == DNS_E_TRUNCATED ||
		rc == DNS_E_TOOMANY || rc == DNS_E_CNAME;
}

/* One datagram from nameserver i: the answer to one of our queries, or
 * ignored (another id or question: not an answer to us). */
static void on_reply(resolver *r, size_t i, const unsigned char *buf, size_t n)
{
	size_t k;

	for (k = 0; k < 2; k++) {
		rq *q = &r->q[k];
		int rc;

		if (q->res != RQ_PENDING)
			continue;
		rc = dns_answer_parse(buf, n, q->id, r->host, q->type, q->addrs,
			RESOLVE_ADDRS_MAX);
		if (rc == DNS_E_ID || rc == DNS_E_HEADER || rc == DNS_E_QUESTION)
			continue;
		log_v("dns %s %s: %d %s", r->host,
			q->type == DNS_A ? "A" : "AAAA", rc,
			rc >= 0 ? "address(es)" : dns_strerror(rc));
		if (rq_final(rc)) {
			q->res = rc;
		} else {
			q->failed |= 1u << i;
			q->why = rc;
			q->why_ns = (int)i;
		}
		return;
	}
}

static int same_peer(const struct sockaddr_storage *from, socklen_t len,
	const net_addr *a)
{
	return len == a->len && memcmp(from, &a->ss, len) == 0;
}

/* Read every datagram waiting on nameserver i's socket. */
static void ns_recv(resolver *r, size_t i)
{
	unsigned char buf[NET_DNS_REPLY_MAX];
	struct sockaddr_storage from;
	socklen_t len;
	ssize_t n;

	for (;;) {
		len = sizeof from;
		memset(&from, 0, sizeof from);
		n = recvfrom(r->ns[i].fd, buf, sizeof buf, 0,
			(struct sockaddr *)&from, &len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* ECONNREFUSED: nothing listens on its port 53 */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				ns_fail(r, i, errno);
			return;
		}
		if (n >= 2 && same_peer(&from, len, &r->ns[i].sa))
			on_reply(r, i, buf, (size_t)n);
	}
}

/* Every query has its answer, or the name does not exist. */
static int settled(const resolver *r)
{
	return r->q[0].res == DNS_E_NXDOMAIN || r->q[1].res == DNS_E_NXDOMAIN ||
		(r->q[0].res != RQ_PENDING && r->q[1].res != RQ_PENDING);
}

/* Settled, or every nameserver failed each pending query: no use waiting. */
static int round_over(const resolver *r)
{
	size_t k;

	if (settled(r))
		return 1;
	for (k = 0; k < 2; k++)
		if (r->q[k].res == RQ_PENDING && r->q[k].failed != r->all)
			return 0;
	return 1;
}

/* Wait for datagrams until end and read them: 0 once end has passed. */
static int dns_wait(resolver *r, clock_ms end)
{
	struct pollfd p[DNS_NS_MAX + 1];
	size_t i;

	for (i = 0; i < r->conf.nns; i++) {
		p[i].fd = r->ns[i].fd; /* -1 is skipped by poll */
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	if (net_poll(p, (unsigned)r->conf.nns, end) <= 0)
		return 0;
	for (i = 0; i < r->conf.nns; i++)
		if (p[i].revents)
			ns_recv(r, i);
	return 1;
}

static int has_addrs(const resolver *r)
{
	return r->q[0].res > 0 || r->q[1].res > 0;
}

/* Rounds of timeout seconds each (resolv.conf(5)), all within the deadline.
 * Once a query has addresses no new round starts for the other one. */
static void exchange(resolver *r, clock_ms deadline)
{
	unsigned round;

	for (round = 0; round < r->conf.attempts && !settled(r); round++) {
		clock_ms end = clock_now() + (clock_ms)r->conf.timeout * 1000;

		if (end > deadline)
			end = deadline;
		round_start(r, round);
		while (!round_over(r) && dns_wait(r, end))
			;
		if (has_addrs(r) || clock_now() >= deadline)
			break;
	}
}

/* Why there is no address, most telling reason first. */
static void resolver_fail(const resolver *r, clock_ms deadline, err *e)
{
	char ip[64];
	const rq *q = NULL;
	size_t k;

	for (k = 0; k < 2; k++)
		if (r->q[k].res < 0 && r->q[k].res != RQ_PENDING &&
			(!q || r->q[k].res == DNS_E_NXDOMAIN))
			q = &r->q[k];
	if (q) {
		err_net(e, ERR_NET_CONNECT, "resolve %s: %s", r->host,
			dns_strerror(q->res));
		return;
	}
	for (k = 0; k < 2 && !q; k++)
		if (r->q[k].res == RQ_PENDING && r->q[k].why != 0)
			q = &r->q[k];
	if (q) {
		resolve_addr_fmt(&r->ns[q->why_ns].sa, ip, sizeof ip);
		err_net(e, ERR_NET_CONNECT, "resolve %s: nameserver %s: %s",
			r->host, ip,
			q->why > 0 ? err_errno(q->why) : dns_strerror(q->why));
	} else if (r->q[0].res == RQ_PENDING || r->q[1].res == RQ_PENDING) {
		resolve_addr_fmt(&r->ns[0].sa, ip, sizeof ip);
		if (clock_now() >= deadline)
			err_net(e, ERR_NET_CONNECT, "resolve %s: deadline passed",
				r->host);
		else
			err_net(e, ERR_NET_CONNECT, "resolve %s: timeout: no reply"
				" from %s%s (%u attempt(s) of %us)", r->host, ip,
				r->conf.nns > 1 ? " or the other nameservers" : "",
				r->conf.attempts, r->conf.timeout);
	} else {
		err_net(e, ERR_NET_CONNECT, "resolve %s: %s", r->host,
			dns_strerror(DNS_E_NODATA));
	}
}

/* DNS: the A then the AAAA addresses, or 0 (e set). */
BIG_FRAME /* DNS packets: only for DNS */
static size_t resolve_dns(net_addr *out, const char *host, unsigned port,
	clock_ms deadline, err *e)
{
	resolver r;
	size_t n = 0, k;
	int i;

	if (resolver_init(&r, host, e) < 0)
		return 0;
	exchange(&r, deadline);
	for (k = 0; k < 2; k++)
		for (i = 0; i < r.q[k].res && n < RESOLVE_ADDRS_MAX; i++)
			addr_from_dns(&out[n++], &r.q[k].addrs[i], port);
	if (n == 0)
		resolver_fail(&r, deadline, e);
	resolver_close(&r);
	return n;
}

int resolve_parse(resolve_entry *r, const char *s)
{
	const char *c1 = strchr(s, ':'), *c2;
	unsigned long long port;
	size_t alen;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return -1;
	if (str_copyn(r->host, sizeof r->host, s, (size_t)(c1 - s)) < 0
		|| c1 == s || str_udec(c1 + 1, (size_t)(c2 - c1 - 1), 65535, &port) < 0
		|| port == 0)
		return -1;
	r->port = (unsigned)port;
	s = c2 + 1;
	alen = strlen(s);
	if (alen > 2 && s[0] == '[' && s[alen - 1] == ']')
		s++, alen -= 2;
	if (str_copyn(r->addr, sizeof r->addr, s, alen) < 0 || alen == 0)
		return -1;
	return 0;
}

size_t resolve_name(const resolve_cfg *rc, net_addr *out, const char *host,
	unsigned port, clock_ms deadline, err *e)
{
	size_t i;
	int n;

	for (i = 0; rc && i < rc->n; i++) {
		const resolve_entry *r = &rc->v[i];

		if (r->port == port && str_ieq(r->host, host)) {
			if (addr_numeric(out, r->addr, port) == 0)
				return 1;
			err_set(e, ERR_USAGE, "--resolve %s: bad address", r->addr);
			return 0;
		}
	}
	if (addr_numeric(out, host, port) == 0)
		return 1;
	if (str_ieq(host, "localhost")) {
		addr_numeric(&out[0], "127.0.0.1", port);
		addr_numeric(&out[1], "::1", port);
		return 2;
	}
	n = resolve_hosts(out, host, port, e);
	if (n != 0)
		return n < 0 ? 0 : (size_t)n;
	return resolve_dns(out, host, port, deadline, e);
}

void resolve_addr_fmt(const net_addr *a, char *out, size_t cap)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a->ss;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&a->ss;
	const unsigned char *b;
	size_t o = 0;
	int i;

	if (a->ss.ss_family == AF_INET) {
		b = (const unsigned char *)&v4->sin_addr;
		fmt(out, cap, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return;
	}
	b = v6->sin6_addr.s6_addr;
	for (i = 0; i < 16 && o < cap; i += 2)
		o += fmt(out + o, cap - o, i ? ":%x" : "%x", (unsigned)(b[i] << 8 | b[i + 1]));
}
