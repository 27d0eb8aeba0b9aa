//! Where every generated file lives, in one place, so pages, feeds, the
//! search index and exports all link to the same paths.
//!
//! Paths are relative to the output root and use `/`. Pages are plain
//! `.html` files linked relatively, so the site works from any sub-path
//! (GitHub Pages), from `file://`, and on any static server.

use jiff::civil::Date;

use crate::model::{Event, Session};

pub fn site_home() -> String {
    "index.html".to_string()
}

pub fn event_home(e: &Event) -> String {
    format!("{}/index.html", e.slug)
}

pub fn day(e: &Event, d: Date) -> String {
    format!("{}/day/{d}.html", e.slug)
}

pub fn session_list(e: &Event) -> String {
    format!("{}/sessions.html", e.slug)
}

pub fn session(e: &Event, s: &Session) -> String {
    session_by_slug(e, &s.slug)
}

pub fn session_by_slug(e: &Event, slug: &str) -> String {
    format!("{}/session/{slug}.html", e.slug)
}

pub fn speakers(e: &Event) -> String {
    format!("{}/speakers.html", e.slug)
}

pub fn speaker(e: &Event, slug: &str) -> String {
    format!("{}/speaker/{slug}.html", e.slug)
}

pub fn tracks(e: &Event) -> String {
    format!("{}/tracks.html", e.slug)
}

pub fn track(e: &Event, slug: &str) -> String {
    format!("{}/track/{slug}.html", e.slug)
}

pub fn rooms(e: &Event) -> String {
    format!("{}/rooms.html", e.slug)
}

pub fn room(e: &Event, slug: &str) -> String {
    format!("{}/room/{slug}.html", e.slug)
}

pub fn unscheduled(e: &Event) -> String {
    format!("{}/unscheduled.html", e.slug)
}

pub fn agenda(e: &Event) -> String {
    format!("{}/agenda.html", e.slug)
}

pub fn search_page(e: &Event) -> String {
    format!("{}/search.html", e.slug)
}

pub fn sessions_json(e: &Event) -> String {
    format!("{}/sessions.json", e.slug)
}

pub fn search_index(e: &Event) -> String {
    format!("{}/search_index.json", e.slug)
}

/// The search index wrapped in a script, for `file://` where `fetch` is refused.
pub fn search_index_js(e: &Event) -> String {
    format!("{}/search_index.js", e.slug)
}

pub fn schedule_ics(e: &Event) -> String {
    format!("{}/schedule.ics", e.slug)
}

pub fn day_ics(e: &Event, d: Date) -> String {
    format!("{}/ics/day-{d}.ics", e.slug)
}

pub fn track_ics(e: &Event, slug: &str) -> String {
    format!("{}/ics/track-{slug}.ics", e.slug)
}

pub fn room_ics(e: &Event, slug: &str) -> String {
    format!("{}/ics/room-{slug}.ics", e.slug)
}

pub fn speaker_ics(e: &Event, slug: &str) -> String {
    format!("{}/ics/speaker-{slug}.ics", e.slug)
}

pub fn session_ics(e: &Event, s: &Session) -> String {
    format!("{}/ics/session-{}.ics", e.slug, s.slug)
}

pub fn schedule_xml(e: &Event) -> String {
    format!("{}/schedule.xml", e.slug)
}

pub fn schedule_json(e: &Event) -> String {
    format!("{}/schedule.json", e.slug)
}

pub fn version(e: &Event) -> String {
    format!("{}/version.json", e.slug)
}

/// Static files of a theme, shared by every event using it.
pub fn theme_static(theme: &str, file: &str) -> String {
    format!("static/{theme}/{file}")
}

/// The public URL of an output path: `index.html` pages by their directory.
pub fn absolute(base_url: &str, path: &str) -> String {
    let path = if path == "index.html" {
        ""
    } else {
        path.strip_suffix("/index.html")
            .map_or(path, |dir| &path[..dir.len() + 1])
    };
    format!("{base_url}{path}")
}

/// `webcal://` form of an absolute `http(s)://` feed URL, for one-click subscribing.
pub fn webcal(absolute_url: &str) -> String {
    let rest = absolute_url
        .strip_prefix("https://")
        .or_else(|| absolute_url.strip_prefix("http://"))
        .unwrap_or(absolute_url);
    format!("webcal://{rest}")
}

/// `../` repeated once per directory in `page_path`: from a page back to the output root.
pub fn root_prefix(page_path: &str) -> String {
    "../".repeat(page_path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_drop_index_html() {
        let base = "https://org.github.io/conf/";
        assert_eq!(absolute(base, "index.html"), "https://org.github.io/conf/");
        assert_eq!(
            absolute(base, "kc/index.html"),
            "https://org.github.io/conf/kc/"
        );
        assert_eq!(
            absolute(base, "kc/session/a.html"),
            "https://org.github.io/conf/kc/session/a.html"
        );
        assert_eq!(webcal("https://x.org/a.ics"), "webcal://x.org/a.ics");
        assert_eq!(root_prefix("kc/session/a.html"), "../../");
        assert_eq!(root_prefix("index.html"), "");
    }
}
