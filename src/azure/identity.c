/* identity: tokens from every managed-identity source (docs/protocols.md 1):
 * one request per source, the Arc challenge, the Service Fabric pin and the
 * workload-identity exchange with Entra ID. Detection is source.c's. */
#include "azure/identity.h"
#include "azure/challenge.h"
#include "azure/client.h"
#include "base/file.h"
#include "base/fmt.h"
#include "base/frame.h"
#include "base/log.h"
#include "azure/retry.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"

#define IMDS_BASE "http://169.254.169.254"
#define IMDS_PATH "/metadata/identity/oauth2/token"
#define IMDS_API "2018-02-01"
#define VMEXT_URL "http://localhost:50342/oauth2/token"
#define APPSVC_API "2019-08-01"
#define LEGACY_API "2017-09-01" /* App Service 2017 and Azure ML */
#define ARC_API "2020-06-01"
#define ARC_URL "http://127.0.0.1:40342/metadata/identity/oauth2/token" /* MSAL's default */
#ifndef AZKV_ARC_TOKENS_DIR /* a build-time option, for tests only */
#define AZKV_ARC_TOKENS_DIR "/var/opt/azcmagent/tokens"
#endif
#define SF_API "2019-07-01-preview"
#define WI_PATH "/oauth2/v2.0/token"
#define WI_ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define WI_TENANT_MAX 128       /* a GUID or a domain name */
#define ID_URL_MAX (SOURCE_AUTHORITY_MAX + WI_TENANT_MAX + 32)

_Static_assert(ID_FORM_MAX + 2048 <= HTTP_REQ_MAX, "an Entra request must fit HTTP_REQ_MAX");
_Static_assert(TLS_PIN_LEN == SOURCE_SHA1_LEN, "a thumbprint is a TLS pin");
_Static_assert(ID_HDRS_MAX <= CLIENT_HDRS_MAX, "a source's headers fit a request");

enum { ID_PLAIN, ID_TLS, ID_PINNED }; /* transports */

static const char *const sel_option[SEL_COUNT] = {
	"", "--client-id", "--object-id", "--resource-id",
};

static const char *envv(const client *c, int which)
{
	return c->cfg->id.env.v[which];
}

static void req_init(id_req *q, const char *name, int kind, const char *method)
{
	q->name = name;
	q->kind = kind;
	q->transport = ID_PLAIN;
	q->method = method;
	q->nh = 0;
	q->form[0] = 0;
	q->auth_len = 0; /* auth[] untouched until Arc needs it */
}

static void add_hdr(id_req *q, const char *name, const char *value)
{
	if (q->nh < ID_HDRS_MAX)
		q->h[q->nh++] = (http_hdr){ name, value, NULL };
}

/* Parse the endpoint s (from variable var) into q->u. */
static int endpoint(id_req *q, const char *var, const char *s, int https, err *e)
{
	int rc = url_parse(&q->u, s);

	if (rc < 0)
		return err_set(e, ERR_USAGE, "%s: %s", var, url_strerror(rc));
	if (q->u.https != https)
		return err_set(e, ERR_USAGE, "%s: want an %s:// URL", var,
			https ? "https" : "http");
	return 0;
}

static int query(id_req *q, const char *name, const char *value)
{
	return url_add_query(q->u.path, sizeof q->u.path, name, value) < 0 ? -1 : 0;
}

/* Append "[&]name=enc(value)" to the form body (the first one also
 * says so in a header). */
static int form(id_req *q, const char *name, const char *value)
{
	size_t l = strlen(q->form), nl = strlen(name);

	if (l + nl + 2 >= sizeof q->form)
		return -1;
	if (l)
		q->form[l++] = '&';
	else
		add_hdr(q, "Content-Type", "application/x-www-form-urlencoded");
	memcpy(q->form + l, name, nl);
	l += nl;
	q->form[l++] = '=';
	return url_encode(q->form + l, sizeof q->form - l, value) < 0 ? -1 : 0;
}

/* The user-assigned selector, in the query or (POST) the form. */
static int selector(const client *c, id_req *q)
{
	const char *name = source_selector(c->src, c->sel);

	if (c->sel == SEL_NONE || !name)
		return 0;
	return strcmp(q->method, "POST") == 0 ? form(q, name, c->cfg->id.sel_value)
		: query(q, name, c->cfg->id.sel_value);
}

static int too_long(const id_req *q, err *e)
{
	return err_set(e, ERR_USAGE, "%s request: resource or selector too long", q->name);
}

