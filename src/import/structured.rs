//! Import stage, structured formats: recognising a c3voc/frab schedule
//! (JSON or XML), a Sessionize export or a CSV table, and the pieces their
//! parsers share (URLs, speakers' photos, time zones, line numbers).
//!
//! Unlike the text formats, these documents say what each field is, so
//! detection looks at their structure, not at line patterns.

use std::path::Path;

use jiff::tz::TimeZone;

use super::{Format, ImportOptions, choose};
use crate::content::pages::LinkEntry;
use crate::diagnostic::Diagnostic;
use crate::time;

/// The structured format `text` is in, and a sentence saying why; `None`
/// when it is none of them (the text formats' detection then decides).
pub fn detect_structured(text: &str) -> Option<(Format, String)> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return detect_json(trimmed);
    }
    if trimmed.starts_with('<') {
        return super::c3voc::is_schedule_xml(trimmed).then(|| {
            (
                Format::ScheduleXml,
                "detected: an XML document whose root element is <schedule> (frab/pentabarf schedule.xml)"
                    .to_string(),
            )
        });
    }
    super::csv::detect(text).map(|columns| {
        (
            Format::Csv,
            format!("detected: a CSV table whose header names the columns {columns}"),
        )
    })
}

fn detect_json(text: &str) -> Option<(Format, String)> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if let Some(version) = super::c3voc::json_schedule_version(&value) {
        let shape = if version == 2 {
            "schedule.events (version 2)"
        } else {
            "schedule.conference.days (version 1)"
        };
        return Some((
            Format::ScheduleJson,
            format!("detected: a JSON document with {shape}: a c3voc/frab schedule.json"),
        ));
    }
    if super::sessionize::looks_like(&value) {
        return Some((
            Format::Sessionize,
            "detected: a JSON document shaped like a Sessionize API export".to_string(),
        ));
    }
    None
}

/// `imported_from`: the source's file name, without the directories (which
/// differ from machine to machine), as every importer writes it.
pub fn source_name(path: &Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The event name for a format that has none: `--name`, else empty with a
/// warning (the writer then names the event after the file).
pub fn name_from_flag(
    options: &ImportOptions,
    what: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    match &options.name {
        Some(name) => name.clone(),
        None => {
            diagnostics.push(Diagnostic::warning(
                path,
                0,
                format!("{what} does not name its event: pass --name"),
            ));
            String::new()
        }
    }
}

/// 1-based line numbers of byte offsets in one text.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    pub fn line_at(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// The event's zone: `--timezone` or what the document names (a conflict is
/// reported). `None` with an error when neither gives a zone confsite knows
/// and `needed` (the document has times to place).
pub fn event_zone(
    from_document: Option<String>,
    options: &ImportOptions,
    path: &Path,
    line: usize,
    needed: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, TimeZone)> {
    let name = choose(
        "time zone",
        from_document,
        options.timezone.as_ref(),
        path,
        line,
        diagnostics,
    );
    match name {
        Some(name) => match time::zone(name.trim()) {
            Ok(tz) => Some((name.trim().to_string(), tz)),
            Err(msg) => {
                diagnostics.push(Diagnostic::error(path, line, msg));
                None
            }
        },
        None => {
            if needed {
                diagnostics.push(Diagnostic::error(
                    path,
                    line,
                    "the document gives times but no time zone: pass --timezone Area/City",
                ));
            }
            None
        }
    }
}

/// `url` as an absolute `http(s)`/`mailto` URL: relative ones are resolved
/// against `base` (a format's documented base URL); anything else is `None`.
pub fn absolute_url(url: &str, base: Option<&str>) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
    {
        return Some(url.to_string());
    }
    if lower.contains(':') && !lower.starts_with('/') {
        // Another scheme (javascript:, ftp:, data:): never a page link.
        return None;
    }
    let base = base?.trim();
    let (scheme, rest) = base.split_once("://")?;
    if let Some(protocol_relative) = url.strip_prefix("//") {
        return Some(format!("{scheme}://{protocol_relative}"));
    }
    if url.starts_with('/') {
        let host = rest.split('/').next().unwrap_or(rest);
        return Some(format!("{scheme}://{host}{url}"));
    }
    let dir = match base.rfind('/') {
        Some(i) if i > scheme.len() + 2 => &base[..=i],
        _ => base,
    };
    let sep = if dir.ends_with('/') { "" } else { "/" };
    Some(format!("{dir}{sep}{url}"))
}

