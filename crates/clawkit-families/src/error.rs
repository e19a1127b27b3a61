//! The crate's one error type.

/// What can go wrong choosing or applying a family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FamiliesError {
    /// A family name that is not one of the kind's families.
    #[error("unknown {kind} family {name:?}; known: {known}")]
    UnknownFamily {
        /// `replay`, `stream` or `tool-compat`.
        kind: &'static str,
        /// The name given.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
}
