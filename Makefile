# svm-edu: build, run and test everything.
#
#   make run     boot the guest, load the driver, show the device (svmctl
#                list) and run a DMA (svm-dma-test copy)
#   make test    host unit tests, the style checks (tests/style), the
#                device qtest on QEMU 7.2 and 10, a 30 s fuzz run, the
#                install checks (tests/install), then
#                the guest tests on Debian 12's 6.1 and 6.12 kernels and
#                unstable's newest (only KERNEL's when KERNEL is given)
#                with QEMU 7.2, and the scenario suite on QEMU 10 with one
#                of them
#   make check   the quick tier, for iterating: host unit tests, the style
#                checks (shellcheck, the kernel's and QEMU's checkpatch.pl),
#                the qtest and KERNEL's scenario suite (t-dma.sh) on QEMU
#                (7.2); no fuzz, install, robustness, stress, race or
#                mutant runs. About 65 s warm, when everything is built
#                (measured 1 min 3 s; docs/testing.md).
#   make matrix  the same as make test, with the full guest suite on every
#                kernel x QEMU
#   make fuzz    the device-core fuzzer for FUZZ_SECONDS (default 600)
#   make bench   benchmarks: docs/benchmarks.md and docs/bench/*.png
#   make bench-check  the benchmark twice: exit 1 if a ratio row does not repeat
#   make versions  what was resolved: guest kernels and their packages,
#                QEMU sources, compilers (make test prints it too)
#   make soak    the robustness and stress runs of make test, longer:
#                SOAK_SECONDS (default 600) each for the ioctl fuzzer and
#                the stress run, the counted runs scaled to match, and the
#                device-core fuzzer for as long, on every KERNEL
#   make mutants the historical SVA driver bugs of tests/mutants, one at a
#                time: each must be killed by its scenarios (6.12 unless
#                KERNEL= is given; MUTANTS="name ..." picks some)
#   make install the module for KERNEL, libsvmedu (static and shared), the
#                tools, headers, svmedu.pc and man pages, into
#                DESTDIR/PREFIX (PREFIX=/usr/local); make install-lib only
#                libsvmedu; make install-dkms the DKMS source tree
#
# Both install what they need (Debian packages, QEMU source, guest kernels)
# on first use. Everything built lands in build/.
#
# Variables: KERNEL=6.1|6.12|latest (guest kernel series), QEMU=7.2|10,
# ACCEL=tcg|kvm, V=1 (the QEMU build's whole output; by default it shows
# a progress line and keeps the output in build/logs/).

ifneq ($(KERNEL),)
TEST_KERNELS := $(KERNEL)
else
TEST_KERNELS := 6.1 6.12 latest
endif
KERNEL ?= 6.1
QEMU ?= 7.2
TEST_QEMUS := 7.2 10
export KERNEL ACCEL QEMU

B := build
CC := gcc
CFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude

KDIR_FILE := $(B)/kernel/$(KERNEL)/kdir
MOD_DIR := $(B)/module/$(KERNEL)/driver
KO := $(MOD_DIR)/svm_edu.ko
INITRAMFS := $(B)/initramfs/$(KERNEL).cpio.gz

