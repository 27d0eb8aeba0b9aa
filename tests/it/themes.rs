//! Themes end to end, through the CLI: the bundled themes, a site's
//! overrides (`templates/`, `themes/<name>/`), `extends`, per-event themes
//! and options, `confsite theme list|show|eject`, and the files GitHub Pages
//! needs beside the pages (404.html, CNAME, sitemap.xml, robots.txt, .nojekyll).
//!
//! Expected values come from the sites written here and from the theme
//! sources in the repository, never from a previous build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::{confsite, confsite_ok, read, relative_files, repo, stderr, temp_site};

const BASE: &str = "https://org.github.io/conf/";

fn event(name: &str, extra: &str) -> String {
    format!(
        "---\nname: {name}\ntimezone: Europe/Berlin\nstart_date: 2026-10-24\nrooms: [Main Room, Side Room]\ntracks: [Systems]\n{extra}---\nAbout {name}.\n"
    )
}

const KEYNOTE: &str = "---\ntitle: Opening Keynote\nkind: keynote\nspeakers:\n  - name: Ana Lima\n    affiliation: Acme\nstart: 2026-10-24 09:00\nduration: 30m\nroom: Main Room\ntrack: Systems\n---\nWelcome, and the plan for the day.\n";
const TALK: &str = "---\ntitle: Rust at Scale\nspeakers: [Bo Chen]\nstart: 2026-10-24 09:30\nend: 2026-10-24 10:15\nroom: Side Room\n---\nScaling things.\n";

/// A site with two events, `alpha` (no theme of its own) and `beta`, plus `extra` files.
fn site(config_extra: &str, beta_extra: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let config = format!("title: Theme Test\nbase_url: {BASE}\n{config_extra}");
    let alpha = event("Alpha Conf", "");
    let beta = event("Beta Conf", beta_extra);
    let mut files: Vec<(&str, &str)> = vec![
        ("confsite.yaml", config.as_str()),
        ("content/alpha/_event.md", alpha.as_str()),
        ("content/alpha/opening-keynote.md", KEYNOTE),
        ("content/alpha/rust-at-scale.md", TALK),
        ("content/beta/_event.md", beta.as_str()),
        ("content/beta/opening-keynote.md", KEYNOTE),
        ("content/beta/rust-at-scale.md", TALK),
    ];
    files.extend_from_slice(extra);
    temp_site(&files)
}

fn build(dir: &Path) -> PathBuf {
    confsite_ok(dir, &["build"]);
    dir.join("output")
}

fn repo_theme_file(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join("themes").join(rel)).unwrap()
}

