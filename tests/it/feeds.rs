//! Calendar feeds through the CLI: the fixture site in
//! `tests/fixtures/feeds/site` built for real, its feeds checked line by
//! line against `tests/fixtures/feeds/expected.json` (hand-written). The
//! parsers' view of the same files is in tests/py/test_feeds.py and
//! tests/js/feeds.test.mjs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{confsite_ok, copy_tree, file_bytes_under, read_json, repo};

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/feeds")
}

fn expected() -> serde_json::Value {
    read_json(fixture().join("expected.json"))
}

/// Builds a copy of the fixture site (after `edit`), returning every `.ics`
/// by path relative to the output root.
fn build(edit: impl FnOnce(&Path)) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture().join("site"), &site);
    edit(&site);
    let out = tmp.path().join("out");
    confsite_ok(&site, &["build", "--output", out.to_str().unwrap()]);
    file_bytes_under(&out)
        .into_iter()
        .filter(|(rel, _)| Path::new(rel).extension().is_some_and(|x| x == "ics"))
        .collect()
}

/// Content lines as a parser sees them after unfolding (RFC 5545 §3.1).
fn logical_lines(raw: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(raw).expect("feeds are UTF-8");
    let body = text.strip_suffix("\r\n").expect("ends with CRLF");
    body.replace("\r\n ", "")
        .split("\r\n")
        .map(str::to_string)
        .collect()
}

fn values<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .collect()
}

/// `2026-10-24T08:00:00Z` → `20261024T080000Z`, by hand rather than by jiff.
fn ical_utc(iso: &str) -> String {
    iso.replace(['-', ':'], "")
}

#[test]
fn feeds_are_exactly_the_expected_files_with_the_expected_events() {
    let feeds = build(|_| {});
    let want = expected();
    let want_feeds = want["feeds"].as_object().unwrap();
    assert_eq!(
        feeds.keys().collect::<Vec<_>>(),
        want_feeds.keys().collect::<Vec<_>>()
    );
    for (path, spec) in want_feeds {
        let lines = logical_lines(&feeds[path]);
        let uids: Vec<String> = spec["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{}.berlin@feeds.example.org", s.as_str().unwrap()))
            .collect();
        assert_eq!(values(&lines, "UID"), uids, "{path}");
        assert_eq!(
            values(&lines, "BEGIN"),
            [vec!["VCALENDAR"], vec!["VEVENT"; uids.len()]].concat(),
            "{path}"
        );
        for slug in spec["sessions"].as_array().unwrap() {
            let s = &want["sessions"][slug.as_str().unwrap()];
            let start = format!("DTSTART:{}", ical_utc(s["start"].as_str().unwrap()));
            assert!(lines.contains(&start), "{path}: {start}");
            if let Some(end) = s["end"].as_str() {
                let end = format!("DTEND:{}", ical_utc(end));
                assert!(lines.contains(&end), "{path}: {end}");
            }
        }
        // Calendar-level properties, in every feed.
        for required in [
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-TIMEZONE:Europe/Berlin",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            "X-PUBLISHED-TTL:PT1H",
        ] {
            assert!(lines.iter().any(|l| l == required), "{path}: {required}");
        }
        assert!(
            lines.iter().any(|l| l.starts_with("PRODID:-//confsite//")),
            "{path}"
        );
        assert_eq!(values(&lines, "X-WR-CALNAME").len(), 1, "{path}");
        // Times are UTC, the stamp is SOURCE_DATE_EPOCH, nothing is faked.
        for l in &lines {
            if l.starts_with("DTSTART") || l.starts_with("DTEND") {
                assert!(l.starts_with("DTSTART:") || l.starts_with("DTEND:"), "{l}");
                assert!(l.ends_with('Z'), "{path}: floating or zoned time {l}");
            }
            assert!(!l.starts_with("ORGANIZER") && !l.starts_with("ATTENDEE"));
        }
        for stamp in values(&lines, "DTSTAMP") {
            assert_eq!(stamp, "20231114T221320Z", "{path}");
        }
    }
}

#[test]
fn lines_end_in_crlf_and_fold_at_75_octets_between_characters() {
    let feeds = build(|_| {});
    let mut continuation_lines = 0;
    for (path, raw) in &feeds {
        assert!(raw.ends_with(b"\r\n"), "{path}");
        for (n, line) in raw[..raw.len() - 1].split(|&b| b == b'\n').enumerate() {
            let line = line
                .strip_suffix(b"\r")
                .unwrap_or_else(|| panic!("{path}:{}: LF without CR", n + 1));
            assert!(!line.contains(&b'\r'), "{path}:{}: bare CR", n + 1);
            assert!(line.len() <= 75, "{path}:{}: {} octets", n + 1, line.len());
            // A fold never cuts a UTF-8 sequence: each line decodes alone.
            let text = std::str::from_utf8(line)
                .unwrap_or_else(|_| panic!("{path}:{}: character cut by a fold", n + 1));
            if let Some(rest) = text.strip_prefix(' ') {
                continuation_lines += 1;
                assert!(!rest.is_empty(), "{path}:{}", n + 1);
            }
        }
    }
    assert!(continuation_lines > 50, "the fixture must exercise folding");
}

