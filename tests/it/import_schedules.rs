//! Import of the two timed formats: flattened schedule pages (seed 002) and
//! sched exports (seed 004), plus documents written for these tests, bad
//! input, and a round trip through the content loader.

use std::collections::BTreeSet;
use std::path::Path;

use confsite::content::pages::{OneOrMany, RoomEntry, SessionPage, SpeakerEntry};
use confsite::content::{self, LoadOptions};
use confsite::diagnostic::{Diagnostic, Level};
use confsite::import::{Format, ImportOptions, Imported, flat_schedule, sched_export};
use confsite::slugs;

use crate::common::{self, Expected, ExpectedSpeaker, expected_sessions};

fn rejekts_flags() -> ImportOptions {
    ImportOptions {
        name: Some("Cloud Native Rejekts North America 2022".into()),
        date: Some("2022-10-23".into()),
        timezone: Some("America/New_York".into()),
        location: Some("Detroit, MI, USA".into()),
    }
}

fn import_002(options: &ImportOptions) -> Imported {
    common::parse_document(Format::FlatSchedule, &common::seed("002"), options)
}

fn import_004(options: &ImportOptions) -> Imported {
    common::parse_document(Format::SchedExport, &common::seed("004"), options)
}

fn speakers_of(page: &SessionPage) -> Vec<ExpectedSpeaker> {
    page.front
        .speakers
        .iter()
        .map(|s| match s {
            SpeakerEntry::Name(n) => ExpectedSpeaker {
                name: n.clone(),
                affiliation: None,
                role: None,
            },
            SpeakerEntry::Full(r) => ExpectedSpeaker {
                name: r.name.clone().unwrap_or_default(),
                affiliation: r.affiliation.clone(),
                role: r.role.clone(),
            },
        })
        .collect()
}

fn track_of(page: &SessionPage) -> Option<String> {
    match &page.front.track {
        None => None,
        Some(OneOrMany::One(t)) => Some(t.clone()),
        Some(OneOrMany::Many(v)) => Some(v.join(" | ")),
    }
}

