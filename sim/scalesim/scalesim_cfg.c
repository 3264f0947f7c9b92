/* scalesim_cfg.c: SCALE-Sim's INI config (read by Python configparser in
 * SCALE-Sim): [section] lines, `key = value` or `key : value`, keys
 * case-insensitive, `#`/`;` comment lines. Every section and key SCALE-Sim
 * v2/v3 read is accepted; anything else is an error naming file:line.
 * Features coda does not model (sparsity, custom layouts, Ramulator traces)
 * are accepted when off and refused when on. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scalesim.h"
#include "../core/util.h"

typedef enum {
  K_RUN_NAME, K_ROWS, K_COLS, K_IFMAP_KB, K_FILTER_KB, K_OFMAP_KB, K_IFMAP_OFF, K_FILTER_OFF, K_OFMAP_OFF,
  K_BANDWIDTH, K_DATAFLOW, K_BANKS, K_RDREQ, K_WRREQ, K_IFACE_BW, K_RAMULATOR, K_TOPO_LOC,
  K_IF_LAYOUT, K_FI_LAYOUT, K_LAYOUT_NUM, K_SPARSE_ON, K_SPARSE_TEXT, K_SPARSE_BOOL, K_SPARSE_NUM, K_COUNT
} key_e;

typedef struct key_def {
  const char *section, *name; /* as SCALE-Sim spells them */
  key_e id;
} key_def_t;

static const key_def_t KEYS[] = {
    {"general", "run_name", K_RUN_NAME},
    {"architecture_presets", "ArrayHeight", K_ROWS},
    {"architecture_presets", "ArrayWidth", K_COLS},
    {"architecture_presets", "IfmapSramSzkB", K_IFMAP_KB},
    {"architecture_presets", "FilterSramSzkB", K_FILTER_KB},
    {"architecture_presets", "OfmapSramSzkB", K_OFMAP_KB},
    {"architecture_presets", "IfmapOffset", K_IFMAP_OFF},
    {"architecture_presets", "FilterOffset", K_FILTER_OFF},
    {"architecture_presets", "OfmapOffset", K_OFMAP_OFF},
    {"architecture_presets", "Bandwidth", K_BANDWIDTH},
    {"architecture_presets", "Dataflow", K_DATAFLOW},
    {"architecture_presets", "MemoryBanks", K_BANKS},
    {"architecture_presets", "ReadRequestBuffer", K_RDREQ},
    {"architecture_presets", "WriteRequestBuffer", K_WRREQ},
    {"run_presets", "InterfaceBandwidth", K_IFACE_BW},
    {"run_presets", "UseRamulatorTrace", K_RAMULATOR},
    {"network_presets", "TopologyCsvLoc", K_TOPO_LOC},
    {"layout", "IfmapCustomLayout", K_IF_LAYOUT},
    {"layout", "FilterCustomLayout", K_FI_LAYOUT},
    {"layout", "IfmapSRAMBankBandwidth", K_LAYOUT_NUM},
    {"layout", "IfmapSRAMBankNum", K_LAYOUT_NUM},
    {"layout", "IfmapSRAMBankPort", K_LAYOUT_NUM},
    {"layout", "FilterSRAMBankBandwidth", K_LAYOUT_NUM},
    {"layout", "FilterSRAMBankNum", K_LAYOUT_NUM},
    {"layout", "FilterSRAMBankPort", K_LAYOUT_NUM},
    {"sparsity", "SparsitySupport", K_SPARSE_ON},
    {"sparsity", "SparseRep", K_SPARSE_TEXT},
    {"sparsity", "OptimizedMapping", K_SPARSE_BOOL},
    {"sparsity", "BlockSize", K_SPARSE_NUM},
    {"sparsity", "NonZeroElems", K_SPARSE_NUM},
    {"sparsity", "RandomNumberGeneratorSeed", K_SPARSE_NUM},
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static const char *const SECTIONS[] = {"general", "architecture_presets", "run_presets", "network_presets",
                                       "layout", "sparsity"};

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
  return s;
}

/* configparser's getboolean words. */
static int parse_bool(const char *v, int *out) {
  static const char *const T[] = {"1", "yes", "true", "on"}, *const F[] = {"0", "no", "false", "off"};
  for (int i = 0; i < 4; i++) {
    if (!strcasecmp(v, T[i])) { *out = 1; return 0; }
    if (!strcasecmp(v, F[i])) { *out = 0; return 0; }
  }
  return -1;
}

