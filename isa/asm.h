/* asm.h: whole coda programs as text (the `.s` assembler and disassembler).
 *
 * A program text is one instruction per line in the isa_format syntax
 * (`lmma m=64 n=256 ...`, see isa/README.md), plus directives:
 *   .arch NAME            cbin_t.arch_name
 *   .workload NAME        cbin_t.workload_name
 *   .dram_bytes N         cbin_t.dram_bytes
 *   .layer key=value ...  starts a layer at the next instruction; it runs
 *                         until the next .layer, a .endlayer or the end.
 *                         Keys: every cbin_layer_t member but first_insn,
 *                         n_insn and pad2, each exactly once.
 *   .endlayer             ends the open layer (instructions that follow
 *                         belong to no layer)
 * NAME is a bare word or a "quoted string" with \\, \" and \xHH escapes.
 * `;` or `#` outside quotes starts a comment. Numbers are decimal or 0x hex.
 */
#ifndef CODA_ASM_H
#define CODA_ASM_H

#include <stdio.h>

#include "cbin.h"

/* Assembles text into out (zeroed first; holds nothing to free on
 * failure). Errors: one line, `origin:LINE: what` naming the field, with
 * CODA_EINVAL. The result has no data segments and flags 0. */
int isa_asm_program(const char *text, const char *origin, cbin_t *out,
                    coda_err_t *err);

/* Writes p as text that isa_asm_program turns back into the same
 * instructions, layers, names and dram_bytes. Data segments cannot be
 * written as text: a comment says how many (and how many bytes) were
 * dropped. Fails (CODA_EINVAL) if p is not valid (see cbin.h) or its layers
 * are out of order or overlap; CODA_EIO if writing fails. */
int isa_disasm_program(const cbin_t *p, FILE *f, coda_err_t *err);

#endif
