// coda_tlm.cc: the coda device as a loosely-timed TLM-2.0 target (see coda_tlm.h).
#include "sim/systemc/coda_tlm.h"

#include <algorithm>
#include <cstring>

namespace coda_sc {

using sc_core::sc_time;

coda_tlm_dev::coda_tlm_dev(sc_core::sc_module_name name, const arch_cfg_t &cfg)
    : sc_core::sc_module(name), tsock("tsock"), cfg_(cfg),
      period_(1e3 / cfg.core_freq_mhz, sc_core::SC_NS) {
  tsock.register_b_transport(this, &coda_tlm_dev::b_transport);
  tsock.register_transport_dbg(this, &coda_tlm_dev::transport_dbg);
  SC_HAS_PROCESS(coda_tlm_dev);
  SC_THREAD(run_thread);
}

coda_tlm_dev::~coda_tlm_dev() { drop_device(); }

void coda_tlm_dev::drop_device() {
  if (!have_dev_) return;
  device_free(&dev_);
  cbin_free(&prog_);
  have_dev_ = false;
}

void coda_tlm_dev::fail(int code, const char *msg) {
  err_code_ = code;
  err_msg_ = msg;
  status_ = STATUS_ERROR;
  done_ev_.notify(sc_core::SC_ZERO_TIME);
}

// Parses the window and builds the device; the run thread starts it at `at`.
void coda_tlm_dev::start(const sc_time &at) {
  drop_device();
  err_code_ = 0;
  err_msg_.clear();
  coda_err_t err{};
  if (prog_bytes_ > prog_img_.size()) {
    fail(CODA_EINVAL, "PROG_BYTES is larger than what was written to the program window");
    return;
  }
  if (cbin_read_mem(&prog_, prog_img_.data(), prog_bytes_, "program window", &err)) {
    fail(err.code, err.msg);
    return;
  }
  device_opts_t o{};
  o.functional = -1; /* as `coda sim`: functional when the program carries data */
  if (device_init(&dev_, &cfg_, &prog_, &o, "program window", &err)) {
    cbin_free(&prog_);
    fail(err.code, err.msg);
    return;
  }
  have_dev_ = true;
  synced_ = 0;
  report_cycles_ = 0;
  t_start_ = at;
  status_ = STATUS_BUSY;
  start_ev_.notify(at - sc_core::sc_time_stamp());
}

void coda_tlm_dev::run_thread() {
  for (;;) {
    wait(start_ev_);
    for (;;) {
      coda_err_t err{};
      uint64_t until = dev_.sim.now + (quantum_ ? quantum_ : 1);
      int rc = device_step(&dev_, until, &err);
      if (rc < 0) {
        fail(rc, err.msg);
        break;
      }
      uint64_t c = rc ? dev_.cycles : dev_.sim.now;
      // catch SystemC time up with the device: START + c x period
      sc_time target = t_start_ + period_ * (double)c;
      if (target > sc_core::sc_time_stamp()) wait(target - sc_core::sc_time_stamp());
      synced_ = c;
      if (rc) {
        uint64_t rep = 0;
        for (uint32_t i = 0; i < prog_.n_layer; i++)
          rep += dev_.layer_stats[i].cycles * (prog_.layer[i].repeat ? prog_.layer[i].repeat : 1);
        report_cycles_ = rep;
        status_ = STATUS_DONE;
        t_done_ = sc_core::sc_time_stamp();
        done_ev_.notify(sc_core::SC_ZERO_TIME);
        break;
      }
    }
  }
}

// Device cycles at time `at`: what SystemC time has reached, never past what
// the kernel has simulated.
uint64_t coda_tlm_dev::cycles_at(const sc_time &at) const {
  if (!have_dev_) return 0;
  if (status_ & STATUS_DONE) return dev_.cycles;
  if (at <= t_start_) return 0;
  uint64_t c = (uint64_t)((at - t_start_) / period_);
  return std::min<uint64_t>(std::max(c, synced_), dev_.sim.now);
}

tlm::tlm_response_status coda_tlm_dev::reg_read(uint64_t a, uint32_t *v, const sc_time &at) {
  if (a >= REG_ERR_MSG && a < REG_ERR_MSG_END) {
    uint8_t b[4] = {0, 0, 0, 0};
    for (uint64_t i = 0; i < 4; i++) {
      uint64_t k = a - REG_ERR_MSG + i;
      if (k < err_msg_.size()) b[i] = (uint8_t)err_msg_[k];
    }
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return tlm::TLM_OK_RESPONSE;
  }
  switch (a) {
    case REG_ID: *v = CODA_ID; break;
    case REG_CTRL: return tlm::TLM_COMMAND_ERROR_RESPONSE; /* write-only */
    case REG_STATUS: *v = status_; break;
    case REG_PROG_BYTES: *v = prog_bytes_; break;
    case REG_CYCLES_LO: *v = (uint32_t)cycles_at(at); break;
    case REG_CYCLES_HI: *v = (uint32_t)(cycles_at(at) >> 32); break;
    case REG_REPORT_LO: *v = (uint32_t)report_cycles_; break;
    case REG_REPORT_HI: *v = (uint32_t)(report_cycles_ >> 32); break;
    case REG_ISSUED: *v = have_dev_ ? dev_.fe.pc : 0; break;
    case REG_QUANTUM: *v = quantum_; break;
    case REG_ERR_CODE: *v = (uint32_t)err_code_; break;
    case REG_DRAM_BYTES_LO: *v = have_dev_ ? (uint32_t)dev_.bufs.dram_bytes : 0; break;
    case REG_DRAM_BYTES_HI: *v = have_dev_ ? (uint32_t)(dev_.bufs.dram_bytes >> 32) : 0; break;
    default: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  }
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status coda_tlm_dev::reg_write(uint64_t a, uint32_t v, const sc_time &at) {
  switch (a) {
    case REG_CTRL:
      if (status_ & STATUS_BUSY) return tlm::TLM_COMMAND_ERROR_RESPONSE; /* one program at a time */
      if (v & CTRL_CLEAR) {
        drop_device();
        status_ = 0;
        err_code_ = 0;
        err_msg_.clear();
      }
      if (v & CTRL_START) start(at);
      return tlm::TLM_OK_RESPONSE;
    case REG_PROG_BYTES:
      if (v > PROG_WINDOW_BYTES) return tlm::TLM_COMMAND_ERROR_RESPONSE;
      prog_bytes_ = v;
      return tlm::TLM_OK_RESPONSE;
    case REG_QUANTUM:
      if (!v) return tlm::TLM_COMMAND_ERROR_RESPONSE;
      quantum_ = v;
      return tlm::TLM_OK_RESPONSE;
    default: {
      uint32_t dummy;
      /* a readable register is read-only; anything else is not there */
      return reg_read(a, &dummy, at) == tlm::TLM_ADDRESS_ERROR_RESPONSE ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                                        : tlm::TLM_COMMAND_ERROR_RESPONSE;
    }
  }
}

tlm::tlm_response_status coda_tlm_dev::access(tlm::tlm_generic_payload &tx, const sc_time &at) {
  uint64_t a = tx.get_address();
  unsigned len = tx.get_data_length();
  uint8_t *p = tx.get_data_ptr();
  bool wr = tx.is_write();
  if (!tx.is_read() && !wr) return tlm::TLM_OK_RESPONSE; /* TLM_IGNORE_COMMAND */
  if (tx.get_byte_enable_ptr()) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (tx.get_streaming_width() < len) return tlm::TLM_BURST_ERROR_RESPONSE;
  if (a >= PROG_BASE && a < PROG_BASE + PROG_WINDOW_BYTES) {
    uint64_t off = a - PROG_BASE;
    if (off + len > PROG_WINDOW_BYTES) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (wr) {
      if (off + len > prog_img_.size()) prog_img_.resize(off + len);
      memcpy(prog_img_.data() + off, p, len);
    } else {
      for (unsigned i = 0; i < len; i++) p[i] = off + i < prog_img_.size() ? prog_img_[off + i] : 0;
    }
    return tlm::TLM_OK_RESPONSE;
  }
  if (a >= DRAM_BASE) {
    uint64_t off = a - DRAM_BASE;
    if (wr) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    if (!have_dev_ || !(status_ & STATUS_DONE) || !dev_.bufs.dram) return tlm::TLM_GENERIC_ERROR_RESPONSE;
    if (off + len > dev_.bufs.dram_bytes) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    memcpy(p, dev_.bufs.dram + off, len);
    return tlm::TLM_OK_RESPONSE;
  }
  if (len != 4 || a % 4) return a < REG_ERR_MSG_END ? tlm::TLM_COMMAND_ERROR_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE;
  uint32_t v = 0;
  if (wr) {
    memcpy(&v, p, 4); /* the host is little-endian, like the register map */
    return reg_write(a, v, at);
  }
  tlm::tlm_response_status st = reg_read(a, &v, at);
  if (st == tlm::TLM_OK_RESPONSE) memcpy(p, &v, 4);
  return st;
}

void coda_tlm_dev::b_transport(tlm::tlm_generic_payload &tx, sc_time &delay) {
  sc_time at = sc_core::sc_time_stamp() + delay;
  tx.set_response_status(access(tx, at));
  unsigned len = tx.get_data_length();
  delay += period_ * (double)(1 + (len > 8 ? (len - 1) / 8 : 0));
}

unsigned int coda_tlm_dev::transport_dbg(tlm::tlm_generic_payload &tx) {
  uint64_t a = tx.get_address();
  if (tx.is_write() && a < PROG_BASE) return 0; /* debug accesses never ring the doorbell */
  tlm::tlm_response_status st = access(tx, sc_core::sc_time_stamp());
  return st == tlm::TLM_OK_RESPONSE ? tx.get_data_length() : 0;
}

}  // namespace coda_sc
