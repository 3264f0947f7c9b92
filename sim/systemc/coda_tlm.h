// coda_tlm.h: a coda device as a loosely-timed SystemC TLM-2.0 target, so a
// coda accelerator can be dropped into a SystemC virtual platform.
//
// Models: the whole device of sim/dev/device.h (front end, DMA, precompute,
// array, buffers, memory model), cycle for cycle, behind one target socket.
// The host sees 32-bit registers, a program-load window and a read-only DRAM
// window (all offsets relative to the socket's base address):
//
//   0x0000 ID          RO  0x434f4441 ("CODA")
//   0x0004 CTRL        WO  bit 0 START (doorbell): parse the image in the program
//                          window (PROG_BYTES long, a .cbin from `coda compile`),
//                          build the device and run it; bit 1 CLEAR: drop the
//                          finished device and clear STATUS
//   0x0008 STATUS      RO  bit 0 BUSY, bit 1 DONE, bit 2 ERROR
//   0x000c PROG_BYTES  RW  length of the program image in the window
//   0x0010 CYCLES_LO   RO  device cycles at the access time (the total once DONE)
//   0x0014 CYCLES_HI   RO
//   0x0018 REPORT_LO   RO  once DONE: the report's total cycles (`coda sim`'s total
//   0x001c REPORT_HI   RO  row: layers marked xN counted N times)
//   0x0020 ISSUED      RO  instructions the front end has issued
//   0x0024 QUANTUM     RW  device cycles run per SystemC wait (default 10000)
//   0x0028 ERR_CODE    RO  coda status code of the failure (negative), 0 if none
//   0x002c DRAM_BYTES_LO RO  size of the device's DRAM image (functional programs;
//   0x0030 DRAM_BYTES_HI RO  0 for timing-only ones)
//   0x0100..0x02ff ERR_MSG RO  the failure's one-line message, NUL-terminated
//   0x1000_0000 PROG window, 64 MiB, RW: the program image
//   0x2000_0000 DRAM window, RO, once DONE: the device's DRAM image (functional
//               programs only), e.g. to read results back
// Register accesses are 4 bytes, 4-aligned; windows take any length. Bad
// addresses answer TLM_ADDRESS_ERROR_RESPONSE, writes to RO registers and
// misaligned register accesses TLM_COMMAND_ERROR_RESPONSE, a DRAM read while
// no finished functional device exists TLM_GENERIC_ERROR_RESPONSE.
//
// Timing (LT): every b_transport adds one device clock (core.freq_mhz) to
// the initiator's delay, plus one per 8 bytes beyond the first 8 of a window
// burst (a 64-bit register bus: the wrapper's own cost, not part of the
// device's cycles). START takes effect at the access time (sc_time_stamp() +
// delay). The device then runs in its own thread in quanta of QUANTUM cycles:
// device_step advances the coda kernel (which skips idle stretches), then the
// thread waits the cycles it advanced x the clock period, so the device's
// cycle count and SystemC time agree at every quantum boundary and DONE rises
// exactly START + cycles x period. Quanta never change the cycle count
// (device_step's contract); they only trade context switches for how stale
// CYCLES may be inside a quantum (it is clamped to the time of the access).
//
// Memory: internal. The device keeps its own memory model (simple or HBM2,
// memory.* of the arch config) and DRAM image, not an initiator socket,
// because (1) the DMA's timing comes from that cycle-level model's bank,
// refresh and queue state, which a platform memory answering b_transport
// with a delay cannot reproduce, so cycles would no longer match `coda sim`;
// (2) coda programs address a private device DRAM (dram_bytes from the .cbin)
// that the compiler lays out, not the platform's address map; (3) timing-only
// programs carry no data at all. The DRAM window gives the host the bytes.
//
// Leaves out: interrupts (the host polls STATUS; done_event() is there for
// SystemC-level waiting), DMI, a command queue of several programs (one
// program per START), and pausing a running program.
// RTL twin: none (the blocks inside have theirs).
// Constants: the arch config given to the constructor.
#ifndef CODA_SYSTEMC_CODA_TLM_H
#define CODA_SYSTEMC_CODA_TLM_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "isa/cbin.h"
#include "sim/core/config.h"
#include "sim/dev/device.h"
}

