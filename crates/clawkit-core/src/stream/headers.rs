//! [`Headers`]: the request headers of a stream call, with names compared
//! ASCII-case-insensitively as HTTP does.

use std::cmp::Ordering;
use std::fmt;
use std::iter::FusedIterator;

use super::HeaderPrecedence;

/// Request headers whose names compare ASCII-case-insensitively, as HTTP's
/// do: `Authorization` and `authorization` are one header, so a layer that
/// sets one replaces the other instead of both being sent.
///
/// A name keeps the spelling it was first inserted with; later writes to
/// it, in any case, change only its value (as `HashMap::insert` keeps its
/// key). The spelling is kept rather than lowercased so that what a
/// wrapper, a custom transport, a trace or `Debug` shows is what the code
/// that set the header wrote; on the wire the spelling does not matter
/// (clawkit's HTTP transports send names lowercased, as HTTP/2 requires).
///
/// Iteration is in the order of the lowercased names, whatever the order
/// of insertion, so traces and snapshots do not depend on which layer ran
/// first.
///
/// Names and values are not checked here: the HTTP transports refuse an
/// invalid one (a non-token character in a name, CR or LF in a value) with
/// a typed error when sending. `Debug` prints the names only — values may
/// be credentials.
///
/// ```
/// use clawkit_core::Headers;
///
/// let mut headers = Headers::new();
/// headers.insert("Authorization", "Bearer old");
/// let old = headers.insert("authorization", "Bearer new");
/// assert_eq!(old.as_deref(), Some("Bearer old"));
/// assert_eq!(headers.len(), 1);
/// assert_eq!(headers.get("AUTHORIZATION"), Some("Bearer new"));
/// assert_eq!(headers.iter().collect::<Vec<_>>(), [("Authorization", "Bearer new")]);
/// assert_eq!(format!("{headers:?}"), r#"["Authorization"]"#);
/// ```
#[derive(Clone, Default)]
pub struct Headers {
    /// Sorted by [`cmp_names`]; no two names equal ignoring ASCII case.
    entries: Vec<(String, String)>,
}

/// Orders names by their ASCII-lowercased bytes.
fn cmp_names(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

impl Headers {
    /// No headers.
    pub const fn new() -> Self {
        Headers {
            entries: Vec::new(),
        }
    }

    /// Where `name` is, or where it would go.
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(existing, _)| cmp_names(existing, name))
    }

    /// Sets `name` to `value`, replacing the value of the same name in any
    /// case (whose spelling is kept), and returns the value replaced.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        let name = name.into();
        let value = value.into();
        match self.find(&name) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(at) => {
                self.entries.insert(at, (name, value));
                None
            }
        }
    }

    /// The value of `name`, in any case.
    pub fn get(&self, name: &str) -> Option<&str> {
        let at = self.find(name).ok()?;
        self.entries.get(at).map(|(_, value)| value.as_str())
    }

    /// Whether `name` is set, in any case.
    pub fn contains(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Removes `name`, in any case, and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let at = self.find(name).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The headers as `(name, value)`, in the order of their lowercased names.
    pub fn iter(&self) -> HeadersIter<'_> {
        HeadersIter(self.entries.iter())
    }

    /// Merges `other` in, names compared in any case. With
    /// [`HeaderPrecedence::CallerWins`] only the names not set yet are
    /// added; with [`HeaderPrecedence::DefaultsWin`] `other`'s values
    /// also replace those already set (like [`insert`](Self::insert), the
    /// spelling already there is kept).
    ///
    /// ```
    /// use clawkit_core::{HeaderPrecedence, Headers};
    ///
    /// let mut caller = Headers::from([("X-Team", "caller")]);
    /// caller.merge([("x-team", "provider"), ("x-new", "1")], HeaderPrecedence::CallerWins);
    /// assert_eq!(caller.get("x-team"), Some("caller"));
    /// assert_eq!(caller.get("X-New"), Some("1"));
    /// caller.merge([("x-team", "provider")], HeaderPrecedence::DefaultsWin);
    /// assert_eq!(caller.iter().collect::<Vec<_>>(), [("x-new", "1"), ("X-Team", "provider")]);
    /// ```
    pub fn merge<K, V>(
        &mut self,
        other: impl IntoIterator<Item = (K, V)>,
        precedence: HeaderPrecedence,
    ) where
        K: Into<String>,
        V: Into<String>,
    {
        for (name, value) in other {
            let name = name.into();
            match precedence {
                HeaderPrecedence::CallerWins if self.contains(&name) => {}
                HeaderPrecedence::CallerWins | HeaderPrecedence::DefaultsWin => {
                    self.insert(name, value);
                }
            }
        }
    }
}

