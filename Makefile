# Kirim: `make run` installs, builds and starts it; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run
JOBS ?= $(shell nproc)

.PHONY: deps web web-deps build build-debug run test test-cpp test-api test-realtime test-web test-e2e \
        test-fuzz format format-check bench clean

deps:
	@scripts/install-deps.sh

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-deps: web/node_modules/.package-lock.json

tests/realtime/node_modules/.package-lock.json: tests/realtime/package-lock.json
	cd tests/realtime && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web: web-deps
	cd web && npm run build

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

build-debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

# Starts Kirim on http://127.0.0.1:8080 with SQLite under var/ and the WhatsApp sandbox standing in
# for Meta (see README for the options; SANDBOX=false for a real Meta account).
SANDBOX ?= true
run: deps
	$(MAKE) --no-print-directory web build
	./build/release/kirim serve --web-root web/dist --sandbox $(SANDBOX) $(ARGS)

# The release build is part of it: `make run` uses it, and GCC warns differently at -O3.
test: deps
	$(MAKE) --no-print-directory format-check build-debug build web-deps
	$(MAKE) --no-print-directory test-web
	$(MAKE) --no-print-directory test-cpp test-api test-realtime test-e2e test-fuzz
	@echo "make test: every suite passed"

# C++ unit, storage (SQLite and a throwaway PostgreSQL) and server tests, under ASan+UBSan.
test-cpp:
	scripts/with-postgres.sh ctest --preset debug -j $(JOBS)

# Black-box API tests against the real (sanitized) binary.
test-api:
	KIRIM_BIN=$(CURDIR)/build/debug/kirim node --test --test-concurrency=2 tests/api/

# The Pusher-protocol hub, driven by pusher-js, laravel-echo and the pusher server SDK.
test-realtime: tests/realtime/node_modules/.package-lock.json
	KIRIM_BIN=$(CURDIR)/build/debug/kirim node --test --test-concurrency=2 tests/realtime/

# Type checks, lint, formatting and unit tests of the web app, then its production build.
test-web: web-deps
	cd web && npm run check && npm run build

# Browser tests: Playwright drives Debian's Chromium against the real binary.
test-e2e:
	scripts/e2e.sh $(CURDIR)/build/debug/kirim

# libFuzzer on the WhatsApp webhook parser, for a bounded time (FUZZ_SECONDS).
FUZZ_SECONDS ?= 30
test-fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

format:
	git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | xargs clang-format -i

format-check:
	@git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

bench: build
	bench/http/run.sh

clean:
	rm -rf build web/dist
