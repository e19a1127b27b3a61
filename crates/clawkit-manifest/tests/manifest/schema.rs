//! The generated JSON Schema of the manifest.

use clawkit_manifest::{manifest_json_schema, package_json_schema};

const EXAMPLES: &[&str] = &[
    include_str!("../../../../examples/acme-ai/openclaw.plugin.json"),
    include_str!("../data/good/minimal.json"),
];

#[test]
fn example_manifests_satisfy_the_published_schema() {
    let schema = manifest_json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for example in EXAMPLES {
        let value: serde_json::Value = serde_json::from_str(example).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    let missing_id = serde_json::json!({"configSchema": {}});
    assert!(!validator.is_valid(&missing_id));
}

#[test]
fn the_package_schema_accepts_the_guide_package() {
    let schema = package_json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let package: serde_json::Value =
        serde_json::from_str(include_str!("../../../../examples/acme-ai/package.json")).unwrap();
    assert!(validator.is_valid(&package));
}

#[test]
fn manifest_schema_snapshot() {
    insta::assert_json_snapshot!(manifest_json_schema());
}
