//! The orchestrator's config: roles, lanes, workers and bounds, read from
//! a JSON file (camelCase keys, unknown keys refused so a typo is not
//! silently ignored).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CustomRuntimeError;

/// The longest `requestTimeoutMs`: a day.
const MAX_REQUEST_TIMEOUT_MS: u64 = 24 * 60 * 60 * 1000;

/// The largest config file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// What the reference orchestrator serves: its roles (each routed to a
/// worker), lanes, workers, bounds and names.
///
/// ```
/// use custom_runtime::orchestrator::OrchestratorConfig;
///
/// let config: OrchestratorConfig = serde_json::from_str(r#"{
///   "profileName": "office",
///   "roles": [{"id": "main", "lane": "front", "worker": "w"}],
///   "workers": [{"id": "w", "kind": "scripted"}]
/// }"#)?;
/// assert_eq!(config.max_queue_depth, 8);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct OrchestratorConfig {
    /// The registry profile (`profileName` in `/state`, `registryProfile`
    /// in route metadata).
    #[serde(default = "default_profile")]
    pub profile_name: String,
    /// The runtime's name and version (`runtime` in `/state`).
    #[serde(default)]
    pub runtime: RuntimeInfo,
    /// The roles, in the order the office shows them. At least one.
    pub roles: Vec<RoleConfig>,
    /// The role a request goes to when it names no known role and no
    /// owned model; the first role when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_role: Option<String>,
    /// The lanes, with labels. A lane a role names and this list does not
    /// is added after them.
    #[serde(default)]
    pub lanes: Vec<LaneConfig>,
    /// The workers roles route to.
    pub workers: Vec<WorkerConfig>,
    /// Completions in flight at which the next one is refused with a 429.
    #[serde(default = "default_max_queue_depth")]
    pub max_queue_depth: usize,
    /// How long one completion may run, in milliseconds (504, or an
    /// `error` event once streaming); at most a day.
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// The largest request body, in bytes (413 above it).
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Where to keep one session record per `session_id`; none when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_dir: Option<PathBuf>,
}

/// The runtime's name and version as `/state` reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RuntimeInfo {
    /// `runtime.name` (and `identity.name`).
    #[serde(default = "default_runtime_name")]
    pub name: String,
    /// `runtime.version`.
    #[serde(default = "default_runtime_version")]
    pub version: String,
}

impl Default for RuntimeInfo {
    fn default() -> Self {
        RuntimeInfo {
            name: default_runtime_name(),
            version: default_runtime_version(),
        }
    }
}

/// A role: an office identity, the lane it works in and its worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RoleConfig {
    /// The role id (`main`, `coder`): the key of `active`, Claw3D's agent
    /// id. Not blank, no `:` (Claw3D's session keys are `agent:<id>:main`).
    pub id: String,
    /// How the office names it; the id in title case when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The lane it runs in.
    pub lane: String,
    /// The id of the worker that answers for it.
    pub worker: String,
}

impl RoleConfig {
    /// Role `id` in `lane`, answered by `worker`.
    pub fn new(id: impl Into<String>, lane: impl Into<String>, worker: impl Into<String>) -> Self {
        RoleConfig {
            id: id.into(),
            label: None,
            lane: lane.into(),
            worker: worker.into(),
        }
    }

    /// The office name: the label, else the id in title case.
    pub fn display_label(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| crate::office::title_case(&self.id))
    }
}

/// A lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct LaneConfig {
    /// The lane id.
    pub id: String,
    /// A label for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl LaneConfig {
    /// Lane `id`, labelled `label`.
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        LaneConfig {
            id: id.into(),
            label: Some(label.into()),
        }
    }
}

/// What kind of worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum WorkerKind {
    /// The built-in scripted worker: a deterministic answer streamed word
    /// by word, no model, no key. Labelled `"scripted": true` in
    /// `/registry`.
    Scripted,
    /// A clawkit model (`ollama/llama3.2`), run through the whole provider
    /// pipeline with the built-in providers and transports.
    Model,
}

