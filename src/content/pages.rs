//! The on-disk shape of content files: the site config, event files, session
//! pages and speaker pages. These structs are what users edit and what the
//! importers write; `content::load_site` turns them into the model.
//!
//! Every struct denies unknown keys so a typo is an error, not a silent loss.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}

/// `confsite.yaml` at the site root.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfigFile {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Public URL, e.g. `https://org.github.io/conf/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme_options: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname: Option<String>,
    /// `HH:MM`, default `04:00`: sessions before it belong to the previous day in exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_change: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Value>,
}

/// `content/<event>/_event.md` front matter; the body is the event description.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventFront {
    pub name: String,
    /// IANA zone name, e.g. `America/New_York`.
    pub timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme_options: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<RoomEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<TrackEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckSettings>,
    /// Where the program was imported from (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Rule names to switch off for this event, e.g. `[speaker-without-sessions]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<String>,
}

/// A room in the event file: a plain name, or a mapping with details.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RoomEntry {
    Name(String),
    Full(RoomDetails),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoomDetails {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sessions in a shared room may overlap (an exhibit hall, a lobby).
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared: bool,
}

impl RoomEntry {
    pub fn details(&self) -> RoomDetails {
        match self {
            RoomEntry::Name(name) => RoomDetails {
                name: name.clone(),
                ..RoomDetails::default()
            },
            RoomEntry::Full(d) => d.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum TrackEntry {
    Name(String),
    Full(TrackDetails),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrackDetails {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

impl TrackEntry {
    pub fn details(&self) -> TrackDetails {
        match self {
            TrackEntry::Name(name) => TrackDetails {
                name: name.clone(),
                ..TrackDetails::default()
            },
            TrackEntry::Full(d) => d.clone(),
        }
    }
}

/// `content/<event>/<slug>.md` front matter; the body is the abstract (or notes).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SessionFront {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<SpeakerEntry>,
    /// `2025-11-13T11:00:00-05:00`, or local `2025-11-13 11:00` in the event's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// With `time`: an alternative to `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `30m`, `1h30m`, `90min`: an alternative to `end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// One track name or a list of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<OneOrMany>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prerequisites: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkEntry>,
    /// `abstract` (default) or `notes`: what the page body holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `allowed` lets this session overlap others in its room or of its speakers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

// Written out rather than `#[serde(untagged)]`: an untagged enum buffers
// every value and tries each variant in turn, which was a third of the
// parse time of a session page (profile of 10,000 pages).
impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;
        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<OneOrMany, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A speaker on a session: a name (or a speaker page's slug), or details.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum SpeakerEntry {
    Name(String),
    Full(SpeakerRef),
}

// Not `#[serde(untagged)]`, for the reason given at `OneOrMany`.
impl<'de> Deserialize<'de> for SpeakerEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpeakerEntryVisitor;
        impl<'de> Visitor<'de> for SpeakerEntryVisitor {
            type Value = SpeakerEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a speaker's name or a mapping of `name`, `id`, `affiliation`, `role`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SpeakerEntry, E> {
                Ok(SpeakerEntry::Name(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<SpeakerEntry, E> {
                Ok(SpeakerEntry::Name(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SpeakerEntry, A::Error> {
                SpeakerRef::deserialize(MapAccessDeserializer::new(map)).map(SpeakerEntry::Full)
            }
            // Serde reads a struct from a sequence of its fields too; the
            // untagged enum this replaces accepted that.
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<SpeakerEntry, A::Error> {
                SpeakerRef::deserialize(SeqAccessDeserializer::new(seq)).map(SpeakerEntry::Full)
            }
        }
        deserializer.deserialize_any(SpeakerEntryVisitor)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpeakerRef {
    /// The speaker's name; may be omitted when `id` names a speaker page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Slug of a speaker page under `speakers/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LinkEntry {
    /// `video`, `slides`, `source`, `code`, ...
    pub kind: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `content/<event>/speakers/<slug>.md` front matter; the body is the bio.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpeakerFront {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkEntry>,
}

/// A session page as a whole: front matter plus Markdown body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionPage {
    pub front: SessionFront,
    pub body: String,
}

/// A speaker page as a whole: front matter plus the bio (Markdown).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpeakerPage {
    pub front: SpeakerFront,
    pub bio: String,
}

impl SpeakerPage {
    /// True when the page would say more than the name a session already gives.
    pub fn has_details(&self) -> bool {
        !self.bio.trim().is_empty()
            || self.front.photo.is_some()
            || !self.front.links.is_empty()
            || self.front.affiliation.is_some()
    }
}

/// An event file as a whole: front matter plus Markdown description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventPage {
    pub front: EventFront,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::frontmatter::parse_yaml;

    fn session(yaml: &str) -> Result<SessionFront, crate::diagnostic::Diagnostic> {
        parse_yaml(yaml, Path::new("s.md"), 1)
    }

    #[test]
    fn speakers_are_names_or_mappings() {
        let front = session(
            "title: A\nspeakers:\n  - Ana Lima\n  - \"Kim: Jr\"\n  - name: Bo\n    role: chair\n  - {id: cy}\n",
        )
        .unwrap();
        assert_eq!(
            front.speakers,
            vec![
                SpeakerEntry::Name("Ana Lima".into()),
                SpeakerEntry::Name("Kim: Jr".into()),
                SpeakerEntry::Full(SpeakerRef {
                    name: Some("Bo".into()),
                    role: Some("chair".into()),
                    ..SpeakerRef::default()
                }),
                SpeakerEntry::Full(SpeakerRef {
                    id: Some("cy".into()),
                    ..SpeakerRef::default()
                }),
            ]
        );
    }

    #[test]
    fn a_misspelt_speaker_key_is_named_with_its_line() {
        let err = session("title: A\nspeakers:\n  - nmae: Bo\n").unwrap_err();
        assert_eq!(err.line, 4);
        assert!(
            err.message.contains("did you mean `name`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_speaker_that_is_neither_name_nor_mapping_is_an_error() {
        for yaml in ["title: A\nspeakers: [12]\n", "title: A\nspeakers: [~]\n"] {
            let err = session(yaml).unwrap_err();
            assert!(
                err.message.contains("a speaker's name or a mapping"),
                "{}",
                err.message
            );
            assert_eq!(err.line, 3);
        }
    }

    #[test]
    fn track_is_one_name_or_a_list() {
        assert_eq!(
            session("title: A\ntrack: Web\n").unwrap().track,
            Some(OneOrMany::One("Web".into()))
        );
        assert_eq!(
            session("title: A\ntrack: [Web, \"Data\"]\n").unwrap().track,
            Some(OneOrMany::Many(vec!["Web".into(), "Data".into()]))
        );
        for yaml in ["title: A\ntrack: {a: 1}\n", "title: A\ntrack: [Web, [x]]\n"] {
            assert!(session(yaml).is_err(), "{yaml}");
        }
    }
}