/// Names only: header values may be credentials.
impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(name, _)| name))
            .finish()
    }
}

/// Equal when they hold the same names (in any case) with the same values.
impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|((a, x), (b, y))| a.eq_ignore_ascii_case(b) && x == y)
    }
}

impl Eq for Headers {}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Headers {
    /// Collects headers; of two names equal in any case, the first
    /// spelling and the last value are kept.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        headers.extend(iter);
        headers
    }
}

impl<K: Into<String>, V: Into<String>> Extend<(K, V)> for Headers {
    /// [`insert`](Headers::insert)s each header.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for Headers {
    /// Collects the headers of an array, as [`FromIterator`] does.
    fn from(array: [(K, V); N]) -> Self {
        array.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = (&'a str, &'a str);
    type IntoIter = HeadersIter<'a>;

    fn into_iter(self) -> HeadersIter<'a> {
        self.iter()
    }
}

impl IntoIterator for Headers {
    type Item = (String, String);
    type IntoIter = HeadersIntoIter;

    /// The headers as owned `(name, value)`, in [`Headers::iter`]'s order.
    fn into_iter(self) -> HeadersIntoIter {
        HeadersIntoIter(self.entries.into_iter())
    }
}

/// The headers of a [`Headers`] as `(name, value)` ([`Headers::iter`]).
#[derive(Clone)]
pub struct HeadersIter<'a>(std::slice::Iter<'a, (String, String)>);

impl<'a> Iterator for HeadersIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for HeadersIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0
            .next_back()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

impl ExactSizeIterator for HeadersIter<'_> {}

impl FusedIterator for HeadersIter<'_> {}

/// Names only: header values may be credentials.
impl fmt::Debug for HeadersIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HeadersIter")
            .field(&self.0.as_slice().iter().map(|(n, _)| n).collect::<Vec<_>>())
            .finish()
    }
}

/// The headers of a [`Headers`] as owned `(name, value)`.
pub struct HeadersIntoIter(std::vec::IntoIter<(String, String)>);

impl Iterator for HeadersIntoIter {
    type Item = (String, String);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for HeadersIntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back()
    }
}

impl ExactSizeIterator for HeadersIntoIter {}

impl FusedIterator for HeadersIntoIter {}

