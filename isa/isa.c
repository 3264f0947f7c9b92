/* isa.c: table-driven encode, decode, print and parse of one instruction.
 *
 * Nothing here knows a single opcode or bit position: everything comes from
 * the tables isa/isagen.c generates from isa/coda.isa (isa_gen.c). Values
 * are checked against each field's valid range (isa_fields[].min/max) both
 * ways, so a word that decodes is one that encodes, and the reverse.
 * isa_encode looks only at the fields the op has; the others may hold
 * anything (isa_decode sets them to 0).
 */
#include "isa.h"

#include <stdio.h>
#include <string.h>

/* ---- field access --------------------------------------------------------- */

static uint64_t insn_get(const isa_insn_t *in, const isa_field_info_t *f) {
  const unsigned char *p = (const unsigned char *)in + f->offset;
  if (f->size == sizeof(uint64_t)) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
  }
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static void insn_set(isa_insn_t *in, const isa_field_info_t *f, uint64_t v) {
  unsigned char *p = (unsigned char *)in + f->offset;
  if (f->size == sizeof(uint64_t)) {
    memcpy(p, &v, sizeof v);
  } else {
    uint32_t u = (uint32_t)v;
    memcpy(p, &u, sizeof u);
  }
}

/* Bits lo..lo+width-1 of w (width 1..64; the range may straddle bit 64). */
static uint64_t word_get(const isa_word_t *w, unsigned lo, unsigned width) {
  uint64_t v;
  if (lo >= 64) {
    v = w->w[1] >> (lo - 64);
  } else {
    v = w->w[0] >> lo;
    if (lo + width > 64) v |= w->w[1] << (64 - lo);
  }
  return width == 64 ? v : v & ((1ull << width) - 1);
}

/* ORs v (already known to fit width) into bits lo.. of w. */
static void word_put(isa_word_t *w, unsigned lo, unsigned width, uint64_t v) {
  if (lo >= 64) {
    w->w[1] |= v << (lo - 64);
  } else {
    w->w[0] |= v << lo;
    if (lo + width > 64) w->w[1] |= v >> (64 - lo);
  }
}

static int valid_value(const isa_field_info_t *f, uint64_t v) {
  return v >= f->min && v <= f->max;
}

/* "1..4", "int8, int16, fp8 or fp16": what a field accepts. */
static void describe(const isa_field_info_t *f, char *buf, size_t len) {
  if (f->kind == ISA_KIND_ENUM) {
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < f->n_names && n < len; i++) {
      const char *sep = i == 0 ? "" : i + 1 == f->n_names ? " or " : ", ";
      int k = snprintf(buf + n, len - n, "%s%s", sep, f->names[i]);
      if (k < 0) break;
      n += (size_t)k;
    }
  } else {
    snprintf(buf, len, "%llu..%llu", (unsigned long long)f->min,
             (unsigned long long)f->max);
  }
}

static int bad_op(isa_op_e op) { return (unsigned)op >= ISA_OP_COUNT; }

/* ---- encode / decode ------------------------------------------------------ */

int isa_encode(const isa_insn_t *in, isa_word_t *out, coda_err_t *err) {
  if (bad_op(in->op))
    return coda_errf(err, CODA_EINVAL, "isa: unknown op %d", (int)in->op);
  const isa_op_info_t *op = &isa_ops[in->op];
  isa_word_t w = {{op->opcode, 0}};
  for (unsigned s = 0; s < op->n_slots; s++) {
    const isa_field_info_t *f = &isa_fields[op->slot[s].field];
    uint64_t v = insn_get(in, f);
    if (!valid_value(f, v)) {
      char want[128];
      describe(f, want, sizeof want);
      return coda_errf(err, CODA_EINVAL, "%s: field '%s': expected %s, got %llu",
                       op->name, f->name, want, (unsigned long long)v);
    }
    word_put(&w, op->slot[s].lo, f->width, v);
  }
  *out = w;
  return CODA_OK;
}

