/*
 * challenge: the two WWW-Authenticate values azkv reads. A vault's Bearer
 * challenge names the resource (and authority) to get a token for; Azure
 * Arc's Basic challenge names the key file that proves local access
 * (docs/protocols.md). Pure parsers over one header value. Returns 0 or
 * a negative CHALLENGE_E_* code; challenge_strerror names it.
 */
#ifndef AZKV_CHALLENGE_H
#define AZKV_CHALLENGE_H

#include <stddef.h>

enum {
	CHALLENGE_E_SYNTAX = -1, /* not the scheme's "k=v" list, or bad bytes */
	CHALLENGE_E_NORES = -2,  /* Bearer: neither resource nor scope */
	CHALLENGE_E_SPACE = -3,  /* a value does not fit the caller's buffer */
};

/* Parse a WWW-Authenticate value: scheme Bearer, params separated by commas
 * and/or spaces, values quoted or not. resource = scope without a trailing
 * "/.default" if scope is given, else resource; it must be an https URL of
 * at most CLOUD_RESOURCE_MAX bytes. authority (may be NULL) gets
 * authorization= or authorization_uri= ("" if absent). A known parameter
 * given twice, a scope list, '\' or a control byte is CHALLENGE_E_SYNTAX. */
int challenge_bearer(const char *hdr, char *resource, size_t rcap,
	char *authority, size_t acap);

/* The key file path of an Arc challenge "Basic realm=PATH" (scheme name
 * case-insensitive, PATH unquoted and taken whole, '=' included) into
 * path[cap]. 0, CHALLENGE_E_SYNTAX (not Basic, no realm, empty, a control
 * byte) or CHALLENGE_E_SPACE. */
int challenge_arc(const char *www_authenticate, char *path, size_t cap);

const char *challenge_strerror(int code);

#endif
