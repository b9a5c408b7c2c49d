# alter: a static HTTPS client for Alter's developer portal.
# Settings first; nothing below the line needs editing.

VERSION   = 0.1.0
CC        = musl-gcc
PREFIX    = /usr/local
DESTDIR   =
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share
MANDIR    = $(DATADIR)/man
BUILD     = build
# Folder holding the Debian source packages of BearSSL, cJSON and
# ca-certificates.  On an air-gapped host, copy the eight files (.dsc,
# .orig.tar.*, .debian.tar.xz, ca-certificates_*.tar.xz) here.
DEPS_DIR  = $(BUILD)/dl
# The roots compiled into the binary as its last-resort trust anchors: empty
# means Mozilla's list (CERTDATA_TAR below); CA_BUNDLE=FILE compiles in that
# PEM bundle instead.  The build host's own bundle is never read otherwise.
CA_BUNDLE =
# Where the generated anchor table goes (tests build a second binary).
ANCHORS_C = $(BUILD)/anchors.c
ALTER     = alter
# The target: the build host's (uname -m) by default; ARCH=aarch64 on an
# x86_64 host cross-builds into $(BUILD)/aarch64/ (see "cross build" below).
ARCH      = $(HOST_ARCH)
# Set to 1 on Alpine to link its static bearssl-dev and cjson-dev instead.
SYSTEM_LIBS = 0
# make check-sanitize and make fuzz: clang with compiler-rt; seconds per fuzzer;
# test files run at once by check-sanitize and check-valgrind.
SAN_CC    = clang
FUZZ_SECONDS = 10
SAN_JOBS  = 2
# The shell tests check-valgrind runs (CI runs a subset to save time).
VALGRIND_TESTS = tests/t[0-9]*.sh

# -flto over alter's objects, BearSSL and cJSON together saves about 4.5 KB
# (docs/design.md, "Crypto choices"); AR must be the LTO-aware archiver.  Fat objects
# also hold plain code, for make bench's per-origin size split.
AR        = gcc-ar
CFLAGS    = -std=c99 -D_DEFAULT_SOURCE -Oz -flto -ffat-lto-objects -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers \
            -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
            -ffile-prefix-map=$(CURDIR)=. -DCJSON_NESTING_LIMIT=128
DEP_CFLAGS = -Oz -flto -ffat-lto-objects -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
# BearSSL's hottest small loops at -O3, linked ahead of the library: the
# constant-time lookup br_ccopy (vectorised: 7% fewer instructions on a
# P-384 chain for 440 bytes) and the i31 add/sub/muladd (1% more, 0 bytes).
HOT_SRC    = codec/ccopy.c int/i31_add.c int/i31_sub.c int/i31_muladd.c
HOT_CFLAGS = -O3 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
# -z norelro: only a dynamic linker applies RELRO, so in a static musl binary
# it protects nothing and its page alignment costs up to 4 KiB.
# -z common-page-size=64: otherwise ld pads the file to a page boundary
# before the data segment whenever that saves one page of memory, so that
# the stripped size jumps by up to 4 KiB with a few bytes of code.
LDFLAGS   = -Oz -flto -flto-partition=one -static -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,norelro \
            -Wl,-z,common-page-size=64

# ---- nothing below needs editing ----

# One line per step ("  CC   alter.c"); make V=1 shows the full commands.
V = 0
ifeq ($(V),1)
Q =
say =
else
Q = @
say = @printf '  %-4s %s\n' '$(1)' '$(2)';
endif

# Reproducible builds: tools that honour it use the commit's time, not now.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
SOURCE_DATE_EPOCH := $(SOURCE_DATE_EPOCH)
export SOURCE_DATE_EPOCH

BEARSSL_ORIG = bearssl_0.6+dfsg.1.orig.tar.xz
BEARSSL_SHA  = 102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
CJSON_ORIG   = cjson_1.7.15.orig.tar.gz
CJSON_SHA    = 5308fd4bd90cef7aa060558514de6a1a4a0819974a26e6ed13973c5f624c24b2

