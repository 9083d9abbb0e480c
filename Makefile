# TradeKernel build. `make help` lists the targets.
#
# Two platforms share the portable core (kernel/):
#   pc      bare-metal kernel: build/kernel.elf (Multiboot 1+2 ELF),
#           build/tradekernel.img (raw disk image with our BIOS loader),
#           build/tradekernel.iso (GRUB image, BIOS and UEFI, Multiboot 2)
#   hosted  the core as a Linux static library and test executable

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD   := build
VENV    := .venv
PYTHON  := $(VENV)/bin/python
CXX     := clang++
LD      := ld.lld
NASM    := nasm
OBJCOPY := llvm-objcopy
# `make V=1` prints full commands.
Q := $(if $(V),,@)

# TK_DEBUG: debug checks (pool double-free and foreign-pointer detection).
# On for the kernel and the hosted tests; off for the benchmark build.
COMMON_FLAGS := -std=c++20 -O2 -g -fno-exceptions -fno-rtti -fno-omit-frame-pointer \
                -Wall -Wextra -Werror -I. -Iinclude
DEBUG_FLAGS  := -DTK_DEBUG

PC_CXXFLAGS := $(COMMON_FLAGS) --target=x86_64-unknown-none-elf -ffreestanding -nostdlibinc \
               -fno-builtin -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector \
               -fno-threadsafe-statics -flto -DTK_PLATFORM_PC $(DEBUG_FLAGS)
PC_LDFLAGS  := -T arch/x86_64/kernel.ld -nostdlib -static -z max-page-size=4096 \
               --no-dynamic-linker --lto-O2
HOSTED_CXXFLAGS := $(COMMON_FLAGS) -fPIC -DTK_PLATFORM_HOSTED $(DEBUG_FLAGS)

