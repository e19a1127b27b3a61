//! Cross-field checks: what a plugin author needs to hear before OpenClaw
//! silently ignores part of the manifest.
//!
//! Severity rule: an **error** when a declared entry cannot work as written
//! (an auth choice for a provider the plugin does not own, a pattern that does
//! not compile, two choices with one id); a **warning** when it works but is
//! probably not what the author meant.

use std::collections::HashMap;
use std::path::{Component, Path};

use regex_syntax::ast::{self, Ast};

use crate::config;
use crate::diagnostic::Collector;
use crate::document::child_pointer;
use crate::model::{AuthAliasTarget, PluginManifest};
use crate::provider_id::{is_known_provider, normalize_provider_id};
use crate::read;

/// Runs every cross-field check; the schema check only when `configSchema`
/// was present (its absence is already a hard error).
pub(crate) fn check_manifest(
    cx: &mut Collector<'_>,
    manifest: &PluginManifest,
    has_config_schema: bool,
) {
    cx.use_model_pointers();
    let owned = OwnedProviders::new(cx, manifest);
    check_env_vars(cx, manifest, &owned);
    check_aliases(cx, manifest, &owned);
    check_auth_choices(cx, manifest, &owned);
    check_model_support(cx, manifest);
    check_model_catalog(cx, manifest, &owned);
    check_setup(cx, manifest, &owned);
    check_skills(cx, manifest);
    check_ui_hints(cx, manifest);
    if has_config_schema {
        config::check_config_schema(cx, &manifest.config_schema, "/configSchema");
    }
}

/// Provider ids the plugin owns (declared or aliased), normalized.
struct OwnedProviders {
    declared: Vec<String>,
    aliases: Vec<String>,
}

impl OwnedProviders {
    fn new(cx: &mut Collector<'_>, manifest: &PluginManifest) -> Self {
        let mut declared: Vec<String> = Vec::new();
        for (i, id) in manifest.providers.iter().enumerate() {
            let pointer = child_pointer("/providers", i);
            let normalized = normalize_provider_id(id);
            if normalized != *id {
                cx.warning(
                    &pointer,
                    format!("OpenClaw normalizes provider id \"{id}\" to \"{normalized}\"; declare it as \"{normalized}\""),
                );
            }
            if declared.contains(&normalized) {
                cx.warning(&pointer, format!("provider \"{id}\" is declared twice"));
            } else {
                declared.push(normalized);
            }
        }
        let aliases = manifest
            .provider_auth_aliases
            .keys()
            .map(|alias| normalize_provider_id(alias))
            .collect();
        OwnedProviders { declared, aliases }
    }

    fn declares(&self, id: &str) -> bool {
        self.declared.contains(&normalize_provider_id(id))
    }

    /// Declared, or an auth alias of this plugin.
    fn covers(&self, id: &str) -> bool {
        let id = normalize_provider_id(id);
        self.declared.contains(&id) || self.aliases.contains(&id)
    }

    fn undeclared_message(&self, field: &str, id: &str) -> String {
        let hint = read::closest(id, self.declared.iter().map(String::as_str))
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_else(|| " (add it to \"providers\")".to_owned());
        format!("{field} names provider \"{id}\", which this plugin does not declare{hint}")
    }
}

fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_env_var_list(cx: &mut Collector<'_>, pointer: &str, names: &[String]) {
    for (i, name) in names.iter().enumerate() {
        if !is_env_var_name(name) {
            cx.warning(
                &child_pointer(pointer, i),
                format!("\"{name}\" is not a usable environment variable name (letters, digits and _, not starting with a digit)"),
            );
        }
    }
}

fn check_env_vars(cx: &mut Collector<'_>, manifest: &PluginManifest, owned: &OwnedProviders) {
    for (field, map) in [
        ("providerAuthEnvVars", &manifest.provider_auth_env_vars),
        (
            "providerUsageAuthEnvVars",
            &manifest.provider_usage_auth_env_vars,
        ),
    ] {
        for (provider, names) in map {
            let pointer = child_pointer(&format!("/{field}"), provider);
            if !owned.covers(provider) {
                cx.error_at_key(&pointer, owned.undeclared_message(field, provider));
            }
            check_env_var_list(cx, &pointer, names);
        }
    }
}

