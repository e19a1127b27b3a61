//! The Claw3D `custom` provider, written with clawkit: a custom
//! orchestration runtime behind Claw3D's stable `custom` seam.
//!
//! The runtime is reached at its boundary only (`/v1/chat/completions`,
//! `/v1/completions`, `/v1/contracted-completions`, `/health`, `/state`,
//! `/registry`); what it says there becomes office identities
//! ([`office`]), a conservative capability profile ([`metadata`]), Claw3D
//! runtime events beside the answer ([`events`]) and sessions that survive
//! a restart ([`sessions`]).
//!
//! [`orchestrator`] is the other half: a reference runtime serving that
//! boundary, with roles and lanes routed to clawkit models or to scripted
//! workers that need no model and no key.

pub mod boundary;
mod chat;
pub mod client;
pub mod demo;
pub mod error;
pub mod events;
pub mod metadata;
pub mod office;
pub mod orchestrator;
pub mod provider;
pub mod sessions;

pub use error::CustomRuntimeError;
pub use provider::{CustomRuntimeOptions, plugin, plugin_with};
