//! The end-to-end demo, on one machine, with no model and no credentials:
//! the reference orchestrator starts on 127.0.0.1, and a short multi-role
//! conversation runs through the whole clawkit pipeline and the `custom`
//! provider — streamed answers with their Claw3D events, a contracted
//! completion, and a worker that fails (see `custom_runtime::demo`).
//!
//! ```sh
//! cargo run -p custom-runtime --example demo
//! ```

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    custom_runtime::demo::run(&mut std::io::stdout()).await
}
