//! The list-like importers (talk list, blog notes, video summaries) on the
//! seed documents and on documents written for these tests: every session
//! compared field by field with expectations written by reading the
//! documents, bad input reported at its line, and imported pages loaded back
//! through the content stage unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use confsite::content::pages::{EventPage, OneOrMany, SessionPage, SpeakerEntry};
use confsite::content::{self, LoadOptions};
use confsite::import::{Format, ImportOptions, Imported};
use confsite::model::{BodyKind, Session};
use confsite::slugs;
use confsite::time;
use serde_json::{Value, json};

use crate::common::{
    expected_sessions_file, import_errors, import_fixture, parse_document, read, read_json, seed,
    seed_text, session_titled, write_imported_site,
};

const FIELDS: &[&str] = &[
    "title",
    "speakers",
    "start",
    "end",
    "room",
    "track",
    "kind",
    "links",
    "body_kind",
];

fn import(format: Format, path: &Path) -> Imported {
    parse_document(format, path, &ImportOptions::default())
}

fn import_text(format: Format, text: &str, path: &Path, options: &ImportOptions) -> Imported {
    format.parse(text, path, options)
}

fn expectations(path: &Path) -> Vec<Value> {
    let parsed: Value = read_json(path);
    let list = parsed
        .as_array()
        .unwrap_or_else(|| panic!("{} must hold an array", path.display()))
        .clone();
    for e in &list {
        for f in FIELDS {
            assert!(e.get(f).is_some(), "{}: {e} lacks `{f}`", path.display());
        }
    }
    list
}

/// A session page in the shape of the expectation files.
fn page_fields(page: &SessionPage) -> Value {
    let f = &page.front;
    json!({
        "title": f.title,
        "speakers": f.speakers.iter().map(|s| match s {
            SpeakerEntry::Name(n) => json!({"name": n, "affiliation": null}),
            SpeakerEntry::Full(r) => json!({"name": r.name, "affiliation": r.affiliation}),
        }).collect::<Vec<_>>(),
        "start": f.start.clone().or_else(|| f.date.clone()),
        "end": f.end,
        "room": f.room,
        "track": match &f.track {
            None => Value::Null,
            Some(OneOrMany::One(t)) => json!(t),
            Some(OneOrMany::Many(ts)) => json!(ts),
        },
        "kind": f.kind,
        "links": f.links.iter().map(|l| json!({"kind": l.kind, "url": l.url})).collect::<Vec<_>>(),
        "body_kind": f.body.clone().unwrap_or_else(|| "abstract".to_string()),
    })
}

/// A loaded session in the same shape. The loader's default kind (`talk`) is
/// what an importer's "the document states none" becomes.
fn model_fields(s: &Session) -> Value {
    json!({
        "title": s.title,
        "speakers": s.speakers.iter().map(|p| json!({"name": p.name, "affiliation": p.affiliation})).collect::<Vec<_>>(),
        "start": s.start.as_ref().map(time::rfc3339),
        "end": s.end.as_ref().map(time::rfc3339),
        "room": s.room,
        "track": match s.tracks.len() { 0 => Value::Null, 1 => json!(s.tracks[0]), _ => json!(s.tracks) },
        "kind": if s.kind == "talk" { Value::Null } else { json!(s.kind) },
        "links": s.links.iter().map(|l| json!({"kind": l.kind, "url": l.url})).collect::<Vec<_>>(),
        "body_kind": match s.body_kind { BodyKind::Abstract => "abstract", BodyKind::Notes => "notes" },
    })
}

fn assert_session(label: &str, index: usize, actual: &Value, expected: &Value) {
    let title = expected["title"].as_str().unwrap_or("?");
    for f in FIELDS {
        assert_eq!(
            actual[f],
            expected[f],
            "{label}: session {} `{title}`: field `{f}` differs",
            index + 1
        );
    }
}

