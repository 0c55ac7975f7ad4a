//! Fuzz `mdx_preview::render`: the first bytes choose the options, the rest
//! is the document (see `../check.rs` for the layout and the invariants).
//!
//! ```sh
//! make fuzz                      # from the repository root
//! RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz render tests/fuzz/corpus
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check.rs"]
mod check;

/// The sanitizer whose fixed point the output must be: with the
/// `sanitize-fixpoint` feature (on by default), `sanitize_html`.
#[cfg(feature = "sanitize-fixpoint")]
const FIXPOINT: Option<fn(&str) -> String> = Some(mdx_preview::raw_html::sanitize_html);
#[cfg(not(feature = "sanitize-fixpoint"))]
const FIXPOINT: Option<fn(&str) -> String> = None;

fuzz_target!(|data: &[u8]| {
    check::run(data, FIXPOINT);
});
