//! `confsite check`: small sites with one problem each, written into temp
//! directories, loaded with the real loader and checked; the finding's rule,
//! level, message, files and lines are asserted exactly.

use std::path::{Path, PathBuf};

use confsite::check::{self, Finding, Level, RULES, check_site, findings_json};
use confsite::content::{LoadOptions, load_site, load_site_partial};
use confsite::model::{NON_CLASHING_KINDS, Session};

use crate::common::{self, copy_tree, stdout, temp_site, write_files};

const EVENT: &str = "content/rc";

/// An event file for RustConf, 8–9 September 2026 in New York, with `extra`
/// front matter lines (each ending in a newline).
fn event(extra: &str) -> String {
    format!(
        "---\nname: RustConf 2026\ntimezone: America/New_York\nstart_date: 2026-09-08\nend_date: 2026-09-09\n{extra}---\n"
    )
}

/// A session page: `title` on line 2, `fields` from line 3 on.
fn page(title: &str, fields: &str) -> String {
    format!("---\ntitle: {title}\n{fields}---\n")
}

/// A talk: start on line 3, end on 4, room on 5 (unless empty), speakers
/// (a YAML list's items, e.g. `"Ana Lima, Ben Okafor"`) after. A time without
/// a date is on 8 September 2026.
fn talk(title: &str, start: &str, end: &str, room: &str, speakers: &str) -> String {
    let when = |t: &str| {
        if t.contains(' ') {
            t.to_string()
        } else {
            format!("2026-09-08 {t}")
        }
    };
    let mut fields = format!("start: {}\nend: {}\n", when(start), when(end));
    if !room.is_empty() {
        fields.push_str(&format!("room: {room}\n"));
    }
    if !speakers.is_empty() {
        fields.push_str(&format!("speakers: [{speakers}]\n"));
    }
    page(title, &fields)
}

/// A site in a temp dir: `confsite.yaml`, the event file and `pages`
/// (paths relative to the event directory).
fn site(event_file: &str, pages: &[(&str, String)]) -> tempfile::TempDir {
    let dir = temp_site(&[
        ("confsite.yaml", "title: Test\n"),
        ("content/rc/_event.md", event_file),
    ]);
    for (rel, text) in pages {
        write_files(dir.path(), &[(&format!("{EVENT}/{rel}"), text)]);
    }
    dir
}

/// Locations relative to `root`, so tests can name files as users see them.
fn relative(root: &Path, mut findings: Vec<Finding>) -> Vec<Finding> {
    for f in &mut findings {
        for (path, _) in &mut f.locations {
            if let Ok(rel) = path.strip_prefix(root) {
                *path = rel.to_path_buf();
            }
        }
    }
    findings
}

/// Loads the site (which must load) and checks it.
fn check(dir: &tempfile::TempDir) -> Vec<Finding> {
    let loaded = load_site(dir.path(), &LoadOptions::default())
        .unwrap_or_else(|failed| panic!("the site does not load:\n{failed}"));
    relative(dir.path(), check_site(&loaded.site))
}

/// What `confsite check` reports, loader problems included.
fn check_root(dir: &tempfile::TempDir) -> Vec<Finding> {
    relative(
        dir.path(),
        check::check_root(dir.path(), &LoadOptions::default()),
    )
}

/// `(file in the event directory, line)` pairs, as expected locations.
fn places(list: &[(&str, usize)]) -> Vec<(PathBuf, usize)> {
    list.iter()
        .map(|(file, line)| (PathBuf::from(format!("{EVENT}/{file}")), *line))
        .collect()
}

fn finding(level: Level, rule: &'static str, message: &str, at: &[(&str, usize)]) -> Finding {
    Finding {
        level,
        rule,
        message: message.to_string(),
        locations: places(at),
    }
}

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn two_talks_in_one_room_at_once_clash() {
    let dir = site(
        &event(""),
        &[
            (
                "opening-keynote.md",
                talk("Opening Keynote", "09:00", "09:30", "Main Room", "Ana Lima"),
            ),
            (
                "rust-at-scale.md",
                talk("Rust at Scale", "09:15", "10:00", "Main Room", "Ben Okafor"),
            ),
        ],
    );
    let findings = check(&dir);
    assert_eq!(
        findings,
        vec![finding(
            Level::Error,
            "room-clash",
            "\"Opening Keynote\" and \"Rust at Scale\" overlap in Main Room, 09:15–09:30",
            &[("opening-keynote.md", 3), ("rust-at-scale.md", 3)],
        )]
    );
    assert_eq!(
        findings[0].to_string(),
        "error[room-clash]: \"Opening Keynote\" and \"Rust at Scale\" overlap in Main Room, 09:15–09:30\n  \
         --> content/rc/opening-keynote.md:3\n  --> content/rc/rust-at-scale.md:3"
    );
}

#[test]
fn back_to_back_sessions_and_other_rooms_do_not_clash() {
    let dir = site(
        &event(""),
        &[
            ("a.md", talk("A", "09:00", "09:30", "Main Room", "Ana Lima")),
            ("b.md", talk("B", "09:30", "10:00", "Main Room", "Ana Lima")),
            (
                "c.md",
                talk("C", "09:00", "10:00", "Side Room", "Ben Okafor"),
            ),
        ],
    );
    assert_eq!(check(&dir), vec![]);
}

