//! `confsite import`: source documents → `content/<event>/` pages on disk.
//!
//! An import runs in stages, and nothing touches the disk until every stage
//! before the last has succeeded:
//!
//! 1. **Read** each SOURCE (empty, binary and non-UTF-8 files are refused),
//!    pick its format (`--format`, else [`detect`]) and parse it. Any error
//!    from any parser aborts the import.
//! 2. **Assemble** events. Each SOURCE becomes its own event, named by the
//!    event name the document states (else the file name). With `--event`,
//!    all SOURCEs merge into that one event: two days of one conference
//!    exported separately. A merge refuses sources that disagree about the
//!    event's name, time zone or location (the flag settles it), and imports
//!    a session that two sources both list once.
//! 3. **Plan** each event directory against what is on disk.
//! 4. **Write**, unless `--dry-run`.
//!
//! Session pages are `content/<event>/<slug>.md` with the slug made from the
//! title and deduplicated in document order, so the same document always
//! gives the same files. Slugs are lowercase letters, digits and dashes and
//! cannot leave the content directory; `--event` must be such a slug too.
//!
//! Speaker pages are `content/<event>/speakers/<slug>.md`, one for each
//! speaker a document describes with more than a name (a bio, photo, links
//! or affiliation), the slug made from the name. A speaker is known by that
//! slug: when two sources (or two entries of one) describe the same speaker,
//! the first is kept and differing details are reported. Session pages name
//! their speakers exactly as the speaker pages do, so the site links them;
//! where a name alone would not find the page (a shortened or deduplicated
//! slug, another spelling of the name) the session names it by `id`.
//! Speaker pages are protected, updated and kept when stale exactly as
//! session pages are.
//!
//! A document without times may omit the time zone (`timezone: UTC` is
//! written and reported); one with times must state it or get `--timezone`.
//!
//! ## Re-importing
//!
//! Each event directory holds a manifest, [`MANIFEST`], with the SHA-256 of
//! every file the last import wrote. A file whose text no longer has the
//! recorded hash, or that the manifest does not know, was edited (or made)
//! by hand: it is skipped with a warning naming it, and `--force` overwrites
//! it. A recorded file someone deleted is not recreated without `--force`.
//! Importing an unchanged document again rewrites nothing.
//!
//! A page an earlier import wrote but the source no longer produces is
//! *stale*: it is kept, with a warning, because it may be a session the user
//! still wants; `--force` removes it. Files the manifest does not know are
//! never removed.
//!
//! A new event directory is written into a hidden temporary directory beside
//! it and renamed into place, so a failed import leaves none behind; files in
//! an existing directory are each replaced atomically (temporary file +
//! rename).
//!
//! [`detect`]: super::detect::detect

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{ErrorKind, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Format, ImportOptions, Imported, detect};
use crate::content::pages::{EventPage, SessionPage, SpeakerEntry, SpeakerPage, SpeakerRef};
use crate::content::{CONTENT_DIR, EVENT_FILE, SPEAKERS_DIR, display_path, write as page};
use crate::diagnostic::{Diagnostic, Failed, has_errors};
use crate::slugs::{self, Deduper};
use crate::time;

/// The manifest file in each imported event directory.
pub const MANIFEST: &str = ".confsite-import.json";
/// Longer slugs are cut at a dash: file names have length limits.
const MAX_SLUG: usize = 80;

/// One `confsite import` invocation.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub root: PathBuf,
    pub sources: Vec<PathBuf>,
    /// Event slug; defaults to the slugified event name, else the file name.
    /// With several sources, they all merge into this event.
    pub event: Option<String>,
    pub format: Option<Format>,
    pub options: ImportOptions,
    pub force: bool,
    pub dry_run: bool,
}

/// What an import did (or, with `--dry-run`, would do), as lines for the user.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub lines: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The same, per event, for programs (and tests) to read.
    pub events: Vec<EventReport>,
}

#[derive(Debug, Clone)]
pub struct EventReport {
    pub slug: String,
    pub name: String,
    /// The event directory as shown to users.
    pub dir: PathBuf,
    pub sources: Vec<SourceReport>,
    /// Every file considered, in plan order (event file, sessions, speakers, stale pages).
    pub files: Vec<FileChange>,
}

#[derive(Debug, Clone)]
pub struct SourceReport {
    pub path: PathBuf,
    pub format: Format,
    /// Why this format: detection's reason, or that `--format` said so.
    pub why: String,
    pub sessions: usize,
    /// Speakers described with more than a name: each gets a speaker page
    /// (unless another source described them first).
    pub speakers: usize,
    /// Warnings the parser reported (repairs and doubts).
    pub warnings: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// As shown to users, e.g. `content/devconf/_event.md`.
    pub path: PathBuf,
    pub action: Action,
}

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    /// The import wrote it before, nobody edited it, and the source changed.
    Update,
    Unchanged,
    /// Edited by hand, replaced anyway (`--force`).
    Overwrite,
    /// Edited by hand (or not written by an import): left alone.
    SkipEdited,
    /// Written by an earlier import, deleted by hand since: not recreated.
    SkipDeleted,
    /// No longer in the source: kept.
    Stale,
    /// No longer in the source: removed (`--force`).
    Remove,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Overwrite => "overwrite",
            Action::SkipEdited => "skip (edited by hand)",
            Action::SkipDeleted => "skip (deleted by hand)",
            Action::Stale => "keep (no longer in the source)",
            Action::Remove => "remove (no longer in the source)",
        }
    }

    /// True when the file's bytes on disk change.
    fn writes(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Update | Action::Overwrite | Action::Remove
        )
    }
}

