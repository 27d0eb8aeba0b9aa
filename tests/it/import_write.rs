//! The import framework: format detection, and writing imported programs to
//! disk safely (idempotent re-import, hand-edit protection, dry run, no
//! partial directories, slugs, merging sources).
//!
//! Writing is driven through `run_with` and a small test format (`toy`) so
//! these tests do not depend on the real parsers.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use confsite::content::pages::{EventPage, SessionFront, SessionPage};
use confsite::diagnostic::Diagnostic;
use confsite::import::detect::{detect, read_document};
use confsite::import::write::{Action, ImportReport, ImportRequest, MANIFEST, run_with};
use confsite::import::{Format, ImportOptions, Imported, choose};

use crate::common::{
    actions_by_path, file_texts_under, import_fixture, read, seed, seed_text, write_files,
};

// ---- detection ----------------------------------------------------------------

#[test]
fn detection_picks_each_seed_format_and_says_why() {
    let expected = [
        ("000", Format::TalkList),
        ("001", Format::BlogNotes),
        ("002", Format::FlatSchedule),
        ("003", Format::VideoSummaries),
        ("004", Format::SchedExport),
    ];
    for (prefix, format) in expected {
        let text = read_document(&seed(prefix)).unwrap();
        let (found, why) = detect(&text).unwrap_or_else(|e| panic!("seed {prefix}: {e}"));
        assert_eq!(found, format, "seed {prefix}: {why}");
        assert!(
            why.starts_with("detected: ") && why.contains('%'),
            "seed {prefix}: {why}"
        );
    }
    // The reason names the evidence: 004 has 99 entries with Time/Venue/Type fields.
    let (_, why) = detect(&seed_text("004")).unwrap();
    assert!(why.contains("99 `Title#` lines"), "{why}");
}

/// Files in `tests/fixtures/import/detect/` are named `<expected>--<what>`,
/// where `<expected>` is a format name, `refuse` or `ambiguous`.
#[test]
fn detection_handles_written_variants() {
    let dir = import_fixture("detect");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 9, "fixtures missing in {}", dir.display());
    let mut seen = BTreeMap::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = name.split("--").next().unwrap().to_string();
        *seen.entry(expected.clone()).or_insert(0) += 1;
        let result = detect(&read_document(&path).unwrap());
        match expected.as_str() {
            "refuse" => {
                let err = result.expect_err(&name);
                assert!(
                    err.contains("cannot recognise") && err.contains("--format"),
                    "{name}: {err}"
                );
            }
            "ambiguous" => {
                let err = result.expect_err(&name);
                assert!(err.contains("about equally well"), "{name}: {err}");
                assert!(
                    err.contains("sched-export") && err.contains("flat-schedule"),
                    "{name}: {err}"
                );
            }
            format => {
                let (found, why) = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(found.name(), format, "{name}: {why}");
            }
        }
    }
    for family in [
        "talk-list",
        "blog-notes",
        "flat-schedule",
        "video-summaries",
        "sched-export",
        "refuse",
    ] {
        assert!(seen.contains_key(family), "no fixture for {family}");
    }
}

#[test]
fn detection_survives_crlf_and_a_byte_order_mark() {
    let path = import_fixture("detect/sched-export--small-day.txt");
    let dos = format!("\u{feff}{}", read(&path).replace('\n', "\r\n"));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("dos.txt");
    fs::write(&copy, dos).unwrap();
    let text = read_document(&copy).unwrap();
    assert!(!text.contains('\r') && !text.starts_with('\u{feff}'));
    assert_eq!(detect(&text).unwrap().0, Format::SchedExport);
}

#[test]
fn detection_refuses_a_document_that_is_one_format_cut_short() {
    // Two lines of a schedule export: too little to tell anything.
    let err = detect("Opening#\nTime: 9:00am CET\n").unwrap_err();
    assert!(err.contains("too short"), "{err}");
    // One entry only: a signature needs to recur.
    let err =
        detect("Opening Keynote#\nTime: 9:00am CET - 9:30am CET\nVenue: Main\nType: KEYNOTE\n")
            .unwrap_err();
    assert!(err.contains("cannot recognise"), "{err}");
}

