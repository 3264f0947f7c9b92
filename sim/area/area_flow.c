/* area_flow.c: the Yosys + OpenSTA flow behind `coda area`, and its cache.
 *
 * One run (area_run):
 *   1. checks: the block's range check, yosys and sta on PATH, the liberty
 *      (build/tech/osu018, `make tech`), the RTL files;
 *   2. key = FNV-1a 64 of (flow version, tool versions, liberty bytes, RTL
 *      file names and bytes, top, resolved parameters, timing netlist choice,
 *      clock period); <cache>/<key>.json + <cache>/<key>/ is a hit;
 *   3. otherwise, in <cache>/<key>.tmp.<pid>/, two Yosys runs in parallel:
 *        area.ys   -> area_netlist.v   (hierarchical, area-mapped)
 *        timing.ys -> timing_netlist.v (flat, delay-driven, buffered, sized)
 *      then OpenSTA: sta_timing.tcl sources sta_setup.tcl (liberty, netlist,
 *      clock, I/O constraints) and prints the worst path;
 *   4. the numbers: cell areas come from the liberty, cell counts and the
 *      hierarchy from `stat -json`; the total is checked against Yosys's own
 *      `stat -liberty` figure. The folder becomes <cache>/<key>/ and the
 *      document <cache>/<key>.json (written last, so a hit is complete).
 * A failed run leaves its folder as <cache>/<key>.failed/ for inspection.
 *
 * Constraints (the same for ABC's -constr and for OpenSTA): inputs driven by
 * an INVX1 and arriving at the clock edge (registered outside), outputs
 * loading OUT_LOAD_PF and due at the next edge, reset a false path, ideal
 * clock, no wire load (the OSU liberty has no wire-load model).
 */
#include "area.h"
#include "../core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RTL_FILES 64
#define MAX_LIB_CELLS 256
#define IN_DRIVE_CELL "INVX1"  /* OSU018 minimum inverter: what drives the inputs */
#define IN_DRIVE_PIN "Y"
#define OUT_LOAD_PF 0.01       /* about one flip-flop D pin (OSU018 DFFPOSX1 D: 0.0088 pF) */
#define AREA_SCHEMA "coda.area.v1"






/* Starts exe with argv in cwd, stdout+stderr to log (truncated), stdin from
 * /dev/null. */
static int spawn(const char *exe, char *const argv[], const char *cwd, const char *log, pid_t *pid,
                 coda_err_t *err) {
  pid_t p = fork();
  if (p < 0) return coda_errf(err, CODA_EIO, "cannot start %s: %s", exe, strerror(errno));
  if (p == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || (cwd && chdir(cwd))) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    execv(exe, argv);
    _exit(127);
  }
  *pid = p;
  return CODA_OK;
}

