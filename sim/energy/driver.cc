// driver.cc: the verilated driver of `coda energy` (sim/energy/energy_flow.c).
//
// Built once per netlist (block, tile parameters, tools) with
//   verilator --cc --exe --coverage-toggle --coverage-underscore --prefix Vtop
//             --top-module <block>_cosim_top cov.vlt cells.v net.v driver.cc
// against build/libcoda.a. It wraps the verilated gate-level netlist as an
// energy_rtl_t; the stimulus and the run are energy_driver_main's
// (sim/energy/energy_stim.c). Verilator does not toggle-cover the top's own
// ports, so this file counts the toggles of in_i and out_o bit by bit and
// writes them next to coverage.dat ("<cov>.ports": `in_i <bit> <toggles>`).
#include <verilated.h>
#include <verilated_cov.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "Vtop.h"

extern "C" {
#include "sim/energy/energy_flow.h"
}

namespace {

template <typename T>
void to_port(T &port, const uint64_t *v) {
  port = static_cast<T>(v[0]);
}
template <std::size_t W>
void to_port(VlWide<W> &port, const uint64_t *v) {
  for (std::size_t i = 0; i < W; i++) port[i] = static_cast<EData>(v[i / 2] >> (32 * (i % 2)));
}
template <typename T>
std::size_t port_bit_count(const T &) {
  return sizeof(T) * 8;
}
template <std::size_t W>
std::size_t port_bit_count(const VlWide<W> &) {
  return W * 32;
}
template <typename T>
int port_bit(const T &port, std::size_t i) {
  return static_cast<int>((static_cast<uint64_t>(port) >> i) & 1);
}
template <std::size_t W>
int port_bit(const VlWide<W> &port, std::size_t i) {
  return static_cast<int>((port[i / 32] >> (i % 32)) & 1);
}

struct Model {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vtop> top;
  std::vector<uint8_t> in_last, out_last;
  std::vector<uint64_t> in_tog, out_tog;
};

template <typename T>
void count(const T &port, std::vector<uint8_t> &last, std::vector<uint64_t> &tog) {
  for (std::size_t i = 0; i < last.size(); i++) {
    uint8_t b = static_cast<uint8_t>(port_bit(port, i));
    tog[i] += b != last[i];
    last[i] = b;
  }
}

void *rtl_open(void) {
  Model *m = new Model;
  m->ctx.reset(new VerilatedContext);
  m->top.reset(new Vtop(m->ctx.get(), "top"));
  m->in_last.assign(port_bit_count(m->top->in_i), 0);
  m->in_tog.assign(m->in_last.size(), 0);
  m->out_last.assign(port_bit_count(m->top->out_o), 0);
  m->out_tog.assign(m->out_last.size(), 0);
  m->top->clk_i = 0;
  m->top->rst_ni = 1;
  m->top->eval();
  return m;
}

void rtl_cycle(void *p, int rst, const uint64_t *in) {
  Model *m = static_cast<Model *>(p);
  Vtop *t = m->top.get();
  t->clk_i = 0;
  t->rst_ni = rst ? 0 : 1;
  to_port(t->in_i, in);
  t->eval();
  t->clk_i = 1;
  t->eval();
  count(t->in_i, m->in_last, m->in_tog);
  count(t->out_o, m->out_last, m->out_tog);
}

void rtl_zero(void *p) {
  Model *m = static_cast<Model *>(p);
  m->ctx->coveragep()->zero();
  for (auto &x : m->in_tog) x = 0;
  for (auto &x : m->out_tog) x = 0;
}

int rtl_write(void *p, const char *path) {
  Model *m = static_cast<Model *>(p);
  m->ctx->coveragep()->write(path);
  std::string ports = std::string(path) + ".ports";
  FILE *f = std::fopen(ports.c_str(), "w");
  if (!f) return -1;
  for (std::size_t i = 0; i < m->in_tog.size(); i++)
    if (m->in_tog[i]) std::fprintf(f, "in_i %zu %llu\n", i, static_cast<unsigned long long>(m->in_tog[i]));
  for (std::size_t i = 0; i < m->out_tog.size(); i++)
    if (m->out_tog[i]) std::fprintf(f, "out_o %zu %llu\n", i, static_cast<unsigned long long>(m->out_tog[i]));
  return std::fclose(f) ? -1 : 0;
}

void rtl_close(void *p) {
  Model *m = static_cast<Model *>(p);
  m->top->final();
  delete m;
}

}  // namespace

int main(int argc, char **argv) {
  Vtop *probe = nullptr;
  energy_rtl_t rtl = {rtl_open, rtl_cycle, rtl_zero, rtl_write, rtl_close,
                      static_cast<uint32_t>(sizeof probe->in_i)};
  return energy_driver_main(argc, argv, &rtl);
}