fn assert_matches(label: &str, imported: &Imported, expected: &[Value]) {
    let titles: Vec<&str> = imported
        .sessions
        .iter()
        .map(|s| s.front.title.as_str())
        .collect();
    assert_eq!(
        imported.sessions.len(),
        expected.len(),
        "{label}: session count; got {titles:#?}"
    );
    for (i, (page, want)) in imported.sessions.iter().zip(expected).enumerate() {
        assert_session(label, i, &page_fields(page), want);
    }
}

fn expected_seed(prefix: &str) -> Vec<Value> {
    expectations(&expected_sessions_file(prefix))
}

fn has_warning(imported: &Imported, line: usize, needle: &str) -> bool {
    imported
        .diagnostics
        .iter()
        .any(|d| !d.is_error() && d.line == line && d.message.contains(needle))
}

// ---------------------------------------------------------------------------
// The seeds

#[test]
fn seed_000_talk_list() {
    let imported = import(Format::TalkList, &seed("000"));
    assert!(
        import_errors(&imported).is_empty(),
        "{:#?}",
        imported.diagnostics
    );
    assert_matches("000", &imported, &expected_seed("000"));

    // The document states no event: nothing is made up for it.
    let event = &imported.event.front;
    assert_eq!((event.name.as_str(), event.timezone.as_str()), ("", ""));
    assert_eq!((&event.start_date, &event.location), (&None, &None));
    assert_eq!(imported.event.body, "");

    // "Session Details" and the three lines under it (54-57) become fields.
    let pillars = session_titled(
        &imported,
        "Three Pillars of Observability: The Open Source Way",
    );
    let f = &pillars.front;
    assert_eq!(
        time::parse_duration(f.duration.as_deref().unwrap())
            .unwrap()
            .as_mins(),
        120
    );
    assert_eq!(f.level.as_deref(), Some("Advanced (Level 400)"));
    assert_eq!(
        f.prerequisites.as_deref(),
        Some(
            "Kubernetes experience required. Familiarity with kubectl, AWS CLI, and basic observability concepts (metrics/logs/traces)"
        )
    );
    assert_eq!(
        f.extra.as_ref().unwrap()["duration_text"],
        "120 minutes (or trim to 90 minutes for core modules 1-4)"
    );
    assert!(
        pillars
            .body
            .starts_with("Modern observability requires correlating")
    );
    assert!(
        pillars.body.ends_with("avoids vendor lock-in."),
        "{}",
        pillars.body
    );
    assert!(!pillars.body.contains("Session Details") && !pillars.body.contains("Duration"));
    assert_eq!(pillars.body.split("\n\n").count(), 4);
    assert!(has_warning(&imported, 54, "heading dropped"));

    // Line 17 reads like a title but is out of order: the end of line 13's description.
    let build = session_titled(
        &imported,
        "Who broke the build? Using Kuttl to improve E2E testing and release faster",
    );
    assert!(
        build.body.ends_with("far less often and you can too!"),
        "{}",
        build.body
    );
    assert_eq!(build.body.split("\n\n").count(), 4);
    assert!(has_warning(&imported, 17, "alphabetical order"));

    // Line 47 ends in a question and is in order, but is two sentences: description.
    let hiding = session_titled(
        &imported,
        "These Are NOT the Vulnerabilities You Are Looking For: Hiding Vulnerabilities in Containers",
    );
    assert!(hiding.body.starts_with("You know that feeling"));
    let first = &imported.sessions[0];
    assert!(first.body.starts_with("Modern systems increasingly rely"));
    assert!(first.body.ends_with("hidden failure point."));
}

