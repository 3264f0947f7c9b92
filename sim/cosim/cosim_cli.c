/* cosim_cli.c: `coda cosim`: verilates a block's RTL top into a cached
 * harness executable and runs it (see cosim.h, docs/cosim.md).
 *
 * The cache directory is build/cosim/<block>-<hash>/, the hash taken over
 * the RTL files' bytes, the -G parameters, the harness source (harness.cc,
 * cosim.h), the lint waivers, the Verilator version and its flags. A first
 * build happens in a temporary directory that is renamed into place, so
 * concurrent runs never see half a build (the loser of a race drops its
 * copy). The harness links build/libcoda.a (the C twins); when that library
 * changes, only the link step is redone, under an exclusive lock on the
 * directory (runs hold a shared one). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cosim_int.h"
#include "../core/util.h"

#define MAX_ARGS 256
#define VERILATOR_FLAGS "--cc --exe -O2 --trace --prefix Vtop"
/* Verilator's runtime objects: the same for every block and parameter set,
 * so they are compiled once and copied into each new build. */
static const char *const RUNTIME_OBJS[] = {"verilated", "verilated_vcd_c", "verilated_threads", NULL};
#define HARNESS_CFLAGS "-O2 -Wall -Wextra"

typedef struct build {
  char root[PATH_MAX];        /* the coda source tree */
  char verilator[PATH_MAX];   /* verilator found in PATH */
  char dir[PATH_MAX];         /* the cache directory */
  char exe[PATH_MAX + 16];    /* the harness executable in it */
  char gparams[MAX_ARGS][64]; /* -G<Name>=<value> */
  int ngparams;
  uint64_t runtime_key;       /* Verilator version + flags: names the shared runtime objects */
} build_t;

/* ---- small helpers -------------------------------------------------------- */

/* snprintf for paths and command lines; a path too long for its buffer is
 * cut (and then simply not found). */
static void pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pathf(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, len, fmt, ap);
  va_end(ap);
}

static int fail(const coda_err_t *e) {
  fprintf(stderr, "coda: error: %s\n", e->msg);
  return e->code == CODA_ECHECK ? 1 : 2;
}


/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 0x100000001b3ull;
  return h;
}
#define FNV_INIT 0xcbf29ce484222325ull

/* Hashes the bytes of root/rel and its name rel (not where the tree is). */
static int hash_file(uint64_t *h, const char *root, const char *rel) {
  char path[PATH_MAX + 64];
  pathf(path, sizeof path, "%s/%s", root, rel);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) *h = fnv(*h, buf, n);
  fclose(f);
  *h = fnv(*h, rel, strlen(rel) + 1);
  return 0;
}

/* Runs argv (argv[0] looked up in PATH) with stdout+stderr into log (or
 * inherited when log is NULL); returns the exit status, or -1 if it could
 * not run or died on a signal. */
static int run_cmd(char *const argv[], const char *log) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (log) {
      int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd < 0) _exit(127);
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

static void rm_tree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* ---- where things are ------------------------------------------------------ */

/* The source tree: $CODA_ROOT, else the directory above build/ (or
 * build/asan/) holding this executable, else the current directory. */
static int find_root(build_t *b, coda_err_t *err) {
  coda_root(b->root, sizeof b->root);
  char probe[PATH_MAX + 64];
  pathf(probe, sizeof probe, "%s/sim/cosim/harness.cc", b->root);
  if (!coda_is_file(probe))
    return coda_errf(err, CODA_EINVAL, "cosim: %s: not the coda source tree (no sim/cosim/harness.cc); set CODA_ROOT",
                     b->root);
  return CODA_OK;
}

static int find_verilator(build_t *b, coda_err_t *err) {
  const char *path = getenv("PATH");
  if (path) {
    char *copy = strdup(path);
    for (char *save = NULL, *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
      pathf(b->verilator, sizeof b->verilator, "%s/verilator", *d ? d : ".");
      if (access(b->verilator, X_OK) == 0) { free(copy); return CODA_OK; }
    }
    free(copy);
  }
  return coda_errf(err, CODA_EINVAL,
                   "cosim: verilator not found in PATH (Debian package verilator; `make deps` installs it)");
}

/* ---- the cache ----------------------------------------------------------------- */

static void path_in(char *buf, size_t len, const char *root, const char *rel) {
  pathf(buf, len, "%s/%s", root, rel);
}

