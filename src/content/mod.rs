//! The content stage: reads a site directory (config, event files, session
//! and speaker pages) and builds the model. Every problem is collected as a
//! [`Diagnostic`] naming the file and line, so one run reports them all.
//!
//! Layout of a site:
//! ```text
//! confsite.yaml                    site config
//! content/<event>/_event.md        event file (front matter + description)
//! content/<event>/<session>.md     one page per session
//! content/<event>/speakers/<s>.md  optional speaker pages
//! ```

pub mod frontmatter;
pub mod pages;
pub mod write;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use jiff::SignedDuration;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Failed, has_errors};
use crate::model::{
    BodyKind, Event, Link, Room, Session, SessionSpeaker, Site, SiteConfig, Source, Speaker, Track,
};
use crate::slugs::{self, Deduper};
use crate::time;
use pages::{
    EventFront, LinkEntry, RoomEntry, SessionFront, SiteConfigFile, SpeakerEntry, SpeakerFront,
    TrackEntry,
};

pub const CONFIG_FILE: &str = "confsite.yaml";
pub const CONTENT_DIR: &str = "content";
pub const EVENT_FILE: &str = "_event.md";
pub const SPEAKERS_DIR: &str = "speakers";
/// Used when neither the config nor the command line gives a base URL.
pub const DEFAULT_BASE_URL: &str = "http://localhost:8000/";

/// A loaded site and the warnings found while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub site: Site,
    pub warnings: Vec<Diagnostic>,
}

/// How to load: where the site is and what the command line overrides.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub base_url: Option<String>,
}

/// Reads the whole site under `root`. Fails with every error found.
pub fn load_site(root: &Path, options: &LoadOptions) -> Result<Loaded, Failed> {
    match load_site_partial(root, options) {
        (Some(site), diags) if !has_errors(&diags) => Ok(Loaded {
            site,
            warnings: diags,
        }),
        (_, diags) => Err(Failed(diags)),
    }
}

/// Reads as much of the site as can be read: pages with errors are left
/// out of the model (and reported), so `check` can still look at the rest.
/// The site is `None` only when the config itself cannot be read.
pub fn load_site_partial(root: &Path, options: &LoadOptions) -> (Option<Site>, Vec<Diagnostic>) {
    let (site, _, diags) = load_with_speaker_pages(root, options);
    (site, diags)
}

/// Speaker pages of each event, as read (before sessions add to them).
type SpeakerPages = Vec<BTreeMap<String, Speaker>>;

/// A loaded event and its speaker pages, as read.
type LoadedEvent = (Event, BTreeMap<String, Speaker>);

fn load_with_speaker_pages(
    root: &Path,
    options: &LoadOptions,
) -> (Option<Site>, SpeakerPages, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let config = load_config(root, options, &mut diags);
    let content = root.join(CONTENT_DIR);
    let mut event_dirs: Vec<PathBuf> = match fs::read_dir(&content) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .filter(|p| !is_hidden(p))
            .collect(),
        Err(err) => {
            diags.push(Diagnostic::error(
                display_path(root, Path::new(CONTENT_DIR)),
                0,
                format!("cannot read the content directory: {err}"),
            ));
            Vec::new()
        }
    };
    event_dirs.sort();

    let results: Vec<(Option<LoadedEvent>, Vec<Diagnostic>)> = event_dirs
        .par_iter()
        .map(|dir| load_event(root, dir))
        .collect();
    let mut events = Vec::new();
    let mut pages = Vec::new();
    for (event, event_diags) in results {
        diags.extend(event_diags);
        if let Some((event, speaker_pages)) = event {
            events.push(event);
            pages.push(speaker_pages);
        }
    }
    (config.map(|config| Site { config, events }), pages, diags)
}

/// A loaded site that takes edits of session pages cheaply (for `serve`):
/// only the edited pages are read and parsed again, and their event is
/// reassembled (sorted, rooms, tracks and speakers collected) from the
/// sessions already in the model. The result is the model a full load
/// would give; anything else (a new, deleted or renamed page, the config,
/// an event file, a speaker page, an error) falls back to a full load.
pub struct LiveSite {
    root: PathBuf,
    options: LoadOptions,
    pub site: Site,
    pub warnings: Vec<Diagnostic>,
    speaker_pages: SpeakerPages,
}

