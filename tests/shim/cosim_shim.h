/* cosim_shim.h: the LUT twins and the co-simulation framework as
 * tests/cosim_test.cc sees them (C headers inside extern "C", included from
 * C++ only here). */
#ifndef CODA_COSIM_SHIM_H
#define CODA_COSIM_SHIM_H

extern "C" {
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/lut/lut_array.h"
#include "sim/lut/lut_precompute.h"
}

#endif
