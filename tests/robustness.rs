//! Robustness: thousands of mutated documents (every fixture input, with
//! tricky tokens inserted and ranges deleted by a seeded generator) render
//! in both formats without panicking, with diagnostics inside the document
//! and sorted, and with the same result every time.

mod common;

use common::Rng;
use mdx_preview::{Format, Options, Rendered, render};

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

/// Shapes that make markdown-rs 1.0.0 panic, found by mutation and fuzz
/// testing; the pre-pass takes each out before the parser sees it.
#[test]
fn known_parser_panics_are_avoided() {
    let shapes = [
        "a <b>\n---",
        "a <b c='d'>\n===",
        "a <>\n---",
        "<b>a\n---",
        "a <b>\nc\n---",
        "> a <b>\n> ---",
        "- a <b>\n  -",
        "a <b>[^1]\n---",
        "a <b>\n=\n</b>",
        "\u{FFFD}<>\n=\n</>",
        "Start.\n\n<b>x\n- \n</b/>$$\n\nEnd.\n",
        "![a<b>c](d)",
        "[a<b>c](d)",
        "[a<b>c]\n\n[a<b>c]: d",
        "[![a<b>](x)](y)",
        "[^a<b>]\n\n[^a<b>]: x",
        "---\nt\n\t1. b",
        "---\ntitle\n[^1]: : ok\n\t1. au&#",
        "---\n\n[^1]: a\n\t1. b",
        "> <div>\nlazy \n|-|\nline\n> </d",
        "> <div>\na\n|-|\nb\n> <",
        "<div\n>---\ntitle: ok\n\tauthor: tab\n---\n\nBody.\n",
        // markdown-rs 1.0.0: a setext heading, a `--` line, then another
        // setext heading in the same block (found by the fuzzer).
        "`<>\n-\n`",
        "a `b <c>\n---\nd` e",
        "| a |\n| - |\n1. <v",
        "| a | b |\n| - | - |\n:::\n1. <v.",
        "| a |\n| - |\n| x |\n- <",
        "| a |\n| - |\n  - <v",
        "| a |\n| - |\n> <v",
        "o\n-\n--\nx\n-",
        "o\n=\n==\nx\n=",
        "o\n-\n---\nx\ny\n--",
        "p\n\no\n-\n--\nx\n-\n\nafter",
        // A quote inside an expression does not hide its `}` from
        // markdown-rs, so the fragment is still open at the underline.
        "<>{</>'}e\n-",
        "a <b x={'}'}>\n---",
        "<>{\"</>\"}\nc\n===",
        // markdown-rs 1.0.0 reads past the end of an attribute value that
        // ends in a character reference without `;` (found by the fuzzer).
        "<d a=\"x&r\">",
        "a <b c=\"&amp\">d</b>",
        "<d a='&#12'>\n\ntext",
        "<d a=\"&#x1F\" />",
        "<d a=\"\n\n&r\">",
        "<s'\n\n<v n=\"''&r\">\n'>",
        "<d a=\"&r\">\u{1a}</d>",
        // A backtick run closes a code span only with a run as long: here
        // there is no code span, and the fragment is open at the underline.
        "`<>``\n-",
        "``<>`\n===",
        "a ```<b>`` c\n---",
    ];
    for shape in shapes {
        for format in [Format::Mdx, Format::Md] {
            let options = Options {
                format,
                ..Options::default()
            };
            check(shape, &render(shape, &options).expect("options are valid"));
        }
    }
}

#[test]
fn doubled_setext_underline_is_shown_as_text_with_a_warning() {
    let source = "p\n\no\n-\n--\nx\n-\n\nafter\n";
    for format in [Format::Mdx, Format::Md] {
        let options = Options {
            format,
            ..Options::default()
        };
        let out = render(source, &options).expect("options are valid");
        assert!(
            out.html
                .contains("<pre class=\"mdx-error\" data-line=\"3\">o\n-\n--\nx\n-</pre>"),
            "should show the block as its source: {}",
            out.html
        );
        assert!(out.html.contains("<p data-line=\"1\">p</p>"));
        assert!(out.html.contains("<p data-line=\"9\">after</p>"));
        let warning = out
            .diagnostics
            .iter()
            .find(|d| d.rule_id == "input-too-complex")
            .expect("should explain why the block is text");
        assert_eq!((warning.line, warning.column), (3, 1));
    }
    // With the blank line the message asks for, both headings render.
    let fixed = render("o\n-\n\n--\nx\n-\n", &Options::default()).expect("valid");
    assert_eq!(fixed.html.matches("<h2").count(), 2, "{}", fixed.html);
    assert!(fixed.diagnostics.is_empty(), "{:?}", fixed.diagnostics);
}

/// The `&` of an attribute value that ends in what looks like a character
/// reference is kept (the pre-pass hides it from the parser, which would
/// panic on it, and gives it back).
#[test]
fn open_reference_at_the_end_of_an_attribute_value_is_kept() {
    let options = Options::default();
    let source = "<a href=\"https://example.com/?q=1&r\">link</a> and `x=\"&amp\"`\n";
    let out = render(source, &options).expect("valid options");
    assert!(
        out.html.contains("href=\"https://example.com/?q=1&amp;r\""),
        "should keep the & in the href: {}",
        out.html
    );
    assert!(
        out.html.contains("<code>x=&quot;&amp;amp&quot;</code>"),
        "should keep the & in code: {}",
        out.html
    );
    assert!(
        !out.html.contains('\u{1a}'),
        "no stand-in left: {}",
        out.html
    );
    // Where the parser does not take it as a tag, the text keeps its `&`.
    let out = render("<d a=\"\n\n&r\">\n", &options).expect("valid options");
    assert!(out.html.contains("&amp;r&quot;"), "{}", out.html);
}
