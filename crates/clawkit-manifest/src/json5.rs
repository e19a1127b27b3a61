//! A JSON5 parser that remembers where every value came from.
//!
//! OpenClaw reads manifests with `JSON5.parse`, so clawkit accepts the same
//! superset of JSON: comments, trailing commas, single-quoted strings,
//! unquoted keys, hexadecimal numbers, leading or trailing decimal points and
//! explicit `+` signs. Unlike a generic JSON5 crate, this parser
//!
//! * records the byte offset of every value and object key, so that a
//!   diagnostic about `/providerAuthChoices/0/method` can name its line and
//!   column;
//! * never recurses deeper than [`MAX_DEPTH`], so 100 000 nested arrays give an
//!   error instead of a stack overflow;
//! * reports duplicate keys (the last one wins, as in JavaScript) so that the
//!   value silently replaced is not lost without a word.
//!
//! `NaN` and `Infinity` are valid JSON5 but cannot be represented in JSON; they
//! are reported as errors at their position.

use indexmap::IndexMap;
use serde_json::{Map, Number, Value};

/// Deepest nesting of arrays and objects accepted.
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

/// A syntax error with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// A non-fatal finding made while parsing (a duplicate key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseWarning {
    pub(crate) offset: usize,
    /// JSON pointer of the value that was replaced.
    pub(crate) pointer: String,
    pub(crate) message: String,
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
        depth: 0,
        warnings: Vec::new(),
        pointer: String::new(),
    };
    parser.skip_trivia()?;
    if parser.pos >= parser.bytes.len() {
        return Err(parser.error_at(
            parser.pos,
            "unexpected end of input: the file holds no value",
        ));
    }
    let (value, root) = parser.value()?;
    parser.skip_trivia()?;
    if parser.pos < parser.bytes.len() {
        let found = parser.describe_here();
        return Err(parser.error_at(
            parser.pos,
            &format!("unexpected {found} after the end of the value"),
        ));
    }
    Ok(Parsed {
        value,
        root,
        warnings: parser.warnings,
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    warnings: Vec<ParseWarning>,
    /// JSON pointer of the value being parsed (for duplicate-key warnings).
    pointer: String,
}

impl Parser<'_> {
    fn error_at(&self, offset: usize, message: &str) -> SyntaxError {
        SyntaxError {
            offset,
            message: message.to_owned(),
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    fn describe_here(&self) -> String {
        match self.peek_char() {
            None => "end of input".to_owned(),
            Some(c) => describe_char(c),
        }
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
                match self.bytes.get(self.pos + 1) {
                    Some(b'/') => {
                        self.pos += 2;
                        while let Some(c) = self.peek_char() {
                            if is_line_terminator(c) {
                                break;
                            }
                            self.pos += c.len_utf8();
                        }
                    }
                    Some(b'*') => {
                        let start = self.pos;
                        let rest = &self.text[self.pos + 2..];
                        match rest.find("*/") {
                            Some(end) => self.pos += 2 + end + 2,
                            None => {
                                return Err(self.error_at(start, "unterminated block comment"));
                            }
                        }
                    }
                    _ => return Err(self.error_at(self.pos, "unexpected character '/'")),
                }
            } else {
                return Ok(());
            }
        }
    }

    fn value(&mut self) -> Result<(Value, Node), SyntaxError> {
        let start = self.pos;
        let Some(c) = self.peek_char() else {
            return Err(self.error_at(start, "unexpected end of input, expected a value"));
        };
        let value = match c {
            '{' => return self.object(),
            '[' => return self.array(),
            '"' | '\'' => Value::String(self.string()?),
            't' => self.keyword("true", Value::Bool(true))?,
            'f' => self.keyword("false", Value::Bool(false))?,
            'n' => self.keyword("null", Value::Null)?,
            '0'..='9' | '-' | '+' | '.' | 'I' | 'N' => self.number()?,
            other => {
                return Err(self.error_at(
                    start,
                    &format!("unexpected {}, expected a value", describe_char(other)),
                ));
            }
        };
        Ok((
            value,
            Node {
                start,
                key_start: None,
                children: Children::None,
            },
        ))
    }

    fn keyword(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.text[self.pos..].starts_with(word)
            && !self.identifier_continues(self.pos + word.len())
        {
            self.pos += word.len();
            Ok(value)
        } else {
            let token = self.token_preview();
            Err(self.error_at(
                self.pos,
                &format!("unexpected token `{token}`, expected a value"),
            ))
        }
    }

    /// Whether an identifier character follows at `offset`.
    fn identifier_continues(&self, offset: usize) -> bool {
        self.text
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(is_identifier_part)
    }

    /// The identifier-like run starting here, for error messages (at most 20 characters).
    fn token_preview(&self) -> String {
        self.text[self.pos..]
            .chars()
            .take_while(|&c| is_identifier_part(c) || c == '.' || c == '+' || c == '-')
            .take(20)
            .collect()
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                &format!("nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<(Value, Node), SyntaxError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1; // '['
        let mut values = Vec::new();
        let mut nodes = Vec::new();
        loop {
            self.skip_trivia()?;
            match self.bytes.get(self.pos) {
                None => return Err(self.error_at(start, "unterminated array: missing `]`")),
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => {}
            }
            let saved = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&values.len().to_string());
            let (value, node) = self.value()?;
            self.pointer.truncate(saved);
            values.push(value);
            nodes.push(node);
            self.skip_trivia()?;
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(self.error_at(start, "unterminated array: missing `]`")),
                Some(_) => {
                    let found = self.describe_here();
                    return Err(self.error_at(
                        self.pos,
                        &format!("unexpected {found} in array, expected `,` or `]`"),
                    ));
                }
            }
        }
        self.depth -= 1;
        Ok((
            Value::Array(values),
            Node {
                start,
                key_start: None,
                children: Children::Array(nodes),
            },
        ))
    }

    fn object(&mut self) -> Result<(Value, Node), SyntaxError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1; // '{'
        let mut map = Map::new();
        let mut nodes: IndexMap<String, Node> = IndexMap::new();
        loop {
            self.skip_trivia()?;
            match self.bytes.get(self.pos) {
                None => return Err(self.error_at(start, "unterminated object: missing `}`")),
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => {}
            }
            let key_start = self.pos;
            let key = self.key()?;
            self.skip_trivia()?;
            if self.bytes.get(self.pos) != Some(&b':') {
                let found = self.describe_here();
                return Err(self.error_at(
                    self.pos,
                    &format!("unexpected {found} after key \"{key}\", expected `:`"),
                ));
            }
            self.pos += 1;
            self.skip_trivia()?;
            let saved = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&escape_pointer_token(&key));
            let (value, mut node) = self.value()?;
            node.key_start = Some(key_start);
            if nodes.contains_key(&key) {
                self.warnings.push(ParseWarning {
                    offset: key_start,
                    pointer: self.pointer.clone(),
                    message: format!(
                        "duplicate key \"{key}\": the last value wins and the earlier one is ignored"
                    ),
                });
            }
            self.pointer.truncate(saved);
            map.insert(key.clone(), value);
            nodes.insert(key, node);
            self.skip_trivia()?;
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(self.error_at(start, "unterminated object: missing `}`")),
                Some(_) => {
                    let found = self.describe_here();
                    return Err(self.error_at(
                        self.pos,
                        &format!("unexpected {found} in object, expected `,` or `}}`"),
                    ));
                }
            }
        }
        self.depth -= 1;
        Ok((
            Value::Object(map),
            Node {
                start,
                key_start: None,
                children: Children::Object(nodes),
            },
        ))
    }

    fn key(&mut self) -> Result<String, SyntaxError> {
        match self.peek_char() {
            Some('"' | '\'') => self.string(),
            Some(c) if is_identifier_start(c) || c == '\\' => self.identifier(),
            Some(c) => Err(self.error_at(
                self.pos,
                &format!("unexpected {}, expected an object key", describe_char(c)),
            )),
            None => Err(self.error_at(self.pos, "unexpected end of input, expected an object key")),
        }
    }

    fn identifier(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        let mut first = true;
        while let Some(c) = self.peek_char() {
            let ch = if c == '\\' {
                let escape_start = self.pos;
                if self.bytes.get(self.pos + 1) != Some(&b'u') {
                    return Err(self.error_at(escape_start, "invalid escape in identifier"));
                }
                self.pos += 2;
                let code = self.hex_digits(4, escape_start)?;
                let ch = char::from_u32(code)
                    .ok_or_else(|| self.error_at(escape_start, "invalid unicode escape"))?;
                let valid = if first {
                    is_identifier_start(ch)
                } else {
                    is_identifier_part(ch)
                };
                if !valid {
                    return Err(self.error_at(escape_start, "invalid character in identifier"));
                }
                ch
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

    fn hex_digits(&mut self, count: usize, escape_start: usize) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + count)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| {
                self.error_at(
                    escape_start,
                    &format!("invalid escape: expected {count} hexadecimal digits"),
                )
            })?;
        let code = u32::from_str_radix(digits, 16)
            .map_err(|_| self.error_at(escape_start, "invalid hexadecimal escape"))?;
        self.pos += count;
        Ok(code)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let quote = self.bytes[self.pos];
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
            match self.bytes.get(self.pos) {
                None => return Err(self.error_at(start, "unterminated string")),
                Some(&b) if b == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    return Err(
                        self.error_at(self.pos, "line break inside a string (escape it as \\n)")
                    );
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let escape_start = self.pos;
        self.pos += 1; // '\\'
        let Some(c) = self.peek_char() else {
            return Err(self.error_at(escape_start, "unterminated string"));
        };
        self.pos += c.len_utf8();
        match c {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => {
                out.push('\r');
            }
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0' => {
                if self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    return Err(self.error_at(escape_start, "octal escapes are not allowed"));
                }
                out.push('\0');
            }
            '1'..='9' => return Err(self.error_at(escape_start, "octal escapes are not allowed")),
            'x' => {
                let code = self.hex_digits(2, escape_start)?;
                // Two hex digits are always a valid scalar value.
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            'u' => {
                let code = self.hex_digits(4, escape_start)?;
                let ch = if (0xD800..0xDC00).contains(&code) {
                    let low_start = self.pos;
                    if self.text[self.pos..].starts_with("\\u") {
                        self.pos += 2;
                        let low = self.hex_digits(4, low_start)?;
                        if !(0xDC00..0xE000).contains(&low) {
                            return Err(self.error_at(escape_start, "unpaired surrogate escape"));
                        }
                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                    } else {
                        None
                    }
                } else {
                    char::from_u32(code)
                };
                let ch =
                    ch.ok_or_else(|| self.error_at(escape_start, "unpaired surrogate escape"))?;
                out.push(ch);
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
        let rest = &self.text[self.pos..];
        if rest.starts_with("Infinity") || rest.starts_with("NaN") {
            return Err(self.error_at(
                start,
                "NaN and Infinity are valid JSON5 but cannot be represented in JSON; use a finite number",
            ));
        }
        if rest.starts_with("0x") || rest.starts_with("0X") {
            self.pos += 2;
            let digits_start = self.pos;
            while self.bytes.get(self.pos).is_some_and(u8::is_ascii_hexdigit) {
                self.pos += 1;
            }
            let digits = &self.text[digits_start..self.pos];
            if digits.is_empty() || self.identifier_continues(self.pos) {
                return Err(self.error_at(start, "invalid hexadecimal number"));
            }
            let magnitude = u64::from_str_radix(digits, 16).ok();
            return match (magnitude, negative) {
                (Some(m), false) => Ok(Value::Number(Number::from(m))),
                (Some(m), true) if m <= i64::MAX as u64 => {
                    Ok(Value::Number(Number::from(-(m as i64))))
                }
                _ => float_value(
                    digits
                        .bytes()
                        .fold(0f64, |acc, b| acc * 16.0 + f64::from(hex_value(b))),
                    negative,
                )
                .ok_or_else(|| self.error_at(start, "number is too large to represent")),
            };
        }
        let digits_start = self.pos;
        let integer_len = self.skip_digits();
        if integer_len > 1 && self.bytes[digits_start] == b'0' {
            return Err(self.error_at(start, "numbers cannot have leading zeros"));
        }
        let mut fraction_len = 0;
        let mut is_float = false;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            fraction_len = self.skip_digits();
            is_float = true;
        }
        if integer_len == 0 && fraction_len == 0 {
            return Err(self.error_at(start, "invalid number"));
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.skip_digits() == 0 {
                return Err(self.error_at(start, "invalid number: missing exponent digits"));
            }
            is_float = true;
        }
        if self.identifier_continues(self.pos) {
            return Err(self.error_at(start, "invalid number"));
        }
        let literal = &self.text[digits_start..self.pos];
        if !is_float {
            if negative {
                if let Ok(n) = format!("-{literal}").parse::<i64>() {
                    return Ok(Value::Number(Number::from(n)));
                }
            } else if let Ok(n) = literal.parse::<u64>() {
                return Ok(Value::Number(Number::from(n)));
            }
        }
        let magnitude: f64 = literal
            .parse()
            .map_err(|_| self.error_at(start, "invalid number"))?;
        float_value(magnitude, negative)
            .ok_or_else(|| self.error_at(start, "number is too large to represent"))
    }

    fn skip_digits(&mut self) -> usize {
        let from = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - from
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
fn is_json5_whitespace(c: char) -> bool {
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
              lead: .5, trail: 5., plus: +1, exp: 2e3,
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
                "lead": 0.5, "trail": 5.0, "plus": 1, "exp": 2000.0,
                "continued": "ab",
                "escapes": "A\u{b}\0'",
            })
        );
    }

    #[test]
    fn surrogate_pairs_and_identifier_escapes() {
        assert_eq!(value(r#""\ud83d\ude00""#), json!("😀"));
        assert_eq!(value(r#"{\u0061b: 1}"#), json!({"ab": 1}));
        assert!(error(r#""\ud83d""#).message.contains("surrogate"));
    }

    #[test]
    fn byte_order_mark_and_unicode_space_are_whitespace() {
        assert_eq!(value("\u{feff}{\u{a0}a:\u{2003}1}"), json!({"a": 1}));
    }

    #[test]
    fn non_finite_numbers_are_rejected() {
        assert!(error("NaN").message.contains("NaN"));
        assert!(error("-Infinity").message.contains("Infinity"));
        assert!(error("1e999").message.contains("too large"));
    }

    #[test]
    fn malformed_input_reports_the_offset() {
        let e = error("{\"a\": 1 \"b\": 2}");
        assert_eq!(e.offset, 8);
        assert!(e.message.contains("expected `,`"), "{}", e.message);
        assert_eq!(
            error("").message,
            "unexpected end of input: the file holds no value"
        );
        assert!(error("[1, 2").message.contains("unterminated array"));
        assert!(error("{a: 1} x").message.contains("after the end"));
        assert!(error("'abc").message.contains("unterminated string"));
        assert!(error("/* open").message.contains("block comment"));
        assert!(error("01").message.contains("leading zeros"));
        assert!(error("tru").message.contains("unexpected token"));
        assert!(error("\"a\nb\"").message.contains("line break"));
        assert!(error("'\\1'").message.contains("octal"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(error(&deep).message.contains("deeper than 128"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_warn() {
        let parsed = parse(r#"{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}"#).unwrap();
        assert_eq!(parsed.value, json!({"a": 3, "b": {"c": 2}}));
        let pointers: Vec<_> = parsed.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["/b/c", "/a"]);
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
