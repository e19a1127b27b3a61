//! OpenClaw 2026.9.6's own refusals for fields clawkit keeps verbatim:
//! `backupResources`, `categories`, `dashboard`, `controlUi` and `themes`.
//!
//! Each rule is read from `loadPluginManifest` in OpenClaw's shipped build
//! (`dist/manifest-*.mjs`) and keeps its wording. OpenClaw stops at the first
//! one it meets; clawkit reports each of them, at the JSON pointer of what is
//! wrong (OpenClaw names no position). Every error here is an
//! [`crate::DiagnosticSource::OpenClaw`] error: OpenClaw refuses to load the
//! plugin.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::diagnostic::Collector;
use crate::document::child_pointer;
use crate::json5::{ParseWarning, WarningKind};
use crate::read::js_trim;

/// The categories OpenClaw accepts: the browse taxonomy, then the legacy slugs.
pub(crate) const PLUGIN_CATEGORIES: &[&str] = &[
    "channels",
    "models",
    "agent-runtimes",
    "memory",
    "context",
    "voice",
    "web",
    "media",
    "security",
    "integrations",
    "developer-tools",
    "infrastructure",
    "documents-files",
    "inbox-collaboration",
    "productivity",
    "scheduling",
    "finance-payments",
    "sales-marketing",
    "data-analytics",
    "agent-orchestration",
    "research",
    "other",
    "tools",
    "runtime",
    "gateway",
];

const MAX_THEMES: usize = 32;
const MAX_ARTWORK_ENTRIES: usize = 8;
const MAX_CONTROL_UI_STYLES: usize = 16;
const MAX_CONTROL_UI_PATH: usize = 512;
/// Built-in avatar hats a theme may not redefine.
const BUILTIN_HATS: &[&str] = &["fedora", "crown", "santa", "party", "pumpkin"];
/// Built-in critters a theme may not redefine.
const BUILTIN_CRITTERS: &[&str] = &["penguin", "fedora"];

/// Runs every rule on the manifest's top-level object. `id` is the trimmed
/// plugin id (empty when missing, which is reported elsewhere);
/// `parse_warnings` are the parser's findings, for duplicate artwork keys.
pub(crate) fn check(
    cx: &mut Collector<'_>,
    root: &Map<String, Value>,
    id: &str,
    parse_warnings: &[ParseWarning],
) {
    if let Some(value) = root.get("backupResources") {
        backup_resources(cx, value);
    }
    if let Some(value) = root.get("categories") {
        categories(cx, value);
    }
    if let Some(value) = root.get("dashboard") {
        dashboard(cx, value);
    }
    if let Some(value) = root.get("controlUi") {
        control_ui(cx, value);
    }
    if let Some(value) = root.get("themes") {
        themes(cx, value, id, parse_warnings);
    }
}

/// Collects one rule's errors under OpenClaw's prefix for the field.
struct Rule<'c, 'd> {
    cx: &'c mut Collector<'d>,
    /// `invalid plugin manifest <field>: `
    prefix: String,
    failed: bool,
}

impl<'c, 'd> Rule<'c, 'd> {
    fn new(cx: &'c mut Collector<'d>, field: &str) -> Self {
        Rule {
            cx,
            prefix: format!("invalid plugin manifest {field}: "),
            failed: false,
        }
    }

    fn fail(&mut self, pointer: &str, message: &str) {
        self.failed = true;
        self.cx
            .openclaw_error(pointer, format!("{}{message}", self.prefix));
    }

    fn fail_at_key(&mut self, pointer: &str, message: &str) {
        self.failed = true;
        self.cx
            .openclaw_error_at_key(pointer, format!("{}{message}", self.prefix));
    }
}

