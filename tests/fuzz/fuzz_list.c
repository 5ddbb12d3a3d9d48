/*
 * fuzz_list: a listing page (list_page) and the nextLink check on one
 * arbitrary body. Every name taken is a secret name starting with the
 * prefix (any case); the counts add up to the items judged; s.next is ""
 * or "/secrets" then "?" or nothing, printable, within URL_PATH_MAX; a
 * page refused never gives a next page. list_next on the input as a C
 * string: the same shape when accepted. list_env_name: a variable name.
 */
#include "fuzz.h"
#include "vault/list.h"
#include "vault/ref.h"
#include "base/str.h"

static json_tok table[LIST_TOKENS];
static json_doc doc;
static unsigned taken;
static const char *prefix;
static ref sel; /* the selection listed: kv.vault.azure.net:443, prefix's */

static int take(void *ctx, const char *name)
{
	(void)ctx;
	FUZZ_CHECK(ref_name_ok(name, strlen(name)));
	FUZZ_CHECK(str_ieqn(name, prefix, strlen(prefix) - 1)); /* "PREFIX*" */
	taken++;
	return taken == 40 ? -1 : 0; /* refusing stops the page */
}

static int next_shape(const char *next)
{
	return strncmp(next, "/secrets", 8) == 0 && (next[8] == 0 || next[8] == '?')
		&& fuzz_printable(next) && strlen(next) <= URL_PATH_MAX;
}

static void check_page(const char *body, size_t n, const char *pfx)
{
	static const char *const tags[] = { "env=prod", "k=" };
	list_sel s;
	unsigned sum = 0, i;
	int rc;

	memset(&s, 0, sizeof s);
	strcpy(sel.name, prefix = pfx);
	s.sel = &sel;
	s.tags = tags;
	s.ntags = pfx[1] ? 1 : 2;
	s.now = 1750000000;
	s.nbf = 1;
	s.take = take;
	strcpy(s.next, "unchanged");
	taken = 0;
	rc = list_page(&s, &doc, table, body, n);
	FUZZ_CHECK(rc <= 0 && rc >= LIST_E_TAKE);
	for (i = 0; i < LIST_WHY; i++)
		sum += s.why[i];
	FUZZ_CHECK(s.why[LIST_OK] == taken && sum >= taken);
	if (rc == 0)
		FUZZ_CHECK(s.next[0] == 0 || next_shape(s.next));
	else
		FUZZ_CHECK(strcmp(s.next, "unchanged") == 0 || s.next[0] == 0 || next_shape(s.next));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), out[URL_PATH_MAX + 1], var[64];
	list_sel ls;

	strcpy(sel.host, "kv.vault.azure.net");
	sel.port = 443;
	sel.kind = REF_LIST;
	check_page((const char *)data, size, "*");
	check_page((const char *)data, size, "App-*");
	memset(&ls, 0, sizeof ls);
	ls.sel = &sel;
	if (list_next(&ls, s, out, sizeof out) == 0)
		FUZZ_CHECK(next_shape(out));
	if (list_env_name(var, sizeof var, "", s, size > 3 ? 3 : 0) == 0) {
		size_t i;

		FUZZ_CHECK(var[0] && !str_isdigit((unsigned char)var[0]));
		for (i = 0; var[i]; i++)
			FUZZ_CHECK(str_isalnum((unsigned char)var[i]) || var[i] == '_');
	}
	free(s);
	return 0;
}
