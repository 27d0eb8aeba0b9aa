//! Imports from the structured formats (c3voc/frab schedule.json v1 and v2,
//! frab/pentabarf schedule.xml, Sessionize, CSV), checked against facts read
//! by hand from the fixtures, and the round trip: confsite's own
//! schedule.json (and schedule.xml) imported again gives the same sessions,
//! for the test site and for every demo event that has times.

use std::path::Path;

use confsite::build::{BuildOptions, render_in_memory};
use confsite::content::pages::{
    EventFront, LinkEntry, OneOrMany, RoomEntry, SessionPage, SpeakerEntry, SpeakerPage,
    SpeakerRef, TrackEntry,
};
use confsite::content::{LoadOptions, load_site};
use confsite::import::structured::detect_structured;
use confsite::import::{Format, ImportOptions, Imported};
use confsite::model::{Event, Session};

use crate::common::{
    build_into_temp_dir, import_errors, interop_fixture, parse_document, repo, seeds_dir,
    session_titled, write_files, write_imported_site,
};

/// A document under `tests/fixtures/interop`, read as `format`.
fn parse(format: Format, rel: &str, options: &ImportOptions) -> Imported {
    parse_document(format, &interop_fixture(rel), options)
}

fn assert_no_errors(imported: &Imported) {
    let errs = import_errors(imported);
    assert!(errs.is_empty(), "unexpected errors: {errs:#?}");
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

fn speaker<'a>(imported: &'a Imported, name: &str) -> &'a SpeakerPage {
    imported
        .speakers
        .iter()
        .find(|s| s.front.name == name)
        .unwrap_or_else(|| panic!("no speaker `{name}`"))
}

fn link(kind: &str, url: &str, title: Option<&str>) -> LinkEntry {
    LinkEntry {
        kind: kind.into(),
        url: url.into(),
        title: title.map(Into::into),
    }
}

fn extra<'a>(page: &'a SessionPage, key: &str) -> Option<&'a serde_json::Value> {
    page.front.extra.as_ref().and_then(|e| e.get(key))
}

fn with_zone(zone: &str) -> ImportOptions {
    ImportOptions {
        timezone: Some(zone.into()),
        ..ImportOptions::default()
    }
}

/// Writes an import as a site (as `confsite import` would) and loads it:
/// the pages must be valid content, not just structs.
fn load_imported(imported: &Imported, event_slug: &str) -> (tempfile::TempDir, Event) {
    let dir = tempfile::tempdir().unwrap();
    write_imported_site(
        dir.path(),
        "title: Imported\nbase_url: https://imported.example.org/\n",
        event_slug,
        &imported.event,
        &imported.sessions,
    );
    let loaded = load_site(dir.path(), &LoadOptions::default())
        .unwrap_or_else(|e| panic!("the imported pages do not load:\n{e}"));
    let event = loaded.site.events.into_iter().next().expect("one event");
    (dir, event)
}

// ---- detection ----------------------------------------------------------------

#[test]
fn structured_formats_are_detected_and_text_documents_are_not() {
    let cases = [
        ("c3voc/examples/pretalx-democon.json", Format::ScheduleJson),
        ("c3voc/examples/frab-camp2019.json", Format::ScheduleJson),
        ("c3voc/examples/hub-schedule2.json", Format::ScheduleJson),
        ("pentabarf/schedule.xml", Format::ScheduleXml),
        ("sessionize/view-all.json", Format::Sessionize),
        ("csv/program.csv", Format::Csv),
    ];
    for (rel, want) in cases {
        let text = std::fs::read_to_string(interop_fixture(rel)).unwrap();
        let (got, why) = detect_structured(&text).unwrap_or_else(|| panic!("{rel} not detected"));
        assert_eq!(got, want, "{rel}: {why}");
        assert!(why.starts_with("detected: "), "{why}");
    }
    for entry in std::fs::read_dir(seeds_dir()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            detect_structured(&text),
            None,
            "{} is a text document",
            path.display()
        );
    }
    // Look-alikes are not taken.
    assert_eq!(detect_structured("{\"sessions\": []}"), None);
    assert_eq!(detect_structured("<html><body>x</body></html>"), None);
    assert_eq!(detect_structured("Name,Email\nAda,ada@example.org\n"), None);
}

// ---- c3voc schedule.json v1: the two real exports -----------------------------

