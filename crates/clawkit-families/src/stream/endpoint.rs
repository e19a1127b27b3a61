//! Endpoint classes: what OpenClaw calls a base URL's host (native OpenAI,
//! OpenRouter, native Moonshot, a local server, a custom proxy, …), and
//! the attribution headers it sends to a verified route
//! (`src/agents/provider-attribution.ts`).
//!
//! OpenClaw 2026.9.6 reads the classes from the `providerEndpoints` of the
//! plugin manifests it has loaded; this table holds those of its bundled
//! plugins and of its official external provider plugins (Moonshot, Model
//! Studio, DeepSeek, …), matched the same way: an exact host, a host
//! suffix, or an exact base URL.

use clawkit_core::{HeaderPrecedence, Headers, RuntimeModel};
use url::Url;

/// The class of an endpoint, from its base URL.
///
/// ```
/// use clawkit_families::stream::EndpointClass;
///
/// let class = |url: &str| EndpointClass::of(&url.parse().unwrap());
/// assert_eq!(class("https://api.openai.com/v1"), EndpointClass::OpenAiPublic);
/// assert_eq!(class("https://api.moonshot.ai/v1/"), EndpointClass::MoonshotNative);
/// assert_eq!(class("https://api.moonshot.ai/anthropic"), EndpointClass::Custom);
/// assert_eq!(class("http://127.0.0.1:8080/v1"), EndpointClass::Local);
/// assert_eq!(class("https://proxy.example/v1").as_str(), "custom");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointClass {
    /// `api.anthropic.com`.
    AnthropicPublic,
    /// `api.cerebras.ai`.
    CerebrasNative,
    /// `llm.chutes.ai`.
    ChutesNative,
    /// `api.deepseek.com`.
    DeepSeekNative,
    /// `*.githubcopilot.com`.
    GithubCopilotNative,
    /// `api.groq.com`.
    GroqNative,
    /// `api.meta.ai`.
    MetaNative,
    /// `api.mistral.ai`.
    MistralPublic,
    /// `api.minimax.io`, `api.minimaxi.com`.
    MinimaxNative,
    /// The base URLs `https://api.moonshot.ai/v1` and `https://api.moonshot.cn/v1`.
    MoonshotNative,
    /// The DashScope / Model Studio OpenAI-compatible base URLs.
    ModelStudioNative,
    /// `integrate.api.nvidia.com`.
    NvidiaNative,
    /// `api.openai.com` and `*.api.openai.com`.
    OpenAiPublic,
    /// `chatgpt.com` (Codex).
    OpenAi,
    /// The base URLs `https://opencode.ai/zen` and `…/zen/v1`.
    OpenCodeNative,
    /// The base URLs `https://opencode.ai/zen/go` and `…/zen/go/v1`.
    OpenCodeGoNative,
    /// `*.openai.azure.com`.
    AzureOpenAi,
    /// `openrouter.ai` and its subdomains.
    OpenRouter,
    /// `api.x.ai`.
    XaiNative,
    /// The Xiaomi MiMo hosts.
    XiaomiNative,
    /// `api.z.ai`, `open.bigmodel.cn`.
    ZaiNative,
    /// `generativelanguage.googleapis.com`.
    GoogleGenerativeAi,
    /// The Vertex AI hosts.
    GoogleVertex,
    /// `localhost`, loopback addresses, `*.localhost`, `*.local`, `*.internal`.
    Local,
    /// Any other host: a proxy or a custom deployment.
    Custom,
    /// A URL without a host.
    Invalid,
}

/// One `providerEndpoints` entry.
struct Endpoint {
    class: EndpointClass,
    hosts: &'static [&'static str],
    host_suffixes: &'static [&'static str],
    base_urls: &'static [&'static str],
}

const fn hosts(class: EndpointClass, hosts: &'static [&'static str]) -> Endpoint {
    Endpoint {
        class,
        hosts,
        host_suffixes: &[],
        base_urls: &[],
    }
}

const fn suffixes(class: EndpointClass, host_suffixes: &'static [&'static str]) -> Endpoint {
    Endpoint {
        class,
        hosts: &[],
        host_suffixes,
        base_urls: &[],
    }
}

const fn base_urls(class: EndpointClass, base_urls: &'static [&'static str]) -> Endpoint {
    Endpoint {
        class,
        hosts: &[],
        host_suffixes: &[],
        base_urls,
    }
}

