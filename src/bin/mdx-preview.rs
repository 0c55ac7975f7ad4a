//! Command-line interface: render MDX or Markdown files to HTML, JSON or a
//! list of diagnostics.
//!
//! A thin shell around [`mdx_preview::render`]: it parses the arguments (by
//! hand, there are few), expands directories into the `.md` and `.mdx` files
//! under them, renders each file and prints the result. Diagnostics go to
//! stderr as `FILE:LINE:COL: severity: message [rule-id]`, the form editors
//! and terminals turn into links.
//!
//! Inside a Docusaurus site (a folder with `docusaurus.config.*` at or
//! above the input, or `--site`), each post's images and imports are looked
//! up on disk as the site resolves them (`site.rs`), a missing one is an
//! error naming its path. Each file's format is chosen as Docusaurus
//! chooses it: its front matter's `format`, else the rule of
//! `--markdown-format`, else the site config's `markdown.format` (only
//! `'detect'` is read), else MDX (Docusaurus's default); `--format` forces
//! one. `--watch` checks again whatever changes (`watch.rs`).
//!
//! Exit status: 2 on a usage error, an unreadable file or invalid options;
//! else 1 if any document has an error; else 0.
//!
//! A parser panic costs only the block it happened in (the library catches
//! it: this binary is built with `panic = "unwind"`, see Cargo.toml): the
//! block is shown as source with an `internal-error` error, which counts as
//! an error for the exit status, and the other files are rendered as usual.
//! The panic hook here keeps the first panic of each file for one note
//! instead of printing every one (the search for the block panics again).

#[path = "mdx-preview/site.rs"]
mod site;
#[path = "mdx-preview/watch.rs"]
mod watch;

use mdx_preview::rules::Rule;
use mdx_preview::{Diagnostic, Format, FormatRule, Options, Rendered, Severity, render};
use serde::Serialize;
use site::Site;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: mdx-preview [OPTIONS] FILE...

Render Docusaurus-flavoured MDX (or Markdown) to sanitized HTML.
A directory is searched recursively for *.md and *.mdx files (hidden
folders and node_modules are skipped, and a site's build output).

Output:
  (default)            HTML on stdout; several inputs are each preceded by
                       a `<!-- FILE -->` line
      --json           the whole result (html, toc, diagnostics,
                       frontmatter, title) as JSON on stdout; several inputs
                       give an array of objects with a `file` field
      --check          no HTML: diagnostics, then a summary line
      --watch          --check, then check again every file that changes
                       (or whose images appear or go), until Ctrl-C
Diagnostics go to stderr as `FILE:LINE:COL: severity: message [rule-id]`
(except with --json, where they are part of the JSON).

Docusaurus sites:
      --site DIR       the site the inputs belong to (default: the nearest
                       folder at or above each input with a
                       docusaurus.config.*). In a site, images, imports and
                       require()s are looked up on disk: `./x.png` next to
                       the post, `@site/x` from the site's root, `/img/x` in
                       static/; a missing file is an error [missing-file].

Format (as Docusaurus picks it):
      --markdown-format mdx|detect|md
                       how files are read when their front matter has no
                       `format`: all MDX (the default, as Docusaurus 3), by
                       extension (`detect`: .md files are Markdown), or all
                       Markdown. In a site whose config sets
                       `markdown: { format: 'detect' }` the default is
                       `detect`.
      --format md|mdx  read every input in this syntax, whatever its name
                       or front matter

Rendering:
      --base-url URL   resolve relative import specifiers against URL
      --id-prefix P    prefix of every id and name (default `user-content-`)
      --math           parse $…$ and $$…$$ math
      --no-source-lines
                       leave out the data-line attributes
      --toc-min N      smallest heading level in the TOC (default 2)
      --toc-max N      largest heading level in the TOC (default 3)

  -h, --help           print this help
  -V, --version        print the version

Exit status: 0 if all is well, 1 if any document has an error, 2 on a usage
error, an unreadable file or invalid options. A block the parser fails on
(a bug) is shown as source with an `internal-error` error, counted as one;
the other blocks and files render as usual.
";

std::thread_local! {
    /// The first panic since the last [`take_panic`], as `place: message`.
    static FIRST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keep the first panic (the library contains it); print nothing.
fn record_panic(info: &std::panic::PanicHookInfo) {
    FIRST_PANIC.with(|first| {
        first.borrow_mut().get_or_insert_with(|| {
            let place = info
                .location()
                .map_or_else(String::new, |l| format!("{}:{}: ", l.file(), l.line()));
            let message = mdx_preview::contain::panic_message(info.payload());
            format!("{place}{message}")
        });
    });
}

/// The first panic since the last call, if any.
fn take_panic() -> Option<String> {
    FIRST_PANIC.with(|first| first.borrow_mut().take())
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(record_panic));
    let cli = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(cli)) => *cli,
        Ok(Command::Help) => return print_and_exit(USAGE),
        Ok(Command::Version) => {
            return print_and_exit(&format!("mdx-preview {}\n", env!("CARGO_PKG_VERSION")));
        }
        Err(UsageError(message)) => {
            eprintln!("mdx-preview: {message}\nTry `mdx-preview --help` for more information.");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = cli.options.validate() {
        eprintln!("mdx-preview: {error}");
        return ExitCode::from(2);
    }
    ExitCode::from(if cli.watch {
        watch::run(&cli)
    } else {
        run(&cli)
    })
}

/// What to print for each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Html,
    Json,
    Check,
}

