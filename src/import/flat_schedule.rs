//! Import stage, format 3 (`flat-schedule`): a schedule web page flattened to
//! text → an event file and session pages.
//!
//! Input: for each time slot a slot line (`10:30`), then per session its own
//! start (`10:30`, the same time again), a length (`30min`), the title, a line
//! of comma-separated speaker names, abstract paragraphs, and the room as the
//! record's last line. A session that shares the slot of the one before starts
//! with its own time alone. A line such as `Monday, October 24, 2022` before a
//! slot starts a new day. Output: an [`Imported`] program.
//!
//! Such a page usually has no date and no zone: they come from `--date` and
//! `--timezone`, and without them the sessions keep their length but no time
//! (an error says so) rather than being placed on a guessed day.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::SignedDuration;
use jiff::civil::{Date, Time};

use super::text::{
    Day, ProgramDays, TimedEvent, check_weekday, clip, event_zone, parse_day, refuse_unreadable,
    source_lines,
};
use super::{ImportOptions, Imported, choose};
use crate::content::pages::{SessionPage, SpeakerEntry};
use crate::diagnostic::Diagnostic;
use crate::time;

/// What one line of the page is.
#[derive(Debug, Clone)]
enum Line {
    Blank,
    /// A line holding only a time of day; `Err` for `13:75pm`.
    Clock(Result<Time, String>),
    Length(SignedDuration),
    Day(Day),
    Text,
}

