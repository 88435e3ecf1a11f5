# hvdeck — terminal console for KVM/libvirt VDI clusters.
# GNU make. `make` builds, `make check` installs deps, builds and runs every test.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/hvdeck
DESTDIR   ?=

BUILD     ?= build
CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS      := ncursesw libvirt libssh libconfig libxml-2.0
# Everything below the console links without curses (the layer rule, checked
# by linking the unit tests of core … cli against these packages only).
NOTUI_PKGS := libvirt libssh libconfig libxml-2.0

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wformat=2 \
             -Wundef -Wvla -Wcast-align -Wwrite-strings -Wno-format-nonliteral
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude $(WARN) \
             -DHVDECK_VERSION='"$(VERSION)"' -DHVDECK_DATADIR='"$(DATADIR)"' \
             $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDLIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread -lm $(LDLIBS)
NOTUI_LDLIBS = $(shell $(PKG_CONFIG) --libs $(NOTUI_PKGS) 2>/dev/null) -lpthread -lm $(LDLIBS)

# src/ by layer, lowest first; each may include only itself and those below
# (cli and tui are siblings: neither includes the other; srv, the server and
# its client, sits under cli, and tui never includes it). scripts/check-layers.sh.
LAYERS    := core virt act cmd srv cli tui
SRCS      := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)) src/main.c
OBJS      := $(SRCS:src/%.c=$(BUILD)/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/main.o,$(OBJS))
NOTUI_OBJS := $(filter-out $(BUILD)/tui/%,$(LIB_OBJS))
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# A unit test that includes a tui/ header is a console test; every other one
# is linked from the objects below tui/ and without curses.
TUI_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(shell grep -l '^.include "tui/' $(TEST_SRCS)))
NOTUI_TESTS := $(filter-out $(TUI_TESTS),$(TEST_BINS))
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)

.PHONY: all deps layers check unit demo asan tsan fuzz bench install uninstall clean lab-up lab-down

all: $(BUILD)/hvdeck $(BUILD)/hvdeck-ssh hvdeck

hvdeck: $(BUILD)/hvdeck
	@if [ "$(BUILD)" = build ]; then ln -sf $(BUILD)/hvdeck hvdeck; fi

# The layer rule is checked on every build (order-only: it never relinks).
$(BUILD)/hvdeck: $(OBJS) | layers
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

# The ssh wrapper of hvdeck's qemu+ssh:// transport, next to the binary
# for an uninstalled build (virt/transport.c looks there, then in DATADIR).
$(BUILD)/hvdeck-ssh: libexec/hvdeck-ssh
	@mkdir -p $(@D)
	install -m 755 $< $@

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

$(TUI_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(CMOCKA_LIBS) $(ALL_LDLIBS)

$(NOTUI_TESTS): $(BUILD)/tests/%: tests/unit/%.c $(NOTUI_OBJS) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(NOTUI_OBJS) $(CMOCKA_LIBS) $(NOTUI_LDLIBS)

-include $(OBJS:.o=.d) $(TEST_BINS:=.d)

# The binary looks for installed themes in DATADIR: rebuild what uses it
# when PREFIX/DATADIR change between builds (make; make install PREFIX=/usr).
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(BUILD)/tui/ui.o $(BUILD)/virt/transport.o: $(BUILD)/datadir.stamp
.PHONY: FORCE
FORCE:

# The layer rule: no #include runs upward or across cli/tui (names file:line).
layers:
	@scripts/check-layers.sh

# Installs exactly the Debian packages that are missing (root), or says what to run.
deps:
	@scripts/deps.sh

unit: $(BUILD)/hvdeck $(TEST_BINS)
	@scripts/run-unit.sh $(TEST_BINS)

# Unit tests, then the lab (always brought down), then the integration tests.
check: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@HVDECK=$(CURDIR)/$(BUILD)/hvdeck scripts/run-tests.sh $(TEST_BINS)

# Unit tests under ASan+UBSan, then (as root) every lab test driving the
# sanitized binary: leaks at exit fail a test through its exit status. Its
# consoles run in-process (HVDECK_TEST_IN_PROCESS), `check`'s attached to
# a server (the default): CI drives both.
asan: deps
	@LSAN_OPTIONS="suppressions=$(CURDIR)/tests/lsan.supp print_suppressions=0" \
	    $(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/hvdeck build-asan/hvdeck-ssh unit
	@if [ "$$(id -u)" -eq 0 ]; then LSAN_OPTIONS="suppressions=$(CURDIR)/tests/lsan.supp print_suppressions=0" \
	    HVDECK_TEST_IN_PROCESS=1 HVDECK=$(CURDIR)/build-asan/hvdeck scripts/run-tests.sh; \
	else echo "asan: lab tests skipped (need root)"; fi

# Threads under ThreadSanitizer: unit tests (test_engine drives real events
# through an oracle connection), then dump and watch against libvirt's
# in-process test driver. G_SLICE: see tests/tsan.supp.
tsan: deps
	@G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	    $(MAKE) --no-print-directory BUILD=build-tsan CFLAGS="-O1 -g -fsanitize=thread" \
	    LDFLAGS="-fsanitize=thread" build-tsan/hvdeck unit
	@G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" scripts/tsan-engine.sh build-tsan/hvdeck

# libFuzzer on every parser (tests/fuzz/), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

demo: deps all
	@scripts/demo.sh $(CURDIR)/$(BUILD)/hvdeck

# Performance at fleet scale (issue 19), never part of `check`: installs
# what it needs (xvfb, virt-manager), brings its own lab up and down
# (HVDECK_LAB_DIR/HVDECK_LAB_SLOT honoured, default slot 8), generates a
# 100-host x 100-desktop test-driver fleet, measures hvdeck against the C
# floors of tests/bench/floor.c and virt-manager, prints one table and writes
# tests/bench/results.txt. It reports; it fails only when a measure could not
# be taken. BENCH_REPS (default 5) repetitions, at most ~30 min;
# BENCH_QUICK=1 (or BENCH_REPS=1) for a short run.
bench: deps all $(BUILD)/bench/floor
	@HVDECK=$(CURDIR)/$(BUILD)/hvdeck FLOOR=$(CURDIR)/$(BUILD)/bench/floor tests/bench/bench.sh

$(BUILD)/bench/floor: tests/bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(NOTUI_LDLIBS)

lab-up:
	@tests/lab/lab.sh up 3
lab-down:
	@tests/lab/lab.sh down

install: $(BUILD)/hvdeck
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(BUILD)/hvdeck $(DESTDIR)$(BINDIR)/hvdeck
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	for t in themes/*.theme; do [ -e "$$t" ] || continue; install -m 644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done
	install -m 644 hvdeck.conf.example $(DESTDIR)$(DATADIR)/
	install -m 755 libexec/hvdeck-ssh $(DESTDIR)$(DATADIR)/hvdeck-ssh

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hvdeck
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$(basename $$m); done
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-tsan build-fuzz hvdeck
