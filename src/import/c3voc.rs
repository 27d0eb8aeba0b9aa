//! Import stage, c3voc/frab schedules: `schedule.json` (version 1: days →
//! rooms → events; version 2: a flat `events` list) and frab/pentabarf
//! `schedule.xml`, as pretalx, frab, the c3voc tools and confsite write
//! them → an event file and one session page per event.
//!
//! All three are first read into one shape ([`Conference`] + [`Item`]s,
//! each item with the line it starts on), then turned into pages by one
//! function, so the formats cannot drift apart. Nothing is invented: a field
//! confsite has no place for is kept under the page's `extra`, and every
//! repair (a time whose offset disagrees with the zone, a link that is not a
//! URL) is reported with its line. confsite's own export carries a
//! `confsite` block with what c3voc cannot hold (page slug, further tracks,
//! affiliations, link kinds); with it the import gives back the same pages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::structured::{Lines, clean_text, event_zone, join_body, link, photo_url, source_name};
use super::{ImportOptions, Imported, choose};
use crate::content::pages::{
    EventFront, EventPage, LinkEntry, OneOrMany, RoomDetails, RoomEntry, SessionFront, SessionPage,
    SpeakerEntry, SpeakerFront, SpeakerPage, SpeakerRef, TrackDetails, TrackEntry,
};
use crate::diagnostic::Diagnostic;
use crate::{slugs, time};

// ---- the shared shape -------------------------------------------------------

/// What a schedule says about the conference.
#[derive(Debug, Default)]
struct Conference {
    line: usize,
    title: Option<String>,
    acronym: Option<String>,
    description: Option<String>,
    start: Option<String>,
    end: Option<String>,
    time_zone: Option<String>,
    url: Option<String>,
    /// Base for relative URLs (logos, attachments).
    base_url: Option<String>,
    venue: Option<String>,
    city: Option<String>,
    rooms: Vec<RoomDetails>,
    tracks: Vec<TrackDecl>,
    /// `generator.name`: `confsite` for confsite's own exports.
    generator: Option<String>,
}

#[derive(Debug, Clone)]
struct TrackDecl {
    name: String,
    slug: Option<String>,
    color: Option<String>,
}

/// When a schedule says an item starts.
#[derive(Debug, Clone)]
enum When {
    /// A date-time with its offset (`date` in v1, `start` in v2 and XML).
    Instant(String),
    /// A local `HH:MM` on a day's date (old frab and pentabarf): a time before
    /// `day_change` belongs to the next calendar date.
    Local {
        date: String,
        time: String,
        day_change: Option<Time>,
    },
    Missing,
}

/// One schedule event (a session), read but not yet interpreted.
#[derive(Debug)]
struct Item {
    line: usize,
    title: Option<String>,
    subtitle: Option<String>,
    kind: Option<String>,
    when: When,
    end: Option<String>,
    duration: Option<String>,
    /// The room the item names, else the room it is listed under.
    room: Option<String>,
    track: Option<String>,
    language: Option<String>,
    abstract_: Option<String>,
    description: Option<String>,
    persons: Vec<Person>,
    /// (kind, url, title, line)
    links: Vec<(String, String, Option<String>, usize)>,
    /// The event's page at the exporting system (`url`).
    page_url: Option<String>,
    guid: Option<String>,
    id: Option<Value>,
    code: Option<String>,
    logo: Option<String>,
    extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default)]
struct Person {
    name: Option<String>,
    /// guid, code or id: what identifies the same person across events.
    key: Option<String>,
    role: Option<String>,
    /// What a speaker page holds, as the schedule gives it: URLs are
    /// resolved (and refused) once the base URL is known.
    bio: Option<String>,
    photo: Option<String>,
    /// (kind, url, title)
    links: Vec<(String, String, Option<String>)>,
    /// The person's page at the exporting system (`url`).
    page_url: Option<String>,
    /// Where the person is described: their entry under `schedule.persons`
    /// (v2), else the event that lists them.
    line: usize,
}

/// The `confsite` block of confsite's own `schedule.json`.
#[derive(Debug, Default, Deserialize)]
struct Extension {
    #[serde(default)]
    sessions: Vec<SessionExtension>,
}

#[derive(Debug, Default, Deserialize)]
struct SessionExtension {
    guid: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    tracks: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    speakers: Vec<SpeakerExtension>,
    #[serde(default)]
    links: Vec<LinkEntry>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    prerequisites: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    overlap_allowed: bool,
}

#[derive(Debug, Default, Deserialize)]
struct SpeakerExtension {
    name: String,
    #[serde(default)]
    affiliation: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

/// A whole schedule in the shared shape.
#[derive(Debug, Default)]
struct Schedule {
    conference: Conference,
    items: Vec<Item>,
    /// Rooms in the order they first appear (for schedules that declare none).
    room_order: Vec<String>,
    extension: HashMap<String, SessionExtension>,
}

// ---- JSON -------------------------------------------------------------------

/// 1 or 2 when `value` is a c3voc schedule.json of that version.
pub fn json_schedule_version(value: &Value) -> Option<u8> {
    let schedule = value.get("schedule")?;
    if schedule.get("events").is_some_and(Value::is_array) {
        return Some(2);
    }
    schedule
        .get("conference")?
        .get("days")?
        .as_array()?
        .iter()
        .any(|d| d.get("rooms").is_some_and(Value::is_object))
        .then_some(1)
}

/// Where each event of a schedule.json starts in the text: borrowed raw
/// values keep their place, which `serde_json::Value` forgets.
#[derive(Deserialize)]
struct Positions<'a> {
    #[serde(borrow)]
    schedule: SchedulePositions<'a>,
}

