//! Fixture runner: realistic documents with their expected output.
//!
//! Layout: `tests/fixtures/<feature>/<case>/` holds
//!
//! * `input.mdx` or `input.md` (the extension picks the format, overriding
//!   any `format` in `options.json`);
//! * `options.json`, optional: [`Options`] as JSON (camelCase);
//! * the expected output: `output.html` (the HTML, with a final newline
//!   added if it has none), `toc.json`, `diagnostics.json` and, only when
//!   the document has front matter, `frontmatter.json` (pretty JSON with a
//!   final newline; compared as JSON values, so formatting is free).
//!
//! Each feature folder is one test, declared in the [`features!`] list below
//! (a test checks that the list and the folders agree).
//!
//! `UPDATE_FIXTURES=1 cargo test --test fixtures` writes the expected files
//! from the current output instead of comparing, and prints each file it
//! changes: read `git diff tests/fixtures` before committing them.

use mdx_preview::{Format, Options, Rendered, render};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Declare one test per feature folder: `name` for `tests/fixtures/name`,
/// or `name = "folder-name"` when the folder is not a Rust identifier.
macro_rules! features {
    ($($name:ident $(= $folder:literal)?),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run_feature(features!(@folder $name $($folder)?));
            }
        )*
        /// Every feature folder that has a test.
        const FEATURES: &[&str] = &[$(features!(@folder $name $($folder)?)),*];
    };
    (@folder $name:ident $folder:literal) => { $folder };
    (@folder $name:ident) => { stringify!($name) };
}

