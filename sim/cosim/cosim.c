/* cosim.c: the lockstep engine of co-simulation (see cosim.h).
 *
 * Runs inside the harness executable (sim/cosim/harness.cc, verilated per
 * block and parameter set by cosim_cli.c). Each cycle: the block's
 * stimulus fills in_i; the RTL gets it (and rst_ni) for one clock; the C
 * twin steps on the same bits; out_o is compared with the twin's outputs.
 * The first divergence is reported by field name with both values and the
 * last inputs, and a VCD window around it is written by replaying the run
 * from reset (stimulus is a function of the seed, so the replay is exact).
 */
#include "cosim_int.h"
#include "../core/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY 4      /* input cycles a divergence report lists */
#define WIN_BEFORE 16  /* VCD window: cycles before the divergence ... */
#define WIN_AFTER 4    /* ... and after it */
#define MAX_NAMED 8    /* other diverging fields named in the report */

/* ---- bit vectors ------------------------------------------------------------ */

int cosim_field(cosim_field_t *f, int n, int max, uint32_t lsb, uint32_t width, const char *fmt, ...) {
  if (n < max) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f[n].name, sizeof f[n].name, fmt, ap);
    va_end(ap);
    f[n].lsb = lsb;
    f[n].width = width;
  }
  return n + 1;
}

void cosim_put(uint64_t *v, uint32_t lsb, uint32_t width, uint64_t x) {
  if (!width) return;
  if (width < 64) x &= ((uint64_t)1 << width) - 1;
  uint32_t w = lsb / 64, o = lsb % 64;
  uint64_t m = width < 64 ? ((uint64_t)1 << width) - 1 : ~(uint64_t)0;
  v[w] = (v[w] & ~(m << o)) | (x << o);
  if (o + width > 64) {
    uint32_t hi = o + width - 64; /* bits that spill into the next word */
    uint64_t mh = ((uint64_t)1 << hi) - 1;
    v[w + 1] = (v[w + 1] & ~mh) | (x >> (64 - o));
  }
}

uint64_t cosim_get(const uint64_t *v, uint32_t lsb, uint32_t width) {
  if (!width) return 0;
  uint32_t w = lsb / 64, o = lsb % 64;
  uint64_t x = v[w] >> o;
  if (o + width > 64 && o) x |= v[w + 1] << (64 - o);
  return width < 64 ? x & (((uint64_t)1 << width) - 1) : x;
}

/* Bytes Verilator stores a port of `bits` in (CData .. QData, else 32-bit words). */
static uint32_t port_bytes(uint32_t bits) {
  if (bits <= 8) return 1;
  if (bits <= 16) return 2;
  if (bits <= 32) return 4;
  if (bits <= 64) return 8;
  return 4 * ((bits + 31) / 32);
}

/* Writes bits [lsb, lsb+width) of v as hex, most significant digit first. */
static void put_hex(FILE *f, const uint64_t *v, uint32_t lsb, uint32_t width) {
  uint32_t digits = (width + 3) / 4;
  fputs("0x", f);
  for (uint32_t d = digits; d-- > 0;) {
    uint32_t w = width - d * 4 < 4 ? width - d * 4 : 4;
    fputc("0123456789abcdef"[cosim_get(v, lsb + d * 4, w)], f);
  }
}

static int field_differs(const uint64_t *a, const uint64_t *b, const cosim_field_t *f) {
  for (uint32_t i = 0; i < f->width; i += 64) {
    uint32_t w = f->width - i < 64 ? f->width - i : 64;
    if (cosim_get(a, f->lsb + i, w) != cosim_get(b, f->lsb + i, w)) return 1;
  }
  return 0;
}

