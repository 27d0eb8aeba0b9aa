//! `confsite build` end to end: a small site with parallel rooms, a session
//! in two tracks, hostile text and an unscheduled session, built through the
//! CLI and checked page by page.

use std::collections::BTreeMap;

use crate::common::{
    confsite, confsite_ok, file_bytes_under, read, read_json, stderr, temp_site, write_files,
};

const CONFIG: &str = "title: Test Site\nbase_url: https://org.github.io/conf/\n";

const EVENT: &str = "---
name: RustConf 2026
timezone: Europe/Berlin
start_date: 2026-10-24
end_date: 2026-10-25
venue: Hall 1
rooms: [Main Room, Side Room]
tracks: [Systems, Web]
---
The event <em>description</em>.
";

fn site_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("confsite.yaml", CONFIG),
        ("content/rustconf-2026/_event.md", EVENT),
        (
            "content/rustconf-2026/opening-keynote.md",
            "---\ntitle: Opening Keynote\nkind: keynote\nspeakers:\n  - name: José Padilla\n    affiliation: Acme, Inc.\nstart: 2026-10-24 09:00\nduration: 30m\nroom: Main Room\ntrack: [Systems, Web]\n---\nWelcome **everyone**.\n",
        ),
        (
            "content/rustconf-2026/rust-at-scale.md",
            "---\ntitle: Rust at Scale\nspeakers: [Ana Lima]\nstart: 2026-10-24T09:30:00+02:00\nend: 2026-10-24T10:15:00+02:00\nroom: Side Room\ntrack: Systems\nlinks:\n  - kind: video\n    url: https://video.example/rust\n---\nScaling things.\n",
        ),
        (
            "content/rustconf-2026/parallel-web.md",
            "---\ntitle: Parallel Web\nspeakers: [Bo Chen]\nstart: 2026-10-24 09:30\nend: 2026-10-24 10:00\nroom: Main Room\ntrack: Web\n---\nWeb things.\n",
        ),
        (
            "content/rustconf-2026/hostile.md",
            "---\ntitle: \"<script>alert('x')</script> & friends\"\nspeakers: [\"<img src=x onerror=alert(1)>\"]\nstart: 2026-10-25 11:00\nduration: 1h\nroom: Side Room\n---\nBody <script>alert(2)</script> and <a href=\"javascript:alert(3)\">a link</a>.\n",
        ),
        (
            "content/rustconf-2026/to-be-announced.md",
            "---\ntitle: To Be Announced\n---\nLater.\n",
        ),
    ]
}

fn make_site() -> tempfile::TempDir {
    temp_site(&site_files())
}

#[test]
fn builds_every_page_of_a_program() {
    let site = make_site();
    confsite_ok(site.path(), &["build"]);
    let out = site.path().join("output");
    for page in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "rustconf-2026/index.html",
        "rustconf-2026/day/2026-10-24.html",
        "rustconf-2026/day/2026-10-25.html",
        "rustconf-2026/sessions.html",
        "rustconf-2026/session/opening-keynote.html",
        "rustconf-2026/session/to-be-announced.html",
        "rustconf-2026/speakers.html",
        "rustconf-2026/speaker/jose-padilla.html",
        "rustconf-2026/tracks.html",
        "rustconf-2026/track/systems.html",
        "rustconf-2026/track/web.html",
        "rustconf-2026/rooms.html",
        "rustconf-2026/room/main-room.html",
        "rustconf-2026/unscheduled.html",
        "rustconf-2026/agenda.html",
        "rustconf-2026/search.html",
        "rustconf-2026/sessions.json",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let unscheduled = read(out.join("rustconf-2026/unscheduled.html"));
    assert!(unscheduled.contains("To Be Announced"));
    assert!(!unscheduled.contains("Rust at Scale"));
}

