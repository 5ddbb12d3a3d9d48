/*
 * sum: a SHA-256 (BearSSL's) of a list of strings, so that --every can tell
 * whether exec's environment changed from one round to the next without
 * keeping a second copy of the secrets in it. Pure; nothing to free.
 */
#ifndef AZKV_SUM_H
#define AZKV_SUM_H

#define SUM_LEN 32

/* The digest of v[0], v[1]... up to the NULL, each with its NUL. */
void sum_strv(char *const *v, unsigned char out[SUM_LEN]);

#endif
