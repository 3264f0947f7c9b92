/* coda_shim.h: the C API as the GoogleTest suites see it. The C headers
 * are included once here, inside extern "C", and nowhere else from C++. */
#ifndef CODA_TEST_SHIM_H
#define CODA_TEST_SHIM_H

extern "C" {
#include "compiler/compiler.h"
#include "compiler/datagen.h"
#include "isa/cbin.h"
#include "isa/isa.h"
#include "reports/energy.h"
#include "reports/report.h"
#include "sim/core/config.h"
#include "sim/core/fp.h"
#include "sim/core/kernel.h"
#include "sim/dev/device.h"
#include "sim/lut/lut_core.h"
#include "sim/mac/mac_core.h"
#include "sim/mem/simple_mem.h"
#include "sim/ref/refgemm.h"
}

#endif