/// Empty, binary, non-UTF-8 and tiny files are refused by `import` with an
/// error naming the file, and nothing is written.
#[test]
fn import_refuses_files_it_cannot_read_as_documents() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.txt", b"\n  \n", "empty"),
        (
            "picture.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "binary",
        ),
        (
            "latin1.txt",
            b"Caf\xe9 talk\nAnother line\nAnd one more\n",
            "UTF-8",
        ),
        ("tiny.txt", b"Hello\n", "too short"),
    ];
    for (name, bytes, says) in cases {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        let request = ImportRequest {
            root: dir.path().join("site"),
            sources: vec![path.clone()],
            ..ImportRequest::default()
        };
        let failed = run_with(&request, &|_, _, _, _| {
            panic!("no parser may run for {name}")
        })
        .unwrap_err();
        let shown = failed.to_string();
        assert!(
            shown.contains(&path.display().to_string()),
            "{name}: {shown}"
        );
        assert!(shown.contains(says), "{name}: {shown}");
        assert!(!dir.path().join("site").exists(), "{name} wrote something");
    }
}

#[test]
fn import_reports_the_detected_format_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let source = import_fixture("detect/sched-export--small-day.txt");
    let request = ImportRequest {
        root: dir.path().to_path_buf(),
        sources: vec![source.clone()],
        options: ImportOptions {
            timezone: Some("Europe/Berlin".into()),
            ..ImportOptions::default()
        },
        ..ImportRequest::default()
    };
    let report = run_with(&request, &|format, _, _, _| {
        assert_eq!(format, Format::SchedExport);
        Imported {
            event: event_named("DevOpsDays Somewhere 2024"),
            sessions: vec![session("Opening Keynote", Some("2024-05-03 09:00"))],
            speakers: Vec::new(),
            diagnostics: vec![Diagnostic::warning(&source, 5, "repaired something")],
        }
    })
    .unwrap_or_else(|f| panic!("{f}"));
    let source_line = format!(
        "{}: sched-export (detected: 3 `Title#` lines",
        source.display()
    );
    assert!(
        report.lines.iter().any(|l| l.starts_with(&source_line)),
        "{:#?}",
        report.lines
    );
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.ends_with("1 session found, 1 warning from the parser")),
        "{:#?}",
        report.lines
    );
    assert_eq!(
        report.diagnostics.len(),
        1,
        "the parser's warning is passed on"
    );
    assert_eq!(report.events[0].slug, "devopsdays-somewhere-2024");
    assert_eq!(report.events[0].sources[0].format, Format::SchedExport);
}

// ---- a test format --------------------------------------------------------------

/// The test format, one statement per line: `event: Name`, `tz: Zone`,
/// `date: YYYY-MM-DD`, `venue: V`, `error: msg` and `warning: msg` (a
/// diagnostic at that line), `panic`; any other line is a session,
/// `Title` or `Title @ 2025-11-13 10:00`.
fn toy(_: Format, text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut out = Imported::default();
    let (mut name, mut tz, mut date) = (None, None, None);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("event: ") {
            name = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("tz: ") {
            tz = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("date: ") {
            date = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("venue: ") {
            out.event.front.venue = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("error: ") {
            out.diagnostics.push(Diagnostic::error(path, i + 1, v));
        } else if let Some(v) = line.strip_prefix("warning: ") {
            out.diagnostics.push(Diagnostic::warning(path, i + 1, v));
        } else if line == "panic" {
            panic!("the toy parser was told to panic");
        } else if !line.is_empty() {
            let (title, start) = match line.split_once(" @ ") {
                Some((t, s)) => (t, Some(s)),
                None => (line, None),
            };
            out.sessions.push(session(title, start));
        }
    }
    let d = &mut out.diagnostics;
    out.event.front.name =
        choose("name", name, options.name.as_ref(), path, 1, d).unwrap_or_default();
    out.event.front.timezone =
        choose("timezone", tz, options.timezone.as_ref(), path, 1, d).unwrap_or_default();
    out.event.front.start_date = choose("date", date, options.date.as_ref(), path, 1, d);
    out
}

fn event_named(name: &str) -> EventPage {
    let mut event = EventPage::default();
    event.front.name = name.to_string();
    event
}

fn session(title: &str, start: Option<&str>) -> SessionPage {
    SessionPage {
        front: SessionFront {
            title: title.to_string(),
            start: start.map(str::to_string),
            ..SessionFront::default()
        },
        body: format!("About {title}."),
    }
}

/// A site directory with source documents in `src/`.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new(sources: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let files: Vec<(String, &str)> = sources
            .iter()
            .map(|(n, t)| (format!("src/{n}"), *t))
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        write_files(dir.path(), &files);
        fs::create_dir_all(&root).unwrap();
        Site { root, _dir: dir }
    }

    fn source(&self, name: &str) -> PathBuf {
        self.root.parent().unwrap().join("src").join(name)
    }

    fn request(&self, sources: &[&str]) -> ImportRequest {
        ImportRequest {
            root: self.root.clone(),
            sources: sources.iter().map(|s| self.source(s)).collect(),
            format: Some(Format::TalkList),
            ..ImportRequest::default()
        }
    }

    fn event_dir(&self, slug: &str) -> PathBuf {
        self.root.join("content").join(slug)
    }

    /// Every file of an event directory, by path relative to it, with its text.
    fn files(&self, slug: &str) -> BTreeMap<String, String> {
        file_texts_under(&self.event_dir(slug))
    }

    /// The names of every entry of `content/`, hidden ones included.
    fn content_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = match fs::read_dir(self.root.join("content")) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }
}

