//! Property tests: no input makes the reader panic, and plain JSON reads
//! exactly as serde_json reads it.

use clawkit_manifest::{PackageManifest, PluginManifest};
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((".{0,8}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Manifest-shaped JSON: the known keys with random values.
fn manifest_like() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "id",
        "configSchema",
        "providers",
        "providerAuthChoices",
        "providerAuthEnvVars",
        "providerAuthAliases",
        "modelSupport",
        "modelCatalog",
        "uiHints",
        "setup",
        "contracts",
        "skills",
        "enabledByDefault",
    ]);
    prop::collection::vec((keys, json_value()), 0..10).prop_map(|members| {
        let object: serde_json::Map<String, Value> = members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        Value::Object(object).to_string()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let report = PluginManifest::parse(&bytes, "fuzz.json");
        prop_assert!(report.value().is_some() || report.diagnostics().has_errors());
        let _ = PackageManifest::parse(&bytes, "package.json", None, true);
    }

    #[test]
    fn json5_looking_text_never_panics(text in r#"[\{\}\[\]:,'"a-z0-9 .+\-\\/*\n\tx]{0,200}"#) {
        let _ = PluginManifest::parse(text.as_bytes(), "fuzz.json5");
    }

    #[test]
    fn manifest_shaped_values_never_panic(text in manifest_like()) {
        let report = PluginManifest::parse(text.as_bytes(), "fuzz.json");
        for diagnostic in report.diagnostics() {
            prop_assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
        }
    }

    #[test]
    fn plain_json_reads_as_serde_json_reads_it(value in json_value()) {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "id": "p", "configSchema": {}, "x-value": value
        })).unwrap();
        let report = PluginManifest::parse(text.as_bytes(), "p.json");
        let manifest = report.value().unwrap();
        prop_assert_eq!(&manifest.extra["x-value"], &value);
    }
}
