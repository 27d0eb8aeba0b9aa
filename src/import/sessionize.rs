//! Import stage, Sessionize: the public JSON of an event's API endpoint
//! (`https://sessionize.com/api/v2/<id>/view/All`: `sessions`, `speakers`,
//! `categories`, `rooms`, `questions`) → an event file and session pages.
//!
//! Sessions refer to speakers by id, to their room by `roomId` and to
//! category items (track, level, format, language, ...) by id; all are
//! resolved here, and an id that resolves to nothing is reported. Times are
//! local wall-clock times without an offset, so the event's zone must come
//! from `--timezone`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::structured::{
    Lines, clean_text, event_zone, link, name_from_flag, photo_url, source_name,
};
use super::{ImportOptions, Imported};
use crate::content::pages::{
    EventFront, EventPage, LinkEntry, OneOrMany, RoomEntry, SessionFront, SessionPage,
    SpeakerEntry, SpeakerFront, SpeakerPage, SpeakerRef, TrackEntry,
};
use crate::diagnostic::Diagnostic;
use crate::time;

/// True when `value` has the shape of the `view/All` export, or of a
/// grouped view (which the parser refuses with advice).
pub fn looks_like(value: &Value) -> bool {
    ["sessions", "speakers", "rooms"]
        .iter()
        .all(|k| value.get(k).is_some_and(Value::is_array))
        || is_grouped_view(value)
}

/// `view/Sessions` and `view/GridSmart`: a list of groups, each with sessions.
fn is_grouped_view(value: &Value) -> bool {
    value.as_array().is_some_and(|groups| {
        !groups.is_empty()
            && groups.iter().all(|g| {
                g.get("groupId").is_some() && g.get("sessions").is_some_and(Value::is_array)
            })
    })
}

/// What a category's items mean for a session, by the category's title.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Track,
    Level,
    Kind,
    Language,
    Tag,
}

fn category_role(title: &str) -> Role {
    match title.trim().to_lowercase().as_str() {
        "track" | "tracks" | "stream" | "streams" => Role::Track,
        "level" | "session level" | "audience level" | "experience level" | "difficulty" => {
            Role::Level
        }
        "session format" | "format" | "session type" | "type" => Role::Kind,
        "language" | "session language" | "languages" => Role::Language,
        _ => Role::Tag,
    }
}

/// Where each session and speaker starts in the text.
#[derive(Deserialize)]
struct Positions<'a> {
    #[serde(borrow, default)]
    sessions: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    speakers: Vec<&'a RawValue>,
}

struct Speaker {
    name: String,
    tagline: Option<String>,
    page: SpeakerPage,
}

