/* cbinint.h: what isa/cbin.c shares with the assembler (isa/asm.c).
 *
 * Private to isa/. The layer table below is the one definition of the
 * cbin_layer_t record: cbin.c writes and reads the .cbin layer record field
 * by field in this order (little-endian, CBIN_LAYER_BYTES in all), checks
 * every value against min..max, and the assembler's `.layer key=value`
 * directive takes the keys marked asm_key.
 */
#ifndef CODA_CBININT_H
#define CODA_CBININT_H

#include <stddef.h>
#include <stdint.h>

#include "cbin.h"

#define CBIN_LAYER_BYTES 144 /* bytes of one layer record in a .cbin */
#define CBIN_NAME_BYTES 64   /* arch_name, workload_name, layer name */

typedef struct cbin_layer_field {
  const char *name;              /* cbin_layer_t member and .layer key */
  size_t offset;                 /* offsetof(cbin_layer_t, <name>) */
  unsigned size;                 /* bytes: 1, 4, 8, or CBIN_NAME_BYTES (name) */
  int asm_key;                   /* 1: a .layer key; 0: implied or a pad */
  int hex;                       /* 1: printed in hex (a DRAM address) */
  uint64_t min, max;             /* valid values (not for name) */
  const char *const *names;      /* value names of an enum member, else NULL */
  const isa_field_info_t *isa;   /* or: the ISA field whose names it takes */
} cbin_layer_field_t;

extern const cbin_layer_field_t cbin_layer_fields[];
extern const unsigned cbin_n_layer_fields;

/* Name of value v of an enum member, or NULL (not an enum, or invalid). */
const char *cbin_layer_value_name(const cbin_layer_field_t *lf, uint64_t v);
/* Looks up a value name (n bytes at s) of an enum member; -1 if none. */
int cbin_layer_value_find(const cbin_layer_field_t *lf, const char *s,
                          size_t n, uint64_t *v);

/* Value of a numeric member / sets it (v must fit). */
uint64_t cbin_layer_get(const cbin_layer_t *l, const cbin_layer_field_t *lf);
void cbin_layer_set(cbin_layer_t *l, const cbin_layer_field_t *lf, uint64_t v);

/* Checks one layer of a program of n_insn instructions: name NUL-terminated,
 * every value in range, first_insn + n_insn <= n_insn. On failure writes
 * "wbits 7: expected 1..4" (no layer number) into why and returns -1. */
int cbin_layer_check(const cbin_layer_t *l, uint32_t n_insn, char *why,
                     size_t len);

#endif
