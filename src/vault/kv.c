/* kv: one secret from Key Vault, challenge included (docs/protocols.md 4). */
#include "vault/kv.h"
#include "azure/challenge.h"
#include "azure/client.h"
#include "base/fmt.h"
#include "base/log.h"
#include "azure/retry.h"
#include "base/str.h"

#include <string.h>

#include "buildinfo.h"

/* The exchange being made, for messages and retries. */
typedef struct kv_op {
	const ref *r;
	char what[KV_WHAT_MAX];
	const char *target;
	int last;
	const char *method; /* GET, or POST (keys) */
	const char *body;   /* the POST's JSON; NULL in the challenge's probe */
	int cls400;         /* the class of a 400: ERR_MALFORMED unless set */
} kv_op;

/* op to the vault (with tok's Authorization, if any) until an answer that
 * is not 408, 429 or 5xx (client_call). */
static int vault_send(client *c, kv_op *op, const azure_token *tok, err *e)
{
	http_hdr h[3];
	size_t nh = 0;
	client_req q;

	h[nh++] = (http_hdr){ "Accept", "application/json", NULL };
	if (tok)
		h[nh++] = (http_hdr){ "Authorization", tok->access, "Bearer " };
	if (op->body)
		h[nh++] = (http_hdr){ "Content-Type", "application/json", NULL };
	q = (client_req){ op->what, RETRY_VAULT, ERR_NETWORK, 0, &c->vault, &c->vault_tls, 1,
		NULL, op->r->host, op->r->port, op->method, op->target, h, nh,
		op->body, op->body ? strlen(op->body) : 0, !op->last,
		tok ? " with token" : " without token" };
	return client_call(c, &q, e);
}

/* Resource named by a 401's challenge, checked against the vault host. */
static int challenge_resource(client *c, kv_op *op, char *res, size_t cap, err *e)
{
	char shown[160];
	int rc;

	if (c->resp.status != 401 || c->resp.www_authenticate[0] == 0)
		return err_set(e, ERR_DENIED, "%s: HTTP %d without a Bearer challenge",
			op->what, c->resp.status);
	rc = challenge_bearer(c->resp.www_authenticate, res, cap, NULL, 0);
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "%s: challenge: %s", op->what, challenge_strerror(rc));
	if (cloud_check(op->r->host, res) < 0) {
		str_printable(shown, sizeof shown, res, strlen(res));
		return err_set(e, ERR_DENIED,
			"%s: challenge names resource %s, which is not %s's; no token sent for it",
			op->what, shown, op->r->host);
	}
	log_v("%s: challenge resource %s", op->what, res);
	return 0;
}

static client_vault *vault_entry(client *c, const char *host)
{
	size_t i;

	for (i = 0; i < c->nvaults; i++)
		if (str_ieq(c->vaults[i].host, host))
			return &c->vaults[i];
	if (c->nvaults == CLIENT_VAULTS_MAX)
		return NULL;
	memset(&c->vaults[c->nvaults], 0, sizeof c->vaults[0]);
	str_copy(c->vaults[c->nvaults].host, sizeof c->vaults[0].host, host);
	return &c->vaults[c->nvaults++];
}

/* The token resource for this vault: from its DNS suffix, else from an
 * unauthenticated request's challenge (which costs a round trip). */
static const char *vault_resource(client *c, kv_op *op, err *e)
{
	client_vault *v = vault_entry(c, op->r->host);
	const char *known;
	kv_op probe;

	if (!v)
		return err_set(e, ERR_INTERNAL, "more than %d vaults in one run",
			CLIENT_VAULTS_MAX), NULL;
	if (v->resource[0])
		return v->resource;
	known = cloud_resource(op->r->host);
	if (known) {
		str_copy(v->resource, sizeof v->resource, known);
		return v->resource;
	}
	log_v("%s: unknown vault suffix, asking the vault for its resource", op->what);
	/* The probe carries no body: a key operation's input goes only with a
	 * token, to a vault whose resource is known. */
	probe = *op;
	probe.body = NULL;
	if (vault_send(c, &probe, NULL, e) < 0
		|| challenge_resource(c, &probe, v->resource, sizeof v->resource, e) < 0)
		return NULL;
	return v->resource;
}

