//! An OpenAI-compatible gateway in front of every provider of a clawkit
//! [`Runtime`](clawkit_core::Runtime): the server behind `clawkit serve`.
//!
//! - `POST /v1/chat/completions`, streaming (`"stream": true`, server-sent
//!   `chat.completion.chunk`s then `data: [DONE]`) or not (one
//!   `chat.completion`). The `model` is `provider/model`; each request is
//!   one turn through the whole pipeline
//!   ([`Runtime::stream`](clawkit_core::Runtime::stream)): resolution,
//!   auth, the system-prompt, history, tools and text hooks, the stream
//!   wrappers and families of the provider.
//! - `GET /v1/models`: the runtime's catalog rows, `provider/model`.
//!
//! Errors come in OpenAI's shape, `{"error": {"message", "type", "param",
//! "code"}}`: an upstream error keeps the upstream's status (a 429 stays a
//! 429) and its request id (`x-request-id`), a malformed request is a 400
//! naming the JSON pointer, an unknown model a 404 `model_not_found`, a
//! missing key a 401 naming the env var to set. An error after a stream
//! started is its last event, `data: {"error": {…}}`, with no `[DONE]`
//! after it. [`GatewayLimits`] bound the body size, the turns running at
//! once and their duration; a client that leaves cancels its upstream
//! request. `docs/serve.md` has the whole contract.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use clawkit_core::{Env, Runtime};
//! use clawkit_http::{BuiltinTransports, HttpClient};
//! use clawkit_server::{Gateway, GatewayLimits, Server};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut runtime = Runtime::builder()
//!     .env(Env::from_process()) // OPENAI_API_KEY, ANTHROPIC_API_KEY, …
//!     .transports(BuiltinTransports::new(HttpClient::new()?));
//! for plugin in clawkit_providers::builtin_plugins()? {
//!     runtime = runtime.plugin(plugin);
//! }
//! let gateway = Gateway::new(Arc::new(runtime.build()?))
//!     .with_limits(GatewayLimits::default().with_request_timeout(Duration::from_secs(300)))
//!     .on_request(|log| eprintln!("{log}"));
//! let server = Server::bind(&gateway, "127.0.0.1:8787").await?;
//! println!("listening on http://{}", server.local_addr());
//! // Any OpenAI client now works against http://127.0.0.1:8787/v1, e.g.
//! // model "anthropic/claude-sonnet-4-5".
//! tokio::signal::ctrl_c().await?;
//! server.shutdown(Duration::from_secs(10)).await?;
//! # Ok(())
//! # }
//! ```
//!
//! [`Gateway::router`] gives the routes as an [`axum::Router`] to mount in
//! a server of your own.

mod api_error;
mod error;
mod gateway;
mod limits;
pub mod openai;
mod server;

pub use error::Error;
pub use gateway::{Gateway, RequestLog};
pub use limits::GatewayLimits;
pub use server::Server;

/// The guide `docs/serve.md`, compiled as doctests so its example keeps
/// working.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/serve.md")]
pub struct ServeGuide;
