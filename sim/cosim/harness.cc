// harness.cc: the generic Verilator harness of coda's co-simulation.
//
// Built by `coda cosim` (sim/cosim/cosim_cli.c) with
//   verilator --cc --exe --build --trace --prefix Vtop --top-module <block>_cosim_top
// against build/libcoda.a, once per block and parameter set. It only wraps
// the verilated top (ports clk_i, rst_ni, in_i, out_o) as a cosim_rtl_t;
// stimulus, the C twin, comparison and reporting are the framework's
// (sim/cosim/cosim.c), so this file is the same for every block.
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "Vtop.h"

extern "C" {
#include "sim/cosim/cosim.h"
}

namespace {

// Ports of up to 64 bits are plain integers (CData, SData, IData, QData);
// wider ones are VlWide arrays of 32-bit words.
template <typename T>
void to_port(T &port, const uint64_t *v) {
  port = static_cast<T>(v[0]);
}
template <std::size_t W>
void to_port(VlWide<W> &port, const uint64_t *v) {
  for (std::size_t i = 0; i < W; i++) port[i] = static_cast<EData>(v[i / 2] >> (32 * (i % 2)));
}
template <typename T>
void from_port(const T &port, uint64_t *v) {
  v[0] = static_cast<uint64_t>(port);
}
template <std::size_t W>
void from_port(const VlWide<W> &port, uint64_t *v) {
  for (std::size_t i = 0; i < (W + 1) / 2; i++) v[i] = 0;
  for (std::size_t i = 0; i < W; i++) v[i / 2] |= static_cast<uint64_t>(port[i]) << (32 * (i % 2));
}

struct Model {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vtop> top;
  std::unique_ptr<VerilatedVcdC> vcd;
  uint64_t time = 0;  // two time steps per cycle: falling, then rising edge
};

void *rtl_open(const char *vcd, coda_err_t *err) {
  std::unique_ptr<Model> m(new Model);
  m->ctx.reset(new VerilatedContext);
  m->ctx->traceEverOn(vcd != nullptr);
  m->top.reset(new Vtop(m->ctx.get(), "top"));
  if (vcd) {
    m->vcd.reset(new VerilatedVcdC);
    m->top->trace(m->vcd.get(), 99);
    m->vcd->open(vcd);
    if (!m->vcd->isOpen()) {
      coda_errf(err, CODA_EIO, "%s: cannot write the waveform", vcd);
      return nullptr;
    }
  }
  m->top->clk_i = 0;
  m->top->rst_ni = 1;
  m->top->eval();
  return m.release();
}

void rtl_cycle(void *p, int rst, const uint64_t *in, uint64_t *out, int trace) {
  Model *m = static_cast<Model *>(p);
  Vtop *t = m->top.get();
  t->clk_i = 0;
  t->rst_ni = rst ? 0 : 1;
  to_port(t->in_i, in);
  t->eval();
  if (trace && m->vcd) m->vcd->dump(m->time);
  m->time++;
  t->clk_i = 1;
  t->eval();
  if (trace && m->vcd) m->vcd->dump(m->time);
  m->time++;
  from_port(t->out_o, out);
}

void rtl_close(void *p) {
  Model *m = static_cast<Model *>(p);
  if (m->vcd) m->vcd->close();
  m->top->final();
  delete m;
}

}  // namespace

int main(int argc, char **argv) {
  Vtop *probe = nullptr;
  cosim_rtl_t rtl = {rtl_open, rtl_cycle, rtl_close, static_cast<uint32_t>(sizeof probe->in_i),
                     static_cast<uint32_t>(sizeof probe->out_o)};
  return cosim_harness_main(argc, argv, &rtl);
}