#[test]
fn pretalx_democon_imports_every_session() {
    let imported = parse(
        Format::ScheduleJson,
        "c3voc/examples/pretalx-democon.json",
        &ImportOptions::default(),
    );
    assert_no_errors(&imported);
    assert_eq!(imported.sessions.len(), 36);
    let front = &imported.event.front;
    assert_eq!(front.name, "DemoCon");
    assert_eq!(front.timezone, "UTC");
    assert_eq!(front.start_date.as_deref(), Some("2020-12-14"));
    assert_eq!(front.end_date.as_deref(), Some("2020-12-16"));
    assert_eq!(
        front.rooms,
        [
            RoomEntry::Name("Gray Room".into()),
            RoomEntry::Name("Tan Room".into())
        ]
    );
    // The file says UTC but writes +01:00: the moments are kept, and the user told.
    let shift = imported
        .diagnostics
        .iter()
        .find(|d| d.message.contains("UTC offset"))
        .expect("the offset/zone disagreement is reported");
    assert!(
        shift.message.starts_with("36 session times"),
        "{}",
        shift.message
    );
    assert!(shift.line > 1);

    let s = session_titled(&imported, "Focused 5thgeneration hardware");
    assert_eq!(names(s), ["Brian Robinson"]);
    assert_eq!(s.front.start.as_deref(), Some("2020-12-14T08:00:00+00:00"));
    assert_eq!(s.front.end.as_deref(), Some("2020-12-14T08:30:00+00:00"));
    assert_eq!(s.front.room.as_deref(), Some("Gray Room"));
    assert_eq!(s.front.track, Some(OneOrMany::One("Phased".into())));
    assert_eq!(s.front.kind.as_deref(), Some("talk"));
    assert_eq!(s.front.language.as_deref(), Some("en"));
    assert_eq!(
        s.front.links,
        [link(
            "source",
            "http://localhost/democon/talk/G9JGWY/",
            None
        )]
    );
    assert_eq!(
        s.body,
        "Brand back-end models!\n\nStation provide certain mean. Toward region beautiful language blood.\nProfessional economic pattern a. Human plan institution thus."
    );
    assert_eq!(
        extra(s, "guid").and_then(|v| v.as_str()),
        Some("8079583e-8321-506c-95af-fd2903a5f075")
    );
    assert_eq!(extra(s, "id"), Some(&serde_json::json!(25)));

    let s = session_titled(&imported, "Re-engineered bandwidth-monitored focus group");
    assert_eq!(
        names(s),
        ["Stephanie Hudson", "Mariah Estrada", "Kathy Wallace"]
    );
    assert_eq!(s.front.start.as_deref(), Some("2020-12-16T08:30:00+00:00"));

    let s = session_titled(&imported, "Monitored 24hour customer loyalty");
    assert_eq!(s.front.kind.as_deref(), Some("workshop"));
    assert_eq!(s.front.room.as_deref(), Some("Tan Room"));
    assert_eq!(s.front.end.as_deref(), Some("2020-12-14T14:30:00+00:00"));
    assert_eq!(extra(s, "do_not_record"), Some(&serde_json::json!(true)));

    // Every one of the 27 people has a biography, kept for a speaker page.
    assert_eq!(imported.speakers.len(), 27);
    assert!(imported.speakers.iter().all(|p| !p.bio.is_empty()));
    let brian = speaker(&imported, "Brian Robinson");
    assert!(
        brian
            .bio
            .starts_with("Break through direction. Power cultural most should.\n")
            && brian.bio.ends_with("Less mother notice future set."),
        "{}",
        brian.bio
    );
    assert_eq!(brian.front.photo, None);
    let (_dir, event) = load_imported(&imported, "democon");
    assert_eq!(event.scheduled().count(), 36);
    assert_eq!(event.days().len(), 3);
}

#[test]
fn frab_camp2019_imports_every_session() {
    let imported = parse(
        Format::ScheduleJson,
        "c3voc/examples/frab-camp2019.json",
        &ImportOptions::default(),
    );
    assert_no_errors(&imported);
    assert_eq!(imported.sessions.len(), 79);
    assert_eq!(imported.event.front.name, "Chaos Communication Camp 2019");
    assert_eq!(imported.event.front.timezone, "Europe/Berlin");
    let per_day = |day: &str| {
        imported
            .sessions
            .iter()
            .filter(|s| s.front.start.as_deref().is_some_and(|t| t.starts_with(day)))
            .count()
    };
    assert_eq!(
        [
            per_day("2019-08-21"),
            per_day("2019-08-22"),
            per_day("2019-08-23"),
            per_day("2019-08-24"),
            per_day("2019-08-25")
        ],
        [17, 17, 19, 17, 9]
    );
    assert!(
        !imported
            .diagnostics
            .iter()
            .any(|d| d.message.contains("UTC offset")),
        "frab's offsets match Europe/Berlin"
    );

    let s = session_titled(&imported, "OpenCodes");
    assert_eq!(names(s), ["obelix"]);
    assert_eq!(s.front.start.as_deref(), Some("2019-08-22T12:00:00+02:00"));
    assert_eq!(s.front.end.as_deref(), Some("2019-08-22T12:45:00+02:00"));
    assert_eq!(s.front.room.as_deref(), Some("Curie"));
    assert_eq!(s.front.track, Some(OneOrMany::One("Art & Culture".into())));
    assert_eq!(s.front.kind.as_deref(), Some("lecture"));
    assert_eq!(s.front.language.as_deref(), Some("de"));
    assert_eq!(
        extra(s, "subtitle").and_then(|v| v.as_str()),
        Some("Hacker im Museum")
    );
    // frab's logo path is relative to the schedule's base URL.
    assert_eq!(
        extra(s, "logo").and_then(|v| v.as_str()),
        Some(
            "https://fahrplan.events.ccc.de/system/events/logos/000/010/400/large/IMG_2445.jpg?1565303709"
        )
    );
    assert_eq!(
        s.front.links,
        [
            link(
                "link",
                "https://zkm.de/de/ausstellung/2017/10/open-codes",
                Some("Projekwebseite")
            ),
            link(
                "source",
                "https://fahrplan.events.ccc.de/camp/2019/Fahrplan/events/10400.html",
                None
            ),
        ]
    );
    assert!(s.body.starts_with("Computer können Kunst erzeugen."));
    assert!(s.body.contains("\n\nDie Ausstellung 'Open Codes'"));
    assert!(!s.body.contains('\r'), "Windows line ends are normalised");

    // Attachments too, resolved against the base URL.
    let with_slides = imported
        .sessions
        .iter()
        .flat_map(|s| &s.front.links)
        .find(|l| l.url.contains("Hacking_Containers_and_Kubernetes.pdf"))
        .expect("the attachment is a link");
    // Its title names a kind.
    assert_eq!(with_slides.kind, "slides");
    assert_eq!(with_slides.title.as_deref(), Some("Slides"));
    assert!(
        with_slides
            .url
            .starts_with("https://fahrplan.events.ccc.de/system/event_attachments/")
    );

    let s = session_titled(&imported, "Infrastructure Review");
    assert!(s.front.speakers.is_empty());
    // A three-hour session, by its `03:00` duration.
    let s = session_titled(&imported, "Lightning Talks");
    let at = |t: &Option<String>| t.as_deref().unwrap().parse::<jiff::Timestamp>().unwrap();
    assert_eq!(
        at(&s.front.start)
            .duration_until(at(&s.front.end))
            .as_hours(),
        3
    );

    let (_dir, event) = load_imported(&imported, "camp2019");
    assert_eq!(event.scheduled().count(), 79);
    assert_eq!(
        event
            .rooms
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Curie", "Meitner"]
    );
}

