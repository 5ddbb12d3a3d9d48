/* identity: tokens from the managed-identity endpoints (PROTOCOLS.md §1). */
#include "client.h"
#include "fmt.h"
#include "log.h"
#include "retry.h"
#include "str.h"

#include <string.h>
#include <time.h>

#include "buildinfo.h"

#define IMDS_BASE "http://169.254.169.254"
#define IMDS_PATH "/metadata/identity/oauth2/token"
#define IMDS_API "2018-02-01"
#define VMEXT_URL "http://localhost:50342/oauth2/token"

static const char *const sel_imds[] = { NULL, "client_id", "object_id", "msi_res_id" };

/* A request for one token: where, how, and what to say about it. */
typedef struct id_req {
	const char *name; /* source name for messages */
	url u;
	const char *method;
	char form[1024];  /* POST body, "" for GET */
} id_req;

static int add_selector(client *c, char *dst, size_t cap, const char *const *names)
{
	if (c->id.sel == SEL_NONE)
		return 0;
	return url_add_query(dst, cap, names[c->id.sel], c->id.sel_value);
}

static int imds_req(client *c, id_req *q, const char *resource, err *e)
{
	const char *base = c->id.imds_base ? c->id.imds_base : IMDS_BASE;
	char full[URL_PATH_MAX + 64];
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	q->name = "IMDS";
	q->method = "GET";
	q->form[0] = 0;
	if (bl + sizeof IMDS_PATH > sizeof full)
		return err_set(e, ERR_USAGE, "IMDS base URL too long");
	memcpy(full, base, bl);
	memcpy(full + bl, IMDS_PATH, sizeof IMDS_PATH);
	if (url_parse(&q->u, full) < 0 || q->u.https)
		return err_set(e, ERR_USAGE, "IMDS base URL %s: not an http:// URL", base);
	if (url_add_query(q->u.path, sizeof q->u.path, "api-version", IMDS_API) < 0
		|| url_add_query(q->u.path, sizeof q->u.path, "resource", resource) < 0
		|| add_selector(c, q->u.path, sizeof q->u.path, sel_imds) < 0)
		return err_set(e, ERR_USAGE, "IMDS request: resource or selector too long");
	return 0;
}

/* Append "[&]name=enc(value)" to a form body. */
static int form_add(char *dst, size_t cap, const char *name, const char *value)
{
	size_t l = strlen(dst), nl = strlen(name);
	long n;

	if (l + nl + 2 >= cap)
		return -1;
	if (l)
		dst[l++] = '&';
	memcpy(dst + l, name, nl);
	l += nl;
	dst[l++] = '=';
	n = url_encode(dst + l, cap - l, value);
	return n < 0 ? -1 : 0;
}

static int vmext_req(client *c, id_req *q, const char *resource, err *e)
{
	q->name = "VM extension";
	q->method = "POST";
	q->form[0] = 0;
	url_parse(&q->u, VMEXT_URL);
	if (form_add(q->form, sizeof q->form, "resource", resource) < 0
		|| (c->id.sel != SEL_NONE && form_add(q->form, sizeof q->form,
			sel_imds[c->id.sel], c->id.sel_value) < 0))
		return err_set(e, ERR_USAGE, "VM extension request: resource or selector too long");
	return 0;
}

/* Say why a token request failed, from status and body. */
static int token_failed(client *c, const id_req *q, err *e)
{
	char text[AZ_ERRTEXT_MAX];

	az_error_text((const char *)c->body, c->resp.body_len, text, sizeof text);
	if (c->resp.status >= 300 && c->resp.status < 400)
		return err_set(e, ERR_IDENTITY, "token from %s (%s): unexpected redirect (HTTP %d), not followed",
			q->name, c->ident.peer, c->resp.status);
	return err_set(e, ERR_IDENTITY, "token from %s (%s): HTTP %d%s%s", q->name,
		c->ident.peer, c->resp.status, text[0] ? ": " : "", text);
}

