//! Who the runtime is ([`CustomRuntimeMetadata`]) and what the provider
//! claims it can do ([`CapabilityProfile`]): built from what the runtime
//! actually answered, never from what it might do.

use std::fmt;

use serde::Serialize;

use crate::boundary::RuntimeState;

/// The provider id Claw3D sees.
pub const PROVIDER_ID: &str = "custom";

/// The runtime's identity for the UI (Claw3D's `CustomRuntimeMetadata`):
/// the provider stays `custom`; the brand is metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomRuntimeMetadata {
    /// Always `custom`.
    pub id: String,
    /// `Custom Runtime`.
    pub label: String,
    /// `runtime.name` from `/state`, else `Custom Runtime`.
    pub runtime_name: String,
    /// `runtime.vendor`, when given.
    pub vendor: Option<String>,
    /// `runtime.version`, when given.
    pub runtime_version: Option<String>,
    /// `profileName` / `registry_profile` / `profile`, when given.
    pub route_profile: Option<String>,
}

impl CustomRuntimeMetadata {
    /// The metadata `state` gives (`None`: the runtime had no `/state`).
    pub fn from_state(state: Option<&RuntimeState>) -> Self {
        let state = state.cloned().unwrap_or_default();
        CustomRuntimeMetadata {
            id: PROVIDER_ID.to_owned(),
            label: "Custom Runtime".to_owned(),
            runtime_name: state
                .runtime_name
                .unwrap_or_else(|| "Custom Runtime".to_owned()),
            vendor: state.vendor,
            runtime_version: state.runtime_version,
            route_profile: state.route_profile,
        }
    }
}

/// One thing the provider can do for Claw3D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Capability {
    /// Office identities from the runtime's roles (`/state` with roles).
    Agents,
    /// Sessions that keep their metadata and history (the session store).
    Sessions,
    /// Chat through `/v1/chat/completions`.
    Chat,
    /// Token streaming (the runtime streams SSE when asked).
    Streaming,
    /// Requests routed by role (`/state` names more than one role).
    AgentRoles,
    /// Models to choose from (`/registry` lists some).
    Models,
    /// Plain completions (`/v1/completions`).
    Completions,
    /// Schema-checked answers (`/v1/contracted-completions`).
    ContractedCompletions,
    /// Runtime configuration from the plugin config (a runtime URL).
    Config,
}

impl Capability {
    /// The name Claw3D uses (`agents`, `agent_roles`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Agents => "agents",
            Capability::Sessions => "sessions",
            Capability::Chat => "chat",
            Capability::Streaming => "streaming",
            Capability::AgentRoles => "agent_roles",
            Capability::Models => "models",
            Capability::Completions => "completions",
            Capability::ContractedCompletions => "contracted_completions",
            Capability::Config => "config",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the runtime answered when probed: which endpoint works.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Endpoints {
    /// `GET /health` answered (any status: reachable).
    pub health: bool,
    /// `GET /state` answered 2xx with an object.
    pub state: bool,
    /// `GET /registry` answered 2xx with an object.
    pub registry: bool,
    /// `POST /v1/chat/completions` exists (not 404/405).
    pub chat: bool,
    /// `POST /v1/completions` exists.
    pub completions: bool,
    /// `POST /v1/contracted-completions` exists.
    pub contracted: bool,
}

/// The capabilities the provider claims, each with the working path that
/// backs it. Conservative: a capability is claimed only when the probe
/// saw the endpoint it needs answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CapabilityProfile {
    claimed: Vec<Capability>,
}

impl CapabilityProfile {
    /// The profile `endpoints` and `state` support, with `sessions` when
    /// the provider has a session store and `config` when the runtime URL
    /// came from configuration.
    pub fn from_probe(
        endpoints: &Endpoints,
        state: Option<&RuntimeState>,
        has_session_store: bool,
        configured: bool,
    ) -> Self {
        let mut claimed = Vec::new();
        let roles = state.map_or(0, |s| s.roles.len());
        if endpoints.state && roles > 0 {
            claimed.push(Capability::Agents);
        }
        if endpoints.chat && has_session_store {
            claimed.push(Capability::Sessions);
        }
        if endpoints.chat {
            claimed.push(Capability::Chat);
        }
        if endpoints.chat && state.and_then(|s| s.streams) == Some(true) {
            claimed.push(Capability::Streaming);
        }
        if endpoints.state && roles > 1 {
            claimed.push(Capability::AgentRoles);
        }
        if endpoints.registry {
            claimed.push(Capability::Models);
        }
        if endpoints.completions {
            claimed.push(Capability::Completions);
        }
        if endpoints.contracted {
            claimed.push(Capability::ContractedCompletions);
        }
        if configured {
            claimed.push(Capability::Config);
        }
        claimed.sort();
        CapabilityProfile { claimed }
    }

    /// Whether `capability` is claimed.
    pub fn claims(&self, capability: Capability) -> bool {
        self.claimed.contains(&capability)
    }

    /// Every capability claimed, in a fixed order.
    pub fn claimed(&self) -> &[Capability] {
        &self.claimed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all() -> Endpoints {
        Endpoints {
            health: true,
            state: true,
            registry: true,
            chat: true,
            completions: true,
            contracted: true,
        }
    }

    #[test]
    fn a_full_runtime_claims_everything_it_showed() {
        let state = RuntimeState::read(&json!({
            "active": {"main": "m", "coder": "m"}, "capabilities": {"streaming": true}
        }));
        let profile = CapabilityProfile::from_probe(&all(), Some(&state), true, true);
        let names: Vec<_> = profile.claimed().iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "agents",
                "sessions",
                "chat",
                "streaming",
                "agent_roles",
                "models",
                "completions",
                "contracted_completions",
                "config"
            ]
        );
    }

    #[test]
    fn a_minimal_runtime_claims_only_chat() {
        // Only /health and /v1/chat/completions: no state, no registry.
        let endpoints = Endpoints {
            health: true,
            chat: true,
            ..Endpoints::default()
        };
        let profile = CapabilityProfile::from_probe(&endpoints, None, false, false);
        assert_eq!(profile.claimed(), [Capability::Chat]);
        // Streaming is claimed only when the runtime says it streams.
        let quiet = RuntimeState::read(&json!({"active": {"main": "m"}}));
        let profile = CapabilityProfile::from_probe(&all(), Some(&quiet), false, false);
        assert!(!profile.claims(Capability::Streaming));
        assert!(!profile.claims(Capability::AgentRoles));
        assert!(profile.claims(Capability::Agents));
    }

    #[test]
    fn metadata_falls_back_honestly() {
        let bare = CustomRuntimeMetadata::from_state(None);
        assert_eq!(bare.runtime_name, "Custom Runtime");
        assert_eq!((bare.vendor, bare.route_profile), (None, None));
        let state = RuntimeState::read(
            &json!({"profile": "p", "runtime": {"name": "Ref", "vendor": "v", "version": "1"}}),
        );
        let full = CustomRuntimeMetadata::from_state(Some(&state));
        assert_eq!(
            serde_json::to_value(full).unwrap(),
            json!({"id": "custom", "label": "Custom Runtime", "runtimeName": "Ref", "vendor": "v", "runtimeVersion": "1", "routeProfile": "p"})
        );
    }
}
