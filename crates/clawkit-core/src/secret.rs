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

    /// A hash of the value, to key in-memory caches by credential without
    /// holding the secret in the key. Never printed or stored.
    pub(crate) fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.expose().hash(&mut hasher);
        hasher.finish()
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

/// Header maps a provider hands over may carry credentials
/// (`Authorization`, `x-api-key`, …): in serialized output (the hook
/// trace) and Debug output they appear as names with `[redacted]` values.
pub(crate) mod headers {
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::Serializer;
    use serde::ser::SerializeMap;

    use super::REDACTED;

    /// `serialize_with` for a header map: names kept, values redacted.
    pub(crate) fn serialize<S: Serializer>(
        headers: &BTreeMap<String, String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(headers.len()))?;
        for name in headers.keys() {
            map.serialize_entry(name, REDACTED)?;
        }
        map.end()
    }

    /// A header map for Debug output: names only.
    pub(crate) struct Names<'a>(pub(crate) &'a BTreeMap<String, String>);

    impl fmt::Debug for Names<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_list().entries(self.0.keys()).finish()
        }
    }
}
