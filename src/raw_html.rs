//! Raw HTML in `format: "md"`. markdown-rs hands it over tag by tag; until
//! it is rebuilt into elements and passed through the sanitizer schema, it
//! is shown as escaped text, never passed through. Comments are dropped.

use crate::diagnostic::{Report, Severity};
use crate::hast::Node;
use markdown::mdast;

/// Convert one raw HTML node.
pub fn transform(
    node: &mdast::Html,
    at: (usize, usize),
    reports: &mut Vec<Report>,
    out: &mut Vec<Node>,
) {
    let value = node.value.trim();
    if value.starts_with("<!--") {
        return;
    }
    reports.push(Report::new(
        Severity::Info,
        "raw-html-as-text",
        "Raw HTML is shown as text in the preview",
        at.0,
        at.1,
    ));
    out.push(Node::text(node.value.clone()));
}
