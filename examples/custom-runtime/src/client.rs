//! Talking to the runtime's boundary: the runtime URL (checked, credentials
//! stripped), the probes of `/health`, `/state` and `/registry`, and the
//! two request/response endpoints beside chat (`/v1/completions`,
//! `/v1/contracted-completions`).

use std::time::Duration;

use clawkit_core::{ApiKey, Headers};
use clawkit_http::{HttpClient, HttpConfig, HttpError, HttpErrorKind};
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

use crate::boundary::{Health, RegistryModel, RouteMetadata, RuntimeState, read_registry};
use crate::error::CustomRuntimeError;
use crate::metadata::{Capability, CapabilityProfile, CustomRuntimeMetadata, Endpoints};
use crate::office::{OfficeIdentity, OfficeState, Signals, office_identities};

/// The largest `/state` or `/registry` document read.
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// How long a probe waits for an answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Checks a runtime URL: `http` or `https` only (`ws`/`wss` become
/// `http`/`https`, as Claw3D maps them), credentials stripped, no query or
/// fragment, one trailing `/` dropped, and the host in `allowed_hosts` when
/// a list is given. The error never shows the credentials.
///
/// ```
/// use custom_runtime::client::runtime_url;
///
/// let url = runtime_url("http://user:secret@127.0.0.1:7770/orchestrator/", None)?;
/// assert_eq!(url.as_str(), "http://127.0.0.1:7770/orchestrator");
/// assert!(runtime_url("file:///etc/passwd", None).is_err());
/// let allowed = ["runtime.internal".to_owned()];
/// assert!(runtime_url("http://127.0.0.1:7770", Some(&allowed[..])).is_err());
/// # Ok::<(), custom_runtime::CustomRuntimeError>(())
/// ```
pub fn runtime_url(raw: &str, allowed_hosts: Option<&[String]>) -> Result<Url, CustomRuntimeError> {
    let refuse = |shown: &str, reason: &str| CustomRuntimeError::InvalidUrl {
        url: shown.to_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(raw.trim()).map_err(|e| refuse("(unparsable)", &e.to_string()))?;
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let scheme = match url.scheme() {
        "http" | "ws" => "http",
        "https" | "wss" => "https",
        _ => {
            return Err(refuse(
                url.as_str(),
                "only http and https runtimes are called",
            ));
        }
    };
    if url.scheme() != scheme {
        let rebuilt = format!("{scheme}{}", &url.as_str()[url.scheme().len()..]);
        url = Url::parse(&rebuilt).map_err(|e| refuse("(unparsable)", &e.to_string()))?;
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(
            url.as_str(),
            "a runtime URL has no query or fragment",
        ));
    }
    let Some(host) = url.host_str().map(str::to_owned) else {
        return Err(refuse(url.as_str(), "the URL names no host"));
    };
    if let Some(allowed) = allowed_hosts {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if !allowed
            .iter()
            .any(|h| h.eq_ignore_ascii_case(bare) || h.eq_ignore_ascii_case(&host))
        {
            return Err(refuse(
                url.as_str(),
                &format!("host {host} is not in the allowed hosts"),
            ));
        }
    }
    let path = url
        .path()
        .strip_suffix('/')
        .unwrap_or(url.path())
        .to_owned();
    url.set_path(&path);
    Ok(url)
}

/// `base` + `path` (`/v1/chat/completions`), keeping a path prefix.
pub fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url
}

/// What one probe of the runtime found.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Probe {
    /// Which endpoints answered.
    pub endpoints: Endpoints,
    /// `/health`, when it answered at all.
    pub health: Option<Health>,
    /// `/state`, when it answered with an object.
    pub state: Option<RuntimeState>,
    /// `/registry`, when it answered with an object.
    pub registry: Option<Vec<RegistryModel>>,
}

/// What the provider makes of a runtime: who it is, what it can do, the
/// office identities and the office state, from one probe.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RuntimeDescription {
    /// Who the runtime is.
    pub metadata: CustomRuntimeMetadata,
    /// What the provider claims, each backed by an endpoint that answered.
    pub capabilities: Vec<Capability>,
    /// The office identities of its roles.
    pub identities: Vec<OfficeIdentity>,
    /// Its public office state.
    pub office: OfficeState,
    /// The models of `/registry`.
    pub models: Vec<String>,
    /// What answered.
    pub endpoints: Endpoints,
}

