//! Fields clawkit does not model survive a read and a write.

use clawkit_manifest::PluginManifest;
use serde_json::{Value, json};

const SOURCE: &str = r#"{
  "id": "acme-ai",
  "providers": ["acme-ai"],
  "activation": {"onProviders": ["acme-ai"], "onStartup": false},
  "x-acme-internal": {"owner": "platform", "tier": 2},
  "providerAuthChoices": [{
    "provider": "acme-ai", "method": "api-key", "choiceId": "acme-ai-api-key",
    "personalAccount": true, "x-rank": [1, 2]
  }],
  "modelCatalog": {
    "providers": {"acme-ai": {"models": [{
      "id": "acme-large", "contextWindow": 200000, "maxTokens": 32768,
      "thinkingLevelMap": {"high": "acme-large-thinking"},
      "cost": {"input": 3, "output": 15, "tieredPricing": [{"input": 6, "range": [200000]}]}
    }]}},
    "aliases": {"large": {"provider": "acme-ai", "model": "acme-large"}}
  },
  "setup": {"providers": [{"id": "acme-ai", "authEvidence": [{"type": "local-file-with-env", "credentialMarker": "m"}]}], "requiresRuntime": true},
  "configSchema": {"type": "object", "properties": {"region": {"type": "string"}}}
}"#;

fn parse() -> PluginManifest {
    let report = PluginManifest::parse(SOURCE.as_bytes(), "openclaw.plugin.json");
    assert!(report.is_valid(), "{}", report.diagnostics().render(false));
    report.value().unwrap().clone()
}

#[test]
fn unmodelled_fields_are_kept_at_every_level() {
    let manifest = parse();
    assert_eq!(
        manifest.extra["activation"],
        json!({"onProviders": ["acme-ai"], "onStartup": false})
    );
    assert_eq!(
        manifest.extra["x-acme-internal"],
        json!({"owner": "platform", "tier": 2})
    );
    let choice = &manifest.provider_auth_choices[0];
    assert_eq!(choice.extra["personalAccount"], json!(true));
    assert_eq!(choice.extra["x-rank"], json!([1, 2]));
    let catalog = manifest.model_catalog.as_ref().unwrap();
    assert!(catalog.extra.contains_key("aliases"));
    let model = &catalog.providers["acme-ai"].models[0];
    assert_eq!(
        model.extra["thinkingLevelMap"],
        json!({"high": "acme-large-thinking"})
    );
    assert!(
        model
            .cost
            .as_ref()
            .unwrap()
            .extra
            .contains_key("tieredPricing")
    );
    let setup = manifest.setup.as_ref().unwrap();
    assert_eq!(setup.extra["requiresRuntime"], json!(true));
    assert!(setup.providers[0].extra.contains_key("authEvidence"));
}

#[test]
fn writing_back_reproduces_the_source_document() {
    let manifest = parse();
    let written = serde_json::to_value(&manifest).unwrap();
    let original: Value = serde_json::from_str(SOURCE).unwrap();
    // The one normalization: prices are written with every field.
    let mut expected = original.clone();
    let cost = &mut expected["modelCatalog"]["providers"]["acme-ai"]["models"][0]["cost"];
    cost["cacheRead"] = json!(0.0);
    cost["cacheWrite"] = json!(0.0);
    cost["input"] = json!(3.0);
    cost["output"] = json!(15.0);
    assert_eq!(written, expected);
}

#[test]
fn written_manifest_reads_back_to_the_same_model() {
    let manifest = parse();
    let written = serde_json::to_string_pretty(&manifest).unwrap();
    let again = PluginManifest::parse(written.as_bytes(), "written.json");
    assert!(again.is_valid(), "{}", again.diagnostics().render(false));
    // The only findings are the two vendor fields OpenClaw does not read.
    let unknown: Vec<&str> = again
        .diagnostics()
        .iter()
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(
        unknown,
        ["/providerAuthChoices/0/x-rank", "/x-acme-internal"]
    );
    assert_eq!(again.value().unwrap(), &manifest);
    // And serde's own strict deserializer agrees.
    let strict: PluginManifest = serde_json::from_str(&written).unwrap();
    assert_eq!(strict, manifest);
}