namespace coda_sc {

enum : uint64_t {
  REG_ID = 0x0000, REG_CTRL = 0x0004, REG_STATUS = 0x0008, REG_PROG_BYTES = 0x000c,
  REG_CYCLES_LO = 0x0010, REG_CYCLES_HI = 0x0014, REG_REPORT_LO = 0x0018, REG_REPORT_HI = 0x001c,
  REG_ISSUED = 0x0020, REG_QUANTUM = 0x0024, REG_ERR_CODE = 0x0028,
  REG_DRAM_BYTES_LO = 0x002c, REG_DRAM_BYTES_HI = 0x0030,
  REG_ERR_MSG = 0x0100, REG_ERR_MSG_END = 0x0300,
  PROG_BASE = 0x10000000, PROG_WINDOW_BYTES = 64u << 20,
  DRAM_BASE = 0x20000000,
};
enum : uint32_t {
  CODA_ID = 0x434f4441, CTRL_START = 1, CTRL_CLEAR = 2,
  STATUS_BUSY = 1, STATUS_DONE = 2, STATUS_ERROR = 4,
};

class coda_tlm_dev : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<coda_tlm_dev> tsock;  // registers + windows

  // cfg is copied; it fixes the device's hardware, like a synthesized block.
  coda_tlm_dev(sc_core::sc_module_name name, const arch_cfg_t &cfg);
  ~coda_tlm_dev() override;
  coda_tlm_dev(const coda_tlm_dev &) = delete;
  coda_tlm_dev &operator=(const coda_tlm_dev &) = delete;

  sc_core::sc_time clock_period() const { return period_; }
  const sc_core::sc_event &done_event() const { return done_ev_; }
  // SystemC time at which the last START took effect.
  sc_core::sc_time start_time() const { return t_start_; }
  // SystemC time at which DONE rose (valid once STATUS has DONE).
  sc_core::sc_time done_time() const { return t_done_; }

 private:
  void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload &tx);
  // Returns the TLM response of one access at time `at` (no delay changes).
  tlm::tlm_response_status access(tlm::tlm_generic_payload &tx, const sc_core::sc_time &at);
  tlm::tlm_response_status reg_read(uint64_t a, uint32_t *v, const sc_core::sc_time &at);
  tlm::tlm_response_status reg_write(uint64_t a, uint32_t v, const sc_core::sc_time &at);
  void run_thread();
  void start(const sc_core::sc_time &at);
  void fail(int code, const char *msg);
  void drop_device();
  uint64_t cycles_at(const sc_core::sc_time &at) const;

  arch_cfg_t cfg_;                 // the device's hardware
  sc_core::sc_time period_;        // 1 / core.freq_mhz
  std::vector<uint8_t> prog_img_;  // program window contents
  uint32_t prog_bytes_ = 0;        // PROG_BYTES
  uint32_t quantum_ = 10000;       // QUANTUM
  uint32_t status_ = 0;            // STATUS
  int err_code_ = 0;               // ERR_CODE
  std::string err_msg_;            // ERR_MSG
  cbin_t prog_{};                  // the parsed program (owned while dev_ exists)
  device_t dev_{};                 // the coda device
  bool have_dev_ = false;          // dev_ and prog_ hold something to free
  uint64_t synced_ = 0;            // device cycles SystemC time has caught up with
  uint64_t report_cycles_ = 0;     // REPORT, once DONE
  sc_core::sc_time t_start_;       // time START took effect
  sc_core::sc_time t_done_;        // time DONE rose
  sc_core::sc_event start_ev_, done_ev_;
};

}  // namespace coda_sc

#endif
