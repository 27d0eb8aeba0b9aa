//! The model stage: the one in-memory picture of a site that every renderer
//! and `check` reads. Built once by [`crate::content::load_site`] from the
//! content pages, then only borrowed.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use jiff::Zoned;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Where a fact came from: a content file, and the line of each front-matter key.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Path as shown to users (relative to the site root where possible).
    pub path: PathBuf,
    /// 1-based line of each top-level front-matter key, e.g. `start` → 5.
    pub key_lines: BTreeMap<String, usize>,
}

impl Source {
    /// Line of `key`, falling back to the first line of the file.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
}

/// The whole site: its configuration and every event.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub events: Vec<Event>,
}

/// The site config file (`confsite.yaml`).
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    /// Public URL of the site, always ending in `/`, e.g. `https://org.github.io/conf/`.
    pub base_url: String,
    /// Theme used by events that do not choose their own.
    pub theme: String,
    pub theme_options: serde_json::Value,
    pub language: String,
    /// Written as `CNAME` for GitHub Pages custom domains.
    pub cname: Option<String>,
    /// Local time at which a new program day starts (c3voc `day_change`), minutes after midnight.
    pub day_change_minutes: u16,
    /// Free-form values passed through to templates as `site.extra`.
    pub extra: serde_json::Value,
    pub source: Source,
}

/// One conference: the event file plus its sessions and speakers.
#[derive(Debug, Clone)]
pub struct Event {
    /// Directory name under `content/`, also the output directory.
    pub slug: String,
    pub name: String,
    /// Markdown description from the event file's body.
    pub description: String,
    pub tz_name: String,
    pub timezone: TimeZone,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub venue: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub theme: Option<String>,
    pub theme_options: serde_json::Value,
    /// Declared rooms, in display order, plus rooms only named by sessions.
    pub rooms: Vec<Room>,
    pub tracks: Vec<Track>,
    /// Every speaker of the event, sorted by slug.
    pub speakers: Vec<Speaker>,
    /// Sessions sorted by (start, room, title); unscheduled ones last.
    pub sessions: Vec<Session>,
    /// Check rule names switched off for this event.
    pub disabled_rules: Vec<String>,
    pub extra: serde_json::Value,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Room {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// Sessions in a shared room (an exhibit hall) may overlap.
    pub shared: bool,
    /// True when the event file declares the room (not only a session names it).
    pub declared: bool,
}

#[derive(Debug, Clone)]
pub struct Track {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub color: Option<String>,
    pub declared: bool,
}

#[derive(Debug, Clone)]
pub struct Speaker {
    pub slug: String,
    pub name: String,
    pub affiliation: Option<String>,
    pub bio: Option<String>,
    pub photo: Option<String>,
    pub links: Vec<Link>,
    /// Indexes into `Event::sessions`.
    pub sessions: Vec<usize>,
    /// The speaker's own page, when there is one.
    pub source: Option<Source>,
}

/// A speaker as listed on one session (affiliation can differ per session).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSpeaker {
    pub name: String,
    pub slug: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// `video`, `slides`, `source`, `recording`, `code`, or anything else.
    pub kind: String,
    pub url: String,
    pub title: Option<String>,
}

/// What the page body holds: the session's abstract, or someone's notes on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyKind {
    #[default]
    Abstract,
    Notes,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub slug: String,
    pub title: String,
    /// `talk`, `keynote`, `workshop`, `break`, `lightning`, `panel`, ...
    pub kind: String,
    pub speakers: Vec<SessionSpeaker>,
    pub start: Option<Zoned>,
    pub end: Option<Zoned>,
    /// `end - start` when scheduled; a stated length when not yet scheduled.
    pub duration: Option<jiff::SignedDuration>,
    pub room: Option<String>,
    /// First is the primary track.
    pub tracks: Vec<String>,
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub level: Option<String>,
    pub prerequisites: Option<String>,
    pub links: Vec<Link>,
    /// Markdown source of the page body.
    pub body: String,
    pub body_kind: BodyKind,
    /// The organiser says this session may overlap others (e.g. sponsor demos on the expo floor).
    pub overlap_allowed: bool,
    pub extra: serde_json::Value,
    pub source: Source,
}

impl Session {
    pub fn is_scheduled(&self) -> bool {
        self.start.is_some()
    }

    pub fn primary_track(&self) -> Option<&str> {
        self.tracks.first().map(String::as_str)
    }
}

/// Session kinds that by their nature share space and time with others.
pub const NON_CLASHING_KINDS: &[&str] = &["break", "expo", "registration", "social", "meal"];

impl Event {
    pub fn scheduled(&self) -> impl Iterator<Item = &Session> {
        self.sessions.iter().filter(|s| s.is_scheduled())
    }

    pub fn unscheduled(&self) -> impl Iterator<Item = &Session> {
        self.sessions.iter().filter(|s| !s.is_scheduled())
    }

    pub fn room(&self, name: &str) -> Option<&Room> {
        self.rooms.iter().find(|r| r.name == name)
    }

    pub fn track(&self, name: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.name == name)
    }

    /// Each room's place in `rooms`, by name: groups sessions by room
    /// without scanning every room for every session.
    pub fn room_positions(&self) -> HashMap<&str, usize> {
        positions(self.rooms.iter().map(|r| r.name.as_str()))
    }

    /// Each track's place in `tracks`, by name (see [`Event::room_positions`]).
    pub fn track_positions(&self) -> HashMap<&str, usize> {
        positions(self.tracks.iter().map(|t| t.name.as_str()))
    }

    pub fn speaker(&self, slug: &str) -> Option<&Speaker> {
        self.speakers
            .binary_search_by(|s| s.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.speakers[i])
    }

    /// Local calendar days that have at least one session, in order.
    pub fn days(&self) -> Vec<Date> {
        let mut days: Vec<Date> = self
            .scheduled()
            .filter_map(|s| s.start.as_ref().map(|z| z.date()))
            .collect();
        days.sort();
        days.dedup();
        days
    }
}

/// The first place of each name in `names`.
fn positions<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut places = HashMap::new();
    for (i, name) in names.enumerate() {
        places.entry(name).or_insert(i);
    }
    places
}