# Mozilla's root list: NSS's certdata.txt as Debian's ca-certificates source
# package ships it (a native package: one tarball, whose version is the
# list's), fetched through apt with BearSSL and cJSON, checked against
# CERTDATA_SHA; the version goes to build/certdata.rev.
CERTDATA_TAR = ca-certificates_20230311+deb12u1.tar.xz
CERTDATA_SHA = 4cd6bbd5577a16432438bc1006dc05c333afacb76104fc3564612858c8ee3280
CERTDATA_VERSION = $(patsubst ca-certificates_%.tar.xz,%,$(CERTDATA_TAR))
MOZILLA_PEM  = $(BUILD)/mozilla-roots.pem
ifeq ($(CA_BUNDLE),)
ROOTS_PEM    = $(MOZILLA_PEM)
ROOTS_SOURCE = 'Mozilla roots (Debian ca-certificates $(CERTDATA_VERSION))'
else
ROOTS_PEM    = $(CA_BUNDLE)
ROOTS_SOURCE =
endif

BSSL   = $(BUILD)/src/bearssl
TESTTMP = tests/tmp
CJ     = $(BUILD)/src/cjson
OBJ    = $(BUILD)/obj

LIBSRC = util.c malloc.c strtol.c file.c text.c net.c tls.c tls_x509.c trust.c http.c http_parse.c x509.c creds.c store.c store_url.c store_write.c scopes.c json.c json_print.c json_out.c width.c endpoints.c fmt.c fmt_dec.c
LIBOBJ = $(LIBSRC:%.c=$(OBJ)/%.o)
TOOLOBJ = $(OBJ)/alter.o $(OBJ)/cli.o $(OBJ)/api.o $(OBJ)/auth.o $(OBJ)/link.o \
          $(OBJ)/portal_rows.o $(OBJ)/portal_run.o $(OBJ)/portal_check.o
UNITS  = $(patsubst tests/%.c,$(BUILD)/%,$(wildcard tests/unit_*.c))
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

ifeq ($(SYSTEM_LIBS),1)
DEPINC  =
DEPLIBS = -lbearssl -lcjson
DEPS    =
else
DEPINC  = -I$(BSSL)/inc -I$(CJ)
HOT_OBJ = $(HOT_SRC:%.c=$(OBJ)/hot/%.o)
DEPLIBS = $(HOT_OBJ) $(BSSL)/build/libbearssl.a $(OBJ)/cJSON.o
DEPS    = $(HOT_OBJ) $(BSSL)/build/libbearssl.a $(OBJ)/cJSON.o
endif
ALL_CFLAGS = $(CFLAGS) -DALTER_VERSION='"$(VERSION)"' -I. -I$(BUILD) $(DEPINC)