fn import(request: &ImportRequest) -> ImportReport {
    run_with(request, &toy).unwrap_or_else(|f| panic!("import failed:\n{f}"))
}

fn warnings_naming(report: &ImportReport, file: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| !d.is_error() && d.path.ends_with(file))
        .map(|d| d.to_string())
        .collect()
}

const DEVCONF: &str = "event: DevConf 2023\ntz: Europe/Prague\n\
                       Opening @ 2023-06-16 09:00\nContainers in a Car @ 2023-06-16 10:00\n\
                       Wrap-up @ 2023-06-16 17:00\n";

// ---- writing ---------------------------------------------------------------------

#[test]
fn a_first_import_writes_loadable_pages_and_a_manifest() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let report = import(&site.request(&["devconf.txt"]));
    let files = site.files("devconf-2023");
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            MANIFEST,
            "_event.md",
            "containers-in-a-car.md",
            "opening.md",
            "wrap-up.md"
        ]
    );
    assert!(
        actions_by_path(&report)
            .values()
            .all(|a| *a == Action::Create)
    );
    assert!(
        files["_event.md"].contains("timezone: Europe/Prague"),
        "{}",
        files["_event.md"]
    );
    assert!(
        files["_event.md"].contains("imported_from: devconf.txt"),
        "{}",
        files["_event.md"]
    );
    let manifest: serde_json::Value = serde_json::from_str(&files[MANIFEST]).unwrap();
    assert_eq!(
        manifest["files"].as_object().unwrap().len(),
        4,
        "{manifest}"
    );
    assert!(
        manifest["files"]["opening.md"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    // Nothing temporary is left beside the event directory.
    assert_eq!(site.content_entries(), ["devconf-2023"]);

    // The content stage loads what the import wrote.
    write_files(&site.root, &[("confsite.yaml", "title: Test\n")]);
    let loaded = confsite::content::load_site(&site.root, &Default::default())
        .unwrap_or_else(|f| panic!("{f}"));
    let event = &loaded.site.events[0];
    assert_eq!(event.name, "DevConf 2023");
    assert_eq!(event.sessions.len(), 3);
    assert_eq!(event.sessions[1].slug, "containers-in-a-car");
    assert_eq!(
        event.sessions[0]
            .start
            .as_ref()
            .unwrap()
            .timestamp()
            .to_string(),
        "2023-06-16T07:00:00Z"
    );
}

#[test]
fn re_import_is_idempotent_and_touches_nothing() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let before = site.files("devconf-2023");
    // Age every file, so a rewrite would show in its modification time.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for name in before.keys() {
        let file = fs::File::options()
            .write(true)
            .open(site.event_dir("devconf-2023").join(name))
            .unwrap();
        file.set_modified(old).unwrap();
    }

    let report = import(&request);
    assert!(
        actions_by_path(&report)
            .values()
            .all(|a| *a == Action::Unchanged),
        "{:#?}",
        report.lines
    );
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(site.files("devconf-2023"), before);
    for name in before.keys() {
        let modified = fs::metadata(site.event_dir("devconf-2023").join(name))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(modified, old, "{name} was rewritten");
    }
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.contains("0 created, 0 updated, 4 unchanged")),
        "{:#?}",
        report.lines
    );
}