/* ---- arguments --------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *v) {
  if (!s || *s < '0' || *s > '9') return -1;
  char *end;
  unsigned long long x = strtoull(s, &end, 0);
  if (*end) return -1;
  *v = x;
  return 0;
}

int cosim_parse_args(int argc, char **argv, int first, cosim_args_t *a, coda_err_t *err) {
  memset(a, 0, sizeof *a);
  a->o.seed = 1;
  a->o.cycles = COSIM_DEFAULT_CYCLES;
  for (int i = first; i < argc; i++) {
    const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes = !strcmp(s, "--arch") || !strcmp(s, "--set") || !strcmp(s, "--seed") ||
                !strcmp(s, "--cycles") || !strcmp(s, "--vcd") || !strcmp(s, "--inject-bug");
    if (takes && !v) return coda_errf(err, CODA_EINVAL, "cosim: option %s needs a value", s);
    if (takes) i++;
    if (!strcmp(s, "--list")) a->list = 1;
    else if (!strcmp(s, "--bench")) a->o.bench = 1;
    else if (!strcmp(s, "--arch")) a->arch = v;
    else if (!strcmp(s, "--set")) {
      if (a->nsets >= COSIM_MAX_SETS)
        return coda_errf(err, CODA_EINVAL, "cosim: too many --set options (at most %d)", COSIM_MAX_SETS);
      a->sets[a->nsets++].expr = v;
    } else if (!strcmp(s, "--seed")) {
      if (parse_u64(v, &a->o.seed))
        return coda_errf(err, CODA_EINVAL, "cosim: --seed %s: expected a non-negative integer", v);
    } else if (!strcmp(s, "--cycles")) {
      if (parse_u64(v, &a->o.cycles) || !a->o.cycles)
        return coda_errf(err, CODA_EINVAL, "cosim: --cycles %s: expected a positive integer", v);
    } else if (!strcmp(s, "--vcd")) a->o.vcd = v;
    else if (!strcmp(s, "--inject-bug")) a->o.inject = v;
    else if (s[0] == '-' && s[1]) return coda_errf(err, CODA_EINVAL, "cosim: unknown option %s", s);
    else if (a->block) return coda_errf(err, CODA_EINVAL, "cosim: unexpected argument '%s' (one block at a time)", s);
    else a->block = s;
  }
  return CODA_OK;
}

/* Every config key with where its value lives, from params.def. */
typedef struct param_ref {
  const char *key;
  size_t off;
  char kind; /* 'U', 'E', 'B' (uint64_t) or 'F' (double) */
} param_ref_t;

static const param_ref_t PARAM_REFS[] = {
#define CODA_PARAM(sec, key, kind, def, lo, hi, choices, doc) {#sec "." #key, offsetof(arch_cfg_t, sec##_##key), #kind[0]},
#include "../core/params.def"
#undef CODA_PARAM
};

int cosim_param_value(const arch_cfg_t *cfg, const char *key, uint64_t *v, coda_err_t *err) {
  for (size_t i = 0; i < sizeof PARAM_REFS / sizeof PARAM_REFS[0]; i++) {
    if (strcmp(PARAM_REFS[i].key, key)) continue;
    if (PARAM_REFS[i].kind == 'F')
      return coda_errf(err, CODA_EINVAL, "cosim: %s is a real number and cannot be an RTL parameter", key);
    memcpy(v, (const char *)cfg + PARAM_REFS[i].off, sizeof *v);
    return CODA_OK;
  }
  return coda_errf(err, CODA_EINVAL, "cosim: %s is not a parameter in sim/core/params.def", key);
}

void cosim_param_name(const char *key, char *buf, size_t len) {
  size_t n = 0;
  int up = 1;
  for (const char *p = key; *p && n + 1 < len; p++) {
    if (*p == '.' || *p == '_') { up = 1; continue; }
    buf[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    up = 0;
  }
  if (len) buf[n] = 0;
}

int cosim_resolve(const cosim_args_t *a, const cosim_block_t **b, arch_cfg_t *cfg, uint32_t *in_bits,
                  uint32_t *out_bits, coda_err_t *err) {
  if (!a->block) return coda_errf(err, CODA_EINVAL, "cosim: which block? (coda cosim --list shows them)");
  *b = cosim_find(a->block);
  if (!*b) {
    char names[256] = "";
    size_t n = 0;
    for (int i = 0; cosim_block_at(i) && n + 40 < sizeof names; i++)
      n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "", cosim_block_at(i)->name);
    return coda_errf(err, CODA_EINVAL, "cosim: unknown block '%s' (blocks with an RTL twin: %s)", a->block,
                     names);
  }
  int rc = arch_cfg_load(cfg, a->arch, a->sets, a->nsets, err);
  if (rc) return rc;
  rc = (*b)->shape(cfg, in_bits, out_bits, err);
  if (rc) return rc;
  for (const char *const *p = (*b)->params; *p; p++) {
    uint64_t v;
    if ((rc = cosim_param_value(cfg, *p, &v, err))) return rc;
  }
  if (a->o.inject && !(*b)->inject)
    return coda_errf(err, CODA_EINVAL, "cosim: block %s has no test hooks (--inject-bug)", (*b)->name);
  return CODA_OK;
}