fn check_aliases(cx: &mut Collector<'_>, manifest: &PluginManifest, owned: &OwnedProviders) {
    for (alias, target) in &manifest.provider_auth_aliases {
        let pointer = child_pointer("/providerAuthAliases", alias);
        let target_id = target.provider();
        if normalize_provider_id(alias) == normalize_provider_id(target_id) {
            cx.error(&pointer, format!("auth alias \"{alias}\" points at itself"));
            continue;
        }
        if !owned.declares(target_id) && !is_known_provider(target_id) {
            let target_pointer = match target {
                AuthAliasTarget::Scoped(_) => child_pointer(&pointer, "provider"),
                _ => pointer.clone(),
            };
            cx.warning(
                &target_pointer,
                format!("auth alias \"{alias}\" points at \"{target_id}\", which is neither declared by this plugin nor an OpenClaw provider"),
            );
        }
        if let AuthAliasTarget::Scoped(scoped) = target {
            if scoped.base_urls.is_empty() {
                cx.warning(
                    &pointer,
                    format!("scoped auth alias \"{alias}\" lists no baseUrls, so it never applies"),
                );
            }
            for (i, url) in scoped.base_urls.iter().enumerate() {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    cx.error(
                        &child_pointer(&child_pointer(&pointer, "baseUrls"), i),
                        format!("\"{url}\" is not an http(s) URL"),
                    );
                }
            }
        }
    }
}

/// `--acme-ai-api-key`: two dashes, then lower-case words joined by dashes.
fn is_long_flag(flag: &str) -> bool {
    flag.strip_prefix("--").is_some_and(|name| {
        !name.is_empty()
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.contains("--")
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    })
}

