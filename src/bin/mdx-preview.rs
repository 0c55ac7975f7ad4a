//! Command-line interface (placeholder).
fn main() {}
