/* isa_shim.h: the isa/ C API as tests/isa_test.cc sees it (C headers
 * inside extern "C", included from C++ only here). cbinint.h is isa/'s
 * private header; the tests use its layer table to build and corrupt
 * records. */
#ifndef CODA_ISA_SHIM_H
#define CODA_ISA_SHIM_H

extern "C" {
#include "isa/asm.h"
#include "isa/cbin.h"
#include "isa/cbinint.h"
#include "isa/isa.h"
}

#endif
