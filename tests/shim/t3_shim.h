/* t3_shim.h: the T3 tracker and ring C APIs and the co-simulation / area
 * registries as tests/t3_test.cc sees them (C headers inside extern "C",
 * included from C++ only here). */
#ifndef CODA_T3_SHIM_H
#define CODA_T3_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/area/area.h"
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/t3/ring.h"
#include "sim/t3/tracker.h"
}

#endif
