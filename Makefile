# coda: one Makefile for the simulator, its generated files, tests and benches.
#
#   make demo    install missing deps, build, compile + simulate an LLM layer on the LUT core
#   make test    install missing deps, build, run every test tier; ends with "N passed, N failed"
#   make         build build/coda
#   make deps    install missing Debian packages (idempotent)
#   make asan    build build/asan/coda with AddressSanitizer + UBSan
#   make bench   simulation speed figures
#   make lint    C (cppcheck) and RTL (verilator --lint-only -Wall) lint
#   make gen     regenerate the files generated from isa/coda.isa and sim/core/params.def
#   make tech    extract the OSU 0.18 um standard-cell liberty (GPL: never committed) into build/tech

CC      ?= cc
CXX     ?= c++
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
OPT     ?= -O2 -g
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) -MMD -MP -I.
LDLIBS  := -ljansson -lz -lm -lsqlite3 -lcrypto
B       := build

# Debian packages the build and tests need (binary -> package).
DEB_PKGS := libjansson-dev zlib1g-dev libgtest-dev g++ pkg-config verilator yosys opensta gnuplot-nox \
            libsqlite3-dev libssl-dev slurmctld slurmd slurm-client munge

# SystemC 2.3.4 with TLM-2.0: the wrapper in sim/systemc/ and its example platform.
DEB_PKGS += libsystemc-dev

