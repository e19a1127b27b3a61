//! Reading manifest files: a hard size cap, UTF-8, the byte-order mark.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::diagnostic::{Collector, Diagnostics, Severity};
use crate::document::{Document, LineIndex};
use crate::json5;

/// Reads at most `cap + 1` bytes of `path`; `Ok(None)` means the file is
/// larger than `cap`. The read never grows past the cap, whatever the file.
pub(crate) fn read_capped(path: &Path, cap: usize) -> io::Result<Option<Vec<u8>>> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    file.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= cap).then_some(bytes))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Turns raw bytes into text. A byte-order mark is dropped with a warning;
/// invalid UTF-8 is an error and is replaced by U+FFFD so that the rest of
/// the file can still be checked.
pub(crate) fn decode(cx: &mut Collector<'_>, bytes: &[u8]) -> String {
    let bytes = match bytes.strip_prefix(BOM) {
        Some(rest) => {
            cx.push_at(
                Severity::Warning,
                "",
                crate::Position::START,
                "file starts with a UTF-8 byte-order mark; it is ignored, but strict JSON tools reject it"
                    .to_owned(),
            );
            rest
        }
        None => bytes,
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(e) => {
            let valid = e.valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let position = crate::document::LineIndex::new(&prefix).position(&prefix, valid);
            cx.push_at(
                Severity::Error,
                "",
                position,
                format!("file is not valid UTF-8: invalid byte sequence at byte {valid}"),
            );
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// The first steps every reader shares: the size cap, decoding and JSON5
/// parsing. `what` names the document in a parse error ("plugin manifest",
/// "package.json", "config"); `too_large` is the message for an oversized one.
///
/// On success, the document and the decoding diagnostics (a byte-order mark,
/// invalid UTF-8); on failure, every diagnostic found so far.
pub(crate) fn parse_document(
    bytes: &[u8],
    file: &str,
    what: &str,
    max_bytes: usize,
    too_large: impl FnOnce() -> String,
) -> Result<(Document, Diagnostics), Diagnostics> {
    let mut cx = Collector::new(file, None);
    if bytes.len() > max_bytes {
        cx.push_at(Severity::Error, "", crate::Position::START, too_large());
        return Err(cx.finish());
    }
    let text = decode(&mut cx, bytes);
    match json5::parse(&text) {
        Ok(parsed) => Ok((Document::new(text, parsed), cx.finish())),
        Err(e) => {
            let position = LineIndex::new(&text).position(&text, e.offset);
            cx.push_at(
                Severity::Error,
                "",
                position,
                format!("failed to parse {what}: {}", e.message),
            );
            Err(cx.finish())
        }
    }
}