/// The key commander stores a long flag's value under (`--acme-ai-api-key` → `acmeAiApiKey`).
fn commander_option_key(flag: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in flag.trim_start_matches('-').chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits `--flag <value>` into the flag and whether the value part is well-formed.
fn split_cli_option(option: &str) -> (&str, bool) {
    match option.split_once(' ') {
        None => (option, true),
        Some((flag, rest)) => {
            let rest = rest.trim();
            let placeholder = |open: char, close: char| {
                rest.len() > 2
                    && rest.starts_with(open)
                    && rest.ends_with(close)
                    && !rest[1..rest.len() - 1].contains([open, close])
            };
            (flag, placeholder('<', '>') || placeholder('[', ']'))
        }
    }
}

fn check_auth_choices(cx: &mut Collector<'_>, manifest: &PluginManifest, owned: &OwnedProviders) {
    let mut choice_ids: HashMap<&str, usize> = HashMap::new();
    let mut flags: HashMap<&str, usize> = HashMap::new();
    for (i, choice) in manifest.provider_auth_choices.iter().enumerate() {
        let pointer = child_pointer("/providerAuthChoices", i);
        if !owned.covers(&choice.provider) {
            cx.error(
                &child_pointer(&pointer, "provider"),
                owned.undeclared_message("auth choice", &choice.provider),
            );
        }
        if let Some(first) = choice_ids.insert(&choice.choice_id, i) {
            let first = cx.source_pointer(&child_pointer("/providerAuthChoices", first));
            cx.error(
                &child_pointer(&pointer, "choiceId"),
                format!(
                    "choice id \"{}\" is already used by {first}",
                    choice.choice_id
                ),
            );
        }
        if let Some(setup) = &manifest.setup {
            let methods = setup
                .providers
                .iter()
                .find(|p| normalize_provider_id(&p.id) == normalize_provider_id(&choice.provider))
                .map(|p| &p.auth_methods)
                .filter(|methods| !methods.is_empty());
            if let Some(methods) = methods
                && !methods.contains(&choice.method)
            {
                cx.warning(
                    &child_pointer(&pointer, "method"),
                    format!(
                        "method \"{}\" is not among the auth methods setup lists for \"{}\" ({})",
                        choice.method,
                        choice.provider,
                        read::quoted_list(methods.iter().map(String::as_str))
                    ),
                );
            }
        }
        if let Some(flag) = &choice.cli_flag {
            let flag_pointer = child_pointer(&pointer, "cliFlag");
            if !is_long_flag(flag) {
                cx.error(
                    &flag_pointer,
                    format!("cliFlag \"{flag}\" is not a long option such as \"--acme-ai-api-key\" (two dashes, lower-case words joined by single dashes)"),
                );
            } else {
                if let Some(first) = flags.insert(flag, i) {
                    let first = cx.source_pointer(&child_pointer("/providerAuthChoices", first));
                    cx.error(
                        &flag_pointer,
                        format!("cliFlag \"{flag}\" is already used by {first}"),
                    );
                }
                if let Some(key) = &choice.option_key {
                    let expected = commander_option_key(flag);
                    if *key != expected {
                        cx.warning(
                            &child_pointer(&pointer, "optionKey"),
                            format!("optionKey \"{key}\" does not match cliFlag \"{flag}\", whose value the CLI stores as \"{expected}\""),
                        );
                    }
                }
            }
        }
        if let Some(option) = &choice.cli_option {
            let option_pointer = child_pointer(&pointer, "cliOption");
            let (flag, placeholder_ok) = split_cli_option(option);
            if !is_long_flag(flag) || !placeholder_ok {
                cx.error(
                    &option_pointer,
                    format!("cliOption \"{option}\" should be a long option with a value placeholder, such as \"--acme-ai-api-key <key>\""),
                );
            } else if let Some(cli_flag) = &choice.cli_flag {
                if flag != cli_flag {
                    cx.error(
                        &option_pointer,
                        format!("cliOption \"{option}\" names flag \"{flag}\" but cliFlag is \"{cli_flag}\""),
                    );
                }
            } else {
                cx.warning(
                    &option_pointer,
                    "cliOption is set without cliFlag; set both so the CLI can route the flag",
                );
            }
        }
    }
    for (i, choice) in manifest.provider_auth_choices.iter().enumerate() {
        for (j, old) in choice.deprecated_choice_ids.iter().enumerate() {
            if let Some(current) = choice_ids.get(old.as_str()) {
                let current = cx.source_pointer(&child_pointer("/providerAuthChoices", *current));
                cx.error(
                    &child_pointer(
                        &child_pointer(
                            &child_pointer("/providerAuthChoices", i),
                            "deprecatedChoiceIds",
                        ),
                        j,
                    ),
                    format!("deprecated choice id \"{old}\" is still the id of {current}"),
                );
            }
        }
    }
}

fn check_model_support(cx: &mut Collector<'_>, manifest: &PluginManifest) {
    let Some(support) = &manifest.model_support else {
        return;
    };
    for (i, pattern) in support.model_patterns.iter().enumerate() {
        let pointer = child_pointer("/modelSupport/modelPatterns", i);
        if let Err(e) = regex::Regex::new(pattern) {
            let reason = regex_error_reason(&e);
            cx.error(
                &pointer,
                format!(
                    "model pattern \"{}\" does not compile with Rust's regex engine: {reason}",
                    read::truncate(pattern, 80)
                ),
            );
            continue;
        }
        if has_nested_quantifier(pattern) {
            cx.warning(
                &pointer,
                format!("model pattern \"{}\" nests quantifiers; OpenClaw's safe-regex check rejects it and skips the pattern", read::truncate(pattern, 80)),
            );
        }
    }
}

/// The last line of a regex error: the reason, without the ASCII-art excerpt.
fn regex_error_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| {
            l.trim_start()
                .trim_start_matches("error:")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|| text.lines().last().unwrap_or_default().trim().to_owned())
}

