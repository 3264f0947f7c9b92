#!/usr/bin/env bash
# bench.sh: simulation speed of coda, measured here and now (nothing is
# asserted). For each case it prints simulated cycles, cycles the kernel
# actually evaluated, host seconds and simulated cycles per second, then
# ratios against baselines measured in the same run: the same model with
# next-event skipping turned off (--no-skip: every cycle evaluated), and
# with functional datapaths on (every lookup computed).
set -euo pipefail
coda=${1:-build/coda}
root=$(cd "$(dirname "$0")/.." && pwd)
lut="$root/sim/configs/lut_tc.json"
declare -A RATE

one() { # key, label, args...
  local key=$1 label=$2
  shift 2
  local line
  line=$("$coda" run "$@" | grep '^simulated ')
  # simulated C cycles (E evaluated) in S s: R simulated cycles/s
  local c e s r
  read -r c e s r < <(echo "$line" | sed -E 's/^simulated ([0-9]+) cycles \(([0-9]+) evaluated\) in ([0-9.]+) s: ([0-9.e+]+) .*/\1 \2 \3 \4/')
  RATE[$key]=$r
  printf '%-46s %14s cycles %12s evaluated %9s s %12s cycles/s\n' "$label" "$c" "$e" "$s" "$r"
}

echo "coda bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
one gemm   "LUT GEMM 4096x4096x4096 W2 int8, timing"   --arch "$lut" --gemm 4096,4096,4096 --wbits 2
one mac    "MAC GEMM 4096x4096x4096 W2 int8, timing"   --arch "$root/sim/configs/mac_tc.json" --gemm 4096,4096,4096 --wbits 2
one bitnet "BitNet b1.58 3B decode step, all layers"   --arch "$lut" "$root/workloads/bitnet_3b_decode.json"
one small  "LUT GEMM 256x1024x1024 W2, timing"         --arch "$lut" --gemm 256,1024,1024 --wbits 2
one dense  "  same, --no-skip (every cycle evaluated)" --arch "$lut" --gemm 256,1024,1024 --wbits 2 --no-skip
one func   "  same, functional (every lookup computed)" --arch "$lut" --gemm 256,1024,1024 --wbits 2 --functional
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
echo "next-event skipping speedup over --no-skip:      $(ratio "${RATE[small]}" "${RATE[dense]}")"
echo "timing-only speedup over functional datapaths:   $(ratio "${RATE[small]}" "${RATE[func]}")"
echo "reference point (not run here): SCALE-Sim measured ~6.6e3 cycles/s for a 32x32 array (shared/REFERENCES.md)"

# RTL co-simulation speed: C twin vs Verilator RTL on the same stimulus, and
# the lockstep overhead over raw Verilator (coda cosim --bench).
for blk in lut_tc mac_tc; do
  echo "cosim $blk (default config):"
  "$coda" cosim "$blk" --bench --cycles 200000 | sed 's/^/  /'
done

# Systolic array under SCALE-Sim's semantics (coda scalesim, sim/scalesim/README.md):
# a 4096^3 GEMM, weight stationary, on 32x32 and 128x128 arrays. Timing runs
# visit one kernel cycle per fold (next-event skipping); --no-skip evaluates
# every cycle (the closest analogue of SCALE-Sim walking every demand line);
# --per-cycle moves every INT8 operand and INT32 partial sum through the PEs
# each cycle and checks the result against a reference GEMM (smaller GEMMs).
ss="$root/workloads/scalesim"
ss_one() { # label, args...
  local label=$1
  shift
  local line c e s r
  line=$("$coda" scalesim "$@" | grep '^simulated ')
  read -r c e s r < <(echo "$line" | sed -E 's/^simulated ([0-9]+) cycles \(([0-9]+) evaluated\) in ([0-9.]+) s: ([0-9.e+]+) .*/\1 \2 \3 \4/')
  printf '%-46s %14s cycles %12s evaluated %9s s %12s cycles/s\n' "$label" "$c" "$e" "$s" "$r"
}
echo "systolic array, coda scalesim (SCALE-Sim cycle semantics), ws:"
ss_one "  32x32, GEMM 4096^3, timing"                 "$ss/coda_32x32_ws.cfg" "$ss/gemm_large.csv"
ss_one "  32x32, GEMM 4096^3, --no-skip"              "$ss/coda_32x32_ws.cfg" "$ss/gemm_large.csv" --no-skip
ss_one "  128x128, GEMM 4096^3, timing"               "$ss/coda_128x128_ws.cfg" "$ss/gemm_large.csv"
ss_one "  128x128, GEMM 4096^3, --no-skip"            "$ss/coda_128x128_ws.cfg" "$ss/gemm_large.csv" --no-skip
ss_one "  32x32, GEMM 256^3, --per-cycle (+ref check)" "$ss/coda_32x32_ws.cfg" "$ss/gemm_256.csv" --per-cycle
ss_one "  128x128, GEMM 512^3, --per-cycle (+ref chk)" "$ss/coda_128x128_ws.cfg" "$ss/gemm_512.csv" --per-cycle
echo "reference point (not run here): SCALE-Sim v2/v3 measured ~6.6e3 simulated cycles/s for a 32x32 array (shared/REFERENCES.md)"

