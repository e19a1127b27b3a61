//! Any JSON read as a `--history` file (OpenAI-style chat messages) is
//! mapped or refused with a pointer into it, never a panic; what is mapped
//! goes through the replay sanitizer of each api without a panic.

#![no_main]

use clawkit_core::replay::{ReplayTarget, fallback_policy, sanitize_history};
use clawkit_core::{ModelApi, RuntimeModel};
use libfuzzer_sys::fuzz_target;

const APIS: [ModelApi; 4] = [
    ModelApi::OpenAiCompletions,
    ModelApi::OpenAiResponses,
    ModelApi::AnthropicMessages,
    ModelApi::GoogleGenerativeAi,
];

fuzz_target!(|data: &[u8]| {
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let mapped = match clawkit_server::openai::messages_from_json(&document) {
        Ok(mapped) => mapped,
        Err(error) => {
            // The pointer names a place in the document, or under one.
            let pointer = error.pointer().unwrap_or_default();
            let parent = pointer.rsplit_once('/').map_or("", |(parent, _)| parent);
            assert!(
                document.pointer(pointer).is_some() || document.pointer(parent).is_some(),
                "{pointer}"
            );
            return;
        }
    };
    for api in APIS {
        let Ok(url) = "https://api.example.com/v1".parse() else {
            return;
        };
        let model = RuntimeModel::new("fuzz", "claude-sonnet-5", api, url);
        let _ = sanitize_history(
            &fallback_policy(&model),
            &ReplayTarget::of(&model),
            mapped.messages.clone(),
        );
    }
});
