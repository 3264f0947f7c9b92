/* cbin.c: the .cbin program container (format in isa/cbin.h).
 *
 * Layer record (CBIN_LAYER_BYTES = 144 bytes, little-endian, in the order of
 * cbin_layer_fields below): name[64], first_insn u32, n_insn u32, m n k kp
 * u32, core atype wbits acct ewop fused tq dist u8, a_addr w_addr z_addr
 * c_addr seed u64, repeat u32, pad2 u32.
 *
 * The reader takes its input as hostile. It works in three passes so that
 * nothing is allocated before it is known to fit: (1) walk the structure,
 * checking every count against CBIN_MAX_* and the bytes left before
 * touching what it describes; (2) check the CRC; (3) check meaning
 * (instructions decode, layers in range, segments inside dram_bytes and
 * inflating to exactly `bytes`). A segment may claim at most
 * CBIN_MAX_INFLATE times its compressed size (deflate cannot do better), so
 * a small file cannot make the reader allocate a lot. The writer runs the
 * same checks first, so what it writes the reader accepts.
 */
#include "cbin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../compiler/datagen.h"
#include "../sim/core/config.h"
#include "cbinint.h"

#define CBIN_MAGIC "CODABIN1"
#define CBIN_HEADER_BYTES (8 + 4 + 4 + 8 + 2 * CBIN_NAME_BYTES + 3 * 4)
#define CBIN_INSN_BYTES 16
#define CBIN_SEG_HEADER_BYTES 24
#define CBIN_MAX_INFLATE 1100 /* > deflate's best ratio, 1032:1 (zlib FAQ) */

/* ---- the layer table ------------------------------------------------------ */

static const char *const core_names[] = {"lut", "mac"};
_Static_assert(ARCH_CORE_LUT == 0 && ARCH_CORE_MAC == 1,
               "core_names follows ARCH_CORE_*");

