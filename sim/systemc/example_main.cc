// example_main.cc: a minimal SystemC virtual platform with a coda device.
//
//   build/systemc_example --arch A.json [--set sec.key=val]... [--quantum N]
//                         [--poll-cycles N] P.cbin
//
// A "CPU" (an LT initiator with a quantum keeper) loads a compiled program
// (`coda compile -o P.cbin`) into the device's program window through TLM
// writes, rings the doorbell, polls STATUS until DONE, reads the cycle
// counters and, for a functional program, reads the device's DRAM back
// through the DRAM window and checks every layer's outputs against the
// reference GEMM (sim/ref/refgemm.h). It prints the device's cycle count,
// which equals `coda sim --arch A.json P.cbin`'s (tests/systemc_test.cc).
// Exit codes as coda's: 0 success, 1 the device failed or a check failed,
// 2 bad input or usage.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sim/systemc/coda_tlm.h"

extern "C" {
#include "sim/ref/refgemm.h"
}

namespace {

using namespace coda_sc;
using sc_core::sc_time;

struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> isock;
  std::vector<uint8_t> image;     // the .cbin bytes
  const cbin_t *prog = nullptr;   // the same program, parsed host-side (layers for --check)
  const arch_cfg_t *cfg = nullptr;
  uint32_t quantum = 0;           // QUANTUM to program, 0 = the device's default
  sc_time poll;                   // CPU time between STATUS reads
  // results
  int exit_code = 0;
  uint64_t cycles = 0, report_cycles = 0, polls = 0;
  uint32_t issued = 0;
  sc_time t_start, t_seen;
  std::string err;
  uint64_t checked = 0, bad = 0;

  tlm_utils::tlm_quantumkeeper qk;

  explicit Cpu(sc_core::sc_module_name n) : sc_core::sc_module(n), isock("isock") {
    SC_HAS_PROCESS(Cpu);
    SC_THREAD(main);
  }

  bool xfer(tlm::tlm_command cmd, uint64_t addr, uint8_t *p, unsigned len) {
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(addr); /* one target, no router: addresses are the device's offsets */
    tx.set_data_ptr(p);
    tx.set_data_length(len);
    tx.set_streaming_width(len);
    tx.set_byte_enable_ptr(nullptr);
    tx.set_dmi_allowed(false);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = qk.get_local_time();
    isock->b_transport(tx, d);
    qk.set(d);
    if (qk.need_sync()) qk.sync();
    if (tx.is_response_error()) {
      char b[160];
      snprintf(b, sizeof b, "cpu: %s of %u bytes at 0x%" PRIx64 " failed: %s", cmd == tlm::TLM_WRITE_COMMAND ? "write" : "read",
               len, addr, tx.get_response_string().c_str());
      err = b;
      return false;
    }
    return true;
  }
  bool wr32(uint64_t a, uint32_t v) { return xfer(tlm::TLM_WRITE_COMMAND, a, reinterpret_cast<uint8_t *>(&v), 4); }
  bool rd32(uint64_t a, uint32_t *v) { return xfer(tlm::TLM_READ_COMMAND, a, reinterpret_cast<uint8_t *>(v), 4); }
  bool rd64(uint64_t lo, uint64_t *v) {
    uint32_t l = 0, h = 0;
    if (!rd32(lo, &l) || !rd32(lo + 4, &h)) return false;
    *v = (uint64_t)h << 32 | l;
    return true;
  }

  void main() {
    exit_code = run();
    qk.sync();
    sc_core::sc_stop();
  }

  int run() {
    uint32_t id = 0, st = 0;
    if (!rd32(REG_ID, &id)) return 1;
    if (id != CODA_ID) { err = "cpu: no coda device at the base address"; return 1; }
    // load the program, 256-byte bursts
    for (size_t off = 0; off < image.size(); off += 256) {
      unsigned n = (unsigned)std::min<size_t>(256, image.size() - off);
      if (!xfer(tlm::TLM_WRITE_COMMAND, PROG_BASE + off, image.data() + off, n)) return 1;
    }
    if (!wr32(REG_PROG_BYTES, (uint32_t)image.size())) return 1;
    if (quantum && !wr32(REG_QUANTUM, quantum)) return 1;
    t_start = sc_core::sc_time_stamp() + qk.get_local_time();
    if (!wr32(REG_CTRL, CTRL_START)) return 1;
    // poll
    for (;;) {
      if (!rd32(REG_STATUS, &st)) return 1;
      polls++;
      if (st & (STATUS_DONE | STATUS_ERROR)) break;
      qk.inc(poll);  // the CPU does other work between polls
      if (qk.need_sync()) qk.sync();
    }
    t_seen = sc_core::sc_time_stamp() + qk.get_local_time();
    if (st & STATUS_ERROR) {
      uint32_t code = 0;
      char msg[REG_ERR_MSG_END - REG_ERR_MSG + 1] = {0};
      rd32(REG_ERR_CODE, &code);
      for (uint64_t a = REG_ERR_MSG; a < REG_ERR_MSG_END; a += 4)
        if (!rd32(a, reinterpret_cast<uint32_t *>(msg + (a - REG_ERR_MSG)))) break;
      err = std::string("device: ") + msg;
      return (int)code == CODA_ECHECK ? 1 : 2;
    }
    if (!rd64(REG_CYCLES_LO, &cycles) || !rd64(REG_REPORT_LO, &report_cycles) || !rd32(REG_ISSUED, &issued))
      return 1;
    uint64_t dram = 0;
    if (!rd64(REG_DRAM_BYTES_LO, &dram)) return 1;
    if (dram) return check(dram);
    return 0;
  }

