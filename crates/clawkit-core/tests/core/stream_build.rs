//! Stream construction: prepareExtraParams, createStreamFn or the
//! transport, the generic options layer, then wrapStreamFn around it all.

use std::sync::Arc;

use clawkit_core::{
    Context, CoreErrorKind, EventStream, ExtraParamsContext, HookTrace, ModelApi, ProviderPlugin,
    Runtime, RuntimeModel, SharedStreamFn, StopReason, StreamEvent, StreamFnContext, StreamRequest,
    StreamSetup, WrapStreamFnContext,
};
use futures::StreamExt;
use serde_json::{Map, Value, json};

use crate::{block_on, build, entry};

/// A stream function answering with one text: `name` and the options it saw.
fn answering(name: &'static str) -> SharedStreamFn {
    Arc::new(move |request: StreamRequest| -> EventStream {
        let text = format!(
            "{name} temperature={:?} max_tokens={:?}",
            request.options.temperature, request.options.max_tokens
        );
        Box::pin(futures::stream::iter([
            StreamEvent::TextDelta {
                index: 0,
                text: text.into(),
            },
            StreamEvent::Done {
                reason: StopReason::Stop,
            },
        ]))
    })
}

/// A wrapper that announces itself before the stream it wraps.
fn announcing(inner: SharedStreamFn) -> SharedStreamFn {
    Arc::new(move |request: StreamRequest| -> EventStream {
        let announce = futures::stream::iter([StreamEvent::Raw {
            event: Some("wrapped".into()),
            data: String::new(),
        }]);
        Box::pin(announce.chain(inner.stream(request)))
    })
}

#[derive(Default)]
struct Streaming {
    create: bool,
    wrap: bool,
    prepare_temperature: Option<f64>,
}

impl ProviderPlugin for Streaming {
    fn id(&self) -> &str {
        "acme"
    }
    fn prepare_extra_params(&self, ctx: &ExtraParamsContext) -> Option<Map<String, Value>> {
        let temperature = self.prepare_temperature?;
        let mut params = ctx.extra_params.clone();
        params.insert("temperature".into(), json!(temperature));
        Some(params)
    }
    fn create_stream_fn(&self, _ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        self.create.then(|| answering("created"))
    }
    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        self.wrap.then(|| announcing(ctx.stream_fn.clone()))
    }
}

fn runtime(provider: Streaming) -> Runtime {
    build(Runtime::builder().plugin(entry(provider)))
}

fn model(provider: &str) -> RuntimeModel {
    RuntimeModel::new(
        provider,
        "m1",
        ModelApi::OpenAiCompletions,
        "https://api.acme.test/v1".parse().unwrap(),
    )
}

fn params(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// Runs `stream_fn` once and renders what it yielded.
fn run(stream_fn: &SharedStreamFn, configure: impl FnOnce(&mut StreamRequest)) -> Vec<String> {
    let mut request = StreamRequest::new(model("acme"), Context::user("hi"));
    configure(&mut request);
    block_on(stream_fn.stream(request).collect::<Vec<_>>())
        .into_iter()
        .filter_map(|event| match event {
            StreamEvent::TextDelta { text, .. } => Some(text.into_string()),
            StreamEvent::Raw { event, .. } => event,
            _ => None,
        })
        .collect()
}

#[test]
fn create_stream_fn_replaces_the_transport_and_wrap_stream_fn_wraps_the_result() {
    let runtime = runtime(Streaming {
        create: true,
        wrap: true,
        ..Streaming::default()
    });
    let setup = StreamSetup::new(model("acme"))
        .with_extra_params(params(json!({"temperature": 0.3, "maxTokens": 99})));
    let mut trace = HookTrace::new();
    let built = runtime
        .build_stream_fn(&setup, Some(answering("transport")), Some(&mut trace))
        .unwrap();
    assert_eq!(
        run(&built.stream_fn, |_| {}),
        [
            "wrapped",
            "created temperature=Some(0.3) max_tokens=Some(99)"
        ]
    );
    assert_eq!(
        trace.hooks(),
        ["prepareExtraParams", "createStreamFn", "wrapStreamFn"]
    );
}

#[test]
fn without_create_stream_fn_the_transport_is_used_and_call_options_win_over_params() {
    let runtime = runtime(Streaming::default());
    let setup = StreamSetup::new(model("acme"))
        .with_extra_params(params(json!({"temperature": 0.3, "max_tokens": 99})));
    let built = runtime
        .build_stream_fn(&setup, Some(answering("transport")), None)
        .unwrap();
    assert_eq!(
        run(&built.stream_fn, |request| request.options.temperature =
            Some(0.9)),
        ["transport temperature=Some(0.9) max_tokens=Some(99)"]
    );
}

#[test]
fn prepare_extra_params_output_is_what_the_stream_is_built_with() {
    let runtime = runtime(Streaming {
        prepare_temperature: Some(0.1),
        ..Streaming::default()
    });
    let setup = StreamSetup::new(model("acme")).with_extra_params(params(
        json!({"temperature": 0.7, "parallel_tool_calls": false}),
    ));
    let built = runtime
        .build_stream_fn(&setup, Some(answering("transport")), None)
        .unwrap();
    assert_eq!(
        built.extra_params,
        params(json!({"temperature": 0.1, "parallel_tool_calls": false}))
    );
    assert_eq!(
        run(&built.stream_fn, |_| {}),
        ["transport temperature=Some(0.1) max_tokens=None"]
    );
}

#[test]
fn no_provider_stream_and_no_transport_is_a_typed_error() {
    let runtime = runtime(Streaming::default());
    let error = runtime
        .build_stream_fn(&StreamSetup::new(model("acme")), None, None)
        .unwrap_err();
    assert_eq!(error.kind(), CoreErrorKind::NoTransport);
    assert_eq!(
        error.to_string(),
        "no transport for model \"acme/m1\": api \"openai-completions\" has none built in and the provider does not create one"
    );
}

#[test]
fn a_provider_no_plugin_owns_gets_the_transport_unwrapped() {
    let runtime = runtime(Streaming {
        create: true,
        wrap: true,
        ..Streaming::default()
    });
    let built = runtime
        .build_stream_fn(
            &StreamSetup::new(model("elsewhere")),
            Some(answering("transport")),
            None,
        )
        .unwrap();
    assert_eq!(
        run(&built.stream_fn, |_| {}),
        ["transport temperature=None max_tokens=None"]
    );
}
