/*
 * fmt: a small snprintf for messages, so that musl's printf (with its
 * floating point and wide-character code) stays out of the binary.
 * Conversions: %s %.*s %c %d %i %u %x %o %ld %lu %lx %lo %lld %llu %llx
 * %llo %zu %zx %zo %%;
 * no widths or flags. Output is cut to cap - 1 bytes and always terminated;
 * the return value is the full length, as snprintf's.
 */
#ifndef AZKV_FMT_H
#define AZKV_FMT_H

#include <stdarg.h>
#include <stddef.h>

size_t fmt_v(char *out, size_t cap, const char *f, va_list ap);
size_t fmt(char *out, size_t cap, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

/* The names name(0), name(1)... (up to the first NULL) into out[cap], sep
 * between them; with width, a newline instead where a line would pass
 * width bytes. The length, as fmt's. For lists drawn from a table (sources,
 * algorithms), which are then never spelled twice. */
size_t fmt_list(char *out, size_t cap, const char *(*name)(int i), const char *sep,
	size_t width);

/* fmt at offset at of out[cap], after what is there; at may be past cap
 * (then nothing is written). Returns at plus the full length: a total
 * >= cap means the whole did not fit. */
size_t fmt_at(char *out, size_t cap, size_t at, const char *f, ...)
	__attribute__((format(printf, 4, 5)));

/* Write a whole string to fd (stderr lines, help text); errors ignored. */
void fmt_put(int fd, const char *s);

#endif
