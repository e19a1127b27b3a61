//! The reference orchestrator over real HTTP: each test starts one on
//! 127.0.0.1 port 0 and talks to it with a plain reqwest client (and, in
//! `claw3d`, with Claw3D's own client under Node when there is one).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod binary;
mod claw3d;
mod completions;
mod contracted;
mod documents;
mod failures;
mod model;
mod sessions;
