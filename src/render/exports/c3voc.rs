//! The c3voc/frab schedule view (render stage): one event of the model →
//! the program as schedule apps (Giggity, ConfClerk, EventFahrplan, FOSDEM
//! Companion) see it, from which `schedule.xml` and `schedule.json` are both
//! written, so the two always agree.
//!
//! What apps rely on is decided here, once:
//! - numeric ids for sessions and persons, hashed from the event and page
//!   slugs (not from ordering), with collisions resolved in slug order;
//! - UUIDv5 guids from the same identities and the site's host (a guid the
//!   page carries in `extra.guid`, e.g. kept by an import, wins);
//! - program days that end at the site's day-change time, so a session at
//!   01:00 stays on its evening's day;
//! - `HH:MM` durations and the grid step (`timeslot_duration`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use jiff::Zoned;
use jiff::civil::{Date, Time};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::{BodyKind, Event, Link, Session};
use crate::render::{RenderContext, base_host, session_uid, urls};
use crate::time::rfc3339;

/// Written where the version goes, then overwritten with the digest of the
/// JSON file (hex of the same length), so each file is written only once.
pub const VERSION_PLACEHOLDER: &str = "@@confsite-version@@";

/// Numeric ids start here, so every id has 7 to 10 digits and the c3voc
/// slug `<acronym>-<id>-<slug>` always has the shape the XSD asks for.
const MIN_ID: u32 = 1_000_000;
const MAX_ID: u32 = i32::MAX as u32;

/// An event's program as the schedule exports present it.
pub struct Program<'a> {
    pub event: &'a Event,
    /// The event slug in the c3voc acronym alphabet (`[a-z0-9_]`, 4+ chars).
    pub acronym: String,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub start: Date,
    pub end: Date,
    /// Grid step, `HH:MM`.
    pub timeslot: String,
    /// Only when the schema's zone-name pattern accepts it.
    pub time_zone_name: Option<&'a str>,
    /// The event's own website, else its home page on this site.
    pub url: String,
    pub base_url: &'a str,
    pub rooms: Vec<RoomOut<'a>>,
    pub tracks: Vec<TrackOut<'a>>,
    pub days: Vec<DayOut>,
    /// Scheduled sessions in program order; days refer to them by index.
    pub sessions: Vec<SessionOut<'a>>,
}

pub struct RoomOut<'a> {
    pub name: &'a str,
    pub guid: String,
    /// Only when it fits the schemas' slug patterns.
    pub slug: Option<&'a str>,
    pub description: Option<&'a str>,
}

pub struct TrackOut<'a> {
    pub name: &'a str,
    pub slug: Option<&'a str>,
    /// `#rrggbb`, only when the track's colour is a hex colour.
    pub color: Option<String>,
}

pub struct DayOut {
    /// 1-based.
    pub index: usize,
    pub date: Date,
    pub start: String,
    pub end: String,
    /// Room name (`""` for sessions without a room) → indexes into `Program::sessions`.
    pub rooms: Vec<(String, Vec<usize>)>,
}

pub struct SessionOut<'a> {
    pub session: &'a Session,
    pub id: u32,
    pub guid: String,
    /// `<acronym>-<id>-<page slug>`: unique, and of the form the XSD asks for.
    pub slug: String,
    /// Start with its UTC offset.
    pub date: String,
    /// Local `HH:MM`.
    pub start: String,
    pub end: Option<String>,
    pub duration_minutes: i64,
    pub room: &'a str,
    pub track: Option<&'a str>,
    pub subtitle: Option<&'a str>,
    /// The page body when it is an abstract, else empty.
    pub abstract_: &'a str,
    /// The page body when it holds notes.
    pub description: Option<&'a str>,
    pub url: String,
    pub persons: Vec<PersonOut<'a>>,
    pub links: Vec<LinkOut<'a>>,
}

pub struct PersonOut<'a> {
    pub name: &'a str,
    pub id: u32,
    pub guid: String,
    pub url: String,
    pub biography: Option<&'a str>,
}

pub struct LinkOut<'a> {
    pub link: &'a Link,
    /// The link's URL with what a URI cannot hold percent-encoded.
    pub url: Cow<'a, str>,
    /// The c3voc reference type closest to the link's kind, when there is one.
    pub c3voc_type: Option<&'static str>,
    /// The link's title, else its kind: apps show this as the link text.
    pub text: &'a str,
}

