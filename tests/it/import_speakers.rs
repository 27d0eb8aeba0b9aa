//! Imports write speaker pages: bios, photos and links from Sessionize and
//! pretalx/frab schedules become `content/<event>/speakers/<slug>.md`, under
//! the same protection as session pages (manifest, hand edits, `--force`,
//! `--dry-run`, stale pages), and the built site shows them. Facts are read
//! by hand from the fixtures.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use confsite::content::{LoadOptions, load_site};
use confsite::diagnostic::Diagnostic;
use confsite::import::ImportOptions;
use confsite::import::write::{Action, ImportReport, ImportRequest, MANIFEST, run};
use confsite::model::{Event, Link, Speaker};

use crate::common::{
    actions_by_path, confsite_ok, file_texts_under, interop_fixture, read, stderr, write_files,
};

/// An empty site with its sources in a sibling folder.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        write_files(
            &root,
            &[(
                "confsite.yaml",
                "title: Speakers\nbase_url: https://speakers.example.org/\n",
            )],
        );
        Site { _dir: dir, root }
    }

    /// Writes a source document beside the site and returns its path.
    fn source(&self, name: &str, text: &str) -> PathBuf {
        let path = self.root.parent().unwrap().join("src").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    fn event_dir(&self, slug: &str) -> PathBuf {
        self.root.join("content").join(slug)
    }

    fn speaker_page(&self, event: &str, slug: &str) -> PathBuf {
        self.event_dir(event)
            .join("speakers")
            .join(format!("{slug}.md"))
    }

    /// Every file under an event directory, by path relative to it.
    fn files(&self, event: &str) -> BTreeMap<String, String> {
        file_texts_under(&self.event_dir(event))
    }

    fn load(&self, event: &str) -> Event {
        let loaded = load_site(&self.root, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("the imported site does not load:\n{e}"));
        loaded
            .site
            .events
            .into_iter()
            .find(|e| e.slug == event)
            .unwrap_or_else(|| panic!("no event `{event}`"))
    }
}

fn sessionize_request(site: &Site, sources: Vec<PathBuf>) -> ImportRequest {
    ImportRequest {
        root: site.root.clone(),
        sources,
        event: Some("devdays".into()),
        options: ImportOptions {
            name: Some("DevDays 2025".into()),
            timezone: Some("Europe/Berlin".into()),
            ..ImportOptions::default()
        },
        ..ImportRequest::default()
    }
}

fn import(request: &ImportRequest) -> ImportReport {
    run(request).unwrap_or_else(|f| panic!("import failed:\n{f}"))
}

fn speaker_actions(report: &ImportReport) -> BTreeMap<String, Action> {
    actions_by_path(report)
        .into_iter()
        .filter(|(name, _)| name.starts_with("speakers/"))
        .collect()
}

fn warnings(report: &ImportReport) -> Vec<&Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .collect()
}

fn speaker<'a>(event: &'a Event, slug: &str) -> &'a Speaker {
    event
        .speakers
        .iter()
        .find(|s| s.slug == slug)
        .unwrap_or_else(|| panic!("no speaker `{slug}` in {:?}", slugs_of(event)))
}

fn slugs_of(event: &Event) -> Vec<&str> {
    event.speakers.iter().map(|s| s.slug.as_str()).collect()
}

fn session_titles(event: &Event, speaker: &Speaker) -> Vec<String> {
    speaker
        .sessions
        .iter()
        .map(|&i| event.sessions[i].title.clone())
        .collect()
}

fn sessionize_fixture(site: &Site) -> PathBuf {
    site.source(
        "view-all.json",
        &read(interop_fixture("sessionize/view-all.json")),
    )
}

// ---- Sessionize -------------------------------------------------------------

