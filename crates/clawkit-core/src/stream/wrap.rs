//! One-line stream wrappers: [`StreamFnExt`] puts a layer around a
//! [`SharedStreamFn`] (the transport, or what a `wrapStreamFn` hook is
//! given in `ctx.stream_fn`) and returns the wrapped one.
//!
//! ```
//! use clawkit_core::prelude::*;
//!
//! struct Acme;
//!
//! impl ProviderPlugin for Acme {
//!     fn id(&self) -> &str { "acme-ai" }
//!     fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
//!         Some(ctx.stream_fn.clone()
//!             .with_headers([("x-acme-client", "clawkit")], HeaderPrecedence::DefaultsWin)
//!             .patch_payload(|body, _model| body["acme_mode"] = "fast".into()))
//!     }
//! }
//! # let _ = Acme;
//! ```
//!
//! Each call adds a layer outside the previous ones: at call time the last
//! one added runs first. Body patches still run innermost first, so the
//! last `patch_payload` added has the final word (see the module docs of
//! [`stream`](crate::stream)).

use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use serde_json::Value;

use crate::error::PluginError;
use crate::event::{ErrorKind, StreamEvent};
use crate::model::RuntimeModel;

use super::{EventStream, HeaderPrecedence, Headers, SharedStreamFn, StreamFn, StreamRequest};

/// Layers around a stream function, each returning the wrapped one.
pub trait StreamFnExt {
    /// Adds request headers with an explicit precedence: with
    /// [`HeaderPrecedence::DefaultsWin`] these values replace a header of
    /// the same name (compared case-insensitively) already on the request;
    /// with [`HeaderPrecedence::CallerWins`] they fill in only the missing
    /// ones. Either way the request ends with one header per name (see
    /// [`Headers::merge`](crate::Headers::merge)).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use clawkit_core::prelude::*;
    /// # use clawkit_core::{ModelApi, RuntimeModel};
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let record = Arc::clone(&seen);
    /// let transport: SharedStreamFn = Arc::new(move |request: StreamRequest| {
    ///     record.lock().unwrap().extend(request.options.headers.clone());
    ///     futures::stream::empty().boxed()
    /// });
    /// let wrapped = transport.with_headers([("X-Acme", "wrapper")], HeaderPrecedence::DefaultsWin);
    /// # let model = RuntimeModel::new("acme-ai", "m", ModelApi::OpenAiCompletions, "https://a.example".parse().unwrap());
    /// let mut request = StreamRequest::new(model, Context::user("hi"));
    /// request.options.headers.insert("x-acme", "caller");
    /// let _ = wrapped.stream(request);
    /// // One header: the wrapper's value, under the spelling already on the request.
    /// assert_eq!(*seen.lock().unwrap(), [("x-acme".to_owned(), "wrapper".to_owned())]);
    /// # use futures::StreamExt;
    /// ```
    fn with_headers<K, V>(
        self,
        headers: impl IntoIterator<Item = (K, V)>,
        precedence: HeaderPrecedence,
    ) -> SharedStreamFn
    where
        K: Into<String>,
        V: Into<String>;

    /// Patches the request body just before it is sent (after the layers
    /// inside this one patched it).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clawkit_core::prelude::*;
    /// # use clawkit_core::{ModelApi, RuntimeModel};
    /// use serde_json::json;
    ///
    /// let transport: SharedStreamFn = Arc::new(|request: StreamRequest| {
    ///     let mut body = json!({"model": request.model.id});
    ///     request.options.apply_payload_hooks(&mut body, &request.model);
    ///     assert_eq!(body, json!({"model": "m", "store": false}));
    ///     futures::stream::empty().boxed()
    /// });
    /// let wrapped = transport.patch_payload(|body, _model| body["store"] = false.into());
    /// # let model = RuntimeModel::new("acme-ai", "m", ModelApi::OpenAiCompletions, "https://a.example".parse().unwrap());
    /// let _ = wrapped.stream(StreamRequest::new(model, Context::user("hi")));
    /// # use futures::StreamExt;
    /// ```
    fn patch_payload(
        self,
        patch: impl Fn(&mut Value, &RuntimeModel) + Send + Sync + 'static,
    ) -> SharedStreamFn;

