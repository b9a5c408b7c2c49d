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
# Folder holding the Debian source packages of BearSSL and cJSON.  On an
# air-gapped host, copy the six files (.dsc, .orig.tar.*, .debian.tar.xz) here.
DEPS_DIR  = $(BUILD)/dl
# The CA bundle compiled into the binary as its last-resort trust anchors.
CA_BUNDLE = /etc/ssl/certs/ca-certificates.crt
# Where the generated anchor table goes (tests build a second binary).
ANCHORS_C = $(BUILD)/anchors.c
ALTER     = alter
# Set to 1 on Alpine to link its static bearssl-dev and cjson-dev instead.
SYSTEM_LIBS = 0

CFLAGS    = -std=c99 -D_DEFAULT_SOURCE -Os -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers \
            -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
            -ffile-prefix-map=$(CURDIR)=. -DCJSON_NESTING_LIMIT=128
DEP_CFLAGS = -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
# -z norelro: only a dynamic linker applies RELRO, so in a static musl binary
# it protects nothing and its page alignment costs up to 4 KiB.
LDFLAGS   = -static -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,norelro

# ---- nothing below needs editing ----

# Reproducible builds: tools that honour it use the commit's time, not now.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
SOURCE_DATE_EPOCH := $(SOURCE_DATE_EPOCH)
export SOURCE_DATE_EPOCH

BEARSSL_ORIG = bearssl_0.6+dfsg.1.orig.tar.xz
BEARSSL_SHA  = 102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
CJSON_ORIG   = cjson_1.7.15.orig.tar.gz
CJSON_SHA    = 5308fd4bd90cef7aa060558514de6a1a4a0819974a26e6ed13973c5f624c24b2

BSSL   = $(BUILD)/src/bearssl
TESTTMP = tests/tmp
CJ     = $(BUILD)/src/cjson
OBJ    = $(BUILD)/obj

LIBSRC = util.c net.c tls.c http.c x509.c creds.c scopes.c json.c endpoints.c
LIBOBJ = $(LIBSRC:%.c=$(OBJ)/%.o)
TOOLOBJ = $(OBJ)/alter.o $(OBJ)/portal.o
UNITS  = $(patsubst tests/%.c,$(BUILD)/%,$(wildcard tests/unit_*.c))

ifeq ($(SYSTEM_LIBS),1)
DEPINC  =
DEPLIBS = -lbearssl -lcjson
DEPS    =
else
DEPINC  = -I$(BSSL)/inc -I$(CJ)
DEPLIBS = $(BSSL)/build/libbearssl.a $(OBJ)/cJSON.o
DEPS    = $(BSSL)/build/libbearssl.a $(OBJ)/cJSON.o
endif
ALL_CFLAGS = $(CFLAGS) -DALTER_VERSION='"$(VERSION)"' -I. -I$(BUILD) $(DEPINC)

.PHONY: all check demo clean install uninstall sbom reproduce-check deps bench
all: $(ALTER)

$(ALTER): $(TOOLOBJ) $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPS)
	$(CC) $(LDFLAGS) -o $@.unstripped $(TOOLOBJ) $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPLIBS)
	strip --strip-all -o $@ $@.unstripped

$(OBJ)/%.o: %.c $(wildcard *.h) $(BUILD)/deps.h $(DEPS) | $(OBJ)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(ANCHORS_C:.c=.o): $(ANCHORS_C)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(ANCHORS_C): $(CA_BUNDLE) $(BUILD)/mkanchors
	$(BUILD)/mkanchors $(CA_BUNDLE) > $@.tmp && mv $@.tmp $@

$(BUILD)/mkanchors: tools/mkanchors.c $(DEPS)
	$(CC) $(ALL_CFLAGS) -static -o $@ tools/mkanchors.c $(DEPLIBS)

$(OBJ):
	mkdir -p $@

# Dependencies: fetched through apt (signed index), checked against the
# pinned upstream sha256, patched with the Debian revision found.
deps: $(DEPS)

$(DEPS_DIR)/.fetched:
	tools/fetch-deps.sh $(DEPS_DIR)
	touch $@

$(BSSL)/.ready: $(DEPS_DIR)/.fetched tools/prepare-dep.sh
	tools/prepare-dep.sh $(DEPS_DIR) $(BEARSSL_ORIG) $(BEARSSL_SHA) \
	    'bearssl_0.6+dfsg.1-*.debian.tar.xz' bearssl-0.6 $(BSSL) $(BUILD)/bearssl.rev
	touch $@

