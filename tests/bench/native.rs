//! Native benchmark (`cargo bench --bench native`, run by `make bench`):
//! [`mdx_preview::render`] against markdown-rs's `to_mdast` alone, with the
//! parse options `render` uses, on the bench documents. The ratio
//! render ÷ parse is our overhead over parsing alone.
//!
//! The documents come from `tests/bench/generate.mjs`, which `make bench`
//! runs first into `target/bench/docs/` (`BENCH_DOCS` overrides the folder);
//! without them only the seed is measured. Each measurement is one warm-up
//! run, then runs until at least `MIN_RUNS` and `TIME_CAP` have passed (or
//! `MAX_RUNS`). Medians and 95th percentiles are printed and written to
//! `target/bench/native.json`, which `tests/bench/run.mjs` puts into
//! `tests/bench/results.json`. A plain `std::time` harness keeps criterion
//! out of every `cargo test` build. Run it as `make bench` does, with
//! `CARGO_PROFILE_RELEASE_PANIC=unwind`: otherwise cargo builds the library
//! twice under the same (cdylib, unhashed) file names and may fail to link.
#![forbid(unsafe_code)]

use mdx_preview::{Format, Options, parse, render};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MIN_RUNS: usize = 5;
const MAX_RUNS: usize = 200;
const TIME_CAP: Duration = Duration::from_secs(3);

struct Stats {
    median_ms: f64,
    p95_ms: f64,
    runs: usize,
}

/// Time `f` as described in the module header.
fn measure(mut f: impl FnMut() -> usize) -> Stats {
    let mut sink = f();
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < MAX_RUNS && (times.len() < MIN_RUNS || start.elapsed() < TIME_CAP) {
        let t0 = Instant::now();
        sink = sink.wrapping_add(f());
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    std::hint::black_box(sink);
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Stats {
        median_ms: at(0.5),
        p95_ms: at(0.95),
        runs: times.len(),
    }
}

/// `(id, format, text)` of each document found.
fn documents(root: &Path) -> Vec<(String, Format, String)> {
    let folder = std::env::var_os("BENCH_DOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/bench/docs"));
    let mut docs = Vec::new();
    for (id, format) in [
        ("seed", Format::Mdx),
        ("seed-fixed", Format::Mdx),
        ("post-100k", Format::Mdx),
        ("post-1m", Format::Mdx),
        ("commonmark-spec", Format::Md),
    ] {
        let extension = if format == Format::Md { "md" } else { "mdx" };
        if let Ok(text) = std::fs::read_to_string(folder.join(format!("{id}.{extension}"))) {
            docs.push((id.to_string(), format, text));
        }
    }
    if docs.is_empty() {
        eprintln!(
            "no documents in {}: run `node tests/bench/generate.mjs target/bench/docs` (make bench does); measuring the seed only",
            folder.display()
        );
        let seed = root.join("tests/fixtures/seed/review-2025-11-11/input.mdx");
        if let Ok(text) = std::fs::read_to_string(seed) {
            docs.push(("seed".into(), Format::Mdx, text));
        }
    }
    docs
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // of the kind and expects a quick exit.
    if !std::env::args().any(|a| a == "--bench") {
        println!("native bench: run with `cargo bench --bench native`");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rows = Vec::new();
    println!(
        "{:<18} {:>9} {:>22} {:>22} {:>8}",
        "document", "KB", "render med/p95 ms", "to_mdast med/p95 ms", "ratio"
    );
    for (id, format, text) in documents(root) {
        let options = Options {
            format,
            base_url: Some("https://example.com/blog/".into()),
            ..Options::default()
        };
        let parse_options = parse::parse_options(&options);
        let ours = measure(|| render(&text, &options).map_or(0, |out| out.html.len()));
        let alone = measure(|| {
            markdown::to_mdast(&text, &parse_options)
                .ok()
                .and_then(|tree| tree.children().map(Vec::len))
                .unwrap_or(0)
        });
        let ratio = ours.median_ms / alone.median_ms;
        println!(
            "{:<18} {:>9.1} {:>10.2} / {:<9.2} {:>10.2} / {:<9.2} {:>7.2}x",
            id,
            text.len() as f64 / 1024.0,
            ours.median_ms,
            ours.p95_ms,
            alone.median_ms,
            alone.p95_ms,
            ratio
        );
        rows.push(serde_json::json!({
            "id": id,
            "bytes": text.len(),
            "render": { "medianMs": ours.median_ms, "p95Ms": ours.p95_ms, "runs": ours.runs },
            "toMdast": { "medianMs": alone.median_ms, "p95Ms": alone.p95_ms, "runs": alone.runs },
            "ratio": ratio,
        }));
    }
    let out = root.join("target/bench/native.json");
    let json = serde_json::json!({
        "profile": "cargo bench (the release profile: our crate at opt-level z, markdown-rs at 2, lto, codegen-units 1)",
        "documents": rows,
    });
    let written = std::fs::create_dir_all(root.join("target/bench"))
        .and_then(|()| std::fs::write(&out, format!("{json:#}\n")));
    match written {
        Ok(()) => println!("written to {}", out.display()),
        Err(error) => eprintln!("could not write {}: {error}", out.display()),
    }
}
