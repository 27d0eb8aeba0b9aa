//! Import stage, shared by the format parsers. Input: a document's text, the
//! command-line options and what a parser found. Output: the pieces several
//! formats need, so each parser keeps only what is its own: numbered lines,
//! refusing empty and binary documents, kinds from title prefixes, speaker
//! lists, plain-text paragraphs, links, day headers, moving a program with
//! `--date`, the event zone, and the event file with its declared rooms.
//!
//! Where two formats do alike things differently on purpose (a talk list's
//! speaker line is not a sched export's `Speakers:` field), each parser keeps
//! its own version.

use std::path::Path;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Zoned};

use super::{ImportOptions, Imported, choose};
use crate::content::pages::{
    EventFront, EventPage, RoomDetails, RoomEntry, SessionPage, SpeakerEntry, SpeakerRef,
};
use crate::diagnostic::Diagnostic;
use crate::model::NON_CLASHING_KINDS;
use crate::time;

// ---------------------------------------------------------------------------
// Lines

/// One line of a source document, with its 1-based number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
}

/// The lines of a document, without line ends (`\n` or `\r\n`) or a byte-order mark.
pub(super) fn source_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// Splits a document into numbered lines: `\n`, `\r\n` or lone `\r`
/// endings, a leading BOM dropped.
pub(super) fn lines(text: &str) -> Vec<Line<'_>> {
    let pieces: Vec<&str> = if text.contains('\n') {
        source_lines(text)
    } else {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        text.split('\r').collect()
    };
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, text)| Line { no: i + 1, text })
        .collect()
}

/// At most 160 characters of a line, for messages.
pub(super) fn clip(line: &str) -> String {
    if line.chars().count() <= 160 {
        line.to_string()
    } else {
        line.chars().take(157).collect::<String>() + "..."
    }
}

// ---------------------------------------------------------------------------
// Documents that hold nothing to import
//
// Two checks, as the two families of parsers were written and are tested:
// the list formats point at the line where binary data starts, the timed
// formats refuse such a file as a whole (line 0), and they count stray
// control characters differently. `confsite import` refuses empty,
// NUL-holding and non-UTF-8 files before any parser runs
// (`detect::read_document`), so these guard the parsers' library callers.

/// An error when the document cannot hold `what`: it is empty, or binary data.
pub(super) fn unreadable(
    text: &str,
    lines: &[Line],
    path: &Path,
    what: &str,
) -> Option<Diagnostic> {
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Some(Diagnostic::error(
            path,
            1,
            format!("the document is empty: no {what} found"),
        ));
    }
    let odd =
        |c: char| (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) || c == '\u{fffd}';
    let total = text.chars().count();
    let odd_count = text.chars().filter(|&c| odd(c)).count();
    // A stray control character happens in real text; NULs or many of them mean binary data.
    if text.contains('\0') || odd_count * 100 > total {
        let line = lines
            .iter()
            .find(|l| l.text.chars().any(|c| odd(c) || c == '\0'))
            .map_or(1, |l| l.no);
        return Some(Diagnostic::error(
            path,
            line,
            format!("this is binary data, not a text document: no {what} can be read"),
        ));
    }
    None
}

/// What a list parser returns when it found nothing to import: the event
/// file the flags alone give, no sessions, and the errors that say why.
pub(super) fn without_sessions(
    path: &Path,
    options: &ImportOptions,
    mut diags: Vec<Diagnostic>,
) -> Imported {
    let front = event_front(path, options, DocumentEvent::default(), &mut diags);
    Imported {
        event: EventPage {
            front,
            body: String::new(),
        },
        sessions: Vec::new(),
        speakers: Vec::new(),
        diagnostics: diags,
    }
}

/// True for text that is evidently not a document: NUL bytes, or many control
/// characters or replacement characters (binary data read as text).
fn looks_binary(text: &str) -> bool {
    let mut odd = 0usize;
    let mut total = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || c == '\u{fffd}' {
            odd += 1;
        }
    }
    odd > 0 && odd * 20 > total.min(4000)
}

