//! The end-to-end demo behind `cargo run -p custom-runtime --example demo`
//! (the README's first command), on one machine, with no model and no
//! credentials: the reference orchestrator starts on 127.0.0.1, and a short
//! multi-role conversation runs through the whole clawkit pipeline and the
//! `custom` provider — streamed answers with their Claw3D events, a
//! contracted completion, and a worker that fails.

use std::error::Error;
use std::io::Write;

use crate::CustomRuntimeOptions;
use crate::client::{ContractRequest, RuntimeClient, runtime_url};
use crate::orchestrator::{Orchestrator, OrchestratorConfig};
use clawkit_core::{Env, Runtime, StreamEvent, TurnRequest};
use clawkit_http::{BuiltinTransports, HttpClient};
use futures::StreamExt;
use serde_json::{Value, json};

/// Runs the demo, writing what happens to `out`: the orchestrator starts on
/// 127.0.0.1 (port 0) and stops at the end. Needs a tokio runtime with I/O
/// and time enabled.
pub async fn run(out: &mut (dyn Write + Send)) -> Result<(), Box<dyn Error>> {
    // 1. The reference orchestrator: roles main, coder and reviewer, each
    //    answered by a scripted worker.
    let orchestrator = Orchestrator::new(OrchestratorConfig::demo())?;
    let server = orchestrator.serve(tokio::net::TcpListener::bind("127.0.0.1:0").await?)?;
    let url = server.url();
    writeln!(out, "reference orchestrator listening on {url}")?;

    // 2. What the `custom` provider makes of it.
    let client = RuntimeClient::new(runtime_url(&url, None)?, None)?;
    let described = client.describe().await;
    let office: Vec<String> = described
        .identities
        .iter()
        .map(|agent| match &agent.lane {
            Some(lane) => format!("{} ({lane})", agent.name),
            None => agent.name.clone(),
        })
        .collect();
    let capabilities: Vec<&str> = described.capabilities.iter().map(|c| c.as_str()).collect();
    writeln!(
        out,
        "runtime: {} {} by {}",
        described.metadata.runtime_name,
        described.metadata.runtime_version.as_deref().unwrap_or("?"),
        described.metadata.vendor.as_deref().unwrap_or("?")
    )?;
    writeln!(out, "office: {}", office.join(", "))?;
    writeln!(out, "capabilities: {}", capabilities.join(", "))?;

    // 3. The clawkit runtime with the `custom` provider pointed at it.
    let sessions =
        std::env::temp_dir().join(format!("clawkit-demo-sessions-{}", std::process::id()));
    let runtime = Runtime::builder()
        .env(Env::new().with("CUSTOM_RUNTIME_URL", url.as_str()))
        .transports(BuiltinTransports::new(HttpClient::new()?))
        .plugin(crate::plugin_with(
            CustomRuntimeOptions::default().session_dir(&sessions),
        )?)
        .build()?;

    // 4. A short conversation across the office.
    turn(&runtime, out, "main", "Plan the release of clawkit 0.2").await?;
    turn(&runtime, out, "coder", "Implement the release checklist").await?;

    // 5. A contracted completion: the reviewer's verdict must be JSON that
    //    satisfies the caller's schema.
    let contract = json!({"type": "object", "required": ["verdict", "notes"],
        "properties": {"verdict": {"enum": ["approve", "reject"]},
                       "notes": {"type": "array", "items": {"type": "string"}}}});
    let request = ContractRequest::new("Review the checklist", contract.clone())
        .role("reviewer")
        .session_id("agent:reviewer:main");
    let answer = client.contracted_completion(&request).await?;
    writeln!(out, "\n[reviewer] contracted answer: {}", answer.output)?;
    let breach =
        ContractRequest::new(r#"Say {"verdict": "maybe", "notes": []}"#, contract).role("reviewer");
    match client.contracted_completion(&breach).await {
        Err(error) => writeln!(out, "[reviewer] a breach of contract is refused: {error}"),
        Ok(answer) => writeln!(out, "[reviewer] unexpected: {}", answer.output),
    }?;

    // 6. The reviewer's worker fails: the office sees it degraded, and the
    //    turn fails naming the status and the runtime's health.
    orchestrator.mark_failing("scripted-reviewer", "maintenance")?;
    writeln!(out, "\n(the reviewer's worker is marked failing)")?;
    let failed = turn(&runtime, out, "reviewer", "Review the checklist again").await;
    if let Err(error) = failed {
        writeln!(out, "[reviewer] failed as expected: {error}")?;
    }
    orchestrator.mark_healthy("scripted-reviewer")?;

    server.shutdown().await?;
    let _ = std::fs::remove_dir_all(&sessions);
    writeln!(out, "\ndone: the orchestrator stopped")?;
    Ok(())
}

/// One turn for `role`, printing the answer as it streams and each Claw3D
/// event on its own line.
async fn turn(
    runtime: &Runtime,
    out: &mut (dyn Write + Send),
    role: &str,
    prompt: &str,
) -> Result<(), Box<dyn Error>> {
    writeln!(out, "\n[{role}] > {prompt}")?;
    let request =
        TurnRequest::prompt("custom/demo", prompt).session_id(format!("agent:{role}:main"));
    let mut events = runtime.stream(request).await?.into_events();
    let mut at_line_start = true;
    let mut deltas = 0;
    while let Some(event) = events.next().await {
        match event {
            StreamEvent::TextDelta { text, .. } => {
                if at_line_start {
                    write!(out, "[{role}] ")?;
                }
                write!(out, "{text}")?;
                at_line_start = false;
            }
            // The text above is what these carry; count them instead.
            StreamEvent::RuntimeEvent { event, .. } if event == "chat.delta" => deltas += 1,
            StreamEvent::RuntimeEvent { event, fields } => {
                if event == "chat.final" {
                    writeln!(out)?;
                    at_line_start = true;
                    writeln!(out, "    event chat.delta ×{deltas}")?;
                }
                if !at_line_start {
                    writeln!(out)?;
                    at_line_start = true;
                }
                writeln!(out, "    event {event}{}", summary(&event, &fields))?;
            }
            StreamEvent::Error { message, .. } => return Err(message.into()),
            _ => {}
        }
        out.flush()?;
    }
    Ok(())
}

/// The few fields worth showing for an event.
fn summary(event: &str, fields: &serde_json::Map<String, Value>) -> String {
    let field = |key: &str| fields.get(key).and_then(Value::as_str).unwrap_or_default();
    let route = fields.get("route").cloned().unwrap_or(Value::Null);
    match event {
        "presence.changed" => format!(
            ": {} is {} ({})",
            field("agentId"),
            field("status"),
            field("reason")
        ),
        "run.lifecycle" => format!(": {}", field("phase")),
        "chat.final" => format!(
            ": {:?} (role {}, lane {}, model {})",
            field("text"),
            route["selectedRole"].as_str().unwrap_or("?"),
            route["lane"].as_str().unwrap_or("?"),
            route["resolvedModel"].as_str().unwrap_or("?"),
        ),
        "session.activity" => format!(
            ": session {} has {} turn(s)",
            field("sessionKey"),
            fields.get("turns").and_then(Value::as_u64).unwrap_or(0)
        ),
        "chat.error" => format!(": {}", field("message")),
        _ => String::new(),
    }
}
