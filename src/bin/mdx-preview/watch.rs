//! `--watch`: check the inputs, then check again each document that
//! changes, appears or goes, and each whose referred files (images) appear,
//! go or change, until interrupted. Polls modification times a few times a
//! second (no platform watcher: a site's few hundred files cost
//! nothing to stat, and polling sees every editor's way of saving).
//!
//! Output is `--check`'s: diagnostics on stderr, then the summary line for
//! all the documents watched; each later round starts with
//! `-- changed: FILE` / `-- removed: FILE` lines.

use super::{
    Cli, Document, Sites, Tally, expand_inputs, find_documents, format_diagnostics, render_document,
};
use mdx_preview::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the files are looked at.
const INTERVAL: Duration = Duration::from_millis(250);

/// What a file looked like: modification time and length, or absent.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// A watched document as last checked.
struct Watched {
    stamp: Stamp,
    /// The files it refers to, as they were.
    files: Vec<(PathBuf, Stamp)>,
    diagnostics: Vec<Diagnostic>,
}

/// Run until interrupted (returns only if the first round could not read
/// the inputs at all).
pub fn run(cli: &Cli) -> u8 {
    let mut status = 0;
    let first = expand_inputs(&cli.inputs, &mut status);
    if status != 0 && first.is_empty() {
        return status;
    }
    let mut watched: BTreeMap<PathBuf, Watched> = BTreeMap::new();
    let mut sites = Sites::default();
    let mut round = 0u64;
    loop {
        let files = if round == 0 {
            first.clone()
        } else {
            documents(cli)
        };
        let mut lines = String::new();
        let gone: Vec<PathBuf> = watched
            .keys()
            .filter(|path| !files.contains(path))
            .cloned()
            .collect();
        for path in gone {
            watched.remove(&path);
            lines.push_str(&format!("-- removed: {}\n", path.display()));
        }
        for path in &files {
            let now = stamp(path);
            let stale = match watched.get(path) {
                None => true,
                Some(old) => {
                    old.stamp != now || old.files.iter().any(|(file, was)| stamp(file) != *was)
                }
            };
            if !stale {
                continue;
            }
            let file = path.display().to_string();
            if round > 0 {
                lines.push_str(&format!("-- changed: {file}\n"));
            }
            let Some(Document { rendered, files }) = render_document(cli, path, &mut sites) else {
                watched.remove(path);
                continue;
            };
            lines.push_str(&format_diagnostics(&file, &rendered.diagnostics));
            let files = files.into_iter().map(|file| {
                let was = stamp(&file);
                (file, was)
            });
            watched.insert(
                path.clone(),
                Watched {
                    stamp: now,
                    files: files.collect(),
                    diagnostics: rendered.diagnostics,
                },
            );
        }
        if round == 0 || !lines.is_empty() {
            let mut tally = Tally::default();
            for document in watched.values() {
                tally.add(&document.diagnostics);
            }
            eprintln!("{lines}{}", tally.summary());
            if round == 0 {
                eprintln!(
                    "watching {} for changes (Ctrl-C to stop)",
                    super::plural(watched.len(), "file")
                );
            }
        }
        round += 1;
        std::thread::sleep(INTERVAL);
    }
}

/// The documents of the inputs now, quietly (a folder may be empty for a
/// while).
fn documents(cli: &Cli) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in &cli.inputs {
        if input.is_dir() {
            files.extend(find_documents(input).unwrap_or_default());
        } else if input.is_file() {
            files.push(input.clone());
        }
    }
    files
}
