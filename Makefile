# Development commands. `make` (or `make test`) runs what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := test

WASM_TARGET := wasm32-unknown-unknown
# make preview serves the page here (PORT=9000 make preview, or make preview PORT=9000).
PORT ?= 8080
HOST ?= localhost
# make preview ROOT=path/to/site binds the page to a Docusaurus site folder.
ROOT ?=

# wasm-opt comes from the npm package binaryen (a root devDependency);
# wasm-pack finds it on PATH (its own download does not work here).
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# wasm-bindgen-cli must be exactly the wasm-bindgen version Cargo.lock pins.
WASM_BINDGEN_VERSION := $(shell awk '$$1 == "name" && $$3 == "\"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
CHROMEDRIVER := /usr/bin/chromedriver
# Scratch Node project that installs the packed package (make test-js).
JS_CONSUMER := target/js-consumer
# Scratch Vite app built against the packed package (make test-js).
VITE_CONSUMER := target/vite-consumer
# pkg/ wasm + JS, gzip -9. DESIGN.md's budget is 300 KB, and `make size`
# (part of `make test`) fails above 320 KB.
SIZE_BUDGET_BYTES := 320000

# Print a section header: $(call section,Title)
section = @printf '\n==> %s\n' '$(1)'

# The package built with the panic-trigger feature, for the containment
# tests (make trigger-pkg); the page built on it (make www-trigger).
TRIGGER_PKG := target/trigger-pkg
TRIGGER_WWW := target/www-trigger

.PHONY: test tools lint fmt preview pkg trigger-pkg test-wasm test-js size www www-trigger test-e2e test-differential

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
	@$(MAKE) --no-print-directory test-wasm test-js size test-e2e bench-smoke test-differential
	$(call section,CommonMark conformance report)
	@cargo test -q --test commonmark -- --nocapture 2>&1 | grep -E '(CommonMark examples|raw HTML|deliberate)'
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
	@if ! command -v wasm-pack >/dev/null; then \
	    echo "==> cargo install wasm-pack"; \
	    cargo install wasm-pack; \
	fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	    echo "==> cargo install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION)"; \
	    cargo install --force wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); \
	fi
	@# Chromium from Debian for the browser tests (Playwright's own browser
	@# download does not work on these machines).
	@# fonts-nanum: Hangul glyphs for the page screenshot the e2e tests write.
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || \
	    [ ! -d /usr/share/fonts/truetype/nanum ]; then \
	    echo "==> apt-get install chromium chromium-driver fonts-nanum"; \
	    SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium chromium-driver fonts-nanum; \
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

## pkg: build the npm package into pkg/ (web glue + a Node entry that loads the wasm itself)
# --target web serves browsers without a bundler and Vite (`await init()`
# first); src/js/finish-pkg.mjs adds node.mjs, which Node gets through the
# "node" export condition, and rewrites pkg/package.json. pkg/ is not
# committed (wasm-pack writes a `*` .gitignore into it): it is a build output.
pkg: tools
	$(call section,wasm-pack build --release --target web --out-dir pkg)
	wasm-pack build --release --target web --out-dir pkg
	node src/js/finish-pkg.mjs pkg

## trigger-pkg: the package with the panic-trigger feature (a block holding
## MDX_PREVIEW_PANIC_TRIGGER panics) into target/trigger-pkg, for the tests
# A dev build (no wasm-opt, debug assertions on): it compiles the crate as
# test-wasm does (same profile and feature), so the tests add little build
# time. pkg/ never has the feature; tests/js/node.test.mjs checks that.
trigger-pkg: tools
	$(call section,wasm-pack build --dev --target web --out-dir $(TRIGGER_PKG) -- --features panic-trigger)
	wasm-pack build --dev --target web --out-dir $(TRIGGER_PKG) -- --features panic-trigger
	node src/js/finish-pkg.mjs $(TRIGGER_PKG)