/// Whether a repetition that can repeat more than once contains another such
/// repetition (`(a+)+`, `(a*)*`, `(a{2,})+`): the shape safe-regex rejects.
fn has_nested_quantifier(pattern: &str) -> bool {
    fn repeats(op: &ast::RepetitionOp) -> bool {
        match &op.kind {
            ast::RepetitionKind::ZeroOrOne => false,
            ast::RepetitionKind::ZeroOrMore | ast::RepetitionKind::OneOrMore => true,
            ast::RepetitionKind::Range(range) => match range {
                ast::RepetitionRange::Exactly(n) => *n > 1,
                ast::RepetitionRange::AtLeast(_) => true,
                ast::RepetitionRange::Bounded(_, max) => *max > 1,
            },
        }
    }
    fn contains_repetition(node: &Ast) -> bool {
        match node {
            Ast::Repetition(rep) => repeats(&rep.op) || contains_repetition(&rep.ast),
            Ast::Group(group) => contains_repetition(&group.ast),
            Ast::Alternation(alt) => alt.asts.iter().any(contains_repetition),
            Ast::Concat(concat) => concat.asts.iter().any(contains_repetition),
            _ => false,
        }
    }
    fn nested(node: &Ast) -> bool {
        match node {
            Ast::Repetition(rep) => {
                (repeats(&rep.op) && contains_repetition(&rep.ast)) || nested(&rep.ast)
            }
            Ast::Group(group) => nested(&group.ast),
            Ast::Alternation(alt) => alt.asts.iter().any(nested),
            Ast::Concat(concat) => concat.asts.iter().any(nested),
            _ => false,
        }
    }
    ast::parse::Parser::new()
        .parse(pattern)
        .map(|tree| nested(&tree))
        .unwrap_or(false)
}

fn check_model_catalog(cx: &mut Collector<'_>, manifest: &PluginManifest, owned: &OwnedProviders) {
    let Some(catalog) = &manifest.model_catalog else {
        return;
    };
    for (provider, entry) in &catalog.providers {
        let pointer = child_pointer("/modelCatalog/providers", provider);
        if !owned.declares(provider) {
            cx.error_at_key(
                &pointer,
                format!(
                    "{}; OpenClaw drops catalog rows of providers a plugin does not own",
                    owned.undeclared_message("modelCatalog", provider)
                ),
            );
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, model) in entry.models.iter().enumerate() {
            let row = child_pointer(&child_pointer(&pointer, "models"), i);
            if let Some(first) = seen.insert(&model.id, i) {
                let first =
                    cx.source_pointer(&child_pointer(&child_pointer(&pointer, "models"), first));
                cx.warning(
                    &child_pointer(&row, "id"),
                    format!(
                        "model \"{}\" is listed twice (first at {first}); the later row wins",
                        model.id
                    ),
                );
            }
            for (field, value) in [
                ("contextWindow", model.context_window),
                ("maxTokens", model.max_tokens),
            ] {
                if value.is_none() {
                    cx.error(
                        &child_pointer(&row, field),
                        format!("modelCatalog row \"{}\" is missing {field}; OpenClaw refuses the row at runtime", model.id),
                    );
                }
            }
            if let (Some(window), Some(max)) = (model.context_window, model.max_tokens)
                && max > window
            {
                cx.warning(
                    &child_pointer(&row, "maxTokens"),
                    format!("maxTokens ({max}) is larger than contextWindow ({window})"),
                );
            }
            if model.input.iter().any(|kind| kind == "document") {
                cx.warning(
                    &child_pointer(&row, "input"),
                    "input kind \"document\" is accepted in manifests but rejected or filtered at runtime",
                );
            }
        }
    }
    for provider in catalog.discovery.keys() {
        if !owned.declares(provider) {
            cx.warning_at_key(
                &child_pointer("/modelCatalog/discovery", provider),
                owned.undeclared_message("modelCatalog.discovery", provider),
            );
        }
    }
}

fn check_setup(cx: &mut Collector<'_>, manifest: &PluginManifest, owned: &OwnedProviders) {
    let Some(setup) = &manifest.setup else {
        return;
    };
    for (i, provider) in setup.providers.iter().enumerate() {
        let pointer = child_pointer("/setup/providers", i);
        if !owned.covers(&provider.id) {
            cx.error(
                &child_pointer(&pointer, "id"),
                owned.undeclared_message("setup provider", &provider.id),
            );
        }
        check_env_var_list(cx, &child_pointer(&pointer, "envVars"), &provider.env_vars);
    }
}

