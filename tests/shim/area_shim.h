/* area_shim.h: `coda area`'s registry and the co-simulation registry as
 * tests/area_test.cc sees them (C headers inside extern "C", included from
 * C++ only here). */
#ifndef CODA_AREA_SHIM_H
#define CODA_AREA_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/area/area.h"
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
}

#endif
