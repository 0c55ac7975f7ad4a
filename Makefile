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
	@# ---- wasm-pack, wasm-bindgen-cli (pinned to Cargo.lock), binaryen's wasm-opt,
	@# ---- chromium + chromium-driver, playwright-core. Not installed yet.

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
