//! `sessions.json`: every session of an event as a JSON array, in program
//! order. The shape is documented in the README and kept stable.

use serde::Serialize;

use crate::model::{Event, Session};
use crate::output::OutputFile;
use crate::render::{RenderContext, urls};
use crate::time::rfc3339;

#[derive(Serialize)]
struct SessionJson<'a> {
    title: &'a str,
    slug: &'a str,
    url: String,
    kind: &'a str,
    speakers: Vec<SpeakerJson<'a>>,
    start: Option<String>,
    end: Option<String>,
    room: Option<&'a str>,
    track: Option<&'a str>,
    tracks: &'a [String],
    tags: &'a [String],
    links: Vec<LinkJson<'a>>,
    #[serde(rename = "abstract")]
    abstract_: &'a str,
    body_kind: &'static str,
}

#[derive(Serialize)]
struct SpeakerJson<'a> {
    name: &'a str,
    affiliation: Option<&'a str>,
}

#[derive(Serialize)]
struct LinkJson<'a> {
    kind: &'a str,
    url: &'a str,
}

fn session_json<'a>(ctx: &RenderContext, event: &Event, s: &'a Session) -> SessionJson<'a> {
    SessionJson {
        title: &s.title,
        slug: &s.slug,
        url: urls::absolute(&ctx.site.config.base_url, &urls::session(event, s)),
        kind: &s.kind,
        speakers: s
            .speakers
            .iter()
            .map(|sp| SpeakerJson {
                name: &sp.name,
                affiliation: sp.affiliation.as_deref(),
            })
            .collect(),
        start: s.start.as_ref().map(rfc3339),
        end: s.end.as_ref().map(rfc3339),
        room: s.room.as_deref(),
        track: s.primary_track(),
        tracks: &s.tracks,
        tags: &s.tags,
        links: s
            .links
            .iter()
            .map(|l| LinkJson {
                kind: &l.kind,
                url: &l.url,
            })
            .collect(),
        abstract_: &s.body,
        body_kind: match s.body_kind {
            crate::model::BodyKind::Abstract => "abstract",
            crate::model::BodyKind::Notes => "notes",
        },
    }
}

pub fn render(ctx: &RenderContext, event: &Event) -> OutputFile {
    let sessions: Vec<SessionJson> = event
        .sessions
        .iter()
        .map(|s| session_json(ctx, event, s))
        .collect();
    let mut json = Vec::with_capacity(
        event
            .sessions
            .iter()
            .map(|s| s.body.len() + s.title.len() + 600)
            .sum(),
    );
    super::write_pretty_json(&mut json, &sessions);
    json.push(b'\n');
    OutputFile::new(urls::sessions_json(event), json)
}
