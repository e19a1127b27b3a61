//! A parsed source file that can turn JSON pointers back into line and column.

use serde_json::Value;

use crate::json5::{self, Children, Node};

/// A 1-based line and column in a source file.
///
/// Columns count Unicode scalar values, not bytes, so a column matches what an
/// editor shows for text without tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number.
    pub column: u32,
}

impl Position {
    /// The start of a file, used for problems about the file as a whole.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// Maps byte offsets to positions.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { line_starts }
    }

    /// The position of byte `offset` in `text` (clamped to the end of the text).
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line.saturating_sub(1)];
        let column = text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The text of 1-based `line`, without its line break.
    pub(crate) fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(text.len());
        text.get(start..end)
            .map(|l| l.trim_end_matches(['\n', '\r']))
    }
}

/// Whether a diagnostic points at an object member's key or at its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Key,
    Value,
}

/// A parsed JSON5 document with the positions of its values.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) text: String,
    pub(crate) value: Value,
    /// Findings of the parser itself (duplicate keys).
    pub(crate) warnings: Vec<json5::ParseWarning>,
    root: Node,
    lines: LineIndex,
}

impl Document {
    pub(crate) fn new(text: String, parsed: json5::Parsed) -> Self {
        let lines = LineIndex::new(&text);
        Document {
            text,
            value: parsed.value,
            warnings: parsed.warnings,
            root: parsed.root,
            lines,
        }
    }

    pub(crate) fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// The position of the value (or key) at `pointer`, or of its nearest
    /// ancestor that exists when the pointer names something missing.
    pub(crate) fn locate(&self, pointer: &str, anchor: Anchor) -> Position {
        let mut node = &self.root;
        if !pointer.is_empty() {
            for raw in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
                let token = unescape_pointer_token(raw);
                let child = match &node.children {
                    Children::Object(members) => members.get(token.as_str()),
                    Children::Array(items) => {
                        token.parse::<usize>().ok().and_then(|i| items.get(i))
                    }
                    Children::None => None,
                };
                match child {
                    Some(child) => node = child,
                    None => return self.offset_position(node.start),
                }
            }
        }
        let offset = match anchor {
            Anchor::Key => node.key_start.unwrap_or(node.start),
            Anchor::Value => node.start,
        };
        self.offset_position(offset)
    }

    pub(crate) fn offset_position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }
}

fn unescape_pointer_token(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}

/// Appends one reference token to a JSON pointer.
pub(crate) fn child_pointer(parent: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string();
    format!("{parent}/{}", json5::escape_pointer_token(&token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Document {
        let parsed = json5::parse(text).unwrap();
        Document::new(text.to_owned(), parsed)
    }

    #[test]
    fn locates_values_keys_and_missing_children() {
        let doc = document("{\n  \"a\": [\n    1,\n    {\"é\": true, \"x/y\": 2}\n  ]\n}");
        assert_eq!(
            doc.locate("", Anchor::Value),
            Position { line: 1, column: 1 }
        );
        assert_eq!(
            doc.locate("/a", Anchor::Key),
            Position { line: 2, column: 3 }
        );
        assert_eq!(
            doc.locate("/a", Anchor::Value),
            Position { line: 2, column: 8 }
        );
        assert_eq!(
            doc.locate("/a/1/x~1y", Anchor::Value),
            Position {
                line: 4,
                column: 24
            }
        );
        // A missing member points at its closest existing parent.
        assert_eq!(
            doc.locate("/a/1/missing", Anchor::Value),
            Position { line: 4, column: 5 }
        );
        assert_eq!(
            doc.locate("/a/9", Anchor::Value),
            Position { line: 2, column: 8 }
        );
    }

    #[test]
    fn counts_crlf_and_lone_cr_as_one_line_break() {
        let text = "a\r\nb\rc\nd";
        let lines = LineIndex::new(text);
        assert_eq!(lines.position(text, 3), Position { line: 2, column: 1 });
        assert_eq!(lines.position(text, 5), Position { line: 3, column: 1 });
        assert_eq!(lines.position(text, 7), Position { line: 4, column: 1 });
        assert_eq!(lines.line_text(text, 1), Some("a"));
        assert_eq!(lines.line_text(text, 4), Some("d"));
        assert_eq!(lines.line_text(text, 5), None);
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(child_pointer("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(child_pointer("", 3), "/3");
    }
}
