/* test_mem: mappings taken zeroed, given back, grown with their bytes. */
#include "base/mem.h"
#include "t.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Whether [p, p + n) is mapped: mincore fails with ENOMEM where not. */
static int mapped(const void *p, size_t n)
{
	unsigned char vec[64];

	return mincore((void *)((uintptr_t)p & ~(uintptr_t)4095), n, vec) == 0;
}

static void test_take_give(void)
{
	err e = { 0, 0, "" };
	unsigned char *p = mem_take(3 * 4096 + 1, &e);
	size_t i, nz = 0;

	CHECK(p != NULL);
	if (!p)
		return;
	for (i = 0; i < 3 * 4096 + 1; i++)
		nz += p[i] != 0;
	CHECK_EQ(nz, 0);
	p[3 * 4096] = 'x';
	CHECK(mapped(p, 4 * 4096));
	mem_give(p, 3 * 4096 + 1, 3 * 4096 + 1);
	CHECK(!mapped(p, 4096) && errno == ENOMEM);
	mem_give(NULL, 4096, 4096); /* nothing to give */
	CHECK(mem_take((size_t)1 << 62, &e) == NULL);
	CHECK_EQ(e.code, ERR_INTERNAL);
	CHECK(strncmp(e.msg, "mmap: ", 6) == 0);
}

/* Grown: twice the size or what is needed, the used bytes moved, the old
 * mapping given back. */
static void test_grow(void)
{
	err e = { 0, 0, "" };
	size_t cap = MEM_GROW_MIN;
	char *p = mem_take(cap, &e), *old = p;

	CHECK(p != NULL);
	if (!p)
		return;
	memcpy(p, "kept", 5);
	p[cap - 1] = 'z';
	CHECK_EQ(mem_grow((void **)&p, &cap, 5, MEM_GROW_MIN + 1), 0);
	CHECK_EQ(cap, 2 * MEM_GROW_MIN);
	CHECK_STR(p, "kept");
	CHECK_EQ(p[MEM_GROW_MIN - 1], 0); /* beyond used: not moved */
	CHECK(!mapped(old, 4096));
	p[cap - 1] = 'y';
	CHECK_EQ(mem_grow((void **)&p, &cap, cap, 5 * cap), 0);
	CHECK_EQ(cap, 5 * 2 * MEM_GROW_MIN);
	CHECK_STR(p, "kept");
	CHECK_EQ(p[2 * MEM_GROW_MIN - 1], 'y');
	old = p;
	CHECK_EQ(mem_grow((void **)&p, &cap, 1, (size_t)1 << 62), -1);
	CHECK(p == old && cap == 5 * 2 * MEM_GROW_MIN && mapped(p, 4096));
	mem_give(p, cap, cap);
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_take_give);
	T_RUN(test_grow);
	T_END();
}
