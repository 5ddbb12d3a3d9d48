#include "base/fmt.h"
#include "base/str.h"

#include <string.h>
#include <unistd.h>

typedef struct sink {
	char *out;
	size_t cap, len;
} sink;

static void put(sink *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, s->len++)
		if (s->len + 1 < s->cap)
			s->out[s->len] = p[i];
}

static void put_u(sink *s, unsigned long long v, unsigned base, int neg)
{
	char d[24];
	size_t i = sizeof d;

	do {
		d[--i] = str_hex[v % base];
		v /= base;
	} while (v);
	if (neg)
		d[--i] = '-';
	put(s, d + i, sizeof d - i);
}

static void put_s(sink *s, long long v)
{
	unsigned long long m = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	put_u(s, m, 10, v < 0);
}

/* One conversion after '%'; returns the rest of the format. */
static const char *conv(sink *s, const char *f, va_list *ap)
{
	int l = 0, z = 0;
	const char *str;

	if (f[0] == '.' && f[1] == '*' && f[2] == 's') {
		int n = va_arg(*ap, int);

		str = va_arg(*ap, const char *);
		put(s, str, n < 0 ? strlen(str) : strnlen(str, (size_t)n));
		return f + 3;
	}
	for (; *f == 'l'; f++)
		l++;
	if (*f == 'z')
		z = 1, f++;
	switch (*f) {
	case 's':
		str = va_arg(*ap, const char *);
		put(s, str ? str : "(null)", strlen(str ? str : "(null)"));
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);

		put(s, &c, 1);
		break;
	}
	case 'd': case 'i':
		put_s(s, l >= 2 ? va_arg(*ap, long long) : l ? va_arg(*ap, long)
			: va_arg(*ap, int));
		break;
	case 'u': case 'x': case 'o':
		put_u(s, z ? va_arg(*ap, size_t) : l >= 2 ? va_arg(*ap, unsigned long long)
			: l ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned),
			*f == 'x' ? 16 : *f == 'o' ? 8 : 10, 0);
		break;
	case '%':
		put(s, "%", 1);
		break;
	default: /* unsupported: show it, so the bug is visible */
		put(s, "%?", 2);
		return *f ? f + 1 : f;
	}
	return f + 1;
}

size_t fmt_v(char *out, size_t cap, const char *f, va_list ap)
{
	sink s = { out, cap, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*f) {
		const char *pct = strchr(f, '%');
		size_t n = pct ? (size_t)(pct - f) : strlen(f);

		put(&s, f, n);
		f += n;
		if (*f == '%')
			f = conv(&s, f + 1, &aq);
	}
	va_end(aq);
	if (cap)
		out[s.len < cap ? s.len : cap - 1] = 0;
	return s.len;
}

size_t fmt(char *out, size_t cap, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = fmt_v(out, cap, f, ap);
	va_end(ap);
	return n;
}

size_t fmt_list(char *out, size_t cap, const char *(*name)(int i), const char *sep,
	size_t width)
{
	sink s = { out, cap, 0 };
	size_t line = 0, k = strlen(sep);
	const char *n;
	int i;

	for (i = 0; (n = name(i)) != NULL; i++) {
		size_t l = strlen(n);

		if (i && width && line + k + l > width) {
			put(&s, "\n", 1);
			line = 0;
		} else if (i) {
			put(&s, sep, k);
			line += k;
		}
		put(&s, n, l);
		line += l;
	}
	if (cap)
		out[s.len < cap ? s.len : cap - 1] = 0;
	return s.len;
}

size_t fmt_at(char *out, size_t cap, size_t at, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	at += at < cap ? fmt_v(out + at, cap - at, f, ap) : fmt_v(out, 0, f, ap);
	va_end(ap);
	return at;
}

void fmt_put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}
