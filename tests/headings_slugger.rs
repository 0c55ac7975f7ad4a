//! Conformance: github-slugger 2.0.0's own fixtures (`test/fixtures.json`,
//! ISC licence in `tests/data/github-slugger-LICENSE`), run in order through
//! one [`Slugger`], as github-slugger's test suite does.

use mdx_preview::slug::Slugger;

#[test]
fn github_slugger_fixtures() {
    let json = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/github-slugger-fixtures.json"
    ));
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(json).expect("fixtures should be valid JSON");
    assert_eq!(cases.len(), 78, "should have all 78 fixtures");

    let mut slugger = Slugger::new();
    let mut passed = 0;
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().expect("name should be a string");
        let input = case["input"].as_str().expect("input should be a string");
        let expected = case["expected"]
            .as_str()
            .expect("expected should be a string");
        let got = slugger.slug(input);
        if got == expected {
            passed += 1;
        } else {
            failures.push(format!(
                "#{index} {name}\n  input:    {input:?}\n  got:      {got:?}\n  expected: {expected:?}"
            ));
        }
    }
    println!(
        "github-slugger fixtures: {passed} of {} passed",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "should slug every fixture like github-slugger; {} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
