/* cosim_blocks.c: the registry of blocks with an RTL twin (see cosim.h).
 * Adding a block: its cosim_block_t in sim/cosim/blk_<name>.c and one line
 * here (docs/cosim.md). */
#include <string.h>

#include "cosim.h"

extern const cosim_block_t cosim_block_lut_tc; /* blk_lut_tc.c */
extern const cosim_block_t cosim_block_mac_tc; /* blk_mac_tc.c */
extern const cosim_block_t cosim_block_tpe_tree; /* blk_tpe_tree.c */
extern const cosim_block_t cosim_block_tpe_bs; /* blk_tpe_bs.c */
extern const cosim_block_t cosim_block_tpe_grid; /* blk_tpe_grid.c */
extern const cosim_block_t cosim_block_pim_bank; /* blk_pim_bank.c */
extern const cosim_block_t cosim_block_t3_tracker; /* blk_t3_tracker.c */

static const cosim_block_t *const BLOCKS[] = {
    &cosim_block_lut_tc,
    &cosim_block_mac_tc,
    &cosim_block_tpe_tree,
    &cosim_block_tpe_bs,
    &cosim_block_tpe_grid,
    &cosim_block_pim_bank,
    &cosim_block_t3_tracker,
};

const cosim_block_t *cosim_block_at(int i) {
  return i >= 0 && (size_t)i < sizeof BLOCKS / sizeof BLOCKS[0] ? BLOCKS[i] : NULL;
}

const cosim_block_t *cosim_find(const char *name) {
  for (int i = 0; cosim_block_at(i); i++)
    if (!strcmp(cosim_block_at(i)->name, name)) return cosim_block_at(i);
  return NULL;
}
