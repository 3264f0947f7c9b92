/* mac_shim.h: the MAC array's C API as tests/mac_array_test.cc sees it (C
 * headers inside extern "C", included from C++ only here). The golden tests
 * of the MAC core run programs on the device and check them with the
 * reference GEMM, and the cosim tests reach the block through the
 * co-simulation registry, so those headers come along. */
#ifndef CODA_MAC_SHIM_H
#define CODA_MAC_SHIM_H

extern "C" {
#include "compiler/compiler.h"
#include "compiler/datagen.h"
#include "isa/cbin.h"
#include "sim/core/config.h"
#include "sim/cosim/cosim.h"
#include "sim/cosim/cosim_int.h"
#include "sim/dev/device.h"
#include "sim/mac/mac_array.h"
#include "sim/ref/refgemm.h"
}

#endif