/// The import result for a document that cannot be read at all: empty, or
/// binary data rather than text.
pub(super) fn refuse_unreadable(text: &str, path: &Path) -> Option<Imported> {
    let message = if text.trim().is_empty() {
        "the document is empty"
    } else if looks_binary(text) {
        "this is not a text document (it holds binary data)"
    } else {
        return None;
    };
    Some(Imported {
        diagnostics: vec![Diagnostic::error(path, 0, message)],
        ..Imported::default()
    })
}

// ---------------------------------------------------------------------------
// Titles, speakers, paragraphs and links

/// Session kinds a title may start with, e.g. `Workshop: Intro to Rust`.
const KIND_PREFIXES: &[(&str, &str)] = &[
    ("panel discussion", "panel"),
    ("lightning talks", "lightning"),
    ("lightning talk", "lightning"),
    ("workshop", "workshop"),
    ("keynote", "keynote"),
    ("tutorial", "tutorial"),
    ("panel", "panel"),
    ("lightning", "lightning"),
];

/// The kind a title announces, and the title to keep. `Workshop: X` gives
/// (`workshop`, `X`): the kind field says it, so the prefix is not repeated
/// in the title (where it would show twice beside the kind, and put every
/// workshop under W). A title that is nothing but the kind and a number
/// (`Lightning talk 3`) is kept whole: without the prefix it says nothing.
pub(super) fn kind_prefix(title: &str) -> (Option<&'static str>, String) {
    let title = title.trim();
    for (prefix, kind) in KIND_PREFIXES {
        let Some(head) = title.get(..prefix.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(prefix) {
            continue;
        }
        let rest = &title[prefix.len()..];
        if let Some(after) = rest.trim_start().strip_prefix(':') {
            let after = after.trim();
            return if after.is_empty() {
                (Some(kind), title.to_string())
            } else {
                (Some(kind), after.to_string())
            };
        }
        let tail = rest.trim().trim_start_matches(['#', '№']);
        if tail
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace())
        {
            return (Some(kind), title.to_string());
        }
    }
    (None, title.to_string())
}

/// `Ana & Bo (Acme, Inc.), Cy and Dee` → four speakers, Bo with an
/// affiliation. Separators inside parentheses do not split.
pub(super) fn split_people(text: &str) -> Vec<SpeakerEntry> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let word_and = depth == 0
            && c.is_whitespace()
            && chars[i + 1..]
                .iter()
                .take(4)
                .collect::<String>()
                .to_lowercase()
                == "and "
            && chars.get(i + 4).is_some_and(|c| c.is_whitespace());
        if depth == 0 && matches!(c, ',' | ';' | '&' | '+') {
            parts.push(std::mem::take(&mut current));
        } else if word_and {
            parts.push(std::mem::take(&mut current));
            i += 4;
        } else {
            current.push(c);
        }
        i += 1;
    }
    parts.push(current);
    parts
        .into_iter()
        .filter_map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return None;
            }
            match part.split_once('(') {
                Some((name, rest)) if rest.trim_end().ends_with(')') && !name.trim().is_empty() => {
                    let affiliation = rest.trim_end().trim_end_matches(')').trim();
                    Some(if affiliation.is_empty() {
                        SpeakerEntry::Name(name.trim().to_string())
                    } else {
                        SpeakerEntry::Full(SpeakerRef {
                            name: Some(name.trim().to_string()),
                            affiliation: Some(affiliation.to_string()),
                            ..SpeakerRef::default()
                        })
                    })
                }
                _ => Some(SpeakerEntry::Name(part.to_string())),
            }
        })
        .collect()
}

/// Plain text as Markdown. When blank lines separate paragraphs, the lines
/// between them are one (hard-wrapped) paragraph; otherwise each line is a
/// paragraph of its own, as in text copied from a web page. A line holding
/// only punctuation (a `.` that slipped onto its own line) is joined to the
/// line before it, and reported.
pub(super) fn plain_paragraphs(lines: &[Line], path: &Path, diags: &mut Vec<Diagnostic>) -> String {
    let first = lines.iter().position(|l| !l.text.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.text.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let lines = &lines[first..=last];
    let blank_separated = lines.iter().any(|l| l.text.trim().is_empty());
    let mut paragraphs: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            open = false;
            continue;
        }
        let punctuation_only = text.chars().all(|c| c.is_ascii_punctuation() || c == '…');
        match paragraphs.last_mut() {
            Some(previous) if punctuation_only && !text.starts_with(['-', '*', '#', '>', '=']) => {
                previous.push_str(text);
                diags.push(Diagnostic::warning(
                    path,
                    line.no,
                    format!("a line holding only `{text}` was joined to the line above it"),
                ));
            }
            Some(previous) if blank_separated && open => {
                previous.push('\n');
                previous.push_str(text);
            }
            _ => paragraphs.push(text.to_string()),
        }
        open = true;
    }
    paragraphs.join("\n\n")
}