/// `09:30`, `9:30am`, `9:30 PM`, `9am`: a line that is a time of day and nothing else.
fn is_clock_shaped(line: &str) -> bool {
    let lower = line.to_ascii_lowercase().replace('.', "");
    let digits = lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("pm"))
        .map_or(lower.as_str(), str::trim_end);
    let meridiem = digits.len() != lower.len();
    match digits.split_once(':') {
        Some((h, m)) => {
            (1..=2).contains(&h.len())
                && h.bytes().all(|b| b.is_ascii_digit())
                && m.len() == 2
                && m.bytes().all(|b| b.is_ascii_digit())
        }
        None => {
            meridiem
                && (1..=2).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// `30min`, `1h`, `1h 30min`, `90 minutes`: a line that is a length and nothing else.
fn length_of(line: &str) -> Option<SignedDuration> {
    if line.len() > 16
        || !line.starts_with(|c: char| c.is_ascii_digit())
        || !line.chars().any(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    time::parse_duration(line)
        .ok()
        .filter(|d| *d > SignedDuration::ZERO)
}

fn classify(line: &str) -> Line {
    let t = line.trim();
    if t.is_empty() {
        Line::Blank
    } else if is_clock_shaped(t) {
        Line::Clock(time::parse_time(t))
    } else if let Some(d) = length_of(t) {
        Line::Length(d)
    } else if let Some(day) = parse_day(t) {
        Line::Day(day)
    } else {
        Line::Text
    }
}

/// One session as the page lays it out, before interpretation.
#[derive(Debug)]
struct Record {
    /// The session's own time line.
    time_line: usize,
    time: Option<Time>,
    length: Option<SignedDuration>,
    day: Option<Date>,
    /// Non-time lines up to the next record: title, speakers, abstract, room.
    content: Vec<(usize, String)>,
}

/// A line that can be a room name: short, one line, not a sentence.
fn room_like(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() <= 60
        && t.split_whitespace().count() <= 6
        && !t.ends_with(['.', '!', '?', ':', ';', ','])
        && !t.starts_with(['-', '*', '•'])
}

/// Splits `Ana, Bo & Cy` into names.
fn speaker_names(line: &str) -> Vec<String> {
    line.split(',')
        .flat_map(|p| p.split(" & "))
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A line that reads as a list of names rather than the start of an abstract.
fn speakers_like(line: &str) -> bool {
    let t = line.trim();
    let names = speaker_names(t);
    !names.is_empty()
        && !t.ends_with(['.', '!', '?', ':', ';'])
        && names
            .iter()
            .all(|n| n.split_whitespace().count() <= 6 && n.chars().count() <= 60)
}

/// Paragraphs of the content: runs of non-blank lines.
fn paragraphs(content: &[(usize, String)]) -> Vec<Vec<(usize, String)>> {
    let mut out: Vec<Vec<(usize, String)>> = Vec::new();
    let mut current = Vec::new();
    for (n, l) in content {
        if l.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push((*n, l.trim_end().to_string()));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The room a record ends with under the strict rule: a one-line last
/// paragraph after the title's, shaped like a room name.
fn separated_room(paras: &[Vec<(usize, String)>]) -> Option<&(usize, String)> {
    let last = paras.last()?;
    (paras.len() >= 2 && last.len() == 1 && room_like(&last[0].1)).then(|| &last[0])
}

/// Parses a flattened schedule page; see the module documentation.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    if let Some(refused) = refuse_unreadable(text, path) {
        return refused;
    }
    let mut diags = Vec::new();
    let lines = source_lines(text);
    let kinds: Vec<Line> = lines.iter().map(|l| classify(l)).collect();
    let next_nonblank =
        |from: usize| (from..kinds.len()).find(|&j| !matches!(kinds[j], Line::Blank));

    let mut records: Vec<Record> = Vec::new();
    let mut preamble: Vec<(usize, &str)> = Vec::new();
    let mut doc_days: Vec<(Date, usize)> = Vec::new();
    let mut day: Option<Date> = None;
    let mut i = 0;
    while i < lines.len() {
        match &kinds[i] {
            Line::Day(found)
                if records.is_empty()
                    || next_nonblank(i + 1).is_some_and(|j| matches!(kinds[j], Line::Clock(_))) =>
            {
                match found {
                    Day::Date(d, weekday) => {
                        check_weekday(*d, *weekday, path, i + 1, &mut diags);
                        day = Some(*d);
                        doc_days.push((*d, i + 1));
                    }
                    Day::Invalid => diags.push(Diagnostic::error(
                        path,
                        i + 1,
                        format!("`{}` is not a real date", lines[i].trim()),
                    )),
                }
                i += 1;
            }
            Line::Clock(_) => {
                // A run of time lines: the slot's line(s), then the session's own time.
                let mut run = vec![i];
                let mut j = i + 1;
                while let Some(k) = next_nonblank(j) {
                    if !matches!(kinds[k], Line::Clock(_)) {
                        break;
                    }
                    run.push(k);
                    j = k + 1;
                }
                let own = *run.last().unwrap_or(&i);
                let own_time = match &kinds[own] {
                    Line::Clock(Ok(t)) => Some(*t),
                    Line::Clock(Err(msg)) => {
                        diags.push(Diagnostic::error(
                            path,
                            own + 1,
                            format!("{msg}: the session has no start time"),
                        ));
                        None
                    }
                    _ => None,
                };
                for &slot in &run[..run.len() - 1] {
                    match &kinds[slot] {
                        Line::Clock(Ok(t)) if Some(*t) != own_time && own_time.is_some() => {
                            diags.push(Diagnostic::warning(
                                path,
                                slot + 1,
                                format!(
                                    "slot time {} is not the session's own time {}: a slot with no session? using the session's time",
                                    lines[slot].trim(),
                                    lines[own].trim()
                                ),
                            ));
                        }
                        Line::Clock(Err(msg)) => {
                            diags.push(Diagnostic::warning(path, slot + 1, msg.clone()))
                        }
                        _ => {}
                    }
                }
                let mut length = None;
                let mut k = own + 1;
                if let Some(n) = next_nonblank(k)
                    && let Line::Length(d) = kinds[n]
                {
                    length = Some(d);
                    k = n + 1;
                }
                let mut content = Vec::new();
                while k < lines.len() {
                    let boundary = match &kinds[k] {
                        Line::Clock(_) => true,
                        Line::Day(_) => {
                            next_nonblank(k + 1).is_some_and(|j| matches!(kinds[j], Line::Clock(_)))
                        }
                        _ => false,
                    };
                    if boundary {
                        break;
                    }
                    content.push((k + 1, lines[k].to_string()));
                    k += 1;
                }
                records.push(Record {
                    time_line: own + 1,
                    time: own_time,
                    length,
                    day,
                    content,
                });
                i = k;
            }
            Line::Blank => i += 1,
            _ => {
                if records.is_empty() {
                    preamble.push((i + 1, lines[i].trim()));
                }
                i += 1;
            }
        }
    }
    if let Some((line, first)) = preamble.first() {
        diags.push(Diagnostic::warning(
            path,
            *line,
            format!(
                "{} line(s) before the first session belong to no session: ignored (`{}`)",
                preamble.len(),
                clip(first)
            ),
        ));
    }
    if records.is_empty() {
        diags.push(Diagnostic::error(
            path,
            0,
            "no sessions found: a flattened schedule lists each session as a time line, a length such as `30min`, the title, speakers, abstract and room",
        ));
    }

    // Rooms seen under the strict rule, to recognise a room line that is not set off by a blank line.
    let mut known_rooms: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        if let Some((_, room)) = separated_room(&paragraphs(&r.content)) {
            *known_rooms.entry(room.trim().to_string()).or_default() += 1;
        }
    }
    let recurring_rooms = known_rooms.values().any(|&n| n >= 2);

    // Event facts come only from the command line: the page states none of them.
    let name = choose("name", None, options.name.as_ref(), path, 0, &mut diags);
    if name.is_none() {
        diags.push(Diagnostic::error(
            path,
            0,
            "the document does not name the event: pass --name",
        ));
    }
    let location = choose(
        "location",
        None,
        options.location.as_ref(),
        path,
        0,
        &mut diags,
    );
    // A `--date` that differs from the page's first day moves every day by the same amount.
    let days = ProgramDays::new(doc_days.first().copied(), options, path, &mut diags);
    let zone = event_zone(options.timezone.as_ref(), path, &mut diags);

    let mut sessions = Vec::new();
    let mut days_used: Vec<Date> = Vec::new();
    let mut unplaced_reported = false;
    let mut previous: Option<(Option<Date>, Time)> = None;
    for r in &records {
        let paras = paragraphs(&r.content);
        let Some(first) = paras.first() else {
            diags.push(Diagnostic::error(
                path,
                r.time_line,
                "a time with no session after it: a record with no title (not imported)",
            ));
            continue;
        };
        let mut page = SessionPage::default();
        page.front.title = first[0].1.trim().to_string();

        // The room is the record's last line.
        let mut body_paras: Vec<Vec<(usize, String)>> = paras.clone();
        let mut room = None;
        if let Some((n, text)) = separated_room(&paras) {
            room = Some((*n, text.trim().to_string()));
            body_paras.pop();
        } else if let Some(last) = paras.last().and_then(|p| p.last())
            && !(paras.len() == 1 && paras[0].len() == 1)
            && known_rooms.contains_key(last.1.trim())
        {
            room = Some((last.0, last.1.trim().to_string()));
            if let Some(p) = body_paras.last_mut() {
                p.pop();
            }
        }
        match &room {
            Some((n, name)) => {
                if recurring_rooms && known_rooms.get(name).copied().unwrap_or(0) < 2 {
                    diags.push(Diagnostic::warning(
                        path,
                        *n,
                        format!("`{name}` is read as the room, but no other session is in it: check that it is a room"),
                    ));
                }
                page.front.room = Some(name.clone());
            }
            None => {
                let last = paras
                    .last()
                    .and_then(|p| p.last())
                    .map_or(r.time_line, |l| l.0);
                diags.push(Diagnostic::warning(
                    path,
                    last,
                    format!(
                        "`{}` has no room line at its end: imported without a room",
                        clip(&page.front.title)
                    ),
                ));
            }
        }

        // The line right under the title lists the speakers.
        let mut head = body_paras.first().cloned().unwrap_or_default();
        if !head.is_empty() {
            head.remove(0);
        }
        if let Some((n, line)) = head.first().cloned() {
            if speakers_like(&line) {
                page.front.speakers = speaker_names(&line)
                    .into_iter()
                    .map(SpeakerEntry::Name)
                    .collect();
                head.remove(0);
            } else {
                diags.push(Diagnostic::warning(
                    path,
                    n,
                    "the line under the title does not read as speaker names: taken as the start of the abstract",
                ));
            }
        }
        let mut abstract_paras: Vec<Vec<(usize, String)>> = Vec::new();
        if !head.is_empty() {
            abstract_paras.push(head);
        }
        abstract_paras.extend(body_paras.into_iter().skip(1).filter(|p| !p.is_empty()));
        page.body = abstract_paras
            .iter()
            .map(|p| {
                p.iter()
                    .map(|(_, l)| l.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect::<Vec<_>>()
            .join("\n\n");

        // Time: the session's own time on its day, in the zone from the command line.
        let day = days.place(r.day);
        if let Some(t) = r.time {
            if let Some((prev_day, prev)) = previous
                && prev_day == r.day
                && t < prev
            {
                diags.push(Diagnostic::warning(
                    path,
                    r.time_line,
                    format!(
                        "{} is earlier than the session before it ({prev}): kept on the same day",
                        lines[r.time_line - 1].trim()
                    ),
                ));
            }
            previous = Some((r.day, t));
        }
        if r.length.is_none() {
            diags.push(Diagnostic::warning(
                path,
                r.time_line,
                "no length (such as `30min`) after the time: the session has no end",
            ));
        }
        match (r.time, day, &zone) {
            (Some(t), Some(d), Some(zone)) => {
                match time::local_in_zone(d.to_datetime(t), &zone.tz, &zone.name) {
                    Ok(start) => {
                        days_used.push(start.date());
                        page.front.start = Some(time::rfc3339(&start));
                        if let Some(len) = r.length {
                            page.front.end = start.checked_add(len).ok().map(|e| time::rfc3339(&e));
                        }
                    }
                    Err(msg) => diags.push(Diagnostic::error(path, r.time_line, msg)),
                }
            }
            (Some(_), _, _) => {
                if !unplaced_reported {
                    unplaced_reported = true;
                    let missing = match (day.is_none(), zone.is_none()) {
                        (true, true) => {
                            "no date and no time zone: pass --date YYYY-MM-DD and --timezone Area/City"
                        }
                        (true, false) => "no date: pass --date YYYY-MM-DD",
                        _ => "no time zone: pass --timezone Area/City",
                    };
                    diags.push(Diagnostic::error(
                        path,
                        r.time_line,
                        format!("the document gives times of day but {missing}; the times are not guessed, so sessions keep only their length"),
                    ));
                }
                page.front.duration = r.length.map(time::format_duration);
            }
            (None, _, _) => page.front.duration = r.length.map(time::format_duration),
        }
        sessions.push(page);
    }

    TimedEvent {
        name,
        zone: zone.as_ref(),
        location,
        days: &days,
        days_used,
    }
    .imported(sessions, diags, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shapes() {
        for clock in ["09:30", "9:30am", "9:30 PM", "9am", "13:75pm", "9:30 a.m."] {
            assert!(is_clock_shaped(clock), "{clock}");
        }
        for not in ["930", "09:30 Keynote", "2022", "Main Room", "am", ":30"] {
            assert!(!is_clock_shaped(not), "{not}");
        }
        assert_eq!(length_of("30min"), Some(SignedDuration::from_mins(30)));
        assert_eq!(length_of("1h 30min"), Some(SignedDuration::from_mins(90)));
        for not in ["5G networks", "2022", "30", "0min", "E2E Testing"] {
            assert_eq!(length_of(not), None, "{not}");
        }
    }

    #[test]
    fn speaker_lines() {
        assert_eq!(
            speaker_names("Guille Vigil, Lukas Gómez, Javier París"),
            ["Guille Vigil", "Lukas Gómez", "Javier París"]
        );
        assert_eq!(speaker_names("Ana Lima & Bo Chen"), ["Ana Lima", "Bo Chen"]);
        assert!(speakers_like("Tracy P Holmes"));
        assert!(!speakers_like("Alle Teilnehmenden sind eingeladen."));
        assert!(!speakers_like(
            "This talk explores how the many tools we use every day fit together, step by step"
        ));
    }

    fn flags() -> ImportOptions {
        ImportOptions {
            name: Some("N".into()),
            date: Some("2025-06-02".into()),
            timezone: Some("Europe/Prague".into()),
            location: None,
        }
    }

    #[test]
    fn slot_lines_and_session_times() {
        let text = "10:00\n10:15\n30min\nLate Start\nAna Lima\n\nHall\n09:00\n30min\nBack In Time\nBo Chen\n\nHall\n";
        let imported = parse(text, Path::new("x.txt"), &flags());
        let starts: Vec<_> = imported
            .sessions
            .iter()
            .map(|s| s.front.start.clone().unwrap())
            .collect();
        assert_eq!(
            starts,
            ["2025-06-02T10:15:00+02:00", "2025-06-02T09:00:00+02:00"]
        );
        let lines: Vec<usize> = imported.diagnostics.iter().map(|d| d.line).collect();
        // The slot line that differs, then the time that goes backwards.
        assert_eq!(lines, [1, 8], "{:?}", imported.diagnostics);
    }

    #[test]
    fn a_known_room_is_found_without_a_blank_line() {
        let text = "09:00\n30min\nTalk\nAna Lima\n\nAbstract.\n\nHall\n09:30\n30min\nLunch\nHall\n";
        let imported = parse(text, Path::new("x.txt"), &flags());
        assert_eq!(imported.sessions[1].front.room.as_deref(), Some("Hall"));
        assert!(imported.sessions[1].front.speakers.is_empty());
        assert!(
            imported.diagnostics.is_empty(),
            "{:?}",
            imported.diagnostics
        );
    }
}