    /// Changes the request (model, conversation, options) before it goes in.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clawkit_core::prelude::*;
    /// # use clawkit_core::{ModelApi, RuntimeModel};
    ///
    /// let transport: SharedStreamFn = Arc::new(|request: StreamRequest| {
    ///     assert_eq!(request.options.max_tokens, Some(1_024));
    ///     futures::stream::empty().boxed()
    /// });
    /// let capped = transport.map_request(|mut request| {
    ///     request.options.max_tokens = Some(request.options.max_tokens.unwrap_or(1_024).min(1_024));
    ///     request
    /// });
    /// # let model = RuntimeModel::new("acme-ai", "m", ModelApi::OpenAiCompletions, "https://a.example".parse().unwrap());
    /// let _ = capped.stream(StreamRequest::new(model, Context::user("hi")));
    /// # use futures::StreamExt;
    /// ```
    fn map_request(
        self,
        map: impl Fn(StreamRequest) -> StreamRequest + Send + Sync + 'static,
    ) -> SharedStreamFn;

    /// Runs async set-up (fetch a token, warm a session) before handing the
    /// request in. A failed set-up ends the stream with one
    /// `invalid_request` error carrying its message; nothing is sent.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use clawkit_core::prelude::*;
    /// # use clawkit_core::{ModelApi, RuntimeModel};
    /// use futures::StreamExt;
    ///
    /// let transport: SharedStreamFn = Arc::new(|request: StreamRequest| {
    ///     let token = request.options.headers.get("x-session").unwrap_or_default().to_owned();
    ///     futures::stream::iter([StreamEvent::TextDelta { index: 0, text: token.into() }]).boxed()
    /// });
    /// let with_session = transport.before(|mut request| async move {
    ///     let token = "sess-1".to_owned(); // e.g. from an async token endpoint
    ///     request.options.headers.insert("x-session", token);
    ///     Ok(request)
    /// });
    /// # let model = RuntimeModel::new("acme-ai", "m", ModelApi::OpenAiCompletions, "https://a.example".parse().unwrap());
    /// let events: Vec<StreamEvent> =
    ///     futures::executor::block_on(with_session.stream(StreamRequest::new(model, Context::user("hi"))).collect());
    /// assert_eq!(events, [StreamEvent::TextDelta { index: 0, text: "sess-1".into() }]);
    /// ```
    fn before<F, Fut>(self, setup: F) -> SharedStreamFn
    where
        F: Fn(StreamRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<StreamRequest, PluginError>> + Send + 'static;
}

impl StreamFnExt for SharedStreamFn {
    fn with_headers<K, V>(
        self,
        headers: impl IntoIterator<Item = (K, V)>,
        precedence: HeaderPrecedence,
    ) -> SharedStreamFn
    where
        K: Into<String>,
        V: Into<String>,
    {
        let headers = headers.into_iter().collect();
        Arc::new(WithHeaders {
            inner: self,
            headers,
            precedence,
        })
    }

    fn patch_payload(
        self,
        patch: impl Fn(&mut Value, &RuntimeModel) + Send + Sync + 'static,
    ) -> SharedStreamFn {
        let patch: crate::stream::PayloadPatch = Arc::new(patch);
        Arc::new(MapRequest {
            inner: self,
            map: move |mut request: StreamRequest| {
                let patch = Arc::clone(&patch);
                request
                    .options
                    .patch_payload(move |body, model| patch(body, model));
                request
            },
            label: "patch_payload",
        })
    }

    fn map_request(
        self,
        map: impl Fn(StreamRequest) -> StreamRequest + Send + Sync + 'static,
    ) -> SharedStreamFn {
        Arc::new(MapRequest {
            inner: self,
            map,
            label: "map_request",
        })
    }