# ---- cross build: make ARCH=aarch64 (make check ARCH=aarch64) ----
# Debian's packages only: gcc-aarch64-linux-gnu, musl-dev:arm64 (its
# aarch64-linux-musl-gcc wrapper adds the specs file it ships,
# /usr/lib/aarch64-linux-musl/musl-gcc.specs) and qemu-user-static, which
# runs the tests' binaries, called by name (no binfmt needed).  ./dev.sh
# cross installs them.  Everything lands in $(BUILD)/$(ARCH)/, the binary
# too ($(BUILD)/aarch64/alter); BearSSL and cJSON are built there from the
# same pinned sources.  The anchor table's generator is compiled for and
# run on the build host.  Natively, STRIP is strip and EMU is empty.
HOST_ARCH := $(shell uname -m)
HOST_CC   := $(CC)
HOST_BUILD := $(BUILD)
STRIP     = strip
EMU       =
# aarch64: no unwind tables (gcc makes them by default there: 19 KB of
# .eh_frame nothing reads), and the tiny code model (one ADR for an
# address, not ADRP+ADD: the binary is far below its 1 MiB reach), and no
# position-independent code (the static binary is not PIE anyway): 24 KB less.
ARCH_CFLAGS_aarch64 = -fno-unwind-tables -mcmodel=tiny -fno-pie
ARCH_CFLAGS = $(ARCH_CFLAGS_$(ARCH))
CFLAGS    += $(ARCH_CFLAGS)
DEP_CFLAGS += $(ARCH_CFLAGS)
# tools/sbom.sh and the tests read it (never an ARCH from the caller's
# environment: the assignment above wins over it).
export ARCH
ifneq ($(ARCH),$(HOST_ARCH))
.DEFAULT_GOAL := all
DEPS_DIR  := $(DEPS_DIR)
BUILD     = $(HOST_BUILD)/$(ARCH)
CC        = $(ARCH)-linux-musl-gcc
ALTER     = $(BUILD)/alter
STRIP     = $(ARCH)-linux-gnu-strip
AR        = $(ARCH)-linux-gnu-gcc-ar
EMU       = qemu-$(ARCH)-static
TESTTMP   = tests/tmp/$(ARCH)
# Both host tools (the anchor table's generator and the certdata.txt
# reader) are compiled for the build host and run there.
HOST_DEPS = $(HOT_SRC:%.c=$(HOST_BUILD)/obj/hot/%.o) $(HOST_BUILD)/src/bearssl/build/libbearssl.a \
            $(HOST_BUILD)/obj/cJSON.o
$(BUILD)/mkanchors $(BUILD)/certdata: private CC = $(HOST_CC)
$(BUILD)/mkanchors $(BUILD)/certdata: private ARCH_CFLAGS =
$(BUILD)/mkanchors: private DEPLIBS = $(HOST_DEPS)
$(BUILD)/mkanchors: $(HOST_DEPS)
$(HOST_DEPS) &:
	$(Q)$(MAKE) $(if $(Q),-s --no-print-directory) ARCH=$(HOST_ARCH) deps
# The tests run alter through $(BUILD)/alter-emu, a two-line script that
# execs qemu on it (absolute paths: some tests empty the environment), the
# unit tests through $(EMU) (tests/run.sh); ALTER_BIN is the binary itself.
$(BUILD)/alter-emu: $(ALTER)
	$(call say,GEN,$@)printf '#!/bin/sh\nexec %s %s "$$@"\n' "$$(command -v $(EMU))" '$(CURDIR)/$(ALTER)' >$@
	$(Q)chmod 755 $@
EMU_BIN  := $(CURDIR)/$(ALTER)
check: $(BUILD)/alter-emu
check: private export EMU := $(EMU)
check: private export BUILD := $(BUILD)
check: private export ALTER := $(CURDIR)/$(BUILD)/alter-emu
check: private export ALTER_BIN := $(EMU_BIN)
endif

.PHONY: all check demo clean install uninstall sbom reproduce-check deps bench FORCE
all: $(ALTER)

$(ALTER): $(TOOLOBJ) $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPS)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@.unstripped $(TOOLOBJ) $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPLIBS)
	$(call say,STRIP,$@)$(STRIP) --strip-all -R .comment -o $@ $@.unstripped

$(OBJ)/%.o: %.c $(wildcard *.h) $(BUILD)/deps.h $(DEPS) | $(OBJ)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(ANCHORS_C:.c=.o): $(ANCHORS_C)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(ANCHORS_C): $(ROOTS_PEM) $(BUILD)/mkanchors
	$(call say,GEN,$@)$(BUILD)/mkanchors $(ROOTS_PEM) $(ROOTS_SOURCE) > $@.tmp && mv $@.tmp $@

$(BUILD)/mkanchors: tools/mkanchors.c $(DEPS)
	$(call say,CC,tools/mkanchors.c)$(CC) $(ALL_CFLAGS) -static -o $@ tools/mkanchors.c $(DEPLIBS)

