//! `schedule.json` (render stage): the c3voc [`Program`] view → the c3voc
//! schedule JSON, version 1 (days → rooms → events), valid against the
//! c3voc `schema.json`, as pretalx and frab write it.
//!
//! What c3voc has no field for (further tracks, tags, speakers'
//! affiliations, link kinds, the page slug) goes in a `confsite` block
//! beside `conference` — the schema allows extra keys there and apps ignore
//! them — so `confsite import` of this file gives back the same pages.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use sha2::{Digest, Sha256};

use super::c3voc::{DayOut, LinkOut, Program, SessionOut, VERSION_PLACEHOLDER, format_duration};
use crate::model::BodyKind;

/// The schema the file declares (and is tested against).
pub const SCHEMA_URL: &str = "https://c3voc.de/schedule/schema.json";

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    generator: Generator,
    schedule: Schedule<'a>,
}

#[derive(Serialize)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

pub const GENERATOR: Generator = Generator {
    name: "confsite",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct Schedule<'a> {
    version: &'a str,
    base_url: &'a str,
    conference: Conference<'a>,
    confsite: Extension<'a>,
}

#[derive(Serialize)]
struct Conference<'a> {
    acronym: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    start: String,
    end: String,
    #[serde(rename = "daysCount")]
    days_count: usize,
    timeslot_duration: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone_name: Option<&'a str>,
    url: &'a str,
    rooms: Vec<RoomJson<'a>>,
    tracks: Vec<TrackJson<'a>>,
    days: Vec<DayJson<'a>>,
}

#[derive(Serialize)]
struct RoomJson<'a> {
    name: &'a str,
    guid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct TrackJson<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<&'a str>,
}

#[derive(Serialize)]
struct DayJson<'a> {
    index: usize,
    date: String,
    day_start: &'a str,
    day_end: &'a str,
    rooms: RoomsOfDay<'a>,
}

/// A day's rooms as a JSON object in the event's room order (a map type
/// would sort them by name).
struct RoomsOfDay<'a> {
    day: &'a DayOut,
    program: &'a Program<'a>,
}

impl Serialize for RoomsOfDay<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.day.rooms.len()))?;
        for (room, indexes) in &self.day.rooms {
            let events: Vec<EventJson> = indexes
                .iter()
                .map(|&i| event_json(&self.program.sessions[i]))
                .collect();
            map.serialize_entry(room, &events)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct EventJson<'a> {
    id: u32,
    guid: &'a str,
    date: &'a str,
    start: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<&'a str>,
    duration: String,
    room: &'a str,
    slug: &'a str,
    url: &'a str,
    title: &'a str,
    subtitle: Option<&'a str>,
    track: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    language: Option<&'a str>,
    #[serde(rename = "abstract")]
    abstract_: &'a str,
    description: Option<&'a str>,
    persons: Vec<PersonJson<'a>>,
    links: Vec<ReferenceJson<'a>>,
}

/// The schema's `FrabPerson` shape (`id` + `public_name`); a `name` key
/// would also match `PretalxPerson`, and the schema wants exactly one.
#[derive(Serialize)]
struct PersonJson<'a> {
    id: u32,
    guid: &'a str,
    public_name: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    biography: Option<&'a str>,
}

#[derive(Serialize)]
struct ReferenceJson<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    url: &'a str,
    title: &'a str,
}

/// What the c3voc fields cannot hold, per session, for lossless re-import.
#[derive(Serialize)]
struct Extension<'a> {
    /// Bumped when this block changes shape.
    format: u32,
    sessions: Vec<SessionExtension<'a>>,
}

#[derive(Serialize)]
struct SessionExtension<'a> {
    guid: &'a str,
    slug: &'a str,
    #[serde(skip_serializing_if = "slice_is_short")]
    tracks: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    speakers: Vec<SpeakerExtension<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<LinkExtension<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prerequisites: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    overlap_allowed: bool,
}

/// One track fits the c3voc `track` field; only more need the extension.
fn slice_is_short(tracks: &&[String]) -> bool {
    tracks.len() < 2
}

#[derive(Serialize)]
struct SpeakerExtension<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    affiliation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct LinkExtension<'a> {
    kind: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

