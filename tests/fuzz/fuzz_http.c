/*
 * fuzz_http: the HTTP response parser on arbitrary bytes.
 * Input: byte 0 chooses the body cap (bits 0-1: 0, 16, 1024 or one over
 * HTTP_BODY_MAX) and a HEAD request (bits 2-4 all set); byte 1 the split
 * pattern (bits 0-1: one byte at a time, pieces up to 16 or 512, whole
 * with empty feeds) and its seed; the rest is the response. See
 * http_check.h for the invariants.
 */
#include "http_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	http_check(data + 2, size - 2, data[0] & 3, (data[0] & 0x1c) == 0x1c,
		data[1]);
	return 0;
}
