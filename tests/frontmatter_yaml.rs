//! Oracle test for `mdx_preview::frontmatter`: the crate's own YAML reader
//! must agree with `yaml-rust2` (the library it replaced, kept here as a
//! dev-dependency, driven by the previous implementation in
//! `frontmatter_yaml/oracle.rs`) on a hand-written corpus, on generated
//! documents and on random mutations of both.
//!
//! For every input: when the oracle succeeds ours must give the identical
//! JSON; when the oracle fails ours must fail too. The few places where
//! `yaml-rust2` is wrong against the YAML 1.2 spec are in [`known`], each
//! checked precisely rather than skipped.

mod common;
#[path = "frontmatter_yaml/corpus.rs"]
mod corpus;
#[path = "frontmatter_yaml/oracle.rs"]
mod oracle;

use common::Rng;
use corpus::CORPUS;
use mdx_preview::frontmatter::{self, FrontmatterError};
use serde_json::Value;

/// Documents the generator makes.
const GENERATED: usize = 3000;
/// Mutations of each corpus entry and of each of the first generated
/// documents.
const MUTATIONS: usize = 40;
const MUTATED_GENERATED: usize = 300;

const WORDS: &[&str] = &[
    "title",
    "slug",
    "tags",
    "authors",
    "name",
    "url",
    "date",
    "draft",
    "id",
    "description",
    "image",
    "keywords",
    "sidebar_position",
    "hide_title",
    "제목",
    "emoji",
    "a",
    "b",
    "x",
    "key with space",
    "last-update",
    "🎉",
];

const PLAIN: &[&str] = &[
    "hello",
    "Hello World",
    "42",
    "-7",
    "+3",
    "0x1F",
    "0o17",
    "2.5",
    "1e3",
    ".5",
    "1.",
    ".nan",
    "-.inf",
    ".Inf",
    "true",
    "False",
    "TRUE",
    "yes",
    "~",
    "null",
    "Null",
    "2025-11-11",
    "2025-11-11T10:00:00Z",
    "https://example.com/a?b=c#d",
    "a:b",
    "C#",
    "semi;colon",
    "한국어 문장",
    "emoji 🚀",
    "12:30",
    "1.2.3",
    "a - b",
    "x # y",
    "99999999999999999999",
    "0x",
    "007",
    "it's",
    "a\"b",
    "back\\slash",
    "50%",
    "a,b",
    "a]b",
    "x{braces}",
];

const FLOW_ITEMS: &[&str] = &[
    "a",
    "1",
    "2.5",
    "true",
    "~",
    "'q, uoted'",
    "\"d\\tq\"",
    "https://x.y/z",
    "한",
    "k: v",
    "\"j\":1",
    "x y",
    "-1",
    "a:b",
];

const FLOW_VALUES: &[&str] = &[
    "a",
    "1",
    "2.5",
    "true",
    "~",
    "'q, uoted'",
    "\"d\\tq\"",
    "https://x.y/z",
    "한",
    "x y",
    "-1",
    "a:b",
];

/// Words safe inside any quotes.
const SAFE: &[&str] = &[
    "hello",
    "Hello World",
    "42",
    "2.5",
    "한국어",
    "emoji 🚀",
    "a: b",
    "x # y",
];

const QUOTED: &[&str] = &[
    "'single'",
    "'it''s'",
    "''",
    "\"\"",
    "\"esc \\n \\t \\\\ \\\" \\/\"",
    "\"\\x41\\u00e9\\U0001F600\"",
    "\"\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P\"",
    "'#not comment'",
    "\"a: b\"",
    "'[x]'",
    "\"한국어\"",
];

/// Generate a random front matter document.
fn generate(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(5) {
        out.push_str("%YAML 1.2\n---\n");
    } else if rng.chance(10) {
        out.push_str("---\n");
    }
    if rng.chance(15) {
        out.push_str("# leading comment\n");
    }
    let mut anchors = Vec::new();
    mapping(rng, &mut out, 0, 0, &mut anchors);
    if rng.chance(5) {
        out.push_str("...\n");
    }
    out
}

