//! HTML pages through Tera themes: model → typed, borrowed view structs →
//! templates. Views give every time both as ISO 8601 and pre-formatted in the
//! event's zone, and every link as a path from the output root; templates put
//! `{{ root }}` (the way back to the root from the current page) in front, so
//! the site works under any sub-path. Autoescaping is on for every template.
//!
//! Pages per event: home, a grid per day, the chronological list, one page
//! per session, speaker, track and room, the lists of those, unscheduled
//! sessions, My agenda and search. Plus the site index and `404.html`.
//!
//! Cost: rendering is Tera interpreting templates over template values, so
//! each value is made once per build and shared: a session's value by every
//! page that shows it, and within it the parts many sessions have in common
//! (room, tracks, speakers, day). What every session element writes the
//! same way (its `data-*` hooks, its `<time>`s) comes ready-made, escaped
//! here, and what is the same on every page of an event (checked CSS values,
//! track colours) is worked out once per event.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use jiff::Zoned;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use super::{RenderContext, markdown, session_uid, urls};
use crate::diagnostic::{Diagnostic, Failed};
use crate::model::{BodyKind, Event, Session, Site};
use crate::output::{Collect, OutputFile, Sink};
use crate::theme::Theme;

thread_local! {
    /// Each rendering thread's page buffer.
    static PAGE: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(64 * 1024));
}

/// Theme static files under this folder are written to each event's root.
const EVENT_ROOT_STATIC: &str = "event/";

/// One compiled Tera instance per theme used by the site.
struct Compiled<'a> {
    theme: &'a Theme,
    tera: Tera,
}

/// The `css_value` filter: a value from content or options as a CSS value,
/// or `fallback` (default empty) when it could end the declaration, the rule
/// or the `<style>` element (HTML escaping does not protect CSS).
fn css_value(value: &str, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    Ok(if css_safe(value) {
        value.to_string()
    } else {
        kwargs
            .get::<&str>("fallback")?
            .unwrap_or_default()
            .to_string()
    })
}

/// Whether `value` can go into CSS as it is (see [`css_value`]).
fn css_safe(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 200
        && !value.contains("/*")
        && !value.chars().any(|c| {
            matches!(c, ';' | '{' | '}' | '<' | '>' | '\\' | '"' | '\'' | '@') || c.is_control()
        })
}

fn compile(theme: &Theme) -> Result<Tera, Failed> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.register_filter("css_value", css_value);
    let mut sources = Vec::new();
    for (name, file) in &theme.templates {
        match std::str::from_utf8(&file.contents) {
            Ok(text) => sources.push((name.clone(), text.to_string())),
            Err(_) => {
                return Err(Failed(vec![Diagnostic::error(
                    &file.origin,
                    0,
                    "template is not UTF-8",
                )]));
            }
        }
    }
    tera.add_raw_templates(sources)
        .map_err(|e| template_error(theme, &e))?;
    Ok(tera)
}

/// A Tera error as a diagnostic naming the template file and line.
fn template_error(theme: &Theme, err: &tera::Error) -> Failed {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    // Tera points at the failing spot as ` --> name.html:LINE:COL`.
    let location = text.lines().find_map(|l| {
        let spot = l.trim_start().strip_prefix("--> ")?;
        let mut parts = spot.rsplitn(3, ':');
        let col = parts.next()?.trim().parse::<usize>().ok()?;
        let line = parts.next()?.trim().parse::<usize>().ok()?;
        Some((parts.next()?.to_string(), line, col))
    });
    let message = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    let (origin, line, col) = match &location {
        Some((name, line, col)) => (
            theme
                .templates
                .get(name)
                .map(|f| f.origin.clone())
                .unwrap_or_else(|| PathBuf::from(name)),
            *line,
            *col,
        ),
        None => (
            PathBuf::from(format!("themes/{}/templates", theme.name)),
            0,
            0,
        ),
    };
    Failed(vec![
        Diagnostic::error(
            origin,
            line,
            format!("template error (theme `{}`): {message}", theme.name),
        )
        .at_col(col),
    ])
}

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Failed> {
    render_only(ctx, &|_| true, None)
}

/// Renders every page (and theme file) into `sink`, each page as soon as it
/// is made, so that a large site never sits in memory whole. The sessions'
/// template values are `values` when given (they must be [`session_values`]
/// of this model), else made here.
pub fn render_into(
    ctx: &RenderContext,
    values: Option<&SessionValues>,
    sink: &dyn Sink,
) -> Result<(), Failed> {
    render_only_into(ctx, &|_| true, values, sink)
}

/// Renders only the pages (and theme files) whose output path `keep`
/// accepts, with the sessions' template values `values` when given (they
/// must be [`session_values`] of this model): `serve` re-renders what an
/// edit touches.
pub fn render_only(
    ctx: &RenderContext,
    keep: &(dyn Fn(&str) -> bool + Sync),
    values: Option<&SessionValues>,
) -> Result<Vec<OutputFile>, Failed> {
    let collect = Collect::default();
    render_only_into(ctx, keep, values, &collect)?;
    Ok(collect.into_files())
}

