#include "str.h"

#include <string.h>

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

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int str_ieq(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return *a == 0 && *b == 0;
}

int str_iends(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && str_ieq(s + ls - lx, suffix);
}

void str_printable(char *dst, size_t cap, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (cap == 0)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;

		if (o + need + 4 > cap) {
			if (cap >= 4) {
				o = o + 3 < cap ? o : cap - 4;
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (need == 1) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o < cap ? o : cap - 1] = 0;
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
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}
