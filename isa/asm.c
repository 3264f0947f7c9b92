/* asm.c: the coda assembler and disassembler for whole programs (asm.h).
 *
 * Instruction lines go through isa_parse_line / isa_format; this file adds
 * the directives and the layer bookkeeping. The `.layer` keys and their
 * ranges come from the layer table in cbin.c (cbinint.h), so the text form
 * and the binary form of a layer cannot drift apart.
 */
#include "asm.h"

#include <string.h>

#include "cbinint.h"

/* ---- lexing a directive line ---------------------------------------------- */

typedef struct span {
  const char *s; /* first byte */
  size_t n;      /* bytes */
} span_t;

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Next token of [*p, e): a run of non-blank bytes in which "..." (with
 * backslash escapes) may hold anything. Returns 1 with a token, 0 at the end
 * of the line or a comment, -1 on an unterminated string. */
static int next_token(const char **p, const char *e, span_t *t) {
  const char *s = *p;
  while (s < e && blank(*s)) s++;
  if (s == e || *s == ';' || *s == '#') {
    *p = e;
    return 0;
  }
  t->s = s;
  while (s < e && !blank(*s) && *s != ';' && *s != '#') {
    if (*s == '"') {
      s++;
      while (s < e && *s != '"') s += (*s == '\\' && s + 1 < e) ? 2 : 1;
      if (s >= e) {
        t->n = (size_t)(e - t->s);
        *p = e;
        return -1;
      }
    }
    s++;
  }
  t->n = (size_t)(s - t->s);
  *p = s;
  return 1;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A NAME (bare word or quoted string) into out[CBIN_NAME_BYTES]. Returns
 * NULL or what is wrong. */
static const char *parse_name(span_t v, char *out) {
  size_t n = 0;
  if (v.n == 0) return "expected a NAME or \"quoted string\"";
  if (v.s[0] != '"') {
    for (size_t i = 0; i < v.n; i++)
      if (v.s[i] == '"' || v.s[i] == '\\')
        return "expected a NAME or \"quoted string\"";
    if (v.n >= CBIN_NAME_BYTES) return "longer than 63 bytes";
    memcpy(out, v.s, v.n);
    memset(out + v.n, 0, CBIN_NAME_BYTES - v.n);
    return NULL;
  }
  if (v.n < 2 || v.s[v.n - 1] != '"')
    return "expected a NAME or \"quoted string\"";
  for (size_t i = 1; i + 1 < v.n; i++) {
    int c = (unsigned char)v.s[i];
    if (c == '\\') {
      char x = v.s[++i];
      if (x == '\\' || x == '"') {
        c = x;
      } else if (x == 'x' && i + 3 < v.n && hexval(v.s[i + 1]) >= 0 &&
                 hexval(v.s[i + 2]) >= 0) {
        c = hexval(v.s[i + 1]) * 16 + hexval(v.s[i + 2]);
        i += 2;
        if (c == 0) return "\\x00 is not allowed in a name";
      } else {
        return "bad escape (expected \\\\, \\\" or \\xHH)";
      }
    }
    if (n + 1 >= CBIN_NAME_BYTES) return "longer than 63 bytes";
    out[n++] = (char)c;
  }
  memset(out + n, 0, CBIN_NAME_BYTES - n);
  return NULL;
}

/* Decimal or 0x hex into *v; -1 if not a number, -2 if past UINT64_MAX. */
static int parse_u64(span_t t, uint64_t *v) {
  const char *s = t.s;
  size_t n = t.n;
  unsigned base = 10;
  uint64_t x = 0;
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
    n -= 2;
  }
  if (n == 0) return -1;
  for (size_t i = 0; i < n; i++) {
    int d = hexval(s[i]);
    if (d < 0 || (unsigned)d >= base) return -1;
    if (x > (UINT64_MAX - (unsigned)d) / base) return -2;
    x = x * base + (unsigned)d;
  }
  *v = x;
  return 0;
}

/* ---- directives ----------------------------------------------------------- */

typedef struct asm_state {
  const char *origin; /* for messages */
  int line;           /* current line */
  cbin_t *p;          /* program being built */
  int open;           /* layer being filled, or -1 */
  int have_arch, have_workload, have_dram; /* directives seen */
  coda_err_t *err;
} asm_t;

static void close_layer(asm_t *a) {
  if (a->open < 0) return;
  cbin_layer_t *l = &a->p->layer[a->open];
  l->n_insn = a->p->n_insn - l->first_insn;
  a->open = -1;
}

static int show(size_t n) { return n > 64 ? 64 : (int)n; }

