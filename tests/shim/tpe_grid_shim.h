/* tpe_grid_shim.h: the PE-grid TPEs' C API, the SCALE-Sim fold formula and
 * the co-simulation / area registries as tests/tpe_grid_test.cc sees them
 * (C headers inside extern "C", included from C++ only here). */
#ifndef CODA_TPE_GRID_SHIM_H
#define CODA_TPE_GRID_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/area/area.h"
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/tpe/systolic.h"
#include "sim/tpe/tpe_enc.h"
#include "sim/tpe/tpe_grid.h"
}

#endif
