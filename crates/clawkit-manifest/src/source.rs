//! Reading manifest files: a hard size cap, UTF-8, the byte-order mark.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::diagnostic::{Collector, DiagnosticSource, Diagnostics, Severity};
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

/// Turns raw bytes into text, as OpenClaw's `Buffer.toString("utf8")`
/// does. A byte-order mark is dropped with a warning (OpenClaw's JSON5
/// parser skips it as white space); invalid UTF-8 is replaced by U+FFFD (one
/// per maximal invalid sequence, as in JavaScript) with a warning, since
/// OpenClaw reads such a file too. Returns the text and whether a
/// byte-order mark was dropped.
pub(crate) fn decode(cx: &mut Collector<'_>, bytes: &[u8]) -> (String, bool) {
    let (bytes, bom) = match bytes.strip_prefix(BOM) {
        Some(rest) => {
            cx.push_at(
                Severity::Warning,
                "",
                crate::Position::START,
                "file starts with a UTF-8 byte-order mark; it is ignored, but strict JSON tools reject it"
                    .to_owned(),
            );
            (rest, true)
        }
        None => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), bom),
        Err(e) => {
            let valid = e.valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let position = crate::document::LineIndex::new(&prefix).position(&prefix, valid);
            cx.push_at(
                Severity::Warning,
                "",
                position,
                format!("file is not valid UTF-8 (invalid byte sequence at byte {valid}); OpenClaw reads it with U+FFFD in place of each invalid sequence, and so does clawkit"),
            );
            (String::from_utf8_lossy(bytes).into_owned(), bom)
        }
    }
}

/// The first steps every reader shares: the size cap, decoding and JSON5
/// parsing. `what` names the document in a parse error ("plugin manifest",
/// "package.json", "config"); `too_large` is the message for an oversized one;
/// `source` says whose rule those two errors are.
///
/// A syntax error is worded as OpenClaw words it — `failed to parse plugin
/// manifest: SyntaxError: JSON5: invalid character 'x' at 3:5` — followed by
/// clawkit's explanation after `; `.
///
/// On success, the document and the decoding diagnostics (a byte-order mark,
/// invalid UTF-8); on failure, every diagnostic found so far.
pub(crate) fn parse_document(
    bytes: &[u8],
    file: &str,
    what: &str,
    max_bytes: usize,
    too_large: impl FnOnce() -> String,
    source: DiagnosticSource,
) -> Result<(Document, Diagnostics), Diagnostics> {
    let mut cx = Collector::new(file, None);
    if bytes.len() > max_bytes {
        cx.push_at_from(
            Severity::Error,
            source,
            "",
            crate::Position::START,
            too_large(),
        );
        return Err(cx.finish());
    }
    let (text, bom) = decode(&mut cx, bytes);
    match json5::parse(&text) {
        Ok(parsed) => Ok((Document::new(text, parsed), cx.finish())),
        Err(e) => {
            let lines = LineIndex::new(&text);
            let position = lines.position(&text, e.offset);
            let json5 = e.json5_message(&text, usize::from(bom));
            let opened = e
                .opened_at
                .map(|(offset, what)| {
                    let at = lines.position(&text, offset);
                    format!(" (the {what} starts at {}:{})", at.line, at.column)
                })
                .unwrap_or_default();
            cx.push_at_from(
                Severity::Error,
                source,
                "",
                position,
                format!("failed to parse {what}: {json5}; {}{opened}", e.message),
            );
            Err(cx.finish())
        }
    }
}