fn backup_resources(cx: &mut Collector<'_>, value: &Value) {
    let mut rule = Rule::new(cx, "backupResources");
    let Value::Array(items) = value else {
        rule.fail("/backupResources", "backupResources must be an array");
        return;
    };
    const KEYS: [&str; 3] = ["disposition", "scope", "relativePath"];
    for (i, entry) in items.iter().enumerate() {
        let pointer = child_pointer("/backupResources", i);
        let shape =
            format!("backupResources[{i}] must contain only disposition, scope, and relativePath");
        let Value::Object(map) = entry else {
            rule.fail(&pointer, &shape);
            continue;
        };
        if let Some(extra) = map.keys().find(|key| !KEYS.contains(&key.as_str())) {
            rule.fail_at_key(&child_pointer(&pointer, extra), &shape);
            continue;
        }
        if map.len() != KEYS.len() {
            rule.fail(&pointer, &shape);
            continue;
        }
        let disposition = map.get("disposition").and_then(Value::as_str);
        if !matches!(disposition, Some("include" | "regenerable")) {
            rule.fail(
                &child_pointer(&pointer, "disposition"),
                &format!("backupResources[{i}].disposition is invalid"),
            );
            continue;
        }
        let scope = map.get("scope").and_then(Value::as_str);
        if !matches!(scope, Some("state" | "agent")) {
            rule.fail(
                &child_pointer(&pointer, "scope"),
                &format!("backupResources[{i}].scope is invalid"),
            );
            continue;
        }
        let strict = map
            .get("relativePath")
            .and_then(Value::as_str)
            .is_some_and(is_strict_relative_posix_path);
        if !strict {
            rule.fail(
                &child_pointer(&pointer, "relativePath"),
                &format!("backupResources[{i}].relativePath must be a strict relative POSIX path"),
            );
        }
    }
}

/// Not empty; no backslash, NUL, leading `/` or `scheme:`; no empty, `.` or
/// `..` segment. (Windows-absolute paths are caught by the backslash and
/// `scheme:` tests.)
fn is_strict_relative_posix_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', '\0'])
        && !path.starts_with('/')
        && !has_scheme(path)
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// `^[A-Za-z][A-Za-z\d+.-]*:`
fn has_scheme(path: &str) -> bool {
    let mut chars = path.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    for c in chars {
        match c {
            ':' => return true,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-') => {}
            _ => return false,
        }
    }
    false
}

fn categories(cx: &mut Collector<'_>, value: &Value) {
    let mut rule = Rule::new(cx, "categories");
    let Value::Array(items) = value else {
        rule.fail("/categories", "must be an array");
        return;
    };
    if items.is_empty() || items.len() > 3 {
        rule.fail("/categories", "must contain between 1 and 3 entries");
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, entry) in items.iter().enumerate() {
        let pointer = child_pointer("/categories", i);
        let known = entry
            .as_str()
            .and_then(|slug| PLUGIN_CATEGORIES.iter().find(|c| **c == slug));
        match known {
            None => rule.fail(
                &pointer,
                &format!("contains unknown category {}", js_stringify(entry)),
            ),
            Some(slug) if seen.contains(slug) => rule.fail(&pointer, "must not contain duplicates"),
            Some(slug) => seen.push(slug),
        }
    }
}

fn dashboard(cx: &mut Collector<'_>, value: &Value) {
    let mut rule = Rule::new(cx, "dashboard");
    let Value::Object(map) = value else {
        rule.fail("/dashboard", "dashboard must be an object");
        return;
    };
    for field in ["dataBindings", "actionVerbs"] {
        let Some(list) = map.get(field) else {
            continue;
        };
        let pointer = child_pointer("/dashboard", field);
        let Value::Array(items) = list else {
            rule.fail(&pointer, &format!("dashboard.{field} must be an array"));
            continue;
        };
        let label = format!("dashboard.{field}");
        for (i, entry) in items.iter().enumerate() {
            let entry_pointer = child_pointer(&pointer, i);
            if let Err((member, message)) = dashboard_capability(entry, &label, i) {
                let at = match member {
                    Some(member) => child_pointer(&entry_pointer, member),
                    None => entry_pointer,
                };
                rule.fail(&at, &message);
                continue;
            }
            let param_shape = entry.get("paramShape");
            if field == "actionVerbs" && param_shape.is_some_and(|shape| !shape.is_object()) {
                rule.fail(
                    &child_pointer(&entry_pointer, "paramShape"),
                    &format!("{label}[{i}].paramShape must be a JSON Schema object"),
                );
            }
        }
    }
}

/// `normalizeDashboardCapabilityBase`: the member at fault and the message.
fn dashboard_capability(
    entry: &Value,
    label: &str,
    index: usize,
) -> Result<(), (Option<&'static str>, String)> {
    let Value::Object(map) = entry else {
        return Err((None, format!("{label}[{index}] must be an object")));
    };
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .map(js_trim)
            .filter(|s| !s.is_empty())
    };
    let id_ok = text("id").is_some_and(|id| {
        let mut chars = id.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && chars.all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
    });
    if !id_ok {
        return Err((
            Some("id"),
            format!("{label}[{index}].id must be a lowercase capability id"),
        ));
    }
    for key in ["method", "description"] {
        if text(key).is_none() {
            return Err((
                Some(key),
                format!("{label}[{index}].{key} must be a non-empty string"),
            ));
        }
    }
    Ok(())
}

