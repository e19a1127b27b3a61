//! A JSON5 parser that remembers where every value came from.
//!
//! OpenClaw reads manifests with `JSON.parse`, falling back to the `json5`
//! package (2.2.3) when that fails, so clawkit accepts the same superset of
//! JSON: comments, trailing commas, single-quoted strings, unquoted keys,
//! hexadecimal numbers, leading or trailing decimal points, explicit `+`
//! signs, `NaN` and `Infinity`. Unlike a generic JSON5 crate, this parser
//!
//! * records the byte offset of every value and object key, so that a
//!   diagnostic about `/providerAuthChoices/0/method` can name its line and
//!   column;
//! * fails where `json5` fails, at the same character, so that a syntax error
//!   can be reported in OpenClaw's words ([`SyntaxError::json5_message`]);
//! * is not recursive: values nested deeper than [`MAX_DEPTH`] are still
//!   parsed (OpenClaw reads them) but kept as `null`, so that 100 000 nested
//!   arrays neither overflow the stack here nor in whoever drops the value;
//! * reports what JSON cannot hold as warnings and reads it as something it
//!   can: `NaN`, `Infinity` and numbers too large for a double become `null`,
//!   an unpaired surrogate escape becomes U+FFFD;
//! * reports duplicate keys (the last one wins, as in JavaScript) so that the
//!   value silently replaced is not lost without a word.

use indexmap::IndexMap;
use serde_json::{Map, Number, Value};

/// Deepest nesting of arrays and objects that is kept; deeper values are
/// parsed but read as `null`, with a warning.
pub const MAX_DEPTH: usize = 128;

/// Where a value sits in the source, with the positions of its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    /// Byte offset of the first character of the value.
    pub(crate) start: usize,
    /// Byte offset of the key naming this value, for object members.
    pub(crate) key_start: Option<usize>,
    pub(crate) children: Children,
}

/// Child positions of an array or object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Children {
    /// A scalar.
    None,
    /// Array elements in order.
    Array(Vec<Node>),
    /// Object members by key; a duplicate key keeps its first place and the
    /// last value, as JavaScript does.
    Object(IndexMap<String, Node>),
}

/// What `json5` names when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorAt {
    /// `invalid character 'c'`: the character at the offset.
    Char(char),
    /// `invalid end of input`.
    End,
    /// `invalid identifier character`: a `\u` escape in a key that does not
    /// make an identifier character; the offset is its backslash.
    Identifier,
}

/// A syntax error at the byte offset where `json5` fails too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) offset: usize,
    pub(crate) at: ErrorAt,
    /// clawkit's explanation.
    pub(crate) message: String,
    /// Where the string, comment, array or object that never ends begins,
    /// and which of them it is.
    pub(crate) opened_at: Option<(usize, &'static str)>,
}

impl SyntaxError {
    /// The error as OpenClaw words it: `SyntaxError: JSON5: invalid character
    /// 'x' at 1:30`. `json5` counts lines at `\n` only and columns in UTF-16
    /// code units; `leading_units` are the units stripped before `text` on
    /// its first line (a byte-order mark).
    pub(crate) fn json5_message(&self, text: &str, leading_units: usize) -> String {
        let before = text.get(..self.offset).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let mut line = before.matches('\n').count() + 1;
        let mut column = before[line_start..].encode_utf16().count();
        if line == 1 {
            column += leading_units;
        }
        let what = match self.at {
            ErrorAt::Char('\n') => {
                // json5 moves to the next line as it reads the line feed.
                line += 1;
                column = 0;
                "invalid character '\\n'".to_owned()
            }
            ErrorAt::Char(c) => {
                column += c.len_utf16();
                format!("invalid character '{}'", json5_format_char(c))
            }
            ErrorAt::End => {
                column += 1;
                "invalid end of input".to_owned()
            }
            ErrorAt::Identifier => {
                column += 1;
                "invalid identifier character".to_owned()
            }
        };
        format!("SyntaxError: JSON5: {what} at {line}:{column}")
    }
}

/// `json5`'s `formatChar`.
fn json5_format_char(c: char) -> String {
    match c {
        '\'' => "\\'".to_owned(),
        '"' => "\\\"".to_owned(),
        '\\' => "\\\\".to_owned(),
        '\u{8}' => "\\b".to_owned(),
        '\u{c}' => "\\f".to_owned(),
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        '\u{b}' => "\\v".to_owned(),
        '\0' => "\\0".to_owned(),
        '\u{2028}' => "\\u2028".to_owned(),
        '\u{2029}' => "\\u2029".to_owned(),
        c if (c as u32) < 0x20 => format!("\\x{:02x}", c as u32),
        c => c.to_string(),
    }
}

