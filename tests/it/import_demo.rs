//! End to end, through the `confsite` CLI: each seed document is imported
//! with the flags `scripts/import-demo` passes into a fresh site, the site is
//! built, and every session of `output/<event>/sessions.json` is compared
//! field by field with `tests/fixtures/expected/<seed>.json` (written by
//! reading the documents). Also: what the CLI reports, re-import and
//! hand-edit protection, `--dry-run`, bad input, and that the committed demo
//! `content/` is exactly what `scripts/import-demo` produces today.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use confsite::content::{self, LoadOptions};
use serde_json::Value;

use crate::common::{
    Expected, confsite, confsite_ok, expected_sessions, file_bytes_under, read, read_json,
    relative_files, repo, seed, seed_text, stderr, stdout, temp_site,
};

/// One seed as `scripts/import-demo` imports it, and the event facts the
/// document (or the flags, for what it lacks) states.
struct Seed {
    prefix: &'static str,
    format: &'static str,
    /// The event directory under `content/`.
    event: &'static str,
    /// The flags `scripts/import-demo` passes for this document.
    flags: &'static [&'static str],
    /// Sessions counted by reading the document.
    sessions: usize,
    name: &'static str,
    timezone: &'static str,
    location: Option<&'static str>,
    start_date: Option<&'static str>,
}

const SEEDS: [Seed; 5] = [
    Seed {
        prefix: "000",
        format: "talk-list",
        event: "talk-list",
        flags: &["--event", "talk-list", "--name", "Talk List"],
        sessions: 25,
        name: "Talk List",
        // No times and no zone in the document: UTC is written (and said).
        timezone: "UTC",
        location: None,
        start_date: None,
    },
    Seed {
        prefix: "001",
        format: "blog-notes",
        event: "devconf-cz-2023",
        flags: &[],
        sessions: 17,
        name: "DevConf.cz 2023",
        timezone: "UTC",
        location: Some("Brno, Czech Republic"),
        // The post names a month, not a day.
        start_date: None,
    },
    Seed {
        prefix: "002",
        format: "flat-schedule",
        event: "cloud-native-rejekts-north-america-2022",
        flags: &[
            "--name",
            "Cloud Native Rejekts North America 2022",
            "--date",
            "2022-10-23",
            "--timezone",
            "America/New_York",
            "--location",
            "Detroit, MI, USA",
        ],
        sessions: 26,
        name: "Cloud Native Rejekts North America 2022",
        timezone: "America/New_York",
        location: Some("Detroit, MI, USA"),
        start_date: Some("2022-10-23"),
    },
    Seed {
        prefix: "003",
        format: "video-summaries",
        event: "recorded-talks",
        flags: &[
            "--event",
            "recorded-talks",
            "--name",
            "Recorded Talk Summaries",
        ],
        sessions: 37,
        name: "Recorded Talk Summaries",
        timezone: "UTC",
        location: None,
        start_date: None,
    },
    Seed {
        prefix: "004",
        format: "sched-export",
        event: "kubecon-cloudnativecon-north-america-2025",
        flags: &[],
        sessions: 99,
        name: "KubeCon + CloudNativeCon North America 2025",
        // `EST` at a venue in Atlanta, GA, USA.
        timezone: "America/New_York",
        location: Some("Atlanta, GA, USA"),
        start_date: Some("2025-11-13"),
    },
];

/// Kinds that share space and time by nature (the rule `overlap: allowed`
/// and shared rooms follow), as documented in docs/importing.md.
const OPEN_FLOOR_KINDS: &[&str] = &["break", "expo", "registration", "social", "meal"];

fn seed_info(prefix: &str) -> &'static Seed {
    SEEDS.iter().find(|s| s.prefix == prefix).unwrap()
}

// ---------------------------------------------------------------------------
// Sites and runs

/// An empty site: a config with a title, nothing else.
fn new_site() -> tempfile::TempDir {
    temp_site(&[("confsite.yaml", "title: Import test\n")])
}