/// What [`LiveSite::reload_pages`] changed.
#[derive(Debug)]
pub struct PageEdit {
    /// Index of the event in `site.events`.
    pub event: usize,
    /// The session as it was, and its slug now.
    pub before: Session,
    pub slug: String,
}

impl LiveSite {
    /// A full load of the site under `root`.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<LiveSite, Failed> {
        match load_with_speaker_pages(root, options) {
            (Some(site), speaker_pages, diags) if !has_errors(&diags) => Ok(LiveSite {
                root: root.to_path_buf(),
                options: options.clone(),
                site,
                warnings: diags,
                speaker_pages,
            }),
            (_, _, diags) => Err(Failed(diags)),
        }
    }

    /// Reads the session pages `paths` (files under `content/<event>/`,
    /// already in the model) again and updates the model. `None` when that
    /// is not such an edit, or the edited pages have errors: the caller then
    /// loads the whole site (which reports the errors as a full load does).
    /// On `None` the model may be half updated and must not be used again.
    pub fn reload_pages(&mut self, paths: &[PathBuf]) -> Option<Vec<PageEdit>> {
        let content = self.root.join(CONTENT_DIR);
        let mut edits = Vec::new();
        let mut touched = Vec::new();
        for path in paths {
            let rel = path.strip_prefix(&content).ok()?;
            let mut parts = rel.components();
            let (Some(dir), Some(file), None) = (parts.next(), parts.next(), parts.next()) else {
                return None;
            };
            let dir = dir.as_os_str().to_str()?;
            let file_path = content.join(dir).join(file);
            if is_hidden(&file_path)
                || file_path.extension().is_none_or(|e| e != "md")
                || !file_path.is_file()
            {
                return None;
            }
            let event_index = self.site.events.iter().position(|e| e.slug == dir)?;
            let shown = display_path(&self.root, file_path.strip_prefix(&self.root).ok()?);
            let event = &self.site.events[event_index];
            let at = event.sessions.iter().position(|s| s.source.path == shown)?;
            let (session, page_diags) = load_session(
                &self.root,
                &file_path,
                event,
                &self.speaker_pages[event_index],
            );
            let session = session.filter(|_| !has_errors(&page_diags))?;
            let taken = event
                .sessions
                .iter()
                .enumerate()
                .any(|(i, s)| i != at && s.slug == session.slug);
            if taken {
                return None;
            }
            self.warnings.retain(|d| d.path != shown);
            self.warnings.extend(page_diags);
            let slug = session.slug.clone();
            let before =
                std::mem::replace(&mut self.site.events[event_index].sessions[at], session);
            edits.push(PageEdit {
                event: event_index,
                before,
                slug,
            });
            if !touched.contains(&event_index) {
                touched.push(event_index);
            }
        }
        for i in touched {
            // In the order of a full load: sessions are sorted by the
            // declared rooms only, then undeclared rooms and tracks collected.
            let event = &mut self.site.events[i];
            event.rooms.retain(|r| r.declared);
            event.tracks.retain(|t| t.declared);
            sort_sessions(event);
            collect_rooms_and_tracks(event);
            collect_speakers(event, self.speaker_pages[i].clone());
        }
        Some(edits)
    }

    /// Loads the whole site again.
    pub fn reload_all(&mut self) -> Result<(), Failed> {
        *self = LiveSite::load(&self.root, &self.options)?;
        Ok(())
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
}

/// The path to show users: relative to the working directory when the site is.
pub fn display_path(root: &Path, relative: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        relative.to_path_buf()
    } else {
        root.join(relative)
    }
}

fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes =
        fs::read(path).map_err(|e| Diagnostic::error(shown, 0, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Diagnostic::error(shown, line, "not valid UTF-8 text")
    })
}

