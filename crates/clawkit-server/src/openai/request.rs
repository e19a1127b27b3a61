//! A Chat Completions request: parsed with pointer errors, then mapped onto
//! a [`TurnRequest`] for the model's API.

use std::collections::HashMap;

use clawkit_core::{Context, ModelApi, ThinkingLevel, Tool, TurnRequest};
use serde_json::{Map, Value, json};

use super::RequestError;
use super::messages::{ChatMessages, parse_at};
use clawkit_core::json_input::{
    JsonPointer as Pointer, expect_array as array, expect_object as object, optional_string,
    required_string, value_kind as kind,
};

/// What the gateway reads of a `POST /v1/chat/completions` body; every
/// other member is ignored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChatRequest {
    /// `provider/model`, or a bare id a provider claims.
    pub(crate) model: String,
    /// `messages`, mapped.
    pub(crate) messages: ChatMessages,
    /// `tools`.
    pub(crate) tools: Vec<Tool>,
    /// `tool_choice`, checked.
    pub(crate) tool_choice: Option<ToolChoice>,
    /// `parallel_tool_calls`.
    pub(crate) parallel_tool_calls: Option<bool>,
    /// `temperature`.
    pub(crate) temperature: Option<f64>,
    /// `top_p`.
    pub(crate) top_p: Option<f64>,
    /// `max_completion_tokens`, else `max_tokens`.
    pub(crate) max_tokens: Option<u64>,
    /// `stop`: the sequences, and whether it was a bare string.
    pub(crate) stop: Option<Stop>,
    /// `stream`.
    pub(crate) stream: bool,
    /// `stream_options.include_usage`.
    pub(crate) include_usage: bool,
    /// `reasoning_effort`, as a thinking level.
    pub(crate) thinking: Option<ThinkingLevel>,
}

/// `tool_choice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ToolChoice {
    /// `"none"`.
    None,
    /// `"auto"`.
    Auto,
    /// `"required"`.
    Required,
    /// `{"type": "function", "function": {"name": …}}`.
    Function(String),
}

/// `stop`: one string or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stop {
    sequences: Vec<String>,
    single: bool,
}

impl ChatRequest {
    /// Parses a request body.
    pub(crate) fn parse(body: &Value) -> Result<ChatRequest, RequestError> {
        let root = Pointer::root();
        let fields = object(body, &root, "a chat completion request")?;
        let model = required_string(fields, "model", &root)?.trim().to_owned();
        let messages_at = root.join("messages");
        let messages = match fields.get("messages") {
            Some(messages) => parse_at(messages, &messages_at)?,
            None => {
                return Err(RequestError::at(
                    &messages_at,
                    "missing \"messages\" (an array of chat messages)",
                ));
            }
        };
        if messages.messages.is_empty() {
            return Err(RequestError::at(
                &messages_at,
                "expected at least one user, assistant or tool message",
            ));
        }
        let tools = match fields.get("tools").filter(|t| !t.is_null()) {
            Some(tools) => parse_tools(tools, &root.join("tools"))?,
            None => Vec::new(),
        };
        let tool_choice = match fields.get("tool_choice").filter(|c| !c.is_null()) {
            Some(choice) => Some(parse_tool_choice(choice, &tools, &root)?),
            None => None,
        };
        let max_tokens = match positive_integer(fields, "max_completion_tokens", &root)? {
            Some(max) => Some(max),
            None => positive_integer(fields, "max_tokens", &root)?,
        };
        if let Some(n) = fields.get("n").filter(|n| !n.is_null())
            && n.as_u64() != Some(1)
        {
            return Err(RequestError::at(
                &root.join("n"),
                "only one choice per request is supported (n = 1)",
            ));
        }
        let stream = boolean(fields, "stream", &root)?.unwrap_or(false);
        let options_at = root.join("stream_options");
        let include_usage = match fields.get("stream_options").filter(|o| !o.is_null()) {
            Some(options) => {
                let options = object(options, &options_at, "the stream options")?;
                boolean(options, "include_usage", &options_at)?.unwrap_or(false)
            }
            None => false,
        };
        Ok(ChatRequest {
            model,
            messages,
            tools,
            tool_choice,
            parallel_tool_calls: boolean(fields, "parallel_tool_calls", &root)?,
            temperature: number(fields, "temperature", &root)?,
            top_p: number(fields, "top_p", &root)?,
            max_tokens,
            stop: parse_stop(fields, &root)?,
            stream,
            include_usage,
            thinking: reasoning_effort(fields, &root)?,
        })
    }