// ---- c3voc schedule.json v2 -------------------------------------------------

#[test]
fn schedule_json_v2_resolves_rooms_tracks_and_people() {
    let imported = parse(
        Format::ScheduleJson,
        "c3voc/examples/hub-schedule2.json",
        &ImportOptions::default(),
    );
    assert_no_errors(&imported);
    assert_eq!(imported.sessions.len(), 2);
    let front: &EventFront = &imported.event.front;
    assert_eq!(front.name, "38C3");
    assert_eq!(front.timezone, "Europe/Berlin");
    assert_eq!(
        front.url.as_deref(),
        Some("https://events.ccc.de/congress/2024/")
    );
    assert_eq!(front.rooms.len(), 5);
    assert_eq!(
        front.rooms[0].details().description.as_deref(),
        Some("Lecture hall in CCH central, Level +2 to +4")
    );
    // A translation map without English: the first text is used.
    assert_eq!(
        front.rooms[4].details().description.as_deref(),
        Some("Community-Stage in Saal Y in CCH Ost, Level +2")
    );
    assert_eq!(front.tracks.len(), 7);
    assert_eq!(
        front.tracks[0],
        TrackEntry::Full(confsite::content::pages::TrackDetails {
            name: "Art & Beauty".into(),
            color: Some("#F9B000".into()),
            ..Default::default()
        })
    );

    let s = session_titled(&imported, "38C3: Opening Ceremony");
    assert_eq!(names(s), ["Gabriela Bogk", "Aline Blankertz", "Senficon"]);
    assert_eq!(
        s.front.speakers[2],
        SpeakerEntry::Full(SpeakerRef {
            name: Some("Senficon".into()),
            role: Some("contributor".into()),
            ..Default::default()
        })
    );
    assert_eq!(extra(s, "code"), Some(&serde_json::json!("HQCCYH")));
    assert_eq!(s.front.start.as_deref(), Some("2024-12-27T10:30:00+01:00"));
    assert_eq!(s.front.end.as_deref(), Some("2024-12-27T11:00:00+01:00"));
    assert_eq!(s.front.room.as_deref(), Some("Saal 1"));
    assert_eq!(s.front.track, Some(OneOrMany::One("CCC".into())));
    assert_eq!(s.front.kind.as_deref(), Some("other"));
    assert_eq!(
        s.front.links,
        [
            link("link", "https://example.net/", Some("foo bar")),
            link(
                "origin",
                "https://fahrplan.events.ccc.de/congress/2024/fahrplan/talk/HQCCYH/",
                None
            ),
            link(
                "feedback",
                "https://fahrplan.events.ccc.de/congress/2024/fahrplan/talk/HQCCYH/feedback/",
                None
            ),
            link("slides", "https://example.net/foo/bar/1235.pdf", None),
            link(
                "source",
                "https://events.ccc.de/congress/2024/hub/event/38c3-opening-ceremony/",
                None
            ),
        ]
    );
    assert!(s.body.starts_with("Glad you could make it!"));
    assert!(s.body.ends_with("Let's kick this thing off together!"));

    let s = session_titled(&imported, "A Competitive Time-Trial AI for Need for Speed:");
    assert_eq!(
        extra(s, "subtitle").and_then(|v| v.as_str()),
        Some("Most Wanted Using Deep Reinforcement Learning")
    );
    assert_eq!(s.front.start.as_deref(), Some("2024-12-28T00:15:00+01:00"));
    assert_eq!(s.front.room.as_deref(), Some("Saal ZIGZAG"));
    assert_eq!(
        s.front.track,
        Some(OneOrMany::One("Hardware & Making".into()))
    );
    assert_eq!(names(s), ["Sebastian Schwarz"]);
    assert!(s.front.links.iter().any(|l| l.kind == "origin"
        && l.url == "https://fahrplan.events.ccc.de/congress/2024/fahrplan/talk/TPGRNN/"));
    assert!(extra(s, "logo").is_some());
    // Four people with biographies, avatars and links under `schedule.persons`.
    assert_eq!(imported.speakers.len(), 4);
    let gabriela = speaker(&imported, "Gabriela Bogk");
    assert!(
        gabriela
            .bio
            .starts_with("Gabriela, the hacker formerly known as Andreas")
    );
    assert_eq!(
        gabriela.front.photo.as_deref(),
        Some(
            "https://fahrplan.events.ccc.de/congress/2024/fahrplan/media/avatars/SB9MER_Hwgr1fW.jpg"
        )
    );
    assert_eq!(
        gabriela.front.links,
        [
            link("activitypub", "https://example.net/@handle/123456", None),
            link(
                "source",
                "https://events.ccc.de/congress/2024/hub/user/speaker_0c16ffaa-709d-599f-959f-9a38b911361a/",
                None
            ),
        ]
    );
    let sebastian = speaker(&imported, "Sebastian Schwarz");
    // The hub names the service where there is no type; Windows line ends become `\n`.
    assert_eq!(sebastian.front.links[0].kind, "bluesky");
    assert!(
        sebastian.bio.contains("at E.ON.\n\nEver since"),
        "{}",
        sebastian.bio
    );
    let (_dir, event) = load_imported(&imported, "38c3");
    assert_eq!(event.scheduled().count(), 2);
}

// ---- frab/pentabarf schedule.xml ----------------------------------------------

