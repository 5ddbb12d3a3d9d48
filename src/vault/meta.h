/*
 * meta: IMDS instance metadata, for tag: references. The VM's tag list is
 * read once per run from GET {IMDS base}/metadata/instance/compute/tagsList
 * ?api-version=2021-02-01 with Metadata: true: the same base URL
 * (AZURE_POD_IDENTITY_AUTHORITY_HOST), plain HTTP, deadline and retry
 * policy as the IMDS token. Only the IMDS identity source has it (a VM):
 * any other is ERR_USAGE, before anything is sent. The list is kept in the
 * client (CLIENT_TAGS_MAX bytes at most) for the rest of the run.
 */
#ifndef AZKV_META_H
#define AZKV_META_H

#include "azure/client.h"

/* The value of the VM's tag name into out[cap]. A missing tag is
 * ERR_NOTFOUND; IMDS failures are ERR_IDENTITY, ERR_NETWORK... as for
 * tokens; a list over Azure's limits ERR_MALFORMED. */
int meta_tag(client *c, const char *name, char *out, size_t cap, err *e);

#endif