/// [`render_only`] into `sink`.
fn render_only_into(
    ctx: &RenderContext,
    keep: &(dyn Fn(&str) -> bool + Sync),
    values: Option<&SessionValues>,
    sink: &dyn Sink,
) -> Result<(), Failed> {
    let site = ctx.site;
    let mut theme_names: Vec<&str> = site
        .events
        .iter()
        .map(|e| e.theme.as_deref().unwrap_or(&site.config.theme))
        .collect();
    theme_names.push(&site.config.theme);
    theme_names.sort();
    theme_names.dedup();
    let mut compiled: BTreeMap<&str, Compiled> = BTreeMap::new();
    let mut diags = Vec::new();
    for name in theme_names {
        let Some(theme) = ctx.themes.get(name) else {
            let used_by: Vec<PathBuf> = site
                .events
                .iter()
                .filter(|e| e.theme.as_deref() == Some(name))
                .map(|e| e.source.path.clone())
                .collect();
            let path = used_by
                .first()
                .cloned()
                .unwrap_or_else(|| site.config.source.path.clone());
            diags.push(Diagnostic::error(
                path,
                1,
                format!(
                    "unknown theme `{name}` (available: {})",
                    ctx.themes.names().collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        match compile(theme) {
            Ok(tera) => {
                compiled.insert(name, Compiled { theme, tera });
            }
            Err(f) => diags.extend(f.0),
        }
    }
    if !diags.is_empty() {
        return Err(Failed(diags));
    }

    // Every view is serialized to a template value once; pages share them
    // (tera values are reference-counted, so a clone is a pointer copy).
    let site_value = Value::from_serializable(&SiteView::new(site));
    let site_theme = &compiled[site.config.theme.as_str()];
    let site_theme_value = theme_value(site_theme.theme, &site.config.theme_options);
    let mut jobs: Vec<PageJob> = vec![
        PageJob::site("index.html", "index.html"),
        PageJob::site("404.html", "404.html"),
    ];
    for (i, event) in site.events.iter().enumerate() {
        jobs.extend(event_jobs(i, event));
    }
    jobs.retain(|job| keep(&job.path));
    let events: Vec<EventValues> = site
        .events
        .par_iter()
        .map(|e| {
            let theme = compiled[e.theme.as_deref().unwrap_or(&site.config.theme)].theme;
            EventValues::new(ctx, e, theme, values)
        })
        .collect();

    // Pages take from 10 µs to 100 ms: in pieces of a few pages, so a core
    // that runs out of work can always take some (rayon otherwise leaves a
    // thousand-page piece to one core at the end while the other waits).
    let results: Vec<Result<(), Failed>> = jobs
        .par_iter()
        .with_max_len(8)
        .map(|job| {
            let mut context = Context::new();
            context.insert_value("site", site_value.clone());
            context.insert("root", &page_root(&site.config.base_url, &job.path));
            context.insert(
                "page",
                &PageView {
                    path: &job.path,
                    url: urls::absolute(&site.config.base_url, &job.path),
                    template: job.template,
                },
            );
            let compiled_theme = match job.event {
                Some(i) => {
                    let e = &site.events[i];
                    context.insert_value("theme", events[i].theme.clone());
                    events[i].fill(
                        &site.config.base_url,
                        &mut context,
                        e,
                        &job.subject,
                        job.template,
                    );
                    &compiled[e.theme.as_deref().unwrap_or(&site.config.theme)]
                }
                None => {
                    context.insert_value("theme", site_theme_value.clone());
                    site_theme
                }
            };
            // Rendered into this thread's reused buffer and handed over from
            // there: no regrowth, and an unchanged page is never copied.
            PAGE.with_borrow_mut(|buf| {
                buf.clear();
                compiled_theme
                    .tera
                    .render_to(job.template, &context, &mut *buf)
                    .map_err(|e| template_error(compiled_theme.theme, &e))?;
                sink.put_bytes(job.path.clone(), buf);
                Ok(())
            })
        })
        .collect();
    // Every session's template value, freed beside the work that remains.
    crate::background::drop_in_background(events);
    for r in results {
        if let Err(f) = r {
            diags.extend(f.0);
        }
    }
    if !diags.is_empty() {
        diags.dedup();
        return Err(Failed(diags));
    }
    for compiled_theme in compiled.values() {
        for (name, file) in &compiled_theme.theme.statics {
            let path = urls::theme_static(&compiled_theme.theme.name, name);
            if !name.starts_with(EVENT_ROOT_STATIC) && keep(&path) {
                sink.put(OutputFile::new(path, file.contents.clone()));
            }
        }
    }
    // `static/event/*` files go to the root of each event using the theme: a
    // service worker only controls pages at or below its own directory.
    for event in &site.events {
        let theme = compiled[event.theme.as_deref().unwrap_or(&site.config.theme)].theme;
        for (name, file) in &theme.statics {
            if let Some(rest) = name.strip_prefix(EVENT_ROOT_STATIC) {
                let path = format!("{}/{rest}", event.slug);
                if keep(&path) {
                    sink.put(OutputFile::new(path, file.contents.clone()));
                }
            }
        }
    }
    Ok(())
}

/// Every session's template value, per event: made once per build and
/// shared by every page that shows the session; `serve` keeps them between
/// rebuilds.
#[derive(Clone, Default)]
pub struct SessionValues {
    events: Vec<EventSessionValues>,
}

#[derive(Clone)]
struct EventSessionValues {
    slug: String,
    sessions: Vec<String>,
    values: Vec<Value>,
}

impl SessionValues {
    fn event(&self, slug: &str) -> Option<&EventSessionValues> {
        self.events.iter().find(|e| e.slug == slug)
    }
}

/// Tells whether the session (event slug, session slug) changed.
pub type Changed<'a> = dyn Fn(&str, &str) -> bool + Sync + 'a;

/// The sessions' template values of the model in `ctx`. With `previous`
/// (values of an earlier build, and which (event, session) slugs changed
/// since), an unchanged session keeps its earlier value.
pub fn session_values(
    ctx: &RenderContext,
    previous: Option<(&SessionValues, &Changed<'_>)>,
) -> SessionValues {
    let events = ctx
        .site
        .events
        .iter()
        .map(|e| {
            let before: HashMap<&str, &Value> = previous
                .and_then(|(values, _)| values.event(&e.slug))
                .map(|known| {
                    known
                        .sessions
                        .iter()
                        .map(String::as_str)
                        .zip(&known.values)
                        .collect()
                })
                .unwrap_or_default();
            let reuse = |s: &Session| match previous {
                Some((_, changed)) if !changed(&e.slug, &s.slug) => {
                    before.get(s.slug.as_str()).map(|v| (*v).clone())
                }
                _ => None,
            };
            EventSessionValues {
                slug: e.slug.clone(),
                sessions: e.sessions.iter().map(|s| s.slug.clone()).collect(),
                values: session_values_of(ctx, e, &reuse),
            }
        })
        .collect();
    SessionValues { events }
}

/// Each session's view of `e` as a value (on every core), or `reuse`'s.
fn session_values_of(
    ctx: &RenderContext,
    e: &Event,
    reuse: &(dyn Fn(&Session) -> Option<Value> + Sync),
) -> Vec<Value> {
    let parts = SessionParts::new(e);
    e.sessions
        .par_iter()
        .zip(ctx.bodies().event(e))
        .with_max_len(crate::SESSIONS_PER_PIECE)
        .map(|(s, body)| {
            reuse(s).unwrap_or_else(|| SessionView::new(ctx.site, e, s, body, &parts).to_value())
        })
        .collect()
}

/// What every page is given besides its own subject (the site view and
/// each event's view), as one value. When two models have the same shared
/// value, a page whose subject is unchanged renders the same.
pub fn shared_value(ctx: &RenderContext) -> Value {
    let site = ctx.site;
    let events: Vec<Value> = site
        .events
        .iter()
        .map(|e| {
            let name = e.theme.as_deref().unwrap_or(&site.config.theme);
            match ctx.themes.get(name) {
                Some(theme) => Value::from_serializable(&EventView::new(ctx, e, theme)),
                None => Value::from(name),
            }
        })
        .collect();
    Value::from(vec![
        Value::from_serializable(&SiteView::new(site)),
        Value::from(events),
    ])
}

/// What one page is about.
#[derive(Debug, Clone)]
enum Subject {
    None,
    Day(Date),
    Session(usize),
    Speaker(usize),
    Track(usize),
    Room(usize),
}

struct PageJob {
    path: String,
    template: &'static str,
    event: Option<usize>,
    subject: Subject,
}

impl PageJob {
    fn site(path: &str, template: &'static str) -> Self {
        PageJob {
            path: path.to_string(),
            template,
            event: None,
            subject: Subject::None,
        }
    }

    fn event(i: usize, path: String, template: &'static str, subject: Subject) -> Self {
        PageJob {
            path,
            template,
            event: Some(i),
            subject,
        }
    }
}

/// `{{ root }}`: the way from a page back to the output root. Relative for
/// every page but `404.html`, which static hosts (GitHub Pages) serve at
/// whatever missing path was asked for, so its links start from the path of
/// the base URL instead (`/repo/` for `https://org.github.io/repo/`).
fn page_root(base_url: &str, page_path: &str) -> String {
    if page_path != "404.html" {
        return urls::root_prefix(page_path);
    }
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or_else(|| "/".to_string(), |i| after_scheme[i..].to_string())
}

fn event_jobs(i: usize, e: &Event) -> Vec<PageJob> {
    // List pages (the long ones) first, so that no core is left rendering
    // one at the end while the other has nothing to do.
    let mut jobs = vec![
        PageJob::event(i, urls::event_home(e), "event.html", Subject::None),
        PageJob::event(i, urls::session_list(e), "sessions.html", Subject::None),
        PageJob::event(i, urls::speakers(e), "speakers.html", Subject::None),
        PageJob::event(i, urls::tracks(e), "tracks.html", Subject::None),
        PageJob::event(i, urls::rooms(e), "rooms.html", Subject::None),
        PageJob::event(i, urls::unscheduled(e), "unscheduled.html", Subject::None),
        PageJob::event(i, urls::agenda(e), "agenda.html", Subject::None),
        PageJob::event(i, urls::search_page(e), "search.html", Subject::None),
    ];
    for d in e.days() {
        jobs.push(PageJob::event(
            i,
            urls::day(e, d),
            "day.html",
            Subject::Day(d),
        ));
    }
    for (j, t) in e.tracks.iter().enumerate() {
        jobs.push(PageJob::event(
            i,
            urls::track(e, &t.slug),
            "track.html",
            Subject::Track(j),
        ));
    }
    for (j, r) in e.rooms.iter().enumerate() {
        jobs.push(PageJob::event(
            i,
            urls::room(e, &r.slug),
            "room.html",
            Subject::Room(j),
        ));
    }
    for (j, s) in e.sessions.iter().enumerate() {
        jobs.push(PageJob::event(
            i,
            urls::session(e, s),
            "session.html",
            Subject::Session(j),
        ));
    }
    for (j, sp) in e.speakers.iter().enumerate() {
        jobs.push(PageJob::event(
            i,
            urls::speaker(e, &sp.slug),
            "speaker.html",
            Subject::Speaker(j),
        ));
    }
    jobs
}

fn theme_value(theme: &Theme, overrides: &serde_json::Value) -> Value {
    let options = theme.options(overrides);
    let css = options
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| {
            let value = value.as_str()?;
            Some((name.as_str(), if css_safe(value) { value } else { "" }))
        })
        .collect();
    Value::from_serializable(&ThemeView {
        name: &theme.name,
        options: &options,
        css,
        static_root: format!("static/{}/", theme.name),
    })
}

/// One event's views as template values, serialized once and shared by all its pages.
struct EventValues {
    event: Value,
    theme: Value,
    /// Track and room views, in the event's order.
    tracks: Vec<Value>,
    rooms: Vec<Value>,
    /// Session views as values, in the event's order.
    sessions: Vec<Value>,
    /// All of them as one list value, shared by the pages that list every
    /// session (a list of its own per page would touch each session twice).
    all_sessions: Value,
    /// Indexes of the sessions of each track and each room.
    by_track: Vec<Vec<usize>>,
    by_room: Vec<Vec<usize>>,
}

impl EventValues {
    fn new(ctx: &RenderContext, e: &Event, theme: &Theme, values: Option<&SessionValues>) -> Self {
        let view = EventView::new(ctx, e, theme);
        let sessions = match values.and_then(|v| v.event(&e.slug)) {
            Some(known) => known.values.clone(),
            None => session_values_of(ctx, e, &|_| None),
        };
        let (track_of, room_of) = (e.track_positions(), e.room_positions());
        let mut by_track = vec![Vec::new(); e.tracks.len()];
        let mut by_room = vec![Vec::new(); e.rooms.len()];
        for (k, s) in e.sessions.iter().enumerate() {
            for t in &s.tracks {
                if let Some(&i) = track_of.get(t.as_str()) {
                    by_track[i].push(k);
                }
            }
            if let Some(&i) = s.room.as_deref().and_then(|r| room_of.get(r)) {
                by_room[i].push(k);
            }
        }
        EventValues {
            tracks: view.tracks.iter().map(Value::from_serializable).collect(),
            rooms: view.rooms.iter().map(Value::from_serializable).collect(),
            event: Value::from_serializable(&view),
            theme: theme_value(
                theme,
                &crate::theme::layered(&ctx.site.config.theme_options, &e.theme_options),
            ),
            all_sessions: Value::from(sessions.clone()),
            sessions,
            by_track,
            by_room,
        }
    }

    fn list(&self, indexes: impl Iterator<Item = usize>) -> Value {
        Value::from(
            indexes
                .map(|k| self.sessions[k].clone())
                .collect::<Vec<Value>>(),
        )
    }

    fn fill(
        &self,
        base: &str,
        context: &mut Context,
        event: &Event,
        subject: &Subject,
        template: &str,
    ) {
        context.insert_value("event", self.event.clone());
        match subject {
            Subject::None => match template {
                // The event home gets every session too: "now & next" reads them.
                "event.html" | "sessions.html" | "agenda.html" => {
                    context.insert_value("sessions", self.all_sessions.clone());
                }
                "unscheduled.html" => {
                    let unscheduled = event
                        .sessions
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| !s.is_scheduled());
                    context.insert_value("sessions", self.list(unscheduled.map(|(k, _)| k)));
                }
                "speakers.html" => {
                    let list: Vec<SpeakerSummary> = event
                        .speakers
                        .iter()
                        .map(|sp| SpeakerSummary {
                            name: &sp.name,
                            slug: &sp.slug,
                            affiliation: sp.affiliation.as_deref(),
                            path: urls::speaker(event, &sp.slug),
                            session_count: sp.sessions.len(),
                        })
                        .collect();
                    context.insert("speakers", &list);
                }
                _ => {}
            },
            Subject::Day(d) => {
                context.insert_value(
                    "day",
                    Value::from_serializable(&DayView::new(base, event, *d, &self.sessions)),
                );
            }
            Subject::Session(j) => {
                context.insert_value("session", self.sessions[*j].clone());
            }
            Subject::Speaker(j) => {
                let sp = &event.speakers[*j];
                let speaker = SpeakerView {
                    slug: &sp.slug,
                    name: &sp.name,
                    affiliation: sp.affiliation.as_deref(),
                    bio_html: sp.bio.as_deref().map(markdown::to_html),
                    photo: sp.photo.as_deref(),
                    links: sp.links.iter().map(LinkView::from).collect(),
                    path: urls::speaker(event, &sp.slug),
                    sessions: self.list(sp.sessions.iter().copied()),
                };
                context.insert_value("speaker", Value::from_serializable(&speaker));
            }
            Subject::Track(j) => {
                context.insert_value("track", self.tracks[*j].clone());
                context.insert("track_description", &event.tracks[*j].description);
                context.insert_value("sessions", self.list(self.by_track[*j].iter().copied()));
            }
            Subject::Room(j) => {
                context.insert_value("room", self.rooms[*j].clone());
                context.insert("room_description", &event.rooms[*j].description);
                context.insert_value("sessions", self.list(self.by_room[*j].iter().copied()));
            }
        }
    }
}

#[derive(Serialize)]
struct SpeakerView<'a> {
    slug: &'a str,
    name: &'a str,
    affiliation: Option<&'a str>,
    bio_html: Option<String>,
    photo: Option<&'a str>,
    links: Vec<LinkView<'a>>,
    path: String,
    /// The speaker's sessions' shared values (a `Value` is taken as it is).
    sessions: Value,
}

#[derive(Serialize)]
struct PageView<'a> {
    path: &'a str,
    /// Canonical absolute URL.
    url: String,
    template: &'a str,
}

#[derive(Serialize)]
struct ThemeView<'a> {
    name: &'a str,
    options: &'a serde_json::Value,
    /// Each text option as a CSS value, or "" when it could break out of
    /// its declaration (what the `css_value` filter gives, made once).
    css: BTreeMap<&'a str, &'a str>,
    /// Path from the output root to this theme's static files.
    static_root: String,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: &'a str,
    language: &'a str,
    extra: &'a serde_json::Value,
    events: Vec<EventSummary<'a>>,
}