/// The grid places each session in its room's column and between the row
/// lines of its start and end time.
#[test]
fn grid_cells_sit_in_their_room_and_time() {
    let site = make_site();
    confsite_ok(site.path(), &["build"]);
    let html = read(site.path().join("output/rustconf-2026/day/2026-10-24.html"));
    // Column lines of the rooms, from the header cells.
    let column_of = |room: &str| -> usize {
        let marker = format!(">{room}</a></div>");
        let end = html
            .find(&marker)
            .unwrap_or_else(|| panic!("no column {room}"));
        let start = html[..end].rfind("grid-column: ").unwrap() + "grid-column: ".len();
        html[start..].split(' ').next().unwrap().parse().unwrap()
    };
    // Row line of each time label.
    let row_of = |time: &str| -> usize {
        let marker = format!(">{time}</time></div>");
        let end = html
            .find(&marker)
            .unwrap_or_else(|| panic!("no row {time}"));
        let start = html[..end].rfind("grid-row: ").unwrap() + "grid-row: ".len();
        html[start..].split(';').next().unwrap().parse().unwrap()
    };
    let cell_style = |slug: &str| -> String {
        let marker = format!("data-session=\"{slug}\"");
        let at = html
            .find(&marker)
            .unwrap_or_else(|| panic!("no cell {slug}"));
        let start = html[..at].rfind("style=\"").unwrap() + 7;
        // The placement: `grid-row: a / b; grid-column: c / d;` (a theme may add more).
        let style = html[start..].split('"').next().unwrap();
        let placement: Vec<&str> = style.split_inclusive(';').take(2).collect();
        placement.concat().trim().to_string()
    };
    let main = column_of("Main Room");
    let side = column_of("Side Room");
    assert_ne!(main, side);
    assert_eq!(
        cell_style("opening-keynote"),
        format!(
            "grid-row: {} / {}; grid-column: {main} / {};",
            row_of("09:00"),
            row_of("09:30"),
            main + 1
        )
    );
    assert_eq!(
        cell_style("parallel-web"),
        format!(
            "grid-row: {} / {}; grid-column: {main} / {};",
            row_of("09:30"),
            row_of("10:00"),
            main + 1
        )
    );
    assert_eq!(
        cell_style("rust-at-scale"),
        format!(
            "grid-row: {} / {}; grid-column: {side} / {};",
            row_of("09:30"),
            row_of("10:15"),
            side + 1
        )
    );
    assert!(html.contains("Europe/Berlin (CEST)"), "the zone is named");
}

#[test]
fn a_session_in_two_tracks_is_on_both_track_pages() {
    let site = make_site();
    confsite_ok(site.path(), &["build"]);
    let out = site.path().join("output/rustconf-2026");
    let systems = read(out.join("track/systems.html"));
    let web = read(out.join("track/web.html"));
    assert!(systems.contains("Opening Keynote") && web.contains("Opening Keynote"));
    assert!(systems.contains("Rust at Scale") && !web.contains("Rust at Scale"));
    assert!(web.contains("Parallel Web") && !systems.contains("Parallel Web"));
}

#[test]
fn hostile_text_stays_text() {
    let site = make_site();
    confsite_ok(site.path(), &["build"]);
    let out = site.path().join("output/rustconf-2026");
    for page in [
        "session/hostile.html",
        "sessions.html",
        "day/2026-10-25.html",
    ] {
        let html = read(out.join(page));
        assert!(
            !html.contains("<script>alert"),
            "{page} runs a title's script"
        );
        assert!(
            !html.contains("<img src=x"),
            "{page} has a speaker's raw tag"
        );
        assert!(
            html.contains("&lt;script&gt;alert("),
            "{page} shows the title as text"
        );
    }
    let session = read(out.join("session/hostile.html"));
    assert!(
        !session.contains("javascript:"),
        "javascript: links are removed"
    );
    assert!(
        !session.contains("alert(2)</script>"),
        "raw HTML in the abstract is sanitised"
    );
    assert!(session.contains("a link"));
}