/* ---- the lockstep loop ----------------------------------------------------- */

/* One run from reset: the main run, or the replay that writes a VCD window. */
typedef struct lockstep {
  const cosim_block_t *b;
  const arch_cfg_t *cfg;
  const cosim_rtl_t *rtl;
  const cosim_opts_t *o;
  uint32_t in_bits, out_bits, nin, nout; /* bus widths and their words */
  uint64_t *in, *rout, *tout;            /* this cycle's buses */
  uint64_t *hist;                        /* [HISTORY][nin] recent inputs, ring */
  int hist_rst[HISTORY];                 /* and their resets */
  void *twin, *dut;
  /* result */
  int64_t diverged;                      /* cycle of the first divergence, -1 none */
  uint64_t ran;                          /* cycles run after the initial reset */
  uint64_t transactions;
} lockstep_t;

static int outputs_equal(const lockstep_t *l) {
  for (uint32_t w = 0; w < l->nout; w++) {
    uint64_t m = ~(uint64_t)0;
    if (w == l->nout - 1 && l->out_bits % 64) m = ((uint64_t)1 << (l->out_bits % 64)) - 1;
    if ((l->rout[w] ^ l->tout[w]) & m) return 0;
  }
  return 1;
}

static int open_sides(lockstep_t *l, const char *vcd, coda_err_t *err) {
  l->twin = l->b->create(l->cfg, l->o->seed);
  if (!l->twin) return coda_errf(err, CODA_ENOMEM, "cosim: %s: cannot create the C twin", l->b->name);
  if (l->o->inject && l->b->inject(l->twin, l->o->inject))
    return coda_errf(err, CODA_EINVAL, "cosim: block %s has no test hook '%s'", l->b->name, l->o->inject);
  l->dut = l->rtl->open(vcd, err);
  return l->dut ? CODA_OK : CODA_EIO;
}

static void close_sides(lockstep_t *l) {
  if (l->dut) l->rtl->close(l->dut);
  if (l->twin) l->b->destroy(l->twin);
  l->dut = l->twin = NULL;
}

/* Runs `cycles` cycles (stopping at the first divergence when stop is set);
 * traces cycles [t0, t1] (the initial reset counts as cycle -1). */
static int run(lockstep_t *l, const char *vcd, uint64_t cycles, int64_t t0, int64_t t1, int stop,
               coda_err_t *err) {
  int rc = open_sides(l, vcd, err);
  if (rc) { close_sides(l); return rc; }
  l->diverged = -1;
  l->ran = 0;
  /* initial reset of the RTL; the twin is created in its reset state */
  memset(l->in, 0, l->nin * 8);
  l->rtl->cycle(l->dut, 1, l->in, l->rout, t0 <= -1 && -1 <= t1);
  for (uint64_t c = 0; c < cycles; c++) {
    memset(l->in, 0, l->nin * 8);
    l->b->stimulus(l->twin, c, l->in);
    int rst = l->b->in_reset ? l->b->in_reset(l->twin) : 0;
    memcpy(l->hist + (c % HISTORY) * l->nin, l->in, l->nin * 8);
    l->hist_rst[c % HISTORY] = rst;
    l->rtl->cycle(l->dut, rst, l->in, l->rout, (int64_t)c >= t0 && (int64_t)c <= t1);
    memset(l->tout, 0, l->nout * 8);
    l->b->step(l->twin, l->in, l->tout);
    l->ran = c + 1;
    if (l->diverged == -1 && !outputs_equal(l)) {
      l->diverged = (int64_t)c;
      if (stop) break;
    }
  }
  l->transactions = l->b->transactions(l->twin);
  return CODA_OK;
}

/* ---- reporting ---------------------------------------------------------------- */

