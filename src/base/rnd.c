#include "base/rnd.h"
#include "base/err.h"
#include "base/log.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

const char *rnd_bytes(void *buf, size_t n)
{
	ssize_t r = getrandom(buf, n, GRND_NONBLOCK);

	if (r < 0 && errno == EAGAIN) {
		log_v("kernel entropy pool not ready; waiting for it");
		r = getrandom(buf, n, 0);
	}
	if (r != (ssize_t)n)
		return r < 0 ? err_errno(errno) : "short read";
	return NULL;
}
