//! [`Text`]: the immutable string of streamed text events, inline when short.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use bytes::Bytes;
use bytestring::ByteString;
use compact_str::CompactString;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// A piece of streamed text (a text, reasoning or tool-argument delta, or a
/// block's full text): an immutable UTF-8 string that is stored inline, with
/// no heap allocation, when it is at most [`Text::INLINE_CAPACITY`] bytes
/// long — as almost every token-sized delta is.
///
/// Longer text lives on the heap; converting from a `String` (or an owned
/// `Cow`) keeps that string's buffer rather than copying it, and
/// [`Text::into_string`] gives it back the same way. Converting from
/// [`Bytes`] (`Text::try_from`) checks the bytes are UTF-8 and, when they are
/// longer than the inline capacity, shares their buffer instead of copying
/// it: that is how a transport hands out a long delta of a received read
/// without an allocation (keeping such a `Text` keeps that read's buffer
/// alive; [`Text::into_string`] detaches it). It reads as a `&str`
/// (`Deref`, `AsRef`, `Borrow`, `Display`, comparisons with `str` and
/// `String`), and serializes and deserializes exactly as a JSON string.
///
/// ```
/// use clawkit_core::Text;
///
/// let delta = Text::from("Hello");
/// assert_eq!(delta, "Hello");
/// assert!(delta.starts_with("He")); // any `str` method
///
/// let mut whole = String::new();
/// whole.push_str(&delta);
/// assert_eq!(whole, delta.as_str());
///
/// assert_eq!(serde_json::to_string(&delta)?, r#""Hello""#);
/// let parsed: Text = serde_json::from_str(r#""say \"hi\"""#)?;
/// assert_eq!(parsed, r#"say "hi""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
// The representation is private so that it can change (another
// small-string crate) without a breaking change.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// Inline when short, else a heap buffer of its own.
    Owned(CompactString),
    /// Longer than the inline capacity, in a shared [`Bytes`] buffer.
    Shared(ByteString),
}

impl Text {
    /// The longest text, in bytes, stored without a heap allocation: 24 on
    /// 64-bit targets (the size of a `String`), 12 on 32-bit ones.
    pub const INLINE_CAPACITY: usize = 3 * std::mem::size_of::<usize>();

    /// The empty text.
    pub const fn new() -> Self {
        Text(Repr::Owned(CompactString::const_new("")))
    }

    /// A text for a `'static` string, neither copied nor allocated.
    pub const fn from_static(text: &'static str) -> Self {
        Text(Repr::Owned(CompactString::const_new(text)))
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(text) => text.as_str(),
            Repr::Shared(text) => text,
        }
    }

    /// The text as a `String`: a heap text of its own hands over its
    /// buffer; an inline or shared one is copied.
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Owned(text) => text.into_string(),
            Repr::Shared(text) => String::from(&*text),
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

// By hand, to state the `Borrow<str>` contract: a text hashes as its `str`.
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(Repr::Owned(CompactString::from(text)))
    }
}

/// UTF-8 bytes: copied inline when short, otherwise the buffer is shared
/// (a reference-count update, no copy). Fails on invalid UTF-8.
impl TryFrom<Bytes> for Text {
    type Error = std::str::Utf8Error;

    fn try_from(bytes: Bytes) -> Result<Self, Self::Error> {
        if bytes.len() <= Text::INLINE_CAPACITY {
            return std::str::from_utf8(&bytes).map(Text::from);
        }
        ByteString::try_from(bytes).map(|text| Text(Repr::Shared(text)))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Self {
        Text::from(text.as_str())
    }
}

/// Inline when short (the `String` is freed), otherwise its buffer is kept.
impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Repr::Owned(CompactString::from(text)))
    }
}

impl From<Box<str>> for Text {
    fn from(text: Box<str>) -> Self {
        Text::from(text.into_string())
    }
}

/// Borrowed: copied (inline when short); owned: as `From<String>`.
impl From<Cow<'_, str>> for Text {
    fn from(text: Cow<'_, str>) -> Self {
        match text {
            Cow::Borrowed(text) => Text::from(text),
            Cow::Owned(text) => Text::from(text),
        }
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.into_string()
    }
}