#[test]
fn a_page_edited_by_hand_is_skipped_with_a_warning_and_force_overwrites_it() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let page = site.event_dir("devconf-2023").join("opening.md");
    let imported = read(&page);
    let edited = imported.replace("About Opening.", "About Opening, with the room change.");
    fs::write(&page, &edited).unwrap();
    // The source changes too, so the import has something new for that page.
    fs::write(
        site.source("devconf.txt"),
        DEVCONF.replace("Opening @ 2023-06-16 09:00", "Opening @ 2023-06-16 09:15"),
    )
    .unwrap();

    let report = import(&request);
    assert_eq!(actions_by_path(&report)["opening.md"], Action::SkipEdited);
    let warnings = warnings_naming(&report, "opening.md");
    assert_eq!(warnings.len(), 1, "{:?}", report.diagnostics);
    assert!(
        warnings[0].contains("edited by hand") && warnings[0].contains("--force"),
        "{}",
        warnings[0]
    );
    assert_eq!(read(&page), edited);

    // Still edited at the next import: the skip is remembered, not forgotten.
    let report = import(&request);
    assert_eq!(actions_by_path(&report)["opening.md"], Action::SkipEdited);

    let report = import(&ImportRequest {
        force: true,
        ..request.clone()
    });
    assert_eq!(actions_by_path(&report)["opening.md"], Action::Overwrite);
    let now = read(&page);
    assert!(
        now.contains("09:15") && !now.contains("room change"),
        "{now}"
    );
    // After --force the page is the import's again: no warnings, nothing to do.
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
fn an_unedited_page_follows_the_source_and_a_hand_made_page_is_left_alone() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let dir = site.event_dir("devconf-2023");
    // A page someone wrote by hand, whose name a new session will want.
    fs::write(
        dir.join("lightning-talks.md"),
        "---\ntitle: Lightning talks\n---\n\nHand-written.\n",
    )
    .unwrap();
    let changed = DEVCONF.replace("Wrap-up @ 2023-06-16 17:00", "Wrap-up @ 2023-06-16 17:30")
        + "Lightning Talks\n";
    fs::write(site.source("devconf.txt"), changed).unwrap();

    let report = import(&request);
    let acts = actions_by_path(&report);
    assert_eq!(acts["wrap-up.md"], Action::Update);
    assert_eq!(acts["lightning-talks.md"], Action::SkipEdited);
    assert_eq!(acts["opening.md"], Action::Unchanged);
    assert!(read(dir.join("wrap-up.md")).contains("17:30"));
    assert!(read(dir.join("lightning-talks.md")).contains("Hand-written."));
    let warning = &warnings_naming(&report, "lightning-talks.md")[0];
    assert!(
        warning.contains("not written by `confsite import`"),
        "{warning}"
    );
}

#[test]
fn pages_no_longer_in_the_source_are_kept_until_force_removes_them() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let dir = site.event_dir("devconf-2023");
    fs::write(
        site.source("devconf.txt"),
        DEVCONF.replace("Containers in a Car @ 2023-06-16 10:00\n", ""),
    )
    .unwrap();

    let report = import(&request);
    assert_eq!(
        actions_by_path(&report)["containers-in-a-car.md"],
        Action::Stale
    );
    let warning = &warnings_naming(&report, "containers-in-a-car.md")[0];
    assert!(
        warning.contains("no longer in the source") && warning.contains("--force"),
        "{warning}"
    );
    assert!(dir.join("containers-in-a-car.md").exists());
    // A hand-made page the manifest never knew is not stale: it is not the import's.
    fs::write(dir.join("mine.md"), "---\ntitle: Mine\n---\n").unwrap();

    let report = import(&ImportRequest {
        force: true,
        ..request.clone()
    });
    assert_eq!(
        actions_by_path(&report)["containers-in-a-car.md"],
        Action::Remove
    );
    assert!(!actions_by_path(&report).contains_key("mine.md"));
    assert!(!dir.join("containers-in-a-car.md").exists());
    assert!(dir.join("mine.md").exists());
    let manifest = read(dir.join(MANIFEST));
    assert!(!manifest.contains("containers-in-a-car"), "{manifest}");
}

