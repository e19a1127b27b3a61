//! The families crate's integration tests (one binary, a module per area).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod replay;
mod tools;
mod usage_compat;