    /// Whether mapping this request needs the model's API: it sets
    /// something each API spells its own way.
    pub(crate) fn needs_api(&self) -> bool {
        self.top_p.is_some()
            || self.stop.is_some()
            || self.tool_choice.is_some()
            || self.parallel_tool_calls == Some(false)
    }

    /// The turn this request asks for, with the parameters spelled for
    /// `api` (`None`: the request sets nothing API-specific, see
    /// [`needs_api`](Self::needs_api)).
    pub(crate) fn turn(&self, api: Option<&ModelApi>) -> Result<TurnRequest, RequestError> {
        let mut context = Context::default();
        context.tools = self.tools.clone();
        let mut turn =
            TurnRequest::new(&self.model, context).history(self.messages.messages.clone());
        if !self.messages.system.is_empty() {
            turn = turn.system_prompt(self.messages.system.join("\n\n"));
        }
        if let Some(temperature) = self.temperature {
            turn = turn.temperature(temperature);
        }
        if let Some(max) = self.max_tokens {
            turn = turn.max_tokens(max);
        }
        if let Some(level) = self.thinking {
            turn = turn.thinking(level);
        }
        let params = match api {
            Some(api) => self.params_for(api)?,
            None => Map::new(),
        };
        Ok(turn.extra_params(params))
    }

    /// `top_p`, `stop`, `tool_choice` and `parallel_tool_calls` as `api`
    /// spells them, as extra params (top-level members of the request
    /// body). What `api` cannot express is refused.
    fn params_for(&self, api: &ModelApi) -> Result<Map<String, Value>, RequestError> {
        let root = Pointer::root();
        let dialect = Dialect::of(api);
        let unsupported = |key: &str| {
            RequestError::at(
                &root.join(key),
                format!("not supported for models of api \"{api}\""),
            )
        };
        let mut params = Map::new();
        if let Some(top_p) = self.top_p {
            match dialect {
                Dialect::Google => return Err(unsupported("top_p")),
                _ => {
                    params.insert("top_p".into(), Value::from(top_p));
                }
            }
        }
        if let Some(stop) = &self.stop {
            match dialect {
                Dialect::Completions if stop.single => {
                    params.insert("stop".into(), Value::from(stop.sequences[0].clone()));
                }
                Dialect::Completions => {
                    params.insert("stop".into(), json!(stop.sequences));
                }
                Dialect::Anthropic => {
                    params.insert("stop_sequences".into(), json!(stop.sequences));
                }
                Dialect::Responses | Dialect::Google => return Err(unsupported("stop")),
            }
        }
        let parallel = self.parallel_tool_calls;
        match dialect {
            Dialect::Completions | Dialect::Responses => {
                if let Some(choice) = &self.tool_choice {
                    params.insert("tool_choice".into(), choice.openai(dialect));
                }
                if let Some(parallel) = parallel {
                    // The runtime sends it as `parallel_tool_calls`.
                    params.insert("parallelToolCalls".into(), Value::Bool(parallel));
                }
            }
            Dialect::Anthropic => {
                let mut choice = self.tool_choice.as_ref().map(ToolChoice::anthropic);
                if parallel == Some(false) && self.tool_choice != Some(ToolChoice::None) {
                    let choice = choice.get_or_insert_with(|| json!({"type": "auto"}));
                    choice["disable_parallel_tool_use"] = Value::Bool(true);
                }
                if let Some(choice) = choice {
                    params.insert("tool_choice".into(), choice);
                }
            }
            Dialect::Google => {
                if parallel == Some(false) {
                    return Err(unsupported("parallel_tool_calls"));
                }
                if let Some(choice) = &self.tool_choice {
                    params.insert("toolConfig".into(), choice.google());
                }
            }
        }
        Ok(params)
    }
}