#[test]
fn pentabarf_xml_imports_with_day_change_and_html_abstracts() {
    let without_zone = parse(
        Format::ScheduleXml,
        "pentabarf/schedule.xml",
        &ImportOptions::default(),
    );
    let err = import_errors(&without_zone);
    assert_eq!(err.len(), 1, "{err:#?}");
    assert!(err[0].message.contains("--timezone"), "{}", err[0]);

    let imported = parse(
        Format::ScheduleXml,
        "pentabarf/schedule.xml",
        &with_zone("Europe/Brussels"),
    );
    assert_no_errors(&imported);
    assert_eq!(imported.sessions.len(), 6);
    let front = &imported.event.front;
    assert_eq!(front.name, "Open Source Winter Meeting 2024");
    assert_eq!(front.venue.as_deref(), Some("ULB Solbosch"));
    assert_eq!(front.location.as_deref(), Some("Brussels"));
    assert_eq!(front.start_date.as_deref(), Some("2024-02-03"));
    assert_eq!(front.end_date.as_deref(), Some("2024-02-04"));

    let s = session_titled(&imported, "Welcome to OSWM");
    assert_eq!(names(s), ["Marie Dupont", "Jan Peeters"]);
    assert_eq!(s.front.start.as_deref(), Some("2024-02-03T09:30:00+01:00"));
    assert_eq!(s.front.end.as_deref(), Some("2024-02-03T09:55:00+01:00"));
    assert_eq!(s.front.room.as_deref(), Some("Janson"));
    assert_eq!(s.front.track, Some(OneOrMany::One("Keynotes".into())));
    assert_eq!(s.body, "<p>Welcome, and how the weekend works.</p>");
    assert_eq!(
        extra(s, "subtitle").and_then(|v| v.as_str()),
        Some("Opening the weekend")
    );
    assert_eq!(extra(s, "id"), Some(&serde_json::json!(1001)));
    assert_eq!(
        s.front.links,
        [
            link(
                "link",
                "https://video.oswm.example.org/2024/welcome.webm",
                Some("Video recording (WebM/VP9)")
            ),
            link(
                "slides",
                "https://oswm.example.org/2024/slides/welcome.pdf",
                Some("Slides")
            ),
        ]
    );
    // A relative link with no base URL to resolve it: reported, with its line.
    let dropped = imported
        .diagnostics
        .iter()
        .find(|d| d.message.contains("/2024/schedule/event/welcome/"))
        .expect("the unresolvable link is reported");
    assert_eq!(dropped.line, 40, "{dropped}");

    let s = session_titled(&imported, "The state of the kernel & friends");
    assert_eq!(
        s.body,
        "<p>Where <em>the kernel</em> is going.</p>\n\nLonger text.\n\nSecond paragraph."
    );
    assert_eq!(s.front.language, None);
    assert_eq!(s.front.kind.as_deref(), Some("maintrack"));

    // Before the 09:00 day change: the next calendar date, same program day.
    let s = session_titled(&imported, "After hours lightning talks");
    assert_eq!(s.front.start.as_deref(), Some("2024-02-04T00:45:00+01:00"));
    assert_eq!(names(s), ["Sam O'Neil", "Marie Dupont"]);
    let s = session_titled(&imported, "Night owls BoF");
    assert_eq!(s.front.start.as_deref(), Some("2024-02-03T23:30:00+01:00"));
    assert!(s.front.speakers.is_empty());
    let s = session_titled(&imported, "Closing");
    assert_eq!(s.front.start.as_deref(), Some("2024-02-04T09:00:00+01:00"));
    assert_eq!(s.front.language.as_deref(), Some("fr"));

    let (_dir, event) = load_imported(&imported, "oswm");
    assert_eq!(event.scheduled().count(), 6);
    assert_eq!(
        event
            .rooms
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Janson", "K.1.105 (La Fontaine)"]
    );
}

// ---- Sessionize -------------------------------------------------------------