impl<'a> From<&'a Text> for Cow<'a, str> {
    fn from(text: &'a Text) -> Self {
        Cow::Borrowed(text.as_str())
    }
}

macro_rules! eq_str {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Text {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == &other[..]
            }
        }

        impl PartialEq<Text> for $other {
            fn eq(&self, other: &Text) -> bool {
                &self[..] == other.as_str()
            }
        }
    )*};
}

eq_str!(str, &str, String, Cow<'_, str>);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(TextVisitor)
    }
}

/// Accepts what a `String` accepts: a string, borrowed or not, or UTF-8 bytes.
struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Text, E> {
        Ok(Text::from(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Text, E> {
        Ok(Text::from(value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Text, E> {
        std::str::from_utf8(value)
            .map(Text::from)
            .map_err(|_| E::invalid_value(de::Unexpected::Bytes(value), &self))
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Text, E> {
        String::from_utf8(value)
            .map(Text::from)
            .map_err(|e| E::invalid_value(de::Unexpected::Bytes(&e.into_bytes()), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};
    use std::hash::BuildHasher;

    const SHORT: &str = "exactly twenty-four byte";
    const LONG: &str = "twenty-five bytes, on one";

    #[test]
    fn short_text_is_inline_and_long_text_keeps_its_buffer() {
        assert_eq!((SHORT.len(), LONG.len()), (24, 25));
        assert_eq!(Text::INLINE_CAPACITY, std::mem::size_of::<String>());
        // As large as the `Bytes` of a shared text, no larger.
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<Bytes>());
        let heap = |text: &Text| match &text.0 {
            Repr::Owned(text) => text.is_heap_allocated(),
            Repr::Shared(_) => true,
        };
        assert!(!heap(&Text::from(SHORT)));
        assert!(!heap(&Text::from(SHORT.to_owned())));
        assert!(heap(&Text::from(LONG)));

        let long = String::from(LONG);
        let buffer = long.as_ptr();
        let text = Text::from(Cow::Owned(long));
        assert_eq!(text.as_ptr(), buffer);
        let back = text.into_string();
        assert_eq!(back.as_ptr(), buffer);
    }

    #[test]
    fn long_bytes_are_shared_short_ones_inline_and_invalid_ones_refused() {
        let read = Bytes::from(format!("data: {LONG}|{SHORT}"));
        let long = read.slice(6..6 + LONG.len());
        let text = Text::try_from(long.clone()).unwrap();
        assert_eq!(text, LONG);
        assert_eq!(text.as_ptr(), long.as_ptr(), "shared, not copied");
        assert!(matches!(text.0, Repr::Shared(_)));
        let short = read.slice(7 + LONG.len()..);
        let text = Text::try_from(short.clone()).unwrap();
        assert_eq!(text, SHORT);
        assert!(matches!(&text.0, Repr::Owned(inline) if !inline.is_heap_allocated()));
        // A shared text behaves as any other: equal, ordered and hashed as
        // its `str`, and copied out by `into_string`.
        let shared = Text::try_from(long).unwrap();
        assert_eq!(shared, Text::from(LONG));
        assert_eq!(shared.cmp(&Text::from(LONG)), std::cmp::Ordering::Equal);
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(state.hash_one(&shared), state.hash_one(Text::from(LONG)));
        assert_eq!(shared.clone().into_string(), LONG);
        assert_eq!(serde_json::to_string(&shared).unwrap(), format!("{LONG:?}"));
        // Invalid UTF-8, short (copied) or long (shared): refused.
        let mut cut = vec![b'a'; 29];
        cut.push(0xC3);
        assert!(Text::try_from(Bytes::from(cut)).is_err());
        assert!(Text::try_from(Bytes::from_static(b"\xff")).is_err());
    }

    #[test]
    fn static_text_is_not_copied() {
        static GREETING: &str = "a static greeting longer than the inline capacity";
        let text = Text::from_static(GREETING);
        assert_eq!(text.as_ptr(), GREETING.as_ptr());
        assert_eq!(Text::new(), "");
        assert_eq!(Text::default(), Text::new());
    }

    #[test]
    fn it_reads_and_compares_like_a_str() {
        for s in ["", "Hi", SHORT, LONG, "né, 日本, 🦀"] {
            let text = Text::from(s);
            assert_eq!(&*text, s);
            assert_eq!(AsRef::<str>::as_ref(&text), s);
            assert_eq!(AsRef::<[u8]>::as_ref(&text), s.as_bytes());
            assert_eq!(text.len(), s.len());
            assert!(equal_both_ways(&text, s));
            assert!(equal_both_ways(&text, &s));
            assert!(equal_both_ways(&text, &s.to_owned()));
            assert!(equal_both_ways(&text, &Cow::Borrowed(s)));
            assert_eq!(text.to_string(), s);
            assert_eq!(format!("{text:?}"), format!("{s:?}"));
            assert_eq!(format!("{text:>30}"), format!("{s:>30}"));
            assert_eq!(String::from(text.clone()), s);
            assert_eq!(Cow::from(&text), s);
            assert_eq!(Text::from(&s.to_owned()), text);
            assert_eq!(Text::from(Box::<str>::from(s)), text);
        }
        assert_eq!(
            Text::from("a").cmp(&Text::from("b")),
            std::cmp::Ordering::Less
        );
        assert!(!equal_both_ways(&Text::from("a"), "b"));
    }

    /// `text == other` and `other == text`.
    fn equal_both_ways<T: PartialEq<Text> + ?Sized>(text: &Text, other: &T) -> bool
    where
        Text: PartialEq<T>,
    {
        text.eq(other) && other.eq(text)
    }

    #[test]
    fn it_hashes_as_its_str() {
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(state.hash_one(Text::from(LONG)), state.hash_one(LONG));
        let set: HashSet<Text> = ["one", "two"].into_iter().map(Text::from).collect();
        assert!(set.contains("one") && !set.contains("three"));
        let map = HashMap::from([(Text::from("k"), 1)]);
        assert_eq!(map.get("k"), Some(&1));
    }

    #[test]
    fn serde_shape_is_a_plain_string() {
        for s in ["", "Hi", LONG, "say \"hi\"\n", "🦀"] {
            let text = Text::from(s);
            let json = serde_json::to_string(&text).unwrap();
            assert_eq!(json, serde_json::to_string(s).unwrap());
            // Borrowed from the input, or unescaped into a scratch buffer.
            assert_eq!(serde_json::from_str::<Text>(&json).unwrap(), text);
            // Owned strings, from a `Value`.
            let value = serde_json::Value::from(s);
            assert_eq!(serde_json::from_value::<Text>(value).unwrap(), text);
            // Inside a buffered (internally tagged, flattened) structure.
            #[derive(serde::Deserialize)]
            #[serde(tag = "type")]
            enum Tagged {
                T { text: Text },
            }
            let tagged = format!(r#"{{"type":"T","text":{json}}}"#);
            let Tagged::T { text: back } = serde_json::from_str(&tagged).unwrap();
            assert_eq!(back, text);
        }
    }

    #[test]
    fn deserializing_rejects_what_a_string_rejects() {
        for json in ["5", "null", "[]", "{}"] {
            let text = serde_json::from_str::<Text>(json).unwrap_err().to_string();
            let string = serde_json::from_str::<String>(json)
                .unwrap_err()
                .to_string();
            assert_eq!(text, string);
        }
    }

    #[test]
    fn utf8_bytes_are_accepted_and_other_bytes_refused() {
        use serde::de::value::{BytesDeserializer, Error};
        let ok: Result<Text, Error> = Text::deserialize(BytesDeserializer::new(b"ok"));
        assert_eq!(ok.unwrap(), "ok");
        let bad: Result<Text, Error> = Text::deserialize(BytesDeserializer::new(b"\xff"));
        assert!(bad.is_err());
        let owned: Result<Text, Error> = TextVisitor.visit_byte_buf(b"buf".to_vec());
        assert_eq!(owned.unwrap(), "buf");
        let bad: Result<Text, Error> = TextVisitor.visit_byte_buf(vec![0xff]);
        assert!(bad.is_err());
    }
}