#[derive(Serialize)]
struct EventSummary<'a> {
    slug: &'a str,
    name: &'a str,
    path: String,
    dates: String,
    location: Option<&'a str>,
    session_count: usize,
}

impl<'a> SiteView<'a> {
    fn new(site: &'a Site) -> Self {
        SiteView {
            title: &site.config.title,
            description: site.config.description.as_deref(),
            base_url: &site.config.base_url,
            language: &site.config.language,
            extra: &site.config.extra,
            events: site
                .events
                .iter()
                .map(|e| EventSummary {
                    slug: &e.slug,
                    name: &e.name,
                    path: urls::event_home(e),
                    dates: dates_label(e),
                    location: e.location.as_deref().or(e.venue.as_deref()),
                    session_count: e.sessions.len(),
                })
                .collect(),
        }
    }
}

/// A feed offered three ways: download, subscribe, and its path for links.
#[derive(Serialize, Clone)]
pub struct FeedView {
    pub path: String,
    pub url: String,
    pub webcal: String,
}

impl FeedView {
    fn new(base_url: &str, path: String) -> Self {
        let url = urls::absolute(base_url, &path);
        FeedView {
            webcal: urls::webcal(&url),
            url,
            path,
        }
    }
}

#[derive(Serialize)]
struct LinkRef<'a> {
    name: &'a str,
    slug: &'a str,
    path: String,
}

