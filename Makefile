# mindbeat — build, test, demo and install.
#   make demo      install missing system packages (as root), build a release
#                  binary and play the protocol story on a throwaway database
#   make test      the whole test suite (and again on PostgreSQL when
#                  MINDBEAT_TEST_POSTGRES names a server)
#   make install   PREFIX=/usr/local (binary, man pages, completions)
#   make bench     time and count commands against a C floor and the sqlite3
#                  CLI; writes bench/RESULTS.md
#   make generate  rewrite man/ and completions/ from the command table

SWIFT    ?= swift
PREFIX   ?= /usr/local
PACKAGES := libsqlite3-dev libsodium-dev cracklib-runtime
RELEASE  := .build/release/mindbeat
FLOOR    := .build/bench/floor

# What make install copies: the release binary unless told otherwise.
INSTALL_BIN ?= $(RELEASE)
BINDIR   := $(DESTDIR)$(PREFIX)/bin
MANDIR   := $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR  := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR   := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR  := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

.PHONY: all deps build release test demo bench generate install uninstall clean

all: build

# Installs the system libraries mindbeat links against, when run as root;
# otherwise prints the command to run.
deps:
	@missing=""; \
	for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "mindbeat needs:$$missing"; echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

# A fully static executable: measured on these machines, a command starts in
# about 1 ms instead of 2.8 ms with only the Swift standard library static
# (the dynamic loader's relocations of libstdc++, libsqlite3 and libsodium
# were half of every command's instructions). SQLite and libsodium are the
# system's own, from the static archives of libsqlite3-dev and libsodium-dev.
#
# Generic types such as [String: String] are reached through their metadata
# accessors, not looked up by mangled name: a lookup runs the runtime's
# demangler and proves each generic requirement (String: Hashable) by scanning
# every protocol conformance in the binary — in a static one, all of the
# standard library's. Measured with callgrind in the bench's environment:
# --version −40% instructions, status −10%, notes list −8%, sessions list −7%,
# members −4%; the output of every command is unchanged. It is a frontend flag
# (what the compiler does for runtimes older than Swift 5.1): a compiler that
# drops it fails the build, loudly.
#
# The linker writes the binary with write(), not through mmap (gold's and
# lld's default): on Linux 6.18 (ext4), every exec of a file written through
# mmap costs more. The same binary ran `mindbeat status` in 2.18 ms as gold
# wrote it and in 1.76 ms written at once; --version in 0.97 against 0.63 ms,
# with 116 against 65 page faults. (install(1) copies fall in between.)
# --product mindbeat: the test-support target is not part of a release.
RELEASE_FLAGS := -c release --product mindbeat --static-swift-stdlib -Xswiftc -static-executable \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
	-Xlinker --no-mmap-output-file

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# The whole suite on SQLite; then, when MINDBEAT_TEST_POSTGRES names a
# PostgreSQL server (a URI such as postgresql:///postgres?host=/tmp/pg&port=5433
# whose role may create databases), the core and end-to-end suites again on
# PostgreSQL, each test on a new database of its own (.ci/run starts a
# throwaway cluster for it).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	@if [ -n "$$MINDBEAT_TEST_POSTGRES" ]; then \
	  echo "The core and end-to-end suites again, on PostgreSQL"; \
	  MINDBEAT_TEST_BACKEND=postgresql $(SWIFT) test --skip-build --filter 'MindbeatCoreTests|EndToEndTests'; \
	else \
	  echo "MINDBEAT_TEST_POSTGRES is not set: the suites ran on SQLite only"; \
	fi

demo: release
	@scripts/demo.sh $(RELEASE)

# Times mindbeat against the floor (bench/floor.c: the same statements from a
# static C program) and the sqlite3 CLI on 1k- and 1M-session databases,
# counts each command's instructions with callgrind, and writes
# bench/RESULTS.md; exits 2 when a command costs more than 5% more
# instructions than the RESULTS.md it replaces. A benchmark, not a test: it is
# not part of make test. strace and gdb are optional (system calls, and the
# check that the floor runs mindbeat's statements). Team mode: serve
# authorized-keys against sqlite3's lookup always; as root with sshd, a
# remote sessions list against `ssh HOST true` on a throwaway sshd on
# 127.0.0.1, with throwaway accounts and a copy of the binary under
# /usr/local/libexec, all removed on exit (not root: skipped, and said so).
bench: release $(FLOOR)
	@command -v hyperfine >/dev/null && command -v sqlite3 >/dev/null && command -v valgrind >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get install -y -qq hyperfine sqlite3 valgrind >/dev/null; } || \
	  { echo "make bench needs: sudo apt-get install -y hyperfine sqlite3 valgrind"; exit 1; }
	bench/run.sh $(RELEASE) $(FLOOR)

# The floor, linked statically against the same libsqlite3.a and libsodium.a
# as the release binary.
$(FLOOR): bench/floor.c | deps
	@mkdir -p $(dir $@)
	$(CC) -O2 -static -o $@ bench/floor.c -lsqlite3 -lsodium -lm -lpthread

# Rewrites man/ and completions/ from the command table. A test fails when the
# committed files differ from what this would write.
generate: build
	.build/debug/mindbeat __generate .

$(RELEASE):
	$(MAKE) release

install: $(INSTALL_BIN)
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(INSTALL_BIN) $(BINDIR)/mindbeat
	install -m 644 man/*.1 $(MANDIR)/
	install -m 644 completions/mindbeat.bash $(BASHDIR)/mindbeat
	install -m 644 completions/_mindbeat $(ZSHDIR)/_mindbeat
	install -m 644 completions/mindbeat.fish $(FISHDIR)/mindbeat.fish

uninstall:
	rm -f $(BINDIR)/mindbeat $(BASHDIR)/mindbeat $(ZSHDIR)/_mindbeat $(FISHDIR)/mindbeat.fish
	for page in man/*.1; do rm -f $(MANDIR)/$$(basename $$page); done

clean:
	rm -rf .build
