/* isa.h: the coda instruction set, as C sees it.
 *
 * Every instruction is one 128-bit word. The opcodes, fields, bit positions,
 * enum value names and docs live in one table, isa/coda.isa; isa/isagen.c
 * turns it into isa_gen.h / isa_gen.c (this API's tables), the Verilog
 * include rtl/include/coda_isa.vh and isa/README.md. Only isa/ touches
 * encoding bits. The meaning of each instruction is docs/machine.md.
 *
 * isa_gen.h provides:
 *   isa_op_e        ISA_OP_<NAME> for every instruction, then ISA_OP_COUNT
 *   enums for enum-valued fields (ISA_ATYPE_*, ISA_ACC_*, ISA_BUF_*,
 *                   ISA_EW_*), each with a *_COUNT
 *   isa_insn_t      decoded instruction: `op` plus one member per field name
 *                   used anywhere in the table (a field name has one meaning
 *                   and one width everywhere)
 *   ISA_SYNC_DMA, ISA_SYNC_TPRE, ISA_SYNC_ARRAY   SYNC mask bits
 */
#ifndef CODA_ISA_H
#define CODA_ISA_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/core/status.h"

typedef struct isa_word {
  uint64_t w[2]; /* bits 0..63 in w[0], 64..127 in w[1] */
} isa_word_t;

#include "isa_gen.h"

/* Encodes in into out. Fails (CODA_EINVAL) if a field value does not fit
 * its width or is not a valid enum value, or the op is unknown. */
int isa_encode(const isa_insn_t *in, isa_word_t *out, coda_err_t *err);

/* Decodes a word. Fails on an unknown opcode, a non-zero reserved bit or an
 * invalid enum value. */
int isa_decode(const isa_word_t *in, isa_insn_t *out, coda_err_t *err);

/* Mnemonic of op ("lmma"), or NULL. */
const char *isa_op_name(isa_op_e op);

/* Writes one assembly line for in (no newline) into buf; returns its length
 * (like snprintf). Format: `mnemonic field=value field=value ...` with every
 * field of the instruction in table order, enum fields by name, addresses in
 * hex. */
int isa_format(const isa_insn_t *in, char *buf, size_t len);

/* Parses one assembly line (comments start with ';' or '#'; a blank or
 * comment-only line sets *empty = 1 and succeeds). Errors name `origin:line`
 * and the field. */
int isa_parse_line(const char *line, const char *origin, int lineno,
                   isa_insn_t *out, int *empty, coda_err_t *err);

#endif