/// How an API spells the sampling and tool-choice parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// Chat Completions (also Ollama's OpenAI-compatible API, and any API
    /// clawkit has no built-in transport for: a plugin's own stream
    /// function gets OpenAI's names).
    Completions,
    /// The Responses APIs.
    Responses,
    /// Anthropic Messages.
    Anthropic,
    /// Gemini `generateContent`.
    Google,
}

impl Dialect {
    fn of(api: &ModelApi) -> Dialect {
        match api {
            ModelApi::OpenAiResponses
            | ModelApi::OpenAiCodexResponses
            | ModelApi::OpenAiChatGptResponses
            | ModelApi::AzureOpenAiResponses => Dialect::Responses,
            ModelApi::AnthropicMessages => Dialect::Anthropic,
            ModelApi::GoogleGenerativeAi | ModelApi::GoogleVertex => Dialect::Google,
            _ => Dialect::Completions,
        }
    }
}

impl ToolChoice {
    fn openai(&self, dialect: Dialect) -> Value {
        match self {
            ToolChoice::None => json!("none"),
            ToolChoice::Auto => json!("auto"),
            ToolChoice::Required => json!("required"),
            ToolChoice::Function(name) if dialect == Dialect::Responses => {
                json!({"type": "function", "name": name})
            }
            ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
        }
    }

    fn anthropic(&self) -> Value {
        match self {
            ToolChoice::None => json!({"type": "none"}),
            ToolChoice::Auto => json!({"type": "auto"}),
            ToolChoice::Required => json!({"type": "any"}),
            ToolChoice::Function(name) => json!({"type": "tool", "name": name}),
        }
    }

    fn google(&self) -> Value {
        let config = match self {
            ToolChoice::None => json!({"mode": "NONE"}),
            ToolChoice::Auto => json!({"mode": "AUTO"}),
            ToolChoice::Required => json!({"mode": "ANY"}),
            ToolChoice::Function(name) => json!({"mode": "ANY", "allowedFunctionNames": [name]}),
        };
        json!({ "functionCallingConfig": config })
    }
}

/// `tools`: OpenAI's `{"type": "function", "function": {…}}` entries.
fn parse_tools(tools: &Value, at: &Pointer) -> Result<Vec<Tool>, RequestError> {
    let list = array(tools, at, "a list of tools")?;
    let mut parsed = Vec::with_capacity(list.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, tool) in list.iter().enumerate() {
        let tool_at = at.join(index);
        let fields = object(tool, &tool_at, "a tool")?;
        if let Some(kind) = optional_string(fields, "type", &tool_at)?
            && kind != "function"
        {
            return Err(RequestError::at(
                &tool_at.join("type"),
                "unsupported tool type (expected \"function\")",
            ));
        }
        let function_at = tool_at.join("function");
        let function = match fields.get("function") {
            Some(function) => object(function, &function_at, "a function")?,
            None => {
                return Err(RequestError::at(
                    &function_at,
                    "missing \"function\" (an object with \"name\" and \"parameters\")",
                ));
            }
        };
        let name = required_string(function, "name", &function_at)?;
        if let Some(first) = seen.insert(name.to_owned(), index) {
            return Err(RequestError::at(
                &function_at.join("name"),
                format!("the tool at {at}/{first} has the same name"),
            ));
        }
        let description = optional_string(function, "description", &function_at)?.unwrap_or("");
        let parameters = match function.get("parameters") {
            None | Some(Value::Null) => json!({"type": "object", "properties": {}}),
            Some(schema @ Value::Object(_)) => schema.clone(),
            Some(other) => {
                return Err(RequestError::at(
                    &function_at.join("parameters"),
                    format!("expected a JSON Schema (an object), found {}", kind(other)),
                ));
            }
        };
        parsed.push(Tool::new(name, description, parameters));
    }
    Ok(parsed)
}

