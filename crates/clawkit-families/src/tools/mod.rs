//! Tool-compat families: each wire's rules for the JSON Schemas of tool
//! parameters, as OpenClaw 2026.9.6 applies them
//! (`buildProviderToolCompatFamilyHooks`), with a report of every change.
//!
//! | family | normalizer | inspector |
//! |---|---|---|
//! | [`ToolCompatFamily::Gemini`] | [`gemini::normalize`] (`cleanSchemaForGemini`) | [`gemini::inspect`] |
//! | [`ToolCompatFamily::OpenAi`] | [`openai::normalize`] (`normalizeOpenAIStrictCompatSchema`) | [`openai::inspect`] (`findOpenAIStrictSchemaViolations`) |
//! | [`ToolCompatFamily::DeepSeek`] | [`deepseek::normalize`] | [`deepseek::inspect`] |
//! | [`ToolCompatFamily::LlamacppGbnf`] | [`llamacpp::normalize`] (`cleanSchemaForLlamacppGbnf`) | [`llamacpp::inspect`] |
//! | xAI (a model compat patch in OpenClaw, not a family) | [`xai::normalize`] (`stripUnsupportedSchemaKeywords`) | [`xai::inspect`] |
//!
//! A normalizer takes a schema and returns a [`Normalized`]: the schema to
//! send, and a [`SchemaChange`] for each keyword it removed, added,
//! rewrote, inlined or flattened, with the JSON pointer of the place
//! ([`gemini::normalize_owned`] takes the schema by value and cleans it in
//! place, for a caller that no longer needs it). An
//! inspector returns the places the wire would reject, as OpenClaw's
//! diagnostics write them (`<tool>.parameters.properties.<name>.<keyword>`).
//!
//! A provider installs a family with [`ToolCompatHooks`], a
//! [`ProviderHooks`](clawkit_core::ProviderHooks) value with
//! `normalize_tool_schemas` and `inspect_tool_schemas`.
//!
//! None of this recurses: a schema nested tens of thousands of levels
//! deep, or whose `$ref`s go round in a cycle, is handled with a heap
//! stack. [`deep`] has the same guarantee for cloning, comparing and
//! dropping such values, which `serde_json`'s own implementations do not
//! give.
//!
//! ```
//! use clawkit_families::tools::{ChangeKind, ToolCompatFamily};
//! use serde_json::json;
//!
//! let schema = json!({
//!     "type": "object",
//!     "properties": {"city": {"$ref": "#/$defs/City"}},
//!     "$defs": {"City": {"type": "string", "minLength": 1}},
//! });
//! let out = ToolCompatFamily::Gemini.normalize(&schema);
//! assert_eq!(out.schema, json!({"type": "object", "properties": {"city": {"type": "string"}}}));
//! for change in &out.changes {
//!     println!("{change}"); // /$defs: removed: …, /properties/city/$ref: inlined: …
//! }
//! let inlined = out.changes.iter().find(|c| c.change == ChangeKind::Inlined).unwrap();
//! assert_eq!(inlined.path, "/properties/city/$ref");
//! ```

pub mod deep;
pub mod deepseek;
pub mod gemini;
mod hooks;
mod inspect;
pub mod llamacpp;
pub mod openai;
mod report;
mod walk;
pub mod xai;

pub use hooks::{NormalizedTools, ToolCompatFamily, ToolCompatHooks};
pub use inspect::find_unsupported_schema_keywords;
pub use report::{ChangeKind, Normalized, SchemaChange, ToolSchemaChanges};
