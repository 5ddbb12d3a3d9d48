#include "azure/source.h"

#include <string.h>

#include "base/str.h"

static const char *const env_names[SENV_COUNT] = {
	[SENV_IDENTITY_ENDPOINT] = "IDENTITY_ENDPOINT",
	[SENV_IDENTITY_HEADER] = "IDENTITY_HEADER",
	[SENV_IDENTITY_SERVER_THUMBPRINT] = "IDENTITY_SERVER_THUMBPRINT",
	[SENV_IMDS_ENDPOINT] = "IMDS_ENDPOINT",
	[SENV_MSI_ENDPOINT] = "MSI_ENDPOINT",
	[SENV_MSI_SECRET] = "MSI_SECRET",
	[SENV_DEFAULT_IDENTITY_CLIENT_ID] = "DEFAULT_IDENTITY_CLIENT_ID",
	[SENV_AZURE_FEDERATED_TOKEN_FILE] = "AZURE_FEDERATED_TOKEN_FILE",
	[SENV_AZURE_TENANT_ID] = "AZURE_TENANT_ID",
	[SENV_AZURE_AUTHORITY_HOST] = "AZURE_AUTHORITY_HOST",
};

static const char *const src_names[SRC_COUNT] = {
	[SRC_AUTO] = "auto",
	[SRC_IMDS] = "imds",
	[SRC_VM_EXTENSION] = "vm-extension",
	[SRC_APP_SERVICE] = "app-service",
	[SRC_APP_SERVICE_2017] = "app-service-2017",
	[SRC_ARC] = "arc",
	[SRC_SERVICE_FABRIC] = "service-fabric",
	[SRC_AZURE_ML] = "azure-ml",
	[SRC_CLOUD_SHELL] = "cloud-shell",
	[SRC_WORKLOAD_IDENTITY] = "workload-identity",
};

/* docs/protocols.md 1.2; a NULL entry: no such selector for that source. */
static const char *const selectors[SRC_COUNT][SEL_COUNT] = {
	[SRC_IMDS] = { NULL, "client_id", "object_id", "msi_res_id" },
	[SRC_VM_EXTENSION] = { NULL, "client_id", "object_id", "msi_res_id" },
	[SRC_APP_SERVICE] = { NULL, "client_id", "principal_id", "mi_res_id" },
	[SRC_APP_SERVICE_2017] = { NULL, "clientid", NULL, NULL },
	[SRC_AZURE_ML] = { NULL, "clientid", NULL, NULL },
	[SRC_WORKLOAD_IDENTITY] = { NULL, "client_id", NULL, NULL },
};

/* Detection rules in order: the variables that must all be set. */
static const struct {
	int src;
	int need[3]; /* SENV_*, -1 ends */
	const char *why;
} rules[] = {
	{ SRC_SERVICE_FABRIC, { SENV_IDENTITY_ENDPOINT, SENV_IDENTITY_HEADER,
		SENV_IDENTITY_SERVER_THUMBPRINT },
		"IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set" },
	{ SRC_APP_SERVICE, { SENV_IDENTITY_ENDPOINT, SENV_IDENTITY_HEADER, -1 },
		"IDENTITY_ENDPOINT and IDENTITY_HEADER are set" },
	{ SRC_ARC, { SENV_IDENTITY_ENDPOINT, SENV_IMDS_ENDPOINT, -1 },
		"IDENTITY_ENDPOINT and IMDS_ENDPOINT are set" },
	{ SRC_AZURE_ML, { SENV_MSI_ENDPOINT, SENV_MSI_SECRET, -1 },
		"MSI_ENDPOINT and MSI_SECRET are set" },
	{ SRC_CLOUD_SHELL, { SENV_MSI_ENDPOINT, -1, -1 },
		"MSI_ENDPOINT is set without MSI_SECRET" },
	{ SRC_WORKLOAD_IDENTITY, { SENV_AZURE_FEDERATED_TOKEN_FILE,
		SENV_AZURE_TENANT_ID, -1 },
		"AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID and a client id are set" },
};

/* What an explicitly chosen source needs (NULL text: nothing). */
static const struct {
	int need[3];
	const char *text;
} needs[SRC_COUNT] = {
	[SRC_APP_SERVICE] = { { SENV_IDENTITY_ENDPOINT, SENV_IDENTITY_HEADER, -1 },
		"IDENTITY_ENDPOINT and IDENTITY_HEADER" },
	[SRC_APP_SERVICE_2017] = { { SENV_MSI_ENDPOINT, SENV_MSI_SECRET, -1 },
		"MSI_ENDPOINT and MSI_SECRET" },
	[SRC_SERVICE_FABRIC] = { { SENV_IDENTITY_ENDPOINT, SENV_IDENTITY_HEADER,
		SENV_IDENTITY_SERVER_THUMBPRINT },
		"IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT" },
	[SRC_AZURE_ML] = { { SENV_MSI_ENDPOINT, SENV_MSI_SECRET, -1 },
		"MSI_ENDPOINT and MSI_SECRET" },
	[SRC_CLOUD_SHELL] = { { SENV_MSI_ENDPOINT, -1, -1 }, "MSI_ENDPOINT" },
	[SRC_WORKLOAD_IDENTITY] = { { SENV_AZURE_FEDERATED_TOKEN_FILE,
		SENV_AZURE_TENANT_ID, -1 },
		"AZURE_FEDERATED_TOKEN_FILE and AZURE_TENANT_ID" },
};

