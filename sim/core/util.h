/* util.h: small host services every command shares: where the source tree
 * is, and reading a whole file. */
#ifndef CODA_UTIL_H
#define CODA_UTIL_H

#include <stddef.h>

#include "status.h"

/* The source tree: $CODA_ROOT, else the folder above build/ (or
 * build/asan/) holding the running binary, else ".". Written to out. */
void coda_root(char *out, size_t len);

/* Reads path whole into a NUL-terminated malloc'd buffer (length in *len if
 * len is not NULL). Files over 1 GiB are refused. NULL on failure, with err
 * set (err may be NULL). */
char *coda_read_file(const char *path, size_t *len, coda_err_t *err);

#endif