/// A non-fatal finding made while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseWarning {
    pub(crate) offset: usize,
    /// JSON pointer of the value concerned (for a duplicate key, the value
    /// that replaced the earlier one).
    pub(crate) pointer: String,
    pub(crate) kind: WarningKind,
    pub(crate) message: String,
}

/// What a [`ParseWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WarningKind {
    /// A key written twice in one object.
    DuplicateKey,
    /// Something JSON cannot hold, read as something it can.
    NotRepresentable,
    /// A value nested deeper than [`MAX_DEPTH`], read as `null`.
    TooDeep,
}

/// A successfully parsed document.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) value: Value,
    pub(crate) root: Node,
    pub(crate) warnings: Vec<ParseWarning>,
}

/// Parses `text` as one JSON5 value.
pub(crate) fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        warnings: Vec::new(),
        pointer: String::new(),
        stack: Vec::new(),
        root: None,
    };
    parser.run()?;
    let (value, root) = parser.root.unwrap_or((
        Value::Null,
        Node {
            start: 0,
            key_start: None,
            children: Children::None,
        },
    ));
    Ok(Parsed {
        value,
        root,
        warnings: parser.warnings,
    })
}

/// What the parser expects next; the names are those of `json5`'s states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value: the root, a property value, or an array element after `,`.
    Value,
    /// Right after `[` or `,` in an array: a value or `]`.
    BeforeArrayValue,
    /// Right after `{` or `,` in an object: a key or `}`.
    BeforePropertyName,
    /// After a key: `:`.
    AfterPropertyName,
    /// After a value inside an array or object: `,` or the closing bracket.
    AfterValue,
    /// After the root value: nothing but white space and comments.
    End,
}

/// An open array or object.
struct Frame {
    start: usize,
    /// Length of the parser's pointer before this container's own token.
    pointer_len: usize,
    /// Whether values are kept (false below [`MAX_DEPTH`]).
    kept: bool,
    kind: FrameKind,
}

enum FrameKind {
    Array {
        values: Vec<Value>,
        nodes: Vec<Node>,
        count: usize,
    },
    Object {
        map: Map<String, Value>,
        nodes: IndexMap<String, Node>,
        /// The key read last and its offset, waiting for its value.
        key: Option<(String, usize)>,
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    warnings: Vec<ParseWarning>,
    /// JSON pointer of the value being parsed.
    pointer: String,
    stack: Vec<Frame>,
    root: Option<(Value, Node)>,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), SyntaxError> {
        let mut state = State::Value;
        loop {
            self.skip_trivia()?;
            let Some(c) = self.peek_char() else {
                return match state {
                    State::End => Ok(()),
                    _ => Err(SyntaxError {
                        opened_at: self.stack.last().map(|frame| {
                            let what = match frame.kind {
                                FrameKind::Array { .. } => "array",
                                FrameKind::Object { .. } => "object",
                            };
                            (frame.start, what)
                        }),
                        ..self.end_error(self.end_reason(state))
                    }),
                };
            };
            state = match state {
                State::End => {
                    return Err(self.char_error(c, self.after_value_reason(c, "the document")));
                }
                State::Value => self.value(c)?,
                State::BeforeArrayValue if c == ']' => {
                    self.pos += 1;
                    self.close()
                }
                State::BeforeArrayValue => self.value(c)?,
                State::BeforePropertyName if c == '}' => {
                    self.pos += 1;
                    self.close()
                }
                State::BeforePropertyName => {
                    self.key(c)?;
                    State::AfterPropertyName
                }
                State::AfterPropertyName if c == ':' => {
                    self.pos += 1;
                    State::Value
                }
                State::AfterPropertyName => {
                    let key = match self.stack.last() {
                        Some(Frame {
                            kind: FrameKind::Object { key: Some(key), .. },
                            ..
                        }) => key.0.clone(),
                        _ => String::new(),
                    };
                    return Err(self.char_error(c, format!("expected `:` after key \"{key}\"")));
                }
                State::AfterValue => {
                    let in_array = matches!(
                        self.stack.last(),
                        Some(Frame {
                            kind: FrameKind::Array { .. },
                            ..
                        })
                    );
                    match (in_array, c) {
                        (true, ',') => {
                            self.pos += 1;
                            State::BeforeArrayValue
                        }
                        (false, ',') => {
                            self.pos += 1;
                            State::BeforePropertyName
                        }
                        (true, ']') | (false, '}') => {
                            self.pos += 1;
                            self.close()
                        }
                        (true, _) => {
                            return Err(self.char_error(
                                c,
                                self.after_value_reason(c, "an array: expected `,` or `]`"),
                            ));
                        }
                        (false, _) => {
                            return Err(self.char_error(
                                c,
                                self.after_value_reason(c, "an object: expected `,` or `}`"),
                            ));
                        }
                    }
                }
            };
        }
    }

