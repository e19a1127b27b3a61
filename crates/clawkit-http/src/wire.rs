//! Serde helpers shared by the wire decoders.

use std::borrow::Cow;
use std::marker::PhantomData;

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
            inner.deserialize_str(Str(PhantomData)).map(Some)
        }
    }

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

    deserializer.deserialize_option(OptStr(PhantomData))
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
    fn null_and_missing_are_none_and_other_types_are_errors() {
        assert_eq!(probe(r#"{"text":null}"#), None);
        assert_eq!(probe("{}"), None);
        assert!(serde_json::from_str::<Probe<'_>>(r#"{"text":5}"#).is_err());
    }
}
