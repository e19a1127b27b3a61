//! What Claw3D's office shows of the runtime: identities derived from its
//! roles ([`office_identities`]) and one public state with a reason
//! ([`OfficeState`]), from observable signals only.

use std::fmt;

use serde::Serialize;

use crate::boundary::{Health, RuntimeState};

/// An office-facing identity (a Claw3D agent): a role of the runtime with
/// an office-meaningful name, never a worker or a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OfficeIdentity {
    /// The agent id: the role's id (`coder`), used in session keys
    /// `agent:<id>:main`.
    pub id: String,
    /// The office name: the id in title case (`Coder`, `Code Reviewer`).
    pub name: String,
    /// The role requests for this agent carry.
    pub role: String,
    /// The lane, when the runtime says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
}

/// The office identities of a runtime, as Claw3D derives them (§13.2):
/// one per active role, named in title case; without roles, one identity
/// from `identity` (`lane` or `role`, else `assistant`, named by
/// `identity.name`, else the lane in title case, else `runtime_name`).
///
/// ```
/// use custom_runtime::boundary::RuntimeState;
/// use custom_runtime::office::office_identities;
/// use serde_json::json;
///
/// let state = RuntimeState::read(&json!({"active": {"main": "m", "code_reviewer": ["m"]}}));
/// let names: Vec<_> = office_identities(Some(&state), "Ref").into_iter().map(|a| a.name).collect();
/// assert_eq!(names, ["Main", "Code Reviewer"]);
/// ```
pub fn office_identities(state: Option<&RuntimeState>, runtime_name: &str) -> Vec<OfficeIdentity> {
    let Some(state) = state else {
        return vec![identity_agent(&RuntimeState::default(), runtime_name)];
    };
    let agents: Vec<OfficeIdentity> = state
        .roles
        .iter()
        .filter(|role| !role.id.contains(':'))
        .map(|role| OfficeIdentity {
            id: role.id.clone(),
            name: title_case(&role.id),
            role: role.id.clone(),
            lane: role.lane.clone(),
        })
        .collect();
    if agents.is_empty() {
        vec![identity_agent(state, runtime_name)]
    } else {
        agents
    }
}

fn identity_agent(state: &RuntimeState, runtime_name: &str) -> OfficeIdentity {
    let lane = state.identity_lane.clone();
    let role = state
        .identity_role
        .clone()
        .unwrap_or_else(|| "assistant".to_owned());
    let id = lane
        .clone()
        .or_else(|| state.identity_role.clone())
        .unwrap_or_else(|| "assistant".to_owned());
    let name = state.identity_name.clone().unwrap_or_else(|| match &lane {
        Some(lane) => title_case(lane),
        None => runtime_name.to_owned(),
    });
    OfficeIdentity {
        id,
        name,
        role,
        lane,
    }
}

/// `code_reviewer` → `Code Reviewer`, `team-lead` → `Team Lead`: words
/// split on `-`, `_` and spaces, each first letter upper case, the rest
/// kept.
pub fn title_case(id: &str) -> String {
    id.split(['-', '_', ' '])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The public office state of the runtime (or of one agent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OfficeStatus {
    /// Ready, nothing running.
    Focused,
    /// A run is in progress.
    Working,
    /// The runtime refuses work it cannot do (unreachable, auth, a
    /// missing capability).
    Blocked,
    /// Too much work: 429s, a full queue.
    Overloaded,
    /// Reachable but unwell: health not ok, a failing worker.
    Degraded,
}

impl OfficeStatus {
    /// `focused`, `working`, `blocked`, `overloaded` or `degraded`.
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeStatus::Focused => "focused",
            OfficeStatus::Working => "working",
            OfficeStatus::Blocked => "blocked",
            OfficeStatus::Overloaded => "overloaded",
            OfficeStatus::Degraded => "degraded",
        }
    }
}

impl fmt::Display for OfficeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An office state with its public reason label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OfficeState {
    /// The state.
    pub status: OfficeStatus,
    /// Why, in a few words (`queue full (8/8)`, `worker w2 failing: marked
    /// failing`, `runtime unreachable`).
    pub reason: String,
}

/// The observable signals an office state is derived from.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Signals<'a> {
    /// The last `/health` answer; `None` when the runtime did not answer.
    pub health: Option<&'a Health>,
    /// The last `/state`.
    pub state: Option<&'a RuntimeState>,
    /// Whether a run is in progress.
    pub running: bool,
    /// The HTTP status of the last failed request, if the last request
    /// failed.
    pub last_failure_status: Option<u16>,
    /// Whether the runtime was reachable at all on the last attempt.
    pub unreachable: bool,
}

