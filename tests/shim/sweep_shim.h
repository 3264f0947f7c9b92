// sweep_shim.h: the sweep library (sim/sweep/sweep.h) for the C++ tests.
#ifndef CODA_TEST_SWEEP_SHIM_H
#define CODA_TEST_SWEEP_SHIM_H

extern "C" {
#include "sim/sweep/sweep.h"
}

#endif