impl<'a> Program<'a> {
    /// `None` when the event has no scheduled session: there is no schedule to export.
    pub fn new(ctx: &'a RenderContext, event: &'a Event) -> Option<Program<'a>> {
        let scheduled: Vec<&Session> = event.scheduled().collect();
        if scheduled.is_empty() {
            return None;
        }
        let base_url = ctx.site.config.base_url.as_str();
        let host = base_host(base_url);
        let day_change = ctx.site.config.day_change_minutes;
        let acronym = acronym(&event.slug);

        let session_ids = assign_ids(
            &event.slug,
            "session",
            event.sessions.iter().map(|s| s.slug.as_str()),
        );
        let person_ids = assign_ids(
            &event.slug,
            "person",
            event.speakers.iter().map(|s| s.slug.as_str()),
        );
        let people = people(ctx, event, &person_ids, host);
        let session_guids = session_guids(ctx, event);

        // On every core: a large program's sessions are most of the work.
        let sessions: Vec<SessionOut> = scheduled
            .par_iter()
            .map(|s| {
                let id = session_ids[s.slug.as_str()];
                session_out(
                    ctx,
                    event,
                    s,
                    id,
                    session_guids[s.slug.as_str()].clone(),
                    &acronym,
                    &people,
                    host,
                )
            })
            .collect();

        let days = days(event, &sessions, day_change);
        let first = days.first().map(|d| d.date)?;
        let last = days.last().map(|d| d.date)?;
        let rooms = event
            .rooms
            .iter()
            .map(|r| RoomOut {
                name: &r.name,
                guid: guid_of(&format!("room:{}.{}@{host}", r.slug, event.slug)),
                slug: Some(r.slug.as_str()).filter(|s| schema_slug(s)),
                description: r.description.as_deref(),
            })
            .collect();
        let tracks = event
            .tracks
            .iter()
            .map(|t| TrackOut {
                name: &t.name,
                slug: Some(t.slug.as_str()).filter(|s| schema_slug(s)),
                color: t.color.as_deref().and_then(hex_color),
            })
            .collect();
        let url = match &event.url {
            Some(u) if is_http(u) => uri(u).into_owned(),
            _ => urls::absolute(base_url, &urls::event_home(event)),
        };
        Some(Program {
            event,
            acronym,
            title: &event.name,
            description: Some(event.description.as_str()).filter(|d| !d.is_empty()),
            start: event.start_date.map_or(first, |d| d.min(first)),
            end: event.end_date.map_or(last, |d| d.max(last)),
            timeslot: timeslot(&sessions),
            time_zone_name: Some(event.tz_name.as_str()).filter(|z| zone_name_pattern(z)),
            url,
            base_url,
            rooms,
            tracks,
            days,
            sessions,
        })
    }
}

impl Program<'_> {
    /// About how many bytes a schedule file of this program takes, so the
    /// writers allocate once instead of growing a large buffer step by step.
    pub fn size_hint(&self) -> usize {
        self.sessions
            .iter()
            .map(|s| s.session.body.len() + s.session.title.len() + 1500)
            .sum::<usize>()
            + 4096
    }
}

#[allow(clippy::too_many_arguments)]
fn session_out<'a>(
    ctx: &'a RenderContext,
    event: &'a Event,
    s: &'a Session,
    id: u32,
    guid: String,
    acronym: &str,
    people: &HashMap<&str, Person<'a>>,
    host: &str,
) -> SessionOut<'a> {
    let base_url = ctx.site.config.base_url.as_str();
    let start = s
        .start
        .as_ref()
        .expect("only scheduled sessions are exported");
    let persons = s
        .speakers
        .iter()
        .map(|sp| match people.get(sp.slug.as_str()) {
            Some(p) => p.out(&sp.name),
            // Every session speaker is in `event.speakers`; make one up anyway rather than panic.
            None => person(
                ctx,
                event,
                &sp.slug,
                id_for(&event.slug, "person", &sp.slug, 0),
                host,
            )
            .out(&sp.name),
        })
        .collect();
    let (abstract_, description) = match s.body_kind {
        BodyKind::Abstract => (s.body.as_str(), None),
        BodyKind::Notes => ("", Some(s.body.as_str()).filter(|b| !b.is_empty())),
    };
    SessionOut {
        session: s,
        id,
        guid,
        slug: format!("{acronym}-{id}-{}", s.slug),
        date: rfc3339(start),
        start: crate::time::hh_mm(start),
        end: s.end.as_ref().map(rfc3339),
        duration_minutes: s
            .end
            .as_ref()
            .map_or(0, |e| start.duration_until(e).as_mins().max(0)),
        room: s.room.as_deref().unwrap_or(""),
        track: s.primary_track(),
        subtitle: s.extra.get("subtitle").and_then(|v| v.as_str()),
        abstract_,
        description,
        url: urls::absolute(base_url, &urls::session(event, s)),
        persons,
        links: s.links.iter().map(link_out).collect(),
    }
}