#[test]
fn sessionize_view_all_imports_with_ids_resolved() {
    let without_zone = parse(
        Format::Sessionize,
        "sessionize/view-all.json",
        &ImportOptions::default(),
    );
    assert!(
        import_errors(&without_zone)
            .iter()
            .any(|d| d.message.contains("--timezone"))
    );

    let options = ImportOptions {
        name: Some("Northwind DevDays 2025".into()),
        timezone: Some("Europe/Amsterdam".into()),
        ..ImportOptions::default()
    };
    let imported = parse(Format::Sessionize, "sessionize/view-all.json", &options);
    assert_no_errors(&imported);
    assert_eq!(imported.sessions.len(), 7);
    let front = &imported.event.front;
    assert_eq!(front.name, "Northwind DevDays 2025");
    assert_eq!(front.timezone, "Europe/Amsterdam");
    assert_eq!(
        front.rooms,
        [
            RoomEntry::Name("Main Stage".into()),
            RoomEntry::Name("Room 2 (Workshops)".into())
        ]
    );
    assert_eq!(
        front.tracks,
        [
            TrackEntry::Name("Backend".into()),
            TrackEntry::Name("Data & Ops".into()),
            TrackEntry::Name("Culture & Practice".into())
        ]
    );

    let s = session_titled(&imported, "Keynote: Shipping Software People Trust");
    assert_eq!(
        s.front.speakers,
        [SpeakerEntry::Full(SpeakerRef {
            name: Some("Amara Okafor".into()),
            affiliation: Some("VP Engineering, Paylane".into()),
            ..Default::default()
        })]
    );
    assert_eq!(s.front.start.as_deref(), Some("2025-10-24T09:00:00+02:00"));
    assert_eq!(s.front.end.as_deref(), Some("2025-10-24T09:45:00+02:00"));
    assert_eq!(s.front.room.as_deref(), Some("Main Stage"));
    assert_eq!(
        s.front.track,
        Some(OneOrMany::One("Culture & Practice".into()))
    );
    assert_eq!(s.front.kind.as_deref(), Some("keynote"));
    assert_eq!(
        s.front.links,
        [link(
            "video",
            "https://www.youtube.com/watch?v=abc123XYZ",
            None
        )]
    );
    assert_eq!(
        s.body,
        "Why reliability is a feature.\n\nA look at what users notice first."
    );
    assert_eq!(
        extra(s, "sessionize_id"),
        Some(&serde_json::json!("612001"))
    );
    assert_eq!(extra(s, "plenum"), Some(&serde_json::json!(true)));

    let s = session_titled(&imported, "Type-safe APIs with OpenAPI & Rust");
    assert_eq!(s.front.level.as_deref(), Some("Intermediate"));
    assert_eq!(s.front.kind.as_deref(), Some("session"));
    assert_eq!(s.front.language.as_deref(), Some("English"));
    assert_eq!(s.front.room.as_deref(), Some("Room 2 (Workshops)"));
    assert_eq!(
        extra(s, "answers"),
        Some(&serde_json::json!({"Do you need a video adapter?": "Yes, HDMI"}))
    );

    let s = session_titled(&imported, "Data pipelines that don't wake you up at night");
    assert_eq!(names(s), ["Priya Raman", "Amara Okafor"]);
    assert_eq!(
        s.front.speakers[0],
        SpeakerEntry::Name("Priya Raman".into())
    );
    assert_eq!(
        s.front.links,
        [link("stream", "https://stream.example.org/main", None)]
    );
    assert_eq!(s.front.level.as_deref(), Some("Introductory and overview"));

    let s = session_titled(&imported, "Hands-on: Observability from Zero");
    assert_eq!(names(s), ["Léa Moreau", "Jonas Bergström"]);
    assert_eq!(s.front.tags, ["Observability", "Docker"]);
    assert_eq!(s.front.kind.as_deref(), Some("workshop"));
    assert_eq!(s.front.track, Some(OneOrMany::One("Data & Ops".into())));

    let s = session_titled(&imported, "Lunch");
    assert_eq!(s.front.kind.as_deref(), Some("service"));
    assert_eq!(s.front.room, None);
    assert!(s.front.speakers.is_empty());
    assert_eq!(s.body, "");

    let s = session_titled(&imported, "Community Night");
    assert_eq!(s.front.end.as_deref(), Some("2025-10-25T01:00:00+02:00"));

    let s = session_titled(&imported, "Accessibility Is Not a Checklist");
    assert_eq!(s.front.start, None);
    assert_eq!(names(s), ["Tom Nguyen"]);
    assert_eq!(extra(s, "status"), Some(&serde_json::json!("Waitlisted")));

    // Speaker details (bio, photo, links) are read for speaker pages.
    let path = interop_fixture("sessionize/view-all.json");
    let full = confsite::import::sessionize::parse(
        &std::fs::read_to_string(&path).unwrap(),
        &path,
        &options,
    );
    assert_eq!(full.speakers.len(), 5);
    let amara = &full.speakers[0];
    assert_eq!(amara.front.name, "Amara Okafor");
    assert_eq!(
        amara.bio,
        "Amara leads platform reliability at a payments company."
    );
    assert_eq!(
        amara.front.links[0],
        link(
            "linkedin",
            "https://www.linkedin.com/in/amara-okafor-example",
            Some("LinkedIn")
        )
    );
    assert!(
        amara
            .front
            .photo
            .as_deref()
            .unwrap()
            .starts_with("https://sessionize.com/image/")
    );

    let (_dir, event) = load_imported(&imported, "devdays");
    assert_eq!(event.scheduled().count(), 6);
    assert_eq!(event.unscheduled().count(), 1);
}

#[test]
fn sessionize_grouped_view_is_refused_with_advice() {
    let grouped = r#"[{"groupId": null, "groupName": "All", "sessions": []}]"#;
    let (format, _) = detect_structured(grouped).expect("recognised, to give advice");
    assert_eq!(format, Format::Sessionize);
    let imported = format.parse(grouped, Path::new("grid.json"), &ImportOptions::default());
    assert!(import_errors(&imported)[0].message.contains("view/All"));
}

// ---- CSV --------------------------------------------------------------------