/// The manifests' `providerEndpoints` (bundled plugins, then the official
/// external provider plugins), in the classes OpenClaw accepts.
const ENDPOINTS: &[Endpoint] = &[
    hosts(EndpointClass::AnthropicPublic, &["api.anthropic.com"]),
    suffixes(EndpointClass::GithubCopilotNative, &[".githubcopilot.com"]),
    hosts(
        EndpointClass::GoogleGenerativeAi,
        &["generativelanguage.googleapis.com"],
    ),
    hosts(
        EndpointClass::GoogleVertex,
        &[
            "aiplatform.googleapis.com",
            "aiplatform.eu.rep.googleapis.com",
            "aiplatform.us.rep.googleapis.com",
        ],
    ),
    suffixes(EndpointClass::GoogleVertex, &["-aiplatform.googleapis.com"]),
    hosts(
        EndpointClass::MinimaxNative,
        &["api.minimax.io", "api.minimaxi.com"],
    ),
    Endpoint {
        class: EndpointClass::NvidiaNative,
        hosts: &["integrate.api.nvidia.com"],
        host_suffixes: &[],
        base_urls: &["https://integrate.api.nvidia.com/v1"],
    },
    Endpoint {
        class: EndpointClass::OpenAiPublic,
        hosts: &["api.openai.com"],
        host_suffixes: &[".api.openai.com"],
        base_urls: &[],
    },
    hosts(EndpointClass::OpenAi, &["chatgpt.com"]),
    suffixes(EndpointClass::AzureOpenAi, &[".openai.azure.com"]),
    base_urls(
        EndpointClass::OpenCodeGoNative,
        &[
            "https://opencode.ai/zen/go",
            "https://opencode.ai/zen/go/v1",
        ],
    ),
    suffixes(EndpointClass::OpenRouter, &["openrouter.ai"]),
    hosts(EndpointClass::XaiNative, &["api.x.ai"]),
    hosts(EndpointClass::CerebrasNative, &["api.cerebras.ai"]),
    hosts(EndpointClass::ChutesNative, &["llm.chutes.ai"]),
    hosts(EndpointClass::DeepSeekNative, &["api.deepseek.com"]),
    hosts(EndpointClass::MetaNative, &["api.meta.ai"]),
    hosts(EndpointClass::MistralPublic, &["api.mistral.ai"]),
    base_urls(
        EndpointClass::OpenCodeNative,
        &["https://opencode.ai/zen", "https://opencode.ai/zen/v1"],
    ),
    hosts(EndpointClass::GroqNative, &["api.groq.com"]),
    base_urls(
        EndpointClass::ModelStudioNative,
        &[
            "https://coding-intl.dashscope.aliyuncs.com/v1",
            "https://coding.dashscope.aliyuncs.com/v1",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            "https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1",
            "https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1",
        ],
    ),
    base_urls(
        EndpointClass::MoonshotNative,
        &["https://api.moonshot.ai/v1", "https://api.moonshot.cn/v1"],
    ),
    hosts(
        EndpointClass::XiaomiNative,
        &[
            "api.xiaomimimo.com",
            "token-plan-ams.xiaomimimo.com",
            "token-plan-cn.xiaomimimo.com",
            "token-plan-sgp.xiaomimimo.com",
        ],
    ),
    hosts(EndpointClass::ZaiNative, &["api.z.ai", "open.bigmodel.cn"]),
];

