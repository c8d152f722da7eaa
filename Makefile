# SPDX-License-Identifier: GPL-2.0
#
# genode-dev: /dev/genode for Genode's core on Linux.
#
#   make            build genode.ko for every supported installed kernel,
#                   the user library and CLI, and the test programs
#   make check      static checks, then the test suite in QEMU on each
#                   kernel, with and without an IOMMU, the debug kernel
#                   included, and once with the clang-built module
#   make check-quick
#                   the inner loop: static and build checks and the test
#                   suite in one boot of KVER without an IOMMU (minutes)
#   make debug-kernel
#                   build (once; it is cached) the debug kernel: KASAN,
#                   lockdep, kmemleak, UBSAN, KFENCE, ... from linux-source-6.1
#   make demo       boot the test VM, let examples/vesa_fb draw a picture
#                   through /dev/genode, take it with QEMU's screendump
#                   and check it: build/demo/vesa.png
#   make bench      boot the test VM (one vCPU), without and with an IOMMU,
#                   idle and under load, on KVER and the PREEMPT_RT kernel,
#                   and time genode.ko against uio_pci_generic and vfio-pci
#                   on edu: interrupt round trips, MMIO, DMA buffer setup,
#                   delivery beside many armed IRQ fds and sessions, memory
#                   per session and IRQ fd, the largest contiguous DMA
#                   buffer (fresh and fragmented); prints medians, p99, max
#                   and ratios, writes each boot's distributions as CSV and
#                   (with gnuplot) a PNG in build/bench/ (not in make check)
#   make vm         a shell in the test VM with genode.ko loaded
#   make vm-run CMD="..." [FILES="..."]
#                   run CMD in the test VM (FILES copied to its /opt) and
#                   exit with its status
#   make genode-check GENODE_DIR=<a Genode tree> [GENODE_TOOLCHAIN=host]
#                   build Genode's core for base-linux with core-backend/ and
#                   Genode's components (in build/genode/), run the rtc,
#                   uart, nvme, ahci and nic scenarios in the test VM on each
#                   kernel, without and with an IOMMU, check their logs
#                   (scripts/genode-check.sh; not part of make check).
#                   GENODE_TOOLCHAIN=host builds with the host's gcc instead
#                   of Genode's tool chain.  Without GENODE_DIR: one SKIP line
#   make llvm       build genode.ko with clang (LLVM=1) against Debian's
#                   6.12 sources configured for clang, into build/llvm/,
#                   for Debian's 6.12 kernel, which loads it (make check
#                   runs the suite with it); `make LLVM=1` does the same
#
# Installing (docs/INSTALL.md):
#   make dkms-install [DKMS_KVERS="..."]
#                   genode.ko through DKMS for every kernel with headers
#                   (or those named); make dkms-remove undoes it
#   make deb        the Debian package genode-dev-dkms, in build/deb/
#   make install [PREFIX=/usr/local] [DESTDIR=]
#                   library, headers, pkg-config file and genode-ctl;
#                   make uninstall removes them
#
# Variables: KVERS (kernels to build for; default: the installed 6.1,
# 6.1 PREEMPT_RT and 6.12 from Debian), KVER and IOMMU=on|off (the kernel
# and machine of vm/vm-run; KVER=debug for the debug kernel), CACHE
# (extracted sources and the debug kernel; default ~/.cache/genode-dev),
# DEBUG_KERNEL=off (make check without the debug kernel; it is on by
# default).

# dkms.conf holds the version; debian/changelog must agree (debian/rules
# checks).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
BUILD := $(CURDIR)/build
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/genode-dev

CC ?= gcc
USER_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror
TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -static -pthread

# Computed lazily: deps.sh has to run before the kernels can be listed.
KVERS ?= $(shell scripts/kernels.sh)
KVER ?= $(firstword $(KVERS))
IOMMU ?= off
# make check runs every VM test under the debug kernel too (built once and
# cached, see scripts/debug-kernel.sh).  DEBUG_KERNEL=off leaves it out.
DEBUG_KERNEL ?= on

# The debug kernel's build (scripts/debug-kernel.sh) and its release, once
# it is built.
DEBUG_DIR = $(shell scripts/debug-kernel.sh --dir $(CACHE))
DEBUG_KVER = $(shell cat $(DEBUG_DIR)/kernel.release 2>/dev/null)