/// A format parser, as [`Format::parse`].
pub type Parser<'a> = &'a dyn Fn(Format, &str, &Path, &ImportOptions) -> Imported;

/// Imports `request.sources` with the format parsers.
pub fn run(request: &ImportRequest) -> Result<ImportReport, Failed> {
    run_with(request, &|format, text, path, options| {
        format.parse(text, path, options)
    })
}

/// [`run`] with another parser: lets tests drive the framework with programs
/// they build themselves.
pub fn run_with(request: &ImportRequest, parse: Parser) -> Result<ImportReport, Failed> {
    let mut diags = check_request(request);
    if has_errors(&diags) {
        return Err(Failed(diags));
    }
    let sources: Vec<Source> = request
        .sources
        .iter()
        .filter_map(|path| read_source(path, request, parse, &mut diags))
        .collect();
    if has_errors(&diags) {
        return Err(Failed(diags));
    }
    let drafts = assemble(request, sources, &mut diags);
    if has_errors(&diags) {
        return Err(Failed(diags));
    }
    let plans: Vec<Plan> = drafts
        .into_iter()
        .filter_map(|draft| plan(&request.root, draft, request.force, &mut diags))
        .collect();
    if has_errors(&diags) {
        return Err(Failed(diags));
    }
    if !request.dry_run {
        for p in &plans {
            // Stop at the first failure: later events stay as they were.
            if !apply(p, &mut diags) {
                return Err(Failed(diags));
            }
        }
    }
    Ok(report(request, plans, diags))
}

// ---- 1. reading -------------------------------------------------------------

fn flag_error(flag: &str, message: String) -> Diagnostic {
    Diagnostic::error(flag, 0, message)
}

/// Checks the command line before any file is read.
fn check_request(request: &ImportRequest) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if request.sources.is_empty() {
        diags.push(flag_error(
            "import",
            "nothing to import: name at least one SOURCE document".into(),
        ));
    }
    if let Some(event) = &request.event
        && !slugs::is_valid(event)
    {
        diags.push(flag_error(
            "--event",
            format!(
                "`{event}` is not an event slug: use lowercase letters, digits and dashes, e.g. `{}`",
                slugs::slugify(event)
            ),
        ));
    }
    if let Some(Err(msg)) = request.options.date.as_deref().map(time::parse_date) {
        diags.push(flag_error("--date", msg));
    }
    if let Some(Err(msg)) = request
        .options
        .timezone
        .as_deref()
        .map(|z| time::zone(z.trim()))
    {
        diags.push(flag_error("--timezone", msg));
    }
    let mut seen = HashSet::new();
    for path in &request.sources {
        let key = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !seen.insert(key) {
            diags.push(Diagnostic::error(
                path,
                0,
                "this document is named twice on the command line",
            ));
        }
    }
    diags
}

/// One parsed SOURCE.
struct Source {
    path: PathBuf,
    format: Format,
    why: String,
    imported: Imported,
    warnings: usize,
}

fn read_source(
    path: &Path,
    request: &ImportRequest,
    parse: Parser,
    diags: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let text = match detect::read_document(path) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let (format, why) = match request.format {
        Some(f) => (f, "chosen with --format".to_string()),
        None => match detect::detect(&text) {
            Ok(found) => found,
            Err(msg) => {
                diags.push(Diagnostic::error(path, 0, msg));
                return None;
            }
        },
    };
    // A parser bug must not take the whole program down with a half-written site.
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        parse(format, &text, path, &request.options)
    }));
    let mut imported = match parsed {
        Ok(i) => i,
        Err(_) => {
            diags.push(Diagnostic::error(
                path,
                0,
                format!(
                    "the {} parser failed on this document (a bug in confsite; please report it)",
                    format.name()
                ),
            ));
            return None;
        }
    };
    let warnings = imported
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .count();
    let failed = has_errors(&imported.diagnostics);
    diags.append(&mut imported.diagnostics);
    if failed {
        return None;
    }
    if imported.sessions.is_empty() {
        diags.push(Diagnostic::error(
            path,
            0,
            format!(
                "no sessions found in this document (read as {})",
                format.name()
            ),
        ));
        return None;
    }
    fill_from_flags(&mut imported, &request.options);
    Some(Source {
        path: path.to_path_buf(),
        format,
        why,
        imported,
        warnings,
    })
}

/// Parsers apply the flags through [`super::choose`]; this fills in what a
/// parser left empty, so a flag is never lost.
fn fill_from_flags(imported: &mut Imported, options: &ImportOptions) {
    let front = &mut imported.event.front;
    let trimmed = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if front.name.trim().is_empty()
        && let Some(name) = trimmed(&options.name)
    {
        front.name = name;
    }
    if front.timezone.trim().is_empty()
        && let Some(zone) = trimmed(&options.timezone)
    {
        front.timezone = zone;
    }
    if front.start_date.is_none() {
        front.start_date = trimmed(&options.date);
    }
    if front.location.is_none() {
        front.location = trimmed(&options.location);
    }
}

// ---- 2. assembling events -----------------------------------------------------

