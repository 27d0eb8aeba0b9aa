//! Import stage, format `talk-list` (seed 000): a plain-text list of talk
//! titles, each followed by one or more description paragraphs, with no
//! times, speakers or rooms. Input: the document's text. Output: an
//! [`Imported`] with one unscheduled session page per title.
//!
//! Nothing marks a title: a title is a line that reads like one (short, no
//! closing full stop, one sentence at most) *and* keeps the list in
//! alphabetical order. Of the lines that read like titles, the parser keeps
//! the largest set that is in order; the others are description text, and
//! each one that could have been a title is reported.

use std::path::Path;

use serde_json::json;

use super::text::{
    DocumentEvent, Line, event_front, kind_prefix, lines, plain_paragraphs, split_people,
    unreadable, without_sessions,
};
use super::{ImportOptions, Imported};
use crate::content::pages::{EventPage, OneOrMany, SessionFront, SessionPage};
use crate::diagnostic::Diagnostic;
use crate::{slugs, time};

pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let lines = lines(text);
    if let Some(problem) = unreadable(text, &lines, path, "talk titles") {
        diags.push(problem);
        return without_sessions(path, options, diags);
    }

    // Only non-blank lines can be titles; `filled` indexes into `lines`.
    let filled: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].text.trim().is_empty())
        .collect();
    let shapes: Vec<Shape> = filled
        .iter()
        .map(|&i| shape(lines[i].text.trim()))
        .collect();
    let followed_by_field = |k: usize| matches!(shapes.get(k + 1), Some(Shape::Field(..)));
    // A short line right above `Duration:`-style lines may be their heading ("Session Details").
    let heading_like: Vec<bool> = (0..filled.len())
        .map(|k| {
            !matches!(shapes[k], Shape::Field(..))
                && followed_by_field(k)
                && is_short_label(lines[filled[k]].text.trim())
        })
        .collect();

    let candidates: Vec<usize> = (0..filled.len())
        .filter(|&k| matches!(shapes[k], Shape::Title { .. }))
        .filter(|&k| !(heading_like[k] && ends_with_label_word(lines[filled[k]].text.trim())))
        .collect();
    let keyed: Vec<(String, u64)> = candidates
        .iter()
        .map(|&k| {
            let shape_score = match shapes[k] {
                Shape::Title { score } => score,
                _ => 0,
            };
            // On a tie in order, prefer lines placed like titles: after a
            // blank line, and followed by a description rather than another title.
            let after_blank = filled[k] == 0 || lines[filled[k] - 1].text.trim().is_empty();
            let has_description = shapes
                .get(k + 1)
                .is_some_and(|s| !matches!(s, Shape::Title { .. }));
            let score = shape_score
                + if after_blank { 200 } else { 0 }
                + if has_description { 300 } else { 0 };
            (order_key(lines[filled[k]].text), score)
        })
        .collect();
    let titles: Vec<usize> = heaviest_ordered(&keyed)
        .into_iter()
        .map(|c| candidates[c])
        .collect();
    if titles.is_empty() {
        diags.push(Diagnostic::error(
            path,
            lines[filled[0]].no,
            "no talk titles found: expected short title lines, each followed by its description",
        ));
        return without_sessions(path, options, diags);
    }
    let is_title = |k: usize| titles.binary_search(&k).is_ok();
    let is_heading = |k: usize| heading_like[k] && !is_title(k);

    // Report lines that could have been titles but were read as description.
    for (k, shape) in shapes.iter().enumerate() {
        if is_title(k) || is_heading(k) {
            continue;
        }
        let at = titles.partition_point(|&t| t < k);
        let owner = at.checked_sub(1).map(|i| titles[i]);
        let next = titles.get(at).copied();
        let line = &lines[filled[k]];
        let owner_text = owner.map(|t| lines[filled[t]].text.trim());
        let fits = |key: &str| {
            owner.is_none_or(|t| order_key(lines[filled[t]].text).as_str() <= key)
                && next.is_none_or(|t| key <= order_key(lines[filled[t]].text).as_str())
        };
        let message = match (shape, owner_text) {
            (_, None) => continue,
            (Shape::Title { .. }, Some(owner)) => format!(
                "`{}` reads like a title but breaks the alphabetical order of the list: kept as description of `{owner}`",
                line.text.trim()
            ),
            (Shape::Doubtful, Some(owner)) if fits(&order_key(line.text)) => format!(
                "`{}` would fit the alphabetical order as a title but reads as prose (more than one sentence): kept as description of `{owner}`",
                line.text.trim()
            ),
            _ => continue,
        };
        diags.push(Diagnostic::warning(path, line.no, message));
    }

    // Text above the first title belongs to no talk: it describes the list.
    let first_title_line = filled[titles[0]];
    let preamble: Vec<Line> = lines[..first_title_line].to_vec();
    let event_body = plain_paragraphs(&preamble, path, &mut diags);
    if !event_body.is_empty() {
        let first = preamble
            .iter()
            .find(|l| !l.text.trim().is_empty())
            .map_or(1, |l| l.no);
        diags.push(Diagnostic::warning(
            path,
            first,
            "text above the first title belongs to no talk: kept as the event description",
        ));
    }

    let mut sessions = Vec::new();
    for (n, &t) in titles.iter().enumerate() {
        let start = filled[t] + 1;
        let end = titles.get(n + 1).map_or(lines.len(), |&next| filled[next]);
        let record = Record {
            title: &lines[filled[t]],
            body: &lines[start..end],
            shapes: &shapes,
            filled: &filled,
            is_heading: &is_heading,
        };
        sessions.push(session(record, path, &mut diags));
    }

    // The document states nothing about its event: only the flags do.
    let front = event_front(path, options, DocumentEvent::default(), &mut diags);
    // In document order, whichever step found them.
    diags.sort_by_key(|d| d.line);
    Imported {
        event: EventPage {
            front,
            body: event_body,
        },
        sessions,
        speakers: Vec::new(),
        diagnostics: diags,
    }
}

