//! The conversation handed to a transport: system prompt, messages, tools.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::event::StopReason;

/// What a [`StreamFn`](crate::StreamFn) is asked to continue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Context {
    /// The system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// The conversation so far.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
}

impl Context {
    /// A conversation of one user message.
    ///
    /// ```
    /// use clawkit_core::Context;
    ///
    /// let context = Context::user("Hello").with_system_prompt("Be brief.");
    /// assert_eq!(context.messages.len(), 1);
    /// ```
    pub fn user(text: impl Into<String>) -> Self {
        Context {
            system_prompt: None,
            messages: vec![Message::user(text)],
            tools: Vec::new(),
        }
    }

    /// Sets the system prompt.
    pub fn with_system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(prompt.into());
        self
    }

    /// Adds a tool.
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Message {
    /// What the user said.
    User {
        /// Text and images.
        content: Vec<ContentBlock>,
    },
    /// What the model answered.
    #[serde(rename_all = "camelCase")]
    Assistant {
        /// Text, thinking and tool calls.
        content: Vec<ContentBlock>,
        /// Why the turn ended, when the history records it. A turn that
        /// ended in [`StopReason::Error`] or [`StopReason::Aborted`] is
        /// treated as incomplete by the replay rules (its tool calls get no
        /// synthetic results; see `clawkit_core::replay`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stop_reason: Option<StopReason>,
    },
    /// The result of a tool call.
    #[serde(rename_all = "camelCase")]
    ToolResult {
        /// The id of the call this answers.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// What the tool returned.
        content: Vec<ContentBlock>,
        /// Whether the tool failed.
        #[serde(default)]
        is_error: bool,
    },
}

impl Message {
    /// A user message of plain text.
    pub fn user(text: impl Into<String>) -> Self {
        Message::User {
            content: vec![ContentBlock::text(text)],
        }
    }

    /// An assistant message of plain text.
    pub fn assistant(text: impl Into<String>) -> Self {
        Message::assistant_blocks(vec![ContentBlock::text(text)])
    }

    /// An assistant message of these blocks, without a stop reason.
    ///
    /// ```
    /// use clawkit_core::{ContentBlock, Message};
    /// use serde_json::json;
    ///
    /// let call = Message::assistant_blocks(vec![ContentBlock::tool_call("call_1", "lookup", json!({}))]);
    /// assert_eq!(call.content().len(), 1);
    /// ```
    pub fn assistant_blocks(content: Vec<ContentBlock>) -> Self {
        Message::Assistant {
            content,
            stop_reason: None,
        }
    }

    /// A tool result of plain text for the call `tool_call_id`.
    pub fn tool_result(
        tool_call_id: impl Into<String>,
        tool_name: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Message::ToolResult {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            content: vec![ContentBlock::text(text)],
            is_error: false,
        }
    }

    /// The role as OpenClaw names it: `user`, `assistant` or `toolResult`.
    pub fn role(&self) -> &'static str {
        match self {
            Message::User { .. } => "user",
            Message::Assistant { .. } => "assistant",
            Message::ToolResult { .. } => "toolResult",
        }
    }

    /// The content blocks.
    pub fn content(&self) -> &[ContentBlock] {
        match self {
            Message::User { content }
            | Message::Assistant { content, .. }
            | Message::ToolResult { content, .. } => content,
        }
    }

    /// The content blocks, mutably.
    pub fn content_mut(&mut self) -> &mut Vec<ContentBlock> {
        match self {
            Message::User { content }
            | Message::Assistant { content, .. }
            | Message::ToolResult { content, .. } => content,
        }
    }
}

/// A piece of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ContentBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image, base64-encoded.
    #[serde(rename_all = "camelCase")]
    Image {
        /// `image/png`, `image/jpeg`, …
        mime_type: String,
        /// Base64 data.
        data: String,
    },
    /// The model's reasoning.
    Thinking {
        /// The reasoning text; empty with a signature for Anthropic's
        /// `redacted_thinking`.
        thinking: String,
        /// Provider signature that lets the reasoning be replayed
        /// (OpenClaw's `thinkingSignature`): Anthropic's signature, or a
        /// Responses reasoning item as JSON (`{"type":"reasoning","id":"rs_…",…}`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// A call of a tool.
    ToolCall {
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
        /// Parsed arguments.
        arguments: Value,
        /// Provider state to replay with the call (OpenClaw's camelCase
        /// `thoughtSignature`: Gemini's thought signature).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
}

impl ContentBlock {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        ContentBlock::Text { text: text.into() }
    }

    /// A tool call without a signature.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, arguments: Value) -> Self {
        ContentBlock::ToolCall {
            id: id.into(),
            name: name.into(),
            arguments,
            signature: None,
        }
    }

    /// A thinking block; `signature` is what lets the provider accept it
    /// back (Anthropic's signature, a Responses reasoning item, …).
    pub fn thinking(thinking: impl Into<String>, signature: Option<String>) -> Self {
        ContentBlock::Thinking {
            thinking: thinking.into(),
            signature,
        }
    }
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Tool {
    /// Name.
    pub name: String,
    /// What it does.
    #[serde(default)]
    pub description: String,
    /// JSON Schema of the arguments.
    pub parameters: Value,
}

impl Tool {
    /// A tool with a JSON Schema for its arguments.
    pub fn new(name: impl Into<String>, description: impl Into<String>, parameters: Value) -> Self {
        Tool {
            name: name.into(),
            description: description.into(),
            parameters,
        }
    }
}
