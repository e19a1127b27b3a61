//! The reference orchestrator: a small axum server that serves the
//! runtime boundary of `docs/custom-runtime.md` (`/health`, `/state`,
//! `/registry`, `/v1/chat/completions`, `/v1/completions`,
//! `/v1/contracted-completions`) with roles and lanes from an
//! [`OrchestratorConfig`], each role answered by a worker: a clawkit model,
//! or the built-in scripted worker that needs no model and no key.
//!
//! ```no_run
//! use custom_runtime::orchestrator::{Orchestrator, OrchestratorConfig};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let orchestrator = Orchestrator::new(OrchestratorConfig::demo())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:7770").await?;
//! let server = orchestrator.serve(listener)?;
//! println!("listening on http://{}", server.local_addr());
//! orchestrator.mark_failing("scripted-coder", "maintenance")?; // coder's requests now get a 503
//! # server.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Routing: the request's `role` when the orchestrator has it, else the
//! role whose worker serves `model`, else (for a worker no role uses) the
//! default role on that worker, else the default role.
//!
//! The server keeps no conversation: Claw3D resends the whole history
//! every turn, so the request's messages are the whole context, and the
//! optional session records (`sessionDir`) are metadata only. Replicas
//! therefore scale out behind any HTTP load balancer; the queue bound is
//! per replica.

mod config;
mod contract;
mod report;
mod request;
mod routes;
mod wire;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use clawkit_core::{Env, Runtime};
use clawkit_http::{BuiltinTransports, HttpClient};

pub use self::config::{
    LaneConfig, OrchestratorConfig, RoleConfig, RuntimeInfo, WorkerConfig, WorkerKind,
};
use self::worker::WorkerSlot;
use crate::boundary::RouteMetadata;
use crate::error::CustomRuntimeError;
use crate::sessions::SessionStore;

/// The reference orchestrator: its config, its workers' health and its
/// queue. Cheap to clone (the clones share everything).
#[derive(Debug, Clone)]
pub struct Orchestrator {
    shared: Arc<Shared>,
}

impl Orchestrator {
    /// An orchestrator serving `config`: checks it, opens the session
    /// directory when there is one, and builds the clawkit runtime (the
    /// built-in providers and transports, keys from the environment) when
    /// a worker runs a model.
    pub fn new(config: OrchestratorConfig) -> Result<Self, CustomRuntimeError> {
        config
            .check()
            .map_err(|message| CustomRuntimeError::Config {
                file: None,
                message,
            })?;
        let workers: Vec<Arc<WorkerSlot>> = config
            .workers
            .iter()
            .map(|w| Arc::new(WorkerSlot::new(w.clone())))
            .collect();
        let index_of_worker = |id: &str| workers.iter().position(|w| w.config.id == id);
        let mut lanes: Vec<LaneState> = config
            .lanes
            .iter()
            .map(|lane| LaneState::new(lane.id.clone(), lane.label.clone()))
            .collect();
        let mut roles = Vec::with_capacity(config.roles.len());
        for role in &config.roles {
            let lane = match lanes.iter().position(|l| l.id == role.lane) {
                Some(lane) => lane,
                None => {
                    lanes.push(LaneState::new(role.lane.clone(), None));
                    lanes.len() - 1
                }
            };
            lanes[lane].roles.push(role.id.clone());
            let worker =
                index_of_worker(&role.worker).ok_or_else(|| CustomRuntimeError::Config {
                    file: None,
                    message: format!("roles: no worker {:?}", role.worker),
                })?;
            roles.push(RoleState {
                config: role.clone(),
                label: role.display_label(),
                lane,
                worker,
            });
        }
        let default_role = config
            .default_role_id()
            .and_then(|id| roles.iter().position(|r| r.config.id == id))
            .unwrap_or(0);
        let runtime = if config.workers.iter().any(|w| w.kind == WorkerKind::Model) {
            Some(Arc::new(model_runtime()?))
        } else {
            None
        };
        let sessions = match &config.session_dir {
            Some(dir) => Some(Arc::new(SessionStore::open(dir)?)),
            None => None,
        };
        Ok(Orchestrator {
            shared: Arc::new(Shared {
                config,
                roles,
                lanes,
                workers,
                default_role,
                in_flight: AtomicUsize::new(0),
                runtime,
                sessions,
                session_errors: AtomicU64::new(0),
                session_updates: std::sync::Mutex::new(()),
                requests: AtomicU64::new(0),
            }),
        })
    }