    fn before<F, Fut>(self, setup: F) -> SharedStreamFn
    where
        F: Fn(StreamRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<StreamRequest, PluginError>> + Send + 'static,
    {
        Arc::new(Before { inner: self, setup })
    }
}

/// [`StreamFnExt::with_headers`].
struct WithHeaders {
    inner: SharedStreamFn,
    headers: Headers,
    precedence: HeaderPrecedence,
}

impl StreamFn for WithHeaders {
    fn stream(&self, mut request: StreamRequest) -> EventStream {
        request
            .options
            .headers
            .merge(&self.headers, self.precedence);
        self.inner.stream(request)
    }

    fn layers(&self) -> Vec<String> {
        let precedence = match self.precedence {
            HeaderPrecedence::CallerWins => "caller wins",
            _ => "defaults win",
        };
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if is_secret_header(name) {
                    crate::secret::REDACTED
                } else {
                    value
                };
                format!("{name}: {value}")
            })
            .collect();
        let mut layers = vec![format!("headers {} ({precedence})", headers.join(", "))];
        layers.extend(self.inner.layers());
        layers
    }
}

/// Whether a header's value may be a credential, so that the trace shows
/// `[redacted]` instead: any name holding `auth`, `key`, `token`, `secret`,
/// `cookie`, `signature` or `session`.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "auth",
        "key",
        "token",
        "secret",
        "cookie",
        "signature",
        "session",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// [`StreamFnExt::map_request`] (and `patch_payload`).
struct MapRequest<M> {
    inner: SharedStreamFn,
    map: M,
    label: &'static str,
}

impl<M> StreamFn for MapRequest<M>
where
    M: Fn(StreamRequest) -> StreamRequest + Send + Sync,
{
    fn stream(&self, request: StreamRequest) -> EventStream {
        self.inner.stream((self.map)(request))
    }

    fn layers(&self) -> Vec<String> {
        let mut layers = vec![self.label.to_owned()];
        layers.extend(self.inner.layers());
        layers
    }
}

/// [`StreamFnExt::before`].
struct Before<F> {
    inner: SharedStreamFn,
    setup: F,
}

