//! Import stage, format `video-summaries` (seed 003): Markdown summaries of
//! recorded talks. Input: the document's text. Output: an [`Imported`] with
//! one unscheduled session page per `## Title | Speakers` heading.
//!
//! Under each heading, a `URL:` line (also `Video:`, `Recording:`) gives the
//! recording, kept as a `video` link; everything else (bullet points and any
//! paragraphs after them) is the page body, as Markdown. The body is marked
//! `body: notes`: these are someone's summary of what was said in the
//! recording, not the abstract the speakers published, and a theme must not
//! present them as the session's own description.
//!
//! Speakers come from the heading only, split at `,`, `&` and `and`; a
//! heading without `|` has none. Names the bullets mention are not speakers
//! the document assigns (summaries misspell them, and a panel's bullets name
//! moderators too), so they are never promoted to speakers.

use std::path::Path;

use super::text::{
    DocumentEvent, Line, PostLink, event_front, kind_prefix, lines, link_line, split_people,
    unreadable, without_sessions,
};
use super::{ImportOptions, Imported};
use crate::content::pages::{EventPage, LinkEntry, SessionFront, SessionPage};
use crate::diagnostic::Diagnostic;

pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let lines = lines(text);
    if let Some(problem) = unreadable(text, &lines, path, "`## Title | Speakers` headings") {
        diags.push(problem);
        return without_sessions(path, options, diags);
    }

    let headings = headings(&lines);
    let Some(level) = session_level(&headings) else {
        diags.push(Diagnostic::error(
            path,
            1,
            "no `## Title | Speakers` headings found: each summary starts with one",
        ));
        return without_sessions(path, options, diags);
    };
    let sessions_at: Vec<&Heading> = headings.iter().filter(|h| h.level == level).collect();
    let first = sessions_at[0].index;

    // Above the first summary: an optional `# Event name` and a description.
    let mut statements = DocumentEvent::default();
    let mut description: Vec<String> = Vec::new();
    for line in &lines[..first] {
        let heading = headings
            .binary_search_by_key(&(line.no - 1), |h| h.index)
            .ok()
            .map(|i| &headings[i]);
        match heading {
            Some(h) if h.level == 1 && statements.name.is_none() && level > 1 => {
                statements.name = Some((h.text.to_string(), line.no));
            }
            _ => description.push(line.text.trim_end().to_string()),
        }
    }

    let mut sessions = Vec::new();
    for (n, heading) in sessions_at.iter().enumerate() {
        let end = sessions_at
            .get(n + 1)
            .map_or(lines.len(), |next| next.index);
        // A higher heading between summaries (`# Day 2`) ends this one; keep its text with the event.
        let after = headings.partition_point(|h| h.index <= heading.index);
        let end = match headings[after..]
            .iter()
            .take_while(|h| h.index < end)
            .find(|h| h.level < level)
        {
            Some(outer) => {
                diags.push(Diagnostic::warning(
                    path,
                    lines[outer.index].no,
                    format!(
                        "heading `{}` is not a talk summary: its text is kept in the event description",
                        outer.text
                    ),
                ));
                description.push(String::new());
                description.extend(
                    lines[outer.index..end]
                        .iter()
                        .map(|l| l.text.trim_end().to_string()),
                );
                outer.index
            }
            None => end,
        };
        if let Some(page) = summary(
            heading,
            &lines[heading.index + 1..end],
            lines[heading.index].no,
            path,
            &mut diags,
        ) {
            sessions.push(page);
        }
    }

    let front = event_front(path, options, statements, &mut diags);
    // In document order, whichever step found them.
    diags.sort_by_key(|d| d.line);
    Imported {
        event: EventPage {
            front,
            body: markdown_block(description),
        },
        sessions,
        speakers: Vec::new(),
        diagnostics: diags,
    }
}

/// An ATX heading outside code blocks: `## text`, level 1 to 6.
#[derive(Debug, Clone, PartialEq)]
struct Heading<'a> {
    /// Index into the document's lines.
    index: usize,
    level: usize,
    text: &'a str,
}

