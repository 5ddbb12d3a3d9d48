#include "crypto/sum.h"

#include <bearssl.h>
#include <string.h>

void sum_strv(char *const *v, unsigned char out[SUM_LEN])
{
	br_sha256_context c;

	br_sha256_init(&c);
	for (; *v; v++)
		br_sha256_update(&c, *v, strlen(*v) + 1);
	br_sha256_out(&c, out);
	explicit_bzero(&c, sizeof c);
}
