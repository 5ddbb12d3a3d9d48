#include "base/err.h"
#include "base/fmt.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static const char *const names[ERR_CLASSES] = {
	"ok", "internal", "usage", "identity", "denied",
	"not found", "network", "tls", "malformed",
};

static int err_vset(err *e, int code, int net, const char *f, va_list ap)
{
	if (e->code != ERR_OK)
		return -1;
	e->code = code;
	e->net = net;
	fmt_v(e->msg, sizeof e->msg, f, ap);
	return -1;
}

void err_clear(err *e)
{
	e->code = ERR_OK;
	e->net = ERR_NET_NONE;
	e->msg[0] = '\0';
}

int err_set(err *e, int code, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	err_vset(e, code, ERR_NET_NONE, f, ap);
	va_end(ap);
	return -1;
}

int err_net(err *e, int net, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	err_vset(e, ERR_NETWORK, net, f, ap);
	va_end(ap);
	return -1;
}

const char *err_name(int code)
{
	if (code < 0 || code >= ERR_CLASSES)
		return "?";
	return names[code];
}

/* The errno values azkv can meet (files, sockets, exec) and musl's text
 * for each: one string of NUL-terminated texts in the order of errnos[]. */
static const unsigned char errnos[] = {
	EPERM, ENOENT, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, EAGAIN,
	ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR,
	EINVAL, ENFILE, EMFILE, ETXTBSY, EFBIG, ENOSPC, EROFS, EMLINK, EPIPE,
	ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, EPROTO, EOVERFLOW,
	EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, ENETDOWN, ENETUNREACH,
	ECONNABORTED, ECONNRESET, ENOBUFS, ENOTCONN, ETIMEDOUT, ECONNREFUSED,
	EHOSTDOWN, EHOSTUNREACH, EDQUOT,
};

static const char errtexts[] =
	"Operation not permitted\0"
	"No such file or directory\0"
	"Interrupted system call\0"
	"I/O error\0"
	"No such device or address\0"
	"Argument list too long\0"
	"Exec format error\0"
	"Bad file descriptor\0"
	"Resource temporarily unavailable\0"
	"Out of memory\0"
	"Permission denied\0"
	"Bad address\0"
	"Resource busy\0"
	"File exists\0"
	"Cross-device link\0"
	"No such device\0"
	"Not a directory\0"
	"Is a directory\0"
	"Invalid argument\0"
	"Too many open files in system\0"
	"No file descriptors available\0"
	"Text file busy\0"
	"File too large\0"
	"No space left on device\0"
	"Read-only file system\0"
	"Too many links\0"
	"Broken pipe\0"
	"Filename too long\0"
	"Function not implemented\0"
	"Directory not empty\0"
	"Symbolic link loop\0"
	"Protocol error\0"
	"Value too large for data type\0"
	"Address family not supported by protocol\0"
	"Address in use\0"
	"Address not available\0"
	"Network is down\0"
	"Network unreachable\0"
	"Connection aborted\0"
	"Connection reset by peer\0"
	"No buffer space available\0"
	"Socket not connected\0"
	"Operation timed out\0"
	"Connection refused\0"
	"Host is down\0"
	"Host is unreachable\0"
	"Quota exceeded\0";

const char *err_errno(int no)
{
	static char other[24];
	const char *t = errtexts;
	size_t i;

	for (i = 0; i < sizeof errnos; i++) {
		if (errnos[i] == no)
			return t;
		t += strlen(t) + 1;
	}
	fmt(other, sizeof other, "errno %d", no);
	return other;
}
