//! Problems found in user input, reported as `path:line:col: level: message`.
//!
//! Every stage collects these instead of stopping at the first one, so a user
//! sees all that is wrong with their content in one run.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// One problem in one place of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    pub path: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            path: path.as_ref().to_path_buf(),
            line,
            col: 0,
            message: message.into(),
        }
    }

    pub fn warning(path: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(path, line, message)
        }
    }

    pub fn at_col(mut self, col: usize) -> Self {
        self.col = col;
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        write!(f, ": {}: {}", self.level, self.message)
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// A failed stage: every diagnostic it collected, at least one of them an error.
#[derive(Debug)]
pub struct Failed(pub Vec<Diagnostic>);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        write!(f, "{errors} error{}", if errors == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Failed {}