/// Every relative link in every page resolves to a file of the build, and
/// absolute URLs carry the base URL's path.
#[test]
fn links_resolve_under_a_base_url_with_a_path() {
    let site = make_site();
    confsite_ok(
        site.path(),
        &["build", "--base-url", "https://example.org/sub/path"],
    );
    let out = site.path().join("output");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = read(entry.path());
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let link = piece.split('"').next().unwrap();
                if link.starts_with("https://")
                    || link.starts_with("webcal://")
                    || link.starts_with("data:")
                    || link.starts_with('#')
                {
                    if link.starts_with("https://example.org") {
                        assert!(link.starts_with("https://example.org/sub/path/"), "{link}");
                    }
                    continue;
                }
                let path = link.split(['?', '#']).next().unwrap();
                // Root-relative links (the 404 page is served at any depth) carry the base path.
                let target = match path.strip_prefix('/') {
                    Some(rooted) => {
                        let inside = rooted.strip_prefix("sub/path/");
                        assert!(inside.is_some(), "{link} is outside the base path");
                        out.join(inside.unwrap())
                    }
                    None => entry.path().parent().unwrap().join(path),
                };
                assert!(
                    target.exists(),
                    "{} links to missing {link}",
                    entry.path().display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    let json = read(out.join("rustconf-2026/sessions.json"));
    assert!(json.contains(
        "\"url\": \"https://example.org/sub/path/rustconf-2026/session/opening-keynote.html\""
    ));
}

#[test]
fn sessions_json_has_the_documented_shape() {
    let site = make_site();
    confsite_ok(site.path(), &["build"]);
    let json: serde_json::Value = read_json(site.path().join("output/rustconf-2026/sessions.json"));
    let sessions = json.as_array().unwrap();
    assert_eq!(sessions.len(), 5);
    let by_slug: BTreeMap<&str, &serde_json::Value> = sessions
        .iter()
        .map(|s| (s["slug"].as_str().unwrap(), s))
        .collect();
    let keynote = by_slug["opening-keynote"];
    for key in [
        "title", "slug", "url", "kind", "speakers", "start", "end", "room", "track", "tags",
        "links", "abstract",
    ] {
        assert!(keynote.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(keynote["title"], "Opening Keynote");
    assert_eq!(keynote["kind"], "keynote");
    assert_eq!(keynote["speakers"][0]["name"], "José Padilla");
    assert_eq!(keynote["speakers"][0]["affiliation"], "Acme, Inc.");
    assert_eq!(keynote["start"], "2026-10-24T09:00:00+02:00");
    assert_eq!(keynote["end"], "2026-10-24T09:30:00+02:00");
    assert_eq!(keynote["room"], "Main Room");
    assert_eq!(keynote["track"], "Systems");
    assert_eq!(keynote["abstract"], "Welcome **everyone**.");
    let rust = by_slug["rust-at-scale"];
    assert_eq!(rust["links"][0]["kind"], "video");
    assert_eq!(rust["links"][0]["url"], "https://video.example/rust");
    let tba = by_slug["to-be-announced"];
    assert!(tba["start"].is_null() && tba["end"].is_null() && tba["room"].is_null());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = make_site();
    confsite_ok(site.path(), &["build", "--output", "a"]);
    confsite_ok(site.path(), &["build", "--output", "b"]);
    let a = file_bytes_under(&site.path().join("a"));
    let b = file_bytes_under(&site.path().join("b"));
    assert!(a.len() > 20);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
}

/// One broken thing per case: the build fails naming the file and line, and
/// the previous output is left exactly as it was.
#[test]
fn bad_input_fails_with_file_and_line_and_keeps_the_previous_output() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "broken YAML",
            "content/rustconf-2026/rust-at-scale.md",
            "---\ntitle: Rust at Scale\nspeakers: [unclosed\n---\n",
            "content/rustconf-2026/rust-at-scale.md:3",
        ),
        (
            "unknown key",
            "content/rustconf-2026/rust-at-scale.md",
            "---\ntitle: Rust at Scale\nspeaker: [Ana]\n---\n",
            "content/rustconf-2026/rust-at-scale.md:3:1: error: unknown key `speaker`: did you mean `speakers`?",
        ),
        (
            "unknown time zone",
            "content/rustconf-2026/_event.md",
            "---\nname: X\ntimezone: Mars/Olympus\n---\n",
            "content/rustconf-2026/_event.md:3: error: unknown time zone `Mars/Olympus`",
        ),
        (
            "end before start",
            "content/rustconf-2026/rust-at-scale.md",
            "---\ntitle: Rust at Scale\nstart: 2026-10-24 10:00\nend: 2026-10-24 09:00\n---\n",
            "content/rustconf-2026/rust-at-scale.md:4: error: end 2026-10-24T09:00:00+02:00 is not after start",
        ),
        (
            "duplicate slug",
            "content/rustconf-2026/another.md",
            "---\ntitle: Another\nslug: rust-at-scale\n---\n",
            "duplicate slug `rust-at-scale`",
        ),
        (
            "impossible time",
            "content/rustconf-2026/rust-at-scale.md",
            "---\ntitle: Rust at Scale\ndate: 2026-10-24\ntime: 13:75pm\n---\n",
            "content/rustconf-2026/rust-at-scale.md:4: error: `13:75pm` is not a time of day",
        ),
        (
            "template error",
            "themes/default/templates/session.html",
            "{% extends \"base.html\" %}{% block content %}{{ session.title | no_such_filter }}{% endblock content %}",
            "themes/default/templates/session.html",
        ),
    ];
    for (what, file, text, expected) in cases {
        let site = make_site();
        confsite_ok(site.path(), &["build"]);
        let before = read(
            site.path()
                .join("output/rustconf-2026/session/rust-at-scale.html"),
        );
        write_files(site.path(), &[(file, text)]);
        let out = confsite(site.path(), &["build"]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{what}: the build succeeded");
        assert!(
            err.contains(expected),
            "{what}: expected `{expected}` in:\n{err}"
        );
        let after = read(
            site.path()
                .join("output/rustconf-2026/session/rust-at-scale.html"),
        );
        assert_eq!(before, after, "{what}: the previous output changed");
        let leftovers: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("staging") || n.contains("old"))
            .collect();
        assert!(leftovers.is_empty(), "{what}: left {leftovers:?}");
    }
}

#[test]
fn init_scaffolds_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    confsite_ok(dir.path(), &["init", "my-conf"]);
    let site = dir.path().join("my-conf");
    assert!(site.join(".github/workflows/pages.yml").is_file());
    confsite_ok(&site, &["build"]);
    assert!(site.join("output/sample-conf-2026/index.html").is_file());
    let again = confsite(dir.path(), &["init", "my-conf"]);
    assert!(
        !again.status.success(),
        "init refuses a non-empty directory"
    );
}
