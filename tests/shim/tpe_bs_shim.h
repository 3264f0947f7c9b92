/* tpe_bs_shim.h: the bit-slice array's C API and the co-simulation
 * registry as tests/tpe_bs_test.cc sees them (C headers inside extern "C",
 * included from C++ only here). */
#ifndef CODA_TPE_BS_SHIM_H
#define CODA_TPE_BS_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/area/area.h"
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/tpe/tpe_bs.h"
#include "sim/tpe/tpe_enc.h"
}

#endif
