//! The replay families: parity with OpenClaw 2026.9.6's own outputs, the
//! families' effect on shared histories (snapshots), and properties.

mod histories;
pub mod openclaw;
mod parity;
mod properties;