fn check_skills(cx: &mut Collector<'_>, manifest: &PluginManifest) {
    for (i, skill) in manifest.skills.iter().enumerate() {
        if let Err(reason) = relative_inside(skill) {
            cx.error(
                &child_pointer("/skills", i),
                format!("skill directory \"{skill}\" {reason}"),
            );
        }
    }
}

/// Checks that `path` is relative and stays inside the folder it is relative to.
pub(crate) fn relative_inside(path: &str) -> Result<(), &'static str> {
    let p = Path::new(path);
    if p.is_absolute() || path.starts_with('/') || path.starts_with('\\') {
        return Err("must be relative to the plugin folder");
    }
    let mut depth: i32 = 0;
    for component in p.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => {
                return Err("must be relative to the plugin folder");
            }
        }
        if depth < 0 {
            return Err("escapes the plugin folder");
        }
    }
    Ok(())
}

fn check_ui_hints(cx: &mut Collector<'_>, manifest: &PluginManifest) {
    let Some(serde_json::Value::Object(properties)) = manifest.config_schema.get("properties")
    else {
        return;
    };
    for field in manifest.ui_hints.keys() {
        let top = field.split('.').next().unwrap_or(field);
        if !properties.contains_key(top) {
            let suggestion = read::closest(top, properties.keys().map(String::as_str))
                .map(|s| format!(" (did you mean \"{s}\"?)"))
                .unwrap_or_default();
            cx.warning_at_key(
                &child_pointer("/uiHints", field),
                format!("ui hint for \"{field}\", which configSchema does not define{suggestion}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_flags() {
        assert!(is_long_flag("--acme-ai-api-key"));
        assert!(is_long_flag("--key2"));
        for bad in [
            "-k", "--", "---x", "--Acme", "--a_b", "--a-", "--a--b", "acme",
        ] {
            assert!(!is_long_flag(bad), "{bad}");
        }
        assert_eq!(commander_option_key("--acme-ai-api-key"), "acmeAiApiKey");
    }

    #[test]
    fn cli_options() {
        assert_eq!(split_cli_option("--k <key>"), ("--k", true));
        assert_eq!(split_cli_option("--k [key]"), ("--k", true));
        assert_eq!(split_cli_option("--k"), ("--k", true));
        assert_eq!(split_cli_option("--k key"), ("--k", false));
        assert_eq!(split_cli_option("--k <>"), ("--k", false));
        assert_eq!(split_cli_option("--k <a<b>"), ("--k", false));
    }

    #[test]
    fn nested_quantifiers() {
        for nested in ["(a+)+", "(a*)*b", "(?:ab{2,})+", "((x)+y)*", "(a|b+)+"] {
            assert!(has_nested_quantifier(nested), "{nested}");
        }
        for flat in [
            "^acme-.*$",
            "a+b+",
            "(ab)+",
            "(a?)+",
            "(a{1})*",
            "[a-z]+-v\\d+",
        ] {
            assert!(!has_nested_quantifier(flat), "{flat}");
        }
    }

    #[test]
    fn relative_paths() {
        assert!(relative_inside("./skills/a").is_ok());
        assert!(relative_inside("a/../b").is_ok());
        assert_eq!(relative_inside("../x"), Err("escapes the plugin folder"));
        assert_eq!(
            relative_inside("a/../../x"),
            Err("escapes the plugin folder")
        );
        assert_eq!(
            relative_inside("/etc"),
            Err("must be relative to the plugin folder")
        );
    }

    #[test]
    fn env_var_names() {
        assert!(is_env_var_name("ACME_AI_API_KEY"));
        assert!(is_env_var_name("_x1"));
        assert!(!is_env_var_name("1X"));
        assert!(!is_env_var_name("ACME-KEY"));
        assert!(!is_env_var_name(""));
    }
}