int isa_decode(const isa_word_t *in, isa_insn_t *out, coda_err_t *err) {
  unsigned opcode = (unsigned)(in->w[0] & 0xff);
  unsigned opi = isa_opcode_op[opcode];
  if (opi >= ISA_OP_COUNT)
    return coda_errf(err, CODA_EINVAL, "isa: unknown opcode 0x%02x", opcode);
  const isa_op_info_t *op = &isa_ops[opi];
  for (unsigned h = 0; h < 2; h++) {
    uint64_t extra = in->w[h] & ~op->used[h];
    if (extra) {
      unsigned bit = 0;
      while (!((extra >> bit) & 1)) bit++;
      return coda_errf(err, CODA_EINVAL, "%s: reserved bit %u is set", op->name,
                       bit + 64 * h);
    }
  }
  isa_insn_t d;
  memset(&d, 0, sizeof d);
  d.op = (isa_op_e)opi;
  for (unsigned s = 0; s < op->n_slots; s++) {
    const isa_field_info_t *f = &isa_fields[op->slot[s].field];
    uint64_t v = word_get(in, op->slot[s].lo, f->width);
    if (!valid_value(f, v)) {
      char want[128];
      describe(f, want, sizeof want);
      return coda_errf(err, CODA_EINVAL, "%s: field '%s': expected %s, got %llu",
                       op->name, f->name, want, (unsigned long long)v);
    }
    insn_set(&d, f, v);
  }
  *out = d;
  return CODA_OK;
}

const char *isa_op_name(isa_op_e op) {
  return bad_op(op) ? NULL : isa_ops[op].name;
}

/* ---- text ----------------------------------------------------------------- */

int isa_format(const isa_insn_t *in, char *buf, size_t len) {
  if (bad_op(in->op)) return snprintf(buf, len, "?op%d", (int)in->op);
  const isa_op_info_t *op = &isa_ops[in->op];
  size_t n = 0;
  int k = snprintf(buf, len, "%s", op->name);
  if (k < 0) return k;
  n = (size_t)k;
  for (unsigned s = 0; s < op->n_slots; s++) {
    const isa_field_info_t *f = &isa_fields[op->slot[s].field];
    uint64_t v = insn_get(in, f);
    char *dst = n < len ? buf + n : NULL;
    size_t room = n < len ? len - n : 0;
    if (f->kind == ISA_KIND_ENUM && v < f->n_names)
      k = snprintf(dst, room, " %s=%s", f->name, f->names[v]);
    else if (f->kind == ISA_KIND_ADDR)
      k = snprintf(dst, room, " %s=0x%llx", f->name, (unsigned long long)v);
    else
      k = snprintf(dst, room, " %s=%llu", f->name, (unsigned long long)v);
    if (k < 0) return k;
    n += (size_t)k;
  }
  return (int)n;
}

