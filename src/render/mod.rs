//! The render stage: model → files, each handed to a [`Sink`] (the output
//! stage, or memory for `serve`) as soon as it is made. Each renderer only
//! reads the model (HTML pages through Tera themes, iCalendar feeds, the
//! search index, machine-readable exports); none reads or writes files, so
//! `output` alone touches the disk.

pub mod exports;
pub mod html;
pub mod ics;
pub mod markdown;
pub mod publish;
pub mod search;
pub mod urls;

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Failed};
use crate::model::{Event, Session, Site};
use crate::output::{Collect, OutputFile, Sink};
use crate::theme::Themes;

/// What every renderer may read.
pub struct RenderContext<'a> {
    pub site: &'a Site,
    pub themes: &'a Themes,
    /// The build's timestamp: `SOURCE_DATE_EPOCH` when set, so builds are reproducible.
    pub build_time: Timestamp,
    bodies: OnceLock<markdown::Bodies>,
}

impl<'a> RenderContext<'a> {
    pub fn new(site: &'a Site, themes: &'a Themes, build_time: Timestamp) -> Self {
        RenderContext {
            site,
            themes,
            build_time,
            bodies: OnceLock::new(),
        }
    }

    /// Uses bodies rendered beforehand (e.g. by [`markdown::Bodies::reusing`]).
    pub fn with_bodies(self, bodies: markdown::Bodies) -> Self {
        let _ = self.bodies.set(bodies);
        self
    }

    /// Every session body as HTML and plain text, rendered once (on first
    /// use) and shared by all renderers: use it rather than rendering a
    /// session's Markdown again.
    pub fn bodies(&self) -> &markdown::Bodies {
        self.bodies.get_or_init(|| markdown::Bodies::new(self.site))
    }

    /// Frees the rendered bodies on another thread
    /// ([`crate::background::drop_in_background`]).
    pub fn drop_bodies_in_background(self) {
        if let Some(bodies) = self.bodies.into_inner() {
            crate::background::drop_in_background(bodies);
        }
    }

    /// Gives the rendered bodies back, for a later build to reuse.
    pub fn into_bodies(self) -> markdown::Bodies {
        self.bodies
            .into_inner()
            .unwrap_or_else(|| markdown::Bodies::new(self.site))
    }
}

/// The stages that make one event's files besides its pages.
#[derive(Debug, Clone, Copy)]
enum EventStage {
    Feeds,
    Search,
    Exports,
}

impl EventStage {
    const ALL: [EventStage; 3] = [EventStage::Feeds, EventStage::Search, EventStage::Exports];

    /// The stage's name in timings.
    fn name(self) -> &'static str {
        match self {
            EventStage::Feeds => "feeds",
            EventStage::Search => "search",
            EventStage::Exports => "exports",
        }
    }

    /// Puts the stage's files of `event` (the `i`th) into `sink`; with
    /// `slots`, also what it made that [`Reusable`] keeps (the same files
    /// either way).
    fn render(
        self,
        ctx: &RenderContext,
        event: &Event,
        i: usize,
        sink: &dyn Sink,
        slots: Option<&ReusableSlots>,
    ) {
        match (self, slots) {
            (EventStage::Feeds, Some(slots)) => {
                let _ = slots.vevents[i].set(ics::render_event_returning_vevents(ctx, event, sink));
            }
            (EventStage::Feeds, None) => ics::render_event(ctx, event, sink),
            (EventStage::Search, Some(slots)) => {
                let _ = slots.search_tokens[i]
                    .set(search::render_event_returning_tokens(ctx, event, sink));
            }
            (EventStage::Search, None) => search::render_event(ctx, event, sink),
            (EventStage::Exports, _) => exports::render_event(ctx, event, sink),
        }
    }
}

/// Renders the whole site into `sink`, each file as soon as it is made.
/// HTML and every event's feeds, search index and exports render at the
/// same time, spread over the cores; the time each renderer took (summed
/// over events, so they overlap) comes back for `build --timings` and the
/// benchmark. On failure some files may already be in `sink`: the caller
/// drops them (the output stage leaves the previous site as it was).
pub fn render_site(ctx: &RenderContext, sink: &dyn Sink) -> Result<Timings, Failed> {
    render_site_with(ctx, sink, None)
}

/// What a full render makes on the way that an incremental rebuild of the
/// same model reuses: `serve` keeps it from its full render rather than
/// computing it a second time.
pub struct Reusable {
    /// Per event: each session's `VEVENT` ([`ics::vevents`]), indexed like
    /// its sessions.
    pub vevents: Vec<Vec<Option<String>>>,
    /// Per event: its sessions' search tokens.
    pub search_tokens: Vec<search::TokenCache>,
    /// The sessions' template values the pages were rendered with.
    pub session_values: html::SessionValues,
}

/// Where the renderers of a render that keeps [`Reusable`] put their parts.
struct ReusableSlots {
    vevents: Vec<OnceLock<Vec<Option<String>>>>,
    search_tokens: Vec<OnceLock<search::TokenCache>>,
    session_values: OnceLock<html::SessionValues>,
}

impl ReusableSlots {
    fn new(events: usize) -> Self {
        ReusableSlots {
            vevents: (0..events).map(|_| OnceLock::new()).collect(),
            search_tokens: (0..events).map(|_| OnceLock::new()).collect(),
            session_values: OnceLock::new(),
        }
    }