/* Waits for pid; its exit status, or -1 if it died of a signal. */
static int wait_exit(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first line `exe arg` prints on stdout (tool versions). */
static int capture_line(const char *exe, const char *arg, char *out, size_t len, coda_err_t *err) {
  int fd[2];
  if (pipe(fd)) return coda_errf(err, CODA_EIO, "pipe: %s", strerror(errno));
  pid_t p = fork();
  if (p < 0) {
    close(fd[0]);
    close(fd[1]);
    return coda_errf(err, CODA_EIO, "cannot start %s: %s", exe, strerror(errno));
  }
  if (p == 0) {
    int in = open("/dev/null", O_RDWR);
    if (in < 0) _exit(126);
    dup2(in, 0);
    dup2(fd[1], 1);
    dup2(in, 2);
    close(fd[0]);
    char *const argv[] = {(char *)exe, (char *)arg, NULL};
    execv(exe, argv);
    _exit(127);
  }
  close(fd[1]);
  size_t n = 0;
  char buf[512], drain[512];
  ssize_t r;
  while (n < sizeof buf - 1 && (r = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  while (read(fd[0], drain, sizeof drain) > 0) {} /* the rest, so the child never blocks */
  close(fd[0]);
  buf[n] = 0;
  int rc = wait_exit(p);
  char *nl = strchr(buf, '\n');
  if (nl) *nl = 0;
  if (rc != 0 || !buf[0])
    return coda_errf(err, CODA_EIO, "`%s %s` failed (exit %d): is the installation broken? "
                     "(`make deps` reinstalls it)", exe, arg, rc);
  if ((size_t)snprintf(out, len, "%s", buf) >= len) out[len - 1] = 0; /* cut: fine for a version */
  return CODA_OK;
}







/* ---- liberty: cell areas ------------------------------------------------- */

typedef struct lib_cell {
  char name[32];
  double area_um2;
} lib_cell_t;

typedef struct liberty {
  char name[64];                 /* library(name) */
  lib_cell_t cell[MAX_LIB_CELLS];
  int ncell;
} liberty_t;

/* Reads `library(...)` and each `cell(...)`'s `area` (the liberty's area
 * unit; for OSU018 um2). A small scanner: comments, strings, brace depth. */
static int liberty_read(liberty_t *lib, const char *path, coda_err_t *err) {
  char *t = coda_read_file(path, NULL, err);
  if (!t) return err->code;
  memset(lib, 0, sizeof *lib);
  int depth = 0, cell_depth = -1;
  const char *s = t;
  while (*s) {
    if (s[0] == '/' && s[1] == '*') {
      const char *e = strstr(s + 2, "*/");
      s = e ? e + 2 : s + strlen(s);
      continue;
    }
    if (*s == '"') {
      const char *e = strchr(s + 1, '"');
      s = e ? e + 1 : s + strlen(s);
      continue;
    }
    if (*s == '{') { depth++; s++; continue; }
    if (*s == '}') {
      if (depth - 1 < cell_depth) cell_depth = -1;
      depth--;
      s++;
      continue;
    }
    if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) { s++; continue; }
    const char *w = s;
    while (*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')) s++;
    size_t wl = (size_t)(s - w);
    const char *q = s;
    while (*q == ' ' || *q == '\t') q++;
    if (*q == '(' && ((wl == 4 && !strncmp(w, "cell", 4) && depth == 1) ||
                      (wl == 7 && !strncmp(w, "library", 7) && depth == 0))) {
      const char *e = strchr(q, ')');
      if (!e) break;
      const char *a = q + 1;
      while (*a == ' ' || *a == '"') a++;
      size_t n = (size_t)(e - a);
      while (n && (a[n - 1] == ' ' || a[n - 1] == '"')) n--;
      if (wl == 7) {
        snprintf(lib->name, sizeof lib->name, "%.*s", (int)n, a);
      } else if (lib->ncell < MAX_LIB_CELLS) {
        snprintf(lib->cell[lib->ncell].name, sizeof lib->cell[0].name, "%.*s", (int)n, a);
        lib->cell[lib->ncell].area_um2 = NAN;
        lib->ncell++;
        cell_depth = depth + 1;
      }
      s = e + 1;
      continue;
    }
    if (wl == 4 && !strncmp(w, "area", 4) && *q == ':' && depth == cell_depth && lib->ncell)
      lib->cell[lib->ncell - 1].area_um2 = strtod(q + 1, NULL);
  }
  free(t);
  if (!lib->ncell)
    return coda_errf(err, CODA_EINVAL, "%s: no cells found; not a liberty file? (`make tech` "
                     "extracts the OSU 0.18 um one)", path);
  for (int i = 0; i < lib->ncell; i++)
    if (isnan(lib->cell[i].area_um2))
      return coda_errf(err, CODA_EINVAL, "%s: cell %s has no area", path, lib->cell[i].name);
  return CODA_OK;
}

static const lib_cell_t *lib_cell(const liberty_t *lib, const char *name) {
  for (int i = 0; i < lib->ncell; i++)
    if (!strcmp(lib->cell[i].name, name)) return &lib->cell[i];
  return NULL;
}

/* ---- Yosys stat -json: the hierarchy and its cells ----------------------- */

/* Yosys names: "\\lut_tc_core", "$paramod$<hash>\\lut_tc_acc",
 * "$paramod\\lut_tc_acc\\TermW=...". The RTL module name of each. */
static void rtl_module_name(const char *yname, char *out, size_t len) {
  const char *s = yname[0] == '\\' ? yname + 1 : yname;
  if (!strncmp(s, "$paramod", 8)) {
    const char *b = strchr(s + 8, '\\');
    if (b) {
      const char *e = strchr(b + 1, '\\');
      snprintf(out, len, "%.*s", (int)(e ? (size_t)(e - b - 1) : strlen(b + 1)), b + 1);
      return;
    }
  }
  snprintf(out, len, "%s", s);
}

static const char *strip_bs(const char *s) { return s[0] == '\\' ? s + 1 : s; }

typedef struct mod_info {
  const char *yname;   /* key in the stat JSON (borrowed) */
  char rtl[64];        /* RTL module name */
  double own_um2;      /* its own leaf cells' area */
  uint64_t own_cells;  /* its own leaf cells */
  double inst;         /* instances under the top */
  json_t *types;       /* num_cells_by_type (borrowed) */
} mod_info_t;

typedef struct hier {
  mod_info_t *m;
  int n;
} hier_t;

static int mod_index(const hier_t *h, const char *type) {
  for (int i = 0; i < h->n; i++)
    if (!strcmp(strip_bs(h->m[i].yname), strip_bs(type))) return i;
  return -1;
}

static int visit(hier_t *h, int i, double mult, int depth) {
  if (depth > 64) return -1; /* a cycle: Yosys would not produce one */
  h->m[i].inst += mult;
  const char *t;
  json_t *v;
  json_object_foreach(h->m[i].types, t, v) {
    int c = mod_index(h, t);
    if (c >= 0 && visit(h, c, mult * (double)json_integer_value(v), depth + 1)) return -1;
  }
  return 0;
}

/* Loads stat -json, attributes leaf cells to modules and counts instances
 * from `top`. Fails on a cell type that is neither a liberty cell nor a
 * module (something the mapping left unmapped). */
static int hier_load(hier_t *h, json_t *stat, const char *top, const liberty_t *lib,
                     const char *origin, coda_err_t *err) {
  memset(h, 0, sizeof *h);
  json_t *mods = json_object_get(stat, "modules");
  if (!json_is_object(mods) || !json_object_size(mods))
    return coda_errf(err, CODA_EINVAL, "%s: no \"modules\" in Yosys stat output", origin);
  h->m = calloc(json_object_size(mods), sizeof *h->m);
  if (!h->m) return coda_errf(err, CODA_ENOMEM, "out of memory");
  const char *k;
  json_t *v;
  json_object_foreach(mods, k, v) {
    mod_info_t *mi = &h->m[h->n++];
    mi->yname = k;
    rtl_module_name(k, mi->rtl, sizeof mi->rtl);
    mi->types = json_object_get(v, "num_cells_by_type"); /* NULL: no cells */
  }
  int top_i = -1;
  for (int i = 0; i < h->n; i++) {
    if (!strcmp(strip_bs(h->m[i].yname), top)) top_i = i;
    const char *t;
    json_t *c;
    json_object_foreach(h->m[i].types, t, c) {
      if (mod_index(h, t) >= 0) continue;
      const lib_cell_t *lc = lib_cell(lib, strip_bs(t));
      if (!lc)
        return coda_errf(err, CODA_EINVAL, "%s: module %s keeps cell type %s, which is not in the "
                         "liberty (unmapped logic: a latch or a memory?)", origin, h->m[i].rtl, t);
      h->m[i].own_um2 += lc->area_um2 * (double)json_integer_value(c);
      h->m[i].own_cells += (uint64_t)json_integer_value(c);
    }
  }
  if (top_i < 0) return coda_errf(err, CODA_EINVAL, "%s: top module %s not in Yosys stat output", origin, top);
  if (visit(h, top_i, 1, 0)) return coda_errf(err, CODA_EINVAL, "%s: module hierarchy too deep", origin);
  return CODA_OK;
}

static void hier_free(hier_t *h) { free(h->m); }

/* Yosys's own total: "Chip area for top module '\top': N" (or, for a flat
 * design, "Chip area for module '\top': N"). NAN if absent. */
static double yosys_total(const char *stat_txt) {
  char *t = coda_read_file(stat_txt, NULL, NULL);
  if (!t) return NAN;
  double v = NAN;
  const char *keys[] = {"Chip area for top module", "Chip area for module"};
  for (int k = 0; k < 2 && isnan(v); k++) {
    const char *p = strstr(t, keys[k]);
    if (p) p = strstr(p, "': ");
    if (p) v = strtod(p + 3, NULL);
  }
  free(t);
  return v;
}

/* ---- the scripts ----------------------------------------------------------- */

typedef struct flow {
  const area_block_t *b;
  char root[PATH_MAX];
  char liberty[PATH_MAX];
  char yosys[PATH_MAX], sta[PATH_MAX];
  char yosys_ver[256], sta_ver[128];
  char files[MAX_RTL_FILES][PATH_MAX / 4];  /* relative to root, sorted */
  int nfiles;
  int uses_include;                         /* some file has `include */
  area_param_t par[AREA_MAX_PARAMS];        /* the area netlist's */
  int npar;
  area_param_t tpar[AREA_MAX_PARAMS];       /* the timing netlist's */
  int ntpar;
  int tile;                                 /* timing netlist is a tile */
  double period_ns;                         /* clock, from core.freq_mhz */
  char key[17];
} flow_t;

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static int list_rtl(flow_t *f, coda_err_t *err) {
  char dir[PATH_MAX];
  coda_path_join(dir, sizeof dir, f->root, f->b->rtl_dir);
  DIR *d = opendir(dir);
  if (!d)
    return coda_errf(err, CODA_EIO, "%s: RTL folder %s/ is missing: %s", f->b->name, f->b->rtl_dir,
                     strerror(errno));
  struct dirent *e;
  int have_top = 0;
  f->nfiles = 0;
  char top_file[256];
  snprintf(top_file, sizeof top_file, "%s.v", f->b->top);
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n < 3 || strcmp(e->d_name + n - 2, ".v")) continue;
    if (n > 13 && !strcmp(e->d_name + n - 13, "_cosim_top.v")) continue;
    if (f->nfiles >= MAX_RTL_FILES) {
      closedir(d);
      return coda_errf(err, CODA_EINVAL, "%s: more than %d Verilog files in %s/", f->b->name,
                       MAX_RTL_FILES, f->b->rtl_dir);
    }
    coda_path_join(f->files[f->nfiles++], sizeof f->files[0], f->b->rtl_dir, e->d_name);
    if (!strcmp(e->d_name, top_file)) have_top = 1;
  }
  closedir(d);
  if (!have_top)
    return coda_errf(err, CODA_EIO, "%s: %s/%s is missing (the top the flow synthesizes)",
                     f->b->name, f->b->rtl_dir, top_file);
  qsort(f->files, (size_t)f->nfiles, sizeof f->files[0], cmp_str);
  return CODA_OK;
}

static int compute_key(flow_t *f, coda_err_t *err) {
  uint64_t h = 0xcbf29ce484222325ull;
  coda_fnv_str(&h, AREA_FLOW_VERSION);
  coda_fnv_str(&h, f->yosys_ver);
  coda_fnv_str(&h, f->sta_ver);
  int rc = coda_fnv_file(&h, f->liberty, err);
  if (rc) return rc;
  coda_fnv_str(&h, f->b->top);
  f->uses_include = 0;
  for (int i = 0; i < f->nfiles; i++) {
    char p[PATH_MAX];
    coda_path_join(p, sizeof p, f->root, f->files[i]);
    coda_fnv_str(&h, f->files[i]);
    if ((rc = coda_fnv_file(&h, p, err))) return rc;
    char *t = coda_read_file(p, NULL, NULL);
    if (t && strstr(t, "`include")) f->uses_include = 1;
    free(t);
  }
  if (f->uses_include) { /* the shared includes (rtl/include) count too */
    char inc[PATH_MAX];
    coda_path_join(inc, sizeof inc, f->root, "rtl/include");
    DIR *d = opendir(inc);
    if (d) {
      char names[MAX_RTL_FILES][256];
      int n = 0;
      struct dirent *e;
      while ((e = readdir(d)) && n < MAX_RTL_FILES)
        if (e->d_name[0] != '.') snprintf(names[n++], sizeof names[0], "%s", e->d_name);
      closedir(d);
      qsort(names, (size_t)n, sizeof names[0], cmp_str);
      for (int i = 0; i < n; i++) {
        char p[PATH_MAX];
        coda_path_join(p, sizeof p, inc, names[i]);
        coda_fnv_str(&h, names[i]);
        if (coda_is_file(p) && (rc = coda_fnv_file(&h, p, err))) return rc;
      }
    }
  }
  for (int i = 0; i < f->npar; i++) { coda_fnv_str(&h, f->par[i].rtl); coda_fnv_str(&h, f->par[i].value); }
  coda_fnv_str(&h, "timing");
  for (int i = 0; i < f->ntpar; i++) { coda_fnv_str(&h, f->tpar[i].rtl); coda_fnv_str(&h, f->tpar[i].value); }
  char per[64];
  snprintf(per, sizeof per, "%.17g", f->period_ns);
  coda_fnv_str(&h, per);
  snprintf(f->key, sizeof f->key, "%016" PRIx64, h);
  return CODA_OK;
}

static void read_files(FILE *o, const flow_t *f) {
  fprintf(o, "read_verilog -sv -defer -I\"%s/rtl/include\"", f->root);
  for (int i = 0; i < f->nfiles; i++) fprintf(o, " \\\n  \"%s/%s\"", f->root, f->files[i]);
  fprintf(o, "\n");
}

static void hierarchy(FILE *o, const flow_t *f, const area_param_t *p, int n) {
  fprintf(o, "hierarchy -check -top %s", f->b->top);
  for (int i = 0; i < n; i++) fprintf(o, " -chparam %s %s", p[i].rtl, p[i].value);
  fprintf(o, "\n");
}

static void param_comment(FILE *o, const area_param_t *p, int n) {
  for (int i = 0; i < n; i++) fprintf(o, "%s%s=%s", i ? " " : "", p[i].key, p[i].value);
}

/* dir: where the scripts run now; final_dir: where the results will live
 * (absolute), which sta_setup.tcl names so it can be sourced from anywhere
 * (OpenSTA 2019's `source` leaves [info script] unset). */
static int write_scripts(const flow_t *f, const char *dir, const char *final_dir, coda_err_t *err) {
  char path[PATH_MAX + 32];
  FILE *o;
  const char *L = f->liberty;
#define OPEN(name)                                                                            \
  do {                                                                                        \
    coda_path_join(path, sizeof path, dir, name);                                          \
    if (!(o = fopen(path, "w")))                                                              \
      return coda_errf(err, CODA_EIO, "%s: cannot write: %s", path, strerror(errno));         \
  } while (0)

  /* area: hierarchy kept, each distinct module mapped once */
  OPEN("area.ys");
  fprintf(o, "# generated by coda area (%s); do not edit\n"
             "# area netlist of %s (%s): hierarchical, area-mapped onto %s\n# ",
          AREA_FLOW_VERSION, f->b->name, f->b->top, L);
  param_comment(o, f->par, f->npar);
  fprintf(o, "\n");
  read_files(o, f);
  hierarchy(o, f, f->par, f->npar);
  fprintf(o, "synth -top %s\n"
             "dfflibmap -liberty \"%s\"\n"
             "abc -liberty \"%s\"\n"
             "opt_clean\n"
             "tee -q -o area_stat.json stat -json -liberty \"%s\"\n"
             "tee -q -o area_stat.txt stat -liberty \"%s\"\n"
             "write_verilog -noattr area_netlist.v\n",
          f->b->top, L, L, L, L);
  fclose(o);

  /* timing: flat, delay-driven with buffering and sizing (abc -constr) */
  OPEN("timing.constr");
  fprintf(o, "set_driving_cell %s\nset_load %g\n", IN_DRIVE_CELL, OUT_LOAD_PF);
  fclose(o);
  OPEN("timing.ys");
  fprintf(o, "# generated by coda area (%s); do not edit\n"
             "# timing netlist of %s (%s): flat, delay-driven (abc -D %.0f ps) onto %s\n# ",
          AREA_FLOW_VERSION, f->b->name, f->b->top, f->period_ns * 1000, L);
  param_comment(o, f->tpar, f->ntpar);
  fprintf(o, "%s\n", f->tile ? " (a tile of the configured array)" : "");
  read_files(o, f);
  hierarchy(o, f, f->tpar, f->ntpar);
  fprintf(o, "synth -top %s -noabc\n"
             "flatten\n"
             "opt_clean\n"
             "dfflibmap -liberty \"%s\"\n"
             "abc -D %.0f -constr timing.constr -liberty \"%s\"\n"
             "opt_clean\n"
             "tee -q -o timing_stat.json stat -json -liberty \"%s\"\n"
             "tee -q -o timing_stat.txt stat -liberty \"%s\"\n"
             "write_verilog -noattr -simple-lhs timing_netlist.v\n",
          f->b->top, L, f->period_ns * 1000, L, L, L);
  fclose(o);

  /* the STA setup, reusable: source it, then report_checks / set_power_activity / report_power */
  OPEN("sta_setup.tcl");
  fprintf(o, "# generated by coda area (%s); do not edit\n"
             "# OpenSTA setup of the timing netlist of %s (%s): ",
          AREA_FLOW_VERSION, f->b->name, f->b->top);
  param_comment(o, f->tpar, f->ntpar);
  fprintf(o, "\n# Source it from sta, then report_checks, set_power_activity, report_power ...\n"
             "# (set coda_netlist first to read the netlist from elsewhere)\n"
             "if {![info exists coda_netlist]} { set coda_netlist {%s/timing_netlist.v} }\n"
             "read_liberty {%s}\n"
             "read_verilog $coda_netlist\n"
             "link_design %s\n"
             "create_clock -name clk -period %.6f [get_ports clk_i]\n"
             "set coda_inputs [delete_from_list [all_inputs] [get_ports clk_i]]\n"
             "set_input_delay 0 -clock clk $coda_inputs\n"
             "set_driving_cell -lib_cell %s -pin %s $coda_inputs\n"
             "set_output_delay 0 -clock clk [all_outputs]\n"
             "set_load %g [all_outputs]\n"
             "set_false_path -from [get_ports rst_ni]\n",
          final_dir, L, f->b->top, f->period_ns, IN_DRIVE_CELL, IN_DRIVE_PIN, OUT_LOAD_PF);
  fclose(o);

  OPEN("sta_timing.tcl");
  fprintf(o,
          "# generated by coda area (%s); do not edit\n"
          "# The worst path of the timing netlist; CODA lines are what coda reads.\n"
          "set coda_netlist timing_netlist.v\n"
          "source sta_setup.tcl\n"
          "report_checks -path_delay max -digits 4 -fields {fanout cap slew nets}\n"
          "proc coda_describe {pin} {\n"
          "  set nm [get_full_name $pin]\n"
          "  if {[string first / $nm] < 0} { return \"port $nm\" }\n"
          "  set cell [get_cells -of_objects $pin]\n"
          "  set net \"\"\n"
          "  foreach q [get_pins -of_objects $cell -filter \"direction == output\"] {\n"
          "    set net [get_full_name [get_nets -of_objects $q]]\n"
          "  }\n"
          "  return \"[get_property $cell ref_name] [get_full_name $cell] $net\"\n"
          "}\n"
          "set coda_pe [lindex [find_timing_paths -path_delay max -group_count 1] 0]\n"
          "if {$coda_pe == \"\"} {\n"
          "  puts \"CODA nopath\"\n"
          "} else {\n"
          "  puts \"CODA slack_ns [expr {[$coda_pe slack] * 1e9}]\"\n"
          "  puts \"CODA arrival_ns [expr {[$coda_pe data_arrival_time] * 1e9}]\"\n"
          "  puts \"CODA required_ns [expr {[$coda_pe data_required_time] * 1e9}]\"\n"
          "  set coda_pins [[$coda_pe path] pins]\n"
          "  set coda_start \"\"\n"
          "  set coda_cells 0\n"
          "  for {set i [expr {[llength $coda_pins] - 1}]} {$i >= 0} {incr i -1} {\n"
          "    set pin [lindex $coda_pins $i]\n"
          "    set nm [get_full_name $pin]\n"
          "    if {$coda_start == \"\"} {\n"
          "      if {$nm == \"clk_i\"} { continue }\n"
          "      set coda_start $pin\n"
          "    }\n"
          "    if {[string first / $nm] >= 0 && [get_property $pin direction] == \"output\"} {\n"
          "      incr coda_cells\n"
          "    }\n"
          "  }\n"
          "  puts \"CODA start [coda_describe $coda_start]\"\n"
          "  puts \"CODA end [coda_describe [lindex $coda_pins 0]]\"\n"
          "  puts \"CODA cells $coda_cells\"\n"
          "}\n"
          "puts \"CODA done\"\n",
          AREA_FLOW_VERSION);
  fclose(o);
#undef OPEN
  return CODA_OK;
}

/* ---- reading the results ---------------------------------------------------- */

/* Yosys 0.23's `stat -json` prints the text hierarchy tree of submodules
 * into its JSON (between "modules" and "design"); those lines are dropped:
 * every JSON line starts with a quote or a bracket. */
static json_t *load_stat_json(const char *path, coda_err_t *err) {
  char *t = coda_read_file(path, NULL, err);
  if (!t) return NULL;
  char *w = t;
  for (char *l = t; *l;) {
    char *nl = strchr(l, '\n');
    size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
    const char *q = l;
    while (*q == ' ' || *q == '\t') q++;
    if (*q == '"' || *q == '{' || *q == '}' || *q == '[' || *q == ']') {
      memmove(w, l, n);
      w += n;
    }
    l += n;
  }
  *w = 0;
  json_error_t je;
  json_t *j = json_loads(t, 0, &je);
  free(t);
  if (!j) coda_errf(err, CODA_EINVAL, "%s:%d: %s (Yosys stat output)", path, je.line, je.text);
  return j;
}

static json_t *params_json(const area_param_t *p, int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++) {
    json_t *v = json_loads(p[i].value, JSON_DECODE_ANY, NULL);
    json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "key", p[i].key, "rtl", p[i].rtl, "value",
                                       v ? v : json_string(p[i].value)));
  }
  return a;
}