fn output_file(out: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The stylesheets a page links, as written in its `<link rel="stylesheet">` tags.
fn stylesheets(html: &str) -> Vec<String> {
    html.split("<link ")
        .skip(1)
        .filter(|tag| tag.contains("rel=\"stylesheet\""))
        .filter_map(|tag| {
            let start = tag.find("href=\"")? + 6;
            let end = tag[start..].find('"')? + start;
            Some(tag[start..end].to_string())
        })
        .collect()
}

/// Every `href="…"` and `src="…"` value of a page.
fn urls_in(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in [" href=\"", " src=\""] {
        for (i, _) in html.match_indices(attr) {
            let start = i + attr.len();
            let end = html[start..].find('"').unwrap() + start;
            found.push(html[start..end].to_string());
        }
    }
    found
}

#[test]
fn events_choose_their_theme_and_the_site_theme_fills_in() {
    let dir = site(
        "theme: minimal\n",
        "theme: compact\ntheme_options:\n  accent: \"#123456\"\n  footer_links:\n    - title: Code of conduct\n      url: https://beta.example/coc\n",
        &[],
    );
    let out = build(dir.path());

    let alpha = read(out.join("alpha/session/opening-keynote.html"));
    let beta = read(out.join("beta/session/opening-keynote.html"));
    assert_eq!(
        stylesheets(&alpha),
        [
            "../../static/minimal/style.css",
            "../../static/minimal/minimal.css"
        ],
        "alpha sets no theme: the site's (minimal) applies"
    );
    assert_eq!(
        stylesheets(&beta),
        [
            "../../static/compact/style.css",
            "../../static/compact/compact.css"
        ]
    );
    // Each theme's own stylesheet, and default's inherited one, are written as in the repo.
    for (out_rel, repo_rel) in [
        ("static/minimal/minimal.css", "minimal/static/minimal.css"),
        ("static/minimal/style.css", "default/static/style.css"),
        ("static/compact/compact.css", "compact/static/compact.css"),
        ("static/compact/style.css", "default/static/style.css"),
    ] {
        assert_eq!(
            output_file(&out, out_rel),
            repo_theme_file(repo_rel),
            "{out_rel}"
        );
    }
    assert!(!out.join("static/compact/minimal.css").exists());

    // Options: the theme's defaults (minimal is serif), the event's own values on top.
    assert!(
        alpha.contains("<body class=\"font-serif"),
        "minimal defaults to serif"
    );
    assert!(beta.contains("<body class=\"font-sans"));
    assert!(
        beta.contains("--accent-light: #123456;"),
        "the event's accent"
    );
    assert!(!alpha.contains("#123456"), "options stay with their event");
    assert!(beta.contains("<a href=\"https://beta.example/coc\">Code of conduct</a>"));

    // More than colour: minimal's day is a table, compact's a grid with folded abstracts.
    let alpha_day = read(out.join("alpha/day/2026-10-24.html"));
    let beta_day = read(out.join("beta/day/2026-10-24.html"));
    assert!(alpha_day.contains("<table class=\"program\""));
    assert!(!alpha_day.contains("class=\"grid\""));
    assert!(beta_day.contains("class=\"grid\""));
    assert!(!beta_day.contains("<table"));
    let beta_list = read(out.join("beta/sessions.html"));
    assert!(beta_list.contains("<details class=\"abstract\"><summary>Abstract</summary><p>Welcome, and the plan for the day."));
    assert!(!read(out.join("alpha/sessions.html")).contains("<details"));

    // Site pages use the site's theme.
    let index = read(out.join("index.html"));
    assert_eq!(
        stylesheets(&index),
        ["static/minimal/style.css", "static/minimal/minimal.css"]
    );
}

#[test]
fn site_theme_options_apply_to_every_event_and_events_change_them() {
    let dir = site(
        "theme_options:\n  accent: \"#224466\"\n  font: mono\n",
        "theme: minimal\ntheme_options:\n  font: sans\n",
        &[],
    );
    let out = build(dir.path());
    let alpha = read(out.join("alpha/index.html"));
    let beta = read(out.join("beta/index.html"));
    assert!(
        alpha.contains("--accent-light: #224466;"),
        "the site's accent"
    );
    assert!(alpha.contains("<body class=\"font-mono"));
    assert!(
        beta.contains("--accent-light: #224466;"),
        "kept where the event sets none"
    );
    assert!(
        beta.contains("<body class=\"font-sans"),
        "the event's own font wins"
    );
}

#[test]
fn the_table_of_a_day_lists_its_sessions_in_time_order() {
    let dir = site("theme: minimal\n", "", &[]);
    let out = build(dir.path());
    let day = read(out.join("alpha/day/2026-10-24.html"));
    let keynote = day.find(">Opening Keynote</a>").expect("keynote row");
    let talk = day.find(">Rust at Scale</a>").expect("talk row");
    assert!(keynote < talk);
    assert!(day.contains("<td class=\"when\"><time datetime=\"2026-10-24T09:30:00+02:00\">09:30</time>–<time datetime=\"2026-10-24T10:15:00+02:00\">10:15</time></td>"));
    assert!(day.contains(
        "<td class=\"room\"><a href=\"../../alpha/room/side-room.html\">Side Room</a></td>"
    ));
    // Rows carry what the scripts look for (stars, filters, "now").
    assert!(day.contains("<tr class=\"session kind-keynote\" data-session=\"opening-keynote\" data-uid=\"opening-keynote.alpha@org.github.io\""));
}

#[test]
fn site_templates_and_theme_static_files_override_the_bundled_ones() {
    let speakers = "{% extends \"base.html\" %}{% block content %}<h1 id=\"hand-made\">Our {{ event.speaker_count }} speakers</h1>{% endblock content %}";
    let style = "/* the site's own stylesheet */\nbody { color: rebeccapurple; }\n";
    let dir = site(
        "",
        "theme: minimal\n",
        &[
            ("templates/speakers.html", speakers),
            ("themes/default/static/style.css", style),
        ],
    );
    let out = build(dir.path());

    // templates/ overrides the template in every theme, inside the theme's layout.
    for event in ["alpha", "beta"] {
        let page = read(out.join(event).join("speakers.html"));
        assert!(
            page.contains("<h1 id=\"hand-made\">Our 2 speakers</h1>"),
            "{event}"
        );
        assert!(
            page.contains("<a class=\"skip\" href=\"#main\">"),
            "{event}: base.html still wraps it"
        );
        assert!(!read(out.join(event).join("sessions.html")).contains("hand-made"));
    }
    // One static file replaced, the others still bundled; minimal inherits the replacement.
    assert_eq!(
        output_file(&out, "static/default/style.css"),
        style.as_bytes()
    );
    assert_eq!(
        output_file(&out, "static/minimal/style.css"),
        style.as_bytes()
    );
    assert_eq!(
        output_file(&out, "static/default/confsite.js"),
        repo_theme_file("default/static/confsite.js")
    );
    assert_eq!(
        output_file(&out, "static/minimal/minimal.css"),
        repo_theme_file("minimal/static/minimal.css")
    );
}

#[test]
fn a_site_theme_extends_default_and_overrides_one_block() {
    let dir = site(
        "",
        "theme: fancy\n",
        &[
            (
                "themes/fancy/theme.yaml",
                "description: Default with talk titles.\nextends: default\noptions:\n  accent: \"#aa0000\"\n",
            ),
            (
                "themes/fancy/templates/session.html",
                "{% extends \"default/session.html\" %}{% block title %}Talk: {{ session.title }}{% endblock title %}",
            ),
        ],
    );
    let out = build(dir.path());
    let page = read(out.join("beta/session/opening-keynote.html"));
    assert!(page.contains("<title>Talk: Opening Keynote</title>"));
    // The rest of default's session page is still there.
    assert!(page.contains("<h1"), "{page}");
    assert!(page.contains("class=\"facts\""));
    assert!(page.contains(">Ana Lima</a>"));
    assert_eq!(
        stylesheets(&page),
        ["../../static/fancy/style.css"],
        "a theme of its own, with default's files"
    );
    assert_eq!(
        output_file(&out, "static/fancy/style.css"),
        repo_theme_file("default/static/style.css")
    );
    // Options merge over the parent's defaults: fancy's accent, default's font.
    assert!(page.contains("--accent-light: #aa0000;"));
    assert!(page.contains("<body class=\"font-sans"));
    // Only that block changed; alpha (default) keeps default's titles.
    assert!(!read(out.join("beta/sessions.html")).contains("<title>Talk:"));
    assert!(!read(out.join("alpha/session/opening-keynote.html")).contains("<title>Talk:"));
}

#[test]
fn a_theme_can_extend_a_bundled_theme_that_extends_another() {
    let dir = site(
        "theme: house\n",
        "",
        &[
            ("themes/house/theme.yaml", "extends: compact\n"),
            (
                "themes/house/templates/partials/head.html",
                "{% include \"compact/partials/head.html\" %}<meta name=\"house-style\" content=\"yes\">",
            ),
        ],
    );
    let out = build(dir.path());
    let page = read(out.join("alpha/sessions.html"));
    assert!(page.contains("<meta name=\"house-style\" content=\"yes\">"));
    assert_eq!(
        stylesheets(&page),
        ["../static/house/style.css", "../static/house/compact.css"]
    );
    assert!(
        page.contains("<details class=\"abstract\">"),
        "compact's templates are inherited"
    );
}

#[test]
fn theme_options_cannot_break_out_of_the_declaration() {
    let hostile = event(
        "Alpha Conf",
        "theme: compact\ntheme_options:\n  lane_width: \"9rem; } body { display: none\"\n",
    );
    let dir = site(
        "",
        "theme: compact\ntheme_options:\n  lane_width: 9rem\n",
        &[("content/alpha/_event.md", hostile.as_str())],
    );
    let out = build(dir.path());
    let fine = read(out.join("beta/day/2026-10-24.html"));
    assert!(fine.contains("<style>:root { --lane-min: 9rem; }</style>"));
    let page = read(out.join("alpha/day/2026-10-24.html"));
    assert!(
        !page.contains("<style>:root { --lane-min"),
        "the hostile value is dropped"
    );
    assert!(!page.contains("display: none"));
    assert!(page.contains("compact.css"), "the theme still applies");
}

#[test]
fn unknown_theme_is_an_error_naming_the_event_file() {
    let dir = site("", "theme: nope\n", &[]);
    let out = confsite(dir.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/beta/_event.md"), "{err}");
    assert!(err.contains("unknown theme `nope`"), "{err}");
    assert!(
        err.contains("compact") && err.contains("minimal"),
        "lists the themes: {err}"
    );
    assert!(!dir.path().join("output").exists(), "nothing is written");
}

#[test]
fn an_extends_loop_or_missing_parent_fails_the_build() {
    let dir = site(
        "",
        "theme: a\n",
        &[
            ("themes/a/theme.yaml", "extends: b\n"),
            ("themes/b/theme.yaml", "extends: a\n"),
        ],
    );
    let out = confsite(dir.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("themes/a/theme.yaml"), "{err}");
    assert!(err.contains("loops: a → b → a"), "{err}");

    let dir = site(
        "",
        "",
        &[("themes/orphan/theme.yaml", "extends: nowhere\n")],
    );
    let out = confsite(dir.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("themes/orphan/theme.yaml"), "{err}");
    assert!(err.contains("theme `nowhere` does not exist"), "{err}");
}

/// Files of a bundled theme in the repository, relative to its folder.
fn repo_theme_files(name: &str) -> BTreeSet<PathBuf> {
    relative_files(&repo().join("themes").join(name))
        .into_iter()
        .collect()
}

#[test]
fn theme_list_show_and_eject() {
    let dir = tempfile::tempdir().unwrap();
    let list = String::from_utf8(confsite_ok(dir.path(), &["theme", "list"]).stdout).unwrap();
    let names: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["compact", "default", "minimal"], "{list}");
    for line in list.lines() {
        assert!(
            line.split_whitespace().count() > 3,
            "each theme is described: {line}"
        );
    }

    let show =
        String::from_utf8(confsite_ok(dir.path(), &["theme", "show", "compact"]).stdout).unwrap();
    assert!(show.contains("extends: default"), "{show}");
    assert!(
        show.contains(
            "partials/head.html  (<bundled>/themes/compact/templates/partials/head.html)"
        ),
        "{show}"
    );
    assert!(
        show.contains("day.html  (<bundled>/themes/default/templates/day.html)"),
        "{show}"
    );
    assert!(
        show.contains("compact.css  (<bundled>/themes/compact/static/compact.css)"),
        "{show}"
    );
    let missing = confsite(dir.path(), &["theme", "show", "nope"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("no theme named `nope`"));

    // eject copies exactly the theme's files, then refuses to overwrite them.
    let site_dir = site("theme: compact\n", "", &[]);
    let root = site_dir.path();
    confsite_ok(root, &["theme", "eject", "compact"]);
    let ejected = root.join("themes/compact");
    let copied: BTreeSet<PathBuf> = relative_files(&ejected).into_iter().collect();
    assert_eq!(copied, repo_theme_files("compact"));
    for rel in &copied {
        assert_eq!(
            std::fs::read(ejected.join(rel)).unwrap(),
            repo_theme_file(&format!("compact/{}", rel.display())),
            "{}",
            rel.display()
        );
    }
    let edited = "/* edited after eject */\n";
    std::fs::write(ejected.join("static/compact.css"), edited).unwrap();
    let again = confsite(root, &["theme", "eject", "compact"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        read(ejected.join("static/compact.css")),
        edited,
        "left untouched"
    );
    // The ejected copy is what the build uses.
    let out = build(root);
    assert_eq!(read(out.join("static/compact/compact.css")), edited);
    assert!(!confsite(root, &["theme", "eject", "nope"]).status.success());
}

#[test]
fn not_found_page_is_themed_and_links_from_the_base_path() {
    let dir = site("theme: minimal\n", "", &[]);
    let out = build(dir.path());
    let page = read(out.join("404.html"));
    assert!(page.contains("Page not found"), "{page}");
    assert_eq!(
        stylesheets(&page),
        [
            "/conf/static/minimal/style.css",
            "/conf/static/minimal/minimal.css"
        ]
    );
    // GitHub Pages serves it at any missing path: no link may be relative to where it is.
    for url in urls_in(&page) {
        assert!(
            url.starts_with("/conf/")
                || url.starts_with("https://")
                || url.starts_with('#')
                || url.starts_with("data:"),
            "relative link in 404.html: {url}"
        );
    }
}

#[test]
fn files_github_pages_needs() {
    let dir = site("cname: program.example.org\n", "", &[]);
    let out = build(dir.path());
    assert_eq!(read(out.join("CNAME")), "program.example.org\n");
    assert_eq!(read(out.join(".nojekyll")), "");
    let robots = read(out.join("robots.txt"));
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );

    let dir = site("", "", &[]);
    let out = build(dir.path());
    assert!(!out.join("CNAME").exists(), "no CNAME unless configured");
}

/// `<loc>` values of a sitemap, read by quick-xml.
fn sitemap_locs(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut locs, mut in_loc) = (Vec::new(), false);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"loc" => in_loc = true,
            Event::End(e) if e.name().as_ref() == b"loc" => in_loc = false,
            Event::Text(t) if in_loc => locs.push(t.unescape().unwrap().into_owned()),
            Event::Eof => break,
            _ => {}
        }
    }
    locs
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls_under_the_base_path() {
    let dir = site("", "theme: compact\n", &[]);
    let out = build(dir.path());
    let listed: Vec<String> = sitemap_locs(&read(out.join("sitemap.xml")));
    let expected: BTreeSet<String> = relative_files(&out)
        .into_iter()
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .filter(|rel| rel.ends_with(".html") && rel != "404.html")
        .map(|rel| match rel.strip_suffix("index.html") {
            Some(dir) => format!("{BASE}{dir}"),
            None => format!("{BASE}{rel}"),
        })
        .collect();
    assert!(expected.len() > 20, "{expected:?}");
    let listed_set: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(listed.len(), listed_set.len(), "no duplicates");
    assert_eq!(listed_set, expected);
}

