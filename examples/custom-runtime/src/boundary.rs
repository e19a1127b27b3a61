//! The runtime's boundary as the provider reads it: `/health`, `/state`,
//! `/registry` and the route metadata of an answer.
//!
//! Every reader is lenient, as Claw3D's own client is: a field of the
//! wrong type counts as absent, unknown fields are ignored, and a document
//! that is not an object reads as an empty one. Nothing here fails; what
//! a runtime did not say is `None` or empty.

use serde::Serialize;
use serde_json::{Map, Value};

/// What `GET /health` said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Health {
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// `ok`, when the body is JSON and has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    /// `status` (`ok`, `degraded`, `down`, …), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Workers the runtime reports as failing, by id, with its reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing_workers: Vec<(String, String)>,
}

impl Health {
    /// Reads a `/health` answer: `status` is the HTTP status, `body` its
    /// JSON (or `Value::Null` for a plain-text body such as `OK`).
    pub fn read(status: u16, body: &Value) -> Health {
        let failing_workers = body
            .get("workers")
            .and_then(Value::as_object)
            .map(|workers| {
                workers
                    .iter()
                    .filter(|(_, worker)| worker.get("ok").and_then(Value::as_bool) == Some(false))
                    .map(|(id, worker)| {
                        let reason = text(worker, "reason").unwrap_or_else(|| "failing".to_owned());
                        (id.clone(), reason)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Health {
            http_status: status,
            ok: body.get("ok").and_then(Value::as_bool),
            status: text(body, "status"),
            failing_workers,
        }
    }

    /// Whether the runtime is reachable and says nothing against itself:
    /// a 2xx, `ok` not false, `status` absent or `ok`/`healthy`, no
    /// failing worker.
    pub fn is_healthy(&self) -> bool {
        (200..300).contains(&self.http_status)
            && self.ok != Some(false)
            && self
                .status
                .as_deref()
                .is_none_or(|s| matches!(s.to_ascii_lowercase().as_str(), "ok" | "healthy" | "up"))
            && self.failing_workers.is_empty()
    }

    /// One word for the runtime's health: its `status` when given, else
    /// `ok`, `degraded` (a failing worker or `ok: false`) or `unreachable`
    /// / `http <status>`.
    pub fn summary(&self) -> String {
        if let Some(status) = &self.status {
            return status.clone();
        }
        if !(200..300).contains(&self.http_status) {
            return format!("http {}", self.http_status);
        }
        if self.is_healthy() {
            "ok".to_owned()
        } else {
            "degraded".to_owned()
        }
    }
}

/// A role the runtime routes to (an office identity's source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RuntimeRole {
    /// The role's id (`main`, `coder`, `code_reviewer`).
    pub id: String,
    /// The lane it runs in, when the runtime says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
    /// The models it is active with (from `active`), possibly none.
    pub models: Vec<String>,
}

/// What `GET /state` said: the route profile, the active roles, the
/// identity and runtime blocks Claw3D reads, and the load signals the
/// reference orchestrator adds (`queueDepth`, `maxQueueDepth`, `workers`,
/// `capabilities`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RuntimeState {
    /// `profileName`, else `registry_profile`, else `profile`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_profile: Option<String>,
    /// Each key of `active` whose value is a non-blank string or a list
    /// holding one, in the document's order; lanes from `roles[]` when the
    /// runtime lists them.
    pub roles: Vec<RuntimeRole>,
    /// `identity.name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_name: Option<String>,
    /// `identity.role`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_role: Option<String>,
    /// `identity.lane`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_lane: Option<String>,
    /// `identity.model_id`, else `runtime.active_model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_model: Option<String>,
    /// `runtime.name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_name: Option<String>,
    /// `runtime.version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_version: Option<String>,
    /// `runtime.vendor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// `runtime.status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_status: Option<String>,
    /// `queueDepth` (or `queue_depth`): requests waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_depth: Option<u64>,
    /// `maxQueueDepth` (or `max_queue_depth`): where the queue is full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_queue_depth: Option<u64>,
    /// Workers whose `health` is not `ok`, by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing_workers: Vec<String>,
    /// `capabilities.streaming`: whether `/v1/chat/completions` streams
    /// SSE when asked; `None` when the runtime does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streams: Option<bool>,
}

impl RuntimeState {
    /// Reads a `/state` document.
    pub fn read(body: &Value) -> RuntimeState {
        let identity = body.get("identity").unwrap_or(&Value::Null);
        let runtime = body.get("runtime").unwrap_or(&Value::Null);
        let lanes_by_role: Vec<(String, String)> = body
            .get("roles")
            .and_then(Value::as_array)
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(|role| Some((text(role, "id")?, text(role, "lane")?)))
                    .collect()
            })
            .unwrap_or_default();
        let roles = body
            .get("active")
            .and_then(Value::as_object)
            .map(|active| {
                active
                    .iter()
                    .filter_map(|(key, value)| {
                        let id = key.trim();
                        let models = models_of(value);
                        (!id.is_empty() && !models.is_empty()).then(|| RuntimeRole {
                            id: id.to_owned(),
                            lane: lanes_by_role
                                .iter()
                                .find(|(role, _)| role == id)
                                .map(|(_, lane)| lane.clone()),
                            models,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let failing_workers = body
            .get("workers")
            .and_then(Value::as_array)
            .map(|workers| {
                workers
                    .iter()
                    .filter(|w| text(w, "health").is_some_and(|h| h != "ok"))
                    .filter_map(|w| text(w, "id"))
                    .collect()
            })
            .unwrap_or_default();
        RuntimeState {
            route_profile: ["profileName", "registry_profile", "profile"]
                .iter()
                .find_map(|key| text(body, key)),
            roles,
            identity_name: text(identity, "name"),
            identity_role: text(identity, "role"),
            identity_lane: text(identity, "lane"),
            default_model: text(identity, "model_id").or_else(|| text(runtime, "active_model")),
            runtime_name: text(runtime, "name"),
            runtime_version: text(runtime, "version"),
            vendor: text(runtime, "vendor"),
            runtime_status: text(runtime, "status"),
            queue_depth: number(body, &["queueDepth", "queue_depth"]),
            max_queue_depth: number(body, &["maxQueueDepth", "max_queue_depth"]),
            failing_workers,
            streams: body
                .get("capabilities")
                .and_then(|c| c.get("streaming"))
                .and_then(Value::as_bool),
        }
    }

    /// Whether the queue is at or over its limit.
    pub fn queue_full(&self) -> bool {
        matches!((self.queue_depth, self.max_queue_depth), (Some(depth), Some(max)) if max > 0 && depth >= max)
    }
}

/// One model of `GET /registry`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RegistryModel {
    /// The model id, trimmed.
    pub id: String,
    /// The entry as the runtime gave it (an object, or `null`).
    pub details: Value,
}

/// Reads a `/registry` document in either form a runtime uses:
/// `{"models": {"<id>": {…}}}` (Claw3D's) or `{"data": [{"id": …}]}`
/// (OpenAI's), and leniently `{"models": ["<id>", …]}`. Blank ids are
/// dropped, the first of two equal ids is kept, the document's order is
/// kept.
pub fn read_registry(body: &Value) -> Vec<RegistryModel> {
    let mut models: Vec<RegistryModel> = Vec::new();
    let mut push = |id: &str, details: Value| {
        let id = id.trim();
        if !id.is_empty() && !models.iter().any(|m| m.id == id) {
            models.push(RegistryModel {
                id: id.to_owned(),
                details,
            });
        }
    };
    match body.get("models") {
        Some(Value::Object(map)) => map
            .iter()
            .for_each(|(id, details)| push(id, details.clone())),
        Some(Value::Array(list)) => list.iter().for_each(|entry| match entry {
            Value::String(id) => push(id, Value::Null),
            other => {
                if let Some(id) = other.get("id").and_then(Value::as_str) {
                    push(id, other.clone());
                }
            }
        }),
        _ => {}
    }
    if let Some(Value::Array(data)) = body.get("data") {
        for entry in data {
            if let Some(id) = entry.get("id").and_then(Value::as_str) {
                push(id, entry.clone());
            }
        }
    }
    models
}

/// How the runtime routed one request: additive metadata for
/// diagnostics, every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct RouteMetadata {
    /// The role that took the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_role: Option<String>,
    /// The roles that could have.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidate_roles: Vec<String>,
    /// The lane it ran in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
    /// Why that role (`requested role`, `default role`, `model owner`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_reason: Option<String>,
    /// The registry profile in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_profile: Option<String>,
    /// The model that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_model: Option<String>,
    /// The worker's health when it ran (`ok`, `failing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_health: Option<String>,
}

impl RouteMetadata {
    /// Reads route metadata from a JSON object (the `route` member of an
    /// answer or the data of an SSE `route` event); fields of the wrong
    /// type are dropped, not fatal.
    pub fn read(value: &Value) -> RouteMetadata {
        let list = |key: &str| -> Vec<String> {
            value
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        RouteMetadata {
            selected_role: text(value, "selectedRole"),
            candidate_roles: list("candidateRoles"),
            lane: text(value, "lane"),
            routing_reason: text(value, "routingReason"),
            registry_profile: text(value, "registryProfile"),
            resolved_model: text(value, "resolvedModel"),
            worker_health: text(value, "workerHealth"),
        }
    }

    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == RouteMetadata::default()
    }

    /// The fields as a JSON object (for event payloads).
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }
}

/// The non-blank, trimmed string at `key`.
fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The first non-negative integer among `keys`.
fn number(value: &Value, keys: &[&str]) -> Option<u64> {
    keys.iter()
        .find_map(|key| value.get(*key).and_then(Value::as_u64))
}

/// The non-blank model ids of an `active` value: a string or a list.
fn models_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(model) if !model.trim().is_empty() => vec![model.trim().to_owned()],
        Value::Array(models) => models
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_registry_shapes_and_the_lenient_third_read_alike() {
        let claw3d = json!({"models": {"model-a": {"role": "main"}, " model-b ": {}, "": {}}});
        let openai =
            json!({"object": "list", "data": [{"id": "model-a"}, {"id": "model-b"}, {"id": "  "}]});
        let list = json!({"models": ["model-a", {"id": "model-b"}, 7]});
        for document in [claw3d, openai, list] {
            let ids: Vec<_> = read_registry(&document).into_iter().map(|m| m.id).collect();
            assert_eq!(ids, ["model-a", "model-b"], "{document}");
        }
        assert!(read_registry(&json!("OK")).is_empty());
        // Both forms at once: one entry per id.
        let both = json!({"models": {"a": {}}, "data": [{"id": "a"}, {"id": "b"}]});
        assert_eq!(read_registry(&both).len(), 2);
    }

    #[test]
    fn state_is_read_as_claw3d_reads_it_plus_the_load_signals() {
        let state = RuntimeState::read(&json!({
            "registry_profile": "  office ",
            "active": {"main": "model-a", "coder": ["", "model-b"], "reviewer": [], "idle": "", "bad": 3},
            "roles": [{"id": "coder", "lane": "build"}, {"id": 4}],
            "identity": {"name": "Orchestrator", "role": "assistant", "model_id": null},
            "runtime": {"name": "Ref", "version": "0.1.0", "vendor": "clawkit", "status": "ok", "active_model": "model-a"},
            "queueDepth": 3, "maxQueueDepth": 3,
            "workers": [{"id": "w1", "health": "ok"}, {"id": "w2", "health": "failing"}],
            "capabilities": {"streaming": true}
        }));
        assert_eq!(state.route_profile.as_deref(), Some("office"));
        let roles: Vec<_> = state
            .roles
            .iter()
            .map(|r| (r.id.as_str(), r.lane.as_deref()))
            .collect();
        assert_eq!(roles, [("main", None), ("coder", Some("build"))]);
        assert_eq!(state.roles[1].models, ["model-b"]);
        assert_eq!(state.default_model.as_deref(), Some("model-a"));
        assert_eq!(state.vendor.as_deref(), Some("clawkit"));
        assert!(state.queue_full());
        assert_eq!(state.failing_workers, ["w2"]);
        assert_eq!(state.streams, Some(true));
        assert_eq!(RuntimeState::read(&json!([1, 2])), RuntimeState::default());
    }

    #[test]
    fn health_says_what_it_can() {
        let plain = Health::read(200, &Value::Null);
        assert!(plain.is_healthy());
        assert_eq!(plain.summary(), "ok");
        let degraded = Health::read(
            200,
            &json!({"ok": true, "workers": {"w2": {"ok": false, "reason": "marked failing"}}}),
        );
        assert!(!degraded.is_healthy());
        assert_eq!(degraded.summary(), "degraded");
        assert_eq!(
            degraded.failing_workers,
            [("w2".to_owned(), "marked failing".to_owned())]
        );
        let down = Health::read(503, &json!({"status": "down"}));
        assert_eq!(
            (down.is_healthy(), down.summary().as_str()),
            (false, "down")
        );
        assert_eq!(Health::read(500, &Value::Null).summary(), "http 500");
    }

    #[test]
    fn route_metadata_drops_what_it_cannot_read() {
        let route = RouteMetadata::read(&json!({
            "selectedRole": "coder", "candidateRoles": ["coder", 3, "reviewer"],
            "lane": "build", "routingReason": "requested role", "resolvedModel": 12
        }));
        assert_eq!(route.selected_role.as_deref(), Some("coder"));
        assert_eq!(route.candidate_roles, ["coder", "reviewer"]);
        assert_eq!(route.resolved_model, None);
        assert_eq!(
            Value::Object(route.to_map()),
            json!({"selectedRole": "coder", "candidateRoles": ["coder", "reviewer"], "lane": "build", "routingReason": "requested role"})
        );
        assert!(RouteMetadata::read(&json!(null)).is_empty());
    }
}