$(OBJ):
	$(Q)mkdir -p $@

# ---- compiled-in roots: Mozilla's list, from Debian's ca-certificates ----
$(DEPS_DIR)/$(CERTDATA_TAR):
	tools/fetch-deps.sh $(DEPS_DIR)

$(BUILD)/certdata: tools/certdata.c | $(OBJ)
	$(call say,CC,tools/certdata.c)$(CC) $(CFLAGS) -static -o $@ tools/certdata.c

# The roots Mozilla trusts for server authentication, minus those whose
# server-distrust date has passed.  "Passed" is relative to SOURCE_DATE_EPOCH
# (the commit's time), not the build's wall clock, so that every build of a
# commit compiles in the same roots; roots.epoch changes only with it.
$(BUILD)/roots.epoch: FORCE | $(OBJ)
	@echo $(SOURCE_DATE_EPOCH) | cmp -s - $@ || echo $(SOURCE_DATE_EPOCH) > $@

$(MOZILLA_PEM): $(DEPS_DIR)/$(CERTDATA_TAR) $(BUILD)/certdata $(BUILD)/roots.epoch
	@echo '$(CERTDATA_SHA)  $(DEPS_DIR)/$(CERTDATA_TAR)' | sha256sum -c --status || \
	    { echo "$(DEPS_DIR)/$(CERTDATA_TAR): sha256 is not CERTDATA_SHA $(CERTDATA_SHA)" >&2; exit 1; }
	$(call say,GEN,$@)tar -xOf $(DEPS_DIR)/$(CERTDATA_TAR) --wildcards '*/mozilla/certdata.txt' > $(BUILD)/certdata.txt
	$(Q)$(BUILD)/certdata $(BUILD)/certdata.txt $(SOURCE_DATE_EPOCH) > $@.tmp && mv $@.tmp $@
	$(Q)printf '%s\n' '$(CERTDATA_VERSION)' > $(BUILD)/certdata.rev.tmp && mv $(BUILD)/certdata.rev.tmp $(BUILD)/certdata.rev

# Dependencies: fetched through apt (signed index), checked against the
# pinned upstream sha256, patched with the Debian revision found.
deps: $(DEPS)

$(DEPS_DIR)/.fetched:
	$(call say,GET,$(DEPS_DIR))tools/fetch-deps.sh $(DEPS_DIR)
	$(Q)touch $@

# Our own small patches to BearSSL, after Debian's (docs/design.md, "Crypto choices").
BEARSSL_PATCHES = $(sort $(wildcard patches/bearssl-*.patch))

$(BSSL)/.ready: $(DEPS_DIR)/.fetched tools/prepare-dep.sh $(BEARSSL_PATCHES)
	$(call say,PREP,$(BSSL))tools/prepare-dep.sh $(DEPS_DIR) $(BEARSSL_ORIG) $(BEARSSL_SHA) \
	    'bearssl_0.6+dfsg.1-*.debian.tar.xz' bearssl-0.6 $(BSSL) $(BUILD)/bearssl.rev $(BEARSSL_PATCHES)
	$(Q)touch $@

$(CJ)/.ready: $(DEPS_DIR)/.fetched tools/prepare-dep.sh
	$(call say,PREP,$(CJ))tools/prepare-dep.sh $(DEPS_DIR) $(CJSON_ORIG) $(CJSON_SHA) \
	    'cjson_1.7.15-*.debian.tar.xz' cJSON-1.7.15 $(CJ) $(BUILD)/cjson.rev
	$(Q)touch $@

# BearSSL's own Makefile: silent (-s) unless V=1; its errors still show.
$(BSSL)/build/libbearssl.a: $(BSSL)/.ready
	$(call say,AR,libbearssl.a)$(MAKE) $(if $(Q),-s --no-print-directory) -C $(BSSL) lib CC=$(CC) AR=$(AR) \
	    CFLAGS='$(DEP_CFLAGS) -ffile-prefix-map=$(CURDIR)/$(BSSL)=bearssl'