/// Compares every field of every session and lists all differences, each
/// naming the session, so one run shows everything that is off.
fn assert_matches(imported: &[SessionPage], expected: &[Expected]) {
    let mut problems = Vec::new();
    for (i, (got, want)) in imported.iter().zip(expected).enumerate() {
        let links: Vec<(&str, &str)> = got
            .front
            .links
            .iter()
            .map(|l| (l.kind.as_str(), l.url.as_str()))
            .collect();
        let want_links: Vec<(&str, &str)> = want
            .links
            .iter()
            .map(|l| (l.kind.as_str(), l.url.as_str()))
            .collect();
        let fields = [
            (
                "title",
                format!("{:?}", got.front.title),
                format!("{:?}", want.title),
            ),
            (
                "speakers",
                format!("{:?}", speakers_of(got)),
                format!("{:?}", want.speakers),
            ),
            (
                "start",
                format!("{:?}", got.front.start),
                format!("{:?}", want.start),
            ),
            (
                "end",
                format!("{:?}", got.front.end),
                format!("{:?}", want.end),
            ),
            (
                "room",
                format!("{:?}", got.front.room),
                format!("{:?}", want.room),
            ),
            (
                "track",
                format!("{:?}", track_of(got)),
                format!("{:?}", want.track),
            ),
            (
                "kind",
                format!("{:?}", got.front.kind),
                format!("{:?}", want.kind),
            ),
            ("links", format!("{links:?}"), format!("{want_links:?}")),
        ];
        for (name, got, want_value) in fields {
            if got != want_value {
                problems.push(format!(
                    "session {} `{}`: {name}\n    expected {want_value}\n    got      {got}",
                    i + 1,
                    want.title
                ));
            }
        }
    }
    if imported.len() != expected.len() {
        problems.push(format!(
            "{} sessions imported, {} expected; titles imported: {:?}",
            imported.len(),
            expected.len(),
            imported.iter().map(|s| &s.front.title).collect::<Vec<_>>()
        ));
    }
    assert!(
        problems.is_empty(),
        "{} difference(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn errors(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

fn warning_lines(diags: &[Diagnostic]) -> BTreeSet<usize> {
    diags
        .iter()
        .filter(|d| d.level == Level::Warning)
        .map(|d| d.line)
        .collect()
}

/// The lines of `text` that start with `prefix`, 1-based: read from the
/// document itself, not from the parser.
fn lines_starting(text: &str, prefix: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(prefix))
        .map(|(i, _)| i + 1)
        .collect()
}

// ---------------------------------------------------------------------------
// Seed 002: Cloud Native Rejekts NA 2022, a schedule page flattened to text

#[test]
fn seed_002_imports_as_read_by_hand() {
    let imported = import_002(&rejekts_flags());
    assert_eq!(errors(&imported.diagnostics), Vec::<String>::new());
    assert_eq!(imported.sessions.len(), 26);
    assert_matches(&imported.sessions, &expected_sessions("002"));

    let event = &imported.event.front;
    assert_eq!(event.name, "Cloud Native Rejekts North America 2022");
    assert_eq!(event.timezone, "America/New_York");
    assert_eq!(event.start_date.as_deref(), Some("2022-10-23"));
    assert_eq!(event.end_date, None);
    assert_eq!(event.location.as_deref(), Some("Detroit, MI, USA"));
    assert_eq!(
        event.rooms,
        vec![
            RoomEntry::Name("Main Room".into()),
            RoomEntry::Name("Side Room".into())
        ]
    );
}

#[test]
fn seed_002_keeps_abstracts_whole_and_reports_the_page_chrome() {
    let imported = import_002(&rejekts_flags());
    let body = |title: &str| {
        imported
            .sessions
            .iter()
            .find(|s| s.front.title.starts_with(title))
            .unwrap_or_else(|| panic!("no session `{title}`"))
            .body
            .clone()
    };
    assert_eq!(body("Opening"), "Opening comments");
    // Three paragraphs, the room line not among them.
    let dl = body("Efficient Deep Learning");
    assert_eq!(dl.split("\n\n").count(), 3, "{dl}");
    assert!(dl.starts_with("Deep Learning (DL) models"), "{dl}");
    assert!(dl.ends_with("non-right-sized approaches."), "{dl}");
    // A list stays a list, one item a line.
    assert!(
        body("Using Kubernetes and Crossplane").contains(
            "The talk would cover:\n- What Kubernetes based development environments are"
        )
    );
    // The line about enabling JavaScript is the page's, not a session's.
    let chrome = imported
        .diagnostics
        .iter()
        .find(|d| d.line == 1)
        .expect("a warning for the text before the first session");
    assert_eq!(chrome.level, Level::Warning);
    assert!(chrome.message.contains("JavaScript"), "{chrome}");
    assert!(
        imported
            .sessions
            .iter()
            .all(|s| !s.body.contains("enable JavaScript"))
    );
}

#[test]
fn seed_002_without_date_or_zone_is_an_error_not_a_guess() {
    let imported = import_002(&ImportOptions::default());
    let errs: Vec<&Diagnostic> = imported
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    let time_error = errs
        .iter()
        .find(|d| d.message.contains("--date") && d.message.contains("--timezone"))
        .unwrap_or_else(|| panic!("no error asking for --date and --timezone: {errs:?}"));
    assert!(time_error.line > 0, "{time_error}");
    assert!(
        errs.iter().any(|d| d.message.contains("--name")),
        "{errs:?}"
    );
    // Nothing is placed in time, but what the page states (the length) is kept.
    assert_eq!(imported.sessions.len(), 26);
    assert!(
        imported
            .sessions
            .iter()
            .all(|s| s.front.start.is_none() && s.front.end.is_none())
    );
    assert_eq!(imported.sessions[0].front.duration.as_deref(), Some("10m"));
    assert_eq!(imported.sessions[1].front.duration.as_deref(), Some("30m"));

    // A date alone is not enough either.
    let only_date = ImportOptions {
        date: Some("2022-10-23".into()),
        ..rejekts_flags()
    };
    let only_date = ImportOptions {
        timezone: None,
        ..only_date
    };
    let imported = import_002(&only_date);
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("--timezone")),
        "{:?}",
        imported.diagnostics
    );
}

#[test]
fn seed_002_flags_that_contradict_the_page_are_reported() {
    // The page states no date, so a flag contradicts nothing; a bad flag is an error.
    let bad = ImportOptions {
        timezone: Some("Mars/Olympus".into()),
        ..rejekts_flags()
    };
    let imported = import_002(&bad);
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("Mars/Olympus"))
    );
    let bad = ImportOptions {
        date: Some("2022-13-40".into()),
        ..rejekts_flags()
    };
    let imported = import_002(&bad);
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("2022-13-40"))
    );
}

// ---------------------------------------------------------------------------
// Seed 004: one day of KubeCon + CloudNativeCon NA 2025, a sched export

#[test]
fn seed_004_imports_as_read_by_hand() {
    let imported = import_004(&ImportOptions::default());
    assert_eq!(errors(&imported.diagnostics), Vec::<String>::new());
    let text = common::seed_text("004");
    // As many sessions as the document has `Title#` lines after its two header lines.
    assert_eq!(lines_starting(&text, "Time: ").len(), 99);
    assert_eq!(imported.sessions.len(), 99);
    assert_matches(&imported.sessions, &expected_sessions("004"));

    let event = &imported.event.front;
    assert_eq!(event.name, "KubeCon + CloudNativeCon North America 2025");
    assert_eq!(event.timezone, "America/New_York");
    assert_eq!(event.start_date.as_deref(), Some("2025-11-13"));
    assert_eq!(event.end_date, None);
    assert_eq!(event.location.as_deref(), Some("Atlanta, GA, USA"));
}

