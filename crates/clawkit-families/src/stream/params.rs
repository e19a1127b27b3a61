//! Small readers shared by the families: extra params, thinking levels and
//! the JavaScript value tests (`typeof`, truthiness, `delete`) OpenClaw's
//! wrappers are written with.

use std::sync::LazyLock;

use clawkit_core::ThinkingLevel;
use regex::Regex;
use serde_json::{Map, Value};

/// OpenClaw's name of a `/think` level (`off`, `minimal`, …, `xhigh`,
/// `max`, `adaptive`), from its serde name so a level added to core later
/// still gets one.
pub(crate) fn level_name(level: ThinkingLevel) -> Option<String> {
    match serde_json::to_value(level) {
        Ok(Value::String(name)) => Some(name),
        _ => None,
    }
}

/// `normalizeOptionalLowercaseString`: a string, trimmed, non-empty,
/// lower-cased; anything else is absent.
pub(crate) fn lower(value: Option<&Value>) -> Option<String> {
    let trimmed = value?.as_str()?.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_lowercase())
}

/// `normalizeOptionalLowercaseString` of a Rust string.
pub(crate) fn lower_str(value: &str) -> String {
    value.trim().to_lowercase()
}

/// `a ?? b ?? …`: the first of `keys` whose value is neither absent nor
/// `null`.
pub(crate) fn coalesce<'a>(params: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .filter_map(|key| params.get(*key))
        .find(|value| !value.is_null())
}

/// `readExtraParam`: the value of the first of `keys` the params own, even
/// when it is `null`.
pub(crate) fn own<'a>(params: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|key| params.get(*key))
}

/// `asOptionalRecord`: a JSON object (not an array, not `null`).
pub(crate) fn record(value: Option<&Value>) -> Option<&Map<String, Value>> {
    value?.as_object()
}

/// JavaScript truthiness of a JSON value (`undefined` is `None`).
pub(crate) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(number)) => number.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

/// JavaScript `delete object[key]`: removes the key keeping the order of
/// the others (serde_json's `remove` would move the last key into its place).
pub(crate) fn delete(object: &mut Map<String, Value>, key: &str) {
    object.shift_remove(key);
}

/// `normalizeFastMode`: a boolean, or one of OpenClaw's on/off words;
/// `Some(None)` is `auto`.
pub(crate) fn fast_mode(value: Option<&Value>) -> Option<Option<bool>> {
    let value = value?;
    if let Value::Bool(flag) = value {
        return Some(Some(*flag));
    }
    if !truthy(Some(value)) {
        return None;
    }
    let key = lower(Some(value)).unwrap_or_default();
    match key.as_str() {
        "off" | "false" | "no" | "0" | "disable" | "disabled" | "normal" => Some(Some(false)),
        "on" | "true" | "yes" | "1" | "enable" | "enabled" | "fast" => Some(Some(true)),
        "auto" | "automatic" => Some(None),
        _ => None,
    }
}

/// `parseBooleanValue` with the proxy wrappers' word lists.
pub(crate) fn parse_boolean(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(flag) => Some(*flag),
        value => match lower(Some(value))?.as_str() {
            "1" | "true" | "yes" | "on" | "enable" | "enabled" => Some(true),
            "0" | "false" | "no" | "off" | "disable" | "disabled" => Some(false),
            _ => None,
        },
    }
}

/// `parseStrictFiniteNumber`: a finite number, or a string that is one
/// (`"300"`, `" 2.5e1 "`).
pub(crate) fn finite_number(value: Option<&Value>) -> Option<f64> {
    static NUMBER: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?i)^[+-]?(?:(?:\d+\.?\d*)|(?:\.\d+))(?:e[+-]?\d+)?$").ok());
    match value? {
        Value::Number(number) => number.as_f64().filter(|n| n.is_finite()),
        Value::String(text) => {
            let trimmed = text.trim();
            let pattern = NUMBER.as_ref()?;
            if trimmed.is_empty() || !pattern.is_match(trimmed) {
                return None;
            }
            trimmed.parse::<f64>().ok().filter(|n| n.is_finite())
        }
        _ => None,
    }
}

/// `parsePositiveInteger`: a positive number (floored), or a string of
/// digits naming a positive safe integer.
pub(crate) fn positive_integer(value: Option<&Value>) -> Option<u64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    match value? {
        Value::Number(number) => {
            let n = number.as_f64()?;
            // JS floors a positive fraction to 0 and keeps it (`0.5` → 0).
            // Positive and finite, so the saturating cast only floors.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let floored = n.floor() as u64;
            (n.is_finite() && n > 0.0).then_some(floored)
        }
        Value::String(text) => {
            let trimmed = text.trim();
            let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let parsed: u64 = digits.parse().ok()?;
            #[allow(clippy::cast_precision_loss)]
            let safe = (parsed as f64) <= MAX_SAFE;
            (parsed > 0 && safe).then_some(parsed)
        }
        _ => None,
    }
}

/// A regex compiled once; `None` only if the pattern were invalid, which
/// the tests of each caller rule out.
pub(crate) fn matches(pattern: &LazyLock<Option<Regex>>, text: &str) -> bool {
    pattern.as_ref().is_some_and(|regex| regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fast_mode_reads_openclaw_words() {
        assert_eq!(fast_mode(Some(&json!(true))), Some(Some(true)));
        assert_eq!(fast_mode(Some(&json!(" Fast "))), Some(Some(true)));
        assert_eq!(fast_mode(Some(&json!("normal"))), Some(Some(false)));
        assert_eq!(fast_mode(Some(&json!("automatic"))), Some(None));
        assert_eq!(fast_mode(Some(&json!(1))), None, "numbers are not words");
        assert_eq!(fast_mode(Some(&json!(""))), None);
        assert_eq!(fast_mode(None), None);
    }

    #[test]
    fn numbers_parse_strictly() {
        assert_eq!(finite_number(Some(&json!(" 2.5e1 "))), Some(25.0));
        assert_eq!(finite_number(Some(&json!("12abc"))), None);
        assert_eq!(positive_integer(Some(&json!(1500.9))), Some(1500));
        assert_eq!(positive_integer(Some(&json!("+42"))), Some(42));
        assert_eq!(positive_integer(Some(&json!("4.2"))), None);
        assert_eq!(positive_integer(Some(&json!(0))), None);
        assert_eq!(positive_integer(Some(&json!("-3"))), None);
    }

    #[test]
    fn delete_keeps_the_order_of_the_other_keys() {
        let mut object = json!({"a": 1, "b": 2, "c": 3});
        if let Some(object) = object.as_object_mut() {
            delete(object, "a");
        }
        assert_eq!(object.to_string(), r#"{"b":2,"c":3}"#);
    }

    #[test]
    fn coalesce_skips_null_and_own_does_not() {
        let params = json!({"fastMode": null, "fast_mode": "on"});
        let params = params.as_object().cloned().unwrap_or_default();
        assert_eq!(
            coalesce(&params, &["fastMode", "fast_mode"]),
            Some(&json!("on"))
        );
        assert_eq!(own(&params, &["fastMode", "fast_mode"]), Some(&Value::Null));
    }
}
