//! Tests of the `mdx-preview` command: output shapes, exit statuses,
//! `--json`, `--check` and directory walking, on temporary files.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_mdx-preview");

/// A document with two bugs: a duplicate import (line 2) and an undefined
/// identifier (line 4).
const BUGGY: &str = "import a from './a.png'\nimport a from './b.png'\n\n<img src={nope} />\n";

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "mdx-preview-cli-{}-{name}-{unique}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("should create a temporary directory");
        TempDir(path)
    }

    /// Write `contents` to `relative` (creating folders) and return its path.
    fn file(&self, relative: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).expect("should write a temporary file");
        path.display().to_string()
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the command; return (exit status, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(BIN)
        .args(args)
        .output()
        .expect("should run mdx-preview");
    let code = status.code().expect("should exit, not be killed");
    (
        code,
        String::from_utf8(stdout).expect("stdout should be UTF-8"),
        String::from_utf8(stderr).expect("stderr should be UTF-8"),
    )
}

/// The numbers of the `--check` summary line: (files, errors, warnings).
fn summary(stderr: &str) -> (usize, usize, usize) {
    let line = stderr
        .lines()
        .last()
        .unwrap_or_else(|| panic!("should print a summary, got {stderr:?}"));
    let numbers: Vec<usize> = line
        .split(", ")
        .map(|part| {
            part.split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("should be `N files, E errors, W warnings`: {line:?}"))
        })
        .collect();
    assert_eq!(numbers.len(), 3, "should have three counts: {line:?}");
    (numbers[0], numbers[1], numbers[2])
}

#[test]
fn help_and_version() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0, "should exit 0 on --help");
    assert!(
        stdout.starts_with("Usage: mdx-preview"),
        "should print usage"
    );
    assert!(stdout.contains("--check"), "should list the options");

    let (code, stdout, _) = run(&["-V"]);
    assert_eq!(code, 0, "should exit 0 on -V");
    assert_eq!(
        stdout,
        format!("mdx-preview {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["--frobnicate", "a.mdx"],
        &["--format", "rst", "a.mdx"],
        &["--toc-min", "two", "a.mdx"],
        &["--toc-max"],
        &["--json", "--check", "a.mdx"],
        &["--math=yes", "a.mdx"],
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "should exit 2 on {args:?}");
        assert!(
            stdout.is_empty(),
            "should print nothing on stdout for {args:?}"
        );
        assert!(
            stderr.starts_with("mdx-preview: ") && stderr.contains("--help"),
            "should explain and point at --help for {args:?}, got {stderr:?}"
        );
    }
}

#[test]
fn invalid_options_exit_2() {
    let dir = TempDir::new("invalid-options");
    let file = dir.file("a.mdx", "# A\n");
    let (code, _, stderr) = run(&["--toc-min", "4", "--toc-max=2", &file]);
    assert_eq!(code, 2, "should exit 2 when minLevel > maxLevel");
    assert!(stderr.contains("invalid option `toc`"), "got {stderr:?}");

    let (code, _, stderr) = run(&["--id-prefix", "a b", &file]);
    assert_eq!(code, 2, "should exit 2 on a bad id prefix");
    assert!(stderr.contains("idPrefix"), "got {stderr:?}");
}

#[test]
fn unreadable_files_exit_2_but_the_rest_renders() {
    let dir = TempDir::new("unreadable");
    let good = dir.file("good.mdx", "# Good\n");
    let missing = format!("{}/missing.mdx", dir.path());
    let (code, stdout, stderr) = run(&[&good, &missing]);
    assert_eq!(code, 2, "should exit 2 when a file cannot be read");
    assert!(
        stderr.contains(&format!("cannot read {missing}")),
        "should name the file, got {stderr:?}"
    );
    assert!(
        stdout.starts_with(&format!("<!-- {good} -->\n")),
        "should still render the readable file, got {stdout:?}"
    );
}