static void print_value(FILE *f, const uint64_t *v, const cosim_field_t *fd) {
  put_hex(f, v, fd->lsb, fd->width);
  if (fd->width >= 8 && fd->width <= 64) {
    int64_t s = (int64_t)cosim_get(v, fd->lsb, fd->width);
    if (fd->width < 64 && (s >> (fd->width - 1)) & 1) s -= (int64_t)((uint64_t)1 << (fd->width - 1)) * 2;
    fprintf(f, " (%" PRId64 ")", s);
  }
}

static void report_inputs(FILE *f, const lockstep_t *l, const cosim_field_t *inf, int nin_f) {
  uint64_t last = (uint64_t)l->diverged;
  uint64_t from = last + 1 >= HISTORY ? last + 1 - HISTORY : 0;
  fprintf(f, "  inputs of cycles %" PRIu64 "..%" PRIu64 " (in_i, hex):\n", from, last);
  for (uint64_t c = from; c <= last; c++) {
    const uint64_t *v = l->hist + (c % HISTORY) * l->nin;
    fprintf(f, "    cycle %" PRIu64 ": rst=%d", c, l->hist_rst[c % HISTORY]);
    if (nin_f > 0) {
      for (int i = 0; i < nin_f; i++) {
        fprintf(f, " %s=", inf[i].name);
        put_hex(f, v, inf[i].lsb, inf[i].width);
      }
    } else {
      fputs(" in_i=", f);
      put_hex(f, v, 0, l->in_bits);
    }
    fputc('\n', f);
  }
}

static void report_divergence(FILE *f, const lockstep_t *l, coda_err_t *err) {
  cosim_field_t *fields = calloc(COSIM_MAX_FIELDS, sizeof *fields);
  cosim_field_t *inf = calloc(COSIM_MAX_FIELDS, sizeof *inf);
  if (!fields || !inf) {
    free(fields);
    free(inf);
    fprintf(f, "  (out of memory for the field names)\n");
    return;
  }
  int nf = l->b->out_fields(l->twin, fields, COSIM_MAX_FIELDS);
  int ninf = l->b->in_fields ? l->b->in_fields(l->twin, inf, COSIM_MAX_FIELDS) : 0;
  fprintf(f, "FIRST DIVERGENCE at cycle %" PRId64 " (out_o after that cycle's clock edge)\n", l->diverged);
  int shown = 0, more = 0;
  const cosim_field_t *first = NULL;
  for (int i = 0; i < nf; i++) {
    if (!field_differs(l->rout, l->tout, &fields[i])) continue;
    if (!first) {
      first = &fields[i];
      fprintf(f, "  field %s (out_o[%u:%u]):\n    rtl  ", first->name, first->lsb + first->width - 1, first->lsb);
      print_value(f, l->rout, first);
      fputs("\n    twin ", f);
      print_value(f, l->tout, first);
      fputc('\n', f);
    } else if (shown < MAX_NAMED) {
      fprintf(f, "%s%s", shown ? ", " : "  other fields that differ: ", fields[i].name);
      shown++;
    } else {
      more++;
    }
  }
  if (shown) fprintf(f, more ? " and %d more\n" : "\n", more);
  if (!first) fprintf(f, "  out_o differs outside every named field (the block's out_fields misses bits)\n");
  report_inputs(f, l, inf, ninf);
  free(fields);
  free(inf);
  (void)err;
}