#[test]
fn seed_004_eleven_am_est_is_sixteen_hundred_utc() {
    let imported = import_004(&ImportOptions::default());
    let text = common::seed_text("004");
    let at_eleven = lines_starting(&text, "Time: 11:00am EST").len();
    assert!(at_eleven > 10, "the seed lists many 11:00am sessions");
    let starts: Vec<jiff::Timestamp> = imported
        .sessions
        .iter()
        .filter(|s| {
            s.front
                .start
                .as_deref()
                .is_some_and(|t| t.contains("T11:00:00"))
        })
        .map(|s| s.front.start.as_deref().unwrap().parse().unwrap())
        .collect();
    assert_eq!(starts.len(), at_eleven);
    let expected: jiff::Timestamp = "2025-11-13T16:00:00Z".parse().unwrap();
    assert!(starts.iter().all(|t| *t == expected), "{starts:?}");
}

#[test]
fn seed_004_reports_every_repair_with_its_line() {
    let imported = import_004(&ImportOptions::default());
    // Each line found by reading the seed: the declared total, then each mangled `Speakers:` value.
    let cases: &[(usize, &str)] = &[
        (3, "declares 101 sessions here but lists 99"),
        (94, "`Daron Yöndem` (AWS)"),
        (112, "end of the title"),
        (124, "`Siyuan Zhang` and `Justin Santa Barbara`"),
        (142, "`Tim Allclair` and `Mofi Rahman`"),
        (154, "`Mathieu Girard` and `Teddy Poingt`"),
        (160, "`Sherine Khoury` (Red Hat)"),
        (166, "`Micah Hausler` (AWS)"),
        (172, "`Mauricio Vásquez Bernal` and `Jose Blanquicet`"),
        (213, "`Madhav Jivrajani` and `Kartik Ramesh`"),
        (225, "`Andrea Tosatto` and `James Munnelly`"),
        (255, "`Lucas Duarte` and `Tiago Reichert`"),
        (317, "own name where the role belongs"),
        (335, "`Ben Lambert` and `Patrik Oldsberg`"),
        (353, "own name where the role belongs"),
        (359, "`Theophilus Benson` and `Prankur Gupta`"),
        (365, "`Brian Grant` and `Alexis Richardson`"),
        (383, "`Michael Dundek` and `Ruben Vasconcelos`"),
        (389, "`Yangmin Zhu` and `Matt Mathew`"),
        (395, "date and time"),
        (413, "`Eric Tune` and `Wojciech Tyczyński`"),
        (425, "`Alice Gibbons` (Diagrid)"),
        (431, "end of the title"),
        (448, "end of the title"),
        (448, "`Vadim Bauer` (8gears)"),
        (466, "end of the title"),
        (478, "`Sri Chandrasekaran` and `Kate Klymkovska`"),
        (490, "`Soam Acharya` and `William Tom`"),
        (496, "`Michael Katchinskiy` and `Yossi Weizman`"),
        (532, "end of the title"),
        (532, "`Wenbo Qi` and `Tao Peng`"),
        (556, "`Itamar Holder` (Red Hat)"),
        (574, "`Soumya Ghosh Dastidar` and `Justin Marquis`"),
    ];
    for (line, needle) in cases {
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.level == Level::Warning
                    && d.line == *line
                    && d.message.contains(needle)),
            "no warning at line {line} containing {needle:?}; at that line: {:?}",
            imported
                .diagnostics
                .iter()
                .filter(|d| d.line == *line)
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
    }
    // And nothing else is reported: clean entries (a role with `&` or commas,
    // `Red Hat, Inc.`, nested parentheses) need no repair.
    let want: BTreeSet<usize> = cases.iter().map(|c| c.0).collect();
    assert_eq!(
        warning_lines(&imported.diagnostics),
        want,
        "{:#?}",
        imported.diagnostics
    );
    // The warnings name the file.
    assert!(
        imported
            .diagnostics
            .iter()
            .all(|d| d.to_string().contains("004_"))
    );
}