/// One title line and the lines under it, up to the next title.
struct Record<'a, 'l> {
    title: &'a Line<'l>,
    body: &'a [Line<'l>],
    shapes: &'a [Shape],
    /// Indexes into the document's lines of the non-blank ones (what `shapes` describes).
    filled: &'a [usize],
    is_heading: &'a dyn Fn(usize) -> bool,
}

fn session(record: Record<'_, '_>, path: &Path, diags: &mut Vec<Diagnostic>) -> SessionPage {
    let raw_title = record.title.text.trim();
    let (kind, title) = kind_prefix(raw_title);
    let mut front = SessionFront {
        title,
        kind: kind.map(str::to_string),
        ..SessionFront::default()
    };
    let mut extra = serde_json::Map::new();
    let mut prose: Vec<Line> = Vec::new();
    let mut seen: Vec<Field> = Vec::new();
    for line in record.body {
        let Ok(k) = record.filled.binary_search(&(line.no - 1)) else {
            prose.push(*line); // a blank line
            continue;
        };
        if (record.is_heading)(k) {
            diags.push(Diagnostic::warning(
                path,
                line.no,
                format!(
                    "`{}` heads the structured lines below it, which become fields of `{raw_title}`: heading dropped",
                    line.text.trim()
                ),
            ));
            continue;
        }
        let Shape::Field(field, value) = &record.shapes[k] else {
            prose.push(*line);
            continue;
        };
        if seen.contains(field) {
            diags.push(Diagnostic::warning(
                path,
                line.no,
                format!(
                    "`{raw_title}` states its {} twice: the second is kept in the description",
                    field.name()
                ),
            ));
            prose.push(*line);
            continue;
        }
        if apply_field(*field, value, &mut front, &mut extra, path, line.no, diags) {
            seen.push(*field);
        } else {
            prose.push(*line);
        }
    }
    // `body` stays unset: a talk list's descriptions are abstracts, the default.
    if !extra.is_empty() {
        front.extra = Some(serde_json::Value::Object(extra));
    }
    let body = plain_paragraphs(&prose, path, diags);
    if body.is_empty() {
        diags.push(Diagnostic::warning(
            path,
            record.title.no,
            format!("`{raw_title}` has no description"),
        ));
    }
    SessionPage { front, body }
}

/// Sets the session field a `Key: value` line names; false when the value cannot be used.
fn apply_field(
    field: Field,
    value: &str,
    front: &mut SessionFront,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    path: &Path,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    match field {
        Field::Duration => match duration_phrase(value) {
            Some((minutes, rest)) => {
                front.duration = Some(time::format_duration(jiff::SignedDuration::from_mins(
                    minutes,
                )));
                if !rest.is_empty() {
                    // The remark ("or trim to 90 minutes") has no field of its own: keep it verbatim.
                    extra.insert("duration_text".to_string(), json!(value));
                    diags.push(Diagnostic::warning(
                        path,
                        line,
                        format!(
                            "duration `{value}`: using {minutes} minutes; the full text is kept as extra.duration_text"
                        ),
                    ));
                }
                true
            }
            None => {
                diags.push(Diagnostic::warning(
                    path,
                    line,
                    format!("duration `{value}` is not a length of time: kept in the description"),
                ));
                false
            }
        },
        Field::Level => {
            front.level = Some(value.to_string());
            true
        }
        Field::Prerequisites => {
            front.prerequisites = Some(value.to_string());
            true
        }
        Field::Language => {
            front.language = Some(value.to_string());
            true
        }
        Field::Track => {
            front.track = Some(OneOrMany::One(value.to_string()));
            true
        }
        Field::Tags => {
            front.tags = value
                .split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            !front.tags.is_empty()
        }
        Field::Speakers => {
            front.speakers = split_people(value);
            !front.speakers.is_empty()
        }
    }
}

