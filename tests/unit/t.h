/*
 * t.h: the unit tests' whole framework. CHECK records one assertion; a
 * failure prints "FAIL file:line: expr" (plus an optional note). T_END
 * prints the closing "N passed, N failed" line that tests/run.sh adds up,
 * and makes the exit status non-zero on any failure.
 */
#ifndef AZKV_T_H
#define AZKV_T_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

#define CHECK(expr) CHECKM(expr, "%s", "")
#define CHECKM(expr, ...) do { \
	if (expr) { t_passed++; } else { t_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #expr); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
	} while (0)
#define CHECK_EQ(a, b) CHECKM((long long)(a) == (long long)(b), \
	"got %lld want %lld", (long long)(a), (long long)(b))
#define CHECK_STR(a, b) CHECKM(strcmp((a), (b)) == 0, "got \"%s\" want \"%s\"", (a), (b))
#define T_END() do { printf("%d passed, %d failed\n", t_passed, t_failed); \
	return t_failed != 0; } while (0)

#endif
