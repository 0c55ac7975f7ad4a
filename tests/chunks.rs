//! Chunked parsing gives exactly what parsing the whole document gives:
//! HTML, table of contents, diagnostics (positions included), front matter
//! and title. Long documents are parsed chunk by chunk for speed; here every
//! fixture, the sample post and mutated versions of them are rendered both
//! ways, with chunking forced even on short documents.

mod common;

use mdx_preview::{Format, Options, render_chunked};

fn inputs() -> Vec<(String, Format)> {
    let mut inputs: Vec<(String, Format)> = common::fixture_inputs()
        .into_iter()
        .map(|(_, text, format)| (text, format))
        .collect();
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    inputs
}

/// The default options in `format`.
fn in_format(format: Format) -> Options {
    Options {
        format,
        ..Options::default()
    }
}

fn assert_same(source: &str, options: &Options) {
    let whole = render_chunked(source, options, usize::MAX).expect("valid options");
    let chunked = render_chunked(source, options, 0).expect("valid options");
    assert_eq!(chunked.html, whole.html, "html should match for {source:?}");
    assert_eq!(chunked.toc, whole.toc, "toc should match for {source:?}");
    assert_eq!(
        chunked.diagnostics, whole.diagnostics,
        "diagnostics should match for {source:?}"
    );
    assert_eq!(chunked.frontmatter, whole.frontmatter);
    assert_eq!(chunked.title, whole.title);
}

#[test]
fn fixtures_render_the_same_in_chunks() {
    for (source, format) in inputs() {
        for math in [false, true] {
            assert_same(
                &source,
                &Options {
                    format,
                    math,
                    ..Options::default()
                },
            );
        }
    }
}

#[test]
fn definitions_reach_every_chunk() {
    let source = "# A\n\nSee [the site][site] and a note[^n].\n\n# B\n\n[site]: https://example.com \"Site\"\n\n# C\n\n[^n]: The note, with [site].\n\nAgain [site].\n";
    for format in [Format::Md, Format::Mdx] {
        assert_same(source, &in_format(format));
        let rendered = render_chunked(source, &in_format(format), 0).expect("valid");
        assert_eq!(
            rendered
                .html
                .matches("href=\"https://example.com\"")
                .count(),
            3,
            "should resolve every reference"
        );
    }
}

#[test]
fn only_referenced_definitions_are_needed_but_every_match_is_found() {
    // Each chunk gets the definitions it may refer to; these labels match
    // their definitions only through CommonMark's label rules (case,
    // whitespace, escapes, line breaks, block quote prefixes), or not at all.
    let source = "# A\n\n[Case][MiXeD] [spaced][a   b] [esc][x\\]y] [wrapped][one\ntwo] [^Fn] [miss][nope] [a b] [xy]\n\n\
# B\n\n> quoted [ref\n> in quote]\n\n\
# C\n\n[mixed]: /mixed\n[A B]: /ab\n[x\\]y]: /escaped\n[one two]: /wrapped\n[ref in quote]: /quoted\n[xy]: /xy\n\n[^fn]: A footnote.\n\n\
# D\n\n[MIXED] again, [nope]: not a definition here, [[xy]] nested, ![img][a b].\n\n\
# E\n\n[mixed]: /second-definition-loses\n\n[mixed]\n";
    for format in [Format::Md, Format::Mdx] {
        let options = in_format(format);
        assert_same(source, &options);
        let html = render_chunked(source, &options, 0).expect("valid").html;
        // (markdown-rs does not match the label that runs across block quote
        // lines; `assert_same` checks chunks agree with it there too.)
        for url in ["/mixed", "/ab", "/escaped", "/wrapped", "/xy"] {
            assert!(
                html.contains(&format!("href=\"{url}\""))
                    || html.contains(&format!("src=\"{url}\"")),
                "should resolve the reference to {url} in {html}"
            );
        }
        assert!(
            !html.contains("second-definition-loses"),
            "the first definition of a label should win: {html}"
        );
    }
}