#[test]
fn sessionize_speakers_become_pages_the_sessions_link_to() {
    let site = Site::new();
    let request = sessionize_request(&site, vec![sessionize_fixture(&site)]);
    let report = import(&request);

    // Four of the five speakers have details; Priya Raman has a name only.
    assert_eq!(
        speaker_actions(&report),
        BTreeMap::from([
            ("speakers/amara-okafor.md".to_string(), Action::Create),
            ("speakers/jonas-bergstrom.md".to_string(), Action::Create),
            ("speakers/lea-moreau.md".to_string(), Action::Create),
            ("speakers/tom-nguyen.md".to_string(), Action::Create),
        ])
    );
    assert!(
        report
            .lines
            .iter()
            .any(|l| l
                .ends_with("4 speakers with a bio, photo, links or affiliation (speaker pages)")),
        "{:#?}",
        report.lines
    );
    // The details are written, not dropped: no warning says otherwise.
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("speaker pages") || d.message.contains("not imported")),
        "{:#?}",
        report.diagnostics
    );
    let manifest = read(site.event_dir("devdays").join(MANIFEST));
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let text = read(site.speaker_page("devdays", "amara-okafor"));
    assert_eq!(
        manifest["files"]["speakers/amara-okafor.md"],
        format!("sha256:{}", sha256_hex(text.as_bytes()))
    );

    let event = site.load("devdays");
    let amara = speaker(&event, "amara-okafor");
    assert!(amara.source.is_some(), "Amara's page was not loaded");
    assert_eq!(amara.name, "Amara Okafor");
    assert_eq!(
        amara.bio.as_deref(),
        Some("Amara leads platform reliability at a payments company.")
    );
    assert_eq!(
        amara.affiliation.as_deref(),
        Some("VP Engineering, Paylane")
    );
    assert_eq!(
        amara.photo.as_deref(),
        Some("https://sessionize.com/image/1a2b-400o400o1-aBcDeFgHiJkLmNoP.jpg")
    );
    assert_eq!(
        amara.links,
        [
            Link {
                kind: "linkedin".into(),
                url: "https://www.linkedin.com/in/amara-okafor-example".into(),
                title: Some("LinkedIn".into()),
            },
            Link {
                kind: "blog".into(),
                url: "https://amara.example.org/".into(),
                title: Some("Blog".into()),
            },
        ]
    );
    // Linked from both of her sessions, not a second, page-less speaker.
    let mut titles = session_titles(&event, amara);
    titles.sort();
    assert_eq!(
        titles,
        [
            "Data pipelines that don't wake you up at night",
            "Keynote: Shipping Software People Trust"
        ]
    );
    let lea = speaker(&event, "lea-moreau");
    assert!(lea.source.is_some());
    assert_eq!(
        lea.bio.as_deref(),
        Some("Léa runs the observability guild at a logistics firm.")
    );
    assert_eq!(
        session_titles(&event, lea),
        ["Hands-on: Observability from Zero"]
    );
    // The waitlisted session without a time still links its speaker.
    let tom = speaker(&event, "tom-nguyen");
    assert!(tom.source.is_some());
    assert_eq!(tom.photo, None);
    assert_eq!(
        session_titles(&event, tom),
        ["Accessibility Is Not a Checklist"]
    );
    let priya = speaker(&event, "priya-raman");
    assert!(priya.source.is_none() && priya.bio.is_none());
    assert_eq!(event.speakers.len(), 5, "{:?}", slugs_of(&event));
}

