//! Format detection: which parser fits a document, and why.
//!
//! Each structured format has a signature, a pattern of lines that marks one
//! entry (a session) of that format. A signature counts its entries and the
//! non-blank lines they explain; the format whose entries explain most of the
//! document wins, but only by a clear margin over the runner-up. A document
//! no signature explains is refused rather than handed to a parser that
//! would guess. The talk list has no marker lines of its own, so its
//! signature (a short title line followed by a long paragraph) ignores every
//! line that is a marker of another format.
//!
//! [`read_document`] refuses empty and binary files before detection sees them.

use std::path::Path;

use super::Format;
use crate::diagnostic::Diagnostic;

/// Below this share of explained lines a signature is not a match.
const MIN_SHARE: f64 = 0.5;
/// The winner must explain this much more of the document than the runner-up.
const MIN_MARGIN: f64 = 0.2;
/// A document with fewer non-blank lines cannot show any signature reliably.
const MIN_LINES: usize = 3;
/// ... or with fewer visible characters.
const MIN_CHARS: usize = 40;
/// A talk-list description line is at least this long (titles are shorter).
const PARAGRAPH_CHARS: usize = 100;
/// A talk-list title is at most this long.
const TITLE_CHARS: usize = 150;
/// Notes that follow a linked session in a blog post: at most this many lines each.
const NOTE_LINES: usize = 3;
/// Lines a flat-schedule entry may hold after its duration (title, speakers, abstract, room).
const FLAT_ENTRY_LINES: usize = 20;

/// Reads `path` as a text document: refuses unreadable, empty, binary and
/// non-UTF-8 files with an error naming the file. A leading byte-order mark
/// is dropped and line ends become `\n`, so parsers see one kind of text and
/// line numbers stay those of the file.
pub fn read_document(path: &Path) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::error(path, 0, format!("cannot read: {e}")))?;
    document_text(bytes).map_err(|(line, msg)| Diagnostic::error(path, line, msg))
}