int cosim_run(const cosim_block_t *b, const arch_cfg_t *cfg, const cosim_rtl_t *rtl, const cosim_opts_t *o,
              FILE *out, coda_err_t *err) {
  lockstep_t l;
  memset(&l, 0, sizeof l);
  l.b = b;
  l.cfg = cfg;
  l.rtl = rtl;
  l.o = o;
  int rc = b->shape(cfg, &l.in_bits, &l.out_bits, err);
  if (rc) return rc;
  if (rtl->in_bytes != port_bytes(l.in_bits) || rtl->out_bytes != port_bytes(l.out_bits))
    return coda_errf(err, CODA_EINVAL,
                     "cosim: %s: the verilated top has %u/%u bytes of in_i/out_o, the C twin expects %u/%u bits "
                     "(the RTL and the twin disagree on the bus layout)",
                     b->name, rtl->in_bytes, rtl->out_bytes, l.in_bits, l.out_bits);
  l.nin = (l.in_bits + 63) / 64;
  l.nout = (l.out_bits + 63) / 64;
  /* +1 word: VlWide ports are copied in whole 64-bit pairs */
  l.in = calloc(l.nin + 1, 8);
  l.rout = calloc(l.nout + 1, 8);
  l.tout = calloc(l.nout + 1, 8);
  l.hist = calloc((size_t)HISTORY * l.nin, 8);
  if (!l.in || !l.rout || !l.tout || !l.hist) {
    rc = coda_errf(err, CODA_ENOMEM, "cosim: out of memory");
    goto done;
  }

  fprintf(out, "cosim %s: %s, seed %" PRIu64, b->name, b->rtl_top, o->seed);
  for (const char *const *p = b->params; *p; p++) {
    uint64_t v = 0;
    cosim_param_value(cfg, *p, &v, NULL);
    fprintf(out, "%s%s=%" PRIu64, p == b->params ? ", " : " ", *p, v);
  }
  if (o->inject) fprintf(out, ", injected bug '%s' in the C twin", o->inject);
  fprintf(out, "\n");
  fflush(out);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = run(&l, o->vcd, o->cycles, -1, o->vcd ? INT64_MAX : -2, 1, err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (rc) goto done;
  double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  if (l.diverged == -1) {
    fprintf(out, "cycles: %" PRIu64 "\ntransactions: %" PRIu64 "\ntime: %.2f s (%.3g cycles/s, RTL + twin in lockstep)\n",
            l.ran, l.transactions, secs, secs > 0 ? (double)l.ran / secs : 0.0);
    fprintf(out, "0 mismatches\n");
    if (o->vcd) fprintf(out, "waveform: %s\n", o->vcd);
    rc = CODA_OK;
    goto done;
  }

  /* a divergence: report it, then replay with the waveform on around it */
  report_divergence(out, &l, err);
  uint64_t upto = (uint64_t)l.diverged + 1;
  int64_t diverged = l.diverged;
  close_sides(&l);
  if (o->vcd) {
    fprintf(out, "  waveform: %s (the whole run up to the divergence)\n", o->vcd);
  } else {
    char vcd[512];
    snprintf(vcd, sizeof vcd, "cosim-%s-seed%" PRIu64 ".vcd", b->name, o->seed);
    int64_t w0 = diverged - WIN_BEFORE < -1 ? -1 : diverged - WIN_BEFORE;
    uint64_t w1 = upto + WIN_AFTER;
    if (w1 > o->cycles) w1 = o->cycles;
    rc = run(&l, vcd, w1, w0, (int64_t)w1 - 1, 0, err);
    if (rc) goto done;
    close_sides(&l);
    fprintf(out, "  waveform: %s, cycles %" PRId64 "..%" PRIu64 " replayed from reset (cycle c spans time %s)\n",
            vcd, w0, w1 - 1, "2c+2..2c+3, the rising edge at 2c+3; the initial reset is 0..1");
  }
  fprintf(out, "1 mismatch (run stopped at the first divergence, after %" PRIu64 " cycles)\n", upto);
  rc = coda_errf(err, CODA_ECHECK, "cosim: %s: the RTL and the C twin diverge (cycle %" PRId64 ")", b->name,
                 diverged);

done:
  close_sides(&l);
  free(l.in);
  free(l.rout);
  free(l.tout);
  free(l.hist);
  return rc;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int cosim_bench(const cosim_block_t *b, const arch_cfg_t *cfg, const cosim_rtl_t *rtl, const cosim_opts_t *o,
                FILE *out, coda_err_t *err) {
  uint32_t ib, ob;
  int rc = b->shape(cfg, &ib, &ob, err);
  if (rc) return rc;
  const uint32_t nin = (ib + 63) / 64, nout = (ob + 63) / 64;
  uint64_t *in = calloc(nin + 1, 8), *ro = calloc(nout + 1, 8), *to = calloc(nout + 1, 8);
  double t[4] = {0, 0, 0, 0}; /* stimulus; + twin; + RTL; lockstep */
  uint64_t bad = 0;
  if (!in || !ro || !to) rc = coda_errf(err, CODA_ENOMEM, "cosim: out of memory");
  for (int pass = 0; pass < 4 && !rc; pass++) {
    void *tw = b->create(cfg, o->seed), *dut = NULL;
    if (!tw) { rc = coda_errf(err, CODA_ENOMEM, "cosim: %s: cannot create the C twin", b->name); break; }
    if (pass >= 2 && !(dut = rtl->open(NULL, err))) { b->destroy(tw); rc = CODA_EIO; break; }
    if (dut) {
      memset(in, 0, nin * 8);
      rtl->cycle(dut, 1, in, ro, 0);
    }
    double t0 = now_s();
    for (uint64_t c = 0; c < o->cycles; c++) {
      memset(in, 0, nin * 8);
      b->stimulus(tw, c, in);
      int rst = b->in_reset ? b->in_reset(tw) : 0;
      if (pass == 1 || pass == 3) b->step(tw, in, to);
      if (pass >= 2) rtl->cycle(dut, rst, in, ro, 0);
      if (pass == 3) {
        uint64_t diff = 0;
        for (uint32_t w = 0; w < nout; w++)
          diff |= (ro[w] ^ to[w]) & (w + 1 < nout || ob % 64 == 0 ? ~(uint64_t)0 : ((uint64_t)1 << (ob % 64)) - 1);
        bad += diff != 0;
      }
    }
    t[pass] = now_s() - t0;
    if (dut) rtl->close(dut);
    b->destroy(tw);
  }
  if (!rc) {
    double n = (double)o->cycles, twin = t[1] - t[0], hw = t[2] - t[0];
    fprintf(out, "bench %s: %s, %" PRIu64 " cycles, seed %" PRIu64 "\n", b->name, b->rtl_top, o->cycles, o->seed);
    fprintf(out, "  stimulus alone          %10.3g cycles/s\n", n / t[0]);
    fprintf(out, "  C twin (step + bus)     %10.3g cycles/s\n", twin > 0 ? n / twin : 0.0);
    fprintf(out, "  Verilator RTL           %10.3g cycles/s\n", hw > 0 ? n / hw : 0.0);
    fprintf(out, "  lockstep co-simulation  %10.3g cycles/s (stimulus + twin + RTL + compare)\n", n / t[3]);
    fprintf(out, "  co-simulation overhead over raw Verilator: %.2fx; C twin / RTL speed: %.2fx\n",
            t[2] > 0 ? t[3] / t[2] : 0.0, twin > 0 && hw > 0 ? hw / twin : 0.0);
    if (bad) rc = coda_errf(err, CODA_ECHECK, "cosim: %s: %" PRIu64 " cycles differ in the bench run", b->name, bad);
  }
  free(in);
  free(ro);
  free(to);
  return rc;
}

int cosim_harness_main(int argc, char **argv, const cosim_rtl_t *rtl) {
  cosim_args_t a;
  coda_err_t err = {0};
  const cosim_block_t *b = NULL;
  arch_cfg_t cfg;
  uint32_t ib, ob;
  int rc = cosim_parse_args(argc, argv, 1, &a, &err);
  if (!rc) rc = cosim_resolve(&a, &b, &cfg, &ib, &ob, &err);
  if (!rc) rc = a.o.bench ? cosim_bench(b, &cfg, rtl, &a.o, stdout, &err) : cosim_run(b, &cfg, rtl, &a.o, stdout, &err);
  fflush(stdout);
  if (!rc) return 0;
  fprintf(stderr, "coda: error: %s\n", err.msg);
  return rc == CODA_ECHECK ? 1 : 2;
}

/* ---- steady-workload draws (cosim.h) ---------------------------------------- */

static double wl_unit(uint64_t *s) { return (double)(coda_rnd(s) >> 11) * (1.0 / 9007199254740992.0); }

int cosim_coin(uint64_t *rng, double p) { return p >= 1.0 || wl_unit(rng) < p; }

int8_t cosim_draw_int8(uint64_t *rng, const cosim_workload_t *w) {
  if (w->dist == COSIM_DIST_ZERO) return 0;
  if (w->dist != COSIM_DIST_NORMAL) return (int8_t)(uint8_t)coda_rnd(rng);
  /* Box-Muller; u1 in (0, 1] so the log is finite */
  double u1 = 1.0 - wl_unit(rng), u2 = wl_unit(rng);
  double x = w->sigma * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
  long v = lround(x);
  return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}
