//! Import stage, format `blog-notes` (seed 001): an attendee's blog post that
//! links the session pages of a schedule site, each link followed by the
//! author's notes on that session. Input: the post's text. Output: an
//! [`Imported`] with one unscheduled session page per link, in post order.
//!
//! A session starts at a line that is only a link (bare, `<url>`,
//! `[text](url)`, or a bullet holding one) to the schedule site the post
//! links most. Its title is the link's text, or else is rebuilt from the
//! URL's slug; its body is the notes, marked `body: notes` (they are the
//! author's, not the session's abstract). The text above the first link is
//! the author's introduction: it goes to the event description, quoted and
//! attributed. The event's name, place and month are what the post states;
//! nothing else (no dates, times or rooms) is made up.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use super::text::{
    DocumentEvent, Line, MONTHS, PostLink, event_front, kind_prefix, lines, link_line,
    plain_paragraphs, unreadable, without_sessions,
};
use super::{ImportOptions, Imported};
use crate::content::pages::{EventPage, LinkEntry, SessionFront, SessionPage};
use crate::diagnostic::Diagnostic;
use crate::slugs;

pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let lines = lines(text);
    if let Some(problem) = unreadable(text, &lines, path, "session links") {
        diags.push(problem);
        return without_sessions(path, options, diags);
    }

    let links: Vec<(usize, PostLink)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| link_line(l.text).map(|link| (i, link)))
        .collect();
    let Some(site) = main_host(&links) else {
        diags.push(Diagnostic::error(
            path,
            1,
            "no session links found: expected lines holding only a link to a session page",
        ));
        return without_sessions(path, options, diags);
    };
    let starts: Vec<(usize, &PostLink)> = links
        .iter()
        .filter(|(_, l)| l.host == site)
        .map(|(i, l)| (*i, l))
        .collect();
    for (i, link) in &links {
        if link.host != site && *i > starts[0].0 {
            diags.push(Diagnostic::warning(
                path,
                lines[*i].no,
                format!(
                    "`{}` links another site than the session pages ({site}): kept in the notes above it",
                    link.url
                ),
            ));
        }
    }

    let prose: Vec<Line> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| starts.binary_search_by_key(i, |(s, _)| *s).is_err())
        .map(|(_, l)| *l)
        .collect();
    let vocabulary = Vocabulary::from_lines(&prose);

    let mut sessions = Vec::new();
    for (n, (start, link)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(lines.len(), |(next, _)| *next);
        let line_no = lines[*start].no;
        let title = match &link.label {
            Some(label) => label.clone(),
            None => match slug_words(&link.url) {
                Some(words) => {
                    let title = vocabulary.title(&words);
                    diags.push(Diagnostic::warning(
                        path,
                        line_no,
                        format!(
                            "title `{title}` is rebuilt from the link's URL: its capitals and punctuation are a guess"
                        ),
                    ));
                    title
                }
                None => {
                    diags.push(Diagnostic::error(
                        path,
                        line_no,
                        format!(
                            "cannot read a session title from `{}`: its URL has no readable name (write the link as `[Title]({})`)",
                            link.url, link.url
                        ),
                    ));
                    continue;
                }
            },
        };
        let (kind, title) = kind_prefix(&title);
        let notes = plain_paragraphs(&lines[start + 1..end], path, &mut diags);
        sessions.push(SessionPage {
            front: SessionFront {
                title,
                kind: kind.map(str::to_string),
                links: vec![LinkEntry {
                    kind: "source".to_string(),
                    url: link.url.clone(),
                    title: None,
                }],
                body: Some("notes".to_string()),
                ..SessionFront::default()
            },
            body: notes,
        });
    }

    let intro = &lines[..starts[0].0];
    let mut statements = find_event(&links, prose.iter().copied(), &site, path, &mut diags);
    if statements.event.name.is_none() {
        diags.push(Diagnostic::warning(
            path,
            1,
            "the post does not say which event it is about: give the name with --name",
        ));
    }
    let month = statements.month.take();
    if let (Some((month, line)), Some(flag)) = (&month, &options.date)
        && !flag.starts_with(month.as_str())
    {
        diags.push(Diagnostic::warning(
            path,
            *line,
            format!(
                "the post dates the event to {month}, the command line to {flag}: using {flag}"
            ),
        ));
    }
    let mut front = event_front(path, options, statements.event, &mut diags);
    if let Some((month, _)) = month {
        // The post names a month, not a day: keep it without inventing dates.
        front.extra = Some(json!({ "month": month }));
    }
    let intro_text = plain_paragraphs(intro, path, &mut diags);
    let body = if intro_text.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = intro_text
            .lines()
            .map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect();
        format!(
            "The sessions of this event come from an attendee's blog post. The author's introduction, as written:\n\n{}",
            quoted.join("\n")
        )
    };

    // In document order, whichever step found them.
    diags.sort_by_key(|d| d.line);
    Imported {
        event: EventPage { front, body },
        sessions,
        speakers: Vec::new(),
        diagnostics: diags,
    }
}