/// `tool_choice`: `none`, `auto`, `required` or a named function of `tools`.
fn parse_tool_choice(
    choice: &Value,
    tools: &[Tool],
    root: &Pointer,
) -> Result<ToolChoice, RequestError> {
    let at = root.join("tool_choice");
    if tools.is_empty() {
        return Err(RequestError::at(
            &at,
            "\"tool_choice\" is only allowed when \"tools\" are given",
        ));
    }
    let expected = "expected \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}";
    match choice {
        Value::String(word) => match word.as_str() {
            "none" => Ok(ToolChoice::None),
            "auto" => Ok(ToolChoice::Auto),
            "required" => Ok(ToolChoice::Required),
            _ => Err(RequestError::at(&at, expected)),
        },
        Value::Object(fields) => {
            if optional_string(fields, "type", &at)? != Some("function") {
                return Err(RequestError::at(&at.join("type"), expected));
            }
            let function_at = at.join("function");
            let function = match fields.get("function") {
                Some(function) => object(function, &function_at, "a function")?,
                None => return Err(RequestError::at(&function_at, expected)),
            };
            let name = required_string(function, "name", &function_at)?;
            if !tools.iter().any(|tool| tool.name == name) {
                return Err(RequestError::at(
                    &function_at.join("name"),
                    "names no tool of \"tools\"",
                ));
            }
            Ok(ToolChoice::Function(name.to_owned()))
        }
        other => Err(RequestError::at(
            &at,
            format!("{expected}, found {}", kind(other)),
        )),
    }
}

/// `stop`: a string or an array of strings.
fn parse_stop(fields: &Map<String, Value>, root: &Pointer) -> Result<Option<Stop>, RequestError> {
    let at = root.join("stop");
    match fields.get("stop") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(sequence)) => Ok(Some(Stop {
            sequences: vec![sequence.clone()],
            single: true,
        })),
        Some(Value::Array(list)) => {
            let mut sequences = Vec::with_capacity(list.len());
            for (index, item) in list.iter().enumerate() {
                match item {
                    Value::String(sequence) => sequences.push(sequence.clone()),
                    other => {
                        return Err(RequestError::at(
                            &at.join(index),
                            format!("expected a string, found {}", kind(other)),
                        ));
                    }
                }
            }
            Ok((!sequences.is_empty()).then_some(Stop {
                sequences,
                single: false,
            }))
        }
        Some(other) => Err(RequestError::at(
            &at,
            format!(
                "expected a string or an array of strings, found {}",
                kind(other)
            ),
        )),
    }
}

/// `reasoning_effort` as a thinking level.
fn reasoning_effort(
    fields: &Map<String, Value>,
    root: &Pointer,
) -> Result<Option<ThinkingLevel>, RequestError> {
    let Some(effort) = optional_string(fields, "reasoning_effort", root)? else {
        return Ok(None);
    };
    let level = match effort {
        "none" => ThinkingLevel::Off,
        "minimal" => ThinkingLevel::Minimal,
        "low" => ThinkingLevel::Low,
        "medium" => ThinkingLevel::Medium,
        "high" => ThinkingLevel::High,
        "xhigh" => ThinkingLevel::XHigh,
        _ => {
            return Err(RequestError::at(
                &root.join("reasoning_effort"),
                "unknown effort (expected \"none\", \"minimal\", \"low\", \"medium\", \"high\" or \"xhigh\")",
            ));
        }
    };
    Ok(Some(level))
}

fn boolean(
    fields: &Map<String, Value>,
    key: &str,
    at: &Pointer,
) -> Result<Option<bool>, RequestError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(other) => Err(RequestError::at(
            &at.join(key),
            format!("expected a boolean, found {}", kind(other)),
        )),
    }
}

fn number(
    fields: &Map<String, Value>,
    key: &str,
    at: &Pointer,
) -> Result<Option<f64>, RequestError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(value)) => Ok(value.as_f64()),
        Some(other) => Err(RequestError::at(
            &at.join(key),
            format!("expected a number, found {}", kind(other)),
        )),
    }
}