fn headings<'a>(lines: &[Line<'a>]) -> Vec<Heading<'a>> {
    let mut fenced: Option<&str> = None;
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let t = line.text.trim_start();
        let indent = line.text.len() - t.len();
        if let Some(fence) = ["```", "~~~"].into_iter().find(|f| t.starts_with(f)) {
            fenced = match fenced {
                Some(open) if open == fence => None,
                None => Some(fence),
                other => other,
            };
            continue;
        }
        if fenced.is_some() || indent > 3 {
            continue;
        }
        let level = t.chars().take_while(|&c| c == '#').count();
        let rest = &t[level..];
        if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        // A closing run of `#` is not part of the text.
        let rest = rest.trim();
        let text = match rest.trim_end_matches('#') {
            stripped
                if stripped.len() < rest.len()
                    && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) =>
            {
                stripped.trim()
            }
            _ => rest,
        };
        found.push(Heading { index, level, text });
    }
    found
}

/// The heading level summaries use: the most common one below the title
/// level (`##` in a document with a `#` title), else `#`.
fn session_level(headings: &[Heading]) -> Option<usize> {
    let mut counts = [0usize; 7];
    for h in headings {
        counts[h.level] += 1;
    }
    (2..=6)
        .filter(|&l| counts[l] > 0)
        .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)))
        .or_else(|| (counts[1] > 0).then_some(1))
}

/// Keys of the line that gives a summary's recording.
const VIDEO_KEYS: &[&str] = &["url", "video", "recording", "youtube", "watch", "link"];

/// Hosts whose bare links under a heading are the recording.
const VIDEO_HOSTS: &[&str] = &[
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "media.ccc.de",
    "m.youtube.com",
];