#[derive(Deserialize)]
struct SchedulePositions<'a> {
    #[serde(borrow, default)]
    conference: Option<ConferencePositions<'a>>,
    #[serde(borrow, default)]
    events: Option<Vec<&'a RawValue>>,
    /// Read as a list only when it is one: the people are extras, and a
    /// schedule whose `persons` is something else still imports.
    #[serde(borrow, default)]
    persons: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ConferencePositions<'a> {
    #[serde(borrow, default)]
    days: Vec<DayPositions<'a>>,
}

#[derive(Deserialize)]
struct DayPositions<'a> {
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    day_start: Option<String>,
    #[serde(borrow, default)]
    rooms: BTreeMap<String, Vec<&'a RawValue>>,
}

/// Parses a c3voc `schedule.json` (version 1 or 2).
pub fn parse_json(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let schedule = read_json(text, path, &mut diags);
    match schedule {
        Some(schedule) => convert(schedule, path, options, diags),
        None => Imported {
            diagnostics: diags,
            ..Imported::default()
        },
    }
}

fn json_error(path: &Path, e: &serde_json::Error, what: &str) -> Diagnostic {
    Diagnostic::error(path, e.line(), format!("{what}: {e}")).at_col(e.column())
}

fn read_json(text: &str, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Schedule> {
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(json_error(path, &e, "not valid JSON"));
            return None;
        }
    };
    let Some(version) = json_schedule_version(&root) else {
        diags.push(Diagnostic::error(
            path,
            1,
            "not a c3voc schedule.json: expected `schedule.conference.days[].rooms` (version 1) or `schedule.events` (version 2)",
        ));
        return None;
    };
    let positions: Positions = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            diags.push(json_error(path, &e, "unexpected schedule structure"));
            return None;
        }
    };
    let lines = Lines::new(text);
    let line_of =
        |raw: &RawValue| lines.line_at(raw.get().as_ptr() as usize - text.as_ptr() as usize);
    let schedule = &root["schedule"];
    let conf = &schedule["conference"];
    let conference_line = text
        .find("\"conference\"")
        .map_or(1, |at| lines.line_at(at));
    let mut conference = json_conference(conf, conference_line);
    conference.base_url = str_field(schedule, "base_url");
    conference.generator = root.get("generator").and_then(|g| str_field(g, "name"));

    let mut items = Vec::new();
    let mut room_order = Vec::new();
    let mut unknown = UnknownKeys::default();
    if version == 1 {
        let mut raw_events: Vec<(usize, &RawValue, String, &DayPositions)> = Vec::new();
        for day in positions
            .schedule
            .conference
            .as_ref()
            .map(|c| c.days.as_slice())
            .unwrap_or_default()
        {
            for (room, events) in &day.rooms {
                for raw in events {
                    raw_events.push((line_of(raw), raw, room.clone(), day));
                }
            }
        }
        // Document order (the room maps came back sorted by name).
        raw_events.sort_by_key(|(_, raw, ..)| raw.get().as_ptr() as usize);
        for (line, raw, room, day) in raw_events {
            if !room.is_empty() && !room_order.contains(&room) {
                room_order.push(room.clone());
            }
            let day_change = day
                .day_start
                .as_deref()
                .and_then(|s| s.get(11..16))
                .and_then(|t| time::parse_time(t).ok());
            let when_day = day.date.clone().map(|date| (date, day_change));
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(Value::Object(obj)) => {
                    items.push(json_item(obj, line, Some(room), when_day, 1, &mut unknown))
                }
                _ => diags.push(Diagnostic::error(
                    path,
                    line,
                    "an event is not a JSON object",
                )),
            }
        }
    } else {
        let listed: Vec<&RawValue> = positions
            .schedule
            .persons
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default();
        let persons = v2_persons(listed.iter().map(|raw| (line_of(raw), *raw)));
        for raw in positions.schedule.events.unwrap_or_default() {
            let line = line_of(raw);
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(Value::Object(obj)) => {
                    let mut item = json_item(obj, line, None, None, 2, &mut unknown);
                    // v2 lists people once, under `schedule.persons`, and refers to them by guid.
                    for p in &mut item.persons {
                        if let Some(full) = p.key.as_ref().and_then(|k| persons.get(k)) {
                            p.name = p.name.take().or_else(|| full.name.clone());
                            p.bio = full.bio.clone();
                            p.photo = full.photo.clone();
                            p.links = full.links.clone();
                            p.page_url = full.page_url.clone();
                            p.line = full.line;
                        }
                    }
                    items.push(item);
                }
                _ => diags.push(Diagnostic::error(
                    path,
                    line,
                    "an event is not a JSON object",
                )),
            }
        }
        resolve_v2_references(&mut items, conf, path, diags);
        for item in &items {
            if let Some(room) = &item.room
                && !room_order.contains(room)
            {
                room_order.push(room.clone());
            }
        }
    }
    unknown.report(path, diags);

    let extension = match schedule.get("confsite") {
        Some(block) => {
            match Extension::deserialize(block) {
                Ok(ext) => ext
                    .sessions
                    .into_iter()
                    .map(|s| (s.guid.clone(), s))
                    .collect(),
                Err(e) => {
                    diags.push(Diagnostic::warning(
                    path,
                    text.find("\"confsite\"").map_or(0, |at| lines.line_at(at)),
                    format!("the `confsite` block cannot be read ({e}): importing the c3voc fields only"),
                ));
                    HashMap::new()
                }
            }
        }
        None => HashMap::new(),
    };
    Some(Schedule {
        conference,
        items,
        room_order,
        extension,
    })
}

