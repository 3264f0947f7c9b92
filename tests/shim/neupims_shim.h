/* neupims_shim.h: the NPU and serving engine's C API as
 * tests/neupims_test.cc sees it (C headers inside extern "C"). */
#ifndef CODA_NEUPIMS_SHIM_H
#define CODA_NEUPIMS_SHIM_H

extern "C" {
#include <jansson.h>

#include "sim/core/config.h"
#include "sim/mem/hbm.h"
#include "sim/npu/npu.h"
#include "sim/serve/serve.h"
#include "sim/tpe/systolic.h"
}

#endif