# The tree a kernel's modules are built against: Debian's headers package,
# or the debug kernel's build.
kdir = $(if $(filter $(DEBUG_KVER),$(1)),$(DEBUG_DIR)/build,/lib/modules/$(1)/build)

# What vm and vm-run boot: one of Debian's kernels, or KVER=debug.
ifeq ($(KVER),debug)
VM_KVER = $(DEBUG_KVER)
VM_KERNEL = --kernel-image $(DEBUG_DIR)/bzImage --moddir $(DEBUG_DIR)/modules/lib/modules/$(VM_KVER)
VM_DEPS = debug-module
else
VM_KVER = $(KVER)
VM_KERNEL =
VM_DEPS =
endif

KMOD_SRC := $(wildcard kmod/*.c kmod/*.h kmod/Kbuild kmod/compat/*)
UAPI := uapi/genode_dev.h
TESTS := $(patsubst tests/kselftest/%.c,$(BUILD)/tests/%,$(wildcard tests/kselftest/*_test.c))

.PHONY: all deps modules debug-kernel debug-module userlib tests examples \
	check check-quick genode-check demo bench vm vm-run clean llvm dkms-install dkms-remove deb \
	install uninstall

all: deps
	@$(MAKE) --no-print-directory modules userlib tests examples \
		$(BUILD)/bench/genode_bench

deps:
	@scripts/deps.sh

# ---- the module, once per kernel, each in its own copy of the sources ----

# Debian's headers are configured for gcc: with LLVM=1 they would still
# compile with gcc-12 (and link with ld.lld).  So `make LLVM=1` builds the
# module with clang the only way that works, as `make llvm` does.
ifeq ($(LLVM),)
modules: $(foreach v,$(KVERS),$(BUILD)/$(v)/kmod/genode.ko)
else
modules: llvm
endif

# A kernel tree that changes under the same release (a rebuilt debug kernel)
# rebuilds the module: Module.symvers is written by every kernel build.
.SECONDEXPANSION:
$(BUILD)/%/kmod/genode.ko: $(KMOD_SRC) $(UAPI) $$(call kdir,$$*)/Module.symvers
	@rm -rf $(BUILD)/$*/kmod $(BUILD)/$*/uapi
	@mkdir -p $(BUILD)/$*
	@cp -r kmod uapi $(BUILD)/$*/
	$(MAKE) -C $(call kdir,$*) M=$(BUILD)/$*/kmod W=1 KCFLAGS=-Werror modules

# ---- the debug kernel, and the module for it in build/<its release>/ ----

debug-kernel: deps
	@scripts/debug-kernel.sh $(CACHE) > /dev/null

# A second make: the release is known only once the kernel is built.
debug-module: debug-kernel
	@$(MAKE) --no-print-directory modules KVERS="$$(cat $$(scripts/debug-kernel.sh --dir $(CACHE))/kernel.release)"

# ---- user library, CLI ----

LIB_OBJ := $(BUILD)/userlib/libgenode_dev.o
userlib: $(BUILD)/userlib/libgenode_dev.a $(BUILD)/userlib/libgenode_dev.so \
	$(BUILD)/userlib/genode-dev.pc $(BUILD)/userlib/genode-ctl \
	$(BUILD)/userlib/static/genode-ctl

$(BUILD)/userlib/libgenode_dev.o: userlib/libgenode_dev.c userlib/libgenode_dev.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -fPIC -Iuapi -c $< -o $@

$(BUILD)/userlib/libgenode_dev.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

# The soname changes only when the library's ABI breaks.
SOVERSION := 0
LIB_SONAME := libgenode_dev.so.$(SOVERSION)
LIB_REALNAME := $(LIB_SONAME).$(VERSION)

$(BUILD)/userlib/libgenode_dev.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--no-undefined -o $@ $^

PC_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|'

$(BUILD)/userlib/genode-dev.pc: userlib/genode-dev.pc.in
	@mkdir -p $(@D)
	$(PC_SUBST) $< > $@

$(BUILD)/userlib/genode-ctl: userlib/genode-ctl.c $(BUILD)/userlib/libgenode_dev.a
	$(CC) $(USER_CFLAGS) -Iuapi -Iuserlib $< $(BUILD)/userlib/libgenode_dev.a -o $@

# the same, static, for the VM
$(BUILD)/userlib/static/genode-ctl: userlib/genode-ctl.c $(BUILD)/userlib/libgenode_dev.a
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -Iuapi -Iuserlib $< $(BUILD)/userlib/libgenode_dev.a -o $@

# ---- make install: the user-space parts under PREFIX (and DESTDIR) ----

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

install: userlib
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/genode-dev $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 $(BUILD)/userlib/genode-ctl $(DESTDIR)$(BINDIR)/genode-ctl
	install -m 0644 $(BUILD)/userlib/libgenode_dev.a $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(BUILD)/userlib/libgenode_dev.so $(DESTDIR)$(LIBDIR)/$(LIB_REALNAME)
	ln -sf $(LIB_REALNAME) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libgenode_dev.so
	install -m 0644 $(UAPI) userlib/libgenode_dev.h $(DESTDIR)$(INCLUDEDIR)/genode-dev/
	$(PC_SUBST) userlib/genode-dev.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/genode-dev.pc
	@# the dynamic linker's cache, when installing into the live system
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/genode-ctl \
		$(DESTDIR)$(LIBDIR)/libgenode_dev.a \
		$(DESTDIR)$(LIBDIR)/$(LIB_REALNAME) \
		$(DESTDIR)$(LIBDIR)/$(LIB_SONAME) \
		$(DESTDIR)$(LIBDIR)/libgenode_dev.so \
		$(DESTDIR)$(INCLUDEDIR)/genode-dev/genode_dev.h \
		$(DESTDIR)$(INCLUDEDIR)/genode-dev/libgenode_dev.h \
		$(DESTDIR)$(PKGCONFIGDIR)/genode-dev.pc
	-rmdir $(DESTDIR)$(INCLUDEDIR)/genode-dev
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(PKGCONFIGDIR)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# ---- installing the module: DKMS and the Debian package ----

dkms-install:
	scripts/dkms.sh install $(DKMS_KVERS)

dkms-remove:
	scripts/dkms.sh remove

deb:
	scripts/mkdeb.sh $(BUILD)/deb

# ---- clang: Debian's headers are configured for gcc, so build against ----
# ---- Debian's 6.12 sources with Debian's config, reconfigured for clang ----

LLVM_KVER ?= $(lastword $(KVERS))

llvm:
	@tree=$$(scripts/llvm-tree.sh $(CACHE) $(LLVM_KVER)) && \
	rm -rf $(BUILD)/llvm && mkdir -p $(BUILD)/llvm && \
	cp -r kmod uapi $(BUILD)/llvm/ && \
	$(MAKE) -C $$tree M=$(BUILD)/llvm/kmod LLVM=1 W=1 KCFLAGS=-Werror modules

# ---- examples: static, for the VM (make vm-run FILES=build/examples/...) ----

EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
examples: $(EXAMPLES)

$(BUILD)/examples/%: examples/%.c $(BUILD)/userlib/libgenode_dev.a userlib/libgenode_dev.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -Iuapi -Iuserlib $< $(BUILD)/userlib/libgenode_dev.a -o $@

# ---- test programs: static, so that the initramfs needs no libc ----

tests: $(TESTS)

# The tests link the user library's source, so that it is tested too; the
# test library (tests/kselftest/lib/) is headers, and errno_log.c, which
# every ioctl passes through (-Wl,--wrap=ioctl) to log the errnos the
# module returned (scripts/errno-coverage.py).
TEST_LIB := $(wildcard tests/kselftest/lib/*.h tests/kselftest/lib/drivers/*.h)
$(BUILD)/tests/%: tests/kselftest/%.c $(TEST_LIB) $(UAPI) tests/kselftest/lib/errno_log.c \
		userlib/libgenode_dev.c userlib/libgenode_dev.h | linux-source
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -isystem $(KSFT) -Iuapi -Iuserlib -Itests/kselftest \
		-Wl,--wrap=ioctl $< userlib/libgenode_dev.c \
		tests/kselftest/lib/errno_log.c -o $@

KSFT = $(LINUX_SRC)/tools/testing/selftests
LINUX_SRC = $(CACHE)/src/linux-source-6.1

.PHONY: linux-source
linux-source:
	@scripts/linux-source.sh $(CACHE) > /dev/null

# ---- checks ----

DEBUG_CHECK = $(filter on,$(DEBUG_KERNEL))

check: all $(if $(DEBUG_CHECK),debug-module)
	@scripts/check.sh --build $(BUILD) --linux-src $(LINUX_SRC) --cache $(CACHE) \
		$(if $(DEBUG_CHECK),--debug-kernel $(DEBUG_DIR)) $(KVERS)

# The inner loop: static and build checks, and the suite in one VM boot on
# KVER without an IOMMU; no debug kernel, no extra lanes, no host install.
check-quick: all
	@QUICK=yes IOMMUS=off HOST_INSTALL=no scripts/check.sh --build $(BUILD) \
		--linux-src $(LINUX_SRC) --cache $(CACHE) $(KVER)

# Without GENODE_DIR nothing is built: the script prints its SKIP line.
genode-check:
	@if [ -n "$(GENODE_DIR)" ]; then $(MAKE) --no-print-directory deps modules; fi
	@GENODE_DIR="$(GENODE_DIR)" GENODE_TOOLCHAIN="$(GENODE_TOOLCHAIN)" \
		scripts/genode-check.sh --build $(BUILD) $(KVERS)

demo: all
	@scripts/demo.sh --build $(BUILD) --kver $(KVER) --iommu $(IOMMU) --out $(BUILD)/demo

# ---- make bench: genode.ko against its peers, in one VM boot per machine ----

# BENCH_KVERS: the kernels (KVER, and the PREEMPT_RT kernel where it is
# installed); BENCH_IOMMUS: the machines (vfio-pci needs the IOMMU one);
# BENCH_LOADS: idle, and under load (SCHED_FIFO beside a CPU hog and a
# memory/IO hog); BENCH_ROUNDS, BENCH_SCALE: rounds of all phases, percent
# of the default iterations; BENCH_SCALING_ROUNDS: of those rounds, the
# ones with the "irq scale" rows; BENCH_TRACE=on: instead of the table,
# the MSI round trip in read() of genode and vfio-pci with the kernel
# functions of each timed by ftrace (idle IOMMU machines only).
BENCH_KVERS ?= $(VM_KVER) $(if $(VM_KERNEL),,$(filter-out $(VM_KVER),$(filter %-rt-amd64,$(KVERS))))
BENCH_IOMMUS ?= off on
BENCH_LOADS ?= off on
BENCH_ROUNDS ?= 40
BENCH_SCALING_ROUNDS ?= 40
BENCH_TRACE ?= off
BENCH_SCALE ?= 100

$(BUILD)/bench/genode_bench: bench/genode_bench.c bench/contig.c bench/contig.h \
		$(BUILD)/userlib/libgenode_dev.a userlib/libgenode_dev.h $(TEST_LIB) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -Iuapi -Iuserlib -Itests/kselftest \
		bench/genode_bench.c bench/contig.c $(BUILD)/userlib/libgenode_dev.a -o $@

# KVER=debug works, but the debug kernel's checkers distort every number.
bench: deps $(VM_DEPS)
	@$(MAKE) --no-print-directory \
		$(foreach v,$(BENCH_KVERS),$(BUILD)/$(v)/kmod/genode.ko) \
		$(BUILD)/bench/genode_bench
	@st=0; for v in $(BENCH_KVERS); do \
		scripts/bench.sh --build $(BUILD) --kver $$v $(VM_KERNEL) \
			--iommus "$(BENCH_IOMMUS)" --loads "$(BENCH_LOADS)" \
			--rounds $(BENCH_ROUNDS) --scaling-rounds $(BENCH_SCALING_ROUNDS) \
			$(if $(filter on,$(BENCH_TRACE)),--trace) \
			--scale $(BENCH_SCALE) || st=1; \
	done; exit $$st

vm: all $(VM_DEPS)
	tests/vm/run.sh --mode shell --iommu $(IOMMU) --ko $(BUILD)/$(VM_KVER)/kmod/genode.ko \
		--tests $(BUILD)/tests $(VM_KERNEL) $(VM_KVER)

vm-run: all $(VM_DEPS)
	@test -n "$(CMD)" || { echo 'usage: make vm-run CMD="..." [FILES="..."]' >&2; exit 2; }
	@scripts/vm-run.sh --iommu $(IOMMU) --ko $(BUILD)/$(VM_KVER)/kmod/genode.ko \
		--tests $(BUILD)/tests --kver $(VM_KVER) $(VM_KERNEL) --cmd '$(CMD)' $(FILES)

clean:
	rm -rf $(BUILD)
