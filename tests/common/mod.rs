//! Helpers shared by the integration tests (`mod common;` in each; not
//! every test uses every helper).
#![allow(dead_code)]

use mdx_preview::Format;
use std::path::Path;

/// Every fixture input under `tests/fixtures/` (`input.md` or
/// `input.mdx`): its path, its text and the format its name gives, sorted
/// by path.
pub fn fixture_inputs() -> Vec<(String, String, Format)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut inputs = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("should list fixtures") {
            let path = entry.expect("should read a folder entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let format = match path.file_name().and_then(|n| n.to_str()) {
                Some("input.md") => Format::Md,
                Some("input.mdx") => Format::Mdx,
                _ => continue,
            };
            let text = std::fs::read_to_string(&path).expect("should read a fixture");
            inputs.push((path.display().to_string(), text, format));
        }
    }
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    inputs
}

/// A tiny xorshift generator: deterministic on every machine, no crates.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// `true` `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Every real document under `tests/data/corpus/` (the MDX docs, the Jest
/// blog and docs, copied with their licences): its path and text, sorted
/// by path.
pub fn corpus_documents() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus");
    let mut documents = Vec::new();
    for folder in std::fs::read_dir(&root).expect("should list the corpus") {
        let folder = folder.expect("should read a corpus folder").path();
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder).expect("should list a corpus folder") {
            let path = entry.expect("should read a corpus entry").path();
            let is_document = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e == "md" || e == "mdx");
            if is_document {
                let text = std::fs::read_to_string(&path).expect("should read a document");
                documents.push((path.display().to_string(), text));
            }
        }
    }
    documents.sort();
    documents
}