/// The checks of [`read_document`] on bytes already read; `Err` holds a line
/// (1 for an empty file) and a message.
pub fn document_text(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // Line 1 is where a document would start.
        return Err((
            1,
            "the file is empty: there is nothing to import".to_string(),
        ));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err((
            line_at(&bytes, at),
            "this is a binary file (it holds NUL bytes), not a text document".to_string(),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        (
            line_at(e.as_bytes(), at),
            "not UTF-8 text: convert the document to UTF-8 first (e.g. with `iconv`)".to_string(),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// 1-based line of byte offset `at`.
fn line_at(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The detected format and a sentence saying why; `Err` says why none fits.
pub fn detect(text: &str) -> Result<(Format, String), String> {
    let lines = nonblank_lines(text);
    if lines.is_empty() {
        return Err("the document is empty: there is nothing to import".to_string());
    }
    if text.contains('\0') {
        return Err("this is a binary file (it holds NUL bytes), not a text document".to_string());
    }
    // Exports (JSON, XML, CSV) say what they are by their syntax; short ones too.
    if let Some(found) = super::structured::detect_structured(text) {
        return Ok(found);
    }
    let visible: usize = lines
        .iter()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if lines.len() < MIN_LINES || visible < MIN_CHARS {
        return Err(format!(
            "the document is too short to recognise its format ({} non-blank line{}); \
             pass --format if you know it",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        ));
    }
    let mut all = scores(text);
    all.sort_by(|a, b| {
        b.share()
            .total_cmp(&a.share())
            .then(b.entries.cmp(&a.entries))
    });
    let best = &all[0];
    let runner_up = &all[1];
    if !best.matches() {
        let near: Vec<String> = all
            .iter()
            .filter(|s| s.entries > 0)
            .take(2)
            .map(Score::named)
            .collect();
        let seen = if near.is_empty() {
            "none of their signatures appears".to_string()
        } else {
            format!("closest: {}", near.join("; "))
        };
        return Err(format!(
            "cannot recognise the format of this document: it does not look like any format \
             confsite imports ({}; {seen}); pass --format if it is one of them",
            format_list()
        ));
    }
    if best.share() - runner_up.share() < MIN_MARGIN {
        return Err(format!(
            "cannot tell the format of this document: it fits two formats about equally well \
             ({}; {}); pass --format to choose",
            best.named(),
            runner_up.named()
        ));
    }
    let why = if runner_up.entries == 0 {
        format!(
            "detected: {}; no other format's signature appears",
            best.evidence()
        )
    } else {
        format!(
            "detected: {}; next best {}",
            best.evidence(),
            runner_up.named()
        )
    };
    Ok((best.format, why))
}

fn format_list() -> String {
    ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
}

const ALL: [Format; 5] = [
    Format::SchedExport,
    Format::VideoSummaries,
    Format::BlogNotes,
    Format::FlatSchedule,
    Format::TalkList,
];

/// How well one format's signature fits a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub format: Format,
    /// Entries (sessions) the signature found.
    pub entries: usize,
    /// Non-blank lines those entries account for.
    pub explained: usize,
    /// Non-blank lines in the document.
    pub lines: usize,
}

impl Score {
    /// Share of the document's non-blank lines the signature explains.
    pub fn share(&self) -> f64 {
        if self.lines == 0 {
            0.0
        } else {
            self.explained as f64 / self.lines as f64
        }
    }

    /// Enough entries explaining enough of the document to be a candidate.
    pub fn matches(&self) -> bool {
        self.entries >= min_entries(self.format) && self.share() >= MIN_SHARE
    }

    /// `12 <signature> explain 95% of 300 lines`.
    fn evidence(&self) -> String {
        format!(
            "{} {} {} {}% of {} lines",
            self.entries,
            signature(self.format, self.entries != 1),
            if self.entries == 1 {
                "explains"
            } else {
                "explain"
            },
            (self.share() * 100.0).round() as u32,
            self.lines
        )
    }

    fn named(&self) -> String {
        format!("{}: {}", self.format.name(), self.evidence())
    }
}

/// The talk list's signature is weak (any essay has headings and paragraphs),
/// so it needs more entries than the marked formats.
fn min_entries(format: Format) -> usize {
    match format {
        Format::TalkList => 3,
        _ => 2,
    }
}

fn signature(format: Format, plural: bool) -> &'static str {
    match (format, plural) {
        (Format::SchedExport, true) => "`Title#` lines with `Time:`/`Venue:`/`Type:` fields",
        (Format::SchedExport, false) => "`Title#` line with `Time:`/`Venue:`/`Type:` fields",
        (Format::VideoSummaries, true) => "`## Title` headings followed by a `URL:` line",
        (Format::VideoSummaries, false) => "`## Title` heading followed by a `URL:` line",
        (Format::BlogNotes, true) => "bare links to one schedule site's `/event/<id>/<slug>` pages",
        (Format::BlogNotes, false) => "bare link to a schedule site's `/event/<id>/<slug>` page",
        (Format::FlatSchedule, true) => "`HH:MM` lines followed by a `NNmin` duration",
        (Format::FlatSchedule, false) => "`HH:MM` line followed by a `NNmin` duration",
        (Format::TalkList, true) => "short title lines each followed by a long paragraph",
        (Format::TalkList, false) => "short title line followed by a long paragraph",
        // Recognised by their structure in `structured::detect_structured`, not by line signatures.
        (Format::ScheduleJson | Format::ScheduleXml | Format::Sessionize | Format::Csv, _) => {
            "structured document"
        }
    }
}

/// Every format's score for `text`, in a fixed order.
pub fn scores(text: &str) -> Vec<Score> {
    let lines = nonblank_lines(text);
    ALL.iter()
        .map(|&format| {
            let mut explained = vec![false; lines.len()];
            let entries = match format {
                Format::SchedExport => sched_export(&lines, &mut explained),
                Format::VideoSummaries => video_summaries(&lines, &mut explained),
                Format::BlogNotes => blog_notes(&lines, &mut explained),
                Format::FlatSchedule => flat_schedule(&lines, &mut explained),
                Format::TalkList => talk_list(&lines, &mut explained),
                Format::ScheduleJson | Format::ScheduleXml | Format::Sessionize | Format::Csv => 0,
            };
            Score {
                format,
                entries,
                explained: explained.iter().filter(|&&e| e).count(),
                lines: lines.len(),
            }
        })
        .collect()
}

fn nonblank_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

// ---- line shapes ----------------------------------------------------------

/// `Some Title#` (a Markdown heading starts with `#`, so it is not one).
fn is_sched_title(line: &str) -> bool {
    line.ends_with('#')
        && !line.starts_with('#')
        && line.trim_end_matches('#').trim().chars().count() >= 2
}

/// Field names a schedule-site export writes under each title.
const SCHED_FIELDS: &[&str] = &[
    "Time",
    "Date",
    "Speakers",
    "Speaker",
    "Moderators",
    "Moderator",
    "Artists",
    "Venue",
    "Room",
    "Location",
    "Type",
    "Track",
    "Level",
    "Tags",
    "Audience",
    "Description",
];

/// The field name of a `Name: value` line when it is an export field.
fn sched_field(line: &str) -> Option<&'static str> {
    let (key, _) = line.split_once(':')?;
    SCHED_FIELDS.iter().copied().find(|f| *f == key)
}

/// `# Title`, `## Title`, `### Title`.
fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=3).contains(&hashes)
        && line[hashes..].starts_with(' ')
        && !line[hashes..]
            .trim()
            .trim_end_matches('#')
            .trim()
            .is_empty()
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

fn is_http(text: &str) -> bool {
    starts_with_ignore_case(text, "https://") || starts_with_ignore_case(text, "http://")
}

/// A line that is a single URL: bare, `<url>` or a Markdown link `[..](url)`.
fn lone_url(line: &str) -> Option<&str> {
    let inner = line
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix('>'))
        .unwrap_or(line);
    if is_http(inner) && !inner.contains(char::is_whitespace) {
        return Some(inner);
    }
    let rest = line.strip_prefix('[')?;
    let (_, target) = rest.split_once("](")?;
    let url = target.strip_suffix(')')?;
    (is_http(url) && !url.contains(char::is_whitespace)).then_some(url)
}