/// A link for a page, or a warning saying why the URL cannot be one.
pub fn link(
    kind: &str,
    url: &str,
    title: Option<&str>,
    base: Option<&str>,
    at: (&Path, usize),
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<LinkEntry> {
    match absolute_url(url, base) {
        Some(url) => Some(LinkEntry {
            kind: kind.to_string(),
            url,
            title: title
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        }),
        None => {
            if !url.trim().is_empty() {
                diagnostics.push(Diagnostic::warning(
                    at.0,
                    at.1,
                    format!(
                        "{} `{}` is not an http(s) or mailto URL{}: not imported",
                        if kind == "link" {
                            "link".to_string()
                        } else {
                            format!("{kind} link")
                        },
                        url.trim(),
                        if base.is_none() {
                            " and the document gives no base URL to resolve it against"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            None
        }
    }
}

/// A speaker's photo as an absolute `http(s)` URL (resolved against `base`),
/// or a warning saying why it is left out: a page shows it as an image.
pub fn photo_url(
    url: &str,
    speaker: &str,
    base: Option<&str>,
    at: (&Path, usize),
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let resolved = absolute_url(url, base).filter(|u| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    });
    if resolved.is_none() && !url.trim().is_empty() {
        diagnostics.push(Diagnostic::warning(
            at.0,
            at.1,
            format!(
                "the photo of `{speaker}`, `{}`, is not an http(s) URL: not imported",
                url.trim()
            ),
        ));
    }
    resolved
}

/// Text with Windows line ends made `\n` and outer blank space trimmed;
/// `None` when nothing is left.
pub fn clean_text(text: &str) -> Option<String> {
    let t = text.replace("\r\n", "\n").replace('\r', "\n");
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Abstract and description as one page body: both when both are given
/// (frab and pretalx use the abstract as a teaser for the description),
/// once when they are the same text.
pub fn join_body(parts: &[Option<String>]) -> String {
    let mut body = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for part in parts.iter().flatten() {
        if seen.contains(&part.as_str()) {
            continue;
        }
        seen.push(part);
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(part);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_against_the_base() {
        let base = Some("https://fahrplan.events.ccc.de/camp/2019/Fahrplan/");
        assert_eq!(
            absolute_url("/system/a.jpg?1", base).as_deref(),
            Some("https://fahrplan.events.ccc.de/system/a.jpg?1")
        );
        assert_eq!(
            absolute_url("events/1.html", base).as_deref(),
            Some("https://fahrplan.events.ccc.de/camp/2019/Fahrplan/events/1.html")
        );
        assert_eq!(
            absolute_url("//cdn.example.org/x", base).as_deref(),
            Some("https://cdn.example.org/x")
        );
        assert_eq!(absolute_url("javascript:alert(1)", base), None);
        assert_eq!(absolute_url("/x", None), None);
        assert_eq!(
            absolute_url("mailto:a@b.org", None).as_deref(),
            Some("mailto:a@b.org")
        );
    }

    #[test]
    fn line_numbers_of_offsets() {
        let lines = Lines::new("a\nbc\n\nd");
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(6), 4);
    }

    #[test]
    fn bodies_join_without_repeating() {
        let a = Some("Teaser.".to_string());
        let d = Some("Long text.".to_string());
        assert_eq!(join_body(&[a.clone(), d]), "Teaser.\n\nLong text.");
        assert_eq!(join_body(&[a.clone(), a]), "Teaser.");
        assert_eq!(join_body(&[None, None]), "");
    }
}
