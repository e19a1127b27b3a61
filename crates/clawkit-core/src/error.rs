//! The crate's errors: [`CoreError`] for the pipeline, [`PluginError`] for
//! what a plugin's own hook reports.

use std::fmt;

/// An error a plugin hook returns (a failed discovery call, a rejected token
/// exchange, …). Its message must not contain secrets.
#[derive(Debug)]
pub struct PluginError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl PluginError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        PluginError {
            message: message.into(),
            source: None,
        }
    }

    /// An error with a message and the error that caused it.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        PluginError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PluginError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<url::ParseError> for PluginError {
    fn from(error: url::ParseError) -> Self {
        PluginError::with_source(format!("invalid URL: {error}"), error)
    }
}

/// What kind of failure a [`CoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoreErrorKind {
    /// A text-transform or model pattern is not a valid regular expression.
    InvalidPattern,
    /// A model reference is not `provider/model` and no plugin claims the bare id.
    InvalidModelRef,
    /// Neither the provider (`createStreamFn`) nor the caller supplied a
    /// stream function for the model's API.
    NoTransport,
    /// No plugin owns the provider.
    UnknownProvider,
    /// The provider has no such model, and no hook resolved it.
    UnknownModel,
    /// No credential was found for the provider.
    MissingAuth,
    /// A plugin hook failed; [`source`](std::error::Error::source) is the
    /// plugin's [`PluginError`].
    Hook,
}

/// What can go wrong registering plugins, building catalogs, resolving
/// models and credentials.
///
/// Opaque: ask [`kind`](CoreError::kind) what happened and the accessors
/// for the details. The message names only this level; a failing hook's
/// own error is the [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct CoreError {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: CoreErrorKind,
    message: String,
    provider: Option<String>,
    model: Option<String>,
    hook: Option<&'static str>,
    env_vars: Vec<String>,
    suggestions: Vec<String>,
    source: Option<PluginError>,
}

impl CoreError {
    fn new(kind: CoreErrorKind, message: String) -> Self {
        CoreError {
            inner: Box::new(Inner {
                kind,
                message,
                provider: None,
                model: None,
                hook: None,
                env_vars: Vec::new(),
                suggestions: Vec::new(),
                source: None,
            }),
        }
    }

    fn with_provider(mut self, provider: &str) -> Self {
        self.inner.provider = Some(provider.to_owned());
        self
    }

    fn with_model(mut self, model: &str) -> Self {
        self.inner.model = Some(model.to_owned());
        self
    }

    /// `invalid pattern "<pattern>": <reason>`.
    pub(crate) fn invalid_pattern(pattern: &str, reason: impl fmt::Display) -> Self {
        CoreError::new(
            CoreErrorKind::InvalidPattern,
            format!("invalid pattern \"{pattern}\": {reason}"),
        )
    }

    /// `cannot resolve model "<input>": <reason>`.
    pub(crate) fn invalid_model_ref(input: &str, reason: &str) -> Self {
        CoreError::new(
            CoreErrorKind::InvalidModelRef,
            format!("cannot resolve model \"{input}\": {reason}"),
        )
    }

    /// No stream function for the model's API.
    pub(crate) fn no_transport(provider: &str, model: &str, api: &str) -> Self {
        CoreError::new(
            CoreErrorKind::NoTransport,
            format!(
                "no transport for model \"{provider}/{model}\": api \"{api}\" has none built in and the provider does not create one"
            ),
        )
        .with_provider(provider)
        .with_model(model)
    }

    /// No plugin owns `provider`; `suggestions` are close matches.
    pub(crate) fn unknown_provider(provider: &str, suggestions: Vec<String>) -> Self {
        let mut error = CoreError::new(
            CoreErrorKind::UnknownProvider,
            format!(
                "unknown provider \"{provider}\"{}",
                suggestion(&suggestions)
            ),
        )
        .with_provider(provider);
        error.inner.suggestions = suggestions;
        error
    }

    /// `provider` has no `model`; `hint` is the provider's, if any.
    pub(crate) fn unknown_model(
        provider: &str,
        model: &str,
        suggestions: Vec<String>,
        hint: Option<String>,
    ) -> Self {
        let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
        let mut error = CoreError::new(
            CoreErrorKind::UnknownModel,
            format!(
                "unknown model \"{provider}/{model}\"{}{hint}",
                suggestion(&suggestions)
            ),
        )
        .with_provider(provider)
        .with_model(model);
        error.inner.suggestions = suggestions;
        error
    }

    /// No credential for `provider`; `message` says what to do.
    pub(crate) fn missing_auth(provider: &str, message: String, env_vars: Vec<String>) -> Self {
        let mut error = CoreError::new(CoreErrorKind::MissingAuth, message).with_provider(provider);
        error.inner.env_vars = env_vars;
        error
    }

    /// `hook` of `provider` returned `source`.
    pub(crate) fn hook_failed(provider: &str, hook: &'static str, source: PluginError) -> Self {
        let mut error = CoreError::new(
            CoreErrorKind::Hook,
            format!("provider \"{provider}\" hook {hook} failed"),
        )
        .with_provider(provider);
        error.inner.hook = Some(hook);
        error.inner.source = Some(source);
        error
    }

    /// What happened.
    pub fn kind(&self) -> CoreErrorKind {
        self.inner.kind
    }

    /// The provider concerned, when there is one.
    pub fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }

    /// The model id concerned (unknown model, no transport).
    pub fn model(&self) -> Option<&str> {
        self.inner.model.as_deref()
    }

    /// The failing hook, by OpenClaw's name (`prepareDynamicModel`).
    pub fn hook(&self) -> Option<&'static str> {
        self.inner.hook
    }

    /// The env vars that would fix a missing credential.
    pub fn env_vars(&self) -> &[String] {
        &self.inner.env_vars
    }

    /// Close matches of an unknown provider or model.
    pub fn suggestions(&self) -> &[String] {
        &self.inner.suggestions
    }

    /// The stream error kind for this failure, when it ends a call before
    /// any request was sent: missing credentials are `auth`, everything
    /// else (an unknown model or provider, no transport, a failing hook) is
    /// `invalid_request`.
    pub fn stream_kind(&self) -> crate::ErrorKind {
        match self.inner.kind {
            CoreErrorKind::MissingAuth => crate::ErrorKind::Auth,
            _ => crate::ErrorKind::InvalidRequest,
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for CoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

fn suggestion(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean \"{one}\"?)"),
        many => format!(
            " (did you mean one of {}?)",
            many.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