impl RuntimeDescription {
    /// The description `probe` supports; `has_session_store` and
    /// `configured` as [`CapabilityProfile::from_probe`] takes them.
    pub fn from_probe(probe: &Probe, has_session_store: bool, configured: bool) -> Self {
        let metadata = CustomRuntimeMetadata::from_state(probe.state.as_ref());
        let profile = CapabilityProfile::from_probe(
            &probe.endpoints,
            probe.state.as_ref(),
            has_session_store,
            configured,
        );
        let signals = Signals {
            health: probe.health.as_ref(),
            state: probe.state.as_ref(),
            unreachable: !probe.endpoints.health && !probe.endpoints.chat,
            ..Signals::default()
        };
        RuntimeDescription {
            identities: office_identities(probe.state.as_ref(), &metadata.runtime_name),
            metadata,
            capabilities: profile.claimed().to_vec(),
            office: OfficeState::from_signals(&signals),
            models: probe
                .registry
                .iter()
                .flatten()
                .map(|m| m.id.clone())
                .collect(),
            endpoints: probe.endpoints.clone(),
        }
    }
}

/// A client of one runtime.
#[derive(Debug, Clone)]
pub struct RuntimeClient {
    http: HttpClient,
    probe_http: HttpClient,
    base: Url,
    token: Option<ApiKey>,
}

impl RuntimeClient {
    /// A client of the runtime at `base` (see [`runtime_url`]), sending
    /// `token` as a bearer token when given.
    pub fn new(base: Url, token: Option<ApiKey>) -> Result<Self, CustomRuntimeError> {
        let http = HttpClient::new().map_err(|e| from_http(&e, None))?;
        let probe_http = HttpClient::with_config(
            HttpConfig::default()
                .with_connect_timeout(PROBE_TIMEOUT)
                .with_first_byte_timeout(PROBE_TIMEOUT)
                .with_idle_timeout(PROBE_TIMEOUT),
        )
        .map_err(|e| from_http(&e, None))?;
        Ok(RuntimeClient {
            http,
            probe_http,
            base,
            token,
        })
    }

    /// The same client (sharing its connections) for the runtime at
    /// `base` with `token`.
    pub fn with_target(&self, base: Url, token: Option<ApiKey>) -> Self {
        RuntimeClient {
            http: self.http.clone(),
            probe_http: self.probe_http.clone(),
            base,
            token,
        }
    }

    /// The runtime URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The HTTP client chat requests go through.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// The headers of every request: `Authorization` when there is a token.
    pub fn headers(&self) -> Headers {
        let mut headers = Headers::new();
        if let Some(token) = &self.token {
            headers.insert("Authorization", format!("Bearer {}", token.expose()));
        }
        headers
    }