int identity_imds_url(const client *c, const char *path, url *u, err *e)
{
	const char *base = c->cfg->id.imds_base ? c->cfg->id.imds_base : IMDS_BASE;
	char full[URL_PATH_MAX + 64];
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	if (fmt(full, sizeof full, "%.*s%s", (int)bl, base, path) >= sizeof full)
		return err_set(e, ERR_USAGE, "IMDS base URL too long");
	if (url_parse(u, full) < 0 || u->https)
		return err_set(e, ERR_USAGE, "IMDS base URL %s: not an http:// URL", base);
	return 0;
}

static int imds_req(client *c, id_req *q, const char *resource, err *e)
{
	req_init(q, "IMDS", RETRY_IMDS, "GET");
	if (identity_imds_url(c, IMDS_PATH, &q->u, e) < 0)
		return -1;
	add_hdr(q, "Metadata", "true");
	if (query(q, "api-version", IMDS_API) < 0 || query(q, "resource", resource) < 0
		|| selector(c, q) < 0)
		return too_long(q, e);
	return 0;
}

static int vmext_req(client *c, id_req *q, const char *resource, err *e)
{
	req_init(q, "VM extension", RETRY_IDENTITY, "POST");
	url_parse(&q->u, VMEXT_URL);
	add_hdr(q, "Metadata", "true");
	if (form(q, "resource", resource) < 0 || selector(c, q) < 0)
		return too_long(q, e);
	return 0;
}

/* App Service, Functions, Container Apps (docs/protocols.md 1.5). */
static int appsvc_req(client *c, id_req *q, const char *resource, err *e)
{
	req_init(q, "App Service", RETRY_IDENTITY, "GET");
	if (endpoint(q, "IDENTITY_ENDPOINT", envv(c, SENV_IDENTITY_ENDPOINT), 0, e) < 0)
		return -1;
	add_hdr(q, "X-IDENTITY-HEADER", envv(c, SENV_IDENTITY_HEADER));
	if (query(q, "resource", resource) < 0 || query(q, "api-version", APPSVC_API) < 0
		|| selector(c, q) < 0)
		return too_long(q, e);
	return 0;
}

/* The 2017-09-01 protocol of App Service (legacy) and Azure ML. */
static int legacy_req(client *c, id_req *q, const char *resource,
	const char *clientid, err *e)
{
	if (endpoint(q, "MSI_ENDPOINT", envv(c, SENV_MSI_ENDPOINT), 0, e) < 0)
		return -1;
	add_hdr(q, "secret", envv(c, SENV_MSI_SECRET));
	if (query(q, "resource", resource) < 0 || query(q, "api-version", LEGACY_API) < 0
		|| (clientid && query(q, "clientid", clientid) < 0))
		return too_long(q, e);
	return 0;
}

static int appsvc2017_req(client *c, id_req *q, const char *resource, err *e)
{
	req_init(q, "App Service (2017-09-01)", RETRY_IDENTITY, "GET");
	return legacy_req(c, q, resource, c->sel == SEL_CLIENT_ID ? c->cfg->id.sel_value
		: NULL, e);
}

/* Azure ML: clientid always, the selector's else the compute's default. */
static int ml_req(client *c, id_req *q, const char *resource, err *e)
{
	const char *id = c->sel == SEL_CLIENT_ID ? c->cfg->id.sel_value
		: envv(c, SENV_DEFAULT_IDENTITY_CLIENT_ID);

	req_init(q, "Azure ML", RETRY_IDENTITY, "GET");
	if (!id)
		return err_set(e, ERR_USAGE, "Azure ML needs a client id: --client-id, "
			"AZURE_CLIENT_ID or DEFAULT_IDENTITY_CLIENT_ID");
	return legacy_req(c, q, resource, id, e);
}

static int cloudshell_req(client *c, id_req *q, const char *resource, err *e)
{
	req_init(q, "Cloud Shell", RETRY_IDENTITY, "POST");
	if (endpoint(q, "MSI_ENDPOINT", envv(c, SENV_MSI_ENDPOINT), 0, e) < 0)
		return -1;
	add_hdr(q, "Metadata", "true");
	if (form(q, "resource", resource) < 0)
		return too_long(q, e);
	return 0;
}

