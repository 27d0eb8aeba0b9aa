//! Checks. (Being written: the rules land with the check module.)

use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Level};
use crate::model::Site;

#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub rule: &'static str,
    pub message: String,
    pub locations: Vec<(PathBuf, usize)>,
}

pub fn check_site(_site: &Site) -> Vec<Finding> {
    Vec::new()
}

impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Self {
        Finding {
            level: d.level,
            rule: "content",
            message: d.message,
            locations: vec![(d.path, d.line)],
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.level, self.rule, self.message)?;
        for (path, line) in &self.locations {
            write!(f, "\n  --> {}:{line}", path.display())?;
        }
        Ok(())
    }
}

pub fn findings_json(findings: &[Finding]) -> String {
    let items: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "level": f.level,
                "rule": f.rule,
                "message": f.message,
                "locations": f.locations.iter().map(|(p, l)| serde_json::json!({"path": p, "line": l})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default()
}