/// One event ready to plan: its pages with their file names.
struct Draft {
    slug: String,
    name: String,
    sources: Vec<SourceReport>,
    /// `(file name, text)`: the event file first, then sessions in document
    /// order, then speaker pages (`speakers/<slug>.md`).
    files: Vec<(String, String)>,
    /// Things the user should know, e.g. a defaulted time zone.
    notes: Vec<String>,
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A slug no longer than [`MAX_SLUG`], cut at a dash where possible.
fn cap_slug(slug: String) -> String {
    if slug.len() <= MAX_SLUG {
        return slug;
    }
    // Slugs are ASCII, so any byte index is a character boundary.
    let cut = &slug[..MAX_SLUG];
    let cut = match cut.rfind('-') {
        Some(i) if i >= MAX_SLUG / 2 => &cut[..i],
        _ => cut,
    };
    cut.trim_end_matches('-').to_string()
}

fn assemble(
    request: &ImportRequest,
    sources: Vec<Source>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Draft> {
    let groups: Vec<(String, Vec<Source>)> = match &request.event {
        Some(slug) => vec![(slug.clone(), sources)],
        None => {
            let mut groups: Vec<(String, Vec<Source>)> = Vec::new();
            for source in sources {
                let name = source.imported.event.front.name.trim();
                let basis = if name.is_empty() {
                    file_stem(&source.path)
                } else {
                    name.to_string()
                };
                let slug = cap_slug(slugs::slugify(&basis));
                if let Some((_, group)) = groups.iter().find(|(s, _)| *s == slug) {
                    diags.push(Diagnostic::error(
                        &source.path,
                        0,
                        format!(
                            "this document and {} would both import into event `{slug}`: \
                             pass --event {slug} to merge them into one event, or import them one at a time",
                            group[0].path.display()
                        ),
                    ));
                    continue;
                }
                groups.push((slug, vec![source]));
            }
            groups
        }
    };
    groups
        .into_iter()
        .filter_map(|(slug, group)| assemble_event(slug, group, diags))
        .collect()
}

/// Merges the event files of `group` into the first; errors for facts that conflict.
fn merge_events(group: &[Source], diags: &mut Vec<Diagnostic>) -> EventPage {
    let first = &group[0];
    let mut page = first.imported.event.clone();
    let mut from: Vec<String> = Vec::new();
    let mut note_origin = |value: Option<&String>, path: &Path| {
        let v = value.cloned().unwrap_or_else(|| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        if !from.contains(&v) {
            from.push(v);
        }
    };
    note_origin(
        first.imported.event.front.imported_from.as_ref(),
        &first.path,
    );
    for other in &group[1..] {
        let theirs = &other.imported.event;
        note_origin(theirs.front.imported_from.as_ref(), &other.path);
        let mut conflict = |what: &str, ours: &str, theirs: &str, flag: &str| {
            diags.push(Diagnostic::error(
                &other.path,
                0,
                format!(
                    "cannot merge into one event: this document says {what} `{theirs}`, {} says `{ours}` \
                     (pass {flag} to choose)",
                    first.path.display()
                ),
            ));
        };
        let f = &mut page.front;
        let t = &theirs.front;
        for (what, ours, theirs, flag) in [
            ("the event name is", &mut f.name, &t.name, "--name"),
            (
                "the time zone is",
                &mut f.timezone,
                &t.timezone,
                "--timezone",
            ),
        ] {
            match (ours.trim(), theirs.trim()) {
                (_, "") => {}
                ("", t) => *ours = t.to_string(),
                (o, t) if o != t => conflict(what, o, t, flag),
                _ => {}
            }
        }
        match (&f.location, &t.location) {
            (Some(o), Some(t)) if o.trim() != t.trim() => {
                conflict("the location is", o, t, "--location")
            }
            (None, Some(t)) => f.location = Some(t.clone()),
            _ => {}
        }
        for (what, ours, theirs) in [
            ("venue", &mut f.venue, &t.venue),
            ("url", &mut f.url, &t.url),
        ] {
            match (&*ours, theirs) {
                (Some(o), Some(t)) if o.trim() != t.trim() => diags.push(Diagnostic::warning(
                    &other.path,
                    0,
                    format!(
                        "this document gives the event {what} `{t}`, {} `{o}`: keeping `{o}`",
                        first.path.display()
                    ),
                )),
                (None, Some(t)) => *ours = Some(t.clone()),
                _ => {}
            }
        }
        // The merged event runs from the earliest first day to the latest last day.
        let our_end = f.end_date.take().or_else(|| f.start_date.clone());
        f.end_date = pick_date(
            our_end,
            t.end_date.clone().or_else(|| t.start_date.clone()),
            true,
        );
        f.start_date = pick_date(f.start_date.take(), t.start_date.clone(), false);
        for room in &t.rooms {
            if !f
                .rooms
                .iter()
                .any(|r| r.details().name == room.details().name)
            {
                f.rooms.push(room.clone());
            }
        }
        for track in &t.tracks {
            if !f
                .tracks
                .iter()
                .any(|r| r.details().name == track.details().name)
            {
                f.tracks.push(track.clone());
            }
        }
        if page.body.trim().is_empty() {
            page.body = theirs.body.clone();
        } else if !theirs.body.trim().is_empty() && theirs.body.trim() != page.body.trim() {
            diags.push(Diagnostic::warning(
                &other.path,
                0,
                format!(
                    "this document describes the event differently from {}: keeping the first description",
                    first.path.display()
                ),
            ));
        }
        let f = &mut page.front;
        f.theme = f.theme.take().or(t.theme.clone());
        f.theme_options = f.theme_options.take().or(t.theme_options.clone());
        f.check = f.check.take().or(t.check.clone());
        f.extra = f.extra.take().or(t.extra.clone());
    }
    // A merged event's end date is only worth writing when it differs from the start.
    if group.len() > 1 && page.front.end_date == page.front.start_date {
        page.front.end_date = None;
    }
    page.front.imported_from = Some(from.join("; "));
    page
}

/// The earlier (or, with `later`, the later) of two `YYYY-MM-DD` dates.
fn pick_date(a: Option<String>, b: Option<String>, later: bool) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (da, db) = (time::parse_date(&a).ok(), time::parse_date(&b).ok());
            let b_wins = match (da, db) {
                (Some(da), Some(db)) => (db > da) == later && db != da,
                _ => false,
            };
            Some(if b_wins { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

fn session_has_time(s: &SessionPage) -> bool {
    s.front.start.is_some() || s.front.end.is_some() || s.front.time.is_some()
}

fn assemble_event(slug: String, group: Vec<Source>, diags: &mut Vec<Diagnostic>) -> Option<Draft> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let mut event = merge_events(&group, diags);
    let first_path = group[0].path.clone();
    let mut notes = Vec::new();

    if event.front.name.trim().is_empty() {
        let name = if group.len() == 1 {
            file_stem(&first_path)
        } else {
            slug.clone()
        };
        diags.push(Diagnostic::warning(
            &first_path,
            0,
            format!("the document names no event: calling it `{name}` (pass --name to choose)"),
        ));
        event.front.name = name;
    }
    event.front.name = event.front.name.trim().to_string();

    let sessions: Vec<(SessionPage, &Path)> = dedupe_sessions(&group, diags);
    let zone = event.front.timezone.trim().to_string();
    if zone.is_empty() {
        if let Some((s, path)) = sessions.iter().find(|(s, _)| session_has_time(s)) {
            diags.push(Diagnostic::error(
                path,
                0,
                format!(
                    "sessions have times (e.g. `{}`) but the document states no time zone: \
                     pass --timezone, e.g. --timezone Europe/Prague",
                    s.front.title
                ),
            ));
            return None;
        }
        event.front.timezone = "UTC".to_string();
        notes.push(
            "no session has a time and no time zone is known: wrote `timezone: UTC`".to_string(),
        );
    } else {
        event.front.timezone = zone;
    }
    let tz = match time::zone(&event.front.timezone) {
        Ok(tz) => tz,
        Err(msg) => {
            diags.push(Diagnostic::error(&first_path, 0, msg));
            return None;
        }
    };
    for date in [&event.front.start_date, &event.front.end_date]
        .into_iter()
        .flatten()
    {
        if let Err(msg) = time::parse_date(date) {
            diags.push(Diagnostic::error(
                &first_path,
                0,
                format!("event date: {msg}"),
            ));
        }
    }

    let speakers = merge_speakers(&group, diags);
    let by_key: HashMap<String, (&str, &str)> = speakers
        .iter()
        .map(|s| (s.key.clone(), (s.slug.as_str(), s.page.front.name.as_str())))
        .collect();
    let mut files = vec![(EVENT_FILE.to_string(), page::event_page_text(&event))];
    let mut dedup = Deduper::default();
    for (mut session, path) in sessions {
        check_session(&session, path, &tz, &event.front.timezone, diags);
        refer_to_speaker_pages(&mut session, &by_key);
        let basis = session
            .front
            .slug
            .take()
            .unwrap_or_else(|| session.front.title.clone());
        let slug = dedup.unique(&cap_slug(slugs::slugify(&basis)));
        files.push((format!("{slug}.md"), page::session_page_text(&session)));
    }
    for s in &speakers {
        check_speaker(&s.page, s.path, diags);
        files.push((
            format!("{SPEAKERS_DIR}/{}.md", s.slug),
            page::speaker_page_text(&s.page.front, &s.page.bio),
        ));
    }
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    let sources = group
        .iter()
        .map(|s| SourceReport {
            path: s.path.clone(),
            format: s.format,
            why: s.why.clone(),
            sessions: s.imported.sessions.len(),
            speakers: s
                .imported
                .speakers
                .iter()
                .filter(|p| p.has_details())
                .count(),
            warnings: s.warnings,
        })
        .collect();
    Some(Draft {
        slug,
        name: event.front.name.clone(),
        sources,
        files,
        notes,
    })
}

/// A speaker page to write.
struct SpeakerDraft<'a> {
    /// The slug of the name, uncut: what makes two entries the same speaker.
    key: String,
    /// The file's slug: the key, cut to [`MAX_SLUG`] and deduplicated.
    slug: String,
    page: SpeakerPage,
    /// The source that described the speaker first.
    path: &'a Path,
}

/// Speakers of all sources that have more than a name, in document order;
/// the same speaker (the same slug) described again is written once, as
/// first described, and details that differ are reported.
fn merge_speakers<'a>(group: &'a [Source], diags: &mut Vec<Diagnostic>) -> Vec<SpeakerDraft<'a>> {
    let mut out: Vec<SpeakerDraft> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut dedup = Deduper::default();
    for source in group {
        for speaker in source.imported.speakers.iter().filter(|p| p.has_details()) {
            let mut page = speaker.clone();
            page.front.name = page.front.name.trim().to_string();
            // The file name is the slug; a second one in the page could only disagree.
            page.front.slug = None;
            page.bio = page.bio.trim().to_string();
            if page.front.name.is_empty() {
                continue;
            }
            let key = slugs::slugify(&page.front.name);
            if let Some(&i) = index.get(&key) {
                let first = &out[i];
                let differ = differing_details(&first.page, &page);
                let spelled = first.page.front.name != page.front.name;
                if spelled || !differ.is_empty() {
                    let elsewhere = if first.path == source.path {
                        "earlier in this document".to_string()
                    } else {
                        format!("in {}", first.path.display())
                    };
                    diags.push(Diagnostic::warning(
                        &source.path,
                        0,
                        format!(
                            "speaker `{}` is also described {elsewhere}{}{}: keeping the first for {SPEAKERS_DIR}/{}.md",
                            page.front.name,
                            if spelled {
                                format!(" as `{}`", first.page.front.name)
                            } else {
                                String::new()
                            },
                            if differ.is_empty() {
                                String::new()
                            } else {
                                format!(", with another {}", differ.join(", "))
                            },
                            first.slug
                        ),
                    ));
                }
                continue;
            }
            index.insert(key.clone(), out.len());
            out.push(SpeakerDraft {
                slug: dedup.unique(&cap_slug(key.clone())),
                key,
                page,
                path: &source.path,
            });
        }
    }
    out
}

/// The details in which two descriptions of a speaker differ, for a warning.
fn differing_details(a: &SpeakerPage, b: &SpeakerPage) -> Vec<&'static str> {
    let (f, g) = (&a.front, &b.front);
    [
        ("affiliation", f.affiliation != g.affiliation),
        ("photo", f.photo != g.photo),
        ("links", f.links != g.links),
        ("bio", a.bio != b.bio),
    ]
    .into_iter()
    .filter_map(|(what, differs)| differs.then_some(what))
    .collect()
}

