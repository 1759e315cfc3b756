# intakebot: GNU make, no configure step.  `make` builds build/intakebot;
# `make run` and `make check` first install missing Debian packages
# (debian-packages.txt) through scripts/deps.sh.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/intakebot
SYSCONFDIR ?= /etc
UNITDIR   ?= $(PREFIX)/lib/systemd/system
DESTDIR   ?=

CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS       = libcurl json-c libmicrohttpd sqlite3 inih libcrypto libssl
IRC_CFLAGS ?=
IRC_LIBS   ?= -lircclient

CSTD    = -std=c11 -D_DEFAULT_SOURCE
WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wmissing-declarations -Wpointer-arith -Wformat=2 -Wvla
WERROR ?= -Werror

ifeq ($(SANITIZE),1)
BUILD  ?= build/san
SAN     = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
          -fno-sanitize-recover=all
else
BUILD  ?= build
SAN     =
endif
OPTFLAGS ?= -O2 -g

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS  = $(CSTD) -Isrc $(WARN) $(WERROR) $(OPTFLAGS) $(SAN) -MMD -MP \
              -DINTAKEBOT_VERSION=\"$(VERSION)\" $(PKG_CFLAGS) $(IRC_CFLAGS) \
              $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)
ALL_LIBS    = $(PKG_LIBS) $(IRC_LIBS) $(LDLIBS)

