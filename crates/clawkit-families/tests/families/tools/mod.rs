//! Tool-compat families: OpenClaw parity, snapshots over realistic schemas,
//! properties, depth, and the hooks.

mod deep;
mod hooks;
mod parity;
mod props;
mod snapshots;
