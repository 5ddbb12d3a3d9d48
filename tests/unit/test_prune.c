/*
 * prune: the --prune manifest (src/cli/prune.c) in a temporary folder: what
 * is a manifest, what a run removes (only files the manifest names that
 * the run no longer writes, only regular files), and that the manifest
 * keeps the names still to be removed until they are.
 */
#include "cli/prune.h"
#include "t.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static prune pr;

static void put_file(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int exists(const char *name)
{
	char p[128];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static void manifest_is(const char *want)
{
	char p[128], got[512] = "";
	FILE *f;
	size_t n = 0;

	snprintf(p, sizeof p, "%s/" PRUNE_FILE, dir);
	f = fopen(p, "r");
	if (f) {
		n = fread(got, 1, sizeof got - 1, f);
		fclose(f);
	}
	got[n] = 0;
	CHECKM(strcmp(got, want) == 0, "manifest %s, want %s", got, want);
}

static void refs_of(ref *refs, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&refs[i], 0, sizeof refs[i]);
		snprintf(refs[i].name, sizeof refs[i].name, "%s", names[i]);
	}
}

/* One run of get --out-dir --prune writing names: the files, then prune;
 * the files it removed, and 1 for the manifest rewritten then, or -1. */
static int run(const char *const *names, size_t n, err *e)
{
	static out_file f[8];
	static char paths[8][128];
	ref refs[8];
	out_opts o = { 0600, OUT_NO_OWNER, OUT_NO_OWNER };
	size_t i;

	refs_of(refs, names, n);
	for (i = 0; i < n; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
		f[i].path = paths[i];
		f[i].data = names[i];
		f[i].n = strlen(names[i]);
	}
	err_clear(e);
	if (prune_start(&pr, dir, refs, n, &f[n], e) < 0 || out_write_all(f, n + 1, &o, e) < 0)
		return -1;
	return prune_finish(&pr, &o, e);
}

static void test_parse(void)
{
	static const struct { const char *text; int rc; size_t n; } cases[] = {
		{ PRUNE_HEAD, 0, 0 },
		{ PRUNE_HEAD "a\nb-C-9\n", 0, 2 },
		{ PRUNE_HEAD "a\n\n", -1, 0 },
		{ PRUNE_HEAD "a", -1, 0 },
		{ PRUNE_HEAD "../etc\n", -1, 0 },
		{ PRUNE_HEAD "a/b\n", -1, 0 },
		{ PRUNE_HEAD ".x\n", -1, 0 },
		{ PRUNE_HEAD "a b\n", -1, 0 },
		{ PRUNE_HEAD "a\r\n", -1, 0 },
		{ "a\nb\n", -1, 0 },
		{ "", -1, 0 },
		{ "# azkv\n", -1, 0 },
	};
	char buf[256];
	const char *names[4];
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i].text);

		memcpy(buf, cases[i].text, len + 1);
		CHECKM(prune_parse(buf, len, names, 4, &n) == cases[i].rc, "%s", cases[i].text);
		CHECKM(cases[i].rc < 0 || n == cases[i].n, "%s: %zu names", cases[i].text, n);
	}
	memcpy(buf, PRUNE_HEAD "a\nb\n", sizeof PRUNE_HEAD + 4);
	CHECK_EQ(prune_parse(buf, strlen(buf), names, 1, &n), -1);
	memcpy(buf, PRUNE_HEAD "a\nb\n", sizeof PRUNE_HEAD + 4);
	CHECK_EQ(prune_parse(buf, strlen(buf), names, 2, &n), 0);
	CHECK_STR(names[1], "b");
	memcpy(buf, PRUNE_HEAD "a\0b\n", sizeof PRUNE_HEAD + 4);
	CHECK_EQ(prune_parse(buf, sizeof PRUNE_HEAD + 3, names, 2, &n), -1);
}

static void test_runs(void)
{
	static const char *const one[] = { "db", "api", "old" }, *const two[] = { "db", "new" };
	char p[128];
	err e = { 0, 0, "" };

	/* no manifest yet: nothing removed, the manifest written */
	put_file("mine", "not azkv's");
	put_file("old", "stale");
	CHECK_EQ(run(one, 3, &e), 0);
	manifest_is(PRUNE_HEAD "db\napi\nold\n");
	/* a file azkv did not write stays; api and old (regular) go, and the
	 * manifest is rewritten without them */
	CHECK_EQ(run(two, 2, &e), 3);
	CHECK(exists("mine") && exists("db") && exists("new"));
	CHECK(!exists("api") && !exists("old"));
	manifest_is(PRUNE_HEAD "db\nnew\n");
	/* a listed name that is now a link or a folder is left alone, and forgotten */
	snprintf(p, sizeof p, "%s/new", dir);
	unlink(p);
	CHECK_EQ(symlink("mine", p), 0);
	CHECK_EQ(run(one, 1, &e), 1);
	CHECK(exists("new") && exists("mine"));
	manifest_is(PRUNE_HEAD "db\n");
	unlink(p);
	/* a listed name that is now a folder is left alone, and forgotten */
	CHECK_EQ(run(one, 2, &e), 0);
	manifest_is(PRUNE_HEAD "db\napi\n");
	snprintf(p, sizeof p, "%s/api", dir);
	unlink(p);
	CHECK_EQ(mkdir(p, 0700), 0);
	put_file("api/f", "x");
	CHECK_EQ(run(one, 1, &e), 1);
	CHECK(exists("api/f"));
	manifest_is(PRUNE_HEAD "db\n");
	snprintf(p, sizeof p, "%s/api/f", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/api", dir);
	rmdir(p);
	/* a manifest azkv did not write: refused, nothing written or removed */
	put_file(PRUNE_FILE, "db\nmine\n");
	CHECK_EQ(run(two, 2, &e), -1);
	CHECK_EQ(e.code, ERR_USAGE);
	CHECK(exists("mine") && !exists("new"));
	put_file(PRUNE_FILE, PRUNE_HEAD "db\nmine\n");
	CHECK_EQ(run(one, 1, &e), 2);
	CHECK(!exists("mine"));
}

/* The manifest is written with the files: when they fail, nothing is
 * removed and the old manifest stays. */
static void test_all_or_nothing(void)
{
	static const char *const a[] = { "k1", "k2" }, *const b[] = { "k1", "sub" };
	char p[128];
	err e = { 0, 0, "" };

	CHECK(run(a, 2, &e) >= 0); /* (removing what the tests before left, if they ran) */
	snprintf(p, sizeof p, "%s/sub", dir);
	CHECK_EQ(mkdir(p, 0700), 0); /* a target that is a folder fails the write */
	CHECK_EQ(run(b, 2, &e), -1);
	CHECK(exists("k2"));
	manifest_is(PRUNE_HEAD "k1\nk2\n");
	rmdir(p);
	/* a symlinked manifest is not read */
	snprintf(p, sizeof p, "%s/" PRUNE_FILE, dir);
	unlink(p);
	CHECK_EQ(symlink("k1", p), 0);
	CHECK_EQ(run(a, 2, &e), -1);
	unlink(p);
}

int main(int argc, char **argv)
{
	char cmd[96];

	T_MAIN(argc, argv);
	snprintf(dir, sizeof dir, "/tmp/azkv-test-prune.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	T_RUN(test_parse);
	T_RUN(test_runs);
	T_RUN(test_all_or_nothing);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	T_END();
}