impl OfficeState {
    /// The state `signals` show, the worst first: blocked (unreachable,
    /// 401/403), then overloaded (429, a full queue), then degraded (health
    /// not ok, a failing worker, a 5xx), then working (a run in progress),
    /// else focused.
    ///
    /// ```
    /// use custom_runtime::office::{OfficeState, OfficeStatus, Signals};
    ///
    /// let mut signals = Signals::default();
    /// signals.last_failure_status = Some(429);
    /// let state = OfficeState::from_signals(&signals);
    /// assert_eq!((state.status, state.reason.as_str()), (OfficeStatus::Overloaded, "rate limited (429)"));
    /// ```
    pub fn from_signals(signals: &Signals<'_>) -> OfficeState {
        let state = |status, reason: String| OfficeState { status, reason };
        if signals.unreachable {
            return state(OfficeStatus::Blocked, "runtime unreachable".to_owned());
        }
        if let Some(code @ (401 | 403)) = signals.last_failure_status {
            return state(OfficeStatus::Blocked, format!("not authorized ({code})"));
        }
        if signals.last_failure_status == Some(429) {
            return state(OfficeStatus::Overloaded, "rate limited (429)".to_owned());
        }
        if let Some(runtime) = signals.state
            && runtime.queue_full()
        {
            let depth = runtime.queue_depth.unwrap_or_default();
            let max = runtime.max_queue_depth.unwrap_or_default();
            return state(
                OfficeStatus::Overloaded,
                format!("queue full ({depth}/{max})"),
            );
        }
        if let Some(health) = signals.health {
            if let Some((worker, why)) = health.failing_workers.first() {
                return state(
                    OfficeStatus::Degraded,
                    format!("worker {worker} failing: {why}"),
                );
            }
            if !health.is_healthy() {
                return state(
                    OfficeStatus::Degraded,
                    format!("health {}", health.summary()),
                );
            }
        }
        if let Some(worker) = signals.state.and_then(|s| s.failing_workers.first()) {
            return state(OfficeStatus::Degraded, format!("worker {worker} failing"));
        }
        if let Some(code @ 500..=599) = signals.last_failure_status {
            return state(OfficeStatus::Degraded, format!("runtime error ({code})"));
        }
        if signals.running {
            return state(OfficeStatus::Working, "run in progress".to_owned());
        }
        state(OfficeStatus::Focused, "ready".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn identities_follow_claw3d() {
        let state = RuntimeState::read(&json!({
            "active": {"main": "m", "team-lead": ["m"], "QA": "m", "bad:key": "m", "idle": ""}
        }));
        let agents = office_identities(Some(&state), "Ref");
        let got: Vec<_> = agents
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [("main", "Main"), ("team-lead", "Team Lead"), ("QA", "QA")]
        );

        // No roles: the identity agent.
        let lane_only = RuntimeState::read(&json!({"identity": {"lane": "research_lane"}}));
        let agent = &office_identities(Some(&lane_only), "Ref")[0];
        assert_eq!(
            (agent.id.as_str(), agent.name.as_str(), agent.role.as_str()),
            ("research_lane", "Research Lane", "assistant")
        );
        let nothing = &office_identities(None, "Custom Runtime")[0];
        assert_eq!(
            (nothing.id.as_str(), nothing.name.as_str()),
            ("assistant", "Custom Runtime")
        );
    }

    #[test]
    fn the_worst_signal_wins() {
        let healthy = Health::read(200, &json!({"ok": true}));
        let failing = Health::read(
            200,
            &json!({"workers": {"w2": {"ok": false, "reason": "marked failing"}}}),
        );
        let full = RuntimeState::read(&json!({"queueDepth": 8, "maxQueueDepth": 8}));
        let status = |signals: Signals<'_>| OfficeState::from_signals(&signals);

        assert_eq!(status(Signals::default()).status, OfficeStatus::Focused);
        let running = Signals {
            health: Some(&healthy),
            running: true,
            ..Signals::default()
        };
        assert_eq!(status(running).status, OfficeStatus::Working);
        let degraded = status(Signals {
            health: Some(&failing),
            running: true,
            ..Signals::default()
        });
        assert_eq!(
            (degraded.status, degraded.reason.as_str()),
            (OfficeStatus::Degraded, "worker w2 failing: marked failing")
        );
        let overloaded = status(Signals {
            health: Some(&failing),
            state: Some(&full),
            ..Signals::default()
        });
        assert_eq!(
            (overloaded.status, overloaded.reason.as_str()),
            (OfficeStatus::Overloaded, "queue full (8/8)")
        );
        let blocked = status(Signals {
            unreachable: true,
            state: Some(&full),
            ..Signals::default()
        });
        assert_eq!(blocked.status, OfficeStatus::Blocked);
        let server = status(Signals {
            last_failure_status: Some(503),
            ..Signals::default()
        });
        assert_eq!(server.reason, "runtime error (503)");
        let down = Health::read(503, &Value::Null);
        let unwell = status(Signals {
            health: Some(&down),
            ..Signals::default()
        });
        assert_eq!(unwell.reason, "health http 503");
    }
}