impl EndpointClass {
    /// The class of `base_url`: the first manifest endpoint whose host,
    /// host suffix or base URL matches, else `local` for loopback and
    /// `.local`/`.internal` hosts, else `custom`.
    pub fn of(base_url: &Url) -> EndpointClass {
        let Some(host) = base_url.host_str().filter(|host| !host.is_empty()) else {
            return EndpointClass::Invalid;
        };
        let host = host.to_ascii_lowercase();
        let normalized = normalized_base_url(base_url);
        let matching = ENDPOINTS.iter().find(|endpoint| {
            endpoint.hosts.contains(&host.as_str())
                || endpoint
                    .host_suffixes
                    .iter()
                    .any(|suffix| host_matches_suffix(&host, suffix))
                || normalized
                    .as_deref()
                    .is_some_and(|url| endpoint.base_urls.contains(&url))
        });
        if let Some(endpoint) = matching {
            return endpoint.class;
        }
        let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]")
            || [".localhost", ".local", ".internal"]
                .iter()
                .any(|suffix| host.ends_with(suffix));
        if local {
            EndpointClass::Local
        } else {
            EndpointClass::Custom
        }
    }

    /// OpenClaw's name of the class (`openai-public`, `moonshot-native`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointClass::AnthropicPublic => "anthropic-public",
            EndpointClass::CerebrasNative => "cerebras-native",
            EndpointClass::ChutesNative => "chutes-native",
            EndpointClass::DeepSeekNative => "deepseek-native",
            EndpointClass::GithubCopilotNative => "github-copilot-native",
            EndpointClass::GroqNative => "groq-native",
            EndpointClass::MetaNative => "meta-native",
            EndpointClass::MistralPublic => "mistral-public",
            EndpointClass::MinimaxNative => "minimax-native",
            EndpointClass::MoonshotNative => "moonshot-native",
            EndpointClass::ModelStudioNative => "modelstudio-native",
            EndpointClass::NvidiaNative => "nvidia-native",
            EndpointClass::OpenAiPublic => "openai-public",
            EndpointClass::OpenAi => "openai",
            EndpointClass::OpenCodeNative => "opencode-native",
            EndpointClass::OpenCodeGoNative => "opencode-go-native",
            EndpointClass::AzureOpenAi => "azure-openai",
            EndpointClass::OpenRouter => "openrouter",
            EndpointClass::XaiNative => "xai-native",
            EndpointClass::XiaomiNative => "xiaomi-native",
            EndpointClass::ZaiNative => "zai-native",
            EndpointClass::GoogleGenerativeAi => "google-generative-ai",
            EndpointClass::GoogleVertex => "google-vertex",
            EndpointClass::Local => "local",
            EndpointClass::Custom => "custom",
            EndpointClass::Invalid => "invalid",
        }
    }

    /// Whether this is one of OpenAI's own endpoints (public API, Codex,
    /// Azure OpenAI).
    pub(crate) fn is_native_openai(self) -> bool {
        matches!(
            self,
            EndpointClass::OpenAiPublic | EndpointClass::OpenAi | EndpointClass::AzureOpenAi
        )
    }
}

/// `normalizePluginProviderBaseUrl`: http(s) only, without query and
/// fragment, without trailing slashes, lower-cased.
fn normalized_base_url(base_url: &Url) -> Option<String> {
    if !matches!(base_url.scheme(), "http" | "https") {
        return None;
    }
    let mut url = base_url.clone();
    url.set_query(None);
    url.set_fragment(None);
    Some(url.as_str().trim_end_matches('/').to_lowercase())
}

/// `hostMatchesSuffix`: a suffix starting with `.` or `-` matches the end
/// of the host; a bare domain matches itself and its subdomains.
fn host_matches_suffix(host: &str, suffix: &str) -> bool {
    if suffix.starts_with('.') || suffix.starts_with('-') {
        host.ends_with(suffix)
    } else {
        host == suffix
            || host
                .strip_suffix(suffix)
                .is_some_and(|rest| rest.ends_with('.'))
    }
}

/// The OpenClaw version the attribution headers name (`version`,
/// `User-Agent: openclaw/<version>`): the release whose behaviour these
/// families reproduce.
pub const OPENCLAW_ATTRIBUTION_VERSION: &str = "2026.9.6";

/// `OPENROUTER_ATTRIBUTION_CATEGORIES`.
const OPENROUTER_CATEGORIES: &str = "cli-agent,cloud-agent,programming-app,creative-writing,writing-assistant,general-chat,personal-agent";

/// The attribution headers OpenClaw sends on a verified route of
/// `provider` (`resolveProviderRequestPolicy`): OpenAI's on its public API
/// and Codex, OpenRouter's on `openrouter.ai`, xAI's on `api.x.ai`,
/// OpenCode Go's on its base URL, NVIDIA's and Google's on their hosts
/// whatever the provider id.
pub(crate) fn attribution_headers(
    provider: &str,
    class: EndpointClass,
) -> Vec<(&'static str, String)> {
    let provider = provider.trim().to_lowercase();
    let user_agent = format!("openclaw/{OPENCLAW_ATTRIBUTION_VERSION}");
    let openai_like = || {
        vec![
            ("originator", "openclaw".to_owned()),
            ("version", OPENCLAW_ATTRIBUTION_VERSION.to_owned()),
            ("User-Agent", user_agent.clone()),
        ]
    };
    match (provider.as_str(), class) {
        ("openai", EndpointClass::OpenAiPublic | EndpointClass::OpenAi) => return openai_like(),
        ("openrouter", EndpointClass::OpenRouter) => {
            return vec![
                ("HTTP-Referer", "https://openclaw.ai".to_owned()),
                ("X-OpenRouter-Title", "OpenClaw".to_owned()),
                ("X-OpenRouter-Categories", OPENROUTER_CATEGORIES.to_owned()),
            ];
        }
        ("xai", EndpointClass::XaiNative) => return openai_like(),
        ("opencode-go", EndpointClass::OpenCodeGoNative) => {
            return vec![("User-Agent", user_agent)];
        }
        _ => {}
    }
    match class {
        EndpointClass::NvidiaNative => vec![("X-BILLING-INVOKE-ORIGIN", "OpenClaw".to_owned())],
        EndpointClass::GoogleGenerativeAi => vec![("x-goog-api-client", user_agent)],
        _ => Vec::new(),
    }
}

