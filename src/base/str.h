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

/* ASCII classes and case, whatever the locale (as curl's curl_ctype.h):
 * c is a byte value (unsigned char) or -1. */
static inline int str_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int str_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int str_isalnum(int c) { return str_isalpha(c) || str_isdigit(c); }
static inline int str_isxdigit(int c)
{
	return str_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int str_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
/* HTTP's optional white space (SP, HTAB), and that with CR and LF (JSON's,
 * base64's, the files'); never VT or FF, which no format here allows. */
static inline int str_isblank(int c) { return c == ' ' || c == '\t'; }
static inline int str_isspace(int c) { return str_isblank(c) || c == '\r' || c == '\n'; }

/* ASCII case-insensitive comparisons (as curl's strcase.c). str_ieq: two
 * C strings; str_ieqn: the first n bytes of a and b (a NUL in one stops at
 * the first difference: a prefix test); str_ieqmem: s[0, n) is exactly z;
 * str_iends: s ends with suffix. */
int str_ieq(const char *a, const char *b);
int str_ieqn(const char *a, const char *b, size_t n);
int str_ieqmem(const char *s, size_t n, const char *z);
int str_iends(const char *s, const char *suffix);

/* The first occurrence of pat in s, or NULL; "" is found at s. strstr
 * without musl's two-way search (1.3 KiB), for the few short strings we
 * search. */
const char *str_find(const char *s, const char *pat);

/* strspn, strcspn and strpbrk as byte loops, without musl's bitmap code:
 * the strings and sets searched here are short. Same contracts as libc's.
 * (memchr stays musl's: its strnlen and execvp use it anyway.) */
size_t str_spn(const char *s, const char *set);
size_t str_cspn(const char *s, const char *set);
char *str_pbrk(const char *s, const char *set);

/* Make untrusted bytes safe for one stderr line: printable ASCII kept,
 * everything else as \xNN, cut with "..." at cap. Always terminates. */
void str_printable(char *dst, size_t cap, const char *src, size_t n);

/* Parse a non-negative decimal (digits only, no sign/space) into *v,
 * rejecting overflow past max. Returns 0 or -1. */
int str_udec(const char *s, size_t n, unsigned long long max,
	unsigned long long *v);

/* Exactly n decimal digits at s (n > 0, digits only) into *v, for the
 * fields of the date formats. 0 or -1. */
int str_digits(const char *s, size_t n, int *v);

/* Value of an ASCII hex digit, or -1. */
int str_hexval(int c);

/* The lower-case hex digits, the one copy. */
extern const char str_hex[17];

/* The k-th string (from 0) of a packed table of NUL-terminated strings
 * ("a\0b\0..."): the error-text tables, one line per code. The caller keeps
 * k within the table. */
const char *str_nth(const char *packed, size_t k);

/* The text of error code (-1 down to last) in such a table, -1's first;
 * any other code gets the table's last string, its fallback. */
const char *str_code(const char *packed, int code, int last);

#endif
