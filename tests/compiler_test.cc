// compiler_test.cc: the compiler: workload parsing and model expansion, the
// weight re-layout, the tiler, the code generator and the program checker.
// Expected values come from the published model dimensions, machine.md's
// definitions (decoded here by independent loops) and closed-form bounds,
// never from the compiler's own output. The golden tests run compiled
// programs on the device and compare with the reference GEMM.
#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/shim/compiler_shim.h"

namespace {

std::string root() { return getenv("CODA_ROOT") ? getenv("CODA_ROOT") : "."; }

// A scratch directory, removed with its files at the end of the test.
class TempDir {
 public:
  TempDir() {
    const char *t = getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/coda_compiler_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    if (mkdtemp(buf.data())) path_ = buf.data();
  }
  ~TempDir() {
    for (const auto &f : files_) unlink(f.c_str());
    if (!path_.empty()) rmdir(path_.c_str());
  }
  const std::string &path() const { return path_; }
  std::string write(const std::string &name, const std::string &text) {
    std::string p = path_ + "/" + name;
    FILE *f = fopen(p.c_str(), "w");
    if (f) {
      fputs(text.c_str(), f);
      fclose(f);
    }
    if (std::find(files_.begin(), files_.end(), p) == files_.end()) files_.push_back(p);
    return p;
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

std::vector<std::string> json_files(const std::string &dir) {
  std::vector<std::string> out;
  DIR *d = opendir(dir.c_str());
  if (!d) return out;
  while (struct dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0) out.push_back(dir + "/" + n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

const wl_gemm_t *find_gemm(const workload_t &w, const char *name) {
  for (uint32_t i = 0; i < w.n_gemm; i++)
    if (!strcmp(w.gemm[i].name, name)) return &w.gemm[i];
  return nullptr;
}

// s with the first `from` replaced by `to`.
std::string sub(std::string s, const std::string &from, const std::string &to) {
  size_t i = s.find(from);
  if (i != std::string::npos) s.replace(i, from.size(), to);
  return s;
}

uint64_t rup(uint64_t a, uint64_t b) { return (a + b - 1) / b * b; }
uint32_t lcm8(uint32_t K) {
  uint32_t l = K;
  while (l % 8) l += K;
  return l;
}
int asize(int atype) { return (atype == ISA_ATYPE_INT16 || atype == ISA_ATYPE_FP16) ? 2 : 1; }
bool is_fp(int atype) { return atype == ISA_ATYPE_FP8 || atype == ISA_ATYPE_FP16; }

// Table block bytes from machine.md's table of entry types.
uint64_t table_block(uint32_t K, int atype, int tq) {
  uint64_t E = 1ull << (K - 1);
  uint64_t eb = is_fp(atype) ? (tq ? 1 : 2) : (atype == ISA_ATYPE_INT16 ? 4 : 2);
  return E * eb + (tq ? 4 : 0);
}

// A random valid config (or false if the draw does not validate).
bool random_cfg(std::mt19937_64 &rng, arch_cfg_t *cfg) {
  arch_cfg_defaults(cfg);
  auto pick = [&](std::initializer_list<uint64_t> v) {
    return *(v.begin() + rng() % v.size());
  };
  cfg->core_type = rng() % 2;
  cfg->core_m = pick({1, 2, 3, 4, 8, 16});
  cfg->core_n = pick({1, 3, 16, 32, 64, 128});
  cfg->core_k = 1 + rng() % 8;
  cfg->core_table_quant = rng() % 2;
  cfg->core_acc_fp = rng() % 2;
  cfg->buffers_abuf_bytes = pick({1024, 4096, 65536, 262144});
  cfg->buffers_wbuf_bytes = pick({4096, 8192, 131072});
  cfg->buffers_tbuf_bytes = pick({2048, 8192, 65536});
  cfg->buffers_cbuf_bytes = pick({4096, 16384, 65536});
  cfg->memory_latency_cycles = pick({1, 100});
  coda_err_t err;
  return arch_cfg_validate(cfg, "random", &err) == CODA_OK;
}

wl_gemm_t random_gemm(std::mt19937_64 &rng, uint32_t maxdim) {
  wl_gemm_t g;
  memset(&g, 0, sizeof g);
  snprintf(g.name, sizeof g.name, "g");
  g.m = 1 + rng() % maxdim;
  g.n = 1 + rng() % maxdim;
  g.k = 1 + rng() % maxdim;
  g.wbits = 1 + rng() % 4;
  g.atype = rng() % 4;
  g.ewop = rng() % ISA_EW_COUNT;
  g.repeat = 1;
  return g;
}

// ---- workloads ----------------------------------------------------------------

TEST(UnitWorkload, ParsesEveryShippedWorkload) {
  auto files = json_files(root() + "/workloads");
  ASSERT_GE(files.size(), 7u) << "no workloads under " << root();
  for (const auto &f : files) {
    workload_t w;
    coda_err_t err;
    ASSERT_EQ(workload_load(&w, f.c_str(), &err), CODA_OK) << f << ": " << err.msg;
    EXPECT_GT(w.n_gemm, 0u) << f;
    for (uint32_t i = 0; i < w.n_gemm; i++) {
      const wl_gemm_t &g = w.gemm[i];
      EXPECT_TRUE(g.m >= 1 && g.n >= 1 && g.k >= 1 && g.wbits >= 1 && g.wbits <= 4) << f;
      EXPECT_GE(g.repeat, 1u) << f;
    }
    workload_free(&w);
  }
}

TEST(UnitWorkload, ParsesEveryShippedModel) {
  auto models = json_files(root() + "/workloads/models");
  ASSERT_GE(models.size(), 5u);
  TempDir t;
  for (const auto &m : models) {
    std::string wl = t.write("w.json", "{\"name\": \"t\", \"model\": \"" + m +
                                           "\", \"phase\": \"both\", \"batch\": 2, "
                                           "\"seq_len\": 16, \"wbits\": 3, \"atype\": \"fp16\"}");
    workload_t w;
    coda_err_t err;
    ASSERT_EQ(workload_load(&w, wl.c_str(), &err), CODA_OK) << m << ": " << err.msg;
    ASSERT_EQ(w.n_gemm, 8u) << m;  // 4 weight GEMMs x 2 phases
    for (uint32_t i = 0; i < 4; i++) {
      EXPECT_EQ(w.gemm[i].m, 32u) << m;     // batch * seq_len
      EXPECT_EQ(w.gemm[i + 4].m, 2u) << m;  // batch
      EXPECT_STREQ(w.gemm[i].phase, "prefill");
      EXPECT_STREQ(w.gemm[i + 4].phase, "decode");
      EXPECT_EQ(w.gemm[i].atype, ISA_ATYPE_FP16);
      EXPECT_EQ(w.gemm[i].wbits, 3);
    }
    workload_free(&w);
  }
}

// LLaMA-2 70B (Touvron et al. 2023, Table 1 and the released config):
// d_model 8192, 64 heads, 8 KV heads (GQA), FFN 28672, 80 blocks.
TEST(UnitWorkload, Llama70bExpansionFromPublishedDims) {
  const uint32_t d = 8192, heads = 64, kv = 8, ffn = 28672, blocks = 80;
  const uint32_t head_dim = d / heads;          // 128
  const uint32_t qkv_n = d + 2 * kv * head_dim;  // 8192 + 2*1024 = 10240
  ASSERT_EQ(qkv_n, 10240u);
  const char *files[2] = {"llama2_70b_prefill.json", "llama2_70b_decode.json"};
  const uint32_t ms[2] = {2048, 1};  // prefill: batch*seq_len; decode: batch
  const char *ph[2] = {"prefill", "decode"};
  for (int f = 0; f < 2; f++) {
    workload_t w;
    coda_err_t err;
    std::string path = root() + "/workloads/" + files[f];
    ASSERT_EQ(workload_load(&w, path.c_str(), &err), CODA_OK) << err.msg;
    ASSERT_EQ(w.n_gemm, 4u);
    struct {
      const char *name;
      uint32_t n, k;
      int ewop;
    } want[4] = {{"qkv", qkv_n, d, ISA_EW_RMSNORM},
                 {"o_proj", d, d, ISA_EW_NONE},
                 {"ffn_up", 2 * ffn, d, ISA_EW_RMSNORM},
                 {"ffn_down", d, ffn, ISA_EW_SILU}};
    for (int i = 0; i < 4; i++) {
      std::string name = std::string(want[i].name) + "." + ph[f];
      const wl_gemm_t *g = find_gemm(w, name.c_str());
      ASSERT_NE(g, nullptr) << name;
      EXPECT_EQ(g->m, ms[f]) << name;
      EXPECT_EQ(g->n, want[i].n) << name;
      EXPECT_EQ(g->k, want[i].k) << name;
      EXPECT_EQ(g->ewop, want[i].ewop) << name;
      EXPECT_EQ(g->repeat, blocks) << name;
      EXPECT_EQ(g->wbits, 2);
      EXPECT_EQ(g->atype, ISA_ATYPE_INT8);
    }
    workload_free(&w);
  }
}

// OPT-175B (Zhang et al. 2022, Table 1): d_model 12288, 96 heads, FFN
// 4*d_model with ReLU, pre-LayerNorm, 96 blocks.
TEST(UnitWorkload, OptExpansionUsesFc1Fc2ReluLayerNorm) {
  workload_t w;
  coda_err_t err;
  std::string path = root() + "/workloads/opt175b_decode.json";
  ASSERT_EQ(workload_load(&w, path.c_str(), &err), CODA_OK) << err.msg;
  ASSERT_EQ(w.n_gemm, 4u);
  const wl_gemm_t *qkv = find_gemm(w, "qkv.decode"), *fc1 = find_gemm(w, "fc1.decode");
  const wl_gemm_t *fc2 = find_gemm(w, "fc2.decode"), *o = find_gemm(w, "o_proj.decode");
  ASSERT_TRUE(qkv && fc1 && fc2 && o);
  EXPECT_EQ(qkv->n, 3u * 12288);
  EXPECT_EQ(qkv->ewop, ISA_EW_LAYERNORM);
  EXPECT_EQ(o->ewop, ISA_EW_NONE);
  EXPECT_EQ(fc1->n, 4u * 12288);
  EXPECT_EQ(fc1->k, 12288u);
  EXPECT_EQ(fc1->ewop, ISA_EW_LAYERNORM);
  EXPECT_EQ(fc2->n, 12288u);
  EXPECT_EQ(fc2->k, 4u * 12288);
  EXPECT_EQ(fc2->ewop, ISA_EW_RELU);
  EXPECT_EQ(fc2->repeat, 96u);
  workload_free(&w);
}

// BitNet b1.58 3B (Ma et al. 2024; 1bitLLM/bitnet_b1_58-3B config): d 3200,
// 32 heads, FFN 8640 SwiGLU, 26 blocks; decode at batch 1.
TEST(UnitWorkload, BitnetDecodeShapes) {
  workload_t w;
  coda_err_t err;
  std::string path = root() + "/workloads/bitnet_3b_decode.json";
  ASSERT_EQ(workload_load(&w, path.c_str(), &err), CODA_OK) << err.msg;
  ASSERT_EQ(w.n_gemm, 4u);
  const wl_gemm_t *up = find_gemm(w, "ffn_up.decode"), *qkv = find_gemm(w, "qkv.decode");
  ASSERT_TRUE(up && qkv);
  EXPECT_EQ(qkv->n, 3u * 3200);
  EXPECT_EQ(up->n, 2u * 8640);
  EXPECT_EQ(up->m, 1u);
  EXPECT_EQ(up->repeat, 26u);
  EXPECT_EQ(up->wbits, 2);
  workload_free(&w);
}

TEST(UnitWorkload, LayersOneMeansRepeatOne) {
  workload_t w;
  coda_err_t err;
  std::string path = root() + "/workloads/llama2_7b_layer.json";
  ASSERT_EQ(workload_load(&w, path.c_str(), &err), CODA_OK) << err.msg;
  ASSERT_EQ(w.n_gemm, 8u);
  for (uint32_t i = 0; i < w.n_gemm; i++) EXPECT_EQ(w.gemm[i].repeat, 1u);
  const wl_gemm_t *g = find_gemm(w, "qkv.prefill");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->m, 128u);
  EXPECT_EQ(g->n, 3u * 4096);
  workload_free(&w);
}

TEST(UnitWorkload, ExplicitDefaults) {
  TempDir t;
  std::string p = t.write("e.json",
                          "{\"name\": \"e\", \"layers\": [{\"name\": \"a\", \"m\": 3, \"n\": 5, "
                          "\"k\": 7, \"wbits\": 4, \"atype\": \"fp8\"}]}");
  workload_t w;
  coda_err_t err;
  ASSERT_EQ(workload_load(&w, p.c_str(), &err), CODA_OK) << err.msg;
  ASSERT_EQ(w.n_gemm, 1u);
  EXPECT_EQ(w.gemm[0].ewop, ISA_EW_NONE);
  EXPECT_EQ(w.gemm[0].repeat, 1u);
  EXPECT_EQ(w.gemm[0].atype, ISA_ATYPE_FP8);
  EXPECT_STREQ(w.gemm[0].phase, "");
  EXPECT_STREQ(w.name, "e");
  workload_free(&w);
}

TEST(UnitWorkload, FromGemm) {
  workload_t w;
  coda_err_t err;
  ASSERT_EQ(workload_from_gemm(&w, 4, 8, 16, 2, ISA_ATYPE_INT8, ISA_EW_SILU, &err), CODA_OK);
  ASSERT_EQ(w.n_gemm, 1u);
  EXPECT_EQ(w.gemm[0].m, 4u);
  EXPECT_EQ(w.gemm[0].ewop, ISA_EW_SILU);
  workload_free(&w);
  EXPECT_EQ(workload_from_gemm(&w, 0, 8, 16, 2, 0, 0, &err), CODA_EINVAL);
  EXPECT_NE(strstr(err.msg, "m"), nullptr);
  EXPECT_EQ(workload_from_gemm(&w, 4, 8, 16, 5, 0, 0, &err), CODA_EINVAL);
  EXPECT_NE(strstr(err.msg, "wbits"), nullptr);
  EXPECT_EQ(workload_from_gemm(&w, 4, 8, 2000000, 2, 0, 0, &err), CODA_EINVAL);
  EXPECT_EQ(workload_from_gemm(&w, 4, 8, 16, 2, ISA_ATYPE_COUNT, 0, &err), CODA_EINVAL);
}

// Each malformed file fails with CODA_EINVAL and a message naming the file
// and the field (or line:column for a JSON syntax error).
TEST(UnitWorkload, MalformedFilesNameFileAndField) {
  TempDir t;
  const std::string L = "{\"name\": \"a\", \"m\": 4, \"n\": 8, \"k\": 16, \"wbits\": 2, "
                        "\"atype\": \"int8\"";
  auto expl = [&](const std::string &layer) {
    return "{\"name\": \"w\", \"layers\": [" + layer + "]}";
  };
  std::string good_model = t.write(
      "m.json", "{\"name\": \"m\", \"source\": \"test\", \"d_model\": 64, \"n_heads\": 4, "
                "\"n_kv_heads\": 2, \"d_ffn\": 96, \"n_layers\": 3, \"ffn\": \"swiglu\", "
                "\"norm\": \"rmsnorm\"}");
  (void)good_model;
  t.write("bad_heads.json",
          "{\"name\": \"m\", \"source\": \"test\", \"d_model\": 64, \"n_heads\": 5, "
          "\"n_kv_heads\": 1, \"d_ffn\": 96, \"n_layers\": 3, \"ffn\": \"swiglu\", "
          "\"norm\": \"rmsnorm\"}");
  auto model = [&](const std::string &file, const std::string &extra) {
    return "{\"name\": \"w\", \"model\": \"" + file +
           "\", \"phase\": \"decode\", \"batch\": 1, \"wbits\": 2, \"atype\": \"int8\"" + extra +
           "}";
  };
  struct Case {
    const char *file;   // the workload written
    std::string text;
    const char *field;  // must appear in the message
    const char *named;  // the file the message must name (the workload unless given)
  } cases[] = {
      {"syntax.json", "{\"name\": \"w\", \"layers\": [}", "syntax.json:1:", nullptr},
      {"dupkey.json", "{\"name\": \"w\", \"name\": \"v\", \"layers\": []}", "dupkey.json:1:",
       nullptr},
      {"toplevel.json", "[1, 2]", "top level", nullptr},
      {"unknown.json", "{\"name\": \"w\", \"layers\": [" + L + "}], \"colour\": 1}", "colour",
       nullptr},
      {"empty.json", "{\"name\": \"w\", \"layers\": []}", "layers", nullptr},
      {"nolayers.json", "{\"name\": \"w\"}", "layers", nullptr},
      {"noname.json", "{\"layers\": [" + L + "}]}", "name", nullptr},
      {"m0.json", sub(expl(L + ", \"m\": 0}"), "\"m\": 4, ", ""), "layers[0].m", nullptr},
      {"nneg.json", sub(expl(L + "}"), "\"n\": 8", "\"n\": -8"), "layers[0].n", nullptr},
      {"kbig.json", sub(expl(L + "}"), "\"k\": 16", "\"k\": 1048577"), "layers[0].k", nullptr},
      {"kstr.json", sub(expl(L + "}"), "\"k\": 16", "\"k\": \"16\""), "layers[0].k", nullptr},
      {"kreal.json", sub(expl(L + "}"), "\"k\": 16", "\"k\": 16.5"), "layers[0].k", nullptr},
      {"wbits.json", sub(expl(L + "}"), "\"wbits\": 2", "\"wbits\": 5"), "layers[0].wbits",
       nullptr},
      {"atype.json", sub(expl(L + "}"), "int8", "int4"), "layers[0].atype", nullptr},
      {"ewop.json", expl(L + ", \"ewop\": \"tanh\"}"), "layers[0].ewop", nullptr},
      {"repeat0.json", expl(L + ", \"repeat\": 0}"), "layers[0].repeat", nullptr},
      {"lkey.json", expl(L + ", \"bias\": true}"), "layers[0].bias", nullptr},
      {"lname.json", sub(expl(L + "}"), "\"a\"", "\"a b\""), "layers[0].name", nullptr},
      {"lobj.json", expl("42"), "layers[0]", nullptr},
      {"nok.json", expl("{\"name\": \"a\", \"m\": 4, \"n\": 8, \"wbits\": 2, \"atype\": \"int8\"}"),
       "layers[0].k", nullptr},
      {"dupname.json", expl(L + "}, " + L + "}"), "layers[1].name", nullptr},
      {"overflow.json",
       expl("{\"name\": \"a\", \"m\": 1048576, \"n\": 1048576, \"k\": 1048576, \"wbits\": 2, "
            "\"atype\": \"int8\", \"repeat\": 1048576}"),
       "layers[0].repeat", nullptr},
      {"nomodel.json", model("missing.json", ""), "model", nullptr},
      {"selfloop.json", model("selfloop.json", ""), "model", nullptr},
      {"phase.json", sub(model("m.json", ""), "decode", "training"), "phase", nullptr},
      {"batch0.json", sub(model("m.json", ""), "\"batch\": 1", "\"batch\": 0"), "batch", nullptr},
      {"seqlen.json",
       sub(sub(model("m.json", ", \"seq_len\": 2048"), "decode", "prefill"), "\"batch\": 1",
           "\"batch\": 1024"),
       "seq_len", nullptr},
      {"noseq.json", sub(model("m.json", ""), "decode", "prefill"), "seq_len", nullptr},
      {"layersval.json", model("m.json", ", \"layers\": \"some\""), "layers", nullptr},
      {"mkey.json", model("m.json", ", \"tp\": 8"), "tp", nullptr},
      {"heads.json", model("bad_heads.json", ""), "n_heads", "bad_heads.json"},
      {"descloop.json", model("descloop2.json", ""), "model", "descloop2.json"},
  };
  // a workload used as a model descriptor: the descriptor names another file
  t.write("descloop2.json", model("descloop.json", ""));
  int n = 0;
  for (const auto &c : cases) {
    std::string p = t.write(c.file, c.text);
    workload_t w;
    coda_err_t err;
    memset(&err, 0, sizeof err);
    int rc = workload_load(&w, p.c_str(), &err);
    EXPECT_EQ(rc, CODA_EINVAL) << c.file;
    const char *named = c.named ? c.named : c.file;
    EXPECT_NE(strstr(err.msg, (t.path() + "/" + named).c_str()), nullptr) << c.file << ": "
                                                                            << err.msg;
    EXPECT_NE(strstr(err.msg, c.field), nullptr) << c.file << " should name " << c.field << ": "
                                                 << err.msg;
    EXPECT_EQ(w.n_gemm, 0u);
    EXPECT_EQ(w.gemm, nullptr);
    n++;
  }
  EXPECT_GE(n, 12);
  // a file that does not exist
  workload_t w;
  coda_err_t err;
  std::string nf = t.path() + "/nope.json";
  EXPECT_EQ(workload_load(&w, nf.c_str(), &err), CODA_EINVAL);
  EXPECT_NE(strstr(err.msg, "nope.json"), nullptr) << err.msg;
}

// ---- weight re-layout ------------------------------------------------------------

int bit_at(const uint8_t *row, uint64_t bit) { return (row[bit >> 3] >> (bit & 7)) & 1; }

// Decodes the LUT bit-planes with machine.md's LMMA rule and checks the
// symmetrized sum against sum_k a * q' and the fin step against sum a (q - z).
TEST(UnitRelayout, LutPlanesReproduceSymmetrizedSums) {
  std::mt19937_64 rng(7);
  for (int it = 0; it < 200; it++) {
    uint32_t K = 1 + rng() % 8, W = 1 + rng() % 4;
    uint32_t n = 1 + rng() % 9, k = 1 + rng() % 70;
    uint32_t kp = (uint32_t)rup(k, lcm8(K));
    std::vector<uint8_t> q((size_t)n * k), z(n);
    for (auto &v : q) v = (uint8_t)(rng() % (1u << W));
    for (auto &v : z) v = (uint8_t)(rng() % (1u << W));
    std::vector<uint8_t> out(relayout_bytes(n, kp, (int)W));
    std::vector<int8_t> zp(n);
    coda_err_t err;
    ASSERT_EQ(relayout_weights(ARCH_CORE_LUT, K, q.data(), n, k, kp, (int)W, out.data(), &err),
              CODA_OK);
    relayout_zero_points(ARCH_CORE_LUT, z.data(), n, (int)W, zp.data());
    ASSERT_EQ(out.size(), (size_t)n * W * kp / 8);
    std::vector<int64_t> a(kp, 0);  // zero activations in the K padding
    for (uint32_t j = 0; j < k; j++) a[j] = (int64_t)(rng() % 256) - 128;
    uint32_t E = 1u << (K - 1);
    for (uint32_t r = 0; r < n; r++) {
      int64_t acc = 0, rowsum = 0;
      for (uint32_t g = 0; g < kp / K; g++) {
        std::vector<int64_t> T(E);
        for (uint32_t i = 0; i < E; i++) {
          T[i] = a[g * K + K - 1];
          for (uint32_t j = 0; j + 1 < K; j++)
            T[i] += ((i >> j) & 1) ? a[g * K + j] : -a[g * K + j];
        }
        for (uint32_t b = 0; b < W; b++) {
          const uint8_t *row = out.data() + ((size_t)r * W + b) * (kp / 8);
          int sign = bit_at(row, (uint64_t)g * K + K - 1);
          uint32_t idx = 0;
          for (uint32_t j = 0; j + 1 < K; j++)
            idx |= (uint32_t)bit_at(row, (uint64_t)g * K + j) << j;
          acc += (int64_t(1) << b) * (sign ? T[idx] : -T[idx]);
        }
        rowsum += T[E - 1];
      }
      int64_t want_q = 0, want = 0;
      for (uint32_t j = 0; j < k; j++) {
        int64_t qq = q[(size_t)r * k + j];
        want_q += a[j] * (2 * qq - ((1 << W) - 1));
        want += a[j] * (qq - z[r]);
      }
      ASSERT_EQ(acc, want_q) << "K" << K << " W" << W << " row " << r;
      EXPECT_EQ(zp[r], 2 * z[r] + 1 - (1 << W));
      int64_t fin = acc - (int64_t)zp[r] * rowsum;
      ASSERT_EQ(fin % 2, 0);
      ASSERT_EQ(fin / 2, want) << "K" << K << " W" << W << " row " << r;
    }
  }
}

// The sign bit is the group's last weight bit; index bits are the others,
// inverted when the sign is 0 (machine.md, LUT layout).
TEST(UnitRelayout, LutSignAndIndexBits) {
  // K=4, W=1, k=8: group 0 = bits {1,0,1,1} (sign 1: index as is = 101b),
  // group 1 = {1,1,0,0} (sign 0: index inverted = ~011b = 100b).
  uint8_t q[8] = {1, 0, 1, 1, 1, 1, 0, 0};
  uint8_t out[1];
  coda_err_t err;
  ASSERT_EQ(relayout_weights(ARCH_CORE_LUT, 4, q, 1, 8, 8, 1, out, &err), CODA_OK);
  // field 0 = idx 101b | sign<<3 = 0xd; field 1 = idx 100b | 0 = 0x4
  EXPECT_EQ(out[0], 0x4d);
}

TEST(UnitRelayout, MacPackedRows) {
  std::mt19937_64 rng(11);
  for (int it = 0; it < 100; it++) {
    uint32_t W = 1 + rng() % 4, n = 1 + rng() % 5, k = 1 + rng() % 50;
    uint32_t kp = (uint32_t)rup(k, 8);
    std::vector<uint8_t> q((size_t)n * k), z(n);
    for (auto &v : q) v = (uint8_t)(rng() % (1u << W));
    for (auto &v : z) v = (uint8_t)(rng() % (1u << W));
    std::vector<uint8_t> out(relayout_bytes(n, kp, (int)W));
    std::vector<int8_t> zp(n);
    coda_err_t err;
    ASSERT_EQ(relayout_weights(ARCH_CORE_MAC, 4, q.data(), n, k, kp, (int)W, out.data(), &err),
              CODA_OK);
    relayout_zero_points(ARCH_CORE_MAC, z.data(), n, (int)W, zp.data());
    for (uint32_t r = 0; r < n; r++) {
      const uint8_t *row = out.data() + (size_t)r * kp * W / 8;
      for (uint32_t j = 0; j < kp; j++) {
        uint32_t v = 0;
        for (uint32_t b = 0; b < W; b++) v |= (uint32_t)bit_at(row, (uint64_t)j * W + b) << b;
        ASSERT_EQ(v, j < k ? q[(size_t)r * k + j] : 0u) << "row " << r << " k " << j;
      }
      EXPECT_EQ(zp[r], (int8_t)z[r]);
    }
  }
}

// ---- tiler --------------------------------------------------------------------------

TEST(UnitTiler, TilingFitsBuffersForRandomShapesAndConfigs) {
  std::mt19937_64 rng(3);
  int done = 0;
  for (int it = 0; it < 3000; it++) {
    arch_cfg_t cfg;
    if (!random_cfg(rng, &cfg)) continue;
    wl_gemm_t g = random_gemm(rng, it % 3 ? 3000 : 200000);
    tiling_t t;
    coda_err_t err;
    int rc = compile_choose_tiling(&cfg, &g, &t, &err);
    uint32_t M = (uint32_t)cfg.core_m, N = (uint32_t)cfg.core_n, K = (uint32_t)cfg.core_k;
    uint64_t W = (uint64_t)g.wbits, asz = (uint64_t)asize(g.atype);
    int lut = cfg.core_type == ARCH_CORE_LUT;
    int tq = lut && is_fp(g.atype) && cfg.core_table_quant;
    if (rc) {
      // only acceptable when not even the smallest tile's A or tables fit
      // (the config's own validation guarantees the rest)
      EXPECT_EQ(rc, CODA_EINVAL);
      uint64_t a_min = (uint64_t)M * lcm8(K) * asz;
      uint64_t t_min = lut ? (uint64_t)M * (lcm8(K) / K) * table_block(K, g.atype, tq) : 0;
      EXPECT_TRUE(a_min > cfg.buffers_abuf_bytes || t_min > cfg.buffers_tbuf_bytes) << err.msg;
      EXPECT_NE(strstr(err.msg, a_min > cfg.buffers_abuf_bytes ? "abuf" : "tbuf"), nullptr)
          << err.msg;
      continue;
    }
    done++;
    uint64_t accb = t.acct == ISA_ACC_INT64 ? 8 : 4;
    EXPECT_EQ(t.kp, rup(g.k, lcm8(K)));
    EXPECT_EQ(t.mt % M, 0u);
    EXPECT_EQ(t.nt % N, 0u);
    EXPECT_EQ(t.kt % lcm8(K), 0u);
    EXPECT_LE(t.mt, rup(g.m, M));
    EXPECT_LE(t.nt, rup(g.n, N));
    EXPECT_LE(t.kt, t.kp);
    EXPECT_LE(t.mt, 65535u);
    EXPECT_LE(t.nt, 65535u);
    EXPECT_LE(t.kt, 65535u);
    EXPECT_LE((uint64_t)t.mt * t.kt * asz, cfg.buffers_abuf_bytes);
    if (lut) {
      EXPECT_LE((uint64_t)t.mt * (t.kt / K) * table_block(K, g.atype, tq), cfg.buffers_tbuf_bytes);
    }
    EXPECT_LE((uint64_t)t.nt * W * t.kt / 8 + t.nt, cfg.buffers_wbuf_bytes);
    EXPECT_LE(((uint64_t)t.mt * t.nt + t.mt) * accb, cfg.buffers_cbuf_bytes);
    EXPECT_GT(t.est_cycles, 0.0);
  }
  EXPECT_GT(done, 1000);
}

// INT32 unless the worst case |sum| can pass 2^31 - 1: MAC k*128*(2^W-1);
// LUT before its /2: k*max|a|*(2^W-1) + |z'|*k*max|a| = 2*k*max|a|*(2^W-1).
TEST(UnitTiler, AccumulatorTypeFromWorstCase) {
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  wl_gemm_t g = {};
  snprintf(g.name, sizeof g.name, "g");
  g.m = 1;
  g.n = 64;
  g.wbits = 4;
  g.repeat = 1;
  tiling_t t;
  coda_err_t err;
  struct {
    int core, atype;
    uint32_t k;
    int want;
  } cases[] = {
      // LUT INT8 W4: 2*128*15 = 3840 per k; 2147483647 / 3840 = 559240.5
      {ARCH_CORE_LUT, ISA_ATYPE_INT8, 559240, ISA_ACC_INT32},
      {ARCH_CORE_LUT, ISA_ATYPE_INT8, 559241, ISA_ACC_INT64},
      // LUT INT16 W4: 2*32768*15 = 983040 per k; 2147483647 / 983040 = 2184.5
      {ARCH_CORE_LUT, ISA_ATYPE_INT16, 2184, ISA_ACC_INT32},
      {ARCH_CORE_LUT, ISA_ATYPE_INT16, 2185, ISA_ACC_INT64},
      // MAC INT16 W4: 32768*15 = 491520 per k; 2147483647 / 491520 = 4369.07
      {ARCH_CORE_MAC, ISA_ATYPE_INT16, 4369, ISA_ACC_INT32},
      {ARCH_CORE_MAC, ISA_ATYPE_INT16, 4370, ISA_ACC_INT64},
      // MAC INT8 W4: 1920 per k never passes it below k = 2^20
      {ARCH_CORE_MAC, ISA_ATYPE_INT8, 1048576, ISA_ACC_INT32},
      {ARCH_CORE_LUT, ISA_ATYPE_FP16, 1000000, ISA_ACC_FP32},
  };
  for (const auto &c : cases) {
    cfg.core_type = (uint64_t)c.core;
    g.atype = c.atype;
    g.k = c.k;
    ASSERT_EQ(compile_choose_tiling(&cfg, &g, &t, &err), CODA_OK) << err.msg;
    EXPECT_EQ(t.acct, c.want) << "core " << c.core << " atype " << c.atype << " k " << c.k;
  }
  cfg.core_acc_fp = ARCH_ACC_FP16;
  g.atype = ISA_ATYPE_FP8;
  g.k = 64;
  ASSERT_EQ(compile_choose_tiling(&cfg, &g, &t, &err), CODA_OK);
  EXPECT_EQ(t.acct, ISA_ACC_FP16);
}

TEST(UnitTiler, NothingFitsIsAnError) {
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  cfg.core_m = 256;            // one 256 x 8 INT8 A tile needs 2048 bytes
  cfg.buffers_abuf_bytes = 1024;
  wl_gemm_t g = {};
  snprintf(g.name, sizeof g.name, "big");
  g.m = 300;
  g.n = 64;
  g.k = 64;
  g.wbits = 2;
  g.atype = ISA_ATYPE_INT8;
  g.repeat = 1;
  tiling_t t;
  coda_err_t err;
  EXPECT_EQ(compile_choose_tiling(&cfg, &g, &t, &err), CODA_EINVAL);
  EXPECT_NE(strstr(err.msg, "big"), nullptr) << err.msg;
  EXPECT_NE(strstr(err.msg, "buffers.abuf_bytes"), nullptr) << err.msg;
}

// ---- code generation ------------------------------------------------------------------

std::vector<isa_insn_t> decode_all(const cbin_t &p) {
  std::vector<isa_insn_t> v(p.n_insn);
  coda_err_t err;
  for (uint32_t i = 0; i < p.n_insn; i++) EXPECT_EQ(isa_decode(&p.insn[i], &v[i], &err), CODA_OK);
  return v;
}

// Structure every program must have: per layer n_mt*n_nt*n_kt LMMA/MMAs,
// one acc=0 and (LUT) one fin=1 per output tile, a final SYNC of all units,
// DRAM tensors 64-byte aligned and disjoint; plus the checker's proof that
// no two units race.
void check_program(const arch_cfg_t &cfg, const workload_t &w, const compile_opts_t &o,
                   const cbin_t &p) {
  coda_err_t err;
  ASSERT_EQ(compile_check_program(&cfg, &p, &err), CODA_OK) << err.msg;
  ASSERT_EQ(p.n_layer, w.n_gemm);
  auto in = decode_all(p);
  uint64_t end = 0;
  uint32_t next = 0;
  int lut = cfg.core_type == ARCH_CORE_LUT;
  for (uint32_t l = 0; l < p.n_layer; l++) {
    const cbin_layer_t &L = p.layer[l];
    const wl_gemm_t &g = w.gemm[l];
    tiling_t t;
    ASSERT_EQ(compile_choose_tiling(&cfg, &g, &t, &err), CODA_OK);
    EXPECT_STREQ(L.name, g.name);
    EXPECT_EQ(L.first_insn, next);
    next += L.n_insn;
    EXPECT_EQ(L.m, g.m);
    EXPECT_EQ(L.n, g.n);
    EXPECT_EQ(L.k, g.k);
    EXPECT_EQ(L.kp, t.kp);
    EXPECT_EQ(L.acct, t.acct);
    EXPECT_EQ(L.seed, o.seed + l);
    EXPECT_EQ(L.repeat, g.repeat);
    EXPECT_EQ(L.core, cfg.core_type);
    EXPECT_EQ(L.fused, lut && o.fuse && g.ewop != ISA_EW_NONE ? 1 : 0);
    EXPECT_EQ(L.tq, lut && is_fp(g.atype) && cfg.core_table_quant ? 1 : 0);
    uint64_t asz = (uint64_t)asize(g.atype), accb = t.acct == ISA_ACC_INT64 ? 8 : 4;
    uint64_t addr[4] = {L.a_addr, L.w_addr, L.z_addr, L.c_addr};
    uint64_t size[4] = {(uint64_t)g.m * t.kp * asz, (uint64_t)g.n * g.wbits * t.kp / 8, g.n,
                        (uint64_t)g.m * g.n * accb};
    for (int i = 0; i < 4; i++) {
      EXPECT_EQ(addr[i] % 64, 0u);
      EXPECT_GE(addr[i], end);
      end = addr[i] + size[i];
    }
    uint64_t mm = 0, acc0 = 0, fin = 0, tpre_mk = 0, tpre_ew = 0;
    for (uint32_t i = L.first_insn; i < L.first_insn + L.n_insn; i++) {
      if (in[i].op == ISA_OP_LMMA || in[i].op == ISA_OP_MMA) {
        EXPECT_EQ(in[i].op, lut ? ISA_OP_LMMA : ISA_OP_MMA);
        mm++;
        acc0 += in[i].acc == 0;
        fin += in[i].fin;
      }
      if (in[i].op == ISA_OP_TPRE) {
        tpre_mk += in[i].mk;
        tpre_ew += in[i].ewop != ISA_EW_NONE;
        EXPECT_EQ(in[i].ewop, in[i].ewop ? (uint32_t)g.ewop : 0u);
        if (lut && o.fuse && g.ewop != ISA_EW_NONE) {
          EXPECT_EQ(in[i].mk, 1u);
        }
        if (!lut) {
          EXPECT_EQ(in[i].mk, 0u);
        }
      }
    }
    uint64_t tiles = rup(g.m, t.mt) / t.mt * (rup(g.n, t.nt) / t.nt);
    EXPECT_EQ(mm, tiles * (rup(t.kp, t.kt) / t.kt)) << g.name;
    EXPECT_EQ(acc0, tiles);
    EXPECT_EQ(fin, lut ? tiles : 0u);
    if (lut) {
      EXPECT_GT(tpre_mk, 0u);
    }
    EXPECT_EQ(tpre_ew > 0, g.ewop != ISA_EW_NONE);
    if (lut && !o.fuse && g.ewop != ISA_EW_NONE) {
      EXPECT_EQ(tpre_ew, tpre_mk);
    }
    const isa_insn_t &last = in[L.first_insn + L.n_insn - 1];
    EXPECT_EQ(last.op, ISA_OP_SYNC);
    EXPECT_EQ(last.mask, 7u);
  }
  EXPECT_EQ(next, p.n_insn);
  EXPECT_LE(end, p.dram_bytes);
}

TEST(UnitCodegen, RandomShapesAndConfigsAreRaceFree) {
  std::mt19937_64 rng(5);
  int done = 0;
  for (int it = 0; it < 400; it++) {
    arch_cfg_t cfg;
    if (!random_cfg(rng, &cfg)) continue;
    workload_t w;
    w.n_gemm = 1 + rng() % 3;
    snprintf(w.name, sizeof w.name, "r%d", it);
    std::vector<wl_gemm_t> gs(w.n_gemm);
    for (uint32_t i = 0; i < w.n_gemm; i++) {
      // one long dimension now and then; the volume stays small enough that
      // a 1 x 1 array with tiny buffers still compiles quickly
      do {
        gs[i] = random_gemm(rng, it % 4 ? 300 : 3000);
      } while ((uint64_t)gs[i].m * gs[i].n * gs[i].k > 2000000);
      snprintf(gs[i].name, sizeof gs[i].name, "l%u", i);
      gs[i].repeat = 1 + rng() % 3;
    }
    w.gemm = gs.data();
    compile_opts_t o;
    compile_opts_default(&o);
    o.fuse = rng() % 4 != 0;
    o.seed = rng() % 1000;
    cbin_t p;
    coda_err_t err;
    int rc = compile_program(&cfg, &w, &o, &p, &err);
    if (rc) {  // only when no tile fits at all (see TilingFits...)
      EXPECT_NE(strstr(err.msg, "fits"), nullptr) << err.msg;
      continue;
    }
    done++;
    check_program(cfg, w, o, p);
    cbin_free(&p);
  }
  EXPECT_GT(done, 100);
}

TEST(UnitCodegen, ShippedWorkloadsCompile) {
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  for (const char *f : {"llama2_7b_layer.json", "bitnet_3b_decode.json",
                        "llama2_70b_decode.json", "gemm_small.json"}) {
    for (int core = 0; core < 2; core++) {
      cfg.core_type = (uint64_t)core;
      workload_t w;
      coda_err_t err;
      std::string path = root() + "/workloads/" + f;
      ASSERT_EQ(workload_load(&w, path.c_str(), &err), CODA_OK) << err.msg;
      compile_opts_t o;
      compile_opts_default(&o);
      cbin_t p;
      ASSERT_EQ(compile_program(&cfg, &w, &o, &p, &err), CODA_OK) << f << ": " << err.msg;
      EXPECT_STREQ(p.workload_name, w.name);
      EXPECT_STREQ(p.arch_name, cfg.name);
      EXPECT_EQ(p.n_seg, 0u);
      check_program(cfg, w, o, p);
      cbin_free(&p);
      workload_free(&w);
    }
  }
}

// Functional programs carry A padded with zeros to kp, the re-laid weights
// and the zero points, all regenerated here from the layer's seed.
TEST(UnitCodegen, FunctionalSegmentsHoldTheOperands) {
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  for (int core = 0; core < 2; core++) {
    cfg.core_type = (uint64_t)core;
    workload_t w;
    coda_err_t err;
    ASSERT_EQ(workload_from_gemm(&w, 3, 70, 21, 3, ISA_ATYPE_FP16, ISA_EW_NONE, &err), CODA_OK);
    compile_opts_t o;
    compile_opts_default(&o);
    o.functional = 1;
    o.seed = 42;
    cbin_t p;
    ASSERT_EQ(compile_program(&cfg, &w, &o, &p, &err), CODA_OK) << err.msg;
    EXPECT_TRUE(p.flags & CBIN_F_DATA);
    ASSERT_EQ(p.n_seg, 3u);
    const cbin_layer_t &L = p.layer[0];
    gemm_data_t d;
    ASSERT_EQ(datagen_gemm(&d, 3, 70, 21, ISA_ATYPE_FP16, 3, 42, DATAGEN_UNIFORM, &err), CODA_OK);
    // A: 3 x kp FP16, little-endian, zero beyond k
    ASSERT_EQ(p.seg[0].addr, L.a_addr);
    ASSERT_EQ(p.seg[0].bytes, 3ull * L.kp * 2);
    for (uint32_t i = 0; i < 3; i++)
      for (uint32_t j = 0; j < L.kp; j++) {
        const uint8_t *b = p.seg[0].data + ((uint64_t)i * L.kp + j) * 2;
        uint16_t v = (uint16_t)(b[0] | b[1] << 8);
        EXPECT_EQ(v, j < 21 ? ((const uint16_t *)d.a)[i * 21 + j] : 0) << i << "," << j;
      }
    // weights: the re-layout of q
    std::vector<uint8_t> want(relayout_bytes(70, L.kp, 3));
    ASSERT_EQ(relayout_weights(core, (uint32_t)cfg.core_k, d.q, 70, 21, L.kp, 3, want.data(), &err),
              CODA_OK);
    ASSERT_EQ(p.seg[1].addr, L.w_addr);
    ASSERT_EQ(p.seg[1].bytes, want.size());
    EXPECT_EQ(memcmp(p.seg[1].data, want.data(), want.size()), 0);
    // zero points: z (MAC) or z' = 2z + 1 - 2^W (LUT)
    ASSERT_EQ(p.seg[2].addr, L.z_addr);
    ASSERT_EQ(p.seg[2].bytes, 70u);
    for (uint32_t i = 0; i < 70; i++)
      EXPECT_EQ((int8_t)p.seg[2].data[i], core == ARCH_CORE_LUT ? 2 * d.z[i] + 1 - 8 : d.z[i]);
    datagen_free(&d);
    cbin_free(&p);
    workload_free(&w);
  }
}

// ---- the program checker -----------------------------------------------------------------

struct Prog {
  cbin_t p = {};
  Prog() { p.dram_bytes = 1 << 20; }
  ~Prog() { cbin_free(&p); }
  void add(isa_insn_t in) {
    isa_word_t w;
    coda_err_t err;
    ASSERT_EQ(isa_encode(&in, &w, &err), CODA_OK) << err.msg;
    ASSERT_EQ(cbin_push_insn(&p, &w, &err), CODA_OK);
  }
  void ld(uint32_t buf, uint32_t saddr, uint32_t bytes) {
    isa_insn_t in = {};
    in.op = ISA_OP_LD;
    in.buf = buf;
    in.saddr = saddr;
    in.rows = 1;
    in.row_bytes = bytes;
    in.stride = bytes;
    add(in);
  }
  void sync(uint32_t mask) {
    isa_insn_t in = {};
    in.op = ISA_OP_SYNC;
    in.mask = mask;
    add(in);
  }
  void mma(uint32_t aaddr) {  // 2 x 64 x 8 INT8, W2: A 16 B, W 128 + 64 B, C 2*64+2 words
    isa_insn_t in = {};
    in.op = ISA_OP_MMA;
    in.m = 2;
    in.n = 64;
    in.k = 8;
    in.wbits = 2;
    in.aaddr = aaddr;
    add(in);
  }
};

TEST(UnitCheck, FindsRacesMissingDataAndOverruns) {
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  cfg.core_type = ARCH_CORE_MAC;
  coda_err_t err;
  {  // loads, SYNC on the DMA, MMA: fine
    Prog p;
    p.ld(ISA_BUF_ABUF, 0, 16);
    p.ld(ISA_BUF_WBUF, 0, 192);
    p.sync(ISA_SYNC_DMA);
    p.mma(0);
    EXPECT_EQ(compile_check_program(&cfg, &p.p, &err), CODA_OK) << err.msg;
  }
  {  // no SYNC between the load and the MMA that reads it
    Prog p;
    p.ld(ISA_BUF_ABUF, 0, 16);
    p.ld(ISA_BUF_WBUF, 0, 192);
    p.mma(0);
    EXPECT_EQ(compile_check_program(&cfg, &p.p, &err), CODA_EINVAL);
    EXPECT_NE(strstr(err.msg, "race"), nullptr) << err.msg;
  }
  {  // a SYNC naming the wrong unit does not order them
    Prog p;
    p.ld(ISA_BUF_ABUF, 0, 16);
    p.ld(ISA_BUF_WBUF, 0, 192);
    p.sync(ISA_SYNC_TPRE | ISA_SYNC_ARRAY);
    p.mma(0);
    EXPECT_EQ(compile_check_program(&cfg, &p.p, &err), CODA_EINVAL);
  }
  {  // overwriting a tile the array may still read (write after read)
    Prog p;
    p.ld(ISA_BUF_ABUF, 0, 16);
    p.ld(ISA_BUF_WBUF, 0, 192);
    p.sync(ISA_SYNC_DMA);
    p.mma(0);
    p.ld(ISA_BUF_WBUF, 64, 8);
    EXPECT_EQ(compile_check_program(&cfg, &p.p, &err), CODA_EINVAL);
    EXPECT_NE(strstr(err.msg, "race"), nullptr) << err.msg;
  }
  {  // the MMA reads activations nothing loaded
    Prog p;
    p.ld(ISA_BUF_ABUF, 0, 16);
    p.ld(ISA_BUF_WBUF, 0, 192);
    p.sync(ISA_SYNC_DMA);
    p.mma(256);
    EXPECT_EQ(compile_check_program(&cfg, &p.p, &err), CODA_EINVAL);
    EXPECT_NE(strstr(err.msg, "no earlier instruction wrote"), nullptr) << err.msg;
  }
  {  // a copy past the end of its buffer
    Prog p;
    p.ld(ISA_BUF_ABUF, (uint32_t)cfg.buffers_abuf_bytes - 8, 16);
    EXPECT_EQ(compile_check_program(&cfg, &p.p, &err), CODA_EINVAL);
    EXPECT_NE(strstr(err.msg, "exceeds"), nullptr) << err.msg;
  }
}

// ---- golden: compiled programs on the device against the reference GEMM ----------------

void run_golden(const arch_cfg_t &cfg, const workload_t &w, int fuse, int dist) {
  compile_opts_t o;
  compile_opts_default(&o);
  o.functional = 1;
  o.fuse = fuse;
  o.dist = dist;
  cbin_t p;
  coda_err_t err;
  ASSERT_EQ(compile_program(&cfg, &w, &o, &p, &err), CODA_OK) << err.msg;
  device_t d;
  device_opts_t dopt;
  memset(&dopt, 0, sizeof dopt);
  dopt.functional = 1;
  ASSERT_EQ(device_init(&d, &cfg, &p, &dopt, "golden", &err), CODA_OK) << err.msg;
  ASSERT_EQ(device_run(&d, &err), CODA_OK) << err.msg;
  for (uint32_t i = 0; i < p.n_layer; i++) {
    ref_result_t r;
    ASSERT_EQ(ref_check_layer(&p.layer[i], &cfg, d.bufs.dram, p.dram_bytes, &r, &err), CODA_OK)
        << err.msg;
    EXPECT_EQ(r.checked, (uint64_t)p.layer[i].m * p.layer[i].n);
    EXPECT_EQ(r.bad, 0u) << cfg.name << " " << p.layer[i].name << ": " << r.first;
  }
  device_free(&d);
  cbin_free(&p);
}

TEST(GoldenCompiler, SmallRaggedLayersMatchReference) {
  workload_t w;
  coda_err_t err;
  std::string path = root() + "/workloads/gemm_small.json";
  ASSERT_EQ(workload_load(&w, path.c_str(), &err), CODA_OK) << err.msg;
  arch_cfg_t cfg;
  for (int core = 0; core < 2; core++) {
    arch_cfg_defaults(&cfg);
    cfg.core_type = (uint64_t)core;
    snprintf(cfg.name, sizeof cfg.name, "%s", core ? "mac" : "lut");
    run_golden(cfg, w, 1, DATAGEN_UNIFORM);
    run_golden(cfg, w, 0, DATAGEN_WONES);
  }
  workload_free(&w);
}

// Small buffers force every schedule: K chunks with resident accumulators,
// one WBUF slot, one CBUF slot, no prefetch; odd array shapes and K.
TEST(GoldenCompiler, TightBuffersMatchReference) {
  workload_t w;
  coda_err_t err;
  TempDir t;
  std::string p = t.write(
      "t.json",
      "{\"name\": \"tight\", \"layers\": ["
      "{\"name\": \"a\", \"m\": 13, \"n\": 150, \"k\": 900, \"wbits\": 2, \"atype\": \"int8\", "
      "\"ewop\": \"rmsnorm\"},"
      "{\"name\": \"b\", \"m\": 5, \"n\": 77, \"k\": 333, \"wbits\": 4, \"atype\": \"int16\"},"
      "{\"name\": \"c\", \"m\": 9, \"n\": 40, \"k\": 260, \"wbits\": 3, \"atype\": \"fp8\", "
      "\"ewop\": \"silu\"}]}");
  ASSERT_EQ(workload_load(&w, p.c_str(), &err), CODA_OK) << err.msg;
  const uint64_t shapes[][4] = {{2, 64, 4, 0}, {3, 16, 3, 1}, {1, 8, 8, 0}, {4, 32, 5, 1}};
  for (const auto &s : shapes)
    for (int core = 0; core < 2; core++) {
      arch_cfg_t cfg;
      arch_cfg_defaults(&cfg);
      cfg.core_type = (uint64_t)core;
      cfg.core_m = s[0];
      cfg.core_n = s[1];
      cfg.core_k = s[2];
      cfg.core_table_quant = s[3];
      cfg.buffers_abuf_bytes = 1024;
      cfg.buffers_wbuf_bytes = 4096;
      cfg.buffers_tbuf_bytes = 2048;
      cfg.buffers_cbuf_bytes = 4096;
      snprintf(cfg.name, sizeof cfg.name, "tight_%s_M%lluN%lluK%llu", core ? "mac" : "lut",
               (unsigned long long)s[0], (unsigned long long)s[1], (unsigned long long)s[2]);
      if (arch_cfg_validate(&cfg, "tight", &err) != CODA_OK) continue;
      run_golden(cfg, w, (int)(s[0] % 2), DATAGEN_UNIFORM);
    }
  workload_free(&w);
}

}  // namespace