#[derive(Serialize)]
struct TaxonomyView {
    name: String,
    slug: String,
    path: String,
    feed: FeedView,
    color: Option<String>,
    session_count: usize,
    shared: bool,
}

#[derive(Serialize)]
struct TrackColor<'a> {
    slug: &'a str,
    color: &'a str,
}

#[derive(Serialize)]
struct DayLink {
    date: String,
    label: String,
    short_label: String,
    path: String,
    feed: FeedView,
    session_count: usize,
}

#[derive(Serialize)]
struct EventView<'a> {
    slug: &'a str,
    name: &'a str,
    description_html: String,
    timezone: &'a str,
    /// e.g. `EST`, at the event's first session (or start date).
    timezone_abbreviation: String,
    dates: String,
    start_date: Option<String>,
    end_date: Option<String>,
    venue: Option<&'a str>,
    location: Option<&'a str>,
    url: Option<&'a str>,
    home: String,
    sessions_page: String,
    speakers_page: String,
    tracks_page: String,
    rooms_page: String,
    unscheduled_page: String,
    agenda_page: String,
    search_page: String,
    sessions_json: String,
    search_index: String,
    search_index_js: String,
    schedule_xml: String,
    schedule_json: String,
    version: String,
    feed: FeedView,
    days: Vec<DayLink>,
    tracks: Vec<TaxonomyView>,
    /// The tracks whose colour can go into CSS, for `--track-<slug>`.
    track_colors: Vec<TrackColor<'a>>,
    rooms: Vec<TaxonomyView>,
    speaker_count: usize,
    session_count: usize,
    scheduled_count: usize,
    unscheduled_count: usize,
    /// First and last instants of the program (UTC, ISO), for "now & next".
    starts_at: Option<String>,
    ends_at: Option<String>,
    theme: &'a str,
    extra: &'a serde_json::Value,
}