  // Reads the DRAM image back through the window and checks every layer.
  int check(uint64_t dram) {
    std::vector<uint8_t> img(dram);
    for (uint64_t off = 0; off < dram; off += 4096) {
      unsigned n = (unsigned)std::min<uint64_t>(4096, dram - off);
      if (!xfer(tlm::TLM_READ_COMMAND, DRAM_BASE + off, img.data() + off, n)) return 1;
    }
    for (uint32_t i = 0; i < prog->n_layer; i++) {
      ref_result_t r{};
      coda_err_t e{};
      if (ref_check_layer(&prog->layer[i], cfg, img.data(), dram, &r, &e)) { err = e.msg; return 2; }
      checked += r.checked;
      bad += r.bad;
      if (r.bad && err.empty()) err = std::string("check: layer ") + prog->layer[i].name + ": " + r.first;
    }
    return bad ? 1 : 0;
  }
};

struct Top : sc_core::sc_module {
  Cpu cpu;
  coda_tlm_dev dev;
  Top(sc_core::sc_module_name n, const arch_cfg_t &cfg) : sc_core::sc_module(n), cpu("cpu"), dev("coda", cfg) {
    cpu.isock.bind(dev.tsock);
  }
};

int usage(const char *msg, const char *a) {
  fprintf(stderr, "systemc_example: ");
  fprintf(stderr, msg, a);
  fprintf(stderr, " (usage: systemc_example --arch A.json [--set sec.key=val]... [--quantum N] "
                  "[--poll-cycles N] P.cbin)\n");
  return 2;
}

double ns(const sc_time &t) { return t.to_seconds() * 1e9; }

bool parse_u32(const char *s, uint32_t *v) {
  char *end;
  errno = 0;
  unsigned long x = strtoul(s, &end, 0);
  if (!*s || *s == '-' || errno || *end || !x || x > 0xffffffffu) return false;
  *v = (uint32_t)x;
  return true;
}

}  // namespace

int sc_main(int argc, char **argv) {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  const char *arch = nullptr, *path = nullptr;
  std::vector<arch_set_t> sets;
  uint32_t quantum = 0, poll_cycles = 1000;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : nullptr;
    bool needs = !strcmp(a, "--arch") || !strcmp(a, "--set") || !strcmp(a, "--quantum") || !strcmp(a, "--poll-cycles");
    if (needs && !v) return usage("option %s needs a value", a);
    if (!strcmp(a, "--arch")) arch = argv[++i];
    else if (!strcmp(a, "--set")) sets.push_back(arch_set_t{argv[++i]});
    else if (!strcmp(a, "--quantum")) { if (!parse_u32(argv[++i], &quantum)) return usage("--quantum %s: expected 1..2^32-1 cycles", v); }
    else if (!strcmp(a, "--poll-cycles")) { if (!parse_u32(argv[++i], &poll_cycles)) return usage("--poll-cycles %s: expected 1..2^32-1", v); }
    else if (a[0] == '-') return usage("unknown option %s", a);
    else if (path) return usage("unexpected argument %s", a);
    else path = a;
  }
  if (!arch || !path) return usage("--arch and a program are required%s", "");
  coda_err_t err{};
  arch_cfg_t cfg;
  if (arch_cfg_load(&cfg, arch, sets.data(), (int)sets.size(), &err)) {
    fprintf(stderr, "systemc_example: error: %s\n", err.msg);
    return 2;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    fprintf(stderr, "systemc_example: error: %s: cannot read: %s\n", path, strerror(errno));
    return 2;
  }
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (image.size() > PROG_WINDOW_BYTES) {
    fprintf(stderr, "systemc_example: error: %s: %zu bytes do not fit the 64 MiB program window\n", path, image.size());
    return 2;
  }
  // host-side copy of the program: only for the layer list of the final check
  cbin_t prog;
  if (cbin_read_mem(&prog, image.data(), image.size(), path, &err)) {
    fprintf(stderr, "systemc_example: error: %s\n", err.msg);
    return 2;
  }

  Top top("top", cfg);
  top.cpu.image = image;
  top.cpu.prog = &prog;
  top.cpu.cfg = &cfg;
  top.cpu.quantum = quantum;
  top.cpu.poll = top.dev.clock_period() * (double)poll_cycles;
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(1, sc_core::SC_US));
  top.cpu.qk.reset();
  sc_core::sc_start();

  const Cpu &c = top.cpu;
  int ex = c.exit_code;
  if (ex) {
    fprintf(stderr, "systemc_example: error: %s\n", c.err.c_str());
  } else {
    double per_ns = top.dev.clock_period().to_seconds() * 1e9;
    printf("coda-systemc: program %s (%u instructions, %u layers, %s) on %s at %.0f MHz (period %.3f ns)\n", path,
           prog.n_insn, prog.n_layer, prog.flags & CBIN_F_DATA ? "functional" : "timing only", cfg.name,
           cfg.core_freq_mhz, per_ns);
    printf("coda-systemc: cpu wrote %zu bytes to the program window; START at %.3f ns\n", image.size(),
           ns(c.t_start));
    printf("coda-systemc: device DONE at %.3f ns = START + %" PRIu64 " cycles x period; cpu saw it at %.3f ns after %"
           PRIu64 " STATUS polls\n", ns(top.dev.done_time()), c.cycles, ns(c.t_seen), c.polls);
    printf("coda-systemc: instructions issued %u\n", c.issued);
    if (c.checked) printf("coda-systemc: check: %" PRIu64 " outputs read back through the DRAM window match the reference GEMM\n", c.checked);
    printf("simulated_cycles %" PRIu64 "\n", c.cycles);
    printf("total_cycles %" PRIu64 "\n", c.report_cycles);
  }
  cbin_free(&prog);
  return ex;
}