fn import_args<'a>(document: &'a str, seed: &'a Seed, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["import", document];
    args.extend_from_slice(seed.flags);
    args.extend_from_slice(extra);
    args
}

/// `confsite import <seed> <its flags> <extra>` in `site`, which must succeed.
fn import_seed(site: &Path, seed: &Seed, extra: &[&str]) -> Output {
    let document = crate::common::seed(seed.prefix);
    let document = document.to_str().unwrap();
    confsite_ok(site, &import_args(document, seed, extra))
}

/// Every file under `dir` (hidden ones included), relative path → bytes;
/// nothing when `dir` does not exist (yet).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    file_bytes_under(dir)
}

fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    relative_files(dir)
        .into_iter()
        .map(|rel| {
            let t = fs::metadata(dir.join(&rel)).unwrap().modified().unwrap();
            (rel, t)
        })
        .collect()
}

/// The demo's event files choose their themes by hand (the supported way to
/// edit an imported page): two event files that differ only in `theme` and
/// `theme_options` are the same import.
fn same_but_for_theme(rel: &Path, a: &[u8], b: &[u8]) -> bool {
    use confsite::content::{frontmatter, pages, write};
    if rel.file_name().is_none_or(|n| n != "_event.md") {
        return false;
    }
    let without_theme = |bytes: &[u8]| -> Option<String> {
        let text = std::str::from_utf8(bytes).ok()?;
        let split = frontmatter::split(text, rel).ok()?;
        let mut front: pages::EventFront = frontmatter::parse_yaml(split.yaml, rel, 1).ok()?;
        front.theme = None;
        front.theme_options = None;
        Some(write::event_page_text(&pages::EventPage {
            front,
            body: split.body.to_string(),
        }))
    };
    matches!((without_theme(a), without_theme(b)), (Some(x), Some(y)) if x == y)
}