    /// The token, for scrubbing from errors.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        self.token.iter().map(ApiKey::expose).collect()
    }

    /// `GET /health`. Any answer is a [`Health`] (a 503 is reachable but
    /// down); `Err` only when the runtime cannot be reached.
    pub async fn health(&self) -> Result<Health, CustomRuntimeError> {
        let url = endpoint(&self.base, "/health");
        match self
            .probe_http
            .get_json::<Value>("custom", &url, &self.headers(), MAX_DOCUMENT_BYTES)
            .await
        {
            Ok(body) => Ok(Health::read(200, &body)),
            // A plain-text `OK`: reachable, nothing more said.
            Err(e) if e.kind() == HttpErrorKind::Decode => Ok(Health::read(200, &Value::Null)),
            Err(e) => match e.status() {
                Some(status) => Ok(Health::read(status, &error_body_json(&e))),
                None => Err(from_http(&e, None)),
            },
        }
    }

    /// `GET /state`: `None` when the runtime has none (any error status,
    /// or not an object).
    pub async fn state(&self) -> Result<Option<RuntimeState>, CustomRuntimeError> {
        Ok(self
            .document("/state")
            .await?
            .map(|body| RuntimeState::read(&body)))
    }

    /// `GET /registry`: `None` when the runtime has none.
    pub async fn registry(&self) -> Result<Option<Vec<RegistryModel>>, CustomRuntimeError> {
        Ok(self
            .document("/registry")
            .await?
            .map(|body| read_registry(&body)))
    }

    async fn document(&self, path: &str) -> Result<Option<Value>, CustomRuntimeError> {
        let url = endpoint(&self.base, path);
        match self
            .probe_http
            .get_json::<Value>("custom", &url, &self.headers(), MAX_DOCUMENT_BYTES)
            .await
        {
            Ok(body @ Value::Object(_)) => Ok(Some(body)),
            Ok(_) => Ok(None),
            Err(e) if e.status().is_some() || e.kind() == HttpErrorKind::Decode => Ok(None),
            Err(e) => Err(from_http(&e, None)),
        }
    }

    /// Whether `POST path` exists: an empty request answered with anything
    /// but 404 / 405 (a 400 for the empty body is expected).
    pub async fn post_exists(&self, path: &str) -> bool {
        let url = endpoint(&self.base, path);
        let secrets = self.secrets();
        match self
            .probe_http
            .post_json("custom", &url, &self.headers(), b"{}", &secrets)
            .await
        {
            Ok(_) => true,
            Err(e) => e
                .status()
                .is_some_and(|status| status != 404 && status != 405),
        }
    }

    /// Probes every endpoint at once. Never fails: what did not answer is
    /// absent.
    pub async fn probe(&self) -> Probe {
        let (health, state, registry, chat, completions, contracted) = futures::join!(
            self.health(),
            self.state(),
            self.registry(),
            self.post_exists("/v1/chat/completions"),
            self.post_exists("/v1/completions"),
            self.post_exists("/v1/contracted-completions"),
        );
        let health = health.ok();
        let state = state.ok().flatten();
        let registry = registry.ok().flatten();
        Probe {
            endpoints: Endpoints {
                health: health.is_some(),
                state: state.is_some(),
                registry: registry.is_some(),
                chat,
                completions,
                contracted,
            },
            health,
            state,
            registry,
        }
    }

    /// Probes the runtime and describes it (no session store, URL given).
    pub async fn describe(&self) -> RuntimeDescription {
        RuntimeDescription::from_probe(&self.probe().await, false, true)
    }

    /// `POST /v1/completions` (not streamed): the text of `choices[0]`.
    pub async fn completion(
        &self,
        model: Option<&str>,
        prompt: &str,
        role: Option<&str>,
    ) -> Result<String, CustomRuntimeError> {
        let mut body = json!({"prompt": prompt, "stream": false});
        if let Some(model) = model {
            body["model"] = json!(model);
        }
        if let Some(role) = role {
            body["role"] = json!(role);
        }
        let answer = self.post("/v1/completions", &body).await?;
        answer
            .pointer("/choices/0/text")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| CustomRuntimeError::Runtime {
                status: None,
                message: "custom: the completion has no choices[0].text".to_owned(),
                health: None,
            })
    }

    /// `POST /v1/contracted-completions`: an answer that satisfies
    /// `request.contract`, checked again here. A violation, whether the
    /// runtime reports it (422) or this check finds it, is
    /// [`CustomRuntimeError::ContractViolation`] with the pointer.
    pub async fn contracted_completion(
        &self,
        request: &ContractRequest,
    ) -> Result<ContractedAnswer, CustomRuntimeError> {
        let validator = compile_contract(&request.contract)?;
        let mut body = json!({
            "messages": [{"role": "user", "content": request.prompt}],
            "contract": request.contract,
        });
        for (key, value) in [
            ("model", &request.model),
            ("role", &request.role),
            ("session_id", &request.session_id),
        ] {
            if let Some(value) = value {
                body[key] = json!(value);
            }
        }
        let answer = self.post("/v1/contracted-completions", &body).await?;
        let output = answer.get("output").cloned().unwrap_or(Value::Null);
        check_contract(&validator, &output)?;
        Ok(ContractedAnswer {
            output,
            text: answer
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            model: answer
                .get("model")
                .and_then(Value::as_str)
                .map(str::to_owned),
            route: answer
                .get("route")
                .map(RouteMetadata::read)
                .unwrap_or_default(),
        })
    }

    /// POSTs `body` and reads the JSON answer; an error status becomes
    /// [`CustomRuntimeError::Runtime`] naming the status and the runtime's
    /// health (404 / 405: [`CustomRuntimeError::Unsupported`]; 422 with an
    /// `error.pointer`: [`CustomRuntimeError::ContractViolation`]).
    async fn post(&self, path: &str, body: &Value) -> Result<Value, CustomRuntimeError> {
        let url = endpoint(&self.base, path);
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let secrets = self.secrets();
        let result = async {
            let ok = self
                .http
                .post_json("custom", &url, &self.headers(), &bytes, &secrets)
                .await?;
            self.http.read_json::<Value>("custom", ok).await
        }
        .await;
        match result {
            Ok(answer) => Ok(answer),
            Err(e) if matches!(e.status(), Some(404 | 405)) => {
                Err(CustomRuntimeError::Unsupported {
                    endpoint: format!("POST {path}"),
                })
            }
            // The runtime found the answer in breach of its contract.
            Err(e) if e.status() == Some(422) => {
                let body = error_body_json(&e);
                let error = body.get("error").unwrap_or(&Value::Null);
                let text = |key: &str| error.get(key).and_then(Value::as_str).map(str::to_owned);
                Err(CustomRuntimeError::ContractViolation {
                    pointer: text("pointer").unwrap_or_default(),
                    message: text("message").unwrap_or_else(|| e.to_string()),
                })
            }
            Err(e) => {
                let health = self.health().await.ok();
                Err(from_http(&e, health.as_ref()))
            }
        }
    }
}