# HBM2 DRAM model (coda dram, docs/dram.md): DRAM requests simulated per
# second on a 10^6-request random trace (30 % writes, 16 offered per DRAM
# cycle, uniform over the 32 GB address space) and on a sequential stream,
# generated here with awk from fixed seeds.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# (the 64 B request index in two halves: mawk's %x takes 31-bit values)
awk 'BEGIN { srand(1); for (i = 0; i < 1000000; i++) { r = int(rand() * 536870912);
       printf "0x%x%06x %s %d\n", int(r / 262144), (r % 262144) * 64, (rand() < 0.3 ? "WRITE" : "READ"),
       int(i / 16) } }' > "$tmp/random.trc"
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "0x%x READ %d\n", i * 64, int(i / 16) }' > "$tmp/stream.trc"
dram_one() { # label, trace
  local out
  out=$("$coda" dram "$2")
  local req bw sim
  bw=$(echo "$out" | sed -n -E 's/^ *bandwidth +([0-9.]+ GB\/s = [0-9.]+ % of peak).*/\1/p')
  sim=$(echo "$out" | sed -n -E 's/^ *simulated in +(.*)$/\1/p')
  printf '%-46s %s; %s\n' "$1" "$bw" "$sim"
}
echo "HBM2 (32 channels, default config), coda dram:"
dram_one "  random 10^6 requests, 30 % writes" "$tmp/random.trc"
dram_one "  sequential 10^6 reads" "$tmp/stream.trc"

# Design-space sweep (coda sweep, docs/sweep.md): points per minute at -j 1 and
# -j 2 and the parallel speedup, on a 32-point grid (core.n x weight bits x
# wbuf) over one 64x4096x2048 GEMM (0.1-0.4 s a point, so worker start-up is
# not what is measured), each run into a fresh database (no point reused).
swtmp=$(mktemp -d)
cat > "$swtmp/bench.json" <<SPEC
{"name": "bench", "base": "$PWD/sim/configs/lut_tc.json",
 "workloads": [{"gemm": "64,4096,2048", "wbits": 2}],
 "params": {"core.n": [16, 32, 64, 128], "workload.wbits": [1, 2, 3, 4],
            "buffers.wbuf_bytes": [65536, 131072]}}
SPEC
sweep_one() { # jobs -> points/min
  local out
  out=$("$coda" sweep "$swtmp/bench.json" -j "$1" --db "$swtmp/j$1.sqlite" --quiet)
  echo "$out" | sed -n -E 's/.*, ([0-9.]+) points\/min$/\1/p'
}
ppm1=$(sweep_one 1)
ppm2=$(sweep_one 2)
echo "coda sweep, 32 points (64x4096x2048 GEMM, LUT core widths x weight bits x wbuf), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg):"
printf '  -j 1  %8.1f points/min\n  -j 2  %8.1f points/min\n  parallel speedup %.2fx\n' "$ppm1" "$ppm2" \
  "$(awk -v a="$ppm1" -v b="$ppm2" 'BEGIN { print (a > 0 ? b / a : 0) }')"
rm -rf "$swtmp"

# NeuPIMs serving (docs/neupims.md): wall time of one full decode iteration of
# GPT-3 175B (TP 8, all 96 layers simulated, serve.sim_layers = 0) at batch
# 256, ShareGPT-like trace, serve.mode neupims, mem_fidelity rate (weights at
# the measured stream bandwidth, every PIM job through the HBM2 model).
np_one() { # label, extra --set options
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$coda" run --arch "$root/sim/configs/neupims.json" "$root/workloads/serve/gpt3_175b_sharegpt.json" \
        --set serve.batch=256 --set serve.iterations=1 --set serve.sim_layers=0 "${@:2}")
  t1=$(date +%s.%N)
  printf '%-46s %6.2f s wall; %s\n' "$1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$(echo "$out" | sed -n -E 's/^ *(throughput .*)$/\1/p')"
}
echo "NeuPIMs, GPT-3 175B batch 256, one decode iteration (96 layers):"
np_one "  neupims, mem_fidelity rate"
np_one "  npu+pim, mem_fidelity rate" --set serve.mode=npu+pim

# T3 (docs/t3.md): wall time to simulate one T-NLG FC-2 sublayer at TP 8
# (8192 x 4256 x 2128 per device) on all 8 devices (--full), each variant,
# next to the symmetric simulation (device 0 with its own link traffic fed
# back; equal results, OracleT3System.SymmetricEqualsFull).
t3_one() { # label, extra options
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$coda" t3 run --arch "$root/sim/configs/t3.json" --model "$root/workloads/t3/tnlg.json" --sub fc2 --tp 8 "${@:2}")
  t1=$(date +%s.%N)
  printf '%-40s %7.2f s wall\n' "$1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
  echo "$out" | sed -n -E '/^(seq|t3|t3-mca|ideal) +[0-9]/p' | sed 's/^/    /'
}
echo "T3, T-NLG FC-2 TP 8 (seq, t3, t3-mca; ideal from seq):"
t3_one "  all 8 devices (--full)" --full --variant seq,t3,t3-mca,ideal
t3_one "  symmetric (device 0)" --variant seq,t3,t3-mca,ideal