#[test]
fn csv_table_imports_by_header_names() {
    let options = ImportOptions {
        name: Some("Neighbourhood Tech Day".into()),
        timezone: Some("Europe/Lisbon".into()),
        ..ImportOptions::default()
    };
    let imported = parse(Format::Csv, "csv/program.csv", &options);
    assert_no_errors(&imported);
    assert_eq!(imported.sessions.len(), 7);
    assert_eq!(imported.event.front.name, "Neighbourhood Tech Day");

    let s = session_titled(&imported, "Welcome & Opening");
    assert_eq!(
        s.front.speakers,
        [SpeakerEntry::Full(SpeakerRef {
            name: Some("Dana Reyes".into()),
            affiliation: Some("City Library".into()),
            ..Default::default()
        })]
    );
    assert_eq!(s.front.start.as_deref(), Some("2025-06-14T09:00:00+01:00"));
    assert_eq!(s.front.end.as_deref(), Some("2025-06-14T09:15:00+01:00"));
    assert_eq!(s.front.room.as_deref(), Some("Hall A"));
    assert_eq!(s.front.kind.as_deref(), Some("keynote"));
    assert_eq!(s.body, "Housekeeping and thanks.");
    assert_eq!(
        extra(s, "Notes for volunteers"),
        Some(&serde_json::json!("Mic check at 08:45"))
    );

    let s = session_titled(&imported, "Maps, Data, and You");
    assert_eq!(names(s), ["Kofi Mensah", "Ines Castro"]);
    assert_eq!(s.front.track, Some(OneOrMany::One("Civic Tech".into())));
    assert_eq!(
        s.body,
        "How open map data helps neighbourhoods.\n\nWith a live demo."
    );
    assert_eq!(
        s.front.links,
        [
            link("video", "https://video.example.org/maps", None),
            link("slides", "https://example.org/slides/maps.pdf", None),
        ]
    );

    let s = session_titled(&imported, "Repair Café Workshop");
    assert_eq!(names(s), ["Sam Lee", "Ana Popescu"]);
    assert_eq!(
        s.front.track,
        Some(OneOrMany::Many(vec![
            "Hands-on".into(),
            "Sustainability".into()
        ]))
    );

    let s = session_titled(&imported, "Lunch");
    assert_eq!(s.front.room, None);
    assert!(s.front.speakers.is_empty());

    // Past midnight: the end is read as the next day, and the repair reported.
    let s = session_titled(&imported, "Evening Film Screening");
    assert_eq!(s.front.start.as_deref(), Some("2025-06-14T22:30:00+01:00"));
    assert_eq!(s.front.end.as_deref(), Some("2025-06-15T00:30:00+01:00"));
    let warn = |line: usize, needle: &str| {
        imported
            .diagnostics
            .iter()
            .any(|d| d.line == line && d.message.contains(needle))
    };
    assert!(warn(8, "the next day"), "{:#?}", imported.diagnostics);
    assert!(
        warn(9, "read as one speaker"),
        "{:#?}",
        imported.diagnostics
    );
    assert!(
        warn(1, "Notes for volunteers"),
        "{:#?}",
        imported.diagnostics
    );

    let s = session_titled(&imported, "Lightning Talks");
    assert_eq!(s.front.start.as_deref(), Some("2025-06-15T10:00:00+01:00"));
    assert_eq!(s.front.end, None);

    let s = session_titled(&imported, "Tbd: Community Ideas");
    assert_eq!(s.front.start, None);

    let (_dir, event) = load_imported(&imported, "techday");
    assert_eq!(event.scheduled().count(), 6);
}

#[test]
fn csv_with_semicolons_datetimes_and_durations() {
    let text = "Session title;Speaker;Start;Duration;Room\n\
                Opening;Ana;2025-03-01 09:00;30;Aula\n\
                Deep dive;Bo (Acme, Inc.);2025-03-01 10:00;1h15m;Aula\n";
    let imported = Format::Csv.parse(text, Path::new("t.csv"), &with_zone("Europe/Madrid"));
    assert_no_errors(&imported);
    let s = session_titled(&imported, "Deep dive");
    assert_eq!(s.front.end.as_deref(), Some("2025-03-01T11:15:00+01:00"));
    assert_eq!(
        s.front.speakers,
        [SpeakerEntry::Full(SpeakerRef {
            name: Some("Bo".into()),
            affiliation: Some("Acme, Inc.".into()),
            ..Default::default()
        })]
    );
    assert_eq!(
        session_titled(&imported, "Opening").front.end.as_deref(),
        Some("2025-03-01T09:30:00+01:00")
    );
}

#[test]
fn csv_errors_name_the_row() {
    let no_title = Format::Csv.parse(
        "Speaker,Room\nAna,Aula\n",
        Path::new("t.csv"),
        &ImportOptions::default(),
    );
    assert!(
        import_errors(&no_title)[0]
            .message
            .contains("no title column")
    );

    let text = "Title,Date,Start\nOk,2025-03-01,09:00\nBad date,01/03/2025,09:00\nBad time,2025-03-01,nine\nToo many,2025-03-01,10:00,extra\n";
    let imported = Format::Csv.parse(text, Path::new("t.csv"), &with_zone("UTC"));
    let lines: Vec<usize> = import_errors(&imported).iter().map(|d| d.line).collect();
    assert_eq!(lines, [3, 4, 5], "{:#?}", imported.diagnostics);

    let no_zone = Format::Csv.parse(text, Path::new("t.csv"), &ImportOptions::default());
    assert!(
        import_errors(&no_zone)
            .iter()
            .any(|d| d.message.contains("--timezone"))
    );
}

// ---- errors in the other formats ---------------------------------------------

#[test]
fn broken_documents_give_errors_with_lines() {
    let json = Format::ScheduleJson.parse(
        "{\n  \"schedule\": {\n    \"version\": \"1\",\n    oops\n",
        Path::new("s.json"),
        &ImportOptions::default(),
    );
    let e = import_errors(&json);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 4, "{}", e[0]);

    let xml = Format::ScheduleXml.parse(
        "<schedule>\n<conference><title>X</title></conference>\n<day date=\"2024-01-01\">\n</schedule>\n",
        Path::new("s.xml"),
        &ImportOptions::default(),
    );
    let e = import_errors(&xml);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].message.contains("not well-formed"), "{}", e[0]);
    assert!(e[0].line >= 3, "{}", e[0]);

    let not_schedule =
        Format::ScheduleXml.parse("<html/>", Path::new("x.xml"), &ImportOptions::default());
    assert!(import_errors(&not_schedule)[0].message.contains("<html>"));

    let untitled = Format::ScheduleJson.parse(
        r#"{"schedule": {"version": "1", "conference": {"title": "T", "time_zone_name": "UTC",
            "days": [{"date": "2024-01-01", "rooms": {"A": [
              {"guid": "x", "date": "2024-01-01T10:00:00+00:00", "duration": "00:30"}]}}]}}}"#,
        Path::new("u.json"),
        &ImportOptions::default(),
    );
    let e = import_errors(&untitled);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 3, "{}", e[0]);
}

