//! The benchmark's tools: the synthetic program generator (deterministic,
//! realistic, the same program for confsite and Hugo) and `confsite bench`
//! on a small program. Timing is never asserted: only that the tools work
//! and report what they should.

use crate::common::{confsite_ok, file_bytes_under, read};
use confsite::content::{LoadOptions, load_site};

/// The value of `key: value` lines in a page's front matter.
fn front_value(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.trim_matches('"').to_string())
}

#[test]
fn generated_programs_are_deterministic_and_realistic() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        confsite_ok(
            tmp.path(),
            &[
                "bench",
                "--sessions",
                "120",
                "--write-site",
                dir.to_str().unwrap(),
            ],
        );
    }
    let files = file_bytes_under(&a);
    assert_eq!(files, file_bytes_under(&b), "same parameters, same bytes");
    // 120 session pages, the event file and the config.
    assert_eq!(files.len(), 122, "{:?}", files.keys().collect::<Vec<_>>());

    let site = load_site(&a, &LoadOptions::default()).unwrap().site;
    assert_eq!(site.events.len(), 1);
    let event = &site.events[0];
    assert_eq!(event.sessions.len(), 120);
    assert_eq!(event.days().len(), 3, "three days");
    assert_eq!(
        event.rooms.len(),
        3,
        "one room per 100 sessions, at least three"
    );
    let unscheduled = event.unscheduled().count();
    assert!(
        (1..=5).contains(&unscheduled),
        "a few unscheduled: {unscheduled}"
    );
    assert!(event.sessions.iter().any(|s| s.speakers.len() > 1));
    assert!(
        event.speakers.iter().any(|sp| !sp.name.is_ascii()),
        "non-ASCII names"
    );
    assert!(event.tracks.len() > 3);
    let words: Vec<usize> = event
        .sessions
        .iter()
        .map(|s| s.body.split_whitespace().count())
        .collect();
    assert!(words.iter().all(|&w| (30..=300).contains(&w)), "{words:?}");
    // Parallel sessions never share a speaker.
    for sp in &event.speakers {
        let mut starts: Vec<_> = sp
            .sessions
            .iter()
            .filter_map(|&i| event.sessions[i].start.clone())
            .collect();
        let count = starts.len();
        starts.sort();
        starts.dedup();
        assert_eq!(starts.len(), count, "{} booked twice at once", sp.name);
    }
    let check = confsite_ok(&a, &["check"]);
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("0 error(s), 0 warning(s)"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn the_hugo_site_holds_the_same_program() {
    let tmp = tempfile::tempdir().unwrap();
    let (ours, hugo) = (tmp.path().join("ours"), tmp.path().join("hugo"));
    confsite_ok(
        tmp.path(),
        &[
            "bench",
            "--sessions",
            "60",
            "--write-site",
            ours.to_str().unwrap(),
        ],
    );
    confsite_ok(
        tmp.path(),
        &[
            "bench",
            "--sessions",
            "60",
            "--write-hugo",
            hugo.to_str().unwrap(),
        ],
    );
    assert!(read(hugo.join("hugo.yaml")).contains("speaker: speakers"));
    let event = ours.join("content/synthetic-60");
    for i in [0, 17, 49, 59] {
        let name = format!("session-{i:06}.md");
        let a = read(event.join(&name));
        let b = read(hugo.join("content/sessions").join(&name));
        assert_eq!(front_value(&a, "title"), front_value(&b, "title"));
        assert_eq!(
            front_value(&a, "room").is_some(),
            front_value(&b, "start").is_some()
        );
        let body = |t: &str| t.split("---\n").nth(2).map(str::to_string);
        assert_eq!(body(&a), body(&b), "same abstract");
    }
}

#[test]
fn bench_reports_every_stage_and_keeps_unchanged_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = confsite_ok(tmp.path(), &["bench", "--sessions", "50", "--runs", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "50 sessions:",
        "peak memory",
        "cold build",
        "rebuild",
        "load",
        "markdown",
        "html",
        "feeds",
        "search",
        "exports",
        "write",
        "total",
        "cpu",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }

    let out = confsite_ok(
        tmp.path(),
        &["bench", "--sessions", "50", "--runs", "2", "--json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &json[0]["build"];
    let files = report["files"].as_u64().unwrap();
    assert!(files > 100, "{report}");
    assert_eq!(report["cold"]["totals"].as_array().unwrap().len(), 2);
    assert_eq!(report["cold"]["written"].as_u64(), Some(files));
    // The program does not change between rebuilds: every file is kept.
    assert_eq!(report["rebuild"]["kept"].as_u64(), Some(files));
    assert_eq!(report["rebuild"]["written"].as_u64(), Some(0));
    assert!(report["peak_rss_kb"].as_u64().unwrap() > 0);
}

#[test]
fn bench_serve_edit_rebuilds_only_what_the_edit_touches() {
    let tmp = tempfile::tempdir().unwrap();
    let out = confsite_ok(
        tmp.path(),
        &[
            "bench",
            "--sessions",
            "50",
            "--runs",
            "3",
            "--serve-edit",
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &json[0]["serve_edit"];
    assert_eq!(report["rebuild"].as_array().unwrap().len(), 3, "{report}");
    assert_eq!(report["complete"].as_array().unwrap().len(), 3, "{report}");
    for n in report["rendered"].as_array().unwrap() {
        // The edited page, its feed, lists, day, track, room and speaker
        // pages and feeds, exports: far fewer than the site's ~190 files.
        let n = n.as_u64().unwrap();
        assert!((5..100).contains(&n), "{report}");
    }
}