SRCS     = $(wildcard src/*.c src/platform/*.c)
OBJS     = $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS = $(filter-out $(BUILD)/obj/main.o,$(OBJS))
LIB      = $(BUILD)/libintakebot.a
BIN      = $(BUILD)/intakebot

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELPERS = $(wildcard tests/helpers/*.c)
HELPER_BINS = $(TEST_HELPERS:tests/helpers/%.c=$(BUILD)/helpers/%)

FUZZ_SRCS    = $(wildcard fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 20

MANPAGES = man/intakebot.8 man/intakebot.conf.5

.PHONY: all deps build-deps-check run check check-suites check-clang unit fuzz \
        fuzz-build check-fuzz bench install uninstall clean format format-check \
        lint check-config content-report

all: $(BIN)

deps:
	@scripts/deps.sh

# Before the first compile: without pkg-config or the libraries, name the
# missing Debian packages and say that `make deps` or `make run` installs
# them, rather than stopping at a compiler error about a header.
build-deps-check:
	@$(PKG_CONFIG) --exists $(PKGS) 2>/dev/null || scripts/deps.sh --missing
	@$(PKG_CONFIG) --exists $(PKGS) 2>/dev/null || \
	    { echo "intakebot: pkg-config cannot find: $(PKGS)" >&2; exit 1; }

$(BUILD)/obj/%.o: src/%.c | build-deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(BIN): $(BUILD)/obj/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(BUILD)/obj/main.o $(LIB) $(ALL_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -Wno-missing-prototypes \
	    -Wno-missing-declarations -o $@ $< $(LIB) $(ALL_LDFLAGS) \
	    $(ALL_LIBS) $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

$(BUILD)/helpers/%: tests/helpers/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB) $(ALL_LDFLAGS) $(ALL_LIBS)

unit: $(UNIT_BINS)

# The suites once, against whatever BUILD/SANITIZE say.
check-suites: $(BIN) $(UNIT_BINS) $(HELPER_BINS)
	BUILD=$(BUILD) tests/run.sh

# The other compiler must build it with -Werror too.
check-clang:
	$(MAKE) CC=clang BUILD=build/clang all unit

check: deps
	$(MAKE) check-suites
	$(MAKE) SANITIZE=1 check-suites
	$(MAKE) check-clang
	$(MAKE) check-fuzz
	$(MAKE) lint format-check check-config

run: deps
	$(MAKE) all
	scripts/run.sh

check-config: $(BIN)
	$(BIN) -c config/intakebot.conf --check

# Topics x languages x reviewed dates x links, for the content reviewer.
content-report:
	@scripts/content-report.sh

# libFuzzer targets (fuzz/README.md): the sources built once with clang
# and -fsanitize=fuzzer-no-link,address,undefined into $(FUZZ_BUILD), each
# fuzz/fuzz_NAME.c linked against them.  `make fuzz` runs each target for
# FUZZ_SECONDS; `make check-fuzz` (part of `make check`) runs them one
# after the other for FUZZ_CHECK_SECONDS in all, split evenly, from the
# committed seeds.  New inputs go to build/fuzz/corpus-NAME, crashes to
# build/fuzz/crash-NAME-*; fuzz/corpus/ is only read.
FUZZ_BUILD  = build/fuzz
FUZZ_SAN    = -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_NAMES  = $(FUZZ_SRCS:fuzz/%.c=%)
FUZZ_CHECK_SECONDS ?= 20
FUZZ_RUN = run() { n=$$1; s=$$2; mkdir -p $(FUZZ_BUILD)/corpus-$$n && \
	    $(FUZZ_BUILD)/fuzz/$$n -max_total_time=$$s -max_len=8192 \
	        -artifact_prefix=$(FUZZ_BUILD)/crash-$$n- \
	        -print_final_stats=1 -close_fd_mask=2 $(FUZZ_BUILD)/corpus-$$n fuzz/corpus/$$n \
	        >$(FUZZ_BUILD)/$$n.log 2>&1 || \
	    { tail -n 60 $(FUZZ_BUILD)/$$n.log; echo "FAIL $$n"; return 1; }; \
	    echo "ok   $$n: $$(grep -E '^\#[0-9]+[[:space:]]+DONE' \
	        $(FUZZ_BUILD)/$$n.log | tr -s ' \t' ' ')"; }

$(BUILD)/fuzz/%: fuzz/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -fsanitize=fuzzer -o $@ $< $(LIB) \
	    $(ALL_LDFLAGS) -fsanitize=fuzzer $(ALL_LIBS)

fuzz-build:
	$(MAKE) CC=clang BUILD=$(FUZZ_BUILD) OPTFLAGS='-O1 -g' \
	    SAN='$(FUZZ_SAN)' $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/%)

fuzz: deps
	$(MAKE) fuzz-build
	@$(FUZZ_RUN); for n in $(FUZZ_NAMES); do \
	    run $$n $(FUZZ_SECONDS) || exit 1; done

check-fuzz: fuzz-build
	@$(FUZZ_RUN); set -- $(FUZZ_NAMES); s=$$(($(FUZZ_CHECK_SECONDS) / $$#)); \
	    [ $$s -ge 1 ] || s=1; for n; do run $$n $$s || exit 1; done

bench: deps
	$(MAKE) all
	bench/run.sh

lint:
	mandoc -Tlint -Wwarning $(MANPAGES)

format:
	clang-format -i src/*.c src/*.h src/platform/*.c tests/unit/*.c fuzz/*.c fuzz/*.h

format-check:
	clang-format --dry-run -Werror src/*.c src/*.h src/platform/*.c fuzz/*.c fuzz/*.h

install: $(BIN)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/content \
	    $(DESTDIR)$(SYSCONFDIR)/intakebot $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/intakebot
	sed 's|/usr/sbin/intakebot|$(SBINDIR)/intakebot|g; s|/etc/intakebot|$(SYSCONFDIR)/intakebot|g' \
	    deploy/intakebot.service > $(DESTDIR)$(UNITDIR)/intakebot.service
	install -m 0644 deploy/intakebot.env.example $(DESTDIR)$(DATADIR)/intakebot.env.example
	sed 's/@VERSION@/$(VERSION)/' man/intakebot.8 > $(DESTDIR)$(MANDIR)/man8/intakebot.8
	sed 's/@VERSION@/$(VERSION)/' man/intakebot.conf.5 > $(DESTDIR)$(MANDIR)/man5/intakebot.conf.5
	cp -R content/. $(DESTDIR)$(DATADIR)/content/
	install -m 0644 config/intakebot.conf $(DESTDIR)$(DATADIR)/intakebot.conf.example
	[ -e $(DESTDIR)$(SYSCONFDIR)/intakebot/intakebot.conf ] || \
	    sed 's|^content_dir = [^;]*|content_dir = $(DATADIR)/content |' \
	    config/intakebot.conf > $(DESTDIR)$(SYSCONFDIR)/intakebot/intakebot.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/intakebot \
	    $(DESTDIR)$(UNITDIR)/intakebot.service \
	    $(DESTDIR)$(MANDIR)/man8/intakebot.8 \
	    $(DESTDIR)$(MANDIR)/man5/intakebot.conf.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%.d) $(UNIT_BINS:=.d) \
    $(HELPER_BINS:=.d)