fn load_config(
    root: &Path,
    options: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> Option<SiteConfig> {
    let shown = display_path(root, Path::new(CONFIG_FILE));
    let text = match read_text(&root.join(CONFIG_FILE), &shown) {
        Ok(t) => t,
        Err(mut d) => {
            d.message = format!(
                "{} (a site needs a `{CONFIG_FILE}` at its root; `confsite init` makes one)",
                d.message
            );
            diags.push(d);
            return None;
        }
    };
    let file: SiteConfigFile = match frontmatter::parse_yaml(&text, &shown, 0) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let key_lines = frontmatter::key_lines(&text, 0);
    let source = Source {
        path: shown.clone(),
        key_lines,
    };
    let base_url = match options.base_url.clone().or(file.base_url.clone()) {
        Some(url) => match normalize_base_url(&url) {
            Ok(u) => u,
            Err(msg) => {
                diags.push(Diagnostic::error(&shown, source.line_of("base_url"), msg));
                return None;
            }
        },
        None => DEFAULT_BASE_URL.to_string(),
    };
    let day_change_minutes = match &file.day_change {
        None => 4 * 60,
        Some(t) => match time::parse_time(t) {
            Ok(t) => (t.hour() as u16) * 60 + t.minute() as u16,
            Err(msg) => {
                diags.push(Diagnostic::error(&shown, source.line_of("day_change"), msg));
                return None;
            }
        },
    };
    Some(SiteConfig {
        title: file.title,
        description: file.description,
        base_url,
        theme: file.theme.unwrap_or_else(|| "default".to_string()),
        theme_options: file.theme_options.unwrap_or(serde_json::Value::Null),
        language: file.language.unwrap_or_else(|| "en".to_string()),
        cname: file.cname,
        day_change_minutes,
        extra: file.extra.unwrap_or(serde_json::Value::Null),
        source,
    })
}

/// Checks a base URL and makes sure it ends in `/`.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base URL `{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!("base URL `{url}` is not a plain site URL"));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// A parsed page: its front matter, body and where each key is.
struct Parsed<T> {
    front: T,
    body: String,
    source: Source,
}

fn parse_page<T: serde::de::DeserializeOwned>(
    path: &Path,
    shown: &Path,
) -> Result<Parsed<T>, Diagnostic> {
    let text = read_text(path, shown)?;
    let split = frontmatter::split(&text, shown)?;
    let front = frontmatter::parse_yaml(split.yaml, shown, split.yaml_line_offset)?;
    Ok(Parsed {
        front,
        body: split.body.to_string(),
        source: Source {
            path: shown.to_path_buf(),
            key_lines: frontmatter::key_lines(split.yaml, split.yaml_line_offset),
        },
    })
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(is_file)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .filter(|p| !is_hidden(p))
                .collect()
        })
        .unwrap_or_default();
    // All in one directory: comparing names is comparing paths, without
    // splitting each path into components.
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    files
}

/// A regular file, or a link to one. The directory entry's type needs no
/// `stat` call on most file systems; only links are followed.
fn is_file(entry: &fs::DirEntry) -> bool {
    match entry.file_type() {
        Ok(t) if t.is_file() => true,
        Ok(t) if t.is_symlink() => entry.path().is_file(),
        _ => false,
    }
}

