/* meta: the VM's tags from IMDS instance metadata (tag: references). */
#include "vault/meta.h"
#include "base/fmt.h"
#include "base/log.h"
#include "azure/retry.h"
#include "base/str.h"
#include "vault/tags.h"

#include <string.h>

#define META_PATH "/metadata/instance/compute/tagsList"
#define META_API "2021-02-01"

static int read_list(client *c, err *e)
{
	static const http_hdr h[] = { { "Metadata", "true", NULL } };
	char what[URL_HOST_MAX + 32];
	client_req q;
	url u;

	if (identity_imds_url(c, META_PATH, &u, e) < 0)
		return -1;
	if (url_add_query(u.path, sizeof u.path, "api-version", META_API) < 0)
		return err_set(e, ERR_USAGE, "IMDS base URL too long");
	fmt(what, sizeof what, "tags from IMDS (%s:%u)", u.host, u.port);
	q = (client_req){ what, RETRY_IMDS, ERR_IDENTITY, 200, &c->ident, NULL, 0, NULL,
		u.host, u.port, "GET", u.path, h, 1, NULL, 0, 0, "" };
	if (client_call(c, &q, e) < 0)
		return -1;
	if (c->resp.body_len > sizeof c->tags)
		return err_set(e, ERR_MALFORMED, "tags from IMDS: list over %d bytes",
			CLIENT_TAGS_MAX);
	memcpy(c->tags, c->body, c->resp.body_len);
	c->tags_len = c->resp.body_len;
	return 0;
}

int meta_tag(client *c, const char *name, char *out, size_t cap, err *e)
{
	int rc, src;

	if (name[0] == 0 || strlen(name) > TAGS_NAME_MAX)
		return err_set(e, ERR_USAGE, "tag:%s: %s", name, tags_strerror(TAGS_E_NAME));
	src = identity_source(c, e);
	if (src < 0)
		return -1;
	if (src != SRC_IMDS)
		return err_set(e, ERR_USAGE, "tag: references need IMDS (a VM); the identity source is %s (%s)",
			source_name(src), c->src_why);
	if (!c->tags_len && read_list(c, e) < 0)
		return -1;
	rc = tags_find(c->tags, c->tags_len, name, out, cap);
	if (rc == TAGS_E_MISSING)
		return err_set(e, ERR_NOTFOUND, "tag %s: %s", name, tags_strerror(rc));
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "tag %s: %s", name, tags_strerror(rc));
	log_v("tag %s: %zu characters", name, strlen(out));
	return 0;
}