#[test]
fn seed_001_blog_notes() {
    let imported = import(Format::BlogNotes, &seed("001"));
    assert!(
        import_errors(&imported).is_empty(),
        "{:#?}",
        imported.diagnostics
    );
    assert_matches("001", &imported, &expected_seed("001"));

    let event = &imported.event;
    assert_eq!(event.front.name, "DevConf.cz 2023");
    assert_eq!(
        event.front.location.as_deref(),
        Some("Brno, Czech Republic")
    );
    assert_eq!(event.front.extra, Some(json!({"month": "2023-06"})));
    // A month is not a date, and no zone is stated.
    assert_eq!(
        (&event.front.start_date, &event.front.end_date),
        (&None, &None)
    );
    assert_eq!(event.front.timezone, "");
    // The author's introduction (lines 1-5) is kept, quoted and attributed.
    assert!(
        event
            .body
            .starts_with("The sessions of this event come from an attendee's blog post.")
    );
    assert!(
        event
            .body
            .contains("\n\n> Open source conferences expose you")
    );
    assert!(
        event
            .body
            .ends_with("> Here is a rundown of the most interesting talks and people I met:")
    );
    assert_eq!(
        event.body.matches("\n>\n").count(),
        4,
        "five quoted paragraphs"
    );
    assert!(has_warning(&imported, 2, "`Devconf.cz`"));

    assert_eq!(imported.sessions[1].body, "My talk <3");
    // No notes under the Kairos link (line 14).
    assert_eq!(imported.sessions[4].body, "");
    // Line 21 is a lone "." that belongs to line 20.
    assert!(
        imported.sessions[7].body.ends_with("by using chroot."),
        "{}",
        imported.sessions[7].body
    );
    assert!(has_warning(&imported, 21, "joined"));
    // Lines 35 and 36 are two separate notes.
    assert_eq!(
        imported.sessions[14].body,
        "Hirte is a multi-node service orchestrator for deterministic systems with limited resources such as edge devices\n\nMaterial heavily intersects with ostree container native layering"
    );
    for (i, s) in imported.sessions.iter().enumerate() {
        let line = [
            6, 8, 10, 12, 14, 15, 17, 19, 22, 24, 26, 28, 30, 32, 34, 37, 39,
        ][i];
        assert!(
            has_warning(&imported, line, "rebuilt from the link"),
            "session {}",
            i + 1
        );
        assert_eq!(s.front.start, None);
    }
}

#[test]
fn seed_001_flags_override_and_conflicts_are_reported() {
    let options = ImportOptions {
        name: Some("DevConf.CZ".to_string()),
        date: Some("2023-06-16".to_string()),
        timezone: Some("Europe/Prague".to_string()),
        location: None,
    };
    let imported = import_text(Format::BlogNotes, &seed_text("001"), &seed("001"), &options);
    let front = &imported.event.front;
    assert_eq!(front.name, "DevConf.CZ");
    assert_eq!(front.start_date.as_deref(), Some("2023-06-16"));
    assert_eq!(front.timezone, "Europe/Prague");
    assert_eq!(front.location.as_deref(), Some("Brno, Czech Republic"));
    assert!(has_warning(&imported, 2, "the command line `DevConf.CZ`"));
    // A date in another month than the post's contradicts it.
    let options = ImportOptions {
        date: Some("2023-07-01".to_string()),
        ..ImportOptions::default()
    };
    let imported = import_text(Format::BlogNotes, &seed_text("001"), &seed("001"), &options);
    assert!(
        has_warning(&imported, 2, "2023-06"),
        "{:#?}",
        imported.diagnostics
    );
}

#[test]
fn seed_003_video_summaries() {
    let imported = import(Format::VideoSummaries, &seed("003"));
    assert!(
        import_errors(&imported).is_empty(),
        "{:#?}",
        imported.diagnostics
    );
    assert_matches("003", &imported, &expected_seed("003"));
    assert_eq!(imported.event.front.name, "");
    assert_eq!(imported.event.body, "");

    let first = &imported.sessions[0];
    assert!(first.body.starts_with(
        "* Liz Rice discussing \"Effortless Mutual Authentication with Cilium\"\n* Combines EBPF"
    ));
    assert_eq!(first.body.lines().count(), 10);
    // Text after the bullets (line 70) is part of the summary.
    let tricks = &imported.sessions[3];
    assert!(
        tricks
            .body
            .ends_with("Nixer's support for multiple architectures is not yet fully developed.")
    );
    assert_eq!(tricks.body.matches("\n\n").count(), 1);
    // Nested bullets (lines 281-284, tab-indented) stay nested.
    let platform = &imported.sessions[15];
    assert!(platform.body.contains(
        "* To summarize, the key takeaways from the talk are:\n    + Platform engineering is about"
    ));
    // Speaker-less headings are reported at their line.
    for line in [35, 50, 146, 254, 287, 313, 358, 394, 410, 466, 547] {
        assert!(
            has_warning(&imported, line, "names no speakers"),
            "line {line}"
        );
    }
}