fn load_event(root: &Path, dir: &Path) -> (Option<LoadedEvent>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let rel_dir = dir.strip_prefix(root).unwrap_or(dir).to_path_buf();
    let dir_name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let shown_dir = display_path(root, &rel_dir);
    if !slugs::is_valid(&dir_name) {
        diags.push(Diagnostic::error(
            &shown_dir,
            0,
            format!(
                "event directory name `{dir_name}` is not a slug (use lowercase letters, digits and dashes, e.g. `{}`)",
                slugs::slugify(&dir_name)
            ),
        ));
        return (None, diags);
    }
    let event_shown = shown_dir.join(EVENT_FILE);
    let parsed: Parsed<EventFront> = match parse_page(&dir.join(EVENT_FILE), &event_shown) {
        Ok(p) => p,
        Err(mut d) => {
            if !dir.join(EVENT_FILE).exists() {
                d.message = format!("every event directory needs an `{EVENT_FILE}` event file");
            }
            diags.push(d);
            return (None, diags);
        }
    };
    let front = parsed.front;
    let source = parsed.source;
    let timezone = match time::zone(&front.timezone) {
        Ok(tz) => tz,
        Err(msg) => {
            diags.push(Diagnostic::error(
                &event_shown,
                source.line_of("timezone"),
                msg,
            ));
            return (None, diags);
        }
    };
    let mut date_of = |key: &str, value: &Option<String>| {
        value.as_ref().and_then(|v| match time::parse_date(v) {
            Ok(d) => Some(d),
            Err(msg) => {
                diags.push(Diagnostic::error(&event_shown, source.line_of(key), msg));
                None
            }
        })
    };
    let start_date = date_of("start_date", &front.start_date);
    let end_date = date_of("end_date", &front.end_date).or(start_date);
    if let (Some(s), Some(e)) = (start_date, end_date)
        && e < s
    {
        diags.push(Diagnostic::error(
            &event_shown,
            source.line_of("end_date"),
            format!("end_date {e} is before start_date {s}"),
        ));
    }

    let mut event = Event {
        slug: dir_name,
        name: front.name.clone(),
        description: parsed.body.trim().to_string(),
        tz_name: front.timezone.clone(),
        timezone,
        start_date,
        end_date,
        venue: front.venue.clone(),
        location: front.location.clone(),
        url: front.url.clone(),
        theme: front.theme.clone(),
        theme_options: front
            .theme_options
            .clone()
            .unwrap_or(serde_json::Value::Null),
        rooms: Vec::new(),
        tracks: Vec::new(),
        speakers: Vec::new(),
        sessions: Vec::new(),
        disabled_rules: front.check.clone().map(|c| c.disable).unwrap_or_default(),
        extra: front.extra.clone().unwrap_or(serde_json::Value::Null),
        source,
    };
    declare_rooms_and_tracks(&mut event, &front, &mut diags);

    // Speaker pages first: sessions refer to them.
    let speaker_pages = load_speaker_pages(root, dir, &mut diags);

    let files = markdown_files(dir);
    // Each page is read, parsed and checked on its own (on every core); the
    // results are then taken in file order, so diagnostics keep their order.
    let built: Vec<(Option<Session>, Vec<Diagnostic>)> = files
        .par_iter()
        .with_max_len(crate::SESSIONS_PER_PIECE)
        .map(|path| load_session(root, path, &event, &speaker_pages))
        .collect();
    // A slug already taken by an earlier page makes this page's session a
    // duplicate: found with borrowed slugs, then the sessions are moved once.
    let mut first_with: HashMap<&str, &Path, ahash::RandomState> =
        HashMap::with_capacity_and_hasher(built.len(), ahash::RandomState::new());
    let duplicate: Vec<Option<Diagnostic>> = built
        .iter()
        .map(|(session, _)| {
            let session = session.as_ref()?;
            match first_with.get(session.slug.as_str()) {
                Some(first) => Some(Diagnostic::error(
                    &session.source.path,
                    session.source.line_of("slug").max(1),
                    format!(
                        "duplicate slug `{}`: {} already uses it",
                        session.slug,
                        first.display()
                    ),
                )),
                None => {
                    first_with.insert(&session.slug, &session.source.path);
                    None
                }
            }
        })
        .collect();
    drop(first_with);
    event.sessions.reserve(built.len());
    for ((session, page_diags), duplicate) in built.into_iter().zip(duplicate) {
        diags.extend(page_diags);
        match (session, duplicate) {
            (_, Some(d)) => diags.push(d),
            (Some(session), None) => event.sessions.push(session),
            (None, None) => {}
        }
    }
    sort_sessions(&mut event);
    collect_rooms_and_tracks(&mut event);
    collect_speakers(&mut event, speaker_pages.clone());
    (Some((event, speaker_pages)), diags)
}

