//! Errors stage: what `matchesContextOverflowError` and `classifyFailoverReason` are given.

/// A failed request, for `matchesContextOverflowError` and `classifyFailoverReason`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorContext {
    /// The provider, when known.
    pub provider: Option<String>,
    /// The model, when known.
    pub model_id: Option<String>,
    /// The error message.
    pub error_message: String,
    /// HTTP status.
    pub status: Option<u16>,
    /// Provider error code.
    pub code: Option<String>,
    /// Provider error type.
    pub error_type: Option<String>,
}

impl ErrorContext {
    /// An error message, optionally scoped to a provider.
    pub fn new(provider: Option<&str>, message: impl Into<String>) -> Self {
        ErrorContext {
            provider: provider.map(str::to_owned),
            error_message: message.into(),
            ..ErrorContext::default()
        }
    }
}