/// markdown-rs 1.0.0 panics on this block (wooorm/markdown-rs#31): the
/// file is reported, its other blocks and the other files render.
#[test]
fn a_parser_panic_is_reported_and_the_rest_renders() {
    let dir = TempDir::new("panic");
    let bad = dir.file("bad.md", "# Bad\n\n=\n=\n=\na\n=\n\nAfter.\n");
    let good = dir.file("good.md", "# Good\n");
    let (code, stdout, stderr) = run(&[&bad, &good]);
    assert_eq!(code, 1, "an internal error counts as an error: {stderr}");
    assert!(
        stderr.contains(&format!(
            "{bad}:3:1: error: The parser failed on this block"
        )) && stderr.contains("[internal-error]"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("note: the parser panicked").count(),
        1,
        "one note per file: {stderr}"
    );
    assert!(stderr.contains("Cannot push to non-parent"), "{stderr}");
    assert!(!stderr.contains("thread 'main' panicked"), "{stderr}");
    assert!(
        stdout.contains("<pre class=\"mdx-error\" data-line=\"3\">=\n=\n=\na\n=</pre>")
            && stdout.contains("<p data-line=\"9\">After.</p>"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("<!-- {good} -->\n<h1")),
        "{stdout}"
    );
}

#[test]
fn invalid_utf8_is_replaced_with_a_note() {
    let dir = TempDir::new("utf8");
    let file = dir.file("latin1.md", b"# Caf\xe9\n");
    let (code, _, stderr) = run(&["--check", &file]);
    assert_eq!(code, 0, "should not fail on invalid UTF-8");
    assert!(
        stderr.starts_with(&format!("{file}: note: not valid UTF-8")),
        "should note it, got {stderr:?}"
    );
}

#[test]
fn one_file_prints_bare_html() {
    let dir = TempDir::new("one");
    let file = dir.file("a.mdx", "# Hello\n");
    let (code, stdout, stderr) = run(&[&file]);
    assert_eq!(code, 0, "should exit 0 on a clean file, stderr: {stderr}");
    assert!(!stdout.starts_with("<!--"), "should not name a single file");
    assert!(
        stderr.is_empty(),
        "should print no diagnostics, got {stderr:?}"
    );
}

#[test]
fn one_file_html_has_the_heading() {
    let dir = TempDir::new("heading");
    let file = dir.file("a.mdx", "# Hello\n");
    let (_, stdout, _) = run(&["--no-source-lines", &file]);
    assert!(
        stdout.contains("<h1") && stdout.contains("Hello</h1>"),
        "should render the heading, got {stdout:?}"
    );
    assert!(
        !stdout.contains("data-line"),
        "should honour --no-source-lines"
    );
}

#[test]
fn several_files_are_each_named_in_a_comment() {
    let dir = TempDir::new("several");
    let a = dir.file("a.mdx", "# A\n");
    let b = dir.file("b.md", "# B\n");
    let (code, stdout, _) = run(&[&b, &a]);
    assert_eq!(code, 0);
    let comments: Vec<&str> = stdout.lines().filter(|l| l.starts_with("<!-- ")).collect();
    assert_eq!(
        comments,
        [format!("<!-- {b} -->"), format!("<!-- {a} -->")],
        "should keep command-line order"
    );
}

#[test]
fn json_for_one_file_is_an_object() {
    let dir = TempDir::new("json-one");
    let file = dir.file("a.mdx", "# Hi\n");
    let (code, stdout, _) = run(&["--json", &file]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("should be JSON");
    for key in ["html", "toc", "diagnostics", "frontmatter", "title"] {
        assert!(value.get(key).is_some(), "should have `{key}`: {value}");
    }
    assert!(
        value.get("file").is_none(),
        "should not add `file` for one input"
    );
}

#[test]
fn json_for_several_files_is_an_array() {
    let dir = TempDir::new("json-several");
    let a = dir.file("a.mdx", "# A\n");
    let b = dir.file("b.md", "# B\n");
    let (code, stdout, stderr) = run(&["--json", &a, &b]);
    assert_eq!(code, 0);
    assert!(stderr.is_empty(), "should keep diagnostics in the JSON");
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("should be JSON");
    let files: Vec<&str> = value
        .as_array()
        .expect("should be an array")
        .iter()
        .map(|item| {
            assert!(item.get("html").is_some(), "should have the result: {item}");
            item["file"].as_str().expect("should have `file`")
        })
        .collect();
    assert_eq!(files, [a.as_str(), b.as_str()]);
}

#[test]
fn directories_are_walked_for_md_and_mdx() {
    let dir = TempDir::new("walk");
    let b = dir.file("b.mdx", "# B\n");
    let a = dir.file("a.md", "# A\n");
    let c = dir.file("2025/c.mdx", "# C\n");
    let upper = dir.file("2025/d.MD", "# D\n");
    dir.file("notes.txt", "not a post");
    dir.file("img/logo.png", [0x89, b'P', b'N', b'G']);

    let (code, stdout, _) = run(&[&dir.path()]);
    assert_eq!(code, 0);
    let comments: Vec<&str> = stdout.lines().filter(|l| l.starts_with("<!-- ")).collect();
    assert_eq!(
        comments,
        [
            format!("<!-- {c} -->"),
            format!("<!-- {upper} -->"),
            format!("<!-- {a} -->"),
            format!("<!-- {b} -->"),
        ],
        "should list .md and .mdx files only, sorted by path"
    );

    let (code, stdout, stderr) = run(&["--check", &dir.path()]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "--check should print no HTML");
    assert_eq!(summary(&stderr), (4, 0, 0));
}

#[test]
fn a_directory_without_documents_is_noted() {
    let dir = TempDir::new("empty");
    dir.file("readme.txt", "nothing");
    let (code, _, stderr) = run(&["--check", &dir.path()]);
    assert_eq!(code, 0, "an empty folder is not an error");
    assert!(stderr.contains("no .md or .mdx files"), "got {stderr:?}");
    assert_eq!(stderr.lines().last(), Some("0 files, 0 errors, 0 warnings"));
}

#[test]
fn check_prints_a_summary_and_no_html() {
    let dir = TempDir::new("check");
    let file = dir.file("a.mdx", "# A\n\nSome *text*.\n");
    let (code, stdout, stderr) = run(&["--check", &file]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "should print no HTML, got {stdout:?}");
    assert_eq!(stderr, "1 file, 0 errors, 0 warnings\n");
}

#[test]
fn errors_in_a_document_exit_1_with_positions() {
    let dir = TempDir::new("buggy");
    let file = dir.file("buggy.mdx", BUGGY);
    let (code, stdout, stderr) = run(&[&file]);
    assert_eq!(code, 1, "should exit 1 on an error, stderr: {stderr}");
    assert!(!stdout.is_empty(), "should still print the HTML");

    let line_of = |rule: &str| {
        stderr
            .lines()
            .find(|line| {
                line.contains(": error: ")
                    && (line.ends_with(&format!("[{rule}]"))
                        || line.contains(&format!("[{rule}] (")))
            })
            .unwrap_or_else(|| panic!("should report `{rule}`, got {stderr:?}"))
    };
    let undefined = line_of("undefined-identifier");
    assert!(
        undefined.starts_with(&format!("{file}:4:")) && undefined.contains(": error: "),
        "should be `FILE:4:COL: error: …`, got {undefined:?}"
    );
    let duplicate = line_of("duplicate-import");
    assert!(
        duplicate.starts_with(&format!("{file}:2:")),
        "should point at the second import, got {duplicate:?}"
    );

    let (code, stdout, stderr) = run(&["--check", &file]);
    assert_eq!(code, 1, "--check should exit 1 too");
    assert!(stdout.is_empty());
    let (files, errors, _) = summary(&stderr);
    assert_eq!(files, 1);
    assert!(errors >= 1, "should count the errors, got {stderr:?}");
}

#[test]
fn json_keeps_the_exit_status_and_carries_the_diagnostics() {
    let dir = TempDir::new("buggy-json");
    let file = dir.file("buggy.mdx", BUGGY);
    let (code, stdout, stderr) = run(&["--json", &file]);
    assert_eq!(code, 1, "should exit 1 on an error");
    assert!(stderr.is_empty(), "should not repeat diagnostics on stderr");
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("should be JSON");
    let rules: Vec<&str> = value["diagnostics"]
        .as_array()
        .expect("should have diagnostics")
        .iter()
        .filter_map(|d| d["ruleId"].as_str())
        .collect();
    assert!(rules.contains(&"undefined-identifier"), "got {rules:?}");
    assert!(rules.contains(&"duplicate-import"), "got {rules:?}");
}

#[test]
fn md_files_are_mdx_unless_the_rule_says_detect() {
    // Docusaurus 3 reads `.md` as MDX by default: `{here}` is an expression
    // (an undefined name), unless `--markdown-format detect`, or `format`
    // in the front matter, says Markdown.
    let dir = TempDir::new("format-rule");
    let doc = dir.file("a.md", "Braces {here} are an expression in MDX.\n");
    let (code, _, stderr) = run(&["--check", &doc]);
    assert_eq!(code, 1, "should read .md as MDX by default, got {stderr}");
    assert!(stderr.contains("[undefined-identifier]"), "got {stderr}");
    let (code, _, stderr) = run(&["--check", "--markdown-format", "detect", &doc]);
    assert_eq!(
        code, 0,
        "should read .md as Markdown with detect, got {stderr}"
    );
    let (code, _, stderr) = run(&["--check", "--markdown-format=md", &doc]);
    assert_eq!(
        code, 0,
        "should read everything as Markdown with md, got {stderr}"
    );
    let mdx = dir.file("b.mdx", "Braces {here} again.\n");
    let (code, _, _) = run(&["--check", "--markdown-format", "detect", &mdx]);
    assert_eq!(code, 1, "should read .mdx as MDX with detect");
    let front = dir.file("c.md", "---\nformat: md\n---\n\nBraces {here} as text.\n");
    let (code, _, stderr) = run(&["--check", &front]);
    assert_eq!(
        code, 0,
        "should follow the front matter's format, got {stderr}"
    );
    let (code, _, _) = run(&["--check", "--format", "mdx", &front]);
    assert_eq!(code, 1, "should let --format force the syntax");
    let (code, _, stderr) = run(&["--markdown-format", "html", &doc]);
    assert_eq!(code, 2, "should refuse an unknown rule");
    assert!(
        stderr.contains("`--markdown-format` must be"),
        "got {stderr}"
    );
}

#[test]
fn format_follows_the_extension_unless_forced() {
    // A plain document renders cleanly whichever format is chosen.
    let dir = TempDir::new("format");
    let file = dir.file("a.md", "Plain *text*.\n");
    for args in [&["--format", "mdx"][..], &["--format=md"], &[]] {
        let mut args = args.to_vec();
        args.push(&file);
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 0, "should render with {args:?}, stderr: {stderr}");
    }
}

/// A Docusaurus-shaped site: a post with images found and missing in each
/// way a post refers to them, a static folder, dependencies and build
/// output that are not the site's documents.
fn site(dir: &TempDir) -> String {
    dir.file("docusaurus.config.js", "export default { title: 'x' };\n");
    dir.file(
        "blog/2025-11-11-review/asset/a.png",
        [0x89, b'P', b'N', b'G'],
    );
    dir.file("static/img/logo.png", [0x89, b'P', b'N', b'G']);
    dir.file("node_modules/pkg/README.md", "import x from './nope.png'\n");
    dir.file("build/blog/index.md", "![x](./nope.png)\n");
    dir.file(
        "blog/2025-11-11-review/index.mdx",
        "import a from './asset/a.png';\n\
         import logo from '@site/static/img/logo.png';\n\
         import gone from './asset/gone.png';\n\
         import Tabs from '@theme/Tabs';\n\
         \n\
         # Review\n\
         \n\
         <img src={a} /> <img src={logo} /> <img src={gone} />\n\
         \n\
         ![static](/img/logo.png) ![missing](/img/nope.png) ![next](./asset/next.png)\n\
         \n\
         ```mdx\n\
         import example from './in-a-code-block.png';\n\
         ```\n",
    )
}

/// The `[missing-file]` lines of `stderr`.
fn missing_files(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.ends_with("[missing-file]"))
        .collect()
}

