//! The stream cases: clawkit's output in OpenClaw's shape (`{model,
//! headers, options, payload}` as the transport saw them). Shared with the
//! stream parity test (`src/stream/parity_tests.rs`), which compares it and
//! also runs the single `create…Wrapper` cases through the crate's private
//! layers; here those are skipped.
//!
//! The fake transport is the parity driver's: the stream function is called
//! with the case's model and headers; a recording base function builds the
//! body from the case's payload, runs the payload hooks once, and keeps the
//! model, headers and options it saw.

use std::sync::{Arc, Mutex};

use clawkit_core::{
    Context, HeaderPrecedence, ModelApi, ModelCompat, RuntimeModel, SharedStreamFn, StreamRequest,
    ThinkingLevel,
};
use clawkit_families::stream::{
    StreamFamily, StreamWrapperFactory, compose_provider_stream_wrappers,
};
use serde_json::{Map, Value, json};

/// A base URL for a case model without one (OpenClaw's `default` route,
/// which clawkit cannot express: every clawkit model has a base URL).
const NO_BASE_URL: &str = "https://default-route.invalid/";

fn model_of(input: &Value) -> RuntimeModel {
    let spec = &input["model"];
    let base = spec["baseUrl"].as_str().unwrap_or(NO_BASE_URL);
    let base = match base.parse() {
        Ok(base) => base,
        Err(error) => unreachable!("{base}: {error}"),
    };
    let mut model = RuntimeModel::new(
        spec["provider"].as_str().unwrap_or_default(),
        spec["id"].as_str().unwrap_or_default(),
        ModelApi::from(spec["api"].as_str().unwrap_or_default()),
        base,
    );
    model.reasoning = spec["reasoning"].as_bool().unwrap_or(false);
    if let Some(window) = spec["contextWindow"].as_u64() {
        model.context_window = window;
    } else {
        // OpenClaw has no window for such a model; clawkit always has one.
        model.context_window = 0;
    }
    model.context_tokens = spec["contextTokens"].as_u64();
    if let Some(compat) = spec.get("compat") {
        model.compat = serde_json::from_value::<ModelCompat>(compat.clone()).unwrap_or_default();
    }
    model
}

pub fn level_of(value: &Value) -> Option<ThinkingLevel> {
    serde_json::from_value(value.clone()).ok()
}

/// What the recording transport saw.
#[derive(Debug)]
struct Seen {
    model: RuntimeModel,
    headers: Vec<(String, String)>,
    level: Option<ThinkingLevel>,
    payload: Value,
}

fn recording(payload: Value, seen: Arc<Mutex<Option<Seen>>>) -> SharedStreamFn {
    Arc::new(move |request: StreamRequest| -> clawkit_core::EventStream {
        let mut body = payload.clone();
        request
            .options
            .apply_payload_hooks(&mut body, &request.model);
        let headers = request
            .options
            .headers
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        if let Ok(mut seen) = seen.lock() {
            *seen = Some(Seen {
                model: request.model.clone(),
                headers,
                level: request.options.thinking_level,
                payload: body,
            });
        }
        Box::pin(futures::stream::empty())
    })
}

/// Runs `wrap` around the recording transport and renders what it saw in
/// the parity output shape.
pub fn transport(input: &Value, wrap: impl FnOnce(SharedStreamFn) -> SharedStreamFn) -> Value {
    let seen = Arc::new(Mutex::new(None));
    let base = recording(input["payload"].clone(), Arc::clone(&seen));
    let stream_fn = wrap(base);
    let mut request = StreamRequest::new(model_of(input), Context::user("hi"));
    // OpenClaw's `options.reasoning`: the request's own level.
    request.options.thinking_level = input
        .get("options")
        .and_then(|options| options.get("reasoning"))
        .and_then(level_of);
    if let Some(headers) = input.get("headers").and_then(Value::as_object) {
        let headers = headers
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().to_owned()));
        request
            .options
            .headers
            .merge(headers, HeaderPrecedence::DefaultsWin);
    }
    let _events = stream_fn.stream(request);
    let Some(seen) = seen.lock().ok().and_then(|mut seen| seen.take()) else {
        return json!({"error": "the transport was not called"});
    };
    let mut model = input["model"].clone();
    model["id"] = json!(seen.model.id);
    if seen.model.reasoning && input["model"]["reasoning"] != json!(true) {
        model["reasoning"] = json!(true);
    }
    let headers = if seen.headers.is_empty() {
        Value::Null
    } else {
        let map: Map<String, Value> = seen
            .headers
            .into_iter()
            .map(|(name, value)| (name, json!(value)))
            .collect();
        Value::Object(map)
    };
    let mut options = input.get("options").cloned().unwrap_or_else(|| json!({}));
    if let Some(Value::String(level)) = seen.level.map(|level| json!(level)) {
        options["reasoning"] = json!(level);
    }
    json!({"model": model, "headers": headers, "options": options, "payload": seen.payload})
}

/// A `wrapStreamFn` case: the families of `input.families` (or `family`)
/// composed around the transport; `None` for a level clawkit does not have
/// (OpenClaw's `ultra`).
pub fn family_case(family: &str, input: &Value) -> Option<Value> {
    let ctx = input.get("ctx").cloned().unwrap_or_else(|| json!({}));
    let level_value = ctx.get("thinkingLevel");
    let level = level_value.and_then(level_of);
    if level_value.is_some() && level.is_none() {
        return None; // a level clawkit does not have (`ultra`)
    }
    let params = ctx
        .get("extraParams")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let model_id = ctx
        .get("modelId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let names: Vec<String> = match input.get("families").and_then(Value::as_array) {
        Some(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => vec![family.to_owned()],
    };
    let families: Vec<StreamFamily> = names.iter().filter_map(|name| name.parse().ok()).collect();
    Some(transport(input, |base| {
        let wrappers = families.iter().map(|family| {
            let params = &params;
            let model_id = model_id.as_str();
            Some(
                Box::new(move |f| family.wrap_parts(f, model_id, params, level))
                    as StreamWrapperFactory<'_>,
            )
        });
        compose_provider_stream_wrappers(base, wrappers.collect::<Vec<_>>())
    }))
}

/// What clawkit returns for one stream case (its `input` resolved), in the
/// shape of OpenClaw's output; `None` when the example cannot run it.
pub fn run(family: &str, function: &str, input: &Value) -> Option<Result<Value, String>> {
    match function {
        "buildProviderStreamFamilyHooks" => Some(
            family
                .parse::<StreamFamily>()
                .map(|_| json!(["wrapStreamFn"]))
                .map_err(|e| e.to_string()),
        ),
        "wrapStreamFn" => family_case(family, input).map(Ok),
        // OpenClaw's generic wrappers, where 2026.9.6 applies its DeepSeek V4
        // wrapper: the `deepseek-thinking` family here.
        "applyExtraParamsToAgent" if family == "deepseek-thinking" => {
            family_case(family, input).map(Ok)
        }
        _ => None,
    }
}