#[test]
fn a_speaker_in_two_rooms_at_once_clashes() {
    let dir = site(
        &event(""),
        &[
            (
                "async-rust.md",
                talk(
                    "Async Rust",
                    "11:00",
                    "11:45",
                    "Main Room",
                    "Ana Lima, Ben Okafor",
                ),
            ),
            (
                "embedded-rust.md",
                talk("Embedded Rust", "11:30", "12:00", "Side Room", "Ana Lima"),
            ),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![finding(
            Level::Error,
            "speaker-clash",
            "Ana Lima is in both \"Async Rust\" and \"Embedded Rust\", 11:30–11:45",
            &[("async-rust.md", 3), ("embedded-rust.md", 3)],
        )]
    );
}

#[test]
fn a_pile_up_names_every_session_that_clashes() {
    // One long session over three short ones that do not overlap each other:
    // each short one clashes with the long one and nothing else.
    let dir = site(
        &event(""),
        &[
            ("long.md", talk("Long", "09:00", "12:00", "Main Room", "")),
            ("s1.md", talk("S1", "09:00", "10:00", "Main Room", "")),
            ("s2.md", talk("S2", "10:00", "11:00", "Main Room", "")),
            ("s3.md", talk("S3", "11:00", "11:30", "Main Room", "")),
        ],
    );
    let messages: Vec<String> = check(&dir).into_iter().map(|f| f.message).collect();
    assert_eq!(
        messages,
        [
            "\"Long\" and \"S2\" overlap in Main Room, 10:00–11:00",
            "\"Long\" and \"S3\" overlap in Main Room, 11:00–11:30",
            "\"S1\" and \"Long\" overlap in Main Room, 09:00–10:00",
        ]
    );
}

#[test]
fn sessions_without_an_end_clash_when_they_start_together() {
    let dir = site(
        &event(""),
        &[
            (
                "a.md",
                page("Lightning A", "start: 2026-09-08 17:00\nroom: Main Room\n"),
            ),
            (
                "b.md",
                page("Lightning B", "start: 2026-09-08 17:00\nroom: Main Room\n"),
            ),
            (
                "c.md",
                page("Lightning C", "start: 2026-09-08 17:05\nroom: Main Room\n"),
            ),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![finding(
            Level::Error,
            "room-clash",
            "\"Lightning A\" and \"Lightning B\" overlap in Main Room, 17:00",
            &[("a.md", 3), ("b.md", 3)],
        )]
    );
}

#[test]
fn shared_rooms_kinds_and_overlap_allowed_let_sessions_overlap() {
    let dir = site(
        &event("rooms:\n  - Main Room\n  - name: Expo Hall\n    shared: true\n"),
        &[
            // A shared room: an expo talk and a sponsor demo at once.
            (
                "expo-tour.md",
                talk("Expo Tour", "10:00", "11:00", "Expo Hall", ""),
            ),
            (
                "demo.md",
                talk("Sponsor Demo", "10:15", "10:30", "Expo Hall", ""),
            ),
            // A break never clashes, in its room or for its speakers.
            (
                "break.md",
                page(
                    "Coffee",
                    "kind: break\nstart: 2026-09-08 10:00\nend: 2026-09-08 10:30\nroom: Main Room\nspeakers: [Ana Lima]\n",
                ),
            ),
            (
                "talk.md",
                talk("Talk", "10:00", "10:30", "Main Room", "Ana Lima"),
            ),
            // `overlap: allowed` on one of two sessions is enough.
            (
                "office-hours.md",
                page(
                    "Office Hours",
                    "start: 2026-09-08 11:00\nend: 2026-09-08 12:00\nroom: Main Room\nspeakers: [Ana Lima]\noverlap: allowed\n",
                ),
            ),
            (
                "panel.md",
                talk("Panel", "11:30", "12:00", "Main Room", "Ana Lima"),
            ),
        ],
    );
    assert_eq!(check(&dir), vec![]);
}

#[test]
fn a_shared_room_still_catches_a_double_booked_speaker() {
    let dir = site(
        &event("rooms:\n  - name: Expo Hall\n    shared: true\n"),
        &[
            (
                "demo-a.md",
                talk("Demo A", "10:00", "10:30", "Expo Hall", "Chen Wei"),
            ),
            (
                "demo-b.md",
                talk("Demo B", "10:15", "10:45", "Expo Hall", "Chen Wei"),
            ),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![finding(
            Level::Error,
            "speaker-clash",
            "Chen Wei is in both \"Demo A\" and \"Demo B\", 10:15–10:30",
            &[("demo-a.md", 3), ("demo-b.md", 3)],
        )]
    );
}

#[test]
fn sessions_outside_the_event_dates_are_errors() {
    let dir = site(
        &event(""),
        &[
            (
                "early.md",
                talk(
                    "Early",
                    "2026-09-07 09:00",
                    "2026-09-07 10:00",
                    "Main Room",
                    "",
                ),
            ),
            (
                "late.md",
                talk(
                    "Late",
                    "2026-09-10 09:00",
                    "2026-09-10 10:00",
                    "Main Room",
                    "",
                ),
            ),
            // Starts on the last day, runs into the day after.
            (
                "overrun.md",
                talk(
                    "Overrun",
                    "2026-09-09 20:00",
                    "2026-09-10 09:00",
                    "Main Room",
                    "",
                ),
            ),
            // Late-night sessions stay on the program's last day.
            (
                "party.md",
                talk("Party", "2026-09-09 22:00", "2026-09-10 02:00", "Roof", ""),
            ),
            (
                "hack.md",
                talk(
                    "Hack",
                    "2026-09-10 00:30",
                    "2026-09-10 01:30",
                    "Side Room",
                    "",
                ),
            ),
            (
                "ends-at-midnight.md",
                talk(
                    "Midnight",
                    "2026-09-09 23:00",
                    "2026-09-10 00:00",
                    "Studio",
                    "",
                ),
            ),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![
            finding(
                Level::Error,
                "outside-event-dates",
                "\"Early\" starts on 2026-09-07, before the event's dates (2026-09-08 to 2026-09-09)",
                &[("early.md", 3)],
            ),
            finding(
                Level::Error,
                "outside-event-dates",
                "\"Late\" starts on 2026-09-10, after the event's dates (2026-09-08 to 2026-09-09)",
                &[("late.md", 3)],
            ),
            finding(
                Level::Error,
                "outside-event-dates",
                "\"Overrun\" ends on 2026-09-10, after the event's dates (2026-09-08 to 2026-09-09)",
                &[("overrun.md", 4)],
            ),
        ]
    );
}

#[test]
fn a_one_day_event_names_its_day_and_date_plus_time_pages_point_at_date() {
    let one_day = "---\nname: Rust Day\ntimezone: Europe/Prague\nstart_date: 2026-05-20\n---\n";
    let dir = site(
        one_day,
        &[(
            "next-day.md",
            page(
                "Next Day",
                "room: Main Room\ndate: 2026-05-21\ntime: 10:00\nduration: 30m\n",
            ),
        )],
    );
    assert_eq!(
        check(&dir),
        vec![finding(
            Level::Error,
            "outside-event-dates",
            "\"Next Day\" starts on 2026-05-21, after the event's day (2026-05-20)",
            &[("next-day.md", 4)],
        )]
    );
}

#[test]
fn the_day_change_setting_decides_late_night_sessions() {
    let dir = site(
        &event(""),
        &[(
            "hack.md",
            talk(
                "Hack",
                "2026-09-10 02:30",
                "2026-09-10 03:00",
                "Main Room",
                "",
            ),
        )],
    );
    assert_eq!(check(&dir), vec![]);
    write_files(
        dir.path(),
        &[("confsite.yaml", "title: Test\nday_change: \"02:00\"\n")],
    );
    assert_eq!(rules(&check(&dir)), ["outside-event-dates"]);
}

#[test]
fn a_session_longer_than_a_day_is_a_warning() {
    let dir = site(
        &event(""),
        &[
            (
                "typo.md",
                talk("Typo", "09:00", "2026-09-09 10:00", "Main Room", ""),
            ),
            ("stated.md", page("Stated", "duration: 25h\n")),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![
            finding(
                Level::Warning,
                "long-session",
                "\"Stated\" lasts 25h; a session longer than a day is probably a typo",
                &[("stated.md", 3)],
            ),
            finding(
                Level::Warning,
                "long-session",
                "\"Typo\" lasts 25h (from 2026-09-08 09:00 to 2026-09-09 10:00); a session longer than a day is probably a typo",
                &[("typo.md", 4)],
            ),
        ]
    );
}

#[test]
fn a_timed_session_without_a_room_among_sessions_with_rooms_is_a_warning() {
    let dir = site(
        &event(""),
        &[
            (
                "in-a-room.md",
                talk("In a Room", "09:00", "10:00", "Main Room", ""),
            ),
            ("roomless.md", talk("Roomless", "10:00", "11:00", "", "")),
            // Venue-wide kinds and unscheduled sessions need no room.
            (
                "lunch.md",
                page(
                    "Lunch",
                    "kind: meal\nstart: 2026-09-08 12:00\nend: 2026-09-08 13:00\n",
                ),
            ),
            ("unscheduled.md", page("Unscheduled", "duration: 30m\n")),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![finding(
            Level::Warning,
            "missing-room",
            "\"Roomless\" has a time but no room, while the event's other sessions have rooms",
            &[("roomless.md", 3)],
        )]
    );

    let no_rooms_anywhere = site(
        &event(""),
        &[
            ("a.md", talk("A", "09:00", "10:00", "", "")),
            ("b.md", talk("B", "10:00", "11:00", "", "")),
        ],
    );
    assert_eq!(check(&no_rooms_anywhere), vec![]);
}

#[test]
fn rooms_and_tracks_the_event_file_does_not_declare_are_errors() {
    let dir = site(
        &event("rooms: [Main Room, Side Room]\ntracks: [Systems, Web]\n"),
        &[
            (
                "a.md",
                page(
                    "A",
                    "start: 2026-09-08 09:00\nend: 2026-09-08 10:00\nroom: main room\ntrack: [Systems, Embeded]\n",
                ),
            ),
            (
                "b.md",
                page(
                    "B",
                    "start: 2026-09-08 11:00\nend: 2026-09-08 12:00\nroom: main room\n",
                ),
            ),
            (
                "c.md",
                page(
                    "C",
                    "start: 2026-09-08 11:00\nend: 2026-09-08 12:00\nroom: Garden\ntrack: Web\n",
                ),
            ),
        ],
    );
    let event_file = |line| (PathBuf::from(format!("{EVENT}/_event.md")), line);
    let with_event_line = |mut f: Finding, line| {
        f.locations.push(event_file(line));
        f
    };
    assert_eq!(
        check(&dir),
        vec![
            with_event_line(
                finding(
                    Level::Error,
                    "unknown-room",
                    "room \"main room\" is not among the rooms the event file declares (did you mean \"Main Room\"?)",
                    &[("a.md", 5), ("b.md", 5)],
                ),
                6,
            ),
            with_event_line(
                finding(
                    Level::Error,
                    "unknown-track",
                    "track \"Embeded\" is not among the tracks the event file declares",
                    &[("a.md", 6)],
                ),
                7,
            ),
            with_event_line(
                finding(
                    Level::Error,
                    "unknown-room",
                    "room \"Garden\" is not among the rooms the event file declares",
                    &[("c.md", 5)],
                ),
                6,
            ),
        ]
    );
}

#[test]
fn did_you_mean_also_catches_typos() {
    let dir = site(
        &event("tracks: [Embedded, Web]\n"),
        &[("a.md", page("A", "track: Embeded\n"))],
    );
    let findings = check(&dir);
    assert_eq!(rules(&findings), ["unknown-track"]);
    assert!(
        findings[0]
            .message
            .ends_with("(did you mean \"Embedded\"?)"),
        "{}",
        findings[0].message
    );
}

#[test]
fn names_that_differ_only_in_case_spacing_punctuation_or_accents_are_warnings() {
    let dir = site(
        &event(""),
        &[
            (
                "a.md",
                page(
                    "A",
                    "start: 2026-09-08 09:00\nend: 2026-09-08 10:00\nroom: Main Room\ntrack: Cloud Native\nspeakers: [José Padilla]\n",
                ),
            ),
            (
                "b.md",
                page(
                    "B",
                    "start: 2026-09-08 10:00\nend: 2026-09-08 11:00\nroom: Main Room\ntrack: Cloud Native\nspeakers: [José Padilla]\n",
                ),
            ),
            (
                "c.md",
                page(
                    "C",
                    "start: 2026-09-08 11:00\nend: 2026-09-08 12:00\nroom: Main room\ntrack: cloud-native\nspeakers: [Jose Padilla]\n",
                ),
            ),
            (
                "d.md",
                page("D", "speakers: [\"O'Brien Kate\", OBrien Kate]\n"),
            ),
        ],
    );
    // The odd spelling's places first, then where the usual one is written.
    assert_eq!(
        check(&dir),
        vec![
            finding(
                Level::Warning,
                "room-spelling",
                "room \"Main room\" differs from \"Main Room\" only in case",
                &[("c.md", 5), ("a.md", 5)],
            ),
            finding(
                Level::Warning,
                "track-spelling",
                "track \"cloud-native\" differs from \"Cloud Native\" only in case, spacing and punctuation",
                &[("c.md", 6), ("a.md", 6)],
            ),
            finding(
                Level::Warning,
                "speaker-spelling",
                "speaker \"Jose Padilla\" differs from \"José Padilla\" only in accents",
                &[("c.md", 7), ("a.md", 7)],
            ),
            finding(
                Level::Warning,
                "speaker-spelling",
                "speaker \"OBrien Kate\" differs from \"O'Brien Kate\" only in punctuation",
                &[("d.md", 3)],
            ),
        ]
    );
}

#[test]
fn a_speaker_page_and_a_declared_room_set_the_spelling() {
    let dir = site(
        &event("rooms: [Main Room, MAIN ROOM]\n"),
        &[
            (
                "a.md",
                page("A", "room: Main Room\nspeakers: [Jose Padilla]\n"),
            ),
            (
                "b.md",
                page("B", "room: MAIN ROOM\nspeakers: [Jose Padilla]\n"),
            ),
            (
                "speakers/jose-padilla.md",
                "---\nname: José Padilla\n---\n".to_string(),
            ),
        ],
    );
    let findings = check(&dir);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "room \"MAIN ROOM\" differs from \"Main Room\" only in case",
            "speaker \"Jose Padilla\" differs from \"José Padilla\" only in accents",
        ]
    );
    // Both are declared; the first declared wins the tie in use.
    assert_eq!(
        findings[0].locations,
        places(&[("_event.md", 6), ("b.md", 3)])
    );
    assert_eq!(
        findings[1].locations,
        places(&[("a.md", 4), ("b.md", 4), ("speakers/jose-padilla.md", 2)])
    );
}

/// Rooms and tracks declared in the event file: a name given twice is an
/// error on the line of its list (the first declaration is kept), and slugs
/// stay unique in declaration order, whether from `slug:` or from the name.
#[test]
fn a_room_or_track_declared_twice_is_an_error_and_slugs_stay_unique() {
    let dir = site(
        &event(concat!(
            "rooms:\n",
            "  - Main Room\n",
            "  - name: Main Room\n",
            "    shared: true\n",
            "  - main room\n",
            "  - name: Foyer\n",
            "    slug: Main Room\n",
            "    shared: true\n",
            "  - Side Room\n",
            "tracks:\n",
            "  - name: Web\n",
            "    color: \"#0a0\"\n",
            "  - Web\n",
            "  - WEB\n",
            "  - name: Ops\n",
            "    slug: web\n",
            "  - Web\n",
        )),
        &[],
    );
    let (site, mut diags) = load_site_partial(dir.path(), &LoadOptions::default());
    for d in &mut diags {
        d.path = d.path.strip_prefix(dir.path()).unwrap().to_path_buf();
    }
    let diags: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(
        diags,
        [
            "content/rc/_event.md:6: error: room `Main Room` is declared twice",
            "content/rc/_event.md:15: error: track `Web` is declared twice",
            "content/rc/_event.md:15: error: track `Web` is declared twice",
        ]
    );
    let event = &site.expect("the config loads").events[0];
    let rooms: Vec<(&str, &str, bool)> = event
        .rooms
        .iter()
        .map(|r| (r.name.as_str(), r.slug.as_str(), r.shared))
        .collect();
    assert_eq!(
        rooms,
        [
            ("Main Room", "main-room", false),
            ("main room", "main-room-2", false),
            ("Foyer", "main-room-3", true),
            ("Side Room", "side-room", false),
        ]
    );
    let tracks: Vec<(&str, &str, Option<&str>)> = event
        .tracks
        .iter()
        .map(|t| (t.name.as_str(), t.slug.as_str(), t.color.as_deref()))
        .collect();
    assert_eq!(
        tracks,
        [
            ("Web", "web", Some("#0a0")),
            ("WEB", "web-2", None),
            ("Ops", "web-3", None),
        ]
    );
    assert!(event.rooms.iter().all(|r| r.declared));
    assert!(event.tracks.iter().all(|t| t.declared));
}

#[test]
fn a_speaker_page_without_sessions_is_a_warning() {
    let dir = site(
        &event(""),
        &[
            (
                "speakers/ana-lima.md",
                "---\nname: Ana Lima\n---\nBio.\n".to_string(),
            ),
            (
                "speakers/ben-okafor.md",
                "---\naffiliation: Ferrous\nname: Ben Okafor\n---\n".to_string(),
            ),
            ("a.md", page("A", "speakers:\n  - id: ana-lima\n")),
        ],
    );
    assert_eq!(
        check(&dir),
        vec![finding(
            Level::Warning,
            "speaker-without-sessions",
            "speaker \"Ben Okafor\" has a page but no sessions",
            &[("speakers/ben-okafor.md", 3)],
        )]
    );
}

#[test]
fn loader_errors_become_findings_with_rule_names() {
    let backwards = "---\nname: RustConf 2026\ntimezone: America/New_York\nstart_date: 2026-09-08\nend_date: 2026-09-07\n---\n";
    let dir = site(
        backwards,
        &[
            (
                "swapped.md",
                talk("Swapped", "10:00", "09:00", "Main Room", ""),
            ),
            ("intro.md", page("Intro", "slug: welcome\n")),
            ("welcome.md", page("Welcome", "")),
            ("ghost.md", page("Ghost", "speakers:\n  - id: nobody\n")),
            (
                "broken.md",
                "---\ntitle: Broken\nstart: [\n---\n".to_string(),
            ),
            (
                "speakers/ana-lima.md",
                "---\nname: Ana Lima\n---\n".to_string(),
            ),
            (
                "speakers/ana.md",
                "---\nname: Ana\nslug: ana-lima\n---\n".to_string(),
            ),
        ],
    );
    let findings = check_root(&dir);
    let summary: Vec<(&str, Level, PathBuf, usize)> = findings
        .iter()
        .map(|f| (f.rule, f.level, f.locations[0].0.clone(), f.locations[0].1))
        .collect();
    let file = |name: &str| PathBuf::from(format!("{EVENT}/{name}"));
    assert_eq!(
        summary,
        [
            ("end-before-start", Level::Error, file("_event.md"), 5),
            ("content", Level::Error, file("broken.md"), 3),
            ("unknown-speaker", Level::Error, file("ghost.md"), 3),
            ("duplicate-slug", Level::Error, file("speakers/ana.md"), 1),
            ("end-before-start", Level::Error, file("swapped.md"), 4),
            ("duplicate-slug", Level::Error, file("welcome.md"), 1),
            // The rules still run over what loaded: no session names Ana Lima.
            (
                "speaker-without-sessions",
                Level::Warning,
                file("speakers/ana-lima.md"),
                2
            ),
        ]
    );
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages[0].contains("is before start_date"),
        "{}",
        messages[0]
    );
    assert!(
        messages[4].contains("is not after start"),
        "{}",
        messages[4]
    );
    assert!(
        messages[5].contains("intro.md"),
        "names the other file: {}",
        messages[5]
    );
}

#[test]
fn an_event_can_switch_rules_off_and_hears_of_unknown_names() {
    let pages = [
        ("a.md", talk("A", "09:00", "10:00", "Main Room", "Ana Lima")),
        ("b.md", talk("B", "09:30", "10:30", "Main Room", "Ana Lima")),
    ];
    assert_eq!(
        rules(&check(&site(&event(""), &pages))),
        ["room-clash", "speaker-clash"]
    );

    let off = site(&event("check:\n  disable: [room-clash]\n"), &pages);
    assert_eq!(rules(&check(&off)), ["speaker-clash"]);

    let typo = site(
        &event("check:\n  disable: [room-clsh, speaker-clash, duplicate-slug, room-clsh]\n"),
        &pages,
    );
    assert_eq!(
        check(&typo),
        vec![
            finding(
                Level::Error,
                "room-clash",
                "\"A\" and \"B\" overlap in Main Room, 09:30–10:00",
                &[("a.md", 3), ("b.md", 3)],
            ),
            finding(
                Level::Warning,
                "unknown-rule",
                "check.disable names an unknown rule \"room-clsh\" (did you mean \"room-clash\"?)",
                &[("_event.md", 6)],
            ),
            finding(
                Level::Warning,
                "unknown-rule",
                "rule \"duplicate-slug\" cannot be switched off: the content loader stops on it",
                &[("_event.md", 6)],
            ),
        ]
    );
}

#[test]
fn findings_print_as_text_and_json() {
    let dir = site(
        &event(""),
        &[
            ("a.md", talk("A", "09:00", "10:00", "Main Room", "")),
            ("b.md", talk("B", "09:30", "10:30", "Main Room", "")),
            ("c.md", talk("C", "11:00", "12:00", "", "")),
        ],
    );
    let findings = check(&dir);
    let json: serde_json::Value = serde_json::from_str(&findings_json(&findings)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "version": 1,
            "errors": 1,
            "warnings": 1,
            "findings": [
                {
                    "level": "error",
                    "rule": "room-clash",
                    "message": "\"A\" and \"B\" overlap in Main Room, 09:30–10:00",
                    "locations": [
                        {"path": "content/rc/a.md", "line": 3},
                        {"path": "content/rc/b.md", "line": 3}
                    ]
                },
                {
                    "level": "warning",
                    "rule": "missing-room",
                    "message": "\"C\" has a time but no room, while the event's other sessions have rooms",
                    "locations": [{"path": "content/rc/c.md", "line": 3}]
                }
            ]
        })
    );
}

/// The example program: two days, an exhibit hall shared by the expo, a
/// relaxation area, sponsor demos and the coffee break, venue-wide
/// registration and lunch, late-night parties, an `overlap: allowed` panel.
fn program() -> PathBuf {
    common::repo().join("tests/fixtures/check/program")
}

#[test]
fn a_program_with_legitimate_overlaps_checks_clean() {
    let loaded = load_site(&program(), &LoadOptions::default()).unwrap();
    let findings = check_site(&loaded.site);
    assert!(findings.is_empty(), "{findings:#?}");
    // The fixture really does overlap: the exhibit hall holds four sessions at 10:05.
    let event = &loaded.site.events[0];
    let moment: jiff::Zoned = "2025-11-12T10:05[America/New_York]".parse().unwrap();
    let at_1005 = event
        .sessions
        .iter()
        .filter(|s| s.room.as_deref() == Some("Exhibit Hall"))
        .filter(|s| s.start.as_ref().is_some_and(|z| *z <= moment))
        .filter(|s| s.end.as_ref().is_some_and(|z| *z > moment))
        .count();
    assert_eq!(at_1005, 4);
}

/// A copy of the example program to break.
fn program_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&program(), dir.path());
    dir
}

