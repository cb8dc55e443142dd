# mindbeat — build, test, demo and install.
#   make demo      install missing system packages (as root), build a release
#                  binary and play the protocol story on a throwaway database
#   make test      the whole test suite
#   make install   PREFIX=/usr/local (binary, man pages, completions)

SWIFT    ?= swift
PREFIX   ?= /usr/local
PACKAGES := libsqlite3-dev libsodium-dev
RELEASE  := .build/release/mindbeat

.PHONY: all deps build release test demo clean

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

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

demo: release
	@scripts/demo.sh $(RELEASE)

clean:
	rm -rf .build
