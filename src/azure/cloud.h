/*
 * cloud: what a vault host implies (docs/protocols.md 3, 4.6, 5).
 * Token resource per vault DNS suffix (public, China, US Gov, Germany, and
 * their Managed HSM suffixes), the Entra authority of the same cloud, and
 * the check that a challenge's resource (challenge.h parses it) belongs to
 * the vault host (a token must never go to a host it was not meant for).
 * Pure. Returns 0 or CLOUD_E_*.
 */
#ifndef AZKV_CLOUD_H
#define AZKV_CLOUD_H

#include <stddef.h>

#define CLOUD_DEFAULT_SUFFIX "/.default" /* a scope = resource + this */
#define CLOUD_RESOURCE_MAX 256 /* resource URI we accept from a challenge */

enum {
	CLOUD_E_UNKNOWN = -1,  /* host has no known vault suffix */
	CLOUD_E_MISMATCH = -2, /* resource host is not a suffix of the vault */
};

/* The length of scope s[n]'s resource: n less a trailing "/.default" in
 * any letter case (as the SDKs compare it), if something is left. */
size_t cloud_scope_resource(const char *s, size_t n);

/* Resource for a vault host, e.g. "https://vault.azure.net"; NULL if the
 * suffix is unknown (then the challenge must tell). */
const char *cloud_resource(const char *vault_host);

enum { CLOUD_VAULT = 1, CLOUD_HSM = 2 };

/* CLOUD_VAULT for a Key Vault host, CLOUD_HSM for a Managed HSM one, 0 if
 * the suffix is unknown (a private endpoint or a test's name: either). */
int cloud_kind(const char *vault_host);

/* Entra authority host for the cloud of a vault host or resource, e.g.
 * "login.microsoftonline.com"; the public one if unknown. */
const char *cloud_authority(const char *host_or_resource);

/* 0 if vault_host ends with "." + host(resource) (case-insensitive),
 * else CLOUD_E_MISMATCH. */
int cloud_check(const char *vault_host, const char *resource);

const char *cloud_strerror(int code);

#endif