static int cmp_area_desc(const void *a, const void *b) {
  double x = json_real_value(json_object_get(*(json_t *const *)a, "area_um2"));
  double y = json_real_value(json_object_get(*(json_t *const *)b, "area_um2"));
  return x < y ? 1 : x > y ? -1 : 0;
}

/* The area part of the document from the hierarchical run. */
static int area_results(const flow_t *f, const liberty_t *lib, const char *dir, json_t *doc,
                        coda_err_t *err) {
  char p[PATH_MAX + 32];
  coda_path_join(p, sizeof p, dir, "area_stat.json");
  json_t *stat = load_stat_json(p, err);
  if (!stat) return err->code;
  hier_t h;
  int rc = hier_load(&h, stat, f->b->top, lib, p, err);
  if (rc) { hier_free(&h); json_decref(stat); return rc; }

  double total = 0;
  double cells = 0;
  for (int i = 0; i < h.n; i++) {
    total += h.m[i].inst * h.m[i].own_um2;
    cells += h.m[i].inst * (double)h.m[i].own_cells;
  }
  coda_path_join(p, sizeof p, dir, "area_stat.txt");
  double ytot = yosys_total(p);
  if (isnan(ytot) || fabs(ytot - total) > 1e-6 * (total > 1 ? total : 1)) {
    hier_free(&h);
    json_decref(stat);
    return coda_errf(err, CODA_EINVAL, "%s/area_stat.txt: Yosys reports %.3f um2 but the cells "
                     "add up to %.3f um2 (flow bug?)", dir, ytot, total);
  }

  /* by submodule group */
  json_t *groups = json_array();
  int ng = 0;
  while (ng < AREA_MAX_GROUPS && f->b->groups[ng].name) ng++;
  for (int g = 0; g <= ng; g++) {
    double a = 0, c = 0, inst = 0;
    json_t *mods = json_array();
    for (int i = 0; i < h.n; i++) {
      int in_g = -1;
      for (int gg = 0; gg < ng && in_g < 0; gg++)
        for (int k = 0; k < AREA_MAX_GROUP_MODULES && f->b->groups[gg].modules[k]; k++)
          if (!strcmp(f->b->groups[gg].modules[k], h.m[i].rtl)) in_g = gg;
      if (in_g < 0) in_g = ng; /* other */
      if (in_g != g || h.m[i].inst == 0) continue;
      a += h.m[i].inst * h.m[i].own_um2;
      c += h.m[i].inst * (double)h.m[i].own_cells;
      inst += h.m[i].inst;
      int dup = 0;
      for (size_t j = 0; j < json_array_size(mods); j++)
        if (!strcmp(json_string_value(json_array_get(mods, j)), h.m[i].rtl)) dup = 1;
      if (!dup) json_array_append_new(mods, json_string(h.m[i].rtl));
    }
    json_array_append_new(groups, json_pack("{s:s, s:o, s:I, s:I, s:f}", "group",
                                            g < ng ? f->b->groups[g].name : "other", "modules", mods,
                                            "instances", (json_int_t)inst, "cells", (json_int_t)c,
                                            "area_um2", a));
  }

  /* by cell type */
  json_t *types = json_array();
  for (int l = 0; l < lib->ncell; l++) {
    double n = 0;
    for (int i = 0; i < h.n; i++) {
      const char *t;
      json_t *c;
      json_object_foreach(h.m[i].types, t, c)
        if (!strcmp(strip_bs(t), lib->cell[l].name)) n += h.m[i].inst * (double)json_integer_value(c);
    }
    if (n == 0) continue;
    json_array_append_new(types, json_pack("{s:s, s:I, s:f, s:f}", "cell", lib->cell[l].name, "count",
                                           (json_int_t)n, "cell_area_um2", lib->cell[l].area_um2,
                                           "area_um2", n * lib->cell[l].area_um2));
  }
  size_t nt = json_array_size(types);
  json_t **tv = malloc((nt ? nt : 1) * sizeof *tv);
  if (!tv) { hier_free(&h); json_decref(stat); json_decref(groups); json_decref(types);
             return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  for (size_t i = 0; i < nt; i++) tv[i] = json_incref(json_array_get(types, i));
  qsort(tv, nt, sizeof *tv, cmp_area_desc);
  json_array_clear(types);
  for (size_t i = 0; i < nt; i++) json_array_append_new(types, tv[i]);
  free(tv);

  json_object_set_new(doc, "area_um2", json_real(total));
  json_object_set_new(doc, "yosys_area_um2", json_real(ytot));
  json_object_set_new(doc, "cells", json_integer((json_int_t)cells));
  json_object_set_new(doc, "by_submodule", groups);
  json_object_set_new(doc, "by_cell_type", types);
  hier_free(&h);
  json_decref(stat);
  return CODA_OK;
}

/* The rest of the line after "CODA <key> ", or NULL. */
static const char *coda_line(const char *log, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\nCODA %s", key);
  const char *p = strstr(log, pat);
  if (!p) return NULL;
  p += strlen(pat);
  return *p == ' ' ? p + 1 : p;
}

static void line_copy(const char *s, char *out, size_t len) {
  size_t n = 0;
  while (s[n] && s[n] != '\n') n++;
  snprintf(out, len, "%.*s", (int)n, s);
}

/* "DFFSR _123_ u_array.acc_q[3]" or "port acc_o[3]" -> a readable point. */
static void describe_point(const char *s, char *out, size_t len) {
  char a[128] = "", b[512] = "", c[512] = "";
  if (sscanf(s, "%127s %511s %511s", a, b, c) >= 2 && !strcmp(a, "port")) {
    snprintf(out, len, "port %s", b);
  } else if (c[0]) {
    snprintf(out, len, "%s (%s %s)", c, a, b);
  } else {
    snprintf(out, len, "%s %s", a, b);
  }
}

static int timing_results(const flow_t *f, const liberty_t *lib, const char *dir, json_t *doc,
                          coda_err_t *err) {
  char p[PATH_MAX + 32];
  coda_path_join(p, sizeof p, dir, "timing_stat.json");
  json_t *stat = load_stat_json(p, err);
  if (!stat) return err->code;
  hier_t h;
  int rc = hier_load(&h, stat, f->b->top, lib, p, err);
  double net_area = 0, net_cells = 0;
  for (int i = 0; !rc && i < h.n; i++) {
    net_area += h.m[i].inst * h.m[i].own_um2;
    net_cells += h.m[i].inst * (double)h.m[i].own_cells;
  }
  hier_free(&h);
  json_decref(stat);
  if (rc) return rc;

  coda_path_join(p, sizeof p, dir, "sta.log");
  char *log = coda_read_file(p, NULL, err);
  if (!log) return err->code;
  /* a leading newline so every CODA line matches "\nCODA " */
  size_t ll = strlen(log);
  char *l2 = malloc(ll + 2);
  if (!l2) { free(log); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  l2[0] = '\n';
  memcpy(l2 + 1, log, ll + 1);
  free(log);
  if (!coda_line(l2, "done")) {
    char e[256];
    coda_log_first_error(p, e, sizeof e);
    free(l2);
    return coda_errf(err, CODA_EINVAL, "OpenSTA did not finish (%s): %s", p, e);
  }
  if (coda_line(l2, "nopath")) {
    free(l2);
    return coda_errf(err, CODA_EINVAL, "%s: OpenSTA found no constrained path (%s)", f->b->name, p);
  }
  const char *s_sl = coda_line(l2, "slack_ns"), *s_ar = coda_line(l2, "arrival_ns");
  const char *s_rq = coda_line(l2, "required_ns"), *s_st = coda_line(l2, "start");
  const char *s_en = coda_line(l2, "end"), *s_ce = coda_line(l2, "cells");
  if (!s_sl || !s_ar || !s_rq || !s_st || !s_en || !s_ce) {
    free(l2);
    return coda_errf(err, CODA_EINVAL, "%s: missing CODA lines in the OpenSTA output", p);
  }
  double slack = strtod(s_sl, NULL), arr = strtod(s_ar, NULL), req = strtod(s_rq, NULL);
  char st[1024], en[1024], sd[1200], ed[1200];
  line_copy(s_st, st, sizeof st);
  line_copy(s_en, en, sizeof en);
  describe_point(st, sd, sizeof sd);
  describe_point(en, ed, sizeof ed);
  long cells = strtol(s_ce, NULL, 10);
  free(l2);
  double crit = f->period_ns - slack;
  if (!(crit > 0))
    return coda_errf(err, CODA_EINVAL, "%s: critical path %.4f ns is not positive (%s)", f->b->name,
                     crit, p);
  json_t *t = json_object();
  json_object_set_new(t, "netlist", json_string(f->tile ? "tile" : "full"));
  json_object_set_new(t, "netlist_params", params_json(f->tpar, f->ntpar));
  json_object_set_new(t, "netlist_area_um2", json_real(net_area));
  json_object_set_new(t, "netlist_cells", json_integer((json_int_t)net_cells));
  json_object_set_new(t, "clock_period_ns", json_real(f->period_ns));
  json_object_set_new(t, "critical_path_ns", json_real(crit));
  json_object_set_new(t, "data_arrival_ns", json_real(arr));
  json_object_set_new(t, "data_required_ns", json_real(req));
  json_object_set_new(t, "slack_ns", json_real(slack));
  json_object_set_new(t, "fmax_mhz", json_real(1000.0 / crit));
  json_object_set_new(t, "startpoint", json_string(sd));
  json_object_set_new(t, "endpoint", json_string(ed));
  json_object_set_new(t, "path_cells", json_integer(cells));
  json_object_set_new(doc, "timing", t);
  return CODA_OK;
}

static void params_text(char *out, size_t len, const area_param_t *p, int n) {
  size_t o = 0;
  out[0] = 0;
  for (int i = 0; i < n && o < len; i++)
    o += (size_t)snprintf(out + o, len - o, "%s%s=%s", i ? " " : "", p[i].rtl, p[i].value);
}

static void method_note(const flow_t *f, const liberty_t *lib, json_t *doc) {
  char par[512], tpar[512], note[4096];
  params_text(par, sizeof par, f->par, f->npar);
  params_text(tpar, sizeof tpar, f->tpar, f->ntpar);
  int o = snprintf(note, sizeof note,
      "Area: %s, hierarchy kept, %s mapped onto %s (dfflibmap + abc); each distinct module is "
      "synthesized once and the total is the sum over modules of instances x module area (no "
      "optimization across module boundaries). Timing: OpenSTA on a flat netlist synthesized for "
      "delay (abc -D %.0f ps with buffering and gate sizing) of ",
      f->yosys_ver, f->b->top, lib->name, f->period_ns * 1000);
  if (f->tile)
    o += snprintf(note + o, sizeof note - (size_t)o,
        "a tile, %s instead of %s: the PE datapath and its register-to-register paths are those "
        "of the full array, but broadcast nets (operands, accumulate enables) drive the tile's "
        "fanout, so the full array's deeper buffer trees are not timed (%s); ",
        tpar, par, f->b->tile_check);
  else
    o += snprintf(note + o, sizeof note - (size_t)o, "the whole core (%s); ", tpar);
  snprintf(note + o, sizeof note - (size_t)o,
      "ideal clock, no wire load, inputs driven by %s arriving at the clock edge, outputs "
      "loaded with %g pF due at the next edge, reset a false path; critical path = clock period "
      "- worst slack (includes setup), fmax = 1 / critical path.",
      IN_DRIVE_CELL, OUT_LOAD_PF);
  json_object_set_new(doc, "method", json_string(note));
}

/* ---- the run -------------------------------------------------------------------- */

static void artifacts(json_t *doc, const char *dir) {
  const char *names[][2] = {{"area_netlist", "area_netlist.v"},     {"timing_netlist", "timing_netlist.v"},
                            {"sta_setup", "sta_setup.tcl"},         {"area_script", "area.ys"},
                            {"timing_script", "timing.ys"},         {"sta_script", "sta_timing.tcl"},
                            {"area_log", "yosys_area.log"},         {"timing_log", "yosys_timing.log"},
                            {"sta_log", "sta.log"}};
  json_t *a = json_object();
  json_object_set_new(a, "dir", json_string(dir));
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char p[PATH_MAX + 32];
    coda_path_join(p, sizeof p, dir, names[i][1]);
    json_object_set_new(a, names[i][0], json_string(p));
  }
  json_object_set_new(doc, "artifacts", a);
}

/* Runs the two Yosys scripts in parallel and then OpenSTA, in dir. */
static int run_tools(const flow_t *f, const char *dir, coda_err_t *err) {
  char alog[PATH_MAX + 32], tlog[PATH_MAX + 32], slog[PATH_MAX + 32];
  coda_path_join(alog, sizeof alog, dir, "yosys_area.log");
  coda_path_join(tlog, sizeof tlog, dir, "yosys_timing.log");
  coda_path_join(slog, sizeof slog, dir, "sta.log");
  char *const aargv[] = {(char *)f->yosys, "-q", "-l", "yosys_area.log", "area.ys", NULL};
  char *const targv[] = {(char *)f->yosys, "-q", "-l", "yosys_timing.log", "timing.ys", NULL};
  pid_t pa, pt;
  char junk[PATH_MAX + 32];
  coda_path_join(junk, sizeof junk, dir, "yosys_area.out");
  int rc = spawn(f->yosys, aargv, dir, junk, &pa, err);
  if (rc) return rc;
  coda_path_join(junk, sizeof junk, dir, "yosys_timing.out");
  if ((rc = spawn(f->yosys, targv, dir, junk, &pt, err))) {
    kill(pa, SIGTERM);
    wait_exit(pa);
    return rc;
  }
  int ea = wait_exit(pa), et = wait_exit(pt);
  if (ea || et) {
    char e[300];
    coda_log_first_error(ea ? alog : tlog, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "%s: yosys failed (%s): %s", f->b->name, ea ? alog : tlog, e);
  }
  char *const sargv[] = {(char *)f->sta, "-no_splash", "-exit", "sta_timing.tcl", NULL};
  pid_t ps;
  if ((rc = spawn(f->sta, sargv, dir, slog, &ps, err))) return rc;
  int es = wait_exit(ps);
  if (es) {
    char e[300];
    coda_log_first_error(slog, e, sizeof e);
    return coda_errf(err, CODA_EINVAL, "%s: sta failed (%s): %s", f->b->name, slog, e);
  }
  return CODA_OK;
}

static int same_params(const area_param_t *a, int na, const area_param_t *b, int nb) {
  if (na != nb) return 0;
  for (int i = 0; i < na; i++)
    if (strcmp(a[i].rtl, b[i].rtl) || strcmp(a[i].value, b[i].value)) return 0;
  return 1;
}

static int setup(flow_t *f, const area_block_t *b, const arch_cfg_t *cfg, const area_opts_t *o,
                 coda_err_t *err) {
  memset(f, 0, sizeof *f);
  f->b = b;
  snprintf(f->root, sizeof f->root, "%s", o->root);
  int rc = b->check(cfg, err);
  if (rc) return rc;
  /* the timing netlist: the core, or its tile */
  arch_cfg_t tcfg = *cfg;
  if (o->method != AREA_METHOD_FULL)
    for (int i = 0; i < AREA_MAX_TILE_KEYS && b->tile[i].key; i++)
      if (area_cfg_get_u(cfg, b->tile[i].key) > b->tile[i].max)
        area_cfg_set_u(&tcfg, b->tile[i].key, b->tile[i].max);
  if ((rc = b->check(&tcfg, err))) return rc;

  if (!coda_find_exe("yosys", f->yosys, sizeof f->yosys))
    return coda_errf(err, CODA_EINVAL, "area: yosys not found on PATH (`make deps` installs the "
                     "Debian package yosys)");
  if (!coda_find_exe("sta", f->sta, sizeof f->sta))
    return coda_errf(err, CODA_EINVAL, "area: sta (OpenSTA) not found on PATH (`make deps` installs "
                     "the Debian package opensta)");
  char lib[PATH_MAX];
  if (o->liberty) snprintf(lib, sizeof lib, "%s", o->liberty);
  else coda_path_join(lib, sizeof lib, o->root, "build/tech/osu018/osu018_stdcells.lib");
  if (!coda_is_file(lib) || !realpath(lib, f->liberty))
    return coda_errf(err, CODA_EINVAL, "area: liberty %s not found (`make tech` extracts it from "
                     "the Debian package qflow-tech-osu018)", lib);
  if ((rc = list_rtl(f, err))) return rc;
  if ((rc = area_rtl_params(b, o->root, cfg, f->par, AREA_MAX_PARAMS, &f->npar, err))) return rc;
  if ((rc = area_rtl_params(b, o->root, &tcfg, f->tpar, AREA_MAX_PARAMS, &f->ntpar, err))) return rc;
  f->tile = !same_params(f->par, f->npar, f->tpar, f->ntpar);
  f->period_ns = 1000.0 / cfg->core_freq_mhz;
  if ((rc = capture_line(f->yosys, "-V", f->yosys_ver, sizeof f->yosys_ver, err))) return rc;
  if ((rc = capture_line(f->sta, "-version", f->sta_ver, sizeof f->sta_ver, err))) return rc;
  return compute_key(f, err);
}

/* A cached document for this key, or NULL. */
static json_t *cache_get(const flow_t *f, const char *cache, const char *dir) {
  char p[PATH_MAX + 64];
  char name[64];
  snprintf(name, sizeof name, "%s.json", f->key);
  coda_path_join(p, sizeof p, cache, name);
  if (!coda_is_file(p) || !coda_is_dir(dir)) return NULL;
  json_t *d = json_load_file(p, 0, NULL);
  if (!d) return NULL;
  if (strcmp(json_string_value(json_object_get(d, "schema")) ? json_string_value(json_object_get(d, "schema")) : "",
             AREA_SCHEMA) ||
      strcmp(json_string_value(json_object_get(d, "key")) ? json_string_value(json_object_get(d, "key")) : "",
             f->key)) {
    json_decref(d);
    return NULL;
  }
  return d;
}

int area_run(const area_block_t *b, const arch_cfg_t *cfg, const area_opts_t *o, json_t **out,
             coda_err_t *err) {
  *out = NULL;
  flow_t *f = calloc(1, sizeof *f);
  if (!f) return coda_errf(err, CODA_ENOMEM, "out of memory");
  int rc = setup(f, b, cfg, o, err);
  if (rc) { free(f); return rc; }
  char cache[PATH_MAX], dir[PATH_MAX + 32];
  if (o->cache_dir) snprintf(cache, sizeof cache, "%s", o->cache_dir);
  else coda_path_join(cache, sizeof cache, o->root, "build/area-cache");
  char abs[PATH_MAX];
  if (coda_mkdir_p(cache) || !realpath(cache, abs)) {
    rc = coda_errf(err, CODA_EIO, "area: cache folder %s: %s", cache, strerror(errno));
    free(f);
    return rc;
  }
  memcpy(cache, abs, sizeof cache); /* absolute: sta_setup.tcl names its netlist by it */
  coda_path_join(dir, sizeof dir, cache, f->key);

  json_t *doc = o->force ? NULL : cache_get(f, cache, dir);
  if (doc) {
    json_object_set_new(doc, "cache", json_string("hit"));
    artifacts(doc, dir);
    *out = doc;
    free(f);
    return CODA_OK;
  }

  liberty_t *lib = malloc(sizeof *lib);
  if (!lib) { free(f); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  if ((rc = liberty_read(lib, f->liberty, err))) { free(lib); free(f); return rc; }
  char tmp[PATH_MAX + 64];
  char name[96];
  snprintf(name, sizeof name, "%s.tmp.%ld", f->key, (long)getpid());
  coda_path_join(tmp, sizeof tmp, cache, name);
  coda_rm_rf(tmp);
  if (coda_mkdir_p(tmp)) {
    rc = coda_errf(err, CODA_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    free(lib);
    free(f);
    return rc;
  }
  if (o->progress) {
    char par[512], tpar[512];
    params_text(par, sizeof par, f->par, f->npar);
    params_text(tpar, sizeof tpar, f->tpar, f->ntpar);
    fprintf(o->progress, "coda: area: synthesizing %s (%s%s%s%s) ...\n", b->name, par,
            f->tile ? "; timing on the tile " : "", f->tile ? tpar : "", "");
    fflush(o->progress);
  }
  double t0 = coda_now_s();
  rc = write_scripts(f, tmp, dir, err);
  if (!rc) rc = run_tools(f, tmp, err);
  double secs = coda_now_s() - t0;
  doc = json_object();
  if (!rc) {
    json_object_set_new(doc, "schema", json_string(AREA_SCHEMA));
    json_object_set_new(doc, "block", json_string(b->name));
    json_object_set_new(doc, "top", json_string(b->top));
    json_object_set_new(doc, "config", json_string(cfg->name));
    json_object_set_new(doc, "params", params_json(f->par, f->npar));
    json_object_set_new(doc, "liberty", json_pack("{s:s, s:s}", "name", lib->name, "file", f->liberty));
    json_object_set_new(doc, "tools", json_pack("{s:s, s:s}", "yosys", f->yosys_ver, "sta", f->sta_ver));
    json_object_set_new(doc, "flow", json_string(AREA_FLOW_VERSION));
    json_object_set_new(doc, "key", json_string(f->key));
    json_object_set_new(doc, "synth_s", json_real(secs));
    rc = area_results(f, lib, tmp, doc, err);
  }
  if (!rc) rc = timing_results(f, lib, tmp, doc, err);
  if (!rc) method_note(f, lib, doc);
  free(lib);
  if (rc) {
    /* keep the evidence: <key>.failed/, named in the message */
    char failed[PATH_MAX + 64];
    snprintf(name, sizeof name, "%s.failed", f->key);
    coda_path_join(failed, sizeof failed, cache, name);
    coda_rm_rf(failed);
    if (!rename(tmp, failed)) {
      char *at = strstr(err->msg, tmp);
      if (at) { /* point the message at the kept folder */
        char msg[sizeof err->msg];
        if ((size_t)snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - err->msg), err->msg, failed,
                             at + strlen(tmp)) < sizeof msg)
          memcpy(err->msg, msg, sizeof msg);
      }
    }
    json_decref(doc);
    free(f);
    return rc;
  }
  /* publish: the folder first, the document last; a stale failure goes */
  snprintf(name, sizeof name, "%s.failed", f->key);
  char failed[PATH_MAX + 64];
  coda_path_join(failed, sizeof failed, cache, name);
  coda_rm_rf(failed);
  coda_rm_rf(dir);
  if (rename(tmp, dir)) {
    rc = coda_errf(err, CODA_EIO, "%s: cannot rename to %s: %s", tmp, dir, strerror(errno));
    coda_rm_rf(tmp);
    json_decref(doc);
    free(f);
    return rc;
  }
  char jp[PATH_MAX + 64], jt[PATH_MAX + 96];
  snprintf(name, sizeof name, "%s.json", f->key);
  coda_path_join(jp, sizeof jp, cache, name);
  snprintf(name, sizeof name, "%s.json.tmp.%ld", f->key, (long)getpid());
  coda_path_join(jt, sizeof jt, cache, name);
  if (json_dump_file(doc, jt, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) || rename(jt, jp)) {
    rc = coda_errf(err, CODA_EIO, "%s: cannot write the cached result", jp);
    json_decref(doc);
    free(f);
    return rc;
  }
  json_object_set_new(doc, "cache", json_string("miss"));
  artifacts(doc, dir);
  *out = doc;
  free(f);
  return CODA_OK;
}
