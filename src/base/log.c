#include "base/log.h"
#include "base/err.h"
#include "base/fmt.h"
#include "base/clock.h"

#include <stdarg.h>

int log_verbose;
static clock_ms log_t0;

void log_start(void)
{
	log_t0 = clock_now();
}

/* "azkv: " head, then f's text, on one stderr line. */
static void put(const char *head, const char *f, va_list ap)
{
	char msg[ERR_MSG_MAX + 32], line[ERR_MSG_MAX + 64];

	fmt_v(msg, sizeof msg, f, ap);
	fmt(line, sizeof line, "azkv: %s%s\n", head, msg);
	fmt_put(2, line);
}

void log_v(const char *f, ...)
{
	char t[32];
	va_list ap;

	if (!log_verbose)
		return;
	fmt(t, sizeof t, "+%lldms ", (long long)(clock_now() - log_t0));
	va_start(ap, f);
	put(t, f, ap);
	va_end(ap);
}

void log_err(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	put("", f, ap);
	va_end(ap);
}