impl<'a> EventView<'a> {
    fn new(ctx: &RenderContext, e: &'a Event, theme: &'a Theme) -> Self {
        let base = &ctx.site.config.base_url;
        let count_track = |name: &str| {
            e.sessions
                .iter()
                .filter(|s| s.tracks.iter().any(|t| t == name))
                .count()
        };
        let count_room = |name: &str| {
            e.sessions
                .iter()
                .filter(|s| s.room.as_deref() == Some(name))
                .count()
        };
        let first = e.scheduled().filter_map(|s| s.start.as_ref()).min();
        let last = e
            .scheduled()
            .filter_map(|s| s.end.as_ref().or(s.start.as_ref()))
            .max();
        let abbreviation = first
            .map(|z| z.strftime("%Z").to_string())
            .or_else(|| {
                e.start_date
                    .and_then(|d| d.to_zoned(e.timezone.clone()).ok())
                    .map(|z| z.strftime("%Z").to_string())
            })
            .unwrap_or_default();
        EventView {
            slug: &e.slug,
            name: &e.name,
            description_html: markdown::to_html(&e.description),
            timezone: &e.tz_name,
            timezone_abbreviation: abbreviation,
            dates: dates_label(e),
            start_date: e.start_date.map(|d| d.to_string()),
            end_date: e.end_date.map(|d| d.to_string()),
            venue: e.venue.as_deref(),
            location: e.location.as_deref(),
            url: e.url.as_deref(),
            home: urls::event_home(e),
            sessions_page: urls::session_list(e),
            speakers_page: urls::speakers(e),
            tracks_page: urls::tracks(e),
            rooms_page: urls::rooms(e),
            unscheduled_page: urls::unscheduled(e),
            agenda_page: urls::agenda(e),
            search_page: urls::search_page(e),
            sessions_json: urls::sessions_json(e),
            search_index: urls::search_index(e),
            search_index_js: urls::search_index_js(e),
            schedule_xml: urls::schedule_xml(e),
            schedule_json: urls::schedule_json(e),
            version: urls::version(e),
            feed: FeedView::new(base, urls::schedule_ics(e)),
            days: e
                .days()
                .into_iter()
                .map(|d| DayLink {
                    date: d.to_string(),
                    label: d.strftime("%A %-d %B %Y").to_string(),
                    short_label: d.strftime("%a %-d %b").to_string(),
                    path: urls::day(e, d),
                    feed: FeedView::new(base, urls::day_ics(e, d)),
                    session_count: e
                        .scheduled()
                        .filter(|s| s.start.as_ref().map(Zoned::date) == Some(d))
                        .count(),
                })
                .collect(),
            tracks: e
                .tracks
                .iter()
                .map(|t| TaxonomyView {
                    name: t.name.clone(),
                    slug: t.slug.clone(),
                    path: urls::track(e, &t.slug),
                    feed: FeedView::new(base, urls::track_ics(e, &t.slug)),
                    color: t.color.clone(),
                    session_count: count_track(&t.name),
                    shared: false,
                })
                .collect(),
            track_colors: e
                .tracks
                .iter()
                .filter_map(|t| {
                    let color = t.color.as_deref().filter(|c| css_safe(c))?;
                    Some(TrackColor {
                        slug: &t.slug,
                        color,
                    })
                })
                .collect(),
            rooms: e
                .rooms
                .iter()
                .map(|r| TaxonomyView {
                    name: r.name.clone(),
                    slug: r.slug.clone(),
                    path: urls::room(e, &r.slug),
                    feed: FeedView::new(base, urls::room_ics(e, &r.slug)),
                    color: None,
                    session_count: count_room(&r.name),
                    shared: r.shared,
                })
                .collect(),
            speaker_count: e.speakers.len(),
            session_count: e.sessions.len(),
            scheduled_count: e.scheduled().count(),
            unscheduled_count: e.unscheduled().count(),
            starts_at: first.map(|z| crate::time::utc_iso(z.timestamp())),
            ends_at: last.map(|z| crate::time::utc_iso(z.timestamp())),
            theme: &theme.name,
            extra: &e.extra,
        }
    }
}

/// `13–15 November 2025`, `13 November 2025`, or "" when the event has no dates.
fn dates_label(e: &Event) -> String {
    let days = e.days();
    let start = e.start_date.or(days.first().copied());
    let end = e.end_date.or(days.last().copied());
    match (start, end) {
        (Some(s), Some(t)) if s == t => s.strftime("%-d %B %Y").to_string(),
        (Some(s), Some(t)) if s.year() == t.year() && s.month() == t.month() => {
            format!("{}–{}", s.strftime("%-d"), t.strftime("%-d %B %Y"))
        }
        (Some(s), Some(t)) if s.year() == t.year() => {
            format!("{} – {}", s.strftime("%-d %B"), t.strftime("%-d %B %Y"))
        }
        (Some(s), Some(t)) => format!("{} – {}", s.strftime("%-d %B %Y"), t.strftime("%-d %B %Y")),
        (Some(s), None) => s.strftime("%-d %B %Y").to_string(),
        _ => String::new(),
    }
}

#[derive(Serialize)]
struct SpeakerOnSession<'a> {
    name: &'a str,
    slug: &'a str,
    path: String,
    affiliation: Option<&'a str>,
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct LinkView<'a> {
    kind: &'a str,
    url: &'a str,
    title: Option<&'a str>,
}

impl<'a> From<&'a crate::model::Link> for LinkView<'a> {
    fn from(l: &'a crate::model::Link) -> Self {
        LinkView {
            kind: &l.kind,
            url: &l.url,
            title: l.title.as_deref(),
        }
    }
}

/// A session as templates see it. Borrowed where the model has the text,
/// so making the template value copies each string once.
#[derive(Serialize)]
struct SessionView<'a> {
    slug: &'a str,
    title: &'a str,
    path: String,
    url: String,
    kind: &'a str,
    /// Shared values (see [`SessionParts`]) or ones of this session's own.
    speakers: Vec<Value>,
    scheduled: bool,
    /// RFC 3339 in the event's zone, e.g. `2025-11-13T11:00:00-05:00`.
    start: Option<String>,
    end: Option<String>,
    /// UTC instants, for scripts.
    start_utc: Option<String>,
    end_utc: Option<String>,
    date: Option<Value>,
    day_label: Option<Value>,
    day_path: Option<Value>,
    /// `09:30` in the event's zone.
    start_time: Option<String>,
    end_time: Option<String>,
    duration_minutes: Option<i64>,
    room: Option<Value>,
    tracks: Vec<Value>,
    tags: &'a [String],
    language: Option<&'a str>,
    level: Option<&'a str>,
    prerequisites: Option<&'a str>,
    links: Vec<LinkView<'a>>,
    body_html: &'a str,
    body_kind: &'static str,
    /// Plain-text excerpt for cards and `<meta name=description>`.
    summary: String,
    uid: String,
    feed: FeedView,
    google_calendar_url: Option<String>,
    /// [`data_attributes`] and [`time_html`], ready-made and marked safe
    /// (a `Value` field is taken as it is).
    data_attributes: Value,
    time_html: Value,
}

/// The parts of session values that many sessions have in common — a
/// room, a track, a speaker as their page has them, a day — made once per
/// event and shared (a clone is a pointer copy). Besides the work saved,
/// pages then read the same few values again instead of thousands of copies.
struct SessionParts<'a> {
    rooms: HashMap<&'a str, (&'a crate::model::Room, Value)>,
    tracks: HashMap<&'a str, (&'a crate::model::Track, Value)>,
    speakers: HashMap<&'a str, (&'a crate::model::Speaker, Value)>,
    days: HashMap<Date, DayParts>,
}

struct DayParts {
    date: String,
    date_value: Value,
    label: Value,
    path: Value,
}

