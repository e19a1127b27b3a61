//! `clawkit models list`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use clawkit_core::{Catalog, Env, InputKind, ModelCost, RowSource, Runtime, ThinkingLevel};
use serde::Serialize;

use crate::plugin_dir::{self, Failure};
use crate::runtime::{Plugins, block_on, runtime};

#[derive(Debug, Subcommand)]
pub(crate) enum ModelsCommand {
    /// List the catalog rows of the built-in providers (and of --plugin folders).
    ///
    /// Without --all, only live rows: providers whose credentials resolve
    /// (and local servers that answer). Exit status 0; with --plugin, 1 when
    /// a plugin is invalid and 2 when its folder does not exist.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Also list the static rows of every provider (no credentials needed).
    #[arg(long)]
    all: bool,
    /// Print a JSON array of rows instead of a table.
    #[arg(long)]
    json: bool,
    /// Also list the manifest-only providers of this plugin folder; repeatable.
    #[arg(long, value_name = "DIR")]
    plugin: Vec<PathBuf>,
}

/// One row of `models list --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    provider: String,
    id: String,
    name: String,
    api: String,
    context_window: Option<u64>,
    /// The effective cap for budgeting, where the catalog sets one below
    /// the window (as `openclaw models list --json` prints it).
    #[serde(skip_serializing_if = "Option::is_none")]
    context_tokens: Option<u64>,
    max_tokens: Option<u64>,
    reasoning: bool,
    input: Vec<InputKind>,
    cost: ModelCost,
    /// The provider's thinking profile for the model, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    thinking: Option<Thinking>,
    source: &'static str,
}

/// The `/think` levels a model takes (the provider's `resolveThinkingProfile`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Thinking {
    levels: Vec<ThinkingLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_level: Option<ThinkingLevel>,
}

pub(crate) fn run(command: ModelsCommand, plugins: &Plugins) -> ExitCode {
    match command {
        ModelsCommand::List(args) => list(&args, plugins),
    }
}

fn list(args: &ListArgs, plugins: &Plugins) -> ExitCode {
    let plugins = match plugin_dir::load(&args.plugin) {
        Ok(loaded) => plugins.with_manifest_only(loaded),
        Err(Failure::Usage) => return ExitCode::from(crate::EXIT_USAGE),
        Err(Failure::Invalid(message)) => {
            eprintln!("clawkit: {message}");
            return ExitCode::FAILURE;
        }
    };
    let rows = match collect(args.all, &plugins) {
        Ok(rows) => rows,
        Err(message) => {
            eprintln!("clawkit: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        table(&mut out, &rows)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not a failure of the command.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clawkit: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Live rows; with `all`, also the static rows of every other provider.
fn collect(all: bool, plugins: &Plugins) -> Result<Vec<Row>, String> {
    let runtime = runtime(Env::from_process(), plugins).map_err(|e| e.to_string())?;
    let (live, offline) = block_on(async {
        let live = runtime.catalog(None).await;
        let offline = if all {
            Some(runtime.static_catalog(None).await)
        } else {
            None
        };
        (live, offline)
    })
    .map_err(|e| e.to_string())?;
    let mut rows = rows_of(&runtime, &live, None);
    // The live catalog falls back to a provider's static rows when its
    // credentials do not resolve; those are listed only with --all.
    if !all {
        rows.retain(|row| row.source == "live");
    }
    if let Some(offline) = offline {
        let live_providers: Vec<String> = rows.iter().map(|r| r.provider.clone()).collect();
        rows.extend(
            rows_of(&runtime, &offline, Some("static"))
                .into_iter()
                .filter(|row| !live_providers.contains(&row.provider)),
        );
    }
    Ok(rows)
}

fn rows_of(runtime: &Runtime, catalog: &Catalog, force_source: Option<&'static str>) -> Vec<Row> {
    catalog
        .rows()
        .into_iter()
        .map(|(provider, model, source)| {
            let api = model.api.clone().or_else(|| {
                catalog
                    .provider(provider)
                    .and_then(|p| p.config.api.clone())
            });
            let thinking = runtime
                .thinking_profile(provider, &model.id, Some(model.reasoning), None)
                .map(|profile| Thinking {
                    levels: profile.level_ids(),
                    default_level: profile.default_level,
                });
            Row {
                provider: provider.to_owned(),
                id: model.id.clone(),
                name: model.name.clone(),
                api: api.map(|a| a.as_str().to_owned()).unwrap_or_default(),
                context_window: model.context_window,
                context_tokens: model.context_tokens,
                max_tokens: model.max_tokens,
                reasoning: model.reasoning,
                input: model.input.clone(),
                cost: model.cost.clone(),
                thinking,
                source: force_source.unwrap_or(match source {
                    RowSource::Static => "static",
                    _ => "live",
                }),
            }
        })
        .collect()
}

fn table(out: &mut impl Write, rows: &[Row]) -> std::io::Result<()> {
    if rows.is_empty() {
        writeln!(
            out,
            "no models: set a provider's API key (see `clawkit doctor`) or use --all"
        )?;
        return Ok(());
    }
    let model_width = rows
        .iter()
        .map(|r| r.provider.len() + 1 + r.id.len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:model_width$}  {:20}  {:>9}  {:>7}  {:10}  {:>15}  SOURCE",
        "MODEL", "API", "CONTEXT", "MAX", "INPUT", "$/M IN / OUT"
    )?;
    for row in rows {
        let input: Vec<&str> = row.input.iter().map(InputKind::as_str).collect();
        writeln!(
            out,
            "{:model_width$}  {:20}  {:>9}  {:>7}  {:10}  {:>15}  {}",
            format!("{}/{}", row.provider, row.id),
            row.api,
            row.context_window
                .map(|n| n.to_string())
                .unwrap_or_default(),
            row.max_tokens.map(|n| n.to_string()).unwrap_or_default(),
            input.join(","),
            format!("{} / {}", row.cost.input, row.cost.output),
            row.source,
        )?;
    }
    Ok(())
}