$(CJ)/.ready: $(DEPS_DIR)/.fetched tools/prepare-dep.sh
	tools/prepare-dep.sh $(DEPS_DIR) $(CJSON_ORIG) $(CJSON_SHA) \
	    'cjson_1.7.15-*.debian.tar.xz' cJSON-1.7.15 $(CJ) $(BUILD)/cjson.rev
	touch $@

$(BSSL)/build/libbearssl.a: $(BSSL)/.ready
	$(MAKE) -C $(BSSL) lib CC=$(CC) AR=ar \
	    CFLAGS='$(DEP_CFLAGS) -ffile-prefix-map=$(CURDIR)/$(BSSL)=bearssl'

$(OBJ)/cJSON.o: $(CJ)/.ready | $(OBJ)
	$(CC) $(DEP_CFLAGS) -DCJSON_NESTING_LIMIT=128 -ffile-prefix-map=$(CURDIR)/$(CJ)=cjson -c -o $@ $(CJ)/cJSON.c

$(BUILD)/deps.h: $(DEPS) | $(OBJ)
	printf '#define ALTER_BEARSSL_REV "%s"\n#define ALTER_CJSON_REV "%s"\n' \
	    "$$(cat $(BUILD)/bearssl.rev 2>/dev/null || echo system)" \
	    "$$(cat $(BUILD)/cjson.rev 2>/dev/null || echo system)" > $@

# Tests.
$(BUILD)/unit_%: tests/unit_%.c tests/unit.h $(LIBOBJ) $(DEPS)
	$(CC) $(ALL_CFLAGS) -Werror $(LDFLAGS) -o $@ $< $(LIBOBJ) $(DEPLIBS)

check: CFLAGS += -Werror
check: $(ALTER) $(UNITS) $(TESTTMP)/pki/ca.pem $(TESTTMP)/alter-testca
	tests/run.sh

demo: $(ALTER)
	tests/demo.sh

# The completion scripts come from the binary's own command tables.
COMPLETIONS = $(BUILD)/completion/bash $(BUILD)/completion/zsh $(BUILD)/completion/fish
BASHCOMPDIR = $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  = $(DATADIR)/zsh/site-functions
FISHCOMPDIR = $(DATADIR)/fish/vendor_completions.d

$(BUILD)/completion/%: $(ALTER)
	mkdir -p $(@D)
	$(abspath $(ALTER)) completion $* > $@.tmp && mv $@.tmp $@

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
	VERSION=$(VERSION) ALTER=$(ALTER) CC=$(CC) CA_BUNDLE=$(CA_BUNDLE) BUILD=$(BUILD) \
	    BEARSSL_ORIG=$(BEARSSL_ORIG) BEARSSL_SHA=$(BEARSSL_SHA) \
	    CJSON_ORIG=$(CJSON_ORIG) CJSON_SHA=$(CJSON_SHA) tools/sbom.sh > $@.tmp && mv $@.tmp $@

# Two clean builds of HEAD from clones at different paths give the same
# bytes; the sources already in DEPS_DIR are reused, nothing is downloaded.
reproduce-check: $(DEPS_DIR)/.fetched
	tools/reproduce-check.sh $(DEPS_DIR) $(CA_BUNDLE)

# make check also covers what make install and make sbom ship.
check: $(COMPLETIONS) $(BUILD)/sbom.json

clean:
	rm -rf $(BUILD) $(ALTER) $(ALTER).unstripped tests/tmp

# The test PKI and a binary whose compiled-in roots are the test CA.
$(TESTTMP)/pki/ca.pem: tests/mkcerts.sh
	sh tests/mkcerts.sh $(TESTTMP)/pki >/dev/null

$(TESTTMP)/anchors-testca.c: $(TESTTMP)/pki/ca.pem $(BUILD)/mkanchors
	$(BUILD)/mkanchors $(TESTTMP)/pki/ca.pem > $@.tmp && mv $@.tmp $@

$(TESTTMP)/anchors-testca.o: $(TESTTMP)/anchors-testca.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(TESTTMP)/alter-testca: $(TOOLOBJ) $(LIBOBJ) $(TESTTMP)/anchors-testca.o $(DEPS)
	$(CC) $(LDFLAGS) -s -o $@ $(TOOLOBJ) $(LIBOBJ) $(TESTTMP)/anchors-testca.o $(DEPLIBS)

# Benchmarks (make bench writes BENCHMARKS.md).
$(BUILD)/bench_trust: tests/bench_trust.c $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJ) $(ANCHORS_C:.c=.o) $(DEPLIBS)

$(BUILD)/bench_run: tests/bench_run.c
	$(CC) $(CFLAGS) -static -o $@ tests/bench_run.c

bench: $(ALTER) $(BUILD)/bench_trust $(BUILD)/bench_run $(TESTTMP)/pki/ca.pem
	python3 tests/bench.py