CORE_SRCS   := $(wildcard kernel/*/*.cpp)
CORE_TESTS  := $(wildcard tests/kernel/*.cpp)
# The test kernel also links the in-kernel tests, fault injection and the
# diagnostic modes (tests/kernel/pc/) and mode=bench (bench/pc/); the release
# kernel none of them. Product code (arch, drivers, platform, kernel) never
# includes tests/ or bench/.
PC_SRCS     := $(wildcard arch/x86_64/*.cpp drivers/*.cpp platform/pc/*.cpp tests/kernel/pc/*.cpp bench/pc/*.cpp)
PC_ASM      := $(wildcard arch/x86_64/*.asm platform/pc/*.asm)
HOSTED_SRCS := $(wildcard platform/hosted/*.cpp)
SHARED_ASM  := arch/x86_64/context_switch.asm  # the one arch file the hosted build links
HEADERS     := $(shell find include kernel arch drivers platform tests/kernel tests/fuzz bench -name '*.h')

# The strategy the kernel runs, compiled from Python (docs/strategies.md):
# `make STRATEGY=my.py`, or `tradekernel build --strategy my.py`. The kernel
# links the object for code model kernel; the Linux trader (tk_trader) the
# position-independent one.
STRATEGY ?= strategies/spread_taker.py
STRATEGY_COMPILER := $(wildcard tradekernel/strategy/*.py)
STRATEGY_KERNEL_OBJ := $(BUILD)/strategy/kernel.o
STRATEGY_HOSTED_OBJ := $(BUILD)/strategy/hosted.o
# The benchmarks compare the Python spread taker with the C++ one, whatever
# STRATEGY is.
BENCH_STRATEGY_OBJ := $(BUILD)/strategy/bench-spread-taker.o

PC_OBJS := $(patsubst %.cpp,$(BUILD)/pc/%.o,$(CORE_SRCS) $(CORE_TESTS) $(PC_SRCS)) \
           $(patsubst %.asm,$(BUILD)/pc/%.asm.o,$(PC_ASM)) $(STRATEGY_KERNEL_OBJ)
HOSTED_CORE_OBJS := $(patsubst %.cpp,$(BUILD)/hosted/%.o,$(CORE_SRCS)) \
                    $(patsubst %.asm,$(BUILD)/hosted/%.asm.o,$(SHARED_ASM))
HOSTED_TEST_OBJS := $(patsubst %.cpp,$(BUILD)/hosted/%.o,$(CORE_TESTS) $(HOSTED_SRCS))
HOSTED_CAPI_OBJS := $(patsubst %.cpp,$(BUILD)/hosted/%.o,$(wildcard platform/hosted/capi/*.cpp) \
                    platform/hosted/platform.cpp platform/hosted/panic.cpp \
                    platform/hosted/sched_platform.cpp platform/hosted/udp_socket_nic.cpp \
                    platform/hosted/startup_memory.cpp)

# Benchmarks: the hosted core again, release flags (no TK_DEBUG checks), and
# the core's own objects (kernel/) with the kernel's code generation: no SSE
# or x87 registers, no red zone, so the hosted figures measure the code the
# kernel runs, not a vectorised variant of it. The harness around them
# (bench/, platform/hosted/) keeps the host's flags: it computes statistics
# in floating point.
BENCH_CXXFLAGS := $(COMMON_FLAGS) -DTK_PLATFORM_HOSTED -flto
BENCH_CORE_FLAGS := -mgeneral-regs-only -mno-red-zone
BENCH_OBJS := $(patsubst %.cpp,$(BUILD)/bench-obj/%.o,$(filter-out kernel/test/%,$(CORE_SRCS)) \
              drivers/virtio_net_rings.cpp platform/hosted/packet_ring_nic.cpp $(wildcard bench/*.cpp) platform/hosted/platform.cpp platform/hosted/panic.cpp \
              platform/hosted/sched_platform.cpp platform/hosted/udp_socket_nic.cpp \
              platform/hosted/startup_memory.cpp) \
              $(BUILD)/bench-obj/arch/x86_64/context_switch.asm.o $(BENCH_STRATEGY_OBJ)
BENCH_BIN  := $(BUILD)/bench/tk_bench
# The replay tool (tradekernel replay): the same release build of the core.
REPLAY_OBJS := $(patsubst %.cpp,$(BUILD)/bench-obj/%.o,$(filter-out kernel/test/%,$(CORE_SRCS)) \
               platform/hosted/platform.cpp platform/hosted/panic.cpp platform/hosted/sched_platform.cpp \
               platform/hosted/startup_memory.cpp platform/hosted/replay/replay_main.cpp) \
               $(BUILD)/bench-obj/arch/x86_64/context_switch.asm.o
REPLAY_BIN  := $(BUILD)/hosted/tk_replay
# The Linux feed handler for the PREEMPT_RT guest (platform/hosted/trader/):
# the same release build of the core, linked static for a minimal initramfs.
TRADER_OBJS := $(patsubst %.cpp,$(BUILD)/bench-obj/%.o,$(filter-out kernel/test/%,$(CORE_SRCS)) \
               platform/hosted/platform.cpp platform/hosted/panic.cpp platform/hosted/startup_memory.cpp \
               platform/hosted/packet_ring_nic.cpp platform/hosted/trader/trader_main.cpp) \
               $(STRATEGY_HOSTED_OBJ)
TRADER_BIN  := $(BUILD)/hosted/tk_trader

# Fuzzing: libFuzzer harnesses (tests/fuzz/) over the hosted core, built with
# AddressSanitizer and UBSan (any report aborts), TK_DEBUG checks on.
FUZZ_HARNESSES := net mold books pipeline
FUZZ_SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CXXFLAGS := $(COMMON_FLAGS) -O1 -DTK_PLATFORM_HOSTED $(DEBUG_FLAGS) $(FUZZ_SANITIZERS) -fsanitize=fuzzer-no-link
FUZZ_CORE_OBJS := $(patsubst %.cpp,$(BUILD)/fuzz-obj/%.o,$(filter-out kernel/test/%,$(CORE_SRCS)) \
                  platform/hosted/platform.cpp platform/hosted/panic.cpp platform/hosted/sched_platform.cpp) \
                  $(BUILD)/fuzz-obj/arch/x86_64/context_switch.asm.o
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_HARNESSES))
# The same harnesses instrumented for source coverage (no sanitizers), to
# measure what the kept and grown corpora reach (tradekernel fuzz --coverage).
FUZZ_COV_CXXFLAGS := $(COMMON_FLAGS) -O1 -DTK_PLATFORM_HOSTED $(DEBUG_FLAGS) -fsanitize=fuzzer-no-link \
                     -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_OBJS := $(patsubst $(BUILD)/fuzz-obj/%,$(BUILD)/fuzz-cov-obj/%,$(FUZZ_CORE_OBJS))
FUZZ_COV_BINS := $(patsubst %,$(BUILD)/fuzz-cov/fuzz_%,$(FUZZ_HARNESSES))
FUZZ_SECONDS ?= 60

# The release kernel (make release): the trading path only. No in-kernel
# tests, benchmark mode, fault injection or test hooks (TK_RELEASE), and no
# TK_DEBUG checks on the hot paths. `make run` boots it; the tests boot the
# test kernel (build/kernel.elf), which has all of them.
RELEASE := $(BUILD)/release
PC_RELEASE_CXXFLAGS := $(filter-out $(DEBUG_FLAGS),$(PC_CXXFLAGS)) -DTK_RELEASE
PC_RELEASE_SRCS := $(filter-out tests/% bench/%,$(PC_SRCS)) platform/pc/release/no_diagnostic_modes.cpp
RELEASE_OBJS := $(patsubst %.cpp,$(BUILD)/release-obj/%.o,$(filter-out kernel/test/%,$(CORE_SRCS)) $(PC_RELEASE_SRCS)) \
                $(patsubst %.asm,$(BUILD)/release-obj/%.asm.o,$(PC_ASM)) $(STRATEGY_KERNEL_OBJ)
RELEASE_KERNEL := $(RELEASE)/kernel.elf
RELEASE_IMAGE  := $(RELEASE)/tradekernel.img
RELEASE_ISO    := $(RELEASE)/tradekernel.iso

KERNEL := $(BUILD)/kernel.elf
IMAGE  := $(BUILD)/tradekernel.img
ISO    := $(BUILD)/tradekernel.iso
HOSTED_LIB   := $(BUILD)/hosted/libtkcore.a
HOSTED_TESTS := $(BUILD)/hosted/tk_tests
HOSTED_SO    := $(BUILD)/hosted/libtkcore.so
VENV_STAMP   := $(VENV)/.installed

.PHONY: all release kernel image iso hosted bench-bin fuzz-bin fuzz-cov-bin fuzz run boot test benchmark perf debug clean install-deps lint help

all: kernel image hosted ## Build the kernel, the disk image and the hosted core

kernel: $(KERNEL)
release: $(RELEASE_KERNEL) $(RELEASE_IMAGE) $(RELEASE_ISO) ## Release kernel, disk image and ISO in build/release/
image: $(IMAGE) ## Raw bootable disk image (BIOS loader + kernel)
iso: $(ISO) ## GRUB image for BIOS and UEFI, CD or USB stick (Multiboot 2)
hosted: $(HOSTED_LIB) $(HOSTED_TESTS) $(HOSTED_SO) $(REPLAY_BIN) $(TRADER_BIN)
bench-bin: $(BENCH_BIN)
fuzz-bin: $(FUZZ_BINS) ## libFuzzer harnesses (ASan + UBSan) in build/fuzz/
fuzz-cov-bin: $(FUZZ_COV_BINS)

$(BUILD)/pc/%.o: %.cpp $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX [pc]     $<"
	$(Q)$(CXX) $(PC_CXXFLAGS) -c $< -o $@

# The strategy's path is remembered, so that naming another file rebuilds.
$(BUILD)/strategy/source: FORCE
	@mkdir -p $(@D)
	@echo "$(abspath $(STRATEGY))" | cmp -s - $@ || echo "$(abspath $(STRATEGY))" > $@

# compile_strategy SOURCE, TARGET: the object, with a check compiled with the
# kernel's flags that the market-data structs lie where the compiler reads
# them (layout.py). The object takes its name only once the check passed,
# so a failed check fails every build after it too.
define compile_strategy
	$(Q)$(PYTHON) -m tradekernel.strategy.compile $(1) --target $(2) -o $@.tmp --layout-check $@.check.cpp
	$(Q)$(CXX) $(PC_CXXFLAGS) -fsyntax-only $@.check.cpp
	$(Q)mv $@.tmp $@
endef

$(BUILD)/strategy/%.o: $(STRATEGY) $(STRATEGY_COMPILER) $(BUILD)/strategy/source $(VENV_STAMP) $(HEADERS)
	$(call compile_strategy,$(STRATEGY),$*)

$(BENCH_STRATEGY_OBJ): strategies/spread_taker.py $(STRATEGY_COMPILER) $(VENV_STAMP) $(HEADERS)
	$(call compile_strategy,$<,hosted)

.PHONY: FORCE alt-kernel
FORCE:

# The test kernel again with another strategy, beside the one `make` builds:
# `make alt-kernel STRATEGY_ALT=FILE` writes $(BUILD)/alt/kernel.elf, which
# tradekernel.qemu boots with -kernel (QemuConfig.kernel). The other objects
# are the test kernel's own.
ALT_DIR := $(BUILD)/alt
alt-kernel: $(ALT_DIR)/kernel.elf

$(ALT_DIR)/strategy.o: FORCE $(STRATEGY_COMPILER) $(VENV_STAMP)
	@test -n "$(STRATEGY_ALT)" || { echo "alt-kernel: name the strategy, STRATEGY_ALT=FILE"; exit 2; }
	$(call compile_strategy,$(STRATEGY_ALT),kernel)

$(ALT_DIR)/kernel.unpatched.elf: $(filter-out $(STRATEGY_KERNEL_OBJ),$(PC_OBJS)) $(ALT_DIR)/strategy.o arch/x86_64/kernel.ld
	@echo "  LD (LTO)     $@"
	$(Q)$(LD) $(PC_LDFLAGS) $(filter-out $(STRATEGY_KERNEL_OBJ),$(PC_OBJS)) $(ALT_DIR)/strategy.o -o $@

$(ALT_DIR)/kernel.elf: $(ALT_DIR)/kernel.unpatched.elf tradekernel/symtab.py $(VENV_STAMP)
	$(PYTHON) -m tradekernel.symtab $< $@

$(BUILD)/pc/%.asm.o: %.asm
	@mkdir -p $(@D)
	@echo "  NASM         $<"
	$(Q)$(NASM) -f elf64 -g -F dwarf -w+all -Werror $< -o $@

# Linked once; the symbol table is then written into the reserved .ksymtab
# section, which moves no address (tradekernel/symtab.py).
$(BUILD)/kernel.unpatched.elf: $(PC_OBJS) arch/x86_64/kernel.ld
	@echo "  LD (LTO)     $@"
	$(Q)$(LD) $(PC_LDFLAGS) $(PC_OBJS) -o $@

$(KERNEL): $(BUILD)/kernel.unpatched.elf tradekernel/symtab.py $(VENV_STAMP)
	$(PYTHON) -m tradekernel.symtab $< $@

$(BUILD)/kernel.bin: $(KERNEL)
	$(OBJCOPY) -O binary --only-section=.boot --only-section=.text --only-section=.rodata \
	    --only-section=.data --only-section=.ksymtab $< $@

$(BUILD)/boot.bin: boot/boot.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -Werror $< -o $@

# Padded to a whole MiB: SeaBIOS on q35 (AHCI) did not start the boot sector
# of a 492 KiB image at all, while it did at 804 KiB and at 1 MiB.
$(IMAGE): $(BUILD)/boot.bin $(BUILD)/kernel.bin
	cat $^ > $@
	truncate -s %1M $@

# grub-mkrescue puts in a boot image for each GRUB platform installed: i386-pc
# (BIOS, El Torito and the hybrid MBR for USB sticks) and x86_64-efi (the EFI
# system partition UEFI firmware starts). Without the latter it would quietly
# make a BIOS-only image.
GRUB_PLATFORMS := /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi

$(ISO): $(KERNEL) tools/grub/grub.cfg
	@for d in $(GRUB_PLATFORMS); do [[ -d $$d ]] || { echo "iso: $$d is missing (make install-deps)"; exit 1; }; done
	@mkdir -p $(BUILD)/iso/boot/grub
	cp $(KERNEL) $(BUILD)/iso/boot/kernel.elf
	cp tools/grub/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2> $(BUILD)/grub-mkrescue.log || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

$(BUILD)/release-obj/%.o: %.cpp $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX [rel]    $<"
	$(Q)$(CXX) $(PC_RELEASE_CXXFLAGS) -c $< -o $@

$(BUILD)/release-obj/%.asm.o: %.asm
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -g -F dwarf -w+all -Werror $< -o $@

$(RELEASE)/kernel.unpatched.elf: $(RELEASE_OBJS) arch/x86_64/kernel.ld
	@mkdir -p $(@D)
	@echo "  LD (LTO)     $@"
	$(Q)$(LD) $(PC_LDFLAGS) $(RELEASE_OBJS) -o $@

$(RELEASE_KERNEL): $(RELEASE)/kernel.unpatched.elf tradekernel/symtab.py $(VENV_STAMP)
	$(PYTHON) -m tradekernel.symtab $< $@

$(RELEASE)/kernel.bin: $(RELEASE_KERNEL)
	$(OBJCOPY) -O binary --only-section=.boot --only-section=.text --only-section=.rodata \
	    --only-section=.data --only-section=.ksymtab $< $@

$(RELEASE_IMAGE): $(BUILD)/boot.bin $(RELEASE)/kernel.bin
	cat $^ > $@
	truncate -s %1M $@

$(RELEASE_ISO): $(RELEASE_KERNEL) tools/grub/grub.cfg
	@for d in $(GRUB_PLATFORMS); do [[ -d $$d ]] || { echo "iso: $$d is missing (make install-deps)"; exit 1; }; done
	@mkdir -p $(RELEASE)/iso/boot/grub
	cp $(RELEASE_KERNEL) $(RELEASE)/iso/boot/kernel.elf
	cp tools/grub/grub.cfg $(RELEASE)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(RELEASE)/iso 2> $(RELEASE)/grub-mkrescue.log || { cat $(RELEASE)/grub-mkrescue.log; exit 1; }

$(BUILD)/hosted/%.o: %.cpp $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX [hosted] $<"
	$(Q)$(CXX) $(HOSTED_CXXFLAGS) -c $< -o $@

$(BUILD)/hosted/%.asm.o: %.asm
	@mkdir -p $(@D)
	@echo "  NASM [hosted] $<"
	$(Q)$(NASM) -f elf64 -g -F dwarf -w+all -Werror $< -o $@

$(HOSTED_LIB): $(HOSTED_CORE_OBJS)
	$(Q)rm -f $@
	$(Q)llvm-ar rcs $@ $^

$(HOSTED_TESTS): $(HOSTED_TEST_OBJS) $(HOSTED_LIB)
	$(Q)$(CXX) $(HOSTED_TEST_OBJS) $(HOSTED_LIB) -o $@

# The C ABI Python loads with ctypes (tradekernel/hosted_pool.py).
$(HOSTED_SO): $(HOSTED_CAPI_OBJS) $(filter-out $(BUILD)/hosted/kernel/test/%,$(HOSTED_CORE_OBJS)) \
              $(BUILD)/hosted/arch/x86_64/context_switch.asm.o
	$(Q)$(CXX) -shared -pthread -Wl,--no-undefined $^ -o $@

$(BUILD)/bench-obj/%.o: %.cpp $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX [bench]  $<"
	$(Q)$(CXX) $(BENCH_CXXFLAGS) $(if $(filter kernel/% drivers/%,$<),$(BENCH_CORE_FLAGS)) -c $< -o $@

$(BUILD)/bench-obj/%.asm.o: %.asm
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -w+all -Werror $< -o $@

$(BUILD)/fuzz-obj/%.o: %.cpp $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX [fuzz]   $<"
	$(Q)$(CXX) $(FUZZ_CXXFLAGS) -c $< -o $@

$(BUILD)/fuzz-obj/%.asm.o: %.asm
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -w+all -Werror $< -o $@

# Kept: make would otherwise delete them as intermediate files and rebuild
# them every time.
.SECONDARY: $(FUZZ_CORE_OBJS) $(patsubst %,$(BUILD)/fuzz-obj/tests/fuzz/fuzz_%.o,$(FUZZ_HARNESSES))

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz-obj/tests/fuzz/fuzz_%.o $(FUZZ_CORE_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(FUZZ_SANITIZERS) -fsanitize=fuzzer $^ -o $@

$(BUILD)/fuzz-cov-obj/%.o: %.cpp $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX [cov]    $<"
	$(Q)$(CXX) $(FUZZ_COV_CXXFLAGS) -c $< -o $@

$(BUILD)/fuzz-cov-obj/%.asm.o: %.asm
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -w+all -Werror $< -o $@

.SECONDARY: $(FUZZ_COV_OBJS) $(patsubst %,$(BUILD)/fuzz-cov-obj/tests/fuzz/fuzz_%.o,$(FUZZ_HARNESSES))

$(BUILD)/fuzz-cov/fuzz_%: $(BUILD)/fuzz-cov-obj/tests/fuzz/fuzz_%.o $(FUZZ_COV_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CXX) -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping $^ -o $@

$(BENCH_BIN): $(BENCH_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CXX) -flto -fuse-ld=lld -O2 -pthread $^ -ldl -lboost_context -o $@

$(REPLAY_BIN): $(REPLAY_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CXX) -flto -fuse-ld=lld -O2 $^ -o $@

$(TRADER_BIN): $(TRADER_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CXX) -flto -fuse-ld=lld -O2 -static $^ -o $@

$(VENV_STAMP): pyproject.toml
	tools/install-deps.sh --python-only

install-deps: ## Install missing system packages (apt) and the Python venv
	tools/install-deps.sh

run: install-deps all release ## Build, boot the release kernel in mode=trade under QEMU, replay the demo
	$(PYTHON) -m tradekernel demo --release --strategy $(STRATEGY)

boot: install-deps all ## Build, boot under QEMU (TCG) and show the kernel log
	$(PYTHON) -m tradekernel run

test: install-deps all iso release bench-bin fuzz-bin lint ## Every test: Python, hosted core, fuzz corpora, QEMU boots
	$(PYTHON) -m tradekernel test

benchmark: install-deps all $(BENCH_BIN) ## Write build/bench/results.json (+ .md, .png) and docs/performance.md's tables
	$(PYTHON) -m tradekernel bench --docs

perf: install-deps all $(BENCH_BIN) ## The trading path by function (kernel under QEMU) and hardware counters (hosted): build/perf/
	$(PYTHON) -m tradekernel perf

fuzz: install-deps fuzz-bin ## Each harness for FUZZ_SECONDS (default 60); findings in build/fuzz/
	$(PYTHON) -m tradekernel fuzz --seconds $(FUZZ_SECONDS)

debug: install-deps all ## QEMU halted with its gdb stub; see tools/gdb/tradekernel.gdb
	$(PYTHON) -m tradekernel run --gdb --timeout 0

lint: $(VENV_STAMP) ## ruff over the Python package and tests
	$(VENV)/bin/ruff check tradekernel tests strategies
	$(VENV)/bin/ruff format --check tradekernel tests strategies

clean:
	rm -rf $(BUILD)

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'