## test-wasm: clippy for wasm32 and tests/wasm.rs in Node and in headless Chromium
# WASM_BINDGEN_USE_BROWSER makes the same tests run in the browser (the
# Preview test needs a DOM and returns early under Node). Chromium's flags
# (--no-sandbox, as root) are in webdriver.json. With panic-trigger, as
# the containment tests' build (make trigger-pkg).
test-wasm: tools
	$(call section,cargo clippy --target $(WASM_TARGET) --lib --test wasm --features panic-trigger -- -D warnings)
	cargo clippy --target $(WASM_TARGET) --lib --test wasm --features panic-trigger -- -D warnings
	$(call section,wasm-pack test --node)
	wasm-pack test --node -- --test wasm --features panic-trigger
	$(call section,wasm-pack test --headless --chrome)
	WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver $(CHROMEDRIVER) -- --test wasm --features panic-trigger

## test-js: `npm pack` of pkg/ in a scratch Node 20 ESM project (tests, tsc --strict), in a Vite build
## and in a no-bundler page, both loaded in headless Chromium
# The .d.ts uses Symbol.dispose (wasm-bindgen), hence lib esnext.disposable.
# The containment tests also load target/trigger-pkg (next to the scratch
# project, and on the browser test's server).
test-js: pkg trigger-pkg
	$(call section,npm pack pkg/ and install it into $(JS_CONSUMER))
	rm -rf $(JS_CONSUMER) target/npm-pack
	mkdir -p $(JS_CONSUMER) target/npm-pack
	cd pkg && npm pack --silent --pack-destination ../target/npm-pack >/dev/null
	printf '{ "name": "js-consumer", "private": true, "type": "module" }\n' > $(JS_CONSUMER)/package.json
	cd $(JS_CONSUMER) && npm install --no-audit --no-fund --silent ../npm-pack/mdx-preview-*.tgz
	cp tests/js/node.test.mjs tests/js/consumer.ts $(JS_CONSUMER)/
	$(call section,node --test (Node 20 ESM))
	cd $(JS_CONSUMER) && node --test node.test.mjs
	$(call section,tsc --strict --noEmit consumer.ts)
	cd $(JS_CONSUMER) && tsc --strict --noEmit --module nodenext --moduleResolution nodenext \
	    --target es2022 --lib es2022,esnext.disposable,dom consumer.ts
	$(call section,vite build of a scratch consumer of the tarball)
	rm -rf $(VITE_CONSUMER)
	mkdir -p $(VITE_CONSUMER)
	cp tests/js/vite/* tests/js/pages/checks.mjs $(VITE_CONSUMER)/
	cp tests/fixtures/seed/review-2025-11-11/input.mdx $(VITE_CONSUMER)/seed.mdx
	printf '{ "name": "vite-consumer", "private": true, "type": "module" }\n' > $(VITE_CONSUMER)/package.json
	cd $(VITE_CONSUMER) && npm install --no-audit --no-fund --silent ../npm-pack/mdx-preview-*.tgz
	cd $(VITE_CONSUMER) && vite build --base /vite/
	$(call section,the package in headless Chromium: plain <script type=module> and the Vite build)
	node --test tests/js/browser.test.mjs

## size: raw and gzip -9 sizes of pkg/'s wasm and JS glue, failing above SIZE_BUDGET_BYTES (run `make pkg` first); part of `test` (after test-js built pkg/)
size:
	$(call section,package size: at most $(SIZE_BUDGET_BYTES) B gzip)
	@total_raw=0; total_gz=0; \
	for f in pkg/*.wasm pkg/*.js pkg/*.mjs pkg/snippets/*/*.js; do \
	    raw=$$(wc -c < $$f); gz=$$(gzip -9c $$f | wc -c); \
	    printf '%-26s %8d B raw %8d B gzip\n' $$f $$raw $$gz; \
	    total_raw=$$((total_raw + raw)); total_gz=$$((total_gz + gz)); \
	done; \
	printf '%-26s %8d B raw %8d B gzip (budget %d B)\n' total $$total_raw $$total_gz $(SIZE_BUDGET_BYTES); \
	if [ $$total_gz -gt $(SIZE_BUDGET_BYTES) ]; then echo "over the size budget" >&2; exit 1; fi

