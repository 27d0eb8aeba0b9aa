//! Writing content pages: the text of a session page or event file, as the
//! importers and `confsite init` produce it. Loading that text back gives the
//! same page (tested), so imports round-trip.

use serde::Serialize;

use super::pages::{EventPage, SessionPage, SpeakerFront};

/// `---\n<yaml>---\n\n<body>\n`
fn page_text<T: Serialize>(front: &T, body: &str) -> String {
    let yaml = serde_saphyr::to_string(front).expect("front matter structs always serialize");
    let mut text = String::with_capacity(yaml.len() + body.len() + 16);
    text.push_str("---\n");
    text.push_str(&yaml);
    if !yaml.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("---\n");
    let body = body.trim();
    if !body.is_empty() {
        text.push('\n');
        text.push_str(body);
        text.push('\n');
    }
    text
}

pub fn session_page_text(page: &SessionPage) -> String {
    page_text(&page.front, &page.body)
}

pub fn event_page_text(page: &EventPage) -> String {
    page_text(&page.front, &page.body)
}

pub fn speaker_page_text(front: &SpeakerFront, bio: &str) -> String {
    page_text(front, bio)
}

#[cfg(test)]
mod tests {
    use super::super::frontmatter;
    use super::super::pages::*;
    use super::*;
    use std::path::Path;

    #[test]
    fn session_page_round_trips() {
        let page = SessionPage {
            front: SessionFront {
                title: "Keynote: \"Quotes\", #hash & colons: yes".into(),
                speakers: vec![
                    SpeakerEntry::Full(SpeakerRef {
                        name: Some("José Padilla".into()),
                        affiliation: Some("Acme, Inc.".into()),
                        ..Default::default()
                    }),
                    SpeakerEntry::Name("- dash".into()),
                ],
                start: Some("2025-11-13T11:00:00-05:00".into()),
                track: Some(OneOrMany::Many(vec!["a".into(), "yes".into()])),
                tags: vec!["null".into(), "123".into()],
                links: vec![LinkEntry {
                    kind: "video".into(),
                    url: "https://example.com/v?a=1&b=2".into(),
                    title: None,
                }],
                ..Default::default()
            },
            body: "Body with ---\nlines.".into(),
        };
        let text = session_page_text(&page);
        let split = frontmatter::split(&text, Path::new("x.md")).unwrap();
        let front: SessionFront =
            frontmatter::parse_yaml(split.yaml, Path::new("x.md"), 1).unwrap();
        assert_eq!(front, page.front, "{text}");
        assert_eq!(split.body.trim(), page.body);
    }
}