/// A parsed command line that renders files.
#[derive(Debug)]
struct Cli {
    mode: Mode,
    /// `--format`, overriding the choice by file extension.
    format: Option<Format>,
    /// `--markdown-format`: the rule, overriding a site's.
    format_rule: Option<FormatRule>,
    options: Options,
    inputs: Vec<PathBuf>,
    /// `--site`: the site every input belongs to.
    site: Option<PathBuf>,
    /// `--watch`: check again as files change.
    watch: bool,
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Run(Box<Cli>),
    Help,
    Version,
}

/// A command line that makes no sense, and why.
#[derive(Debug)]
struct UsageError(String);

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut cli = Cli {
        mode: Mode::Html,
        format: None,
        format_rule: None,
        options: Options::default(),
        inputs: Vec::new(),
        site: None,
        watch: false,
    };
    let (mut json, mut check) = (false, false);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(text) = arg
            .to_str()
            .filter(|text| text.starts_with('-') && *text != "-")
        else {
            cli.inputs.push(PathBuf::from(arg));
            continue;
        };
        // `--name=value` or `--name value`.
        let (name, inline_value) = match text.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (text, None),
        };
        let mut value = || -> Result<String, UsageError> {
            match inline_value.clone() {
                Some(value) => Ok(value),
                None => args
                    .next()
                    .ok_or_else(|| UsageError(format!("`{name}` needs a value")))?
                    .into_string()
                    .map_err(|_| UsageError(format!("the value of `{name}` is not valid UTF-8"))),
            }
        };
        match name {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--" => {
                cli.inputs.extend(args.by_ref().map(PathBuf::from));
            }
            "--json" => json = true,
            "--check" => check = true,
            "--watch" => cli.watch = true,
            "--site" => cli.site = Some(PathBuf::from(value()?)),
            "--math" => cli.options.math = true,
            "--no-source-lines" => cli.options.source_lines = false,
            "--format" => {
                cli.format = Some(match value()?.as_str() {
                    "md" => Format::Md,
                    "mdx" => Format::Mdx,
                    other => {
                        return Err(UsageError(format!(
                            "`--format` must be `md` or `mdx`, got `{other}`"
                        )));
                    }
                });
            }
            "--markdown-format" => {
                let value = value()?;
                cli.format_rule = Some(FormatRule::parse(&value).ok_or_else(|| {
                    UsageError(format!(
                        "`--markdown-format` must be `mdx`, `detect` or `md`, got `{value}`"
                    ))
                })?);
            }
            "--base-url" => cli.options.base_url = Some(value()?),
            "--id-prefix" => cli.options.id_prefix = value()?,
            "--toc-min" => cli.options.toc.min_level = parse_level(name, &value()?)?,
            "--toc-max" => cli.options.toc.max_level = parse_level(name, &value()?)?,
            _ => return Err(UsageError(format!("unknown option `{name}`"))),
        }
        if inline_value.is_some() && !takes_value(name) {
            return Err(UsageError(format!("`{name}` does not take a value")));
        }
    }
    if cli.watch && json {
        return Err(UsageError(
            "`--json` and `--watch` cannot be used together".into(),
        ));
    }
    let check = check || cli.watch;
    cli.mode = match (json, check) {
        (true, true) => {
            return Err(UsageError(
                "`--json` and `--check` cannot be used together".into(),
            ));
        }
        (true, false) => Mode::Json,
        (false, true) => Mode::Check,
        (false, false) => Mode::Html,
    };
    if cli.inputs.is_empty() {
        return Err(UsageError("no input files".into()));
    }
    Ok(Command::Run(Box::new(cli)))
}

fn takes_value(name: &str) -> bool {
    matches!(
        name,
        "--format"
            | "--markdown-format"
            | "--base-url"
            | "--id-prefix"
            | "--toc-min"
            | "--toc-max"
            | "--site"
    )
}