/// One session page: read, parsed and turned into a session of `event`.
fn load_session(
    root: &Path,
    path: &Path,
    event: &Event,
    speaker_pages: &BTreeMap<String, Speaker>,
) -> (Option<Session>, Vec<Diagnostic>) {
    let shown = display_path(root, path.strip_prefix(root).unwrap_or(path));
    let parsed = match parse_page(path, &shown) {
        Ok(p) => p,
        Err(d) => return (None, vec![d]),
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let mut diags = Vec::new();
    let session = build_session(event, parsed, stem, speaker_pages, &mut diags);
    (session, diags)
}

/// The rooms and tracks the event file declares, in its order, on an event
/// that has none yet.
fn declare_rooms_and_tracks(event: &mut Event, front: &EventFront, diags: &mut Vec<Diagnostic>) {
    let rooms = declare_once(
        &event.source,
        "rooms",
        "room",
        front.rooms.iter().map(RoomEntry::details),
        |d| (&d.name, d.slug.as_deref()),
        diags,
    );
    event.rooms.extend(rooms.into_iter().map(|(slug, d)| Room {
        slug,
        name: d.name,
        description: d.description,
        shared: d.shared,
        declared: true,
    }));
    let tracks = declare_once(
        &event.source,
        "tracks",
        "track",
        front.tracks.iter().map(TrackEntry::details),
        |d| (&d.name, d.slug.as_deref()),
        diags,
    );
    event
        .tracks
        .extend(tracks.into_iter().map(|(slug, d)| Track {
            slug,
            name: d.name,
            description: d.description,
            color: d.color,
            declared: true,
        }));
}

/// The entries of one list of the event file (`key`: `rooms` or `tracks`,
/// each entry a `noun`), in order, each with a slug unique in the list: its
/// own `slug:` or its name, slugified. A name declared again is an error on
/// the line of `key` and is left out. `name_and_slug` reads an entry's name
/// and its `slug:`.
fn declare_once<D>(
    source: &Source,
    key: &str,
    noun: &str,
    entries: impl Iterator<Item = D>,
    name_and_slug: impl Fn(&D) -> (&str, Option<&str>),
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, D)> {
    let mut taken = Deduper::default();
    let mut declared: Vec<(String, D)> = Vec::new();
    for entry in entries {
        let (name, slug) = name_and_slug(&entry);
        if declared.iter().any(|(_, d)| name_and_slug(d).0 == name) {
            diags.push(Diagnostic::error(
                &source.path,
                source.line_of(key),
                format!("{noun} `{name}` is declared twice"),
            ));
            continue;
        }
        let slug = taken.unique(&slugs::slugify(slug.unwrap_or(name)));
        declared.push((slug, entry));
    }
    declared
}

/// Speaker pages by slug.
fn load_speaker_pages(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Speaker> {
    let mut speakers = BTreeMap::new();
    // Read and parsed on every core (an import writes one page per speaker),
    // then taken in file order so diagnostics keep their order.
    let pages: Vec<(PathBuf, PathBuf, Result<Parsed<SpeakerFront>, Diagnostic>)> =
        markdown_files(&dir.join(SPEAKERS_DIR))
            .into_par_iter()
            .map(|path| {
                let shown = display_path(root, path.strip_prefix(root).unwrap_or(&path));
                let parsed = parse_page(&path, &shown);
                (path, shown, parsed)
            })
            .collect();
    for (path, shown, parsed) in pages {
        let parsed = match parsed {
            Ok(p) => p,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let slug = match &parsed.front.slug {
            Some(s) if slugs::is_valid(s) => s.clone(),
            Some(s) => {
                diags.push(Diagnostic::error(
                    &shown,
                    parsed.source.line_of("slug"),
                    format!("slug `{s}` must be lowercase letters, digits and dashes"),
                ));
                continue;
            }
            None => slugs::slugify(stem),
        };
        let links = convert_links(&parsed.front.links, &parsed.source, diags);
        if speakers.contains_key(&slug) {
            diags.push(Diagnostic::error(
                &shown,
                1,
                format!("duplicate speaker slug `{slug}`"),
            ));
            continue;
        }
        speakers.insert(
            slug.clone(),
            Speaker {
                slug,
                name: parsed.front.name,
                affiliation: parsed.front.affiliation,
                bio: Some(parsed.body.trim().to_string()).filter(|b| !b.is_empty()),
                photo: parsed.front.photo,
                links,
                sessions: Vec::new(),
                source: Some(parsed.source),
            },
        );
    }
    speakers
}

/// Only web and mail links: a `javascript:` URL in a page must never reach a `href`.
fn convert_links(entries: &[LinkEntry], source: &Source, diags: &mut Vec<Diagnostic>) -> Vec<Link> {
    let mut links = Vec::new();
    for entry in entries {
        let url = entry.url.trim();
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:"))
        {
            diags.push(Diagnostic::error(
                &source.path,
                source.line_of("links"),
                format!("link `{url}` must be an http(s) or mailto URL"),
            ));
            continue;
        }
        if entry.kind.trim().is_empty() {
            diags.push(Diagnostic::error(
                &source.path,
                source.line_of("links"),
                "a link needs a `kind`",
            ));
            continue;
        }
        links.push(Link {
            kind: entry.kind.trim().to_string(),
            url: url.to_string(),
            title: entry.title.clone(),
        });
    }
    links
}

fn build_session(
    event: &Event,
    parsed: Parsed<SessionFront>,
    stem: &str,
    speaker_pages: &BTreeMap<String, Speaker>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Session> {
    let Parsed {
        front,
        body,
        source,
    } = parsed;
    let before = diags.len();
    let err = |key: &str, msg: String| Diagnostic::error(&source.path, source.line_of(key), msg);

    let slug = match &front.slug {
        Some(s) if slugs::is_valid(s) => s.clone(),
        Some(s) => {
            diags.push(err(
                "slug",
                format!(
                    "slug `{s}` must be lowercase letters, digits and dashes (e.g. `{}`)",
                    slugs::slugify(s)
                ),
            ));
            String::new()
        }
        None => slugs::slugify(stem),
    };
    if front.title.trim().is_empty() {
        diags.push(err("title", "title is empty".to_string()));
    }

    let tz = &event.timezone;
    let tz_name = &event.tz_name;
    let start = match (&front.start, &front.date, &front.time) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            diags.push(err(
                "start",
                "give either `start` or `date` + `time`, not both".to_string(),
            ));
            None
        }
        (Some(s), None, None) => time::parse_datetime(s, tz, tz_name)
            .map_err(|m| diags.push(err("start", m)))
            .ok(),
        (None, Some(d), Some(t)) => match (time::parse_date(d), time::parse_time(t)) {
            (Ok(d), Ok(t)) => time::local_in_zone(d.to_datetime(t), tz, tz_name)
                .map_err(|m| diags.push(err("time", m)))
                .ok(),
            (Err(m), _) => {
                diags.push(err("date", m));
                None
            }
            (_, Err(m)) => {
                diags.push(err("time", m));
                None
            }
        },
        (None, Some(_), None) => {
            diags.push(err(
                "date",
                "`date` needs a `time` (or use `start`)".to_string(),
            ));
            None
        }
        (None, None, Some(_)) => {
            diags.push(err(
                "time",
                "`time` needs a `date` (or use `start`)".to_string(),
            ));
            None
        }
        (None, None, None) => None,
    };
    let duration = front.duration.as_ref().and_then(|d| {
        time::parse_duration(d)
            .map_err(|m| diags.push(err("duration", m)))
            .ok()
    });
    let end = match (&front.end, duration) {
        (Some(_), Some(_)) => {
            diags.push(err(
                "end",
                "give either `end` or `duration`, not both".to_string(),
            ));
            None
        }
        (Some(e), None) => {
            if start.is_none() && front.start.is_none() && front.date.is_none() {
                diags.push(err("end", "`end` without a start time".to_string()));
            }
            time::parse_datetime(e, tz, tz_name)
                .map_err(|m| diags.push(err("end", m)))
                .ok()
        }
        (None, Some(d)) => start.as_ref().and_then(|s| s.checked_add(d).ok()),
        (None, None) => None,
    };
    if let (Some(s), Some(e)) = (&start, &end)
        && e <= s
    {
        diags.push(err(
            "end",
            format!(
                "end {} is not after start {}",
                time::rfc3339(e),
                time::rfc3339(s)
            ),
        ));
    }
    let duration = match (&start, &end) {
        (Some(s), Some(e)) => Some(s.duration_until(e)),
        _ => duration.filter(|d| *d > SignedDuration::ZERO),
    };

    let speakers = convert_speakers(&front.speakers, speaker_pages, &source, diags);
    let links = convert_links(&front.links, &source, diags);
    let body_kind = match front.body.as_deref() {
        None | Some("abstract") => BodyKind::Abstract,
        Some("notes") => BodyKind::Notes,
        Some(other) => {
            diags.push(err(
                "body",
                format!("body must be `abstract` or `notes`, not `{other}`"),
            ));
            BodyKind::Abstract
        }
    };
    let overlap_allowed = match front.overlap.as_deref() {
        None => false,
        Some("allowed") => true,
        Some(other) => {
            diags.push(err(
                "overlap",
                format!("overlap must be `allowed`, not `{other}`"),
            ));
            false
        }
    };
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let clean = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Some(Session {
        slug,
        title: front.title.trim().to_string(),
        kind: clean(&front.kind).map_or_else(|| "talk".to_string(), |k| k.to_lowercase()),
        speakers,
        start,
        end,
        duration,
        room: clean(&front.room),
        tracks: front
            .track
            .map(|t| t.to_vec())
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        tags: front.tags,
        language: clean(&front.language),
        level: clean(&front.level),
        prerequisites: clean(&front.prerequisites),
        links,
        body: body.trim().to_string(),
        body_kind,
        overlap_allowed,
        extra: front.extra.unwrap_or(serde_json::Value::Null),
        source,
    })
}

fn convert_speakers(
    entries: &[SpeakerEntry],
    pages: &BTreeMap<String, Speaker>,
    source: &Source,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SessionSpeaker> {
    let mut speakers = Vec::new();
    for entry in entries {
        let (name, id, affiliation, role) = match entry {
            SpeakerEntry::Name(n) => (Some(n.clone()), None, None, None),
            SpeakerEntry::Full(r) => (
                r.name.clone(),
                r.id.clone(),
                r.affiliation.clone(),
                r.role.clone(),
            ),
        };
        let page = match &id {
            Some(id) => match pages.get(id) {
                Some(p) => Some(p),
                None => {
                    diags.push(Diagnostic::error(
                        &source.path,
                        source.line_of("speakers"),
                        format!("speaker id `{id}` has no page speakers/{id}.md"),
                    ));
                    continue;
                }
            },
            None => name
                .as_deref()
                .and_then(|n| pages.get(&slugs::slugify(n)).filter(|p| p.name == n.trim())),
        };
        let Some(name) = name.or_else(|| page.map(|p| p.name.clone())) else {
            diags.push(Diagnostic::error(
                &source.path,
                source.line_of("speakers"),
                "a speaker needs a `name` or an `id`",
            ));
            continue;
        };
        let name = name.trim().to_string();
        if name.is_empty() {
            diags.push(Diagnostic::error(
                &source.path,
                source.line_of("speakers"),
                "a speaker's name is empty",
            ));
            continue;
        }
        speakers.push(SessionSpeaker {
            slug: page.map_or_else(|| slugs::slugify(&name), |p| p.slug.clone()),
            affiliation: affiliation.or_else(|| page.and_then(|p| p.affiliation.clone())),
            name,
            role,
        });
    }
    speakers
}

/// Scheduled sessions by (start, declared room order, title); unscheduled after, by title.
fn sort_sessions(event: &mut Event) {
    let room_order = event.room_positions();
    // Keys borrow from the sessions (a title is copied only to lowercase
    // it), and the sessions are moved once, into their sorted places.
    let mut keyed: Vec<_> = event
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let title = if s.title.is_ascii() && !s.title.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Borrowed(s.title.as_str())
            } else {
                Cow::Owned(s.title.to_lowercase())
            };
            let key = (
                s.start.is_none(),
                s.start.as_ref().map(|z| z.timestamp()),
                s.room
                    .as_deref()
                    .and_then(|r| room_order.get(r).copied())
                    .unwrap_or(usize::MAX),
                s.room.as_deref(),
                title,
                s.slug.as_str(),
            );
            (key, i)
        })
        .collect();
    keyed.par_sort_by(|a, b| a.0.cmp(&b.0));
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut sessions: Vec<Option<Session>> = std::mem::take(&mut event.sessions)
        .into_iter()
        .map(Some)
        .collect();
    event.sessions = order
        .into_iter()
        .filter_map(|i| sessions[i].take())
        .collect();
}

