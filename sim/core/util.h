/* util.h: small host services every command shares: where the source tree
 * is, and reading a whole file. */
#ifndef CODA_UTIL_H
#define CODA_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* The source tree: $CODA_ROOT, else the folder above build/ (or
 * build/asan/) holding the running binary, else ".". Written to out. */
void coda_root(char *out, size_t len);

/* Reads path whole into a NUL-terminated malloc'd buffer (length in *len if
 * len is not NULL). Files over 1 GiB are refused. NULL on failure, with err
 * set (err may be NULL). */
char *coda_read_file(const char *path, size_t *len, coda_err_t *err);

/* The source tree as an absolute path (coda_root, then realpath). */
void coda_root_abs(char *out, size_t len);

/* dst = a "/" b (cut at len; the tools then fail to open it and say so). */
void coda_path_join(char *dst, size_t len, const char *a, const char *b);
int coda_is_file(const char *path);  /* a regular file */
int coda_is_dir(const char *path);   /* a directory */
/* mkdir -p; 0 or -1 (errno set). */
int coda_mkdir_p(const char *path);
/* rm -rf without following symlinks. */
void coda_rm_rf(const char *path);
/* Absolute path of executable `name` on $PATH into out; 1 found, 0 not. */
int coda_find_exe(const char *name, char *out, size_t len);

/* The first ERROR / Error / %Error line of a tool's log (cut to 200
 * characters) into out, or "see the log". */
void coda_log_first_error(const char *log, char *out, size_t len);

/* Monotonic seconds. */
double coda_now_s(void);

/* FNV-1a 64-bit hashing, for content-addressed caches: bytes, a string with
 * its NUL, and a file's length and bytes. */
void coda_fnv(uint64_t *h, const void *p, size_t n);
void coda_fnv_str(uint64_t *h, const char *s);
int coda_fnv_file(uint64_t *h, const char *path, coda_err_t *err);

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014): the one PRNG step of
 * every seeded stimulus and workload generator; advances *s. */
static inline uint64_t coda_rnd(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

#endif