const PROGRAM: &str = "content/cloud-summit-2025";

fn edit(dir: &Path, from: &str, to: &str, change: impl Fn(String) -> String) {
    let text = common::read(dir.join(PROGRAM).join(from));
    std::fs::write(dir.join(PROGRAM).join(to), change(text)).unwrap();
}

/// The acceptance case, as far as the loader lets `check` see it:
/// a session duplicated under a new title and another copy in a different
/// room clash, naming every file and both double-booked speakers.
#[test]
fn a_duplicated_and_a_moved_copy_of_a_session_are_caught() {
    let dir = program_copy();
    let retitle = |title: &'static str| {
        move |text: String| {
            text.replace(
                "title: Platform Engineering at Scale",
                &format!("title: {title}"),
            )
        }
    };
    edit(
        dir.path(),
        "platform-at-scale.md",
        "platform-again.md",
        retitle("Platform Again"),
    );
    edit(
        dir.path(),
        "platform-at-scale.md",
        "platform-elsewhere.md",
        |text| retitle("Platform Elsewhere")(text).replace("room: Main Hall", "room: Room B"),
    );

    let findings: Vec<String> = check_root(&dir).iter().map(ToString::to_string).collect();
    let file = |name: &str| format!("{PROGRAM}/{name}:3");
    let (original, again, elsewhere) = (
        file("platform-at-scale.md"),
        file("platform-again.md"),
        file("platform-elsewhere.md"),
    );
    assert_eq!(
        findings,
        [
            format!(
                "error[room-clash]: \"Platform Again\" and \"Platform Engineering at Scale\" overlap in Main Hall, 09:30–10:00\n  --> {again}\n  --> {original}"
            ),
            format!(
                "error[speaker-clash]: Ana Lima is in both \"Platform Again\" and \"Platform Engineering at Scale\", 09:30–10:00\n  --> {again}\n  --> {original}"
            ),
            format!(
                "error[speaker-clash]: Ben Okafor is in both \"Platform Again\" and \"Platform Engineering at Scale\", 09:30–10:00\n  --> {again}\n  --> {original}"
            ),
            format!(
                "error[speaker-clash]: Ana Lima is in both \"Platform Again\" and \"Platform Elsewhere\", 09:30–10:00\n  --> {again}\n  --> {elsewhere}"
            ),
            format!(
                "error[speaker-clash]: Ben Okafor is in both \"Platform Again\" and \"Platform Elsewhere\", 09:30–10:00\n  --> {again}\n  --> {elsewhere}"
            ),
        ]
    );
}