/// Adds rooms and tracks that sessions name but the event file does not declare.
fn collect_rooms_and_tracks(event: &mut Event) {
    let mut room_slugs = Deduper::default();
    for r in &event.rooms {
        room_slugs.unique(&r.slug);
    }
    let mut track_slugs = Deduper::default();
    for t in &event.tracks {
        track_slugs.unique(&t.slug);
    }
    // Names already known, declared or met earlier: one lookup per session
    // instead of a scan over every room and track.
    let mut known_rooms: HashSet<&str> = event.rooms.iter().map(|r| r.name.as_str()).collect();
    let mut known_tracks: HashSet<&str> = event.tracks.iter().map(|t| t.name.as_str()).collect();
    let mut new_rooms = Vec::new();
    let mut new_tracks = Vec::new();
    for s in &event.sessions {
        if let Some(room) = &s.room
            && known_rooms.insert(room)
        {
            new_rooms.push(Room {
                slug: room_slugs.unique(&slugs::slugify(room)),
                name: room.clone(),
                description: None,
                shared: false,
                declared: false,
            });
        }
        for track in &s.tracks {
            if known_tracks.insert(track) {
                new_tracks.push(Track {
                    slug: track_slugs.unique(&slugs::slugify(track)),
                    name: track.clone(),
                    description: None,
                    color: None,
                    declared: false,
                });
            }
        }
    }
    event.rooms.extend(new_rooms);
    new_tracks.sort_by_key(|a| a.name.to_lowercase());
    event.tracks.extend(new_tracks);
}

