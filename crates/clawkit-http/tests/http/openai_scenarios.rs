//! Scenarios for the openai-completions transport.