/// A `Key: value` line inside a description that the model has a field for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Duration,
    Level,
    Prerequisites,
    Language,
    Track,
    Tags,
    Speakers,
}

impl Field {
    fn from_key(key: &str) -> Option<Field> {
        let key = key
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        Some(match key.as_str() {
            "duration" | "length" => Field::Duration,
            "level" | "audience level" | "experience level" | "skill level" | "difficulty" => {
                Field::Level
            }
            "prerequisites" | "prerequisite" | "pre-requisites" | "requirements" => {
                Field::Prerequisites
            }
            "language" => Field::Language,
            "track" => Field::Track,
            "tags" | "keywords" => Field::Tags,
            "speaker" | "speakers" | "presenter" | "presenters" => Field::Speakers,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Field::Duration => "duration",
            Field::Level => "level",
            Field::Prerequisites => "prerequisites",
            Field::Language => "language",
            Field::Track => "track",
            Field::Tags => "tags",
            Field::Speakers => "speakers",
        }
    }
}

/// How a non-blank line reads.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// Could be a title; `score` prefers short lines when the order allows either.
    Title { score: u64 },
    /// Short and unpunctuated, but holds more than one sentence.
    Doubtful,
    /// Clearly description text.
    Prose,
    /// `Duration: 90 minutes` and the like.
    Field(Field, String),
}

const MAX_TITLE_CHARS: usize = 160;
const MAX_TITLE_WORDS: usize = 25;

fn shape(text: &str) -> Shape {
    if let Some((key, value)) = text.split_once(':')
        && let Some(field) = Field::from_key(key)
        && !value.trim().is_empty()
    {
        return Shape::Field(field, value.trim().to_string());
    }
    if is_bullet(text) {
        return Shape::Prose;
    }
    // A wrapped continuation or a sentence fragment, unless the word is a brand like `eBPF`.
    let first_word = text.split_whitespace().next().unwrap_or_default();
    if first_word.chars().next().is_some_and(char::is_lowercase)
        && !first_word.chars().any(char::is_uppercase)
    {
        return Shape::Prose;
    }
    let end = text.trim_end_matches(['"', '”', '’', '\'', ')', ']', '»', '*', '_', ' ']);
    if end.ends_with(['.', ',', ';', ':', '…']) || end.is_empty() {
        return Shape::Prose;
    }
    let chars = text.chars().count();
    if chars > MAX_TITLE_CHARS || text.split_whitespace().count() > MAX_TITLE_WORDS {
        return Shape::Prose;
    }
    let (full_stops, all) = sentence_breaks(text);
    // "When is the fix available? A 5-Minute Guide" is a title; "It broke. Then…" is not.
    if full_stops > 0 || all > 1 {
        return Shape::Doubtful;
    }
    Shape::Title {
        score: (MAX_TITLE_CHARS - chars) as u64,
    }
}

fn is_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('-' | '*' | '•' | '+' | '–' | '·') => {
            chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
            (rest.starts_with(". ") || rest.starts_with(") ")) && text.len() - rest.len() <= 3
        }
        _ => false,
    }
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "vs", "dr", "mr", "mrs", "ms", "st", "jr", "sr", "no", "vol", "inc", "ltd", "co", "etc", "ca",
    "approx", "feat", "ft", "e.g", "i.e", "prof",
];

/// (sentence breaks after `.` or `…`, all sentence breaks) inside `text`.
fn sentence_breaks(text: &str) -> (usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let (mut stops, mut all) = (0, 0);
    for i in 0..chars.len() {
        let c = chars[i];
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j], '"' | '”' | '’' | '\'' | ')' | '»') {
            j += 1;
        }
        if j >= chars.len() || !chars[j].is_whitespace() {
            continue;
        }
        let Some(&next) = chars[j..].iter().find(|c| !c.is_whitespace()) else {
            continue;
        };
        if !(next.is_uppercase() || next.is_ascii_digit() || matches!(next, '"' | '“' | '‘' | '\''))
        {
            continue;
        }
        if c == '.' {
            let word: String = chars[..i]
                .iter()
                .rev()
                .take_while(|c| !c.is_whitespace())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_lowercase();
            let word = word.trim_start_matches(['(', '"', '“']);
            let ellipsis = i > 0 && chars[i - 1] == '.';
            if !ellipsis && (word.chars().count() <= 1 || ABBREVIATIONS.contains(&word)) {
                continue;
            }
        }
        all += 1;
        if matches!(c, '.' | '…') {
            stops += 1;
        }
    }
    (stops, all)
}