    fn end_reason(&self, state: State) -> String {
        match (state, self.stack.last()) {
            (_, Some(frame)) => match frame.kind {
                FrameKind::Array { .. } => "unterminated array: missing `]`".to_owned(),
                FrameKind::Object { .. } => "unterminated object: missing `}`".to_owned(),
            },
            (_, None) => "the file holds no value".to_owned(),
        }
    }

    /// Why `c` cannot follow a value in `place`; a digit right after a lone
    /// `0` is a leading zero.
    fn after_value_reason(&self, c: char, place: &str) -> String {
        let lone_zero = self.pos >= 1
            && self.bytes[self.pos - 1] == b'0'
            && (self.pos < 2
                || !(self.bytes[self.pos - 2].is_ascii_alphanumeric()
                    || self.bytes[self.pos - 2] == b'.'));
        if c.is_ascii_digit() && lone_zero {
            "numbers cannot have leading zeros".to_owned()
        } else if place == "the document" {
            "unexpected content after the end of the value".to_owned()
        } else {
            format!("unexpected {} in {place}", describe_char(c))
        }
    }

    fn char_error(&self, c: char, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            at: ErrorAt::Char(c),
            message: message.into(),
            opened_at: None,
        }
    }

    fn end_error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.text.len(),
            at: ErrorAt::End,
            message: message.into(),
            opened_at: None,
        }
    }

    /// An error at the current character, or at the end of the input.
    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        match self.peek_char() {
            Some(c) => self.char_error(c, message),
            None => self.end_error(message),
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    fn warn(&mut self, offset: usize, kind: WarningKind, message: String) {
        self.warnings.push(ParseWarning {
            offset,
            pointer: self.pointer.clone(),
            kind,
            message,
        });
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            let Some(c) = self.peek_char() else {
                return Ok(());
            };
            if is_json5_whitespace(c) {
                self.pos += c.len_utf8();
            } else if c == '/' {
                self.pos += 1;
                match self.peek_char() {
                    Some('/') => {
                        self.pos += 1;
                        while let Some(c) = self.peek_char() {
                            if is_line_terminator(c) {
                                break;
                            }
                            self.pos += c.len_utf8();
                        }
                    }
                    Some('*') => {
                        let start = self.pos - 1;
                        self.pos += 1;
                        match self.text[self.pos..].find("*/") {
                            Some(end) => self.pos += end + 2,
                            None => {
                                return Err(SyntaxError {
                                    opened_at: Some((start, "comment")),
                                    ..self.end_error("unterminated block comment")
                                });
                            }
                        }
                    }
                    _ => {
                        return Err(self.error_here(
                            "a `/` outside a string must start a comment (`//` or `/*`)",
                        ));
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    /// Pushes the pointer token of the next value of the open container.
    fn enter_child(&mut self) -> usize {
        let saved = self.pointer.len();
        let token = match self.stack.last() {
            Some(Frame {
                kind: FrameKind::Array { count, .. },
                ..
            }) => count.to_string(),
            Some(Frame {
                kind: FrameKind::Object { key: Some(key), .. },
                ..
            }) => escape_pointer_token(&key.0),
            _ => return saved,
        };
        self.pointer.push('/');
        self.pointer.push_str(&token);
        saved
    }

    /// A value starting with `c`: a container is opened, a scalar read whole.
    fn value(&mut self, c: char) -> Result<State, SyntaxError> {
        let start = self.pos;
        let saved = self.enter_child();
        if c == '[' || c == '{' {
            self.pos += 1;
            let depth = self.stack.len() + 1;
            let parent_kept = self.stack.last().is_none_or(|frame| frame.kept);
            let kept = parent_kept && depth <= MAX_DEPTH;
            if parent_kept && !kept {
                self.warn(
                    start,
                    WarningKind::TooDeep,
                    format!("value nested deeper than {MAX_DEPTH} levels; clawkit reads it as null and does not check inside it"),
                );
            }
            let kind = if c == '[' {
                FrameKind::Array {
                    values: Vec::new(),
                    nodes: Vec::new(),
                    count: 0,
                }
            } else {
                FrameKind::Object {
                    map: Map::new(),
                    nodes: IndexMap::new(),
                    key: None,
                }
            };
            self.stack.push(Frame {
                start,
                pointer_len: saved,
                kept,
                kind,
            });
            return Ok(if c == '[' {
                State::BeforeArrayValue
            } else {
                State::BeforePropertyName
            });
        }
        let value = match c {
            '"' | '\'' => Value::String(self.string()?),
            't' => self.literal("true", Value::Bool(true))?,
            'f' => self.literal("false", Value::Bool(false))?,
            'n' => self.literal("null", Value::Null)?,
            '0'..='9' | '-' | '+' | '.' | 'I' | 'N' => self.number()?,
            other => {
                return Err(self.char_error(
                    other,
                    format!("unexpected {}, expected a value", describe_char(other)),
                ));
            }
        };
        let node = Node {
            start,
            key_start: None,
            children: Children::None,
        };
        let state = self.emit(value, node);
        self.pointer.truncate(saved);
        Ok(state)
    }

    /// Closes the innermost container (its bracket already consumed).
    fn close(&mut self) -> State {
        let Some(frame) = self.stack.pop() else {
            return State::End;
        };
        let (value, children) = if frame.kept {
            match frame.kind {
                FrameKind::Array { values, nodes, .. } => {
                    (Value::Array(values), Children::Array(nodes))
                }
                FrameKind::Object { map, nodes, .. } => {
                    (Value::Object(map), Children::Object(nodes))
                }
            }
        } else {
            (Value::Null, Children::None)
        };
        let node = Node {
            start: frame.start,
            key_start: None,
            children,
        };
        let state = self.emit(value, node);
        self.pointer.truncate(frame.pointer_len);
        state
    }

    /// Hands a finished value to its container (or makes it the root).
    fn emit(&mut self, value: Value, mut node: Node) -> State {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some((value, node));
            return State::End;
        };
        let kept = frame.kept;
        let mut duplicate = None;
        match &mut frame.kind {
            FrameKind::Array {
                values,
                nodes,
                count,
            } => {
                if kept {
                    values.push(value);
                    nodes.push(node);
                }
                *count += 1;
            }
            FrameKind::Object { map, nodes, key } => {
                let (key, key_start) = key.take().unwrap_or_default();
                if kept {
                    node.key_start = Some(key_start);
                    if nodes.contains_key(&key) {
                        duplicate = Some((key_start, key.clone()));
                    }
                    map.insert(key.clone(), value);
                    nodes.insert(key, node);
                }
            }
        }
        if let Some((offset, key)) = duplicate {
            self.warn(
                offset,
                WarningKind::DuplicateKey,
                format!(
                    "duplicate key \"{key}\": the last value wins and the earlier one is ignored"
                ),
            );
        }
        State::AfterValue
    }

    /// A key starting with `c`, stored in the open object.
    fn key(&mut self, c: char) -> Result<(), SyntaxError> {
        let key_start = self.pos;
        let key = match c {
            '"' | '\'' => self.string()?,
            c if c == '\\' || is_identifier_start(c) => self.identifier()?,
            other => {
                return Err(self.char_error(
                    other,
                    format!(
                        "unexpected {}, expected an object key or `}}`",
                        describe_char(other)
                    ),
                ));
            }
        };
        if let Some(Frame {
            kind: FrameKind::Object { key: pending, .. },
            ..
        }) = self.stack.last_mut()
        {
            *pending = Some((key, key_start));
        }
        Ok(())
    }

    /// `word` (its first character already seen), as `json5` reads it: the
    /// first character that differs is the error.
    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        for expected in word.chars() {
            if self.peek_char() != Some(expected) {
                return Err(self.error_here(format!("expected `{word}`")));
            }
            self.pos += expected.len_utf8();
        }
        Ok(value)
    }

    fn identifier(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        let mut first = true;
        while let Some(c) = self.peek_char() {
            let ch = if c == '\\' {
                let escape_start = self.pos;
                self.pos += 1;
                if self.peek_char() != Some('u') {
                    return Err(self.error_here("only `\\u` escapes are allowed in unquoted keys"));
                }
                self.pos += 1;
                let code = self.hex_digits(4, "a `\\u` escape needs four hexadecimal digits")?;
                let ch = char::from_u32(code).filter(|&ch| {
                    if first {
                        is_identifier_start(ch)
                    } else {
                        is_identifier_part(ch)
                    }
                });
                match ch {
                    Some(ch) => ch,
                    None => {
                        return Err(SyntaxError {
                            offset: escape_start,
                            at: ErrorAt::Identifier,
                            message: "the escape is not a character an unquoted key may hold"
                                .to_owned(),
                            opened_at: None,
                        });
                    }
                }
            } else if (first && is_identifier_start(c)) || (!first && is_identifier_part(c)) {
                self.pos += c.len_utf8();
                c
            } else {
                break;
            };
            out.push(ch);
            first = false;
        }
        Ok(out)
    }

    fn hex_digits(&mut self, count: usize, message: &str) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..count {
            match self.peek_char() {
                Some(c) if c.is_ascii_hexdigit() => {
                    code = code * 16 + c.to_digit(16).unwrap_or(0);
                    self.pos += 1;
                }
                _ => return Err(self.error_here(message)),
            }
        }
        Ok(code)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let quote = self.bytes[start];
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the plain run up to the next quote, backslash or line break in one go.
            let rest = &self.bytes[self.pos..];
            let run = rest
                .iter()
                .position(|&b| b == quote || b == b'\\' || b == b'\n' || b == b'\r')
                .unwrap_or(rest.len());
            out.push_str(&self.text[self.pos..self.pos + run]);
            self.pos += run;
            let unterminated = match self.bytes.get(self.pos) {
                None => self.end_error("unterminated string"),
                Some(&b) if b == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => match self.escape(&mut out) {
                    Ok(()) => continue,
                    Err(e) if e.at == ErrorAt::End => e,
                    Err(e) => return Err(e),
                },
                Some(&b) => self.char_error(
                    char::from(b),
                    "line break inside a string (escape it as \\n)",
                ),
            };
            return Err(SyntaxError {
                opened_at: Some((start, "string")),
                ..unterminated
            });
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let escape_start = self.pos;
        self.pos += 1; // '\\'
        let Some(c) = self.peek_char() else {
            return Err(self.end_error("unterminated string"));
        };
        match c {
            '1'..='9' => return Err(self.char_error(c, "octal escapes are not allowed")),
            'x' => {
                self.pos += 1;
                let code = self.hex_digits(2, "a `\\x` escape needs two hexadecimal digits")?;
                // Two hex digits are always a valid scalar value.
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                return Ok(());
            }
            'u' => {
                self.pos += 1;
                let code = self.hex_digits(4, "a `\\u` escape needs four hexadecimal digits")?;
                let ch = match code {
                    0xD800..=0xDBFF => self.low_surrogate().map(|low| {
                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                    }),
                    _ => Some(char::from_u32(code)),
                };
                match ch.flatten() {
                    Some(ch) => out.push(ch),
                    None => {
                        self.warn(
                            escape_start,
                            WarningKind::NotRepresentable,
                            format!("unpaired surrogate escape \\u{code:04X}: JavaScript keeps it, but it is not Unicode text; clawkit reads it as U+FFFD"),
                        );
                        out.push(char::REPLACEMENT_CHARACTER);
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        self.pos += c.len_utf8();
        match c {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0' => {
                if let Some(digit) = self.peek_char().filter(char::is_ascii_digit) {
                    return Err(self.char_error(digit, "octal escapes are not allowed"));
                }
                out.push('\0');
            }
            // Line continuation: a backslash before a line terminator is dropped.
            '\n' | '\u{2028}' | '\u{2029}' => {}
            '\r' => {
                if self.bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
            }
            other => out.push(other),
        }
        Ok(())
    }

    /// After a high surrogate escape: the low surrogate escape that completes
    /// it, consumed, or `None` (nothing consumed).
    fn low_surrogate(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..)?.strip_prefix("\\u")?.get(..4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let low = u32::from_str_radix(digits, 16).ok()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        self.pos += 6;
        Some(low)
    }

    fn skip_digits(&mut self, hex: bool) -> usize {
        let from = self.pos;
        while self.bytes.get(self.pos).is_some_and(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        }) {
            self.pos += 1;
        }
        self.pos - from
    }

    /// Digits (at least one) of an exponent, after `e` or `E`.
    fn exponent(&mut self) -> Result<(), SyntaxError> {
        self.pos += 1; // 'e'
        if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        if self.skip_digits(false) == 0 {
            return Err(self.error_here("an exponent needs digits"));
        }
        Ok(())
    }

    /// A number, as `json5` lexes it: the token ends at the first character
    /// that cannot continue it; what follows is the container's business.
    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let negative = match self.bytes[self.pos] {
            b'-' => {
                self.pos += 1;
                true
            }
            b'+' => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let literal_start = self.pos;
        match self.peek_char() {
            Some('I') => {
                self.literal("Infinity", Value::Null)?;
                let sign = if negative { "-" } else { "" };
                return Ok(self.not_representable(
                    start,
                    &format!("{sign}Infinity is valid JSON5 and OpenClaw reads it, but JSON has no infinite numbers"),
                ));
            }
            Some('N') => {
                self.literal("NaN", Value::Null)?;
                return Ok(self.not_representable(
                    start,
                    "NaN is valid JSON5 and OpenClaw reads it, but JSON has no NaN",
                ));
            }
            Some('.') => {
                self.pos += 1;
                if self.skip_digits(false) == 0 {
                    return Err(self.error_here("a decimal point needs digits"));
                }
                if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
                    self.exponent()?;
                }
            }
            Some('0') if matches!(self.bytes.get(self.pos + 1), Some(b'x' | b'X')) => {
                self.pos += 2;
                if self.skip_digits(true) == 0 {
                    return Err(self.error_here("a hexadecimal number needs digits"));
                }
                return Ok(self.hex_value(start, literal_start + 2, negative));
            }
            Some('0'..='9') => {
                // A leading 0 stands alone: `01` is 0 followed by an error.
                if self.bytes[self.pos] == b'0' {
                    self.pos += 1;
                } else {
                    self.skip_digits(false);
                }
                if self.bytes.get(self.pos) == Some(&b'.') {
                    self.pos += 1;
                    self.skip_digits(false);
                }
                if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
                    self.exponent()?;
                }
            }
            _ => return Err(self.error_here("a sign must be followed by a number")),
        }
        let literal = &self.text[literal_start..self.pos];
        let is_integer = literal.bytes().all(|b| b.is_ascii_digit());
        if is_integer {
            if negative {
                if let Ok(n) = format!("-{literal}").parse::<i64>() {
                    return Ok(Value::Number(Number::from(n)));
                }
            } else if let Ok(n) = literal.parse::<u64>() {
                return Ok(Value::Number(Number::from(n)));
            }
        }
        let magnitude: f64 = literal.parse().unwrap_or(f64::INFINITY);
        Ok(match float_value(magnitude, negative) {
            Some(value) => value,
            None => self.not_representable(
                start,
                &format!("{} is valid JSON5 and OpenClaw reads it as Infinity, but JSON has no infinite numbers", truncated(&self.text[start..self.pos])),
            ),
        })
    }

    fn hex_value(&mut self, start: usize, digits_start: usize, negative: bool) -> Value {
        let digits = &self.text[digits_start..self.pos];
        match (u64::from_str_radix(digits, 16).ok(), negative) {
            (Some(m), false) => Value::Number(Number::from(m)),
            (Some(m), true) if m <= i64::MAX as u64 => Value::Number(Number::from(-(m as i64))),
            _ => {
                let magnitude = digits
                    .bytes()
                    .fold(0f64, |acc, b| acc * 16.0 + f64::from(hex_value(b)));
                match float_value(magnitude, negative) {
                    Some(value) => value,
                    None => self.not_representable(
                        start,
                        "this number is valid JSON5 and OpenClaw reads it as Infinity, but JSON has no infinite numbers",
                    ),
                }
            }
        }
    }

    /// `null`, with a warning that says why.
    fn not_representable(&mut self, offset: usize, why: &str) -> Value {
        self.warn(
            offset,
            WarningKind::NotRepresentable,
            format!("{why}; clawkit reads it as null"),
        );
        Value::Null
    }
}

fn truncated(text: &str) -> String {
    if text.chars().count() > 24 {
        let mut cut: String = text.chars().take(24).collect();
        cut.push('…');
        cut
    } else {
        text.to_owned()
    }
}

fn float_value(magnitude: f64, negative: bool) -> Option<Value> {
    let value = if negative { -magnitude } else { magnitude };
    Number::from_f64(value).map(Value::Number)
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Escapes one JSON pointer reference token (RFC 6901).
pub(crate) fn escape_pointer_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

fn describe_char(c: char) -> String {
    match c {
        c if c.is_control() => format!("character U+{:04X}", u32::from(c)),
        c => format!("character '{c}'"),
    }
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// JSON5 white space: ECMAScript `WhiteSpace` and `LineTerminator`.
pub(crate) fn is_json5_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

fn is_identifier_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_alphabetic()
}

fn is_identifier_part(c: char) -> bool {
    is_identifier_start(c) || c.is_alphanumeric() || c == '\u{200c}' || c == '\u{200d}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(text: &str) -> Value {
        match parse(text) {
            Ok(parsed) => parsed.value,
            Err(e) => panic!("{text:?} failed at {}: {}", e.offset, e.message),
        }
    }

    fn error(text: &str) -> SyntaxError {
        match parse(text) {
            Ok(parsed) => panic!("{text:?} parsed as {}", parsed.value),
            Err(e) => e,
        }
    }

    /// What json5 2.2.3 says (checked against it while writing these).
    fn json5(text: &str) -> String {
        error(text).json5_message(text, 0)
    }

    #[test]
    fn plain_json() {
        assert_eq!(
            value(r#"{"a": [1, -2, 3.5, true, false, null, "x\u00e9\n"]}"#),
            json!({"a": [1, -2, 3.5, true, false, null, "xé\n"]})
        );
    }

    #[test]
    fn json5_extensions() {
        let text = r#"
            // line comment
            {
              unquoted: 'single',   /* block
                                       comment */
              $dollar_1: 0x1F,
              "trailing": [1, 2,],
              lead: .5, trail: 5., plus: +1, exp: 2e3, neg_hex: -0x10,
              continued: 'a\
b',
              escapes: '\x41\v\0\'',
            }
        "#;
        assert_eq!(
            value(text),
            json!({
                "unquoted": "single",
                "$dollar_1": 31,
                "trailing": [1, 2],
                "lead": 0.5, "trail": 5.0, "plus": 1, "exp": 2000.0, "neg_hex": -16,
                "continued": "ab",
                "escapes": "A\u{b}\0'",
            })
        );
    }

    #[test]
    fn surrogate_pairs_and_identifier_escapes() {
        assert_eq!(value(r#""\ud83d\ude00""#), json!("😀"));
        assert_eq!(value(r#"{\u0061b: 1}"#), json!({"ab": 1}));
    }

    #[test]
    fn unpaired_surrogates_become_replacement_characters_with_a_warning() {
        let parsed = parse(r#"["\ud83d", "\ude00x", "\ud83d\u0041"]"#).unwrap();
        assert_eq!(parsed.value, json!(["\u{fffd}", "\u{fffd}x", "\u{fffd}A"]));
        let pointers: Vec<_> = parsed.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["/0", "/1", "/2"]);
        assert!(parsed.warnings[0].message.contains("\\uD83D"));
    }

    #[test]
    fn byte_order_mark_and_unicode_space_are_whitespace() {
        assert_eq!(value("\u{feff}{\u{a0}a:\u{2003}1}"), json!({"a": 1}));
    }

    #[test]
    fn non_finite_numbers_are_null_with_a_warning() {
        let parsed = parse("{a: NaN, b: [-Infinity, +Infinity], c: 1e999, d: -0x1}").unwrap();
        assert_eq!(
            parsed.value,
            json!({"a": null, "b": [null, null], "c": null, "d": -1})
        );
        let found: Vec<_> = parsed
            .warnings
            .iter()
            .map(|w| (w.pointer.as_str(), w.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("/a", WarningKind::NotRepresentable),
                ("/b/0", WarningKind::NotRepresentable),
                ("/b/1", WarningKind::NotRepresentable),
                ("/c", WarningKind::NotRepresentable),
            ]
        );
        assert!(parsed.warnings[0].message.starts_with("NaN is valid JSON5"));
        assert!(parsed.warnings[1].message.starts_with("-Infinity"));
    }

    #[test]
    fn errors_are_where_json5_puts_them() {
        assert_eq!(json5(""), "SyntaxError: JSON5: invalid end of input at 1:1");
        assert_eq!(
            json5("   "),
            "SyntaxError: JSON5: invalid end of input at 1:4"
        );
        assert_eq!(
            json5("{a:1} x"),
            "SyntaxError: JSON5: invalid character 'x' at 1:7"
        );
        assert_eq!(
            json5("\"a\nb\""),
            "SyntaxError: JSON5: invalid character '\\n' at 2:0"
        );
        assert_eq!(
            json5("{\"a\":1,\n\"b\"\r: x}"),
            "SyntaxError: JSON5: invalid character 'x' at 2:7"
        );
        assert_eq!(
            json5("\"😀x"),
            "SyntaxError: JSON5: invalid end of input at 1:5"
        );
        assert_eq!(
            json5("[😀]"),
            "SyntaxError: JSON5: invalid character '😀' at 1:3"
        );
        assert_eq!(
            json5("{a:1}\n\n  /x"),
            "SyntaxError: JSON5: invalid character 'x' at 3:4"
        );
        assert_eq!(
            json5("{\\u0031:1}"),
            "SyntaxError: JSON5: invalid identifier character at 1:2"
        );
        assert_eq!(
            json5("{a\\u0020:1}"),
            "SyntaxError: JSON5: invalid identifier character at 1:3"
        );
        assert_eq!(
            json5("\"\\x4\""),
            "SyntaxError: JSON5: invalid character '\\\"' at 1:5"
        );
        assert_eq!(
            json5("[1,,]"),
            "SyntaxError: JSON5: invalid character ',' at 1:4"
        );
        assert_eq!(
            json5("[01]"),
            "SyntaxError: JSON5: invalid character '1' at 1:3"
        );
        assert_eq!(
            json5("-x"),
            "SyntaxError: JSON5: invalid character 'x' at 1:2"
        );
        assert_eq!(
            json5("1e+"),
            "SyntaxError: JSON5: invalid end of input at 1:4"
        );
        assert_eq!(
            json5("\"\\u12g4\""),
            "SyntaxError: JSON5: invalid character 'g' at 1:6"
        );
        assert_eq!(
            json5("{a:1 b:2}"),
            "SyntaxError: JSON5: invalid character 'b' at 1:6"
        );
        assert_eq!(
            json5("\"a\\"),
            "SyntaxError: JSON5: invalid end of input at 1:4"
        );
        assert_eq!(
            json5("'\\01'"),
            "SyntaxError: JSON5: invalid character '1' at 1:4"
        );
        assert_eq!(
            json5("[\u{1}]"),
            "SyntaxError: JSON5: invalid character '\\x01' at 1:2"
        );
        let bom = error("x").json5_message("x", 1);
        assert_eq!(bom, "SyntaxError: JSON5: invalid character 'x' at 1:2");
    }

    #[test]
    fn malformed_input_has_an_explanation() {
        let e = error("{\"a\": 1 \"b\": 2}");
        assert_eq!(e.offset, 8);
        assert!(e.message.contains("expected `,`"), "{}", e.message);
        assert_eq!(error("").message, "the file holds no value");
        assert!(error("[1, 2").message.contains("unterminated array"));
        assert!(error("{a: 1} x").message.contains("after the end"));
        assert!(error("'abc").message.contains("unterminated string"));
        assert!(error("/* open").message.contains("block comment"));
        assert!(error("01").message.contains("leading zeros"));
        assert!(error("tru").message.contains("expected `true`"));
        assert!(error("\"a\nb\"").message.contains("line break"));
        assert!(error("'\\1'").message.contains("octal"));
    }

    #[test]
    fn deep_nesting_is_read_as_null_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert_eq!(error(&deep).at, ErrorAt::End);
        let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let parsed = parse(&closed).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].kind, WarningKind::TooDeep);
        assert_eq!(parsed.warnings[0].pointer, "/0".repeat(MAX_DEPTH));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let parsed = parse(&ok).unwrap();
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_warn() {
        let parsed = parse(r#"{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}"#).unwrap();
        assert_eq!(parsed.value, json!({"a": 3, "b": {"c": 2}}));
        let pointers: Vec<_> = parsed.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["/b/c", "/a"]);
        assert!(
            parsed
                .warnings
                .iter()
                .all(|w| w.kind == WarningKind::DuplicateKey)
        );
    }

    #[test]
    fn positions_are_recorded() {
        let parsed = parse("{\n  \"a\": [10, {\"b/c\": true}]\n}").unwrap();
        let Children::Object(members) = &parsed.root.children else {
            panic!("root is an object")
        };
        let a = &members["a"];
        assert_eq!(a.key_start, Some(4));
        assert_eq!(a.start, 9);
        let Children::Array(items) = &a.children else {
            panic!("a is an array")
        };
        assert_eq!(items[1].start, 14);
        assert_eq!(escape_pointer_token("b/c~"), "b~1c~0");
    }
}