fn positive_integer(
    fields: &Map<String, Value>,
    key: &str,
    at: &Pointer,
) -> Result<Option<u64>, RequestError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64().filter(|n| *n > 0) {
            Some(n) => Ok(Some(n)),
            None => Err(RequestError::at(
                &at.join(key),
                format!("expected a positive integer, found {}", kind(value)),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(body: Value) -> (String, String) {
        let error = ChatRequest::parse(&body).unwrap_err();
        (error.pointer().to_owned(), error.message().to_owned())
    }

    fn hello() -> Value {
        json!([{"role": "user", "content": "hi"}])
    }

    #[test]
    fn a_full_request_is_read_and_unknown_members_are_ignored() {
        let request = ChatRequest::parse(&json!({
            "model": "acme-ai/acme-large",
            "messages": [
                {"role": "developer", "content": "Be brief."},
                {"role": "user", "content": "Weather?"}
            ],
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}, "strict": true}},
                      {"type": "function", "function": {"name": "now"}}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "parallel_tool_calls": false,
            "temperature": 1,
            "top_p": 0.5,
            "max_tokens": 10,
            "max_completion_tokens": 20,
            "stop": "END",
            "stream": true,
            "stream_options": {"include_usage": true},
            "reasoning_effort": "high",
            "n": 1,
            "store": false,
            "metadata": {"a": "b"},
            "user": "u-1"
        }))
        .unwrap();
        assert_eq!(request.model, "acme-ai/acme-large");
        assert_eq!(request.messages.system, ["Be brief."]);
        assert_eq!(request.tools.len(), 2);
        assert_eq!(
            request.tools[1].parameters,
            json!({"type": "object", "properties": {}})
        );
        assert_eq!(
            request.tool_choice,
            Some(ToolChoice::Function("get_weather".into()))
        );
        assert_eq!(request.temperature, Some(1.0));
        assert_eq!(request.max_tokens, Some(20));
        assert!(request.stream && request.include_usage);
        assert_eq!(request.thinking, Some(ThinkingLevel::High));
        assert!(request.needs_api());
        let plain = ChatRequest::parse(&json!({"model": "m", "messages": hello()})).unwrap();
        assert!(!plain.needs_api() && !plain.stream && !plain.include_usage);
    }

    #[test]
    fn parameters_are_spelled_for_each_api() {
        let request = ChatRequest::parse(&json!({
            "model": "p/m", "messages": hello(),
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": {"type": "function", "function": {"name": "f"}},
            "parallel_tool_calls": false, "top_p": 0.5, "stop": ["a", "b"]
        }))
        .unwrap();
        let params = |api: ModelApi| request.params_for(&api).map(Value::Object);
        assert_eq!(
            params(ModelApi::OpenAiCompletions).unwrap(),
            json!({"top_p": 0.5, "stop": ["a", "b"], "tool_choice": {"type": "function", "function": {"name": "f"}}, "parallelToolCalls": false})
        );
        assert_eq!(
            params(ModelApi::AnthropicMessages).unwrap(),
            json!({"top_p": 0.5, "stop_sequences": ["a", "b"], "tool_choice": {"type": "tool", "name": "f", "disable_parallel_tool_use": true}})
        );
        let refused = params(ModelApi::GoogleGenerativeAi).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "at /top_p: not supported for models of api \"google-generative-ai\""
        );
        assert_eq!(
            params(ModelApi::OpenAiResponses).unwrap_err().pointer(),
            "/stop"
        );
        let google = ChatRequest::parse(&json!({
            "model": "p/m", "messages": hello(),
            "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "required"
        }))
        .unwrap();
        assert_eq!(
            Value::Object(google.params_for(&ModelApi::GoogleGenerativeAi).unwrap()),
            json!({"toolConfig": {"functionCallingConfig": {"mode": "ANY"}}})
        );
        let responses = ChatRequest::parse(&json!({
            "model": "p/m", "messages": hello(),
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": {"type": "function", "function": {"name": "f"}}
        }))
        .unwrap();
        assert_eq!(
            Value::Object(responses.params_for(&ModelApi::OpenAiResponses).unwrap()),
            json!({"tool_choice": {"type": "function", "name": "f"}})
        );
    }

    #[test]
    fn every_malformed_member_names_its_pointer_and_never_a_value() {
        let secret = "sk-request-canary-0123456789";
        let cases = [
            (
                json!([]),
                "",
                "expected a chat completion request (an object), found an array",
            ),
            (
                json!({"messages": hello()}),
                "/model",
                "missing \"model\" (a non-empty string)",
            ),
            (
                json!({"model": "m"}),
                "/messages",
                "missing \"messages\" (an array of chat messages)",
            ),
            (
                json!({"model": "m", "messages": []}),
                "/messages",
                "expected at least one user, assistant or tool message",
            ),
            (
                json!({"model": "m", "messages": [{"role": "system", "content": "x"}]}),
                "/messages",
                "expected at least one user, assistant or tool message",
            ),
            (
                json!({"model": "m", "messages": [{"role": secret, "content": "x"}]}),
                "/messages/0/role",
                "unknown role (expected \"user\", \"assistant\", \"tool\" or \"system\")",
            ),
            (
                json!({"model": "m", "messages": hello(), "tools": {}}),
                "/tools",
                "expected a list of tools (an array), found an object",
            ),
            (
                json!({"model": "m", "messages": hello(), "tools": [{"type": "custom"}]}),
                "/tools/0/type",
                "unsupported tool type (expected \"function\")",
            ),
            (
                json!({"model": "m", "messages": hello(), "tools": [{"type": "function"}]}),
                "/tools/0/function",
                "missing \"function\" (an object with \"name\" and \"parameters\")",
            ),
            (
                json!({"model": "m", "messages": hello(), "tools": [{"function": {"name": "f", "parameters": secret}}]}),
                "/tools/0/function/parameters",
                "expected a JSON Schema (an object), found a string",
            ),
            (
                json!({"model": "m", "messages": hello(), "tools": [{"function": {"name": "f"}}, {"function": {"name": "f"}}]}),
                "/tools/1/function/name",
                "the tool at /tools/0 has the same name",
            ),
            (
                json!({"model": "m", "messages": hello(), "tool_choice": "auto"}),
                "/tool_choice",
                "\"tool_choice\" is only allowed when \"tools\" are given",
            ),
            (
                json!({"model": "m", "messages": hello(), "tools": [{"function": {"name": "f"}}], "tool_choice": {"type": "function", "function": {"name": secret}}}),
                "/tool_choice/function/name",
                "names no tool of \"tools\"",
            ),
            (
                json!({"model": "m", "messages": hello(), "temperature": secret}),
                "/temperature",
                "expected a number, found a string",
            ),
            (
                json!({"model": "m", "messages": hello(), "max_tokens": 0}),
                "/max_tokens",
                "expected a positive integer, found a number",
            ),
            (
                json!({"model": "m", "messages": hello(), "stop": [1]}),
                "/stop/0",
                "expected a string, found a number",
            ),
            (
                json!({"model": "m", "messages": hello(), "stream": "yes"}),
                "/stream",
                "expected a boolean, found a string",
            ),
            (
                json!({"model": "m", "messages": hello(), "stream_options": {"include_usage": 1}}),
                "/stream_options/include_usage",
                "expected a boolean, found a number",
            ),
            (
                json!({"model": "m", "messages": hello(), "reasoning_effort": secret}),
                "/reasoning_effort",
                "unknown effort (expected \"none\", \"minimal\", \"low\", \"medium\", \"high\" or \"xhigh\")",
            ),
            (
                json!({"model": "m", "messages": hello(), "n": 2}),
                "/n",
                "only one choice per request is supported (n = 1)",
            ),
        ];
        for (body, pointer, message) in cases {
            let (at, said) = error(body.clone());
            assert_eq!((at.as_str(), said.as_str()), (pointer, message), "{body}");
            assert!(!said.contains(secret));
        }
    }
}