fn is_short_label(text: &str) -> bool {
    let t = text.trim_end_matches(':');
    !t.is_empty()
        && t.chars().count() <= 40
        && t.split_whitespace().count() <= 5
        && !t.ends_with(['.', '!', '?', ','])
}

/// Words that make a short line a label ("Session Details") rather than a title.
fn ends_with_label_word(text: &str) -> bool {
    let last = text
        .trim_end_matches(':')
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_lowercase();
    matches!(
        last.as_str(),
        "details" | "info" | "information" | "logistics" | "metadata" | "facts"
    )
}

/// The part of a line the alphabetical order is checked on: its first word,
/// transliterated and lowercased. Sorters differ on punctuation, accents and
/// numbers beyond that, so the parser asks no more of the order than this;
/// a leading number sorts first, as in every common collation.
fn order_key(text: &str) -> String {
    let slug = slugs::slugify(text);
    let first = slug.split('-').next().unwrap_or_default();
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        String::new()
    } else {
        first.to_string()
    }
}

/// Indexes of the subsequence of `items` whose keys never decrease and that
/// holds the most items, breaking ties by the highest total score. A Fenwick
/// tree over key ranks keeps this O(n log n) on long documents.
fn heaviest_ordered(items: &[(String, u64)]) -> Vec<usize> {
    let mut ranks: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
    ranks.sort_unstable();
    ranks.dedup();
    type Best = Option<((usize, u64), usize)>;
    let mut tree: Vec<Best> = vec![None; ranks.len() + 1];
    let mut value = vec![(0usize, 0u64); items.len()];
    let mut previous: Vec<Option<usize>> = vec![None; items.len()];
    for (i, (key, score)) in items.iter().enumerate() {
        let rank = ranks.partition_point(|r| *r < key.as_str()) + 1;
        let mut best: Best = None;
        let mut r = rank;
        while r > 0 {
            if tree[r].is_some_and(|t| best.is_none_or(|b| t.0 > b.0)) {
                best = tree[r];
            }
            r -= r & r.wrapping_neg();
        }
        let (count, total) = best.map_or((0, 0), |b| b.0);
        value[i] = (count + 1, total + score);
        previous[i] = best.map(|b| b.1);
        let mut r = rank;
        while r < tree.len() {
            if tree[r].is_none_or(|t| value[i] > t.0) {
                tree[r] = Some((value[i], i));
            }
            r += r & r.wrapping_neg();
        }
    }
    let mut end = (0..items.len()).fold(None, |best: Option<usize>, i| match best {
        Some(b) if value[b] >= value[i] => Some(b),
        _ => Some(i),
    });
    let mut chosen = Vec::new();
    while let Some(i) = end {
        chosen.push(i);
        end = previous[i];
    }
    chosen.reverse();
    chosen
}