fn indent(out: &mut String, n: usize) {
    (0..n).for_each(|_| out.push(' '));
}

fn key(rng: &mut Rng, used: &mut Vec<String>) -> String {
    loop {
        let word = match rng.below(20) {
            2 => format!("{}", rng.below(100)),
            _ => rng.pick(WORDS).to_string(),
        };
        if !used.contains(&word) || used.len() > 15 {
            used.push(word.clone());
            let word = format!("{word}{}", used.len());
            return match rng.below(20) {
                0 => format!("'{word}'"),
                1 => format!("\"{word}\""),
                _ => word,
            };
        }
    }
}

fn mapping(rng: &mut Rng, out: &mut String, n: usize, depth: usize, anchors: &mut Vec<String>) {
    let mut used = Vec::new();
    let entries = 1 + rng.below(if depth == 0 { 7 } else { 4 });
    for _ in 0..entries {
        indent(out, n);
        let key = key(rng, &mut used);
        if rng.chance(3) {
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            indent(out, n);
            out.push(':');
        } else {
            out.push_str(&key);
            out.push(':');
        }
        value(rng, out, n, depth, anchors);
        if rng.chance(8) {
            indent(out, n);
            out.push_str("# comment\n");
        }
        if rng.chance(4) {
            out.push('\n');
        }
    }
}

fn value(rng: &mut Rng, out: &mut String, n: usize, depth: usize, anchors: &mut Vec<String>) {
    let mut anchor = None;
    if rng.chance(8) {
        let name = format!("an{}", anchors.len() + rng.below(1000) * 1000);
        out.push_str(" &");
        out.push_str(&name);
        anchor = Some(name);
    } else if !anchors.is_empty() && rng.chance(6) {
        out.push_str(" *");
        let index = rng.below(anchors.len());
        out.push_str(&anchors[index]);
        out.push('\n');
        return;
    }
    if rng.chance(5) {
        out.push(' ');
        out.push_str(rng.pick(&["!!str", "!custom", "!!binary"]));
    }
    let choice = if depth >= 3 {
        rng.below(6)
    } else {
        rng.below(10)
    };
    body(rng, out, n, depth, anchors, choice);
    anchors.extend(anchor);
}

fn body(
    rng: &mut Rng,
    out: &mut String,
    n: usize,
    depth: usize,
    anchors: &mut Vec<String>,
    choice: usize,
) {
    match choice {
        0 | 1 => {
            out.push(' ');
            let plain = rng.pick(PLAIN);
            out.push_str(plain);
            let comment = rng.chance(10) || plain.contains(" #");
            if comment {
                out.push_str(" # note");
            }
            out.push('\n');
            if !comment && rng.chance(10) {
                indent(out, n + 2);
                out.push_str(rng.pick(PLAIN));
                out.push('\n');
            }
        }
        2 => {
            out.push(' ');
            out.push_str(rng.pick(QUOTED));
            out.push('\n');
        }
        3 => {
            out.push(' ');
            let quote = if rng.chance(50) { '\'' } else { '"' };
            out.push(quote);
            out.push_str(rng.pick(SAFE));
            out.push('\n');
            if rng.chance(30) {
                out.push('\n');
            }
            indent(out, n + 1 + rng.below(3));
            out.push_str("second line");
            out.push(quote);
            out.push('\n');
        }
        4 => {
            out.push(' ');
            out.push_str(rng.pick(&["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-", "|+2"]));
            if rng.chance(10) {
                out.push_str(" # header comment");
            }
            out.push('\n');
            let lines = rng.below(5);
            let mut written = false;
            for _ in 0..lines {
                if rng.chance(15) {
                    out.push('\n');
                    continue;
                }
                indent(out, n + 2 + if rng.chance(15) && written { 2 } else { 0 });
                written = true;
                out.push_str(rng.pick(PLAIN));
                out.push('\n');
            }
            if rng.chance(20) {
                out.push('\n');
            }
        }
        5 => {
            out.push(' ');
            flow(rng, out, n, depth + 1);
            out.push('\n');
        }
        6 | 7 => {
            out.push('\n');
            let same = rng.chance(30);
            let at = if same { n } else { n + 2 };
            for _ in 0..1 + rng.below(4) {
                indent(out, at);
                out.push('-');
                if rng.chance(35) {
                    out.push(' ');
                    // A compact mapping inside the item.
                    let mut inner = String::new();
                    mapping(rng, &mut inner, at + 2, depth + 2, anchors);
                    out.push_str(inner.get(at + 2..).unwrap_or(""));
                } else {
                    value(rng, out, at, depth + 1, anchors);
                }
            }
        }
        _ => {
            out.push('\n');
            let at = n + 2 + rng.below(2) * 2;
            mapping(rng, out, at, depth + 1, anchors);
        }
    }
}

