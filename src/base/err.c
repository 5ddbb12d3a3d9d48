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
 * for each, one line a pair; made into a byte table of codes and one string
 * of NUL-terminated texts in the same order (denser than pointers). */
#define ERR_ERRNOS(E) \
	E(EPERM, "Operation not permitted") \
	E(ENOENT, "No such file or directory") \
	E(EINTR, "Interrupted system call") \
	E(EIO, "I/O error") \
	E(ENXIO, "No such device or address") \
	E(E2BIG, "Argument list too long") \
	E(ENOEXEC, "Exec format error") \
	E(EBADF, "Bad file descriptor") \
	E(EAGAIN, "Resource temporarily unavailable") \
	E(ENOMEM, "Out of memory") \
	E(EACCES, "Permission denied") \
	E(EFAULT, "Bad address") \
	E(EBUSY, "Resource busy") \
	E(EEXIST, "File exists") \
	E(EXDEV, "Cross-device link") \
	E(ENODEV, "No such device") \
	E(ENOTDIR, "Not a directory") \
	E(EISDIR, "Is a directory") \
	E(EINVAL, "Invalid argument") \
	E(ENFILE, "Too many open files in system") \
	E(EMFILE, "No file descriptors available") \
	E(ETXTBSY, "Text file busy") \
	E(EFBIG, "File too large") \
	E(ENOSPC, "No space left on device") \
	E(EROFS, "Read-only file system") \
	E(EMLINK, "Too many links") \
	E(EPIPE, "Broken pipe") \
	E(ENAMETOOLONG, "Filename too long") \
	E(ENOSYS, "Function not implemented") \
	E(ENOTEMPTY, "Directory not empty") \
	E(ELOOP, "Symbolic link loop") \
	E(EPROTO, "Protocol error") \
	E(EOVERFLOW, "Value too large for data type") \
	E(EAFNOSUPPORT, "Address family not supported by protocol") \
	E(EADDRINUSE, "Address in use") \
	E(EADDRNOTAVAIL, "Address not available") \
	E(ENETDOWN, "Network is down") \
	E(ENETUNREACH, "Network unreachable") \
	E(ECONNABORTED, "Connection aborted") \
	E(ECONNRESET, "Connection reset by peer") \
	E(ENOBUFS, "No buffer space available") \
	E(ENOTCONN, "Socket not connected") \
	E(ETIMEDOUT, "Operation timed out") \
	E(ECONNREFUSED, "Connection refused") \
	E(EHOSTDOWN, "Host is down") \
	E(EHOSTUNREACH, "Host is unreachable") \
	E(EDQUOT, "Quota exceeded")

static const unsigned char errnos[] = {
#define E(code, text) code,
	ERR_ERRNOS(E)
#undef E
};

static const char errtexts[] =
#define E(code, text) text "\0"
	ERR_ERRNOS(E)
#undef E
	;

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