    /// The config it serves.
    pub fn config(&self) -> &OrchestratorConfig {
        &self.shared.config
    }

    /// The boundary as an axum router, to serve or to nest in a larger app.
    pub fn router(&self) -> axum::Router {
        routes::router(Arc::clone(&self.shared))
    }

    /// Serves on `listener` in a task of the current tokio runtime until
    /// [`Server::shutdown`] (or until the [`Server`] is dropped).
    ///
    /// Fails when called outside a tokio runtime, or when the listener has
    /// no local address.
    pub fn serve(&self, listener: tokio::net::TcpListener) -> Result<Server, CustomRuntimeError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(CustomRuntimeError::Serve {
                message: "serve must be called inside a tokio runtime".to_owned(),
                source: None,
            });
        }
        let inner =
            clawkit_server::Server::serve_router(self.router(), listener).map_err(|error| {
                CustomRuntimeError::Serve {
                    message: error.to_string(),
                    source: None,
                }
            })?;
        Ok(Server { inner: Some(inner) })
    }

    /// Marks worker `worker` failing: the requests routed to it get a 503
    /// (`worker <id> failing: runtime degraded`), a stream it is writing
    /// ends with an error event, `/health` says `degraded` and lists it.
    pub fn mark_failing(
        &self,
        worker: &str,
        reason: impl Into<String>,
    ) -> Result<(), CustomRuntimeError> {
        self.shared.worker(worker)?.set_failing(Some(reason.into()));
        Ok(())
    }

    /// Marks worker `worker` healthy again.
    pub fn mark_healthy(&self, worker: &str) -> Result<(), CustomRuntimeError> {
        self.shared.worker(worker)?.set_failing(None);
        Ok(())
    }
}

/// A running orchestrator server: a [`clawkit_server::Server`] serving
/// the boundary's router, so `clawkit serve` and `clawkit serve --runtime`
/// listen, answer and stop the same way.
#[derive(Debug)]
pub struct Server {
    inner: Option<clawkit_server::Server>,
}

impl Server {
    /// How long [`shutdown`](Self::shutdown) and a drop let the requests
    /// in flight finish.
    pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

    /// The address it listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        match &self.inner {
            Some(inner) => inner.local_addr(),
            None => SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }

    /// `http://<local_addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr())
    }

    /// Stops accepting connections, lets the requests in flight finish
    /// (for at most [`SHUTDOWN_GRACE`](Self::SHUTDOWN_GRACE)), and waits
    /// for that.
    pub async fn shutdown(mut self) -> Result<(), CustomRuntimeError> {
        let Some(inner) = self.inner.take() else {
            return Ok(());
        };
        inner
            .shutdown(Self::SHUTDOWN_GRACE)
            .await
            .map_err(|error| CustomRuntimeError::Serve {
                message: error.to_string(),
                source: None,
            })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Graceful: in-flight requests finish in the background, when a
        // runtime is still there to run them.
        if let Some(inner) = self.inner.take()
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            handle.spawn(async move {
                let _ = inner.shutdown(Server::SHUTDOWN_GRACE).await;
            });
        }
    }
}

/// The clawkit runtime model workers run on: the built-in providers and
/// transports, keys from the process environment.
fn model_runtime() -> Result<Runtime, CustomRuntimeError> {
    let failed = |e: &dyn std::fmt::Display| CustomRuntimeError::ModelRuntime(e.to_string());
    let client = HttpClient::new().map_err(|e| failed(&e))?;
    let mut builder = Runtime::builder()
        .env(Env::from_process())
        .transports(BuiltinTransports::new(client));
    for plugin in clawkit_providers::builtin_plugins().map_err(|e| failed(&e))? {
        builder = builder.plugin(plugin);
    }
    builder.build().map_err(|e| failed(&e))
}