#[test]
fn seed_004_lets_the_expo_floor_overlap_and_nothing_else() {
    let imported = import_004(&ImportOptions::default());
    let shared: Vec<&str> = imported
        .event
        .front
        .rooms
        .iter()
        .filter_map(|r| match r {
            RoomEntry::Full(d) if d.shared => Some(d.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(shared, vec!["Building B | Level 1 | Exhibit Hall B3-B5"]);
    // Every room a session names is declared, once.
    let declared: Vec<String> = imported
        .event
        .front
        .rooms
        .iter()
        .map(|r| r.details().name)
        .collect();
    let named: BTreeSet<&str> = imported
        .sessions
        .iter()
        .filter_map(|s| s.front.room.as_deref())
        .collect();
    assert_eq!(declared.len(), named.len());
    assert!(declared.iter().all(|d| named.contains(d.as_str())));

    for s in &imported.sessions {
        let open_floor = matches!(
            s.front.kind.as_deref(),
            Some("registration" | "break" | "expo")
        );
        assert_eq!(
            s.front.overlap.as_deref() == Some("allowed"),
            open_floor,
            "`{}` ({:?})",
            s.front.title,
            s.front.kind
        );
    }
}

#[test]
fn seed_004_flags_override_the_document_and_say_so() {
    let flags = ImportOptions {
        name: Some("KubeCon NA".into()),
        date: Some("2025-11-14".into()),
        timezone: None,
        location: None,
    };
    let imported = import_004(&flags);
    assert_eq!(imported.event.front.name, "KubeCon NA");
    assert_eq!(
        imported.event.front.start_date.as_deref(),
        Some("2025-11-14")
    );
    assert!(
        imported.sessions[0]
            .front
            .start
            .as_deref()
            .unwrap()
            .starts_with("2025-11-14T08:00:00-05:00")
    );
    let conflict = |field: &str, line: usize| {
        imported.diagnostics.iter().any(|d| {
            d.level == Level::Warning
                && d.line == line
                && d.message.contains(&format!("says {field}"))
        })
    };
    assert!(conflict("name", 1), "{:#?}", imported.diagnostics);
    assert!(conflict("date", 2), "{:#?}", imported.diagnostics);
}

#[test]
fn crlf_line_endings_change_nothing() {
    let text = common::seed_text("004");
    let crlf = text.replace('\n', "\r\n");
    let path = common::seed("004");
    let a = sched_export::parse(&text, &path, &ImportOptions::default());
    let b = sched_export::parse(&crlf, &path, &ImportOptions::default());
    assert_eq!(a.sessions, b.sessions);
    assert_eq!(a.diagnostics, b.diagnostics);

    let text = common::seed_text("002");
    let path = common::seed("002");
    let a = flat_schedule::parse(&text, &path, &rejekts_flags());
    let b = flat_schedule::parse(&text.replace('\n', "\r\n"), &path, &rejekts_flags());
    assert_eq!(a.sessions, b.sessions);
    assert_eq!(a.diagnostics, b.diagnostics);
}

// ---------------------------------------------------------------------------
// Documents written for these tests

/// (title, speakers as `name|affiliation|role`, start, end, room, kind, track)
type Row<'a> = (
    &'a str,
    &'a [&'a str],
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn assert_rows(imported: &Imported, rows: &[Row]) {
    let titles: Vec<&str> = imported
        .sessions
        .iter()
        .map(|s| s.front.title.as_str())
        .collect();
    assert_eq!(titles, rows.iter().map(|r| r.0).collect::<Vec<_>>());
    for (s, (title, speakers, start, end, room, kind, track)) in imported.sessions.iter().zip(rows)
    {
        let got: Vec<String> = speakers_of(s)
            .iter()
            .map(|p| {
                let mut t = p.name.clone();
                for v in [&p.affiliation, &p.role].into_iter().flatten() {
                    t.push('|');
                    t.push_str(v);
                }
                t
            })
            .collect();
        assert_eq!(got, speakers.to_vec(), "speakers of `{title}`");
        assert_eq!(s.front.start.as_deref(), *start, "start of `{title}`");
        assert_eq!(s.front.end.as_deref(), *end, "end of `{title}`");
        assert_eq!(s.front.room.as_deref(), *room, "room of `{title}`");
        assert_eq!(s.front.kind.as_deref(), *kind, "kind of `{title}`");
        assert_eq!(track_of(s).as_deref(), *track, "track of `{title}`");
    }
}

#[test]
fn flat_schedule_over_two_days_in_vienna() {
    let path = common::import_fixture("flat-schedule/vienna-two-days.txt");
    let raw = std::fs::read(&path).unwrap();
    assert!(
        raw.windows(2).any(|w| w == b"\r\n"),
        "the fixture keeps its CRLF line endings"
    );
    let options = ImportOptions {
        name: Some("Datenfest Wien 2024".into()),
        timezone: Some("Europe/Vienna".into()),
        ..ImportOptions::default()
    };
    let imported = flat_schedule::parse(&common::read(&path), &path, &options);
    assert_eq!(errors(&imported.diagnostics), Vec::<String>::new());
    let rows: &[Row] = &[
        (
            "Eröffnung",
            &["Zoë Müller", "Łukasz Żółć"],
            Some("2024-10-14T09:00:00+02:00"),
            Some("2024-10-14T09:15:00+02:00"),
            Some("Großer Saal"),
            None,
            None,
        ),
        (
            "Streaming mit Rust: Erfahrungen aus drei Jahren",
            &["José Ñúñez"],
            Some("2024-10-14T09:30:00+02:00"),
            Some("2024-10-14T10:15:00+02:00"),
            Some("Großer Saal"),
            None,
            None,
        ),
        (
            "Daten & Datenschutz",
            &["Ingrid Ødegård", "Ahmed El-Sayed"],
            Some("2024-10-14T09:30:00+02:00"),
            Some("2024-10-14T10:15:00+02:00"),
            Some("Saal 2"),
            None,
            None,
        ),
        (
            "Mittagspause",
            &[],
            Some("2024-10-14T12:00:00+02:00"),
            Some("2024-10-14T13:00:00+02:00"),
            Some("Foyer"),
            None,
            None,
        ),
        (
            "Tag zwei: Rückblick",
            &["Zoë Müller"],
            Some("2024-10-15T10:00:00+02:00"),
            Some("2024-10-15T10:30:00+02:00"),
            Some("Saal 2"),
            None,
            None,
        ),
        (
            "Offene Diskussion",
            &[],
            Some("2024-10-15T10:30:00+02:00"),
            None,
            Some("Großer Saal"),
            None,
            None,
        ),
    ];
    assert_rows(&imported, rows);
    assert_eq!(
        imported.event.front.start_date.as_deref(),
        Some("2024-10-14")
    );
    assert_eq!(imported.event.front.end_date.as_deref(), Some("2024-10-15"));
    // Two paragraphs, separated however many blank lines the page had.
    assert_eq!(
        imported.sessions[1].body,
        "Wir zeigen, wie wir Datenströme in Rust verarbeiten.\nDie Erfahrungen stammen aus drei Produktionssystemen.\n\nDazu gibt es Messwerte und einen Ausblick."
    );
    assert_eq!(
        imported.sessions[5].body,
        "Alle Teilnehmenden sind eingeladen."
    );
    // Doubts, each at its line: the heading, a room seen once, a line that is not speakers, no length.
    for (line, needle) in [
        (1, "before the first session"),
        (42, "Foyer"),
        (57, "speaker names"),
        (55, "no length"),
    ] {
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.line == line && d.message.contains(needle)),
            "no warning at {line} about {needle:?}: {:#?}",
            imported.diagnostics
        );
    }
}