#[test]
fn colours_from_content_cannot_inject_css() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::write_files(
        dir.path(),
        &[
            ("confsite.yaml", "title: T\n"),
            (
                "content/ev/_event.md",
                "---\nname: Ev\ntimezone: UTC\ntheme_options:\n  accent: \"red; } body { display: none\"\n  hero_image: \"x') ; background: url('https://evil.example/\"\ntracks:\n  - name: Web\n    color: \"blue; } * { color: red\"\n  - name: Ops\n    color: \"#0a0\"\n---\n",
            ),
            ("content/ev/a.md", "---\ntitle: A\ntrack: [Web, Ops]\n---\n"),
        ],
    );
    crate::common::confsite_ok(dir.path(), &["build"]);
    for page in ["ev/index.html", "ev/session/a.html"] {
        let html = crate::common::read(dir.path().join("output").join(page));
        assert!(
            !html.contains("display: none"),
            "{page}: accent injected CSS"
        );
        assert!(
            !html.contains("color: red"),
            "{page}: a track colour injected CSS"
        );
        assert!(
            !html.contains("evil.example"),
            "{page}: the hero image escaped its url()"
        );
        assert!(
            html.contains("--accent-light: #1f5fbf;"),
            "{page}: falls back to the default accent"
        );
        assert!(
            html.contains("--track-ops: #0a0;"),
            "{page}: a plain colour is kept"
        );
    }
}