#define LSIZE(m) ((unsigned)sizeof(((cbin_layer_t *)0)->m))
#define LNUM(m, key, hex, lo, hi) \
  {#m, offsetof(cbin_layer_t, m), LSIZE(m), key, hex, lo, hi, NULL, NULL}
#define LENUM(m, names, isa, n) \
  {#m, offsetof(cbin_layer_t, m), LSIZE(m), 1, 0, 0, (n) - 1, names, isa}

const cbin_layer_field_t cbin_layer_fields[] = {
    {"name", offsetof(cbin_layer_t, name), CBIN_NAME_BYTES, 1, 0, 0, 0, NULL,
     NULL},
    LNUM(first_insn, 0, 0, 0, UINT32_MAX),
    LNUM(n_insn, 0, 0, 0, UINT32_MAX),
    LNUM(m, 1, 0, 0, UINT32_MAX),
    LNUM(n, 1, 0, 0, UINT32_MAX),
    LNUM(k, 1, 0, 0, UINT32_MAX),
    LNUM(kp, 1, 0, 0, UINT32_MAX),
    LENUM(core, core_names, NULL, 2),
    LENUM(atype, NULL, &isa_fields[ISA_F_ATYPE], ISA_ATYPE_COUNT),
    LNUM(wbits, 1, 0, ISA_F_WBITS_MIN, ISA_F_WBITS_MAX),
    LENUM(acct, NULL, &isa_fields[ISA_F_ACCT], ISA_ACC_COUNT),
    LENUM(ewop, NULL, &isa_fields[ISA_F_EWOP], ISA_EW_COUNT),
    LNUM(fused, 1, 0, 0, 1),
    LNUM(tq, 1, 0, 0, 1),
    LNUM(dist, 1, 0, 0, DATAGEN_COUNT - 1),
    LNUM(a_addr, 1, 1, 0, UINT64_MAX),
    LNUM(w_addr, 1, 1, 0, UINT64_MAX),
    LNUM(z_addr, 1, 1, 0, UINT64_MAX),
    LNUM(c_addr, 1, 1, 0, UINT64_MAX),
    LNUM(seed, 1, 0, 0, UINT64_MAX),
    LNUM(repeat, 1, 0, 1, UINT32_MAX),
    LNUM(pad2, 0, 0, 0, 0),
};
const unsigned cbin_n_layer_fields =
    sizeof cbin_layer_fields / sizeof cbin_layer_fields[0];

static const char *const *value_names(const cbin_layer_field_t *lf) {
  return lf->isa ? lf->isa->names : lf->names;
}

const char *cbin_layer_value_name(const cbin_layer_field_t *lf, uint64_t v) {
  const char *const *names = value_names(lf);
  return names && v <= lf->max ? names[v] : NULL;
}

int cbin_layer_value_find(const cbin_layer_field_t *lf, const char *s,
                          size_t n, uint64_t *v) {
  const char *const *names = value_names(lf);
  for (uint64_t i = 0; names && i <= lf->max; i++)
    if (strlen(names[i]) == n && !memcmp(names[i], s, n)) {
      *v = i;
      return 0;
    }
  return -1;
}

uint64_t cbin_layer_get(const cbin_layer_t *l, const cbin_layer_field_t *lf) {
  const unsigned char *p = (const unsigned char *)l + lf->offset;
  uint8_t u8;
  uint32_t u32;
  uint64_t u64;
  switch (lf->size) {
    case 1: memcpy(&u8, p, 1); return u8;
    case 4: memcpy(&u32, p, 4); return u32;
    case 8: memcpy(&u64, p, 8); return u64;
    default: return 0;
  }
}

void cbin_layer_set(cbin_layer_t *l, const cbin_layer_field_t *lf, uint64_t v) {
  unsigned char *p = (unsigned char *)l + lf->offset;
  uint8_t u8 = (uint8_t)v;
  uint32_t u32 = (uint32_t)v;
  switch (lf->size) {
    case 1: memcpy(p, &u8, 1); break;
    case 4: memcpy(p, &u32, 4); break;
    case 8: memcpy(p, &v, 8); break;
    default: break;
  }
}

int cbin_layer_check(const cbin_layer_t *l, uint32_t n_insn, char *why,
                     size_t len) {
  if (!memchr(l->name, 0, sizeof l->name)) {
    snprintf(why, len, "name is not NUL-terminated");
    return -1;
  }
  for (unsigned i = 0; i < cbin_n_layer_fields; i++) {
    const cbin_layer_field_t *lf = &cbin_layer_fields[i];
    if (lf->size == CBIN_NAME_BYTES) continue;
    uint64_t v = cbin_layer_get(l, lf);
    if (v < lf->min || v > lf->max) {
      snprintf(why, len, "%s %llu: expected %llu..%llu", lf->name,
               (unsigned long long)v, (unsigned long long)lf->min,
               (unsigned long long)lf->max);
      return -1;
    }
  }
  if ((uint64_t)l->first_insn + l->n_insn > n_insn) {
    snprintf(why, len,
             "instructions %u..%llu lie past the program's %u instructions",
             l->first_insn, (unsigned long long)l->first_insn + l->n_insn,
             n_insn);
    return -1;
  }
  return 0;
}

/* ---- checks shared by writer and reader ---------------------------------- */

static int check_insn(const cbin_t *p, uint32_t i, const char *origin,
                      coda_err_t *err) {
  isa_insn_t d;
  coda_err_t e;
  if (isa_decode(&p->insn[i], &d, &e))
    return coda_errf(err, CODA_EINVAL, "%s: instruction %u: %s", origin, i,
                     e.msg);
  return CODA_OK;
}

static int check_layer(const cbin_t *p, uint32_t i, const char *origin,
                       coda_err_t *err) {
  char why[256];
  if (cbin_layer_check(&p->layer[i], p->n_insn, why, sizeof why))
    return coda_errf(err, CODA_EINVAL, "%s: layer %u: %s", origin, i, why);
  return CODA_OK;
}

static int check_seg_place(uint64_t addr, uint64_t bytes, uint64_t dram,
                           uint32_t i, const char *origin, coda_err_t *err) {
  if (addr > dram || bytes > dram - addr)
    return coda_errf(err, CODA_EINVAL,
                     "%s: segment %u ends past dram_bytes (addr 0x%llx + %llu "
                     "bytes > %llu)",
                     origin, i, (unsigned long long)addr,
                     (unsigned long long)bytes, (unsigned long long)dram);
  return CODA_OK;
}

/* Everything the reader would check, for an in-memory program. */
static int check_program(const cbin_t *p, const char *origin, coda_err_t *err) {
  if (p->flags & ~CBIN_F_DATA)
    return coda_errf(err, CODA_EINVAL, "%s: unknown flags 0x%x", origin,
                     p->flags);
  if (p->dram_bytes > CBIN_MAX_DRAM_BYTES)
    return coda_errf(err, CODA_EINVAL, "%s: dram_bytes %llu exceeds %llu",
                     origin, (unsigned long long)p->dram_bytes,
                     (unsigned long long)CBIN_MAX_DRAM_BYTES);
  if (!memchr(p->arch_name, 0, sizeof p->arch_name))
    return coda_errf(err, CODA_EINVAL, "%s: arch_name is not NUL-terminated",
                     origin);
  if (!memchr(p->workload_name, 0, sizeof p->workload_name))
    return coda_errf(err, CODA_EINVAL,
                     "%s: workload_name is not NUL-terminated", origin);
  if (p->n_insn > CBIN_MAX_INSN || p->n_layer > CBIN_MAX_LAYER ||
      p->n_seg > CBIN_MAX_SEG)
    return coda_errf(err, CODA_EINVAL,
                     "%s: %u instructions, %u layers, %u segments exceed the "
                     "limits %u, %u, %u",
                     origin, p->n_insn, p->n_layer, p->n_seg, CBIN_MAX_INSN,
                     CBIN_MAX_LAYER, CBIN_MAX_SEG);
  for (uint32_t i = 0; i < p->n_insn; i++)
    if (check_insn(p, i, origin, err)) return CODA_EINVAL;
  for (uint32_t i = 0; i < p->n_layer; i++)
    if (check_layer(p, i, origin, err)) return CODA_EINVAL;
  for (uint32_t i = 0; i < p->n_seg; i++) {
    const cbin_seg_t *s = &p->seg[i];
    if (check_seg_place(s->addr, s->bytes, p->dram_bytes, i, origin, err))
      return CODA_EINVAL;
    if (s->bytes && !s->data)
      return coda_errf(err, CODA_EINVAL, "%s: segment %u has no data", origin,
                       i);
    if (s->bytes > (uLong)-1)
      return coda_errf(err, CODA_EINVAL, "%s: segment %u is too large for zlib",
                       origin, i);
  }
  return CODA_OK;
}

/* ---- writer --------------------------------------------------------------- */

typedef struct wr {
  FILE *f;   /* output */
  uLong crc; /* of everything written so far */
  int bad;   /* a write failed */
} wr_t;

static void put(wr_t *w, const void *p, size_t n) {
  if (w->bad || n == 0) return;
  if (fwrite(p, 1, n, w->f) != n) w->bad = 1;
  const unsigned char *b = p;
  while (n) { /* crc32 takes a uInt length */
    uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
    w->crc = crc32(w->crc, b, k);
    b += k;
    n -= k;
  }
}

static void put_le(wr_t *w, uint64_t v, unsigned bytes) {
  unsigned char b[8];
  for (unsigned i = 0; i < bytes; i++) b[i] = (unsigned char)(v >> (8 * i));
  put(w, b, bytes);
}

static void put_name(wr_t *w, const char *name) {
  unsigned char b[CBIN_NAME_BYTES] = {0};
  size_t n = strnlen(name, CBIN_NAME_BYTES - 1);
  memcpy(b, name, n);
  put(w, b, sizeof b);
}

int cbin_write(const cbin_t *p, const char *path, coda_err_t *err) {
  if (check_program(p, path, err)) return CODA_EINVAL;
  wr_t w = {fopen(path, "wb"), crc32(0, Z_NULL, 0), 0};
  if (!w.f)
    return coda_errf(err, CODA_EIO, "%s: cannot write: %s", path,
                     strerror(errno));
  int rc = CODA_OK;
  put(&w, CBIN_MAGIC, 8);
  put_le(&w, CBIN_VERSION, 4);
  put_le(&w, p->flags, 4);
  put_le(&w, p->dram_bytes, 8);
  put_name(&w, p->arch_name);
  put_name(&w, p->workload_name);
  put_le(&w, p->n_insn, 4);
  put_le(&w, p->n_layer, 4);
  put_le(&w, p->n_seg, 4);
  for (uint32_t i = 0; i < p->n_insn; i++) {
    put_le(&w, p->insn[i].w[0], 8);
    put_le(&w, p->insn[i].w[1], 8);
  }
  for (uint32_t i = 0; i < p->n_layer; i++) {
    const cbin_layer_t *l = &p->layer[i];
    for (unsigned j = 0; j < cbin_n_layer_fields; j++) {
      const cbin_layer_field_t *lf = &cbin_layer_fields[j];
      if (lf->size == CBIN_NAME_BYTES) put_name(&w, l->name);
      else put_le(&w, cbin_layer_get(l, lf), lf->size);
    }
  }
  for (uint32_t i = 0; i < p->n_seg && rc == CODA_OK && !w.bad; i++) {
    const cbin_seg_t *s = &p->seg[i];
    uLong zcap = compressBound((uLong)s->bytes);
    unsigned char *z = malloc(zcap ? zcap : 1);
    static const unsigned char none[1] = {0};
    if (!z) {
      rc = coda_errf(err, CODA_ENOMEM, "%s: segment %u: out of memory", path,
                     i);
      break;
    }
    uLongf zn = zcap;
    if (compress2(z, &zn, s->bytes ? s->data : none, (uLong)s->bytes, 1) !=
        Z_OK) {
      free(z);
      rc = coda_errf(err, CODA_ENOMEM, "%s: segment %u: zlib compress failed",
                     path, i);
      break;
    }
    put_le(&w, s->addr, 8);
    put_le(&w, s->bytes, 8);
    put_le(&w, zn, 8);
    put(&w, z, zn);
    free(z);
  }
  if (rc == CODA_OK) put_le(&w, w.crc, 4);
  if (fclose(w.f) != 0) w.bad = 1;
  if (rc == CODA_OK && w.bad)
    rc = coda_errf(err, CODA_EIO, "%s: write failed: %s", path,
                   strerror(errno));
  if (rc != CODA_OK) remove(path);
  return rc;
}

/* ---- reader --------------------------------------------------------------- */

typedef struct rd {
  const uint8_t *p; /* next byte */
  uint64_t left;    /* bytes from p to the end */
} rd_t;

static uint64_t get_le(rd_t *r, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; i++) v |= (uint64_t)r->p[i] << (8 * i);
  r->p += bytes;
  r->left -= bytes;
  return v;
}

/* Fails unless n bytes are left; `what` names them ("instruction 3"). */
static int need(const rd_t *r, uint64_t n, const char *origin, coda_err_t *err,
                const char *what) {
  if (r->left >= n) return CODA_OK;
  return coda_errf(err, CODA_EINVAL, "%s: truncated: %llu bytes of %s missing",
                   origin, (unsigned long long)(n - r->left), what);
}

/* Copies a NUL-padded name, zeroing what follows its first NUL. */
static int get_name(rd_t *r, char *dst, const char *origin, const char *what,
                    coda_err_t *err) {
  memcpy(dst, r->p, CBIN_NAME_BYTES);
  r->p += CBIN_NAME_BYTES;
  r->left -= CBIN_NAME_BYTES;
  char *nul = memchr(dst, 0, CBIN_NAME_BYTES);
  if (!nul)
    return coda_errf(err, CODA_EINVAL, "%s: %s is not NUL-terminated", origin,
                     what);
  memset(nul, 0, (size_t)(dst + CBIN_NAME_BYTES - nul));
  return CODA_OK;
}

static int count_ok(uint64_t n, uint64_t max, const char *what,
                    const char *origin, coda_err_t *err) {
  if (n <= max) return CODA_OK;
  return coda_errf(err, CODA_EINVAL, "%s: %s %llu exceeds the limit %llu",
                   origin, what, (unsigned long long)n,
                   (unsigned long long)max);
}

/* n records of `size` bytes: the first incomplete one named in the error. */
static int need_records(const rd_t *r, uint64_t n, uint64_t size,
                        const char *kind, const char *origin,
                        coda_err_t *err) {
  if (n * size <= r->left) return CODA_OK;
  uint64_t i = r->left / size;
  return coda_errf(err, CODA_EINVAL,
                   "%s: truncated: %llu bytes of %s %llu missing (of %llu)",
                   origin, (unsigned long long)(size - r->left % size), kind,
                   (unsigned long long)i, (unsigned long long)n);
}

int cbin_read_mem(cbin_t *p, const uint8_t *buf, uint64_t len,
                  const char *origin, coda_err_t *err) {
  memset(p, 0, sizeof *p);
  rd_t r = {buf, len};
  char what[64];
  int rc;

  /* Pass 1: structure. */
  if (len > 0 && memcmp(buf, CBIN_MAGIC, len < 8 ? (size_t)len : 8) != 0)
    return coda_errf(err, CODA_EINVAL, "%s: bad magic (not a .cbin file)",
                     origin);
  if (need(&r, CBIN_HEADER_BYTES, origin, err, "the header")) return CODA_EINVAL;
  r.p += 8;
  r.left -= 8;
  uint32_t version = (uint32_t)get_le(&r, 4);
  if (version != CBIN_VERSION)
    return coda_errf(err, CODA_EINVAL, "%s: version %u, expected %u", origin,
                     version, CBIN_VERSION);
  p->flags = (uint32_t)get_le(&r, 4);
  if (p->flags & ~CBIN_F_DATA) {
    rc = coda_errf(err, CODA_EINVAL, "%s: unknown flags 0x%x", origin,
                   p->flags);
    goto fail;
  }
  p->dram_bytes = get_le(&r, 8);
  if (count_ok(p->dram_bytes, CBIN_MAX_DRAM_BYTES, "dram_bytes", origin, err) ||
      get_name(&r, p->arch_name, origin, "arch_name", err) ||
      get_name(&r, p->workload_name, origin, "workload_name", err))
    goto fail_inval;
  uint32_t n_insn = (uint32_t)get_le(&r, 4);
  uint32_t n_layer = (uint32_t)get_le(&r, 4);
  uint32_t n_seg = (uint32_t)get_le(&r, 4);
  if (count_ok(n_insn, CBIN_MAX_INSN, "n_insn", origin, err) ||
      count_ok(n_layer, CBIN_MAX_LAYER, "n_layer", origin, err) ||
      count_ok(n_seg, CBIN_MAX_SEG, "n_seg", origin, err) ||
      need_records(&r, n_insn, CBIN_INSN_BYTES, "instruction", origin, err))
    goto fail_inval;
  p->insn = calloc(n_insn ? n_insn : 1, sizeof *p->insn);
  if (!p->insn) goto fail_nomem;
  p->n_insn = n_insn;
  for (uint32_t i = 0; i < n_insn; i++) {
    p->insn[i].w[0] = get_le(&r, 8);
    p->insn[i].w[1] = get_le(&r, 8);
  }
  if (need_records(&r, n_layer, CBIN_LAYER_BYTES, "layer", origin, err))
    goto fail_inval;
  p->layer = calloc(n_layer ? n_layer : 1, sizeof *p->layer);
  if (!p->layer) goto fail_nomem;
  p->n_layer = n_layer;
  for (uint32_t i = 0; i < n_layer; i++) {
    cbin_layer_t *l = &p->layer[i];
    for (unsigned j = 0; j < cbin_n_layer_fields; j++) {
      const cbin_layer_field_t *lf = &cbin_layer_fields[j];
      if (lf->size == CBIN_NAME_BYTES) {
        snprintf(what, sizeof what, "layer %u name", i);
        if (get_name(&r, l->name, origin, what, err)) goto fail_inval;
      } else {
        cbin_layer_set(l, lf, get_le(&r, lf->size));
      }
    }
  }
  /* Every segment needs at least its header. */
  if (need_records(&r, n_seg, CBIN_SEG_HEADER_BYTES, "segment header", origin,
                   err))
    goto fail_inval;
  p->seg = calloc(n_seg ? n_seg : 1, sizeof *p->seg);
  const uint8_t **zdata = calloc(n_seg ? n_seg : 1, sizeof *zdata);
  uint64_t *zlen = calloc(n_seg ? n_seg : 1, sizeof *zlen);
  if (!p->seg || !zdata || !zlen) {
    free(zdata);
    free(zlen);
    goto fail_nomem;
  }
  p->n_seg = n_seg;
  rc = CODA_OK;
  for (uint32_t i = 0; i < n_seg && rc == CODA_OK; i++) {
    snprintf(what, sizeof what, "segment %u header", i);
    if ((rc = need(&r, CBIN_SEG_HEADER_BYTES, origin, err, what))) break;
    p->seg[i].addr = get_le(&r, 8);
    p->seg[i].bytes = get_le(&r, 8);
    zlen[i] = get_le(&r, 8);
    snprintf(what, sizeof what, "segment %u data", i);
    if ((rc = need(&r, zlen[i], origin, err, what))) break;
    zdata[i] = r.p;
    r.p += zlen[i];
    r.left -= zlen[i];
  }
  if (rc == CODA_OK && !need(&r, 4, origin, err, "the CRC")) {
    /* Pass 2: integrity. */
    uint64_t body = len - r.left;
    uint32_t stored = (uint32_t)get_le(&r, 4);
    uLong crc = crc32(0, Z_NULL, 0);
    for (uint64_t off = 0; off < body;) {
      uInt k = body - off > 0x40000000u ? 0x40000000u : (uInt)(body - off);
      crc = crc32(crc, buf + off, k);
      off += k;
    }
    if (r.left)
      rc = coda_errf(err, CODA_EINVAL, "%s: %llu bytes of garbage after the CRC",
                     origin, (unsigned long long)r.left);
    else if ((uint32_t)crc != stored)
      rc = coda_errf(err, CODA_EINVAL,
                     "%s: CRC mismatch (stored 0x%08x, computed 0x%08x)", origin,
                     stored, (unsigned)crc);
  } else {
    rc = CODA_EINVAL;
  }
  /* Pass 3: meaning. */
  for (uint32_t i = 0; i < n_insn && rc == CODA_OK; i++)
    rc = check_insn(p, i, origin, err);
  for (uint32_t i = 0; i < n_layer && rc == CODA_OK; i++)
    rc = check_layer(p, i, origin, err);
  for (uint32_t i = 0; i < n_seg && rc == CODA_OK; i++) {
    cbin_seg_t *s = &p->seg[i];
    if ((rc = check_seg_place(s->addr, s->bytes, p->dram_bytes, i, origin,
                              err)))
      break;
    if (s->bytes / CBIN_MAX_INFLATE > zlen[i] || s->bytes > (uLong)-1 ||
        zlen[i] > (uLong)-1) {
      rc = coda_errf(err, CODA_EINVAL,
                     "%s: segment %u: %llu bytes cannot come from %llu "
                     "compressed bytes",
                     origin, i, (unsigned long long)s->bytes,
                     (unsigned long long)zlen[i]);
      break;
    }
    s->data = malloc(s->bytes ? s->bytes : 1);
    if (!s->data) {
      rc = coda_errf(err, CODA_ENOMEM, "%s: segment %u: out of memory", origin,
                     i);
      break;
    }
    uLongf out = (uLongf)s->bytes;
    uLong in = (uLong)zlen[i];
    int z = uncompress2(s->data, &out, zdata[i], &in);
    if (z == Z_BUF_ERROR)
      rc = coda_errf(err, CODA_EINVAL,
                     "%s: segment %u inflates to more than %llu bytes", origin,
                     i, (unsigned long long)s->bytes);
    else if (z != Z_OK)
      rc = coda_errf(err, CODA_EINVAL, "%s: segment %u: corrupt zlib data (%s)",
                     origin, i, zError(z));
    else if (out != s->bytes)
      rc = coda_errf(err, CODA_EINVAL,
                     "%s: segment %u inflates to %llu bytes, expected %llu",
                     origin, i, (unsigned long long)out,
                     (unsigned long long)s->bytes);
    else if (in != zlen[i])
      rc = coda_errf(err, CODA_EINVAL,
                     "%s: segment %u: %llu bytes after the end of its zlib "
                     "stream",
                     origin, i, (unsigned long long)(zlen[i] - in));
  }
  free(zdata);
  free(zlen);
  if (rc != CODA_OK) cbin_free(p);
  return rc;

fail_nomem:
  rc = coda_errf(err, CODA_ENOMEM, "%s: out of memory", origin);
  goto fail;
fail_inval:
  rc = CODA_EINVAL;
fail:
  cbin_free(p);
  return rc;
}

int cbin_read(cbin_t *p, const char *path, coda_err_t *err) {
  memset(p, 0, sizeof *p);
  FILE *f = fopen(path, "rb");
  if (!f)
    return coda_errf(err, CODA_EIO, "%s: cannot open: %s", path,
                     strerror(errno));
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  int rc = CODA_OK;
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *g = realloc(buf, cap * 2);
    if (!g) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = g;
    cap *= 2;
  }
  if (!buf)
    rc = coda_errf(err, CODA_ENOMEM, "%s: out of memory", path);
  else if (ferror(f))
    rc = coda_errf(err, CODA_EIO, "%s: read failed: %s", path,
                   strerror(errno));
  fclose(f);
  if (rc == CODA_OK) rc = cbin_read_mem(p, buf, n, path, err);
  free(buf);
  return rc;
}

