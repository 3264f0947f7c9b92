/* energy.c: per-event energy table and the derivation rules.
 *
 * Rules (each an assumption stated, not a fit):
 * - integer add energy is linear in width through the cited 8- and 32-bit
 *   points (ripple/prefix adders grow about linearly);
 * - integer multiply energy grows with the square of the width from the
 *   cited 8-bit point (array multipliers; the rule gives 3.2 pJ at 32 bits
 *   against the cited 3.1);
 * - an FP8 multiply is charged as an FP16 multiply (no cited FP8 figure: an
 *   upper bound);
 * - an SRAM access of 64 bits interpolates log-linearly in capacity between
 *   the cited 8 KB, 32 KB and 1 MB points (extrapolated outside); writes
 *   cost what reads cost;
 * - the LUT core's sign-select mux and table registers are not in the table
 *   and are charged nothing here: the netlist-derived energies of the
 *   co-design flow replace this estimate;
 * - an element-wise op element pass is one FP16 multiply and one FP16 add.
 */
#include "energy.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "../sim/dev/bufs.h"

int energy_load(energy_table_t *t, const char *path, coda_err_t *err) {
  memset(t, 0, sizeof *t);
  json_error_t je;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    if (je.line <= 0) return coda_errf(err, CODA_EINVAL, "%s: %s", path, je.text);
    return coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
  }
  int rc = CODA_OK;
  json_t *name = json_object_get(root, "name"), *ev = json_object_get(root, "events");
  if (!json_is_string(name)) rc = coda_errf(err, CODA_EINVAL, "%s: name: expected a string", path);
  else if (!json_is_object(ev)) rc = coda_errf(err, CODA_EINVAL, "%s: events: expected an object", path);
  if (!rc) {
    snprintf(t->name, sizeof t->name, "%s", json_string_value(name));
    const char *key;
    json_t *v;
    json_object_foreach(ev, key, v) {
      int known = 0;
#define KNOWN(f) known |= !strcmp(key, #f);
      ENERGY_EVENTS(KNOWN)
#undef KNOWN
      if (!known) { rc = coda_errf(err, CODA_EINVAL, "%s: events.%s: unknown event", path, key); break; }
    }
  }
#define LOAD(f)                                                                                    \
  if (!rc) {                                                                                       \
    json_t *e = json_object_get(ev, #f), *val = json_object_get(e, "value"),                       \
           *src = json_object_get(e, "source");                                                    \
    if (!json_is_object(e)) rc = coda_errf(err, CODA_EINVAL, "%s: events.%s: missing", path, #f);  \
    else if (!json_is_number(val) || !(json_number_value(val) > 0) ||                              \
             !isfinite(json_number_value(val)))                                                    \
      rc = coda_errf(err, CODA_EINVAL, "%s: events.%s.value: expected a positive number", path, #f); \
    else if (!json_is_string(src) || !strlen(json_string_value(src)))                              \
      rc = coda_errf(err, CODA_EINVAL, "%s: events.%s.source: every energy must cite its source",  \
                     path, #f);                                                                    \
    else t->f = json_number_value(val);                                                            \
  }
  ENERGY_EVENTS(LOAD)
#undef LOAD
  json_decref(root);
  return rc;
}

double energy_int_add(const energy_table_t *t, double bits) {
  return t->int_add_8b_pj + (bits - 8) * (t->int_add_32b_pj - t->int_add_8b_pj) / 24.0;
}

double energy_int_mult(const energy_table_t *t, double bits) {
  return t->int_mult_8b_pj * (bits / 8) * (bits / 8);
}

double energy_sram_64b(const energy_table_t *t, double bytes) {
  const double x0 = log2(8192), x1 = log2(32768), x2 = log2(1048576), x = log2(bytes);
  if (x <= x1) return t->sram_64b_8kb_pj + (x - x0) * (t->sram_64b_32kb_pj - t->sram_64b_8kb_pj) / (x1 - x0);
  return t->sram_64b_32kb_pj + (x - x1) * (t->sram_64b_1mb_pj - t->sram_64b_32kb_pj) / (x2 - x1);
}

/* Energy of one accumulate at the accumulator's type. */
static double acc_add(const energy_table_t *t, uint32_t acct) {
  switch (acct) {
    case ISA_ACC_INT32: return t->int_add_32b_pj;
    case ISA_ACC_INT64: return energy_int_add(t, 64);
    case ISA_ACC_FP16: return t->fp_add_16b_pj;
    default: return t->fp_add_32b_pj;
  }
}

static double act_mult(const energy_table_t *t, uint32_t atype) {
  switch (atype) {
    case ISA_ATYPE_INT8: return t->int_mult_8b_pj;
    case ISA_ATYPE_INT16: return energy_int_mult(t, 16);
    default: return t->fp_mult_16b_pj; /* FP16, and FP8 charged as FP16 */
  }
}

void energy_of(const energy_table_t *t, const arch_cfg_t *c, const cbin_layer_t *L,
               const dev_stats_t *s, energy_pj_t *o) {
  memset(o, 0, sizeof *o);
  double add = acc_add(t, L->acct);
  int fp = dev_atype_is_fp(L->atype);
  /* entry adds: INT8 -> 16-bit entries, INT16 -> 32-bit, FP computed in binary32 */
  double entry_add = fp ? t->fp_add_32b_pj : energy_int_add(t, L->atype == ISA_ATYPE_INT16 ? 32 : 16);
  o->array = (double)(s->lut_lookups + s->lut_rowsum_adds) * add +
             (double)s->lut_fin_ops * (t->int_mult_8b_pj + add) +
             (double)s->mac_mults * act_mult(t, L->atype) + (double)s->mac_adds * add +
             (double)s->mac_dequants * t->int_add_8b_pj;
  o->precompute = (double)s->tpre_entry_adds * entry_add + (double)s->tpre_quant_ops * t->fp_mult_32b_pj;
  o->vector = (double)s->ew_elem_ops * (t->fp_mult_16b_pj + t->fp_add_16b_pj);
  o->abuf = (double)(s->abuf_rd_bytes + s->abuf_wr_bytes) / 8 * energy_sram_64b(t, (double)c->buffers_abuf_bytes);
  o->wbuf = (double)(s->wbuf_rd_bytes + s->wbuf_wr_bytes) / 8 * energy_sram_64b(t, (double)c->buffers_wbuf_bytes);
  o->tbuf = (double)(s->tbuf_rd_bytes + s->tbuf_wr_bytes) / 8 * energy_sram_64b(t, (double)c->buffers_tbuf_bytes);
  o->cbuf = (double)(s->cbuf_rd_bytes + s->cbuf_wr_bytes) / 8 * energy_sram_64b(t, (double)c->buffers_cbuf_bytes);
  o->dram = (double)(s->dram_rd_bytes + s->dram_wr_bytes) / 8 * t->dram_64b_pj;
  o->total = o->array + o->precompute + o->vector + o->abuf + o->wbuf + o->tbuf + o->cbuf + o->dram;
}

void energy_pj_add(energy_pj_t *d, const energy_pj_t *s, double times) {
#define ADD(f, doc) d->f += s->f * times;
  ENERGY_COMPONENTS(ADD)
#undef ADD
}
