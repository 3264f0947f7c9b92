/* scalesim_topo.c: SCALE-Sim's topology CSVs and its im2col mapping.
 *
 * Conv: a header line, then `Layer name, IFMAP Height, IFMAP Width, Filter
 * Height, Filter Width, Channels, Num Filter, Strides[, Stride width],` per
 * layer (one stride = both directions). GEMM: header `Layer, M, N, K,` then
 * `name, M, N, K,`; SCALE-Sim runs it as ifmap M x K, filter 1 x K, 1
 * channel, N filters, stride 1. SCALE-Sim drops the last field of every row
 * (rows end in a comma); coda accepts rows with or without it. A conv layer
 * whose name contains "DP" is depthwise: one layer per channel, 1 channel
 * each (as SCALE-Sim). The format is detected from the header (M, N, K
 * columns) unless given. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scalesim.h"
#include "../core/util.h"

#define SS_MAX_FIELDS 16
#define SS_MAX_DIM_VAL (1u << 24) /* largest dimension accepted in a topology */
#define SS_MAX_LAYERS 100000

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
  return s;
}

/* Splits a row at commas; drops one trailing empty field. */
static int split(char *row, char **f) {
  int n = 0;
  for (char *p = row;;) {
    char *c = strchr(p, ',');
    if (c) *c = 0;
    if (n == SS_MAX_FIELDS) return SS_MAX_FIELDS + 1;
    f[n++] = trim(p);
    if (!c) break;
    p = c + 1;
  }
  if (n > 1 && !*f[n - 1]) n--;
  return n;
}

static const char *const CONV_COLS[] = {"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height",
                                        "Filter Width", "Channels", "Num Filter", "Strides", "Stride width"};
static const char *const GEMM_COLS[] = {"Layer", "M", "N", "K"};

static int num(const char *path, int ln, const char *col, const char *v, uint32_t *out, coda_err_t *e) {
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (!*v || errno || *end)
    return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected an integer, got '%s'", path, ln, col, v);
  if (x < 1 || x > SS_MAX_DIM_VAL)
    return coda_errf(e, CODA_EINVAL, "%s:%d: %s: expected 1..%u, got %lld", path, ln, col, SS_MAX_DIM_VAL, x);
  *out = (uint32_t)x;
  return 0;
}

static int push(ss_topo_t *t, size_t *cap, const ss_layer_t *l, const char *path, coda_err_t *e) {
  if (t->n == SS_MAX_LAYERS) return coda_errf(e, CODA_EINVAL, "%s: more than %d layers", path, SS_MAX_LAYERS);
  if (t->n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    ss_layer_t *nl = realloc(t->layers, nc * sizeof *nl);
    if (!nl) return coda_errf(e, CODA_ENOMEM, "out of memory");
    t->layers = nl;
    *cap = nc;
  }
  t->layers[t->n++] = *l;
  return 0;
}

ss_dims_t ss_layer_dims(const ss_layer_t *l) {
  ss_dims_t d;
  d.oh = (l->ih - l->fh) / l->sh + 1; /* SCALE-Sim: ceil((ih - fh + sh) / sh) */
  d.ow = (l->iw - l->fw) / l->sw + 1;
  d.m = d.oh * d.ow;
  d.n = l->nf;
  d.k = l->fh * l->fw * l->ch;
  return d;
}

static int check_layer(const char *path, int ln, const ss_layer_t *l, coda_err_t *e) {
  if (l->fh > l->ih)
    return coda_errf(e, CODA_EINVAL, "%s:%d: Filter Height %u larger than IFMAP Height %u", path, ln, l->fh, l->ih);
  if (l->fw > l->iw)
    return coda_errf(e, CODA_EINVAL, "%s:%d: Filter Width %u larger than IFMAP Width %u", path, ln, l->fw, l->iw);
  ss_dims_t d = ss_layer_dims(l);
  if ((uint64_t)d.oh * d.ow > UINT32_MAX / 2 || (uint64_t)l->fh * l->fw * l->ch > UINT32_MAX / 2 ||
      (uint64_t)l->ih * l->iw * l->ch > (1ull << 34))
    return coda_errf(e, CODA_EINVAL, "%s:%d: layer '%s' too large (im2col dims over 2^31)", path, ln, l->name);
  return 0;
}

