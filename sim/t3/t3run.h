/* t3run.h: the command lines of T3's multi-device system (sim/t3/run.c):
 * `coda t3 run` and `coda report t3`. */
#ifndef CODA_T3RUN_H
#define CODA_T3RUN_H

#include "../../compiler/t3plan.h"
#include "../core/config.h"
#include "../core/status.h"

#define T3_RUN_USAGE                                                                                       \
  "coda t3 run --model workloads/t3/M.json [--sub oproj|fc2|fc1_bwd|iproj_bwd] [--tp N] [--tokens T]\n"    \
  "            [--arch A.json] [--set t3.key=v].. [--variant all|seq,t3,t3-mca,ideal] [--full]\n"          \
  "            [--functional] [--timeline OUT.json] [--json OUT.json]\n"                                    \
  "  One tensor-parallel sublayer on t3.devices = N devices (default fc2, N = t3.devices, the model's\n"    \
  "  tokens): time, GEMM time, speedup over sequential, DRAM and link bytes per variant. --full\n"         \
  "  simulates every device (default: device 0 and symmetry); --functional carries values and checks\n"   \
  "  the reduced chunks against the sum (small cases). A tile the output does not divide is replaced\n"    \
  "  by the compiler's pick unless t3.tile_m / t3.tile_n are --set. docs/t3.md.\n"

#define T3_REPORT_USAGE                                                                                     \
  "coda report t3 [--arch A.json] [--set k=v].. [--models mega_gpt2,tnlg,..] [--subs oproj,fc2,..]\n"       \
  "               [--tokens T] [-j N] [--md OUT] [--json OUT] [--quick]\n"                                  \
  "  Every model of workloads/t3/ at its TP degrees, the four sublayers, sequential / T3 / T3 with MCA /\n" \
  "  ideal overlap: time, speedups, geomeans, DRAM and link bytes (default arch sim/configs/t3.json).\n"    \
  "  --quick: Mega-GPT-2 and T-NLG, first TP, fc2, 2048 tokens. docs/t3.md.\n"

int t3_run_main(int argc, char **argv);
int t3_report_main(int argc, char **argv);

#endif
