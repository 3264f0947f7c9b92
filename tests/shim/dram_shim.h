/* dram_shim.h: the HBM2 model's C API as tests/dram_test.cc sees it (C
 * headers inside extern "C", included from C++ only here). */
#ifndef CODA_DRAM_SHIM_H
#define CODA_DRAM_SHIM_H

extern "C" {
#include <jansson.h>
#include <zlib.h>

#include "sim/core/config.h"
#include "sim/core/kernel.h"
#include "sim/mem/hbm.h"
#include "sim/mem/mem.h"
}

#endif