impl<'a> SessionParts<'a> {
    fn new(e: &'a Event) -> Self {
        let link = |name: &str, slug: &str, path: String| {
            Value::from_serializable(&LinkRef { name, slug, path })
        };
        SessionParts {
            rooms: e
                .rooms
                .iter()
                .map(|r| {
                    (
                        r.name.as_str(),
                        (r, link(&r.name, &r.slug, urls::room(e, &r.slug))),
                    )
                })
                .collect(),
            tracks: e
                .tracks
                .iter()
                .map(|t| {
                    let value = link(&t.name, &t.slug, urls::track(e, &t.slug));
                    (t.name.as_str(), (t, value))
                })
                .collect(),
            speakers: e
                .speakers
                .iter()
                .map(|sp| {
                    let value = Value::from_serializable(&SpeakerOnSession {
                        name: &sp.name,
                        slug: &sp.slug,
                        path: urls::speaker(e, &sp.slug),
                        affiliation: sp.affiliation.as_deref(),
                        role: None,
                    });
                    (sp.slug.as_str(), (sp, value))
                })
                .collect(),
            days: e
                .days()
                .into_iter()
                .map(|d| {
                    let date = d.to_string();
                    let parts = DayParts {
                        date_value: Value::from(date.as_str()),
                        date,
                        label: Value::from(d.strftime("%A %-d %B %Y").to_string()),
                        path: Value::from(urls::day(e, d)),
                    };
                    (d, parts)
                })
                .collect(),
        }
    }
}

impl<'a> SessionView<'a> {
    fn new(
        site: &Site,
        e: &'a Event,
        s: &'a Session,
        body: &'a markdown::Body,
        parts: &SessionParts,
    ) -> Self {
        let base = &site.config.base_url;
        let path = urls::session(e, s);
        let url = urls::absolute(base, &path);
        let plain = &body.plain;
        let summary = markdown::excerpt(plain, 200);
        // Every name a session uses is in the event's lists; the fallbacks
        // only keep an inconsistent model from panicking.
        let room = s.room.as_deref().map(|name| match parts.rooms.get(name) {
            Some((r, value)) => (r.slug.as_str(), name, value.clone()),
            None => (
                "",
                name,
                Value::from_serializable(&LinkRef {
                    name,
                    slug: "",
                    path: urls::room(e, ""),
                }),
            ),
        });
        let tracks: Vec<(&str, Value)> = s
            .tracks
            .iter()
            .map(|name| match parts.tracks.get(name.as_str()) {
                Some((t, value)) => (t.slug.as_str(), value.clone()),
                None => (
                    "",
                    Value::from_serializable(&LinkRef {
                        name,
                        slug: "",
                        path: urls::track(e, ""),
                    }),
                ),
            })
            .collect();
        let speakers = s
            .speakers
            .iter()
            .map(|ss| match parts.speakers.get(ss.slug.as_str()) {
                // As the speaker's page has them: the shared value.
                Some((sp, value))
                    if sp.name == ss.name
                        && sp.affiliation == ss.affiliation
                        && ss.role.is_none() =>
                {
                    value.clone()
                }
                _ => Value::from_serializable(&SpeakerOnSession {
                    name: &ss.name,
                    slug: &ss.slug,
                    path: urls::speaker(e, &ss.slug),
                    affiliation: ss.affiliation.as_deref(),
                    role: ss.role.as_deref(),
                }),
            })
            .collect();
        let day = s.start.as_ref().map(|z| {
            let date = z.date();
            match parts.days.get(&date) {
                Some(d) => (
                    d.date.clone(),
                    d.date_value.clone(),
                    d.label.clone(),
                    d.path.clone(),
                ),
                None => (
                    date.to_string(),
                    Value::from(date.to_string()),
                    Value::from(date.strftime("%A %-d %B %Y").to_string()),
                    Value::from(urls::day(e, date)),
                ),
            }
        });
        let google_calendar_url = s
            .start
            .as_ref()
            .map(|start| google_calendar_url(e, s, start, plain, &url));
        let start = s.start.as_ref().map(crate::time::rfc3339);
        let end = s.end.as_ref().map(crate::time::rfc3339);
        let start_utc = s
            .start
            .as_ref()
            .map(|z| crate::time::utc_iso(z.timestamp()));
        let end_utc = s.end.as_ref().map(|z| crate::time::utc_iso(z.timestamp()));
        let start_time = s.start.as_ref().map(crate::time::hh_mm);
        let end_time = s.end.as_ref().map(crate::time::hh_mm);
        let uid = session_uid(site, e, s);
        let data_attributes = data_attributes(&Hooks {
            slug: &s.slug,
            uid: &uid,
            start: start_utc.as_deref(),
            end: end_utc.as_deref(),
            room: room.as_ref().map(|(slug, name, _)| (*slug, *name)),
            kind: &s.kind,
            tracks: tracks.iter().map(|(slug, _)| *slug),
            date: day.as_ref().map(|d| d.0.as_str()),
        });
        let time_html = time_html(
            start.as_deref().zip(start_time.as_deref()),
            end.as_deref().zip(end_time.as_deref()),
        );
        let (date, day_label, day_path) = match day {
            Some((_, date, label, path)) => (Some(date), Some(label), Some(path)),
            None => (None, None, None),
        };
        SessionView {
            slug: &s.slug,
            title: &s.title,
            url,
            kind: &s.kind,
            speakers,
            scheduled: s.is_scheduled(),
            start,
            end,
            start_utc,
            end_utc,
            date,
            day_label,
            day_path,
            start_time,
            end_time,
            duration_minutes: s.duration.map(|d| d.as_mins()),
            room: room.map(|(_, _, value)| value),
            tracks: tracks.into_iter().map(|(_, value)| value).collect(),
            tags: &s.tags,
            language: s.language.as_deref(),
            level: s.level.as_deref(),
            prerequisites: s.prerequisites.as_deref(),
            links: s.links.iter().map(LinkView::from).collect(),
            body_html: &body.html,
            body_kind: match s.body_kind {
                BodyKind::Abstract => "abstract",
                BodyKind::Notes => "notes",
            },
            summary,
            uid,
            feed: FeedView::new(base, urls::session_ics(e, s)),
            google_calendar_url,
            path,
            data_attributes: Value::safe_string(&data_attributes),
            time_html: Value::safe_string(&time_html),
        }
    }
}

impl SessionView<'_> {
    /// The template value.
    fn to_value(&self) -> Value {
        Value::from_serializable(self)
    }
}

/// What [`data_attributes`] writes.
struct Hooks<'a, T> {
    slug: &'a str,
    uid: &'a str,
    start: Option<&'a str>,
    end: Option<&'a str>,
    /// Slug and name.
    room: Option<(&'a str, &'a str)>,
    kind: &'a str,
    /// Slugs.
    tracks: T,
    date: Option<&'a str>,
}