fn control_ui(cx: &mut Collector<'_>, value: &Value) {
    let mut rule = Rule::new(cx, "controlUi");
    let shape = "controlUi must contain only entry and optional styles";
    let Value::Object(map) = value else {
        rule.fail("/controlUi", shape);
        return;
    };
    for key in map.keys().filter(|k| *k != "entry" && *k != "styles") {
        rule.fail_at_key(&child_pointer("/controlUi", key), shape);
    }
    let entry = map
        .get("entry")
        .and_then(Value::as_str)
        .map(strip_dot_slash)
        .unwrap_or_default();
    if entry.len() > MAX_CONTROL_UI_PATH || !is_control_ui_entry(entry) {
        rule.fail(
            "/controlUi/entry",
            "controlUi.entry must be a JavaScript file in a dedicated dist subdirectory",
        );
        return;
    }
    let Some(styles) = map.get("styles") else {
        return;
    };
    let styles = match styles {
        Value::Array(items) if items.len() <= MAX_CONTROL_UI_STYLES => items,
        _ => {
            rule.fail(
                "/controlUi/styles",
                "controlUi.styles must be an array of at most 16 stylesheets",
            );
            return;
        }
    };
    let asset_dir = &entry[..entry.rfind('/').map_or(0, |i| i + 1)];
    for (i, style) in styles.iter().enumerate() {
        let style = style.as_str().map(strip_dot_slash).unwrap_or_default();
        if style.len() > MAX_CONTROL_UI_PATH
            || !style.starts_with(asset_dir)
            || !is_control_ui_style(style)
        {
            rule.fail(
                &child_pointer("/controlUi/styles", i),
                "controlUi.styles must contain CSS files under the entry's asset directory",
            );
        }
    }
}

/// One leading `./` removed, as `replace(/^\.\//u, "")` does.
fn strip_dot_slash(path: &str) -> &str {
    path.strip_prefix("./").unwrap_or(path)
}

