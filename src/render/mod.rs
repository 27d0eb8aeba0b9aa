//! The render stage: model → files in memory. Each renderer only reads the
//! model (HTML pages through Tera themes, iCalendar feeds, the search index,
//! machine-readable exports); none reads or writes files, so `output` alone
//! touches the disk.

pub mod exports;
pub mod html;
pub mod ics;
pub mod markdown;
pub mod publish;
pub mod search;
pub mod urls;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Failed};
use crate::model::{Event, Session, Site};
use crate::output::OutputFile;
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

    /// Gives the rendered bodies back, for a later build to reuse.
    pub fn into_bodies(self) -> markdown::Bodies {
        self.bodies
            .into_inner()
            .unwrap_or_else(|| markdown::Bodies::new(self.site))
    }
}

/// A renderer of one event's files besides its pages.
pub type EventRenderer = fn(&RenderContext, &Event) -> Vec<OutputFile>;

/// Every per-event renderer besides HTML, by stage name (`serve` re-runs
/// these for an edited event).
pub const EVENT_RENDERERS: [(&str, EventRenderer); 3] = [
    ("feeds", ics::render_event),
    ("search", search::render_event),
    ("exports", exports::render_event),
];

/// Renders the whole site. Files come back sorted by path, with the time
/// each renderer took (for `build --timings` and the benchmark).
pub fn render_site(ctx: &RenderContext) -> Result<Rendered, Failed> {
    let mut timings = Vec::new();
    let t = Instant::now();
    ctx.bodies();
    timings.push(("markdown", t.elapsed()));
    let t = Instant::now();
    let mut files = html::render(ctx)?;
    timings.push(("html", t.elapsed()));
    for (name, render_event) in EVENT_RENDERERS {
        let t = Instant::now();
        let per_event: Vec<Vec<OutputFile>> = ctx
            .site
            .events
            .par_iter()
            .map(|event| render_event(ctx, event))
            .collect();
        files.extend(per_event.into_iter().flatten());
        timings.push((name, t.elapsed()));
    }
    files.extend(publish::render(ctx, &files));
    files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    let diags: Vec<Diagnostic> = files
        .windows(2)
        .filter(|w| w[0].path == w[1].path)
        .map(|w| {
            Diagnostic::error(
                &w[0].path,
                0,
                "two outputs want the same path (a slug clash between pages?)",
            )
        })
        .collect();
    if diags.is_empty() {
        Ok(Rendered { files, timings })
    } else {
        Err(Failed(diags))
    }
}

/// The rendered site in memory.
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub timings: Vec<(&'static str, Duration)>,
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