fn json_conference(conf: &Value, line: usize) -> Conference {
    let rooms = conf
        .get("rooms")
        .and_then(Value::as_array)
        .map(|rooms| {
            rooms
                .iter()
                .filter_map(|r| {
                    Some(RoomDetails {
                        name: str_field(r, "name")?,
                        description: r.get("description").and_then(localized),
                        ..RoomDetails::default()
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let tracks = conf
        .get("tracks")
        .and_then(Value::as_array)
        .map(|tracks| {
            tracks
                .iter()
                .filter_map(|t| {
                    Some(TrackDecl {
                        name: str_field(t, "name")?,
                        slug: str_field(t, "slug"),
                        color: str_field(t, "color").or_else(|| {
                            t.get("colors").and_then(|c| {
                                str_field(c, "light").or_else(|| str_field(c, "primary"))
                            })
                        }),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Conference {
        line,
        title: str_field(conf, "title"),
        acronym: str_field(conf, "acronym"),
        description: conf.get("description").and_then(localized),
        start: str_field(conf, "start"),
        end: str_field(conf, "end"),
        time_zone: str_field(conf, "time_zone_name"),
        url: str_field(conf, "url"),
        rooms,
        tracks,
        ..Conference::default()
    }
}

/// People of a v2 schedule (`schedule.persons`, with their lines) by guid.
fn v2_persons<'a>(list: impl Iterator<Item = (usize, &'a RawValue)>) -> HashMap<String, Person> {
    list.filter_map(|(line, raw)| {
        let value: Value = serde_json::from_str(raw.get()).ok()?;
        let person = json_person(&value, line)?;
        Some((person.key.clone()?, person))
    })
    .collect()
}

/// v2 items name their room by `{name, guid}` and their track by `{slug}`.
fn resolve_v2_references(
    items: &mut [Item],
    conf: &Value,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let by_guid = |list: &str, key: &str, value: &str| -> Option<String> {
        conf.get(list)?
            .as_array()?
            .iter()
            .find(|r| r.get(key).and_then(Value::as_str) == Some(value))
            .and_then(|r| str_field(r, "name"))
    };
    for item in items {
        if let Some(Value::Object(room)) = item.extra.remove("room") {
            let room = Value::Object(room);
            item.room = str_field(&room, "name")
                .or_else(|| str_field(&room, "guid").and_then(|g| by_guid("rooms", "guid", &g)));
            if item.room.is_none() {
                diags.push(Diagnostic::warning(
                    path,
                    item.line,
                    format!("the room `{room}` is not among the conference's rooms: the session gets no room"),
                ));
            }
        }
        if let Some(Value::Object(track)) = item.extra.remove("track") {
            let track = Value::Object(track);
            let slug = str_field(&track, "slug");
            item.track = str_field(&track, "name")
                .or_else(|| slug.as_deref().and_then(|s| by_guid("tracks", "slug", s)));
            if item.track.is_none()
                && let Some(slug) = slug
            {
                diags.push(Diagnostic::warning(
                    path,
                    item.line,
                    format!("track `{slug}` is not among the conference's tracks: using its slug as the track name"),
                ));
                item.track = Some(slug);
            }
        }
    }
}

/// Keys an event may have in schedule.json v1 or v2 that are read into the item.
const KNOWN_EVENT_KEYS: &[&str] = &[
    "id",
    "guid",
    "code",
    "logo",
    "date",
    "start",
    "end",
    "duration",
    "room",
    "slug",
    "url",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
    "persons",
    "participants",
    "links",
    "attachments",
    "feedback_url",
    "feedback",
    "origin_url",
    "video_download_url",
];

/// Event keys nobody reads but the page keeps, reported once each.
#[derive(Default)]
struct UnknownKeys {
    first_line: BTreeMap<String, usize>,
}

impl UnknownKeys {
    fn saw(&mut self, key: &str, line: usize) {
        self.first_line.entry(key.to_string()).or_insert(line);
    }

    fn report(self, path: &Path, diags: &mut Vec<Diagnostic>) {
        for (key, line) in self.first_line {
            diags.push(Diagnostic::warning(
                path,
                line,
                format!(
                    "confsite has no field for the events' `{key}`: kept under `extra` in each page"
                ),
            ));
        }
    }
}

fn json_item(
    mut obj: Map<String, Value>,
    line: usize,
    listed_room: Option<String>,
    day: Option<(String, Option<Time>)>,
    version: u8,
    unknown: &mut UnknownKeys,
) -> Item {
    let v = Value::Object(obj.clone());
    let text = |key: &str| v.get(key).and_then(localized);
    let when = if version == 2 {
        text("start").map_or(When::Missing, When::Instant)
    } else {
        match (text("date"), text("start"), day) {
            (Some(date), _, _) if date.len() > 10 => When::Instant(date),
            (_, Some(start), Some((date, day_change))) => When::Local {
                date,
                time: start,
                day_change,
            },
            _ => When::Missing,
        }
    };
    let persons = ["persons", "participants"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|p| json_person(p, line))
        .collect();
    let mut links = Vec::new();
    for (key, default_kind) in [("links", "link"), ("attachments", "attachment")] {
        for l in v.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(url) = str_field(l, "url").or_else(|| str_field(l, "href")) {
                let title = str_field(l, "title");
                let kind = link_kind(
                    str_field(l, "type").as_deref(),
                    title.as_deref(),
                    default_kind,
                );
                links.push((kind, url, title, line));
            }
        }
    }
    for (key, kind) in [
        ("origin_url", "origin"),
        ("feedback_url", "feedback"),
        ("video_download_url", "video"),
    ] {
        if let Some(url) = text(key) {
            links.push((kind.to_string(), url, None, line));
        }
    }
    if let Some(url) = v.get("feedback").and_then(|f| str_field(f, "url")) {
        links.push(("feedback".to_string(), url, None, line));
    }
    let logo = v.get("logo").and_then(|l| match l {
        Value::Object(_) => str_field(l, "url"),
        _ => l.as_str().and_then(clean_text),
    });
    let room = match v.get("room") {
        Some(Value::String(s)) => clean_text(s),
        _ => None,
    }
    .or(listed_room.filter(|r| !r.trim().is_empty()));
    let track = match v.get("track") {
        Some(Value::String(s)) => clean_text(s),
        _ => None,
    };

    let mut extra = Map::new();
    // Keep v2's object-valued room and track for resolving against the conference.
    for key in ["room", "track"] {
        if let Some(value @ Value::Object(_)) = obj.get(key) {
            extra.insert(key.to_string(), value.clone());
        }
    }
    for (key, value) in std::mem::take(&mut obj) {
        if KNOWN_EVENT_KEYS.contains(&key.as_str()) || is_blank(&value) {
            continue;
        }
        match key.as_str() {
            // Recording flags: kept when they say something.
            "do_not_record" | "do_not_stream" if value == Value::Bool(false) => {}
            "recording_license" | "do_not_record" | "do_not_stream" | "answers" | "state" => {
                extra.insert(key, value);
            }
            _ => {
                unknown.saw(&key, line);
                extra.insert(key, value);
            }
        }
    }
    for key in ["abstract", "description", "title", "subtitle"] {
        if let Some(Value::Object(map)) = v.get(key)
            && map.values().filter(|t| t.is_string()).count() > 1
        {
            extra.insert(format!("{key}_translations"), Value::Object(map.clone()));
        }
    }
    Item {
        line,
        title: text("title"),
        subtitle: text("subtitle"),
        kind: text("type"),
        when,
        end: if version == 2 || v.get("date").is_some() {
            text("end")
        } else {
            None
        },
        duration: text("duration"),
        room,
        track,
        language: text("language"),
        abstract_: text("abstract"),
        description: text("description"),
        persons,
        links,
        page_url: text("url"),
        guid: text("guid"),
        id: v.get("id").filter(|id| !is_blank(id)).cloned(),
        code: text("code"),
        logo,
        extra,
    }
}

fn json_person(p: &Value, line: usize) -> Option<Person> {
    let name = ["name", "public_name", "full_public_name", "full_name"]
        .iter()
        .find_map(|k| str_field(p, k));
    let key = ["guid", "code"]
        .iter()
        .find_map(|k| str_field(p, k))
        .or_else(|| {
            p.get("id")
                .filter(|v| !is_blank(v))
                .map(|v| format!("id:{v}"))
        })
        .or_else(|| name.clone());
    let photo = p.get("avatar").and_then(|a| match a {
        Value::Object(_) => str_field(a, "url"),
        _ => a.as_str().and_then(clean_text),
    });
    let links = p
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            let url = str_field(l, "url")?;
            let title = str_field(l, "title");
            // The CCC hub names the service (`MASTODON`) where others give a type.
            let kind = str_field(l, "type").or_else(|| str_field(l, "service"));
            Some((
                link_kind(kind.as_deref(), title.as_deref(), "web"),
                url,
                title,
            ))
        })
        .collect();
    Some(Person {
        role: str_field(p, "role"),
        bio: p.get("biography").and_then(localized),
        photo,
        links,
        page_url: str_field(p, "url"),
        line,
        name,
        key,
    })
    .filter(|p| p.name.is_some() || p.key.is_some())
}

/// A string field, trimmed; `None` when absent, null or blank.
fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => clean_text(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string, or one of a localisation map's strings (`{"en": "…", "de": "…"}`):
/// English when there, else the first.
fn localized(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean_text(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(map) => map
            .get("en")
            .and_then(Value::as_str)
            .and_then(clean_text)
            .or_else(|| map.values().filter_map(Value::as_str).find_map(clean_text)),
        _ => None,
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A confsite link kind for a c3voc reference `type` (or a title that names a kind).
fn link_kind(c3voc_type: Option<&str>, title: Option<&str>, default: &str) -> String {
    const KINDS: &[&str] = &[
        "video",
        "slides",
        "recording",
        "code",
        "source",
        "paper",
        "web",
        "blog",
        "article",
        "audio",
    ];
    if let Some(t) = c3voc_type.map(str::trim).filter(|t| !t.is_empty()) {
        let t = t.to_ascii_lowercase();
        return if t == "media" { "video".to_string() } else { t };
    }
    title
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| KINDS.contains(&t.as_str()))
        .unwrap_or_else(|| default.to_string())
}

// ---- XML --------------------------------------------------------------------

/// An XML element with what the importer needs: attributes, text, children
/// and the line its start tag is on.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
    line: usize,
}

impl Element {
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| clean_text(v))
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).and_then(|c| clean_text(&c.text))
    }
}

/// True when the document's root element is `<schedule>`.
pub fn is_schedule_xml(text: &str) -> bool {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(XmlEvent::Start(e) | XmlEvent::Empty(e)) => {
                return e.local_name().as_ref() == b"schedule";
            }
            Ok(XmlEvent::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// Reads `text` into a tree; `None` with an error naming the line when it is not well-formed XML.
fn parse_tree(text: &str, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Element> {
    let lines = Lines::new(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let fail = |reader: &Reader<&[u8]>, msg: String, diags: &mut Vec<Diagnostic>| {
        diags.push(Diagnostic::error(
            path,
            lines.line_at(reader.error_position() as usize),
            format!("not well-formed XML: {msg}"),
        ));
    };
    loop {
        let at = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(XmlEvent::Start(e)) => {
                let mut el = Element {
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    line: lines.line_at(at + text[at..].find('<').unwrap_or(0)),
                    ..Element::default()
                };
                for a in e.attributes() {
                    match a {
                        Ok(a) => {
                            let key =
                                String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                            match a.unescape_value() {
                                Ok(v) => el.attrs.push((key, v.into_owned())),
                                Err(err) => {
                                    fail(&reader, err.to_string(), diags);
                                    return None;
                                }
                            }
                        }
                        Err(err) => {
                            fail(&reader, err.to_string(), diags);
                            return None;
                        }
                    }
                }
                stack.push(el);
            }
            Ok(XmlEvent::End(_)) => {
                let Some(el) = stack.pop() else {
                    fail(&reader, "an end tag without a start tag".into(), diags);
                    return None;
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Ok(XmlEvent::Text(t)) => {
                if let Some(top) = stack.last_mut() {
                    match t.unescape() {
                        Ok(s) => top.text.push_str(&s),
                        Err(err) => {
                            fail(&reader, err.to_string(), diags);
                            return None;
                        }
                    }
                }
            }
            Ok(XmlEvent::CData(t)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t.into_inner()));
                }
            }
            Ok(XmlEvent::Eof) => break,
            Ok(_) => {}
            Err(err) => {
                fail(&reader, err.to_string(), diags);
                return None;
            }
        }
    }
    if !stack.is_empty() {
        diags.push(Diagnostic::error(
            path,
            stack.last().map_or(0, |e| e.line),
            format!(
                "not well-formed XML: <{}> is never closed",
                stack[stack.len() - 1].name
            ),
        ));
        return None;
    }
    if root.is_none() {
        diags.push(Diagnostic::error(
            path,
            1,
            "the XML document has no root element",
        ));
    }
    root
}

/// Parses a frab/pentabarf `schedule.xml`.
pub fn parse_xml(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let schedule = parse_tree(text, path, &mut diags).and_then(|root| {
        if root.name != "schedule" {
            diags.push(Diagnostic::error(
                path,
                root.line,
                format!(
                    "the root element is <{}>, not <schedule>: not a frab/pentabarf schedule.xml",
                    root.name
                ),
            ));
            return None;
        }
        Some(xml_schedule(&root, path, &mut diags))
    });
    match schedule {
        Some(s) => convert(s, path, options, diags),
        None => Imported {
            diagnostics: diags,
            ..Imported::default()
        },
    }
}

fn xml_schedule(root: &Element, path: &Path, diags: &mut Vec<Diagnostic>) -> Schedule {
    let empty = Element::default();
    let conf = root.child("conference").unwrap_or(&empty);
    let day_change = conf
        .child_text("day_change")
        .and_then(|t| time::parse_time(&t).ok());
    let conference = Conference {
        line: conf.line.max(1),
        title: conf.child_text("title"),
        acronym: conf.child_text("acronym"),
        description: conf.child_text("description"),
        start: conf.child_text("start"),
        end: conf.child_text("end"),
        time_zone: conf.child_text("time_zone_name"),
        url: conf.child_text("url"),
        base_url: conf.child_text("base_url"),
        venue: conf.child_text("venue"),
        city: conf.child_text("city"),
        rooms: Vec::new(),
        tracks: conf
            .children("track")
            .filter_map(|t| {
                Some(TrackDecl {
                    name: t.attr("name").or_else(|| clean_text(&t.text))?,
                    slug: t.attr("slug"),
                    color: t.attr("color"),
                })
            })
            .collect(),
        generator: root.child("generator").and_then(|g| g.attr("name")),
    };
    let mut items = Vec::new();
    let mut room_order = Vec::new();
    let mut unknown = UnknownKeys::default();
    for day in root.children("day") {
        let date = day.attr("date");
        // frab gives the day's start; pentabarf a conference-wide day change.
        let day_start = day
            .attr("start")
            .and_then(|s| s.get(11..16).and_then(|t| time::parse_time(t).ok()))
            .or(day_change);
        for room in day.children("room") {
            let room_name = room.attr("name").unwrap_or_default();
            if !room_name.is_empty() && !room_order.contains(&room_name) {
                room_order.push(room_name.clone());
            }
            for ev in room.children("event") {
                items.push(xml_item(
                    ev,
                    &room_name,
                    date.as_deref(),
                    day_start,
                    &mut unknown,
                ));
            }
        }
    }
    unknown.report(path, diags);
    Schedule {
        conference,
        items,
        room_order,
        extension: HashMap::new(),
    }
}

const KNOWN_XML_CHILDREN: &[&str] = &[
    "date",
    "start",
    "end",
    "duration",
    "room",
    "slug",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
    "logo",
    "persons",
    "links",
    "attachments",
    "url",
    "feedback_url",
    "origin_url",
    "video_download_url",
    "recording",
];

fn xml_item(
    ev: &Element,
    listed_room: &str,
    day_date: Option<&str>,
    day_change: Option<Time>,
    unknown: &mut UnknownKeys,
) -> Item {
    let when = match (ev.child_text("date"), ev.child_text("start"), day_date) {
        (Some(date), _, _) if date.len() > 10 => When::Instant(date),
        (_, Some(start), Some(date)) => When::Local {
            date: date.to_string(),
            time: start,
            day_change,
        },
        _ => When::Missing,
    };
    let persons = ev
        .child("persons")
        .map(|ps| {
            ps.children("person")
                .filter_map(|p| {
                    // frab and pentabarf give a person's name only.
                    let name = clean_text(&p.text)?;
                    Some(Person {
                        key: p
                            .attr("guid")
                            .or_else(|| p.attr("id").map(|id| format!("id:{id}")))
                            .or_else(|| Some(name.clone())),
                        name: Some(name),
                        line: p.line,
                        ..Person::default()
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut links = Vec::new();
    for (list, tag, default_kind) in [
        ("links", "link", "link"),
        ("attachments", "attachment", "attachment"),
    ] {
        for l in ev.child(list).into_iter().flat_map(|ls| ls.children(tag)) {
            if let Some(url) = l.attr("href") {
                let title = clean_text(&l.text);
                let kind = link_kind(l.attr("type").as_deref(), title.as_deref(), default_kind);
                links.push((kind, url, title, l.line));
            }
        }
    }
    for (tag, kind) in [
        ("origin_url", "origin"),
        ("feedback_url", "feedback"),
        ("video_download_url", "video"),
    ] {
        if let Some(url) = ev.child_text(tag) {
            let line = ev.child(tag).map_or(ev.line, |c| c.line);
            links.push((kind.to_string(), url, None, line));
        }
    }
    let mut extra = Map::new();
    if let Some(rec) = ev.child("recording") {
        if let Some(license) = rec.child_text("license") {
            extra.insert("recording_license".into(), Value::String(license));
        }
        if rec.child_text("optout").as_deref() == Some("true") {
            extra.insert("do_not_record".into(), Value::Bool(true));
        }
    }
    for child in &ev.children {
        if KNOWN_XML_CHILDREN.contains(&child.name.as_str()) {
            continue;
        }
        if let Some(text) = clean_text(&child.text) {
            unknown.saw(&child.name, child.line);
            extra.insert(child.name.clone(), Value::String(text));
        }
    }
    Item {
        line: ev.line,
        title: ev.child_text("title"),
        subtitle: ev.child_text("subtitle"),
        kind: ev.child_text("type"),
        when,
        end: None,
        duration: ev.child_text("duration"),
        room: ev.child_text("room").or_else(|| clean_text(listed_room)),
        track: ev.child_text("track"),
        language: ev.child_text("language"),
        abstract_: ev.child_text("abstract"),
        description: ev.child_text("description"),
        persons,
        links,
        page_url: ev.child_text("url"),
        guid: ev.attr("guid"),
        id: ev.attr("id").map(|id| {
            id.parse::<u64>()
                .map_or(Value::String(id.clone()), |n| Value::Number(n.into()))
        }),
        code: ev.attr("code"),
        logo: ev.child_text("logo"),
        extra,
    }
}

// ---- shared shape → pages ---------------------------------------------------

/// What converting items needs to know about the whole document.
struct Context<'a> {
    path: &'a Path,
    zone: Option<(String, TimeZone)>,
    base_url: Option<String>,
    /// confsite's own export: its `url`s are this site's pages, not sources.
    ours: bool,
    offset_mismatches: Vec<(usize, String, String)>,
}

fn convert(
    schedule: Schedule,
    path: &Path,
    options: &ImportOptions,
    mut diags: Vec<Diagnostic>,
) -> Imported {
    let Schedule {
        conference: conf,
        items,
        room_order,
        mut extension,
    } = schedule;
    let has_times = items.iter().any(|i| !matches!(i.when, When::Missing));
    let zone = event_zone(
        conf.time_zone.clone(),
        options,
        path,
        conf.line,
        has_times,
        &mut diags,
    );
    let mut ctx = Context {
        path,
        zone,
        base_url: conf.base_url.clone(),
        ours: conf.generator.as_deref() == Some("confsite"),
        offset_mismatches: Vec::new(),
    };

    let mut sessions = Vec::new();
    let mut speakers: Vec<SpeakerPage> = Vec::new();
    let mut speaker_keys: HashSet<String> = HashSet::new();
    let mut guids: HashMap<String, usize> = HashMap::new();
    for item in items {
        if let Some(g) = &item.guid {
            if let Some(first) = guids.get(g) {
                diags.push(Diagnostic::warning(
                    path,
                    item.line,
                    format!(
                        "guid {g} was already used by the event on line {first}: both are imported"
                    ),
                ));
            } else {
                guids.insert(g.clone(), item.line);
            }
        }
        for p in &item.persons {
            if let Some(name) = &p.name
                && speaker_keys.insert(p.key.clone().unwrap_or_else(|| name.clone()))
            {
                speakers.push(speaker_page(name, p, &ctx, &mut diags));
            }
        }
        let ext = item.guid.as_ref().and_then(|g| extension.remove(g));
        if let Some(page) = session_page(item, ext, &mut ctx, &mut diags) {
            sessions.push(page);
        }
    }
    if let Some((line, written, shown)) = ctx.offset_mismatches.first() {
        let zone = ctx.zone.as_ref().map_or("", |z| z.0.as_str());
        let n = ctx.offset_mismatches.len();
        diags.push(Diagnostic::warning(
            path,
            *line,
            format!(
                "{n} session time{} carr{} a UTC offset that {zone} does not use at that moment \
                 (first: `{written}` is {shown} in {zone}): the moments are kept and shown in {zone}; \
                 pass --timezone to show them in the zone the offset belongs to",
                if n == 1 { "" } else { "s" },
                if n == 1 { "ies" } else { "y" },
            ),
        ));
    }

    let name = choose(
        "event name",
        conf.title.clone(),
        options.name.as_ref(),
        path,
        conf.line,
        &mut diags,
    );
    if name.is_none() {
        diags.push(Diagnostic::warning(
            path,
            conf.line,
            "the schedule names no conference title: pass --name",
        ));
    }
    let date_part = |d: &Option<String>| d.as_ref().map(|d| d.chars().take(10).collect::<String>());
    let start_date = choose(
        "start date",
        date_part(&conf.start),
        options.date.as_ref(),
        path,
        conf.line,
        &mut diags,
    );
    let location = choose(
        "location",
        conf.city.clone(),
        options.location.as_ref(),
        path,
        conf.line,
        &mut diags,
    );

    let mut rooms: Vec<RoomEntry> = conf
        .rooms
        .iter()
        .map(|r| {
            if r.description.is_some() {
                RoomEntry::Full(r.clone())
            } else {
                RoomEntry::Name(r.name.clone())
            }
        })
        .collect();
    let mut declared_rooms: HashSet<String> = conf.rooms.iter().map(|r| r.name.clone()).collect();
    for r in room_order {
        if declared_rooms.insert(r.clone()) {
            rooms.push(RoomEntry::Name(r));
        }
    }
    let mut seen_tracks = HashSet::new();
    let tracks = conf
        .tracks
        .iter()
        .filter(|t| seen_tracks.insert(t.name.clone()))
        .map(|t| {
            let slug = t
                .slug
                .clone()
                .filter(|s| slugs::is_valid(s) && *s != slugs::slugify(&t.name));
            if slug.is_none() && t.color.is_none() {
                TrackEntry::Name(t.name.clone())
            } else {
                TrackEntry::Full(TrackDetails {
                    name: t.name.clone(),
                    slug,
                    color: t.color.clone(),
                    ..TrackDetails::default()
                })
            }
        })
        .collect();
    let mut extra = Map::new();
    if let Some(acronym) = &conf.acronym
        && !ctx.ours
    {
        extra.insert("acronym".into(), Value::String(acronym.clone()));
    }
    let event = EventPage {
        front: EventFront {
            name: name.unwrap_or_default(),
            timezone: ctx.zone.as_ref().map(|z| z.0.clone()).unwrap_or_default(),
            start_date,
            end_date: date_part(&conf.end),
            venue: conf.venue.clone(),
            location,
            // confsite's export names the exporting site's event page when the
            // event has no website of its own: that is not the event's URL.
            url: conf.url.clone().filter(|u| {
                !(ctx.ours && conf.base_url.as_deref().is_some_and(|b| u.starts_with(b)))
            }),
            rooms,
            tracks,
            imported_from: source_name(path),
            extra: (!extra.is_empty()).then_some(Value::Object(extra)),
            ..EventFront::default()
        },
        body: conf.description.clone().unwrap_or_default(),
    };
    Imported {
        event,
        sessions,
        speakers,
        diagnostics: diags,
    }
}

/// A person's speaker page: bio, photo and links, each URL resolved against
/// the schedule's base URL; one that cannot be a link is reported at the
/// person's line and left out.
fn speaker_page(name: &str, p: &Person, ctx: &Context, diags: &mut Vec<Diagnostic>) -> SpeakerPage {
    let base = ctx.base_url.as_deref();
    let at = (ctx.path, p.line);
    let mut links: Vec<LinkEntry> = Vec::new();
    // In confsite's own export `url` is the speaker's page on the exporting site.
    let page_url = p
        .page_url
        .as_ref()
        .filter(|_| !ctx.ours)
        .map(|u| ("source".to_string(), u.clone(), None));
    for (kind, url, title) in p.links.iter().chain(page_url.iter()) {
        if let Some(l) = link(kind, url, title.as_deref(), base, at, diags)
            && !links.iter().any(|have| have.url == l.url)
        {
            links.push(l);
        }
    }
    SpeakerPage {
        front: SpeakerFront {
            name: name.to_string(),
            photo: p
                .photo
                .as_deref()
                .and_then(|url| photo_url(url, name, base, at, diags)),
            links,
            ..SpeakerFront::default()
        },
        bio: p.bio.clone().unwrap_or_default(),
    }
}

fn session_page(
    item: Item,
    ext: Option<SessionExtension>,
    ctx: &mut Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<SessionPage> {
    let path = ctx.path;
    let line = item.line;
    let Some(title) = item.title.clone() else {
        diags.push(Diagnostic::error(
            path,
            line,
            "an event without a title cannot become a session page",
        ));
        return None;
    };
    let start = start_time(&item, ctx, diags);
    let end = start.as_ref().and_then(|s| end_time(&item, s, ctx, diags));

    let mut speakers: Vec<SpeakerEntry> = item
        .persons
        .iter()
        .filter_map(|p| {
            let name = p.name.clone()?;
            let role = p
                .role
                .as_deref()
                .map(str::to_lowercase)
                .filter(|r| r != "speaker");
            Some(match role {
                Some(role) => SpeakerEntry::Full(SpeakerRef {
                    name: Some(name),
                    role: Some(role),
                    ..SpeakerRef::default()
                }),
                None => SpeakerEntry::Name(name),
            })
        })
        .collect();
    if item.persons.iter().any(|p| p.name.is_none()) {
        diags.push(Diagnostic::warning(
            path,
            line,
            format!("`{title}` lists a person without a name: left out"),
        ));
    }

    // The event's page at its origin is where the session came from; in
    // confsite's own export it is the page on the exporting site instead.
    let page_url = item.page_url.clone().filter(|_| !ctx.ours);
    let mut links = Vec::new();
    for (kind, url, link_title, link_line) in item.links.iter().chain(
        page_url
            .map(|u| ("source".to_string(), u, None, line))
            .iter(),
    ) {
        links.extend(link(
            kind,
            url,
            link_title.as_deref(),
            ctx.base_url.as_deref(),
            (path, *link_line),
            diags,
        ));
    }

    let mut extra = item.extra;
    if let Some(g) = &item.guid {
        extra.insert("guid".into(), Value::String(g.clone()));
    }
    if !ctx.ours {
        if let Some(id) = item.id {
            extra.insert("id".into(), id);
        }
        if let Some(code) = &item.code {
            extra.insert("code".into(), Value::String(code.clone()));
        }
    }
    if let Some(subtitle) = &item.subtitle {
        extra.insert("subtitle".into(), Value::String(subtitle.clone()));
    }
    if let Some(logo) = &item.logo
        && let Some(url) = super::structured::absolute_url(logo, ctx.base_url.as_deref())
    {
        extra.insert("logo".into(), Value::String(url));
    }

    let mut front = SessionFront {
        title,
        kind: item.kind.map(|k| k.to_lowercase()),
        start: start.as_ref().map(time::rfc3339),
        end: end.as_ref().map(time::rfc3339),
        room: item.room,
        track: item.track.map(OneOrMany::One),
        language: item.language,
        links,
        ..SessionFront::default()
    };
    let mut body = join_body(&[item.abstract_, item.description]);
    if let Some(ext) = ext {
        apply_extension(&mut front, &mut speakers, &mut body, ext, path, line, diags);
    }
    front.speakers = speakers;
    front.extra = (!extra.is_empty()).then_some(Value::Object(extra));
    Some(SessionPage { front, body })
}

/// confsite's own block: what the c3voc fields could not carry.
fn apply_extension(
    front: &mut SessionFront,
    speakers: &mut Vec<SpeakerEntry>,
    body: &mut String,
    ext: SessionExtension,
    path: &Path,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(slug) = ext.slug.filter(|s| slugs::is_valid(s)) {
        front.slug = Some(slug);
    }
    if ext.tracks.len() > 1 {
        front.track = Some(OneOrMany::Many(ext.tracks));
    }
    front.tags = ext.tags;
    front.level = ext.level;
    front.prerequisites = ext.prerequisites;
    if ext.body.as_deref() == Some("notes") {
        front.body = Some("notes".into());
    }
    if ext.overlap_allowed {
        front.overlap = Some("allowed".into());
    }
    if !ext.links.is_empty() {
        front.links = ext.links;
    }
    if !ext.speakers.is_empty() {
        if ext.speakers.len() == speakers.len() {
            *speakers = ext
                .speakers
                .into_iter()
                .map(|s| {
                    if s.affiliation.is_none() && s.role.is_none() {
                        SpeakerEntry::Name(s.name)
                    } else {
                        SpeakerEntry::Full(SpeakerRef {
                            name: Some(s.name),
                            affiliation: s.affiliation,
                            role: s.role,
                            ..SpeakerRef::default()
                        })
                    }
                })
                .collect();
        } else {
            diags.push(Diagnostic::warning(
                path,
                line,
                "the `confsite` block lists other speakers than the event: keeping the event's",
            ));
        }
    }
    *body = body.trim().to_string();
}

fn start_time(item: &Item, ctx: &mut Context, diags: &mut Vec<Diagnostic>) -> Option<Zoned> {
    let (zone_name, tz) = ctx.zone.clone()?;
    let path = ctx.path;
    match &item.when {
        When::Missing => {
            diags.push(Diagnostic::warning(
                path,
                item.line,
                format!(
                    "`{}` has no start time: imported without a time",
                    item.title.as_deref().unwrap_or_default()
                ),
            ));
            None
        }
        When::Instant(text) => instant(text, &tz, &zone_name, item.line, ctx, diags),
        When::Local {
            date,
            time: clock,
            day_change,
        } => {
            let parsed = time::parse_date(date).and_then(|d| {
                let t = time::parse_time(clock)?;
                // Before the day change, a time belongs to the next calendar date.
                let d = match day_change {
                    Some(change) if t < *change => d.tomorrow().map_err(|e| e.to_string())?,
                    _ => d,
                };
                time::local_in_zone(d.to_datetime(t), &tz, &zone_name)
            });
            parsed
                .map_err(|msg| diags.push(Diagnostic::error(path, item.line, msg)))
                .ok()
        }
    }
}

/// A date-time with offset, placed in the event's zone. An offset the zone
/// does not use then is not an error — the moment is clear — but it shifts
/// the shown time, so it is collected for one report.
fn instant(
    text: &str,
    tz: &TimeZone,
    zone_name: &str,
    line: usize,
    ctx: &mut Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<Zoned> {
    if let Ok(z) = time::parse_datetime(text, tz, zone_name) {
        return Some(z);
    }
    match text.trim().parse::<Timestamp>() {
        Ok(ts) => {
            let z = ts.to_zoned(tz.clone());
            ctx.offset_mismatches
                .push((line, text.trim().to_string(), time::rfc3339(&z)));
            Some(z)
        }
        Err(_) => {
            diags.push(Diagnostic::error(
                ctx.path,
                line,
                format!("`{}` is not a date and time with a UTC offset", text.trim()),
            ));
            None
        }
    }
}

fn end_time(
    item: &Item,
    start: &Zoned,
    ctx: &mut Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<Zoned> {
    let (zone_name, tz) = ctx.zone.clone()?;
    let from_end = item
        .end
        .as_deref()
        .and_then(|e| instant(e, &tz, &zone_name, item.line, ctx, diags));
    let end = match from_end {
        Some(e) => Some(e),
        None => {
            let d = item.duration.as_deref()?;
            match parse_duration(d) {
                Some(d) => start.checked_add(d).ok(),
                None => {
                    diags.push(Diagnostic::warning(
                        ctx.path,
                        item.line,
                        format!("duration `{d}` is not HH:MM: imported without an end time"),
                    ));
                    None
                }
            }
        }
    };
    match end {
        // A zero length means "not given" in these formats.
        Some(e) if e == *start => None,
        Some(e) if e < *start => {
            diags.push(Diagnostic::warning(
                ctx.path,
                item.line,
                format!(
                    "`{}` ends before it starts: imported without an end time",
                    item.title.as_deref().unwrap_or_default()
                ),
            ));
            None
        }
        other => other,
    }
}

/// `HH:MM`, `H:MM`, `HH:MM:SS` (frab, pentabarf) or ISO 8601 `PT1H30M` (v2).
fn parse_duration(text: &str) -> Option<SignedDuration> {
    let t = text.trim();
    if t.starts_with(['P', 'p']) {
        return time::parse_duration(t).ok();
    }
    let mut parts = t.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m) = (parts.next()??, parts.next()??);
    let s = match parts.next() {
        Some(s) => s?,
        None => 0,
    };
    if parts.next().is_some() || h < 0 || !(0..60).contains(&m) || !(0..60).contains(&s) {
        return None;
    }
    Some(SignedDuration::from_secs(h * 3600 + m * 60 + s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("00:30"), Some(SignedDuration::from_mins(30)));
        assert_eq!(
            parse_duration("1:05:30"),
            Some(SignedDuration::from_secs(3930))
        );
        assert_eq!(
            parse_duration("PT1H30M"),
            Some(SignedDuration::from_mins(90))
        );
        assert_eq!(parse_duration("0:75"), None);
        assert_eq!(parse_duration("soon"), None);
    }

    #[test]
    fn link_kinds() {
        assert_eq!(link_kind(Some("media"), None, "link"), "video");
        assert_eq!(link_kind(Some("slides"), Some("Deck"), "link"), "slides");
        assert_eq!(link_kind(None, Some("Video"), "link"), "video");
        assert_eq!(link_kind(None, Some("Project website"), "link"), "link");
    }
}
