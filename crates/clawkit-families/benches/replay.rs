//! Replaying a long history: the generic rules of a family's policy over a
//! 1 000-message tool conversation (target: at most 1 ms).

#![allow(missing_docs)]

use std::hint::black_box;

use clawkit_core::replay::{ReplayTarget, finish_sanitation, sanitize_history, validate_turns};
use clawkit_core::{ContentBlock, Message, ModelApi, ModelContext, ReplayPolicy};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

/// 250 rounds of user → assistant (thinking, text, tool call) → tool result
/// → assistant answer: 1 000 messages, ids with `_` and `-` to rewrite.
fn history() -> Vec<Message> {
    let mut messages = Vec::with_capacity(1_000);
    for round in 0..250 {
        messages.push(Message::user(format!(
            "Question {round}: what is in file {round}?"
        )));
        messages.push(Message::assistant_blocks(vec![
            ContentBlock::thinking(
                format!("I should read file {round}."),
                Some(format!("sig-{round}")),
            ),
            ContentBlock::text("Let me look."),
            ContentBlock::tool_call(
                format!("toolu_{round:04}-read"),
                "read_file",
                json!({"path": format!("src/file_{round}.rs")}),
            ),
        ]));
        messages.push(Message::tool_result(
            format!("toolu_{round:04}-read"),
            "read_file",
            format!("fn f{round}() {{}}"),
        ));
        messages.push(Message::assistant(format!(
            "File {round} defines f{round}."
        )));
    }
    messages
}

fn replay(policy: &ReplayPolicy, target: &ReplayTarget, messages: Vec<Message>) -> Vec<Message> {
    let (messages, _) = sanitize_history(policy, target, messages);
    let (messages, _) = finish_sanitation(policy, target, messages);
    validate_turns(policy, target, messages).0
}

fn bench(c: &mut Criterion) {
    let history = history();
    let mut group = c.benchmark_group("replay 1000 messages");
    for (family, api, model) in [
        (
            ReplayFamily::AnthropicByModel,
            ModelApi::AnthropicMessages,
            "claude-sonnet-4-5",
        ),
        (
            ReplayFamily::GoogleGemini,
            ModelApi::GoogleGenerativeAi,
            "gemini-2.5-pro",
        ),
        (
            ReplayFamily::OpenAiCompatible,
            ModelApi::OpenAiCompletions,
            "deepseek-chat",
        ),
        (
            ReplayFamily::OpenAiCompatible,
            ModelApi::OpenAiResponses,
            "gpt-5.2",
        ),
    ] {
        let ctx = ModelContext::new("bench", model, Some(api.clone()));
        let partial = ReplayFamilyHooks::new(family)
            .build_replay_policy(&ctx)
            .unwrap_or_default();
        let policy = ReplayPolicy::defaults().merged(&partial);
        let target =
            ReplayTarget::new("bench", model, api.clone()).with_allowed_tool_names(["read_file"]);
        group.bench_function(format!("{family} on {api}"), |b| {
            b.iter_batched(
                || history.clone(),
                |messages| black_box(replay(&policy, &target, messages)),
                criterion::BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
