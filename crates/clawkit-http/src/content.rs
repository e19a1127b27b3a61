//! Opt-in recording of prompts and completions on the `gen_ai.stream` span
//! ([`crate::HttpConfig::record_content`]), in the OpenTelemetry GenAI
//! message format: `gen_ai.system_instructions`, `gen_ai.input.messages`,
//! `gen_ai.output.messages`.
//!
//! Images are recorded as `{"type":"blob","mime_type":…}` without their data,
//! thinking as `{"type":"reasoning"}` parts, and every known secret of the
//! call is scrubbed from the JSON.

use clawkit_core::{ApiKey, ContentBlock, Context, Message, StreamEvent};
use serde_json::{Value, json};

use crate::client::HttpClient;
use crate::redact::redact;
use crate::shared::joined_text;

/// The request's content when `client` records content, else `None`.
pub(crate) fn input_if(
    client: &HttpClient,
    context: &Context,
    secrets: &[ApiKey],
) -> Option<RecordedInput> {
    if !client.config().record_content {
        return None;
    }
    let secrets: Vec<&str> = secrets.iter().map(ApiKey::expose).collect();
    Some(input(context, &secrets))
}

/// What is recorded about the request: system instructions and messages.
pub(crate) struct RecordedInput {
    pub(crate) system_instructions: Option<String>,
    pub(crate) messages: String,
}

/// The request's content, as span attribute values.
pub(crate) fn input(context: &Context, secrets: &[&str]) -> RecordedInput {
    let system_instructions = context
        .system_prompt
        .as_deref()
        .filter(|prompt| !prompt.is_empty())
        .map(|prompt| {
            redact(
                &json!([{"type": "text", "content": prompt}]).to_string(),
                secrets,
            )
        });
    let messages: Vec<Value> = context.messages.iter().map(message).collect();
    RecordedInput {
        system_instructions,
        messages: redact(&Value::Array(messages).to_string(), secrets),
    }
}

fn message(message: &Message) -> Value {
    match message {
        Message::User { content } => json!({"role": "user", "parts": parts(content)}),
        Message::Assistant { content, .. } => json!({"role": "assistant", "parts": parts(content)}),
        Message::ToolResult {
            tool_call_id,
            content,
            ..
        } => {
            json!({"role": "tool", "parts": [
                {"type": "tool_call_response", "id": tool_call_id, "response": joined_text(content)}
            ]})
        }
        // Message kinds added later are recorded by role only.
        _ => json!({"role": "other", "parts": []}),
    }
}

fn parts(content: &[ContentBlock]) -> Vec<Value> {
    content
        .iter()
        .map(|block| match block {
            ContentBlock::Text { text } => json!({"type": "text", "content": text}),
            ContentBlock::Image { mime_type, .. } => {
                json!({"type": "blob", "mime_type": mime_type})
            }
            ContentBlock::Thinking { thinking, .. } => {
                json!({"type": "reasoning", "content": thinking})
            }
            ContentBlock::ToolCall {
                id,
                name,
                arguments,
                ..
            } => json!({"type": "tool_call", "id": id, "name": name, "arguments": arguments}),
            // Content blocks added later are recorded by kind only.
            _ => json!({"type": "other"}),
        })
        .collect()
}

/// Collects the completion from the normalized events.
#[derive(Default)]
pub(crate) struct OutputRecorder {
    parts: Vec<Value>,
    text: String,
    reasoning: String,
    secrets: Vec<String>,
}

impl OutputRecorder {
    pub(crate) fn new(secrets: &[&str]) -> Self {
        OutputRecorder {
            secrets: secrets.iter().map(|s| (*s).to_owned()).collect(),
            ..OutputRecorder::default()
        }
    }

    /// Takes note of `event`; returns the `gen_ai.output.messages` value once
    /// the stream finished (with `Done`), `None` before and after an error.
    pub(crate) fn observe(&mut self, event: &StreamEvent) -> Option<String> {
        match event {
            StreamEvent::TextDelta { text, .. } => self.text.push_str(text),
            StreamEvent::TextEnd { .. } => {
                let content = std::mem::take(&mut self.text);
                self.parts.push(json!({"type": "text", "content": content}));
            }
            StreamEvent::ReasoningDelta { text, .. } => self.reasoning.push_str(text),
            StreamEvent::ReasoningEnd { .. } => {
                let content = std::mem::take(&mut self.reasoning);
                self.parts
                    .push(json!({"type": "reasoning", "content": content}));
            }
            StreamEvent::ToolCallEnd {
                id,
                name,
                arguments,
                ..
            } => self
                .parts
                .push(json!({"type": "tool_call", "id": id, "name": name, "arguments": arguments})),
            StreamEvent::Done { reason } => {
                let output = json!([{
                    "role": "assistant",
                    "parts": std::mem::take(&mut self.parts),
                    "finish_reason": reason.as_str(),
                }]);
                let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
                return Some(redact(&output.to_string(), &secrets));
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::StopReason;

    #[test]
    fn input_is_in_the_genai_message_format_without_image_data_or_secrets() {
        let mut context =
            Context::user("my key is sk-live-0123456789abcdef").with_system_prompt("Be terse.");
        context.messages.push(Message::User {
            content: vec![ContentBlock::Image {
                mime_type: "image/png".into(),
                data: "iVBORw0KGgoAAAANSUhEUg".into(),
            }],
        });
        let recorded = input(&context, &["sk-live-0123456789abcdef"]);
        assert_eq!(
            recorded.system_instructions.as_deref(),
            Some(r#"[{"type":"text","content":"Be terse."}]"#)
        );
        assert!(!recorded.messages.contains("sk-live-0123456789abcdef"));
        assert!(!recorded.messages.contains("iVBORw0KGgo"));
        let messages: Value = serde_json::from_str(&recorded.messages).unwrap();
        assert_eq!(messages[0]["role"], "user");
        assert_eq!(messages[1]["parts"][0]["type"], "blob");
    }

    #[test]
    fn output_is_recorded_when_the_stream_is_done() {
        let mut recorder = OutputRecorder::new(&[]);
        let events = [
            StreamEvent::TextStart { index: 0 },
            StreamEvent::TextDelta {
                index: 0,
                text: "Hel".into(),
            },
            StreamEvent::TextDelta {
                index: 0,
                text: "lo".into(),
            },
            StreamEvent::TextEnd {
                index: 0,
                text: "Hello".into(),
            },
        ];
        for event in &events {
            assert_eq!(recorder.observe(event), None);
        }
        let output = recorder
            .observe(&StreamEvent::Done {
                reason: StopReason::Stop,
            })
            .unwrap();
        assert_eq!(
            output,
            r#"[{"role":"assistant","parts":[{"type":"text","content":"Hello"}],"finish_reason":"stop"}]"#
        );
    }
}