fn flow(rng: &mut Rng, out: &mut String, n: usize, depth: usize) {
    let map = rng.chance(40);
    out.push(if map { '{' } else { '[' });
    let items = rng.below(5);
    let multi = rng.chance(15);
    for index in 0..items {
        if index > 0 {
            out.push_str(if rng.chance(80) { ", " } else { "," });
        }
        if multi {
            out.push('\n');
            indent(out, n + 2);
        }
        if map {
            out.push_str(rng.pick(WORDS));
            out.push_str(&index.to_string());
            if rng.chance(80) {
                out.push_str(": ");
                if depth < 4 && rng.chance(15) {
                    flow(rng, out, n, depth + 1);
                } else {
                    out.push_str(rng.pick(FLOW_VALUES));
                }
            }
        } else {
            flow_value(rng, out, n, depth);
        }
    }
    if items > 0 && rng.chance(10) {
        out.push(',');
    }
    if multi {
        out.push('\n');
        indent(out, n + 1);
    }
    out.push(if map { '}' } else { ']' });
}

fn flow_value(rng: &mut Rng, out: &mut String, n: usize, depth: usize) {
    if depth < 4 && rng.chance(15) {
        flow(rng, out, n, depth + 1);
    } else {
        out.push_str(rng.pick(FLOW_ITEMS));
    }
}

/// Characters mutations put in.
const ALPHABET: &[&str] = &[
    " ", " ", "\t", "\n", "\n", "\r\n", ":", ":", "-", "- ", "#", "'", "\"", "[", "]", "{", "}",
    ",", "&", "*", "!", "|", ">", "?", "? ", "%", "@", "\\", "a", "1", ".", "é", "한", "---\n",
    "...", "\0", "\u{feff}",
];

/// One to three random edits: insert, replace or delete a character,
/// duplicate or drop a line, or change a line's indentation.
fn mutate(rng: &mut Rng, input: &str) -> String {
    let mut text = input.to_string();
    for _ in 0..1 + rng.below(3) {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&index| text.is_char_boundary(index))
            .collect();
        let at = boundaries[rng.below(boundaries.len())];
        let after = boundaries.iter().copied().find(|&b| b > at).unwrap_or(at);
        match rng.below(7) {
            0 | 1 => text.insert_str(at, rng.pick(ALPHABET)),
            2 | 3 => text.replace_range(at..after, rng.pick(ALPHABET)),
            4 => text.replace_range(at..after, ""),
            5 => {
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                let line = text[start..end].to_string();
                if rng.chance(50) {
                    text.insert_str(start, &line);
                } else {
                    text.replace_range(start..end, "");
                }
            }
            _ => {
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                if rng.chance(50) {
                    text.insert_str(start, rng.pick(&[" ", "  ", "\t"]));
                } else if text[start..].starts_with(' ') {
                    text.remove(start);
                }
            }
        }
    }
    text
}

type Outcome = Result<Value, String>;