/// Makes each speaker of `session` that has a speaker page find it: by the
/// exact name where the page's slug is the name's slug and the names agree
/// (as the loader looks pages up), else by `id`.
fn refer_to_speaker_pages(session: &mut SessionPage, pages: &HashMap<String, (&str, &str)>) {
    for entry in &mut session.front.speakers {
        let (name, affiliation, role) = match entry {
            SpeakerEntry::Name(n) => (n.clone(), None, None),
            SpeakerEntry::Full(r) if r.id.is_none() => match &r.name {
                Some(n) => (n.clone(), r.affiliation.clone(), r.role.clone()),
                None => continue,
            },
            SpeakerEntry::Full(_) => continue,
        };
        let key = slugs::slugify(name.trim());
        let Some(&(slug, page_name)) = pages.get(&key) else {
            continue;
        };
        if slug == key && page_name == name.trim() {
            continue;
        }
        *entry = SpeakerEntry::Full(SpeakerRef {
            name: Some(name),
            id: Some(slug.to_string()),
            affiliation,
            role,
        });
    }
}

/// Refuses a speaker page whose links or photo the site could not show.
fn check_speaker(speaker: &SpeakerPage, path: &Path, diags: &mut Vec<Diagnostic>) {
    let name = &speaker.front.name;
    for link in &speaker.front.links {
        if !is_link_url(&link.url) {
            diags.push(Diagnostic::error(
                path,
                0,
                format!(
                    "speaker `{name}`: link `{}` is not an http(s) or mailto URL",
                    link.url
                ),
            ));
        }
    }
    // A photo is an image to load, so not a mail address.
    if let Some(photo) = &speaker.front.photo
        && (!is_link_url(photo) || photo.trim().to_ascii_lowercase().starts_with("mailto:"))
    {
        diags.push(Diagnostic::error(
            path,
            0,
            format!("speaker `{name}`: photo `{photo}` is not an http(s) URL"),
        ));
    }
}