static int parse_int(const char *v, long long lo, long long hi, long long *out) {
  if (!*v) return -1;
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (errno || *end || x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

typedef struct seen {
  int line[K_COUNT]; /* line a key was set on (0: not set); repeatable ids keep the last */
} seen_t;

static int set_key(const char *path, int ln, const key_def_t *k, const char *v, ss_cfg_t *c, coda_err_t *e) {
  long long x;
  int b;
  switch (k->id) {
  case K_RUN_NAME:
    if (!*v || strlen(v) >= sizeof c->run_name)
      return coda_errf(e, CODA_EINVAL, "%s:%d: run_name: expected 1..%zu characters", path, ln,
                       sizeof c->run_name - 1);
    snprintf(c->run_name, sizeof c->run_name, "%s", v);
    return 0;
  case K_ROWS:
  case K_COLS:
    if (parse_int(v, 1, SA_MAX_DIM, &x))
      return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected an integer 1..%u, got '%s'", path, ln, k->name,
                       SA_MAX_DIM, v);
    if (k->id == K_ROWS) c->rows = (uint32_t)x; else c->cols = (uint32_t)x;
    return 0;
  case K_IFMAP_KB:
  case K_FILTER_KB:
  case K_OFMAP_KB:
    if (parse_int(v, 1, 1ll << 30, &x))
      return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected an SRAM size in kB >= 1, got '%s'", path, ln,
                       k->name, v);
    if (k->id == K_IFMAP_KB) c->ifmap_kb = (uint64_t)x;
    else if (k->id == K_FILTER_KB) c->filter_kb = (uint64_t)x;
    else c->ofmap_kb = (uint64_t)x;
    return 0;
  case K_IFMAP_OFF:
  case K_FILTER_OFF:
  case K_OFMAP_OFF:
    if (parse_int(v, 0, 1ll << 62, &x))
      return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected an address offset >= 0, got '%s'", path, ln,
                       k->name, v);
    if (k->id == K_IFMAP_OFF) c->ifmap_offset = (uint64_t)x;
    else if (k->id == K_FILTER_OFF) c->filter_offset = (uint64_t)x;
    else c->ofmap_offset = (uint64_t)x;
    return 0;
  case K_BANDWIDTH: { /* comma list, one per memory bank; coda uses the first */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", v);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    int first = 1;
    if (!tok) return coda_errf(e, CODA_EINVAL, "%s:%d: Bandwidth: expected words/cycle >= 1", path, ln);
    for (; tok; tok = strtok_r(NULL, ",", &save)) {
      if (parse_int(trim(tok), 1, 1ll << 40, &x))
        return coda_errf(e, CODA_EINVAL, "%s:%d: Bandwidth: expected words/cycle >= 1, got '%s'", path, ln,
                         trim(tok));
      if (first) c->bandwidth = (uint64_t)x;
      first = 0;
    }
    return 0;
  }
  case K_DATAFLOW:
    if (sa_df_parse(v, &c->df))
      return coda_errf(e, CODA_EINVAL, "%s:%d: Dataflow: expected os, ws or is, got '%s'", path, ln, v);
    return 0;
  case K_BANKS:
  case K_RDREQ:
  case K_WRREQ:
  case K_LAYOUT_NUM:
  case K_SPARSE_NUM:
    if (parse_int(v, k->id == K_SPARSE_NUM ? 0 : 1, 1ll << 40, &x))
      return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected an integer >= %d, got '%s'", path, ln, k->name,
                       k->id == K_SPARSE_NUM ? 0 : 1, v);
    if (k->id == K_BANKS) c->memory_banks = (uint32_t)x;
    return 0;
  case K_IFACE_BW:
    if (!strcmp(v, "USER")) c->user_bw = 1;
    else if (!strcmp(v, "CALC")) c->user_bw = 0;
    else return coda_errf(e, CODA_EINVAL, "%s:%d: InterfaceBandwidth: expected USER or CALC, got '%s'", path, ln, v);
    return 0;
  case K_RAMULATOR:
  case K_IF_LAYOUT:
  case K_FI_LAYOUT:
  case K_SPARSE_ON:
  case K_SPARSE_BOOL:
    if (parse_bool(v, &b))
      return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected True or False, got '%s'", path, ln, k->name, v);
    if (b && k->id != K_SPARSE_BOOL)
      return coda_errf(e, CODA_EINVAL, "%s:%d: %s = %s: not modelled by coda (dense arrays, default layout, "
                       "no Ramulator); set it to False", path, ln, k->name, v);
    return 0;
  case K_TOPO_LOC:
  case K_SPARSE_TEXT:
    return 0; /* the topology comes from the command line; sparsity is off */
  case K_COUNT:
    break;
  }
  return 0;
}