/* Arc leg one; arc_challenge adds leg two's key (docs/protocols.md 1.7). */
static int arc_req(client *c, id_req *q, const char *resource, err *e)
{
	const char *ep = envv(c, SENV_IDENTITY_ENDPOINT);

	req_init(q, "Azure Arc", RETRY_IDENTITY, "GET");
	if (endpoint(q, "IDENTITY_ENDPOINT", ep ? ep : ARC_URL, 0, e) < 0)
		return -1;
	add_hdr(q, "Metadata", "true");
	if (query(q, "api-version", ARC_API) < 0 || query(q, "resource", resource) < 0)
		return too_long(q, e);
	return 0;
}

/* Service Fabric: https, the server certificate pinned by thumbprint. */
static int sf_req(client *c, id_req *q, const char *resource, err *e)
{
	int rc;

	req_init(q, "Service Fabric", RETRY_SF, "GET");
	q->transport = ID_PINNED;
	if (endpoint(q, "IDENTITY_ENDPOINT", envv(c, SENV_IDENTITY_ENDPOINT), 1, e) < 0)
		return -1;
	rc = source_thumbprint(envv(c, SENV_IDENTITY_SERVER_THUMBPRINT), c->ident_pin.sha1);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "IDENTITY_SERVER_THUMBPRINT: %s", source_strerror(rc));
	log_v("identity: server certificate pinned to IDENTITY_SERVER_THUMBPRINT (SHA-1)");
	add_hdr(q, "Secret", envv(c, SENV_IDENTITY_HEADER));
	add_hdr(q, "Accept", "application/json");
	if (query(q, "api-version", SF_API) < 0 || query(q, "resource", resource) < 0)
		return too_long(q, e);
	return 0;
}

