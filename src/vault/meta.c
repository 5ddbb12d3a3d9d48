/* meta: the VM's tags from IMDS instance metadata (tag: references). */
#include "vault/meta.h"
#include "base/fmt.h"
#include "base/log.h"
#include "azure/retry.h"
#include "base/str.h"
#include "vault/tags.h"

#include <string.h>

#include "buildinfo.h"

#define META_BASE "http://169.254.169.254"
#define META_PATH "/metadata/instance/compute/tagsList"
#define META_API "2021-02-01"

static char list[META_TAGS_BODY_MAX]; /* the tag list, read once a run */
static size_t list_len;
static int list_read;

static int imds_only(client *c, err *e)
{
	const char *why = "--source";
	int src = c->id.source;

	if (src == SRC_AUTO)
		src = source_detect(&c->id.env, c->id.sel == SEL_CLIENT_ID
			? c->id.sel_value : NULL, &why);
	if (src != SRC_IMDS)
		return err_set(e, ERR_USAGE, "tag: references need IMDS (a VM); the identity source is %s (%s)",
			source_name(src), why);
	return 0;
}

/* One GET of the tag list into c->resp / c->body. */
static int exchange(client *c, const url *u, err *e)
{
	char host[URL_HOST_MAX + 8];
	http_hdr h[2] = {
		{ "Metadata", "true", NULL },
		{ "User-Agent", CLIENT_UA AZKV_VERSION, NULL },
	};
	long len;
	int rc;

	url_host_header(u, host, sizeof host);
	len = http_req_fmt(c->req, sizeof c->req, "GET", host, u->path, h, 2, NULL, 0, 0);
	if (len < 0)
		return err_set(e, ERR_INTERNAL, "tags: %s", http_strerror((int)len));
	log_v("tags: IMDS GET %s", u->host);
	rc = conn_open(&c->ident, &c->net, u->host, u->port, NULL, 0, c->trust, NULL,
		c->deadline, e);
	if (rc == 0) {
		http_resp_init(&c->resp, c->body, sizeof c->body, 0);
		rc = conn_exchange(&c->ident, c->req, (size_t)len, &c->resp, c->deadline, e);
	}
	conn_close(&c->ident);
	return rc;
}

static int fetch(client *c, const url *u, err *e)
{
	retry r;

	retry_init(&r, RETRY_IMDS, c->wait);
	for (;;) {
		err one = { 0, 0, "" };
		char text[AZURE_ERRTEXT_MAX];
		int st = 0;

		client_attempt(c);
		if (exchange(c, u, &one) == 0) {
			st = c->resp.status;
			if (st == 200)
				return 0;
			azure_error_text((const char *)c->body, c->resp.body_len, text, sizeof text);
			err_set(&one, ERR_IDENTITY, "tags from IMDS (%s): HTTP %d%s%s",
				c->ident.peer, st, text[0] ? ": " : "", text);
		}
		if (client_retry(c, &r, &one, st, 0, e) < 0)
			return -1;
	}
}

static int read_list(client *c, err *e)
{
	const char *base = c->id.imds_base ? c->id.imds_base : META_BASE;
	char full[URL_PATH_MAX + 64];
	size_t bl = strlen(base);
	url u;

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	if (bl + sizeof META_PATH > sizeof full)
		return err_set(e, ERR_USAGE, "IMDS base URL too long");
	memcpy(full, base, bl);
	memcpy(full + bl, META_PATH, sizeof META_PATH);
	if (url_parse(&u, full) < 0 || u.https)
		return err_set(e, ERR_USAGE, "IMDS base URL %s: not an http:// URL", base);
	if (url_add_query(u.path, sizeof u.path, "api-version", META_API) < 0)
		return err_set(e, ERR_USAGE, "IMDS base URL too long");
	if (fetch(c, &u, e) < 0)
		return -1;
	if (c->resp.body_len > sizeof list)
		return err_set(e, ERR_MALFORMED, "tags from IMDS: list over %d bytes",
			META_TAGS_BODY_MAX);
	memcpy(list, c->body, c->resp.body_len);
	list_len = c->resp.body_len;
	list_read = 1;
	return 0;
}

int meta_tag(client *c, const char *name, char *out, size_t cap, err *e)
{
	int rc;

	if (name[0] == 0 || strlen(name) > TAGS_NAME_MAX)
		return err_set(e, ERR_USAGE, "tag:%s: %s", name, tags_strerror(TAGS_E_NAME));
	if (imds_only(c, e) < 0 || (!list_read && read_list(c, e) < 0))
		return -1;
	rc = tags_find(list, list_len, name, out, cap);
	if (rc == TAGS_E_MISSING)
		return err_set(e, ERR_NOTFOUND, "tag %s: %s", name, tags_strerror(rc));
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "tag %s: %s", name, tags_strerror(rc));
	log_v("tag %s: %zu characters", name, strlen(out));
	return 0;
}