/// Reads `120 minutes (or trim …)`, `1.5 hours`, `1 hour 30 min`, `90'`:
/// the length in minutes and whatever text follows it.
fn duration_phrase(value: &str) -> Option<(i64, String)> {
    if let Ok(d) = time::parse_duration(value) {
        return (d.as_mins() > 0).then(|| (d.as_mins(), String::new()));
    }
    let mut rest = value.trim();
    let mut minutes = 0f64;
    let mut matched = false;
    loop {
        let digits = rest
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ',')
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        if digits == 0 {
            break;
        }
        let Ok(number) = rest[..digits].replace(',', ".").parse::<f64>() else {
            break;
        };
        let after = rest[digits..].trim_start();
        let unit_len = after
            .char_indices()
            .take_while(|(_, c)| c.is_alphabetic() || *c == '\'' || *c == '’')
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let factor = match after[..unit_len].to_lowercase().as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            "m" | "min" | "mins" | "minute" | "minutes" | "'" | "’" => 1.0,
            _ => break,
        };
        minutes += number * factor;
        matched = true;
        rest = after[unit_len..].trim_start();
        rest = rest.strip_prefix("and ").unwrap_or(rest).trim_start();
    }
    let total = minutes.round();
    if !matched || !(1.0..=100_000.0).contains(&total) {
        return None;
    }
    let rest = rest
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
        .to_string();
    Some((total as i64, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(text: &str) -> Vec<String> {
        parse(text, Path::new("t.txt"), &ImportOptions::default())
            .sessions
            .into_iter()
            .map(|s| s.front.title)
            .collect()
    }

    #[test]
    fn order_rejects_a_title_shaped_description_line() {
        let text = "Apples and Pears\nAn abstract about fruit.\nBananas Are Great\nThey are.\nGreat ideas come late!\nCherries\nRed.\n";
        // "Great ideas come late!" reads like a title, but G < B breaks the order.
        assert_eq!(
            titles(text),
            ["Apples and Pears", "Bananas Are Great", "Cherries"]
        );
        let imported = parse(text, Path::new("t.txt"), &ImportOptions::default());
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.line == 5 && d.message.contains("alphabetical")),
            "{:?}",
            imported.diagnostics
        );
        assert_eq!(
            imported.sessions[1].body,
            "They are.\n\nGreat ideas come late!"
        );
    }

    #[test]
    fn shapes() {
        assert!(matches!(
            shape("When is the fix available? A 5-Minute Guide"),
            Shape::Title { .. }
        ));
        assert_eq!(shape("It broke. Then we fixed it"), Shape::Doubtful);
        assert_eq!(shape("Scanners... What IF they lie?"), Shape::Doubtful);
        assert!(matches!(
            shape("Rust vs. Go for Services"),
            Shape::Title { .. }
        ));
        assert_eq!(shape("This ends with a full stop."), Shape::Prose);
        assert_eq!(shape("continued from the line above"), Shape::Prose);
        assert!(matches!(shape("eBPF for Everyone"), Shape::Title { .. }));
        assert_eq!(shape("- a bullet"), Shape::Prose);
        assert_eq!(
            shape("Audience Level: Advanced"),
            Shape::Field(Field::Level, "Advanced".into())
        );
        assert!(matches!(shape("Workshop: Intro"), Shape::Title { .. }));
    }

    #[test]
    fn order_key_is_the_first_word() {
        assert_eq!(order_key("Zero-downtime migration"), "zero");
        assert_eq!(order_key("Zero Trust"), "zero");
        assert_eq!(order_key("You'd better"), "you");
        assert_eq!(order_key("Ökonomie"), "okonomie");
        assert_eq!(order_key("10 Years of X"), "");
    }

    #[test]
    fn heaviest_ordered_prefers_more_then_higher_score() {
        let items: Vec<(String, u64)> = [("a", 1), ("c", 1), ("b", 5), ("d", 1)]
            .iter()
            .map(|(k, s)| (k.to_string(), *s))
            .collect();
        assert_eq!(heaviest_ordered(&items), [0, 2, 3]);
        assert!(heaviest_ordered(&[]).is_empty());
    }

    #[test]
    fn durations() {
        assert_eq!(
            duration_phrase("120 minutes (or trim to 90 minutes for core modules 1-4)"),
            Some((120, "or trim to 90 minutes for core modules 1-4".into()))
        );
        assert_eq!(duration_phrase("1.5 hours"), Some((90, String::new())));
        assert_eq!(
            duration_phrase("1 hour and 15 min"),
            Some((75, String::new()))
        );
        assert_eq!(duration_phrase("45'"), Some((45, String::new())));
        assert_eq!(duration_phrase("about an hour"), None);
        assert_eq!(duration_phrase("99999999999999999999 hours"), None);
    }

    #[test]
    fn structured_lines_become_fields() {
        let text = "Observability Lab\nLearn things.\nSession Details\nDuration: 90 min\nAudience Level: Beginner\nPrerequisites: a laptop\nSpeakers: Ana Núñez (Acme) and Bo\n";
        let imported = parse(text, Path::new("t.txt"), &ImportOptions::default());
        let s = &imported.sessions[0].front;
        assert_eq!(s.duration.as_deref(), Some("1h30m"));
        assert_eq!(s.level.as_deref(), Some("Beginner"));
        assert_eq!(s.prerequisites.as_deref(), Some("a laptop"));
        assert_eq!(s.speakers.len(), 2);
        assert_eq!(imported.sessions[0].body, "Learn things.");
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.line == 3 && d.message.contains("heading dropped"))
        );
    }

    #[test]
    fn empty_and_binary_documents_are_errors() {
        for text in ["", "\n\n  \n", "\0\u{1}\u{2}garbage\u{3}"] {
            let imported = parse(text, Path::new("t.txt"), &ImportOptions::default());
            assert!(imported.sessions.is_empty());
            let d = imported
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .expect("an error");
            assert!(d.line >= 1, "{d}");
        }
    }
}
