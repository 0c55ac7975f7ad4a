//! The README's diagnostics table is the rule registry, rule by rule.

use mdx_preview::rules::Rule;

#[test]
fn the_readme_lists_every_rule_as_the_registry_has_it() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let rows: Vec<(String, String, String)> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.strip_prefix("| `")?.splitn(3, " | ").collect();
            let [id, severity, meaning] = cells[..] else {
                return None;
            };
            Some((
                id.strip_suffix('`')?.to_string(),
                severity.to_string(),
                meaning.strip_suffix(" |")?.replace("\\|", "|"),
            ))
        })
        .filter(|(id, ..)| Rule::from_id(id).is_some())
        .collect();
    let expected: Vec<(String, String, String)> = Rule::ALL
        .iter()
        .map(|rule| {
            (
                rule.id().to_string(),
                rule.severity().as_str().to_string(),
                rule.summary().to_string(),
            )
        })
        .collect();
    assert_eq!(rows, expected);
}