$(OBJ)/hot/%.o: $(BSSL)/.ready
	$(Q)mkdir -p $(@D)
	$(call say,CC,$*.c)$(CC) $(HOT_CFLAGS) -I$(BSSL)/src -I$(BSSL)/inc -ffile-prefix-map=$(CURDIR)/$(BSSL)=bearssl \
	    -c -o $@ $(BSSL)/src/$*.c

$(OBJ)/cJSON.o: $(CJ)/.ready | $(OBJ)
	$(call say,CC,cJSON.c)$(CC) $(DEP_CFLAGS) -DCJSON_NESTING_LIMIT=128 -ffile-prefix-map=$(CURDIR)/$(CJ)=cjson -c -o $@ $(CJ)/cJSON.c

$(BUILD)/deps.h: $(DEPS) | $(OBJ)
	$(call say,GEN,$@)printf '#define ALTER_BEARSSL_REV "%s"\n#define ALTER_CJSON_REV "%s"\n' \
	    "$$(cat $(BUILD)/bearssl.rev 2>/dev/null || echo system)" \
	    "$$(cat $(BUILD)/cjson.rev 2>/dev/null || echo system)" > $@
	$(Q)printf '#define ALTER_BEARSSL_PATCHES "%s"\n' \
	    "$$(paste -sd, $(BUILD)/bearssl.patches 2>/dev/null | sed 's/,/, /g')" >> $@

# Tests.
$(BUILD)/unit_%: tests/unit_%.c tests/unit.h $(LIBOBJ) $(DEPS)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Werror $(LDFLAGS) -o $@ $< $(LIBOBJ) $(DEPLIBS)

# fmt.c + fmt_dec.c (the binary's printf family and strtod) against glibc's,
# both built with the host's gcc, their functions renamed fmt_*; run with
# the unit tests (natively: it is a host program).
$(HOST_BUILD)/unit_fmt_glibc: tests/helper/fmt_glibc.c fmt.c fmt_dec.c fmt_dec.h tests/unit.h
	$(call say,CC,$<)gcc -std=c99 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Wshadow -Werror \
	    '-DFMT_NAME(n)=fmt_##n' -o $@ tests/helper/fmt_glibc.c fmt.c fmt_dec.c -lm
ifeq ($(ARCH),$(HOST_ARCH))
check: $(HOST_BUILD)/unit_fmt_glibc
endif

# Every fuzz corpus file replayed through its harness (tests/fuzz/replay.c).
$(BUILD)/unit_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBOBJ) $(DEPS)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Werror -DCORPUS='"tests/fuzz/corpus/$*"' $(LDFLAGS) -o $@ \
	    tests/fuzz/replay.c $< $(LIBOBJ) $(DEPLIBS)

check: CFLAGS += -Werror
check: $(ALTER) $(UNITS) $(FUZZ_NAMES:%=$(BUILD)/unit_fuzz_%) $(TESTTMP)/pki/ca.pem \
    $(TESTTMP)/alter-testca
	$(Q)tests/run.sh

demo: $(ALTER)
	$(Q)tests/helper/demo.sh

# The completion scripts come from the binary's own command tables.
COMPLETIONS = $(BUILD)/completion/bash $(BUILD)/completion/zsh $(BUILD)/completion/fish
BASHCOMPDIR = $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  = $(DATADIR)/zsh/site-functions
FISHCOMPDIR = $(DATADIR)/fish/vendor_completions.d

$(BUILD)/completion/%: $(ALTER)
	$(Q)mkdir -p $(@D)
	$(call say,GEN,$@)$(EMU) $(abspath $(ALTER)) completion $* > $@.tmp && mv $@.tmp $@