/// A line that holds only a link.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PostLink {
    pub url: String,
    /// Lowercase host, without `www.`.
    pub host: String,
    /// The link's own text, when it has one that is not the URL again.
    pub label: Option<String>,
}

/// The link of a line that is nothing else: bare, `<url>`, `[text](url)`,
/// or a bullet holding one; only http(s) links to a named host.
pub(super) fn link_line(text: &str) -> Option<PostLink> {
    let mut t = text.trim();
    for bullet in ["- ", "* ", "• ", "+ "] {
        if let Some(rest) = t.strip_prefix(bullet) {
            t = rest.trim();
        }
    }
    let (url, label) = if let Some(inner) = t.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
        (inner, None)
    } else if let Some(rest) = t.strip_prefix('[') {
        let (label, target) = rest.split_once("](")?;
        let url = target.strip_suffix(')')?.split_whitespace().next()?;
        let label = label.trim();
        (
            url,
            (!label.is_empty() && label != url).then(|| label.to_string()),
        )
    } else {
        (t, None)
    };
    if url.contains(char::is_whitespace) {
        return None;
    }
    let host = host(url)?;
    Some(PostLink {
        url: url.to_string(),
        host,
        label,
    })
}

/// The host of an http(s) URL, lowercase, without `www.`, port or user.
fn host(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty() && host.contains('.')).then(|| host.to_string())
}

// ---------------------------------------------------------------------------
// The event file of an untimed program

/// What a document states about its event, with the line that states it.
#[derive(Debug, Clone, Default)]
pub(super) struct DocumentEvent {
    pub name: Option<(String, usize)>,
    pub location: Option<(String, usize)>,
    pub date: Option<(String, usize)>,
}

/// The event file's front matter: the document's statements, overridden by
/// command-line flags (each conflict reported). The time zone is the flag's
/// or left empty: none of the list formats states one.
pub(super) fn event_front(
    path: &Path,
    options: &ImportOptions,
    doc: DocumentEvent,
    diags: &mut Vec<Diagnostic>,
) -> EventFront {
    let mut pick = |field: &str, value: Option<(String, usize)>, flag: Option<&String>| {
        let line = value.as_ref().map_or(1, |v| v.1);
        choose(field, value.map(|v| v.0), flag, path, line, diags)
    };
    let name = pick("name", doc.name, options.name.as_ref());
    let location = pick("location", doc.location, options.location.as_ref());
    let start_date = pick("date", doc.date, options.date.as_ref());
    EventFront {
        name: name.unwrap_or_default(),
        timezone: options.timezone.clone().unwrap_or_default(),
        start_date,
        location,
        imported_from: source_name(path),
        ..EventFront::default()
    }
}

/// The file name a program was imported from, without the directories (which
/// differ from machine to machine and would make output unstable).
fn source_name(path: &Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

// ---------------------------------------------------------------------------
// Days

/// Month names, lowercase, January first.
pub(super) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A line that names a calendar day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Day {
    /// `Thursday, November 13, 2025`, with the weekday if one was written.
    Date(Date, Option<Weekday>),
    /// Shaped like a date but not one (`February 30, 2025`).
    Invalid,
}

fn month_number(word: &str) -> Option<i8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as i8 + 1)
}

fn weekday_of(word: &str) -> Option<Weekday> {
    let w = word.trim_end_matches('.').to_lowercase();
    let days = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    days.iter()
        .find(|(name, _)| *name == w || (w.len() >= 3 && name.starts_with(&w)))
        .map(|(_, d)| *d)
}