/// A worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct WorkerConfig {
    /// The worker id.
    pub id: String,
    /// `scripted` or `model`.
    pub kind: WorkerKind,
    /// For `model`: the clawkit model ref (`ollama/llama3.2`), required.
    /// For `scripted`: the model id it shows (the worker id when absent).
    /// Either way, the id `/registry` lists it under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// For `model`: the endpoint to send to instead of the provider's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// For `model`: the output-token limit when the request sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// For `scripted`: a pause before each word, in milliseconds (to watch
    /// a stream, or a cancellation).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub word_delay_ms: u64,
    /// Whether it starts marked failing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failing: bool,
}

impl WorkerConfig {
    /// A scripted worker `id`.
    pub fn scripted(id: impl Into<String>) -> Self {
        WorkerConfig {
            id: id.into(),
            kind: WorkerKind::Scripted,
            model: None,
            base_url: None,
            max_tokens: None,
            word_delay_ms: 0,
            failing: false,
        }
    }

    /// A worker `id` running the clawkit model `model` (`ollama/llama3.2`).
    pub fn model(id: impl Into<String>, model: impl Into<String>) -> Self {
        WorkerConfig {
            kind: WorkerKind::Model,
            model: Some(model.into()),
            ..WorkerConfig::scripted(id)
        }
    }

    /// The model id it is listed under: `model`, else the worker id.
    pub fn model_id(&self) -> &str {
        self.model.as_deref().unwrap_or(&self.id)
    }
}

impl OrchestratorConfig {
    /// The built-in demo: roles `main` (lane `front`), `coder` (`build`)
    /// and `reviewer` (`review`), each answered by its own scripted worker
    /// (`scripted-main`, `scripted-coder`, `scripted-reviewer`), plus the
    /// scripted worker `flaky`, which no role uses (ask for model `flaky`
    /// to reach it) and which is there to be marked failing. No model, no
    /// key, no network.
    pub fn demo() -> Self {
        OrchestratorConfig {
            profile_name: "demo".to_owned(),
            runtime: RuntimeInfo::default(),
            roles: vec![
                RoleConfig::new("main", "front", "scripted-main"),
                RoleConfig::new("coder", "build", "scripted-coder"),
                RoleConfig::new("reviewer", "review", "scripted-reviewer"),
            ],
            default_role: Some("main".to_owned()),
            lanes: vec![
                LaneConfig::new("front", "Front desk"),
                LaneConfig::new("build", "Build"),
                LaneConfig::new("review", "Review"),
            ],
            workers: vec![
                WorkerConfig::scripted("scripted-main"),
                WorkerConfig::scripted("scripted-coder"),
                WorkerConfig::scripted("scripted-reviewer"),
                WorkerConfig::scripted("flaky"),
            ],
            max_queue_depth: default_max_queue_depth(),
            request_timeout_ms: default_request_timeout_ms(),
            max_body_bytes: default_max_body_bytes(),
            session_dir: None,
        }
    }