static int cache_key(build_t *b, const cosim_block_t *blk, uint64_t *key, coda_err_t *err) {
  uint64_t h = FNV_INIT;
  char p[PATH_MAX + 64];
  h = fnv(h, blk->name, strlen(blk->name) + 1);
  h = fnv(h, blk->rtl_top, strlen(blk->rtl_top) + 1);
  for (const char *const *f = blk->rtl_files; *f; f++)
    if (hash_file(&h, b->root, *f))
      return coda_errf(err, CODA_EINVAL, "cosim: %s: cannot read RTL file %s/%s", blk->name, b->root, *f);
  const char *own[] = {"sim/cosim/harness.cc", "sim/cosim/cosim.h", NULL};
  for (int i = 0; own[i]; i++)
    if (hash_file(&h, b->root, own[i])) return coda_errf(err, CODA_EINVAL, "cosim: cannot read %s/%s", b->root, own[i]);
  path_in(p, sizeof p, b->root, "rtl/lint_waivers.vlt");
  if (coda_is_file(p)) hash_file(&h, b->root, "rtl/lint_waivers.vlt");
  for (int i = 0; i < b->ngparams; i++) h = fnv(h, b->gparams[i], strlen(b->gparams[i]) + 1);
  h = fnv(h, VERILATOR_FLAGS HARNESS_CFLAGS, sizeof(VERILATOR_FLAGS HARNESS_CFLAGS));
  /* the tool's version: an upgrade rebuilds */
  FILE *v = NULL;
  char cmd[PATH_MAX + 32], line[256] = "";
  pathf(cmd, sizeof cmd, "'%s' --version 2>/dev/null", b->verilator);
  if ((v = popen(cmd, "r"))) {
    if (!fgets(line, sizeof line, v)) line[0] = 0;
    pclose(v);
  }
  h = fnv(h, line, strlen(line));
  *key = h;
  b->runtime_key = fnv(fnv(FNV_INIT, line, strlen(line)), VERILATOR_FLAGS HARNESS_CFLAGS,
                       sizeof(VERILATOR_FLAGS HARNESS_CFLAGS));
  return CODA_OK;
}

static int lib_hash(const build_t *b, uint64_t *h) {
  *h = FNV_INIT;
  return hash_file(h, b->root, "build/libcoda.a");
}

static int write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

static int read_stamp(const char *path, uint64_t *v) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  unsigned long long x = 0;
  int ok = fscanf(f, "%llx", &x) == 1;
  fclose(f);
  *v = x;
  return ok ? 0 : -1;
}

static int copy_file(const char *from, const char *to) {
  FILE *i = fopen(from, "rb");
  if (!i) return -1;
  FILE *o = fopen(to, "wb");
  if (!o) { fclose(i); return -1; }
  char buf[1 << 16];
  size_t n;
  int rc = 0;
  while ((n = fread(buf, 1, sizeof buf, i)) > 0)
    if (fwrite(buf, 1, n, o) != n) rc = -1;
  fclose(i);
  if (fclose(o)) rc = -1;
  return rc;
}

/* save = 0: copies Verilator's compiled runtime objects from the shared
 * build/cosim/.runtime-<hash>/ into obj (fresh mtimes, so make keeps them);
 * save = 1: stores obj's into it when it has none yet (temp dir + rename). */
static void runtime_objs(const build_t *b, const char *obj, int save) {
  char rt[PATH_MAX + 64], tmp[PATH_MAX + 64], f[PATH_MAX + 96], g[PATH_MAX + 96];
  pathf(rt, sizeof rt, "%s/build/cosim/.runtime-%016" PRIx64, b->root, b->runtime_key);
  if (!save) {
    for (int i = 0; RUNTIME_OBJS[i]; i++)
      for (int d = 0; d < 2; d++) {
        pathf(f, sizeof f, "%s/%s.%s", rt, RUNTIME_OBJS[i], d ? "d" : "o");
        pathf(g, sizeof g, "%s/%s.%s", obj, RUNTIME_OBJS[i], d ? "d" : "o");
        if (coda_is_file(f)) copy_file(f, g);
      }
    return;
  }
  struct stat st;
  if (stat(rt, &st) == 0) return;
  pathf(tmp, sizeof tmp, "%s/build/cosim/.runtime-tmp-XXXXXX", b->root);
  if (!mkdtemp(tmp)) return;
  for (int i = 0; RUNTIME_OBJS[i]; i++)
    for (int d = 0; d < 2; d++) {
      pathf(f, sizeof f, "%s/%s.%s", obj, RUNTIME_OBJS[i], d ? "d" : "o");
      pathf(g, sizeof g, "%s/%s.%s", tmp, RUNTIME_OBJS[i], d ? "d" : "o");
      if (copy_file(f, g)) { rm_tree(tmp); return; }
    }
  if (rename(tmp, rt)) rm_tree(tmp);
}

/* Verilates and builds into a fresh temporary directory, then renames it
 * to b->dir. */