#[test]
fn flags_override_the_document_and_say_so() {
    let options = ImportOptions {
        name: Some("DemoCon 2020".into()),
        timezone: Some("Europe/Berlin".into()),
        ..ImportOptions::default()
    };
    let imported = parse(
        Format::ScheduleJson,
        "c3voc/examples/pretalx-democon.json",
        &options,
    );
    assert_no_errors(&imported);
    assert_eq!(imported.event.front.name, "DemoCon 2020");
    assert_eq!(imported.event.front.timezone, "Europe/Berlin");
    for field in ["event name", "time zone"] {
        assert!(
            imported
                .diagnostics
                .iter()
                .any(|d| d.message.contains(field)),
            "{field}"
        );
    }
    // In the offset's own zone the times read as written, with nothing to report.
    assert!(
        !imported
            .diagnostics
            .iter()
            .any(|d| d.message.contains("UTC offset"))
    );
    assert_eq!(
        session_titled(&imported, "Focused 5thgeneration hardware")
            .front
            .start
            .as_deref(),
        Some("2020-12-14T09:00:00+01:00")
    );
}

// ---- round trip through confsite's own exports --------------------------------

/// The scheduled sessions of `event` exported as `file` and imported again.
fn round_trip(root: &Path, file: &str, format: Format) -> Vec<(Event, Event)> {
    let rendered = render_in_memory(&BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("{} does not build:\n{e}", root.display()));
    let mut pairs = Vec::new();
    for event in &rendered.site.events {
        if event.scheduled().next().is_none() {
            continue;
        }
        let path = format!("{}/{file}", event.slug);
        let out = rendered
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"));
        let text = String::from_utf8(out.contents.clone()).unwrap();
        let imported = format.parse(&text, Path::new(&path), &ImportOptions::default());
        assert_no_errors(&imported);
        assert!(
            imported.diagnostics.is_empty(),
            "{path}: confsite's own export imports without a doubt: {:#?}",
            imported.diagnostics
        );
        let (_dir, again) = load_imported(&imported, &event.slug);
        pairs.push((event.clone(), again));
    }
    pairs
}

fn instant(s: &Session) -> (Option<String>, Option<String>) {
    (
        s.start.as_ref().map(confsite::time::rfc3339),
        s.end.as_ref().map(confsite::time::rfc3339),
    )
}

/// Everything a session page says, through schedule.json and back.
fn assert_same_sessions(before: &Event, after: &Event) {
    let scheduled: Vec<&Session> = before.scheduled().collect();
    assert_eq!(after.sessions.len(), scheduled.len(), "{}", before.slug);
    for s in scheduled {
        let t = after
            .sessions
            .iter()
            .find(|t| t.slug == s.slug)
            .unwrap_or_else(|| {
                panic!("{}: `{}` came back under another slug", before.slug, s.slug)
            });
        let what = format!("{}/{}", before.slug, s.slug);
        assert_eq!(t.title, s.title, "{what}");
        assert_eq!(t.kind, s.kind, "{what}");
        assert_eq!(t.speakers, s.speakers, "{what}");
        assert_eq!(instant(t), instant(s), "{what}");
        assert_eq!(t.room, s.room, "{what}");
        assert_eq!(t.tracks, s.tracks, "{what}");
        assert_eq!(t.links, s.links, "{what}");
        assert_eq!(t.tags, s.tags, "{what}");
        assert_eq!(t.language, s.language, "{what}");
        assert_eq!(t.level, s.level, "{what}");
        assert_eq!(t.prerequisites, s.prerequisites, "{what}");
        assert_eq!(t.body, s.body, "{what}");
        assert_eq!(t.body_kind, s.body_kind, "{what}");
        assert_eq!(t.overlap_allowed, s.overlap_allowed, "{what}");
    }
    assert_eq!(after.tz_name, before.tz_name);
    assert_eq!(after.name, before.name);
    let room_names = |e: &Event| e.rooms.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let used: Vec<String> = room_names(before)
        .into_iter()
        .filter(|r| {
            after.room(r).is_some() || before.scheduled().any(|s| s.room.as_ref() == Some(r))
        })
        .collect();
    assert_eq!(room_names(after), used, "rooms keep their order");
    let track_names = |e: &Event| e.tracks.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        track_names(after),
        track_names(before),
        "tracks keep their order"
    );
}

#[test]
fn schedule_json_round_trips_the_test_site() {
    let pairs = round_trip(
        &interop_fixture("site"),
        "schedule.json",
        Format::ScheduleJson,
    );
    assert_eq!(pairs.len(), 1, "only the event with times has a schedule");
    let (before, after) = &pairs[0];
    assert_same_sessions(before, after);
    // Hex colours are carried; a colour name has no c3voc form.
    assert_eq!(
        after.track("Web").unwrap().color.as_deref(),
        Some("#33aa77")
    );
    assert_eq!(after.track("Systems").unwrap().color, None);
    // Room descriptions travel in conference.rooms.
    assert_eq!(
        after.room("Main Hall").unwrap().description.as_deref(),
        Some("Ground floor, step-free.")
    );
    // The guid is kept for apps: the same guid on a re-export.
    let kept = after
        .sessions
        .iter()
        .find(|s| s.slug == "kept-guid")
        .unwrap();
    assert_eq!(
        kept.extra["guid"].as_str(),
        Some("8079583e-8321-506c-95af-fd2903a5f075")
    );
}

#[test]
fn schedule_json_round_trips_every_demo_event_with_times() {
    let pairs = round_trip(&repo(), "schedule.json", Format::ScheduleJson);
    assert!(!pairs.is_empty(), "the demo site has an event with times");
    for (before, after) in &pairs {
        assert_same_sessions(before, after);
    }
}

