//! Each family's effect on the shared histories of `tests/data/histories/`
//! (multi-turn tool conversations built from the recorded fixtures of
//! clawkit-http): the policy, what every rule changed, and the history as
//! the transport receives it.

use std::fmt::Write;

use clawkit_core::replay::{ReplayTarget, finish_sanitation, sanitize_history, validate_turns};
use clawkit_core::{
    ContentBlock, Message, ModelApi, ModelContext, ReplayChange, ReplayHistoryContext, ReplayPolicy,
};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
use serde_json::Value;

/// The history stage of a turn with the family installed (as
/// `Runtime::stream` runs it), without the runtime around it.
pub fn replay(
    family: ReplayFamily,
    api: &ModelApi,
    model_id: &str,
    history: Vec<Message>,
) -> (ReplayPolicy, Vec<ReplayChange>, Vec<Message>) {
    let hooks = ReplayFamilyHooks::new(family);
    let ctx = ModelContext::new("acme", model_id, Some(api.clone()));
    let partial = hooks.build_replay_policy(&ctx).unwrap_or_default();
    let policy = ReplayPolicy::defaults().merged(&partial);
    let target = ReplayTarget::new("acme", model_id, api.clone());
    let (history, mut changes) = sanitize_history(&policy, &target, history);
    let ctx = ReplayHistoryContext::new(ctx, history);
    let history = hooks.sanitize_replay_history(&ctx).unwrap_or(ctx.messages);
    let (history, more) = finish_sanitation(&policy, &target, history);
    changes.extend(more);
    let (history, more) = validate_turns(&policy, &target, history);
    changes.extend(more);
    (partial, changes, history)
}

/// Where each family is tried: its natural api and a model of it.
pub const TARGETS: [(ReplayFamily, ModelApi, &str); 6] = [
    (
        ReplayFamily::OpenAiCompatible,
        ModelApi::OpenAiCompletions,
        "deepseek-chat",
    ),
    (
        ReplayFamily::AnthropicByModel,
        ModelApi::AnthropicMessages,
        "claude-sonnet-4-5",
    ),
    (
        ReplayFamily::NativeAnthropicByModel,
        ModelApi::AnthropicMessages,
        "claude-opus-4-6",
    ),
    (
        ReplayFamily::GoogleGemini,
        ModelApi::GoogleGenerativeAi,
        "gemini-2.5-pro",
    ),
    (
        ReplayFamily::PassthroughGemini,
        ModelApi::OpenAiCompletions,
        "google/gemini-2.5-pro",
    ),
    (
        ReplayFamily::HybridAnthropicOpenAi,
        ModelApi::OpenAiResponses,
        "gpt-5.2",
    ),
];

/// The shared histories, by file stem.
pub fn histories() -> Vec<(String, Vec<Message>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/histories");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            (stem, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn short(text: &str, max: usize) -> String {
    let flat = text.replace('\n', "⏎");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{cut}…")
}

fn block(block: &ContentBlock) -> String {
    match block {
        ContentBlock::Text { text } => format!("text {:?}", short(text, 50)),
        ContentBlock::Thinking {
            thinking,
            signature,
        } => {
            let signed = match signature {
                Some(s) if s.starts_with('{') => "reasoning item",
                Some(_) => "signed",
                None => "unsigned",
            };
            format!("thinking[{signed}] {:?}", short(thinking, 30))
        }
        ContentBlock::ToolCall {
            id,
            name,
            arguments,
            signature,
        } => {
            let signature = signature
                .as_deref()
                .map(|s| format!(" sig={}", short(s, 10)))
                .unwrap_or_default();
            format!("call {id} {name} {arguments}{signature}")
        }
        other => format!("{other:?}"),
    }
}

/// One line per message, one per change.
pub fn render(partial: &ReplayPolicy, changes: &[ReplayChange], history: &[Message]) -> String {
    let mut out = String::new();
    let policy: Value = serde_json::to_value(partial).unwrap();
    writeln!(out, "policy: {policy}").unwrap();
    writeln!(out, "changes:").unwrap();
    for change in changes {
        writeln!(out, "  {} ({})", change.rule, change.count).unwrap();
        for detail in &change.details {
            writeln!(out, "    {detail}").unwrap();
        }
    }
    writeln!(out, "history:").unwrap();
    for (at, message) in history.iter().enumerate() {
        let blocks: Vec<String> = message.content().iter().map(block).collect();
        let head = match message {
            Message::Assistant {
                stop_reason: Some(reason),
                ..
            } => format!("assistant ({reason})"),
            Message::ToolResult {
                tool_call_id,
                tool_name,
                is_error,
                ..
            } => format!(
                "result {tool_call_id} {tool_name}{}",
                if *is_error { " (error)" } else { "" }
            ),
            other => other.role().to_owned(),
        };
        writeln!(out, "  {at:>2} {head}: {}", blocks.join(" | ")).unwrap();
    }
    out
}

#[test]
fn each_family_on_each_shared_history() {
    let histories = histories();
    assert_eq!(histories.len(), 4);
    for (stem, history) in histories {
        for (family, api, model) in &TARGETS {
            let (partial, changes, replayed) = replay(*family, api, model, history.clone());
            let rendered = render(&partial, &changes, &replayed);
            let header = format!("{family} on {api} ({model}), history {stem}\n");
            insta::assert_snapshot!(format!("{stem}.{family}"), header + &rendered);
        }
    }
}