/// `[\w-][\w.-]*` with ASCII `\w`, or with `ignore_case` letters of either
/// case (the theme paths' `[a-z0-9_-][a-z0-9._-]*` under the `i` flag are the
/// same set).
fn is_path_segment(segment: &str) -> bool {
    let mut chars = segment.chars();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    chars.next().is_some_and(|c| word(c) || c == '-')
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// `^dist\/(?:[\w-][\w.-]*\/)+[\w-][\w.-]*\.m?js$`
fn is_control_ui_entry(entry: &str) -> bool {
    let Some(rest) = entry.strip_prefix("dist/") else {
        return false;
    };
    let Some((dirs, file)) = rest.rsplit_once('/') else {
        return false;
    };
    let stem = file
        .strip_suffix(".mjs")
        .filter(|stem| is_path_segment(stem))
        .or_else(|| file.strip_suffix(".js"));
    dirs.split('/').all(is_path_segment) && stem.is_some_and(is_path_segment)
}

/// `^(?:[\w-][\w.-]*\/)+[\w-][\w.-]*\.css$`
fn is_control_ui_style(style: &str) -> bool {
    let Some((dirs, file)) = style.rsplit_once('/') else {
        return false;
    };
    dirs.split('/').all(is_path_segment) && file.strip_suffix(".css").is_some_and(is_path_segment)
}

/// `^(?:[a-z0-9_-][a-z0-9._-]*\/)*[a-z0-9_-][a-z0-9._-]*\.<extension>$` with
/// the `i` flag, after one leading `./` is removed.
fn is_plugin_file(path: &str, extension: &str) -> bool {
    let path = strip_dot_slash(path);
    let (dirs, file) = match path.rsplit_once('/') {
        Some((dirs, file)) => (Some(dirs), file),
        None => (None, path),
    };
    let suffix_len = extension.len() + 1;
    let stem_ok = file.len() > suffix_len
        && file.is_char_boundary(file.len() - suffix_len)
        && file[file.len() - suffix_len..].eq_ignore_ascii_case(&format!(".{extension}"))
        && is_path_segment(&file[..file.len() - suffix_len]);
    stem_ok && dirs.is_none_or(|dirs| dirs.split('/').all(is_path_segment))
}

/// `^[a-z0-9][a-z0-9_-]{0,max-1}$`
fn is_local_id(id: &str, max: usize) -> bool {
    let mut chars = id.chars();
    id.len() <= max
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Whether `<plugin id>/x` is a theme id (`isThemeId`): the plugin id must be
/// a portable owner outside the `user/` namespace.
fn is_portable_theme_owner(id: &str) -> bool {
    let owner_segment = |segment: &str| {
        let mut chars = segment.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    let bare = id.strip_prefix('@').unwrap_or(id);
    id.encode_utf16().count() + 2 <= 256
        && !id.is_empty()
        && !id.starts_with("user/")
        && bare.split('/').all(owner_segment)
}

fn themes(cx: &mut Collector<'_>, value: &Value, id: &str, parse_warnings: &[ParseWarning]) {
    let mut rule = Rule::new(cx, "themes");
    let items = match value {
        Value::Array(items) if items.len() <= MAX_THEMES => items,
        _ => {
            rule.fail(
                "/themes",
                &format!("themes must be an array with at most {MAX_THEMES} entries"),
            );
            return;
        }
    };
    // Without an id OpenClaw stops earlier; that error is reported elsewhere.
    if !items.is_empty() && !id.is_empty() && (id == "user" || !is_portable_theme_owner(id)) {
        rule.fail(
            "/themes",
            "themes require a portable plugin ID outside the reserved user namespace",
        );
        return;
    }
    let mut ids: Vec<&str> = Vec::new();
    let mut with_artwork = false;
    for (i, entry) in items.iter().enumerate() {
        let pointer = child_pointer("/themes", i);
        let Value::Object(map) = entry else {
            rule.fail(&pointer, &format!("themes[{i}] must be an object"));
            continue;
        };
        if let Some(member) = theme_fault(map, &ids) {
            rule.fail(
                &child_pointer(&pointer, member),
                &format!(
                    "themes[{i}] requires a unique safe id, name, description, and JSON source"
                ),
            );
            continue;
        }
        if let Some(theme_id) = map.get("id").and_then(Value::as_str) {
            ids.push(theme_id);
        }
        let source = map
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !is_plugin_file(source, "json") {
            rule.fail(
                &child_pointer(&pointer, "source"),
                &format!("themes[{i}].source must be a JSON file inside the plugin root"),
            );
            continue;
        }
        let label = format!("themes[{i}]");
        if let Some(hats) = map.get("hats") {
            with_artwork = true;
            artwork(&mut rule, hats, &pointer, &label, Artwork::Hats);
        }
        if let Some(critters) = map.get("critters") {
            with_artwork = true;
            artwork(&mut rule, critters, &pointer, &label, Artwork::Critters);
        }
    }
    if with_artwork && !rule.failed {
        duplicate_artwork(&mut rule, parse_warnings);
    }
}

/// The member that breaks `themes[i]`'s shape rule, in OpenClaw's order.
fn theme_fault<'m>(map: &'m Map<String, Value>, ids: &[&str]) -> Option<&'m str> {
    const KEYS: [&str; 6] = ["id", "name", "description", "source", "hats", "critters"];
    if let Some(extra) = map.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Some(extra);
    }
    let theme_id = map.get("id").and_then(Value::as_str);
    if !theme_id.is_some_and(|id| is_local_id(id, 64) && !ids.contains(&id)) {
        return Some("id");
    }
    let text = |key: &str, max: usize| {
        map.get(key).and_then(Value::as_str).filter(|s| {
            let trimmed = js_trim(s);
            !trimmed.is_empty() && trimmed.encode_utf16().count() <= max
        })
    };
    let Some(name) = text("name", 80) else {
        return Some("name");
    };
    let Some(description) = text("description", 320) else {
        return Some("description");
    };
    let control = |s: &str| s.chars().any(|c| (c as u32) < 32 || c as u32 == 127);
    if control(name) {
        return Some("name");
    }
    if control(description) {
        return Some("description");
    }
    if !map.get("source").is_some_and(Value::is_string) {
        return Some("source");
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Artwork {
    Hats,
    Critters,
}

impl Artwork {
    fn key(self) -> &'static str {
        match self {
            Artwork::Hats => "hats",
            Artwork::Critters => "critters",
        }
    }

    fn builtin(self) -> &'static [&'static str] {
        match self {
            Artwork::Hats => BUILTIN_HATS,
            Artwork::Critters => BUILTIN_CRITTERS,
        }
    }
}