#[test]
fn flat_schedule_date_flag_moves_the_page_days() {
    let path = common::import_fixture("flat-schedule/vienna-two-days.txt");
    let options = ImportOptions {
        name: Some("Datenfest".into()),
        date: Some("2024-10-21".into()),
        timezone: Some("Europe/Vienna".into()),
        location: Some("Wien".into()),
    };
    let imported = flat_schedule::parse(&common::read(&path), &path, &options);
    assert_eq!(
        imported.sessions[0].front.start.as_deref(),
        Some("2024-10-21T09:00:00+02:00")
    );
    assert_eq!(
        imported.sessions[4].front.start.as_deref(),
        Some("2024-10-22T10:00:00+02:00")
    );
    assert!(
        imported
            .diagnostics
            .iter()
            .any(|d| d.line == 4 && d.message.contains("says date `2024-10-14`"))
    );
}

#[test]
fn sched_export_over_two_days_in_berlin() {
    let path = common::import_fixture("sched-export/berlin-two-days.txt");
    let imported = sched_export::parse(&common::read(&path), &path, &ImportOptions::default());
    assert_eq!(errors(&imported.diagnostics), Vec::<String>::new());
    let rows: &[Row] = &[
        (
            "Begrüßung",
            &["Jürgen Groß|Müller & Söhne GmbH|Entwickler"],
            Some("2025-03-31T09:00:00+02:00"),
            Some("2025-03-31T09:15:00+02:00"),
            Some("Saal A | Erdgeschoss"),
            Some("keynote"),
            None,
        ),
        (
            "Parallel Talk One",
            &[
                "Zoë Ångström|Fjord AB|CTO",
                "Chidi Okafor|Lagos Labs|Platform Engineer",
            ],
            Some("2025-03-31T10:00:00+02:00"),
            Some("2025-03-31T10:30:00+02:00"),
            Some("Saal A | Erdgeschoss"),
            None,
            Some("PLATFORM ENGINEERING"),
        ),
        (
            "Parallel Talk Two",
            &["Małgorzata Wiśniewska|Allegro|Senior Engineer"],
            Some("2025-03-31T10:00:00+02:00"),
            Some("2025-03-31T10:30:00+02:00"),
            Some("Saal B | 1. OG"),
            None,
            Some("SECURITY"),
        ),
        (
            "Kaffeepause ☕",
            &[],
            Some("2025-04-01T10:30:00+02:00"),
            Some("2025-04-01T11:00:00+02:00"),
            Some("Foyer"),
            Some("break"),
            None,
        ),
        (
            "Standing Demos",
            &[],
            Some("2025-04-01T10:30:00+02:00"),
            Some("2025-04-01T11:00:00+02:00"),
            Some("Foyer"),
            Some("expo"),
            None,
        ),
    ];
    assert_rows(&imported, rows);
    let front = &imported.event.front;
    assert_eq!(front.timezone, "Europe/Berlin");
    assert_eq!(front.location.as_deref(), Some("Berlin, Germany"));
    assert_eq!(
        (front.start_date.as_deref(), front.end_date.as_deref()),
        (Some("2025-03-31"), Some("2025-04-01"))
    );
    assert_eq!(
        imported.sessions[1].body,
        "First paragraph of a description that runs over several lines,\nas some exports wrap long text.\n\nA second paragraph after a blank line."
    );
    // `CET` on a summer-time day: one warning at that `Time:` line, time read as Berlin local time.
    let cet: Vec<&Diagnostic> = imported
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`CET`"))
        .collect();
    assert_eq!(cet.len(), 1, "{cet:?}");
    assert_eq!(cet[0].line, 20);
    // Both days' totals agree with what is listed; the `&` inside a company is no second person.
    assert_eq!(imported.diagnostics.len(), 1, "{:#?}", imported.diagnostics);
    // The break and the sponsor demos share the foyer by design.
    assert!(
        front
            .rooms
            .iter()
            .any(|r| matches!(r, RoomEntry::Full(d) if d.name == "Foyer" && d.shared))
    );
}