#[test]
fn a_page_deleted_by_hand_is_not_recreated_without_force() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let page = site.event_dir("devconf-2023").join("wrap-up.md");
    fs::remove_file(&page).unwrap();
    let report = import(&request);
    assert_eq!(actions_by_path(&report)["wrap-up.md"], Action::SkipDeleted);
    assert!(warnings_naming(&report, "wrap-up.md")[0].contains("deleted by hand"));
    assert!(!page.exists());
    let report = import(&ImportRequest {
        force: true,
        ..request
    });
    assert_eq!(actions_by_path(&report)["wrap-up.md"], Action::Create);
    assert!(page.exists());
}

#[test]
fn a_damaged_manifest_makes_every_changed_page_count_as_edited() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let dir = site.event_dir("devconf-2023");
    fs::write(dir.join(MANIFEST), "{ not json").unwrap();
    fs::write(
        site.source("devconf.txt"),
        DEVCONF.replace("17:00", "17:30"),
    )
    .unwrap();
    let report = import(&request);
    assert_eq!(actions_by_path(&report)["wrap-up.md"], Action::SkipEdited);
    assert_eq!(actions_by_path(&report)["opening.md"], Action::Unchanged);
    assert!(
        report.diagnostics.iter().any(
            |d| d.path.ends_with(MANIFEST) && d.message.contains("not a valid import manifest")
        ),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_manifest_cannot_make_force_remove_files_outside_the_event() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = site.request(&["devconf.txt"]);
    import(&request);
    let victim = site.root.join("confsite.yaml");
    fs::write(&victim, "title: Keep me\n").unwrap();
    let manifest = format!(
        "{{\"files\": {{\"../../confsite.yaml\": \"sha256:{}\", \"_event.md\": \"x\"}}}}",
        "0".repeat(64)
    );
    fs::write(site.event_dir("devconf-2023").join(MANIFEST), manifest).unwrap();
    let report = import(&ImportRequest {
        force: true,
        ..request
    });
    assert!(victim.exists());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("../../confsite.yaml"))
    );
}

#[test]
fn dry_run_reports_the_plan_and_writes_nothing() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let request = ImportRequest {
        dry_run: true,
        ..site.request(&["devconf.txt"])
    };
    let report = import(&request);
    assert!(
        site.content_entries().is_empty(),
        "{:?}",
        site.content_entries()
    );
    assert!(
        actions_by_path(&report)
            .values()
            .all(|a| *a == Action::Create)
    );
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.contains("would create") && l.ends_with("opening.md")),
        "{:#?}",
        report.lines
    );
    assert_eq!(report.lines.last().unwrap(), "dry run: nothing was written");

    // Against an existing import with an edit and a source change: the plan, and no change on disk.
    import(&site.request(&["devconf.txt"]));
    let dir = site.event_dir("devconf-2023");
    fs::write(
        dir.join("opening.md"),
        "---\ntitle: Opening (edited)\n---\n",
    )
    .unwrap();
    fs::write(
        site.source("devconf.txt"),
        DEVCONF.replace("17:00", "17:30") + "New Session\n",
    )
    .unwrap();
    let before = site.files("devconf-2023");
    let report = import(&ImportRequest {
        force: true,
        ..request
    });
    let acts = actions_by_path(&report);
    assert_eq!(acts["opening.md"], Action::Overwrite);
    assert_eq!(acts["wrap-up.md"], Action::Update);
    assert_eq!(acts["new-session.md"], Action::Create);
    assert_eq!(site.files("devconf-2023"), before);
    assert!(
        report.lines.iter().any(|l| l.contains("would overwrite")),
        "{:#?}",
        report.lines
    );
}