#[test]
fn in_a_site_missing_images_are_reported_with_their_paths() {
    let dir = TempDir::new("site");
    let post = site(&dir);
    let (code, stdout, stderr) = run(&["--check", &dir.path()]);
    assert_eq!(code, 1, "a missing image is an error, stderr: {stderr}");
    assert!(stdout.is_empty());
    assert_eq!(
        missing_files(&stderr),
        [
            format!(
                "{post}:3:19: error: `./asset/gone.png` names blog/2025-11-11-review/asset/gone.png, which does not exist [missing-file]"
            ),
            format!(
                "{post}:10:37: error: `/img/nope.png` names static/img/nope.png, which does not exist [missing-file]"
            ),
            format!(
                "{post}:10:60: error: `./asset/next.png` names blog/2025-11-11-review/asset/next.png, which does not exist [missing-file]"
            ),
        ],
        "should name each missing file (and nothing in code, node_modules or build), got {stderr}"
    );
    assert!(
        !stderr.contains("[missing-asset]"),
        "the site's message replaces the renderer's, got {stderr}"
    );
    assert_eq!(summary(&stderr), (1, 3, 0), "one document: the post");

    // The site is found from a folder inside it, or named with --site.
    let (_, _, inside) = run(&["--check", &format!("{}/blog", dir.path())]);
    assert_eq!(missing_files(&inside).len(), 3, "got {inside}");
    std::fs::remove_file(dir.0.join("docusaurus.config.js")).unwrap();
    let (_, _, named) = run(&["--check", "--site", &dir.path(), &post]);
    assert_eq!(missing_files(&named).len(), 3, "got {named}");

    // Outside a site nothing is looked up: the renderer warns about the imports.
    let (code, _, plain) = run(&["--check", &post]);
    assert_eq!(code, 0, "got {plain}");
    assert!(missing_files(&plain).is_empty());
    assert!(plain.contains("[missing-asset]"), "got {plain}");
}