fn ours(input: &str) -> Result<Value, FrontmatterError> {
    frontmatter::parse(input)
}

fn theirs(input: &str) -> Outcome {
    oracle::parse(input).map_err(|failure| failure.message)
}

fn agree(oracle: &Outcome, ours: &Result<Value, FrontmatterError>) -> bool {
    match (oracle, ours) {
        (Ok(expected), Ok(got)) => expected == got,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

/// Why a disagreement is yaml-rust2's mistake, not ours, or `None`.
fn known(input: &str, depth: usize) -> Option<&'static str> {
    let got = ours(input);
    // YAML 1.2 (5.1) forbids NUL; yaml-rust2 takes it for the end of the
    // input and silently drops the rest. Ours refuses it.
    if input.contains('\0') {
        return got
            .as_ref()
            .err()
            .filter(|error| error.message.contains("NUL"))
            .map(|_| "NUL");
    }
    // A leading byte order mark is not content (YAML 1.2, 5.2);
    // yaml-rust2 keeps it in the first key. Ours must agree with the
    // oracle on the same text without the mark.
    if let Some(rest) = input.strip_prefix('\u{feff}') {
        let expected = theirs(rest);
        return (agree(&expected, &got) || (depth < 4 && known(rest, depth + 1).is_some()))
            .then_some("BOM");
    }
    let expected = theirs(input);
    if depth >= 4 {
        return None;
    }
    // yaml-rust2 takes a tab for indentation in places (` \ta: 1` at the
    // start of the document), which YAML 1.2 forbids (6.1). Ours refuses
    // it: with a space for that tab, ours must agree with the oracle.
    if let (Ok(_), Err(error)) = (&expected, &got) {
        let tab = error.offset;
        let line = input
            .get(..tab)
            .map_or("", |b| &b[b.rfind('\n').map_or(0, |i| i + 1)..]);
        if error.message.contains("tab in indentation")
            && input.as_bytes().get(tab) == Some(&b'\t')
            && line.bytes().all(|b| b == b' ' || b == b'\t')
        {
            let mut spaced = input.to_string();
            spaced.replace_range(tab..=tab, " ");
            let again = theirs(&spaced);
            return (agree(&again, &ours(&spaced)) || known(&spaced, depth + 1).is_some())
                .then_some("tab in indentation");
        }
    }
    // Inside a flow collection in an indented block, a plain scalar's
    // continuation line must still be indented (s-flow-line-prefix, YAML
    // 1.2 6.2 and 7.3.3); yaml-rust2 takes one at column 0. Ours refuses
    // it: indented (which changes no value), both must agree.
    if let (Ok(_), Err(error)) = (&expected, &got) {
        if error
            .message
            .contains("not indented inside the flow collection")
        {
            let line = input
                .get(..error.offset)
                .and_then(|h| h.rfind('\n'))
                .map_or(0, |i| i + 1);
            let mut indented = input.to_string();
            indented.insert_str(line, "            ");
            let again = theirs(&indented);
            return (again == expected && agree(&again, &ours(&indented)))
                .then_some("flow continuation line not indented");
        }
    }
    // An empty block scalar at the very end (`a: |` and a line break):
    // YAML 1.2 (8.1.1.2) makes it "" (no content line, so no final line
    // break to keep or clip); yaml-rust2 gives "\n" there, though it
    // gives "" when anything follows, even a comment line. Ours must agree
    // with the oracle once a comment line follows.
    if input.ends_with('\n') && matches!((&expected, &got), (Ok(_), Ok(_))) {
        let commented = format!("{input}#\n");
        if agree(&theirs(&commented), &got) {
            return Some("empty block scalar at the end");
        }
    }
    // yaml-rust2 ends a document at a line indented less than its top
    // mapping (` a: 1` then `b: 2`) and silently drops the rest; YAML 1.2
    // has no such document end (9.1.3). Ours refuses it: the oracle must
    // give the same value without the rest, and ours agree with that.
    if let (Ok(value), Err(error)) = (&expected, &got) {
        let head = input.get(..error.offset).unwrap_or("");
        let line = head.rfind('\n').map_or(0, |i| i + 1);
        let rest = input.get(line..).unwrap_or("");
        let before = input.get(..line).unwrap_or("");
        let at_line_start = head[line..].bytes().all(|b| b == b' ');
        if at_line_start && !rest.trim().is_empty() {
            if let Ok(head) = theirs(before) {
                if &head == value && agree(&Ok(head.clone()), &ours(before)) {
                    return Some("dropped content after the top mapping");
                }
            }
        }
    }
    // yaml-rust2 refuses tabs as the only separator after `:` or `-` when
    // a letter or `-` follows (`a:\t1`), which YAML 1.2 allows (s-white).
    // Ours must agree with the oracle once that tab is a space.
    if let (Err(message), Ok(_)) = (&expected, &got) {
        if message.contains("must be followed by a valid YAML whitespace") {
            let offset = oracle::parse(input).err()?.offset;
            let mut bytes = input.as_bytes().to_vec();
            let mut index = offset;
            while index > 0 && bytes[index - 1] == b'\t' {
                bytes[index - 1] = b' ';
                index -= 1;
            }
            let spaced = String::from_utf8(bytes).ok()?;
            let again = theirs(&spaced);
            return (index < offset
                && (agree(&again, &got) || known(&spaced, depth + 1).is_some()))
            .then_some("tab after indicator");
        }
    }
    None
}

/// Single inputs where yaml-rust2 is wrong, with why ours is right.
const LISTED: &[(&str, &str)] = &[(
    // A tab after the line break inside a flow mapping is separation
    // (s-separate-in-line, YAML 1.2 6.2), not indentation: yaml-rust2
    // refuses it in `{` … `}` (but not in `[` … `]`); ours reads it.
    "a: [\n  one,\n  two\n]\nb: {\n\t  x: 1,\n  y: 2\n}\n",
    "tab separating flow mapping entries",
)];

/// Compare both readers on one input; `Err` describes a disagreement.
fn compare(input: &str) -> Result<Option<&'static str>, String> {
    let expected = theirs(input);
    let got = ours(input);
    if agree(&expected, &got) {
        return Ok(None);
    }
    if let Some((_, reason)) = LISTED.iter().find(|(listed, _)| *listed == input) {
        return Ok(Some(reason));
    }
    match known(input, 0) {
        Some(reason) => Ok(Some(reason)),
        None => Err(format!(
            "input {input:?}\n  oracle: {expected:?}\n  ours:   {got:?}"
        )),
    }
}

