// isa_test.cc: the isa tier. Encoding round trips and rejections, the
// table checker (overlap and friends) and the freshness of the generated
// files, the assembler/disassembler, and the .cbin container on good and
// hostile input. Expected encodings are worked out by hand from the bit
// positions in isa/coda.isa, or come from isagen (an independent encoder),
// never from isa_encode itself.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "tests/shim/isa_shim.h"

namespace {

namespace fs = std::filesystem;

// ---- helpers ------------------------------------------------------------------

const isa_field_info_t &field_of(const isa_op_info_t &op, unsigned s) {
  return isa_fields[op.slot[s].field];
}

uint64_t get_field(const isa_insn_t &in, const isa_field_info_t &f) {
  uint64_t v = 0;
  if (f.size == 8) {
    std::memcpy(&v, reinterpret_cast<const char *>(&in) + f.offset, 8);
  } else {
    uint32_t u;
    std::memcpy(&u, reinterpret_cast<const char *>(&in) + f.offset, 4);
    v = u;
  }
  return v;
}

void set_field(isa_insn_t &in, const isa_field_info_t &f, uint64_t v) {
  if (f.size == 8) {
    std::memcpy(reinterpret_cast<char *>(&in) + f.offset, &v, 8);
  } else {
    uint32_t u = static_cast<uint32_t>(v);
    std::memcpy(reinterpret_cast<char *>(&in) + f.offset, &u, 4);
  }
}

uint64_t random_in(std::mt19937_64 &rng, uint64_t lo, uint64_t hi) {
  uint64_t span = hi - lo;
  if (span == UINT64_MAX) return rng();
  // Favour the edges: they are where bit slicing goes wrong.
  switch (rng() % 4) {
    case 0: return lo;
    case 1: return hi;
    default: return lo + rng() % (span + 1);
  }
}

isa_insn_t random_insn(std::mt19937_64 &rng, unsigned op) {
  isa_insn_t in;
  std::memset(&in, 0, sizeof in);
  in.op = static_cast<isa_op_e>(op);
  const isa_op_info_t &o = isa_ops[op];
  for (unsigned s = 0; s < o.n_slots; s++) {
    const isa_field_info_t &f = field_of(o, s);
    set_field(in, f, random_in(rng, f.min, f.max));
  }
  return in;
}

void expect_same_insn(const isa_insn_t &a, const isa_insn_t &b) {
  ASSERT_EQ(a.op, b.op);
  for (unsigned f = 0; f < ISA_F_COUNT; f++)
    EXPECT_EQ(get_field(a, isa_fields[f]), get_field(b, isa_fields[f]))
        << isa_ops[a.op].name << " field " << isa_fields[f].name;
}

std::string fmt(const isa_insn_t &in) {
  char buf[512];
  int n = isa_format(&in, buf, sizeof buf);
  EXPECT_GT(n, 0);
  EXPECT_LT(n, (int)sizeof buf);
  return buf;
}

// Example line of an op, built from the table's eg values.
std::string example_line(unsigned op) {
  const isa_op_info_t &o = isa_ops[op];
  std::string s = o.name;
  for (unsigned i = 0; i < o.n_slots; i++)
    s += std::string(" ") + field_of(o, i).name + "=" + field_of(o, i).eg;
  return s;
}

isa_word_t encode_ok(const isa_insn_t &in) {
  isa_word_t w{};
  coda_err_t e{};
  EXPECT_EQ(isa_encode(&in, &w, &e), CODA_OK) << e.msg;
  return w;
}

isa_insn_t parse_ok(const std::string &line) {
  isa_insn_t in{};
  int empty = -1;
  coda_err_t e{};
  EXPECT_EQ(isa_parse_line(line.c_str(), "t.s", 1, &in, &empty, &e), CODA_OK)
      << line << ": " << e.msg;
  EXPECT_EQ(empty, 0);
  return in;
}

// The message of a parse that must fail.
std::string parse_err(const std::string &line, int lineno = 7) {
  isa_insn_t in{};
  int empty = -1;
  coda_err_t e{};
  int rc = isa_parse_line(line.c_str(), "t.s", lineno, &in, &empty, &e);
  EXPECT_EQ(rc, CODA_EINVAL) << line;
  EXPECT_EQ(std::strchr(e.msg, '\n'), nullptr);
  return e.msg;
}

std::string root_dir() {
  const char *r = std::getenv("CODA_ROOT");
  return r ? r : "";
}

// A scratch directory, removed with its contents at the end of the test.
struct TmpDir {
  std::string path;
  TmpDir() {
    std::string tmpl = (fs::temp_directory_path() / "coda_isa_XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    char *p = mkdtemp(buf.data());
    EXPECT_NE(p, nullptr);
    path = p ? p : "";
  }
  ~TmpDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  std::string file(const std::string &name) const { return path + "/" + name; }
};

std::string slurp(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void spit(const std::string &path, const std::string &data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
}

// Runs a shell command; returns its exit status (-1 if it did not exit).
int run(const std::string &cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// ---- encode / decode ------------------------------------------------------------

TEST(IsaRoundTrip, EveryOpRandomFields) {
  std::mt19937_64 rng(20240611);
  for (unsigned op = 0; op < ISA_OP_COUNT; op++) {
    const isa_op_info_t &o = isa_ops[op];
    for (int iter = 0; iter < 2000; iter++) {
      isa_insn_t in = random_insn(rng, op);
      isa_word_t w = encode_ok(in);
      EXPECT_EQ(w.w[0] & 0xff, o.opcode);
      EXPECT_EQ(w.w[0] & ~o.used[0], 0u) << o.name << ": reserved bit set";
      EXPECT_EQ(w.w[1] & ~o.used[1], 0u) << o.name << ": reserved bit set";
      isa_insn_t out;
      coda_err_t e{};
      ASSERT_EQ(isa_decode(&w, &out, &e), CODA_OK) << o.name << ": " << e.msg;
      expect_same_insn(in, out);
      if (HasFailure()) return;
    }
  }
}

TEST(IsaRoundTrip, FormatParse) {
  std::mt19937_64 rng(7);
  for (unsigned op = 0; op < ISA_OP_COUNT; op++) {
    for (int iter = 0; iter < 500; iter++) {
      isa_insn_t in = random_insn(rng, op);
      std::string line = fmt(in);
      isa_insn_t back = parse_ok(line);
      expect_same_insn(in, back);
      if (HasFailure()) return;
    }
  }
}

TEST(IsaRoundTrip, FormatTruncatesLikeSnprintf) {
  isa_insn_t in = parse_ok(example_line(ISA_OP_LMMA));
  char full[512], small[10];
  int n = isa_format(&in, full, sizeof full);
  EXPECT_EQ(n, (int)std::strlen(full));
  EXPECT_EQ(isa_format(&in, small, sizeof small), n);
  EXPECT_EQ(std::string(small), std::string(full, sizeof small - 1));
  EXPECT_EQ(isa_format(&in, nullptr, 0), n);
  // Enum names and hex addresses, in table order.
  EXPECT_EQ(std::string(full),
            "lmma m=64 n=256 k=512 atype=int8 wbits=2 acct=int32 tq=0 acc=0 "
            "fin=1 taddr=0x0 waddr=0x400 caddr=0x0");
}

TEST(IsaRoundTrip, ExampleEncodingMatchesGenerator) {
  // isagen encodes each op's example bit by bit on its own; isa_encode must
  // agree with it.
  for (unsigned op = 0; op < ISA_OP_COUNT; op++) {
    isa_word_t w = encode_ok(parse_ok(example_line(op)));
    EXPECT_EQ(w.w[0], isa_ops[op].eg[0]) << isa_ops[op].name;
    EXPECT_EQ(w.w[1], isa_ops[op].eg[1]) << isa_ops[op].name;
  }
}

TEST(IsaEncode, KnownWords) {
  // Worked out by hand from the bit positions in isa/coda.isa.
  struct {
    const char *line;
    uint64_t w0, w1;
  } cases[] = {
      // mask 10..8 = 5, opcode 0x01
      {"sync mask=5", 0x501, 0},
      // daddr 69..30: daddr=3 sets bits 30 and 31
      {"ld buf=abuf saddr=0x0 daddr=0x3 rows=0 row_bytes=0 stride=0",
       0xc0000010ull, 0},
      // daddr bit 34 lands on word bit 64; st is 0x11; buf=cbuf (3) at 9..8
      {"st buf=cbuf saddr=0x0 daddr=0x400000000 rows=0 row_bytes=0 stride=0",
       0x311, 1},
      // stride 125..102 all ones = w[1] bits 61..38
      {"ld buf=abuf saddr=0xfffff daddr=0x0 rows=0 row_bytes=0 stride=16777215",
       0x3ffffc10ull, 0x3fffffc000000000ull},
      // m=64 @8, n=256 @24, k=512 @40, wbits=2 @58, fin @65, waddr=0x400 @88
      {"lmma m=64 n=256 k=512 atype=int8 wbits=2 acct=int32 tq=0 acc=0 fin=1 "
       "taddr=0x0 waddr=0x400 caddr=0x0",
       0x0802000100004020ull, 0x0000000400000002ull},
      // caddr 127..108 all ones; acct=fp32 (3) @62..61; acc @64
      {"mma m=0 n=0 k=0 atype=fp16 wbits=4 acct=fp32 acc=1 aaddr=0x0 "
       "waddr=0x0 caddr=0xfffff",
       0x7300000000000030ull, 0xfffff00000000001ull},
      // tpre: ewop=relu (5) @60..58, mk @64, tq @63, saddr 107..88
      {"tpre m=1 k=4 atype=int16 ewop=relu tq=1 mk=1 taddr=0x0 saddr=0x1",
       0x9500040000000121ull, 0x0000000001000001ull},
  };
  for (const auto &c : cases) {
    isa_word_t w = encode_ok(parse_ok(c.line));
    EXPECT_EQ(w.w[0], c.w0) << c.line;
    EXPECT_EQ(w.w[1], c.w1) << c.line;
  }
}

TEST(IsaEncode, RejectsEveryFieldPastItsRange) {
  for (unsigned op = 0; op < ISA_OP_COUNT; op++) {
    const isa_op_info_t &o = isa_ops[op];
    for (unsigned s = 0; s < o.n_slots; s++) {
      const isa_field_info_t &f = field_of(o, s);
      std::vector<uint64_t> bad = {f.max + 1};
      if (f.min > 0) bad.push_back(f.min - 1);
      for (uint64_t v : bad) {
        isa_insn_t in = parse_ok(example_line(op));
        set_field(in, f, v);
        isa_word_t w{};
        coda_err_t e{};
        EXPECT_EQ(isa_encode(&in, &w, &e), CODA_EINVAL) << o.name << "." << f.name;
        std::string want = std::string(o.name) + ": field '" + f.name + "'";
        EXPECT_NE(std::string(e.msg).find(want), std::string::npos) << e.msg;
        // The same value as text is rejected by the parser, naming the field.
        std::string line = o.name;
        for (unsigned i = 0; i < o.n_slots; i++) {
          line += std::string(" ") + field_of(o, i).name + "=";
          line += i == s ? std::to_string(v) : field_of(o, i).eg;
        }
        std::string msg = parse_err(line);
        EXPECT_NE(msg.find("t.s:7: " + want + ": expected"), std::string::npos)
            << msg;
      }
    }
  }
}

TEST(IsaEncode, RejectsUnknownOp) {
  isa_insn_t in{};
  in.op = ISA_OP_COUNT;
  isa_word_t w{};
  coda_err_t e{};
  EXPECT_EQ(isa_encode(&in, &w, &e), CODA_EINVAL);
  EXPECT_EQ(isa_op_name(ISA_OP_COUNT), nullptr);
  EXPECT_STREQ(isa_op_name(ISA_OP_LMMA), "lmma");
}

TEST(IsaDecode, RejectsUnassignedOpcodes) {
  int assigned = 0;
  for (unsigned opc = 0; opc < 256; opc++) {
    isa_word_t w = {{opc, 0}};
    isa_insn_t out;
    coda_err_t e{};
    if (isa_opcode_op[opc] != ISA_OP_COUNT) {
      assigned++;
      EXPECT_EQ(isa_ops[isa_opcode_op[opc]].opcode, opc);
      continue;
    }
    EXPECT_EQ(isa_decode(&w, &out, &e), CODA_EINVAL) << opc;
    char want[64];
    std::snprintf(want, sizeof want, "unknown opcode 0x%02x", opc);
    EXPECT_NE(std::string(e.msg).find(want), std::string::npos) << e.msg;
  }
  EXPECT_EQ(assigned, ISA_OP_COUNT);
  // The opcodes docs/machine.md and the brief fix.
  EXPECT_EQ(ISA_OPC_SYNC, 0x01u);
  EXPECT_EQ(ISA_OPC_LD, 0x10u);
  EXPECT_EQ(ISA_OPC_ST, 0x11u);
  EXPECT_EQ(ISA_OPC_LMMA, 0x20u);
  EXPECT_EQ(ISA_OPC_TPRE, 0x21u);
  EXPECT_EQ(ISA_OPC_MMA, 0x30u);
}

TEST(IsaDecode, RejectsEveryReservedBit) {
  for (unsigned op = 0; op < ISA_OP_COUNT; op++) {
    const isa_op_info_t &o = isa_ops[op];
    isa_word_t good = {{o.eg[0], o.eg[1]}};
    isa_insn_t out;
    coda_err_t e{};
    ASSERT_EQ(isa_decode(&good, &out, &e), CODA_OK) << e.msg;
    // Count the reserved bits from the slots, independently of used[].
    bool owned[128] = {};
    for (int b = 0; b < 8; b++) owned[b] = true;
    for (unsigned s = 0; s < o.n_slots; s++)
      for (unsigned b = o.slot[s].lo; b <= o.slot[s].hi; b++) owned[b] = true;
    for (unsigned b = 0; b < 128; b++) {
      if (owned[b]) continue;
      isa_word_t w = good;
      w.w[b / 64] |= 1ull << (b % 64);
      EXPECT_EQ(isa_decode(&w, &out, &e), CODA_EINVAL) << o.name << " bit " << b;
      EXPECT_NE(std::string(e.msg).find("reserved bit " + std::to_string(b)),
                std::string::npos)
          << e.msg;
    }
  }
}

TEST(IsaDecode, RejectsInvalidFieldValues) {
  // wbits is valid 1..4: the all-zero lmma word is not an instruction.
  isa_word_t w = {{ISA_OPC_LMMA, 0}};
  isa_insn_t out;
  coda_err_t e{};
  EXPECT_EQ(isa_decode(&w, &out, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("lmma: field 'wbits': expected 1..4, got 0"),
            std::string::npos)
      << e.msg;
  // wbits 5..7
  for (uint64_t v = 5; v <= 7; v++) {
    isa_word_t x = {{isa_ops[ISA_OP_MMA].eg[0], isa_ops[ISA_OP_MMA].eg[1]}};
    x.w[0] &= ~(7ull << ISA_MMA_WBITS_LSB);
    x.w[0] |= v << ISA_MMA_WBITS_LSB;
    EXPECT_EQ(isa_decode(&x, &out, &e), CODA_EINVAL) << v;
  }
  // ewop has six names in three bits: 6 and 7 are not ops.
  for (uint64_t v = 6; v <= 7; v++) {
    isa_word_t x = {{isa_ops[ISA_OP_TPRE].eg[0], isa_ops[ISA_OP_TPRE].eg[1]}};
    x.w[0] |= v << ISA_TPRE_EWOP_LSB;
    EXPECT_EQ(isa_decode(&x, &out, &e), CODA_EINVAL) << v;
    EXPECT_NE(std::string(e.msg).find("field 'ewop'"), std::string::npos);
  }
}

TEST(IsaDecode, FieldsTheOpLacksAreZero) {
  isa_word_t w = {{isa_ops[ISA_OP_SYNC].eg[0], isa_ops[ISA_OP_SYNC].eg[1]}};
  isa_insn_t out;
  std::memset(&out, 0xab, sizeof out);
  ASSERT_EQ(isa_decode(&w, &out, nullptr), CODA_OK);
  EXPECT_EQ(out.op, ISA_OP_SYNC);
  EXPECT_EQ(out.mask, ISA_SYNC_DMA | ISA_SYNC_TPRE | ISA_SYNC_ARRAY);
  EXPECT_EQ(out.daddr, 0u);
  EXPECT_EQ(out.caddr, 0u);
  EXPECT_EQ(out.m, 0u);
}

// ---- parse errors ------------------------------------------------------------------

TEST(IsaParse, BlankAndCommentLines) {
  for (const char *line : {"", "   ", "\t; just a comment", "# another", "\n"}) {
    isa_insn_t in{};
    int empty = 0;
    coda_err_t e{};
    EXPECT_EQ(isa_parse_line(line, "t.s", 1, &in, &empty, &e), CODA_OK) << line;
    EXPECT_EQ(empty, 1) << line;
  }
  isa_insn_t in = parse_ok("  sync   mask=0x3   ; wait for DMA and TPRE");
  EXPECT_EQ(in.mask, 3u);
  in = parse_ok("sync mask=6# trailing comment");
  EXPECT_EQ(in.mask, 6u);
}

TEST(IsaParse, ErrorsNameLineAndField) {
  const std::string ld_rest = " saddr=0x0 rows=1 row_bytes=1 stride=0";
  struct {
    std::string line, want;
  } cases[] = {
      {"lmmx m=1", "t.s:7: 'lmmx': expected a mnemonic (sync, ld, st, tpre, lmma, mma, "},
      {"LMMA m=1", "t.s:7: 'LMMA': expected a mnemonic"},
      {"sync mask=1 mask=2", "t.s:7: sync: field 'mask': expected once, given twice"},
      {"sync", "t.s:7: sync: field 'mask': expected, but missing"},
      {"sync foo=1", "t.s:7: sync: field 'foo': expected one of mask"},
      {"sync mask", "t.s:7: sync: 'mask': expected field=value"},
      {"sync =3", "t.s:7: sync: '=3': expected field=value"},
      {"sync mask=", "t.s:7: sync: field 'mask': expected a number"},
      {"sync mask=0x", "t.s:7: sync: field 'mask': expected a number"},
      {"sync mask=-1", "t.s:7: sync: field 'mask': expected a number"},
      {"sync mask=+1", "t.s:7: sync: field 'mask': expected a number"},
      {"sync mask=1x", "t.s:7: sync: field 'mask': expected a number"},
      {"sync mask=0x1g", "t.s:7: sync: field 'mask': expected a number"},
      {"sync mask=8", "t.s:7: sync: field 'mask': expected 0..7, got 8"},
      {"sync mask=18446744073709551616",
       "t.s:7: sync: field 'mask': expected 0..7, got 18446744073709551616"},
      {"sync mask=0x10000000000000000", "t.s:7: sync: field 'mask': expected 0..7"},
      {"ld buf=xbuf daddr=0x0" + ld_rest,
       "t.s:7: ld: field 'buf': expected abuf, wbuf, tbuf or cbuf, got 'xbuf'"},
      {"ld buf=1 daddr=0x0" + ld_rest, "t.s:7: ld: field 'buf': expected abuf"},
      {"ld buf=abuf daddr=0x10000000000" + ld_rest,
       "t.s:7: ld: field 'daddr': expected 0..1099511627775, got 0x10000000000"},
      {"ld buf=abuf daddr=0xffffffffff" + ld_rest + " extra=1",
       "t.s:7: ld: field 'extra': expected one of buf, saddr, daddr, rows, "
       "row_bytes, stride"},
      {"lmma m=1 n=1 k=4 atype=int4 wbits=2 acct=int32 tq=0 acc=0 fin=1 "
       "taddr=0 waddr=0 caddr=0",
       "t.s:7: lmma: field 'atype': expected int8, int16, fp8 or fp16, got 'int4'"},
      {"lmma m=1 n=1 k=4 atype=int8 wbits=0 acct=int32 tq=0 acc=0 fin=1 "
       "taddr=0 waddr=0 caddr=0",
       "t.s:7: lmma: field 'wbits': expected 1..4, got 0"},
      {"lmma m=1 n=1 k=4 atype=int8 wbits=2 acct=int32 tq=0 acc=0 fin=1 "
       "taddr=0 waddr=0",
       "t.s:7: lmma: field 'caddr': expected, but missing"},
  };
  for (const auto &c : cases) {
    std::string msg = parse_err(c.line);
    EXPECT_EQ(msg.rfind(c.want, 0), 0u) << "line: " << c.line << "\n got: " << msg;
  }
}

// ---- the generator ---------------------------------------------------------------

const char *const kGoodTable =
    "group ctrl 0x00..0x0f \"control\"\n"
    "group res  0x40..0x4f reserved \"reserved\"\n"
    "field a 4 uint eg=1 \"a\"\n"
    "field b 8 uint 1..200 eg=1 \"b\"\n"
    "field e 2 enum E { x y z } eg=y \"e\"\n"
    "insn one 0x01 ctrl a:11..8 b:19..12 e:21..20 \"first\"\n";

struct GenResult {
  int status;
  std::string err;
};

GenResult gen_check(const TmpDir &d, const std::string &table) {
  std::string tab = d.file("t.isa"), err = d.file("err.txt");
  spit(tab, table);
  std::string cmd = "'" + root_dir() + "/build/isagen' --check '" + tab +
                    "' 2>'" + err + "'";
  GenResult r{run(cmd), slurp(err)};
  return r;
}

TEST(IsaGen, CheckerAcceptsTheTables) {
  ASSERT_FALSE(root_dir().empty()) << "CODA_ROOT is not set (run via make test)";
  TmpDir d;
  GenResult r = gen_check(d, kGoodTable);
  EXPECT_EQ(r.status, 0) << r.err;
  std::string real = root_dir() + "/isa/coda.isa";
  EXPECT_EQ(run("'" + root_dir() + "/build/isagen' --check '" + real + "'"), 0);
}

TEST(IsaGen, CheckerRejectsBadTables) {
  ASSERT_FALSE(root_dir().empty()) << "CODA_ROOT is not set (run via make test)";
  TmpDir d;
  const std::string base = kGoodTable;
  struct {
    const char *what;
    std::string table, want;
  } cases[] = {
      {"two encodings with one opcode",
       base + "insn two 0x01 ctrl a:11..8 \"dup\"\n", "opcode 0x01 is already one"},
      {"overlapping fields", "group ctrl 0x00..0x0f \"c\"\nfield a 4 uint eg=1 \"a\"\n"
       "field b 8 uint eg=1 \"b\"\ninsn one 0x01 ctrl a:11..8 b:18..11 \"x\"\n",
       "field b (bits 18..11) overlaps field a (bits 11..8)"},
      {"field past bit 127", "group ctrl 0x00..0x0f \"c\"\nfield b 8 uint eg=1 \"b\"\n"
       "insn one 0x01 ctrl b:135..128 \"x\"\n", "go past bit 127"},
      {"field straddling bit 127", "group ctrl 0x00..0x0f \"c\"\nfield b 8 uint eg=1 \"b\"\n"
       "insn one 0x01 ctrl b:128..121 \"x\"\n", "go past bit 127"},
      {"field on the opcode", "group ctrl 0x00..0x0f \"c\"\nfield a 4 uint eg=1 \"a\"\n"
       "insn one 0x01 ctrl a:10..7 \"x\"\n", "overlap the opcode"},
      {"width mismatch", "group ctrl 0x00..0x0f \"c\"\nfield a 4 uint eg=1 \"a\"\n"
       "insn one 0x01 ctrl a:12..8 \"x\"\n", "are 5 wide, the field is 4 bits"},
      {"unknown field", base + "insn two 0x02 ctrl c:30..28 \"x\"\n",
       "unknown field 'c'"},
      {"field redefined", base + "field a 5 uint eg=1 \"again\"\n", "field 'a' defined again"},
      {"mnemonic twice", base + "insn one 0x02 ctrl a:11..8 \"x\"\n",
       "mnemonic 'one' defined again"},
      {"opcode past 8 bits", base + "insn two 0x100 ctrl a:11..8 \"x\"\n",
       "does not fit in bits 7..0"},
      {"opcode outside its group", base + "insn two 0x20 ctrl a:11..8 \"x\"\n",
       "outside group ctrl"},
      {"opcode in a reserved group", base + "insn two 0x41 res a:11..8 \"x\"\n",
       "group res (0x40..0x4f) is reserved"},
      {"field placed twice", base + "insn two 0x02 ctrl a:11..8 a:15..12 \"x\"\n",
       "field a placed twice"},
      {"valid range wider than the field",
       "group ctrl 0x00..0x0f \"c\"\nfield a 4 uint 0..16 eg=1 \"a\"\n"
       "insn one 0x01 ctrl a:11..8 \"x\"\n", "does not fit in 4 bits"},
      {"too many enum names", "group ctrl 0x00..0x0f \"c\"\n"
       "field e 1 enum E { p q r } eg=p \"e\"\ninsn one 0x01 ctrl e:8 \"x\"\n",
       "3 enum values do not fit in 1 bits"},
      {"example outside the range", "group ctrl 0x00..0x0f \"c\"\n"
       "field a 4 uint 1..3 eg=0 \"a\"\ninsn one 0x01 ctrl a:11..8 \"x\"\n",
       "example '0' is not a valid value"},
      {"unused field", base + "field u 3 uint eg=1 \"u\"\n", "used by no instruction"},
      {"overlapping groups", base + "group more 0x0f..0x1f \"m\"\n",
       "group more overlaps group ctrl"},
      {"colliding generated names", "group ctrl 0x00..0x0f \"c\"\n"
       "field mask 3 bits SYNC { a mask_lsb } eg=1 \"m\"\n"
       "insn sync 0x01 ctrl mask:10..8 \"s\"\n",
       "generated name ISA_SYNC_MASK_LSB is defined twice"},
      {"reserved member name", "group ctrl 0x00..0x0f \"c\"\nfield op 2 uint eg=1 \"o\"\n",
       "field name 'op' is reserved"},
      {"missing doc", "group ctrl 0x00..0x0f \"c\"\nfield a 4 uint eg=1\n"
       "insn one 0x01 ctrl a:11..8 \"x\"\n", "expected its \"doc\" string"},
      {"no instructions", "group ctrl 0x00..0x0f \"c\"\n", "no instructions"},
      {"doc that would break a table", base + "field z 1 uint eg=0 \"a|b\"\n",
       "doc strings are printable ASCII"},
      {"doc that would end a C comment", base + "field z 1 uint eg=0 \"a*/b\"\n",
       "doc strings are printable ASCII"},
  };
  for (const auto &c : cases) {
    GenResult r = gen_check(d, c.table);
    EXPECT_EQ(r.status, 1) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.want), std::string::npos)
        << c.what << ": wanted '" << c.want << "', got: " << r.err;
    EXPECT_EQ(r.err.rfind(d.file("t.isa") + ":", 0), 0u) << c.what << ": " << r.err;
  }
}

TEST(IsaGen, GeneratedFilesAreFresh) {
  ASSERT_FALSE(root_dir().empty()) << "CODA_ROOT is not set (run via make test)";
  TmpDir d;
  ASSERT_EQ(run("'" + root_dir() + "/build/isagen' '" + root_dir() +
                "/isa/coda.isa' '" + d.path + "'"),
            0);
  for (const char *rel : {"isa/isa_gen.h", "isa/isa_gen.c",
                          "rtl/include/coda_isa.vh", "isa/README.md"}) {
    std::string fresh = slurp(d.file(rel)), committed = slurp(root_dir() + "/" + rel);
    EXPECT_FALSE(fresh.empty()) << rel;
    EXPECT_TRUE(fresh == committed)
        << rel << " is stale: run `make gen` (build/isagen isa/coda.isa .)";
    EXPECT_NE(committed.find("generated from isa/coda.isa by isa/isagen.c"),
              std::string::npos)
        << rel;
  }
}

TEST(IsaGen, VerilogIncludeLints) {
  ASSERT_FALSE(root_dir().empty()) << "CODA_ROOT is not set (run via make test)";
  if (run("command -v verilator >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "verilator is not installed";
  TmpDir d;
  // Two modules in one compilation unit both include it: constants must be
  // visible in each, and nothing unused may warn.
  spit(d.file("isa_lint_a.v"),
       "module isa_lint_a (\n  input  wire [127:0] insn_i,\n"
       "  output wire is_lmma_o,\n  output wire [15:0] m_o,\n"
       "  output wire [103:0] rest_o\n);\n`include \"coda_isa.vh\"\n"
       "  assign is_lmma_o = insn_i[ISA_OPCODE_MSB:ISA_OPCODE_LSB] == ISA_OPC_LMMA;\n"
       "  assign m_o = insn_i[ISA_LMMA_M_MSB:ISA_LMMA_M_LSB];\n"
       "  assign rest_o = insn_i[127:24];\nendmodule\n");
  spit(d.file("isa_lint_b.v"),
       "module isa_lint_b (\n  input  wire [127:0] insn_i,\n  output wire ok_o\n);\n"
       "`include \"coda_isa.vh\"\n"
       "  wire [127:0] extra = insn_i & ~ISA_MMA_USED;\n"
       "  assign ok_o = insn_i[ISA_OPCODE_MSB:ISA_OPCODE_LSB] == ISA_OPC_MMA &&\n"
       "                extra == 128'd0 &&\n"
       "                insn_i[ISA_MMA_ATYPE_MSB:ISA_MMA_ATYPE_LSB] != ISA_ATYPE_FP16;\n"
       "endmodule\n");
  spit(d.file("isa_lint_top.v"),
       "module isa_lint_top (\n  input  wire [127:0] insn_i,\n  output wire a_o,\n"
       "  output wire [15:0] m_o,\n  output wire [103:0] r_o,\n  output wire b_o\n);\n"
       "  isa_lint_a u_a (.insn_i(insn_i), .is_lmma_o(a_o), .m_o(m_o), .rest_o(r_o));\n"
       "  isa_lint_b u_b (.insn_i(insn_i), .ok_o(b_o));\nendmodule\n");
  std::string cmd = "cd '" + d.path + "' && verilator --lint-only -Wall -I'" +
                    root_dir() + "/rtl/include' --top-module isa_lint_top "
                    "isa_lint_top.v isa_lint_a.v isa_lint_b.v >lint.txt 2>&1";
  EXPECT_EQ(run(cmd), 0) << slurp(d.file("lint.txt"));
}

TEST(IsaGen, ReadmeAssemblyExampleAssembles) {
  ASSERT_FALSE(root_dir().empty()) << "CODA_ROOT is not set (run via make test)";
  std::string md = slurp(root_dir() + "/isa/README.md");
  size_t sec = md.find("## Assembly");
  ASSERT_NE(sec, std::string::npos);
  size_t a = md.find("```\n", sec), b = md.find("```\n", a + 4);
  ASSERT_NE(b, std::string::npos);
  std::string text = md.substr(a + 4, b - a - 4);
  cbin_t p;
  coda_err_t e{};
  ASSERT_EQ(isa_asm_program(text.c_str(), "README.md", &p, &e), CODA_OK) << e.msg;
  EXPECT_EQ(p.n_insn, (uint32_t)ISA_OP_COUNT);
  EXPECT_EQ(p.n_layer, 1u);
  cbin_free(&p);
}

// ---- assembler / disassembler ------------------------------------------------

std::string disasm(const cbin_t &p, int want_rc = CODA_OK, coda_err_t *err = nullptr) {
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  coda_err_t e{};
  int rc = isa_disasm_program(&p, f, err ? err : &e);
  std::fclose(f);
  EXPECT_EQ(rc, want_rc) << (err ? err->msg : e.msg);
  std::string s(buf, len);
  std::free(buf);
  return s;
}

void expect_same_program(const cbin_t &a, const cbin_t &b, bool with_data) {
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.dram_bytes, b.dram_bytes);
  EXPECT_EQ(0, std::memcmp(a.arch_name, b.arch_name, sizeof a.arch_name));
  EXPECT_EQ(0, std::memcmp(a.workload_name, b.workload_name, sizeof a.workload_name));
  ASSERT_EQ(a.n_insn, b.n_insn);
  for (uint32_t i = 0; i < a.n_insn; i++) {
    EXPECT_EQ(a.insn[i].w[0], b.insn[i].w[0]) << "instruction " << i;
    EXPECT_EQ(a.insn[i].w[1], b.insn[i].w[1]) << "instruction " << i;
  }
  ASSERT_EQ(a.n_layer, b.n_layer);
  for (uint32_t i = 0; i < a.n_layer; i++) {
    EXPECT_EQ(0, std::memcmp(a.layer[i].name, b.layer[i].name, sizeof a.layer[i].name));
    for (unsigned j = 0; j < cbin_n_layer_fields; j++) {
      const cbin_layer_field_t &lf = cbin_layer_fields[j];
      if (lf.size == CBIN_NAME_BYTES) continue;
      EXPECT_EQ(cbin_layer_get(&a.layer[i], &lf), cbin_layer_get(&b.layer[i], &lf))
          << "layer " << i << " " << lf.name;
    }
  }
  if (!with_data) return;
  ASSERT_EQ(a.n_seg, b.n_seg);
  for (uint32_t i = 0; i < a.n_seg; i++) {
    EXPECT_EQ(a.seg[i].addr, b.seg[i].addr);
    ASSERT_EQ(a.seg[i].bytes, b.seg[i].bytes);
    if (a.seg[i].bytes) {
      EXPECT_EQ(0, std::memcmp(a.seg[i].data, b.seg[i].data, a.seg[i].bytes)) << i;
    }
  }
}

cbin_layer_t random_layer(std::mt19937_64 &rng, const std::string &name) {
  cbin_layer_t l;
  std::memset(&l, 0, sizeof l);
  std::snprintf(l.name, sizeof l.name, "%s", name.c_str());
  for (unsigned j = 0; j < cbin_n_layer_fields; j++) {
    const cbin_layer_field_t &lf = cbin_layer_fields[j];
    if (lf.size == CBIN_NAME_BYTES || !lf.asm_key) continue;
    cbin_layer_set(&l, &lf, random_in(rng, lf.min, lf.max));
  }
  return l;
}

// A program with every op, layers with gaps, empty layers (also several at
// one place and at the end), and names that need quoting.
void random_program(std::mt19937_64 &rng, cbin_t *p, uint32_t n_insn) {
  std::memset(p, 0, sizeof *p);
  coda_err_t e{};
  std::snprintf(p->arch_name, sizeof p->arch_name, "lut \"tc\" #1;\\x");
  p->arch_name[20] = 0;
  std::snprintf(p->workload_name, sizeof p->workload_name, "w\x01\x7f\xff");
  p->dram_bytes = 123456789;
  for (uint32_t i = 0; i < n_insn; i++) {
    isa_word_t w = encode_ok(random_insn(rng, (unsigned)(rng() % ISA_OP_COUNT)));
    ASSERT_EQ(cbin_push_insn(p, &w, &e), CODA_OK);
  }
  const char *names[] = {"L0.qkv.prefill", "has space", "q\"uote", "back\\slash",
                         "semi;colon#hash", "", "x"};
  uint32_t at = 0;
  int k = 0;
  while (at <= n_insn) {
    at += (uint32_t)(rng() % 3 == 0 ? rng() % 4 : 0);  // a gap, sometimes
    if (at > n_insn) break;
    uint32_t len = (uint32_t)(rng() % 4 == 0 ? 0 : rng() % 12);
    if (at + len > n_insn) len = n_insn - at;
    cbin_layer_t l = random_layer(rng, names[k++ % 7]);
    l.first_insn = at;
    l.n_insn = len;
    ASSERT_EQ(cbin_push_layer(p, &l, &e), CODA_OK);
    at += len;
    if (at == n_insn && rng() % 2) break;
  }
}

TEST(IsaAsm, ProgramRoundTrip) {
  std::mt19937_64 rng(99);
  for (uint32_t n : {0u, 1u, 7u, 300u}) {
    for (int rep = 0; rep < 5; rep++) {
      cbin_t p;
      random_program(rng, &p, n);
      std::string text = disasm(p);
      cbin_t q;
      coda_err_t e{};
      ASSERT_EQ(isa_asm_program(text.c_str(), "rt.s", &q, &e), CODA_OK)
          << e.msg << "\n" << text;
      expect_same_program(p, q, true);
      // Text is a fixed point.
      EXPECT_EQ(disasm(q), text);
      cbin_free(&p);
      cbin_free(&q);
      if (HasFailure()) return;
    }
  }
}

TEST(IsaAsm, HandWrittenProgram) {
  const char *text =
      "; a tiny program\n"
      ".arch lut_tc\n"
      ".workload \"tiny \\x41\"\n"
      ".dram_bytes 0x10000\n"
      "sync mask=7\n"                                            // insn 0, no layer
      ".layer name=first m=2 n=64 k=8 kp=8 core=lut atype=int8 wbits=2 "
      "acct=int32 ewop=none fused=0 tq=0 dist=0 a_addr=0x0 w_addr=0x100 "
      "z_addr=0x200 c_addr=0x300 seed=42 repeat=3\n"
      "  ld buf=abuf saddr=0x0 daddr=0x0 rows=2 row_bytes=8 stride=8\n"  // 1
      "\n"
      "tpre m=2 k=8 atype=int8 ewop=none tq=0 mk=1 taddr=0x0 saddr=0x0 # c\n"  // 2
      ".endlayer\n"
      "sync mask=4\n"                                            // 3
      ".layer name=\"second\" m=1 n=1 k=1 kp=8 core=mac atype=fp16 wbits=4 "
      "acct=fp32 ewop=gelu fused=1 tq=1 dist=3 a_addr=0 w_addr=0 z_addr=0 "
      "c_addr=0 seed=0 repeat=1  ; empty layer at the end\n";
  cbin_t p;
  coda_err_t e{};
  ASSERT_EQ(isa_asm_program(text, "tiny.s", &p, &e), CODA_OK) << e.msg;
  EXPECT_STREQ(p.arch_name, "lut_tc");
  EXPECT_STREQ(p.workload_name, "tiny A");
  EXPECT_EQ(p.dram_bytes, 0x10000u);
  EXPECT_EQ(p.flags, 0u);
  EXPECT_EQ(p.n_seg, 0u);
  ASSERT_EQ(p.n_insn, 4u);
  ASSERT_EQ(p.n_layer, 2u);
  EXPECT_STREQ(p.layer[0].name, "first");
  EXPECT_EQ(p.layer[0].first_insn, 1u);
  EXPECT_EQ(p.layer[0].n_insn, 2u);
  EXPECT_EQ(p.layer[0].repeat, 3u);
  EXPECT_EQ(p.layer[0].seed, 42u);
  EXPECT_EQ(p.layer[0].w_addr, 0x100u);
  EXPECT_EQ(p.layer[1].first_insn, 4u);
  EXPECT_EQ(p.layer[1].n_insn, 0u);
  EXPECT_EQ(p.layer[1].core, 1);  // ARCH_CORE_MAC
  EXPECT_EQ(p.layer[1].atype, ISA_ATYPE_FP16);
  EXPECT_EQ(p.layer[1].acct, ISA_ACC_FP32);
  EXPECT_EQ(p.layer[1].ewop, ISA_EW_GELU);
  EXPECT_EQ(p.layer[1].dist, 3);
  // sync mask=4 is opcode 0x01 with bit 10 set.
  EXPECT_EQ(p.insn[3].w[0], 0x401u);
  EXPECT_EQ(p.insn[3].w[1], 0u);
  std::string text2 = disasm(p);
  EXPECT_NE(text2.find(".endlayer\nsync mask=4\n"), std::string::npos) << text2;
  cbin_free(&p);
}

TEST(IsaAsm, ErrorsNameLineAndField) {
  const std::string L =
      ".layer name=a m=1 n=1 k=1 kp=8 core=lut atype=int8 wbits=2 acct=int32 "
      "ewop=none fused=0 tq=0 dist=0 a_addr=0 w_addr=0 z_addr=0 c_addr=0 seed=0";
  struct {
    std::string text, want;
  } cases[] = {
      {"sync mask=1\n\nsync mask=9\n", "p.s:3: sync: field 'mask': expected 0..7, got 9"},
      {".\"never closed\n", "p.s:1: unterminated string"},
      {".bogus 1\n", "p.s:1: '.bogus': expected .arch, .workload, .dram_bytes, .layer or .endlayer"},
      {".arch a\n.arch b\n", "p.s:2: .arch: given twice"},
      {".arch\n", "p.s:1: .arch: expected one NAME"},
      {".arch a b\n", "p.s:1: .arch: expected one NAME"},
      {".workload \"unterminated\n", "p.s:1: .workload: expected one NAME"},
      {".arch \"bad\\q\"\n", "p.s:1: .arch: bad escape"},
      {".arch \"nul\\x00\"\n", "p.s:1: .arch: \\x00 is not allowed"},
      {".arch " + std::string(64, 'a') + "\n", "p.s:1: .arch: longer than 63 bytes"},
      {".dram_bytes 0x10000000001\n", "p.s:1: .dram_bytes: expected 0..1099511627776"},
      {".dram_bytes lots\n", "p.s:1: .dram_bytes: expected 0.."},
      {L + "\n", "p.s:1: .layer: field 'repeat': expected, but missing"},
      {L + " repeat=1 repeat=2\n", "p.s:1: .layer: field 'repeat': expected once, given twice"},
      {L + " repeat=0\n", "p.s:1: .layer: field 'repeat': expected 1..4294967295, got 0"},
      {L + " repeat=1 first_insn=0\n", "p.s:1: .layer: field 'first_insn': expected one of name, m,"},
      {L + " repeat=1 pad2=0\n", "p.s:1: .layer: field 'pad2': expected one of"},
      {L + " repeat=1 bogus\n", "p.s:1: .layer: 'bogus': expected key=value"},
      {"\n" + L + " repeat=4294967296\n", "p.s:2: .layer: field 'repeat': expected 1..4294967295"},
      {L + " repeat=1 x=1\n", "p.s:1: .layer: field 'x': expected one of"},
      {".layer core=tpu\n", "p.s:1: .layer: field 'core': expected lut or mac, got 'tpu'"},
      {".layer atype=int4\n", "p.s:1: .layer: field 'atype': expected int8, int16, fp8 or fp16"},
      {".layer wbits=5\n", "p.s:1: .layer: field 'wbits': expected 1..4, got 5"},
      {".layer dist=4\n", "p.s:1: .layer: field 'dist': expected 0..3, got 4"},
      {".layer m=0x\n", "p.s:1: .layer: field 'm': expected a number"},
      {".layer name=\"a b\n", "p.s:1: .layer: unterminated string"},
      {".endlayer\n", "p.s:1: .endlayer: no layer is open"},
      {L + " repeat=1\n.endlayer extra\n", "p.s:2: .endlayer: expected nothing after it"},
      {"nop\n", "p.s:1: 'nop': expected a mnemonic"},
  };
  for (const auto &c : cases) {
    cbin_t p;
    coda_err_t e{};
    EXPECT_EQ(isa_asm_program(c.text.c_str(), "p.s", &p, &e), CODA_EINVAL) << c.text;
    EXPECT_EQ(std::string(e.msg).rfind(c.want, 0), 0u)
        << "text: " << c.text << "\n got: " << e.msg;
    EXPECT_EQ(std::strchr(e.msg, '\n'), nullptr);
    EXPECT_EQ(p.insn, nullptr);
    EXPECT_EQ(p.n_insn, 0u);
  }
}

TEST(IsaAsm, DataSegmentsAreDroppedWithAComment) {
  cbin_t p;
  std::memset(&p, 0, sizeof p);
  coda_err_t e{};
  p.flags = CBIN_F_DATA;
  p.dram_bytes = 4096;
  isa_word_t w = encode_ok(parse_ok("sync mask=1"));
  ASSERT_EQ(cbin_push_insn(&p, &w, &e), CODA_OK);
  ASSERT_EQ(cbin_push_seg(&p, 0, 100, (uint8_t *)std::calloc(100, 1), &e), CODA_OK);
  ASSERT_EQ(cbin_push_seg(&p, 1000, 28, (uint8_t *)std::calloc(28, 1), &e), CODA_OK);
  std::string text = disasm(p);
  EXPECT_NE(text.find("; 2 data segments (128 bytes) dropped"), std::string::npos) << text;
  cbin_t q;
  ASSERT_EQ(isa_asm_program(text.c_str(), "d.s", &q, &e), CODA_OK) << e.msg;
  EXPECT_EQ(q.n_seg, 0u);
  EXPECT_EQ(q.flags, 0u);  // no data, so not functional
  EXPECT_EQ(q.n_insn, 1u);
  EXPECT_EQ(q.dram_bytes, 4096u);
  cbin_free(&p);
  cbin_free(&q);
}

TEST(IsaAsm, DisasmRejectsWhatTextCannotSay) {
  std::mt19937_64 rng(5);
  cbin_t p;
  std::memset(&p, 0, sizeof p);
  coda_err_t e{};
  for (int i = 0; i < 10; i++) {
    isa_word_t w = encode_ok(random_insn(rng, ISA_OP_SYNC));
    ASSERT_EQ(cbin_push_insn(&p, &w, &e), CODA_OK);
  }
  cbin_layer_t a = random_layer(rng, "a"), b = random_layer(rng, "b");
  a.first_insn = 2;
  a.n_insn = 5;
  b.first_insn = 4;  // overlaps a
  b.n_insn = 1;
  ASSERT_EQ(cbin_push_layer(&p, &a, &e), CODA_OK);
  ASSERT_EQ(cbin_push_layer(&p, &b, &e), CODA_OK);
  disasm(p, CODA_EINVAL, &e);
  EXPECT_NE(std::string(e.msg).find("layer 1 starts before layer 0 ends"),
            std::string::npos)
      << e.msg;
  p.layer[1].first_insn = 8;
  p.layer[1].n_insn = 3;  // past the end
  disasm(p, CODA_EINVAL, &e);
  EXPECT_NE(std::string(e.msg).find("layer 1: instructions 8..11 lie past"),
            std::string::npos)
      << e.msg;
  p.layer[1].n_insn = 2;
  p.insn[9].w[1] = 1;  // reserved bit 64 of a sync
  disasm(p, CODA_EINVAL, &e);
  EXPECT_NE(std::string(e.msg).find("instruction 9: sync: reserved bit 64"),
            std::string::npos)
      << e.msg;
  cbin_free(&p);
}

// ---- .cbin ------------------------------------------------------------------------

// Offsets in the file, from the layout in isa/cbin.h and cbin.c.
constexpr size_t kHeader = 8 + 4 + 4 + 8 + 64 + 64 + 3 * 4;  // 164
constexpr size_t kOffVersion = 8, kOffFlags = 12, kOffDram = 16;
constexpr size_t kOffNInsn = 152, kOffNLayer = 156, kOffNSeg = 160;
constexpr size_t kLayerBytes = 144;

void put_le(std::string &s, size_t off, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) s[off + i] = (char)(v >> (8 * i));
}

void fix_crc(std::string &s) {
  uLong c = crc32(0, reinterpret_cast<const Bytef *>(s.data()), (uInt)(s.size() - 4));
  put_le(s, s.size() - 4, c, 4);
}

// The message of a read that must fail; checks the one-line convention.
std::string read_err(const std::string &img, const char *origin = "t.cbin") {
  cbin_t p;
  coda_err_t e{};
  int rc = cbin_read_mem(&p, reinterpret_cast<const uint8_t *>(img.data()), img.size(),
                         origin, &e);
  EXPECT_EQ(rc, CODA_EINVAL);
  EXPECT_EQ(p.insn, nullptr);
  EXPECT_EQ(p.layer, nullptr);
  EXPECT_EQ(p.seg, nullptr);
  EXPECT_EQ(std::strchr(e.msg, '\n'), nullptr) << e.msg;
  EXPECT_EQ(std::string(e.msg).rfind(std::string(origin) + ": ", 0), 0u) << e.msg;
  return e.msg;
}

// A small program with two layers and three segments, as a file image.
struct Sample {
  cbin_t p;
  std::string img;
  Sample() {
    std::mt19937_64 rng(31337);
    random_program(rng, &p, 9);
    coda_err_t e{};
    p.flags = CBIN_F_DATA;
    p.dram_bytes = 1 << 20;
    uint8_t *rnd = (uint8_t *)std::malloc(3000);
    for (int i = 0; i < 3000; i++) rnd[i] = (uint8_t)rng();
    EXPECT_EQ(cbin_push_seg(&p, 0x1000, 3000, rnd, &e), CODA_OK);
    EXPECT_EQ(cbin_push_seg(&p, 0x10000, 5000, (uint8_t *)std::calloc(5000, 1), &e), CODA_OK);
    EXPECT_EQ(cbin_push_seg(&p, (1 << 20), 0, nullptr, &e), CODA_OK);  // empty, at the end
    TmpDir d;
    EXPECT_EQ(cbin_write(&p, d.file("s.cbin").c_str(), &e), CODA_OK) << e.msg;
    img = slurp(d.file("s.cbin"));
  }
  ~Sample() { cbin_free(&p); }
  size_t layers_at() const { return kHeader + 16 * p.n_insn; }
  size_t segs_at() const { return layers_at() + kLayerBytes * p.n_layer; }
};

TEST(IsaCbin, WriteReadRoundTrip) {
  Sample s;
  TmpDir d;
  std::string path = d.file("rt.cbin");
  spit(path, s.img);
  cbin_t q;
  coda_err_t e{};
  ASSERT_EQ(cbin_read(&q, path.c_str(), &e), CODA_OK) << e.msg;
  expect_same_program(s.p, q, true);
  // Writing what was read gives the same bytes.
  std::string path2 = d.file("rt2.cbin");
  ASSERT_EQ(cbin_write(&q, path2.c_str(), &e), CODA_OK) << e.msg;
  EXPECT_TRUE(slurp(path2) == s.img);
  cbin_free(&q);
  EXPECT_EQ(q.insn, nullptr);
  EXPECT_EQ(q.n_seg, 0u);
}

TEST(IsaCbin, FileLayoutMatchesTheHeader) {
  Sample s;
  EXPECT_EQ(s.img.substr(0, 8), "CODABIN1");
  uint32_t total = 0;
  for (unsigned j = 0; j < cbin_n_layer_fields; j++) total += cbin_layer_fields[j].size;
  EXPECT_EQ(total, kLayerBytes);
  EXPECT_EQ((size_t)CBIN_LAYER_BYTES, kLayerBytes);
  auto le = [&](size_t off, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)(uint8_t)s.img[off + i] << (8 * i);
    return v;
  };
  EXPECT_EQ(le(kOffVersion, 4), (uint64_t)CBIN_VERSION);
  EXPECT_EQ(le(kOffFlags, 4), (uint64_t)CBIN_F_DATA);
  EXPECT_EQ(le(kOffDram, 8), 1u << 20);
  EXPECT_EQ(le(kOffNInsn, 4), s.p.n_insn);
  EXPECT_EQ(le(kOffNLayer, 4), s.p.n_layer);
  EXPECT_EQ(le(kOffNSeg, 4), 3u);
  EXPECT_EQ(le(kHeader, 8), s.p.insn[0].w[0]);
  EXPECT_EQ(le(kHeader + 8, 8), s.p.insn[0].w[1]);
  // Layer 0: first_insn at +64, repeat at +136.
  EXPECT_EQ(le(s.layers_at() + 64, 4), s.p.layer[0].first_insn);
  EXPECT_EQ(le(s.layers_at() + 136, 4), s.p.layer[0].repeat);
  EXPECT_EQ(le(s.layers_at() + 128, 8), s.p.layer[0].seed);
  // Segment 0 header, then its zlib data.
  EXPECT_EQ(le(s.segs_at(), 8), 0x1000u);
  EXPECT_EQ(le(s.segs_at() + 8, 8), 3000u);
  uint64_t z0 = le(s.segs_at() + 16, 8);
  std::vector<uint8_t> raw(3000);
  uLongf n = 3000;
  ASSERT_EQ(uncompress(raw.data(), &n, (const Bytef *)s.img.data() + s.segs_at() + 24, z0),
            Z_OK);
  EXPECT_EQ(0, std::memcmp(raw.data(), s.p.seg[0].data, 3000));
  // CRC of everything before it.
  uLong c = crc32(0, (const Bytef *)s.img.data(), (uInt)(s.img.size() - 4));
  EXPECT_EQ(le(s.img.size() - 4, 4), c);
}

TEST(IsaCbin, BadMagic) {
  Sample s;
  std::string img = s.img;
  img[3] = 'X';
  EXPECT_EQ(read_err(img), "t.cbin: bad magic (not a .cbin file)");
  EXPECT_EQ(read_err("hello"), "t.cbin: bad magic (not a .cbin file)");
  TmpDir d;
  std::string path = d.file("text.cbin");
  spit(path, "not a program at all, just some text\n");
  cbin_t p;
  coda_err_t e{};
  EXPECT_EQ(cbin_read(&p, path.c_str(), &e), CODA_EINVAL);
  EXPECT_EQ(std::string(e.msg), path + ": bad magic (not a .cbin file)");
}

TEST(IsaCbin, TruncatedAtEveryOffset) {
  Sample s;
  for (size_t n = 0; n < s.img.size(); n++) {
    std::string msg = read_err(s.img.substr(0, n));
    EXPECT_NE(msg.find("truncated: "), std::string::npos) << n << ": " << msg;
    if (HasFailure()) return;
  }
  // Instruction 3 cut 4 bytes in: 12 of its bytes are missing.
  EXPECT_EQ(read_err(s.img.substr(0, kHeader + 16 * 3 + 4)),
            "t.cbin: truncated: 12 bytes of instruction 3 missing (of 9)");
  EXPECT_EQ(read_err(s.img.substr(0, s.img.size() - 1)),
            "t.cbin: truncated: 1 bytes of the CRC missing");
  EXPECT_EQ(read_err(s.img.substr(0, 100)),
            "t.cbin: truncated: 64 bytes of the header missing");
}

TEST(IsaCbin, FlippedByteIsCaught) {
  Sample s;
  for (size_t i = 0; i < s.img.size(); i++) {
    for (int bit : {0, 7}) {
      std::string img = s.img;
      img[i] ^= (char)(1 << bit);
      std::string msg = read_err(img);
      // Inside instruction words, layer records and segment data nothing but
      // the CRC can tell.
      if (i >= kHeader && i < s.segs_at()) {
        EXPECT_NE(msg.find("CRC mismatch"), std::string::npos) << i << ": " << msg;
      }
      if (HasFailure()) return;
    }
  }
}

TEST(IsaCbin, HostileCountsAndLengths) {
  Sample s;
  std::string img;
  // Counts past the limits: refused before anything is allocated.
  img = s.img;
  put_le(img, kOffNInsn, 0xffffffffu, 4);
  EXPECT_EQ(read_err(img), "t.cbin: n_insn 4294967295 exceeds the limit 268435456");
  img = s.img;
  put_le(img, kOffNLayer, CBIN_MAX_LAYER + 1, 4);
  EXPECT_NE(read_err(img).find("n_layer 1048577 exceeds the limit"), std::string::npos);
  img = s.img;
  put_le(img, kOffNSeg, 0xffffffffu, 4);
  EXPECT_NE(read_err(img).find("n_seg 4294967295 exceeds"), std::string::npos);
  // Counts inside the limits but larger than the file.
  img = s.img;
  put_le(img, kOffNInsn, CBIN_MAX_INSN, 4);
  EXPECT_NE(read_err(img).find("truncated: "), std::string::npos);
  img = s.img;
  put_le(img, kOffNSeg, CBIN_MAX_SEG, 4);
  EXPECT_NE(read_err(img).find("bytes of segment header"), std::string::npos);
  img = s.img;
  put_le(img, s.segs_at() + 16, UINT64_MAX, 8);  // zbytes
  EXPECT_NE(read_err(img).find("bytes of segment 0 data missing"), std::string::npos);
  // A 2^39-byte segment claimed by a few KB of zlib data (CRC made valid).
  img = s.img;
  put_le(img, kOffDram, CBIN_MAX_DRAM_BYTES, 8);
  put_le(img, s.segs_at() + 8, 1ull << 39, 8);
  fix_crc(img);
  EXPECT_NE(read_err(img).find("segment 0: 549755813888 bytes cannot come from"),
            std::string::npos);
  img = s.img;
  put_le(img, kOffDram, CBIN_MAX_DRAM_BYTES + 1, 8);
  fix_crc(img);
  EXPECT_NE(read_err(img).find("dram_bytes 1099511627777 exceeds"), std::string::npos);
}

TEST(IsaCbin, MeaningIsChecked) {
  Sample s;
  std::string img;
  // Each case is a consistent file (valid CRC) that says something wrong.
  img = s.img;
  put_le(img, kOffVersion, 2, 4);
  EXPECT_EQ(read_err(img), "t.cbin: version 2, expected 1");
  img = s.img;
  put_le(img, kOffFlags, 6, 4);
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: unknown flags 0x6");
  img = s.img;
  put_le(img, kOffDram, 0x10000, 8);  // segment 1 sits at 0x10000
  fix_crc(img);
  EXPECT_EQ(read_err(img).rfind("t.cbin: segment 1 ends past dram_bytes", 0), 0u);
  img = s.img;
  put_le(img, kHeader + 16 * 2, 0x701, 8);  // sync mask=7 ...
  put_le(img, kHeader + 16 * 2 + 8, 1, 8);  // ... with reserved bit 64 set
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: instruction 2: sync: reserved bit 64 is set");
  img = s.img;
  img[kHeader + 16 * 4] = (char)0xee;  // unassigned opcode
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: instruction 4: isa: unknown opcode 0xee");
  img = s.img;
  img[s.layers_at() + 90] = 9;  // wbits
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: layer 0: wbits 9: expected 1..4");
  img = s.img;
  put_le(img, s.layers_at() + 64, 9, 4);  // first_insn
  put_le(img, s.layers_at() + 68, 1, 4);  // n_insn: 9 + 1 > 9
  fix_crc(img);
  EXPECT_NE(read_err(img).find("layer 0: instructions 9..10 lie past"), std::string::npos);
  img = s.img;
  std::memset(&img[s.layers_at()], 'n', 64);  // name without a NUL
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: layer 0 name is not NUL-terminated");
  img = s.img;
  std::memset(&img[24], 'a', 64);  // arch_name without a NUL
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: arch_name is not NUL-terminated");
  // Segment 0 claims one byte more / less than its data inflates to.
  img = s.img;
  put_le(img, s.segs_at() + 8, 3001, 8);
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: segment 0 inflates to 3000 bytes, expected 3001");
  img = s.img;
  put_le(img, s.segs_at() + 8, 2999, 8);
  fix_crc(img);
  EXPECT_EQ(read_err(img), "t.cbin: segment 0 inflates to more than 2999 bytes");
  // Garbage in the zlib stream.
  img = s.img;
  img[s.segs_at() + 24] ^= 0x55;
  fix_crc(img);
  EXPECT_NE(read_err(img).find("segment 0: corrupt zlib data"), std::string::npos);
  // Bytes after the CRC.
  img = s.img + "x";
  EXPECT_EQ(read_err(img), "t.cbin: 1 bytes of garbage after the CRC");
}

TEST(IsaCbin, WriterRefusesWhatReaderWouldReject) {
  Sample s;
  TmpDir d;
  std::string path = d.file("bad.cbin");
  coda_err_t e{};
  uint64_t keep = s.p.insn[1].w[0];
  s.p.insn[1].w[0] = (keep & ~0xffull) | 0xee;  // unassigned opcode
  EXPECT_EQ(cbin_write(&s.p, path.c_str(), &e), CODA_EINVAL);
  EXPECT_EQ(std::string(e.msg), path + ": instruction 1: isa: unknown opcode 0xee");
  EXPECT_FALSE(fs::exists(path));
  s.p.insn[1].w[0] = keep;
  s.p.seg[0].addr = s.p.dram_bytes;  // 3000 bytes past the end
  EXPECT_EQ(cbin_write(&s.p, path.c_str(), &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("segment 0 ends past dram_bytes"), std::string::npos);
  EXPECT_FALSE(fs::exists(path));
}

TEST(IsaCbin, MissingFileIsAnIoError) {
  TmpDir d;
  std::string path = d.file("nope.cbin");
  cbin_t p;
  coda_err_t e{};
  EXPECT_EQ(cbin_read(&p, path.c_str(), &e), CODA_EIO);
  EXPECT_EQ(std::string(e.msg).rfind(path + ": cannot open", 0), 0u) << e.msg;
  cbin_t q;
  std::memset(&q, 0, sizeof q);
  EXPECT_EQ(cbin_write(&q, (d.file("no/such/dir.cbin")).c_str(), &e), CODA_EIO);
}

TEST(IsaCbin, PushGrowsForeignArrays) {
  // An array allocated by someone else, exactly full: push must still grow it.
  cbin_t p;
  std::memset(&p, 0, sizeof p);
  coda_err_t e{};
  p.n_insn = 3;
  p.insn = (isa_word_t *)std::malloc(3 * sizeof(isa_word_t));
  for (uint32_t i = 0; i < 3; i++) p.insn[i] = isa_word_t{{ISA_OPC_SYNC, 0}};
  for (uint32_t i = 0; i < 5000; i++) {
    isa_word_t w = {{ISA_OPC_SYNC | ((uint64_t)(i % 8) << 8), 0}};
    ASSERT_EQ(cbin_push_insn(&p, &w, &e), CODA_OK);
  }
  EXPECT_EQ(p.n_insn, 5003u);
  EXPECT_EQ(p.insn[5002].w[0], ISA_OPC_SYNC | (4999ull % 8) << 8);
  cbin_free(&p);
}

}  // namespace