#[test]
fn in_a_site_html_points_at_the_files_found() {
    let dir = TempDir::new("site-html");
    let post = site(&dir);
    let (_, stdout, _) = run(&[&post]);
    assert!(
        stdout.contains(r#"<img src="./asset/a.png""#),
        "got {stdout}"
    );
    assert!(
        stdout.contains(r#"<img src="../../static/img/logo.png""#),
        "got {stdout}"
    );
}

#[test]
fn in_a_site_md_files_are_mdx_unless_the_config_says_detect() {
    let dir = TempDir::new("site-format");
    dir.file("docusaurus.config.js", "export default {};\n");
    let doc = dir.file("docs/a.md", "Braces {here} are an expression in MDX.\n");
    let (code, _, stderr) = run(&["--check", &doc]);
    assert_eq!(code, 1, "as MDX `here` is undefined, got {stderr}");
    assert!(stderr.contains("[undefined-identifier]"), "got {stderr}");

    dir.file(
        "docusaurus.config.js",
        "export default { markdown: { format: 'detect' } };\n",
    );
    let (code, _, stderr) = run(&["--check", &doc]);
    assert_eq!(code, 0, "as Markdown the braces are text, got {stderr}");
}

/// Lines of a child's stderr, read on a thread.
fn lines_of(stderr: std::process::ChildStderr) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Read lines until one satisfies `done`; returns all read.
fn read_until(
    lines: &std::sync::mpsc::Receiver<String>,
    done: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match lines.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(line) => {
                let stop = done(&line);
                seen.push(line);
                if stop {
                    return seen;
                }
            }
            Err(error) => panic!("{error}: lines so far: {seen:#?}"),
        }
    }
}

