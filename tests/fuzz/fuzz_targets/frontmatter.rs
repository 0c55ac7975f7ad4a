//! Fuzz `mdx_preview::frontmatter::parse`, the YAML reader, on its own
//! (inside `render` it only sees documents that start with `---`).
//!
//! ```sh
//! make fuzz FUZZ_TARGET=frontmatter      # from the repository root
//! ```
//!
//! Checked on every input: no panic (libFuzzer's `-timeout` catches a
//! hang); a success is a JSON object; an error has a message and a byte
//! offset inside the YAML on a character boundary; parsing is
//! deterministic; and a YAML that parsed still parses, to the same value,
//! with a comment line added after it (appending nothing meaningful must
//! not change the meaning).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdx_preview::frontmatter::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let first = parse(yaml);
    match &first {
        Ok(value) => assert!(value.is_object(), "a success must be an object"),
        Err(error) => {
            assert!(!error.message.is_empty(), "an error must say something");
            assert!(
                error.offset <= yaml.len() && yaml.is_char_boundary(error.offset),
                "offset {} outside the YAML or inside a character",
                error.offset
            );
        }
    }
    assert_eq!(parse(yaml), first, "parsing must be deterministic");
    if let Ok(value) = &first {
        // A trailing comment on its own line: only when the YAML does not
        // end inside a block scalar or quoted string would the meaning be
        // unchanged, so only compare when the last line is not indented
        // and the text ends with a line break.
        let last = yaml.trim_end_matches('\n').rsplit('\n').next().unwrap_or("");
        let simple_end = yaml.ends_with('\n')
            && !last.starts_with([' ', '\t'])
            && !last.contains(['|', '>', '"', '\'', '[', '{', '#', '&', '*', '!', '%', '\r', '\u{feff}'])
            && !last.starts_with(['-', '.', '?', ':'])
            && !yaml.contains('\0');
        if simple_end {
            let with_comment = format!("{yaml}# end\n");
            assert_eq!(
                parse(&with_comment).as_ref().ok(),
                Some(value),
                "a trailing comment line changed the value of {yaml:?}"
            );
        }
    }
});