/// `normalizeArtwork` for one kind: the map, its ids, then each entry.
fn artwork(rule: &mut Rule<'_, '_>, value: &Value, theme: &str, label: &str, kind: Artwork) {
    let pointer = child_pointer(theme, kind.key());
    let label = format!("{label}.{}", kind.key());
    let entries = match value {
        Value::Object(map) if map.len() <= MAX_ARTWORK_ENTRIES => map,
        _ => {
            rule.fail(
                &pointer,
                &format!("{label} must be a map with at most {MAX_ARTWORK_ENTRIES} entries"),
            );
            return;
        }
    };
    let mut ids_ok = true;
    for id in entries.keys() {
        if !is_local_id(id, 32) || kind.builtin().contains(&id.as_str()) {
            ids_ok = false;
            rule.fail_at_key(
                &child_pointer(&pointer, id),
                &format!("{label}.{id} must use a safe local ID outside the built-in catalog"),
            );
        }
    }
    if !ids_ok {
        return;
    }
    for (id, entry) in entries {
        let entry_pointer = child_pointer(&pointer, id);
        let entry_label = format!("{label}.{id}");
        match kind {
            Artwork::Hats => {
                if !entry
                    .as_str()
                    .is_some_and(|path| is_plugin_file(path, "svg"))
                {
                    rule.fail(
                        &entry_pointer,
                        &format!("{entry_label} must be an SVG file inside the plugin root"),
                    );
                }
            }
            Artwork::Critters => critter(rule, entry, &entry_pointer, &entry_label),
        }
    }
}

fn critter(rule: &mut Rule<'_, '_>, entry: &Value, pointer: &str, label: &str) {
    let Value::Object(map) = entry else {
        rule.fail(
            pointer,
            &format!("{label} must be an object with an SVG source"),
        );
        return;
    };
    if let Some(extra) = map
        .keys()
        .find(|key| !["source", "title", "crossMs"].contains(&key.as_str()))
    {
        rule.fail_at_key(
            &child_pointer(pointer, extra),
            &format!("{label} has unsupported fields"),
        );
        return;
    }
    if let Some(title) = map.get("title") {
        let printable = title.as_str().is_some_and(|title| {
            title.encode_utf16().count() <= 60 && !has_format_or_control(title)
        });
        if !printable {
            rule.fail(
                &child_pointer(pointer, "title"),
                &format!("{label}.title must be at most 60 printable characters"),
            );
            return;
        }
    }
    if let Some(cross_ms) = map.get("crossMs") {
        let in_range = is_integer(cross_ms)
            && cross_ms
                .as_f64()
                .is_some_and(|ms| (5000.0..=90000.0).contains(&ms));
        if !in_range {
            rule.fail(
                &child_pointer(pointer, "crossMs"),
                &format!("{label}.crossMs must be an integer from 5000 to 90000"),
            );
            return;
        }
    }
    let source = map
        .get("source")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !is_plugin_file(source, "svg") {
        rule.fail(
            &child_pointer(pointer, "source"),
            &format!("{label}.source must be an SVG file inside the plugin root"),
        );
    }
}

/// `Number.isInteger`.
fn is_integer(value: &Value) -> bool {
    match value {
        Value::Number(n) if n.is_f64() => n.as_f64().is_some_and(|f| f.fract() == 0.0),
        Value::Number(_) => true,
        _ => false,
    }
}

/// `/[\p{Cc}\p{Cf}\p{Cs}]/u` (a Rust string holds no surrogates).
fn has_format_or_control(text: &str) -> bool {
    static PATTERN: LazyLock<Option<regex::Regex>> =
        LazyLock::new(|| regex::Regex::new(r"[\p{Cc}\p{Cf}]").ok());
    match PATTERN.as_ref() {
        Some(pattern) => pattern.is_match(text),
        None => text.chars().any(char::is_control),
    }
}

