/* mem: mmap and munmap. */
#include "base/mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void *mem_take(size_t n, err *e)
{
	void *p = map(n);

	if (!p)
		err_set(e, ERR_INTERNAL, "mmap: %s", err_errno(errno));
	return p;
}

void mem_give(void *p, size_t n, size_t used)
{
	if (!p)
		return;
	explicit_bzero(p, used);
	munmap(p, n);
}

int mem_grow(void **p, size_t *cap, size_t used, size_t need)
{
	size_t n = *cap * 2 > need ? *cap * 2 : need;
	void *q = map(n);

	if (!q)
		return -1;
	memcpy(q, *p, used);
	mem_give(*p, *cap, used);
	*p = q;
	*cap = n;
	return 0;
}
