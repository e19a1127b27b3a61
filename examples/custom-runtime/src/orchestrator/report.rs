//! The three documents the runtime describes itself with: `/health`,
//! `/state` and `/registry`. Cheap: counters and config only, never
//! behind a running completion.

use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use super::Shared;
use super::config::WorkerKind;

impl Shared {
    /// `/health`: `ok` or `degraded`, with each worker.
    pub(super) fn health_document(&self) -> Value {
        let workers: Map<String, Value> = self
            .workers
            .iter()
            .map(|worker| {
                let health = match worker.failing() {
                    None => json!({"ok": true}),
                    Some(reason) => json!({"ok": false, "reason": reason}),
                };
                (worker.config.id.clone(), health)
            })
            .collect();
        json!({"ok": true, "status": self.status(), "workers": workers})
    }

    /// `/state`: what Claw3D reads (`profileName`, `active`, `identity`,
    /// `runtime`) and the load signals (roles, lanes, queue, workers).
    pub(super) fn state_document(&self) -> Value {
        let model_of = |worker: usize| self.workers[worker].config.model_id();
        let active: Map<String, Value> = self
            .roles
            .iter()
            .map(|r| (r.config.id.clone(), Value::from(model_of(r.worker))))
            .collect();
        let mut identity = json!({
            "name": self.config.runtime.name,
            "role": "assistant",
            "model_id": self.default_model(),
        });
        // Claw3D sends `identity.lane` as the lane of every role: only
        // say it when there is one role.
        if let [only] = self.roles.as_slice() {
            identity["lane"] = Value::from(self.lanes[only.lane].id.as_str());
        }
        let roles: Vec<Value> = self
            .roles
            .iter()
            .map(|r| {
                json!({
                    "id": r.config.id,
                    "label": r.label,
                    "lane": self.lanes[r.lane].id,
                    "worker": self.workers[r.worker].config.id,
                    "model": model_of(r.worker),
                })
            })
            .collect();
        let lanes: Vec<Value> = self
            .lanes
            .iter()
            .map(|lane| {
                let mut value = json!({
                    "id": lane.id,
                    "roles": lane.roles,
                    "queueDepth": lane.depth.load(Ordering::SeqCst),
                });
                if let Some(label) = &lane.label {
                    value["label"] = Value::from(label.as_str());
                }
                value
            })
            .collect();
        let workers: Vec<Value> = self
            .workers
            .iter()
            .map(|worker| {
                let stats = worker.stats();
                let mut value = json!({
                    "id": worker.config.id,
                    "kind": kind_name(worker.config.kind),
                    "model": worker.config.model_id(),
                    "health": worker.health(),
                    "failures": stats.failures,
                    "served": stats.served,
                    "cancelled": stats.cancelled,
                    "running": stats.running,
                });
                if worker.config.kind == WorkerKind::Scripted {
                    value["scripted"] = Value::Bool(true);
                }
                if let Some(reason) = worker.failing() {
                    value["reason"] = Value::from(reason);
                }
                value
            })
            .collect();
        let mut state = json!({
            "profileName": self.config.profile_name,
            "active": active,
            "identity": identity,
            "runtime": {
                "name": self.config.runtime.name,
                "version": self.config.runtime.version,
                "vendor": "clawkit",
                "status": self.status(),
                "active_model": self.default_model(),
            },
            "roles": roles,
            "defaultRole": self.roles[self.default_role].config.id,
            "lanes": lanes,
            "queueDepth": self.in_flight.load(Ordering::SeqCst),
            "maxQueueDepth": self.config.max_queue_depth,
            "workers": workers,
            "capabilities": {"streaming": true, "completions": true, "contractedCompletions": true},
        });
        if self.sessions.is_some() {
            state["sessions"] = json!({
                "stored": true,
                "writeErrors": self.session_errors.load(Ordering::Relaxed),
            });
        }
        state
    }

    /// `/registry` (and `/v1/models`): the models in both forms at once,
    /// Claw3D's `models` object and OpenAI's `data` list. The roles'
    /// models come first, in role order.
    pub(super) fn registry_document(&self) -> Value {
        let mut order: Vec<usize> = Vec::with_capacity(self.workers.len());
        for worker in self
            .roles
            .iter()
            .map(|r| r.worker)
            .chain(0..self.workers.len())
        {
            if !order.contains(&worker) {
                order.push(worker);
            }
        }
        let mut models = Map::new();
        let mut data = Vec::new();
        for index in order {
            let worker = &self.workers[index].config;
            let id = worker.model_id();
            if models.contains_key(id) {
                continue;
            }
            let mut entry = Map::new();
            if let Some(role) = self.roles.iter().find(|r| r.worker == index) {
                entry.insert("role".to_owned(), Value::from(role.config.id.as_str()));
                entry.insert(
                    "lane".to_owned(),
                    Value::from(self.lanes[role.lane].id.as_str()),
                );
            }
            entry.insert("worker".to_owned(), Value::from(worker.id.as_str()));
            entry.insert("kind".to_owned(), Value::from(kind_name(worker.kind)));
            if worker.kind == WorkerKind::Scripted {
                entry.insert("scripted".to_owned(), Value::Bool(true));
            }
            models.insert(id.to_owned(), Value::Object(entry));
            data.push(
                json!({"id": id, "object": "model", "created": 0, "owned_by": "clawkit-reference"}),
            );
        }
        json!({"object": "list", "models": models, "data": data})
    }

    fn status(&self) -> &'static str {
        if self.degraded() { "degraded" } else { "ok" }
    }
}

fn kind_name(kind: WorkerKind) -> &'static str {
    match kind {
        WorkerKind::Model => "model",
        _ => "scripted",
    }
}