/// What every session of a speaker says about them, made once per speaker
/// (a UUIDv5 and a URL each) rather than once per session.
struct Person<'a> {
    id: u32,
    guid: String,
    url: String,
    biography: Option<&'a str>,
}

impl<'a> Person<'a> {
    fn out(&self, name: &'a str) -> PersonOut<'a> {
        PersonOut {
            name,
            id: self.id,
            guid: self.guid.clone(),
            url: self.url.clone(),
            biography: self.biography,
        }
    }
}

/// Every speaker of `event` by slug.
fn people<'a>(
    ctx: &RenderContext,
    event: &'a Event,
    ids: &HashMap<&str, u32>,
    host: &str,
) -> HashMap<&'a str, Person<'a>> {
    event
        .speakers
        .iter()
        .map(|sp| {
            let id = ids[sp.slug.as_str()];
            let mut p = person(ctx, event, &sp.slug, id, host);
            p.biography = sp.bio.as_deref();
            (sp.slug.as_str(), p)
        })
        .collect()
}

fn person<'a>(ctx: &RenderContext, event: &Event, slug: &str, id: u32, host: &str) -> Person<'a> {
    Person {
        id,
        guid: guid_of(&format!("person:{slug}.{}@{host}", event.slug)),
        url: urls::absolute(&ctx.site.config.base_url, &urls::speaker(event, slug)),
        biography: None,
    }
}

fn link_out(link: &Link) -> LinkOut<'_> {
    LinkOut {
        link,
        url: uri(&link.url),
        c3voc_type: reference_type(&link.kind),
        text: link.title.as_deref().unwrap_or(&link.kind),
    }
}

/// The c3voc `Reference.type` for a link kind (the schema allows only these).
pub fn reference_type(kind: &str) -> Option<&'static str> {
    Some(match kind.to_ascii_lowercase().as_str() {
        "slides" => "slides",
        "paper" => "paper",
        "web" | "website" => "web",
        "blog" => "blog",
        "article" => "article",
        "video" | "recording" | "media" | "audio" | "stream" => "media",
        "activitypub" => "activitypub",
        "related" | "source" | "code" => "related",
        _ => return None,
    })
}

/// Program days: each session belongs to the date of `start - day_change`;
/// a day runs from its day-change time to the next one (or its last session's end).
fn days(event: &Event, sessions: &[SessionOut], day_change_minutes: u16) -> Vec<DayOut> {
    let shift = jiff::SignedDuration::from_mins(i64::from(day_change_minutes));
    let change = Time::new(
        (day_change_minutes / 60).min(23) as i8,
        (day_change_minutes % 60) as i8,
        0,
        0,
    )
    .unwrap_or(Time::midnight());
    let program_day = |z: &Zoned| {
        z.datetime()
            .checked_sub(shift)
            .map_or(z.date(), |dt| dt.date())
    };
    let mut dates: Vec<Date> = sessions
        .iter()
        .filter_map(|s| s.session.start.as_ref())
        .map(program_day)
        .collect();
    dates.sort();
    dates.dedup();
    let room_order = event.room_positions();
    let at = |d: Date| d.to_datetime(change).to_zoned(event.timezone.clone()).ok();
    dates
        .iter()
        .enumerate()
        .map(|(i, &date)| {
            let mut rooms: Vec<(String, Vec<usize>)> = Vec::new();
            let mut first_start: Option<&Zoned> = None;
            let mut last_end: Option<&Zoned> = None;
            for (j, s) in sessions.iter().enumerate() {
                let Some(start) = s.session.start.as_ref().filter(|z| program_day(z) == date)
                else {
                    continue;
                };
                let end = s.session.end.as_ref().unwrap_or(start);
                first_start = Some(first_start.map_or(start, |f| f.min(start)));
                last_end = Some(last_end.map_or(end, |l| l.max(end)));
                match rooms.iter_mut().find(|(name, _)| name == s.room) {
                    Some((_, list)) => list.push(j),
                    None => rooms.push((s.room.to_string(), vec![j])),
                }
            }
            // Declared room order; sessions without a room last.
            rooms.sort_by_key(|(name, _)| {
                room_order.get(name.as_str()).copied().unwrap_or(usize::MAX)
            });
            // Every listed date has a session, so both bounds exist; the
            // day-change times exist unless the date is at jiff's limits.
            let first_start = first_start.expect("a program day has a session");
            let last_end = last_end.expect("a program day has a session");
            let day_start = at(date).unwrap_or_else(|| first_start.clone());
            let day_end = date
                .tomorrow()
                .ok()
                .and_then(at)
                .map_or_else(|| last_end.clone(), |next| next.max(last_end.clone()));
            DayOut {
                index: i + 1,
                date,
                start: rfc3339(&day_start),
                end: rfc3339(&day_end),
                rooms,
            }
        })
        .collect()
}

