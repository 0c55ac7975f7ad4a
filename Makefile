# Development commands. `make` (or `make test`) runs what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := test

WASM_TARGET := wasm32-unknown-unknown
PREVIEW_INPUT := examples/review-2025-11-11.mdx
PREVIEW_OUTPUT := target/preview.html

# Print a section header: $(call section,Title)
section = @printf '\n==> %s\n' '$(1)'

.PHONY: test tools lint fmt preview

## test: formatting, lints, the wasm build and every test (unit, doc, integration)
test: tools
	$(call section,cargo fmt --check)
	cargo fmt --check
	$(call section,cargo clippy --all-targets -- -D warnings)
	cargo clippy --all-targets -- -D warnings
	$(call section,cargo build --lib --target $(WASM_TARGET))
	cargo build --lib --target $(WASM_TARGET)
	$(call section,cargo test --no-fail-fast)
	cargo test --no-fail-fast
	$(call section,browser security tests (headless Chromium))
	npm run -s test:browser
	$(call section,CommonMark conformance report)
	@cargo test -q --test commonmark -- --nocapture 2>&1 | grep -E '^(CommonMark examples|raw HTML|deliberate)'
	$(call section,all checks passed)

## tools: install what a fresh machine lacks; quiet when all is there
tools:
	@if ! command -v rustup >/dev/null; then \
	    echo "rustup is required (it manages the Rust toolchain, targets and components)" >&2; \
	    exit 1; \
	fi
	@if ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
	    echo "==> rustup target add $(WASM_TARGET)"; \
	    rustup target add $(WASM_TARGET); \
	fi
	@for component in rustfmt clippy; do \
	    if ! rustup component list --installed | grep -q "^$$component"; then \
	        echo "==> rustup component add $$component"; \
	        rustup component add $$component; \
	    fi; \
	done
	@# ---- Later tools go here, each as an idempotent "install if missing" step:
	@# ---- wasm-pack, wasm-bindgen-cli (pinned to Cargo.lock), binaryen's wasm-opt.
	@# Chromium from Debian for the browser tests (Playwright's own browser
	@# download does not work on these machines).
	@if [ ! -x /usr/bin/chromium ]; then \
	    echo "==> apt-get install chromium chromium-driver"; \
	    SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium chromium-driver; \
	fi
	@# Node dev dependencies (playwright-core), exactly as package-lock.json pins them.
	@if ! command -v npm >/dev/null; then \
	    echo "node and npm are required for the browser tests" >&2; \
	    exit 1; \
	fi
	@if [ ! -f node_modules/.package-lock.json ] || \
	    [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	    echo "==> npm ci"; \
	    npm ci --no-audit --no-fund; \
	fi

## lint: formatting check and clippy
lint: tools
	$(call section,cargo fmt --check)
	cargo fmt --check
	$(call section,cargo clippy --all-targets -- -D warnings)
	cargo clippy --all-targets -- -D warnings

## fmt: format the whole tree
fmt: tools
	cargo fmt

## preview: render the sample post to $(PREVIEW_OUTPUT)
# Exit status 1 only means the post has errors (the sample has some on
# purpose); the HTML is still written. Anything else is a real failure.
preview:
	@mkdir -p $(dir $(PREVIEW_OUTPUT))
	cargo run --release --bin mdx-preview -- $(PREVIEW_INPUT) > $(PREVIEW_OUTPUT) || [ $$? -eq 1 ]
	@echo "preview written to $(PREVIEW_OUTPUT)"

## fuzz: fuzz render() for FUZZ_SECONDS (default 300) with cargo-fuzz; not part of `test`
# Needs `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept the -Z flags cargo-fuzz passes. The committed seeds are
# copied into the (ignored) working corpus first. Crashes land in
# tests/fuzz/artifacts/render/; see tests/fuzz/README.md.
# FUZZ_FLAGS go to cargo fuzz: no AddressSanitizer by default (the crate
# forbids unsafe code, and ASan made some 4 KiB inputs 200 times slower);
# `FUZZ_FLAGS=` brings it back. FUZZ_ARGS go to libFuzzer, e.g.
# `FUZZ_ARGS="-fork=1 -ignore_crashes=1"` to keep going after a crash.
FUZZ_SECONDS ?= 300
FUZZ_FLAGS ?= -s none
FUZZ_ARGS ?=
.PHONY: fuzz
fuzz:
	@mkdir -p tests/fuzz/corpus
	cp -n tests/fuzz/seeds/* tests/fuzz/corpus/ 2>/dev/null || true
	RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz $(FUZZ_FLAGS) render tests/fuzz/corpus -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 $(FUZZ_ARGS)