/// schedule.xml carries less (one track, no affiliations, no page slugs),
/// but titles, speakers, times, rooms, first tracks and links come back.
#[test]
fn schedule_xml_round_trips_what_it_holds() {
    for root in [interop_fixture("site"), repo()] {
        for (before, after) in round_trip(&root, "schedule.xml", Format::ScheduleXml) {
            let key = |s: &Session| {
                (
                    s.start.as_ref().map(|z| z.timestamp()),
                    s.room.clone(),
                    s.title.clone(),
                )
            };
            let mut a: Vec<&Session> = before.scheduled().collect();
            let mut b: Vec<&Session> = after.sessions.iter().collect();
            a.sort_by_key(|s| key(s));
            b.sort_by_key(|s| key(s));
            assert_eq!(a.len(), b.len());
            for (s, t) in a.iter().zip(&b) {
                let what = format!("{}/{}", before.slug, s.slug);
                // XML 1.0 cannot hold control characters; everything else survives.
                let xml_safe: String = s.title.chars().filter(|c| !c.is_control()).collect();
                assert_eq!(t.title, xml_safe, "{what}");
                assert_eq!(t.kind, s.kind, "{what}");
                let speaker_names = |x: &Session| {
                    x.speakers
                        .iter()
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>()
                };
                assert_eq!(speaker_names(t), speaker_names(s), "{what}");
                assert_eq!(instant(t), instant(s), "{what}");
                assert_eq!(t.room, s.room, "{what}");
                assert_eq!(t.primary_track(), s.primary_track(), "{what}");
                // A URL is written as a URI (`a b` as `a%20b`): the same address.
                let urls = |x: &Session| {
                    x.links
                        .iter()
                        .map(|l| {
                            let url = percent_encoding::percent_decode_str(&l.url);
                            (l.kind.clone(), url.decode_utf8_lossy().into_owned())
                        })
                        .collect::<Vec<_>>()
                };
                assert_eq!(urls(t), urls(s), "{what}");
                assert_eq!(t.body, s.body, "{what}");
            }
        }
    }
}

/// What `confsite import` will call: the format's own parser through `Format::parse`.
#[test]
fn format_names_round_trip_through_the_cli_value() {
    use clap::ValueEnum;
    for f in [
        Format::ScheduleJson,
        Format::ScheduleXml,
        Format::Sessionize,
        Format::Csv,
    ] {
        let parsed = Format::from_str(f.name(), true).unwrap();
        assert_eq!(parsed, f);
    }
}

/// The whole path a user takes: `confsite build`, then `confsite import
/// --format schedule-json` of the built file into another site, which builds
/// and holds the same sessions.
#[test]
fn cli_import_of_a_built_schedule_json_gives_the_same_sessions() {
    let (_out, built) = build_into_temp_dir(&interop_fixture("site"));
    let site = tempfile::tempdir().unwrap();
    write_files(
        site.path(),
        &[(
            "confsite.yaml",
            "title: Copy\nbase_url: https://copy.example.org/\n",
        )],
    );
    let schedule = built.join("nightconf/schedule.json");
    for format in ["schedule-json", "schedule-xml"] {
        let file = if format == "schedule-json" {
            schedule.clone()
        } else {
            built.join("nightconf/schedule.xml")
        };
        let event = format!("copy-{format}");
        let run = crate::common::confsite_ok(
            site.path(),
            &[
                "import",
                "--format",
                format,
                "--event",
                &event,
                file.to_str().unwrap(),
            ],
        );
        let stderr = crate::common::stderr(&run);
        assert!(!stderr.contains("error"), "{stderr}");
    }
    crate::common::confsite_ok(site.path(), &["build", "--root", "."]);
    let before = load_site(&interop_fixture("site"), &LoadOptions::default())
        .unwrap()
        .site
        .events
        .into_iter()
        .find(|e| e.slug == "nightconf")
        .unwrap();
    let after = load_site(site.path(), &LoadOptions::default())
        .unwrap()
        .site;
    let json_copy = after
        .events
        .iter()
        .find(|e| e.slug == "copy-schedule-json")
        .unwrap();
    assert_same_sessions(&before, json_copy);
    let xml_copy = after
        .events
        .iter()
        .find(|e| e.slug == "copy-schedule-xml")
        .unwrap();
    assert_eq!(xml_copy.sessions.len(), before.scheduled().count());
    // The rebuilt copy exports the kept guid again: apps see the same session.
    let again = crate::common::read(site.path().join("output/copy-schedule-json/schedule.json"));
    assert!(again.contains("\"guid\": \"8079583e-8321-506c-95af-fd2903a5f075\""));
}

/// Untrusted documents, cut anywhere or with bytes flipped, give
/// diagnostics, never a panic.
#[test]
fn damaged_documents_never_panic() {
    let cases = [
        ("c3voc/examples/pretalx-democon.json", Format::ScheduleJson),
        ("c3voc/examples/hub-schedule2.json", Format::ScheduleJson),
        ("pentabarf/schedule.xml", Format::ScheduleXml),
        ("sessionize/view-all.json", Format::Sessionize),
        ("csv/program.csv", Format::Csv),
    ];
    let options = ImportOptions {
        timezone: Some("Europe/Berlin".into()),
        ..ImportOptions::default()
    };
    for (rel, format) in cases {
        let text = std::fs::read_to_string(interop_fixture(rel)).unwrap();
        let cuts: Vec<usize> = (0..text.len())
            .step_by(text.len() / 150 + 1)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &cut in &cuts {
            let _ = format.parse(&text[..cut], Path::new(rel), &options);
            let mut mangled = text.clone().into_bytes();
            // Swap in characters that matter to each syntax.
            for (i, b) in mangled.iter_mut().enumerate().skip(cut).step_by(97) {
                if b.is_ascii() {
                    *b = b"<>\"&,;:{}[]\n\t\0"[i % 14];
                }
            }
            let mangled = String::from_utf8_lossy(&mangled);
            let _ = format.parse(&mangled, Path::new(rel), &options);
            let _ = detect_structured(&mangled);
        }
    }
}
