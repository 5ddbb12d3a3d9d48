/*
 * err: the first failure sticks; class names; err_errno's table. Built with
 * musl (the unit-musl flavour) every text must be musl's own strerror, the
 * words the binary promises; with glibc a few are checked by hand. Every
 * other value reads "errno N".
 */
#include "base/err.h"
#include "t.h"

#include <errno.h>
#include <stdio.h>

static void test_first(void)
{
	err e;

	err_clear(&e);
	CHECK_EQ(err_set(&e, ERR_USAGE, "bad %s", "flag"), -1);
	CHECK_EQ(err_net(&e, ERR_NET_RESET, "later"), -1);
	CHECK_EQ(e.code, ERR_USAGE);
	CHECK_EQ(e.net, ERR_NET_NONE);
	CHECK_STR(e.msg, "bad flag");
	err_clear(&e);
	err_net(&e, ERR_NET_TIMEOUT, "slow %d", 5);
	CHECK(e.code == ERR_NETWORK && e.net == ERR_NET_TIMEOUT);
	CHECK_STR(err_name(ERR_TLS), "tls");
	CHECK_STR(err_name(ERR_NOTFOUND), "not found");
	CHECK_STR(err_name(ERR_CLASSES), "?");
	CHECK_STR(err_name(-1), "?");
}

static void test_errno(void)
{
	static const struct {
		int no;
		const char *text;
	} hand[] = {
		{ EPERM, "Operation not permitted" },
		{ ENOENT, "No such file or directory" },
		{ EIO, "I/O error" },
		{ EACCES, "Permission denied" },
		{ ELOOP, "Symbolic link loop" },
		{ EAFNOSUPPORT, "Address family not supported by protocol" },
		{ ECONNREFUSED, "Connection refused" },
		{ EHOSTUNREACH, "Host is unreachable" },
		{ EDQUOT, "Quota exceeded" },
	};
	char other[32];
	size_t i;
	int no, known = 0;

	for (i = 0; i < sizeof hand / sizeof hand[0]; i++)
		CHECK_STR(err_errno(hand[i].no), hand[i].text);
	for (no = 0; no < 4096; no++) {
		const char *t = err_errno(no);

		snprintf(other, sizeof other, "errno %d", no);
		if (strcmp(t, other) == 0)
			continue;
		known++;
#ifndef __GLIBC__
		CHECKM(strcmp(t, strerror(no)) == 0, "%d: \"%s\", musl says \"%s\"", no, t,
			strerror(no));
#endif
	}
	CHECK_EQ(known, 47); /* the table's lines */
	CHECK_STR(err_errno(ENOTTY), "errno 25");
}

int main(int argc, char **argv)
{
	T_MAIN(argc, argv);
	T_RUN(test_first);
	T_RUN(test_errno);
	T_END();
}