/// Speakers from speaker pages and from sessions, each with the sessions
/// they give, in slug order.
fn collect_speakers(event: &mut Event, pages: BTreeMap<String, Speaker>) {
    let page_slugs: Vec<String> = pages.keys().cloned().collect();
    let mut speakers: Vec<Speaker> = pages.into_values().collect();
    let from_pages = speakers.len();
    // Where each slug is in `speakers`: one hash lookup per mention (a big
    // program mentions each of thousands of speakers a few times).
    let mut place: HashMap<&str, usize, ahash::RandomState> = page_slugs
        .iter()
        .enumerate()
        .map(|(i, slug)| (slug.as_str(), i))
        .collect();
    for (index, session) in event.sessions.iter().enumerate() {
        for sp in &session.speakers {
            let i = *place.entry(sp.slug.as_str()).or_insert_with(|| {
                speakers.push(Speaker {
                    slug: sp.slug.clone(),
                    name: sp.name.clone(),
                    affiliation: None,
                    bio: None,
                    photo: None,
                    links: Vec::new(),
                    sessions: Vec::new(),
                    source: None,
                });
                speakers.len() - 1
            });
            let entry = &mut speakers[i];
            if entry.sessions.last() != Some(&index) {
                entry.sessions.push(index);
            }
            if entry.affiliation.is_none() {
                entry.affiliation = sp.affiliation.clone();
            }
        }
    }
    if speakers.len() > from_pages {
        // Slugs are unique, so the order is total: the order a map by slug gave.
        speakers.sort_unstable_by(|a, b| a.slug.cmp(&b.slug));
    }
    event.speakers = speakers;
}