// ---------------------------------------------------------------------------
// Documents written for these tests

fn fixture_documents(format: &str) -> Vec<(PathBuf, PathBuf)> {
    let dir = import_fixture(format);
    let mut docs: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e != "json"))
        .map(|p| {
            let expected = p.with_extension("json");
            assert!(expected.exists(), "{} has no expectations", p.display());
            (p, expected)
        })
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "no documents in {}", dir.display());
    docs
}

const FORMATS: &[(Format, &str)] = &[
    (Format::TalkList, "talk-list"),
    (Format::BlogNotes, "blog-notes"),
    (Format::VideoSummaries, "video-summaries"),
];

#[test]
fn own_documents_import_with_any_line_endings() {
    for (format, dir) in FORMATS {
        for (doc, expected) in fixture_documents(dir) {
            let label = doc.display().to_string();
            let text = read(&doc);
            let imported = import_text(*format, &text, &doc, &ImportOptions::default());
            assert!(
                import_errors(&imported).is_empty(),
                "{label}: {:#?}",
                imported.diagnostics
            );
            assert_matches(&label, &imported, &expectations(&expected));
            // The same document with CRLF (and a BOM) reads the same, line numbers included.
            let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
            let again = import_text(*format, &crlf, &doc, &ImportOptions::default());
            assert_eq!(again.sessions, imported.sessions, "{label} with CRLF");
            assert_eq!(again.event, imported.event, "{label} with CRLF");
            assert_eq!(again.diagnostics, imported.diagnostics, "{label} with CRLF");
        }
    }
}

#[test]
fn own_talk_list_details() {
    let path = import_fixture("talk-list/harbour-conf.txt");
    let imported = import(Format::TalkList, &path);
    assert_eq!(
        imported.event.body,
        "Accepted talks for Harbour Conf 2024 (Gdańsk), in alphabetical order."
    );
    assert!(has_warning(&imported, 1, "event description"));
    let s = &imported.sessions;
    assert_eq!(s[0].front.duration.as_deref(), Some("45m"));
    assert_eq!(s[0].front.level.as_deref(), Some("Beginner"));
    assert_eq!(
        s[0].body,
        "Why do clocks drift? This talk measures it on real hardware."
    );
    // Blank lines separate paragraphs here; "Bring your own router!" breaks the order.
    assert_eq!(
        s[2].body,
        "A field report from twelve cafés.\n\nIt was harder than expected, and cheaper.\nBring your own router!"
    );
    assert!(has_warning(&imported, 18, "alphabetical order"));
    assert_eq!(s[3].front.prerequisites.as_deref(), Some("Rust basics"));
    assert_eq!(s[3].body, "Bring a laptop with Rust installed.");
    // The list ends on a title: an empty description, reported.
    assert_eq!(s[4].body, "");
    assert!(has_warning(&imported, 22, "no description"));
}

#[test]
fn own_blog_post_details() {
    let path = import_fixture("blog-notes/pycon-de.txt");
    let imported = import(Format::BlogNotes, &path);
    let front = &imported.event.front;
    assert_eq!(front.name, "PyCon DE 2024");
    assert_eq!(front.location.as_deref(), Some("Berlin, Germany"));
    assert_eq!(front.extra, Some(json!({"month": "2024-04"})));
    assert!(
        imported
            .event
            .body
            .contains("> These are my notes — grüße an alle!")
    );
    let s = &imported.sessions;
    assert_eq!(
        s[0].body,
        "Very practical. The speaker showed maturin and PyO3."
    );
    assert_eq!(s[1].body, "");
    assert_eq!(
        s[2].body,
        "Async all the way down.\n\nA github link with slides:\nhttps://github.com/example/async-slides"
    );
    assert!(has_warning(&imported, 13, "another site"));
    // A link with its own text needs no rebuilt title.
    assert!(!imported.diagnostics.iter().any(|d| d.line == 15));
}