static int dir_layer(asm_t *a, const char **p, const char *e) {
  cbin_layer_t l;
  memset(&l, 0, sizeof l);
  int seen[64] = {0};
  span_t t;
  int k;
  while ((k = next_token(p, e, &t)) > 0) {
    const char *eq = memchr(t.s, '=', t.n);
    if (!eq || eq == t.s)
      return coda_errf(a->err, CODA_EINVAL,
                       "%s:%d: .layer: '%.*s': expected key=value", a->origin,
                       a->line, show(t.n), t.s);
    span_t key = {t.s, (size_t)(eq - t.s)};
    span_t val = {eq + 1, t.n - key.n - 1};
    unsigned j = 0;
    for (; j < cbin_n_layer_fields; j++) {
      const cbin_layer_field_t *lf = &cbin_layer_fields[j];
      if (lf->asm_key && strlen(lf->name) == key.n &&
          !memcmp(lf->name, key.s, key.n))
        break;
    }
    if (j == cbin_n_layer_fields) {
      char keys[512];
      size_t n = 0;
      keys[0] = 0;
      for (unsigned i = 0; i < cbin_n_layer_fields && n < sizeof keys; i++) {
        if (!cbin_layer_fields[i].asm_key) continue;
        int w = snprintf(keys + n, sizeof keys - n, "%s%s", n ? ", " : "",
                         cbin_layer_fields[i].name);
        if (w < 0) break;
        n += (size_t)w;
      }
      return coda_errf(a->err, CODA_EINVAL,
                       "%s:%d: .layer: field '%.*s': expected one of %s",
                       a->origin, a->line, show(key.n), key.s, keys);
    }
    const cbin_layer_field_t *lf = &cbin_layer_fields[j];
    if (seen[j])
      return coda_errf(a->err, CODA_EINVAL,
                       "%s:%d: .layer: field '%s': expected once, given twice",
                       a->origin, a->line, lf->name);
    seen[j] = 1;
    if (lf->size == CBIN_NAME_BYTES) {
      const char *why = parse_name(val, l.name);
      if (why)
        return coda_errf(a->err, CODA_EINVAL, "%s:%d: .layer: field '%s': %s",
                         a->origin, a->line, lf->name, why);
      continue;
    }
    uint64_t v;
    if (cbin_layer_value_name(lf, 0)) {
      if (cbin_layer_value_find(lf, val.s, val.n, &v)) {
        char want[128];
        size_t n = 0;
        for (uint64_t i = 0; i <= lf->max && n < sizeof want; i++) {
          int w = snprintf(want + n, sizeof want - n, "%s%s",
                           i ? (i == lf->max ? " or " : ", ") : "",
                           cbin_layer_value_name(lf, i));
          if (w < 0) break;
          n += (size_t)w;
        }
        return coda_errf(a->err, CODA_EINVAL,
                         "%s:%d: .layer: field '%s': expected %s, got '%.*s'",
                         a->origin, a->line, lf->name, want, show(val.n),
                         val.s);
      }
    } else {
      int rc = parse_u64(val, &v);
      if (rc == -1)
        return coda_errf(a->err, CODA_EINVAL,
                         "%s:%d: .layer: field '%s': expected a number "
                         "(decimal or 0x hex), got '%.*s'",
                         a->origin, a->line, lf->name, show(val.n), val.s);
      if (rc == -2 || v < lf->min || v > lf->max)
        return coda_errf(a->err, CODA_EINVAL,
                         "%s:%d: .layer: field '%s': expected %llu..%llu, got "
                         "%.*s",
                         a->origin, a->line, lf->name,
                         (unsigned long long)lf->min,
                         (unsigned long long)lf->max, show(val.n), val.s);
    }
    cbin_layer_set(&l, lf, v);
  }
  if (k < 0)
    return coda_errf(a->err, CODA_EINVAL, "%s:%d: .layer: unterminated string",
                     a->origin, a->line);
  for (unsigned j = 0; j < cbin_n_layer_fields; j++)
    if (cbin_layer_fields[j].asm_key && !seen[j])
      return coda_errf(a->err, CODA_EINVAL,
                       "%s:%d: .layer: field '%s': expected, but missing",
                       a->origin, a->line, cbin_layer_fields[j].name);
  close_layer(a);
  l.first_insn = a->p->n_insn;
  int rc = cbin_push_layer(a->p, &l, a->err);
  if (rc) return rc;
  a->open = (int)a->p->n_layer - 1;
  return CODA_OK;
}

