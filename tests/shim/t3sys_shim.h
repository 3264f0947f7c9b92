/* t3sys_shim.h: T3's multi-device system, its plan and model loader as
 * tests/t3_system_test.cc sees them (C headers inside extern "C"). */
#ifndef CODA_T3SYS_SHIM_H
#define CODA_T3SYS_SHIM_H

extern "C" {
#include <jansson.h>

#include "compiler/t3plan.h"
#include "compiler/t3wl.h"
#include "sim/core/config.h"
#include "sim/t3/system.h"
#include "sim/t3/t3run.h"
}

#endif
