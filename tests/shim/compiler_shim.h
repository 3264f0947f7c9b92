/* compiler_shim.h: the compiler's C API as tests/compiler_test.cc sees it
 * (C headers inside extern "C", included from C++ only here). The golden
 * tests also run programs on the device and check them with the reference
 * GEMM, so those headers come along. */
#ifndef CODA_COMPILER_SHIM_H
#define CODA_COMPILER_SHIM_H

extern "C" {
#include "compiler/compiler.h"
#include "compiler/datagen.h"
#include "compiler/relayout.h"
#include "isa/cbin.h"
#include "isa/isa.h"
#include "sim/core/config.h"
#include "sim/dev/device.h"
#include "sim/ref/refgemm.h"
}

#endif