#[test]
fn sched_export_in_austin_with_a_real_clash() {
    let path = common::import_fixture("sched-export/austin-one-day.txt");
    let imported = sched_export::parse(&common::read(&path), &path, &ImportOptions::default());
    assert_eq!(errors(&imported.diagnostics), Vec::<String>::new());
    let rows: &[Row] = &[
        (
            "Lightning Round",
            &[
                "Ana Lima|Acme Corp",
                "Bo Chen|Initech",
                "Priya Natarajan|Independent",
            ],
            Some("2024-05-02T16:00:00-05:00"),
            Some("2024-05-02T16:30:00-05:00"),
            Some("Ballroom A"),
            Some("lightning"),
            None,
        ),
        (
            "Scaling Postgres - Lessons From the Trenches",
            &[
                "Marcus Webb|Stripe|Staff Engineer",
                "Dana Ortiz|Stripe|Staff Engineer",
            ],
            Some("2024-05-02T16:00:00-05:00"),
            Some("2024-05-02T16:45:00-05:00"),
            Some("Ballroom A"),
            None,
            Some("DATA"),
        ),
        (
            "Hands-on Terraform",
            &["Kim Park|HashiCorp, Inc.|Developer Advocate"],
            Some("2024-05-02T13:00:00-05:00"),
            Some("2024-05-02T15:00:00-05:00"),
            Some("Room 5"),
            Some("workshop"),
            None,
        ),
        (
            "After Party",
            &[],
            Some("2024-05-02T23:00:00-05:00"),
            Some("2024-05-03T01:00:00-05:00"),
            Some("Rooftop"),
            Some("social"),
            None,
        ),
    ];
    assert_rows(&imported, rows);
    assert_eq!(imported.event.front.timezone, "America/Chicago");
    // Two talks clash in Ballroom A: the room stays unshared so the checker reports it.
    assert!(
        imported
            .event
            .front
            .rooms
            .iter()
            .all(|r| matches!(r, RoomEntry::Name(_)))
    );
    let lines = warning_lines(&imported.diagnostics);
    assert_eq!(
        lines,
        BTreeSet::from([3, 6, 12, 21]),
        "{:#?}",
        imported.diagnostics
    );
}

// ---------------------------------------------------------------------------
// Bad input: an error or warning with file and line, never a panic

fn both(text: &str, options: &ImportOptions) -> [Imported; 2] {
    let p = Path::new("bad.txt");
    [
        flat_schedule::parse(text, p, options),
        sched_export::parse(text, p, options),
    ]
}

fn full_flags() -> ImportOptions {
    ImportOptions {
        name: Some("N".into()),
        date: Some("2025-01-01".into()),
        timezone: Some("UTC".into()),
        location: None,
    }
}

#[test]
fn empty_and_binary_documents_are_errors() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let garbage = String::from_utf8_lossy(&garbage).into_owned();
    for text in ["", "\n\n   \r\n", garbage.as_str(), "\0\0\0"] {
        for imported in both(text, &full_flags()) {
            assert!(imported.sessions.is_empty());
            let e = imported
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .expect("an error");
            assert!(e.to_string().starts_with("bad.txt: error:"), "{e}");
        }
    }
}

