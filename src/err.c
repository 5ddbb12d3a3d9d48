#include "err.h"
#include "fmt.h"

#include <stdarg.h>

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
