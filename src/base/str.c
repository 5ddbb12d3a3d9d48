#include "base/str.h"

#include <limits.h>
#include <string.h>

const char str_hex[17] = "0123456789abcdef";

int str_copy(char *dst, size_t cap, const char *src)
{
	return str_copyn(dst, cap, src, strlen(src));
}

int str_copyn(char *dst, size_t cap, const char *src, size_t n)
{
	if (cap == 0)
		return -1;
	if (n >= cap) {
		dst[0] = 0;
		return -1;
	}
	memcpy(dst, src, n);
	dst[n] = 0;
	return 0;
}

const char *str_find(const char *s, const char *pat)
{
	size_t n = strlen(pat);

	for (; *s; s++)
		if (strncmp(s, pat, n) == 0)
			return s;
	return n == 0 ? s : NULL;
}

/* Whether c (not NUL) is one of set's bytes. */
static int in_set(const char *set, char c)
{
	while (*set)
		if (*set++ == c)
			return 1;
	return 0;
}

size_t str_spn(const char *s, const char *set)
{
	size_t n = 0;

	while (s[n] && in_set(set, s[n]))
		n++;
	return n;
}

size_t str_cspn(const char *s, const char *set)
{
	size_t n = 0;

	while (s[n] && !in_set(set, s[n]))
		n++;
	return n;
}

char *str_pbrk(const char *s, const char *set)
{
	s += str_cspn(s, set);
	return *s ? (char *)s : NULL;
}

int str_ieq(const char *a, const char *b)
{
	while (*a && str_lower((unsigned char)*a) == str_lower((unsigned char)*b))
		a++, b++;
	return *a == 0 && *b == 0;
}

int str_ieqn(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_lower((unsigned char)a[i]) != str_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int str_ieqmem(const char *s, size_t n, const char *z)
{
	return strlen(z) == n && str_ieqn(s, z, n);
}

int str_iends(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && str_ieq(s + ls - lx, suffix);
}

static size_t width(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;
}

static size_t put(char *dst, size_t o, unsigned char c)
{
	if (width(c) == 1) {
		dst[o] = (char)c;
		return o + 1;
	}
	dst[o] = '\\';
	dst[o + 1] = 'x';
	dst[o + 2] = str_hex[c >> 4];
	dst[o + 3] = str_hex[c & 15];
	return o + 4;
}

void str_printable(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0, i, total = 0, room, dots;

	if (cap == 0)
		return;
	/* Measure first: "..." only when something is really left out. */
	for (i = 0; i < n && total < cap; i++)
		total += width((unsigned char)src[i]);
	room = total < cap ? cap - 1 : (cap > 4 ? cap - 4 : 0);
	for (i = 0; i < n && o + width((unsigned char)src[i]) <= room; i++)
		o = put(dst, o, (unsigned char)src[i]);
	if (total >= cap) {
		dots = cap - 1 - o < 3 ? cap - 1 - o : 3;
		memcpy(dst + o, "...", dots);
		o += dots;
	}
	dst[o] = 0;
}

int str_udec(const char *s, size_t n, unsigned long long max,
	unsigned long long *v)
{
	unsigned long long x = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (d > max || x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int str_digits(const char *s, size_t n, int *v)
{
	unsigned long long u;

	if (str_udec(s, n, INT_MAX, &u) < 0)
		return -1;
	*v = (int)u;
	return 0;
}

int str_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *str_nth(const char *packed, size_t k)
{
	while (k-- > 0)
		packed += strlen(packed) + 1;
	return packed;
}

const char *str_code(const char *packed, int code, int last)
{
	return str_nth(packed, (size_t)(code < 0 && code >= last ? -code - 1 : -last));
}