int ss_cfg_load(const char *path, ss_cfg_t *c, coda_err_t *e) {
  memset(c, 0, sizeof *c);
  snprintf(c->run_name, sizeof c->run_name, "scale_run");
  c->filter_offset = 10000000;
  c->ofmap_offset = 20000000;
  c->memory_banks = 1;
  c->df = SA_DF_WS; /* SCALE-Sim's default, though Dataflow is required below */
  size_t len;
  char *text = coda_read_file(path, &len, e);
  if (!text) return e ? e->code : CODA_EIO;
  if (strlen(text) != len) {
    free(text);
    return coda_errf(e, CODA_EINVAL, "%s: not a text file (NUL byte)", path);
  }
  seen_t seen;
  memset(&seen, 0, sizeof seen);
  int rc = CODA_OK, ln = 0, sec = -1, sec_line[6] = {0};
  /* strtok_r would merge empty lines and lose line numbers: walk by hand. */
  for (char *line = text, *next; line && rc == CODA_OK; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    else if (!*line) break; /* after the final newline */
    ln++;
    int indented = isspace((unsigned char)line[0]) && line[0] != '\n';
    char *s = trim(line);
    if (!*s || *s == '#' || *s == ';') continue;
    if (*s == '[') {
      char *close = strchr(s, ']');
      if (!close || close[1]) {
        rc = coda_errf(e, CODA_EINVAL, "%s:%d: malformed section header '%s'", path, ln, s);
        break;
      }
      *close = 0;
      sec = -1;
      for (int i = 0; i < 6; i++)
        if (!strcmp(s + 1, SECTIONS[i])) sec = i;
      if (sec < 0) {
        rc = coda_errf(e, CODA_EINVAL, "%s:%d: unknown section [%s] (SCALE-Sim has general, "
                       "architecture_presets, run_presets, network_presets, layout, sparsity)", path, ln, s + 1);
        break;
      }
      if (sec_line[sec]) {
        rc = coda_errf(e, CODA_EINVAL, "%s:%d: section [%s] repeated (first on line %d)", path, ln, s + 1,
                       sec_line[sec]);
        break;
      }
      sec_line[sec] = ln;
      continue;
    }
    if (indented) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: indented line (a configparser continuation) not supported", path, ln);
      break;
    }
    size_t kl = strcspn(s, "=:");
    if (!s[kl]) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: expected 'key = value' or 'key : value', got '%s'", path, ln, s);
      break;
    }
    if (sec < 0) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: key outside any section", path, ln);
      break;
    }
    s[kl] = 0;
    char *key = trim(s), *val = trim(s + kl + 1);
    const key_def_t *k = NULL;
    for (size_t i = 0; i < NKEYS; i++)
      if (!strcmp(KEYS[i].section, SECTIONS[sec]) && !strcasecmp(KEYS[i].name, key)) k = &KEYS[i];
    if (!k) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: unknown key '%s' in [%s]", path, ln, key, SECTIONS[sec]);
      break;
    }
    if (seen.line[k->id] && k->id != K_LAYOUT_NUM && k->id != K_SPARSE_NUM) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: %s repeated (first on line %d)", path, ln, k->name, seen.line[k->id]);
      break;
    }
    seen.line[k->id] = ln;
    rc = set_key(path, ln, k, val, c, e);
  }
  free(text);
  if (rc) return rc;
  static const struct { key_e id; const char *name; } REQUIRED[] = {
      {K_ROWS, "ArrayHeight"}, {K_COLS, "ArrayWidth"}, {K_IFMAP_KB, "IfmapSramSzkB"},
      {K_FILTER_KB, "FilterSramSzkB"}, {K_OFMAP_KB, "OfmapSramSzkB"}, {K_DATAFLOW, "Dataflow"}};
  for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++)
    if (!seen.line[REQUIRED[i].id])
      return coda_errf(e, CODA_EINVAL, "%s: [architecture_presets] %s missing", path, REQUIRED[i].name);
  if (c->user_bw && !seen.line[K_BANDWIDTH])
    return coda_errf(e, CODA_EINVAL, "%s:%d: InterfaceBandwidth = USER needs [architecture_presets] Bandwidth",
                     path, seen.line[K_IFACE_BW]);
  return CODA_OK;
}