features! {
    admonitions,
    assets,
    code,
    comments,
    docusaurus,
    frontmatter,
    gfm,
    headings,
    jsx,
    markdown,
    math,
    recovery,
    seed,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Sub-folders of `dir`, sorted by name.
fn sub_folders(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("should read {}: {error}", dir.display()));
    let mut folders: Vec<PathBuf> = entries
        .map(|entry| entry.expect("should list a folder").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn every_feature_folder_has_a_test() {
    let folders: Vec<String> = sub_folders(&fixtures_root())
        .iter()
        .map(|path| file_name(path))
        .collect();
    let untested: Vec<&String> = folders
        .iter()
        .filter(|folder| !FEATURES.contains(&folder.as_str()))
        .collect();
    let missing: Vec<&&str> = FEATURES
        .iter()
        .filter(|feature| !folders.iter().any(|folder| folder == *feature))
        .collect();
    assert!(
        untested.is_empty(),
        "should have a test for every folder in tests/fixtures: add {untested:?} to `features!`"
    );
    assert!(
        missing.is_empty(),
        "should have a folder for every feature in `features!`: {missing:?}"
    );
}

/// Whether to rewrite expected files instead of comparing.
fn updating() -> bool {
    std::env::var("UPDATE_FIXTURES").is_ok_and(|value| !value.is_empty() && value != "0")
}

/// Run every case of one feature folder; panic listing the failing cases.
fn run_feature(feature: &str) {
    let update = updating();
    let cases = sub_folders(&fixtures_root().join(feature));
    let mut failing = Vec::new();
    for case in &cases {
        let name = format!("{feature}/{}", file_name(case));
        if let Err(problems) = run_case(case, update) {
            eprintln!("==== {name}\n{problems}");
            failing.push(name);
        }
    }
    println!(
        "fixtures {feature}: {} cases, {} failing",
        cases.len(),
        failing.len()
    );
    assert!(
        failing.is_empty(),
        "{} of {} fixture cases fail (details above): {failing:?}\n\
         If the new output is right: UPDATE_FIXTURES=1 cargo test --test fixtures, \
         then read `git diff tests/fixtures`.",
        failing.len(),
        cases.len()
    );
}

/// Render one case and compare (or update) each expected file.
/// `Err` holds a readable account of every problem.
fn run_case(case: &Path, update: bool) -> Result<(), String> {
    let rendered = render_case(case)?;
    let mut problems = String::new();
    for (file, got) in expected_files(&rendered) {
        let path = case.join(file);
        let expected = std::fs::read_to_string(&path).ok();
        let matches = match (&expected, &got) {
            (Some(expected), Some(got)) => same_content(file, expected, got),
            (None, None) => true,
            _ => false,
        };
        if matches {
            continue;
        }
        if update {
            update_file(&path, got.as_deref());
            continue;
        }
        match (expected, got) {
            (Some(expected), Some(got)) => {
                let _ = writeln!(
                    problems,
                    "{file} differs (- expected, + got):\n{}",
                    line_diff(&expected, &got)
                );
            }
            (None, Some(got)) => {
                let _ = writeln!(problems, "{file} is missing; got:\n{got}");
            }
            (Some(expected), None) => {
                let _ = writeln!(
                    problems,
                    "{file} should not exist (the output has none); it holds:\n{expected}"
                );
            }
            (None, None) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Read a case's input and options, and render it.
fn render_case(case: &Path) -> Result<Rendered, String> {
    let inputs: Vec<(PathBuf, Format)> = [("input.mdx", Format::Mdx), ("input.md", Format::Md)]
        .into_iter()
        .map(|(name, format)| (case.join(name), format))
        .filter(|(path, _)| path.is_file())
        .collect();
    let (input, format) = match inputs.as_slice() {
        [one] => one,
        [] => return Err("has no input.mdx or input.md".into()),
        _ => return Err("has both input.mdx and input.md; keep one".into()),
    };
    let source = std::fs::read_to_string(input)
        .map_err(|error| format!("cannot read {}: {error}", input.display()))?;
    let options_path = case.join("options.json");
    let mut options: Options = if options_path.is_file() {
        let text = std::fs::read_to_string(&options_path)
            .map_err(|error| format!("cannot read options.json: {error}"))?;
        let json =
            serde_json::from_str(&text).map_err(|error| format!("bad options.json: {error}"))?;
        Options::from_json(&json).map_err(|error| format!("bad options.json: {error}"))?
    } else {
        Options::default()
    };
    options.format = *format;
    render(&source, &options).map_err(|error| format!("render failed: {error}"))
}

/// Each expected file and the content it should have (`None`: it should not
/// exist).
fn expected_files(rendered: &Rendered) -> [(&'static str, Option<String>); 4] {
    let mut html = rendered.html.clone();
    if !html.ends_with('\n') {
        html.push('\n');
    }
    [
        ("output.html", Some(html)),
        ("toc.json", Some(pretty(&rendered.toc))),
        ("diagnostics.json", Some(pretty(&rendered.diagnostics))),
        (
            "frontmatter.json",
            rendered.frontmatter.as_ref().map(pretty),
        ),
    ]
}

fn pretty(value: &impl Serialize) -> String {
    let mut json = serde_json::to_string_pretty(value).expect("output should serialize");
    json.push('\n');
    json
}

/// JSON files are compared as values; others as text.
fn same_content(file: &str, expected: &str, got: &str) -> bool {
    if !file.ends_with(".json") {
        return expected == got;
    }
    match (
        serde_json::from_str::<serde_json::Value>(expected),
        serde_json::from_str::<serde_json::Value>(got),
    ) {
        (Ok(expected), Ok(got)) => expected == got,
        _ => expected == got,
    }
}

fn update_file(path: &Path, content: Option<&str>) {
    let shown = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display();
    match content {
        Some(content) => {
            let verb = if path.exists() { "updated" } else { "created" };
            std::fs::write(path, content)
                .unwrap_or_else(|error| panic!("should write {shown}: {error}"));
            println!("{verb} {shown}");
        }
        None => {
            std::fs::remove_file(path)
                .unwrap_or_else(|error| panic!("should remove {shown}: {error}"));
            println!("removed {shown}");
        }
    }
}

/// A line diff (longest common subsequence) with 2 lines of context;
/// `-` lines are expected, `+` lines are got.
fn line_diff(expected: &str, got: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = got.lines().collect();
    if old.len().saturating_mul(new.len()) > 4_000_000 {
        return format!("expected:\n{expected}\ngot:\n{got}");
    }
    // lcs[i][j]: length of the longest common subsequence of old[i..], new[j..].
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut lines = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            lines.push((' ', old[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', old[i]));
            i += 1;
        } else {
            lines.push(('+', new[j]));
            j += 1;
        }
    }
    let near_change = |index: usize| {
        let from = index.saturating_sub(2);
        let to = (index + 3).min(lines.len());
        lines[from..to].iter().any(|(mark, _)| *mark != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (index, (mark, line)) in lines.iter().enumerate() {
        if near_change(index) {
            let _ = writeln!(out, "{mark} {line}");
            skipped = false;
        } else if !skipped {
            out.push_str("  …\n");
            skipped = true;
        }
    }
    if expected.ends_with('\n') != got.ends_with('\n') {
        out.push_str("(the final newline differs)\n");
    }
    out
}

#[test]
fn line_diff_marks_changes_with_context() {
    let diff = line_diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\n");
    assert_eq!(
        diff, "  …\n  b\n  c\n- d\n+ D\n  e\n  f\n  …\n",
        "should show two lines of context around a change"
    );
}