/// `resolveProviderRequestPolicyConfig(...).headers` for a stream request:
/// the wrapper's own `provider_headers` merged with `precedence` over the
/// caller's, then the route's attribution headers over both (a caller
/// cannot override those).
pub(crate) fn merge_request_headers(
    headers: &mut Headers,
    provider: &str,
    model: &RuntimeModel,
    provider_headers: Vec<(&'static str, String)>,
    precedence: HeaderPrecedence,
) {
    headers.merge(provider_headers, precedence);
    let class = EndpointClass::of(&model.base_url);
    headers.merge(
        attribution_headers(provider, class),
        HeaderPrecedence::DefaultsWin,
    );
}

/// `supportsOpenAIReasoningCompatPayload`: an OpenAI or Azure OpenAI
/// provider speaking an OpenAI API on one of OpenAI's own endpoints.
pub(crate) fn supports_openai_reasoning_compat(model: &RuntimeModel) -> bool {
    let provider = model.provider.trim().to_lowercase();
    let api = model.api.as_str().trim().to_lowercase();
    !provider.is_empty()
        && !api.is_empty()
        && EndpointClass::of(&model.base_url).is_native_openai()
        && matches!(
            provider.as_str(),
            "openai" | "azure-openai" | "azure-openai-responses"
        )
        && matches!(
            api.as_str(),
            "openai-completions"
                | "openai-responses"
                | "openai-chatgpt-responses"
                | "azure-openai-responses"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(url: &str) -> EndpointClass {
        match url.parse::<Url>() {
            Ok(url) => EndpointClass::of(&url),
            Err(error) => unreachable!("{url}: {error}"),
        }
    }

    #[test]
    fn hosts_suffixes_and_base_urls_classify_as_the_manifests_say() {
        let cases = [
            ("https://api.openai.com/v1", "openai-public"),
            ("https://eu.api.openai.com/v1", "openai-public"),
            ("https://chatgpt.com/backend-api", "openai"),
            ("https://acme.openai.azure.com/openai", "azure-openai"),
            ("https://openrouter.ai/api/v1", "openrouter"),
            ("https://eu.openrouter.ai/api/v1", "openrouter"),
            ("https://notopenrouter.ai/api/v1", "custom"),
            ("https://api.moonshot.ai/v1", "moonshot-native"),
            ("https://API.MOONSHOT.CN/v1/?x=1#f", "moonshot-native"),
            ("https://api.moonshot.ai", "custom"),
            (
                "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                "modelstudio-native",
            ),
            ("https://dashscope.aliyuncs.com/api/v1", "custom"),
            ("https://opencode.ai/zen/go/v1", "opencode-go-native"),
            ("https://opencode.ai/zen", "opencode-native"),
            (
                "https://us-central1-aiplatform.googleapis.com",
                "google-vertex",
            ),
            (
                "https://generativelanguage.googleapis.com/v1beta",
                "google-generative-ai",
            ),
            ("https://api.x.ai/v1", "xai-native"),
            ("https://cli-chat-proxy.grok.com/v1", "custom"),
            ("http://localhost:11434", "local"),
            ("http://[::1]:8000/v1", "local"),
            ("http://gpu.internal/v1", "local"),
            ("https://proxy.example/v1", "custom"),
        ];
        for (url, expected) in cases {
            assert_eq!(class(url).as_str(), expected, "{url}");
        }
    }

    #[test]
    fn attribution_needs_the_provider_and_its_verified_route() {
        let names = |provider: &str, url: &str| -> Vec<&str> {
            attribution_headers(provider, class(url))
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        assert_eq!(
            names("OpenAI", "https://api.openai.com/v1"),
            ["originator", "version", "User-Agent"]
        );
        assert!(names("openai", "https://proxy.example/v1").is_empty());
        assert!(names("azure-openai", "https://acme.openai.azure.com").is_empty());
        assert_eq!(
            names("openrouter", "https://openrouter.ai/api/v1"),
            [
                "HTTP-Referer",
                "X-OpenRouter-Title",
                "X-OpenRouter-Categories"
            ]
        );
        assert!(names("my-router", "https://openrouter.ai/api/v1").is_empty());
        assert_eq!(
            names("anyone", "https://generativelanguage.googleapis.com"),
            ["x-goog-api-client"]
        );
    }
}