fn is_link_url(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:")
}

/// Sessions of all sources in order; a scheduled session a later source lists
/// again (same title, start and room) is imported once.
fn dedupe_sessions<'a>(
    group: &'a [Source],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(SessionPage, &'a Path)> {
    let mut seen: BTreeMap<(String, String, Option<String>), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (index, source) in group.iter().enumerate() {
        for session in &source.imported.sessions {
            if let Some(start) = &session.front.start {
                let key = (
                    session.front.title.trim().to_string(),
                    start.trim().to_string(),
                    session.front.room.clone(),
                );
                match seen.get(&key) {
                    Some(&first) if first != index => {
                        diags.push(Diagnostic::warning(
                            &source.path,
                            0,
                            format!(
                                "session `{}` at {start} is also in {}: imported once",
                                key.0,
                                group[first].path.display()
                            ),
                        ));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, index);
                    }
                }
            }
            out.push((session.clone(), source.path.as_path()));
        }
    }
    out
}

/// Refuses a page the content stage could not load, so an import never
/// writes a site that fails to build.
fn check_session(
    session: &SessionPage,
    path: &Path,
    tz: &jiff::tz::TimeZone,
    tz_name: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let f = &session.front;
    let title = f.title.trim();
    let mut bad = |msg: String| {
        diags.push(Diagnostic::error(
            path,
            0,
            format!("session `{title}`: {msg}"),
        ));
    };
    if title.is_empty() {
        bad("a session has no title".to_string());
    }
    for (key, value) in [("start", &f.start), ("end", &f.end)] {
        if let Some(Err(msg)) = value.as_ref().map(|v| time::parse_datetime(v, tz, tz_name)) {
            bad(format!("{key}: {msg}"));
        }
    }
    if let Some(Err(msg)) = f.date.as_ref().map(|d| time::parse_date(d)) {
        bad(format!("date: {msg}"));
    }
    if let Some(Err(msg)) = f.time.as_ref().map(|t| time::parse_time(t)) {
        bad(format!("time: {msg}"));
    }
    if let Some(Err(msg)) = f.duration.as_ref().map(|d| time::parse_duration(d)) {
        bad(format!("duration: {msg}"));
    }
    for link in &f.links {
        if !is_link_url(&link.url) {
            bad(format!(
                "link `{}` is not an http(s) or mailto URL",
                link.url
            ));
        }
    }
}

