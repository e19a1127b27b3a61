//! A snapshot of environment variables, passed to hooks instead of reading
//! the process environment, so that runs are reproducible and testable.

use std::collections::BTreeMap;
use std::fmt;

use crate::secret::ApiKey;

/// Environment variables. Values are treated as secrets: `Debug` shows the
/// names only.
///
/// ```
/// use clawkit_core::Env;
///
/// let env = Env::new().with("ACME_AI_API_KEY", "sk-test");
/// assert_eq!(env.get("ACME_AI_API_KEY").unwrap().expose(), "sk-test");
/// assert!(format!("{env:?}").contains("ACME_AI_API_KEY"));
/// assert!(!format!("{env:?}").contains("sk-test"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, ApiKey>,
}

impl Env {
    /// No variables (what static catalogs get).
    pub fn new() -> Self {
        Env::default()
    }

    /// The current process environment (variables that are valid UTF-8).
    pub fn from_process() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| {
                    Some((k.into_string().ok()?, ApiKey::new(v.into_string().ok()?)))
                })
                .collect(),
        }
    }

    /// Adds or replaces a variable.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// Adds or replaces a variable.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), ApiKey::new(value.into()));
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&ApiKey> {
        self.vars.get(name)
    }

    /// The value of `name` if it is set and not blank.
    pub fn non_empty(&self, name: &str) -> Option<&ApiKey> {
        self.get(name).filter(|v| !v.is_blank())
    }

    /// The variable names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}