#[test]
fn a_failed_import_leaves_no_event_directory() {
    let bad =
        "event: Broken Conf\ntz: UTC\nFirst Talk\nerror: cannot read this line\nSecond Talk\n";
    let site = Site::new(&[("bad.txt", bad), ("good.txt", DEVCONF)]);
    let failed = run_with(&site.request(&["good.txt", "bad.txt"]), &toy).unwrap_err();
    let shown = failed.to_string();
    let at = format!(
        "{}:4: error: cannot read this line",
        site.source("bad.txt").display()
    );
    assert!(shown.contains(&at), "{shown}");
    // Neither the bad source's event nor the good one's: the import is all or nothing.
    assert!(
        site.content_entries().is_empty(),
        "{:?}",
        site.content_entries()
    );

    // Sessions with times but no time zone: refused before writing.
    let site = Site::new(&[("notz.txt", "event: Somewhere\nTalk @ 2025-01-01 10:00\n")]);
    let failed = run_with(&site.request(&["notz.txt"]), &toy)
        .unwrap_err()
        .to_string();
    assert!(failed.contains("--timezone"), "{failed}");
    assert!(site.content_entries().is_empty());

    // A parser that panics is an error, not a crash.
    let site = Site::new(&[("boom.txt", "event: Boom\nTalk\npanic\n")]);
    let failed = run_with(&site.request(&["boom.txt"]), &toy)
        .unwrap_err()
        .to_string();
    assert!(failed.contains("parser failed"), "{failed}");
    assert!(site.content_entries().is_empty());

    // A document in which the parser finds no session.
    let site = Site::new(&[("none.txt", "event: Nothing\nwarning: only noise here\n")]);
    let failed = run_with(&site.request(&["none.txt"]), &toy)
        .unwrap_err()
        .to_string();
    assert!(failed.contains("no sessions found"), "{failed}");
    assert!(site.content_entries().is_empty());
}

#[test]
fn times_without_a_zone_need_the_flag_and_no_times_get_utc() {
    let site = Site::new(&[("notz.txt", "event: Somewhere\nTalk @ 2025-01-01 10:00\n")]);
    let request = ImportRequest {
        options: ImportOptions {
            timezone: Some("Europe/Lisbon".into()),
            ..ImportOptions::default()
        },
        ..site.request(&["notz.txt"])
    };
    import(&request);
    assert!(
        read(site.event_dir("somewhere").join("_event.md")).contains("timezone: Europe/Lisbon")
    );

    let site = Site::new(&[("list.txt", "event: Talk List\nFirst\nSecond\n")]);
    let report = import(&site.request(&["list.txt"]));
    assert!(read(site.event_dir("talk-list").join("_event.md")).contains("timezone: UTC"));
    assert!(
        report.lines.iter().any(|l| l.contains("timezone: UTC")),
        "{:#?}",
        report.lines
    );

    // A bad flag is refused before any file is read.
    let request = ImportRequest {
        options: ImportOptions {
            timezone: Some("Mars/Olympus".into()),
            date: Some("13/11/2025".into()),
            ..ImportOptions::default()
        },
        ..site.request(&["list.txt"])
    };
    let failed = run_with(&request, &|_, _, _, _| unreachable!())
        .unwrap_err()
        .to_string();
    assert!(
        failed.contains("--timezone: error") && failed.contains("--date: error"),
        "{failed}"
    );
}

