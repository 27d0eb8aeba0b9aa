//! Import stage, CSV: a table with a header row (a spreadsheet saved as
//! CSV) → an event file and one session page per row.
//!
//! Columns are recognised by their header, whatever their order; the names
//! each field accepts are in [`COLUMNS`] and `docs/interop.md`. A column no
//! field claims is kept under each page's `extra`, and reported once. The
//! delimiter is `,`, `;` or a tab, whichever the header uses most.

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Zoned};
use serde_json::{Map, Value};

use super::structured::{clean_text, event_zone, link, name_from_flag, source_name};
use super::{ImportOptions, Imported};
use crate::content::pages::{
    EventFront, EventPage, LinkEntry, OneOrMany, SessionFront, SessionPage, SpeakerEntry,
    SpeakerRef,
};
use crate::diagnostic::Diagnostic;
use crate::time;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Speakers,
    Affiliation,
    Date,
    Start,
    End,
    Duration,
    Room,
    Track,
    Kind,
    Abstract,
    Tags,
    Language,
    Level,
    Prerequisites,
    Slug,
    /// A link of the given kind.
    Link(&'static str),
}

/// Header names per field, compared lowercased with `_`, `-` and repeated
/// blanks read as one space.
pub const COLUMNS: &[(Field, &[&str])] = &[
    (
        Field::Title,
        &["title", "session", "session title", "talk", "talk title"],
    ),
    (
        Field::Speakers,
        &[
            "speakers",
            "speaker",
            "speaker name",
            "speaker names",
            "presenters",
            "presenter",
            "authors",
            "author",
        ],
    ),
    (
        Field::Affiliation,
        &[
            "affiliation",
            "affiliations",
            "company",
            "organization",
            "organisation",
        ],
    ),
    (Field::Date, &["date", "day"]),
    (
        Field::Start,
        &[
            "start",
            "start time",
            "starts",
            "starts at",
            "begin",
            "from",
            "time",
        ],
    ),
    (
        Field::End,
        &["end", "end time", "ends", "ends at", "until", "to"],
    ),
    (
        Field::Duration,
        &["duration", "length", "minutes", "duration (min)", "mins"],
    ),
    (Field::Room, &["room", "location", "venue", "hall", "stage"]),
    (
        Field::Track,
        &["track", "tracks", "topic", "category", "theme"],
    ),
    (
        Field::Kind,
        &["type", "kind", "format", "session type", "session format"],
    ),
    (
        Field::Abstract,
        &["abstract", "description", "summary", "details"],
    ),
    (Field::Tags, &["tags", "keywords"]),
    (Field::Language, &["language", "lang"]),
    (Field::Level, &["level", "audience level", "difficulty"]),
    (Field::Prerequisites, &["prerequisites", "requirements"]),
    (Field::Slug, &["slug"]),
    (Field::Link("video"), &["video", "video url", "youtube"]),
    (Field::Link("recording"), &["recording", "recording url"]),
    (Field::Link("slides"), &["slides", "slides url", "deck"]),
    (
        Field::Link("code"),
        &["code", "repository", "repo", "source code"],
    ),
    (
        Field::Link("source"),
        &["url", "link", "page", "website", "session url"],
    ),
];

fn normalize(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn field_of(header: &str) -> Option<Field> {
    let h = normalize(header);
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(f, _)| *f)
}

/// The delimiter the header line uses most: `,`, `;` or tab.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut best = (0, b',');
    for d in [b',', b';', b'\t'] {
        let n = header.bytes().filter(|&b| b == d).count();
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
}

