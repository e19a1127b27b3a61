//! Problems found in a manifest: where they are, how bad they are, what to do.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::document::{Anchor, Document, Position};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// The manifest is invalid: OpenClaw would refuse it, or a declared entry
    /// cannot work as written.
    Error,
    /// The manifest loads, but something was dropped, ignored or looks wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Whose rule a [`Diagnostic`] enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DiagnosticSource {
    /// OpenClaw's own: OpenClaw 2026.9.6 reports this itself, in these words
    /// (clawkit may add an explanation after `; `). In `openclaw.plugin.json`
    /// such an error means OpenClaw refuses to load the plugin.
    #[serde(rename = "openclaw")]
    OpenClaw,
    /// clawkit's own lint: OpenClaw does not report it (it loads the
    /// manifest, perhaps dropping or ignoring what is reported).
    Clawkit,
}

impl fmt::Display for DiagnosticSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiagnosticSource::OpenClaw => "openclaw",
            DiagnosticSource::Clawkit => "clawkit",
        })
    }
}

/// One problem in one file, with its location.
///
/// Serializes to the shape `clawkit manifest check --json` prints:
/// `{"severity", "file", "pointer", "line", "column", "message", "source"}`.
///
/// ```
/// use clawkit_manifest::{PluginManifest, Severity};
///
/// let report = PluginManifest::parse(br#"{"id": "demo"}"#, "openclaw.plugin.json");
/// let problem = &report.diagnostics()[0];
/// assert_eq!(problem.severity, Severity::Error);
/// assert_eq!(problem.message, "plugin manifest requires configSchema");
/// assert_eq!(problem.pointer, "/configSchema");
/// assert_eq!((problem.line, problem.column), (1, 1));
/// assert_eq!(problem.source, clawkit_manifest::DiagnosticSource::OpenClaw);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// How serious the problem is.
    pub severity: Severity,
    /// The file the problem is in, as it was named to the checker.
    pub file: String,
    /// RFC 6901 JSON pointer to the value concerned (`""` for the whole file).
    pub pointer: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong, in one lower-case line.
    pub message: String,
    /// Whose rule this is: OpenClaw's (in its words) or a clawkit lint.
    pub source: DiagnosticSource,
    /// The source line, for rendering.
    #[serde(skip)]
    source_line: Option<String>,
}

