#include "base/log.h"
#include "base/fmt.h"
#include "base/clock.h"

#include <stdarg.h>

int log_verbose;
static clock_ms log_t0;

void log_start(void)
{
	log_t0 = clock_now();
}

void log_v(const char *f, ...)
{
	char msg[400], line[480];
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, f);
	fmt_v(msg, sizeof msg, f, ap);
	va_end(ap);
	fmt(line, sizeof line, "azkv: +%lldms %s\n", (long long)(clock_now() - log_t0), msg);
	fmt_put(2, line);
}
