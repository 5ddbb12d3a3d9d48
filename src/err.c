#include "err.h"
#include "fmt.h"

#include <stdarg.h>

static const char *const names[ERR_CLASSES] = {
	"ok", "internal", "usage", "identity", "denied",
	"not found", "network", "tls", "malformed",
};

int err_set(err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e->code != ERR_OK)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	fmt_v(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

const char *err_name(int code)
{
	if (code < 0 || code >= ERR_CLASSES)
		return "?";
	return names[code];
}