/* Map a final non-200 status to an error. */
static int kv_failed(client *c, kv_op *op, err *e)
{
	char text[AZURE_ERRTEXT_MAX];
	int st = c->resp.status, cls;

	azure_error_text((const char *)c->body, c->resp.body_len, text, sizeof text);
	if (st == 404 || (st == 403 && (str_find(text, "SecretDisabled")
		|| str_find(text, "KeyDisabled"))))
		cls = ERR_NOTFOUND;
	else if (st == 400 && op->cls400)
		cls = op->cls400;
	else if (st == 401 || st == 403)
		cls = ERR_DENIED;
	else
		cls = ERR_MALFORMED; /* a redirect too; 408, 429, 5xx: client_call's */
	return client_status_err(c, op->what, "", cls, e);
}

/* One authenticated GET; on 401, one re-challenge with a fresh token. */
static int get_authed(client *c, kv_op *op, const char *resource, err *e)
{
	char again[CLOUD_RESOURCE_MAX];
	const azure_token *tok = identity_token(c, resource, e);

	if (!tok || vault_send(c, op, tok, e) < 0)
		return -1;
	if (c->resp.status != 401)
		return 0;
	if (challenge_resource(c, op, again, sizeof again, e) < 0)
		return -1;
	log_v("%s: token refused (401); one retry with a fresh token", op->what);
	identity_drop(c, resource);
	tok = identity_token(c, again, e);
	if (!tok || vault_send(c, op, tok, e) < 0)
		return -1;
	return 0;
}

void kv_what(const ref *r, char what[KV_WHAT_MAX])
{
	static const char *const kinds[] = { "secret", "certificate", "certificate", "key",
		"listing" };

	fmt(what, KV_WHAT_MAX, "%s %s/%s%s%s", kinds[r->kind], r->host, r->name,
		r->version[0] ? "/" : "", r->version);
}

int kv_get(client *c, const ref *r, int last, int raw, char *out, size_t cap,
	size_t *n, err *e)
{
	kv_req q = { r, NULL, NULL, last, 0 };
	char what[KV_WHAT_MAX];
	int rc;

	if (kv_call(c, &q, e) < 0)
		return -1;
	kv_what(r, what);
	rc = azure_field_parse((const char *)c->body, c->resp.body_len,
		r->kind == REF_CERT_SID ? "sid" : r->kind ? "cer" : "value", out, cap, n);
	if (rc == 0 && raw) {
		explicit_bzero(out, *n);
		*n = c->resp.body_len;
		if (str_copyn(out, cap, (const char *)c->body, *n) < 0)
			rc = AZURE_E_VALUE_SIZE;
	}
	explicit_bzero(c->body, c->resp.body_len);
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "%s: %s", what, azure_strerror(rc));
	log_v("%s: %zu bytes", what, *n);
	return 0;
}

int kv_call(client *c, const kv_req *q, err *e)
{
	char target[KV_TARGET_MAX];
	const char *resource;
	kv_op op;

	memset(&op, 0, sizeof op);
	op.r = q->r;
	op.last = q->last;
	op.method = q->body ? "POST" : "GET";
	op.body = q->body;
	op.cls400 = q->cls400;
	kv_what(q->r, op.what);
	op.target = q->r->kind == REF_LIST ? q->op : target;
	if (op.target == target && ref_target(q->r, q->op, KV_API, target, sizeof target) < 0)
		return err_set(e, ERR_USAGE, "%s: reference too long", op.what);
	resource = vault_resource(c, &op, e);
	if (!resource || get_authed(c, &op, resource, e) < 0)
		return -1;
	if (c->resp.status != 200)
		return kv_failed(c, &op, e);
	return 0;
}