void cbin_free(cbin_t *p) {
  for (uint32_t i = 0; p->seg && i < p->n_seg; i++) free(p->seg[i].data);
  free(p->seg);
  free(p->layer);
  free(p->insn);
  memset(p, 0, sizeof *p);
}

/* ---- builders ------------------------------------------------------------- */

/* Makes room for element n of *arr. Capacity is not stored: the array is
 * realloc'ed to the next power of two above n every time, which costs
 * nothing while the block already has that size and stays correct for
 * arrays that were allocated elsewhere (cbin_read, a caller's malloc). */
static int grow(void **arr, uint32_t n, size_t elem, uint32_t max,
                const char *what, coda_err_t *err) {
  if (n >= max)
    return coda_errf(err, CODA_EINVAL, "program: more than %u %s", max, what);
  size_t cap = 1;
  while (cap <= n) cap *= 2;
  void *g = realloc(*arr, cap * elem);
  if (!g) return coda_errf(err, CODA_ENOMEM, "program: out of memory");
  *arr = g;
  return CODA_OK;
}

int cbin_push_insn(cbin_t *p, const isa_word_t *w, coda_err_t *err) {
  void *a = p->insn;
  int rc = grow(&a, p->n_insn, sizeof *p->insn, CBIN_MAX_INSN, "instructions",
                err);
  p->insn = a;
  if (rc) return rc;
  p->insn[p->n_insn++] = *w;
  return CODA_OK;
}

int cbin_push_layer(cbin_t *p, const cbin_layer_t *l, coda_err_t *err) {
  void *a = p->layer;
  int rc = grow(&a, p->n_layer, sizeof *p->layer, CBIN_MAX_LAYER, "layers", err);
  p->layer = a;
  if (rc) return rc;
  p->layer[p->n_layer++] = *l;
  return CODA_OK;
}

int cbin_push_seg(cbin_t *p, uint64_t addr, uint64_t bytes, uint8_t *data,
                  coda_err_t *err) {
  void *a = p->seg;
  int rc = grow(&a, p->n_seg, sizeof *p->seg, CBIN_MAX_SEG, "segments", err);
  p->seg = a;
  if (rc) {
    free(data); /* ownership was passed */
    return rc;
  }
  p->seg[p->n_seg++] = (cbin_seg_t){addr, bytes, data};
  return CODA_OK;
}