// ---- 3. planning ---------------------------------------------------------------

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
struct Manifest {
    #[serde(default)]
    about: String,
    /// File name → `sha256:<hex>` of the text the import wrote.
    #[serde(default)]
    files: BTreeMap<String, String>,
}

const MANIFEST_ABOUT: &str = "Written by `confsite import`: the hash of each page as imported, so a re-import \
                              can tell pages edited by hand. Keep this file.";

fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

fn manifest_text(files: BTreeMap<String, String>) -> String {
    let manifest = Manifest {
        about: MANIFEST_ABOUT.to_string(),
        files,
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("a manifest always serializes");
    text.push('\n');
    text
}

/// A file name the manifest may hold: one page directly in the event
/// directory, or a speaker page directly in its `speakers/` directory.
fn is_page_name(name: &str) -> bool {
    let is_slug_page = |n: &str| n.strip_suffix(".md").is_some_and(slugs::is_valid);
    name == EVENT_FILE
        || is_slug_page(name)
        || name
            .strip_prefix(SPEAKERS_DIR)
            .and_then(|n| n.strip_prefix('/'))
            .is_some_and(is_slug_page)
}

fn is_speaker_page_name(name: &str) -> bool {
    name.strip_prefix(SPEAKERS_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

struct Plan {
    slug: String,
    name: String,
    sources: Vec<SourceReport>,
    notes: Vec<String>,
    /// The event directory on disk, and as shown.
    dir: PathBuf,
    shown_dir: PathBuf,
    /// The directory does not exist yet: written whole, then renamed into place.
    new_dir: bool,
    /// `(file name, text to write, action)`; text is empty for stale pages.
    files: Vec<(String, String, Action)>,
    /// The manifest to write, when it changes.
    manifest: Option<String>,
}

fn plan(root: &Path, draft: Draft, force: bool, diags: &mut Vec<Diagnostic>) -> Option<Plan> {
    let rel = Path::new(CONTENT_DIR).join(&draft.slug);
    let fs_root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let dir = fs_root.join(&rel);
    let shown_dir = display_path(root, &rel);
    let shown = |name: &str| shown_dir.join(name);
    let new_dir = match fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_dir() => false,
        Ok(_) => {
            diags.push(Diagnostic::error(
                &shown_dir,
                0,
                "exists but is not a directory: cannot import into it",
            ));
            return None;
        }
        Err(e) if e.kind() == ErrorKind::NotFound => true,
        Err(e) => {
            diags.push(Diagnostic::error(
                &shown_dir,
                0,
                format!("cannot read: {e}"),
            ));
            return None;
        }
    };

    let (old, old_text) = if new_dir {
        (Manifest::default(), None)
    } else {
        read_manifest(&dir, &shown(MANIFEST), diags)
    };
    // Speaker pages are written (and stale ones removed) only inside a real
    // `speakers/` directory, never through a link to somewhere else.
    let mut names = draft.files.iter().map(|(n, _)| n).chain(old.files.keys());
    if !new_dir
        && names.any(|n| is_speaker_page_name(n))
        && let Ok(meta) = fs::symlink_metadata(dir.join(SPEAKERS_DIR))
        && !meta.is_dir()
    {
        diags.push(Diagnostic::error(
            shown(SPEAKERS_DIR),
            0,
            "exists but is not a directory: cannot import speaker pages into it",
        ));
        return None;
    }
    let mut recorded = BTreeMap::new();
    let mut files = Vec::new();
    for (name, text) in draft.files {
        let known = old.files.get(&name);
        let current = if new_dir {
            None
        } else {
            match fs::read(dir.join(&name)) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == ErrorKind::NotFound => None,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        shown(&name),
                        0,
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            }
        };
        let action = match (&current, known) {
            (None, None) => Action::Create,
            (None, Some(_)) if force => Action::Create,
            (None, Some(_)) => Action::SkipDeleted,
            (Some(bytes), _) if bytes == text.as_bytes() => Action::Unchanged,
            (Some(bytes), Some(h)) if hash(bytes) == *h => Action::Update,
            (Some(_), _) if force => Action::Overwrite,
            (Some(_), _) => Action::SkipEdited,
        };
        match action {
            Action::SkipEdited => diags.push(Diagnostic::warning(
                shown(&name),
                0,
                if known.is_some() {
                    "edited by hand since it was imported: not overwritten (pass --force to overwrite it)"
                } else {
                    "was not written by `confsite import` (or its manifest was lost): not overwritten \
                     (pass --force to overwrite it)"
                },
            )),
            Action::SkipDeleted => diags.push(Diagnostic::warning(
                shown(&name),
                0,
                "deleted by hand since it was imported: not recreated (pass --force to recreate it)",
            )),
            _ => {}
        }
        match action {
            Action::SkipEdited | Action::SkipDeleted => {
                // Keep the old hash: the page stays "edited" at the next import too.
                if let Some(h) = known {
                    recorded.insert(name.clone(), h.clone());
                }
            }
            _ => {
                recorded.insert(name.clone(), hash(text.as_bytes()));
            }
        }
        files.push((name, text, action));
    }

    for (name, h) in &old.files {
        if files.iter().any(|(n, _, _)| n == name) {
            continue;
        }
        if !is_page_name(name) {
            diags.push(Diagnostic::warning(
                shown(MANIFEST),
                0,
                format!("ignoring `{name}`: not a page of this directory"),
            ));
            continue;
        }
        let edited = match fs::read(dir.join(name)) {
            Ok(bytes) => hash(&bytes) != *h,
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => {
                diags.push(Diagnostic::error(
                    shown(name),
                    0,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if force {
            files.push((name.clone(), String::new(), Action::Remove));
            continue;
        }
        diags.push(Diagnostic::warning(
            shown(name),
            0,
            format!(
                "no longer in the source{}: kept (pass --force to remove it)",
                if edited { ", and edited by hand" } else { "" }
            ),
        ));
        recorded.insert(name.clone(), h.clone());
        files.push((name.clone(), String::new(), Action::Stale));
    }

    let text = manifest_text(recorded);
    let manifest = (old_text.as_deref() != Some(text.as_str())).then_some(text);
    Some(Plan {
        slug: draft.slug,
        name: draft.name,
        sources: draft.sources,
        notes: draft.notes,
        dir,
        shown_dir,
        new_dir,
        files,
        manifest,
    })
}

/// The manifest and its text; a missing or unreadable one counts as empty,
/// which makes every existing page count as edited by hand: the safe side.
fn read_manifest(
    dir: &Path,
    shown: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (Manifest, Option<String>) {
    let text = match fs::read_to_string(dir.join(MANIFEST)) {
        Ok(t) => t,
        Err(e) if e.kind() == ErrorKind::NotFound => return (Manifest::default(), None),
        Err(e) => {
            diags.push(Diagnostic::warning(
                shown,
                0,
                format!("cannot read ({e}): treating every page as edited by hand"),
            ));
            return (Manifest::default(), None);
        }
    };
    match serde_json::from_str(&text) {
        Ok(m) => (m, Some(text)),
        Err(e) => {
            diags.push(Diagnostic::warning(
                shown,
                e.line(),
                format!("not a valid import manifest ({e}): treating every page as edited by hand"),
            ));
            (Manifest::default(), Some(text))
        }
    }
}

// ---- 4. writing -------------------------------------------------------------------

/// Carries out `plan`; false (with an error) when writing failed.
fn apply(plan: &Plan, diags: &mut Vec<Diagnostic>) -> bool {
    let result = if plan.new_dir {
        write_new_dir(plan)
    } else {
        update_dir(plan)
    };
    match result {
        Ok(()) => true,
        Err((path, e)) => {
            diags.push(Diagnostic::error(path, 0, format!("cannot write: {e}")));
            false
        }
    }
}

type WriteResult = Result<(), (PathBuf, std::io::Error)>;

/// Writes the whole directory under a hidden name, then renames it into place.
fn write_new_dir(plan: &Plan) -> WriteResult {
    let parent = plan
        .dir
        .parent()
        .expect("an event directory lies in content/");
    fs::create_dir_all(parent).map_err(|e| (plan.shown_dir.clone(), e))?;
    let temp = parent.join(format!(".{}.importing-{}", plan.slug, std::process::id()));
    let fill = || -> std::io::Result<()> {
        if temp.exists() {
            fs::remove_dir_all(&temp)?;
        }
        fs::create_dir(&temp)?;
        for (name, text, action) in &plan.files {
            if *action == Action::Create {
                let target = temp.join(name);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(target, text)?;
            }
        }
        if let Some(manifest) = &plan.manifest {
            fs::write(temp.join(MANIFEST), manifest)?;
        }
        fs::rename(&temp, &plan.dir)
    };
    fill().map_err(|e| {
        let _ = fs::remove_dir_all(&temp);
        (plan.shown_dir.clone(), e)
    })
}

/// Replaces changed files one by one (each atomically), the manifest last.
fn update_dir(plan: &Plan) -> WriteResult {
    for (name, text, action) in &plan.files {
        let result = match action {
            Action::Create | Action::Update | Action::Overwrite => {
                write_atomic(&plan.dir, name, text)
            }
            Action::Remove => fs::remove_file(plan.dir.join(name)),
            _ => Ok(()),
        };
        result.map_err(|e| (plan.shown_dir.join(name), e))?;
    }
    if let Some(manifest) = &plan.manifest {
        write_atomic(&plan.dir, MANIFEST, manifest)
            .map_err(|e| (plan.shown_dir.join(MANIFEST), e))?;
    }
    Ok(())
}

/// Writes `dir/name` (`name` may be `speakers/<slug>.md`) through a temporary
/// file beside it.
fn write_atomic(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let target = dir.join(name);
    let (parent, file) = match (target.parent(), target.file_name()) {
        (Some(p), Some(f)) => (p, f.to_string_lossy()),
        _ => return Err(std::io::Error::other("not a file name")),
    };
    if parent != dir {
        fs::create_dir_all(parent)?;
    }
    let temp = parent.join(format!(".{file}.tmp-{}", std::process::id()));
    match fs::remove_file(&temp) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let write = || -> std::io::Result<()> {
        // `create_new` never follows a planted link at the temporary name.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        fs::rename(&temp, &target)
    };
    write().inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

// ---- the report -------------------------------------------------------------------

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn report(request: &ImportRequest, plans: Vec<Plan>, diagnostics: Vec<Diagnostic>) -> ImportReport {
    let mut lines = Vec::new();
    let would = if request.dry_run { "would " } else { "" };
    if request.sources.len() > 1 {
        lines.push(match &request.event {
            Some(slug) => format!("{} sources merged into one event `{slug}` (--event)", request.sources.len()),
            None => format!(
                "{} sources, each imported as its own event (pass --event SLUG to merge them into one)",
                request.sources.len()
            ),
        });
    }
    let mut events = Vec::new();
    for plan in plans {
        for s in &plan.sources {
            lines.push(format!(
                "{}: {} ({})",
                s.path.display(),
                s.format.name(),
                s.why
            ));
            lines.push(format!(
                "{}: {} found, {} from the parser",
                s.path.display(),
                plural(s.sessions, "session"),
                plural(s.warnings, "warning")
            ));
            if s.speakers > 0 {
                lines.push(format!(
                    "{}: {} with a bio, photo, links or affiliation (speaker pages)",
                    s.path.display(),
                    plural(s.speakers, "speaker")
                ));
            }
        }
        lines.push(format!(
            "event `{}` ({}) in {}{}",
            plan.slug,
            plan.name,
            plan.shown_dir.display(),
            if plan.new_dir { " (new)" } else { "" }
        ));
        lines.extend(plan.notes.iter().map(|n| format!("  note: {n}")));
        let mut files = Vec::new();
        for (name, _, action) in &plan.files {
            let path = plan.shown_dir.join(name);
            if *action != Action::Unchanged {
                let verb = if action.writes() {
                    format!("{would}{}", action.verb())
                } else {
                    action.verb().to_string()
                };
                lines.push(format!("  {verb} {}", path.display()));
            }
            files.push(FileChange {
                path,
                action: *action,
            });
        }
        let count = |wanted: &[Action]| files.iter().filter(|f| wanted.contains(&f.action)).count();
        lines.push(format!(
            "  {}{} created, {} updated, {} unchanged, {} skipped (edited or deleted by hand), {} stale{}",
            if request.dry_run { "(dry run) " } else { "" },
            count(&[Action::Create]),
            count(&[Action::Update, Action::Overwrite]),
            count(&[Action::Unchanged]),
            count(&[Action::SkipEdited, Action::SkipDeleted]),
            count(&[Action::Stale]),
            match count(&[Action::Remove]) {
                0 => String::new(),
                n => format!(", {n} removed"),
            }
        ));
        events.push(EventReport {
            slug: plan.slug,
            name: plan.name,
            dir: plan.shown_dir,
            sources: plan.sources,
            files,
        });
    }
    if request.dry_run {
        lines.push("dry run: nothing was written".to_string());
    }
    ImportReport {
        lines,
        diagnostics,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_slugs_are_cut_at_a_dash() {
        let long = slugs::slugify(&"word ".repeat(40));
        let cut = cap_slug(long);
        assert!(cut.len() <= MAX_SLUG && slugs::is_valid(&cut), "{cut}");
        assert!(cut.ends_with("word"), "{cut}");
        assert_eq!(cap_slug("short".into()), "short");
    }

    #[test]
    fn manifest_names_must_be_pages_of_the_directory() {
        assert!(is_page_name("_event.md"));
        assert!(is_page_name("intro-2.md"));
        assert!(!is_page_name("../x.md"));
        assert!(is_page_name("speakers/ada-lovelace.md"));
        assert!(!is_page_name("speakers/../x.md"));
        assert!(!is_page_name("speakers/a/b.md"));
        assert!(!is_page_name("speakers/_event.md"));
        assert!(!is_page_name("speakers/.md"));
        assert!(!is_page_name("speakersx.md/y.md"));
        assert!(!is_page_name("other/x.md"));
        assert!(!is_page_name("/speakers/x.md"));
        assert!(!is_page_name(".confsite-import.json"));
    }

    #[test]
    fn dates_merge_to_the_widest_range() {
        let d = |s: &str| Some(s.to_string());
        assert_eq!(
            pick_date(d("2025-11-13"), d("2025-11-12"), false),
            d("2025-11-12")
        );
        assert_eq!(
            pick_date(d("2025-11-13"), d("2025-11-14"), true),
            d("2025-11-14")
        );
        assert_eq!(pick_date(None, d("2025-11-14"), true), d("2025-11-14"));
        assert_eq!(
            pick_date(d("2025-11-13"), d("junk"), false),
            d("2025-11-13")
        );
    }
}