/// The `data-*` attributes confsite.js reads on a session element (see the
/// default theme's README), as every template writes them. Ready made:
/// they are most of what a session in a list costs to render.
fn data_attributes<'a>(hooks: &Hooks<'a, impl Iterator<Item = &'a str> + Clone>) -> String {
    let mut out = String::with_capacity(200);
    let mut attr = |name: &str, value: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
        out.push_str("=\"");
        push_escaped(&mut out, value);
        out.push('"');
    };
    attr("data-session", hooks.slug);
    attr("data-uid", hooks.uid);
    if let Some(start) = hooks.start {
        attr("data-start", start);
    }
    if let Some(end) = hooks.end {
        attr("data-end", end);
    }
    if let Some((slug, name)) = hooks.room {
        attr("data-room", slug);
        attr("data-location", name);
    }
    attr("data-kind", hooks.kind);
    let mut tracks = String::new();
    for slug in hooks.tracks.clone() {
        tracks.push_str(slug);
        tracks.push(' ');
    }
    attr("data-tracks", &tracks);
    if let Some(date) = hooks.date {
        attr("data-day", date);
    }
    out
}

/// `<time datetime="…">09:30</time>–<time datetime="…">10:00</time>` from
/// (ISO, clock) pairs, the end only when there is one; empty without a start.
fn time_html(start: Option<(&str, &str)>, end: Option<(&str, &str)>) -> String {
    let mut out = String::new();
    if let Some((iso, clock)) = start {
        push_time(&mut out, iso, clock);
        if let Some((iso, clock)) = end {
            out.push('–');
            push_time(&mut out, iso, clock);
        }
    }
    out
}

fn push_time(out: &mut String, iso: &str, clock: &str) {
    out.push_str("<time datetime=\"");
    push_escaped(out, iso);
    out.push_str("\">");
    push_escaped(out, clock);
    out.push_str("</time>");
}

/// Appends `text` escaped as templates escape it (Tera's own function), so
/// ready-made HTML reads exactly as the template would have written it.
fn push_escaped(out: &mut String, text: &str) {
    let mut bytes = Vec::with_capacity(text.len() + 8);
    tera::escape_html(text, &mut bytes).expect("writing to memory cannot fail");
    out.push_str(std::str::from_utf8(&bytes).expect("escaping keeps UTF-8"));
}

