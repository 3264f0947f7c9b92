/* util.c: the source tree's location and whole-file reads (see util.h). */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

void coda_root_abs(char *out, size_t len) {
  char tmp[PATH_MAX];
  coda_root(tmp, sizeof tmp);
  if (!realpath(tmp, out)) snprintf(out, len, "%s", tmp);
}

void coda_path_join(char *dst, size_t len, const char *a, const char *b) {
  int n = snprintf(dst, len, "%s/%s", a, b);
  if (n < 0 && len) dst[0] = 0;
}

int coda_is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int coda_is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int coda_mkdir_p(const char *path) {
  char tmp[PATH_MAX];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s", path) >= sizeof tmp) return -1;
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(tmp, 0775) && errno != EEXIST) return -1;
    *p = '/';
  }
  if (mkdir(tmp, 0775) && errno != EEXIST) return -1;
  return 0;
}

void coda_rm_rf(const char *path) {
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[PATH_MAX];
    coda_path_join(p, sizeof p, path, e->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) coda_rm_rf(p);
    else remove(p);
  }
  closedir(d);
  rmdir(path);
}

int coda_find_exe(const char *name, char *out, size_t len) {
  const char *path = getenv("PATH");
  if (!path || !*path) return 0;
  for (const char *s = path; *s;) {
    const char *e = strchr(s, ':');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n) {
      snprintf(out, len, "%.*s/%s", (int)n, s, name);
      if (access(out, X_OK) == 0 && coda_is_file(out)) return 1;
    }
    if (!e) break;
    s = e + 1;
  }
  return 0;
}

void coda_log_first_error(const char *log, char *out, size_t len) {
  snprintf(out, len, "see the log");
  char *t = coda_read_file(log, NULL, NULL);
  if (!t) return;
  for (char *l = t; l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl) *nl = 0;
    if (!strncmp(l, "ERROR", 5) || !strncmp(l, "Error", 5) || !strncmp(l, "%Error", 6)) {
      snprintf(out, len, "%.200s", l);
      break;
    }
    l = nl ? nl + 1 : NULL;
  }
  free(t);
}

double coda_now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void coda_fnv(uint64_t *h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    *h ^= b[i];
    *h *= 0x100000001b3ull;
  }
}

void coda_fnv_str(uint64_t *h, const char *s) { coda_fnv(h, s, strlen(s) + 1); }

int coda_fnv_file(uint64_t *h, const char *path, coda_err_t *err) {
  size_t n;
  char *b = coda_read_file(path, &n, err);
  if (!b) return err ? err->code : CODA_EIO;
  uint64_t len = n;
  coda_fnv(h, &len, sizeof len);
  coda_fnv(h, b, n);
  free(b);
  return CODA_OK;
}