/// Kills the child on drop (a failed assertion must not leave it running).
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_checks_again_what_changes() {
    let dir = TempDir::new("watch");
    let post = site(&dir);
    let mut child = Killed(
        Command::new(BIN)
            .args(["--watch", &dir.path()])
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("should start mdx-preview --watch"),
    );
    let lines = lines_of(child.0.stderr.take().unwrap());
    let first = read_until(&lines, |line| line.starts_with("watching "));
    assert!(
        first.contains(&"1 file, 3 errors, 0 warnings".to_string()),
        "got {first:#?}"
    );
    assert_eq!(
        first.last().unwrap(),
        "watching 1 file for changes (Ctrl-C to stop)"
    );

    // A missing image appears: the post is checked again.
    dir.file(
        "blog/2025-11-11-review/asset/next.png",
        [0x89, b'P', b'N', b'G'],
    );
    let round = read_until(&lines, |line| line.ends_with(" warnings"));
    assert_eq!(round[0], format!("-- changed: {post}"), "got {round:#?}");
    assert_eq!(round.last().unwrap(), "1 file, 2 errors, 0 warnings");

    // The post changes: its new reference is reported.
    let source = std::fs::read_to_string(&post).unwrap() + "\n![new](./asset/newer.png)\n";
    std::fs::write(&post, source).unwrap();
    let round = read_until(&lines, |line| line.ends_with(" warnings"));
    assert!(
        round.iter().any(|line| line.contains(
            "`./asset/newer.png` names blog/2025-11-11-review/asset/newer.png, which does not exist"
        )),
        "got {round:#?}"
    );
    assert_eq!(round.last().unwrap(), "1 file, 3 errors, 0 warnings");

    // A new document is checked; a removed one leaves the count.
    let other = dir.file("docs/intro.md", "# Intro\n\n![x](./x.png)\n");
    let round = read_until(&lines, |line| line.ends_with(" warnings"));
    assert!(
        round.contains(&format!("-- changed: {other}")),
        "got {round:#?}"
    );
    assert_eq!(round.last().unwrap(), "2 files, 4 errors, 0 warnings");
    std::fs::remove_file(&other).unwrap();
    let round = read_until(&lines, |line| line.ends_with(" warnings"));
    assert_eq!(round[0], format!("-- removed: {other}"));
    assert_eq!(round.last().unwrap(), "1 file, 3 errors, 0 warnings");
}