int ss_topo_load(const char *path, ss_topo_kind_e kind, ss_topo_t *t, coda_err_t *e) {
  memset(t, 0, sizeof *t);
  size_t len, cap = 0;
  char *text = coda_read_file(path, &len, e);
  if (!text) return e ? e->code : CODA_EIO;
  if (strlen(text) != len) {
    free(text);
    return coda_errf(e, CODA_EINVAL, "%s: not a text file (NUL byte)", path);
  }
  int rc = CODA_OK, ln = 0, header = 1;
  for (char *line = text, *next; line && rc == CODA_OK; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    else if (!*line) break; /* after the final newline */
    ln++;
    char *row = trim(line);
    if (!*row) continue;
    char *f[SS_MAX_FIELDS];
    int n = split(row, f);
    if (header) { /* SCALE-Sim skips the first line; coda reads it to tell the formats apart */
      header = 0;
      int looks_gemm = n >= 4 && !strcasecmp(f[1], "M") && !strcasecmp(f[2], "N") && !strcasecmp(f[3], "K");
      if (kind == SS_TOPO_AUTO) kind = looks_gemm ? SS_TOPO_GEMM : SS_TOPO_CONV;
      t->gemm = kind == SS_TOPO_GEMM;
      char *endp;
      if (n > 1 && (strtol(f[1], &endp, 10), !*endp))
        rc = coda_errf(e, CODA_EINVAL, "%s:%d: expected a header line first (SCALE-Sim skips line 1), got a "
                       "layer row", path, ln);
      continue;
    }
    ss_layer_t l;
    memset(&l, 0, sizeof l);
    l.line = ln;
    if (t->gemm) {
      if (n != 4) {
        rc = coda_errf(e, CODA_EINVAL, "%s:%d: expected 4 columns (Layer, M, N, K), found %d", path, ln, n);
        break;
      }
      uint32_t v[3];
      for (int i = 0; i < 3 && !rc; i++) rc = num(path, ln, GEMM_COLS[i + 1], f[i + 1], &v[i], e);
      if (rc) break;
      snprintf(l.name, sizeof l.name, "%s", f[0]);
      l.ih = v[0]; l.iw = v[2]; l.fh = 1; l.fw = v[2]; l.ch = 1; l.nf = v[1]; l.sh = l.sw = 1;
      if (!(rc = check_layer(path, ln, &l, e))) rc = push(t, &cap, &l, path, e);
      continue;
    }
    if (n != 8 && n != 9) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: expected 8 or 9 columns (Layer name, IFMAP Height, IFMAP Width, "
                     "Filter Height, Filter Width, Channels, Num Filter, Strides[, Stride width]), found %d",
                     path, ln, n > SS_MAX_FIELDS ? SS_MAX_FIELDS + 1 : n);
      break;
    }
    uint32_t v[8];
    for (int i = 1; i < n && !rc; i++) rc = num(path, ln, CONV_COLS[i], f[i], &v[i - 1], e);
    if (rc) break;
    if (!*f[0]) {
      rc = coda_errf(e, CODA_EINVAL, "%s:%d: Layer name: empty", path, ln);
      break;
    }
    l.ih = v[0]; l.iw = v[1]; l.fh = v[2]; l.fw = v[3]; l.ch = v[4]; l.nf = v[5]; l.sh = v[6];
    l.sw = n == 9 ? v[7] : v[6];
    if ((rc = check_layer(path, ln, &l, e))) break;
    if (strstr(f[0], "DP")) { /* depthwise: one single-channel layer per channel */
      uint32_t chans = l.ch;
      l.ch = 1;
      for (uint32_t c = 0; c < chans && !rc; c++) {
        snprintf(l.name, sizeof l.name, "%.60sChannel_%u", f[0], c);
        rc = push(t, &cap, &l, path, e);
      }
    } else {
      snprintf(l.name, sizeof l.name, "%s", f[0]);
      rc = push(t, &cap, &l, path, e);
    }
  }
  free(text);
  if (!rc && t->n == 0) rc = coda_errf(e, CODA_EINVAL, "%s:%d: no layers (a header line, then one row per layer)",
                                       path, ln);
  if (rc) ss_topo_free(t);
  return rc;
}

void ss_topo_free(ss_topo_t *t) {
  free(t->layers);
  t->layers = NULL;
  t->n = 0;
}

uint64_t ss_ifmap_addr(const ss_layer_t *l, uint32_t m, uint32_t k) {
  ss_dims_t d = ss_layer_dims(l);
  uint64_t orow = m / d.ow, ocol = m % d.ow;
  uint64_t crow = k / ((uint64_t)l->fw * l->ch), rem = k % ((uint64_t)l->fw * l->ch);
  uint64_t ccol = rem / l->ch, cch = rem % l->ch;
  return ((orow * l->sh + crow) * l->iw + ocol * l->sw + ccol) * l->ch + cch;
}

uint64_t ss_ifmap_unique(const ss_layer_t *l, uint8_t *bm, uint32_t m0, uint32_t m1, uint32_t k0, uint32_t k1) {
  ss_dims_t d = ss_layer_dims(l);
  /* Windows that never overlap read every ifmap word at most once. */
  if ((l->sh >= l->fh || d.oh == 1) && (l->sw >= l->fw || d.ow == 1)) return (uint64_t)(m1 - m0) * (k1 - k0);
  uint64_t n = 0;
  for (uint32_t m = m0; m < m1; m++)
    for (uint32_t k = k0; k < k1; k++) {
      uint64_t a = ss_ifmap_addr(l, m, k);
      uint8_t bit = (uint8_t)(1u << (a & 7));
      if (!(bm[a >> 3] & bit)) { bm[a >> 3] |= bit; n++; }
    }
  for (uint32_t m = m0; m < m1; m++)
    for (uint32_t k = k0; k < k1; k++) {
      uint64_t a = ss_ifmap_addr(l, m, k);
      bm[a >> 3] = 0;
    }
  return n;
}