/// `URL: …`, `Video: …`, `Recording: …` holding a link, or a lone link.
fn is_video_link_line(line: &str) -> bool {
    if lone_url(line).is_some() {
        return true;
    }
    ["url:", "video:", "recording:", "watch:", "link:"]
        .iter()
        .any(|label| starts_with_ignore_case(line, label) && line[label.len()..].contains("http"))
}

/// The host of a lone link to a schedule site's `/event/<id>[/<slug>]` page.
fn schedule_event_host(line: &str) -> Option<&str> {
    let url = lone_url(line)?;
    let rest = url.split_once("://")?.1;
    let (host, path) = rest.split_once('/')?;
    let mut segments = path.split('/');
    let is_event = segments.next() == Some("event")
        && segments
            .next()
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    (is_event && !host.is_empty()).then_some(host)
}

/// `09:30`, `9:30`, `9:30am`.
fn is_clock(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    let l = l
        .strip_suffix("am")
        .or_else(|| l.strip_suffix("pm"))
        .unwrap_or(&l)
        .trim_end();
    let Some((h, m)) = l.split_once(':') else {
        return false;
    };
    (1..=2).contains(&h.len())
        && m.len() == 2
        && h.bytes().all(|b| b.is_ascii_digit())
        && m.bytes().all(|b| b.is_ascii_digit())
}

/// `30min`, `5 min`, `90 minutes`, `45m`.
fn is_duration(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(
            line[digits..].trim_start(),
            "min" | "mins" | "minutes" | "m"
        )
}

fn is_bullet(line: &str) -> bool {
    line.starts_with("* ") || line.starts_with("- ") || line.starts_with("+ ") || {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && line[digits..].starts_with(". ")
    }
}

/// A line that marks an entry of a structured format: never talk-list text.
fn is_marker(line: &str) -> bool {
    is_sched_title(line)
        || sched_field(line).is_some()
        || is_video_link_line(line)
        || is_clock(line)
        || is_duration(line)
}

// ---- signatures -----------------------------------------------------------
// Each takes the non-blank lines, marks the ones its entries explain, and
// returns the number of entries.

/// `Title#` followed by field lines, one of them `Time:`, `Venue:` or `Type:`.
/// Lines after a `Description:` field continue it.
fn sched_export(lines: &[&str], explained: &mut [bool]) -> usize {
    let mut entries = 0;
    let mut i = 0;
    while i < lines.len() {
        if !is_sched_title(lines[i]) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() && !is_sched_title(lines[end]) {
            end += 1;
        }
        let fields: Vec<&str> = lines[i + 1..end]
            .iter()
            .filter_map(|l| sched_field(l))
            .collect();
        if fields
            .iter()
            .any(|f| matches!(*f, "Time" | "Venue" | "Type"))
        {
            entries += 1;
            explained[i] = true;
            let mut in_description = false;
            for j in i + 1..end {
                match sched_field(lines[j]) {
                    Some(field) => {
                        explained[j] = true;
                        in_description = field == "Description";
                    }
                    None => explained[j] = in_description,
                }
            }
        }
        i = end;
    }
    entries
}

/// A heading with a video link among the next three lines; the section up to
/// the next heading belongs to it.
fn video_summaries(lines: &[&str], explained: &mut [bool]) -> usize {
    let mut entries = 0;
    let mut i = 0;
    while i < lines.len() {
        if !is_heading(lines[i]) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() && !is_heading(lines[end]) {
            end += 1;
        }
        if lines[i + 1..end]
            .iter()
            .take(3)
            .any(|l| is_video_link_line(l))
        {
            entries += 1;
            explained[i..end].iter_mut().for_each(|e| *e = true);
        }
        i = end;
    }
    entries
}

