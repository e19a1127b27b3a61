//! Provider ids as OpenClaw compares them.

/// Normalizes a provider id the way OpenClaw does before any lookup:
/// trimmed, lower-cased, and legacy names rewritten to their current id.
///
/// ```
/// use clawkit_manifest::normalize_provider_id;
///
/// assert_eq!(normalize_provider_id("  Acme-AI "), "acme-ai");
/// assert_eq!(normalize_provider_id("Z.AI"), "zai");
/// assert_eq!(normalize_provider_id("aws-bedrock"), "amazon-bedrock");
/// ```
pub fn normalize_provider_id(id: &str) -> String {
    let lowered = id.trim().to_lowercase();
    let current = match lowered.as_str() {
        "modelstudio" | "qwencloud" => "qwen",
        "z.ai" | "z-ai" => "zai",
        "opencode-zen" => "opencode",
        "opencode-go-auth" => "opencode-go",
        "kimi-code" | "kimi-coding" => "kimi",
        "moonshotai" | "moonshot-ai" => "moonshot",
        "bedrock" | "aws-bedrock" => "amazon-bedrock",
        "bytedance" | "doubao" => "volcengine",
        _ => return lowered,
    };
    current.to_owned()
}

/// Provider ids that OpenClaw itself ships (bundled provider plugins, 2026
/// releases). An auth alias may point at one of these without the plugin
/// declaring it.
pub const KNOWN_PROVIDER_IDS: &[&str] = &[
    "amazon-bedrock",
    "anthropic",
    "anthropic-vertex",
    "custom",
    "deepseek",
    "github-copilot",
    "google",
    "google-gemini-cli",
    "kilocode",
    "kimi",
    "lmstudio",
    "minimax",
    "minimax-portal",
    "mistral",
    "moonshot",
    "ollama",
    "openai",
    "openai-codex",
    "opencode",
    "opencode-go",
    "openrouter",
    "qwen",
    "sglang",
    "together",
    "vllm",
    "volcengine",
    "xai",
    "zai",
];

/// Whether `id` (after normalization) is one of [`KNOWN_PROVIDER_IDS`].
pub fn is_known_provider(id: &str) -> bool {
    KNOWN_PROVIDER_IDS.contains(&normalize_provider_id(id).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_ids_map_to_current_ones() {
        for (legacy, current) in [
            ("modelstudio", "qwen"),
            ("QwenCloud", "qwen"),
            ("z-ai", "zai"),
            ("opencode-zen", "opencode"),
            ("opencode-go-auth", "opencode-go"),
            ("kimi-code", "kimi"),
            ("kimi-coding", "kimi"),
            ("moonshotai", "moonshot"),
            ("moonshot-ai", "moonshot"),
            ("bedrock", "amazon-bedrock"),
            ("bytedance", "volcengine"),
            ("doubao", "volcengine"),
        ] {
            assert_eq!(normalize_provider_id(legacy), current, "{legacy}");
        }
        assert_eq!(normalize_provider_id("acme-ai"), "acme-ai");
    }

    #[test]
    fn known_ids_are_sorted_and_normalized() {
        let mut sorted = KNOWN_PROVIDER_IDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KNOWN_PROVIDER_IDS);
        assert!(
            KNOWN_PROVIDER_IDS
                .iter()
                .all(|id| normalize_provider_id(id) == *id)
        );
        assert!(is_known_provider("Doubao"));
    }
}