#[test]
fn swapped_start_and_end_in_the_program_are_caught() {
    let dir = program_copy();
    edit(
        dir.path(),
        "supply-chain-security.md",
        "supply-chain-security.md",
        |text| {
            text.replace("start: 2025-11-12 10:30", "start: 2025-11-12 11:00")
                .replace("end: 2025-11-12 11:00", "end: 2025-11-12 10:30")
        },
    );
    let findings = check_root(&dir);
    assert_eq!(rules(&findings), ["end-before-start"]);
    assert_eq!(
        findings[0].locations,
        [(
            PathBuf::from(format!("{PROGRAM}/supply-chain-security.md")),
            4
        )]
    );
}

#[test]
fn ten_thousand_sessions_in_one_room_at_once_give_one_finding_each() {
    // Pairwise reporting would give ~50 million findings; the sweep gives one
    // per session after the first.
    let dir = site(
        &event(""),
        &[("a.md", talk("A", "09:00", "10:00", "Main Room", "Ana Lima"))],
    );
    let mut site = load_site(dir.path(), &LoadOptions::default()).unwrap().site;
    let event = &mut site.events[0];
    let template = event.sessions[0].clone();
    event.sessions = (0..10_000)
        .map(|i| {
            let mut s = template.clone();
            s.slug = format!("s{i:05}");
            s.title = format!("S{i:05}");
            s
        })
        .collect();
    event.speakers[0].sessions = (0..10_000).collect();
    let started = std::time::Instant::now();
    let findings = check_site(&site);
    let elapsed = started.elapsed();
    assert_eq!(
        findings.iter().filter(|f| f.rule == "room-clash").count(),
        9_999
    );
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.rule == "speaker-clash")
            .count(),
        9_999
    );
    assert_eq!(findings.len(), 19_998);
    assert!(
        elapsed.as_secs() < 5,
        "checking 10,000 sessions took {elapsed:?}"
    );
}