    /// Reads a config file (JSON, at most 1 MiB). The config is checked
    /// when the orchestrator is built from it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, CustomRuntimeError> {
        let path = path.as_ref();
        let error = |message: String| CustomRuntimeError::Config {
            file: Some(path.to_owned()),
            message,
        };
        let file = std::fs::File::open(path).map_err(|e| error(e.to_string()))?;
        let mut text = String::new();
        file.take(MAX_CONFIG_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| error(e.to_string()))?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(error(format!("larger than {MAX_CONFIG_BYTES} bytes")));
        }
        serde_json::from_str(&text).map_err(|e| error(e.to_string()))
    }

    /// The default role's id.
    pub(crate) fn default_role_id(&self) -> Option<&str> {
        self.default_role
            .as_deref()
            .or_else(|| self.roles.first().map(|r| r.id.as_str()))
    }

    /// Whether the config can be served; the first problem found, naming
    /// the field.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.roles.is_empty() {
            return Err("roles: at least one role is needed".to_owned());
        }
        if self.max_queue_depth == 0 {
            return Err("maxQueueDepth: must be at least 1".to_owned());
        }
        if !(1..=MAX_REQUEST_TIMEOUT_MS).contains(&self.request_timeout_ms) {
            return Err(format!(
                "requestTimeoutMs: must be between 1 and {MAX_REQUEST_TIMEOUT_MS} (a day)"
            ));
        }
        if self.max_body_bytes == 0 {
            return Err("maxBodyBytes: must be at least 1".to_owned());
        }
        let mut workers = HashSet::new();
        for (i, worker) in self.workers.iter().enumerate() {
            if worker.id.trim().is_empty() {
                return Err(format!("workers[{i}].id: blank"));
            }
            if !workers.insert(worker.id.as_str()) {
                return Err(format!("workers[{i}].id: {:?} is defined twice", worker.id));
            }
            match (worker.kind, worker.model.as_deref().map(str::trim)) {
                (WorkerKind::Model, None | Some("")) => {
                    return Err(format!(
                        "workers[{i}].model: a model worker needs a model (\"ollama/llama3.2\")"
                    ));
                }
                (WorkerKind::Model, _) if worker.word_delay_ms > 0 => {
                    return Err(format!(
                        "workers[{i}].wordDelayMs: only a scripted worker has one"
                    ));
                }
                (WorkerKind::Scripted, _) if worker.base_url.is_some() => {
                    return Err(format!("workers[{i}].baseUrl: only a model worker has one"));
                }
                _ => {}
            }
            if let Some(base_url) = &worker.base_url
                && url::Url::parse(base_url).is_err()
            {
                return Err(format!("workers[{i}].baseUrl: not a URL"));
            }
        }
        let mut roles = HashSet::new();
        for (i, role) in self.roles.iter().enumerate() {
            let id = role.id.trim();
            if id.is_empty() || id != role.id || role.id.contains(':') {
                return Err(format!(
                    "roles[{i}].id: {:?} must not be blank, padded with spaces or contain ':'",
                    role.id
                ));
            }
            if !roles.insert(role.id.as_str()) {
                return Err(format!("roles[{i}].id: {:?} is defined twice", role.id));
            }
            if role.lane.trim().is_empty() {
                return Err(format!("roles[{i}].lane: blank"));
            }
            if !workers.contains(role.worker.as_str()) {
                return Err(format!(
                    "roles[{i}].worker: no worker {:?} in workers",
                    role.worker
                ));
            }
        }
        let mut lanes = HashSet::new();
        for (i, lane) in self.lanes.iter().enumerate() {
            if lane.id.trim().is_empty() {
                return Err(format!("lanes[{i}].id: blank"));
            }
            if !lanes.insert(lane.id.as_str()) {
                return Err(format!("lanes[{i}].id: {:?} is defined twice", lane.id));
            }
        }
        if let Some(default) = &self.default_role
            && !roles.contains(default.as_str())
        {
            return Err(format!("defaultRole: no role {default:?} in roles"));
        }
        Ok(())
    }
}

fn default_profile() -> String {
    "clawkit-reference".to_owned()
}

fn default_runtime_name() -> String {
    "clawkit reference orchestrator".to_owned()
}

fn default_runtime_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

fn default_max_queue_depth() -> usize {
    8
}

fn default_request_timeout_ms() -> u64 {
    120_000
}

fn default_max_body_bytes() -> usize {
    4 * 1024 * 1024
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_valid_and_round_trips_through_json() {
        let demo = OrchestratorConfig::demo();
        demo.check().unwrap();
        let text = serde_json::to_string(&demo).unwrap();
        let back: OrchestratorConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back, demo);
        assert_eq!(demo.default_role_id(), Some("main"));
    }

    #[test]
    fn problems_name_their_field() {
        let check = |edit: &dyn Fn(&mut OrchestratorConfig)| {
            let mut config = OrchestratorConfig::demo();
            edit(&mut config);
            config.check().unwrap_err()
        };
        assert!(check(&|c| c.roles.clear()).starts_with("roles:"));
        assert!(check(&|c| c.roles[1].worker = "nobody".into()).starts_with("roles[1].worker"));
        assert!(check(&|c| c.roles[0].id = "agent:x".into()).starts_with("roles[0].id"));
        assert!(check(&|c| c.default_role = Some("boss".into())).starts_with("defaultRole"));
        assert!(check(&|c| c.workers[0].kind = WorkerKind::Model).starts_with("workers[0].model"));
        assert!(check(&|c| c.max_queue_depth = 0).starts_with("maxQueueDepth"));
        let unknown = serde_json::from_str::<OrchestratorConfig>(
            r#"{"roles": [], "workers": [], "maxQueueDeep": 3}"#,
        )
        .unwrap_err();
        assert!(unknown.to_string().contains("maxQueueDeep"), "{unknown}");
    }
}
