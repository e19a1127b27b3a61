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

/// What can go wrong registering plugins, building catalogs, resolving
/// models and credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A plugin could not be registered.
    #[error("plugin \"{plugin_id}\": {message}")]
    Registration {
        /// The plugin.
        plugin_id: String,
        /// What is wrong.
        message: String,
    },
    /// A text-transform or model pattern is not a valid regular expression.
    #[error("invalid pattern \"{pattern}\": {reason}")]
    InvalidPattern {
        /// The pattern.
        pattern: String,
        /// Why it does not compile.
        reason: String,
    },
    /// A model reference is not `provider/model` and no plugin claims the bare id.
    #[error("cannot resolve model \"{input}\": {reason}")]
    InvalidModelRef {
        /// What was asked for.
        input: String,
        /// Why it cannot be resolved.
        reason: String,
    },
    /// Neither the provider (`createStreamFn`) nor the caller supplied a
    /// stream function for the model's API.
    #[error(
        "no transport for model \"{provider}/{model}\": api \"{api}\" has none built in and the provider does not create one"
    )]
    NoTransport {
        /// The provider.
        provider: String,
        /// The model id.
        model: String,
        /// The model's API.
        api: String,
    },
    /// No plugin owns the provider.
    #[error("unknown provider \"{provider}\"{}", suggestion(.suggestions))]
    UnknownProvider {
        /// The provider asked for.
        provider: String,
        /// Close matches among the registered providers.
        suggestions: Vec<String>,
    },
    /// The provider has no such model, and no hook resolved it.
    #[error("unknown model \"{provider}/{model}\"{}{}", suggestion(.suggestions), hint_suffix(.hint))]
    UnknownModel {
        /// The provider.
        provider: String,
        /// The model id asked for.
        model: String,
        /// Close matches among the provider's models.
        suggestions: Vec<String>,
        /// A hint from the provider, if any.
        hint: Option<String>,
    },
    /// No credential was found for the provider.
    #[error("{message}")]
    MissingAuth {
        /// The provider.
        provider: String,
        /// What to do about it (names the env vars to set).
        message: String,
        /// The env vars that would satisfy it.
        env_vars: Vec<String>,
    },
    /// A plugin hook failed.
    #[error("provider \"{provider}\" hook {hook} failed: {source}")]
    Hook {
        /// The provider whose hook failed.
        provider: String,
        /// The hook (OpenClaw's name).
        hook: &'static str,
        /// The plugin's error.
        #[source]
        source: PluginError,
    },
}

impl CoreError {
    /// The env vars that would fix a [`CoreError::MissingAuth`].
    pub fn env_vars(&self) -> &[String] {
        match self {
            CoreError::MissingAuth { env_vars, .. } => env_vars,
            _ => &[],
        }
    }

    /// The stream error kind for this failure, when it ends a call before
    /// any request was sent: missing credentials are `auth`, everything
    /// else (an unknown model or provider, no transport, a failing hook) is
    /// `invalid_request`.
    pub fn stream_kind(&self) -> crate::ErrorKind {
        match self {
            CoreError::MissingAuth { .. } => crate::ErrorKind::Auth,
            _ => crate::ErrorKind::InvalidRequest,
        }
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

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default()
}
