/* util.c: the source tree's location and whole-file reads (see util.h). */
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void coda_root(char *out, size_t len) {
  const char *env = getenv("CODA_ROOT");
  snprintf(out, len, ".");
  if (env && *env) {
    snprintf(out, len, "%s", env);
    return;
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return;
  exe[n] = 0;
  char *s = strrchr(exe, '/');
  if (s) *s = 0;
  s = strrchr(exe, '/');
  if (s && !strcmp(s, "/asan")) {
    *s = 0;
    s = strrchr(exe, '/');
  }
  if (s && !strcmp(s, "/build")) {
    *s = 0;
    snprintf(out, len, "%s", exe[0] ? exe : "/");
  }
}

char *coda_read_file(const char *path, size_t *len, coda_err_t *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    coda_errf(err, CODA_EIO, "%s: cannot read: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  while (b) {
    n += fread(b + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    if (cap >= (1u << 30)) {
      free(b);
      fclose(f);
      coda_errf(err, CODA_EINVAL, "%s: larger than 1 GiB", path);
      return NULL;
    }
    char *nb = realloc(b, cap *= 2);
    if (!nb) {
      free(b);
      b = NULL;
    } else {
      b = nb;
    }
  }
  fclose(f);
  if (!b) {
    coda_errf(err, CODA_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  b[n] = 0;
  if (len) *len = n;
  return b;
}
