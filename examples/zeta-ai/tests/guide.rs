//! docs/writing-a-provider.md shows this example's `src/lib.rs` and
//! `tests/zeta.rs` whole: keep those copies equal to the files.

#![allow(clippy::unwrap_used)]

use std::path::Path;

/// `file` from its first `use` line on (the part the guide shows).
fn body(file: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let start = text.find("\nuse ").unwrap() + 1;
    let body = &text[start..];
    body.replace("#![allow(clippy::unwrap_used)]\n\n", "")
}

#[test]
fn the_guide_shows_the_example_as_it_is() {
    let guide = include_str!("../../../docs/writing-a-provider.md");
    for file in ["src/lib.rs", "tests/zeta.rs"] {
        let body = body(file);
        assert!(
            guide.contains(body.trim_end()),
            "docs/writing-a-provider.md no longer shows examples/zeta-ai/{file} as it is"
        );
    }
}