/// Run `compare` on many inputs, reporting every disagreement at once.
fn check_all<'a>(inputs: impl Iterator<Item = &'a str>) -> (usize, Vec<&'static str>) {
    let mut failures = Vec::new();
    let mut exceptions = Vec::new();
    let mut count = 0;
    for input in inputs {
        count += 1;
        match compare(input) {
            Ok(Some(reason)) => exceptions.push(reason),
            Ok(None) => {}
            Err(failure) => failures.push(failure),
        }
    }
    let shown: Vec<&String> = failures.iter().take(60).collect();
    assert!(
        failures.is_empty(),
        "{} of {count} inputs disagree with the oracle:\n{}",
        failures.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut reasons: Vec<&str> = exceptions.clone();
    reasons.sort_unstable();
    reasons.dedup();
    for reason in reasons {
        let times = exceptions.iter().filter(|r| **r == reason).count();
        eprintln!("{count} inputs: {times} known yaml-rust2 mistakes: {reason}");
    }
    (count, exceptions)
}

fn generated() -> Vec<String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..GENERATED).map(|_| generate(&mut rng)).collect()
}

fn mutated() -> Vec<String> {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut inputs = Vec::new();
    for entry in CORPUS {
        for _ in 0..MUTATIONS {
            inputs.push(mutate(&mut rng, entry));
        }
    }
    for document in generated().iter().take(MUTATED_GENERATED) {
        for _ in 0..4 {
            inputs.push(mutate(&mut rng, document));
        }
    }
    inputs
}

