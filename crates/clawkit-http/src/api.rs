//! The one table from a model's `api` to clawkit's implementation of it:
//! [`transport_for`] and [`crate::StreamDecoder`] both go through
//! [`Api::of`], so a transport and its offline decoder never disagree.

use std::sync::Arc;

use clawkit_core::{ModelApi, RuntimeModel, SharedStreamFn};

use crate::client::HttpClient;
use crate::wire_decoder::WireDecoder;
use crate::{anthropic_messages, google_generative_ai, openai_completions, openai_responses};

/// A wire API clawkit implements, named as the `api` it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// `openai-completions` (and `ollama`).
    OpenAiCompletions,
    /// `anthropic-messages`.
    AnthropicMessages,
    /// `openai-responses` and its Azure, Codex and ChatGPT variants.
    OpenAiResponses,
    /// `google-generative-ai`.
    GoogleGenerativeAi,
}

impl Api {
    const ALL: [Api; 4] = [
        Api::OpenAiCompletions,
        Api::AnthropicMessages,
        Api::OpenAiResponses,
        Api::GoogleGenerativeAi,
    ];

    /// The implementation serving `api`, if clawkit has one.
    pub(crate) fn of(api: &ModelApi) -> Option<Api> {
        Api::ALL
            .into_iter()
            .find(|candidate| candidate.handles(api))
    }

    fn handles(self, api: &ModelApi) -> bool {
        match self {
            Api::OpenAiCompletions => openai_completions::handles(api),
            Api::AnthropicMessages => anthropic_messages::handles(api),
            Api::OpenAiResponses => openai_responses::handles(api),
            Api::GoogleGenerativeAi => google_generative_ai::handles(api),
        }
    }

    /// The transport, sending through `client`.
    pub(crate) fn transport(self, client: &HttpClient) -> SharedStreamFn {
        let client = client.clone();
        match self {
            Api::OpenAiCompletions => Arc::new(openai_completions::OpenAiCompletions::new(client)),
            Api::AnthropicMessages => Arc::new(anthropic_messages::AnthropicMessages::new(client)),
            Api::OpenAiResponses => Arc::new(openai_responses::OpenAiResponses::new(client)),
            Api::GoogleGenerativeAi => {
                Arc::new(google_generative_ai::GoogleGenerativeAi::new(client))
            }
        }
    }

    /// The wire decoder for a response from `model`.
    pub(crate) fn decoder(self, model: &RuntimeModel) -> Box<dyn WireDecoder> {
        match self {
            Api::OpenAiCompletions => Box::new(openai_completions::Decoder::new(model)),
            Api::AnthropicMessages => Box::new(anthropic_messages::Decoder::new(model)),
            Api::OpenAiResponses => Box::new(openai_responses::Decoder::new(model)),
            Api::GoogleGenerativeAi => Box::new(google_generative_ai::Decoder::new(model)),
        }
    }
}

/// Whether clawkit has a transport for `api` (what [`transport_for`]
/// would find), without building one.
///
/// ```
/// use clawkit_core::ModelApi;
///
/// assert!(clawkit_http::has_transport(&ModelApi::AnthropicMessages));
/// assert!(clawkit_http::has_transport(&ModelApi::Ollama));
/// assert!(!clawkit_http::has_transport(&ModelApi::from("acme-rpc")));
/// ```
pub fn has_transport(api: &ModelApi) -> bool {
    Api::of(api).is_some()
}

/// The transport for `api`, if clawkit has one.
pub fn transport_for(api: &ModelApi, client: &HttpClient) -> Option<SharedStreamFn> {
    Api::of(api).map(|found| found.transport(client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_api_is_served_by_exactly_one_implementation() {
        let apis = [
            (ModelApi::OpenAiCompletions, Some(Api::OpenAiCompletions)),
            (ModelApi::Ollama, Some(Api::OpenAiCompletions)),
            (ModelApi::AnthropicMessages, Some(Api::AnthropicMessages)),
            (ModelApi::OpenAiResponses, Some(Api::OpenAiResponses)),
            (ModelApi::AzureOpenAiResponses, Some(Api::OpenAiResponses)),
            (ModelApi::OpenAiCodexResponses, Some(Api::OpenAiResponses)),
            (ModelApi::OpenAiChatGptResponses, Some(Api::OpenAiResponses)),
            (ModelApi::GoogleGenerativeAi, Some(Api::GoogleGenerativeAi)),
            (ModelApi::Other("acme-rpc".into()), None),
        ];
        for (api, expected) in apis {
            assert_eq!(Api::of(&api), expected, "{api:?}");
            assert_eq!(has_transport(&api), expected.is_some(), "{api:?}");
            let serving = Api::ALL.iter().filter(|a| a.handles(&api)).count();
            assert_eq!(serving, usize::from(expected.is_some()), "{api:?}");
        }
    }
}