install: $(ALTER) $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(ALTER) $(DESTDIR)$(BINDIR)/alter
	install -m 0644 alter.1 $(DESTDIR)$(MANDIR)/man1/alter.1
	install -m 0644 $(BUILD)/completion/bash $(DESTDIR)$(BASHCOMPDIR)/alter
	install -m 0644 $(BUILD)/completion/zsh $(DESTDIR)$(ZSHCOMPDIR)/_alter
	install -m 0644 $(BUILD)/completion/fish $(DESTDIR)$(FISHCOMPDIR)/alter.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/alter $(DESTDIR)$(MANDIR)/man1/alter.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/alter $(DESTDIR)$(ZSHCOMPDIR)/_alter \
	    $(DESTDIR)$(FISHCOMPDIR)/alter.fish

# A CycloneDX 1.5 bill of materials: what went into ./alter, by sha256.
sbom: $(BUILD)/sbom.json

$(BUILD)/sbom.json: $(ALTER) tools/sbom.sh
	$(call say,GEN,$@)VERSION=$(VERSION) ALTER=$(ALTER) CC=$(CC) CA_BUNDLE=$(CA_BUNDLE) BUILD=$(BUILD) \
	    CERTDATA_TAR=$(CERTDATA_TAR) CERTDATA_SHA=$(CERTDATA_SHA) \
	    BEARSSL_ORIG=$(BEARSSL_ORIG) BEARSSL_SHA=$(BEARSSL_SHA) \
	    CJSON_ORIG=$(CJSON_ORIG) CJSON_SHA=$(CJSON_SHA) tools/sbom.sh > $@.tmp && mv $@.tmp $@

# Two clean builds of HEAD from clones at different paths give the same
# bytes; the sources already in DEPS_DIR are reused, nothing is downloaded.
reproduce-check: $(DEPS_DIR)/.fetched $(DEPS_DIR)/$(CERTDATA_TAR)
	tools/reproduce-check.sh $(DEPS_DIR) '$(CA_BUNDLE)'

# make check also covers what make install and make sbom ship.
check: $(COMPLETIONS) $(BUILD)/sbom.json

clean:
	rm -rf $(BUILD) $(ALTER) $(ALTER).unstripped tests/tmp $(DIST)

# The test PKI and a binary whose compiled-in roots are the test CA.
$(TESTTMP)/pki/ca.pem: tests/helper/mkcerts.sh
	$(call say,GEN,$(TESTTMP)/pki)sh tests/helper/mkcerts.sh $(TESTTMP)/pki >/dev/null

$(TESTTMP)/anchors-testca.c: $(TESTTMP)/pki/ca.pem $(BUILD)/mkanchors
	$(call say,GEN,$@)$(BUILD)/mkanchors $(TESTTMP)/pki/ca.pem > $@.tmp && mv $@.tmp $@

$(TESTTMP)/anchors-testca.o: $(TESTTMP)/anchors-testca.c
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(TESTTMP)/alter-testca: $(TOOLOBJ) $(LIBOBJ) $(TESTTMP)/anchors-testca.o $(DEPS)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -s -o $@ $(TOOLOBJ) $(LIBOBJ) $(TESTTMP)/anchors-testca.o $(DEPLIBS)

# Benchmarks (make bench writes BENCHMARKS.md).
# bench_trust prints times with %f, which fmt.c (the binary's printf) leaves
# out: it keeps musl's printf family.
BENCH_LIBOBJ = $(filter-out $(OBJ)/fmt.o $(OBJ)/fmt_dec.o,$(LIBOBJ))
$(BUILD)/bench_trust: tests/helper/bench_trust.c $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BENCH_LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPLIBS)

$(BUILD)/bench_run: tests/helper/bench_run.c
	$(CC) $(CFLAGS) -static -o $@ tests/helper/bench_run.c