/* Exactly one argument token after the directive. */
static int one_arg(asm_t *a, const char **p, const char *e, const char *dir,
                   const char *what, span_t *t) {
  span_t extra;
  int k = next_token(p, e, t);
  if (k == 1 && next_token(p, e, &extra) == 0) return CODA_OK;
  return coda_errf(a->err, CODA_EINVAL, "%s:%d: %s: expected one %s", a->origin,
                   a->line, dir, what);
}

static int directive(asm_t *a, const char *s, const char *e) {
  span_t d, t;
  const char *p = s;
  if (next_token(&p, e, &d) < 0)
    return coda_errf(a->err, CODA_EINVAL, "%s:%d: unterminated string",
                     a->origin, a->line);
  if ((d.n == 5 && !memcmp(d.s, ".arch", 5)) ||
      (d.n == 9 && !memcmp(d.s, ".workload", 9))) {
    int arch = d.n == 5;
    int *have = arch ? &a->have_arch : &a->have_workload;
    const char *dir = arch ? ".arch" : ".workload";
    if (*have)
      return coda_errf(a->err, CODA_EINVAL, "%s:%d: %s: given twice", a->origin,
                       a->line, dir);
    *have = 1;
    if (one_arg(a, &p, e, dir, "NAME", &t)) return CODA_EINVAL;
    const char *why =
        parse_name(t, arch ? a->p->arch_name : a->p->workload_name);
    if (why)
      return coda_errf(a->err, CODA_EINVAL, "%s:%d: %s: %s", a->origin, a->line,
                       dir, why);
    return CODA_OK;
  }
  if (d.n == 11 && !memcmp(d.s, ".dram_bytes", 11)) {
    if (a->have_dram)
      return coda_errf(a->err, CODA_EINVAL, "%s:%d: .dram_bytes: given twice",
                       a->origin, a->line);
    a->have_dram = 1;
    if (one_arg(a, &p, e, ".dram_bytes", "number", &t)) return CODA_EINVAL;
    uint64_t v;
    int rc = parse_u64(t, &v);
    if (rc || v > CBIN_MAX_DRAM_BYTES)
      return coda_errf(a->err, CODA_EINVAL,
                       "%s:%d: .dram_bytes: expected 0..%llu, got '%.*s'",
                       a->origin, a->line,
                       (unsigned long long)CBIN_MAX_DRAM_BYTES, show(t.n), t.s);
    a->p->dram_bytes = v;
    return CODA_OK;
  }
  if (d.n == 6 && !memcmp(d.s, ".layer", 6)) return dir_layer(a, &p, e);
  if (d.n == 9 && !memcmp(d.s, ".endlayer", 9)) {
    if (next_token(&p, e, &t) != 0)
      return coda_errf(a->err, CODA_EINVAL, "%s:%d: .endlayer: expected nothing after it",
                       a->origin, a->line);
    if (a->open < 0)
      return coda_errf(a->err, CODA_EINVAL, "%s:%d: .endlayer: no layer is open",
                       a->origin, a->line);
    close_layer(a);
    return CODA_OK;
  }
  return coda_errf(a->err, CODA_EINVAL,
                   "%s:%d: '%.*s': expected .arch, .workload, .dram_bytes, "
                   ".layer or .endlayer",
                   a->origin, a->line, show(d.n), d.s);
}

int isa_asm_program(const char *text, const char *origin, cbin_t *out,
                    coda_err_t *err) {
  memset(out, 0, sizeof *out);
  asm_t a = {origin, 0, out, -1, 0, 0, 0, err};
  int rc = CODA_OK;
  for (const char *s = text; *s && rc == CODA_OK;) {
    const char *e = strchr(s, '\n');
    if (!e) e = s + strlen(s);
    a.line++;
    const char *q = s;
    while (q < e && blank(*q)) q++;
    if (q < e && *q == '.') {
      rc = directive(&a, q, e);
    } else {
      isa_insn_t in;
      isa_word_t w;
      int empty;
      coda_err_t e2;
      rc = isa_parse_line(s, origin, a.line, &in, &empty, err);
      if (rc == CODA_OK && !empty) {
        if (isa_encode(&in, &w, &e2))
          rc = coda_errf(err, CODA_EINVAL, "%s:%d: %s", origin, a.line, e2.msg);
        else
          rc = cbin_push_insn(out, &w, err);
      }
    }
    s = *e ? e + 1 : e;
  }
  close_layer(&a);
  if (rc != CODA_OK) cbin_free(out);
  return rc;
}

/* ---- disassembler --------------------------------------------------------- */

