/*
 * t.h: the unit tests' whole framework. CHECK records one assertion; a
 * failure prints "FAIL file:line: expr" (plus an optional note). main()
 * starts with T_MAIN(argc, argv) and runs each test function through
 * T_RUN(fn) (or T_RUN_WITH(fn, args...)): with names on the command line,
 * only the functions whose name contains one of them run
 * (`build/unit-asan/test_http head_limit`); none named: all. T_END prints
 * the closing "N passed, N failed" line that tests/run.sh adds up (a name
 * that selected nothing is one failure) and makes the exit status
 * non-zero on any failure.
 */
#ifndef AZKV_T_H
#define AZKV_T_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed, t_argc, t_ran;
static char **t_argv;

#define CHECK(expr) CHECKM(expr, "%s", "")
#define CHECKM(expr, ...) do { \
	if (expr) { t_passed++; } else { t_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #expr); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
	} while (0)
#define CHECK_EQ(a, b) CHECKM((long long)(a) == (long long)(b), \
	"got %lld want %lld", (long long)(a), (long long)(b))
#define CHECK_STR(a, b) CHECKM(strcmp((a), (b)) == 0, "got \"%s\" want \"%s\"", (a), (b))

/* Whether the command line selects the function called name. */
static inline int t_wanted(const char *name)
{
	int i;

	if (t_argc < 2)
		return 1;
	for (i = 1; i < t_argc; i++)
		if (strstr(name, t_argv[i]))
			return 1;
	return 0;
}

#define T_MAIN(argc, argv) ((void)(t_argc = (argc)), (void)(t_argv = (argv)))
#define T_RUN(fn) do { if (t_wanted(#fn)) { t_ran++; fn(); } } while (0)
#define T_RUN_WITH(fn, ...) do { if (t_wanted(#fn)) { t_ran++; fn(__VA_ARGS__); } } while (0)
#define T_END() do { \
	if (t_argc > 1 && !t_ran) { t_failed++; \
		fprintf(stderr, "FAIL: no test function matches the names given\n"); } \
	printf("%d passed, %d failed\n", t_passed, t_failed); \
	return t_failed != 0; } while (0)

#endif