#[test]
fn every_rule_is_documented_and_every_documented_rule_exists() {
    let docs = common::read(common::repo().join("docs/checks.md"));
    let headings: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(|h| h.trim().trim_matches('`'))
        .collect();
    let names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    assert_eq!(
        headings, names,
        "docs/checks.md describes the rules in RULES order"
    );
    for r in RULES {
        let level = format!("{}", r.level);
        let section = docs.split(&format!("### `{}`", r.name)).nth(1).unwrap();
        let section = section.split("\n### ").next().unwrap();
        assert!(
            section.contains(&format!("**{level}**")),
            "{} says it is an {level}",
            r.name
        );
    }
}

/// A copy of the repository's demo site (its config and content).
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::repo().join("confsite.yaml"),
        dir.path().join("confsite.yaml"),
    )
    .unwrap();
    copy_tree(&common::repo().join("content"), &dir.path().join("content"));
    dir
}

/// What was broken in a demo copy, as paths relative to its root.
struct Broken {
    dir: tempfile::TempDir,
    original: String,
    again: String,
    elsewhere: String,
    swapped: String,
    speaker: String,
}

/// A session page's text with the lines starting with any of `keys` dropped
/// and `add` put right after the opening `---`.
fn rewrite(text: &str, keys: &[&str], add: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k}:"))))
        .map(str::to_string)
        .collect();
    lines.insert(1, add.trim_end().to_string());
    lines.join("\n") + "\n"
}

