//! Serde helpers shared by the wire decoders.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::ops::Range;

use bytes::Bytes;
use clawkit_core::Text;

use serde::Deserializer;
use serde::de::{self, Deserialize, DeserializeSeed, Visitor};

/// Deserializes an optional JSON string borrowed from the input when it has
/// no escapes, and owned only when it does.
///
/// serde borrows a `Cow<'a, str>` field only when the field's type is exactly
/// that; inside an `Option` it always allocates a copy. Use as
/// `#[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]`.
pub(crate) fn opt_str<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'a, str>>, D::Error> {
    struct OptStr<'a>(PhantomData<&'a ()>);

    impl<'de: 'a, 'a> Visitor<'de> for OptStr<'a> {
        type Value = Option<Cow<'a, str>>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
            str_of(inner).map(Some)
        }
    }

    deserializer.deserialize_option(OptStr(PhantomData))
}

/// Deserializes a JSON string borrowed from the input when it has no
/// escapes, and owned only when it does.
pub(crate) fn str_of<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Cow<'a, str>, D::Error> {
    struct Str<'a>(PhantomData<&'a ()>);

    impl<'de: 'a, 'a> Visitor<'de> for Str<'a> {
        type Value = Cow<'a, str>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(value))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value.to_owned()))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value))
        }
    }

    deserializer.deserialize_str(Str(PhantomData))
}

/// Parses one JSON event (an SSE `data` payload) into `T`, borrowing its
/// strings from `data`.
///
/// UTF-8 is checked once for the whole event; serde_json's byte-slice reader
/// checks it again for every string it hands out, keys included, which was
/// a sixth of the cost of decoding a stream. Invalid UTF-8 anywhere in the
/// event is an error (JSON text is UTF-8).
pub(crate) fn from_json<'a, T: Deserialize<'a>>(data: &'a [u8]) -> serde_json::Result<T> {
    from_json_seed(data, PhantomData::<T>)
}

/// [`from_json`] with a seed (a visitor that fills a value in place).
pub(crate) fn from_json_seed<'a, S: DeserializeSeed<'a>>(
    data: &'a [u8],
    seed: S,
) -> serde_json::Result<S::Value> {
    let text = std::str::from_utf8(data).map_err(de::Error::custom)?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A seed that fills the value it points to: the decoders parse an event
/// into a value on their stack instead of returning one through serde's
/// nested `Result`s, which cost as much in moves as the JSON did.
pub(crate) struct InPlace<'s, T>(pub(crate) &'s mut T);

/// An in-place value is a JSON object: its seed hands the deserializer the
/// value's map visitor (each decoder implements `Visitor` for its values).
impl<'de, T> DeserializeSeed<'de> for InPlace<'_, T>
where
    for<'s> InPlace<'s, T>: Visitor<'de, Value = ()>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// A seed reading a JSON string as one of a closed set of names (`null` as
/// `None`): the function maps a name to its value, an unknown name to a
/// catch-all. Cheaper than a derived enum, whose string goes through
/// serde's variant machinery.
pub(crate) struct Named<T>(pub(crate) fn(&str) -> T);

impl<'de, T> DeserializeSeed<'de> for Named<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T> Visitor<'de> for Named<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Option<T>, D::Error> {
        inner.deserialize_str(self)
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Option<T>, E> {
        Ok(Some((self.0)(name)))
    }
}

/// The optional string of a map's current value, borrowed when possible.
pub(crate) fn next_str<'de: 'a, 'a, A: de::MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<Cow<'a, str>>, A::Error> {
    map.next_value_seed(OptStrSeed(PhantomData))
}

/// [`opt_str`] as a seed.
struct OptStrSeed<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for OptStrSeed<'a> {
    type Value = Option<Cow<'a, str>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        opt_str(deserializer)
    }
}

/// A string parsed out of an event as a [`Text`]: one borrowed from the
/// event's data and longer than the inline capacity shares `buffer`, the
/// buffer the data lies in (a reference-count update), instead of being
/// copied into an allocation of its own. A short one is stored inline, and
/// one that had escapes (owned already, unescaped by serde) keeps its own
/// buffer.
pub(crate) fn text_in(buffer: &Bytes, piece: Cow<'_, str>) -> Text {
    if let Cow::Borrowed(part) = &piece
        && part.len() > Text::INLINE_CAPACITY
        && let Some(range) = range_in(buffer, part.as_bytes())
        && let Ok(text) = Text::try_from(buffer.slice(range))
    {
        return text;
    }
    Text::from(piece)
}

