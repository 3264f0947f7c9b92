/* tpe_shim.h: the bit-weight-transformed MAC engines' C API (radix-4
 * encoders, the multiplier-adder tree) and the co-simulation / area
 * registries as tests/tpe_test.cc sees them (C headers inside extern "C",
 * included from C++ only here). */
#ifndef CODA_TPE_SHIM_H
#define CODA_TPE_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/area/area.h"
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/tpe/tpe_enc.h"
#include "sim/tpe/tpe_tree.h"
}

#endif
