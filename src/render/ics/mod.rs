//! Render stage, iCalendar feeds (RFC 5545, with the RFC 7986 and
//! de-facto `X-WR-*` calendar properties clients read). Input: one event of
//! the model. Output: `schedule.ics` with every scheduled session, one feed
//! per day, track, room and speaker, and one `.ics` per scheduled session
//! (the "add to calendar" download), at the paths in [`super::urls`].
//! Unscheduled sessions are in no feed.
//!
//! Times are written in UTC (`DTSTART:20251113T160000Z`), with the event's
//! IANA zone as `X-WR-TIMEZONE` for display. A UTC instant means the same
//! thing to every parser and client without a tz database or a `VTIMEZONE`
//! to get right, and it cannot be read as floating time (which ical.js, and
//! so Thunderbird, does with a `TZID` it has no definition for).
//!
//! Each session's `VEVENT` is written once and shared by every feed holding
//! it, so a session reads the same in all of them. Its `UID` is
//! [`super::session_uid`]: event and session slugs plus the site's host, so
//! it survives rebuilds, re-imports, reordering and renamed files, and
//! matches the UID of the browser-made "My agenda" export.

mod contentline;

use jiff::Timestamp;

use super::{RenderContext, markdown, session_uid, urls};
use crate::model::{BodyKind, Event, Session};
use crate::output::OutputFile;
use contentline::Lines;

/// How often subscribers should refresh: programs change up to the last day.
const REFRESH: &str = "PT1H";

/// Writes every feed of `event`.
pub fn render_event(ctx: &RenderContext, event: &Event) -> Vec<OutputFile> {
    let vevents: Vec<Option<String>> = event
        .sessions
        .iter()
        .map(|s| vevent(ctx, event, s))
        .collect();
    let all: Vec<usize> = (0..event.sessions.len()).collect();
    let feed = |path: String, name: String, members: &mut dyn Iterator<Item = usize>| {
        let blocks = members.filter_map(|i| vevents[i].as_deref());
        OutputFile::new(path.clone(), calendar(ctx, event, &name, &path, blocks))
    };

    let mut files = vec![feed(
        urls::schedule_ics(event),
        event.name.clone(),
        &mut all.iter().copied(),
    )];
    for day in event.days() {
        files.push(feed(
            urls::day_ics(event, day),
            format!("{}: {}", event.name, day.strftime("%A %-d %B %Y")),
            &mut all
                .iter()
                .copied()
                .filter(|&i| event.sessions[i].start.as_ref().map(jiff::Zoned::date) == Some(day)),
        ));
    }
    for track in &event.tracks {
        files.push(feed(
            urls::track_ics(event, &track.slug),
            format!("{}: {}", event.name, track.name),
            &mut all
                .iter()
                .copied()
                .filter(|&i| event.sessions[i].tracks.contains(&track.name)),
        ));
    }
    for room in &event.rooms {
        files.push(feed(
            urls::room_ics(event, &room.slug),
            format!("{}: {}", event.name, room.name),
            &mut all
                .iter()
                .copied()
                .filter(|&i| event.sessions[i].room.as_deref() == Some(room.name.as_str())),
        ));
    }
    for speaker in &event.speakers {
        let mut mine = speaker.sessions.clone();
        mine.sort_unstable();
        mine.dedup();
        files.push(feed(
            urls::speaker_ics(event, &speaker.slug),
            format!("{}: {}", event.name, speaker.name),
            &mut mine.into_iter(),
        ));
    }
    for (i, session) in event.sessions.iter().enumerate() {
        if session.is_scheduled() {
            files.push(feed(
                urls::session_ics(event, session),
                format!("{}: {}", event.name, session.title),
                &mut std::iter::once(i),
            ));
        }
    }
    files
}