    /// The parts, once every renderer has run.
    fn into_reusable(self) -> Reusable {
        const FILLED: &str = "a successful render fills every slot";
        Reusable {
            vevents: self
                .vevents
                .into_iter()
                .map(|v| v.into_inner().expect(FILLED))
                .collect(),
            search_tokens: self
                .search_tokens
                .into_iter()
                .map(|t| t.into_inner().expect(FILLED))
                .collect(),
            session_values: self.session_values.into_inner().expect(FILLED),
        }
    }
}

/// [`render_site`]; with `reusable`, the renderers also put there what
/// they made that [`Reusable`] holds (`build` passes none: it keeps nothing).
fn render_site_with(
    ctx: &RenderContext,
    sink: &dyn Sink,
    reusable: Option<&ReusableSlots>,
) -> Result<Timings, Failed> {
    let mut timings = Vec::new();
    let t = Instant::now();
    ctx.bodies();
    timings.push(("markdown", t.elapsed()));
    let tracked = Tracked {
        sink,
        paths: Mutex::default(),
    };
    let spent: Mutex<Vec<(&'static str, Duration)>> = Mutex::default();
    let add = |name: &'static str, d: Duration| {
        let mut spent = spent.lock().unwrap_or_else(PoisonError::into_inner);
        match spent.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += d,
            None => spent.push((name, d)),
        }
    };
    let mut html_result = Ok(());
    rayon::scope(|scope| {
        // The renderers that take longest start first.
        scope.spawn(|_| {
            let t = Instant::now();
            html_result = match reusable {
                // Made here and handed to the pages, so what is kept is
                // what they were rendered with.
                Some(slots) => {
                    let values = html::session_values(ctx, None);
                    let result = html::render_into(ctx, Some(&values), &tracked);
                    let _ = slots.session_values.set(values);
                    result
                }
                None => html::render_into(ctx, None, &tracked),
            };
            add("html", t.elapsed());
        });
        for stage in EventStage::ALL {
            for (i, event) in ctx.site.events.iter().enumerate() {
                let (tracked, add) = (&tracked, &add);
                scope.spawn(move |_| {
                    let t = Instant::now();
                    stage.render(ctx, event, i, tracked, reusable);
                    add(stage.name(), t.elapsed());
                });
            }
        }
    });
    html_result?;
    let mut spent = spent.into_inner().unwrap_or_else(PoisonError::into_inner);
    spent.sort_by_key(|(name, _)| RENDER_ORDER.iter().position(|n| n == name));
    timings.extend(spent);

    let mut paths = tracked
        .paths
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    paths.par_sort_unstable();
    let diags: Vec<Diagnostic> = paths
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| {
            Diagnostic::error(
                &w[0],
                0,
                "two outputs want the same path (a slug clash between pages?)",
            )
        })
        .collect();
    if !diags.is_empty() {
        return Err(Failed(diags));
    }
    for file in publish::render(ctx, &paths) {
        sink.put(file);
    }
    Ok(timings)
}

/// Renderer names in the order reports list them.
const RENDER_ORDER: [&str; 4] = ["html", "feeds", "search", "exports"];

/// Time spent per stage, in stage order.
pub type Timings = Vec<(&'static str, Duration)>;

/// Renders the whole site in memory ([`render_site`] into a [`Collect`]),
/// with what an incremental rebuild reuses of it (`serve`).
pub fn render_site_in_memory_with_reusable(
    ctx: &RenderContext,
) -> Result<(Rendered, Reusable), Failed> {
    let collect = Collect::default();
    let slots = ReusableSlots::new(ctx.site.events.len());
    let timings = render_site_with(ctx, &collect, Some(&slots))?;
    let rendered = Rendered {
        files: collect.into_files(),
        timings,
    };
    Ok((rendered, slots.into_reusable()))
}

/// A sink that notes each path on the way through.
struct Tracked<'a> {
    sink: &'a dyn Sink,
    paths: Mutex<Vec<String>>,
}

impl Sink for Tracked<'_> {
    fn put(&self, file: OutputFile) {
        self.track(&file.path);
        self.sink.put(file);
    }

    fn put_bytes(&self, path: String, contents: &[u8]) {
        self.track(&path);
        self.sink.put_bytes(path, contents);
    }
}

impl Tracked<'_> {
    fn track(&self, path: &str) {
        self.paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.to_string());
    }
}

/// The rendered site in memory, sorted by path.
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub timings: Timings,
}

/// Host part of the site's base URL, for globally unique feed UIDs.
pub fn base_host(base_url: &str) -> &str {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// A session's calendar UID: the same in every feed, in the browser-made
/// agenda, across rebuilds and re-imports (it derives from the event and
/// session slugs only) and globally unique through the site's host.
pub fn session_uid(site: &Site, event: &Event, session: &Session) -> String {
    format!(
        "{}.{}@{}",
        session.slug,
        event.slug,
        base_host(&site.config.base_url)
    )
}

/// The build timestamp: `SOURCE_DATE_EPOCH` if set and valid, else 2000-01-01
/// so that output never depends on the wall clock.
pub fn build_time_from_env() -> Result<Timestamp, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| Timestamp::from_second(secs).ok())
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds")),
        Err(_) => Ok(Timestamp::from_second(946_684_800).expect("a fixed valid timestamp")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_base_url() {
        assert_eq!(base_host("https://org.github.io/conf/"), "org.github.io");
        assert_eq!(base_host("http://127.0.0.1:8000/x/"), "127.0.0.1");
    }
}