/// The recognised columns, listed for the user, when `text` is a CSV table
/// with a title column and at least one other known column.
pub fn detect(text: &str) -> Option<String> {
    let mut rdr = reader(text);
    let headers = rdr.headers().ok()?.clone();
    if headers.len() < 2 {
        return None;
    }
    let fields: Vec<(Field, &str)> = headers
        .iter()
        .filter_map(|h| field_of(h).map(|f| (f, h.trim())))
        .collect();
    let has_title = fields.iter().any(|(f, _)| *f == Field::Title);
    if !has_title || fields.len() < 2 {
        return None;
    }
    // A table: the first rows have about as many cells as the header.
    let rows: Vec<usize> = rdr
        .records()
        .take(5)
        .filter_map(Result::ok)
        .map(|r| r.len())
        .collect();
    if rows.is_empty()
        || rows
            .iter()
            .any(|&n| n + 1 < headers.len() || n > headers.len() + 1)
    {
        return None;
    }
    Some(
        fields
            .iter()
            .map(|(_, h)| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// One row's cells by field.
struct Row<'a> {
    cells: HashMap<Field, &'a str>,
}

impl Row<'_> {
    fn get(&self, f: Field) -> Option<String> {
        self.cells.get(&f).and_then(|c| clean_text(c))
    }
}

/// Parses a CSV table with a header row.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let mut rdr = reader(text);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(Diagnostic::error(
                path,
                1,
                format!("cannot read the header row: {e}"),
            ));
            return Imported {
                diagnostics: diags,
                ..Imported::default()
            };
        }
    };
    let header_line = headers.position().map_or(1, |p| p.line() as usize);
    let mut columns: Vec<Option<Field>> = Vec::new();
    let mut claimed: HashMap<Field, String> = HashMap::new();
    for h in headers.iter() {
        let field = field_of(h);
        if let Some(f) = field {
            if let Some(first) = claimed.get(&f) {
                diags.push(Diagnostic::warning(
                    path,
                    header_line,
                    format!("columns `{first}` and `{}` both mean the same field: the second is kept under `extra`", h.trim()),
                ));
                columns.push(None);
                continue;
            }
            claimed.insert(f, h.trim().to_string());
        } else if !h.trim().is_empty() {
            diags.push(Diagnostic::warning(
                path,
                header_line,
                format!("column `{}` is not a field confsite knows (see docs/interop.md): kept under `extra` in each page", h.trim()),
            ));
        }
        columns.push(field);
    }
    if !claimed.contains_key(&Field::Title) {
        diags.push(Diagnostic::error(
            path,
            header_line,
            format!(
                "no title column: name one `title` (the header row reads: {})",
                headers
                    .iter()
                    .map(|h| format!("`{}`", h.trim()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        return Imported {
            diagnostics: diags,
            ..Imported::default()
        };
    }

    let records: Vec<(usize, csv::StringRecord)> = rdr
        .records()
        .filter_map(|r| match r {
            Ok(r) => Some((r.position().map_or(0, |p| p.line() as usize), r)),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(Diagnostic::error(
                    path,
                    line,
                    format!("cannot read this row: {e}"),
                ));
                None
            }
        })
        .collect();
    let has_times = claimed.contains_key(&Field::Start);
    let zone = event_zone(None, options, path, header_line, has_times, &mut diags);
    let default_date = options.date.as_deref().and_then(|d| {
        time::parse_date(d)
            .map_err(|m| diags.push(Diagnostic::error(path, 0, format!("--date: {m}"))))
            .ok()
    });

    let mut sessions = Vec::new();
    for (line, record) in &records {
        let line = *line;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() > headers.len()
            && record
                .iter()
                .skip(headers.len())
                .any(|c| !c.trim().is_empty())
        {
            diags.push(Diagnostic::error(
                path,
                line,
                format!(
                    "this row has {} cells but the header names {} columns (a comma inside an unquoted cell?)",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let mut row = Row {
            cells: HashMap::new(),
        };
        let mut extra = Map::new();
        for (i, cell) in record.iter().enumerate().take(headers.len()) {
            match columns[i] {
                Some(f) => {
                    row.cells.insert(f, cell);
                }
                None => {
                    if let Some(v) = clean_text(cell) {
                        extra.insert(headers[i].trim().to_string(), Value::String(v));
                    }
                }
            }
        }
        let Some(title) = row.get(Field::Title) else {
            diags.push(Diagnostic::error(path, line, "this row has no title"));
            continue;
        };
        let (start, end) = times(&row, zone.as_ref(), default_date, path, line, &mut diags);
        let speakers = speakers(&row, path, line, &mut diags);
        let mut links: Vec<LinkEntry> = Vec::new();
        for (f, _) in COLUMNS {
            if let Field::Link(kind) = f
                && let Some(cell) = row.get(*f)
            {
                for url in list(&cell, &[';', '\n', ' ']) {
                    links.extend(link(kind, &url, None, None, (path, line), &mut diags));
                }
            }
        }
        let tracks = row
            .get(Field::Track)
            .map(|t| list(&t, &[';', '\n']))
            .unwrap_or_default();
        sessions.push(SessionPage {
            front: SessionFront {
                title,
                slug: row.get(Field::Slug),
                kind: row.get(Field::Kind).map(|k| k.to_lowercase()),
                speakers,
                start: start.as_ref().map(time::rfc3339),
                end: end.as_ref().map(time::rfc3339),
                room: row.get(Field::Room),
                track: match tracks.len() {
                    0 => None,
                    1 => tracks.into_iter().next().map(OneOrMany::One),
                    _ => Some(OneOrMany::Many(tracks)),
                },
                tags: row
                    .get(Field::Tags)
                    .map(|t| list(&t, &[';', ',', '\n']))
                    .unwrap_or_default(),
                language: row.get(Field::Language),
                level: row.get(Field::Level),
                prerequisites: row.get(Field::Prerequisites),
                links,
                extra: (!extra.is_empty()).then_some(Value::Object(extra)),
                ..SessionFront::default()
            },
            body: row.get(Field::Abstract).unwrap_or_default(),
        });
    }
    if sessions.is_empty() && !super::super::diagnostic::has_errors(&diags) {
        diags.push(Diagnostic::error(
            path,
            header_line,
            "the table has a header but no rows",
        ));
    }

    let name = name_from_flag(options, "a CSV table", path, &mut diags);
    Imported {
        event: EventPage {
            front: EventFront {
                name,
                timezone: zone.map(|z| z.0).unwrap_or_default(),
                start_date: options.date.clone(),
                location: options.location.clone(),
                imported_from: source_name(path),
                ..EventFront::default()
            },
            body: String::new(),
        },
        sessions,
        // A table row is a session: its speakers have names and affiliations
        // only (a bio column, say, is kept under the session's `extra`).
        speakers: Vec::new(),
        diagnostics: diags,
    }
}

/// Non-empty trimmed pieces of `cell` split at any of `separators`.
fn list(cell: &str, separators: &[char]) -> Vec<String> {
    cell.split(separators)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Speakers separated by `;` or line breaks, each `Name` or `Name (Affiliation)`;
/// an `affiliation` column gives one affiliation per speaker, in order.
fn speakers(row: &Row, path: &Path, line: usize, diags: &mut Vec<Diagnostic>) -> Vec<SpeakerEntry> {
    let Some(cell) = row.get(Field::Speakers) else {
        return Vec::new();
    };
    let names = list(&cell, &[';', '\n']);
    if names.len() == 1 && names[0].contains(", ") && !names[0].contains('(') {
        diags.push(Diagnostic::warning(
            path,
            line,
            format!(
                "`{}` is read as one speaker: separate several speakers with `;`",
                names[0]
            ),
        ));
    }
    let affiliations = row
        .get(Field::Affiliation)
        .map(|a| list(&a, &[';', '\n']))
        .unwrap_or_default();
    if !affiliations.is_empty() && affiliations.len() != names.len() {
        diags.push(Diagnostic::warning(
            path,
            line,
            format!(
                "{} speakers but {} affiliations: affiliations are matched to speakers in order",
                names.len(),
                affiliations.len()
            ),
        ));
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let (name, inline) = match n.strip_suffix(')').and_then(|r| r.split_once(" (")) {
                Some((name, aff)) if !name.trim().is_empty() => {
                    (name.trim().to_string(), clean_text(aff))
                }
                _ => (n, None),
            };
            match inline.or_else(|| affiliations.get(i).cloned()) {
                Some(affiliation) => SpeakerEntry::Full(SpeakerRef {
                    name: Some(name),
                    affiliation: Some(affiliation),
                    ..SpeakerRef::default()
                }),
                None => SpeakerEntry::Name(name),
            }
        })
        .collect()
}

/// Start and end from `date` + `start`/`end` (times or full date-times) or
/// `duration`. An end time earlier than the start is taken as past midnight.
fn times(
    row: &Row,
    zone: Option<&(String, TimeZone)>,
    default_date: Option<Date>,
    path: &Path,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Zoned>, Option<Zoned>) {
    let Some(start_cell) = row.get(Field::Start) else {
        if row.get(Field::End).is_some() {
            diags.push(Diagnostic::warning(
                path,
                line,
                "an end without a start: imported without times",
            ));
        }
        return (None, None);
    };
    let Some((zone_name, tz)) = zone else {
        return (None, None);
    };
    let err = |msg: String, diags: &mut Vec<Diagnostic>| {
        diags.push(Diagnostic::error(path, line, msg));
    };
    let date = match row.get(Field::Date) {
        Some(d) => match time::parse_date(&d) {
            Ok(d) => Some(d),
            Err(m) => {
                err(m, diags);
                return (None, None);
            }
        },
        None => default_date,
    };
    let is_datetime = |cell: &str| cell.len() > 10 && cell.as_bytes().get(4) == Some(&b'-');
    // A cell is a full date-time, or a time of day on the date `on`.
    let at = |cell: &str, on: Option<Date>, diags: &mut Vec<Diagnostic>| -> Option<Zoned> {
        if is_datetime(cell) {
            return time::parse_datetime(cell, tz, zone_name)
                .map_err(|m| err(m, diags))
                .ok();
        }
        let t = time::parse_time(cell).map_err(|m| err(m, diags)).ok()?;
        let Some(d) = on else {
            err(
                format!(
                    "`{cell}` is a time without a date: add a `date` column or pass --date YYYY-MM-DD"
                ),
                diags,
            );
            return None;
        };
        time::local_in_zone(d.to_datetime(t), tz, zone_name)
            .map_err(|m| err(m, diags))
            .ok()
    };
    let Some(start) = at(&start_cell, date, diags) else {
        return (None, None);
    };
    let duration = row.get(Field::Duration).and_then(|d| {
        time::parse_duration(&d)
            .map_err(|m| err(m, diags))
            .ok()
            .filter(|d| *d > SignedDuration::ZERO)
    });
    let end = match row.get(Field::End) {
        Some(cell) => {
            let mut end = at(&cell, Some(start.date()), diags);
            // A time of day before the start: the session runs past midnight.
            if !is_datetime(&cell)
                && end.as_ref().is_some_and(|e| *e <= start)
                && let Some(next) = start
                    .date()
                    .tomorrow()
                    .ok()
                    .and_then(|d| at(&cell, Some(d), diags))
            {
                diags.push(Diagnostic::warning(
                    path,
                    line,
                    format!("ends at {cell}, before it starts: read as {cell} the next day"),
                ));
                end = Some(next);
            }
            if let (Some(d), Some(e)) = (duration, &end)
                && start.duration_until(e) != d
            {
                diags.push(Diagnostic::warning(
                    path,
                    line,
                    format!(
                        "the end and the duration disagree: using the end ({})",
                        time::rfc3339(e)
                    ),
                ));
            }
            end
        }
        None => duration.and_then(|d| start.checked_add(d).ok()),
    };
    let end = end.filter(|e| {
        let ok = *e > start;
        if !ok {
            diags.push(Diagnostic::warning(
                path,
                line,
                "the end is not after the start: imported without an end",
            ));
        }
        ok
    });
    (Some(start), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_loosely() {
        assert_eq!(field_of(" Session Title "), Some(Field::Title));
        assert_eq!(field_of("start_time"), Some(Field::Start));
        assert_eq!(field_of("Speaker-Names"), Some(Field::Speakers));
        assert_eq!(field_of("Slides URL"), Some(Field::Link("slides")));
        assert_eq!(field_of("Room capacity"), None);
    }

    #[test]
    fn delimiter_is_sniffed() {
        assert_eq!(delimiter("title;start;room\na;b;c"), b';');
        assert_eq!(delimiter("title\tstart\n"), b'\t');
        assert_eq!(delimiter("title,start\n"), b',');
    }

    #[test]
    fn detection_needs_a_title_column_and_a_table() {
        assert!(detect("Title,Speakers,Start\nA,B,09:00\n").is_some());
        assert!(detect("Name,Email\nA,b@c.org\n").is_none());
        assert!(detect("Title\nOnly one column\n").is_none());
        assert!(detect("Keynote: the future, and more\nSome paragraph text here.\n").is_none());
    }
}