## www: build the live-preview page into www/dist (the package, the page's npm deps, esbuild)
# The page's npm dependencies have their own package.json and lock in www/.
www: pkg
	@if [ ! -f www/node_modules/.package-lock.json ] || \
	    [ www/package-lock.json -nt www/node_modules/.package-lock.json ]; then \
	    echo "==> npm ci (www)"; \
	    cd www && npm ci --no-audit --no-fund; \
	 fi
	$(call section,node www/build.mjs)
	node www/build.mjs

## preview: build the page and serve it on http://$(HOST):$(PORT)/ (PORT=9000 to change; ROOT=path/to/site to edit a site's files)
preview: www
	$(call section,serving www/dist$(if $(ROOT), for the site in $(ROOT)))
	node www/serve.mjs --port $(PORT) --host $(HOST)$(if $(ROOT), --root '$(ROOT)')

## www-trigger: the page built on target/trigger-pkg into target/www-trigger (for test-e2e)
www-trigger: www trigger-pkg
	$(call section,node www/build.mjs --pkg $(TRIGGER_PKG) --out $(TRIGGER_WWW))
	node www/build.mjs --pkg $(TRIGGER_PKG) --out $(TRIGGER_WWW)

## test-e2e: drive the built page in headless Chromium (node:test + playwright-core)
# Also the site mode: the server over raw HTTP, and the page bound to a
# temporary site. Writes tests/e2e/screenshot.png and screenshot-site.png
# (the README shows the second). The containment test drives the page
# built on the panic-trigger package (make www-trigger).
test-e2e: www www-trigger
	$(call section,end-to-end tests of the live preview (headless Chromium))
	node --test --test-concurrency=1 tests/e2e/

## test-differential: the corpus as Docusaurus would show it (@mdx-js/mdx 3 + react-dom, Docusaurus emulated) against pkg/, and the errors a site build would report
# tests/differential/ has its own package.json and lock (npm ci only when
# missing or stale). The reference's results are kept in
# target/differential/ (keyed by the documents and the code that made
# them), so a warm run renders only our side: a few seconds. Fails when a
# document differs for a reason tests/differential/differences.mjs does
# not list, when a listed one matches again, on any error the build does
# not have, or below 97 % error agreement.
test-differential: pkg
	@if [ ! -f tests/differential/node_modules/.package-lock.json ] || \
	    [ tests/differential/package-lock.json -nt tests/differential/node_modules/.package-lock.json ]; then \
	    echo "==> npm ci (tests/differential)"; \
	    cd tests/differential && npm ci --no-audit --no-fund; \
	fi
	$(call section,node tests/differential/run.mjs (the corpus against Docusaurus))
	node tests/differential/run.mjs