/// The coarsest of 60, 30, 15, 10, 5 and 1 minutes on which every session starts and ends.
fn timeslot(sessions: &[SessionOut]) -> String {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let mut g = 0;
    for s in sessions {
        if let Some(start) = &s.session.start {
            g = gcd(g, i64::from(start.minute()));
        }
        g = gcd(g, s.duration_minutes);
    }
    let step = [60, 30, 15, 10, 5]
        .into_iter()
        .find(|step| g == 0 || g % step == 0)
        .unwrap_or(1);
    format_duration(step)
}

/// `HH:MM`, hours zero-padded to two digits as frab and pretalx write them.
pub fn format_duration(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The event slug as a c3voc acronym: dashes become underscores (the JSON
/// schema allows a dash only in a `-2025-xyz` suffix) and short slugs are
/// padded to the four characters both schemas require.
pub fn acronym(event_slug: &str) -> String {
    let mut a: String = event_slug
        .chars()
        .map(|c| if c == '-' { '_' } else { c })
        .collect();
    while a.len() < 4 {
        a.push('_');
    }
    a
}

/// Ids for `keys` (page slugs): a hash of event, kind and slug mapped into
/// `MIN_ID..=i32::MAX`. On a collision the key that sorts first keeps its
/// hash and the other rehashes with a counter, so ids only change when the
/// set of colliding slugs does.
fn assign_ids<'k>(
    event_slug: &str,
    kind: &str,
    keys: impl Iterator<Item = &'k str>,
) -> HashMap<&'k str, u32> {
    assign_ids_with(keys, |key, attempt| id_for(event_slug, kind, key, attempt))
}

fn assign_ids_with<'k>(
    keys: impl Iterator<Item = &'k str>,
    hash: impl Fn(&str, u32) -> u32,
) -> HashMap<&'k str, u32> {
    let mut keys: Vec<&str> = keys.collect();
    keys.sort_unstable();
    keys.dedup();
    let mut taken = HashSet::with_capacity(keys.len());
    let mut ids = HashMap::with_capacity(keys.len());
    for key in keys {
        let id = (0..)
            .map(|attempt| hash(key, attempt))
            .find(|id| taken.insert(*id))
            .expect("an unbounded counter finds a free id");
        ids.insert(key, id);
    }
    ids
}

fn id_for(event_slug: &str, kind: &str, key: &str, attempt: u32) -> u32 {
    let digest = Sha256::digest(format!("{event_slug}/{kind}/{key}#{attempt}"));
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    MIN_ID + n % (MAX_ID - MIN_ID + 1)
}

/// UUIDv5 of a name in the URL namespace, lowercase and hyphenated.
fn guid_of(name: &str) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes())
        .hyphenated()
        .to_string()
}

/// Each session's guid: the one its page keeps in `extra.guid` (an import
/// carries the source's guid over, so apps keep their bookmarks), else one
/// derived from its calendar UID. A kept guid used twice (a copied page)
/// stays with the slug that sorts first.
fn session_guids<'a>(ctx: &RenderContext, event: &'a Event) -> HashMap<&'a str, String> {
    let mut by_slug: Vec<&Session> = event.sessions.iter().collect();
    by_slug.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut taken = HashSet::new();
    let mut guids = HashMap::with_capacity(by_slug.len());
    for s in by_slug {
        let kept = s
            .extra
            .get("guid")
            .and_then(|v| v.as_str())
            .and_then(|g| Uuid::parse_str(g.trim()).ok())
            .map(|u| u.hyphenated().to_string())
            .filter(|g| taken.insert(g.clone()));
        let g = kept.unwrap_or_else(|| {
            let mut g = guid_of(&format!("session:{}", session_uid(ctx.site, event, s)));
            // A derived guid equal to a kept one is astronomically unlikely; stay unique anyway.
            let mut n = 1;
            while !taken.insert(g.clone()) {
                g = guid_of(&format!("session:{}#{n}", session_uid(ctx.site, event, s)));
                n += 1;
            }
            g
        });
        guids.insert(s.slug.as_str(), g);
    }
    guids
}

