//! `clawkit manifest schema`.

use crate::{clawkit, stdout};

#[test]
fn prints_the_manifest_json_schema() {
    let output = clawkit(&["manifest", "schema"]);
    assert_eq!(output.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(printed, clawkit_manifest::manifest_json_schema());
    assert_eq!(
        printed["required"],
        serde_json::json!(["id", "configSchema"])
    );
}

#[test]
fn prints_the_package_schema_on_request() {
    let output = clawkit(&["manifest", "schema", "--package"]);
    assert_eq!(output.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(printed, clawkit_manifest::package_json_schema());
}
