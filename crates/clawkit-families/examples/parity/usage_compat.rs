//! The streaming-usage compat cases: clawkit's output in OpenClaw's shape.
//! Shared with `tests/families/usage_compat.rs`, which compares it.

use clawkit_core::ProviderConfig;
use clawkit_families::usage_compat::{
    apply_provider_native_streaming_usage_compat, supports_native_streaming_usage_compat,
};
use serde_json::{Value, json};

/// What clawkit returns for one usage-compat case, in the shape of
/// OpenClaw's output; `None` when clawkit has no counterpart.
pub fn run(function: &str, input: &Value) -> Option<Result<Value, String>> {
    Some(Ok(match function {
        "supportsNativeStreamingUsageCompat" => {
            let routes = input["routes"].as_array().cloned().unwrap_or_default();
            let rows: Vec<Value> = routes
                .into_iter()
                .map(|mut route| {
                    let provider = route["providerId"].as_str().unwrap_or_default().to_owned();
                    let base_url = route["baseUrl"].as_str().unwrap_or_default().to_owned();
                    route["supported"] =
                        json!(supports_native_streaming_usage_compat(&provider, &base_url));
                    route
                })
                .collect();
            json!(rows)
        }
        "applyProviderNativeStreamingUsageCompat" => {
            let given = &input["providerConfig"];
            let mut config: ProviderConfig = match serde_json::from_value(given.clone()) {
                Ok(config) => config,
                Err(error) => return Some(Err(error.to_string())),
            };
            let provider = input["providerId"].as_str().unwrap_or_default();
            let changed = apply_provider_native_streaming_usage_compat(provider, &mut config);
            // clawkit's typed config writes defaults OpenClaw's input omits
            // (`input`, `cost`, …): the input comes back with the rows'
            // compat flags clawkit set.
            let mut out = given.clone();
            if let Some(rows) = out["models"].as_array_mut() {
                for (row, applied) in rows.iter_mut().zip(&config.models) {
                    let Some(on) = applied
                        .compat
                        .as_ref()
                        .and_then(|c| c.supports_usage_in_streaming)
                    else {
                        continue;
                    };
                    if row.get("compat").is_none() {
                        row["compat"] = json!({});
                    }
                    row["compat"]["supportsUsageInStreaming"] = json!(on);
                }
            }
            json!({"providerConfig": out, "unchanged": !changed})
        }
        _ => return None,
    }))
}