fn parse_level(name: &str, value: &str) -> Result<u8, UsageError> {
    value
        .parse()
        .map_err(|_| UsageError(format!("`{name}` must be a heading level, got `{value}`")))
}

/// Render every input and print the results; returns the exit status.
fn run(cli: &Cli) -> u8 {
    let mut status = 0;
    // The shape of the output depends on the command line, not on how many
    // files a directory happens to hold.
    let several = cli.inputs.len() > 1 || cli.inputs.iter().any(|input| input.is_dir());
    let files = expand_inputs(&cli.inputs, &mut status);
    let mut tally = Tally::default();
    let mut json_results = Vec::new();
    let mut stdout = io::stdout().lock();
    let mut sites = Sites::default();
    for path in &files {
        let file = path.display().to_string();
        let Some(Document { rendered, .. }) = render_document(cli, path, &mut sites) else {
            status = 2;
            continue;
        };
        tally.add(&rendered.diagnostics);
        if cli.mode != Mode::Json {
            eprint!("{}", format_diagnostics(&file, &rendered.diagnostics));
        }
        let written = match cli.mode {
            Mode::Html => write_html(&mut stdout, several.then_some(&file), &rendered.html),
            Mode::Json => {
                json_results.push((file, rendered));
                Ok(())
            }
            Mode::Check => Ok(()),
        };
        if let Err(status) = stop_on_write_error(written) {
            return status;
        }
    }
    let written = match cli.mode {
        Mode::Json => write_json(&mut stdout, several, &json_results),
        Mode::Check => {
            eprintln!("{}", tally.summary());
            Ok(())
        }
        Mode::Html => Ok(()),
    };
    if let Err(status) = stop_on_write_error(written.and_then(|()| stdout.flush())) {
        return status;
    }
    if status == 0 && tally.errors > 0 {
        1
    } else {
        status
    }
}

/// The sites of the inputs, found once per folder.
#[derive(Debug, Default)]
struct Sites(HashMap<PathBuf, Option<Site>>);

impl Sites {
    /// The site `path` belongs to: `--site`, else the nearest folder with a
    /// Docusaurus config.
    fn of(&mut self, cli: &Cli, path: &Path) -> Option<Site> {
        if let Some(root) = &cli.site {
            return Some(Site::forced(
                &std::path::absolute(root).unwrap_or(root.clone()),
            ));
        }
        let folder = std::path::absolute(path)
            .ok()?
            .parent()
            .map(Path::to_path_buf)?;
        self.0
            .entry(folder.clone())
            .or_insert_with(|| Site::find(&folder))
            .clone()
    }
}

/// A rendered document and the files it refers to (found or not).
struct Document {
    rendered: Rendered,
    files: Vec<PathBuf>,
}

/// Read and render one file; in a site, with its images looked up on
/// disk. `None` (after a message on stderr) when it cannot be read or the
/// options are invalid.
fn render_document(cli: &Cli, path: &Path, sites: &mut Sites) -> Option<Document> {
    let file = path.display().to_string();
    let source = read_source(path, &file)?;
    let mut options = cli.options.clone();
    let site = sites.of(cli, path);
    options.format = cli.format.unwrap_or_else(|| {
        let rule = cli
            .format_rule
            .or_else(|| site.as_ref().map(|site| site.format_rule))
            .unwrap_or_default();
        rule.format_of(&path.to_string_lossy(), &source)
    });
    let checked = site.as_ref().map(|site| {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        site.check(&absolute, &source)
    });
    if let Some(checked) = &checked {
        for (specifier, url) in &checked.assets {
            options.assets.first(specifier.clone(), url.clone());
        }
    }
    let mut rendered = match render(&source, &options) {
        Ok(rendered) => rendered,
        Err(error) => {
            eprintln!("mdx-preview: {file}: {error}");
            return None;
        }
    };
    if let Some(panic) = take_panic() {
        eprintln!(
            "mdx-preview: {file}: note: the parser panicked ({panic}); the block is shown as source [internal-error]"
        );
    }
    let Some(checked) = checked else {
        return Some(Document {
            rendered,
            files: Vec::new(),
        });
    };
    // The site's diagnostic names the missing file: it replaces the
    // renderer's `missing-asset` for the same specifier.
    let ours = &checked.diagnostics;
    rendered.diagnostics.retain(|d| {
        d.rule_id != Rule::MissingAsset.id()
            || !ours
                .iter()
                .any(|o| o.offset < d.end_offset.max(d.offset + 1) && d.offset < o.end_offset)
    });
    rendered.diagnostics.extend(checked.diagnostics);
    rendered
        .diagnostics
        .sort_by_key(|d| (d.offset, d.end_offset));
    Some(Document {
        rendered,
        files: checked.files,
    })
}

