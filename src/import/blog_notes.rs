//! Parser for one source format. (Being written.)

use std::path::Path;

use super::{ImportOptions, Imported};
use crate::diagnostic::Diagnostic;

pub fn parse(_text: &str, path: &Path, _options: &ImportOptions) -> Imported {
    Imported {
        diagnostics: vec![Diagnostic::error(
            path,
            0,
            "this format is not supported yet",
        )],
        ..Imported::default()
    }
}
