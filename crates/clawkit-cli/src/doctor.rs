//! `clawkit doctor`: per provider, whether its credentials resolve and from
//! where, the provider's hint when they do not, and whether a local
//! provider's server answers. Secrets are never printed.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clawkit_core::{AuthRequest, Env, Runtime, is_loopback_url};
use clawkit_http::accepts_connections;
use url::Url;

use crate::runtime::{Plugins, block_on, runtime};

/// How long a local server gets to accept a connection.
const REACH_TIMEOUT: Duration = Duration::from_secs(1);

/// One provider's report.
struct Report {
    provider: String,
    auth: Result<String, String>,
    hint: Option<String>,
    local: Option<(Url, bool)>,
}

pub(crate) fn run(plugins: &Plugins) -> ExitCode {
    let runtime = match runtime(Env::from_process(), plugins) {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("clawkit: {e}");
            return ExitCode::FAILURE;
        }
    };
    let reports = match block_on(diagnose(&runtime)) {
        Ok(reports) => reports,
        Err(e) => {
            eprintln!("clawkit: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = print(&mut out, &reports);
    ExitCode::SUCCESS
}

async fn diagnose(runtime: &Runtime) -> Vec<Report> {
    let catalog = runtime.catalog(None).await;
    let mut reports = Vec::new();
    for provider in runtime.provider_ids() {
        let auth = match runtime.resolve_auth(provider, &AuthRequest::default(), None) {
            Ok(auth) => Ok(auth.source.to_string()),
            // A missing credential says what to set; its message is the whole story.
            Err(error) => Err(error.to_string()),
        };
        let hint = match auth {
            Ok(_) => None,
            Err(_) => runtime.auth_doctor_hint(provider, None).await,
        };
        let base_url = catalog
            .provider(provider)
            .map(|entry| entry.config.base_url.clone());
        let local = match base_url.filter(is_loopback_url) {
            Some(url) => {
                let reachable = accepts_connections(&url, REACH_TIMEOUT).await.is_ok();
                Some((url, reachable))
            }
            None => None,
        };
        reports.push(Report {
            provider: provider.to_owned(),
            auth,
            hint,
            local,
        });
    }
    reports
}

fn print(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    for report in reports {
        match &report.auth {
            Ok(source) => writeln!(out, "{}: auth ok ({source})", report.provider)?,
            Err(message) => writeln!(out, "{}: auth missing: {message}", report.provider)?,
        }
        if let Some(hint) = &report.hint {
            writeln!(out, "  hint: {hint}")?;
        }
        if let Some((url, reachable)) = &report.local {
            let state = if *reachable {
                "reachable"
            } else {
                "not reachable"
            };
            writeln!(out, "  local server {url}: {state}")?;
        }
    }
    Ok(())
}