#[test]
fn own_video_summaries_details() {
    let path = import_fixture("video-summaries/navigate.md");
    let imported = import(Format::VideoSummaries, &path);
    assert_eq!(imported.event.front.name, "Navigate Europe 2024");
    assert_eq!(imported.event.body, "Summaries of the recorded talks.");
    let s = &imported.sessions;
    assert_eq!(
        s[0].body,
        "* Runs 40 clusters\n* Uses Ångström-precise clocks"
    );
    assert_eq!(s[1].body, "* Community first\n    + Always");
    assert_eq!(s[2].body, "* A talk without a recording link");
    assert!(has_warning(&imported, 19, "no `URL:` line"));
    assert_eq!(s[3].body, "Paragraph, no bullets.");
}

#[test]
fn own_truncated_documents_keep_what_is_there() {
    let talks = import(Format::TalkList, &import_fixture("talk-list/truncated.txt"));
    assert_eq!(
        talks.sessions[1].body,
        "Flight software has no second chances. We show what"
    );

    let post = import(
        Format::BlogNotes,
        &import_fixture("blog-notes/truncated.txt"),
    );
    assert_eq!(post.event.front.name, "RustFest Zürich 2025");
    assert_eq!(
        post.sessions[0].body,
        "Great, but I missed the first ten min"
    );

    let videos = import(
        Format::VideoSummaries,
        &import_fixture("video-summaries/truncated.md"),
    );
    assert_eq!(videos.sessions[0].body, "* First point\n* Second po");
    // The cut `URL:` line is not a link: kept as text, and both problems reported.
    assert_eq!(
        videos.sessions[1].body,
        "URL: [https://www.youtube.com/watch?v=Q"
    );
    assert!(has_warning(&videos, 7, "not a web link"));
    assert!(has_warning(&videos, 6, "no `URL:` line"));
}

// ---------------------------------------------------------------------------
// Bad input