impl<F, Fut> StreamFn for Before<F>
where
    F: Fn(StreamRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Result<StreamRequest, PluginError>> + Send + 'static,
{
    fn stream(&self, request: StreamRequest) -> EventStream {
        let ready = (self.setup)(request);
        let inner = Arc::clone(&self.inner);
        let events = futures::stream::once(async move {
            match ready.await {
                Ok(request) => inner.stream(request),
                Err(error) => {
                    let failed = StreamEvent::Error {
                        kind: ErrorKind::InvalidRequest,
                        message: format!("stream set-up failed: {error}"),
                        failover: None,
                    };
                    futures::stream::iter([failed]).boxed()
                }
            }
        })
        .flatten();
        Box::pin(events)
    }

    fn layers(&self) -> Vec<String> {
        let mut layers = vec!["before".to_owned()];
        layers.extend(self.inner.layers());
        layers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Context;
    use crate::model::ModelApi;

    fn model() -> RuntimeModel {
        RuntimeModel::new(
            "p",
            "m",
            ModelApi::OpenAiCompletions,
            "https://a.example".parse().unwrap(),
        )
    }

    #[test]
    fn layers_describe_themselves_outermost_first_without_secret_values() {
        let transport: SharedStreamFn =
            Arc::new(|_: StreamRequest| -> EventStream { futures::stream::empty().boxed() });
        assert!(transport.layers().is_empty(), "a closure says nothing");
        let wrapped = transport
            .with_headers(
                [("x-zeta-client", "clawkit"), ("X-Api-Key", "sk-secret")],
                HeaderPrecedence::DefaultsWin,
            )
            .patch_payload(|_, _| {})
            .map_request(|request| request)
            .before(|request| async move { Ok(request) })
            .with_headers([("x-team", "sdk")], HeaderPrecedence::CallerWins);
        assert_eq!(
            wrapped.layers(),
            [
                "headers x-team: sdk (caller wins)",
                "before",
                "map_request",
                "patch_payload",
                "headers X-Api-Key: [redacted], x-zeta-client: clawkit (defaults win)",
            ]
        );
    }

    #[test]
    fn layers_run_last_added_first_and_the_last_patch_wins() {
        let transport: SharedStreamFn = Arc::new(|request: StreamRequest| {
            let mut body = serde_json::json!({});
            request
                .options
                .apply_payload_hooks(&mut body, &request.model);
            futures::stream::iter([StreamEvent::TextDelta {
                index: 0,
                text: body["who"].as_str().unwrap_or_default().into(),
            }])
            .boxed()
        });
        let wrapped = transport
            .patch_payload(|body, _| body["who"] = "inner".into())
            .patch_payload(|body, _| body["who"] = "outer".into());
        let events: Vec<StreamEvent> = futures::executor::block_on(
            wrapped
                .stream(StreamRequest::new(model(), Context::user("hi")))
                .collect(),
        );
        assert_eq!(
            events,
            [StreamEvent::TextDelta {
                index: 0,
                text: "outer".into()
            }]
        );
    }

    #[test]
    fn a_failed_set_up_ends_the_stream_with_one_error_and_sends_nothing() {
        let sent = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&sent);
        let transport: SharedStreamFn = Arc::new(move |_request: StreamRequest| {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            futures::stream::empty().boxed()
        });
        let wrapped =
            transport.before(|_request| async { Err(PluginError::new("token endpoint down")) });
        let events: Vec<StreamEvent> = futures::executor::block_on(
            wrapped
                .stream(StreamRequest::new(model(), Context::user("hi")))
                .collect(),
        );
        assert!(matches!(
            events.as_slice(),
            [StreamEvent::Error { kind: ErrorKind::InvalidRequest, message, .. }]
                if message == "stream set-up failed: token endpoint down"
        ));
        assert!(!sent.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn caller_wins_fills_only_missing_headers() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let transport: SharedStreamFn = Arc::new(move |request: StreamRequest| {
            if let Ok(mut seen) = record.lock() {
                seen.extend(request.options.headers.clone());
            }
            futures::stream::empty().boxed()
        });
        let wrapped = transport.with_headers(
            [("X-Acme", "wrapper"), ("X-New", "1")],
            HeaderPrecedence::CallerWins,
        );
        let mut request = StreamRequest::new(model(), Context::user("hi"));
        request.options.headers.insert("x-acme", "caller");
        let _ = wrapped.stream(request);
        assert_eq!(
            *seen.lock().unwrap(),
            [
                ("x-acme".to_owned(), "caller".to_owned()),
                ("X-New".to_owned(), "1".to_owned())
            ]
        );
    }

    #[test]
    fn a_wrapper_header_in_another_case_replaces_the_one_there() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let transport: SharedStreamFn = Arc::new(move |request: StreamRequest| {
            if let Ok(mut seen) = record.lock() {
                seen.push(request.options.headers.clone());
            }
            futures::stream::empty().boxed()
        });
        let outer = |request: StreamRequest| {
            let mut request = request;
            request
                .options
                .headers
                .insert("authorization", "Bearer outer");
            request
        };
        // The inner layer sets `Authorization`; the outer one, running
        // first, `authorization`. One header reaches the transport, under
        // the first spelling, with the value the later write or the
        // precedence picks.
        let direct = Arc::clone(&transport)
            .map_request(|mut request| {
                request
                    .options
                    .headers
                    .insert("Authorization", "Bearer inner");
                request
            })
            .map_request(outer);
        let defaults_win = Arc::clone(&transport)
            .with_headers(
                [("Authorization", "Bearer inner")],
                HeaderPrecedence::DefaultsWin,
            )
            .map_request(outer);
        let caller_wins = transport
            .with_headers(
                [("Authorization", "Bearer inner")],
                HeaderPrecedence::CallerWins,
            )
            .map_request(outer);
        for wrapped in [direct, defaults_win, caller_wins] {
            let _ = wrapped.stream(StreamRequest::new(model(), Context::user("hi")));
        }
        let seen: Vec<Vec<(String, String)>> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|headers| {
                headers
                    .iter()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect()
            })
            .collect();
        let one = |value: &str| vec![("authorization".to_owned(), value.to_owned())];
        assert_eq!(
            seen,
            [
                one("Bearer inner"),
                one("Bearer inner"),
                one("Bearer outer")
            ]
        );
    }
}