/// Both schemas' slug patterns: a letter first, at least two characters.
fn schema_slug(s: &str) -> bool {
    s.len() >= 2
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `#rgb` or `#rrggbb` → `#rrggbb`; anything else (a colour name) → `None`.
fn hex_color(c: &str) -> Option<String> {
    let hex = c.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(
            hex.chars()
                .flat_map(|ch| [ch, ch])
                .fold(String::from("#"), |mut s, ch| {
                    s.push(ch.to_ascii_lowercase());
                    s
                }),
        ),
        _ => None,
    }
}

/// The JSON schema's `time_zone_name` pattern, `^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$`
/// (unanchored on one side each, as a JSON-schema validator applies it).
fn zone_name_pattern(z: &str) -> bool {
    let word = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.next().is_some_and(|c| c.is_ascii_lowercase())
    };
    z.ends_with("UTC")
        || z.split_once('/').is_some_and(|(area, city)| {
            word(area) && area[1..].bytes().all(|b| b.is_ascii_lowercase()) && word(city)
        })
}

/// Characters a URI cannot hold as they are (RFC 3986); non-ASCII is
/// always encoded. A page may hold `https://x.org/a b`; both schemas want a URI.
const NOT_IN_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `url` as a URI: what it cannot hold percent-encoded, the rest untouched.
pub fn uri(url: &str) -> Cow<'_, str> {
    let url = url.trim();
    utf8_percent_encode(url, NOT_IN_URI).into()
}

fn is_http(u: &str) -> bool {
    let l = u.trim().to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_fit_both_schemas() {
        assert_eq!(acronym("kubecon-na-2025"), "kubecon_na_2025");
        assert_eq!(acronym("kc"), "kc__");
    }

    #[test]
    fn ids_are_stable_distinct_and_in_range() {
        let slugs = ["a", "b", "c", "intro", "intro-2"];
        let first = assign_ids("ev", "session", slugs.iter().copied());
        let reversed = assign_ids("ev", "session", slugs.iter().rev().copied());
        assert_eq!(first, reversed, "ids do not depend on order");
        let distinct: HashSet<u32> = first.values().copied().collect();
        assert_eq!(distinct.len(), slugs.len());
        assert!(first.values().all(|&id| (MIN_ID..=MAX_ID).contains(&id)));
        // Another event gives other ids for the same slugs.
        let other = assign_ids("ev2", "session", slugs.iter().copied());
        assert_ne!(first["a"], other["a"]);
    }

    #[test]
    fn collisions_resolve_by_slug_order() {
        // A hash with three values forces collisions.
        let hash = |key: &str, attempt: u32| (key.len() as u32 + attempt) % 3;
        let ids = assign_ids_with(["bb", "aa", "c"].into_iter(), hash);
        assert_eq!(ids["aa"], 2, "first in slug order keeps its hash");
        assert_eq!(ids["bb"], 0, "the next one rehashes");
        assert_eq!(ids["c"], 1);
        let again = assign_ids_with(["c", "aa", "bb"].into_iter(), hash);
        assert_eq!(ids, again);
    }

    #[test]
    fn zone_names_and_colours() {
        assert!(zone_name_pattern("Europe/Berlin"));
        assert!(zone_name_pattern("America/Argentina/Buenos_Aires"));
        assert!(zone_name_pattern("UTC"));
        assert!(!zone_name_pattern("EST5EDT"));
        assert!(!zone_name_pattern("Etc/GMT+1"));
        assert_eq!(hex_color("#ABC").as_deref(), Some("#aabbcc"));
        assert_eq!(hex_color("#12ab3C").as_deref(), Some("#12ab3c"));
        assert_eq!(hex_color("teal"), None);
        assert_eq!(format_duration(95), "01:35");
    }

    #[test]
    fn urls_become_uris() {
        assert_eq!(
            uri("https://x.org/a b?q=<1>"),
            "https://x.org/a%20b?q=%3C1%3E"
        );
        assert_eq!(uri("https://x.org/caf\u{e9}"), "https://x.org/caf%C3%A9");
        assert!(matches!(
            uri("https://x.org/a?b=1&c=%20#f"),
            Cow::Borrowed(_)
        ));
    }
}