static void put_name(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20 || c > 0x7e) fprintf(f, "\\x%02x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void put_layer(FILE *f, const cbin_layer_t *l) {
  fprintf(f, ".layer");
  for (unsigned j = 0; j < cbin_n_layer_fields; j++) {
    const cbin_layer_field_t *lf = &cbin_layer_fields[j];
    if (!lf->asm_key) continue;
    fprintf(f, " %s=", lf->name);
    if (lf->size == CBIN_NAME_BYTES) {
      put_name(f, l->name);
      continue;
    }
    uint64_t v = cbin_layer_get(l, lf);
    const char *name = cbin_layer_value_name(lf, v);
    if (name) fprintf(f, "%s", name);
    else fprintf(f, lf->hex ? "0x%llx" : "%llu", (unsigned long long)v);
  }
  fputc('\n', f);
}

int isa_disasm_program(const cbin_t *p, FILE *f, coda_err_t *err) {
  char why[256];
  if (!memchr(p->arch_name, 0, sizeof p->arch_name) ||
      !memchr(p->workload_name, 0, sizeof p->workload_name))
    return coda_errf(err, CODA_EINVAL, "disasm: a program name is not "
                     "NUL-terminated");
  if (p->dram_bytes > CBIN_MAX_DRAM_BYTES)
    return coda_errf(err, CODA_EINVAL, "disasm: dram_bytes %llu exceeds %llu",
                     (unsigned long long)p->dram_bytes,
                     (unsigned long long)CBIN_MAX_DRAM_BYTES);
  for (uint32_t i = 0; i < p->n_layer; i++) {
    const cbin_layer_t *l = &p->layer[i];
    if (cbin_layer_check(l, p->n_insn, why, sizeof why))
      return coda_errf(err, CODA_EINVAL, "disasm: layer %u: %s", i, why);
    if (i > 0 && l->first_insn < (uint64_t)p->layer[i - 1].first_insn +
                                     p->layer[i - 1].n_insn)
      return coda_errf(err, CODA_EINVAL,
                       "disasm: layer %u starts before layer %u ends: layers "
                       "must be in order and disjoint to be written as text",
                       i, i - 1);
  }
  for (uint32_t i = 0; i < p->n_insn; i++) {
    isa_insn_t d;
    coda_err_t e;
    if (isa_decode(&p->insn[i], &d, &e))
      return coda_errf(err, CODA_EINVAL, "disasm: instruction %u: %s", i,
                       e.msg);
  }

  fprintf(f, "; coda program: %u instructions, %u layers\n", p->n_insn,
          p->n_layer);
  if (p->n_seg) {
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < p->n_seg; i++) bytes += p->seg[i].bytes;
    fprintf(f,
            "; %u data segments (%llu bytes) dropped: assembly text cannot "
            "hold data, so this program assembles with no data (flags 0)\n",
            p->n_seg, (unsigned long long)bytes);
  }
  if (p->arch_name[0]) {
    fprintf(f, ".arch ");
    put_name(f, p->arch_name);
    fputc('\n', f);
  }
  if (p->workload_name[0]) {
    fprintf(f, ".workload ");
    put_name(f, p->workload_name);
    fputc('\n', f);
  }
  if (p->dram_bytes) fprintf(f, ".dram_bytes %llu\n", (unsigned long long)p->dram_bytes);

  uint32_t li = 0; /* next layer to start */
  int open = -1;   /* layer the assembler would have open */
  for (uint32_t i = 0; i <= p->n_insn; i++) {
    int starts = li < p->n_layer && p->layer[li].first_insn == i;
    if (open >= 0 &&
        p->layer[open].first_insn + p->layer[open].n_insn == i) {
      if (!starts && i < p->n_insn) fprintf(f, ".endlayer\n");
      open = -1;
    }
    while (li < p->n_layer && p->layer[li].first_insn == i) {
      put_layer(f, &p->layer[li]);
      open = (int)li++;
      int more = li < p->n_layer && p->layer[li].first_insn == i;
      if (p->layer[open].n_insn == 0 && !more) {
        if (i < p->n_insn) fprintf(f, ".endlayer\n");
        open = -1;
      }
    }
    if (i < p->n_insn) {
      isa_insn_t d;
      char line[512];
      isa_decode(&p->insn[i], &d, NULL);
      isa_format(&d, line, sizeof line);
      fprintf(f, "%s\n", line);
    }
  }
  if (fflush(f) != 0 || ferror(f))
    return coda_errf(err, CODA_EIO, "disasm: write failed");
  return CODA_OK;
}