/// Where `part` lies in `whole`, if it is a part of it.
pub(crate) fn range_in(whole: &[u8], part: &[u8]) -> Option<Range<usize>> {
    let start = part.as_ptr().addr().checked_sub(whole.as_ptr().addr())?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe<'a> {
        #[serde(default, borrow, deserialize_with = "opt_str")]
        text: Option<Cow<'a, str>>,
    }

    fn probe(json: &str) -> Option<Cow<'_, str>> {
        serde_json::from_str::<Probe<'_>>(json).unwrap().text
    }

    #[test]
    fn plain_strings_are_borrowed_escaped_ones_owned() {
        assert!(matches!(
            probe(r#"{"text":"hello"}"#),
            Some(Cow::Borrowed("hello"))
        ));
        match probe(r#"{"text":"say \"hi\""}"#) {
            Some(Cow::Owned(text)) => assert_eq!(text, "say \"hi\""),
            other => panic!("expected an owned string, got {other:?}"),
        }
    }

    #[test]
    fn events_borrow_from_the_data_and_must_be_whole_utf8_json() {
        let probe: Probe<'_> = from_json(b"{\"text\":\"caf\xc3\xa9\"}").unwrap();
        assert!(matches!(probe.text, Some(Cow::Borrowed("caf\u{e9}"))));
        // Invalid UTF-8 even in a field that is not read, and trailing data.
        assert!(from_json::<Probe<'_>>(b"{\"other\":\"\xff\"}").is_err());
        assert!(from_json::<Probe<'_>>(br#"{"text":"a"} {}"#).is_err());
        assert!(from_json::<Probe<'_>>(br#"{"text":"a"}  "#).is_ok());
    }

    #[test]
    fn long_borrowed_text_shares_the_event_s_buffer() {
        let data = Bytes::from_static(
            br#"{"text":"a delta longer than twenty-four bytes","short":"hi","esc":"a \"quoted\" delta, also long enough"}"#,
        );
        #[derive(serde::Deserialize)]
        struct Event<'a> {
            #[serde(borrow, deserialize_with = "opt_str")]
            text: Option<Cow<'a, str>>,
            #[serde(borrow, deserialize_with = "opt_str")]
            short: Option<Cow<'a, str>>,
            #[serde(borrow, deserialize_with = "opt_str")]
            esc: Option<Cow<'a, str>>,
        }
        let event: Event<'_> = from_json(&data).unwrap();
        let long = text_in(&data, event.text.unwrap());
        assert_eq!(long, "a delta longer than twenty-four bytes");
        let inside = data.as_ptr_range();
        assert!(inside.contains(&long.as_ptr()), "shared with the data");
        let short = text_in(&data, event.short.unwrap());
        assert_eq!(short, "hi");
        assert!(!inside.contains(&short.as_ptr()));
        let unescaped = text_in(&data, event.esc.unwrap());
        assert_eq!(unescaped, r#"a "quoted" delta, also long enough"#);
        assert!(!inside.contains(&unescaped.as_ptr()));
        // A string from elsewhere is copied, never sliced out of `data`.
        let elsewhere = String::from("not a part of the data, and long");
        let copied = text_in(&data, Cow::Borrowed(&elsewhere));
        assert_eq!(copied, elsewhere.as_str());
        assert!(!inside.contains(&copied.as_ptr()));
        let whole = b"abcdef";
        assert_eq!(range_in(whole, &whole[2..5]), Some(2..5));
        assert_eq!(
            range_in(&whole[..3], &whole[2..5]),
            None,
            "runs past the end"
        );
        assert_eq!(range_in(&whole[2..], &whole[..3]), None, "starts before");
    }

    #[test]
    fn a_name_is_mapped_null_is_none_and_anything_else_an_error() {
        #[derive(Debug, PartialEq)]
        enum Kind {
            Ping,
            Other,
        }
        fn named(name: &str) -> Kind {
            if name == "ping" {
                Kind::Ping
            } else {
                Kind::Other
            }
        }
        let read =
            |json: &str| Named(named).deserialize(&mut serde_json::Deserializer::from_str(json));
        assert_eq!(read(r#""ping""#).unwrap(), Some(Kind::Ping));
        assert_eq!(
            read(r#""p\u0069ng""#).unwrap(),
            Some(Kind::Ping),
            "unescaped first"
        );
        assert_eq!(read(r#""pong""#).unwrap(), Some(Kind::Other));
        assert_eq!(read("null").unwrap(), None);
        assert!(read("1").is_err());
        assert!(read(r#"{"ping": null}"#).is_err());
    }

    #[test]
    fn null_and_missing_are_none_and_other_types_are_errors() {
        assert_eq!(probe(r#"{"text":null}"#), None);
        assert_eq!(probe("{}"), None);
        assert!(serde_json::from_str::<Probe<'_>>(r#"{"text":5}"#).is_err());
    }
}