#[test]
fn flat_schedule_bad_records() {
    let p = Path::new("bad.txt");
    let parse = |text: &str| flat_schedule::parse(text, p, &full_flags());
    let at = |imported: &Imported, level: Level, line: usize, needle: &str| {
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.level == level && d.line == line && d.message.contains(needle)),
            "no {level} at {line} about {needle:?}: {:#?}",
            imported.diagnostics
        );
    };
    // An impossible time.
    let i = parse("13:75pm\n30min\nTalk\nAna Lima\n\nRoom 1\n");
    at(&i, Level::Error, 1, "13:75pm");
    assert_eq!(i.sessions.len(), 1);
    assert_eq!(i.sessions[0].front.start, None);
    // A record with no title: a time and a length, then the next slot.
    let i = parse("09:00\n09:00\n30min\n09:30\n09:30\n30min\nTalk\nAna Lima\n\nRoom 1\n");
    at(&i, Level::Error, 2, "no title");
    assert_eq!(i.sessions.len(), 1);
    // A truncated record: the document ends after the length.
    let i = parse("09:00\n09:00\n30min\nTalk\nAna Lima\n\nRoom 1\n09:30\n09:30\n30min\n");
    at(&i, Level::Error, 9, "no title");
    // A truncated record that keeps its title but lost its room.
    let i = parse("09:00\n09:00\n30min\nTalk\nAna Lima\n\nRoom 1\n09:30\n30min\nCut off\n");
    at(&i, Level::Warning, 10, "no room");
    assert_eq!(i.sessions[1].front.room, None);
    // Text only: no sessions at all.
    let i = parse("Just a paragraph of prose.\nAnd another line.\n");
    assert!(
        i.diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("no sessions"))
    );
    // A day that does not exist.
    let i = parse("February 30, 2025\n09:00\n30min\nTalk\n\nRoom\n");
    at(&i, Level::Error, 1, "not a real date");
}

#[test]
fn sched_export_bad_records() {
    let p = Path::new("bad.txt");
    let head = "Conf#\nMonday, March 3, 2025#\n";
    let parse =
        |body: &str| sched_export::parse(&format!("{head}{body}"), p, &ImportOptions::default());
    let at = |imported: &Imported, level: Level, line: usize, needle: &str| {
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.level == level && d.line == line && d.message.contains(needle)),
            "no {level} at {line} about {needle:?}: {:#?}",
            imported.diagnostics
        );
    };
    let venue = "Venue: Hall 1, Atlanta, GA, USA\n";
    // An impossible time.
    let i = parse(&format!("Talk#\nTime: 13:75pm EST - 2:00pm EST\n{venue}"));
    at(&i, Level::Error, 4, "13:75pm");
    assert_eq!(i.sessions.len(), 1);
    assert_eq!(i.sessions[0].front.start, None);
    // A zone abbreviation that cannot be mapped: refused, not guessed.
    let i = parse(&format!("Talk#\nTime: 9:00am XYZ - 10:00am XYZ\n{venue}"));
    at(&i, Level::Error, 4, "`XYZ`");
    // A real abbreviation that does not belong to the venue's country.
    let i = sched_export::parse(
        &format!("{head}Talk#\nTime: 9:00am EST - 10:00am EST\nVenue: Saal 1, Berlin, Germany\n"),
        p,
        &ImportOptions::default(),
    );
    at(&i, Level::Error, 4, "`EST`");
    // With --timezone the time is read in that zone, with a warning.
    let flags = ImportOptions {
        timezone: Some("Europe/Berlin".into()),
        ..ImportOptions::default()
    };
    let i = sched_export::parse(
        &format!("{head}Talk#\nTime: 9:00am XYZ - 10:00am XYZ\n{venue}"),
        p,
        &flags,
    );
    at(&i, Level::Warning, 4, "`XYZ`");
    assert_eq!(
        i.sessions[0].front.start.as_deref(),
        Some("2025-03-03T09:00:00+01:00")
    );
    // EDT on a winter day: warned, read as local time in the zone.
    let i = parse(&format!("Talk#\nTime: 9:00am EDT - 10:00am EDT\n{venue}"));
    at(&i, Level::Warning, 4, "`EDT` means UTC-04:00");
    assert_eq!(
        i.sessions[0].front.start.as_deref(),
        Some("2025-03-03T09:00:00-05:00")
    );
    // A record with no title line.
    let i = parse(&format!(
        "Talk#\nTime: 9:00am EST - 10:00am EST\n{venue}Time: 11:00am EST - 12:00pm EST\n{venue}"
    ));
    at(&i, Level::Error, 6, "no title");
    assert_eq!(i.sessions.len(), 1);
    let i = parse(&format!("Time: 9:00am EST - 10:00am EST\n{venue}"));
    at(&i, Level::Error, 3, "no title");
    // A truncated record: a title and nothing else.
    let i = parse(&format!(
        "Talk#\nTime: 9:00am EST - 10:00am EST\n{venue}Cut#\n"
    ));
    at(&i, Level::Warning, 6, "no `Time:`");
    assert_eq!(i.sessions.len(), 2);
    // No date anywhere: an error, not a guess.
    let i = sched_export::parse(
        &format!("Conf#\nTalk#\nTime: 9:00am EST - 10:00am EST\n{venue}"),
        p,
        &ImportOptions::default(),
    );
    at(&i, Level::Error, 3, "--date");
    // A weekday that does not match its date.
    let i = sched_export::parse(
        &format!("Conf#\nFriday, March 3, 2025#\nTalk#\nTime: 9:00am EST - 10:00am EST\n{venue}"),
        p,
        &ImportOptions::default(),
    );
    at(&i, Level::Warning, 2, "Monday");
}