/* Decimal or 0x hex, no sign; fails on anything else and on overflow. */
static int parse_number(const char *s, size_t n, uint64_t *out) {
  uint64_t v = 0;
  unsigned base = 10;
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
    n -= 2;
  }
  if (n == 0) return -1;
  for (size_t i = 0; i < n; i++) {
    unsigned d;
    char c = s[i];
    if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
    else return -1;
    if (v > (UINT64_MAX - d) / base) return -2;
    v = v * base + d;
  }
  *out = v;
  return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int isa_parse_line(const char *line, const char *origin, int lineno,
                   isa_insn_t *out, int *empty, coda_err_t *err) {
  /* The line ends at a comment or a newline. */
  size_t end = strcspn(line, ";#\n");
  size_t i = 0;
  *empty = 0;
  while (i < end && is_blank(line[i])) i++;
  if (i == end) {
    *empty = 1;
    return CODA_OK;
  }
  size_t m0 = i;
  while (i < end && !is_blank(line[i])) i++;
  int mlen = (int)(i - m0);
  unsigned opi = ISA_OP_COUNT;
  for (unsigned o = 0; o < ISA_OP_COUNT; o++)
    if (strlen(isa_ops[o].name) == (size_t)mlen &&
        !memcmp(isa_ops[o].name, line + m0, (size_t)mlen))
      opi = o;
  if (opi == ISA_OP_COUNT) {
    char names[256];
    size_t n = 0;
    names[0] = 0;
    for (unsigned o = 0; o < ISA_OP_COUNT && n < sizeof names; o++) {
      int k = snprintf(names + n, sizeof names - n, "%s%s", o ? ", " : "",
                       isa_ops[o].name);
      if (k < 0) break;
      n += (size_t)k;
    }
    return coda_errf(err, CODA_EINVAL, "%s:%d: '%.*s': expected a mnemonic (%s)",
                     origin, lineno, mlen > 64 ? 64 : mlen, line + m0, names);
  }
  const isa_op_info_t *op = &isa_ops[opi];
  isa_insn_t d;
  memset(&d, 0, sizeof d);
  d.op = (isa_op_e)opi;
  int seen[ISA_MAX_SLOTS] = {0};
  for (;;) {
    while (i < end && is_blank(line[i])) i++;
    if (i == end) break;
    size_t t0 = i;
    while (i < end && !is_blank(line[i])) i++;
    const char *tok = line + t0;
    int tlen = (int)(i - t0);
    const char *eq = memchr(tok, '=', (size_t)tlen);
    if (!eq || eq == tok)
      return coda_errf(err, CODA_EINVAL, "%s:%d: %s: '%.*s': expected field=value",
                       origin, lineno, op->name, tlen > 64 ? 64 : tlen, tok);
    int nlen = (int)(eq - tok);
    const char *val = eq + 1;
    int vlen = tlen - nlen - 1;
    int vshow = vlen > 64 ? 64 : vlen;
    unsigned s = 0;
    while (s < op->n_slots &&
           !(strlen(isa_fields[op->slot[s].field].name) == (size_t)nlen &&
             !memcmp(isa_fields[op->slot[s].field].name, tok, (size_t)nlen)))
      s++;
    if (s == op->n_slots) {
      char names[256];
      size_t n = 0;
      names[0] = 0;
      for (unsigned j = 0; j < op->n_slots && n < sizeof names; j++) {
        int k = snprintf(names + n, sizeof names - n, "%s%s", j ? ", " : "",
                         isa_fields[op->slot[j].field].name);
        if (k < 0) break;
        n += (size_t)k;
      }
      return coda_errf(err, CODA_EINVAL,
                       "%s:%d: %s: field '%.*s': expected one of %s", origin,
                       lineno, op->name, nlen > 64 ? 64 : nlen, tok, names);
    }
    const isa_field_info_t *f = &isa_fields[op->slot[s].field];
    if (seen[s])
      return coda_errf(err, CODA_EINVAL,
                       "%s:%d: %s: field '%s': expected once, given twice",
                       origin, lineno, op->name, f->name);
    seen[s] = 1;
    char want[128];
    describe(f, want, sizeof want);
    uint64_t v = 0;
    if (f->kind == ISA_KIND_ENUM) {
      unsigned e = 0;
      while (e < f->n_names && !(strlen(f->names[e]) == (size_t)vlen &&
                                 !memcmp(f->names[e], val, (size_t)vlen)))
        e++;
      if (e == f->n_names)
        return coda_errf(err, CODA_EINVAL,
                         "%s:%d: %s: field '%s': expected %s, got '%.*s'",
                         origin, lineno, op->name, f->name, want, vshow, val);
      v = e;
    } else {
      int rc = parse_number(val, (size_t)vlen, &v);
      if (rc == -1)
        return coda_errf(err, CODA_EINVAL,
                         "%s:%d: %s: field '%s': expected a number (decimal or "
                         "0x hex) in %s, got '%.*s'",
                         origin, lineno, op->name, f->name, want, vshow, val);
      if (rc == -2 || !valid_value(f, v))
        return coda_errf(err, CODA_EINVAL,
                         "%s:%d: %s: field '%s': expected %s, got %.*s", origin,
                         lineno, op->name, f->name, want, vshow, val);
    }
    insn_set(&d, f, v);
  }
  for (unsigned s = 0; s < op->n_slots; s++)
    if (!seen[s])
      return coda_errf(err, CODA_EINVAL,
                       "%s:%d: %s: field '%s': expected, but missing", origin,
                       lineno, op->name, isa_fields[op->slot[s].field].name);
  *out = d;
  return CODA_OK;
}