/// The site the post links most often (the first one on a tie): its session pages.
fn main_host(links: &[(usize, PostLink)]) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (_, link) in links {
        match counts.iter_mut().find(|(h, _)| *h == link.host) {
            Some(entry) => entry.1 += 1,
            None => counts.push((&link.host, 1)),
        }
    }
    let best = counts.iter().map(|(_, c)| *c).max()?;
    counts
        .iter()
        .find(|(_, c)| *c == best)
        .map(|(h, _)| h.to_string())
}

fn path_segments(url: &str) -> Vec<String> {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    rest.split('/')
        .skip(1)
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

/// Path words that name a kind of page, not a session.
const GENERIC_SEGMENTS: &[&str] = &[
    "event",
    "events",
    "talk",
    "talks",
    "session",
    "sessions",
    "schedule",
    "program",
    "programme",
    "speaker",
    "speakers",
    "agenda",
    "index",
    "watch",
    "video",
    "videos",
];

/// The words of the URL segment that names the session, e.g. `/event/1MYop/containers-in-a-car`
/// → `containers in a car`. Ids (`1MYop`) and generic segments are skipped.
fn slug_words(url: &str) -> Option<Vec<String>> {
    let segments = path_segments(url);
    segments.iter().rev().find_map(|segment| {
        let segment = segment
            .trim_end_matches(".html")
            .trim_end_matches(".htm")
            .trim_end_matches(".php");
        let words: Vec<String> = segment
            .split(['-', '_', '+', ' ', '.'])
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let has_letters = segment.chars().any(char::is_alphabetic);
        let single_word = words.len() == 1;
        let readable = if single_word {
            let w = &words[0];
            w.chars().count() >= 3
                && w.chars().all(|c| c.is_lowercase() || !c.is_alphabetic())
                && !w.chars().any(|c| c.is_ascii_digit())
                && !GENERIC_SEGMENTS.contains(&w.as_str())
        } else {
            has_letters && words.len() > 1
        };
        readable.then_some(words)
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How the post itself spells words with inner capitals (`OpenShift`, `OKD`),
/// so titles rebuilt from lowercase slugs can use the author's spelling.
#[derive(Debug, Default)]
struct Vocabulary {
    /// Lowercase word → (spelling, times seen, first seen) for each spelling.
    spellings: BTreeMap<String, Vec<(String, usize, usize)>>,
}

/// Words a title keeps lowercase unless they open or close it.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "and", "but", "or", "nor", "for", "of", "in", "on", "at", "to", "by", "as",
    "via", "vs", "with", "from", "into", "per",
];

/// Two-letter English words; other two-letter slug words are acronyms (`os`, `ai`).
const TWO_LETTER_WORDS: &[&str] = &[
    "am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "if", "in", "is", "it", "me", "my",
    "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us", "we", "vs",
];

impl Vocabulary {
    fn from_lines(lines: &[Line]) -> Vocabulary {
        let mut v = Vocabulary::default();
        let mut order = 0;
        for line in lines {
            for word in line.text.split(|c: char| !c.is_alphanumeric()) {
                let inner_capital = word.chars().skip(1).any(char::is_uppercase);
                if word.chars().count() < 2 || !inner_capital {
                    continue;
                }
                order += 1;
                let entry = v.spellings.entry(word.to_lowercase()).or_default();
                match entry.iter_mut().find(|(s, _, _)| s == word) {
                    Some(seen) => seen.1 += 1,
                    None => entry.push((word.to_string(), 1, order)),
                }
            }
        }
        v
    }

    /// The post's most frequent spelling of `word` (the first on a tie).
    fn spelling(&self, word: &str) -> Option<&str> {
        let all = self.spellings.get(word)?;
        all.iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
            .map(|(s, _, _)| s.as_str())
    }

    /// Title case for slug words: the post's spelling where it has one,
    /// acronyms for unknown two-letter words, small words lowercase inside.
    fn title(&self, words: &[String]) -> String {
        let last = words.len().saturating_sub(1);
        words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let lower = word.to_lowercase();
                if let Some(spelling) = self.spelling(&lower) {
                    return spelling.to_string();
                }
                if let Some(stem) = lower.strip_suffix('s').and_then(|s| self.spelling(s))
                    && stem.chars().all(|c| !c.is_lowercase())
                {
                    return format!("{stem}s");
                }
                let letters = lower.chars().count();
                if letters == 2
                    && lower.chars().all(char::is_alphabetic)
                    && !TWO_LETTER_WORDS.contains(&lower.as_str())
                {
                    return lower.to_uppercase();
                }
                if i != 0 && i != last && SMALL_WORDS.contains(&lower.as_str()) {
                    return lower;
                }
                let mut chars = lower.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What the post states about its event.
#[derive(Debug, Default)]
struct Statements {
    event: DocumentEvent,
    /// `YYYY-MM`.
    month: Option<(String, usize)>,
}

/// The event's name as the post spells it, the place it names next to that
/// name, and the month it dates the event to.
fn find_event<'a>(
    links: &[(usize, PostLink)],
    text: impl Iterator<Item = Line<'a>>,
    site: &str,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Statements {
    let text: Vec<Line> = text.collect();
    let mut statements = Statements::default();

    // The schedule site is usually named after the event: `devconfcz2023.sched.com`.
    let mut ids: Vec<String> = Vec::new();
    let labels: Vec<&str> = site.split('.').collect();
    if labels.len() > 2 {
        ids.push(labels[0].to_string());
    }
    if let Some((_, link)) = links.iter().find(|(_, l)| l.host == site)
        && let Some(first) = path_segments(&link.url).first()
    {
        ids.push(first.clone());
    }
    let ids: Vec<String> = ids
        .into_iter()
        .map(|id| slugs::slugify(&id).replace('-', ""))
        .filter(|id| id.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .filter(|id| !GENERIC_SEGMENTS.contains(&id.as_str()))
        .collect();

    let mut mentions: Vec<(String, usize)> = Vec::new(); // spelling, line
    let mut year_suffix = None;
    for id in &ids {
        let digits = id.chars().rev().take_while(char::is_ascii_digit).count();
        let (base, year) = id.split_at(id.len() - digits);
        let year =
            (digits == 4 && (year.starts_with("19") || year.starts_with("20"))).then_some(year);
        for (target, suffix) in [(id.as_str(), None), (base, year)] {
            if target.len() < 3 || !mentions.is_empty() {
                continue;
            }
            for line in &text {
                let tokens: Vec<&str> = line.text.split_whitespace().collect();
                for start in 0..tokens.len() {
                    for len in 1..=4.min(tokens.len() - start) {
                        let window = &tokens[start..start + len];
                        let has_word = |t: &&str| t.chars().any(char::is_alphanumeric);
                        if !(window.first().is_some_and(has_word)
                            && window.last().is_some_and(has_word))
                        {
                            continue;
                        }
                        // Transliterated, so `Zürich` in the text matches `zurich` in the host.
                        let joined = slugs::slugify(&window.join(" ")).replace('-', "");
                        if joined == target {
                            let spelling = window.join(" ");
                            let spelling = spelling
                                .trim_matches(|c: char| !c.is_alphanumeric())
                                .to_string();
                            mentions.push((spelling, line.no));
                        }
                    }
                }
            }
            if !mentions.is_empty() {
                year_suffix = suffix.map(str::to_string);
            }
        }
        if !mentions.is_empty() {
            break;
        }
    }

    if !mentions.is_empty() {
        // The most used spelling; on a tie the one with more capitals (the brand's own).
        let mut tally: Vec<(&str, usize, usize, usize)> = Vec::new(); // spelling, count, capitals, line
        for (spelling, line) in &mentions {
            match tally.iter_mut().find(|t| t.0 == spelling) {
                Some(t) => t.1 += 1,
                None => tally.push((
                    spelling,
                    1,
                    spelling.chars().filter(|c| c.is_uppercase()).count(),
                    *line,
                )),
            }
        }
        let best = tally
            .iter()
            .copied()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)).then(b.3.cmp(&a.3)));
        if let Some((spelling, _, _, line)) = best {
            if tally.len() > 1 {
                let others: Vec<String> = tally
                    .iter()
                    .filter(|t| t.0 != spelling)
                    .map(|t| format!("`{}`", t.0))
                    .collect();
                diags.push(Diagnostic::warning(
                    path,
                    line,
                    format!(
                        "the post spells the event `{spelling}` and {}: using `{spelling}`",
                        others.join(", ")
                    ),
                ));
            }
            let name = match &year_suffix {
                Some(year) if !spelling.ends_with(year.as_str()) => format!("{spelling} {year}"),
                _ => spelling.to_string(),
            };
            statements.event.name = Some((name, line));
        }
        statements.event.location = mentions.iter().find_map(|(spelling, line_no)| {
            let line = text.iter().find(|l| l.no == *line_no)?;
            place_near(line.text, spelling).map(|place| (place, *line_no))
        });
    }

    let mut months: Vec<(String, usize)> = Vec::new();
    for line in &text {
        for month in months_in(line.text) {
            if !months.iter().any(|(m, _)| *m == month) {
                months.push((month, line.no));
            }
        }
    }
    match months.len() {
        0 => {}
        1 => statements.month = months.pop(),
        _ => diags.push(Diagnostic::warning(
            path,
            months[1].1,
            format!(
                "the post names more than one month ({}): the event's month is left open",
                months
                    .iter()
                    .map(|(m, _)| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
    statements
}

/// `in Brno, Czech Republic` in the sentence of `line` that names the event.
fn place_near(line: &str, event: &str) -> Option<String> {
    let sentences =
        line.split_inclusive(['.', '!', '?'])
            .fold(Vec::<String>::new(), |mut acc, piece| {
                // "DevConf.cz" holds a full stop that ends no sentence: glue pieces not followed by a space.
                match acc.last_mut() {
                    Some(last) if !piece.starts_with(char::is_whitespace) => last.push_str(piece),
                    _ => acc.push(piece.to_string()),
                }
                acc
            });
    for sentence in sentences.iter().filter(|s| s.contains(event)) {
        let tokens: Vec<&str> = sentence.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            if *token != "in" {
                continue;
            }
            let mut place: Vec<&str> = Vec::new();
            for next in &tokens[i + 1..] {
                let word = next.trim_matches(|c: char| !c.is_alphanumeric());
                let capital = word.chars().next().is_some_and(char::is_uppercase);
                if !capital
                    || MONTHS.contains(&word.to_lowercase().as_str())
                    || event.contains(word)
                {
                    break;
                }
                place.push(next);
                if !next.ends_with(',') {
                    if next.ends_with(|c: char| !c.is_alphanumeric()) {
                        break;
                    }
                    continue;
                }
            }
            let text = place.join(" ");
            let text = text
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            if !text.is_empty() {
                return Some(text);
            }
        }
    }
    None
}

/// `June of 2023`, `June 2023`, `June, 2023` → `2023-06`.
fn months_in(line: &str) -> Vec<String> {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(month) = MONTHS.iter().position(|m| m == word) else {
            continue;
        };
        let mut j = i + 1;
        if words.get(j).is_some_and(|w| w == "of") {
            j += 1;
        }
        if let Some(year) = words.get(j)
            && year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && (year.starts_with("19") || year.starts_with("20"))
        {
            found.push(format!("{year}-{:02}", month + 1));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_words_skip_ids_and_generic_segments() {
        let words = |u: &str| slug_words(u).map(|w| w.join(" "));
        assert_eq!(
            words("https://a.sched.com/event/1MYop/hands-on-with-fedora-coreos").as_deref(),
            Some("hands on with fedora coreos")
        );
        assert_eq!(
            words("https://a.sched.com/event/1MYop/keynote/").as_deref(),
            Some("keynote")
        );
        assert_eq!(words("https://a.org/talk/1MYop"), None);
        assert_eq!(
            words("https://a.org/caf%C3%A9-cr%C3%A8me.html").as_deref(),
            Some("café crème")
        );
        assert_eq!(
            words("https://a.org/%FF%FE-x"),
            Some("\u{fffd}\u{fffd} x".to_string())
        );
    }

    #[test]
    fn titles_use_the_posts_spelling() {
        let lines = lines("We run OpenShift, OVN and OKD with a CNI on VM hosts. Openshift again.");
        let v = Vocabulary::from_lines(&lines);
        let t = |s: &str| v.title(&s.split('-').map(str::to_string).collect::<Vec<_>>());
        assert_eq!(
            t("ovn-kubernetes-the-new-default-cni-of-openshift"),
            "OVN Kubernetes the New Default CNI of OpenShift"
        );
        assert_eq!(
            t("meet-kairos-the-linux-meta-distribution-for-edge"),
            "Meet Kairos the Linux Meta Distribution for Edge"
        );
        assert_eq!(
            t("confidential-vms-in-the-cloud"),
            "Confidential VMs in the Cloud"
        );
        assert_eq!(t("how-we-build-okd"), "How We Build OKD");
        assert_eq!(t("ai-driven-application"), "AI Driven Application");
        assert_eq!(
            t("correlation-is-not-causation-or-is-it"),
            "Correlation Is Not Causation or Is It"
        );
    }

    #[test]
    fn event_statements() {
        assert_eq!(
            place_near(
                "This June of 2023, I spoke at DevConf.cz happening in Brno, Czech Republic. It was fun.",
                "DevConf.cz"
            ),
            Some("Brno, Czech Republic".to_string())
        );
        assert_eq!(
            place_near("I was at DevConf.cz in June.", "DevConf.cz"),
            None
        );
        assert_eq!(
            months_in("This June of 2023, and May, 2024; not June 23"),
            ["2023-06", "2024-05"]
        );
    }

    #[test]
    fn a_link_without_a_readable_slug_is_an_error_at_its_line() {
        let text = "Intro.\nhttps://a.org/talk/ABC123\nnotes\nhttps://a.org/talk/9/nice-talk\n";
        let imported = parse(text, Path::new("p.txt"), &ImportOptions::default());
        assert_eq!(imported.sessions.len(), 1);
        assert_eq!(imported.sessions[0].front.title, "Nice Talk");
        let err = imported.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(err.line, 2);
    }
}