#[test]
fn slugs_are_stable_deduplicated_and_confined() {
    let doc = "event: Slug Test\nIntro\nIntro\nIntro!\n../../etc/passwd\nKeynote: Ünïcode & Friends\n!!!\n";
    let site = Site::new(&[("slugs.txt", doc)]);
    let first = import(&site.request(&["slugs.txt"]));
    let names: Vec<String> = actions_by_path(&first).into_keys().collect();
    assert_eq!(
        names,
        [
            "_event.md",
            "etc-passwd.md",
            "intro-2.md",
            "intro-3.md",
            "intro.md",
            "keynote-unicode-friends.md",
            "untitled.md"
        ]
    );
    // Document order decides who gets the plain slug.
    assert!(read(site.event_dir("slug-test").join("intro.md")).contains("About Intro."));
    assert!(read(site.event_dir("slug-test").join("intro-3.md")).contains("title: Intro!"));
    // The same document gives the same slugs.
    let again = import(&site.request(&["slugs.txt"]));
    assert_eq!(
        actions_by_path(&again).into_keys().collect::<Vec<_>>(),
        names
    );
    assert!(
        actions_by_path(&again)
            .values()
            .all(|a| *a == Action::Unchanged)
    );
    // Nothing escaped the event directory.
    assert_eq!(site.content_entries(), ["slug-test"]);
    assert!(!site.root.join("etc").exists());
}

#[test]
fn the_event_slug_comes_from_the_flag_the_document_or_the_file_name() {
    let site = Site::new(&[
        ("Named.txt", "event: ../../Escape Conf 2025\nTalk\n"),
        ("Program 2024.txt", "Talk\n"),
    ]);
    let report = import(&site.request(&["Named.txt"]));
    assert_eq!(report.events[0].slug, "escape-conf-2025");
    let report = import(&site.request(&["Program 2024.txt"]));
    assert_eq!(report.events[0].slug, "program-2024");
    assert_eq!(report.events[0].name, "Program 2024");
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("names no event"))
    );
    let report = import(&ImportRequest {
        event: Some("chosen".into()),
        ..site.request(&["Named.txt"])
    });
    assert_eq!(report.events[0].slug, "chosen");
    assert_eq!(
        site.content_entries(),
        ["chosen", "escape-conf-2025", "program-2024"]
    );
}

#[test]
fn an_event_slug_that_could_escape_is_rejected() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    for bad in ["../../x", "x/y", "Upper", "", ".hidden", "-dash"] {
        let request = ImportRequest {
            event: Some(bad.into()),
            ..site.request(&["devconf.txt"])
        };
        let failed = run_with(&request, &toy).unwrap_err().to_string();
        assert!(
            failed.contains("--event: error") && failed.contains("not an event slug"),
            "{bad}: {failed}"
        );
    }
    assert!(site.content_entries().is_empty());
    assert!(!site.root.parent().unwrap().join("x").exists());
}

const DAY1: &str = "event: KubeCon NA 2025\ntz: America/New_York\ndate: 2025-11-12\nvenue: Building B\n\
                    Keynote @ 2025-11-12 09:00\nShared Lunch @ 2025-11-12 12:00\n";
const DAY2: &str = "event: KubeCon NA 2025\ntz: America/New_York\ndate: 2025-11-13\n\
                    Shared Lunch @ 2025-11-12 12:00\nKeynote @ 2025-11-13 09:00\nClosing @ 2025-11-13 17:00\n";

#[test]
fn event_merges_several_sources_into_one_event() {
    let site = Site::new(&[("day1.txt", DAY1), ("day2.txt", DAY2)]);
    let request = ImportRequest {
        event: Some("kubecon".into()),
        ..site.request(&["day1.txt", "day2.txt"])
    };
    let report = import(&request);
    assert_eq!(report.events.len(), 1);
    assert_eq!(report.events[0].sources.len(), 2);
    let names: Vec<String> = actions_by_path(&report).into_keys().collect();
    // The lunch both exports list is imported once; the two keynotes differ in time.
    assert_eq!(
        names,
        [
            "_event.md",
            "closing.md",
            "keynote-2.md",
            "keynote.md",
            "shared-lunch.md"
        ]
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("imported once")),
        "{:?}",
        report.diagnostics
    );
    assert!(
        report.lines[0].contains("merged into one event `kubecon`"),
        "{:#?}",
        report.lines
    );
    let event = read(site.event_dir("kubecon").join("_event.md"));
    assert!(
        event.contains("start_date: \"2025-11-12\"") && event.contains("end_date: \"2025-11-13\""),
        "{event}"
    );
    assert!(
        event.contains("venue: Building B") && event.contains("day1.txt; day2.txt"),
        "{event}"
    );
    // Merging is as idempotent as a single import.
    let again = import(&request);
    assert!(
        actions_by_path(&again)
            .values()
            .all(|a| *a == Action::Unchanged)
    );
}