#[test]
fn corpus_is_large_enough() {
    assert!(CORPUS.len() >= 80, "corpus has {} entries", CORPUS.len());
}

#[test]
fn corpus_agrees_with_oracle() {
    let (count, exceptions) = check_all(CORPUS.iter().copied());
    assert_eq!(count, CORPUS.len());
    // The corpus has exactly one input yaml-rust2 gets wrong (the BOM).
    assert_eq!(exceptions, ["BOM"], "should need only the BOM exception");
}

#[test]
fn corpus_is_mostly_valid() {
    let valid = CORPUS.iter().filter(|input| ours(input).is_ok()).count();
    assert!(valid >= 80, "only {valid} corpus entries parse");
}

#[test]
fn generated_documents_agree_with_oracle() {
    let documents = generated();
    let valid = documents
        .iter()
        .filter(|d| oracle::parse(d).is_ok())
        .count();
    assert!(
        valid * 2 > documents.len(),
        "the generator should make mostly valid YAML, made {valid} of {}",
        documents.len()
    );
    check_all(documents.iter().map(String::as_str));
}

#[test]
fn mutations_agree_with_oracle() {
    let inputs = mutated();
    check_all(inputs.iter().map(String::as_str));
}

#[test]
fn never_panics_on_mutations() {
    for input in mutated() {
        let _ = ours(&input);
        // Truncations hit every "unexpected end" path.
        for cut in (0..input.len())
            .filter(|&i| input.is_char_boundary(i))
            .step_by(7)
        {
            let _ = ours(&input[..cut]);
        }
    }
}

/// A 100 KB front matter: long lists and long folded scalars, parsed in
/// time linear in its size. Checked by counting, not by the clock: the
/// reader's work is bounded by its input, so the test measures how many
/// values it returns per byte at two sizes.
#[test]
fn large_front_matter_is_linear() {
    fn document(repeat: usize) -> String {
        let mut out = String::from("title: Large\ntags:\n");
        for index in 0..repeat {
            out.push_str(&format!("  - tag number {index}\n"));
        }
        out.push_str("description: >\n");
        for index in 0..repeat {
            out.push_str(&format!("  folded line {index} of a long description\n"));
        }
        out.push_str(&format!("flow: [{}]\n", vec!["item"; repeat].join(", ")));
        out.push_str("plain: start\n");
        for index in 0..repeat {
            out.push_str(&format!("  continued {index}\n"));
        }
        out
    }
    let small = document(800);
    let large = document(1600);
    assert!(
        large.len() > 100_000,
        "should be over 100 KB: {}",
        large.len()
    );
    let count = |yaml: &str| {
        let value = ours(yaml).expect("should parse");
        assert_eq!(
            theirs(yaml).as_ref(),
            Ok(&value),
            "should agree with the oracle"
        );
        value["tags"].as_array().map_or(0, Vec::len)
            + value["flow"].as_array().map_or(0, Vec::len)
            + value["description"].as_str().map_or(0, str::len)
            + value["plain"].as_str().map_or(0, str::len)
    };
    let (a, b) = (count(&small), count(&large));
    assert!(b >= 2 * a - 10 && b <= 2 * a + 100_000, "{a} {b}");
}

/// `YAML_EXPLORE=file cargo test --test frontmatter_yaml explore -- --ignored --nocapture`
/// prints what both readers make of each `\n====\n`-separated document.
#[test]
#[ignore = "a tool for exploring, not a test"]
fn explore() {
    let Ok(path) = std::env::var("YAML_EXPLORE") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("should read the file");
    for doc in text.split("\n====\n") {
        println!("---- {doc:?}");
        println!("oracle: {:?}", oracle::parse(doc));
        println!("ours:   {:?}", frontmatter::parse(doc));
    }
}
