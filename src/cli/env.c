/*
 * env: what the environment sets when the command line did not (the
 * identity selector and variables, the CA file, the proxy and NO_PROXY),
 * then the run's configuration built from both: nothing writes it after.
 */
#include "cli/cli.h"
#include "base/log.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

void env_apply(void)
{
	const char *v;
	size_t i;

	if (opts.cfg.id.sel == SEL_NONE && (v = getenv("AZURE_CLIENT_ID")) && v[0]) {
		opts.cfg.id.sel = SEL_CLIENT_ID;
		opts.cfg.id.sel_value = v;
		opts.cfg.id.sel_from_env = 1;
		log_v("identity: client id from AZURE_CLIENT_ID");
	}
	for (i = 0; environ[i]; i++)
		source_env_add(&opts.cfg.id.env, environ[i]);
	if ((v = getenv("AZURE_POD_IDENTITY_AUTHORITY_HOST")) && v[0])
		opts.cfg.id.imds_base = v;
	if (!opts.cacert && (v = getenv("SSL_CERT_FILE")) && v[0])
		opts.cacert = v;
	if (!opts.proxy && (v = getenv("https_proxy")) && v[0])
		opts.proxy = v, opts.proxy_from = "https_proxy";
	if (!opts.proxy && (v = getenv("HTTPS_PROXY")) && v[0])
		opts.proxy = v, opts.proxy_from = "HTTPS_PROXY";
	if (((v = getenv("no_proxy")) && v[0]) || ((v = getenv("NO_PROXY")) && v[0]))
		opts.no_proxy = v;
}

/* HTTPS_PROXY as curl takes it (url_proxy_parse). Messages name the
 * proxy by host:port only: the URL may hold a password. */
static int set_proxy(conn_cfg *n, err *e)
{
	url_proxy *p = &opts.proxy_url;
	int rc;

	if (!opts.proxy)
		return 0;
	rc = url_proxy_parse(p, opts.proxy);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "proxy URL (%s): %s; want http://[USER:PASSWORD@]HOST[:PORT]",
			opts.proxy_from, url_strerror(rc));
	n->proxy_host = p->host;
	n->proxy_port = p->port;
	n->proxy_user = p->auth ? p->user : NULL;
	n->proxy_pass = p->auth ? p->pass : NULL;
	log_v("proxy: %s:%u for the vault and Entra%s%s%s", p->host, p->port,
		p->auth ? ", with Basic credentials" : "",
		n->no_proxy ? ", except NO_PROXY " : "", n->no_proxy ? n->no_proxy : "");
	return 0;
}

const client_cfg *env_config(err *e)
{
	client_cfg *cfg = &opts.cfg;
	conn_cfg *n = &cfg->net;

	n->resolve = (resolve_cfg){ opts.resolve, opts.nresolve };
	n->no_proxy = opts.no_proxy;
	n->roots = &opts.roots;
	cfg->attempt_ms = (clock_ms)opts.timeout * 1000;
	/* The run ends at --wait when given, else at --timeout; an attempt
	 * also ends at --timeout (client_attempt takes the earlier). */
	cfg->run_ms = (clock_ms)(opts.wait > 0 ? opts.wait : opts.timeout) * 1000;
	cfg->wait = opts.wait > 0;
	if (set_proxy(n, e) < 0)
		return NULL;
	if (!opts.cacert) {
		trust_builtin(&opts.roots);
		return cfg;
	}
	log_v("trust: roots from %s", opts.cacert);
	return trust_load(&opts.roots, opts.cacert, e) < 0 ? NULL : cfg;
}

void env_done(void)
{
	explicit_bzero(&opts.proxy_url, sizeof opts.proxy_url);
	trust_done(&opts.roots);
}
