//! Robustness: thousands of mutated documents (every fixture input, with
//! tricky tokens inserted and ranges deleted by a seeded generator) render
//! in both formats without panicking (a panic `render` contains must be one
//! of markdown-rs's known ones, `tests/fuzz/check.rs`), with diagnostics
//! inside the document and sorted, and with the same result every time.
//! Every input reported to panic is in `tests/panics.rs`.

mod common;
#[path = "fuzz/check.rs"]
#[allow(dead_code)]
mod fuzz_check;

use common::Rng;
use fuzz_check::render_checked as render;
use mdx_preview::{Format, Options, Rendered};

/// Tokens that open, close or confuse constructs.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "{",
    "}",
    "</div>",
    "<div>",
    "<img src={x} />",
    ":::",
    ":::note[",
    "\n:::\n",
    "```",
    "\n```js\n",
    "<!--",
    "-->",
    "[",
    "](",
    "![",
    "*",
    "**",
    "_",
    "~~",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "|",
    "\n|-|\n",
    "한",
    "😀",
    "\r\n",
    "\t",
    "import x from 'y'\n",
    "export const a = {",
    "{/*",
    "*/}",
    "$$",
    "$",
    "---\n",
    "{#id}",
    "# ",
    "[^1]",
    "\n[^1]: ",
    "\\",
    "&amp;",
    "&#",
    "<Tabs>",
    "</TabItem>",
    "`",
    "\u{0}",
    "\u{feff}",
    "<script>",
    "javascript:",
];

fn fixture_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = common::fixture_inputs()
        .into_iter()
        .map(|(_, text, _)| text)
        .collect();
    inputs.sort();
    inputs
}

/// Nearest char boundary at or before `at`.
fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = floor(&text, rng.below(text.len() + 1));
        if rng.below(3) == 0 && !text.is_empty() {
            let end = floor(&text, at + rng.below(40));
            text.replace_range(at..end.max(at), "");
        } else {
            text.insert_str(at, TOKENS[rng.below(TOKENS.len())]);
        }
    }
    text
}

fn check(source: &str, rendered: &Rendered) {
    let utf16_length = source.encode_utf16().count();
    let lines = source.split('\n').count() + source.matches('\r').count();
    for d in &rendered.diagnostics {
        assert!(
            d.offset <= d.end_offset && d.end_offset <= utf16_length,
            "diagnostic offsets should be inside the document: {d:?} for {source:?}"
        );
        assert!(
            d.line >= 1 && d.line <= lines && d.end_line >= d.line && d.column >= 1,
            "diagnostic lines should be inside the document: {d:?} for {source:?}"
        );
    }
    assert!(
        rendered
            .diagnostics
            .windows(2)
            .all(|w| w[0].offset <= w[1].offset),
        "diagnostics should be sorted"
    );
    assert!(
        !rendered.html.contains("<script"),
        "no script should ever be emitted for {source:?}"
    );
}

#[test]
fn mutated_fixtures_never_panic() {
    let inputs = fixture_inputs();
    assert!(inputs.len() > 40, "should find the fixture inputs");
    let seed = std::env::var("ROBUSTNESS_SEED")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed);
    let mut rendered_count = 0;
    // More rounds for a longer hunt: ROBUSTNESS_ROUNDS=1000.
    let rounds: usize = std::env::var("ROBUSTNESS_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(25);
    for round in 0..rounds {
        for input in &inputs {
            let source = mutate(input, &mut rng);
            for format in [Format::Mdx, Format::Md] {
                let options = Options {
                    format,
                    math: round % 2 == 0,
                    ..Options::default()
                };
                if std::env::var_os("ROBUSTNESS_DUMP").is_some() {
                    std::fs::write("/tmp/robustness-last.txt", &source).ok();
                }
                let rendered = render(&source, &options).expect("options are valid");
                check(&source, &rendered);
                if round == 0 {
                    let again = render(&source, &options).expect("options are valid");
                    assert_eq!(rendered, again, "rendering should be deterministic");
                }
                rendered_count += 1;
            }
        }
    }
    println!("rendered {rendered_count} mutated documents");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..2_000 {
        let length = rng.below(200);
        let bytes: Vec<u8> = (0..length)
            .map(|_| match rng.below(4) {
                0 => {
                    let special = b"<>{}[]()*_`~:#!-|\\\n\r\t &;/'\"$";
                    special[rng.below(special.len())]
                }
                _ => (rng.next() & 0xff) as u8,
            })
            .collect();
        let source = String::from_utf8_lossy(&bytes).into_owned();
        for format in [Format::Mdx, Format::Md] {
            let options = Options {
                format,
                ..Options::default()
            };
            check(
                &source,
                &render(&source, &options).expect("options are valid"),
            );
        }
    }
}
