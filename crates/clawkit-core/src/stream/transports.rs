//! [`Transports`]: where the runtime finds the built-in stream function of
//! an API when the provider does not create its own.

use crate::model::ModelApi;

use super::SharedStreamFn;

/// Supplies the stream function for an API; `clawkit_http` implements it for the built-in four.
pub trait Transports: Send + Sync {
    /// The transport for `api`, if this set has one.
    fn transport_for(&self, api: &ModelApi) -> Option<SharedStreamFn>;
}
