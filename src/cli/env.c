/*
 * env: what the environment sets when the command line did not: the
 * identity selector and variables, the CA file, the proxy and NO_PROXY;
 * then the proxy URL into the client's network settings.
 */
#include "cli/cli.h"
#include "azure/client.h"
#include "base/log.h"

#include <stdlib.h>

extern char **environ;

void env_apply(void)
{
	const char *v;
	size_t i;

	if (opts.id.sel == SEL_NONE && (v = getenv("AZURE_CLIENT_ID")) && v[0]) {
		opts.id.sel = SEL_CLIENT_ID;
		opts.id.sel_value = v;
		opts.id.sel_from_env = 1;
		log_v("identity: client id from AZURE_CLIENT_ID");
	}
	for (i = 0; environ[i]; i++)
		source_env_add(&opts.id.env, environ[i]);
	if ((v = getenv("AZURE_POD_IDENTITY_AUTHORITY_HOST")) && v[0])
		opts.id.imds_base = v;
	if (!opts.cacert && (v = getenv("SSL_CERT_FILE")) && v[0])
		opts.cacert = v;
	if (!opts.proxy && (v = getenv("https_proxy")) && v[0])
		opts.proxy = v, opts.proxy_from = "https_proxy";
	if (!opts.proxy && (v = getenv("HTTPS_PROXY")) && v[0])
		opts.proxy = v, opts.proxy_from = "HTTPS_PROXY";
	if (((v = getenv("no_proxy")) && v[0]) || ((v = getenv("NO_PROXY")) && v[0]))
		cl.net.no_proxy = v;
}

/* HTTPS_PROXY as curl takes it (url_proxy_parse). Messages name the
 * proxy by host:port only: the URL may hold a password. */
int env_proxy(err *e)
{
	url_proxy *p = &cl.proxy;
	int rc;

	if (!opts.proxy)
		return 0;
	rc = url_proxy_parse(p, opts.proxy);
	if (rc < 0)
		return err_set(e, ERR_USAGE, "proxy URL (%s): %s; want http://[USER:PASSWORD@]HOST[:PORT]",
			opts.proxy_from, url_strerror(rc));
	cl.net.proxy_host = p->host;
	cl.net.proxy_port = p->port;
	cl.net.proxy_user = p->auth ? p->user : NULL;
	cl.net.proxy_pass = p->auth ? p->pass : NULL;
	log_v("proxy: %s:%u for the vault and Entra%s%s%s", p->host, p->port,
		p->auth ? ", with Basic credentials" : "",
		cl.net.no_proxy ? ", except NO_PROXY " : "", cl.net.no_proxy ? cl.net.no_proxy : "");
	return 0;
}