LIB_SRCS := $(wildcard sim/core/*.c sim/mem/*.c sim/dev/*.c sim/lut/*.c sim/mac/*.c sim/tpe/*.c sim/ref/*.c sim/cosim/*.c sim/area/*.c sim/energy/*.c sim/scalesim/*.c sim/pim/*.c sim/sweep/*.c sim/npu/*.c sim/serve/*.c sim/t3/*.c) \
            $(filter-out isa/isagen.c,$(wildcard isa/*.c)) \
            $(wildcard compiler/*.c) $(wildcard reports/*.c)
CLI_SRCS := $(wildcard sim/cli/*.c)
GEN_FILES := isa/isa_gen.h isa/isa_gen.c rtl/include/coda_isa.vh isa/README.md

LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/obj/%.o)
ASAN_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/asan/obj/%.o)
ASAN_CLI_OBJS := $(CLI_SRCS:%.c=$(B)/asan/obj/%.o)
TEST_SRCS := $(wildcard tests/*.cc)
TEST_OBJS := $(TEST_SRCS:%.cc=$(B)/obj/%.o)

.PHONY: all deps demo test test-unit test-isa test-oracle test-golden test-errors test-cosim test-area test-energy test-regress \
        tech asan bench fusion lint gen check-gen clean

all: $(B)/coda

# ---- dependencies --------------------------------------------------------
deps: $(B)/.deps-ok
$(B)/.deps-ok: Makefile
	@mkdir -p $(B)
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "coda: installing missing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else echo "coda: run as root: apt-get install --no-install-recommends$$missing"; exit 1; fi; \
	fi; touch $@

# ---- standard-cell library: the OSU 0.18 um cells of Debian's qflow-tech-osu018
# (GPL, so extracted at setup time into build/, never committed). `coda area` reads
# the liberty; the .v cell models and .lef come along for later flows.
TECH_DIR := $(B)/tech/osu018
TECH_LIB := $(TECH_DIR)/osu018_stdcells.lib
OSU018   := usr/share/qflow/tech/osu018
tech: $(TECH_LIB)
$(TECH_LIB):
	@mkdir -p $(TECH_DIR)
	@if [ -f /$(OSU018)/osu018_stdcells.lib ]; then src=/$(OSU018); else \
	  rm -rf $(B)/tech/deb && mkdir -p $(B)/tech/deb && \
	  { (cd $(B)/tech/deb && apt-get download qflow-tech-osu018) >/dev/null 2>&1 || \
	    { [ "$$(id -u)" = 0 ] && apt-get update -qq && (cd $(B)/tech/deb && apt-get download qflow-tech-osu018) >/dev/null 2>&1; } || \
	    { echo "coda: cannot download qflow-tech-osu018: run apt-get update as root, then make tech"; exit 1; }; } && \
	  dpkg-deb -x $(B)/tech/deb/qflow-tech-osu018_*.deb $(B)/tech/deb/x && src=$(B)/tech/deb/x/$(OSU018); fi; \
	cp $$src/osu018_stdcells.v $$src/osu018_stdcells.lef $(TECH_DIR)/ && \
	cp $$src/osu018_stdcells.lib $(TECH_LIB).part && mv $(TECH_LIB).part $(TECH_LIB) && rm -rf $(B)/tech/deb && \
	echo "coda: OSU 0.18 um cells (GPL, from qflow-tech-osu018) extracted into $(TECH_DIR)"

# ---- generated files ------------------------------------------------------
$(B)/isagen: isa/isagen.c | $(B)/.deps-ok
	@mkdir -p $(B)
	$(CC) $(CSTD) $(WARN) -O1 -o $@ $<

gen: $(B)/isagen $(B)/coda
	$(B)/isagen isa/coda.isa .
	$(B)/coda config --doc > docs/params.md

$(GEN_FILES) &: isa/coda.isa isa/isagen.c
	@$(MAKE) --no-print-directory $(B)/isagen
	$(B)/isagen isa/coda.isa .

# ---- library and program --------------------------------------------------
$(B)/obj/%.o: %.c $(GEN_FILES) | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/libcoda.a: $(LIB_OBJS)
	ar rcs $@ $^

$(B)/coda: $(CLI_OBJS) $(B)/libcoda.a
	$(CC) -o $@ $(CLI_OBJS) $(B)/libcoda.a $(LDLIBS)

# ---- sanitizer build ------------------------------------------------------
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(B)/asan/obj/%.o: %.c $(GEN_FILES) | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) -MMD -MP -I. -c -o $@ $<

$(B)/asan/coda: $(ASAN_CLI_OBJS) $(ASAN_LIB_OBJS)
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

asan: $(B)/asan/coda

# ---- tests (GoogleTest through the C shim in tests/shim) -------------------
$(B)/obj/tests/%.o: tests/%.cc $(GEN_FILES) | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -MMD -MP -I. -c -o $@ $<

$(B)/coda_tests: $(TEST_OBJS) $(B)/libcoda.a
	$(CXX) -o $@ $(TEST_OBJS) $(B)/libcoda.a -lgtest -lpthread $(LDLIBS)

TEST_ENV := CODA_BIN=$(CURDIR)/$(B)/coda CODA_ASAN_BIN=$(CURDIR)/$(B)/asan/coda CODA_ROOT=$(CURDIR)
test: deps tech $(B)/coda $(B)/asan/coda $(B)/coda_tests $(B)/isagen
	@$(TEST_ENV) $(B)/coda_tests

test-unit test-isa test-oracle test-golden test-errors test-cosim test-area test-energy test-regress: test-%: deps $(B)/coda $(B)/asan/coda $(B)/coda_tests $(B)/isagen
	@$(TEST_ENV) $(B)/coda_tests --gtest_filter='$(shell echo $* | sed 's/^./\U&/')*'
test-area: tech
test-energy: tech

# ---- SystemC/TLM-2.0 wrapper and its example platform (C++17, Debian's SystemC) ----
# build/systemc_example --arch A.json P.cbin runs a compiled program through TLM
# transactions; tests/systemc_test.cc compares its cycles with `coda sim`.
SC_SRCS := $(wildcard sim/systemc/*.cc)
SC_OBJS := $(SC_SRCS:%.cc=$(B)/obj/%.o)
SC_CFLAGS = $(shell pkg-config --cflags systemc 2>/dev/null)
SC_LIBS = $(or $(shell pkg-config --libs systemc 2>/dev/null),-lsystemc)
.PHONY: systemc
systemc: $(B)/systemc_example
$(B)/obj/sim/systemc/%.o: sim/systemc/%.cc $(GEN_FILES) | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP -I. $(SC_CFLAGS) -c -o $@ $<
$(B)/systemc_example: $(SC_OBJS) $(B)/libcoda.a
	$(CXX) -o $@ $(SC_OBJS) $(B)/libcoda.a $(SC_LIBS) -lpthread $(LDLIBS)
-include $(SC_OBJS:.o=.d)

# ---- the main job on built-in defaults -------------------------------------
demo: deps $(B)/coda
	$(B)/coda run --arch sim/configs/lut_tc.json workloads/llama2_7b_layer.json

bench: deps $(B)/coda
	@bash tests/bench.sh $(B)/coda

# Fused vs unfused table precompute on LLaMA-2 70B and OPT-175B, prefill and decode
# (several minutes: prefill layers are 10^11-cycle GEMMs).
FUSION_WL := llama2_70b_decode llama2_70b_prefill opt175b_decode opt175b_prefill
fusion: deps $(B)/coda
	@mkdir -p $(B)/fusion
	@for w in $(FUSION_WL); do \
	  $(B)/coda run --arch sim/configs/lut_tc.json workloads/$$w.json --json $(B)/fusion/$$w.fused.json >/dev/null && \
	  $(B)/coda run --arch sim/configs/lut_tc.json workloads/$$w.json --no-fuse --json $(B)/fusion/$$w.unfused.json >/dev/null && \
	  $(B)/coda report $(B)/fusion/$$w.fused.json $(B)/fusion/$$w.unfused.json && echo || exit 1; \
	done

lint: deps $(B)/coda
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance --std=c11 -I. $(LIB_SRCS) $(CLI_SRCS)
	@for top in lut_tc_cosim_top mac_tc_cosim_top tpe_tree_cosim_top tpe_bs_cosim_top tpe_grid_cosim_top pim_bank_cosim_top t3_tracker_cosim_top; do \
	  d=rtl/$${top%_cosim_top}; [ -d $$d ] || d=rtl/$${top%%_*}; \
	  verilator --lint-only -Wall -Irtl/include $$(ls rtl/lint_waivers.vlt 2>/dev/null) $$d/*.v --top-module $$top || exit 1; \
	  echo "verilator --lint-only -Wall $$d: clean"; \
	done

clean:
	rm -rf $(B)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(ASAN_LIB_OBJS:.o=.d)