/// Lists every difference between two trees, file by file.
fn tree_differences(got: &Path, want: &Path) -> Vec<String> {
    let (got_files, want_files) = (snapshot(got), snapshot(want));
    let mut problems = Vec::new();
    for (rel, bytes) in &want_files {
        match got_files.get(rel) {
            None => problems.push(format!("{rel}: missing")),
            Some(b) if b != bytes && !same_but_for_theme(Path::new(rel), b, bytes) => problems
                .push(format!(
                    "{rel}: differs\n--- committed\n{}\n--- imported now\n{}",
                    String::from_utf8_lossy(bytes),
                    String::from_utf8_lossy(b)
                )),
            Some(_) => {}
        }
    }
    for rel in got_files.keys() {
        if !want_files.contains_key(rel) {
            problems.push(format!("{rel}: not in the committed content"));
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// Expectations

/// `sessions.json` entries paired with the expected sessions: by title, in
/// document order. `sessions.json` is in program order; sessions with the
/// same title are told apart by their slugs, which the import numbers in
/// document order (`x`, `x-2`, `x-3`).
fn pair_by_title<'a>(
    sessions: &'a [Value],
    expected: &'a [Expected],
) -> (Vec<(&'a Expected, &'a Value)>, Vec<String>) {
    let mut by_title: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for s in sessions {
        by_title
            .entry(s["title"].as_str().unwrap_or_default())
            .or_default()
            .push(s);
    }
    for group in by_title.values_mut() {
        group.sort_by_key(|s| {
            let slug = s["slug"].as_str().unwrap_or_default();
            (slug.len(), slug.to_string())
        });
    }
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, want) in expected.iter().enumerate() {
        let nth = used.entry(want.title.as_str()).or_default();
        match by_title.get(want.title.as_str()).and_then(|g| g.get(*nth)) {
            Some(got) => pairs.push((want, *got)),
            None => problems.push(format!(
                "session {} `{}`: not in sessions.json",
                i + 1,
                want.title
            )),
        }
        *nth += 1;
    }
    for (title, group) in &by_title {
        let wanted = used.get(title).copied().unwrap_or(0);
        if group.len() > wanted {
            problems.push(format!(
                "`{title}`: {} more in sessions.json than expected",
                group.len() - wanted
            ));
        }
    }
    (pairs, problems)
}

/// Compares every field of every session; returns all differences, each
/// naming the session and the field.
fn session_differences(sessions: &[Value], expected: &[Expected]) -> Vec<String> {
    let (pairs, mut problems) = pair_by_title(sessions, expected);
    for (want, got) in pairs {
        let speakers: Vec<Value> = want
            .speakers
            .iter()
            .map(|s| serde_json::json!({"name": s.name, "affiliation": s.affiliation}))
            .collect();
        let links: Vec<Value> = want
            .links
            .iter()
            .map(|l| serde_json::json!({"kind": l.kind, "url": l.url}))
            .collect();
        let tracks: Vec<&String> = want.track.iter().collect();
        // The title matched already; every other field of sessions.json.
        let fields: [(&str, Value, &Value); 9] = [
            ("speakers", Value::from(speakers), &got["speakers"]),
            ("start", serde_json::json!(want.start), &got["start"]),
            ("end", serde_json::json!(want.end), &got["end"]),
            ("room", serde_json::json!(want.room), &got["room"]),
            ("track", serde_json::json!(want.track), &got["track"]),
            ("tracks", serde_json::json!(tracks), &got["tracks"]),
            // A session whose document states no kind is a talk.
            (
                "kind",
                serde_json::json!(want.kind.as_deref().unwrap_or("talk")),
                &got["kind"],
            ),
            ("links", Value::from(links), &got["links"]),
            (
                "body_kind",
                serde_json::json!(want.body_kind.as_deref().unwrap_or("abstract")),
                &got["body_kind"],
            ),
        ];
        for (field, want_value, got_value) in fields {
            if &want_value != got_value {
                problems.push(format!(
                    "`{}`: field `{field}`\n    expected {want_value}\n    got      {got_value}",
                    want.title
                ));
            }
        }
    }
    problems
}

fn assert_no_problems(label: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{label}: {} difference(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The seeds, end to end

fn seed_end_to_end(seed: &Seed) {
    let label = format!("seed {}", seed.prefix);
    let site = new_site();
    let root = site.path();
    let document = crate::common::seed(seed.prefix);

    // 1. Import: the CLI names the format, says why, and counts the sessions.
    let out = import_seed(root, seed, &[]);
    let report = stdout(&out);
    let shown = document.display().to_string();
    let format_line = report
        .lines()
        .find(|l| l.starts_with(&format!("{shown}: {} (", seed.format)))
        .unwrap_or_else(|| panic!("{label}: no line naming format {}:\n{report}", seed.format));
    assert!(
        format_line.contains("(detected: ")
            && format_line.contains("% of ")
            && format_line.ends_with(')'),
        "{label}: the format line does not say why: {format_line}"
    );
    assert!(
        report.contains(&format!("{shown}: {} sessions found", seed.sessions)),
        "{label}:\n{report}"
    );
    assert!(
        report.contains(&format!("event `{}` (", seed.event))
            && report.contains(&format!("{} created, 0 updated", seed.sessions + 1)),
        "{label}:\n{report}"
    );

    // 2. The pages are exactly the committed demo content.
    let event_dir = root.join("content").join(seed.event);
    let committed = repo().join("content").join(seed.event);
    assert_no_problems(
        &format!("{label}: content/{} against the committed demo", seed.event),
        &tree_differences(&event_dir, &committed),
    );

    // 3. A second import changes nothing and says so.
    let before = snapshot(&event_dir);
    let times = mtimes(&event_dir);
    let again = stdout(&import_seed(root, seed, &[]));
    assert!(
        again.contains(&format!(
            "  0 created, 0 updated, {} unchanged, 0 skipped (edited or deleted by hand), 0 stale",
            seed.sessions + 1
        )),
        "{label}: second import:\n{again}"
    );
    let listed: Vec<&str> = again
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("  note:") && !l.contains(" unchanged, "))
        .collect();
    assert!(
        listed.is_empty(),
        "{label}: second import lists changes: {listed:#?}"
    );
    assert!(
        snapshot(&event_dir) == before,
        "{label}: files changed on re-import"
    );
    assert_eq!(
        mtimes(&event_dir),
        times,
        "{label}: files rewritten on re-import"
    );

    // 4. Build, and compare sessions.json with what the document says.
    confsite_ok(root, &["build"]);
    let json_path = root.join("output").join(seed.event).join("sessions.json");
    let sessions: Vec<Value> = read_json(&json_path);
    let expected = expected_sessions(seed.prefix);
    assert_eq!(
        expected.len(),
        seed.sessions,
        "{label}: expectation file count"
    );
    let mut problems = session_differences(&sessions, &expected);
    if sessions.len() != seed.sessions {
        problems.push(format!(
            "{} sessions in sessions.json, {} in the document",
            sessions.len(),
            seed.sessions
        ));
    }

    // 5. What sessions.json does not carry, read from the imported pages by the
    //    content loader: roles, `overlap: allowed`, shared rooms, the event's facts.
    let loaded = content::load_site(root, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let event = loaded
        .site
        .events
        .iter()
        .find(|e| e.slug == seed.event)
        .expect("the imported event");
    assert_eq!(event.name, seed.name, "{label}: event name");
    assert_eq!(event.tz_name, seed.timezone, "{label}: time zone");
    assert_eq!(
        event.location.as_deref(),
        seed.location,
        "{label}: location"
    );
    assert_eq!(
        event.start_date.map(|d| d.to_string()).as_deref(),
        seed.start_date,
        "{label}: first day"
    );
    for want in &expected {
        let Some(s) = event.sessions.iter().find(|s| s.title == want.title) else {
            continue; // already reported as missing
        };
        let roles: Vec<Option<&str>> = s.speakers.iter().map(|p| p.role.as_deref()).collect();
        let want_roles: Vec<Option<&str>> =
            want.speakers.iter().map(|p| p.role.as_deref()).collect();
        if roles != want_roles {
            problems.push(format!(
                "`{}`: speaker roles\n    expected {want_roles:?}\n    got      {roles:?}",
                want.title
            ));
        }
        let open_floor = want
            .kind
            .as_deref()
            .is_some_and(|k| OPEN_FLOOR_KINDS.contains(&k));
        if s.overlap_allowed != open_floor {
            problems.push(format!(
                "`{}`: overlap allowed is {}, expected {open_floor}",
                want.title, s.overlap_allowed
            ));
        }
    }
    let shared: Vec<&str> = event
        .rooms
        .iter()
        .filter(|r| r.shared)
        .map(|r| r.name.as_str())
        .collect();
    let want_shared = shared_rooms(&expected);
    if shared != want_shared {
        problems.push(format!(
            "shared rooms\n    expected {want_shared:?}\n    got      {shared:?}"
        ));
    }
    assert_no_problems(&format!("{label}: {}", json_path.display()), &problems);
}

/// The rooms that should be declared shared, worked out from the expected
/// sessions: rooms with overlapping sessions where every overlap involves an
/// open-floor session. In order of first appearance.
fn shared_rooms(expected: &[Expected]) -> Vec<&str> {
    let span = |e: &Expected| -> Option<(jiff::Timestamp, jiff::Timestamp)> {
        Some((
            e.start.as_deref()?.parse().ok()?,
            e.end.as_deref()?.parse().ok()?,
        ))
    };
    let open = |e: &Expected| {
        e.kind
            .as_deref()
            .is_some_and(|k| OPEN_FLOOR_KINDS.contains(&k))
    };
    let mut rooms: Vec<(&str, bool, bool)> = Vec::new(); // name, overlap, clash
    for (i, a) in expected.iter().enumerate() {
        let Some(room) = a.room.as_deref() else {
            continue;
        };
        if !rooms.iter().any(|r| r.0 == room) {
            rooms.push((room, false, false));
        }
        let Some((a_start, a_end)) = span(a) else {
            continue;
        };
        for b in &expected[i + 1..] {
            let Some((b_start, b_end)) = span(b) else {
                continue;
            };
            if b.room.as_deref() == Some(room) && a_start < b_end && b_start < a_end {
                let entry = rooms.iter_mut().find(|r| r.0 == room).unwrap();
                entry.1 = true;
                entry.2 |= !open(a) && !open(b);
            }
        }
    }
    rooms
        .into_iter()
        .filter(|r| r.1 && !r.2)
        .map(|r| r.0)
        .collect()
}

#[test]
fn seed_000_talk_list_end_to_end() {
    seed_end_to_end(seed_info("000"));
}

#[test]
fn seed_001_blog_notes_end_to_end() {
    seed_end_to_end(seed_info("001"));
}

#[test]
fn seed_002_flat_schedule_end_to_end() {
    seed_end_to_end(seed_info("002"));
}

#[test]
fn seed_003_video_summaries_end_to_end() {
    seed_end_to_end(seed_info("003"));
}

#[test]
fn seed_004_sched_export_end_to_end() {
    // The one room the expectations make shared: the exhibit hall, where the
    // coffee break, the showcase and sponsored demos overlap the relaxation station.
    assert_eq!(
        shared_rooms(&expected_sessions("004")),
        ["Building B | Level 1 | Exhibit Hall B3-B5"]
    );
    seed_end_to_end(seed_info("004"));
}

#[test]
fn parser_repairs_reach_the_user_with_their_lines() {
    // Read from the document: line 3 declares 101 sessions, 99 are listed;
    // line 94 runs two speakers together; line 112 holds the end of a title.
    let site = new_site();
    let out = import_seed(site.path(), seed_info("004"), &[]);
    let document = seed("004").display().to_string();
    let err = stderr(&out);
    for (line, needle) in [
        (3, "declares 101 sessions here but lists 99"),
        (94, "`Benjamin Consolvo` (AMD) and `Daron Yöndem` (AWS)"),
        (112, "moved back into the title"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("{document}:{line}: warning: "))
                    && l.contains(needle)),
            "no warning at line {line} about {needle:?}:\n{err}"
        );
    }
    assert!(
        stdout(&out).contains(&format!(
            "{document}: 99 sessions found, 33 warnings from the parser"
        )),
        "{}",
        stdout(&out)
    );
}

// ---------------------------------------------------------------------------
// Hand edits, --force and --dry-run

#[test]
fn a_hand_edit_is_kept_until_force() {
    let seed = seed_info("002");
    let site = new_site();
    let root = site.path();
    import_seed(root, seed, &[]);
    let event_dir = root.join("content").join(seed.event);
    let page = "opening.md";
    let shown = format!("content/{}/{page}", seed.event);
    let original = read(event_dir.join(page));
    let edited = format!("{original}\nEdited by the organisers: doors open at 9:15.\n");
    fs::write(event_dir.join(page), &edited).unwrap();
    let others: BTreeMap<String, Vec<u8>> = snapshot(&event_dir)
        .into_iter()
        .filter(|(p, _)| p != page)
        .collect();

    // Re-import: the page is skipped with a warning naming it; nothing else changes.
    let out = import_seed(root, seed, &[]);
    assert!(
        stderr(&out).contains(&format!(
            "{shown}: warning: edited by hand since it was imported: not overwritten (pass --force to overwrite it)"
        )),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(&format!("  skip (edited by hand) {shown}"))
            && stdout(&out).contains(&format!(
                "0 created, 0 updated, {} unchanged, 1 skipped",
                seed.sessions
            )),
        "{}",
        stdout(&out)
    );
    assert_eq!(read(event_dir.join(page)), edited);
    let after: BTreeMap<String, Vec<u8>> = snapshot(&event_dir)
        .into_iter()
        .filter(|(p, _)| p != page)
        .collect();
    assert!(after == others, "other files changed");

    // Still edited at the next import: skipped again.
    let out = import_seed(root, seed, &[]);
    assert!(stderr(&out).contains(&format!("{shown}: warning: edited by hand")));

    // --dry-run --force says it would overwrite, and writes nothing.
    let before = snapshot(&event_dir);
    let out = import_seed(root, seed, &["--force", "--dry-run"]);
    assert!(
        stdout(&out).contains(&format!("  would overwrite {shown}"))
            && stdout(&out).contains("dry run: nothing was written"),
        "{}",
        stdout(&out)
    );
    assert!(snapshot(&event_dir) == before, "--dry-run wrote files");

    // --force overwrites it with the imported text; the import is then clean again.
    let out = import_seed(root, seed, &["--force"]);
    assert!(
        stdout(&out).contains(&format!("  overwrite {shown}")),
        "{}",
        stdout(&out)
    );
    assert_eq!(read(event_dir.join(page)), original);
    let out = import_seed(root, seed, &[]);
    assert!(
        stdout(&out).contains(&format!("{} unchanged, 0 skipped", seed.sessions + 1)),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("warning: edited by hand"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dry_run_writes_nothing() {
    for seed in &SEEDS {
        let site = new_site();
        let root = site.path();
        let before = snapshot(root);
        let out = import_seed(root, seed, &["--dry-run"]);
        let report = stdout(&out);
        assert!(
            report.contains(&format!("  would create content/{}/_event.md", seed.event))
                && report.contains(&format!("(dry run) {} created", seed.sessions + 1))
                && report.ends_with("dry run: nothing was written\n"),
            "seed {}: {report}",
            seed.prefix
        );
        assert!(
            !root.join("content").exists(),
            "seed {}: content/ made",
            seed.prefix
        );
        assert!(
            snapshot(root) == before,
            "seed {}: files written",
            seed.prefix
        );
    }
}

// ---------------------------------------------------------------------------
// Bad input: an error at file:line, a non-zero exit, no event directory

/// The seed's text with line `n` (1-based) replaced.
fn with_line(prefix: &str, n: usize, replacement: &str) -> String {
    let text = seed_text(prefix);
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines[n - 1] = replacement;
    lines.join("\n")
}

/// The seed's first `n` lines, then `tail` where the file was cut off.
fn cut_after(prefix: &str, n: usize, tail: &str) -> String {
    let text = seed_text(prefix);
    let lines: Vec<&str> = text.split('\n').take(n).collect();
    format!("{}\n{tail}", lines.join("\n"))
}

/// The seed's text without lines `from..=to` (1-based).
fn without_lines(prefix: &str, from: usize, to: usize) -> String {
    let text = seed_text(prefix);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut kept = lines[..from - 1].to_vec();
    kept.extend_from_slice(&lines[to..]);
    kept.join("\n")
}

fn assert_refused(prefix: &str, what: &str, bytes: &[u8], line: Option<usize>, needle: &str) {
    let seed = seed_info(prefix);
    let site = new_site();
    let root = site.path();
    fs::write(root.join("bad.txt"), bytes).unwrap();
    let out = confsite(root, &import_args("bad.txt", seed, &[]));
    let err = stderr(&out);
    assert!(!out.status.success(), "{what}: accepted\n{}", stdout(&out));
    let at = match line {
        Some(n) => format!("bad.txt:{n}: error: "),
        None => "bad.txt: error: ".to_string(),
    };
    assert!(
        err.lines()
            .any(|l| l.starts_with(&at) && l.contains(needle)),
        "{what}: no `{at}…{needle}…` in:\n{err}"
    );
    let content = root.join("content");
    let left: Vec<PathBuf> = if content.exists() {
        fs::read_dir(&content)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    } else {
        Vec::new()
    };
    assert!(left.is_empty(), "{what}: left behind {left:?}");
}

#[test]
fn empty_and_binary_files_are_refused() {
    // An empty file: the error points at line 1, where the document would start.
    assert_refused("004", "empty file", b"", Some(1), "the file is empty");
    assert_refused(
        "004",
        "blank file",
        b"\n  \n\t\n",
        Some(1),
        "the file is empty",
    );
    // A binary file: the line of its first NUL byte.
    let mut binary = b"KubeCon#\nThursday, November 13, 2025#\n".to_vec();
    binary.extend((0u8..=255).cycle().take(2048));
    assert_refused("004", "binary file", &binary, Some(3), "binary file");
    // Not UTF-8 (Latin-1 text): the line where it stops being UTF-8.
    let latin1 = b"Talk One#\nTime: 9:00am EST - 9:30am EST\nSpeakers: Jos\xe9 P (R, C)\n";
    assert_refused("004", "Latin-1 file", latin1, Some(3), "not UTF-8");
}

#[test]
fn a_truncated_004_record_is_refused() {
    // The export cut off inside the last record's `Time:` (line 573).
    for tail in [
        "Time: 3:15pm EST -",
        "Time: 3:15pm EST - 3",
        "Time: 3:15pm EST - 3:45pm E",
    ] {
        let text = cut_after("004", 572, tail);
        assert_refused(
            "004",
            &format!("cut at `{tail}`"),
            text.as_bytes(),
            Some(573),
            tail,
        );
    }
}

#[test]
fn an_impossible_time_is_refused() {
    // 004 line 5 is Badge Pick-Up's `Time:`; 002 line 3 the opening's own time.
    let text = with_line("004", 5, "Time: 13:75pm EST - 4:00pm EST");
    assert_refused(
        "004",
        "13:75pm in 004",
        text.as_bytes(),
        Some(5),
        "`13:75pm` is not a time of day",
    );
    let text = with_line("002", 3, "13:75pm");
    assert_refused(
        "002",
        "13:75pm in 002",
        text.as_bytes(),
        Some(3),
        "`13:75pm` is not a time of day",
    );
}

#[test]
fn a_record_without_a_title_is_refused() {
    // 004: Badge Pick-Up's title line (4) holds only `#`.
    let text = with_line("004", 4, "#");
    assert_refused("004", "004 `#` title", text.as_bytes(), Some(4), "no title");
    // 004: Coat + Bag Check's title line (8) is gone: its `Time:` follows Badge Pick-Up's fields.
    let text = without_lines("004", 8, 8);
    assert_refused(
        "004",
        "004 lost title",
        text.as_bytes(),
        Some(8),
        "without a `Title#` line",
    );
    // 002: the opening (lines 5-10: title, speakers, abstract, room) is gone: a time and length alone.
    let text = without_lines("002", 5, 10);
    assert_refused(
        "002",
        "002 lost record",
        text.as_bytes(),
        Some(3),
        "no title",
    );
    // 003: the first heading loses its title, keeping its speaker.
    let text = with_line("003", 1, "##  | Liz Rice");
    assert_refused(
        "003",
        "003 heading without title",
        text.as_bytes(),
        Some(1),
        "has no title",
    );
}

// ---------------------------------------------------------------------------
// The committed demo content

/// Runs `scripts/import-demo` itself (its five commands and their flags, as
/// they are today) into a fresh site, and compares the result with the
/// committed `content/` file by file.
#[test]
fn committed_demo_content_is_what_import_demo_produces() {
    let site = new_site();
    let out = Command::new("bash")
        .arg(repo().join("scripts/import-demo"))
        .arg("--root")
        .arg(site.path())
        .env("CONFSITE", env!("CARGO_BIN_EXE_confsite"))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("bash runs scripts/import-demo");
    assert!(
        out.status.success(),
        "scripts/import-demo failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    // Every event directory, and nothing else, is what the script writes.
    let problems = tree_differences(&site.path().join("content"), &repo().join("content"));
    assert_no_problems(
        "content/ against scripts/import-demo (rerun it and commit the result)",
        &problems,
    );
    let events: Vec<String> = fs::read_dir(repo().join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for seed in &SEEDS {
        assert!(
            events.contains(&seed.event.to_string()),
            "{} missing",
            seed.event
        );
    }
    assert_eq!(events.len(), SEEDS.len(), "content/ holds {events:?}");
}
