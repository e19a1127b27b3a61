//! API keys and other secrets: never printed, never serialized.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret looks like wherever it would otherwise be shown.
pub const REDACTED: &str = "[redacted]";

/// An API key or token.
///
/// `Debug` prints `ApiKey([redacted])`, there is no `Display`, and
/// serialization writes `"[redacted]"`, so a key cannot leak into a log line,
/// an error, a hook trace or a snapshot by accident. Read it with
/// [`ApiKey::expose`] at the one place that sends it.
///
/// ```
/// use clawkit_core::ApiKey;
///
/// let key = ApiKey::new("sk-live-123");
/// assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
/// assert_eq!(serde_json::to_string(&key).unwrap(), "\"[redacted]\"");
/// assert_eq!(key.expose(), "sk-live-123");
/// ```
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        ApiKey(SecretString::from(value.into()))
    }

    /// The secret itself, for the request that needs it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the value is empty after trimming.
    pub fn is_blank(&self) -> bool {
        self.expose().trim().is_empty()
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for ApiKey {}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({REDACTED})")
    }
}

impl Serialize for ApiKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for ApiKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(ApiKey::new)
    }
}

impl From<&str> for ApiKey {
    fn from(value: &str) -> Self {
        ApiKey::new(value)
    }
}

impl From<String> for ApiKey {
    fn from(value: String) -> Self {
        ApiKey::new(value)
    }
}