bench: $(ALTER) $(BUILD)/bench_trust $(BUILD)/bench_run $(TESTTMP)/pki/ca.pem
	CC=$(CC) python3 tests/helper/bench.py

# ---- under attack: sanitizers, valgrind, fuzzing ----
# Each build is against glibc in its own folder, from the BearSSL and cJSON
# sources already fetched (BearSSL's own Makefile, BUILD pointed outside its
# tree); the musl build is never touched.  The anchors are the musl build's
# generated file, compiled again.
ASAN_DIR  = $(BUILD)/asan
GLIBC_DIR = $(BUILD)/glibc
FUZZ_DIR  = $(BUILD)/fuzz
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LIB_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
VAR_CFLAGS = -std=c99 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Wshadow -Wstrict-prototypes \
            -Wno-missing-field-initializers -Werror -DCJSON_NESTING_LIMIT=128 \
            -DALTER_VERSION='"$(VERSION)"' -I. -I$(BUILD) -I$(BSSL)/inc -I$(CJ)
# Where sanitizer and valgrind reports go; any file there fails the run.
SAN_ENV   = ASAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_DIR)/reports/asan:exitcode=86:detect_leaks=1 \
            UBSAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_DIR)/reports/ubsan:halt_on_error=1:print_stacktrace=1:exitcode=87 \
            LSAN_OPTIONS=exitcode=88

# $(call variant,DIR,CC,FLAGS): alter, its unit tests and the corpus
# replayers (unit_fuzz_*), BearSSL and cJSON, compiled into DIR with FLAGS.
# The fuzzers link the ASan build's BearSSL: they need no coverage of it,
# and one sanitized BearSSL build fewer saves CI minutes.
vbssl = $(if $(filter $(FUZZ_DIR),$(1)),$(ASAN_DIR),$(1))/bearssl/libbearssl.a
# fmt.c + fmt_dec.c replace musl's printf and strtod; these builds keep glibc's (and ASan's interceptors).
# Their unit tests: not those of malloc.c and strtol.c, which these builds leave out.
VAR_UNITS = $(filter-out $(BUILD)/unit_malloc $(BUILD)/unit_strtod,$(UNITS))
vlibs = $(filter-out $(1)/fmt.o $(1)/fmt_dec.o $(1)/malloc.o $(1)/strtol.o,$(LIBOBJ:$(OBJ)/%=$(1)/%)) $(1)/anchors.o $(call vbssl,$(1)) $(1)/cJSON.o
define variant
$(1)/%.o: %.c $(wildcard *.h) $(BUILD)/deps.h | $(1)
	$(2) $(VAR_CFLAGS) $(3) -c -o $$@ $$<
$(1)/anchors.o: $(ANCHORS_C) | $(1)
	$(2) $(VAR_CFLAGS) $(3) -c -o $$@ $$<
$(1)/cJSON.o: $(CJ)/.ready | $(1)
	$(2) -g -O1 $(3) -DCJSON_NESTING_LIMIT=128 -c -o $$@ $(CJ)/cJSON.c
$(1)/bearssl/libbearssl.a: $(BSSL)/.ready
	$(MAKE) -s -C $(BSSL) lib CC='$(2)' AR=ar BUILD='$(CURDIR)/$(1)/bearssl' CFLAGS='-g -O1 $(3)'
$(1)/alter: $(TOOLOBJ:$(OBJ)/%=$(1)/%) $(call vlibs,$(1))
	$(2) $(3) -o $$@ $$^
$(1)/unit_%: tests/unit_%.c tests/unit.h $(call vlibs,$(1))
	$(2) $(VAR_CFLAGS) $(3) -o $$@ $$< $(call vlibs,$(1))
$(1)/unit_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(call vlibs,$(1))
	$(2) $(VAR_CFLAGS) $(3) -DCORPUS='"tests/fuzz/corpus/$$*"' -o $$@ tests/fuzz/replay.c $$< \
	    $(call vlibs,$(1))