/// A small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mangled_seeds_never_panic() {
    let seeds = [common::seed_text("002"), common::seed_text("004")];
    let pieces = [
        "#",
        "Time: ",
        "Speakers: ",
        " & ",
        " - ",
        "(",
        ")",
        ";",
        ",",
        "13:75pm",
        "9:00am EST",
        "30min",
        "\r",
        "\u{fffd}",
        "é",
        "Venue: ,",
        "",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..80 {
        let mut lines: Vec<String> = seeds[round % 2].lines().map(str::to_string).collect();
        for _ in 0..1 + rng.below(6) {
            let i = rng.below(lines.len());
            match rng.below(5) {
                0 => {
                    lines.remove(i);
                }
                1 => {
                    let l = lines[i].clone();
                    lines.insert(rng.below(lines.len()), l);
                }
                2 => {
                    let cut = lines[i]
                        .char_indices()
                        .map(|(k, _)| k)
                        .nth(rng.below(lines[i].chars().count() + 1))
                        .unwrap_or(lines[i].len());
                    lines[i].truncate(cut);
                }
                3 => {
                    let at = lines[i]
                        .char_indices()
                        .map(|(k, _)| k)
                        .nth(rng.below(lines[i].chars().count() + 1))
                        .unwrap_or(lines[i].len());
                    lines[i].insert_str(at, pieces[rng.below(pieces.len())]);
                }
                _ => lines.truncate(i),
            }
            if lines.is_empty() {
                lines.push(String::new());
            }
        }
        let text = lines.join("\n");
        both(&text, &full_flags());
        both(&text, &ImportOptions::default());
    }
    // Every prefix of each seed, line by line: every way a document can be cut short.
    for seed in &seeds {
        let lines: Vec<&str> = seed.lines().collect();
        for k in (0..lines.len()).step_by(11) {
            both(&lines[..k].join("\n"), &full_flags());
        }
    }
}

// ---------------------------------------------------------------------------
// Round trip: imported pages written as a site load back with the same times, rooms and speakers

fn round_trip(imported: &Imported, expected: &[Expected]) {
    let dir = tempfile::tempdir().unwrap();
    let event_slug = slugs::slugify(&imported.event.front.name);
    let slug_of = common::write_imported_site(
        dir.path(),
        "title: T\n",
        &event_slug,
        &imported.event,
        &imported.sessions,
    );

    let loaded =
        content::load_site(dir.path(), &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let event = &loaded.site.events[0];
    assert_eq!(event.sessions.len(), expected.len());
    for (slug, want) in slug_of.iter().zip(expected) {
        let s = event
            .sessions
            .iter()
            .find(|s| &s.slug == slug)
            .unwrap_or_else(|| panic!("no session {slug}"));
        let instant =
            |t: &Option<String>| t.as_deref().map(|t| t.parse::<jiff::Timestamp>().unwrap());
        assert_eq!(
            s.start.as_ref().map(|z| z.timestamp()),
            instant(&want.start),
            "start of `{}`",
            want.title
        );
        assert_eq!(
            s.end.as_ref().map(|z| z.timestamp()),
            instant(&want.end),
            "end of `{}`",
            want.title
        );
        assert_eq!(s.room, want.room, "room of `{}`", want.title);
        assert_eq!(s.title, want.title);
        let speakers: Vec<ExpectedSpeaker> = s
            .speakers
            .iter()
            .map(|p| ExpectedSpeaker {
                name: p.name.clone(),
                affiliation: p.affiliation.clone(),
                role: p.role.clone(),
            })
            .collect();
        assert_eq!(speakers, want.speakers, "speakers of `{}`", want.title);
        let open_floor = matches!(
            want.kind.as_deref(),
            Some("registration" | "break" | "expo")
        );
        assert_eq!(s.overlap_allowed, open_floor, "overlap of `{}`", want.title);
    }
}

#[test]
fn seed_002_round_trips_through_a_site() {
    round_trip(&import_002(&rejekts_flags()), &expected_sessions("002"));
}

#[test]
fn seed_004_round_trips_through_a_site() {
    let imported = import_004(&ImportOptions::default());
    round_trip(&imported, &expected_sessions("004"));
    // The shared room survives loading.
    let dir = tempfile::tempdir().unwrap();
    let slug = slugs::slugify(&imported.event.front.name);
    common::write_files(
        dir.path(),
        &[
            ("confsite.yaml", "title: T\n"),
            (
                &format!("content/{slug}/_event.md"),
                &content::write::event_page_text(&imported.event),
            ),
        ],
    );
    let loaded = content::load_site(dir.path(), &LoadOptions::default()).unwrap();
    let room = loaded.site.events[0]
        .room("Building B | Level 1 | Exhibit Hall B3-B5")
        .unwrap();
    assert!(room.shared && room.declared);
}