/// Everything the handlers share.
#[derive(Debug)]
struct Shared {
    config: OrchestratorConfig,
    roles: Vec<RoleState>,
    lanes: Vec<LaneState>,
    workers: Vec<Arc<WorkerSlot>>,
    /// Index into `roles`.
    default_role: usize,
    /// Completions in flight, all lanes.
    in_flight: AtomicUsize,
    runtime: Option<Arc<Runtime>>,
    sessions: Option<Arc<SessionStore>>,
    /// Session records that could not be written.
    session_errors: AtomicU64,
    /// Held while a session record is read, changed and written.
    session_updates: std::sync::Mutex<()>,
    /// Requests seen (for request ids).
    requests: AtomicU64,
}

#[derive(Debug)]
struct RoleState {
    config: RoleConfig,
    /// The office name.
    label: String,
    /// Index into `lanes`.
    lane: usize,
    /// Index into `workers`.
    worker: usize,
}

#[derive(Debug)]
struct LaneState {
    id: String,
    label: Option<String>,
    /// The roles in it, in config order.
    roles: Vec<String>,
    /// Completions in flight in it.
    depth: AtomicUsize,
}

impl LaneState {
    fn new(id: String, label: Option<String>) -> Self {
        LaneState {
            id,
            label,
            roles: Vec::new(),
            depth: AtomicUsize::new(0),
        }
    }
}

/// Where a request goes and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Routed {
    /// Index into `roles`.
    role: usize,
    /// Index into `workers`.
    worker: usize,
    reason: &'static str,
}

/// A place in the queue, given back when dropped.
#[derive(Debug)]
struct QueueSlot {
    shared: Arc<Shared>,
    lane: usize,
}

impl Drop for QueueSlot {
    fn drop(&mut self) {
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(lane) = self.shared.lanes.get(self.lane) {
            lane.depth.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Shared {
    fn worker(&self, id: &str) -> Result<&WorkerSlot, CustomRuntimeError> {
        self.workers
            .iter()
            .find(|w| w.config.id == id)
            .map(|w| &**w)
            .ok_or_else(|| CustomRuntimeError::UnknownWorker {
                worker: id.to_owned(),
            })
    }

    /// The requested role when there is one, else the role owning
    /// `model`, else the worker serving `model` under the default role,
    /// else the default role.
    fn route(&self, role: Option<&str>, model: Option<&str>) -> Routed {
        let on_role = |role: usize, reason| Routed {
            role,
            worker: self.roles[role].worker,
            reason,
        };
        if let Some(role) = role.and_then(|id| self.roles.iter().position(|r| r.config.id == id)) {
            return on_role(role, "requested role");
        }
        if let Some(model) = model {
            if let Some(owner) = self
                .roles
                .iter()
                .position(|r| self.workers[r.worker].config.model_id() == model)
            {
                return on_role(owner, "model owner");
            }
            if let Some(worker) = self
                .workers
                .iter()
                .position(|w| w.config.model_id() == model)
            {
                return Routed {
                    role: self.default_role,
                    worker,
                    reason: "requested model",
                };
            }
        }
        on_role(self.default_role, "default role")
    }

    /// The route metadata of `routed`.
    fn route_metadata(&self, routed: Routed) -> RouteMetadata {
        let role = &self.roles[routed.role];
        let worker = &self.workers[routed.worker];
        RouteMetadata {
            selected_role: Some(role.config.id.clone()),
            candidate_roles: self.roles.iter().map(|r| r.config.id.clone()).collect(),
            lane: Some(self.lanes[role.lane].id.clone()),
            routing_reason: Some(routed.reason.to_owned()),
            registry_profile: Some(self.config.profile_name.clone()),
            resolved_model: Some(worker.config.model_id().to_owned()),
            worker_health: Some(worker.health().to_owned()),
        }
    }

    /// A place in the queue of lane `lane`, unless `maxQueueDepth`
    /// completions are in flight.
    fn enqueue(self: &Arc<Self>, lane: usize) -> Option<QueueSlot> {
        let max = self.config.max_queue_depth;
        self.in_flight
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        if let Some(lane) = self.lanes.get(lane) {
            lane.depth.fetch_add(1, Ordering::SeqCst);
        }
        Some(QueueSlot {
            shared: Arc::clone(self),
            lane,
        })
    }

    /// The default role's model: what Claw3D sends as `model`.
    fn default_model(&self) -> &str {
        self.workers[self.roles[self.default_role].worker]
            .config
            .model_id()
    }

    /// Whether any worker is failing.
    fn degraded(&self) -> bool {
        self.workers.iter().any(|w| w.failing().is_some())
    }
}