/// SHA-256 as `sha256sum` prints it: the manifest's hashes are checked
/// against the system tool, not against the code that wrote them.
fn sha256_hex(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("sha256sum")
        .arg(&file)
        .output()
        .expect("sha256sum runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn re_import_is_idempotent_and_hand_edits_are_protected() {
    let site = Site::new();
    let request = sessionize_request(&site, vec![sessionize_fixture(&site)]);
    import(&request);
    let before = site.files("devdays");
    assert!(before.contains_key("speakers/jonas-bergstrom.md"));

    let report = import(&request);
    assert!(
        actions_by_path(&report)
            .values()
            .all(|a| *a == Action::Unchanged),
        "{:#?}",
        report.lines
    );
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(site.files("devdays"), before);

    // A hand-edited bio is kept, with a warning naming the page.
    let page = site.speaker_page("devdays", "jonas-bergstrom");
    let edited = before["speakers/jonas-bergstrom.md"].replace(
        "Jonas maintains a popular Rust HTTP framework.",
        "Jonas maintains a popular Rust HTTP framework, and bakes bread.",
    );
    assert_ne!(edited, before["speakers/jonas-bergstrom.md"]);
    fs::write(&page, &edited).unwrap();
    let report = import(&request);
    assert_eq!(
        actions_by_path(&report)["speakers/jonas-bergstrom.md"],
        Action::SkipEdited
    );
    let warned: Vec<String> = warnings(&report)
        .iter()
        .filter(|d| d.path.ends_with("speakers/jonas-bergstrom.md"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(warned.len(), 1, "{:#?}", report.diagnostics);
    assert!(
        warned[0].contains("edited by hand") && warned[0].contains("--force"),
        "{}",
        warned[0]
    );
    assert_eq!(read(&page), edited);
    // The edit wins in the built site.
    assert_eq!(
        speaker(&site.load("devdays"), "jonas-bergstrom")
            .bio
            .as_deref(),
        Some("Jonas maintains a popular Rust HTTP framework, and bakes bread.")
    );

    let report = import(&ImportRequest {
        force: true,
        ..request.clone()
    });
    assert_eq!(
        actions_by_path(&report)["speakers/jonas-bergstrom.md"],
        Action::Overwrite
    );
    assert_eq!(site.files("devdays"), before);
    let report = import(&request);
    assert!(
        actions_by_path(&report)
            .values()
            .all(|a| *a == Action::Unchanged),
        "{:#?}",
        report.lines
    );
}

#[test]
fn dry_run_lists_speaker_pages_and_writes_nothing() {
    let site = Site::new();
    let request = ImportRequest {
        dry_run: true,
        ..sessionize_request(&site, vec![sessionize_fixture(&site)])
    };
    let report = import(&request);
    let shown = site
        .root
        .join("content/devdays/speakers/amara-okafor.md")
        .display()
        .to_string();
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.trim() == format!("would create {shown}")),
        "{:#?}",
        report.lines
    );
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.contains("(dry run) 12 created")),
        "7 sessions, 4 speakers and the event file: {:#?}",
        report.lines
    );
    assert!(!site.root.join("content").exists());
}