/// One `VCALENDAR` with the calendar-level properties and `events`.
fn calendar<'a>(
    ctx: &RenderContext,
    event: &Event,
    name: &str,
    path: &str,
    events: impl Iterator<Item = &'a str>,
) -> String {
    let base = &ctx.site.config.base_url;
    let mut l = Lines::new();
    l.raw("BEGIN", "VCALENDAR");
    l.raw("VERSION", "2.0");
    l.text(
        "PRODID",
        concat!("-//confsite//confsite ", env!("CARGO_PKG_VERSION"), "//EN"),
    );
    l.raw("CALSCALE", "GREGORIAN");
    l.raw("METHOD", "PUBLISH");
    l.text("X-WR-CALNAME", name);
    l.text("NAME", name);
    l.text("X-WR-TIMEZONE", &event.tz_name);
    l.raw("URL", &urls::absolute(base, &urls::event_home(event)));
    l.raw("SOURCE;VALUE=URI", &urls::absolute(base, path));
    l.raw("REFRESH-INTERVAL;VALUE=DURATION", REFRESH);
    l.raw("X-PUBLISHED-TTL", REFRESH);
    for e in events {
        l.append(e);
    }
    l.raw("END", "VCALENDAR");
    l.finish()
}

/// The `VEVENT` of a scheduled session; `None` for an unscheduled one.
fn vevent(ctx: &RenderContext, event: &Event, s: &Session) -> Option<String> {
    let start = s.start.as_ref()?.timestamp();
    // Only a positive span makes a DTEND (RFC 5545 §3.8.2.2: DTEND is later
    // than DTSTART); without one the event is the instant DTSTART.
    let end = s
        .end
        .as_ref()
        .map(jiff::Zoned::timestamp)
        .or_else(|| s.duration.and_then(|d| start.checked_add(d).ok()))
        .filter(|end| *end > start);
    let base = &ctx.site.config.base_url;
    let url = urls::absolute(base, &urls::session(event, s));

    let mut l = Lines::new();
    l.raw("BEGIN", "VEVENT");
    l.text("UID", &session_uid(ctx.site, event, s));
    l.raw("DTSTAMP", &utc(ctx.build_time));
    l.raw("DTSTART", &utc(start));
    if let Some(end) = end {
        l.raw("DTEND", &utc(end));
    }
    l.text("SUMMARY", &s.title);
    l.text("DESCRIPTION", &description(s, &url));
    let location = location(event, s);
    if !location.is_empty() {
        l.text("LOCATION", &location);
    }
    l.raw("URL", &url);
    if !s.tracks.is_empty() {
        l.text_list("CATEGORIES", s.tracks.iter().map(String::as_str));
    }
    l.raw("END", "VEVENT");
    Some(l.finish())
}

/// `20251113T160000Z`: RFC 5545 DATE-TIME in UTC ("form #2").
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Speakers, the abstract (or notes) as plain text, and the session page:
/// many clients show no `URL` property, but all show the description.
pub(crate) fn description(s: &Session, url: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !s.speakers.is_empty() {
        let names: Vec<String> = s
            .speakers
            .iter()
            .map(|sp| match &sp.affiliation {
                Some(a) if !a.is_empty() => format!("{} ({a})", sp.name),
                _ => sp.name.clone(),
            })
            .collect();
        let label = if names.len() == 1 {
            "Speaker"
        } else {
            "Speakers"
        };
        parts.push(format!("{label}: {}", names.join(", ")));
    }
    let body = markdown::to_plain_text(&s.body);
    if !body.is_empty() {
        parts.push(match s.body_kind {
            BodyKind::Abstract => body,
            BodyKind::Notes => format!("Notes:\n{body}"),
        });
    }
    parts.push(url.to_string());
    parts.join("\n\n")
}

/// `Room, Venue`: the room, then where the event is.
fn location(event: &Event, s: &Session) -> String {
    [
        s.room.as_deref(),
        event.venue.as_deref().or(event.location.as_deref()),
    ]
    .into_iter()
    .flatten()
    .filter(|p| !p.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}
