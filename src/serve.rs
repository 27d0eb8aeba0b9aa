//! `confsite serve`: live preview. Builds the site in memory, serves it on
//! localhost, watches content, themes and config, rebuilds on change and
//! tells open tabs to reload.
//!
//! The last good build keeps being served while an edit is broken; the
//! error goes to the terminal and, through the status endpoint, into an
//! overlay in every open tab. Serving uses tiny_http (no async runtime) and
//! watching uses notify's debouncer; tabs poll a small status endpoint.
//!
//! Rebuilds are incremental ([`Incremental`]): after an edit of session
//! pages only those pages are read again, and only the files that can
//! depend on them are rendered again (their pages and feeds, their
//! speakers', day's, tracks' and room's pages and feeds, the event's lists,
//! exports and search index, for which only the edited sessions are
//! analysed again). Anything else rebuilds everything. An incremental
//! rebuild takes two steps: the edited sessions' own pages first, published
//! at once with the reload signal, then everything else that shows them; a
//! request for a file of the second step waits until it is ready, so
//! nothing stale is ever served.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::build::BuildOptions;
use crate::check::{self, Finding};
use crate::content::{CONFIG_FILE, LiveSite, LoadOptions};
use crate::diagnostic::{Diagnostic, Failed, Level};
use crate::model::Site;
use crate::output::{Collect, OutputFile};
use crate::render::{self, RenderContext, exports, html, ics, markdown, search, urls};
use crate::theme::Themes;

/// The path tabs poll for the build version and the current error.
pub const STATUS_PATH: &str = "__confsite/status";