## bench: our render against @mdx-js/mdx, marked, markdown-it, markdown-wasm and markdown-rs alone; not part of `test`
# Peers come from tests/bench/package-lock.json (npm ci there, only when
# missing or stale). target/bench-pkg is a second wasm build with the
# `bench` feature (parseOnly: markdown-rs to_mdast alone) in its own target
# dir, so it never lands in pkg/ nor rebuilds pkg/'s. Writes
# tests/bench/results.json and chart.svg; `make bench BENCH_FLAGS=--readme`
# also rewrites README's Performance results. The keystroke replays
# (tests/bench/keystroke.mjs, corpus.mjs) and the page's keystroke-to-paint
# (tests/e2e/paint.test.mjs, in headless Chromium on www/dist) run first;
# run.mjs puts their numbers in the budget table.
BENCH_FLAGS ?=
BENCH_DOCS := target/bench/docs
.PHONY: bench bench-smoke
bench: www
	@if [ ! -f tests/bench/node_modules/.package-lock.json ] || \
	    [ tests/bench/package-lock.json -nt tests/bench/node_modules/.package-lock.json ]; then \
	    echo "==> npm ci (tests/bench)"; \
	    cd tests/bench && npm ci --no-audit --no-fund; \
	fi
	$(call section,wasm-pack build --release --target nodejs --out-dir target/bench-pkg -- --features bench)
	CARGO_TARGET_DIR=target/bench-wasm wasm-pack build --release --target nodejs --out-dir target/bench-pkg -- --features bench
	$(call section,bench documents into $(BENCH_DOCS))
	node tests/bench/generate.mjs $(BENCH_DOCS)
	$(call section,cargo bench --bench native)
	@# The release profile's panic = "abort" would make cargo build the
	@# library twice (abort for the CLI, unwind for the bench) under the same
	@# unhashed cdylib file names, and the two builds can clobber each other.
	CARGO_PROFILE_RELEASE_PANIC=unwind cargo bench --bench native
	$(call section,node tests/bench/keystroke.mjs (keystroke replay; run.mjs reads its numbers))
	rm -f target/bench/keystroke.json target/bench/corpus.json
	node tests/bench/keystroke.mjs
	$(call section,node tests/bench/corpus.mjs (keystroke replay on the real posts of tests/data/corpus))
	node tests/bench/corpus.mjs
	$(call section,keystroke-to-paint in the page (tests/e2e/paint.test.mjs; run.mjs reads its numbers))
	rm -f target/bench/paint.json
	node --test tests/e2e/paint.test.mjs
	$(call section,node tests/bench/run.mjs (one process; cold starts and pathological inputs in children))
	node tests/bench/run.mjs $(BENCH_FLAGS)

## bench-smoke: the bench generator's own checks (sizes, determinism, seed copy) and short keystroke replays; part of `test`
bench-smoke:
	node tests/bench/generate.mjs --check
	KEYSTROKE_SIZES=seed node tests/bench/keystroke.mjs
	CORPUS_QUICK=1 node tests/bench/corpus.mjs

## fuzz: fuzz render() (or FUZZ_TARGET) for FUZZ_SECONDS (default 300) with cargo-fuzz; not part of `test`
# Needs `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept the -Z flags cargo-fuzz passes. The committed seeds are
# copied into the (ignored) working corpus first. Crashes land in
# tests/fuzz/artifacts/<target>/; see tests/fuzz/README.md.
# FUZZ_TARGET=frontmatter fuzzes the YAML reader alone (seeds in
# tests/fuzz/seeds-frontmatter, corpus in tests/fuzz/corpus-frontmatter).
# FUZZ_TARGET=edits fuzzes the incremental engine: edit after edit, each
# compared with a full render (seeds in tests/fuzz/seeds-edits).
# FUZZ_FLAGS go to cargo fuzz: no AddressSanitizer by default (the crate
# forbids unsafe code, and ASan made some 4 KiB inputs 200 times slower);
# `FUZZ_FLAGS=` brings it back. FUZZ_ARGS go to libFuzzer, e.g.
# `FUZZ_ARGS="-fork=1 -ignore_crashes=1"` to keep going after a crash.
FUZZ_SECONDS ?= 300
FUZZ_FLAGS ?= -s none
FUZZ_ARGS ?=
FUZZ_TARGET ?= render
FUZZ_CORPUS = tests/fuzz/corpus$(if $(filter render,$(FUZZ_TARGET)),,-$(FUZZ_TARGET))
FUZZ_SEEDS = tests/fuzz/seeds$(if $(filter render,$(FUZZ_TARGET)),,-$(FUZZ_TARGET))
.PHONY: fuzz
fuzz:
	@mkdir -p $(FUZZ_CORPUS)
	cp -n $(FUZZ_SEEDS)/* $(FUZZ_CORPUS)/ 2>/dev/null || true
	RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz $(FUZZ_FLAGS) $(FUZZ_TARGET) $(FUZZ_CORPUS) -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 $(FUZZ_ARGS)