/* Arc: the 401's key file, checked and read into the Authorization. */
static int arc_key(id_req *q, const char *path, err *e)
{
	static const char basic[] = "Basic ";
	char what[URL_PATH_MAX + 32];
	size_t n, i;
	int rc = source_key_path(path, AZKV_ARC_TOKENS_DIR), dfd;

	fmt(what, sizeof what, "Arc key file %s", path);
	if (rc < 0)
		return err_set(e, ERR_IDENTITY, "%s: %s, refused", what, source_strerror(rc));
	dfd = open(AZKV_ARC_TOKENS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return err_set(e, ERR_IDENTITY, "%s: %s", AZKV_ARC_TOKENS_DIR, err_errno(errno));
	q->auth_len = sizeof q->auth; /* the read may fill any of it */
	memcpy(q->auth, basic, sizeof basic - 1);
	rc = file_read_small(dfd, path + strlen(AZKV_ARC_TOKENS_DIR) + 1, O_NOFOLLOW,
		q->auth + sizeof basic - 1, ARC_KEY_MAX, &n, ERR_IDENTITY, what, e);
	close(dfd);
	if (rc < 0)
		return -1;
	q->auth[sizeof basic - 1 + n] = 0;
	for (i = sizeof basic - 1; i < sizeof basic - 1 + n; i++)
		if ((unsigned char)q->auth[i] < ' ' || (unsigned char)q->auth[i] >= 0x7f)
			n = 0; /* not a header value: refuse below */
	if (n == 0)
		return err_set(e, ERR_IDENTITY, "%s: empty or not text, refused", what);
	add_hdr(q, "Authorization", q->auth);
	return 0;
}

/* Entra ID authority: AZURE_AUTHORITY_HOST, else the resource's cloud. */
static int wi_url(client *c, id_req *q, const char *resource, err *e)
{
	char auth[SOURCE_AUTHORITY_MAX], full[ID_URL_MAX];
	const char *host = envv(c, SENV_AZURE_AUTHORITY_HOST), *tenant = envv(c,
		SENV_AZURE_TENANT_ID);
	size_t i, tl = strlen(tenant);
	int rc;

	if (!host) {
		fmt(auth, sizeof auth, "https://%s", cloud_authority(resource));
	} else if ((rc = source_authority(host, auth, sizeof auth)) < 0) {
		return err_set(e, ERR_USAGE, "AZURE_AUTHORITY_HOST: %s", source_strerror(rc));
	}
	for (i = 0; i < tl; i++)
		if (!(tenant[i] == '-' || tenant[i] == '.' || tenant[i] == '_'
			|| str_isalnum((unsigned char)tenant[i])))
			break;
	if (i < tl || tl > WI_TENANT_MAX)
		return err_set(e, ERR_USAGE, "AZURE_TENANT_ID: not a tenant id or domain name");
	fmt(full, sizeof full, "%s/%s%s", auth, tenant, WI_PATH);
	if ((rc = url_parse(&q->u, full)) < 0)
		return err_set(e, ERR_USAGE, "AZURE_AUTHORITY_HOST: %s", url_strerror(rc));
	log_v("identity: Entra ID authority %s%s", auth, host ? " (AZURE_AUTHORITY_HOST)"
		: " (the resource's cloud)");
	return 0;
}

/* Workload identity: the federated token, re-read on every run (kubelet
 * rotates it), traded at Entra ID for a token (docs/protocols.md 1.10). */
BIG_FRAME /* the assertion */
static int wi_req(client *c, id_req *q, const char *resource, err *e)
{
	char assertion[WI_ASSERTION_MAX + 1], scope[CLOUD_RESOURCE_MAX + 16];
	char what[URL_PATH_MAX + 32];
	const char *path = envv(c, SENV_AZURE_FEDERATED_TOKEN_FILE);
	size_t n;
	int rc;

	req_init(q, "Entra ID", RETRY_ENTRA, "POST");
	q->transport = ID_TLS;
	if (wi_url(c, q, resource, e) < 0)
		return -1;
	fmt(what, sizeof what, "AZURE_FEDERATED_TOKEN_FILE %s", path);
	if (file_read_small(AT_FDCWD, path, 0, assertion, WI_ASSERTION_MAX, &n, ERR_IDENTITY,
			what, e) < 0)
		return -1;
	rc = source_assertion(assertion, &n);
	assertion[n] = 0;
	if (rc == 0) {
		fmt(scope, sizeof scope, "%s" CLOUD_DEFAULT_SUFFIX, resource);
		if (form(q, "client_id", c->cfg->id.sel_value) < 0
			|| form(q, "grant_type", "client_credentials") < 0
			|| form(q, "client_assertion_type", WI_ASSERTION_TYPE) < 0
			|| form(q, "client_assertion", assertion) < 0 || form(q, "scope", scope) < 0)
			rc = 1;
	}
	explicit_bzero(assertion, sizeof assertion);
	if (rc < 0)
		return err_set(e, ERR_IDENTITY, "%s: %s", what, source_strerror(rc));
	if (rc > 0)
		return too_long(q, e);
	log_v("identity: federated token read from %s (%zu bytes)", path, n);
	add_hdr(q, "Accept", "application/json");
	return 0;
}

static int build_req(client *c, id_req *q, const char *resource, err *e)
{
	switch (c->src) {
	case SRC_VM_EXTENSION: return vmext_req(c, q, resource, e);
	case SRC_APP_SERVICE: return appsvc_req(c, q, resource, e);
	case SRC_APP_SERVICE_2017: return appsvc2017_req(c, q, resource, e);
	case SRC_ARC: return arc_req(c, q, resource, e);
	case SRC_SERVICE_FABRIC: return sf_req(c, q, resource, e);
	case SRC_AZURE_ML: return ml_req(c, q, resource, e);
	case SRC_CLOUD_SHELL: return cloudshell_req(c, q, resource, e);
	case SRC_WORKLOAD_IDENTITY: return wi_req(c, q, resource, e);
	}
	return imds_req(c, q, resource, e);
}

/* q until it gives status want (client_call: sent, read, retried). */
static int exchange(client *c, const id_req *q, int want, err *e)
{
	client_req r;

	/* Entra is on the Internet, behind the proxy like the vault; identity
	 * endpoints (Service Fabric's TLS one too) are local: never proxied. */
	r = (client_req){ q->what, q->kind, ERR_IDENTITY, want, &c->ident,
		q->transport == ID_PLAIN ? NULL : &c->ident_tls, q->transport == ID_TLS,
		q->transport == ID_PINNED ? &c->ident_pin : NULL, q->u.host, q->u.port,
		q->method, q->u.path, q->h, q->nh, q->form[0] ? q->form : NULL, strlen(q->form),
		0, "" };
	return client_call(c, &r, e);
}

/* Arc leg one: the 401 naming the key file, which becomes leg two's
 * Authorization. */
static int arc_challenge(client *c, id_req *q, err *e)
{
	char path[URL_PATH_MAX];
	int rc;

	if (exchange(c, q, 401, e) < 0)
		return -1;
	rc = challenge_arc(c->resp.www_authenticate, path, sizeof path);
	if (rc < 0)
		return err_set(e, ERR_IDENTITY, "%s: 401 without a Basic realm= key file challenge",
			q->what);
	log_v("identity: Arc challenge names %s", path);
	return arc_key(q, path, e);
}

static int fetch_token(client *c, const id_req *q, azure_token *tok, err *e)
{
	int rc;

	if (exchange(c, q, 200, e) < 0)
		return -1;
	rc = azure_token_parse(tok, (const char *)c->body, c->resp.body_len, clock_epoch());
	explicit_bzero(c->body, c->resp.body_len);
	if (rc < 0)
		return err_set(e, ERR_MALFORMED, "%s: %s", q->what, azure_strerror(rc));
	log_v("token: received, valid for %llds", tok->expires_at - clock_epoch());
	return 0;
}

/* Settle the source once: detect it (auto) or check the environment has
 * what the chosen one needs; then the selector it can take. */
static int resolve(client *c, err *e)
{
	const identity_opts *id = &c->cfg->id;
	const char *why = "--source", *missing;
	int detected = id->source == SRC_AUTO;

	c->src = id->source;
	c->sel = id->sel;
	if (detected)
		c->src = source_detect(&id->env, id->sel == SEL_CLIENT_ID
			? id->sel_value : NULL, &why);
	else if ((missing = source_missing(c->src, &id->env)) != NULL)
		return err_set(e, ERR_USAGE, "--source %s: %s must be set",
			source_name(c->src), missing);
	log_v("identity: source %s (%s%s)", source_name(c->src),
		detected ? "auto: " : "", why);
	c->src_why = why;
	if (c->sel != SEL_NONE && !source_selector(c->src, c->sel)) {
		if (!id->sel_from_env)
			return err_set(e, ERR_USAGE, "%s: the %s source cannot select a user-assigned identity that way",
				sel_option[c->sel], source_name(c->src));
		log_v("identity: AZURE_CLIENT_ID ignored: the %s source takes no client id",
			source_name(c->src));
		c->sel = SEL_NONE;
	}
	if (c->src == SRC_WORKLOAD_IDENTITY && c->sel != SEL_CLIENT_ID)
		return err_set(e, ERR_USAGE,
			"workload identity needs a client id: --client-id or AZURE_CLIENT_ID");
	c->src_ready = 1;
	return 0;
}

int identity_source(client *c, err *e)
{
	return !c->src_ready && resolve(c, e) < 0 ? -1 : c->src;
}

static client_token *cached(client *c, const char *resource)
{
	size_t i;

	for (i = 0; i < c->ntokens; i++)
		if (strcmp(c->tokens[i].resource, resource) == 0)
			return &c->tokens[i];
	return NULL;
}

const azure_token *identity_token(client *c, const char *resource, err *e)
{
	client_token *t = cached(c, resource);
	static id_req idq; /* only what a request writes is touched */
	id_req *q = &idq;
	int rc;

	if (t && t->tok.expires_at - IDENTITY_RENEW_S > clock_epoch())
		return &t->tok;
	if (t) {
		log_v("token: renewed %ds before it expires", IDENTITY_RENEW_S);
	} else {
		if (c->ntokens == CLIENT_TOKENS_MAX)
			return err_set(e, ERR_INTERNAL, "more than %d token resources in one run",
				CLIENT_TOKENS_MAX), NULL;
		t = &c->tokens[c->ntokens];
		if (str_copy(t->resource, sizeof t->resource, resource) < 0)
			return err_set(e, ERR_USAGE, "resource too long"), NULL;
	}
	if (identity_source(c, e) < 0)
		return NULL;
	rc = build_req(c, q, resource, e);
	fmt(q->what, sizeof q->what, "token from %s (%s:%u)", q->name, q->u.host, q->u.port);
	if (rc == 0 && c->src == SRC_ARC)
		rc = arc_challenge(c, q, e);
	if (rc == 0)
		rc = fetch_token(c, q, &t->tok, e);
	/* The secrets in it (an assertion, Arc's key); only what was written,
	 * so the buffers' unused pages stay untouched. */
	explicit_bzero(q->form, strlen(q->form));
	explicit_bzero(q->auth, q->auth_len);
	if (rc < 0)
		return NULL;
	c->ntokens += t == &c->tokens[c->ntokens]; /* a new one, not renewed */
	return &t->tok;
}

void identity_drop(client *c, const char *resource)
{
	client_token *t = cached(c, resource);

	if (!t)
		return;
	explicit_bzero(t, sizeof *t);
	*t = c->tokens[--c->ntokens];
	explicit_bzero(&c->tokens[c->ntokens], sizeof c->tokens[0]);
}
