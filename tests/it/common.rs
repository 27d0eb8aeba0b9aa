//! Helpers shared by the integration tests: one copy of each, so the modules
//! agree on where fixtures live, how the binary is run and how files are
//! written and read back.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use confsite::content::pages::{EventPage, SessionPage};
use confsite::content::write::{event_page_text, session_page_text};
use confsite::diagnostic::Diagnostic;
use confsite::import::write::{Action, ImportReport};
use confsite::import::{Format, ImportOptions, Imported};
use confsite::slugs::{self, Deduper};
use serde::Deserialize;
use serde::de::DeserializeOwned;

// ---------------------------------------------------------------------------
// Where things are

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of the seed documents, `tests/fixtures/seeds`.
pub fn seeds_dir() -> PathBuf {
    repo().join("tests/fixtures/seeds")
}

/// A seed document shipped with the tests, e.g. `seed("004")`.
pub fn seed(prefix: &str) -> PathBuf {
    let dir = seeds_dir();
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix} in {}", dir.display()))
}

/// The text of a seed document, e.g. `seed_text("004")`.
pub fn seed_text(prefix: &str) -> String {
    read(seed(prefix))
}

/// A document under `tests/fixtures/interop`: the structured formats
/// (c3voc, pentabarf, Sessionize, CSV) and the small test site.
pub fn interop_fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures/interop").join(rel)
}

/// A document under `tests/fixtures/import`: text documents written for the
/// importer tests, with their expectations beside them.
pub fn import_fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(rel)
}

/// The hand-written expectations for a seed,
/// `tests/fixtures/expected/<prefix>.json`.
pub fn expected_sessions_file(prefix: &str) -> PathBuf {
    repo().join(format!("tests/fixtures/expected/{prefix}.json"))
}

/// One session of an expectations file, written by reading the seed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub title: String,
    pub speakers: Vec<ExpectedSpeaker>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub room: Option<String>,
    pub track: Option<String>,
    pub kind: Option<String>,
    pub links: Vec<ExpectedLink>,
    /// Absent for documents whose bodies are the sessions' own abstracts.
    pub body_kind: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedSpeaker {
    pub name: String,
    pub affiliation: Option<String>,
    /// Only the schedule expectations state roles.
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedLink {
    pub kind: String,
    pub url: String,
}

/// The sessions a seed's expectations file lists, in document order.
pub fn expected_sessions(prefix: &str) -> Vec<Expected> {
    read_json(expected_sessions_file(prefix))
}

// ---------------------------------------------------------------------------
// Running the binary

/// Runs the `confsite` binary with `args` in `dir`.
pub fn confsite(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_confsite"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("the confsite binary runs")
}

/// Like [`confsite`], panicking with its output unless it succeeded.
pub fn confsite_ok(dir: &Path, args: &[&str]) -> Output {
    let out = confsite(dir, args);
    assert!(
        out.status.success(),
        "confsite {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `confsite build` of the site at `root` into a fresh temporary directory.
/// Returns the directory (keep it alive while reading) and the output folder
/// inside it, so the site itself stays untouched.
pub fn build_into_temp_dir(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("site");
    confsite_ok(
        root,
        &["build", "--root", ".", "--output", output.to_str().unwrap()],
    );
    (tmp, output)
}

// ---------------------------------------------------------------------------
// Writing files

/// Writes `files` (relative path, contents) under `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A fresh temporary directory holding `files`, written by [`write_files`]:
/// a site for one test, removed when dropped.
pub fn temp_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    dir
}

/// Copies every file and folder under `from` into `to`, creating `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// Reading files

pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A JSON file parsed as `T`, panicking with the file's name when it is not.
pub fn read_json<T: DeserializeOwned>(path: impl AsRef<Path>) -> T {
    let path = path.as_ref();
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir` (hidden ones included), by path relative to `dir`,
/// sorted.
pub fn relative_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

/// A path relative to some folder as a map key: `/` between components on
/// every platform, so tests can name files as `"speakers/ada.md"`.
fn slash_path(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// Every file under `dir`, relative path (with `/`) → bytes: a snapshot to
/// compare whole trees with.
pub fn file_bytes_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    relative_files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (slash_path(&rel), bytes)
        })
        .collect()
}

/// Every file under `dir`, relative path (with `/`) → text.
pub fn file_texts_under(dir: &Path) -> BTreeMap<String, String> {
    relative_files(dir)
        .into_iter()
        .map(|rel| {
            let text = read(dir.join(&rel));
            (slash_path(&rel), text)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Importers and their results

/// The document at `path` read as `format`, as `confsite import` would.
pub fn parse_document(format: Format, path: &Path, options: &ImportOptions) -> Imported {
    format.parse(&read(path), path, options)
}

/// The errors (not the warnings) an importer reported.
pub fn import_errors(imported: &Imported) -> Vec<&Diagnostic> {
    imported
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect()
}

/// The imported session page titled `title`; panics naming it if none is.
pub fn session_titled<'a>(imported: &'a Imported, title: &str) -> &'a SessionPage {
    imported
        .sessions
        .iter()
        .find(|s| s.front.title == title)
        .unwrap_or_else(|| panic!("no session `{title}`"))
}

/// Writes an import as a site under `root`, laid out as `confsite import`
/// lays it out: `config` as `confsite.yaml`, `event` as
/// `content/<event_slug>/_event.md` and a page per session, named by the
/// slug the importer gave it or else its title's, made unique in document
/// order. Returns the session slugs in document order, so the loaded
/// sessions can be paired with what was imported.
pub fn write_imported_site(
    root: &Path,
    config: &str,
    event_slug: &str,
    event: &EventPage,
    sessions: &[SessionPage],
) -> Vec<String> {
    write_files(
        root,
        &[
            ("confsite.yaml", config),
            (
                &format!("content/{event_slug}/_event.md"),
                &event_page_text(event),
            ),
        ],
    );
    let mut taken = Deduper::default();
    let mut slugs = Vec::new();
    for page in sessions {
        let slug = taken.unique(
            &page
                .front
                .slug
                .clone()
                .unwrap_or_else(|| slugs::slugify(&page.front.title)),
        );
        write_files(
            root,
            &[(
                &format!("content/{event_slug}/{slug}.md"),
                &session_page_text(page),
            )],
        );
        slugs.push(slug);
    }
    slugs
}

/// Path relative to the event directory (with `/`) → action, for a report
/// on a single event.
pub fn actions_by_path(report: &ImportReport) -> BTreeMap<String, Action> {
    assert_eq!(report.events.len(), 1, "{:#?}", report.lines);
    let event = &report.events[0];
    event
        .files
        .iter()
        .map(|f| {
            let rel = f.path.strip_prefix(&event.dir).unwrap();
            (slash_path(rel), f.action)
        })
        .collect()
}