/// Names only: header values may be credentials.
impl fmt::Debug for HeadersIntoIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HeadersIntoIter")
            .field(&self.0.as_slice().iter().map(|(n, _)| n).collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_header_in_any_case_and_keep_their_first_spelling() {
        let mut headers = Headers::new();
        assert_eq!(headers.insert("Authorization", "Bearer a"), None);
        assert_eq!(
            headers.insert("authorization", "Bearer b"),
            Some("Bearer a".to_owned())
        );
        assert_eq!(headers.len(), 1);
        assert!(headers.contains("AUTHORIZATION"));
        assert_eq!(headers.get("aUtHoRiZaTiOn"), Some("Bearer b"));
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [("Authorization", "Bearer b")]
        );
        assert_eq!(headers.remove("AUTHORIZATION"), Some("Bearer b".to_owned()));
        assert!(headers.is_empty());
        assert_eq!(headers.remove("authorization"), None);
        assert_eq!(headers.get("authorization"), None);
    }

    #[test]
    fn iteration_follows_the_lowercased_names_not_the_insertion_order() {
        let forward: Headers = [("x-b", "2"), ("X-A", "1"), ("Accept", "a"), ("x-c", "3")]
            .into_iter()
            .collect();
        let backward: Headers = [("x-c", "3"), ("Accept", "a"), ("X-A", "1"), ("x-b", "2")]
            .into_iter()
            .collect();
        let names = |h: &Headers| h.iter().map(|(n, _)| n.to_owned()).collect::<Vec<_>>();
        assert_eq!(names(&forward), ["Accept", "X-A", "x-b", "x-c"]);
        assert_eq!(names(&forward), names(&backward));
        assert_eq!(forward, backward);
        assert_eq!(
            forward.iter().rev().map(|(n, _)| n).collect::<Vec<_>>(),
            ["x-c", "x-b", "X-A", "Accept"]
        );
        assert_eq!(forward.iter().len(), 4);
        let owned: Vec<(String, String)> = forward.into_iter().collect();
        assert_eq!(owned[0], ("Accept".to_owned(), "a".to_owned()));
    }

    #[test]
    fn collecting_keeps_the_first_spelling_and_the_last_value() {
        let headers = Headers::from([("X-Team", "a"), ("x-team", "b"), ("X-TEAM", "c")]);
        assert_eq!(headers.iter().collect::<Vec<_>>(), [("X-Team", "c")]);
        let mut extended = Headers::new();
        extended.extend([("x-team".to_owned(), "d".to_owned())]);
        extended.extend(&headers);
        assert_eq!(extended.iter().collect::<Vec<_>>(), [("x-team", "c")]);
    }

    #[test]
    fn merge_follows_the_precedence_in_any_case() {
        let caller = Headers::from([("X-Acme", "caller")]);
        let provider = Headers::from([("x-acme", "provider"), ("X-New", "1")]);

        let mut caller_wins = caller.clone();
        caller_wins.merge(&provider, HeaderPrecedence::CallerWins);
        assert_eq!(
            caller_wins.iter().collect::<Vec<_>>(),
            [("X-Acme", "caller"), ("X-New", "1")]
        );

        let mut defaults_win = caller.clone();
        defaults_win.merge(&provider, HeaderPrecedence::DefaultsWin);
        assert_eq!(
            defaults_win.iter().collect::<Vec<_>>(),
            [("X-Acme", "provider"), ("X-New", "1")]
        );

        // Any `(name, value)` source: a map of a hook's result, pairs of &str.
        let mut from_map = caller;
        let map = std::collections::BTreeMap::from([("x-acme".to_owned(), "map".to_owned())]);
        from_map.merge(&map, HeaderPrecedence::DefaultsWin);
        assert_eq!(from_map.get("X-ACME"), Some("map"));
    }

    #[test]
    fn equality_ignores_the_case_of_names_but_not_of_values() {
        assert_eq!(
            Headers::from([("Authorization", "x")]),
            Headers::from([("authorization", "x")])
        );
        assert_ne!(
            Headers::from([("Authorization", "x")]),
            Headers::from([("Authorization", "X")])
        );
        assert_ne!(
            Headers::from([("a", "x")]),
            Headers::from([("a", "x"), ("b", "y")])
        );
        assert_eq!(Headers::default(), Headers::new());
    }

    #[test]
    fn debug_prints_names_never_values() {
        let canary = "sk-canary-headers-0123456789";
        let headers = Headers::from([
            ("Authorization", format!("Bearer {canary}")),
            ("x-api-key", canary.to_owned()),
        ]);
        for printed in [
            format!("{headers:?}"),
            format!("{headers:#?}"),
            format!("{:?}", headers.iter()),
            format!("{:?}", headers.clone().into_iter()),
        ] {
            assert!(!printed.contains(canary), "{printed}");
            assert!(printed.contains("Authorization"), "{printed}");
        }
        assert_eq!(format!("{headers:?}"), r#"["Authorization", "x-api-key"]"#);
    }

    #[test]
    fn names_differing_only_beyond_ascii_stay_apart() {
        // Only ASCII letters fold; other bytes compare as they are.
        let headers = Headers::from([("x-\u{e9}", "1"), ("X-\u{c9}", "2")]);
        assert_eq!(headers.len(), 2);
    }
}
