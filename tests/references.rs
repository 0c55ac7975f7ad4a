//! Link and image references: which definition a label matches.
//!
//! Labels match as CommonMark says (whitespace runs collapsed, trimmed,
//! case folded), as @mdx-js/mdx and so Docusaurus match them, not by
//! markdown-rs 1.0.0's identifier, which drops the first space between two
//! words (`crate::guard::label_key`). The expected HTML below is what
//! @mdx-js/mdx 3 gives for the same input (`tests/differential`).

use mdx_preview::{Format, Options, render};

fn html(source: &str, format: Format) -> String {
    let options = Options {
        format,
        ..Options::default()
    };
    let out = render(source, &options).unwrap();
    // The paragraph's content, without the `data-line` attribute.
    let start = out.html.find('>').map_or(0, |at| at + 1);
    out.html[start..].trim_end().to_string()
}

#[test]
fn a_label_without_the_space_of_a_definition_is_not_a_reference() {
    for format in [Format::Md, Format::Mdx] {
        assert_eq!(
            html(
                "[foobar], [foobar][], ![foobar] and [x][foobar].\n\n[foo bar]: /url\n",
                format
            ),
            "[foobar], [foobar][], ![foobar] and [x][foobar].</p>",
            "{format:?}"
        );
    }
}

#[test]
fn labels_match_whatever_their_case_and_whitespace() {
    for format in [Format::Md, Format::Mdx] {
        assert_eq!(
            html(
                "[Foo  Bar], [foo\nbar][], ![x][FOO BAR] and [y][foo\tbar].\n\n[foo bar]: /url \"T\"\n",
                format
            ),
            concat!(
                r#"<a href="/url" title="T">Foo  Bar</a>, <a href="/url" title="T">foo"#,
                "\n",
                r#"bar</a>, <img src="/url" alt="x" title="T" /> and <a href="/url" title="T">y</a>.</p>"#
            ),
            "{format:?}"
        );
    }
}

#[test]
fn labels_that_differ_by_a_space_match_their_own_definitions() {
    // markdown-rs gives both definitions the identifier `foobar`, so every
    // reference went to the first.
    for format in [Format::Md, Format::Mdx] {
        assert_eq!(
            html(
                "[foobar] [foo bar] [x][foobar] [y][foo bar]\n\n[foo bar]: /1\n[foobar]: /2\n",
                format
            ),
            r#"<a href="/2">foobar</a> <a href="/1">foo bar</a> <a href="/2">x</a> <a href="/1">y</a></p>"#,
            "{format:?}"
        );
    }
}

#[test]
fn escaped_brackets_stay_in_the_label() {
    for format in [Format::Md, Format::Mdx] {
        assert_eq!(
            html("[x][a\\[b] and [a\\[b]\n\n[a\\[b]: /url\n", format),
            r#"<a href="/url">x</a> and <a href="/url">a[b</a></p>"#,
            "{format:?}"
        );
    }
}
