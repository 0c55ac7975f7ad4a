//! Headings: the TOC, the heading ids and the title show what the body
//! shows, since they are made from the sanitized heading.

use mdx_preview::{Format, Options, render};

#[test]
fn title_is_the_sanitized_first_heading() {
    let options = Options {
        format: Format::Md,
        ..Options::default()
    };
    let out = render("# a<style>body{display:none}</style>b\n", &options).unwrap();
    assert_eq!(
        out.title.as_deref(),
        Some("ab"),
        "should drop the style's text"
    );
    assert!(
        out.html.contains(r#"id="user-content-ab">ab</h1>"#),
        "should slug what the body shows: {}",
        out.html
    );
}

#[test]
fn toc_entries_match_the_ids_in_the_body() {
    let out = render(
        "## Hi <script>{`x`}</script> there\n\n## Hi  there\n",
        &Options::default(),
    )
    .unwrap();
    for entry in &out.toc {
        assert!(
            out.html.contains(&format!(r#"id="{}""#, entry.id)),
            "should have an element with id {} in {}",
            entry.id,
            out.html
        );
        assert!(
            !entry.text.contains('x'),
            "should not show the script's text"
        );
    }
    assert_eq!(out.toc.len(), 2);
    assert_ne!(out.toc[0].id, out.toc[1].id, "should keep ids unique");
}