/// Lone links to `/event/<id>` pages of the most linked host, each with up to
/// [`NOTE_LINES`] lines of notes after it.
fn blog_notes(lines: &[&str], explained: &mut [bool]) -> usize {
    let hosts: Vec<Option<&str>> = lines.iter().map(|l| schedule_event_host(l)).collect();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for host in hosts.iter().flatten() {
        match counts
            .iter_mut()
            .find(|(h, _)| h.eq_ignore_ascii_case(host))
        {
            Some((_, n)) => *n += 1,
            None => counts.push((host, 1)),
        }
    }
    // Most links wins; the first seen breaks ties, so the result is stable.
    let Some(&(site, entries)) = counts.iter().rev().max_by_key(|(_, n)| *n) else {
        return 0;
    };
    for (i, host) in hosts.iter().enumerate() {
        if !host.is_some_and(|h| h.eq_ignore_ascii_case(site)) {
            continue;
        }
        explained[i] = true;
        for j in (i + 1..lines.len()).take(NOTE_LINES) {
            if lone_url(lines[j]).is_some() {
                break;
            }
            explained[j] = true;
        }
    }
    entries
}

/// One or two clock lines and a duration line, then the entry's text up to the
/// next clock line (at most [`FLAT_ENTRY_LINES`] lines).
fn flat_schedule(lines: &[&str], explained: &mut [bool]) -> usize {
    let mut entries = 0;
    for i in 1..lines.len() {
        if !(is_duration(lines[i]) && is_clock(lines[i - 1])) {
            continue;
        }
        entries += 1;
        explained[i - 1] = true;
        if i >= 2 && is_clock(lines[i - 2]) {
            explained[i - 2] = true;
        }
        explained[i] = true;
        for j in (i + 1..lines.len()).take(FLAT_ENTRY_LINES) {
            if is_clock(lines[j]) {
                break;
            }
            explained[j] = true;
        }
    }
    entries
}

fn is_title_like(line: &str) -> bool {
    let chars = line.chars().count();
    (3..=TITLE_CHARS).contains(&chars)
        && !line.ends_with(['.', ',', ';', ':'])
        && !is_bullet(line)
        && !is_marker(line)
}

fn is_paragraph_like(line: &str) -> bool {
    line.chars().count() >= PARAGRAPH_CHARS && !is_marker(line)
}

/// A title-like line directly followed by a paragraph; the description runs to
/// the next title or marker line of another format.
fn talk_list(lines: &[&str], explained: &mut [bool]) -> usize {
    let starts: Vec<bool> = (0..lines.len())
        .map(|i| {
            is_title_like(lines[i]) && lines.get(i + 1).is_some_and(|next| is_paragraph_like(next))
        })
        .collect();
    let mut entries = 0;
    let mut i = 0;
    while i < lines.len() {
        if !starts[i] {
            i += 1;
            continue;
        }
        entries += 1;
        explained[i] = true;
        i += 1;
        while i < lines.len() && !starts[i] && !is_marker(lines[i]) {
            explained[i] = true;
            i += 1;
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shapes() {
        assert!(is_sched_title("Keynote: Welcome#"));
        assert!(!is_sched_title("## Heading ##"));
        assert!(!is_sched_title("#"));
        assert_eq!(sched_field("Time: 8:00am EST"), Some("Time"));
        assert_eq!(sched_field("Keynote: Welcome"), None);
        assert!(is_heading("## Talk | Speaker"));
        assert!(!is_heading("####### deep"));
        assert!(!is_heading("#hashtag"));
        assert!(is_clock("09:30") && is_clock("9:30am") && !is_clock("9:3") && !is_clock("a9:30"));
        assert!(
            is_duration("30min")
                && is_duration("5 min")
                && !is_duration("30")
                && !is_duration("1000min")
        );
        assert_eq!(
            schedule_event_host("https://devconfcz2023.sched.com/event/1MYop/hands-on"),
            Some("devconfcz2023.sched.com")
        );
        assert_eq!(schedule_event_host("https://example.com/events/x"), None);
        assert!(is_video_link_line(
            "URL: [https://youtu.be/x](https://youtu.be/x)"
        ));
        assert!(is_video_link_line("<https://youtu.be/x>"));
        assert!(!is_video_link_line("URL: none"));
    }

    #[test]
    fn binary_and_encoding_are_refused_with_a_line() {
        assert_eq!(document_text(b"  \n\t".to_vec()).unwrap_err().0, 1);
        let (line, msg) = document_text(b"ok\nok\n\x00x".to_vec()).unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("binary"), "{msg}");
        let (line, msg) = document_text(b"ok\n\xff\xfe".to_vec()).unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("UTF-8"), "{msg}");
        assert_eq!(
            document_text(b"\xef\xbb\xbfa\r\nb\rc".to_vec()).unwrap(),
            "a\nb\nc"
        );
    }
}
