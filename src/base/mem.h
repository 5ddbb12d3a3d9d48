/*
 * mem: memory a run takes when it needs it: anonymous private mappings
 * (mmap), not buffers reserved in .bss for every run, given back wiped.
 * Only the pages a run writes become resident; the address space (VmPeak)
 * is what the run asked for. A mapping that must grow (a response body)
 * is replaced by a larger one.
 * Errors: ERR_INTERNAL ("memory: N bytes: why").
 */
#ifndef AZKV_MEM_H
#define AZKV_MEM_H

#include <stddef.h>
#include "base/err.h"

#define MEM_GROW_MIN (16 * 1024) /* a mapping that grows starts there */

/* n bytes, zeroed (n rounded up to pages); NULL with e set. */
void *mem_take(size_t n, err *e);

/* Wipe p[0, used) (what may hold a secret), then unmap p's n bytes (as
 * given to mem_take). NULL p: nothing. */
void mem_give(void *p, size_t n, size_t used);

/* Make the mapping *p (*cap bytes, from mem_take) hold need bytes (more
 * than *cap): a new one of twice the size or need, whichever is more, its
 * first used bytes moved there, the old one wiped and given back. 0, or
 * -1 (no memory) with *p and *cap as they were. */
int mem_grow(void **p, size_t *cap, size_t used, size_t need);

#endif
