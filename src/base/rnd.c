#include "base/rnd.h"
#include "base/err.h"
#include "base/log.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

const char *rnd_bytes(void *buf, size_t n, int flags)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, GRND_NONBLOCK);

		if (r < 0 && errno == EAGAIN && !(flags & RND_NOWAIT)) {
			log_v("kernel entropy pool not ready; waiting for it");
			r = getrandom(p, n, 0);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? err_errno(errno) : "short read";
		p += r;
		n -= (size_t)r;
	}
	return NULL;
}
