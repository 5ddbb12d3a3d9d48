#include "codec/b64.h"
#include "base/str.h"

int b64_digit(int c, int *alpha)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '=')
		return -2;
	if (c == '+' || c == '/' || c == '-' || c == '_') {
		int kind = (c == '+' || c == '/') ? 1 : 2;

		if (*alpha && *alpha != kind)
			return -1;
		*alpha = kind;
		return c == '+' || c == '-' ? 62 : 63;
	}
	return -1;
}

long b64_decode(unsigned char *out, size_t cap, const char *in, size_t n)
{
	unsigned long acc = 0;
	size_t o = 0, i;
	int bits = 0, pad = 0, alpha = 0, quad = 0;

	for (i = 0; i < n; i++) {
		int v = b64_digit((unsigned char)in[i], &alpha);

		if (str_isspace((unsigned char)in[i]))
			continue;
		if (v == -1 || (pad && v != -2))
			return -1;
		quad++;
		if (v == -2) {
			pad++;
			continue;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/* Padding completes the last group exactly; leftover bits are zero. */
	if (pad > 2 || (pad && quad % 4 != 0) || bits >= 6 || acc != 0)
		return -1;
	if (pad && (quad - pad) % 4 + pad != 4)
		return -1;
	return (long)o;
}

long b64_encode(char *out, size_t cap, const void *in, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = in;
	size_t i, o = 0;

	if (cap == 0 || (n + 2) / 3 > (cap - 1) / 4) {
		if (cap)
			out[0] = 0;
		return -1;
	}
	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = digits[v >> 18];
		out[o++] = digits[(v >> 12) & 63];
		out[o++] = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? digits[v & 63] : '=';
	}
	out[o] = 0;
	return (long)o;
}

long b64_url_encode(char *out, size_t cap, const unsigned char *in, size_t n)
{
	long len = b64_encode(out, cap, in, n), i;

	for (i = 0; i < len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
		else if (out[i] == '=')
			break;
	}
	if (len >= 0)
		out[i] = 0;
	return len < 0 ? -1 : i;
}
