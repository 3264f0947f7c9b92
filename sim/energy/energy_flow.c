/* energy_flow.c: the activity-based energy flow behind `coda energy` (see
 * energy_flow.h for the steps). Cache layout under build/energy-cache/:
 *   net-<nkey>/   net.v (mapped, flat), cells.v (liberty functions),
 *                 net.json (drivers), obj/Vtop (the verilated driver), logs;
 *                 nkey = hash of flow version, tools, liberty, RTL files,
 *                 top, tile parameters, driver.cc and energy_flow.h
 *   <rkey>.json   the coda.energy.v1 result; run-<rkey>/ its coverage.dat,
 *                 activity.tcl, power.tcl, sta.log; rkey = nkey + stimulus
 *                 (kind, W, rate, cycles, seed, energy_stim.c, the block's
 *                 stimulus file) + clock.
 * The driver is relinked when build/libcoda.a changes (stamp), under an
 * exclusive lock on the netlist folder.
 */
#include "energy_flow.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../area/area.h"
#include "../core/util.h"
#include "../cosim/cosim.h"

#define MAX_PARAMS 16
#define TILE_M 2
#define LUT_TILE_N 4
#define MAC_TILE_N 2







/* Runs argv in cwd with stdout+stderr appended to log; exit status or -1. */
static int run(char *const argv[], const char *cwd, const char *log) {
  pid_t p = fork();
  if (p < 0) return -1;
  if (p == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0 || (cwd && chdir(cwd))) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  int st;
  while (waitpid(p, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* First line `exe arg` prints (tool versions). */
static int tool_version(const char *exe, const char *arg, char *out, size_t len) {
  char cmd[PATH_MAX + 64];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", exe, arg);
  FILE *p = popen(cmd, "r");
  out[0] = 0;
  if (!p) return -1;
  if (!fgets(out, (int)len, p)) out[0] = 0;
  pclose(p);
  char *nl = strchr(out, '\n');
  if (nl) *nl = 0;
  return out[0] ? 0 : -1;
}




void energy_find_root(char *out, size_t len) { coda_root_abs(out, len); }

void energy_opts_default(energy_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->stim = ESTIM_STEADY;
  o->wbits = 2;
  o->valid_rate = 0.9;
  o->cycles = 4000;
  o->seed = 1;
  o->dist = COSIM_DIST_UNIFORM;
  o->sigma = 20;
}

/* ---- the flow's state ---------------------------------------------------------- */

typedef struct eflow {
  const cosim_block_t *cb;
  const area_block_t *ab;
  int is_lut;
  int is_wl;                       /* the block has a steady-workload hook */
  double scale;                    /* workload blocks: configured / tile PE ratio */
  char root[PATH_MAX], liberty[PATH_MAX], cache[PATH_MAX];
  char yosys[PATH_MAX], sta[PATH_MAX], verilator[PATH_MAX];
  char yosys_ver[256], sta_ver[256], vl_ver[256];
  arch_cfg_t cfg, tcfg;            /* configured and tile */
  char pkey[MAX_PARAMS][48];       /* tile parameters: config key */
  char prtl[MAX_PARAMS][48];       /*   RTL name */
  uint64_t pval[MAX_PARAMS];       /*   value */
  int np;
  char nkey[17], rkey[17];
  char ndir[PATH_MAX + 32];        /* net-<nkey> */
  uint64_t libh;                   /* build/libcoda.a */
} eflow_t;

static const char *const STIM_NAMES[] = {"steady", "zero", "cosim"};

static int setup(eflow_t *f, const char *name, const arch_cfg_t *cfg, const energy_opts_t *o, coda_err_t *err) {
  memset(f, 0, sizeof *f);
  f->cb = cosim_find(name);
  f->ab = area_find(name);
  if (!f->cb || !f->ab) {
    char known[256] = "";
    size_t k = 0;
    for (int i = 0; cosim_block_at(i) && k < sizeof known; i++)
      if (area_find(cosim_block_at(i)->name))
        k += (size_t)snprintf(known + k, sizeof known - k, "%s%s", k ? ", " : "", cosim_block_at(i)->name);
    return coda_errf(err, CODA_EINVAL, "energy: unknown block '%s' (blocks with an RTL twin and a synthesis "
                     "flow: %s)", name, known);
  }
  f->is_lut = !strcmp(name, "lut_tc");
  if (o->wbits < 1 || o->wbits > 4)
    return coda_errf(err, CODA_EINVAL, "energy: --wbits %u: the RTL supports W1..W4", o->wbits);
  if (!(o->valid_rate > 0 && o->valid_rate <= 1))
    return coda_errf(err, CODA_EINVAL, "energy: --valid-rate %g: expected a fraction in (0, 1]", o->valid_rate);
  if (!o->cycles || o->cycles > 100000000ull)
    return coda_errf(err, CODA_EINVAL, "energy: --cycles %" PRIu64 ": expected 1..10^8", o->cycles);
  f->cfg = *cfg;
  int rc = f->ab->check(cfg, err);
  if (rc) return rc;
  uint32_t ib, ob;
  if ((rc = f->cb->shape(cfg, &ib, &ob, err))) return rc;
  f->is_wl = f->cb->workload != NULL;
  if (f->is_wl && (o->dist < COSIM_DIST_UNIFORM || o->dist > COSIM_DIST_ZERO || !(o->sigma > 0 && o->sigma <= 1000)))
    return coda_errf(err, CODA_EINVAL, "energy: --dist/--sigma: expected uniform|normal and a sigma in (0, 1000]");
  f->tcfg = *cfg;
  f->scale = 1;
  if (f->is_wl) { /* the tile: the area registry's timing tile */
    for (int i = 0; i < AREA_MAX_TILE_KEYS && f->ab->tile[i].key; i++) {
      uint64_t v = area_cfg_get_u(cfg, f->ab->tile[i].key), t = f->ab->tile[i].max;
      if (o->tile_n && i == 0) t = o->tile_n;
      if (v > t) {
        f->scale *= (double)v / (double)t;
        if (area_cfg_set_u(&f->tcfg, f->ab->tile[i].key, t))
          return coda_errf(err, CODA_EINVAL, "energy: %s: cannot tile %s", name, f->ab->tile[i].key);
      }
    }
  } else { /* the tile: the same core with M and N capped */
    if (f->tcfg.core_m > TILE_M) f->tcfg.core_m = TILE_M;
    uint64_t tn = o->tile_n ? o->tile_n : (f->is_lut ? LUT_TILE_N : MAC_TILE_N);
    if (f->tcfg.core_n > tn) f->tcfg.core_n = tn;
  }
  if ((rc = f->ab->check(&f->tcfg, err)) || (rc = f->cb->shape(&f->tcfg, &ib, &ob, err))) return rc;
  for (const char *const *p = f->cb->params; *p && f->np < MAX_PARAMS; p++, f->np++) {
    char sec[48];
    const char *dot = strchr(*p, '.');
    snprintf(sec, sizeof sec, "%.*s", dot ? (int)(dot - *p) : 0, *p);
    snprintf(f->pkey[f->np], sizeof f->pkey[0], "%s", *p);
    area_upper_camel(sec, dot ? dot + 1 : *p, f->prtl[f->np], sizeof f->prtl[0]);
    f->pval[f->np] = area_cfg_get_u(&f->tcfg, *p);
  }
  snprintf(f->root, sizeof f->root, "%s", o->root);
  if (o->cache_dir) snprintf(f->cache, sizeof f->cache, "%s", o->cache_dir);
  else coda_path_join(f->cache, sizeof f->cache, o->root, "build/energy-cache");
  if (!coda_find_exe("yosys", f->yosys, sizeof f->yosys))
    return coda_errf(err, CODA_EINVAL, "energy: yosys not found on PATH (`make deps` installs the Debian package yosys)");
  if (!coda_find_exe("sta", f->sta, sizeof f->sta))
    return coda_errf(err, CODA_EINVAL, "energy: sta (OpenSTA) not found on PATH (`make deps` installs the Debian "
                     "package opensta)");
  if (!coda_find_exe("verilator", f->verilator, sizeof f->verilator))
    return coda_errf(err, CODA_EINVAL, "energy: verilator not found on PATH (`make deps` installs the Debian "
                     "package verilator)");
  char lib[PATH_MAX];
  if (o->liberty) snprintf(lib, sizeof lib, "%s", o->liberty);
  else coda_path_join(lib, sizeof lib, o->root, "build/tech/osu018/osu018_stdcells.lib");
  if (!coda_is_file(lib) || !realpath(lib, f->liberty))
    return coda_errf(err, CODA_EINVAL, "energy: liberty %s not found (`make tech` extracts it from the Debian "
                     "package qflow-tech-osu018)", lib);
  char libcoda[PATH_MAX + 32];
  coda_path_join(libcoda, sizeof libcoda, o->root, "build/libcoda.a");
  f->libh = 0xcbf29ce484222325ull;
  if (!coda_is_file(libcoda) || coda_fnv_file(&f->libh, libcoda, err))
    return coda_errf(err, CODA_EINVAL, "energy: %s not found (run make first)", libcoda);
  if (tool_version(f->yosys, "-V", f->yosys_ver, sizeof f->yosys_ver) ||
      tool_version(f->sta, "-version", f->sta_ver, sizeof f->sta_ver) ||
      tool_version(f->verilator, "--version", f->vl_ver, sizeof f->vl_ver))
    return coda_errf(err, CODA_EINVAL, "energy: yosys, sta or verilator does not run (`make deps` reinstalls them)");

  /* keys */
  uint64_t h = 0xcbf29ce484222325ull;
  coda_fnv_str(&h, ENERGY_FLOW_VERSION);
  coda_fnv_str(&h, f->yosys_ver);
  coda_fnv_str(&h, f->sta_ver);
  coda_fnv_str(&h, f->vl_ver);
  if ((rc = coda_fnv_file(&h, f->liberty, err))) return rc;
  coda_fnv_str(&h, f->cb->rtl_top);
  char p[PATH_MAX + 64];
  for (const char *const *r = f->cb->rtl_files; *r; r++) {
    coda_path_join(p, sizeof p, f->root, *r);
    coda_fnv_str(&h, *r);
    if ((rc = coda_fnv_file(&h, p, err))) return rc;
  }
  const char *own[] = {"sim/energy/driver.cc", "sim/energy/energy_flow.h", "sim/cosim/cosim.h", NULL};
  for (int i = 0; own[i]; i++) {
    coda_path_join(p, sizeof p, f->root, own[i]);
    if ((rc = coda_fnv_file(&h, p, err))) return rc;
  }
  for (int i = 0; i < f->np; i++) {
    coda_fnv_str(&h, f->prtl[i]);
    coda_fnv(&h, &f->pval[i], sizeof f->pval[i]);
  }
  snprintf(f->nkey, sizeof f->nkey, "%016" PRIx64, h);
  char nm[64];
  snprintf(nm, sizeof nm, "net-%s", f->nkey);
  coda_path_join(f->ndir, sizeof f->ndir, f->cache, nm);

  coda_fnv_str(&h, STIM_NAMES[o->stim]);
  if (f->is_wl) {
    char ds[64];
    snprintf(ds, sizeof ds, "dist %d %.17g", o->dist, o->sigma);
    coda_fnv_str(&h, ds);
  }
  uint64_t w = o->wbits, c = o->cycles, s = o->seed;
  coda_fnv(&h, &w, sizeof w);
  coda_fnv(&h, &c, sizeof c);
  coda_fnv(&h, &s, sizeof s);
  char rate[64];
  snprintf(rate, sizeof rate, "%.17g %.17g", o->valid_rate, cfg->core_freq_mhz);
  coda_fnv_str(&h, rate);
  const char *stimf[] = {"sim/energy/energy_stim.c", NULL, "sim/energy/energy_flow.c", NULL};
  char blkf[64];
  snprintf(blkf, sizeof blkf, "sim/cosim/blk_%s.c", name);
  stimf[1] = blkf;
  for (int i = 0; stimf[i]; i++) {
    coda_path_join(p, sizeof p, f->root, stimf[i]);
    if (coda_is_file(p) && (rc = coda_fnv_file(&h, p, err))) return rc;
  }
  snprintf(f->rkey, sizeof f->rkey, "%016" PRIx64, h);
  return CODA_OK;
}

/* ---- the netlist and the verilated driver ------------------------------------- */

static int write_file(const char *dir, const char *name, const char *text, coda_err_t *err) {
  char p[PATH_MAX + 64];
  coda_path_join(p, sizeof p, dir, name);
  FILE *o = fopen(p, "w");
  if (!o) return coda_errf(err, CODA_EIO, "%s: cannot write", p);
  int bad = fputs(text, o) < 0;
  bad |= fclose(o) != 0;
  return bad ? coda_errf(err, CODA_EIO, "%s: cannot write", p) : CODA_OK;
}

static int yosys_step(const eflow_t *f, const char *dir, const char *script, const char *log, coda_err_t *err) {
  char *argv[] = {(char *)f->yosys, "-q", "-l", (char *)log, (char *)script, NULL};
  char out[PATH_MAX + 64];
  coda_path_join(out, sizeof out, dir, "yosys.out");
  if (run(argv, dir, out) != 0) {
    char lp[PATH_MAX + 64], e[256];
    coda_path_join(lp, sizeof lp, dir, log);
    coda_log_first_error(lp, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "energy: %s: yosys %s failed (%s): %s", f->cb->name, script, lp, e);
  }
  return CODA_OK;
}

static int build_netlist(eflow_t *f, const char *dir, FILE *progress, coda_err_t *err) {
  char s[16384];
  size_t n = 0;
  const char *L = f->liberty, *T = f->cb->rtl_top;
  n += (size_t)snprintf(s + n, sizeof s - n, "# generated by coda energy (%s)\nread_verilog -sv -defer -I\"%s/rtl/include\"",
                        ENERGY_FLOW_VERSION, f->root);
  for (const char *const *r = f->cb->rtl_files; *r && n < sizeof s; r++)
    n += (size_t)snprintf(s + n, sizeof s - n, " \"%s/%s\"", f->root, *r);
  n += (size_t)snprintf(s + n, sizeof s - n, "\nhierarchy -check -top %s", T);
  for (int i = 0; i < f->np && n < sizeof s; i++)
    n += (size_t)snprintf(s + n, sizeof s - n, " -chparam %s %" PRIu64, f->prtl[i], f->pval[i]);
  /* Delay-driven mapping with buffering and sizing, as the area flow's timing
   * netlist: an area-only mapping leaves broadcast nets unbuffered, and their
   * slews then inflate every receiving cell's internal power (superlinearly
   * in the tile's width). Same constraints as coda area. */
  if (n < sizeof s)
    snprintf(s + n, sizeof s - n,
             "\nsynth -top %s -noabc\nflatten\nopt_clean\ndfflibmap -liberty \"%s\"\n"
             "abc -D %.0f -constr energy.constr -liberty \"%s\"\nopt_clean -purge\n"
             "tee -q -o syn_stat.txt stat -liberty \"%s\"\nwrite_verilog -noattr -simple-lhs net.v\n",
             T, L, 1e6 / f->cfg.core_freq_mhz, L, L);
  int rc = write_file(dir, "syn.ys", s, err);
  if (!rc) rc = write_file(dir, "energy.constr", "set_driving_cell INVX1\nset_load 0.01\n", err);
  snprintf(s, sizeof s, "read_liberty -ignore_miss_func \"%s\"\nwrite_verilog -noattr cells.v\n", L);
  if (!rc) rc = write_file(dir, "cells.ys", s, err);
  snprintf(s, sizeof s, "read_liberty -lib \"%s\"\nread_verilog net.v\nhierarchy -top %s\nwrite_json net.json\n", L, T);
  if (!rc) rc = write_file(dir, "json.ys", s, err);
  if (!rc) rc = write_file(dir, "cov.vlt", "`verilator_config\ncoverage_off -file \"*cells.v\"\n", err);
  if (progress) {
    char par[512] = "";
    size_t k = 0;
    for (int i = 0; i < f->np && k < sizeof par; i++)
      k += (size_t)snprintf(par + k, sizeof par - k, "%s%s=%" PRIu64, i ? " " : "", f->pkey[i], f->pval[i]);
    fprintf(progress, "coda: energy: synthesizing and verilating the %s tile (%s); cached in %s\n", f->cb->name,
            par, f->cache);
    fflush(progress);
  }
  if (!rc) rc = yosys_step(f, dir, "syn.ys", "yosys_syn.log", err);
  if (!rc) rc = yosys_step(f, dir, "cells.ys", "yosys_cells.log", err);
  if (!rc) rc = yosys_step(f, dir, "json.ys", "yosys_json.log", err);
  if (rc) return rc;

  /* verilate */
  char obj[PATH_MAX + 64], log[PATH_MAX + 64], cflags[PATH_MAX + 64], ldflags[PATH_MAX + 64], drv[PATH_MAX + 64];
  coda_path_join(obj, sizeof obj, dir, "obj");
  coda_path_join(log, sizeof log, dir, "verilator.log");
  snprintf(cflags, sizeof cflags, "-I%s -O1", f->root);
  snprintf(ldflags, sizeof ldflags, "%s/build/libcoda.a -ljansson -lz -lm", f->root);
  coda_path_join(drv, sizeof drv, f->root, "sim/energy/driver.cc");
  char *vargv[] = {f->verilator, "--cc", "--exe", "--coverage-toggle", "--coverage-underscore", "-Wno-fatal",
                   "-Wno-lint", "-Wno-style", "--prefix", "Vtop", "--top-module", (char *)T, "--Mdir", obj,
                   "-CFLAGS", cflags, "-LDFLAGS", ldflags, "cov.vlt", "cells.v", "net.v", drv, NULL};
  if (run(vargv, dir, log) != 0) {
    char e[256];
    coda_log_first_error(log, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "energy: %s: verilating the netlist failed (%s): %s", f->cb->name, log, e);
  }
  char jobs[32];
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  snprintf(jobs, sizeof jobs, "-j%ld", ncpu > 0 ? ncpu : 1);
  char make[PATH_MAX];
  if (!coda_find_exe("make", make, sizeof make)) snprintf(make, sizeof make, "/usr/bin/make");
  /* gate-level C++ is huge: compile it unoptimized (seconds, not minutes) */
  char *margv[] = {make, jobs, "-C", obj, "-f", "Vtop.mk", "OPT_FAST=-O0", "OPT_SLOW=-O0", "OPT_GLOBAL=-O1", NULL};
  if (run(margv, dir, log) != 0)
    return coda_errf(err, CODA_EINVAL, "energy: %s: building the verilated netlist failed; see %s", f->cb->name, log);
  char stamp[64];
  snprintf(stamp, sizeof stamp, "%016" PRIx64 "\n", f->libh);
  return write_file(dir, "libcoda.hash", stamp, err);
}

/* The netlist folder, built if missing, relinked if libcoda.a changed;
 * returns with *lock held (exclusive). */
static int ensure_netlist(eflow_t *f, FILE *progress, int *lock, coda_err_t *err) {
  if (coda_mkdir_p(f->cache)) return coda_errf(err, CODA_EIO, "%s: cannot create: %s", f->cache, strerror(errno));
  char lp[PATH_MAX + 64];
  snprintf(lp, sizeof lp, "%s.lock", f->ndir);
  *lock = open(lp, O_RDWR | O_CREAT, 0644);
  if (*lock < 0) return coda_errf(err, CODA_EIO, "%s: %s", lp, strerror(errno));
  flock(*lock, LOCK_EX);
  char exe[PATH_MAX + 64];
  coda_path_join(exe, sizeof exe, f->ndir, "obj/Vtop");
  if (!coda_is_file(exe)) {
    char tmp[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", f->ndir, (long)getpid());
    coda_rm_rf(tmp);
    if (coda_mkdir_p(tmp)) return coda_errf(err, CODA_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    int rc = build_netlist(f, tmp, progress, err);
    if (rc) {
      char failed[PATH_MAX + 64];
      snprintf(failed, sizeof failed, "%s.failed", f->ndir);
      coda_rm_rf(failed);
      rename(tmp, failed);
      return rc;
    }
    coda_rm_rf(f->ndir);
    if (rename(tmp, f->ndir)) return coda_errf(err, CODA_EIO, "%s: cannot rename: %s", tmp, strerror(errno));
    return CODA_OK;
  }
  char sp[PATH_MAX + 64];
  coda_path_join(sp, sizeof sp, f->ndir, "libcoda.hash");
  char *st = coda_read_file(sp, NULL, NULL);
  uint64_t old = st ? strtoull(st, NULL, 16) : 0;
  free(st);
  if (old == f->libh) return CODA_OK;
  char obj[PATH_MAX + 64], log[PATH_MAX + 64], make[PATH_MAX];
  coda_path_join(obj, sizeof obj, f->ndir, "obj");
  coda_path_join(log, sizeof log, f->ndir, "relink.log");
  if (!coda_find_exe("make", make, sizeof make)) snprintf(make, sizeof make, "/usr/bin/make");
  unlink(exe);
  char *margv[] = {make, "-s", "-C", obj, "-f", "Vtop.mk", "OPT_FAST=-O0", "OPT_SLOW=-O0", "OPT_GLOBAL=-O1", NULL};
  if (run(margv, f->ndir, log) != 0 || !coda_is_file(exe))
    return coda_errf(err, CODA_EIO, "energy: relinking %s against build/libcoda.a failed; see %s", exe, log);
  char stamp[64];
  snprintf(stamp, sizeof stamp, "%016" PRIx64 "\n", f->libh);
  return write_file(f->ndir, "libcoda.hash", stamp, err);
}

/* ---- activity: coverage.dat + ports -> toggles per bit of net.json ------------- */

typedef struct tog_map {
  char **name;     /* "net[idx]" or "net" */
  uint64_t *count;
  size_t n, cap;
} tog_map_t;

static int tog_add(tog_map_t *m, const char *name, uint64_t c) {
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 4096;
    char **nn = realloc(m->name, cap * sizeof *nn);
    if (!nn) return -1;
    m->name = nn;
    uint64_t *nc = realloc(m->count, cap * sizeof *nc);
    if (!nc) return -1;
    m->count = nc;
    m->cap = cap;
  }
  m->name[m->n] = strdup(name);
  if (!m->name[m->n]) return -1;
  m->count[m->n++] = c;
  return 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tog_free(tog_map_t *m) {
  for (size_t i = 0; i < m->n; i++) free(m->name[i]);
  free(m->name);
  free(m->count);
}

static long tog_find(const tog_map_t *m, const char *name) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(m->name[mid], name);
    if (!c) return (long)mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/* Verilator writes "a.b[3]" as "a__02eb__05b3__05d": __0XX is a hex byte. */
static void demangle(const char *s, char *out, size_t len) {
  size_t j = 0;
  for (size_t i = 0; s[i] && j + 1 < len;) {
    if (s[i] == '_' && s[i + 1] == '_' && s[i + 2] == '0' && isxdigit((unsigned char)s[i + 3]) &&
        isxdigit((unsigned char)s[i + 4])) {
      char hx[3] = {s[i + 3], s[i + 4], 0};
      out[j++] = (char)strtol(hx, NULL, 16);
      i += 5;
    } else {
      out[j++] = s[i++];
    }
  }
  out[j] = 0;
}

/* Reads coverage.dat (v_toggle points of the top module) and <cov>.ports. */
static int read_toggles(const char *cov, tog_map_t *m, coda_err_t *err) {
  char *t = coda_read_file(cov, NULL, err);
  if (!t) return err->code;
  for (char *l = t; l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl) *nl = 0;
    if (l[0] == 'C' && strstr(l, "v_toggle/")) {
      char *o = strstr(l, "\001o\002"), *q = strrchr(l, '\'');
      if (o && q) {
        o += 3;
        char *e = strchr(o, '\001');
        if (e) {
          char raw[512], name[512];
          snprintf(raw, sizeof raw, "%.*s", (int)(e - o), o);
          demangle(raw, name, sizeof name);
          if (tog_add(m, name, strtoull(q + 1, NULL, 10))) { free(t); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
        }
      }
    }
    l = nl ? nl + 1 : NULL;
  }
  free(t);
  char pp[PATH_MAX + 128];
  snprintf(pp, sizeof pp, "%s.ports", cov);
  t = coda_read_file(pp, NULL, err);
  if (!t) return err->code;
  for (char *l = t; l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl) *nl = 0;
    char port[64];
    unsigned long bit;
    unsigned long long c;
    if (sscanf(l, "%63s %lu %llu", port, &bit, &c) == 3) {
      char name[96];
      snprintf(name, sizeof name, "%s[%lu]", port, bit);
      if (tog_add(m, name, c)) { free(t); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
    }
    l = nl ? nl + 1 : NULL;
  }
  free(t);
  /* sort name/count pairs together */
  typedef struct { char *n; uint64_t c; } pair_t;
  pair_t *pr = malloc((m->n ? m->n : 1) * sizeof *pr);
  if (!pr) return coda_errf(err, CODA_ENOMEM, "out of memory");
  for (size_t i = 0; i < m->n; i++) { pr[i].n = m->name[i]; pr[i].c = m->count[i]; }
  qsort(pr, m->n, sizeof *pr, cmp_names); /* first member is the name pointer */
  for (size_t i = 0; i < m->n; i++) { m->name[i] = pr[i].n; m->count[i] = pr[i].c; }
  free(pr);
  return CODA_OK;
}

/* Per bit id of net.json: its toggles (-1 unknown), its driver. */
typedef struct bitinfo {
  int64_t toggles;
  const char *cell, *pin; /* driving cell instance and output pin (borrowed from the JSON) */
  int in_bit;             /* >= 0: bit of in_i */
  int clk, rst;
} bitinfo_t;

typedef struct activity {
  double cycles;
  uint64_t nets, nets_toggling, driven, driven_set, in_bits;
  double sum_rate, max_rate, in_rate_sum;
  uint64_t in_toggles, internal_toggles, pins_set;
} activity_t;

static int strip_name(const char *s, char *out, size_t len) {
  snprintf(out, len, "%s", s[0] == '\\' ? s + 1 : s);
  return 0;
}

/* Escapes a name for a Tcl brace list (no braces in Yosys names here). */
static void tcl_pin(FILE *o, const char *cell, const char *pin) {
  char c[512];
  strip_name(cell, c, sizeof c);
  fprintf(o, "%s/%s", c, pin);
}

/* Writes activity.tcl from net.json and the toggles; fills a. */
static int write_activity(const eflow_t *f, const char *netjson, const tog_map_t *tm, const char *out,
                          double cycles, activity_t *a, coda_err_t *err) {
  json_error_t je;
  json_t *j = json_load_file(netjson, 0, &je);
  if (!j) return coda_errf(err, CODA_EINVAL, "%s:%d: %s", netjson, je.line, je.text);
  json_t *mod = json_object_get(json_object_get(j, "modules"), f->cb->rtl_top);
  if (!mod) { json_decref(j); return coda_errf(err, CODA_EINVAL, "%s: no module %s", netjson, f->cb->rtl_top); }
  /* largest bit id */
  json_int_t maxbit = 0;
  const char *k;
  json_t *v;
  json_t *nets = json_object_get(mod, "netnames"), *cells = json_object_get(mod, "cells");
  json_object_foreach(nets, k, v) {
    json_t *bits = json_object_get(v, "bits");
    for (size_t i = 0; i < json_array_size(bits); i++)
      if (json_is_integer(json_array_get(bits, i)) && json_integer_value(json_array_get(bits, i)) > maxbit)
        maxbit = json_integer_value(json_array_get(bits, i));
  }
  bitinfo_t *bi = calloc((size_t)maxbit + 1, sizeof *bi);
  if (!bi) { json_decref(j); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  for (json_int_t i = 0; i <= maxbit; i++) { bi[i].toggles = -1; bi[i].in_bit = -1; }
  json_object_foreach(nets, k, v) {
    json_t *bits = json_object_get(v, "bits");
    json_int_t off = json_integer_value(json_object_get(v, "offset"));
    int upto = json_integer_value(json_object_get(v, "upto")) != 0;
    size_t nb = json_array_size(bits);
    char base[400];
    strip_name(k, base, sizeof base);
    for (size_t i = 0; i < nb; i++) {
      json_t *b = json_array_get(bits, i);
      if (!json_is_integer(b)) continue;
      json_int_t id = json_integer_value(b);
      char nm[512];
      if (nb == 1 && !json_object_get(v, "offset") && strcmp(base, "in_i") && strcmp(base, "out_o"))
        snprintf(nm, sizeof nm, "%s", base);
      else
        snprintf(nm, sizeof nm, "%s[%lld]", base, (long long)(upto ? off + (json_int_t)nb - 1 - (json_int_t)i : off + (json_int_t)i));
      long t = tog_find(tm, nm);
      if (t >= 0 && (int64_t)tm->count[t] > bi[id].toggles) bi[id].toggles = (int64_t)tm->count[t];
      if (!strcmp(base, "in_i")) bi[id].in_bit = (int)(upto ? off + (json_int_t)nb - 1 - (json_int_t)i : off + (json_int_t)i);
      if (!strcmp(base, "clk_i")) bi[id].clk = 1;
      if (!strcmp(base, "rst_ni")) bi[id].rst = 1;
    }
  }
  json_object_foreach(cells, k, v) {
    json_t *dirs = json_object_get(v, "port_directions"), *con = json_object_get(v, "connections");
    const char *pin;
    json_t *d;
    json_object_foreach(dirs, pin, d) {
      if (strcmp(json_string_value(d) ? json_string_value(d) : "", "output")) continue;
      json_t *bits = json_object_get(con, pin);
      for (size_t i = 0; i < json_array_size(bits); i++) {
        json_t *b = json_array_get(bits, i);
        if (!json_is_integer(b)) continue;
        bi[json_integer_value(b)].cell = k;
        bi[json_integer_value(b)].pin = pin;
      }
    }
  }
  FILE *o = fopen(out, "w");
  if (!o) { free(bi); json_decref(j); return coda_errf(err, CODA_EIO, "%s: cannot write", out); }
  fprintf(o, "# generated by coda energy (%s): toggles per cycle of every net, from co-simulation stimulus\n"
             "# measured over %.0f cycles on the verilated netlist (zero-delay, no glitches)\n",
          ENERGY_FLOW_VERSION, cycles);
  memset(a, 0, sizeof *a);
  a->cycles = cycles;
  for (json_int_t i = 0; i <= maxbit; i++) {
    bitinfo_t *b = &bi[i];
    if (b->clk) continue;
    int used = b->cell || b->in_bit >= 0 || b->rst;
    if (!used) continue;
    a->nets++;
    double rate = b->toggles > 0 ? (double)b->toggles / cycles : 0.0;
    if (b->toggles > 0) a->nets_toggling++;
    if (rate > a->max_rate) a->max_rate = rate;
    a->sum_rate += rate;
    if (b->in_bit >= 0 || b->rst) {
      if (b->in_bit >= 0) { a->in_bits++; a->in_rate_sum += rate; a->in_toggles += (uint64_t)(b->toggles > 0 ? b->toggles : 0); }
      if (b->rst) fprintf(o, "set_power_activity -input_ports [get_ports {rst_ni}] -activity %.9g\n", rate);
      else fprintf(o, "set_power_activity -input_ports [get_ports {in_i[%d]}] -activity %.9g\n", b->in_bit, rate);
      continue;
    }
    a->driven++;
    if (b->toggles >= 0) {
      a->driven_set++;
      a->internal_toggles += (uint64_t)b->toggles;
    }
  }
  /* every pin of every cell gets its net's rate: OpenSTA 2019 reads the
   * activity of each pin it evaluates (inputs for internal power, outputs
   * for switching), and its set_power_activity -pins is broken in this
   * build (calls a missing get_pins_error), so the pin-level command
   * behind it is used; the clock net keeps the clock's activity. */
  char rp[PATH_MAX + 128];
  snprintf(rp, sizeof rp, "%s.inst", out);
  FILE *ri = fopen(rp, "w");
  if (!ri) { fclose(o); free(bi); json_decref(j); return coda_errf(err, CODA_EIO, "%s: cannot write", rp); }
  json_object_foreach(cells, k, v) {
    json_t *dirs = json_object_get(v, "port_directions");
    json_t *con = json_object_get(v, "connections");
    const char *pin;
    json_t *bits;
    double orate = 0;
    json_object_foreach(con, pin, bits) {
      const char *dir = json_string_value(json_object_get(dirs, pin));
      if (!dir || strcmp(dir, "output") || !json_is_integer(json_array_get(bits, 0))) continue;
      const bitinfo_t *b = &bi[json_integer_value(json_array_get(bits, 0))];
      orate = b->toggles > 0 ? (double)b->toggles / cycles : 0.0;
    }
    char cn[512];
    strip_name(k, cn, sizeof cn);
    const char *type = json_string_value(json_object_get(v, "type"));
    fprintf(ri, "%s %s %.9g\n", cn, type ? type : "?", orate);
    json_object_foreach(con, pin, bits) {
      if (json_array_size(bits) != 1 || !json_is_integer(json_array_get(bits, 0))) continue;
      const bitinfo_t *b = &bi[json_integer_value(json_array_get(bits, 0))];
      if (b->clk || (b->toggles < 0 && b->in_bit < 0)) continue;
      double rate = b->toggles > 0 ? (double)b->toggles / cycles : 0.0;
      fprintf(o, "sta::set_power_pin_activity [get_pins {");
      tcl_pin(o, k, pin);
      fprintf(o, "}] %.9g 0.5\n", rate);
      a->pins_set++;
    }
  }
  fclose(o);
  fclose(ri);
  free(bi);
  json_decref(j);
  return CODA_OK;
}

/* ---- OpenSTA: report_power ------------------------------------------------------ */

typedef struct power {
  double v[3][4]; /* [sequential, combinational, total][internal, switching, leakage, total], W */
} power_t;

/* nom_voltage and default_wire_load of the liberty (0 / "" if absent). */
static void liberty_facts(const char *lib, double *volt, char *wl, size_t wll, char *name, size_t nl) {
  *volt = 0;
  wl[0] = name[0] = 0;
  char *t = coda_read_file(lib, NULL, NULL);
  if (!t) return;
  const char *p = strstr(t, "nom_voltage");
  if (p && (p = strchr(p, ':'))) *volt = strtod(p + 1, NULL);
  p = strstr(t, "default_wire_load ");
  if (!p) p = strstr(t, "default_wire_load:");
  if (p && (p = strchr(p, ':'))) {
    p++;
    while (*p == ' ' || *p == '"') p++;
    size_t n = strcspn(p, "\";\n");
    snprintf(wl, wll, "%.*s", (int)n, p);
  }
  p = strstr(t, "library");
  if (p && (p = strchr(p, '('))) {
    p++;
    while (*p == ' ' || *p == '"') p++;
    size_t n = strcspn(p, "\")");
    snprintf(name, nl, "%.*s", (int)n, p);
  }
  free(t);
}

static double syn_area(const char *dir, long *cells) {
  char p[PATH_MAX + 32];
  coda_path_join(p, sizeof p, dir, "syn_stat.txt");
  char *t = coda_read_file(p, NULL, NULL);
  double a = NAN;
  *cells = 0;
  if (!t) return a;
  const char *q = strstr(t, "Number of cells:");
  if (q) *cells = strtol(q + 16, NULL, 10);
  q = strstr(t, "Chip area for module");
  if (q && (q = strstr(q, "': "))) a = strtod(q + 3, NULL);
  free(t);
  return a;
}

static json_t *power_json(const double *v) {
  return json_pack("{s:f, s:f, s:f, s:f}", "internal_mw", v[0] * 1e3, "switching_mw", v[1] * 1e3, "leakage_mw",
                   v[2] * 1e3, "total_mw", v[3] * 1e3);
}

static uint64_t stat_value(const char *stats, const char *key) {
  const char *p = strstr(stats, key);
  return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

typedef struct inst_rate {
  char *name;
  int seq;
  double rate;
} inst_rate_t;

static int cmp_inst(const void *a, const void *b) {
  return strcmp(((const inst_rate_t *)a)->name, ((const inst_rate_t *)b)->name);
}

/* Power of every instance at its own rate: P = P(a=0) + (P(a=1) - P(a=0)) x rate
 * for internal and switching power, leakage at a=0; summed by group. */
static int inst_power(const char *slog, const char *rates, power_t *p, coda_err_t *err) {
  char *rt = coda_read_file(rates, NULL, err);
  if (!rt) return err->code;
  size_t cap = 1024, n = 0;
  inst_rate_t *ir = malloc(cap * sizeof *ir);
  for (char *l = rt; ir && l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl) *nl = 0;
    char *sp1 = strchr(l, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (sp1 && sp2) {
      if (n == cap) {
        inst_rate_t *x = realloc(ir, (cap *= 2) * sizeof *ir);
        if (!x) { free(ir); ir = NULL; break; }
        ir = x;
      }
      *sp1 = *sp2 = 0;
      ir[n].name = l;
      ir[n].seq = !strncmp(sp1 + 1, "DFF", 3) || !strncmp(sp1 + 1, "LATCH", 5);
      ir[n].rate = strtod(sp2 + 1, NULL);
      n++;
    }
    l = nl ? nl + 1 : NULL;
  }
  if (!ir) { free(rt); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  qsort(ir, n, sizeof *ir, cmp_inst);
  double *a0 = calloc(n ? n * 3 : 3, sizeof *a0);
  char *t = a0 ? coda_read_file(slog, NULL, err) : NULL;
  if (!t) { free(a0); free(ir); free(rt); return a0 ? err->code : coda_errf(err, CODA_ENOMEM, "out of memory"); }
  int pass = -1, done = 0;
  size_t seen[2] = {0, 0};
  for (char *l = t; l && *l;) {
    char *nl = strchr(l, '\n');
    if (nl) *nl = 0;
    if (!strcmp(l, "CODA A0")) pass = 0;
    else if (!strcmp(l, "CODA A1")) pass = 1;
    else if (!strcmp(l, "CODA done")) done = 1;
    else if (pass >= 0) {
      double in, sw, lk, tot;
      char name[512];
      if (sscanf(l, "%lf %lf %lf %lf %511s", &in, &sw, &lk, &tot, name) == 5) {
        inst_rate_t key = {name, 0, 0};
        inst_rate_t *r = bsearch(&key, ir, n, sizeof *ir, cmp_inst);
        if (r) {
          size_t i = (size_t)(r - ir);
          seen[pass]++;
          if (pass == 0) {
            a0[3 * i] = in, a0[3 * i + 1] = sw, a0[3 * i + 2] = lk;
          } else {
            double pi = a0[3 * i] + (in - a0[3 * i]) * r->rate, ps = a0[3 * i + 1] + (sw - a0[3 * i + 1]) * r->rate;
            double v[4] = {pi, ps, a0[3 * i + 2], pi + ps + a0[3 * i + 2]};
            for (int c = 0; c < 4; c++) {
              p->v[r->seq ? 0 : 1][c] += v[c];
              p->v[2][c] += v[c];
            }
          }
        }
      }
    }
    l = nl ? nl + 1 : NULL;
  }
  free(t);
  free(a0);
  free(ir);
  free(rt);
  if (!done || seen[0] != n || seen[1] != n || !n) {
    char e[256];
    coda_log_first_error(slog, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "energy: OpenSTA's per-instance report_power is incomplete (%s: %zu/%zu/%zu "
                     "instances): %s", slog, seen[0], seen[1], n, e);
  }
  return CODA_OK;
}

/* Runs the driver and OpenSTA in rdir; builds the document. */
static int measure(const eflow_t *f, const energy_opts_t *o, const char *rdir, json_t **out, coda_err_t *err) {
  char exe[PATH_MAX + 64], cov[PATH_MAX + 64], stp[PATH_MAX + 64], log[PATH_MAX + 64];
  coda_path_join(exe, sizeof exe, f->ndir, "obj/Vtop");
  coda_path_join(cov, sizeof cov, rdir, "coverage.dat");
  coda_path_join(stp, sizeof stp, rdir, "stats.txt");
  coda_path_join(log, sizeof log, rdir, "driver.log");
  char *argv[8 + 2 * MAX_PARAMS + 20];
  char sets[MAX_PARAMS][96], wb[16], rate[32], cyc[32], seed[32];
  int n = 0;
  argv[n++] = exe;
  argv[n++] = "--block";
  argv[n++] = (char *)f->cb->name;
  for (int i = 0; i < f->np; i++) {
    char sec[48], en[48];
    const char *dot = strchr(f->pkey[i], '.');
    snprintf(sec, sizeof sec, "%.*s", dot ? (int)(dot - f->pkey[i]) : 0, f->pkey[i]);
    arch_cfg_enum_name(sec, dot ? dot + 1 : f->pkey[i], f->pval[i], en, sizeof en);
    if (strcmp(en, "?")) snprintf(sets[i], sizeof sets[i], "%s=%s", f->pkey[i], en); /* an enum: by name */
    else snprintf(sets[i], sizeof sets[i], "%s=%" PRIu64, f->pkey[i], f->pval[i]);
    argv[n++] = "--set";
    argv[n++] = sets[i];
  }
  snprintf(wb, sizeof wb, "%u", o->wbits);
  snprintf(rate, sizeof rate, "%.17g", o->valid_rate);
  snprintf(cyc, sizeof cyc, "%" PRIu64, o->cycles);
  snprintf(seed, sizeof seed, "%" PRIu64, o->seed);
  argv[n++] = "--stim";
  argv[n++] = (char *)STIM_NAMES[o->stim];
  argv[n++] = "--wbits";
  argv[n++] = wb;
  argv[n++] = "--rate";
  argv[n++] = rate;
  argv[n++] = "--cycles";
  argv[n++] = cyc;
  argv[n++] = "--seed";
  argv[n++] = seed;
  argv[n++] = "--cov";
  argv[n++] = cov;
  argv[n++] = "--stats";
  argv[n++] = stp;
  char dist[16], sigma[32];
  if (f->is_wl) {
    snprintf(dist, sizeof dist, "%d", o->dist);
    snprintf(sigma, sizeof sigma, "%.17g", o->sigma);
    argv[n++] = "--dist";
    argv[n++] = dist;
    argv[n++] = "--sigma";
    argv[n++] = sigma;
  }
  argv[n] = NULL;
  double t0 = coda_now_s();
  if (run(argv, rdir, log) != 0) {
    char e[256];
    coda_log_first_error(log, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "energy: %s: the netlist driver failed (%s): %s", f->cb->name, log, e);
  }
  double t_sim = coda_now_s() - t0;
  char *stats = coda_read_file(stp, NULL, err);
  if (!stats) return err->code;
  uint64_t steps = stat_value(stats, "steps "), resets = stat_value(stats, "resets "),
           warm = stat_value(stats, "warmup "), wl_ops = stat_value(stats, "ops ");
  free(stats);

  tog_map_t tm = {0};
  int rc = read_toggles(cov, &tm, err);
  activity_t act;
  char nj[PATH_MAX + 64], at[PATH_MAX + 64];
  coda_path_join(nj, sizeof nj, f->ndir, "net.json");
  coda_path_join(at, sizeof at, rdir, "activity.tcl");
  if (!rc) rc = write_activity(f, nj, &tm, at, (double)o->cycles, &act, err);
  tog_free(&tm);
  if (rc) return rc;

  double period = 1000.0 / f->cfg.core_freq_mhz;
  char tcl[PATH_MAX * 3], nv[PATH_MAX + 64];
  coda_path_join(nv, sizeof nv, f->ndir, "net.v");
  snprintf(tcl, sizeof tcl,
           "# generated by coda energy (%s)\nread_liberty {%s}\nread_verilog {%s}\nlink_design %s\n"
           "create_clock -name clk -period %.9g [get_ports clk_i]\n"
           "# OpenSTA 2019 ignores per-pin activities in report_power (only global and input\n"
           "# activities act), so every instance is reported at global activity 0 and 1 and coda\n"
           "# interpolates each instance linearly at its output net's measured rate (activity.tcl.inst)\n"
           "set_power_activity -global -activity 0\nputs \"CODA A0\"\nreport_power -instances [get_cells *] -digits 9\n"
           "set_power_activity -global -activity 1\nputs \"CODA A1\"\nreport_power -instances [get_cells *] -digits 9\n"
           "puts \"CODA done\"\n",
           ENERGY_FLOW_VERSION, f->liberty, nv, f->cb->rtl_top, period);
  if ((rc = write_file(rdir, "power.tcl", tcl, err))) return rc;
  char slog[PATH_MAX + 64];
  coda_path_join(slog, sizeof slog, rdir, "sta.log");
  char *sargv[] = {(char *)f->sta, "-no_splash", "-exit", "power.tcl", NULL};
  t0 = coda_now_s();
  if (run(sargv, rdir, slog) != 0) {
    char e[256];
    coda_log_first_error(slog, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "energy: %s: sta failed (%s): %s", f->cb->name, slog, e);
  }
  double t_sta = coda_now_s() - t0;
  power_t pw;
  memset(&pw, 0, sizeof pw);
  char ip[PATH_MAX + 80];
  snprintf(ip, sizeof ip, "%s.inst", at);
  if ((rc = inst_power(slog, ip, &pw, err))) return rc;
  char *sl = coda_read_file(slog, NULL, NULL);
  int warned = sl && (strstr(sl, "Warning") || strstr(sl, "Error"));
  free(sl);

  /* numbers */
  /* m, n, k: the LUT / MAC arrays' shape (0 for workload blocks: their tile is "params") */
  const uint32_t tm_ = f->is_wl ? 0 : (uint32_t)f->tcfg.core_m, tn = f->is_wl ? 0 : (uint32_t)f->tcfg.core_n,
                 k = f->is_wl ? 0 : (uint32_t)f->tcfg.core_k;
  const uint32_t am = f->is_wl ? 0 : (uint32_t)f->cfg.core_m, an = f->is_wl ? 0 : (uint32_t)f->cfg.core_n;
  /* workload blocks: a PE is one INT8 MAC unit (the tile's MACs per valid beat) */
  const double pes_t = f->is_wl ? (steps ? (double)wl_ops / (double)steps : 0) : (double)tm_ * tn;
  const double scale = f->is_wl ? f->scale : (double)am * an / pes_t, pes_a = pes_t * scale;
  const double ncyc = (double)o->cycles;
  const double e_cycle_pj = pw.v[2][3] * period * 1e3; /* W x ns = nJ; x1e3 = pJ */
  const double e_dyn_pj = (pw.v[2][0] + pw.v[2][1]) * period * 1e3;
  const double e_leak_pj = pw.v[2][2] * period * 1e3;
  const double onebit = (double)steps * pes_t * k; /* lut: one-bit MACs; mac: MACs */
  double ops;
  const char *op_name, *op_def;
  if (f->is_wl && o->stim != ESTIM_COSIM) {
    ops = (double)wl_ops;
    op_name = "MACs";
    op_def = "an INT8 x INT8 MAC with an INT32 result: the block's steady workload reports the MACs each valid beat starts";
  } else if (f->is_wl) {
    ops = NAN;
    op_name = "MACs";
    op_def = "not defined for the cosim stimulus of this block (use --stimulus steady)";
  } else if (f->is_lut) {
    if (o->stim == ESTIM_COSIM) {
      ops = onebit;
      op_name = "one-bit MACs";
      op_def = "a one-bit MAC (one lookup covers K of them); the cosim stimulus mixes W1..W4, so W-bit MACs are not defined";
    } else {
      ops = onebit / o->wbits;
      op_name = "W-bit MACs";
      op_def = "a W-bit x INT8 MAC: each valid step does M x N lookups of K one-bit MACs; a W-bit MAC group needs W steps (bit-planes), so W-bit MACs = steps x M x N x K / W";
    }
  } else {
    ops = onebit;
    op_name = "MACs";
    op_def = "a W-bit x INT8 MAC: each valid step does M x N x K dequantize-multiply-accumulates";
  }
  const double e_op_pj = ops > 0 ? e_cycle_pj * ncyc / ops : NAN;
  const double e_dyn_op_pj = ops > 0 ? e_dyn_pj * ncyc / ops : NAN;

  double volt;
  char wl[64], libname[64];
  liberty_facts(f->liberty, &volt, wl, sizeof wl, libname, sizeof libname);
  long cells = 0;
  double area = syn_area(f->ndir, &cells);

  json_t *d = json_object();
  json_object_set_new(d, "schema", json_string(ENERGY_SCHEMA));
  json_object_set_new(d, "block", json_string(f->cb->name));
  json_object_set_new(d, "top", json_string(f->cb->rtl_top));
  json_object_set_new(d, "config", json_string(f->cfg.name));
  json_t *tp = json_array();
  for (int i = 0; i < f->np; i++)
    json_array_append_new(tp, json_pack("{s:s, s:s, s:I}", "key", f->pkey[i], "rtl", f->prtl[i], "value",
                                        (json_int_t)f->pval[i]));
  json_object_set_new(d, "tile", json_pack("{s:o, s:i, s:i, s:i, s:i, s:f, s:I}", "params", tp, "m", (int)tm_, "n",
                                           (int)tn, "k", (int)k, "pes", (int)pes_t, "area_um2", area, "cells",
                                           (json_int_t)cells));
  json_object_set_new(d, "array", json_pack("{s:i, s:i, s:i, s:i, s:f}", "m", (int)am, "n", (int)an, "k", (int)k,
                                            "pes", (int)pes_a, "pes_over_tile_pes_ratio", scale));
  json_object_set_new(d, "stimulus", json_pack("{s:s, s:i, s:f, s:I, s:I, s:I, s:I, s:I}", "kind",
                                               STIM_NAMES[o->stim], "wbits", (int)o->wbits, "valid_rate",
                                               o->valid_rate, "seed", (json_int_t)o->seed, "cycles",
                                               (json_int_t)o->cycles, "warmup_cycles", (json_int_t)warm,
                                               "valid_steps", (json_int_t)steps, "resets", (json_int_t)resets));
  json_object_set_new(d, "clock", json_pack("{s:f, s:f}", "freq_mhz", f->cfg.core_freq_mhz, "period_ns", period));
  json_object_set_new(d, "liberty", json_pack("{s:s, s:s, s:f, s:s}", "name", libname, "file", f->liberty,
                                              "nom_voltage_v", volt, "wire_load", wl[0] ? wl : "none"));
  json_object_set_new(d, "tools", json_pack("{s:s, s:s, s:s}", "yosys", f->yosys_ver, "sta", f->sta_ver,
                                            "verilator", f->vl_ver));
  json_object_set_new(d, "power_tile", json_pack("{s:o, s:o, s:o}", "sequential", power_json(pw.v[0]),
                                                 "combinational", power_json(pw.v[1]), "total",
                                                 power_json(pw.v[2])));
  json_object_set_new(d, "energy_per_cycle_tile_pj", json_real(e_cycle_pj));
  json_object_set_new(d, "dynamic_energy_per_cycle_tile_pj", json_real(e_dyn_pj));
  json_object_set_new(d, "leakage_energy_per_cycle_tile_pj", json_real(e_leak_pj));
  json_object_set_new(d, "energy_per_cycle_array_pj", json_real(e_cycle_pj * scale));
  json_object_set_new(d, "power_array_mw", json_real(pw.v[2][3] * 1e3 * scale));
  json_object_set_new(d, "energy_per_pe_cycle_pj", json_real(e_cycle_pj / pes_t));
  json_object_set_new(d, "ops", json_pack("{s:s, s:s, s:f, s:f, s:f}", "name", op_name, "definition", op_def,
                                          "measured", ops, "per_cycle_tile", ops / ncyc, "per_cycle_array",
                                          ops / ncyc * scale));
  json_object_set_new(d, "energy_per_op_pj", json_real(e_op_pj));
  json_object_set_new(d, "dynamic_energy_per_op_pj", json_real(e_dyn_op_pj));
  if (f->is_lut)
    json_object_set_new(d, "energy_per_1b_mac_pj", json_real(onebit > 0 ? e_cycle_pj * ncyc / onebit : NAN));
  json_object_set_new(d, "ops_per_j", json_real(e_op_pj > 0 ? 1e12 / e_op_pj : 0));
  json_object_set_new(d, "activity", json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:I}", "nets", (json_int_t)act.nets,
                                               "nets_toggling", (json_int_t)act.nets_toggling, "driven_nets",
                                               (json_int_t)act.driven, "driven_nets_measured",
                                               (json_int_t)act.driven_set, "mean_toggle_rate",
                                               act.nets ? act.sum_rate / (double)act.nets : 0.0,
                                               "max_toggle_rate", act.max_rate, "input_toggle_rate",
                                               act.in_bits ? act.in_rate_sum / (double)act.in_bits : 0.0,
                                               "internal_toggles", (json_int_t)act.internal_toggles));
  json_object_set_new(d, "sta_warnings", json_boolean(warned));
  json_object_set_new(d, "time_s", json_pack("{s:f, s:f}", "netlist_sim_s", t_sim, "sta_s", t_sta));
  char note[8192], shape[512];
  if (f->is_wl) {
    size_t sl = (size_t)snprintf(shape, sizeof shape, "of the area registry's timing tile (");
    for (int i = 0; i < f->np && sl < sizeof shape; i++)
      sl += (size_t)snprintf(shape + sl, sizeof shape - sl, "%s%s=%" PRIu64, i ? " " : "", f->pkey[i], f->pval[i]);
    snprintf(shape + (sl < sizeof shape ? sl : sizeof shape - 1), sizeof shape - (sl < sizeof shape ? sl : sizeof shape - 1),
             "; the configured array has %.4g x its INT8 MAC units), operands %s%s", f->scale,
             o->dist == COSIM_DIST_NORMAL ? "normal, sigma " : o->dist == COSIM_DIST_ZERO ? "all zero" : "uniform INT8",
             "");
    if (o->dist == COSIM_DIST_NORMAL) {
      size_t l = strlen(shape);
      snprintf(shape + l, sizeof shape - l, "%g", o->sigma);
    }
  } else {
    snprintf(shape, sizeof shape, "of M%u N%u K%u (the configured array is M%u N%u)", tm_, tn, k, am, an);
  }
  snprintf(note, sizeof note,
           "Netlist: %s synthesized with Yosys onto %s (%.200s), flattened, delay-driven mapping with buffering (abc -D at the config's clock, as coda area's timing netlist), a TILE "
           "%s: energy per op is per PE, and the array's energy per "
           "cycle is the tile's x %.4g PEs ratio, so each PE carries its tile share of the shared logic (row "
           "tables, column weights%s). Activity: the same net.v verilated with the liberty cells' functions, "
           "%s stimulus (W%u, valid-rate %.2f, seed %" PRIu64 ") for %" PRIu64 " cycles after %" PRIu64
           " warm-up cycles; per-net toggles from Verilator toggle coverage (input and output ports counted "
           "by the driver) are zero-delay counts: no glitches, so combinational switching is a lower bound. "
           "Power: OpenSTA report_power per instance at clock %.4g ns (core.freq_mhz) from the liberty's "
           "internal power tables and pin capacitances; this OpenSTA (2019) ignores per-pin activities "
           "(set_power_activity -pins is broken, the pin-level call has no effect), so each instance is "
           "reported at global activity 0 (clock and leakage only) and 1, and its internal and switching "
           "power interpolated linearly at its output net's measured toggles per cycle (input-pin activities "
           "are thus approximated by the output's; duty 0.5), wire load %s, ideal clock (no clock tree), default input slews. Energy per cycle = "
           "(internal + switching + leakage) x period. 0.18 um OSU cells at %.2f V (nom_voltage): absolute "
           "numbers are far above the simulator's 45 nm Horowitz table (roughly (0.18/0.045) x (1.8/0.9)^2 = "
           "16x by scaling); compare designs with each other, not with that table.",
           f->cb->rtl_top, libname, f->liberty, shape, scale,
           f->is_lut ? ", precompute unit" : f->is_wl ? ", encoders" : ", dequantizers", STIM_NAMES[o->stim], o->wbits, o->valid_rate,
           o->seed, o->cycles, warm, period, wl[0] ? wl : "none (the liberty has no wire-load model)", volt);
  json_object_set_new(d, "method", json_string(note));
  json_object_set_new(d, "key", json_string(f->rkey));
  json_object_set_new(d, "netlist_key", json_string(f->nkey));
  *out = d;
  return CODA_OK;
}

static void artifacts(json_t *d, const eflow_t *f, const char *rdir) {
  json_object_set_new(d, "artifacts", json_pack("{s:s, s:s}", "netlist_dir", f->ndir, "run_dir", rdir));
}

int energy_run(const char *name, const arch_cfg_t *cfg, const energy_opts_t *o, json_t **doc, coda_err_t *err) {
  *doc = NULL;
  eflow_t *f = calloc(1, sizeof *f);
  if (!f) return coda_errf(err, CODA_ENOMEM, "out of memory");
  int rc = setup(f, name, cfg, o, err);
  if (rc) { free(f); return rc; }
  char rdir[PATH_MAX + 64], jp[PATH_MAX + 64], nm[64];
  snprintf(nm, sizeof nm, "run-%s", f->rkey);
  coda_path_join(rdir, sizeof rdir, f->cache, nm);
  snprintf(nm, sizeof nm, "%s.json", f->rkey);
  coda_path_join(jp, sizeof jp, f->cache, nm);
  if (coda_is_file(jp)) {
    json_t *d = json_load_file(jp, 0, NULL);
    if (d && !strcmp(json_string_value(json_object_get(d, "schema")) ? json_string_value(json_object_get(d, "schema")) : "",
                     ENERGY_SCHEMA)) {
      json_object_set_new(d, "cache", json_string("hit"));
      artifacts(d, f, rdir);
      *doc = d;
      free(f);
      return CODA_OK;
    }
    json_decref(d);
  }
  int lock = -1;
  rc = ensure_netlist(f, o->progress, &lock, err);
  if (!rc) {
    coda_rm_rf(rdir);
    if (coda_mkdir_p(rdir)) rc = coda_errf(err, CODA_EIO, "%s: cannot create: %s", rdir, strerror(errno));
  }
  json_t *d = NULL;
  if (!rc) rc = measure(f, o, rdir, &d, err);
  if (lock >= 0) close(lock);
  if (!rc) {
    char tmp[PATH_MAX + 96];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", jp, (long)getpid());
    if (json_dump_file(d, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) || rename(tmp, jp))
      rc = coda_errf(err, CODA_EIO, "%s: cannot write the cached result", jp);
  }
  if (rc) {
    json_decref(d);
    free(f);
    return rc;
  }
  json_object_set_new(d, "cache", json_string("miss"));
  artifacts(d, f, rdir);
  *doc = d;
  free(f);
  return CODA_OK;
}
