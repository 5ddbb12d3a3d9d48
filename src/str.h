/*
 * str: small bounded string helpers shared by every module.
 * Pure functions over caller buffers; nothing allocates. Each writer
 * NUL-terminates and reports truncation by return value, never silently.
 */
#ifndef AZKV_STR_H
#define AZKV_STR_H

#include <stddef.h>

/* Copy src into dst[cap]. Returns 0, or -1 if it does not fit (dst emptied). */
int str_copy(char *dst, size_t cap, const char *src);

/* Copy n bytes of src (may contain NUL) as a C string; -1 if too long. */
int str_copyn(char *dst, size_t cap, const char *src, size_t n);

/* ASCII case-insensitive equality, and "s ends with suffix". */
int str_ieq(const char *a, const char *b);
int str_iends(const char *s, const char *suffix);

/* The first occurrence of pat in s, or NULL; "" is found at s. strstr
 * without musl's two-way search (1.3 KiB), for the few short strings we
 * search. */
const char *str_find(const char *s, const char *pat);

/* Make untrusted bytes safe for one stderr line: printable ASCII kept,
 * everything else as \xNN, cut with "..." at cap. Always terminates. */
void str_printable(char *dst, size_t cap, const char *src, size_t n);

/* Parse a non-negative decimal (digits only, no sign/space) into *v,
 * rejecting overflow past max. Returns 0 or -1. */
int str_udec(const char *s, size_t n, unsigned long long max,
	unsigned long long *v);

/* Value of an ASCII hex digit, or -1. */
int str_hexval(int c);

/* Calendar (proleptic Gregorian, no time zone): days since 1970-01-01 of a
 * date, and the days of month m (1-12) of year y. */
long long str_days_from_civil(long long y, int m, int d);
int str_month_days(long long y, int m);

#endif