fn event_json<'a>(s: &'a SessionOut<'a>) -> EventJson<'a> {
    EventJson {
        id: s.id,
        guid: &s.guid,
        date: &s.date,
        start: &s.start,
        end: s.end.as_deref(),
        duration: format_duration(s.duration_minutes),
        room: s.room,
        slug: &s.slug,
        url: &s.url,
        title: &s.session.title,
        subtitle: s.subtitle,
        track: s.track,
        kind: &s.session.kind,
        language: s.session.language.as_deref(),
        abstract_: s.abstract_,
        description: s.description,
        persons: s
            .persons
            .iter()
            .map(|p| PersonJson {
                id: p.id,
                guid: &p.guid,
                public_name: p.name,
                url: &p.url,
                biography: p.biography,
            })
            .collect(),
        links: s.links.iter().map(reference_json).collect(),
    }
}

fn reference_json<'a>(l: &'a LinkOut<'a>) -> ReferenceJson<'a> {
    ReferenceJson {
        kind: l.c3voc_type,
        url: &l.url,
        title: l.text,
    }
}

fn extension<'a>(s: &'a SessionOut<'a>) -> SessionExtension<'a> {
    let session = s.session;
    let detailed = session
        .speakers
        .iter()
        .any(|sp| sp.affiliation.is_some() || sp.role.is_some());
    SessionExtension {
        guid: &s.guid,
        slug: &session.slug,
        tracks: &session.tracks,
        tags: &session.tags,
        speakers: if detailed {
            session
                .speakers
                .iter()
                .map(|sp| SpeakerExtension {
                    name: &sp.name,
                    affiliation: sp.affiliation.as_deref(),
                    role: sp.role.as_deref(),
                })
                .collect()
        } else {
            Vec::new()
        },
        links: session
            .links
            .iter()
            .map(|l| LinkExtension {
                kind: &l.kind,
                url: &l.url,
                title: l.title.as_deref(),
            })
            .collect(),
        level: session.level.as_deref(),
        prerequisites: session.prerequisites.as_deref(),
        body: (session.body_kind == BodyKind::Notes).then_some("notes"),
        overlap_allowed: session.overlap_allowed,
    }
}

fn doc<'a>(program: &'a Program<'a>, version: &'a str) -> Doc<'a> {
    let days: Vec<DayJson> = program
        .days
        .iter()
        .map(|d| DayJson {
            index: d.index,
            date: d.date.to_string(),
            day_start: &d.start,
            day_end: &d.end,
            rooms: RoomsOfDay { day: d, program },
        })
        .collect();
    Doc {
        schema: SCHEMA_URL,
        generator: GENERATOR,
        schedule: Schedule {
            version,
            base_url: program.base_url,
            conference: Conference {
                acronym: &program.acronym,
                title: program.title,
                description: program.description,
                start: program.start.to_string(),
                end: program.end.to_string(),
                days_count: program.days.len(),
                timeslot_duration: &program.timeslot,
                time_zone_name: program.time_zone_name,
                url: &program.url,
                rooms: program
                    .rooms
                    .iter()
                    .map(|r| RoomJson {
                        name: r.name,
                        guid: &r.guid,
                        slug: r.slug,
                        description: r.description,
                    })
                    .collect(),
                tracks: program
                    .tracks
                    .iter()
                    .map(|t| TrackJson {
                        name: t.name,
                        slug: t.slug,
                        color: t.color.as_deref(),
                    })
                    .collect(),
                days,
            },
            confsite: Extension {
                format: 1,
                sessions: program.sessions.iter().map(extension).collect(),
            },
        },
    }
}

/// Writes `program` as JSON and returns it with its version: a digest of
/// the file itself, so the same program always gives the same version.
///
/// The version's place is found as the placeholder's first occurrence: only
/// the fixed `$schema` and `generator` come before it.
pub fn write(program: &Program) -> (Vec<u8>, String) {
    let mut out = Vec::with_capacity(program.size_hint());
    super::write_pretty_json(&mut out, &doc(program, VERSION_PLACEHOLDER));
    out.push(b'\n');
    let digest = Sha256::digest(&out);
    let version: String = digest[..VERSION_PLACEHOLDER.len() / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let at = find(&out, 0, VERSION_PLACEHOLDER).expect("the version placeholder is written");
    out[at..at + version.len()].copy_from_slice(version.as_bytes());
    (out, version)
}

/// Byte offset of `needle` in `haystack` at or after `from`.
pub fn find(haystack: &[u8], from: usize, needle: &str) -> Option<usize> {
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .map(|i| from + i)
}
