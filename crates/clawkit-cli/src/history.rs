//! `chat --history FILE`: earlier turns as OpenAI-style chat messages,
//! mapped onto clawkit's messages by the gateway's own mapping
//! ([`clawkit_server::openai::messages_from_json`]; `docs/cli.md` lists
//! it), so that `clawkit serve` and `chat --history` read messages alike.

use std::path::Path;

use crate::input::{InputError, read_json};

/// The flag naming the file, for messages.
const FLAG: &str = "--history";

/// The earlier turns of a history file: the system messages' text, and
/// every other message.
pub(crate) type History = clawkit_server::openai::ChatMessages;

/// Reads and maps the history file `file`.
pub(crate) fn read(file: &Path) -> Result<History, InputError> {
    let document = read_json(FLAG, file)?;
    clawkit_server::openai::messages_from_json(&document).map_err(|error| {
        let (pointer, problem) = match error {
            clawkit_server::Error::InvalidRequest { pointer, message } => (pointer, message),
            other => (String::new(), other.to_string()),
        };
        InputError::Invalid {
            flag: FLAG,
            file: file.to_owned(),
            pointer,
            problem,
        }
    })
}
