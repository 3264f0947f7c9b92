/* pim_bank_shim.h: the PIM bank's C API, its FP arithmetic, the binary16
 * conversions and the co-simulation / area registries as
 * tests/pim_bank_test.cc sees them (C headers inside extern "C", included
 * from C++ only here). */
#ifndef CODA_PIM_BANK_SHIM_H
#define CODA_PIM_BANK_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/area/area.h"
#include "sim/core/config.h"
#include "sim/core/fp.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/pim/pim_bank.h"
#include "sim/pim/pim_fp.h"
}

#endif