/// What [`RuntimeClient::contracted_completion`] asks.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ContractRequest {
    /// The question.
    pub prompt: String,
    /// The JSON Schema the answer must satisfy.
    pub contract: Value,
    /// The model, when not the role's.
    pub model: Option<String>,
    /// The role to route to.
    pub role: Option<String>,
    /// The session.
    pub session_id: Option<String>,
}

impl ContractRequest {
    /// `prompt`, answered as JSON satisfying `contract`.
    pub fn new(prompt: impl Into<String>, contract: Value) -> Self {
        ContractRequest {
            prompt: prompt.into(),
            contract,
            model: None,
            role: None,
            session_id: None,
        }
    }

    /// Routed to `role`.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// In session `session_id`.
    pub fn session_id(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }

    /// Answered by `model`.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }
}

/// A contracted answer that satisfied its contract.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ContractedAnswer {
    /// The answer as JSON.
    pub output: Value,
    /// The answer as the worker wrote it.
    pub text: String,
    /// The model that answered.
    pub model: Option<String>,
    /// How the runtime routed it.
    pub route: RouteMetadata,
}

/// Compiles a contract; an invalid schema is
/// [`CustomRuntimeError::InvalidContract`].
pub fn compile_contract(contract: &Value) -> Result<jsonschema::Validator, CustomRuntimeError> {
    if !contract.is_object() && !contract.is_boolean() {
        return Err(CustomRuntimeError::InvalidContract(
            "a contract is a JSON Schema: an object or a boolean".to_owned(),
        ));
    }
    if contract.get("$schema").is_some() && jsonschema::meta::try_is_valid(contract).is_err() {
        return Err(CustomRuntimeError::InvalidContract(
            "unknown JSON Schema dialect in $schema".to_owned(),
        ));
    }
    jsonschema::validator_for(contract)
        .map_err(|e| CustomRuntimeError::InvalidContract(e.to_string()))
}

/// Checks `answer` against a compiled contract: the first violation, with
/// its RFC 6901 pointer into the answer. The message names the keyword that
/// failed, never the answer's strings.
pub fn check_contract(
    validator: &jsonschema::Validator,
    answer: &Value,
) -> Result<(), CustomRuntimeError> {
    match validator.iter_errors(answer).next() {
        None => Ok(()),
        Some(error) => Err(CustomRuntimeError::ContractViolation {
            pointer: error.instance_path.to_string(),
            message: violation_message(&error),
        }),
    }
}