fn garbage() -> String {
    // Deterministic pseudo-random bytes, read the way a careless caller would.
    let mut x: u32 = 0x2545_f491;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn empty_and_binary_documents_are_errors_with_a_line() {
    for (format, _) in FORMATS {
        for (what, text) in [
            ("empty", String::new()),
            ("blank", "\n \r\n\t\n".to_string()),
            ("binary", garbage()),
        ] {
            let imported = import_text(
                *format,
                &text,
                Path::new("bad.txt"),
                &ImportOptions::default(),
            );
            assert!(imported.sessions.is_empty(), "{} {what}", format.name());
            let errors = import_errors(&imported);
            assert_eq!(
                errors.len(),
                1,
                "{} {what}: {:#?}",
                format.name(),
                imported.diagnostics
            );
            assert!(
                errors[0].line >= 1,
                "{} {what}: {}",
                format.name(),
                errors[0]
            );
            assert_eq!(errors[0].path, Path::new("bad.txt"));
        }
    }
}

#[test]
fn records_without_a_title_are_reported_at_their_line() {
    let opts = ImportOptions::default();
    let p = Path::new("doc.txt");

    let prose = "This list has no titles at all.\nOnly sentences, ending in full stops.\n";
    let imported = import_text(Format::TalkList, prose, p, &opts);
    assert!(imported.sessions.is_empty());
    assert!(import_errors(&imported).iter().any(|d| d.line == 1));

    let text = "Intro.\n\nhttps://conf.sched.com/event/1AbC\nNotes without a name.\nhttps://conf.sched.com/event/1AbD/a-named-one\n";
    let imported = import_text(Format::BlogNotes, text, p, &opts);
    assert_eq!(imported.sessions.len(), 1);
    assert!(
        import_errors(&imported).iter().any(|d| d.line == 3),
        "{:#?}",
        imported.diagnostics
    );

    let text = "## A Talk | Ana\nURL: https://youtu.be/a\n\n##  | Bo & Cy\nURL: https://youtu.be/b\n\n##\n* nothing\n";
    let imported = import_text(Format::VideoSummaries, text, p, &opts);
    assert_eq!(imported.sessions.len(), 1);
    let lines: Vec<usize> = import_errors(&imported).iter().map(|d| d.line).collect();
    assert_eq!(lines, [4, 7]);
}

#[test]
fn truncated_documents_never_panic() {
    let docs: Vec<(Format, PathBuf)> = vec![
        (Format::TalkList, seed("000")),
        (Format::BlogNotes, seed("001")),
        (Format::VideoSummaries, seed("003")),
    ];
    for (format, path) in docs {
        let text = read(&path);
        let full = import(format, &path).sessions.len();
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let step = (boundaries.len() / 150).max(1);
        for &cut in boundaries.iter().step_by(step) {
            let imported = import_text(format, &text[..cut], &path, &ImportOptions::default());
            assert!(
                imported.sessions.len() <= full,
                "{} cut at {cut}",
                format.name()
            );
            for d in &imported.diagnostics {
                assert!(d.line >= 1, "{} cut at {cut}: {d}", format.name());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Round trip through the content stage

/// Writes the import as a site, loads it, and returns the sessions by document order.
fn load_back(imported: &Imported) -> (confsite::model::Event, Vec<Session>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut event = EventPage {
        front: imported.event.front.clone(),
        body: imported.event.body.clone(),
    };
    if event.front.timezone.is_empty() {
        event.front.timezone = "UTC".to_string();
    }
    let event_slug = slugs::slugify(&event.front.name);
    let slugs = write_imported_site(root, "title: T\n", &event_slug, &event, &imported.sessions);
    let order: BTreeMap<String, usize> = slugs.into_iter().zip(0..).collect();
    let loaded =
        content::load_site(root, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut event = loaded.site.events.into_iter().next().expect("one event");
    let mut sessions = std::mem::take(&mut event.sessions);
    sessions.sort_by_key(|s| order[&s.slug]);
    (event, sessions)
}

#[test]
fn imports_round_trip_through_the_content_stage() {
    let mut cases: Vec<(Format, PathBuf, PathBuf)> = vec![
        (Format::TalkList, seed("000"), expected_sessions_file("000")),
        (
            Format::BlogNotes,
            seed("001"),
            expected_sessions_file("001"),
        ),
        (
            Format::VideoSummaries,
            seed("003"),
            expected_sessions_file("003"),
        ),
    ];
    for (format, dir) in FORMATS {
        for (doc, expected) in fixture_documents(dir) {
            cases.push((*format, doc, expected));
        }
    }
    for (format, doc, expected) in cases {
        let label = format!("{} loaded back", doc.display());
        let imported = import(format, &doc);
        let expected = expectations(&expected);
        let (event, sessions) = load_back(&imported);
        assert_eq!(sessions.len(), expected.len(), "{label}: session count");
        for (i, (s, want)) in sessions.iter().zip(&expected).enumerate() {
            assert_session(&label, i, &model_fields(s), want);
            let page = &imported.sessions[i];
            assert_eq!(s.body, page.body.trim(), "{label}: body of `{}`", s.title);
            assert_eq!(s.level, page.front.level, "{label}: level of `{}`", s.title);
            assert_eq!(
                s.prerequisites, page.front.prerequisites,
                "{label}: prerequisites of `{}`",
                s.title
            );
            let stated = page
                .front
                .duration
                .as_deref()
                .map(|d| time::parse_duration(d).unwrap());
            assert_eq!(s.duration, stated, "{label}: duration of `{}`", s.title);
        }
        assert_eq!(event.name, imported.event.front.name, "{label}: event name");
        assert_eq!(
            event.location, imported.event.front.location,
            "{label}: event location"
        );
        assert_eq!(
            event.description,
            imported.event.body.trim(),
            "{label}: event description"
        );
        let extra = imported.event.front.extra.clone().unwrap_or(Value::Null);
        assert_eq!(event.extra, extra, "{label}: event extra");
    }
}
