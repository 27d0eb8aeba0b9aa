//! Writing imported pages to disk. (Being written.)

use std::path::PathBuf;

use super::{Format, ImportOptions};
use crate::diagnostic::{Diagnostic, Failed};

/// One `confsite import` invocation.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub root: PathBuf,
    pub sources: Vec<PathBuf>,
    /// Event slug; defaults to the slugified event name, else the file name.
    pub event: Option<String>,
    pub format: Option<Format>,
    pub options: ImportOptions,
    pub force: bool,
    pub dry_run: bool,
}

/// What an import did (or, with `--dry-run`, would do), as lines for the user.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub lines: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn run(_request: &ImportRequest) -> Result<ImportReport, Failed> {
    Err(Failed(vec![Diagnostic::error(
        "import",
        0,
        "not written yet",
    )]))
}