const char *source_env_name(int which)
{
	return which >= 0 && which < SENV_COUNT ? env_names[which] : "?";
}

void source_env_add(source_env *s, const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : 0;
	int i;

	if (!eq || !eq[1])
		return;
	for (i = 0; i < SENV_COUNT; i++)
		if (strlen(env_names[i]) == n && memcmp(entry, env_names[i], n) == 0)
			s->v[i] = eq + 1;
}

int source_from_name(const char *name)
{
	int i;

	for (i = 0; i < SRC_COUNT; i++)
		if (strcmp(name, src_names[i]) == 0)
			return i;
	return -1;
}

const char *source_name(int src)
{
	return src >= 0 && src < SRC_COUNT ? src_names[src] : "?";
}

static int all_set(const source_env *env, const int *need)
{
	int k;

	for (k = 0; k < 3 && need[k] >= 0; k++)
		if (!env->v[need[k]])
			return 0;
	return 1;
}

int source_detect(const source_env *env, const char *client_id,
	const char **why)
{
	size_t i;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		if (!all_set(env, rules[i].need))
			continue;
		if (rules[i].src == SRC_WORKLOAD_IDENTITY && !(client_id && client_id[0]))
			continue;
		*why = rules[i].why;
		return rules[i].src;
	}
	*why = "no other source in the environment";
	return SRC_IMDS;
}

const char *source_missing(int src, const source_env *env)
{
	if (src < 0 || src >= SRC_COUNT || !needs[src].text)
		return NULL;
	return all_set(env, needs[src].need) ? NULL : needs[src].text;
}

const char *source_selector(int src, int sel)
{
	if (src < 0 || src >= SRC_COUNT || sel <= SEL_NONE || sel >= SEL_COUNT)
		return NULL;
	return selectors[src][sel];
}

int source_thumbprint(const char *text, unsigned char sha1[SOURCE_SHA1_LEN])
{
	size_t digits = 0;
	int v;

	memset(sha1, 0, SOURCE_SHA1_LEN);
	for (; *text; text++) {
		if (*text == ':' || str_isspace((unsigned char)*text))
			continue;
		v = str_hexval((unsigned char)*text);
		if (v < 0 || digits == 2 * SOURCE_SHA1_LEN)
			return SOURCE_E_HEX;
		sha1[digits / 2] |= (unsigned char)(digits % 2 ? v : v << 4);
		digits++;
	}
	return digits == 2 * SOURCE_SHA1_LEN ? 0 : SOURCE_E_HEX;
}

/* Length of a "scheme://" prefix (letters, digits, + - .), 0 if none. */
static size_t scheme_prefix(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (str_isalpha((unsigned char)s[i]) || (i > 0 &&
		(str_isdigit((unsigned char)s[i]) || s[i] == '+' || s[i] == '-'
		|| s[i] == '.'))))
		i++;
	return i > 0 && n - i >= 3 && memcmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

int source_authority(const char *in, char *out, size_t cap)
{
	static const char https[] = "https://";
	size_t n = strlen(in), i, k;

	while (n > 0 && str_isspace((unsigned char)*in))
		in++, n--;
	k = scheme_prefix(in, n);
	if (k > 0 && !str_ieqmem(in, k, https))
		return SOURCE_E_SCHEME;
	while (n > k && (str_isspace((unsigned char)in[n - 1]) || in[n - 1] == '/'))
		n--;
	if (n == k)
		return SOURCE_E_SYNTAX;
	for (i = k; i < n; i++)
		if ((unsigned char)in[i] <= ' ' || in[i] == 0x7f || in[i] == '?'
			|| in[i] == '#' || in[i] == '\\')
			return SOURCE_E_SYNTAX;
	if (sizeof https - 1 + n - k >= cap)
		return SOURCE_E_SPACE;
	memcpy(out, https, sizeof https - 1);
	memcpy(out + sizeof https - 1, in + k, n - k);
	out[sizeof https - 1 + n - k] = 0;
	return 0;
}

int source_key_path(const char *path, const char *dir)
{
	static const char suffix[] = ".key";
	size_t dl = strlen(dir), nl;
	const char *name;

	if (strncmp(path, dir, dl) != 0 || path[dl] != '/')
		return SOURCE_E_DIR;
	name = path + dl + 1;
	if (strchr(name, '/'))
		return SOURCE_E_DIR;
	nl = strlen(name);
	if (nl <= sizeof suffix - 1 || strcmp(name + nl - (sizeof suffix - 1), suffix) != 0)
		return SOURCE_E_SUFFIX;
	return 0;
}

int source_assertion(const char *buf, size_t *n)
{
	size_t i;

	while (*n > 0 && str_isspace((unsigned char)buf[*n - 1]))
		(*n)--;
	if (*n == 0)
		return SOURCE_E_EMPTY;
	for (i = 0; i < *n; i++)
		if ((unsigned char)buf[i] <= ' ' || (unsigned char)buf[i] >= 0x7f)
			return SOURCE_E_CHARS;
	return 0;
}

const char *source_strerror(int code)
{
	static const char *const msg[] = {
		"ok",
		"want 40 hex digits (a SHA-1 thumbprint)",
		"not an https:// authority",
		"malformed",
		"too long",
		"not directly in the Arc tokens folder",
		"file name does not end in .key",
		"file is empty",
		"file holds bytes that cannot be a token",
	};
	int i = -code;

	return i >= 0 && i < (int)(sizeof msg / sizeof msg[0]) ? msg[i] : "unknown error";
}