#[test]
fn text_is_escaped_and_hostile_text_cannot_inject() {
    let feeds = build(|_| {});
    let lines = logical_lines(&feeds["berlin/ics/session-hostile.ics"]);
    assert_eq!(values(&lines, "BEGIN"), ["VCALENDAR", "VEVENT"]);
    assert_eq!(values(&lines, "END"), ["VEVENT", "VCALENDAR"]);
    assert_eq!(values(&lines, "UID"), ["hostile.berlin@feeds.example.org"]);
    assert_eq!(values(&lines, "DTSTART"), ["20261026T100000Z"]);
    assert!(!lines.iter().any(|l| l.starts_with("X-INJECTED")));
    assert_eq!(
        values(&lines, "SUMMARY"),
        [
            "Evil\\nBEGIN:VEVENT\\nUID:injected@evil.example\\nDTSTART:19700101T000000Z\\nEND:VEVENT\\nX-INJECTED:1\\nEND:VCALENDAR"
        ]
    );
    // `\` `;` `,` escaped in names and places.
    assert!(
        values(&lines, "DESCRIPTION")[0]
            .starts_with("Speaker: Mallory\\, \"The\"\\; Attacker\\\\ (Evil\\nEND:VEVENT)\\n\\n")
    );
    assert_eq!(
        values(&lines, "LOCATION"),
        ["Room B\\, Haus am Köllnischen Park\\, Berlin"]
    );
    // The list separator stays bare between tracks; commas inside one are escaped.
    let past = logical_lines(&feeds["berlin/ics/session-past-midnight.ics"]);
    assert_eq!(
        values(&past, "CATEGORIES"),
        ["Systems\\; Core,Web\\, Mobile & Más"]
    );
    // No feed of the site holds an injected event or property.
    for (path, raw) in &feeds {
        for l in logical_lines(raw) {
            assert!(
                !l.starts_with("UID:injected") && !l.starts_with("X-INJECTED"),
                "{path}: {l}"
            );
        }
    }
}

#[test]
fn unscheduled_sessions_are_in_no_feed() {
    let feeds = build(|_| {});
    assert!(!feeds.contains_key("berlin/ics/session-not-yet.ics"));
    for (path, raw) in &feeds {
        let lines = logical_lines(raw);
        assert!(
            !values(&lines, "UID").contains(&"not-yet.berlin@feeds.example.org"),
            "{path}"
        );
    }
    // Feeds linked from pages exist even when they hold nothing yet.
    for empty in [
        "berlin/ics/track-empty-track.ics",
        "berlin/ics/speaker-only-unscheduled.ics",
    ] {
        assert!(values(&logical_lines(&feeds[empty]), "UID").is_empty());
    }
}

#[test]
fn uids_and_bytes_are_stable_across_rebuilds_renames_and_reordering() {
    let first = build(|_| {});
    let second = build(|_| {});
    assert_eq!(first, second, "two builds of the same site differ");

    // Rename every session file (reversing their order on disk) while the
    // front matter keeps each slug.
    let renamed = build(|site| {
        let dir = site.join("content/berlin");
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap() != "_event.md")
            .collect();
        pages.sort();
        let count = pages.len();
        for (i, page) in pages.iter().enumerate() {
            let stem = page.file_stem().unwrap().to_str().unwrap().to_string();
            let mut text = std::fs::read_to_string(page).unwrap();
            if !text.contains("\nslug:") {
                text = text.replacen("---\n", &format!("---\nslug: {stem}\n"), 1);
            }
            std::fs::remove_file(page).unwrap();
            std::fs::write(dir.join(format!("{:02}-file-{i}.md", count - i)), text).unwrap();
        }
    });
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        renamed.keys().collect::<Vec<_>>()
    );
    for (path, raw) in &first {
        assert_eq!(
            values(&logical_lines(raw), "UID"),
            values(&logical_lines(&renamed[path]), "UID"),
            "{path}"
        );
        assert_eq!(raw, &renamed[path], "{path}");
    }
    let schedule = logical_lines(&first["berlin/schedule.ics"]);
    let mut uids = values(&schedule, "UID");
    let count = uids.len();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), count, "UIDs repeat");
}