/// The acceptance case on a copy of the demo: one timed session
/// duplicated under a new title (same room, time and speakers), another copy
/// of it in a different room and, when `swap`, a third page with its start
/// and end swapped.
fn broken_demo(duplicate: bool, swap: bool) -> Broken {
    let dir = demo_copy();
    let root = dir.path();
    let site = load_site(root, &LoadOptions::default()).unwrap().site;
    let clashing = |s: &&Session| {
        s.end.is_some() && !s.overlap_allowed && !NON_CLASHING_KINDS.contains(&s.kind.as_str())
    };
    let (event, a) = site
        .events
        .iter()
        .find_map(|e| {
            let a = e.scheduled().filter(clashing).find(|s| {
                !s.speakers.is_empty()
                    && s.room
                        .as_deref()
                        .is_some_and(|r| e.room(r).is_some_and(|r| !r.shared))
            })?;
            Some((e, a))
        })
        .expect("the demo has a timed session with speakers in a room");
    let other_room = event
        .rooms
        .iter()
        .find(|r| !r.shared && Some(&r.name) != a.room.as_ref())
        .map_or("Another Room".to_string(), |r| r.name.clone());
    let c = event
        .scheduled()
        .find(|s| s.end.is_some() && s.slug != a.slug)
        .expect("the demo has a second timed session");
    let rel = |p: &Path| p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
    let a_path = a.source.path.clone();
    let stem = a_path.file_stem().unwrap().to_string_lossy().into_owned();
    let again = a_path.with_file_name(format!("{stem}-again.md"));
    let elsewhere = a_path.with_file_name(format!("{stem}-elsewhere.md"));
    if duplicate {
        let text = common::read(&a_path);
        let title = |t: &str| {
            format!(
                "title: {}\n",
                serde_json::to_string(&format!("{} ({t})", a.title)).unwrap()
            )
        };
        std::fs::write(&again, rewrite(&text, &["title", "slug"], &title("again"))).unwrap();
        let room = format!("room: {}\n", serde_json::to_string(&other_room).unwrap());
        let moved = rewrite(
            &text,
            &["title", "slug", "room"],
            &(title("elsewhere") + &room),
        );
        std::fs::write(&elsewhere, moved).unwrap();
    }
    if swap {
        let times = format!(
            "start: {}\nend: {}\n",
            confsite::time::rfc3339(c.end.as_ref().unwrap()),
            confsite::time::rfc3339(c.start.as_ref().unwrap())
        );
        let text = common::read(&c.source.path);
        let swapped = rewrite(&text, &["start", "end", "duration", "date", "time"], &times);
        std::fs::write(&c.source.path, swapped).unwrap();
    }
    Broken {
        original: rel(&a_path),
        again: rel(&again),
        elsewhere: rel(&elsewhere),
        swapped: rel(&c.source.path),
        speaker: a.speakers[0].name.clone(),
        dir,
    }
}