/// Google Calendar's "add event" link for a scheduled session.
fn google_calendar_url(e: &Event, s: &Session, start: &Zoned, plain: &str, url: &str) -> String {
    let end = s.end.as_ref().unwrap_or(start);
    let mut details = String::with_capacity(plain.len().min(1100) + url.len() + 200);
    if !s.speakers.is_empty() {
        for (i, sp) in s.speakers.iter().enumerate() {
            if i > 0 {
                details.push_str(", ");
            }
            details.push_str(&sp.name);
        }
        details.push_str("\n\n");
    }
    details.push_str(&markdown::excerpt(plain, 1000));
    details.push_str("\n\n");
    details.push_str(url);
    let location = [
        s.room.as_deref(),
        e.venue.as_deref().or(e.location.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    // Percent-encoded text is ASCII: the link is built as bytes.
    let mut link: Vec<u8> = Vec::with_capacity(details.len() * 2 + 300);
    link.extend_from_slice(b"https://calendar.google.com/calendar/render?action=TEMPLATE&text=");
    push_percent_encoded(&mut link, &s.title);
    link.extend_from_slice(b"&dates=");
    link.extend_from_slice(crate::time::utc_basic(start.timestamp()).as_bytes());
    link.push(b'/');
    link.extend_from_slice(crate::time::utc_basic(end.timestamp()).as_bytes());
    link.extend_from_slice(b"&details=");
    push_percent_encoded(&mut link, &details);
    link.extend_from_slice(b"&location=");
    push_percent_encoded(&mut link, &location);
    link.extend_from_slice(b"&ctz=");
    push_percent_encoded(&mut link, &e.tz_name);
    String::from_utf8(link).expect("ASCII only")
}

/// Appends `text` with every byte but ASCII letters and digits as `%XX`
/// (what `percent_encoding::NON_ALPHANUMERIC` gives), without going
/// through `fmt` a piece at a time.
fn push_percent_encoded(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(text.len() * 3);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

#[derive(Serialize)]
struct SpeakerSummary<'a> {
    name: &'a str,
    slug: &'a str,
    affiliation: Option<&'a str>,
    path: String,
    session_count: usize,
}

/// One day's schedule grid: rooms as columns (a room with overlapping
/// sessions gets several lanes), rows between consecutive start/end times.
#[derive(Serialize)]
struct DayView {
    date: String,
    label: String,
    feed: FeedView,
    /// Row boundaries: `rows[i]` is the time at grid line `i + 2`.
    times: Vec<GridTime>,
    columns: Vec<GridColumn>,
    /// Total lanes over all rooms: the grid's column count besides the time column.
    lane_count: usize,
    cells: Vec<GridCell>,
    /// The day's sessions in time order (the list view and small screens).
    sessions: Vec<Value>,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct GridTime {
    label: String,
    iso: String,
    /// 1-based CSS grid row line.
    line: usize,
}

#[derive(Serialize)]
struct GridColumn {
    name: String,
    slug: String,
    path: String,
    /// 1-based CSS grid column line where this room starts, and how many lanes it spans.
    line: usize,
    lanes: usize,
}

/// A session's place in the grid; `session` is its shared value.
#[derive(Serialize)]
struct GridCell {
    session: Value,
    row_start: usize,
    row_end: usize,
    col_start: usize,
    col_end: usize,
}

impl DayView {
    /// The grid and list of `date`; `sessions` are the event's sessions'
    /// shared values (serialized once per build, not again per day).
    fn new(base: &str, e: &Event, date: Date, sessions: &[Value]) -> Self {
        let day: Vec<usize> = e
            .sessions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.start.as_ref().map(Zoned::date) == Some(date))
            .map(|(i, _)| i)
            .collect();
        // Row lines at every distinct start and end time.
        let mut instants: Vec<jiff::Timestamp> = Vec::new();
        for &i in &day {
            let s = &e.sessions[i];
            instants.extend(s.start.as_ref().map(Zoned::timestamp));
            instants.extend(s.end.as_ref().map(Zoned::timestamp));
        }
        instants.sort();
        instants.dedup();
        let line_of = |t: jiff::Timestamp| instants.binary_search(&t).map_or(2, |i| i + 2);

        // Rooms of the day in the event's room order; sessions without a room last.
        let mut room_names: Vec<Option<&str>> = Vec::new();
        for r in &e.rooms {
            if day
                .iter()
                .any(|&i| e.sessions[i].room.as_deref() == Some(r.name.as_str()))
            {
                room_names.push(Some(&r.name));
            }
        }
        if day.iter().any(|&i| e.sessions[i].room.is_none()) {
            room_names.push(None);
        }
        let mut columns = Vec::new();
        let mut cells = Vec::new();
        let mut next_line = 2;
        for room in room_names {
            let in_room: Vec<usize> = day
                .iter()
                .copied()
                .filter(|&i| e.sessions[i].room.as_deref() == room)
                .collect();
            // Greedy lanes: each session takes the first lane free at its start.
            let mut lane_ends: Vec<usize> = Vec::new();
            let mut placed = Vec::new();
            for &i in &in_room {
                let s = &e.sessions[i];
                let start = line_of(
                    s.start
                        .as_ref()
                        .expect("day sessions are scheduled")
                        .timestamp(),
                );
                let end = s
                    .end
                    .as_ref()
                    .map_or(start + 1, |z| line_of(z.timestamp()))
                    .max(start + 1);
                let lane = match lane_ends.iter().position(|&free_at| free_at <= start) {
                    Some(l) => {
                        lane_ends[l] = end;
                        l
                    }
                    None => {
                        lane_ends.push(end);
                        lane_ends.len() - 1
                    }
                };
                placed.push((i, start, end, lane));
            }
            let lanes = lane_ends.len().max(1);
            for (i, start, end, lane) in placed {
                // A session alone in its time span takes the room's full width.
                let alone = lanes == 1;
                cells.push(GridCell {
                    session: sessions[i].clone(),
                    row_start: start,
                    row_end: end,
                    col_start: if alone { next_line } else { next_line + lane },
                    col_end: if alone {
                        next_line + lanes
                    } else {
                        next_line + lane + 1
                    },
                });
            }
            let (name, slug) = match room {
                Some(n) => (
                    n.to_string(),
                    e.room(n).map(|r| r.slug.clone()).unwrap_or_default(),
                ),
                None => ("No room".to_string(), String::new()),
            };
            columns.push(GridColumn {
                path: if slug.is_empty() {
                    String::new()
                } else {
                    urls::room(e, &slug)
                },
                name,
                slug,
                line: next_line,
                lanes,
            });
            next_line += lanes;
        }
        cells.sort_by_key(|c| (c.row_start, c.col_start));
        let times = instants
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let z = t.to_zoned(e.timezone.clone());
                GridTime {
                    label: crate::time::hh_mm(&z),
                    iso: crate::time::rfc3339(&z),
                    line: i + 2,
                }
            })
            .collect();
        let days = e.days();
        let pos = days.iter().position(|d| *d == date);
        DayView {
            date: date.to_string(),
            label: date.strftime("%A %-d %B %Y").to_string(),
            feed: FeedView::new(base, urls::day_ics(e, date)),
            times,
            lane_count: columns.iter().map(|c| c.lanes).sum(),
            columns,
            cells,
            sessions: day.iter().map(|&i| sessions[i].clone()).collect(),
            previous: pos
                .and_then(|p| p.checked_sub(1))
                .map(|p| urls::day(e, days[p])),
            next: pos.and_then(|p| days.get(p + 1)).map(|d| urls::day(e, *d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ready-made HTML reads exactly as the template markup it replaces,
    /// hostile names included.
    #[test]
    fn ready_made_html_matches_the_template_markup() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("confsite.yaml"), "title: T\n").unwrap();
        let dir = root.join("content/ev");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_event.md"),
            "---\nname: E\ntimezone: Europe/Berlin\n---\n",
        )
        .unwrap();
        let pages = [
            (
                "a.md",
                "start: 2026-03-01 09:30\nend: 2026-03-01 10:00\nroom: \"R <1> & 'x'\"\ntrack: [\"Web\", \"A\\\"B\"]\nkind: \"w<s>\"\n",
            ),
            ("b.md", "start: 2026-03-01 11:00\n"),
            ("c.md", "duration: 30m\n"),
        ];
        for (name, front) in pages {
            std::fs::write(dir.join(name), format!("---\ntitle: T\n{front}---\nBody\n")).unwrap();
        }
        let site = crate::content::load_site(root, &Default::default())
            .unwrap()
            .site;
        let themes = crate::theme::Themes::load(root).unwrap();
        let ctx = RenderContext::new(&site, &themes, jiff::Timestamp::UNIX_EPOCH);
        let markup = concat!(
            r#"data-session="{{ s.slug }}" data-uid="{{ s.uid }}"{% if s.start_utc %} data-start="{{ s.start_utc }}"{% endif %}"#,
            r#"{% if s.end_utc %} data-end="{{ s.end_utc }}"{% endif %}{% if s.room %} data-room="{{ s.room.slug }}" data-location="{{ s.room.name }}"{% endif %}"#,
            r#" data-kind="{{ s.kind }}" data-tracks="{% for t in s.tracks %}{{ t.slug }} {% endfor %}"{% if s.date %} data-day="{{ s.date }}"{% endif %}"#,
            r#"|{% if s.start %}<time datetime="{{ s.start }}">{{ s.start_time }}</time>{% if s.end_time %}–<time datetime="{{ s.end }}">{{ s.end_time }}</time>{% endif %}{% endif %}"#,
        );
        let e = &site.events[0];
        assert_eq!(e.sessions.len(), 3);
        let mut all = String::new();
        let parts = SessionParts::new(e);
        for (s, body) in e.sessions.iter().zip(ctx.bodies().event(e)) {
            let value = SessionView::new(&site, e, s, body, &parts).to_value();
            let mut context = Context::new();
            context.insert_value("s", value);
            let mut tera = Tera::new();
            tera.autoescape_on(vec![".html"]);
            tera.add_raw_template("old.html", markup).unwrap();
            tera.add_raw_template("new.html", "{{ s.data_attributes }}|{{ s.time_html }}")
                .unwrap();
            let old = tera.render("old.html", &context).unwrap();
            assert_eq!(tera.render("new.html", &context).unwrap(), old);
            all.push_str(&old);
        }
        for expected in [
            "R &lt;1&gt; &amp; ",
            "data-kind=\"w&lt;s&gt;\"",
            "</time>–<time",
            "data-day=",
        ] {
            assert!(all.contains(expected), "{expected} in {all}");
        }
    }

    #[test]
    fn percent_encoding_matches_the_crate() {
        for text in [
            "",
            "abc",
            "a b&c=d",
            "Björn, Zoë\n\n…",
            "100%/x?y#z",
            "日本",
        ] {
            let mut ours = b"x".to_vec();
            push_percent_encoded(&mut ours, text);
            let ours = String::from_utf8(ours).unwrap();
            let theirs =
                percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC);
            assert_eq!(ours, format!("x{theirs}"));
        }
    }
}
