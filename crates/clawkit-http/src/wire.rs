//! Serde helpers shared by the wire decoders.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

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

/// Sets header `name`, replacing any header of the same name in another
/// case: HTTP header names are case-insensitive, and two spellings would
/// send both values.
pub(crate) fn set_header(headers: &mut BTreeMap<String, String>, name: &str, value: String) {
    headers.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
    headers.insert(name.to_owned(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_replaces_the_same_name_in_any_case() {
        let mut headers = BTreeMap::from([
            ("authorization".to_owned(), "Bearer old".to_owned()),
            ("X-Trace".to_owned(), "1".to_owned()),
        ]);
        set_header(&mut headers, "Authorization", "Bearer new".to_owned());
        assert_eq!(
            headers,
            BTreeMap::from([
                ("Authorization".to_owned(), "Bearer new".to_owned()),
                ("X-Trace".to_owned(), "1".to_owned()),
            ])
        );
    }

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
    fn null_and_missing_are_none_and_other_types_are_errors() {
        assert_eq!(probe(r#"{"text":null}"#), None);
        assert_eq!(probe("{}"), None);
        assert!(serde_json::from_str::<Probe<'_>>(r#"{"text":5}"#).is_err());
    }
}
