//! Every streaming-usage compat case of `tests/data/parity` against
//! OpenClaw 2026.9.6's own output, through the parity example's dispatch.

use serde_json::Value;

use crate::replay::openclaw::{parity_dir, read_json, resolve_files};

/// The usage-compat dispatch of the parity example (`examples/parity`).
#[path = "../../examples/parity/usage_compat.rs"]
mod dispatch;

#[test]
fn usage_compat_cases_match_openclaw() {
    let mut names: Vec<String> = std::fs::read_dir(parity_dir().join("expected"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("usage-compat.") && n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    for name in names {
        let case = read_json(&format!("expected/{name}"));
        let input = resolve_files(&case["input"]);
        let function = case["function"].as_str().unwrap();
        let ours: Value = dispatch::run(function, &input)
            .unwrap_or_else(|| panic!("{name}: no clawkit counterpart for {function}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ours, case["output"], "{name}");
        // Key order as OpenClaw emits it.
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&case["output"]).unwrap(),
            "{name}"
        );
    }
}