#[test]
fn front_matter_stays_first_when_definitions_are_added() {
    // The first section refers to a footnote defined further down: the
    // definition put in front of that chunk must not hide the front matter.
    let source = "---\ntitle: Kept\ntags: [a]\n---\n\nIntro with a note[^n] and [a link][l].\n\n# A\n\nText.\n\n# B\n\n[^n]: The note.\n[l]: https://example.com\n";
    for format in [Format::Md, Format::Mdx] {
        let options = in_format(format);
        assert_same(source, &options);
        let chunked = render_chunked(source, &options, 0).expect("valid");
        assert_eq!(chunked.title.as_deref(), Some("Kept"));
        assert!(
            chunked.frontmatter.is_some(),
            "should keep the front matter"
        );
        assert!(!chunked.html.contains("<hr"), "{}", chunked.html);
        assert!(chunked.html.contains("href=\"https://example.com\""));
    }
}

#[test]
fn errors_in_chunks_are_placed_where_they_are() {
    let source = "# A\n\n<div>\n\ntext\n\n# B\n\n{oops\n\n# C\n\nfine [x]\n\n[x]: /y\n";
    assert_same(source, &Options::default());
}

#[test]
fn mutated_documents_render_the_same_in_chunks() {
    // Inserting tokens that open constructs across chunk boundaries.
    let tokens = [
        "<div>\n\n",
        "{",
        "```\n",
        "$$\n",
        "<!--",
        "<pre>\n\n",
        "\n\n# H\n\n",
        "[a]: /b\n\n",
        ":::note\n",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for (source, format) in inputs() {
        for token in tokens {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut at = (state % (source.len() as u64 + 1)) as usize;
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            let mutated = format!("{}{token}{}", &source[..at], &source[at..]);
            for math in [false, true] {
                assert_same(
                    &mutated,
                    &Options {
                        format,
                        math,
                        ..Options::default()
                    },
                );
            }
        }
    }
}

/// Code is code: a fence holding an unclosed tag or brace does not keep the
/// rest of the document in one chunk (which made a long post with such a
/// fence near the top parse as one block, quadratically), and where a tag
/// really is open there is no cut until it closes.
#[test]
fn fenced_code_opens_nothing() {
    let options = Options::default();
    let source = "# A\n\n```jsx\n<div className=\"x\">\nfunction f() {\n```\n\n# B\n\nText.\n\n# C\n\n<div>\n\n# D\n\n</div>\n\n# E\n\nEnd.\n";
    let cuts = mdx_preview::parse::chunk_starts(source, &options, 0);
    let at = |heading: &str| source.find(heading).expect("heading in source");
    // (Chunked from 0 bytes, a chunk may end before any line after a blank
    // line, not only before a heading.)
    assert_eq!(
        cuts,
        vec![
            0,
            at("```jsx"),
            at("# B"),
            at("Text."),
            at("# C"),
            at("# E"),
            at("End.")
        ],
        "cuts before and after the fence, none inside the open <div>"
    );
    assert_same(source, &options);
    // Inside a list item the fence ends with the item.
    let listed = "- a\n\n  ```\n  <b>\n\n# Z\n\n</b>\n";
    assert_same(listed, &options);
}

/// A chunk is not cut from the list, block quote or footnote definition it
/// ends in before a line that is not a heading: markdown-rs carries state
/// out of the container into the next block (`2. b` then starts a list
/// inside what would be one paragraph), which that block parsed at the
/// start of its own chunk would not have.
#[test]
fn a_block_after_a_container_stays_with_it() {
    for source in [
        "- a\n\npara\n2. b\n",
        "- a\n\npara\n-\n",
        "[^1]: a\n\npara\n2. b\n\n[^1]\n",
        "> a\n\npara\n2. b\n",
        "Text.\n\n- a\n\n  b\n\nc\n\n- d\n",
    ] {
        for format in [Format::Md, Format::Mdx] {
            assert_same(source, &in_format(format));
        }
    }
}

/// Long runs of blank lines and documents of many short blocks without a
/// heading are cut too (markdown-rs's time grows with the square of a
/// parse's lines), and render as the whole does.
#[test]
fn blank_runs_and_many_short_blocks_are_cut() {
    let options = Options::default();
    let blank = "\n".repeat(200);
    let cuts = mdx_preview::parse::chunk_starts(&blank, &options, 0);
    assert!(cuts.len() > 100, "cuts in a blank run: {cuts:?}");
    let many = format!("a\n\n{blank}b\n\n- c\n\n{blank}    d\n\ne\n");
    assert!(mdx_preview::parse::chunk_starts(&many, &options, 0).len() > 100);
    for source in [&blank, &many] {
        assert_same(source, &options);
    }
}
