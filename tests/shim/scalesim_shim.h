/* scalesim_shim.h: the systolic array and SCALE-Sim front end as
 * tests/scalesim_test.cc sees them (C headers inside extern "C", included
 * from C++ only here). */
#ifndef CODA_SCALESIM_SHIM_H
#define CODA_SCALESIM_SHIM_H

extern "C" {
#include "sim/core/kernel.h"
#include "sim/scalesim/scalesim.h"
#include "sim/tpe/systolic.h"
}

#endif
