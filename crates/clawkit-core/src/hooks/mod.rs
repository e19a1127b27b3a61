//! What each hook is given and what it may return, one file per stage of
//! the pipeline, and the stage table ([`PROVIDER_HOOKS`]).
//!
//! Contexts are plain structs with public fields and a `new` for the fields
//! a test needs, so a hook can be called directly in a unit test, as
//! OpenClaw's guide does. Returned types serialize (secrets redacted) so
//! that the hook trace can record them.

mod auth;
mod capabilities;
mod catalog;
mod config;
mod failure;
mod replay;
mod request;
mod resolve;
mod stream;
mod system_prompt;
mod table;
mod thinking;
mod tools;
mod usage;

pub use self::auth::*;
pub use self::capabilities::*;
pub use self::catalog::*;
pub use self::config::*;
pub use self::failure::*;
pub use self::replay::*;
pub use self::request::*;
pub use self::resolve::*;
pub use self::stream::*;
pub use self::system_prompt::*;
pub(crate) use self::table::provider_hooks;
pub use self::table::{HookInfo, HookStage, PROVIDER_HOOKS};
pub use self::thinking::*;
pub use self::tools::*;
pub use self::usage::*;
pub use crate::auth::{AuthCredential, CredentialKind, OAuthCredential};
pub use crate::catalog::{CatalogEntry, CatalogOrder};