fn summary(
    heading: &Heading,
    lines: &[Line],
    line_no: usize,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<SessionPage> {
    let (title, speakers) = match heading.text.rsplit_once('|') {
        Some((title, people)) => {
            if title.contains('|') {
                diags.push(Diagnostic::warning(
                    path,
                    line_no,
                    "the heading holds more than one `|`: the text after the last one is read as the speakers",
                ));
            }
            (title.trim(), Some(split_people(people)))
        }
        None => (heading.text, None),
    };
    if title.is_empty() {
        diags.push(Diagnostic::error(
            path,
            line_no,
            format!(
                "heading `{}` has no title: expected `## Title | Speakers`",
                heading.text
            ),
        ));
        return None;
    }
    let (kind, title) = kind_prefix(title);
    let speakers = speakers.unwrap_or_default();
    if speakers.is_empty() {
        diags.push(Diagnostic::warning(
            path,
            line_no,
            format!("`{title}` names no speakers in its heading: left without speakers"),
        ));
    }

    let mut links = Vec::new();
    let mut body = Vec::new();
    for line in lines {
        match video_link(line.text) {
            Some(Ok(link)) => {
                // `[text](url)` shows one address and leads to another: a doubt worth a word.
                if let Some(label) = &link.label
                    && label.starts_with("http")
                {
                    diags.push(Diagnostic::warning(
                        path,
                        line.no,
                        format!(
                            "the link shows `{label}` but leads to `{}`: keeping where it leads",
                            link.url
                        ),
                    ));
                }
                links.push(LinkEntry {
                    kind: "video".to_string(),
                    url: link.url,
                    title: None,
                });
            }
            Some(Err(value)) => {
                diags.push(Diagnostic::warning(
                    path,
                    line.no,
                    format!("`{value}` is not a web link: kept in the summary as text"),
                ));
                body.push(body_line(line.text));
            }
            None => body.push(body_line(line.text)),
        }
    }
    if links.is_empty() {
        diags.push(Diagnostic::warning(
            path,
            line_no,
            format!("`{title}` has no `URL:` line: no video link"),
        ));
    }
    Some(SessionPage {
        front: SessionFront {
            title,
            kind: kind.map(str::to_string),
            speakers,
            links,
            body: Some("notes".to_string()),
            ..SessionFront::default()
        },
        body: markdown_block(body),
    })
}

/// `URL: [u](u)`, `Video: <u>`, or a bare recording link: the link, or the
/// value when it is not a web link. `None` for any other line.
fn video_link(text: &str) -> Option<Result<PostLink, String>> {
    let t = text.trim();
    if let Some((key, value)) = t.split_once(':')
        && VIDEO_KEYS.contains(&key.trim().to_lowercase().as_str())
        && !value.starts_with("//")
    {
        let value = value.trim();
        return Some(link_line(value).ok_or_else(|| value.to_string()));
    }
    if t.starts_with(['-', '*', '+']) {
        return None; // a link in the bullets is a resource the talk mentioned, not its recording
    }
    link_line(t)
        .filter(|l| VIDEO_HOSTS.contains(&l.host.as_str()))
        .map(Ok)
}

/// A body line as Markdown: tabs in the indent become spaces, and a bullet
/// indented by a stray space is a top-level bullet.
fn body_line(text: &str) -> String {
    let text = text.trim_end();
    let content = text.trim_start();
    let indent: usize = text[..text.len() - content.len()]
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let bullet = content.starts_with(['*', '-', '+']) && content[1..].starts_with([' ', '\t']);
    match indent {
        0 => content.to_string(),
        1 if bullet => content.to_string(),
        n => format!("{}{content}", " ".repeat(n)),
    }
}

/// Lines as one Markdown block: no leading or trailing blank lines, and runs
/// of blank lines cut to one.
fn markdown_block(lines: Vec<String>) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        if line.trim().is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(if line.trim().is_empty() {
            String::new()
        } else {
            line
        });
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::pages::SpeakerEntry;

    fn import(text: &str) -> Imported {
        parse(text, Path::new("v.md"), &ImportOptions::default())
    }

    fn names(page: &SessionPage) -> Vec<String> {
        page.front
            .speakers
            .iter()
            .map(|s| match s {
                SpeakerEntry::Name(n) => n.clone(),
                SpeakerEntry::Full(r) => r.name.clone().unwrap_or_default(),
            })
            .collect()
    }

    #[test]
    fn headings_bullets_and_links() {
        let text = "# Navigate 2023\n\nTalks we filmed.\n\n## Zürich & Beyond | Zoë Ångström and Li Wei\n\nURL: [https://youtu.be/x](https://youtu.be/x)\n\n * first\n\t+ nested\n* second\n\n\n## Lightning talk 7\n\nhttps://www.youtube.com/watch?v=y\n- see https://example.org\n";
        let imported = import(text);
        assert_eq!(imported.event.front.name, "Navigate 2023");
        assert_eq!(imported.event.body, "Talks we filmed.");
        let [a, b] = &imported.sessions[..] else {
            panic!("{:?}", imported.sessions)
        };
        assert_eq!(a.front.title, "Zürich & Beyond");
        assert_eq!(names(a), ["Zoë Ångström", "Li Wei"]);
        assert_eq!(a.front.links[0].url, "https://youtu.be/x");
        assert_eq!(a.body, "* first\n    + nested\n* second");
        assert_eq!(b.front.kind.as_deref(), Some("lightning"));
        assert!(names(b).is_empty());
        assert_eq!(b.front.links[0].url, "https://www.youtube.com/watch?v=y");
        assert_eq!(b.body, "- see https://example.org");
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.line == 14 && d.message.contains("no speakers"))
        );
    }

    #[test]
    fn bad_records_are_reported_at_their_line() {
        let imported = import("## | Nobody\nURL: javascript:alert(1)\n* x\n## Fine | Ana\n* y\n");
        assert_eq!(imported.sessions.len(), 1);
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.line == 1)
        );
        let imported = import("## Fine | Ana\nURL: javascript:alert(1)\n");
        assert!(imported.sessions[0].front.links.is_empty());
        assert_eq!(imported.sessions[0].body, "URL: javascript:alert(1)");
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.line == 2 && !d.is_error())
        );
    }

    #[test]
    fn code_fences_hide_headings() {
        let lines = lines("## A\n```\n## not a heading\n```\n## B ##\n#hashtag\n");
        let found: Vec<&str> = headings(&lines).iter().map(|h| h.text).collect();
        assert_eq!(found, ["A", "B"]);
    }
}
