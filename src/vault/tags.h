/*
 * tags: "tag:NAME" references, meaning "the reference held in the VM's tag
 * NAME", and the IMDS tag list that holds them: the JSON array
 * [{"name": N, "value": V}, ...] of GET /metadata/instance/compute/tagsList.
 * Azure allows a VM 50 tags of at most 2048 characters of names and values
 * together (names <= 512, values <= 256); a list beyond that is refused,
 * not cut. Names compare case-insensitively, as Azure treats tag names.
 * Pure. Returns 0 or TAGS_E_*.
 */
#ifndef AZKV_TAGS_H
#define AZKV_TAGS_H

#include <stddef.h>

#define TAGS_PREFIX "tag:"
#define TAGS_NAME_MAX 512
#define TAGS_VALUE_MAX 256
#define TAGS_COUNT_MAX 50
#define TAGS_CHARS_MAX 2048 /* bytes of all names and values of a VM's tags */

enum {
	TAGS_E_JSON = -1,    /* not an array of {name, value} strings */
	TAGS_E_MISSING = -2, /* no tag of that name */
	TAGS_E_LIMIT = -3,   /* over Azure's tag limits */
	TAGS_E_NAME = -4,    /* the NAME of tag:NAME is empty or too long */
};

/* The NAME of "tag:NAME", or NULL if s is not a tag reference. */
const char *tags_ref(const char *s);

/* Find tag name in the list body[len]; its value into out[cap] (+NUL). */
int tags_find(const char *body, size_t len, const char *name, char *out,
	size_t cap);

const char *tags_strerror(int code);

#endif