#[test]
fn the_demo_checks_clean_even_with_warnings_denied() {
    let out = common::confsite(&common::repo(), &["check", "--deny", "warnings"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", common::stderr(&out));
    assert!(
        !text.contains("error[") && !text.contains("warning["),
        "{text}"
    );
}

#[test]
fn check_names_the_duplicated_and_moved_copies_of_a_demo_session() {
    let broken = broken_demo(true, false);
    let out = common::confsite(broken.dir.path(), &["check"]);
    let text = stdout(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("error[room-clash]: "), "{text}");
    let speaker_clash = format!("error[speaker-clash]: {} is in both ", broken.speaker);
    assert!(text.contains(&speaker_clash), "{text}");
    for file in [&broken.original, &broken.again, &broken.elsewhere] {
        assert!(
            text.contains(&format!("  --> {file}:")),
            "{file} is named:\n{text}"
        );
    }
}

#[test]
fn check_names_a_demo_session_with_start_and_end_swapped() {
    let broken = broken_demo(false, true);
    let out = common::confsite(broken.dir.path(), &["check"]);
    let text = stdout(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("error[end-before-start]: end ")
            && text.contains(&format!("  --> {}:", broken.swapped)),
        "{text}"
    );
}

/// All three at once. The loader stops at the swapped page, so `check` cannot
/// see the clashes until the content stage returns the sessions it could load
/// along with its errors.
#[test]
fn check_names_every_problem_of_a_broken_demo_in_one_run() {
    let broken = broken_demo(true, true);
    let out = common::confsite(broken.dir.path(), &["check"]);
    let text = stdout(&out);
    assert!(!out.status.success(), "{text}");
    for rule in ["room-clash", "speaker-clash", "end-before-start"] {
        assert!(
            text.contains(&format!("error[{rule}]: ")),
            "{rule}:\n{text}"
        );
    }
    assert!(
        text.contains(&format!(" {} is in both ", broken.speaker)),
        "{text}"
    );
    for file in [
        &broken.original,
        &broken.again,
        &broken.elsewhere,
        &broken.swapped,
    ] {
        assert!(
            text.contains(&format!("  --> {file}:")),
            "{file} is named:\n{text}"
        );
    }
}

#[test]
fn check_format_json_gives_the_same_findings_for_ci() {
    let broken = broken_demo(true, false);
    let root = broken.dir.path();
    let out = common::confsite(root, &["check", "--format", "json"]);
    assert!(!out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"room-clash") && rules.contains(&"speaker-clash"),
        "{rules:?}"
    );
    let errors = findings.iter().filter(|f| f["level"] == "error").count();
    assert_eq!(json["errors"], errors);
    assert_eq!(json["warnings"], findings.len() - errors);
    // The text form lists the same findings.
    let text = stdout(&common::confsite(root, &["check"]));
    for f in findings {
        assert!(text.contains(f["message"].as_str().unwrap()), "{f}");
        for place in f["locations"].as_array().unwrap() {
            let path = place["path"].as_str().unwrap();
            assert!(root.join(path).is_file(), "{path}");
            assert!(place["line"].as_u64().unwrap() > 0, "{place}");
        }
    }
}

#[test]
fn deny_warnings_makes_a_warning_fail_check() {
    let dir = site(
        &event(""),
        &[
            ("a.md", talk("A", "09:00", "10:00", "Main Room", "")),
            ("b.md", talk("B", "10:00", "11:00", "", "")),
        ],
    );
    let out = common::confsite(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[missing-room]: \"B\" has a time but no room"));
    let denied = common::confsite(dir.path(), &["check", "--deny", "warnings"]);
    assert!(!denied.status.success(), "{}", stdout(&denied));
}

#[test]
fn a_session_listed_twice_for_a_speaker_does_not_clash_with_itself() {
    let dir = site(
        &event(""),
        &[("a.md", talk("A", "09:00", "10:00", "Main Room", "Ana Lima"))],
    );
    let mut site = load_site(dir.path(), &LoadOptions::default()).unwrap().site;
    site.events[0].speakers[0].sessions = vec![0, 0];
    assert_eq!(check_site(&site), vec![]);
}