#[test]
fn a_speaker_no_longer_described_is_stale_like_a_session() {
    let site = Site::new();
    let original = read(interop_fixture("sessionize/view-all.json"));
    let source = site.source("view-all.json", &original);
    let request = sessionize_request(&site, vec![source.clone()]);
    import(&request);

    // Tom's details are gone from the source: his page is kept, with a warning.
    let mut doc: serde_json::Value = serde_json::from_str(&original).unwrap();
    let tom = doc["speakers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["fullName"] == "Tom Nguyen")
        .unwrap();
    tom["bio"] = "".into();
    tom["tagLine"] = "".into();
    fs::write(&source, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let report = import(&request);
    assert_eq!(
        actions_by_path(&report)["speakers/tom-nguyen.md"],
        Action::Stale,
        "{:#?}",
        report.lines
    );
    assert!(
        warnings(&report)
            .iter()
            .any(|d| d.path.ends_with("speakers/tom-nguyen.md")
                && d.message.contains("no longer in the source")),
        "{:#?}",
        report.diagnostics
    );
    let page = site.speaker_page("devdays", "tom-nguyen");
    assert!(page.exists());

    let report = import(&ImportRequest {
        force: true,
        ..request.clone()
    });
    assert_eq!(
        actions_by_path(&report)["speakers/tom-nguyen.md"],
        Action::Remove
    );
    assert!(!page.exists());
    let manifest = read(site.event_dir("devdays").join(MANIFEST));
    assert!(!manifest.contains("tom-nguyen"), "{manifest}");
    assert!(manifest.contains("speakers/amara-okafor.md"), "{manifest}");
}

// ---- pretalx (schedule.json) --------------------------------------------------

#[test]
fn pretalx_speakers_become_pages_with_bios() {
    let site = Site::new();
    let source = site.source(
        "pretalx-democon.json",
        &read(interop_fixture("c3voc/examples/pretalx-democon.json")),
    );
    let request = ImportRequest {
        root: site.root.clone(),
        sources: vec![source],
        event: Some("democon".into()),
        ..ImportRequest::default()
    };
    let report = import(&request);
    assert_eq!(speaker_actions(&report).len(), 27, "{:#?}", report.lines);
    assert!(
        speaker_actions(&report)
            .values()
            .all(|a| *a == Action::Create)
    );

    let event = site.load("democon");
    assert_eq!(event.speakers.len(), 27, "{:?}", slugs_of(&event));
    for s in &event.speakers {
        assert!(s.source.is_some(), "{} has no page", s.slug);
        assert!(s.bio.is_some(), "{} has no bio", s.slug);
        assert!(!s.sessions.is_empty(), "{} gives no session", s.slug);
    }
    let brian = speaker(&event, "brian-robinson");
    let bio = brian.bio.as_deref().unwrap();
    assert!(
        bio.starts_with("Break through direction. Power cultural most should.\nWhole party")
            && bio.ends_with("Less mother notice future set."),
        "{bio}"
    );
    let kathy = speaker(&event, "kathy-wallace");
    assert!(
        session_titles(&event, kathy)
            .contains(&"Re-engineered bandwidth-monitored focus group".to_string())
    );

    let report = import(&request);
    assert!(
        actions_by_path(&report)
            .values()
            .all(|a| *a == Action::Unchanged),
        "{:#?}",
        report.lines
    );
}

// ---- the built site -------------------------------------------------------------

/// A Sessionize export with one speaker whose bio, links and photo are hostile.
fn hostile_sessionize() -> String {
    serde_json::json!({
        "sessions": [{
            "id": "1",
            "title": "Safe Talk",
            "description": "About safety.",
            "startsAt": "2025-10-24T09:00:00",
            "endsAt": "2025-10-24T09:45:00",
            "speakers": ["s1", "s2"],
            "categoryItems": [],
            "questionAnswers": [],
            "roomId": 1
        }],
        "speakers": [
            {
                "id": "s1",
                "fullName": "Mallory Example",
                "bio": "Mallory *writes* code.\n\n<script>alert('bio')</script>\
                        <img src=x onerror=\"alert('img')\">\
                        <a href=\"javascript:alert('link')\">click me</a>",
                "tagLine": "<b>Hacker</b>, Evil Corp",
                "profilePicture": "javascript:alert('photo')",
                "links": [
                    {"title": "Home", "url": "javascript:alert('home')", "linkType": "Blog"},
                    {"title": "Site", "url": "https://mallory.example.org/?a=1&b=\"2\"", "linkType": "Blog"}
                ]
            },
            {
                "id": "s2",
                "fullName": "Trent Example",
                "bio": "Trent keeps things fair.",
                "profilePicture": "https://images.example.org/trent.jpg",
                "links": []
            }
        ],
        "rooms": [{"id": 1, "name": "Main", "sort": 1}],
        "categories": [],
        "questions": []
    })
    .to_string()
}

#[test]
fn a_build_shows_the_bio_and_cleans_hostile_html() {
    let site = Site::new();
    // Pretty-printed, so each speaker starts on a line of its own.
    let value: serde_json::Value = serde_json::from_str(&hostile_sessionize()).unwrap();
    let text = serde_json::to_string_pretty(&value).unwrap();
    // The line that opens Mallory's object in `speakers`.
    let lines: Vec<&str> = text.lines().collect();
    let name_at = lines
        .iter()
        .position(|l| l.contains("\"fullName\": \"Mallory Example\""))
        .unwrap();
    let mallory_line = 1
        + (0..name_at)
            .rev()
            .find(|&i| lines[i].trim() == "{")
            .unwrap();
    let source = site.source("hostile.json", &text);
    let source_arg = source.to_str().unwrap();
    let out = confsite_ok(
        &site.root,
        &[
            "import",
            source_arg,
            "--event",
            "safe",
            "--name",
            "Safe Conf",
            "--timezone",
            "Europe/Berlin",
        ],
    );
    // The bad link and photo are reported at Mallory's entry and left out.
    let err = stderr(&out);
    let prefix = format!("{source_arg}:{mallory_line}: warning: ");
    let at = |needle: &str| {
        err.lines()
            .any(|l| l.starts_with(&prefix) && l.contains(needle))
    };
    assert!(at("javascript:alert('home')"), "{err}");
    assert!(at("javascript:alert('photo')"), "{err}");

    let page = read(site.speaker_page("safe", "mallory-example"));
    assert!(!page.contains("javascript:alert('home')"), "{page}");
    assert!(!page.contains("photo:"), "{page}");

    confsite_ok(&site.root, &["build"]);
    let html = read(site.root.join("output/safe/speaker/mallory-example.html"));
    assert!(html.contains("Mallory <em>writes</em> code."), "{html}");
    assert!(html.contains("click me"), "{html}");
    assert!(!html.contains("alert("), "a script survived:\n{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    // The tag line is the affiliation: text, not markup.
    assert!(
        html.contains("&lt;b&gt;Hacker") && !html.contains("<b>Hacker"),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://mallory.example.org/?a=1&amp;b=&quot;2&quot;\""),
        "{html}"
    );

    let trent = read(site.root.join("output/safe/speaker/trent-example.html"));
    assert!(trent.contains("Trent keeps things fair."), "{trent}");
    assert!(
        trent.contains("src=\"https://images.example.org/trent.jpg\""),
        "{trent}"
    );
    // The session page links both speakers' pages.
    let session = read(site.root.join("output/safe/session/safe-talk.html"));
    assert!(
        session.contains("speaker/mallory-example.html")
            && session.contains("speaker/trent-example.html"),
        "{session}"
    );
}

// ---- several sources -------------------------------------------------------------

/// A one-session Sessionize export whose speaker is `name` with `bio`.
fn one_speaker_doc(title: &str, start: &str, name: &str, bio: &str) -> String {
    one_speaker_doc_with_tagline(title, start, name, bio, None)
}

fn one_speaker_doc_with_tagline(
    title: &str,
    start: &str,
    name: &str,
    bio: &str,
    tagline: Option<&str>,
) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "sessions": [{
            "id": title,
            "title": title,
            "startsAt": start,
            "speakers": ["p"],
            "categoryItems": [],
            "roomId": 1
        }],
        "speakers": [{"id": "p", "fullName": name, "bio": bio, "tagLine": tagline, "links": []}],
        "rooms": [{"id": 1, "name": "Main", "sort": 1}],
        "categories": []
    }))
    .unwrap()
}