impl Diagnostic {
    /// A clawkit problem about a file as a whole (it is unreadable, too large).
    pub fn for_file(
        severity: Severity,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            pointer: String::new(),
            line: Position::START.line,
            column: Position::START.column,
            message: message.into(),
            source: DiagnosticSource::Clawkit,
            source_line: None,
        }
    }

    /// The same problem, attributed to `source`.
    pub fn with_source(mut self, source: DiagnosticSource) -> Self {
        self.source = source;
        self
    }

    /// Whether this is an [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether OpenClaw itself reports this (see [`DiagnosticSource::OpenClaw`]).
    pub fn is_openclaw(&self) -> bool {
        self.source == DiagnosticSource::OpenClaw
    }

    /// The severity as rendered: `error[openclaw]` for OpenClaw's own errors,
    /// otherwise `error` or `warning`.
    fn label(&self) -> String {
        if self.is_openclaw() {
            format!("{}[openclaw]", self.severity)
        } else {
            self.severity.to_string()
        }
    }

    /// The position of the problem.
    pub fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Renders the problem for a terminal, with the source line and a caret.
    ///
    /// OpenClaw's own errors are labelled `error[openclaw]`, clawkit's lints
    /// plain `error` or `warning`. With `color`, the label is highlighted with
    /// ANSI escapes.
    pub fn render(&self, color: bool) -> String {
        let (paint, reset) = match (color, self.severity) {
            (false, _) => ("", ""),
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
        };
        let mut out = format!("{paint}{}{reset}: {}\n", self.label(), self.message);
        let gutter = " ".repeat(self.line.to_string().len());
        out.push_str(&format!(
            "{gutter}--> {}:{}:{}",
            self.file, self.line, self.column
        ));
        if !self.pointer.is_empty() {
            out.push_str(&format!(" (at {})", self.pointer));
        }
        out.push('\n');
        if let Some(line) = &self.source_line {
            let shown: String = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let caret_pad = " ".repeat(self.column.saturating_sub(1) as usize);
            out.push_str(&format!(
                "{gutter} |\n{} | {shown}\n{gutter} | {caret_pad}{paint}^{reset}\n",
                self.line
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file,
            self.line,
            self.column,
            self.label(),
            self.message
        )?;
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}

/// Every problem found by one check, in source order per file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problems.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// Whether any problem is an error OpenClaw itself reports.
    pub fn has_openclaw_errors(&self) -> bool {
        self.0.iter().any(|d| d.is_error() && d.is_openclaw())
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// All problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds all problems of `other` after these.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Renders every problem for a terminal, separated by blank lines.
    pub fn render(&self, color: bool) -> String {
        self.0
            .iter()
            .map(|d| d.render(color))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl std::ops::Index<usize> for Diagnostics {
    type Output = Diagnostic;

    fn index(&self, index: usize) -> &Diagnostic {
        &self.0[index]
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Self {
        Diagnostics(list)
    }
}

/// At most this many problems are kept per file; the rest are counted.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 200;

/// Collects the problems of one file, resolving pointers to positions.
///
/// Readers report against the source document. Cross-field checks run on the
/// normalized model, where a dropped list entry shifts the indices after it
/// and a trimmed key differs from the source; readers record each such shift
/// with [`Collector::alias`], and after [`Collector::use_model_pointers`]
/// every pointer is translated back to the source before it is reported.
pub(crate) struct Collector<'d> {
    file: String,
    document: Option<&'d Document>,
    diagnostics: Vec<Diagnostic>,
    suppressed: usize,
    suppressed_error: bool,
    suppressed_openclaw: bool,
    /// Model pointer (source parent + model token) → source pointer.
    aliases: HashMap<String, String>,
    model_pointers: bool,
}

impl<'d> Collector<'d> {
    /// A collector for `file`; with a `document`, the parser's own findings
    /// (duplicate keys) are reported first.
    pub(crate) fn new(file: impl Into<String>, document: Option<&'d Document>) -> Self {
        let mut cx = Collector {
            file: file.into(),
            document,
            diagnostics: Vec::new(),
            suppressed: 0,
            suppressed_error: false,
            suppressed_openclaw: false,
            aliases: HashMap::new(),
            model_pointers: false,
        };
        for warning in document.iter().flat_map(|doc| &doc.warnings) {
            cx.at_offset(
                Severity::Warning,
                &warning.pointer,
                warning.offset,
                warning.message.clone(),
            );
        }
        cx
    }

    /// Records that the model's `model_pointer` is `source_pointer` in the file.
    pub(crate) fn alias(&mut self, model_pointer: String, source_pointer: String) {
        if model_pointer != source_pointer {
            self.aliases.insert(model_pointer, source_pointer);
        }
    }

    /// From now on, pointers name places in the normalized model.
    pub(crate) fn use_model_pointers(&mut self) {
        self.model_pointers = true;
    }

    /// Translates a model pointer to the source, one reference token at a time.
    pub(crate) fn source_pointer(&self, pointer: &str) -> String {
        if !self.model_pointers || self.aliases.is_empty() || pointer.is_empty() {
            return pointer.to_owned();
        }
        let mut resolved = String::with_capacity(pointer.len());
        for token in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            resolved.push('/');
            resolved.push_str(token);
            if let Some(source) = self.aliases.get(&resolved) {
                resolved.clone_from(source);
            }
        }
        resolved
    }

    /// An error about the value at `pointer`.
    pub(crate) fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, pointer, Anchor::Value, message.into());
    }

    /// One of OpenClaw's own errors, about the value at `pointer`.
    pub(crate) fn openclaw_error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push_from(
            Severity::Error,
            DiagnosticSource::OpenClaw,
            pointer,
            Anchor::Value,
            message.into(),
        );
    }

    /// One of OpenClaw's own errors, about the key of the member at `pointer`.
    pub(crate) fn openclaw_error_at_key(&mut self, pointer: &str, message: impl Into<String>) {
        self.push_from(
            Severity::Error,
            DiagnosticSource::OpenClaw,
            pointer,
            Anchor::Key,
            message.into(),
        );
    }

    /// A warning about the value at `pointer`.
    pub(crate) fn warning(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, Anchor::Value, message.into());
    }

    /// An error about the key of the member at `pointer`.
    pub(crate) fn error_at_key(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, pointer, Anchor::Key, message.into());
    }

    /// A warning about the key of the member at `pointer`.
    pub(crate) fn warning_at_key(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, Anchor::Key, message.into());
    }

    /// A problem at a byte offset of the source.
    pub(crate) fn at_offset(
        &mut self,
        severity: Severity,
        pointer: &str,
        offset: usize,
        message: String,
    ) {
        let position = self
            .document
            .map_or(Position::START, |doc| doc.offset_position(offset));
        self.push_at(severity, pointer, position, message);
    }

    pub(crate) fn push(
        &mut self,
        severity: Severity,
        pointer: &str,
        anchor: Anchor,
        message: String,
    ) {
        self.push_from(
            severity,
            DiagnosticSource::Clawkit,
            pointer,
            anchor,
            message,
        );
    }

    pub(crate) fn push_from(
        &mut self,
        severity: Severity,
        source: DiagnosticSource,
        pointer: &str,
        anchor: Anchor,
        message: String,
    ) {
        let pointer = self.source_pointer(pointer);
        let position = self
            .document
            .map_or(Position::START, |doc| doc.locate(&pointer, anchor));
        self.push_at_from(severity, source, &pointer, position, message);
    }

    pub(crate) fn push_at(
        &mut self,
        severity: Severity,
        pointer: &str,
        position: Position,
        message: String,
    ) {
        self.push_at_from(
            severity,
            DiagnosticSource::Clawkit,
            pointer,
            position,
            message,
        );
    }

    pub(crate) fn push_at_from(
        &mut self,
        severity: Severity,
        source: DiagnosticSource,
        pointer: &str,
        position: Position,
        message: String,
    ) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS_PER_FILE {
            self.suppressed += 1;
            self.suppressed_error |= severity == Severity::Error;
            self.suppressed_openclaw |=
                severity == Severity::Error && source == DiagnosticSource::OpenClaw;
            return;
        }
        let source_line = self
            .document
            .and_then(|doc| doc.lines().line_text(&doc.text, position.line))
            .and_then(|line| excerpt(line, position.column));
        self.diagnostics.push(Diagnostic {
            severity,
            file: self.file.clone(),
            pointer: pointer.to_owned(),
            line: position.line,
            column: position.column,
            message,
            source,
            source_line,
        });
    }

    /// The problems in source order, with a closing note if some were dropped.
    pub(crate) fn finish(mut self) -> Diagnostics {
        self.diagnostics.sort_by_key(Diagnostic::position);
        if self.suppressed > 0 {
            let severity = if self.suppressed_error {
                Severity::Error
            } else {
                Severity::Warning
            };
            // The closing note stands for what it hides: OpenClaw's when an
            // OpenClaw error is among them, so that `loads` stays right.
            let source = if self.suppressed_openclaw {
                DiagnosticSource::OpenClaw
            } else {
                DiagnosticSource::Clawkit
            };
            self.diagnostics.push(
                Diagnostic::for_file(
                    severity,
                    self.file.clone(),
                    format!(
                        "{} more problems were found and not listed (at most {MAX_DIAGNOSTICS_PER_FILE} per file)",
                        self.suppressed
                    ),
                )
                .with_source(source),
            );
        }
        Diagnostics(self.diagnostics)
    }
}

/// Longest source excerpt shown under a rendered diagnostic, in characters.
const MAX_EXCERPT_CHARS: u32 = 160;

/// The source line to show, cut to [`MAX_EXCERPT_CHARS`]; nothing when the
/// column lies beyond the excerpt (a minified manifest is one huge line).
fn excerpt(line: &str, column: u32) -> Option<String> {
    (column <= MAX_EXCERPT_CHARS).then(|| line.chars().take(MAX_EXCERPT_CHARS as usize).collect())
}