fn violation_message(error: &jsonschema::ValidationError<'_>) -> String {
    let message = error.to_string();
    match error.instance.as_ref() {
        Value::String(_) | Value::Array(_) | Value::Object(_) => {
            message.replace(&error.instance.to_string(), "the value")
        }
        _ => message,
    }
}

/// The JSON of an error body, when it was JSON.
fn error_body_json(error: &HttpError) -> Value {
    error
        .body()
        .and_then(|body| serde_json::from_str(body).ok())
        .unwrap_or(Value::Null)
}

/// An HTTP failure as the crate's error, with the runtime's health in the
/// message when known: `custom (503): worker flaky failing: runtime
/// degraded (runtime health: degraded)`.
pub(crate) fn from_http(error: &HttpError, health: Option<&Health>) -> CustomRuntimeError {
    let health_summary = health.map(Health::summary);
    let message = match &health_summary {
        Some(summary) => format!("{error} (runtime health: {summary})"),
        None => error.to_string(),
    };
    CustomRuntimeError::Runtime {
        status: error.status(),
        message,
        health: health_summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_cleaned() {
        let ok = |raw: &str| runtime_url(raw, None).map(|u| u.to_string());
        assert_eq!(
            ok("http://127.0.0.1:7770").unwrap(),
            "http://127.0.0.1:7770/"
        );
        assert_eq!(
            ok("ws://127.0.0.1:7770/").unwrap(),
            "http://127.0.0.1:7770/"
        );
        assert_eq!(
            ok("wss://rt.example/a/b/").unwrap(),
            "https://rt.example/a/b"
        );
        assert_eq!(
            ok("https://u:p@rt.example/").unwrap(),
            "https://rt.example/"
        );
        for bad in [
            "ftp://rt.example",
            "http://rt.example/?x=1",
            "not a url",
            "unix:/tmp/s",
        ] {
            let error = runtime_url(bad, None).unwrap_err();
            assert!(
                matches!(error, CustomRuntimeError::InvalidUrl { .. }),
                "{bad}: {error}"
            );
        }
        let secret = runtime_url("ftp://user:hunter2@rt.example", None).unwrap_err();
        assert!(!secret.to_string().contains("hunter2"), "{secret}");
        let hosts = ["rt.example".to_owned(), "::1".to_owned()];
        assert!(runtime_url("http://RT.example:1/", Some(&hosts)).is_ok());
        assert!(runtime_url("http://[::1]:1/", Some(&hosts)).is_ok());
        assert!(runtime_url("http://evil.example/", Some(&hosts)).is_err());
    }

    #[test]
    fn endpoints_keep_a_path_prefix() {
        let base = runtime_url("http://h:1/orchestrator/", None).unwrap();
        assert_eq!(
            endpoint(&base, "/health").as_str(),
            "http://h:1/orchestrator/health"
        );
        let root = runtime_url("http://h:1", None).unwrap();
        assert_eq!(
            endpoint(&root, "/v1/chat/completions").as_str(),
            "http://h:1/v1/chat/completions"
        );
    }

    #[test]
    fn a_contract_names_the_failing_pointer_and_not_the_value() {
        let contract = json!({"type": "object", "required": ["verdict"],
            "properties": {"verdict": {"enum": ["approve", "reject"]}, "notes": {"type": "array", "items": {"type": "string"}}}});
        let validator = compile_contract(&contract).unwrap();
        assert!(check_contract(&validator, &json!({"verdict": "approve"})).is_ok());
        let error =
            check_contract(&validator, &json!({"verdict": "secret-token-123"})).unwrap_err();
        let CustomRuntimeError::ContractViolation { pointer, message } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(pointer, "/verdict");
        assert!(!message.contains("secret-token-123"), "{message}");
        let error = check_contract(&validator, &json!({"verdict": "reject", "notes": ["a", 2]}))
            .unwrap_err();
        assert!(
            matches!(&error, CustomRuntimeError::ContractViolation { pointer, .. } if pointer == "/notes/1"),
            "{error}"
        );
        assert!(matches!(
            compile_contract(&json!("nope")),
            Err(CustomRuntimeError::InvalidContract(_))
        ));
        assert!(matches!(
            compile_contract(&json!({"type": 12})),
            Err(CustomRuntimeError::InvalidContract(_))
        ));
    }
}