static int fetch(client *c, const id_req *q, az_token *tok, err *e)
{
	char host[URL_HOST_MAX + 8];
	http_hdr h[3];
	size_t nh = 0;
	long len;
	int rc;

	url_host_header(&q->u, host, sizeof host);
	h[nh++] = (http_hdr){ "Metadata", "true" };
	if (q->form[0])
		h[nh++] = (http_hdr){ "Content-Type", "application/x-www-form-urlencoded" };
	h[nh++] = (http_hdr){ "User-Agent", CLIENT_UA AZKV_VERSION };
	len = http_req_fmt(c->req, sizeof c->req, q->method, host, q->u.path, h, nh,
		q->form[0] ? q->form : NULL, strlen(q->form), 0);
	if (len < 0)
		return err_set(e, ERR_INTERNAL, "token request: %s", http_strerror((int)len));
	logv("token: %s %s %s", q->name, q->method, q->u.host);
	if (conn_open(&c->ident, &c->net, q->u.host, q->u.port, NULL, NULL, c->deadline, e) < 0)
		return -1;
	http_resp_init(&c->resp, c->body, sizeof c->body, 0);
	rc = conn_exchange(&c->ident, c->req, (size_t)len, &c->resp, c->deadline, e);
	conn_close(&c->ident);
	if (rc < 0)
		return -1;
	if (c->resp.status != 200)
		return token_failed(c, q, e);
	rc = az_token_parse(tok, (const char *)c->body, c->resp.body_len, (long long)time(NULL));
	explicit_bzero(c->body, c->resp.body_len);
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "token from %s (%s): %s", q->name,
			c->ident.peer, az_strerror(rc));
	logv("token: received, valid for %llds", tok->expires_at - (long long)time(NULL));
	return 0;
}

/* fetch, retried by the policy of the source's kind. */
static int fetch_retry(client *c, const id_req *q, az_token *tok, err *e)
{
	retry r;

	retry_init(&r, c->id.source == SRC_VM_EXTENSION ? RETRY_IDENTITY : RETRY_IMDS,
		c->wait);
	for (;;) {
		err one = { 0, 0, "" };
		int status, nf;

		client_attempt(c);
		if (fetch(c, q, tok, &one) == 0)
			return 0;
		status = one.code == ERR_IDENTITY ? c->resp.status : 0;
		nf = status == 400 && az_identity_not_found((const char *)c->body,
			c->resp.body_len);
		if (client_retry(c, &r, &one, status, nf, e) < 0)
			return -1;
	}
}

static client_token *cached(client *c, const char *resource)
{
	size_t i;

	for (i = 0; i < c->ntokens; i++)
		if (strcmp(c->tokens[i].resource, resource) == 0)
			return &c->tokens[i];
	return NULL;
}

const az_token *client_token_get(client *c, const char *resource, err *e)
{
	client_token *t = cached(c, resource);
	id_req q;
	int rc;

	if (t)
		return &t->tok;
	if (c->ntokens == CLIENT_TOKENS_MAX)
		return err_set(e, ERR_INTERNAL, "more than %d token resources in one run",
			CLIENT_TOKENS_MAX), NULL;
	t = &c->tokens[c->ntokens];
	if (str_copy(t->resource, sizeof t->resource, resource) < 0)
		return err_set(e, ERR_USAGE, "resource too long"), NULL;
	logv("identity: source %s%s", c->id.source == SRC_VM_EXTENSION ? "vm-extension" : "imds",
		c->id.source == SRC_AUTO ? " (auto: no other source in the environment)" : "");
	if (c->id.source == SRC_VM_EXTENSION)
		rc = vmext_req(c, &q, resource, e);
	else
		rc = imds_req(c, &q, resource, e);
	if (rc < 0 || fetch_retry(c, &q, &t->tok, e) < 0)
		return NULL;
	c->ntokens++;
	return &t->tok;
}

void client_token_drop(client *c, const char *resource)
{
	client_token *t = cached(c, resource);

	if (!t)
		return;
	explicit_bzero(t, sizeof *t);
	*t = c->tokens[--c->ntokens];
	explicit_bzero(&c->tokens[c->ntokens], sizeof c->tokens[0]);
}
