/*
 * fuzz_chunked: chunked framing on its own. The input follows a fixed valid
 * header block, so every run reaches the chunk-size, chunk-data and trailer
 * states. The cap (16, 1024 or one over HTTP_BODY_MAX) and the split pattern
 * come from a hash of the input, so corpus files are plain chunked bodies.
 */
#include "http_check.h"

static const char head[] =
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

/* FNV-1a */
static unsigned hash(const uint8_t *p, size_t n)
{
	unsigned h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t hn = sizeof head - 1;
	unsigned char *msg = (unsigned char *)fuzz_buf(hn + size);
	unsigned h = hash(data, size);

	memcpy(msg, head, hn);
	if (size > 0)
		memcpy(msg + hn, data, size);
	http_check(msg, hn + size, 1 + (int)(h % 3), 0, h >> 8);
	free(msg);
	return 0;
}