/// OpenClaw re-reads the source to find artwork ids written twice in one
/// `hats` or `critters` map, which JSON parsing would silently collapse.
fn duplicate_artwork(rule: &mut Rule<'_, '_>, parse_warnings: &[ParseWarning]) {
    for warning in parse_warnings {
        if warning.kind != WarningKind::DuplicateKey {
            continue;
        }
        let tokens: Vec<&str> = warning.pointer.split('/').collect();
        let ["", "themes", index, kind @ ("hats" | "critters"), id] = tokens.as_slice() else {
            continue;
        };
        if index.parse::<usize>().is_err() {
            continue;
        }
        let id = id.replace("~1", "/").replace("~0", "~");
        rule.fail_at_key(
            &warning.pointer,
            &format!("themes.{kind} has duplicate artwork ID {id}"),
        );
    }
}

/// `JSON.stringify` of a value, as OpenClaw quotes it in messages.
pub(crate) fn js_stringify(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => js_number(f),
            _ => n.to_string(),
        },
        Value::String(_) => serde_json::to_string(value).unwrap_or_default(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(js_stringify).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(key, value)| {
                    let key = serde_json::to_string(key).unwrap_or_default();
                    format!("{key}:{}", js_stringify(value))
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
    }
}

/// JavaScript's `Number.prototype.toString()` for a finite double.
fn js_number(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    // Shortest round-trip digits and the decimal exponent, e.g. "1.5e-7".
    let exp_form = format!("{:e}", f.abs());
    let Some((mantissa, exponent)) = exp_form.split_once('e') else {
        return format!("{f}");
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { "-" } else { "+" };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e_sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{e_sign}{}", e.abs())
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_relative_posix_paths() {
        for good in ["state.db", "a/b/c.json", "a.b/..c", "1a:b"] {
            assert!(is_strict_relative_posix_path(good), "{good}");
        }
        for bad in [
            "", "/etc", "a/../b", "./a", "a//b", "a/", "a\\b", "a\0b", "file:x", "C:/x", "..",
            "x:y",
        ] {
            assert!(!is_strict_relative_posix_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn control_ui_paths() {
        for good in [
            "dist/ui/index.js",
            "dist/ui/a/index.mjs",
            "dist/-x/i.n.js",
            "dist/ui/a.mjs",
        ] {
            assert!(is_control_ui_entry(good), "{good}");
        }
        for bad in [
            "dist/index.js",
            "dist/ui/index.ts",
            "dist/ui/.js",
            "src/ui/index.js",
            "dist//index.js",
            "dist/ui/index.js/",
            "dist/u i/index.js",
            "dist/ui/é.js",
        ] {
            assert!(!is_control_ui_entry(bad), "{bad}");
        }
        assert!(is_control_ui_style("dist/ui/a.css"));
        assert!(!is_control_ui_style("a.css"));
        assert!(!is_control_ui_style("dist/ui/.css"));
    }

    #[test]
    fn theme_files_and_ids() {
        assert!(is_plugin_file("./themes/Dark.JSON", "json"));
        assert!(is_plugin_file("theme.json", "json"));
        assert!(!is_plugin_file("../theme.json", "json"));
        assert!(!is_plugin_file(".json", "json"));
        assert!(!is_plugin_file("themes/a.css", "json"));
        assert!(is_plugin_file("art/hat-1.svg", "svg"));
        assert!(is_local_id("a_b-1", 64));
        assert!(!is_local_id("A", 64));
        assert!(!is_local_id(&"a".repeat(33), 32));
        assert!(is_portable_theme_owner("@acme/themes"));
        assert!(is_portable_theme_owner("Acme.AI"));
        assert!(!is_portable_theme_owner("acme ai"));
        assert!(!is_portable_theme_owner("user/me"));
        assert!(!is_portable_theme_owner("a//b"));
    }

    #[test]
    fn json_stringify_like_javascript() {
        assert_eq!(js_stringify(&json!("a\"b\n")), r#""a\"b\n""#);
        assert_eq!(js_stringify(&json!(null)), "null");
        assert_eq!(js_stringify(&json!(5)), "5");
        assert_eq!(js_stringify(&json!(2.0)), "2");
        assert_eq!(js_stringify(&json!(1.5)), "1.5");
        assert_eq!(js_stringify(&json!(-0.0)), "0");
        assert_eq!(js_stringify(&json!(1e21)), "1e+21");
        assert_eq!(js_stringify(&json!(1.5e-7)), "1.5e-7");
        assert_eq!(js_stringify(&json!(0.000001)), "0.000001");
        assert_eq!(
            js_stringify(&json!(123456789012345680000.0)),
            "123456789012345680000"
        );
        assert_eq!(js_stringify(&json!({"a": [1, true]})), r#"{"a":[1,true]}"#);
    }
}