static int build_fresh(build_t *b, const cosim_block_t *blk, uint64_t libh, coda_err_t *err) {
  char tmp[PATH_MAX + 64], obj[PATH_MAX + 80], log[PATH_MAX + 80], p[PATH_MAX + 64];
  pathf(tmp, sizeof tmp, "%s/build/cosim", b->root);
  mkdir(tmp, 0755);
  pathf(tmp, sizeof tmp, "%s/build/cosim/.tmp-%s-XXXXXX", b->root, blk->name);
  if (!mkdtemp(tmp)) return coda_errf(err, CODA_EIO, "cosim: cannot create a directory under %s/build/cosim: %s", b->root, strerror(errno));
  pathf(obj, sizeof obj, "%s/obj", tmp);
  pathf(log, sizeof log, "%s/build.log", tmp);

  char cflags[PATH_MAX + 64], ldflags[PATH_MAX + 64], lib[PATH_MAX + 64], harness[PATH_MAX + 64], waiver[PATH_MAX + 64];
  char files[64][PATH_MAX + 64];
  pathf(cflags, sizeof cflags, "-I%s " HARNESS_CFLAGS, b->root);
  path_in(lib, sizeof lib, b->root, "build/libcoda.a");
  pathf(ldflags, sizeof ldflags, "%s -ljansson -lz -lm", lib);
  path_in(harness, sizeof harness, b->root, "sim/cosim/harness.cc");
  path_in(waiver, sizeof waiver, b->root, "rtl/lint_waivers.vlt");

  char *argv[MAX_ARGS];
  int n = 0;
  char flags[] = VERILATOR_FLAGS;
  argv[n++] = b->verilator;
  for (char *save = NULL, *t = strtok_r(flags, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save)) argv[n++] = t;
  argv[n++] = "--top-module";
  argv[n++] = (char *)blk->rtl_top;
  argv[n++] = "--Mdir";
  argv[n++] = obj;
  argv[n++] = "-CFLAGS";
  argv[n++] = cflags;
  argv[n++] = "-LDFLAGS";
  argv[n++] = ldflags;
  for (int i = 0; i < b->ngparams && n < MAX_ARGS - 72; i++) argv[n++] = b->gparams[i];
  if (coda_is_file(waiver)) argv[n++] = waiver;
  argv[n++] = harness;
  int nf = 0;
  for (const char *const *f = blk->rtl_files; *f && nf < 64; f++, nf++) {
    path_in(files[nf], sizeof files[nf], b->root, *f);
    argv[n++] = files[nf];
  }
  argv[n] = NULL;

  FILE *lf = fopen(log, "w");
  if (lf) {
    for (int i = 0; i < n; i++) fprintf(lf, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', lf);
    fclose(lf);
  }
  printf("cosim %s: verilating %s (first run with these RTL files and parameters; cached in build/cosim/)\n",
         blk->name, blk->rtl_top);
  fflush(stdout);
  if (run_cmd(argv, log) != 0)
    return coda_errf(err, CODA_EINVAL, "cosim: %s: verilating %s failed; see %s", blk->name, blk->rtl_top, log);
  runtime_objs(b, obj, 0);
  char jobs[32];
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  pathf(jobs, sizeof jobs, "-j%ld", ncpu > 0 ? ncpu : 1);
  char *mk[] = {"make", jobs, "-C", obj, "-f", "Vtop.mk", NULL};
  if (run_cmd(mk, log) != 0)
    return coda_errf(err, CODA_EINVAL, "cosim: %s: building the verilated %s failed; see %s", blk->name, blk->rtl_top, log);
  runtime_objs(b, obj, 1);

  char stamp[32];
  pathf(stamp, sizeof stamp, "%016" PRIx64 "\n", libh);
  pathf(p, sizeof p, "%s/libcoda.hash", tmp);
  write_text(p, stamp);
  if (rename(tmp, b->dir) != 0) {
    if (errno != EEXIST && errno != ENOTEMPTY)
      return coda_errf(err, CODA_EIO, "cosim: cannot move %s to %s: %s", tmp, b->dir, strerror(errno));
    rm_tree(tmp); /* another run built the same thing first */
  }
  return CODA_OK;
}

/* Relinks the harness when build/libcoda.a changed since it was linked
 * (caller holds the exclusive lock). */
static int relink(build_t *b, uint64_t libh, coda_err_t *err) {
  char stamp_path[PATH_MAX + 64], obj[PATH_MAX + 64], log[PATH_MAX + 64];
  uint64_t old;
  pathf(stamp_path, sizeof stamp_path, "%s/libcoda.hash", b->dir);
  if (read_stamp(stamp_path, &old) == 0 && old == libh && coda_is_file(b->exe)) return CODA_OK;
  pathf(obj, sizeof obj, "%s/obj", b->dir);
  pathf(log, sizeof log, "%s/relink.log", b->dir);
  unlink(b->exe);
  char *argv[] = {"make", "-s", "-C", obj, "-f", "Vtop.mk", NULL};
  if (run_cmd(argv, log) != 0 || !coda_is_file(b->exe))
    return coda_errf(err, CODA_EIO, "cosim: relinking %s against build/libcoda.a failed; see %s", b->exe, log);
  char stamp[32];
  pathf(stamp, sizeof stamp, "%016" PRIx64 "\n", libh);
  write_text(stamp_path, stamp);
  return CODA_OK;
}

/* ---- the command ------------------------------------------------------------------ */

static void list_blocks(void) {
  for (int i = 0; cosim_block_at(i); i++) {
    const cosim_block_t *b = cosim_block_at(i);
    printf("%-8s %s\n         RTL top: %s (", b->name, b->doc, b->rtl_top);
    for (const char *const *f = b->rtl_files; *f; f++) printf("%s%s", f == b->rtl_files ? "" : " ", *f);
    printf(")\n         parameters:");
    for (const char *const *p = b->params; *p; p++) {
      char name[64];
      cosim_param_name(*p, name, sizeof name);
      printf(" %s (-G%s)", *p, name);
    }
    printf("\n         test parameter sets:\n");
    for (const char *const *t = b->test_sets; *t; t++) printf("           coda cosim %s %s\n", b->name, *t);
  }
}

int cosim_main(int argc, char **argv) {
  cosim_args_t a;
  coda_err_t err = {0};
  if (cosim_parse_args(argc, argv, 2, &a, &err)) return fail(&err);
  if (a.list) { list_blocks(); return 0; }
  const cosim_block_t *blk;
  arch_cfg_t cfg;
  uint32_t ib, ob;
  if (cosim_resolve(&a, &blk, &cfg, &ib, &ob, &err)) return fail(&err);

  build_t *b = calloc(1, sizeof *b);
  if (!b) { coda_errf(&err, CODA_ENOMEM, "cosim: out of memory"); return fail(&err); }
  int rc = find_root(b, &err);
  if (!rc) rc = find_verilator(b, &err);
  for (const char *const *p = blk->params; !rc && *p && b->ngparams < MAX_ARGS; p++) {
    uint64_t v;
    char name[48];
    rc = cosim_param_value(&cfg, *p, &v, &err);
    cosim_param_name(*p, name, sizeof name);
    pathf(b->gparams[b->ngparams++], sizeof b->gparams[0], "-G%s=%" PRIu64, name, v);
  }
  uint64_t key = 0, libh = 0;
  if (!rc) rc = cache_key(b, blk, &key, &err);
  if (!rc && lib_hash(b, &libh))
    rc = coda_errf(&err, CODA_EINVAL, "cosim: %s/build/libcoda.a not found (run make first)", b->root);
  if (!rc) {
    pathf(b->dir, sizeof b->dir, "%s/build/cosim/%s-%016" PRIx64, b->root, blk->name, key);
    pathf(b->exe, sizeof b->exe, "%s/obj/Vtop", b->dir);
    if (!coda_is_file(b->exe)) rc = build_fresh(b, blk, libh, &err);
  }
  int lock = -1;
  if (!rc) {
    char lp[PATH_MAX + 16];
    pathf(lp, sizeof lp, "%s/.lock", b->dir);
    lock = open(lp, O_RDWR | O_CREAT, 0644);
    if (lock < 0) rc = coda_errf(&err, CODA_EIO, "cosim: %s: %s", lp, strerror(errno));
  }
  if (!rc) {
    flock(lock, LOCK_EX);
    rc = relink(b, libh, &err);
    flock(lock, LOCK_SH);
  }
  if (rc) {
    if (lock >= 0) close(lock);
    free(b);
    return fail(&err);
  }

  /* the harness takes the same arguments after the block */
  char **hargv = calloc((size_t)argc, sizeof *hargv);
  int ex = 2;
  if (hargv) {
    hargv[0] = b->exe;
    for (int i = 2; i < argc; i++) hargv[i - 1] = argv[i];
    hargv[argc - 1] = NULL;
    fflush(stdout);
    ex = run_cmd(hargv, NULL);
    if (ex < 0 || ex > 2) {
      fprintf(stderr, "coda: error: cosim: the harness %s crashed or could not run\n", b->exe);
      ex = 2;
    }
    free(hargv);
  }
  close(lock);
  free(b);
  return ex;
}