#[test]
fn merged_sources_write_one_page_per_speaker_and_keep_the_first() {
    let site = Site::new();
    let day1 = site.source(
        "day1.json",
        &one_speaker_doc_with_tagline(
            "Opening",
            "2025-10-24T09:00:00",
            "José García",
            "First bio.",
            Some("Acme"),
        ),
    );
    let day2 = site.source(
        "day2.json",
        &one_speaker_doc(
            "Closing",
            "2025-10-25T17:00:00",
            "Jose Garcia",
            "Second bio.",
        ),
    );
    let request = sessionize_request(&site, vec![day1, day2.clone()]);
    let report = import(&request);
    assert_eq!(
        speaker_actions(&report),
        BTreeMap::from([("speakers/jose-garcia.md".to_string(), Action::Create)])
    );
    let warned: Vec<&Diagnostic> = warnings(&report)
        .into_iter()
        .filter(|d| d.message.contains("also described"))
        .collect();
    assert_eq!(warned.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(warned[0].path, day2);
    assert!(
        warned[0].message.contains("as `José García`")
            && warned[0].message.contains("with another affiliation, bio:")
            && warned[0].message.contains("speakers/jose-garcia.md"),
        "{}",
        warned[0].message
    );

    let event = site.load("devdays");
    assert_eq!(event.speakers.len(), 1, "{:?}", slugs_of(&event));
    let jose = speaker(&event, "jose-garcia");
    assert_eq!(jose.name, "José García");
    assert_eq!(jose.bio.as_deref(), Some("First bio."));
    let mut titles = session_titles(&event, jose);
    titles.sort();
    assert_eq!(titles, ["Closing", "Opening"]);
    // The second source's session keeps its own spelling and finds the page
    // (by id: the name alone is not the page's), so it shows the page's affiliation.
    let closing = event
        .sessions
        .iter()
        .find(|s| s.title == "Closing")
        .unwrap();
    assert_eq!(closing.speakers[0].name, "Jose Garcia");
    assert_eq!(closing.speakers[0].slug, "jose-garcia");
    assert_eq!(closing.speakers[0].affiliation.as_deref(), Some("Acme"));
}

#[test]
fn a_long_name_gets_a_short_slug_and_sessions_find_it_by_id() {
    let site = Site::new();
    let name =
        "Maximiliane Alexandra Konstantinopoulou-Schwarzenberg von und zu Hohenlohe-Langenburg";
    let source = site.source(
        "long.json",
        &one_speaker_doc("Talk", "2025-10-24T09:00:00", name, "A long name."),
    );
    let report = import(&sessionize_request(&site, vec![source]));
    let pages: Vec<String> = speaker_actions(&report).into_keys().collect();
    assert_eq!(pages.len(), 1);
    let slug = pages[0]
        .strip_prefix("speakers/")
        .unwrap()
        .strip_suffix(".md")
        .unwrap();
    assert!(
        slug.len() <= 80 && slug.starts_with("maximiliane-"),
        "{slug}"
    );

    let event = site.load("devdays");
    assert_eq!(event.speakers.len(), 1, "{:?}", slugs_of(&event));
    let sp = speaker(&event, slug);
    assert_eq!(sp.name, name);
    assert_eq!(sp.bio.as_deref(), Some("A long name."));
    assert_eq!(session_titles(&event, sp), ["Talk"]);
}

#[test]
fn speaker_pages_are_added_to_an_existing_event_directory() {
    let site = Site::new();
    let original = read(interop_fixture("sessionize/view-all.json"));
    // First without any speaker details: no `speakers/` directory yet.
    let mut doc: serde_json::Value = serde_json::from_str(&original).unwrap();
    for sp in doc["speakers"].as_array_mut().unwrap() {
        for key in ["bio", "tagLine", "profilePicture"] {
            sp[key] = serde_json::Value::Null;
        }
        sp["links"] = serde_json::json!([]);
    }
    let source = site.source("view-all.json", &doc.to_string());
    let request = sessionize_request(&site, vec![source.clone()]);
    let report = import(&request);
    assert!(speaker_actions(&report).is_empty(), "{:#?}", report.lines);
    assert!(!site.event_dir("devdays").join("speakers").exists());

    fs::write(&source, &original).unwrap();
    let report = import(&request);
    assert_eq!(speaker_actions(&report).len(), 4, "{:#?}", report.lines);
    assert!(
        speaker_actions(&report)
            .values()
            .all(|a| *a == Action::Create)
    );
    let names: Vec<String> = fs::read_dir(site.event_dir("devdays").join("speakers"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "no temporary files are left: {names:?}");
    assert!(
        speaker(&site.load("devdays"), "amara-okafor")
            .source
            .is_some()
    );
}

#[test]
fn a_speakers_path_that_is_not_a_directory_is_refused() {
    let site = Site::new();
    let request = sessionize_request(&site, vec![sessionize_fixture(&site)]);
    import(&request);
    let dir = site.event_dir("devdays").join("speakers");
    fs::remove_dir_all(&dir).unwrap();
    fs::write(&dir, "not a directory").unwrap();
    let failed = run(&request).expect_err("refused");
    assert!(
        failed.0.iter().any(|d| d.is_error()
            && d.path.ends_with("speakers")
            && d.message.contains("not a directory")),
        "{failed}"
    );
    assert_eq!(read(&dir), "not a directory");
}

#[test]
fn speaker_pages_in_a_new_event_directory_are_written_with_it() {
    // The event directory is written under a temporary name and renamed in:
    // speaker pages must be inside it then, and nothing else left behind.
    let site = Site::new();
    import(&sessionize_request(&site, vec![sessionize_fixture(&site)]));
    let mut entries: Vec<String> = fs::read_dir(site.root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["devdays"]);
    let speakers: Vec<String> = site
        .files("devdays")
        .into_keys()
        .filter(|k| k.starts_with("speakers/"))
        .collect();
    assert_eq!(speakers.len(), 4, "{speakers:?}");
    // Only pages and the manifest: no temporary files in `speakers/`.
    assert!(
        fs::read_dir(site.event_dir("devdays").join("speakers"))
            .unwrap()
            .all(|e| e.unwrap().file_name().to_string_lossy().ends_with(".md"))
    );
}

// ---- schedule.json persons ---------------------------------------------------------

#[test]
fn schedule_json_persons_resolve_urls_and_bad_links_are_reported_at_their_line() {
    let site = Site::new();
    let doc = serde_json::json!({
        "schedule": {
            "version": "1.0",
            "base_url": "https://fahrplan.example.org/2025/",
            "conference": {
                "title": "Persons Conf",
                "time_zone_name": "Europe/Berlin",
                "rooms": [{"name": "Hall A", "guid": "r1"}]
            },
            "events": [{
                "guid": "e1",
                "title": "Eve's Talk",
                "start": "2025-03-01T10:00:00+01:00",
                "duration": "00:30",
                "room": {"name": "Hall A"},
                "participants": [{"guid": "p1", "name": "Eve Example", "role": "SPEAKER"}]
            }],
            "persons": [
                {"guid": "p0", "name": "Nobody Listed", "biography": "In no event."},
                {
                    "guid": "p1",
                    "name": "Eve Example",
                    "biography": "Eve **breaks** things.",
                    "avatar": {"url": "/media/eve.png"},
                    "links": [
                        {"url": "javascript:alert(1)", "title": "Bad"},
                        {"url": "https://eve.example.org/", "title": "Home"}
                    ]
                }
            ]
        }
    });
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let name_at = lines
        .iter()
        .rposition(|l| l.contains("\"guid\": \"p1\""))
        .unwrap();
    let eve_line = 1
        + (0..name_at)
            .rev()
            .find(|&i| lines[i].trim() == "{")
            .unwrap();
    let source = site.source("schedule.json", &text);
    let report = import(&ImportRequest {
        root: site.root.clone(),
        sources: vec![source.clone()],
        ..ImportRequest::default()
    });
    let bad: Vec<&Diagnostic> = warnings(&report)
        .into_iter()
        .filter(|d| d.message.contains("javascript:alert(1)"))
        .collect();
    assert_eq!(bad.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(
        (bad[0].path.as_path(), bad[0].line),
        (source.as_path(), eve_line)
    );

    let event = site.load("persons-conf");
    // Only people who give a session are imported from `schedule.persons`.
    assert_eq!(slugs_of(&event), ["eve-example"]);
    let eve = speaker(&event, "eve-example");
    assert!(eve.source.is_some());
    assert_eq!(eve.bio.as_deref(), Some("Eve **breaks** things."));
    // frab and the hub give avatars relative to the schedule's base URL.
    assert_eq!(
        eve.photo.as_deref(),
        Some("https://fahrplan.example.org/media/eve.png")
    );
    assert_eq!(
        eve.links,
        [Link {
            kind: "web".into(),
            url: "https://eve.example.org/".into(),
            title: Some("Home".into()),
        }]
    );
    assert_eq!(session_titles(&event, eve), ["Eve's Talk"]);
}

// ---- the writer's own checks ----------------------------------------------------------

#[test]
fn a_parser_that_lets_a_bad_url_through_cannot_write_it() {
    use confsite::content::pages::{
        EventFront, EventPage, LinkEntry, SessionFront, SessionPage, SpeakerFront, SpeakerPage,
    };
    use confsite::import::write::run_with;
    use confsite::import::{Format, Imported};

    let site = Site::new();
    let source = site.source("any.txt", "anything\n");
    let request = ImportRequest {
        root: site.root.clone(),
        sources: vec![source],
        format: Some(Format::TalkList),
        ..ImportRequest::default()
    };
    let program = |photo: &str, url: &str| Imported {
        event: EventPage {
            front: EventFront {
                name: "Checked".into(),
                ..EventFront::default()
            },
            body: String::new(),
        },
        sessions: vec![SessionPage {
            front: SessionFront {
                title: "A Talk".into(),
                ..SessionFront::default()
            },
            body: String::new(),
        }],
        speakers: vec![SpeakerPage {
            front: SpeakerFront {
                name: "Ada".into(),
                photo: Some(photo.into()),
                links: vec![LinkEntry {
                    kind: "web".into(),
                    url: url.into(),
                    title: None,
                }],
                ..SpeakerFront::default()
            },
            bio: "Bio.".into(),
        }],
        diagnostics: Vec::new(),
    };
    for (photo, url, bad) in [
        (
            "https://ok.example/a.png",
            "javascript:alert(1)",
            "javascript:alert(1)",
        ),
        (
            "mailto:ada@example.org",
            "https://ok.example/",
            "mailto:ada@example.org",
        ),
        (
            "data:image/png;base64,AAAA",
            "https://ok.example/",
            "data:image",
        ),
    ] {
        let failed = run_with(&request, &|_, _, _, _| program(photo, url))
            .expect_err("a page the site could not show is refused");
        assert!(
            failed.0.iter().any(|d| d.is_error()
                && d.message.contains("speaker `Ada`")
                && d.message.contains(bad)),
            "{failed}"
        );
        assert!(!site.root.join("content").exists());
    }
    run_with(&request, &|_, _, _, _| {
        program("https://ok.example/a.png", "mailto:ada@example.org")
    })
    .unwrap_or_else(|f| panic!("{f}"));
    assert!(site.speaker_page("checked", "ada").exists());
}