/// Reads `Thursday, November 13, 2025`, `Nov 13 2025`, `13 November 2025` or
/// `2025-11-13`; `None` when the text is not shaped like a day at all.
pub(super) fn parse_day(text: &str) -> Option<Day> {
    let t = text.trim().trim_end_matches(['#', '.', ':']).trim();
    if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        if !t
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        {
            return None;
        }
        return Some(
            t.parse::<Date>()
                .map_or(Day::Invalid, |d| Day::Date(d, None)),
        );
    }
    let mut words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let weekday = match words.first() {
        Some(w) if words.len() == 4 => {
            let d = weekday_of(w)?;
            words.remove(0);
            Some(d)
        }
        _ => None,
    };
    if words.len() != 3 {
        return None;
    }
    let day_number = |w: &str| -> Option<i8> {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        if !matches!(suffix, "" | "st" | "nd" | "rd" | "th")
            || digits.is_empty()
            || digits.len() > 2
        {
            return None;
        }
        digits.parse().ok()
    };
    let (month, day) = match (month_number(words[0]), month_number(words[1])) {
        (Some(m), None) => (m, day_number(words[1])?),
        (None, Some(m)) => (m, day_number(words[0])?),
        _ => return None,
    };
    let year: i16 = match words[2].parse() {
        Ok(y) if words[2].len() == 4 => y,
        _ => return None,
    };
    Some(Date::new(year, month, day).map_or(Day::Invalid, |d| Day::Date(d, weekday)))
}

/// `date` as a day header writes it, for messages.
fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Checks a day header's weekday against its date.
pub(super) fn check_weekday(
    date: Date,
    weekday: Option<Weekday>,
    path: &Path,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(w) = weekday
        && w != date.weekday()
    {
        diagnostics.push(Diagnostic::warning(
            path,
            line,
            format!(
                "the document calls {date} a {}, but it is a {}: using the date",
                weekday_name(w),
                weekday_name(date.weekday())
            ),
        ));
    }
}

/// Adds `days` to a date, staying within jiff's range.
pub(super) fn shift_date(date: Date, days: i32) -> Date {
    date.checked_add(Span::new().days(days)).unwrap_or(date)
}

