#include "log.h"
#include "net.h"

#include <stdarg.h>
#include <stdio.h>

int log_verbose;
static net_ms log_t0;

void log_start(void)
{
	log_t0 = net_now();
}

void logv(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "azkv: +%lldms %s\n", (long long)(net_now() - log_t0), line);
}