#[test]
fn sources_without_event_become_separate_events_or_are_refused_when_they_collide() {
    let other = "event: DevConf 2024\ntz: Europe/Prague\nTalk @ 2024-06-14 10:00\n";
    let site = Site::new(&[
        ("a.txt", DEVCONF),
        ("b.txt", other),
        ("day1.txt", DAY1),
        ("day2.txt", DAY2),
    ]);
    let report = import(&site.request(&["a.txt", "b.txt"]));
    let slugs: Vec<&str> = report.events.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["devconf-2023", "devconf-2024"]);
    assert!(
        report.lines[0].contains("each imported as its own event"),
        "{:#?}",
        report.lines
    );

    let failed = run_with(&site.request(&["day1.txt", "day2.txt"]), &toy)
        .unwrap_err()
        .to_string();
    assert!(failed.contains("--event kubecon-na-2025"), "{failed}");
    assert!(!site.event_dir("kubecon-na-2025").exists());
}

#[test]
fn merging_refuses_conflicting_event_facts() {
    let berlin = DAY2.replace("America/New_York", "Europe/Berlin");
    let site = Site::new(&[("day1.txt", DAY1), ("day2.txt", &berlin)]);
    let request = ImportRequest {
        event: Some("kubecon".into()),
        ..site.request(&["day1.txt", "day2.txt"])
    };
    let failed = run_with(&request, &toy).unwrap_err().to_string();
    assert!(
        failed.contains("time zone") && failed.contains("Europe/Berlin"),
        "{failed}"
    );
    assert!(failed.contains("--timezone"), "{failed}");
    assert!(site.content_entries().is_empty());

    // The flag settles it (the parsers apply it to both documents).
    let settled = ImportRequest {
        options: ImportOptions {
            timezone: Some("America/New_York".into()),
            ..ImportOptions::default()
        },
        ..request
    };
    let report = import(&settled);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("using `America/New_York`")),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn a_source_named_twice_is_refused() {
    let site = Site::new(&[("devconf.txt", DEVCONF)]);
    let failed = run_with(&site.request(&["devconf.txt", "devconf.txt"]), &toy)
        .unwrap_err()
        .to_string();
    assert!(failed.contains("named twice"), "{failed}");
}

// ---- the command line ----------------------------------------------------------------

#[test]
fn cli_refuses_unreadable_documents_naming_them_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("empty.txt", ""),
            (
                "notes.txt",
                &read(import_fixture("detect/refuse--prose.txt")),
            ),
        ],
    );
    for (file, says) in [
        ("empty.txt", "empty.txt:1: error: the file is empty"),
        ("notes.txt", "notes.txt: error: cannot recognise"),
    ] {
        let out = crate::common::confsite(dir.path(), &["import", file]);
        assert!(!out.status.success(), "{file}");
        let stderr = crate::common::stderr(&out);
        assert!(stderr.contains(says), "{file}: {stderr}");
        assert!(!dir.path().join("content").exists(), "{file}");
    }
}

#[test]
fn cli_rejects_an_event_slug_that_could_escape() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::common::confsite(
        dir.path(),
        &[
            "import",
            "--event",
            "../../x",
            &seed("000").display().to_string(),
        ],
    );
    assert!(!out.status.success());
    let stderr = crate::common::stderr(&out);
    assert!(
        stderr.contains("--event: error: `../../x` is not an event slug"),
        "{stderr}"
    );
    assert!(!dir.path().join("content").exists());
}

#[test]
fn cli_refuses_a_document_whose_format_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let source = import_fixture("detect/ambiguous--sched-and-flat.txt");
    let out = crate::common::confsite(
        dir.path(),
        &["import", &source.display().to_string(), "--dry-run"],
    );
    assert!(!out.status.success());
    let stderr = crate::common::stderr(&out);
    assert!(
        stderr.contains("ambiguous--sched-and-flat.txt: error: cannot tell the format"),
        "{stderr}"
    );
    assert!(stderr.contains("pass --format"), "{stderr}");
}