/// Reads a `--date` flag; an unreadable one is an error (line 0: it is not in the file).
fn flag_date(value: &str, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Date> {
    match time::parse_date(value) {
        Ok(d) => Some(d),
        Err(msg) => {
            diagnostics.push(Diagnostic::error(path, 0, format!("--date: {msg}")));
            None
        }
    }
}

/// How many days a `--date` moves a program whose document starts on `document`.
fn days_moved(document: Option<Date>, flag: Option<Date>) -> i32 {
    match (document, flag) {
        (Some(doc), Some(flag)) => doc.until(flag).map_or(0, |s| s.get_days()),
        _ => 0,
    }
}

/// The days of a timed program: the document's first day header, `--date`,
/// and how far the flag moves the program.
#[derive(Debug, Clone, Copy)]
pub(super) struct ProgramDays {
    /// The first day header and its line.
    pub first: Option<(Date, usize)>,
    /// `--date`, when given and readable.
    pub flag: Option<Date>,
    /// Days `--date` moves every day of the program by.
    pub shift: i32,
}

impl ProgramDays {
    /// Reads `--date` against the document's first day; an unreadable flag
    /// is an error, one that contradicts the document a warning.
    pub fn new(
        first: Option<(Date, usize)>,
        options: &ImportOptions,
        path: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> ProgramDays {
        let flag = options
            .date
            .as_deref()
            .and_then(|d| flag_date(d, path, diags));
        // Called for its report of a flag that contradicts the document.
        choose(
            "date",
            first.map(|d| d.0.to_string()),
            options.date.as_ref().filter(|_| flag.is_some()),
            path,
            first.map_or(0, |d| d.1),
            diags,
        );
        ProgramDays {
            first,
            flag,
            shift: days_moved(first.map(|d| d.0), flag),
        }
    }

    /// The day a session is on: the document's, moved by `--date`; in a
    /// document without day headers, the `--date` day.
    pub fn place(&self, day: Option<Date>) -> Option<Date> {
        let without_headers = if self.first.is_none() {
            self.flag
        } else {
            None
        };
        day.map(|d| shift_date(d, self.shift)).or(without_headers)
    }

    /// The event's first and last day: those of the sessions placed in time
    /// (`used`), else the flag's or the document's first day. No last day for
    /// a one-day program.
    pub fn event_dates(&self, mut used: Vec<Date>) -> (Option<Date>, Option<Date>) {
        used.sort();
        let first = used
            .first()
            .copied()
            .or(self.flag)
            .or(self.first.map(|d| shift_date(d.0, self.shift)));
        let last = used.last().copied().filter(|d| Some(*d) != first);
        (first, last)
    }
}

// ---------------------------------------------------------------------------
// The event file of a timed program

/// The event's zone, once chosen.
pub(super) struct EventZone {
    pub name: String,
    pub tz: TimeZone,
}

/// The zone named `name` (the document's or `--timezone`); an unknown name
/// is an error (line 0: only the flag can name one).
pub(super) fn event_zone(
    name: Option<&String>,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<EventZone> {
    name.and_then(|n| match time::zone(n) {
        Ok(tz) => Some(EventZone {
            name: n.clone(),
            tz,
        }),
        Err(msg) => {
            diags.push(Diagnostic::error(path, 0, format!("--timezone: {msg}")));
            None
        }
    })
}

/// What a timed program's event file says, as a parser found it.
pub(super) struct TimedEvent<'a> {
    pub name: Option<String>,
    pub zone: Option<&'a EventZone>,
    pub location: Option<String>,
    pub days: &'a ProgramDays,
    /// Days of the sessions placed in time.
    pub days_used: Vec<Date>,
}

impl TimedEvent<'_> {
    /// The program: an event file with the facts as found, dates from the
    /// sessions and every room they name (see [`declared_rooms`]), and the sessions.
    pub fn imported(
        self,
        sessions: Vec<SessionPage>,
        diagnostics: Vec<Diagnostic>,
        path: &Path,
    ) -> Imported {
        let (first_day, last_day) = self.days.event_dates(self.days_used);
        let event = EventPage {
            front: EventFront {
                name: self.name.unwrap_or_default(),
                timezone: self.zone.map(|z| z.name.clone()).unwrap_or_default(),
                start_date: first_day.map(|d| d.to_string()),
                end_date: last_day.map(|d| d.to_string()),
                location: self.location,
                rooms: declared_rooms(&sessions),
                imported_from: source_name(path),
                ..EventFront::default()
            },
            body: String::new(),
        };
        Imported {
            event,
            sessions,
            speakers: Vec::new(),
            diagnostics,
        }
    }
}

/// Every room in order of first appearance; a room is `shared` when the
/// document schedules overlapping sessions there and every overlap involves an
/// open-floor session (expo, break, registration, meal, social), i.e. the
/// space is used concurrently by design. A clash between two ordinary
/// sessions keeps the room unshared so the checker still reports it.
fn declared_rooms(sessions: &[SessionPage]) -> Vec<RoomEntry> {
    let mut rooms: Vec<(String, bool, bool)> = Vec::new(); // name, has overlap, has clash
    let spans: Vec<Option<(Zoned, Zoned)>> = sessions
        .iter()
        .map(|s| {
            let start = parse_offset_time(s.front.start.as_deref()?)?;
            let end = parse_offset_time(s.front.end.as_deref()?)?;
            Some((start, end))
        })
        .collect();
    for (i, s) in sessions.iter().enumerate() {
        let Some(room) = &s.front.room else { continue };
        if !rooms.iter().any(|r| &r.0 == room) {
            rooms.push((room.clone(), false, false));
        }
        let Some((a_start, a_end)) = &spans[i] else {
            continue;
        };
        for (j, other) in sessions.iter().enumerate().skip(i + 1) {
            if other.front.room.as_ref() != Some(room) {
                continue;
            }
            let Some((b_start, b_end)) = &spans[j] else {
                continue;
            };
            if a_start < b_end && b_start < a_end {
                let open = |p: &SessionPage| {
                    p.front
                        .kind
                        .as_deref()
                        .is_some_and(|k| NON_CLASHING_KINDS.contains(&k))
                };
                if let Some(entry) = rooms.iter_mut().find(|r| &r.0 == room) {
                    entry.1 = true;
                    entry.2 |= !open(s) && !open(other);
                }
            }
        }
    }
    rooms
        .into_iter()
        .map(|(name, overlap, clash)| {
            if overlap && !clash {
                RoomEntry::Full(RoomDetails {
                    name,
                    shared: true,
                    ..RoomDetails::default()
                })
            } else {
                RoomEntry::Name(name)
            }
        })
        .collect()
}

/// Reads the `2025-11-13T11:00:00-05:00` the timed parsers write, as a fixed-offset time.
fn parse_offset_time(text: &str) -> Option<Zoned> {
    let ts: jiff::Timestamp = text.parse().ok()?;
    Some(ts.to_zoned(TimeZone::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn kind_prefixes() {
        assert_eq!(
            kind_prefix("Workshop: Intro to Rust"),
            (Some("workshop"), "Intro to Rust".into())
        );
        assert_eq!(
            kind_prefix("Lightning talk 3"),
            (Some("lightning"), "Lightning talk 3".into())
        );
        assert_eq!(
            kind_prefix("Panel Discussion: The Future"),
            (Some("panel"), "The Future".into())
        );
        assert_eq!(
            kind_prefix("Workshops Are Fun"),
            (None, "Workshops Are Fun".into())
        );
        assert_eq!(
            kind_prefix("Keynoter Stories"),
            (None, "Keynoter Stories".into())
        );
        assert_eq!(kind_prefix("Ünïcode"), (None, "Ünïcode".into()));
    }

    #[test]
    fn people() {
        let names = |t: &str| -> Vec<(String, Option<String>)> {
            split_people(t)
                .into_iter()
                .map(|e| match e {
                    SpeakerEntry::Name(n) => (n, None),
                    SpeakerEntry::Full(r) => (r.name.unwrap_or_default(), r.affiliation),
                })
                .collect()
        };
        assert_eq!(
            names("Ana & Bo (Acme, Inc.), Cy and Dee"),
            [
                ("Ana".into(), None),
                ("Bo".into(), Some("Acme, Inc.".into())),
                ("Cy".into(), None),
                ("Dee".into(), None)
            ]
        );
        assert_eq!(
            names("Alexander Sandoval"),
            [("Alexander Sandoval".into(), None)]
        );
        assert!(names(" & ").is_empty());
    }

    #[test]
    fn lines_and_paragraphs() {
        let ls = lines("\u{feff}a\r\nb\r\n\r\nc");
        assert_eq!(
            ls.iter().map(|l| l.text).collect::<Vec<_>>(),
            ["a", "b", "", "c"]
        );
        let mut diags = Vec::new();
        assert_eq!(
            plain_paragraphs(&ls, Path::new("x"), &mut diags),
            "a\nb\n\nc"
        );
        let ls = lines("one\n.\ntwo");
        assert_eq!(
            plain_paragraphs(&ls, Path::new("x"), &mut diags),
            "one.\n\ntwo"
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 2);
    }

    #[test]
    fn lone_carriage_returns_end_lines_only_without_newlines() {
        fn numbered(t: &str) -> Vec<&str> {
            lines(t).iter().map(|l| l.text).collect()
        }
        assert_eq!(numbered("\u{feff}a\rb\rc"), ["a", "b", "c"]);
        // With `\n` present a lone `\r` is text, as the timed parsers read it.
        assert_eq!(numbered("a\rb\nc\r\n"), ["a\rb", "c", ""]);
        assert_eq!(source_lines("a\rb\nc\r\n"), ["a\rb", "c", ""]);
    }

    #[test]
    fn link_lines() {
        let l = link_line("https://x.sched.com/event/1Ab/containers-in-a-car").unwrap();
        assert_eq!(l.host, "x.sched.com");
        assert_eq!(l.label, None);
        let l = link_line("- [Containers in a Car!](https://www.x.org/t/1)").unwrap();
        assert_eq!(l.label.as_deref(), Some("Containers in a Car!"));
        assert_eq!(l.host, "x.org");
        assert_eq!(link_line("see https://x.org/a for more"), None);
        assert_eq!(link_line("javascript:alert(1)"), None);
        assert_eq!(link_line("https://"), None);
    }

    #[test]
    fn day_headers() {
        let thu = Some(Weekday::Thursday);
        assert_eq!(
            parse_day("Thursday, November 13, 2025"),
            Some(Day::Date(date("2025-11-13"), thu))
        );
        assert_eq!(
            parse_day("Thu Nov 13 2025#"),
            Some(Day::Date(date("2025-11-13"), thu))
        );
        assert_eq!(
            parse_day("13th November 2025"),
            Some(Day::Date(date("2025-11-13"), None))
        );
        assert_eq!(
            parse_day("2025-11-13"),
            Some(Day::Date(date("2025-11-13"), None))
        );
        assert_eq!(parse_day("February 30, 2025"), Some(Day::Invalid));
        assert_eq!(parse_day("Keynote: Closing Remarks"), None);
        assert_eq!(parse_day("May the Force, 2025"), None);
        assert_eq!(parse_day("Dragonfly v2.3.0"), None);
    }

    #[test]
    fn date_moves_the_whole_program() {
        let flags = |date: Option<&str>| ImportOptions {
            date: date.map(str::to_string),
            ..ImportOptions::default()
        };
        let path = Path::new("x.txt");
        let mut diags = Vec::new();
        // A two-day document moved by `--date` to start a week later.
        let days = ProgramDays::new(
            Some((date("2025-11-13"), 2)),
            &flags(Some("2025-11-20")),
            path,
            &mut diags,
        );
        assert_eq!(days.shift, 7);
        assert_eq!(
            days.place(Some(date("2025-11-14"))),
            Some(date("2025-11-21"))
        );
        assert_eq!(days.place(None), None);
        assert_eq!(
            days.event_dates(vec![date("2025-11-21"), date("2025-11-20")]),
            (Some(date("2025-11-20")), Some(date("2025-11-21")))
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].is_error()), (2, false));
        // No day headers: every session is on the `--date` day.
        let days = ProgramDays::new(None, &flags(Some("2022-10-23")), path, &mut diags);
        assert_eq!(days.place(None), Some(date("2022-10-23")));
        assert_eq!(
            days.event_dates(Vec::new()),
            (Some(date("2022-10-23")), None)
        );
        // An unreadable flag is an error and moves nothing.
        let days = ProgramDays::new(
            Some((date("2025-11-13"), 2)),
            &flags(Some("13/11/2025")),
            path,
            &mut diags,
        );
        assert_eq!((days.flag, days.shift), (None, 0));
        assert!(diags.last().unwrap().is_error());
    }

    fn page(room: &str, kind: Option<&str>, start: &str, end: &str) -> SessionPage {
        let mut p = SessionPage::default();
        p.front.room = Some(room.to_string());
        p.front.kind = kind.map(str::to_string);
        p.front.start = Some(format!("2025-11-13T{start}:00-05:00"));
        p.front.end = Some(format!("2025-11-13T{end}:00-05:00"));
        p
    }

    #[test]
    fn rooms_are_shared_only_when_every_overlap_is_open_floor() {
        let sessions = vec![
            page("Hall", Some("expo"), "10:00", "14:00"),
            page("Hall", None, "10:30", "11:00"),
            page("Room 1", None, "10:00", "11:00"),
            page("Room 1", None, "10:30", "11:30"),
            page("Room 2", Some("break"), "10:00", "10:30"),
            page("Room 2", None, "10:30", "11:00"),
        ];
        let rooms = declared_rooms(&sessions);
        assert_eq!(
            rooms,
            vec![
                RoomEntry::Full(RoomDetails {
                    name: "Hall".into(),
                    shared: true,
                    ..RoomDetails::default()
                }),
                RoomEntry::Name("Room 1".into()),
                RoomEntry::Name("Room 2".into()),
            ]
        );
    }

    #[test]
    fn binary_is_not_text() {
        assert!(looks_binary("abc\0def"));
        assert!(looks_binary(&"\u{fffd}\u{1}x".repeat(100)));
        assert!(!looks_binary("Zoë Müller\r\n\tTitle#\n"));
    }
}
