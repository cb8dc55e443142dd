# mindbeat — build, test, demo and install.
#   make demo      install missing system packages (as root), build a release
#                  binary and play the protocol story on a throwaway database
#   make test      the whole test suite
#   make install   PREFIX=/usr/local (binary, man pages, completions)
#   make bench     time commands against the sqlite3 CLI; writes bench/RESULTS.md
#   make generate  rewrite man/ and completions/ from the command table

SWIFT    ?= swift
PREFIX   ?= /usr/local
PACKAGES := libsqlite3-dev libsodium-dev
RELEASE  := .build/release/mindbeat

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
RELEASE_FLAGS := -c release --product mindbeat --static-swift-stdlib -Xswiftc -static-executable

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

demo: release
	@scripts/demo.sh $(RELEASE)

# Times mindbeat against the sqlite3 CLI on 1k- and 1M-session databases and
# writes bench/RESULTS.md (a benchmark, not a test: it is not part of make test).
bench: release
	@command -v hyperfine >/dev/null && command -v sqlite3 >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get install -y -qq hyperfine sqlite3 >/dev/null; } || \
	  { echo "make bench needs: sudo apt-get install -y hyperfine sqlite3"; exit 1; }
	bench/run.sh $(RELEASE)

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