/// Parses a Sessionize `view/All` export.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    let mut diags = Vec::new();
    let failed = |diags: Vec<Diagnostic>| Imported {
        diagnostics: diags,
        ..Imported::default()
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::error(path, e.line(), format!("not valid JSON: {e}"))
                    .at_col(e.column()),
            );
            return failed(diags);
        }
    };
    if is_grouped_view(&root) {
        diags.push(Diagnostic::error(
            path,
            1,
            "this is a Sessionize grouped view (`view/Sessions` or `view/GridSmart`): export `view/All` instead, which lists speakers, rooms and categories too",
        ));
        return failed(diags);
    }
    if !looks_like(&root) {
        diags.push(Diagnostic::error(
            path,
            1,
            "not a Sessionize `view/All` export: expected `sessions`, `speakers` and `rooms` lists",
        ));
        return failed(diags);
    }
    let positions: Positions = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            diags.push(Diagnostic::error(
                path,
                e.line(),
                format!("unexpected structure: {e}"),
            ));
            return failed(diags);
        }
    };
    let lines = Lines::new(text);
    let line_of =
        |raw: &RawValue| lines.line_at(raw.get().as_ptr() as usize - text.as_ptr() as usize);

    // Rooms and categories, in their `sort` order.
    let mut rooms: Vec<(i64, String, String)> = root["rooms"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((sort_key(r), id_key(r.get("id")?)?, str_of(r, "name")?)))
        .collect();
    rooms.sort_by_key(|(sort, ..)| *sort);
    let room_names: HashMap<&str, &str> = rooms
        .iter()
        .map(|(_, id, n)| (id.as_str(), n.as_str()))
        .collect();
    let mut items: HashMap<String, (Role, String, String)> = HashMap::new();
    let mut tracks: Vec<(i64, i64, String)> = Vec::new();
    for cat in root
        .get("categories")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let title = str_of(cat, "title").unwrap_or_default();
        let role = category_role(&title);
        for item in cat
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(id), Some(name)) = (item.get("id").and_then(id_key), str_of(item, "name"))
            else {
                continue;
            };
            if role == Role::Track {
                tracks.push((sort_key(cat), sort_key(item), name.clone()));
            }
            items.insert(id, (role, title.clone(), name));
        }
    }
    tracks.sort_by_key(|(c, i, _)| (*c, *i));
    let questions: HashMap<String, String> = root
        .get("questions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|q| Some((id_key(q.get("id")?)?, str_of(q, "question")?)))
        .collect();

    // Speakers by id, in document order.
    let mut speakers: HashMap<String, Speaker> = HashMap::new();
    let mut speaker_order = Vec::new();
    for raw in &positions.speakers {
        let line = line_of(raw);
        let Ok(sp) = serde_json::from_str::<Value>(raw.get()) else {
            continue;
        };
        let Some(id) = sp.get("id").and_then(id_key) else {
            diags.push(Diagnostic::warning(
                path,
                line,
                "a speaker without an `id`: no session can name them",
            ));
            continue;
        };
        let name = str_of(&sp, "fullName").or_else(|| {
            let full = format!(
                "{} {}",
                str_of(&sp, "firstName").unwrap_or_default(),
                str_of(&sp, "lastName").unwrap_or_default()
            );
            clean_text(&full)
        });
        let Some(name) = name else {
            diags.push(Diagnostic::warning(
                path,
                line,
                format!("speaker {id} has no name: left out"),
            ));
            continue;
        };
        let tagline = str_of(&sp, "tagLine");
        let links = sp
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| {
                let kind =
                    str_of(l, "linkType").map_or_else(|| "web".to_string(), |k| k.to_lowercase());
                link(
                    &kind,
                    &str_of(l, "url")?,
                    str_of(l, "title").as_deref(),
                    None,
                    (path, line),
                    &mut diags,
                )
            })
            .collect();
        let photo = str_of(&sp, "profilePicture")
            .and_then(|url| photo_url(&url, &name, None, (path, line), &mut diags));
        speaker_order.push(id.clone());
        speakers.insert(
            id,
            Speaker {
                name: name.clone(),
                tagline: tagline.clone(),
                page: SpeakerPage {
                    front: SpeakerFront {
                        name,
                        // A tag line is the one line shown beside a speaker's
                        // name ("VP Engineering, Paylane"): what `affiliation` is.
                        affiliation: tagline,
                        photo,
                        links,
                        ..SpeakerFront::default()
                    },
                    bio: str_of(&sp, "bio").unwrap_or_default(),
                },
            },
        );
    }

    let has_times = root["sessions"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| str_of(s, "startsAt").is_some()));
    let zone = event_zone(None, options, path, 1, has_times, &mut diags);

    let mut sessions = Vec::new();
    for raw in &positions.sessions {
        let line = line_of(raw);
        let Ok(Value::Object(s)) = serde_json::from_str::<Value>(raw.get()) else {
            diags.push(Diagnostic::error(
                path,
                line,
                "a session is not a JSON object",
            ));
            continue;
        };
        let s = Value::Object(s);
        let Some(title) = str_of(&s, "title") else {
            diags.push(Diagnostic::error(
                path,
                line,
                "a session without a title cannot become a page",
            ));
            continue;
        };
        let at = (path, line);
        let when = |key: &str, diags: &mut Vec<Diagnostic>| {
            let text = str_of(&s, key)?;
            let (name, tz) = zone.as_ref()?;
            time::parse_datetime(&text, tz, name)
                .map_err(|m| diags.push(Diagnostic::error(path, line, format!("{key}: {m}"))))
                .ok()
        };
        let start = when("startsAt", &mut diags);
        let end = when("endsAt", &mut diags).filter(|e| start.as_ref().is_some_and(|s| e > s));

        let mut speaker_entries = Vec::new();
        for id in s
            .get("speakers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // `view/All` gives ids; other views embed `{id, name}`.
            let key = id_key(id).or_else(|| id.get("id").and_then(id_key));
            match key.as_deref().and_then(|k| speakers.get(k)) {
                Some(sp) => speaker_entries.push(match &sp.tagline {
                    Some(t) => SpeakerEntry::Full(SpeakerRef {
                        name: Some(sp.name.clone()),
                        affiliation: Some(t.clone()),
                        ..SpeakerRef::default()
                    }),
                    None => SpeakerEntry::Name(sp.name.clone()),
                }),
                None => match str_of(id, "name") {
                    Some(name) => speaker_entries.push(SpeakerEntry::Name(name)),
                    None => diags.push(Diagnostic::warning(
                        path,
                        line,
                        format!("`{title}` names speaker {id}, who is not in `speakers`: left out"),
                    )),
                },
            }
        }

        let mut track = Vec::new();
        let mut tags = Vec::new();
        let mut level = None;
        let mut kind = None;
        let mut language = None;
        for item in s
            .get("categoryItems")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some((role, category, name)) = id_key(item).and_then(|k| items.get(&k)).cloned()
            else {
                diags.push(Diagnostic::warning(
                    path,
                    line,
                    format!("`{title}` refers to category item {item}, which no category lists: left out"),
                ));
                continue;
            };
            let slot = match role {
                Role::Track => {
                    track.push(name);
                    continue;
                }
                Role::Tag => {
                    tags.push(name);
                    continue;
                }
                Role::Level => &mut level,
                Role::Kind => &mut kind,
                Role::Language => &mut language,
            };
            let name = if role == Role::Kind {
                name.to_lowercase()
            } else {
                name
            };
            match slot {
                None => *slot = Some(name),
                Some(first) => {
                    diags.push(Diagnostic::warning(
                        path,
                        line,
                        format!("`{title}` has two `{category}` values, `{first}` and `{name}`: the second becomes a tag"),
                    ));
                    tags.push(name);
                }
            }
        }
        if kind.is_none() && s.get("isServiceSession").and_then(Value::as_bool) == Some(true) {
            kind = Some("service".to_string());
        }

        let room = match s.get("roomId").and_then(id_key) {
            Some(id) => match room_names.get(id.as_str()) {
                Some(name) => Some(name.to_string()),
                None => {
                    diags.push(Diagnostic::warning(
                        path,
                        line,
                        format!("`{title}` is in room {id}, which `rooms` does not list: imported without a room"),
                    ));
                    None
                }
            },
            None => str_of(&s, "room"),
        };

        let mut links: Vec<LinkEntry> = Vec::new();
        for (key, kind) in [("recordingUrl", "video"), ("liveUrl", "stream")] {
            if let Some(url) = str_of(&s, key) {
                links.extend(link(kind, &url, None, None, at, &mut diags));
            }
        }

        let mut extra = Map::new();
        if let Some(id) = s.get("id").filter(|v| !v.is_null()) {
            extra.insert("sessionize_id".into(), id.clone());
        }
        if s.get("isPlenumSession").and_then(Value::as_bool) == Some(true) {
            extra.insert("plenum".into(), Value::Bool(true));
        }
        if let Some(status) = str_of(&s, "status").filter(|st| st != "Accepted") {
            extra.insert("status".into(), Value::String(status));
        }
        let answers: BTreeMap<String, Value> = s
            .get("questionAnswers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|qa| {
                let answer = qa.get("answerValue").filter(|a| !a.is_null())?.clone();
                let question = qa
                    .get("questionId")
                    .and_then(id_key)
                    .map(|id| questions.get(&id).cloned().unwrap_or(id))?;
                Some((question, answer))
            })
            .collect();
        if !answers.is_empty() {
            extra.insert(
                "answers".into(),
                serde_json::to_value(answers).unwrap_or_default(),
            );
        }

        sessions.push(SessionPage {
            front: SessionFront {
                title,
                kind,
                speakers: speaker_entries,
                start: start.as_ref().map(time::rfc3339),
                end: end.as_ref().map(time::rfc3339),
                room,
                track: match track.len() {
                    0 => None,
                    1 => Some(OneOrMany::One(track.remove(0))),
                    _ => Some(OneOrMany::Many(track)),
                },
                tags,
                language,
                level,
                links,
                extra: (!extra.is_empty()).then_some(Value::Object(extra)),
                ..SessionFront::default()
            },
            body: str_of(&s, "description").unwrap_or_default(),
        });
    }

    let name = name_from_flag(options, "a Sessionize export", path, &mut diags);
    let mut seen = std::collections::HashSet::new();
    let event = EventPage {
        front: EventFront {
            name,
            timezone: zone.map(|z| z.0).unwrap_or_default(),
            start_date: options.date.clone(),
            location: options.location.clone(),
            rooms: rooms
                .into_iter()
                .map(|(_, _, n)| RoomEntry::Name(n))
                .collect(),
            tracks: tracks
                .into_iter()
                .filter(|(_, _, n)| seen.insert(n.clone()))
                .map(|(_, _, n)| TrackEntry::Name(n))
                .collect(),
            imported_from: source_name(path),
            ..EventFront::default()
        },
        body: String::new(),
    };
    let speakers = speaker_order
        .into_iter()
        .filter_map(|id| speakers.remove(&id).map(|s| s.page))
        .collect();
    Imported {
        event,
        sessions,
        speakers,
        diagnostics: diags,
    }
}

/// Ids are numbers for rooms and categories, strings (GUIDs or numbers) for
/// sessions and speakers; compare them as text.
fn id_key(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean_text(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn sort_key(v: &Value) -> i64 {
    v.get("sort").and_then(Value::as_i64).unwrap_or(0)
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => clean_text(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_by_title() {
        assert_eq!(category_role("Track"), Role::Track);
        assert_eq!(category_role("Session format"), Role::Kind);
        assert_eq!(category_role(" Level "), Role::Level);
        assert_eq!(category_role("Audience"), Role::Tag);
    }
}
