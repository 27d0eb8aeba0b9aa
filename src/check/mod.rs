//! The check stage: reads the model (never the files) and reports what an
//! organiser most likely got wrong while editing a program: clashes, sessions
//! outside the event's days, rooms and names spelled two ways. Each problem is
//! a [`Finding`] with a severity, a rule name, a one-line message and every
//! file and line involved.
//!
//! `confsite check` prints the findings (and fails on errors); `build` prints
//! them as warnings. Every rule is described in `docs/checks.md`.

mod names;
mod overlap;
mod references;
mod schedule;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::content::{LoadOptions, load_site_partial};
use crate::diagnostic::Diagnostic;
pub use crate::diagnostic::Level;
use crate::model::{Event, Session, Site, Source};

/// Rule names, as findings carry them and `check: {disable: [...]}` names them.
pub mod rule {
    pub const ROOM_CLASH: &str = "room-clash";
    pub const SPEAKER_CLASH: &str = "speaker-clash";
    pub const END_BEFORE_START: &str = "end-before-start";
    pub const OUTSIDE_EVENT_DATES: &str = "outside-event-dates";
    pub const DUPLICATE_SLUG: &str = "duplicate-slug";
    pub const UNKNOWN_SPEAKER: &str = "unknown-speaker";
    pub const UNKNOWN_ROOM: &str = "unknown-room";
    pub const UNKNOWN_TRACK: &str = "unknown-track";
    pub const CONTENT: &str = "content";
    pub const ROOM_SPELLING: &str = "room-spelling";
    pub const TRACK_SPELLING: &str = "track-spelling";
    pub const SPEAKER_SPELLING: &str = "speaker-spelling";
    pub const MISSING_ROOM: &str = "missing-room";
    pub const LONG_SESSION: &str = "long-session";
    pub const SPEAKER_WITHOUT_SESSIONS: &str = "speaker-without-sessions";
    pub const UNKNOWN_RULE: &str = "unknown-rule";
}

/// Who reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// [`check_site`]; an event can switch it off.
    Check,
    /// The content loader, which stops on it, so it cannot be switched off.
    Loader,
}

/// A rule `check` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub level: Level,
    pub origin: Origin,
}

const fn rule(name: &'static str, level: Level, origin: Origin) -> Rule {
    Rule {
        name,
        level,
        origin,
    }
}

/// Every rule, errors first, in the order `docs/checks.md` describes them.
pub const RULES: &[Rule] = &[
    rule(rule::ROOM_CLASH, Level::Error, Origin::Check),
    rule(rule::SPEAKER_CLASH, Level::Error, Origin::Check),
    rule(rule::END_BEFORE_START, Level::Error, Origin::Loader),
    rule(rule::OUTSIDE_EVENT_DATES, Level::Error, Origin::Check),
    rule(rule::DUPLICATE_SLUG, Level::Error, Origin::Loader),
    rule(rule::UNKNOWN_SPEAKER, Level::Error, Origin::Loader),
    rule(rule::UNKNOWN_ROOM, Level::Error, Origin::Check),
    rule(rule::UNKNOWN_TRACK, Level::Error, Origin::Check),
    rule(rule::CONTENT, Level::Error, Origin::Loader),
    rule(rule::ROOM_SPELLING, Level::Warning, Origin::Check),
    rule(rule::TRACK_SPELLING, Level::Warning, Origin::Check),
    rule(rule::SPEAKER_SPELLING, Level::Warning, Origin::Check),
    rule(rule::MISSING_ROOM, Level::Warning, Origin::Check),
    rule(rule::LONG_SESSION, Level::Warning, Origin::Check),
    rule(
        rule::SPEAKER_WITHOUT_SESSIONS,
        Level::Warning,
        Origin::Check,
    ),
    rule(rule::UNKNOWN_RULE, Level::Warning, Origin::Check),
];

/// The rule called `name`.
pub fn find_rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// One problem, with every file (and line) involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub rule: &'static str,
    pub message: String,
    /// Path as shown to users, and a 1-based line (0: the whole file).
    pub locations: Vec<(PathBuf, usize)>,
}

impl Finding {
    /// A finding of `rule`, at the rule's own level.
    fn new(rule: &'static str, message: String, locations: Vec<(PathBuf, usize)>) -> Finding {
        Finding {
            level: find_rule(rule).map_or(Level::Error, |r| r.level),
            rule,
            message,
            locations,
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.level, self.rule, self.message)?;
        for (path, line) in &self.locations {
            write!(f, "\n  --> {}", path.display())?;
            if *line > 0 {
                write!(f, ":{line}")?;
            }
        }
        Ok(())
    }
}

impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Finding {
        Finding {
            level: d.level,
            rule: loader_rule(&d.message),
            locations: vec![(d.path, d.line)],
            message: d.message,
        }
    }
}

/// The rule a loader diagnostic belongs to. The loader does not tag its
/// diagnostics, so this goes by its wording (pinned by tests).
fn loader_rule(message: &str) -> &'static str {
    if message.contains(" is not after start ") || message.contains(" is before start_date ") {
        rule::END_BEFORE_START
    } else if message.starts_with("duplicate slug ")
        || message.starts_with("duplicate speaker slug ")
    {
        rule::DUPLICATE_SLUG
    } else if message.starts_with("speaker id ") && message.contains(" has no page ") {
        rule::UNKNOWN_SPEAKER
    } else {
        rule::CONTENT
    }
}

/// Runs every rule on every event, leaving out the rules an event switches
/// off. Errors come first, then by file and line.
pub fn check_site(site: &Site) -> Vec<Finding> {
    let mut findings = Vec::new();
    for event in &site.events {
        let mut found = Vec::new();
        overlap::check(event, &mut found);
        schedule::check(event, site.config.day_change_minutes, &mut found);
        references::check(event, &mut found);
        names::check(event, &mut found);
        found.extend(disabled_rule_findings(event));
        found.retain(|f| !event.disabled_rules.iter().any(|r| r == f.rule));
        findings.extend(found);
    }
    sort(&mut findings);
    // A name listed twice in `check.disable` is one problem.
    findings.dedup();
    findings
}

/// Everything `confsite check` reports for the site under `root`: what stops
/// the loader, or else the loader's warnings and every rule's findings.
pub fn check_root(root: &Path, options: &LoadOptions) -> Vec<Finding> {
    // Pages the loader rejects are reported and left out; the rules still
    // run over everything else, so one run shows every problem.
    let (site, diagnostics) = load_site_partial(root, options);
    let mut findings: Vec<Finding> = diagnostics.into_iter().map(Finding::from).collect();
    if let Some(site) = site {
        findings.extend(check_site(&site));
    }
    sort(&mut findings);
    findings
}

/// Errors first, then by location, rule and message, so output is stable.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.locations.cmp(&b.locations))
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    level: Level,
    rule: &'a str,
    message: &'a str,
    locations: Vec<JsonLocation>,
}

#[derive(Serialize)]
struct JsonLocation {
    path: String,
    /// 0 when the finding concerns the whole file.
    line: usize,
}

/// The findings as a JSON document for CI (`check --format json`).
pub fn findings_json(findings: &[Finding]) -> String {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let report = JsonReport {
        version: 1,
        errors,
        warnings: findings.len() - errors,
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                level: f.level,
                rule: f.rule,
                message: &f.message,
                locations: f
                    .locations
                    .iter()
                    .map(|(path, line)| JsonLocation {
                        path: path.to_string_lossy().into_owned(),
                        line: *line,
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).expect("strings and numbers always serialize")
}

/// Names in `check: {disable: [...]}` that switch nothing off.
fn disabled_rule_findings(event: &Event) -> Vec<Finding> {
    let place = || vec![at(&event.source, "check")];
    event
        .disabled_rules
        .iter()
        .filter_map(|name| match find_rule(name) {
            Some(r) if r.origin == Origin::Check => None,
            Some(r) => Some(Finding::new(
                rule::UNKNOWN_RULE,
                format!(
                    "rule \"{}\" cannot be switched off: the content loader stops on it",
                    r.name
                ),
                place(),
            )),
            None => {
                let known = RULES
                    .iter()
                    .filter(|r| r.origin == Origin::Check)
                    .map(|r| r.name);
                let hint = names::suggest(name, known)
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                Some(Finding::new(
                    rule::UNKNOWN_RULE,
                    format!("check.disable names an unknown rule \"{name}\"{hint}"),
                    place(),
                ))
            }
        })
        .collect()
}

/// `key`'s line in `source`.
fn at(source: &Source, key: &str) -> (PathBuf, usize) {
    (source.path.clone(), source.line_of(key))
}

/// Where a session's start is written: `start`, or `date` + `time`.
fn start_at(s: &Session) -> (PathBuf, usize) {
    let key = ["start", "date", "time"]
        .into_iter()
        .find(|k| s.source.key_lines.contains_key(*k))
        .unwrap_or("start");
    at(&s.source, key)
}

/// Where a session's end is written: `end` or `duration`, else its start.
fn end_at(s: &Session) -> (PathBuf, usize) {
    match ["end", "duration"]
        .into_iter()
        .find(|k| s.source.key_lines.contains_key(*k))
    {
        Some(key) => at(&s.source, key),
        None => start_at(s),
    }
}