/// What is being served, and a signal for requests waiting on files still
/// being rendered.
#[derive(Default)]
struct Shared {
    snapshot: Mutex<Snapshot>,
    settled: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Snapshot> {
        self.snapshot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The last good build and the latest error, if any.
#[derive(Default)]
struct Snapshot {
    /// Output path → contents.
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Files an incremental rebuild is still rendering again.
    pending: HashSet<String>,
    /// Bumped on every successful build.
    version: u64,
    /// The error of the latest build, when it failed.
    error: Option<String>,
}

/// A running preview server (stopped when dropped or with [`Server::stop`]).
pub struct Server {
    pub address: SocketAddr,
    /// URL of the site root, e.g. `http://127.0.0.1:8000/`.
    pub url: String,
    stop: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
    http: Arc<tiny_http::Server>,
}

impl Server {
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.http.unblock();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Blocks until the process is interrupted.
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Builds `root`, then serves it on `bind` (port 0 picks a free port) and
/// rebuilds whenever the site's sources change.
pub fn start(root: &Path, bind: SocketAddr) -> Result<Server, Failed> {
    let http = tiny_http::Server::http(bind).map_err(|e| {
        Failed(vec![Diagnostic::error(
            root,
            0,
            format!("cannot listen on {bind}: {e}"),
        )])
    })?;
    let address = http
        .server_addr()
        .to_ip()
        .ok_or_else(|| Failed(vec![Diagnostic::error(root, 0, "not an IP listener")]))?;
    let url = format!("http://{address}/");
    let http = Arc::new(http);
    let state = Arc::new(Shared::default());
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: Some(url.clone()),
    };
    let mut live: Option<Incremental> = None;
    rebuild(&options, &mut live, &[], &state);

    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();

    // Watcher: events go through a channel so the debouncer's thread stays short.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(100), None, tx).map_err(|e| {
        Failed(vec![Diagnostic::error(
            root,
            0,
            format!("cannot watch files: {e}"),
        )])
    })?;
    for watched in watched_paths(root) {
        if watched.exists() {
            let mode = if watched.is_dir() {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            debouncer.watch(&watched, mode).map_err(|e| {
                Failed(vec![Diagnostic::error(
                    &watched,
                    0,
                    format!("cannot watch: {e}"),
                )])
            })?;
        }
    }
    {
        let state = Arc::clone(&state);
        let stop = Arc::clone(&stop);
        let output = options.output_dir();
        let root = options.root.clone();
        let watched_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        threads.push(thread::spawn(move || {
            let _debouncer = debouncer; // kept alive as long as this thread runs
            while !stop.load(Ordering::SeqCst) {
                match rx.recv_timeout(Duration::from_millis(200)) {
                    Ok(Ok(events)) => {
                        let mut changed: Vec<PathBuf> = events
                            .iter()
                            // Reading a file is no change (and each build reads them all).
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.paths.iter())
                            .map(|p| within_root(&root, &watched_root, p))
                            .filter(|p| !p.starts_with(&output) && !is_editor_noise(p))
                            .collect();
                        changed.sort();
                        changed.dedup();
                        if !changed.is_empty() {
                            rebuild(&options, &mut live, &changed, &state);
                        }
                    }
                    Ok(Err(errors)) => {
                        for e in errors {
                            eprintln!("watch error: {e}");
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        }));
    }

    // Two request threads: a slow client must not block the reload poll.
    for _ in 0..2 {
        let http = Arc::clone(&http);
        let state = Arc::clone(&state);
        let stop = Arc::clone(&stop);
        threads.push(thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match http.recv_timeout(Duration::from_millis(200)) {
                    Ok(Some(request)) => respond(request, &state),
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        }));
    }
    Ok(Server {
        address,
        url,
        stop,
        threads,
        http,
    })
}

fn watched_paths(root: &Path) -> Vec<PathBuf> {
    vec![
        root.join("content"),
        root.join("themes"),
        root.join("templates"),
        root.join(CONFIG_FILE),
    ]
}

/// A path the watcher reports (absolute, through the watched directory as
/// the operating system resolved it) as a path under `root` as given, so
/// it matches the paths the loader recorded (`./content/x.md` when serving
/// `.`).
fn within_root(root: &Path, watched_root: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(watched_root) {
        Ok(rel) => root.join(rel),
        Err(_) => path.to_path_buf(),
    }
}

/// Swap files and editor backups that should not trigger a rebuild.
fn is_editor_noise(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
}

/// Rebuilds after `changed` paths changed (all of them when `live` is
/// `None` yet) and publishes the result to `state`.
fn rebuild(
    options: &BuildOptions,
    live: &mut Option<Incremental>,
    changed: &[PathBuf],
    state: &Shared,
) {
    let started = Instant::now();
    let result = match live {
        Some(inc) => inc.update(changed),
        None => Incremental::new(options).map(|inc| {
            let files = inc.all_files();
            *live = Some(inc);
            Update {
                changes: Changes::All(files),
                rendered: 0,
                incremental: false,
                pending: Vec::new(),
            }
        }),
    };
    let (first, pending) = match result {
        Ok(update) => {
            let mut s = state.lock();
            update.changes.apply(&mut s.files);
            s.pending = update.pending.iter().cloned().collect();
            s.version += 1;
            s.error = None;
            let version = s.version;
            drop(s);
            eprintln!(
                "rebuilt in {:.0} ms (version {version}{})",
                started.elapsed().as_secs_f64() * 1000.0,
                if update.incremental {
                    format!(", {} files rendered again", update.rendered)
                } else {
                    String::new()
                }
            );
            (update.rendered, update.pending.len())
        }
        Err(failed) => {
            report_failure(state, &failed);
            return;
        }
    };
    if pending > 0
        && let Some(inc) = live.as_mut()
    {
        match inc.finish() {
            Ok(update) => {
                let mut s = state.lock();
                update.changes.apply(&mut s.files);
                s.pending.clear();
                drop(s);
                eprintln!(
                    "  and the rest in {:.0} ms ({} files rendered again in all)",
                    started.elapsed().as_secs_f64() * 1000.0,
                    first + update.rendered
                );
            }
            // The files stay as they were; the next change rebuilds everything.
            Err(failed) => report_failure(state, &failed),
        }
        state.lock().pending.clear();
        state.settled.notify_all();
    }
    // After publishing: findings do not hold up the reload.
    if let Some(inc) = live {
        for f in inc.findings() {
            eprintln!("{f}");
        }
    }
}

fn report_failure(state: &Shared, failed: &Failed) {
    let text = failed.to_string();
    eprintln!("{text}\nstill serving the last good build");
    state.lock().error = Some(text);
}

/// What a rebuild changed in the served files.
pub enum Changes {
    /// Every file of the site (a full rebuild).
    All(HashMap<String, Arc<Vec<u8>>>),
    /// Only these files (same paths as before, new contents).
    Some(Vec<(String, Arc<Vec<u8>>)>),
}

impl Changes {
    /// Applies the changes to the served files.
    pub fn apply(self, files: &mut HashMap<String, Arc<Vec<u8>>>) {
        match self {
            Changes::All(all) => *files = all,
            Changes::Some(changed) => files.extend(changed),
        }
    }
}

/// The result of one rebuild.
pub struct Update {
    pub changes: Changes,
    /// Files rendered again (incremental rebuilds).
    pub rendered: usize,
    pub incremental: bool,
    /// Files still to be rendered again by [`Incremental::finish`]; until
    /// then, requests for them wait rather than get the old contents.
    pub pending: Vec<String>,
}

/// A site kept in memory between rebuilds: the model, the rendered
/// Markdown, feed entries and search tokens, and what every page shares, so
/// an edit of a session page re-renders only what depends on it.
pub struct Incremental {
    options: BuildOptions,
    live: LiveSite,
    themes: Themes,
    bodies: markdown::Bodies,
    /// Per event: each session's `VEVENT` by session slug.
    vevents: Vec<HashMap<String, Option<String>>>,
    /// Per event: its sessions' search tokens, from the last build of its
    /// index.
    search_tokens: Vec<search::TokenCache>,
    /// [`html::shared_value`] of the current model.
    shared: tera::Value,
    /// The sessions' template values of the current model.
    values: html::SessionValues,
    /// Every file of the last build (kept for [`Incremental::all_files`]).
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Set while the model and what was rendered from it may disagree (a
    /// rebuild failed half-way): the next update then rebuilds everything.
    stale: bool,
    /// The second step of the last incremental rebuild, when not yet done.
    followup: Option<Followup>,
    /// [`outline`] of the current model.
    outline: Vec<Vec<String>>,
    /// Per event slug: the files directly in the event's directory (feeds,
    /// exports, search index), which an edit may change.
    root_files: HashMap<String, Vec<String>>,
}

impl Incremental {
    /// Loads and renders the whole site.
    pub fn new(options: &BuildOptions) -> Result<Incremental, Failed> {
        let live = LiveSite::load(
            &options.root,
            &LoadOptions {
                base_url: options.base_url.clone(),
            },
        )?;
        let themes = Themes::load(&options.root)?;
        let mut inc = Incremental {
            options: options.clone(),
            live,
            themes,
            bodies: markdown::Bodies::default(),
            vevents: Vec::new(),
            search_tokens: Vec::new(),
            shared: tera::Value::from(()),
            values: html::SessionValues::default(),
            files: HashMap::new(),
            stale: true,
            followup: None,
            outline: Vec::new(),
            root_files: HashMap::new(),
        };
        inc.render_all()?;
        Ok(inc)
    }

    /// Every file of the site as last built.
    pub fn all_files(&self) -> HashMap<String, Arc<Vec<u8>>> {
        self.files.clone()
    }

    /// The model as last built.
    pub fn site(&self) -> &Site {
        &self.live.site
    }

    /// Loader warnings and check findings of the current model (as warnings:
    /// `confsite check` is the gate).
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .live
            .warnings
            .iter()
            .cloned()
            .map(Finding::from)
            .collect();
        findings.extend(check::check_site(&self.live.site).into_iter().map(|mut f| {
            f.level = Level::Warning;
            f
        }));
        findings
    }

    fn build_time() -> Result<jiff::Timestamp, Failed> {
        render::build_time_from_env()
            .map_err(|msg| Failed(vec![Diagnostic::error("SOURCE_DATE_EPOCH", 0, msg)]))
    }

    /// Renders everything from the current model.
    fn render_all(&mut self) -> Result<(), Failed> {
        let site = &self.live.site;
        let ctx = RenderContext::new(site, &self.themes, Self::build_time()?);
        // The feed entries, search tokens and session values the next
        // incremental rebuild starts from come out of this same render, so
        // that even the first edit re-analyses only the edited sessions
        // without any of them being made twice.
        let (rendered, reusable) = render::render_site_in_memory_with_reusable(&ctx)?;
        self.vevents = site
            .events
            .iter()
            .zip(reusable.vevents)
            .map(|(event, vevents)| {
                event
                    .sessions
                    .iter()
                    .map(|s| s.slug.clone())
                    .zip(vevents)
                    .collect()
            })
            .collect();
        self.search_tokens = reusable.search_tokens;
        self.values = reusable.session_values;
        self.shared = html::shared_value(&ctx);
        self.bodies = ctx.into_bodies();
        self.outline = outline(site);
        self.root_files.clear();
        for f in &rendered.files {
            if let Some((event, rest)) = f.path.split_once('/')
                && !rest.contains('/')
                && site.events.iter().any(|e| e.slug == event)
            {
                self.root_files
                    .entry(event.to_string())
                    .or_default()
                    .push(f.path.clone());
            }
        }
        self.files = rendered
            .files
            .into_iter()
            .map(|f| (f.path, Arc::new(f.contents)))
            .collect();
        self.stale = false;
        Ok(())
    }

    /// Loads everything again and renders everything.
    fn full(&mut self) -> Result<Update, Failed> {
        self.stale = true;
        self.followup = None;
        self.live = LiveSite::load(
            &self.options.root,
            &LoadOptions {
                base_url: self.options.base_url.clone(),
            },
        )?;
        self.themes = Themes::load(&self.options.root)?;
        self.render_all()?;
        Ok(Update {
            changes: Changes::All(self.files.clone()),
            rendered: self.files.len(),
            incremental: false,
            pending: Vec::new(),
        })
    }

    /// Takes a change of the files `changed` (as the watcher reports them)
    /// into account. On failure the previous files stay as they were.
    /// When the result lists pending files, [`Incremental::finish`] renders
    /// them.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Failed> {
        if self.stale {
            return self.full();
        }
        // What pages of the old model look like, for the structural comparison.
        self.stale = true;
        let Some(edits) = self.live.reload_pages(changed) else {
            return self.full();
        };
        let outline_now = outline(&self.live.site);
        if outline_now != self.outline {
            return self.full();
        }
        let site = &self.live.site;
        let edited: HashSet<(&str, &str)> = edits
            .iter()
            .map(|e| (site.events[e.event].slug.as_str(), e.slug.as_str()))
            .collect();
        let bodies = markdown::Bodies::reusing(site, &self.bodies, &|event, session| {
            edited.contains(&(event, session))
        });
        let ctx = RenderContext::new(site, &self.themes, Self::build_time()?).with_bodies(bodies);
        let shared = html::shared_value(&ctx);
        if shared != self.shared {
            // The edit shows on every page (a count, the program's span…).
            drop(ctx);
            return self.full();
        }

        let mut pages: HashSet<String> = ["index.html".to_string(), "404.html".to_string()].into();
        let mut feeds: HashSet<String> = HashSet::new();
        let mut events: Vec<usize> = edits.iter().map(|e| e.event).collect();
        events.sort_unstable();
        events.dedup();
        for &i in &events {
            let e = &site.events[i];
            pages.extend([
                urls::event_home(e),
                urls::session_list(e),
                urls::speakers(e),
                urls::tracks(e),
                urls::rooms(e),
                urls::unscheduled(e),
                urls::agenda(e),
                urls::search_page(e),
            ]);
            feeds.insert(urls::schedule_ics(e));
        }
        for edit in &edits {
            let e = &site.events[edit.event];
            let after = e
                .sessions
                .iter()
                .find(|s| s.slug == edit.slug)
                .expect("an edited session is in its event");
            for s in [&edit.before, after] {
                pages.insert(urls::session(e, s));
                if s.is_scheduled() {
                    feeds.insert(urls::session_ics(e, s));
                }
                for sp in &s.speakers {
                    pages.insert(urls::speaker(e, &sp.slug));
                    feeds.insert(urls::speaker_ics(e, &sp.slug));
                }
                if let Some(day) = s.start.as_ref().map(jiff::Zoned::date) {
                    pages.insert(urls::day(e, day));
                    feeds.insert(urls::day_ics(e, day));
                }
                for t in s.tracks.iter().filter_map(|name| e.track(name)) {
                    pages.insert(urls::track(e, &t.slug));
                    feeds.insert(urls::track_ics(e, &t.slug));
                }
                if let Some(r) = s.room.as_deref().and_then(|name| e.room(name)) {
                    pages.insert(urls::room(e, &r.slug));
                    feeds.insert(urls::room_ics(e, &r.slug));
                }
            }
        }

        let changed = |event: &str, session: &str| edited.contains(&(event, session));
        let values = html::session_values(&ctx, Some((&self.values, &changed)));

        // First the edited sessions' own pages, which the author is looking
        // at; everything else that shows them follows in `finish`.
        let mut first: HashSet<String> = HashSet::new();
        for edit in &edits {
            let e = &site.events[edit.event];
            let after = e.sessions.iter().find(|s| s.slug == edit.slug);
            for s in std::iter::once(&edit.before).chain(after) {
                first.insert(urls::session(e, s));
            }
        }
        let files = html::render_only(
            &ctx,
            &|path| first.contains(path) && pages.contains(path),
            Some(&values),
        )?;
        pages.retain(|p| !first.contains(p));
        // Until `finish`, requests for these wait: the follow-up pages and
        // feeds, and the files at an edited event's root (exports, search
        // index), as those are rendered again whole.
        let mut pending: Vec<String> = pages.iter().chain(&feeds).cloned().collect();
        for &i in &events {
            pending.extend(
                self.root_files
                    .get(&site.events[i].slug)
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        pending.sort_unstable();
        pending.dedup();

        let rendered = files.len();
        self.bodies = ctx.into_bodies();
        let changes = self.keep(files);
        self.shared = shared;
        self.values = values;
        self.followup = Some(Followup {
            pages,
            feeds,
            events,
            edited: edits.iter().map(|e| (e.event, e.slug.clone())).collect(),
        });
        Ok(Update {
            changes: Changes::Some(changes),
            rendered,
            incremental: true,
            pending,
        })
    }

    /// The second step of an incremental rebuild (after [`Incremental::update`]
    /// returned paths as pending): renders the rest of what the edit
    /// changed. Returns no changes when there is nothing left to do.
    pub fn finish(&mut self) -> Result<Update, Failed> {
        let Some(Followup {
            pages,
            feeds,
            events,
            edited,
        }) = self.followup.take()
        else {
            return Ok(Update {
                changes: Changes::Some(Vec::new()),
                rendered: 0,
                incremental: true,
                pending: Vec::new(),
            });
        };
        let site = &self.live.site;
        let ctx = RenderContext::new(site, &self.themes, Self::build_time()?)
            .with_bodies(std::mem::take(&mut self.bodies));
        let vevents: Vec<Vec<Option<String>>> = events
            .iter()
            .map(|&i| {
                let e = &site.events[i];
                let known = &self.vevents[i];
                ics::vevents(&ctx, e, &|k| {
                    let slug = &e.sessions[k].slug;
                    if edited.iter().any(|(j, edited)| *j == i && edited == slug) {
                        None
                    } else {
                        known.get(slug).cloned()
                    }
                })
            })
            .collect();
        let mut search_tokens = Vec::new();
        let rendered = (|| {
            let mut files =
                html::render_only(&ctx, &|path| pages.contains(path), Some(&self.values))?;
            for (&i, vevents) in events.iter().zip(&vevents) {
                let e = &site.events[i];
                let collect = Collect::default();
                // Feeds from the kept VEVENTs, and a search index for which
                // only the sessions whose text changed are analysed again.
                ics::feeds(&ctx, e, vevents, &|path| feeds.contains(path), &collect);
                let (index, tokens) = search::render_event_reusing(&ctx, e, &self.search_tokens[i]);
                files.extend(index);
                search_tokens.push((i, tokens));
                exports::render_event(&ctx, e, &collect);
                files.extend(collect.into_files());
            }
            Ok(files)
        })();
        self.bodies = ctx.into_bodies();
        let files = rendered?;
        for (i, vevents) in events.into_iter().zip(vevents) {
            self.vevents[i] = site.events[i]
                .sessions
                .iter()
                .map(|s| s.slug.clone())
                .zip(vevents)
                .collect();
        }
        let rendered = files.len();
        let changes = self.keep(files);
        for (i, tokens) in search_tokens {
            self.search_tokens[i] = tokens;
        }
        self.stale = false;
        Ok(Update {
            changes: Changes::Some(changes),
            rendered,
            incremental: true,
            pending: Vec::new(),
        })
    }

    /// Records rendered files as the site's current ones; returns them as
    /// changes to serve.
    fn keep(&mut self, files: Vec<OutputFile>) -> Vec<(String, Arc<Vec<u8>>)> {
        let changes: Vec<(String, Arc<Vec<u8>>)> = files
            .into_iter()
            .map(|f| (f.path, Arc::new(f.contents)))
            .collect();
        for (path, contents) in &changes {
            self.files.insert(path.clone(), Arc::clone(contents));
        }
        changes
    }
}

/// What an incremental rebuild renders in its second step.
struct Followup {
    pages: HashSet<String>,
    feeds: HashSet<String>,
    /// Indexes of the edited events.
    events: Vec<usize>,
    /// The edited sessions: event index and session slug.
    edited: Vec<(usize, String)>,
}

/// What decides which pages exist and what every page links to: per event,
/// its session slugs, speakers, tracks, rooms and days. An edit that keeps
/// the outline only changes pages that show the edited sessions.
fn outline(site: &Site) -> Vec<Vec<String>> {
    site.events
        .iter()
        .map(|e| {
            let mut parts: Vec<String> = vec![e.slug.clone()];
            let mut slugs: Vec<&str> = e.sessions.iter().map(|s| s.slug.as_str()).collect();
            slugs.sort_unstable();
            parts.extend(slugs.into_iter().map(|s| format!("s:{s}")));
            parts.extend(e.speakers.iter().map(|s| format!("p:{}", s.slug)));
            parts.extend(e.tracks.iter().map(|t| format!("t:{}:{}", t.slug, t.name)));
            parts.extend(e.rooms.iter().map(|r| format!("r:{}:{}", r.slug, r.name)));
            parts.extend(e.days().into_iter().map(|d| format!("d:{d}")));
            parts
        })
        .collect()
}

/// How long a request waits for a file being rendered again.
const PENDING_WAIT: Duration = Duration::from_secs(30);

fn respond(request: tiny_http::Request, state: &Shared) {
    let raw = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let path = percent_encoding::percent_decode_str(raw.trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    let snapshot = state.lock();
    if path == STATUS_PATH {
        let body =
            serde_json::json!({ "version": snapshot.version, "error": snapshot.error }).to_string();
        let _ = request.respond(
            tiny_http::Response::from_string(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    // A file being rendered again is served once it is ready, never stale.
    let (snapshot, _) = state
        .settled
        .wait_timeout_while(snapshot, PENDING_WAIT, |s| {
            candidates.iter().any(|p| s.pending.contains(p))
        })
        .unwrap_or_else(PoisonError::into_inner);
    let found = candidates.iter().find_map(|p| {
        snapshot
            .files
            .get(p)
            .map(|bytes| (p.clone(), Arc::clone(bytes)))
    });
    let (status, name, bytes) = match found {
        Some((name, bytes)) => (200, name, bytes),
        None => match snapshot.files.get("404.html") {
            Some(b) => (404, "404.html".to_string(), Arc::clone(b)),
            None => (404, "404.txt".to_string(), Arc::new(b"not found".to_vec())),
        },
    };
    drop(snapshot);
    let content_type = content_type(&name);
    let body = if content_type.starts_with("text/html") {
        inject_reload_script(&bytes)
    } else {
        bytes.as_ref().clone()
    };
    let _ = request.respond(
        tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(header("Content-Type", content_type))
            .with_header(header("Cache-Control", "no-store")),
    );
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header is valid")
}

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// The preview-only script: polls the status endpoint, reloads on a new
/// build, and shows the build error in an overlay while there is one.
const RELOAD_SCRIPT: &str = r#"<script>
(function () {
  var seen = null, overlay = null;
  function show(error) {
    if (!error) { if (overlay) { overlay.remove(); overlay = null; } return; }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'confsite-error-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;background:#300;color:#fee;font:14px/1.4 monospace;padding:1em;z-index:99999;white-space:pre-wrap';
      document.body.appendChild(overlay);
    }
    overlay.textContent = 'confsite: the last edit broke the build (showing the last good version)\n\n' + error;
  }
  function poll() {
    fetch('/__confsite/status', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      show(s.error);
    }).catch(function () {}).then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
</script>"#;

fn inject_reload_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => {
            let mut out = String::with_capacity(text.len() + RELOAD_SCRIPT.len());
            out.push_str(&text[..at]);
            out.push_str(RELOAD_SCRIPT);
            out.push_str(&text[at..]);
            out.into_bytes()
        }
        None => {
            let mut out = html.to_vec();
            out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::render_in_memory;
    use crate::synthetic::{self, Params};

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            output: None,
            base_url: Some("http://127.0.0.1:8000/".to_string()),
        }
    }

    #[test]
    fn watched_paths_map_back_under_the_root_as_given() {
        let (root, watched) = (Path::new("."), Path::new("/srv/site"));
        assert_eq!(
            within_root(root, watched, Path::new("/srv/site/content/e/a.md")),
            Path::new("./content/e/a.md")
        );
        assert_eq!(
            within_root(root, watched, Path::new("/elsewhere/x")),
            Path::new("/elsewhere/x")
        );
    }

    /// The full render at start hands its search tokens on: the first edit
    /// analyses only the edited session again.
    #[test]
    fn first_edit_analyses_only_the_edited_session() {
        let tmp = tempfile::tempdir().unwrap();
        let params = Params::with_sessions(30);
        synthetic::write_site(tmp.path(), &params).unwrap();
        let mut inc = Incremental::new(&options(tmp.path())).unwrap();
        let site = inc.site();
        assert_eq!(inc.search_tokens.len(), site.events.len());
        assert_eq!(inc.vevents.len(), site.events.len());
        for ((e, tokens), vevents) in site.events.iter().zip(&inc.search_tokens).zip(&inc.vevents) {
            assert_eq!(tokens.len(), e.sessions.len());
            assert_eq!(vevents.len(), e.sessions.len());
        }
        let kept = inc.search_tokens.clone();
        let page = synthetic::session_page(tmp.path(), &params, 4);
        let edited = site.events[0]
            .sessions
            .iter()
            .find(|s| s.source.path == page)
            .expect("the page is a session of the event")
            .slug
            .clone();
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\nA word about zebras.\n")).unwrap();
        assert!(inc.update(std::slice::from_ref(&page)).unwrap().incremental);
        inc.finish().unwrap();
        assert_eq!(inc.search_tokens[0].analysed_since(&kept[0]), [edited]);
    }

    /// After each edit, the incrementally rebuilt files equal a full build's.
    #[test]
    fn incremental_rebuilds_equal_full_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let params = Params::with_sessions(60);
        synthetic::write_site(tmp.path(), &params).unwrap();
        let opts = options(tmp.path());
        let mut inc = Incremental::new(&opts).unwrap();
        let mut served = inc.all_files();
        let page = |i| synthetic::session_page(tmp.path(), &params, i);
        // Sets front-matter key `key` of page `i` to `value` (a line `key: value`).
        let set = |i: usize, key: &str, value: &str| {
            let text = std::fs::read_to_string(page(i)).unwrap();
            let prefix = format!("{key}:");
            let line = text
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("{key} in {text}"))
                .to_string();
            let new = format!("{prefix} {value}");
            std::fs::write(page(i), text.replacen(&line, new.trim_end(), 1)).unwrap();
        };
        let append = |i: usize, more: &str| {
            let text = std::fs::read_to_string(page(i)).unwrap();
            std::fs::write(page(i), format!("{text}{more}")).unwrap();
        };
        type Step<'a> = (usize, Box<dyn Fn(usize) + 'a>);
        let steps: Vec<Step> = vec![
            // Abstract and title: this session's pages, the lists and feeds.
            (
                5,
                Box::new(|i| append(i, "\nOne *more* line, with a comma; and <i>HTML</i>.\n")),
            ),
            (
                7,
                Box::new(|i| set(i, "title", "\"Renamed <b>&amp;</b> talk\"")),
            ),
            // Another time on the same day: the order of sessions changes.
            (8, Box::new(|i| set(i, "start", "2027-03-10 18:05"))),
            // Another room of the event.
            (9, Box::new(|i| set(i, "room", "Room 003"))),
            (9, Box::new(|i| set(i, "room", "Room 001"))),
            // Another track.
            (12, Box::new(|i| set(i, "track", "\"Security\""))),
            // A new speaker: the set of speakers changes.
            (
                11,
                Box::new(|i| set(i, "speakers", "\n  - name: \"Brand New Person\"")),
            ),
            // A broken page, then fixed again.
            (13, Box::new(|i| set(i, "kind", "[unclosed"))),
            (13, Box::new(|i| set(i, "kind", "talk"))),
            // A plain text edit after all that is incremental again.
            (14, Box::new(|i| append(i, "\nThe end.\n"))),
        ];
        let mut kinds = Vec::new();
        for (k, (i, step)) in steps.iter().enumerate() {
            step(*i);
            match inc.update(&[page(*i)]) {
                Ok(update) => {
                    kinds.push(update.incremental);
                    update.changes.apply(&mut served);
                    // What the second step renders again must have been
                    // announced as pending, or it would be served stale.
                    let rest = inc.finish().unwrap();
                    if let Changes::Some(changes) = &rest.changes {
                        for (path, contents) in changes {
                            assert!(
                                served[path] == *contents || update.pending.contains(path),
                                "step {k}: {path} changed in the second step unannounced"
                            );
                        }
                    }
                    rest.changes.apply(&mut served);
                    let full = render_in_memory(&opts).unwrap();
                    assert_eq!(served.len(), full.files.len(), "step {k}");
                    for f in &full.files {
                        assert!(
                            served[&f.path].as_slice() == f.contents.as_slice(),
                            "step {k}: {} differs from a full build",
                            f.path
                        );
                    }
                }
                Err(failed) => {
                    // A page the loader rejects: a full load reports the same.
                    let full = render_in_memory(&opts)
                        .err()
                        .expect("a full build fails too");
                    assert_eq!(failed.to_string(), full.to_string());
                    kinds.push(false);
                }
            }
        }
        eprintln!("kinds {kinds:?}");
        assert_eq!(kinds.len(), steps.len());
        assert!(
            kinds[0] && kinds[1],
            "text edits are incremental: {kinds:?}"
        );
        assert!(!kinds[7], "the broken page fails: {kinds:?}");
        assert!(kinds[9], "incremental again after a failure: {kinds:?}");
    }
}
