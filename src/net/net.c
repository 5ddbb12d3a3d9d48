#include "net/net.h"
#include "net/resolve.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/str.h"
#include "base/sys.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int net_wake_fd = -1;
int (*net_wake)(void);

int net_poll(struct pollfd *p, unsigned n, clock_ms deadline)
{
	for (;;) {
		clock_ms left = deadline - clock_now();
		int rc;

		if (net_wake && net_wake())
			return -1;
		if (left <= 0)
			return 0;
		p[n] = (struct pollfd){ net_wake_fd, POLLIN, 0 }; /* -1: skipped */
		rc = poll(p, n + 1, left > 1000000 ? 1000000 : (int)left);
		if (rc < 0 && errno != EINTR)
			return 1; /* let the following call report the error */
		if (rc > (p[n].revents != 0))
			return 1;
	}
}

/* Wait for events on fd until the deadline: 1 ready, 0 deadline passed
 * (or the wake hook said stop: the run ends, its error goes unreported). */
static int wait_fd(int fd, short events, clock_ms deadline)
{
	struct pollfd p[2] = { { fd, events, 0 } };

	return net_poll(p, 1, deadline) > 0;
}

/* One connect attempt. Returns fd, or -1 with *why set (errno or ETIMEDOUT). */
static int connect_one(const net_addr *a, clock_ms deadline, int *why)
{
	int one = 1, fd, soerr = 0;
	socklen_t sl = sizeof soerr;

	fd = sys_socket(a->ss.ss_family, SOCK_STREAM);
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

int net_connect(const resolve_cfg *rc, const char *host, unsigned port,
	clock_ms deadline, err *e)
{
	net_addr addrs[RESOLVE_ADDRS_MAX];
	char ip[64] = "";
	size_t n, i;
	int why = 0;

	n = resolve_name(rc, addrs, host, port, deadline, e);
	for (i = 0; i < n; i++) {
		int fd;

		resolve_addr_fmt(&addrs[i], ip, sizeof ip);
		log_v("connect %s:%u (%s)", host, port, ip);
		fd = connect_one(&addrs[i], deadline, &why);
		if (fd >= 0)
			return fd;
		log_v("connect %s:%u (%s): %s", host, port, ip, err_errno(why));
		if (why == ETIMEDOUT)
			break;
	}
	if (n == 0)
		return -1;
	if (why == ETIMEDOUT)
		return err_net(e, ERR_NET_CONNECT,
			"connect %s:%u (%s): deadline passed", host, port, ip);
	return err_net(e, ERR_NET_CONNECT, "connect %s:%u (%s): %s", host, port, ip,
		err_errno(why));
}

long net_read(int fd, void *buf, size_t n, clock_ms deadline, const char *peer,
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
				err_errno(errno));
		if (!wait_fd(fd, POLLIN, deadline))
			return err_net(e, ERR_NET_TIMEOUT,
				"read from %s: deadline passed", peer);
	}
}

int net_write(int fd, const void *buf, size_t n, clock_ms deadline,
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
				err_errno(errno));
		if (!wait_fd(fd, POLLOUT, deadline))
			return err_net(e, ERR_NET_TIMEOUT,
				"write to %s: deadline passed", peer);
	}
	return 0;
}