/// Turn a failed write into an exit status: a closed pipe (`| head`) ends
/// the program quietly, anything else is reported.
fn stop_on_write_error(written: io::Result<()>) -> Result<(), u8> {
    match written {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Err(0),
        Err(error) => {
            eprintln!("mdx-preview: cannot write output: {error}");
            Err(2)
        }
    }
}

fn print_and_exit(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// Files and directories from the command line → the files to render.
/// Directories give their `.md` and `.mdx` files, recursively, sorted.
/// Problems are reported on stderr and set `status` to 2.
fn expand_inputs(inputs: &[PathBuf], status: &mut u8) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        match find_documents(input) {
            Ok(found) if found.is_empty() => {
                eprintln!(
                    "mdx-preview: note: no .md or .mdx files in {}",
                    input.display()
                );
            }
            Ok(found) => files.extend(found),
            Err(error) => {
                eprintln!("mdx-preview: cannot read {}: {error}", input.display());
                *status = 2;
            }
        }
    }
    files
}

/// Every `.md` and `.mdx` file under `root`, sorted. Walks with an explicit
/// stack and does not follow symbolic links to directories (no loops).
fn find_documents(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if !skipped_folder(&dir, &entry.file_name()) {
                    stack.push(path);
                }
            } else if is_document(&path) && path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Folders a walk does not enter: hidden ones, dependencies, and a site's
/// build output.
fn skipped_folder(parent: &Path, name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name == "node_modules"
        || (name == "build" && Site::at(parent).is_some())
}

fn extension_is(path: &Path, wanted: &str) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extension.eq_ignore_ascii_case(wanted))
}

fn is_document(path: &Path) -> bool {
    extension_is(path, "md") || extension_is(path, "mdx")
}

/// Read a file as UTF-8, replacing invalid bytes (with a note on stderr).
/// `None` (after a message on stderr) if it cannot be read.
fn read_source(path: &Path, file: &str) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => Some(match String::from_utf8(bytes) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("{file}: note: not valid UTF-8; invalid bytes were replaced with U+FFFD");
                String::from_utf8_lossy(error.as_bytes()).into_owned()
            }
        }),
        Err(error) => {
            eprintln!("mdx-preview: cannot read {file}: {error}");
            None
        }
    }
}

/// One line per diagnostic:
/// `FILE:LINE:COL: severity: message [rule-id] (suggestion: `…`)`.
fn format_diagnostics(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = write!(
            out,
            "{file}:{}:{}: {}: {} [{}]",
            diagnostic.line,
            diagnostic.column,
            diagnostic.severity.as_str(),
            one_line(&diagnostic.message),
            diagnostic.rule_id
        );
        if let Some(suggestion) = &diagnostic.suggestion {
            let _ = write!(out, " (suggestion: `{}`)", one_line(suggestion));
        }
        out.push('\n');
    }
    out
}

/// Keep a diagnostic on one line: line breaks are written as `\n`.
fn one_line(text: &str) -> String {
    text.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
}

fn write_html(out: &mut impl Write, file: Option<&String>, html: &str) -> io::Result<()> {
    if let Some(file) = file {
        // Keep a strange file name from ending the comment early.
        let file = file.replace("-->", "-- >").replace("--!>", "--! >");
        writeln!(out, "<!-- {file} -->")?;
    }
    out.write_all(html.as_bytes())?;
    if !html.is_empty() && !html.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A rendered file in `--json` output for several inputs.
#[derive(Serialize)]
struct FileResult<'a> {
    file: &'a str,
    #[serde(flatten)]
    rendered: &'a Rendered,
}

fn write_json(
    out: &mut impl Write,
    several: bool,
    results: &[(String, Rendered)],
) -> io::Result<()> {
    let json = if several {
        let results: Vec<_> = results
            .iter()
            .map(|(file, rendered)| FileResult { file, rendered })
            .collect();
        serde_json::to_string_pretty(&results)
    } else if let Some((_, rendered)) = results.first() {
        serde_json::to_string_pretty(rendered)
    } else {
        // The only input could not be read; it was reported on stderr.
        return Ok(());
    };
    writeln!(out, "{}", json.map_err(io::Error::other)?)
}

/// Counts for the `--check` summary.
#[derive(Debug, Default)]
struct Tally {
    files: usize,
    errors: usize,
    warnings: usize,
}

impl Tally {
    fn add(&mut self, diagnostics: &[Diagnostic]) {
        self.files += 1;
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => {}
            }
        }
    }

    /// `3 files, 1 error, 0 warnings`.
    fn summary(&self) -> String {
        format!(
            "{}, {}, {}",
            plural(self.files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
