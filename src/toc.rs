//! Table of contents: the headings within the configured levels, each with
//! its id (prefixed), its HTML as Docusaurus shows it in a TOC (`<code>`,
//! `<em>`, `<strong>`, `<del>` kept, links and everything else unwrapped,
//! text escaped) and its plain text.

use crate::hast::{Element, Node, to_html};

/// A heading's TOC value: its content as inline HTML.
///
/// ```
/// use mdx_preview::hast::{Element, Node};
/// let children = vec![
///     Node::text("Use "),
///     Element::new("a").attr("href", "#x").with(vec![Element::new("code").with(vec![Node::text("x")]).into()]).into(),
/// ];
/// assert_eq!(mdx_preview::toc::value(&children), "Use <code>x</code>");
/// ```
pub fn value(children: &[Node]) -> String {
    to_html(&keep_inline(children)).trim().to_string()
}

/// Keep only `code`, `em`, `strong` and `del` (without attributes), unwrap
/// every other element. Iterative.
fn keep_inline(nodes: &[Node]) -> Vec<Node> {
    // Each frame: the nodes left to copy and the element being built.
    let mut stack: Vec<(std::slice::Iter<Node>, Option<Element>)> = vec![(nodes.iter(), None)];
    let mut done: Vec<Node> = Vec::new();
    while let Some((iter, _)) = stack.last_mut() {
        match iter.next() {
            Some(Node::Text(text)) => push(&mut stack, &mut done, Node::text(text.clone())),
            Some(Node::Raw(_)) => {}
            Some(Node::Element(element)) if element.tag == "img" => {
                let alt = element.get("alt").unwrap_or("").to_string();
                push(&mut stack, &mut done, Node::text(alt));
            }
            Some(Node::Element(element)) => {
                let kept = matches!(element.tag.as_str(), "code" | "em" | "strong" | "del");
                let children = element.children.iter();
                stack.push((children, kept.then(|| Element::new(&element.tag))));
            }
            None => {
                let (_, built) = stack.pop().unwrap_or((nodes[..0].iter(), None));
                if stack.is_empty() {
                    break;
                }
                if let Some(element) = built {
                    push(&mut stack, &mut done, element.into());
                }
            }
        }
    }
    done
}

/// Add a node to the innermost element being built (or the result).
fn push(stack: &mut [(std::slice::Iter<Node>, Option<Element>)], done: &mut Vec<Node>, node: Node) {
    for (_, built) in stack.iter_mut().rev() {
        if let Some(element) = built {
            element.children.push(node);
            return;
        }
    }
    done.push(node);
}