$(1):
	mkdir -p $$@
endef

$(eval $(call variant,$(ASAN_DIR),$(SAN_CC),$(SAN_FLAGS)))
$(eval $(call variant,$(GLIBC_DIR),gcc,))
$(eval $(call variant,$(FUZZ_DIR),$(SAN_CC),$(FUZZ_LIB_FLAGS)))

# The libFuzzer harnesses: build/fuzz/fuzz_NAME from tests/fuzz/fuzz_NAME.c.
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(call vlibs,$(FUZZ_DIR))
	$(SAN_CC) $(VAR_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ $^

.PHONY: check-sanitize check-valgrind fuzz
# The whole suite against alter and unit tests built with ASan and UBSan.
check-sanitize: $(ASAN_DIR)/alter $(VAR_UNITS:$(BUILD)/%=$(ASAN_DIR)/%) \
    $(FUZZ_NAMES:%=$(ASAN_DIR)/unit_fuzz_%) $(TESTTMP)/pki/ca.pem
	rm -rf $(ASAN_DIR)/reports && mkdir -p $(ASAN_DIR)/reports
	SANITIZE=1 JOBS=$(SAN_JOBS) BUILD=$(ASAN_DIR) ALTER=$(CURDIR)/$(ASAN_DIR)/alter $(SAN_ENV) \
	    tests/run.sh
	@! ls $(ASAN_DIR)/reports/* 2>/dev/null || { cat $(ASAN_DIR)/reports/*; exit 1; }

# The shell tests against a plain glibc build run under valgrind
# (tests/helper/valgrind.sh): no memory error, no definite leak.
check-valgrind: $(GLIBC_DIR)/alter $(TESTTMP)/pki/ca.pem
	rm -rf $(GLIBC_DIR)/reports && mkdir -p $(GLIBC_DIR)/reports
	SANITIZE=1 JOBS=$(SAN_JOBS) TESTS='$(VALGRIND_TESTS)' BUILD=$(GLIBC_DIR)/no-unit-tests ALTER=$(CURDIR)/tests/helper/valgrind.sh \
	    VALGRIND_ALTER=$(CURDIR)/$(GLIBC_DIR)/alter VALGRIND_LOGS=$(CURDIR)/$(GLIBC_DIR)/reports \
	    tests/run.sh
	@! grep -l . $(GLIBC_DIR)/reports/* 2>/dev/null || { cat $(GLIBC_DIR)/reports/*; exit 1; }

# Every harness for FUZZ_SECONDS, starting from its committed corpus.
fuzz: $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_DIR) $(FUZZ_NAMES)

# ---- release archives: make dist ----
# One archive per architecture of DIST_ARCHES (each built by make ARCH=A:
# the build host's natively, the other cross-compiled), each with its
# CycloneDX SBOM, and SHA256SUMS over all of them (tools/dist.sh).
# make reproduce-check builds dist/ twice from clean clones and compares.
DIST        = dist
DIST_ARCHES = x86_64 aarch64
.PHONY: dist dist-arch
dist:
	rm -rf $(DIST) && mkdir -p $(DIST)
	# Made again: their timestamp is SOURCE_DATE_EPOCH, which no prerequisite tracks.
	rm -f $(HOST_BUILD)/sbom.json $(HOST_BUILD)/*/sbom.json
	for a in $(DIST_ARCHES); do $(MAKE) ARCH=$$a dist-arch || exit 1; done
	cd $(DIST) && LC_ALL=C sha256sum alter-* >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	cat $(DIST)/SHA256SUMS

dist-arch: $(ALTER) $(COMPLETIONS) $(BUILD)/sbom.json LICENSE README.md alter.1
	mkdir -p $(DIST)
	tools/dist.sh $(DIST) $(ARCH) $(VERSION) $(ALTER) $(BUILD)/completion $(BUILD)/sbom.json
