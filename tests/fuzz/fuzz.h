/*
 * fuzz.h: what every harness shares. FUZZ_CHECK aborts with the failed
 * invariant, so libFuzzer and the replay driver both see a crash. Buffers
 * handed to the code under test come from fuzz_buf: heap blocks of exactly
 * the size the callee is told, so one byte past cap is an ASan report.
 * Header-only: each harness is one translation unit plus the src modules.
 */
#ifndef AZKV_FUZZ_H
#define AZKV_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(expr) do { \
	if (!(expr)) { \
		fprintf(stderr, "fuzz: %s:%d: invariant failed: %s\n", \
			__FILE__, __LINE__, #expr); \
		abort(); \
	} } while (0)

/* A block of exactly n bytes (n may be 0), filled with 0xff: decoded
 * UTF-8 and printable text never contain that byte, so leftovers show. */
static inline char *fuzz_buf(size_t n)
{
	char *p = malloc(n ? n : 1);

	FUZZ_CHECK(p != NULL);
	memset(p, 0xff, n ? n : 1);
	return p;
}

/* data[size] as a C string (stops at the first NUL, as a caller's would). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

/* s[n] is NUL-terminated within n bytes. */
static inline int fuzz_terminated(const char *s, size_t n)
{
	return n > 0 && memchr(s, 0, n) != NULL;
}

/* Every byte of the C string s is printable ASCII (0x20..0x7e). */
static inline int fuzz_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* s[n] is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF); NUL bytes are allowed (\u0000 decodes to one).
 * Written independently of json.c's validator on purpose. */
static inline int fuzz_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned long cp, min;

	while (i < n) {
		unsigned c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* Small deterministic generator for split points drawn from the input. */
static inline unsigned fuzz_next(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

#endif