UAPI_HDRS := include/svm_edu_hw.h include/uapi/svm_edu.h
SVMCTL_SRCS := $(wildcard guest-userspace/svmctl/*.c)
SVMCTL_HDRS := $(wildcard guest-userspace/svmctl/*.h) $(UAPI_HDRS)
LIB_SRCS := $(wildcard guest-userspace/lib/*.c)
LIB_HDRS := guest-userspace/lib/svmedu.h $(UAPI_HDRS)
# libsvmedu's ABI version, MAJOR.MINOR (guest-userspace/lib/VERSION; what
# bumps which: man/libsvmedu.3.md, VERSIONING). The package version
# (VERSION) is the driver's and DKMS's.
LIB_VERSION := $(shell cat guest-userspace/lib/VERSION)
LIB_MAJOR := $(firstword $(subst ., ,$(LIB_VERSION)))
LIB_SO := $(B)/guest/lib/libsvmedu.so.$(LIB_VERSION)
LIB_MAP := guest-userspace/lib/libsvmedu.map

# The kselftest-style harness of the test programs (docs/testing.md).
HARNESS_SRCS := $(wildcard guest-userspace/harness/*.c)
HARNESS_HDRS := guest-userspace/harness/svm_test_harness.h
DMATEST_SRCS := $(wildcard guest-userspace/svm-dma-test/*.c) $(HARNESS_SRCS)
DMATEST_HDRS := $(wildcard guest-userspace/svm-dma-test/*.h) $(LIB_HDRS) $(HARNESS_HDRS)
BENCH_SRCS := $(wildcard guest-userspace/svm-bench/*.c)
BENCH_HDRS := $(wildcard guest-userspace/svm-bench/*.h) $(LIB_HDRS)
GUEST_BINS := $(B)/guest/bin/svmctl $(B)/guest/bin/svm-dma-test $(B)/guest/bin/svm-bench \
	$(B)/guest/bin/svm-hostile

# The device core without the QEMU glue (svm-edu.c, and its guest-RAM page
# cache svm-edu-ram.c) and without the QEMU side of its trace points
# (svm-edu-trace.c): the host builds bring their own, tests/unit/trace_host.c.
QEMU_GLUE := qemu-device/svm-edu-trace.c qemu-device/svm-edu-ram.c
CORE_SRCS := $(filter-out $(QEMU_GLUE),$(wildcard qemu-device/svm-edu-*.c))
CORE_HDRS := $(filter-out qemu-device/svm-edu-compat.h qemu-device/svm-edu-ram.h,$(wildcard qemu-device/svm-edu-*.h)) \
	include/svm_edu_hw.h
FAKE_SRCS := tests/unit/fake_guest.c tests/unit/trace_host.c
FAKE := $(FAKE_SRCS) tests/unit/fake_guest.h tests/unit/trace_host.h tests/unit/tap.h
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
FUZZER := $(B)/fuzz/fuzz_core
FUZZ_SECONDS ?= 600

.PHONY: all deps qemu qemus matrix kernel module userspace initramfs guest run unit fuzz soak mutants \
	test check bench bench-check man install install-dkms install-lib versions clean distclean help FORCE

all: guest

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# Debian packages and the deb-src entry; redone when the list changes.
$(B)/.deps-ok: scripts/deps.sh
	@mkdir -p $(B)
	bash scripts/deps.sh
	@touch $@
deps: $(B)/.deps-ok

# QEMU=7.2 (build/qemu) or QEMU=10 (build/qemu-10).
qemu: deps
	bash scripts/build-qemu.sh

# Both QEMUs, for make test and make matrix.
qemus: deps
	@for q in $(TEST_QEMUS); do QEMU=$$q bash scripts/build-qemu.sh || exit 1; done

kernel: deps
	@bash scripts/kernel.sh $(KERNEL) >/dev/null

# scripts/kbuild.sh links the sources into $(MOD_DIR) (Kbuild wants them in
# the module's folder) and builds there, in the sid build root for kernels
# the host cannot build for. W=1 with -Werror: a warning fails the build.
module: kernel
	bash scripts/kbuild.sh $(KERNEL) W=1 KCFLAGS=-Werror

userspace: deps $(GUEST_BINS) $(LIB_SO)

$(B)/guest/bin/svmctl: $(SVMCTL_SRCS) $(SVMCTL_HDRS) $(B)/guest/lib/libsvmedu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iguest-userspace/lib -o $@ $(SVMCTL_SRCS) \
		$(B)/guest/lib/libsvmedu.a -lpci

$(B)/guest/lib/libsvmedu.a: $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(B)/guest/lib/obj
	for f in $(LIB_SRCS); do \
		$(CC) $(CFLAGS) -c -o $(B)/guest/lib/obj/$$(basename $$f .c).o $$f || exit 1; \
	done
	ar rcs $@ $(B)/guest/lib/obj/*.o

$(B)/guest/bin/svm-bench: $(BENCH_SRCS) $(BENCH_HDRS) $(B)/guest/lib/libsvmedu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iguest-userspace/lib -o $@ $(BENCH_SRCS) $(B)/guest/lib/libsvmedu.a

$(B)/guest/bin/svm-hostile: guest-userspace/svm-hostile/hostile.c include/svm_edu_hw.h \
		$(HARNESS_SRCS) $(HARNESS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iguest-userspace/harness -o $@ $< $(HARNESS_SRCS)

# The shared library: its own position-independent objects, the soname
# libsvmedu.so.MAJOR and the symbol versions of libsvmedu.map.
$(LIB_SO): $(LIB_SRCS) $(LIB_HDRS) $(LIB_MAP) guest-userspace/lib/VERSION
	@mkdir -p $(B)/guest/lib/pic
	for f in $(LIB_SRCS); do \
		$(CC) $(CFLAGS) -fPIC -c -o $(B)/guest/lib/pic/$$(basename $$f .c).o $$f || exit 1; \
	done
	$(CC) -shared -Wl,-soname,libsvmedu.so.$(LIB_MAJOR) \
		-Wl,--version-script,$(LIB_MAP) -Wl,--no-undefined -o $@ \
		$(B)/guest/lib/pic/*.o
	ln -sf libsvmedu.so.$(LIB_VERSION) $(B)/guest/lib/libsvmedu.so.$(LIB_MAJOR)
	ln -sf libsvmedu.so.$(LIB_MAJOR) $(B)/guest/lib/libsvmedu.so

# libsvmedu for other programs: make install-lib [PREFIX=/usr/local] [DESTDIR=]
PREFIX ?= /usr/local
LIBDIR := $(DESTDIR)$(PREFIX)/lib
install-lib: $(B)/guest/lib/libsvmedu.a $(LIB_SO)
	install -D -m 644 $(B)/guest/lib/libsvmedu.a $(LIBDIR)/libsvmedu.a
	install -D -m 755 $(LIB_SO) $(LIBDIR)/libsvmedu.so.$(LIB_VERSION)
	ln -sf libsvmedu.so.$(LIB_VERSION) $(LIBDIR)/libsvmedu.so.$(LIB_MAJOR)
	ln -sf libsvmedu.so.$(LIB_MAJOR) $(LIBDIR)/libsvmedu.so
	install -D -m 644 guest-userspace/lib/svmedu.h $(DESTDIR)$(PREFIX)/include/svmedu/svmedu.h
	install -D -m 644 include/svm_edu_hw.h $(DESTDIR)$(PREFIX)/include/svmedu/svm_edu_hw.h
	install -D -m 644 include/uapi/svm_edu.h $(DESTDIR)$(PREFIX)/include/svmedu/uapi/svm_edu.h
	mkdir -p $(LIBDIR)/pkgconfig
	sed 's|@PREFIX@|$(PREFIX)|; s|@VERSION@|$(LIB_VERSION)|' \
		guest-userspace/lib/svmedu.pc.in >$(LIBDIR)/pkgconfig/svmedu.pc

# Everything: make install [KERNEL=6.1] [PREFIX=/usr/local] [DESTDIR=]. The
# module goes where the kernel's modules_install puts it, under
# $(DESTDIR)/lib/modules/KVER/updates (kbuild.sh picks host or build root),
# xz-compressed as Debian's kernels want. Debian's headers carry no signing
# key (Debian signs its own modules apart), so signing is not attempted;
# they carry no System.map either, so Kbuild skips depmod: it runs here
# when installing into the system (a package runs it when installed).
install: module install-lib $(GUEST_BINS) man
	bash scripts/kbuild.sh $(KERNEL) INSTALL_MOD_PATH=$(abspath $(DESTDIR)) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= modules_install
	[ -n "$(DESTDIR)" ] || depmod $$(cat $$(cat $(KDIR_FILE))/include/config/kernel.release)
	install -D -m 755 -t $(DESTDIR)$(PREFIX)/bin $(GUEST_BINS)
	for m in $(MAN_PAGES); do \
		install -D -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$$(basename $$m) || exit 1; \
	done

# Manual pages: man/NAME.N.md is each page's one source, converted to
# roff in build/man/NAME.N.
MAN_PAGES := $(patsubst man/%.md,$(B)/man/%,$(wildcard man/*.md))
man: $(MAN_PAGES)
$(B)/man/%: man/%.md scripts/md2man.py
	@mkdir -p $(dir $@)
	python3 scripts/md2man.py $< $@

# The DKMS source tree: make install-dkms [DESTDIR=], then
# dkms install svm-edu/$(PKG_VERSION). tests/install/check-dkms.sh builds it
# with dkms in trees under build/.
PKG_VERSION := $(shell cat VERSION)
DKMS_SRC := $(DESTDIR)/usr/src/svm-edu-$(PKG_VERSION)
install-dkms:
	install -D -m 644 -t $(DKMS_SRC)/driver driver/*.c driver/*.h driver/Kbuild \
		driver/Makefile
	install -D -m 644 -t $(DKMS_SRC)/include include/svm_edu_hw.h
	install -D -m 644 -t $(DKMS_SRC)/include/uapi include/uapi/svm_edu.h
	sed 's|@VERSION@|$(PKG_VERSION)|' driver/dkms.conf >$(DKMS_SRC)/dkms.conf

$(B)/guest/bin/svm-dma-test: $(DMATEST_SRCS) $(DMATEST_HDRS) $(B)/guest/lib/libsvmedu.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iguest-userspace/lib -Iguest-userspace/harness -o $@ \
		$(DMATEST_SRCS) $(B)/guest/lib/libsvmedu.a

initramfs: module userspace
	@mkdir -p $(B)/initramfs
	bash scripts/mk-initramfs.sh $(KERNEL) $(INITRAMFS)

guest: qemu kernel initramfs

run: guest
	scripts/run-guest -n run -- 'svmctl list && svmctl attribution on && \
		svm-dma-test copy munmap-remap cow mprotect move-pages thp-split && \
		svmctl stats && svmctl sources'

# Host unit tests: the device core with a fake guest behind its host ops.
$(B)/tests/%: tests/unit/%.c $(CORE_SRCS) $(CORE_HDRS) $(FAKE)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread -Iqemu-device -Itests/unit -o $@ $< \
		$(FAKE_SRCS) $(CORE_SRCS)

# The name lists of include/ against docs/ and man/: a host program alone.
$(B)/tests/test_names: tests/unit/test_names.c include/svm_edu_hw.h include/uapi/svm_edu.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DSVM_TOP='"$(CURDIR)"' -o $@ $<

# The guest programs' harness, on the host: test_harness runs harness_demo,
# whose tests pass, fail, skip, crash and time out on purpose.
$(B)/tests/harness_demo: tests/unit/harness_demo.c $(HARNESS_SRCS) $(HARNESS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iguest-userspace/harness -o $@ $< $(HARNESS_SRCS)

$(B)/tests/test_harness: tests/unit/test_harness.c tests/unit/tap.h $(B)/tests/harness_demo
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $<

unit: deps $(UNIT_TESTS)

# libFuzzer with ASan and UBSan over the core; 'make fuzz' runs it for
# FUZZ_SECONDS (600), 'make test' for 30 s. The corpus stays in build/fuzz/.
$(FUZZER): tests/fuzz/fuzz_core.c $(CORE_SRCS) $(CORE_HDRS) $(FAKE)
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -pthread -Iinclude -Iqemu-device \
		-Itests/unit -o $@ $< $(FAKE_SRCS) $(CORE_SRCS)

fuzz: deps $(FUZZER)
	bash tests/fuzz/run-fuzz.sh $(FUZZER) $(B)/fuzz/corpus $(FUZZ_SECONDS)

# Benchmarks: a table in docs/benchmarks.md and plots in docs/bench/.
$(B)/bench/host_memcpy: tests/bench/host_memcpy.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -o $@ $<

bench: guest $(B)/bench/host_memcpy
	bash scripts/bench.sh

# Does the benchmark repeat? Two passes compared row by row (not part of
# make test: several minutes of TCG, and a loaded host can fail it).
bench-check: guest $(B)/bench/host_memcpy
	bash scripts/bench-check.sh

test: unit $(FUZZER) qemus
	@for k in $(TEST_KERNELS); do $(MAKE) --no-print-directory guest KERNEL=$$k QEMU=7.2 || exit 1; done
	@bash scripts/versions.sh
	bash tests/run.sh $(TEST_KERNELS)

# The quick tier: tests/run.sh --quick, on KERNEL and QEMU only.
check: unit
	@$(MAKE) --no-print-directory guest KERNEL=$(KERNEL) QEMU=$(QEMU)
	SVM_TEST_QEMUS=$(QEMU) bash tests/run.sh --quick $(KERNEL)

matrix: unit $(FUZZER) qemus
	@for k in $(TEST_KERNELS); do $(MAKE) --no-print-directory guest KERNEL=$$k QEMU=7.2 || exit 1; done
	@bash scripts/versions.sh
	bash tests/run.sh --matrix $(TEST_KERNELS)

versions:
	@bash scripts/versions.sh

# The historical SVA bugs of tests/mutants, one at a time (6.12 unless
# KERNEL= is given): scripts/mutants.sh, table in docs/testing.md.
MUTANTS_KERNEL := $(if $(filter command line environment,$(origin KERNEL)),$(KERNEL),6.12)
mutants: deps
	@$(MAKE) --no-print-directory guest KERNEL=$(MUTANTS_KERNEL)
	bash scripts/mutants.sh $(MUTANTS_KERNEL) $(MUTANTS)

SOAK_SECONDS ?= 600
soak: deps $(FUZZER) qemu
	@for k in $(TEST_KERNELS); do $(MAKE) --no-print-directory guest KERNEL=$$k || exit 1; done
	SVM_SOAK_SECONDS=$(SOAK_SECONDS) bash tests/run.sh --soak $(TEST_KERNELS)

# Keeps downloads (QEMU source, guest kernels) and the QEMU build.
clean:
	rm -rf $(B)/module $(B)/guest $(B)/initramfs $(B)/tests $(B)/logs $(B)/man \
		$(B)/install-check $(B)/dkms-check

distclean:
	rm -rf $(B)
