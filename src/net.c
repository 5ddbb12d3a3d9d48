#include "net.h"
#include "fmt.h"
#include "log.h"
#include "str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
} net_addr;

net_ms net_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (net_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int net_resolve_parse(net_resolve *r, const char *s)
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

/* Numeric address into a; 0 if it parsed. */
static int addr_numeric(net_addr *a, const char *host, unsigned port)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)port);
		a->len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)port);
		a->len = sizeof *v6;
		return 0;
	}
	return -1;
}

static size_t resolve_dns(net_addr *out, const char *host, unsigned port,
	err *e)
{
	struct addrinfo hints, *res, *ai;
	char service[8];
	size_t n = 0;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	fmt(service, sizeof service, "%u", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		err_net(e, ERR_NET_CONNECT, "resolve %s: %s", host, gai_strerror(rc));
		return 0;
	}
	for (ai = res; ai && n < NET_ADDRS_MAX; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof out[n].ss)
			continue;
		memcpy(&out[n].ss, ai->ai_addr, ai->ai_addrlen);
		out[n++].len = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (n == 0)
		err_net(e, ERR_NET_CONNECT, "resolve %s: no usable address", host);
	return n;
}

/* Fill out[] with the addresses to try for host:port; returns the count. */
static size_t resolve(const net_cfg *cfg, net_addr *out, const char *host,
	unsigned port, err *e)
{
	size_t i;

	for (i = 0; cfg && i < cfg->nresolve; i++) {
		const net_resolve *r = &cfg->resolve[i];

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
	return resolve_dns(out, host, port, e);
}

/* The address for messages: dotted IPv4, or IPv6 as eight hex groups
 * (inet_ntop would pull in printf). */
static void addr_fmt(const net_addr *a, char *out, size_t cap)
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

/* Wait for events on fd until the deadline: 1 ready, 0 deadline passed. */
static int wait_fd(int fd, short events, net_ms deadline)
{
	struct pollfd p;

	for (;;) {
		net_ms left = deadline - net_now();
		int rc;

		if (left <= 0)
			return 0;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		rc = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return 1; /* let the following call report the error */
	}
}

/* One connect attempt. Returns fd, or -1 with *why set (errno or ETIMEDOUT). */
static int connect_one(const net_addr *a, net_ms deadline, int *why)
{
	int one = 1, fd, soerr = 0;
	socklen_t sl = sizeof soerr;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = errno;
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		if (errno != EINPROGRESS) {
			*why = errno;
			close(fd);
			return -1;
		}
		if (!wait_fd(fd, POLLOUT, deadline)) {
			*why = ETIMEDOUT;
			close(fd);
			return -1;
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		if (soerr != 0) {
			*why = soerr;
			close(fd);
			return -1;
		}
	}
	return fd;
}

int net_connect(const net_cfg *cfg, const char *host, unsigned port,
	net_ms deadline, err *e)
{
	net_addr addrs[NET_ADDRS_MAX];
	char ip[64] = "";
	size_t n, i;
	int why = 0;

	n = resolve(cfg, addrs, host, port, e);
	for (i = 0; i < n; i++) {
		int fd;

		addr_fmt(&addrs[i], ip, sizeof ip);
		logv("connect %s:%u (%s)", host, port, ip);
		fd = connect_one(&addrs[i], deadline, &why);
		if (fd >= 0)
			return fd;
		logv("connect %s:%u (%s): %s", host, port, ip, strerror(why));
		if (why == ETIMEDOUT)
			break;
	}
	if (n == 0)
		return -1;
	if (why == ETIMEDOUT)
		return err_net(e, ERR_NET_CONNECT,
			"connect %s:%u (%s): deadline passed", host, port, ip);
	return err_net(e, ERR_NET_CONNECT, "connect %s:%u (%s): %s", host, port, ip,
		strerror(why));
}

long net_read(int fd, void *buf, size_t n, net_ms deadline, const char *peer,
	err *e)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);

		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_net(e, ERR_NET_RESET, "read from %s: %s", peer,
				strerror(errno));
		if (!wait_fd(fd, POLLIN, deadline))
			return err_net(e, ERR_NET_TIMEOUT,
				"read from %s: deadline passed", peer);
	}
}

int net_write(int fd, const void *buf, size_t n, net_ms deadline,
	const char *peer, err *e)
{
	const unsigned char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return err_net(e, ERR_NET_RESET, "write to %s: %s", peer,
				strerror(errno));
		if (!wait_fd(fd, POLLOUT, deadline))
			return err_net(e, ERR_NET_TIMEOUT,
				"write to %s: deadline passed", peer);
	}
	return 0;
}
