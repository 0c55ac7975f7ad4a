//! Heading ids: github-slugger ids for markdown headings (or the writer's
//! `{#custom-id}`), in document order, and the list of headings the table
//! of contents is made from. Ids are unprefixed here; the sanitizer adds
//! the id prefix to every id and in-document link alike.

use crate::hast::{Element, Node, text_content};
use crate::slug::Slugger;

/// A heading found in the tree.
#[derive(Clone, Debug)]
pub struct Heading {
    /// Its id (unprefixed).
    pub id: String,
    /// Level 1–6.
    pub level: u8,
    /// Plain text (image alt included).
    pub text: String,
    /// Its content.
    pub children: Vec<Node>,
    /// Byte offset where it starts.
    pub start: usize,
}

/// Most levels of the tree walked (the tree is already depth-bounded).
const MAX_DEPTH: usize = 512;

/// Give every markdown heading an id and list them in document order.
pub fn assign(nodes: &mut [Node]) -> Vec<Heading> {
    let mut slugger = Slugger::new();
    let mut headings = Vec::new();
    walk(nodes, 0, &mut slugger, &mut headings);
    headings
}

fn walk(nodes: &mut [Node], depth: usize, slugger: &mut Slugger, headings: &mut Vec<Heading>) {
    if depth > MAX_DEPTH {
        return;
    }
    for node in nodes {
        let Node::Element(element) = node else {
            continue;
        };
        if let Some(level) = heading_level(element) {
            let text = text_content(&element.children);
            let id = match element.get("id") {
                Some(explicit) => explicit.to_string(),
                None => slugger.slug(&text),
            };
            element.set("id", id.clone());
            headings.push(Heading {
                id,
                level,
                text,
                children: element.children.clone(),
                start: element.source.map_or(0, |s| s.0),
            });
        } else {
            walk(&mut element.children, depth + 1, slugger, headings);
        }
    }
}

/// The level of a markdown heading element.
fn heading_level(element: &Element) -> Option<u8> {
    if element.jsx || element.source.is_none() {
        return None;
    }
    match element.tag.as_str() {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}
