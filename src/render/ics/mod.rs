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
//!
//! Cost: every feed is the calendar header plus the member sessions'
//! `VEVENT` text copied in, so the whole render is one pass over the
//! sessions and one copy per feed membership; vevents and feeds are made
//! on every core. Session bodies come as plain text from the shared
//! Markdown cache ([`RenderContext::bodies`]).

mod contentline;

use rayon::prelude::*;

use super::{RenderContext, session_uid, urls};
use crate::model::{BodyKind, Event, Session};
use crate::output::{OutputFile, Sink};
use contentline::Lines;

/// How often subscribers should refresh: programs change up to the last day.
const REFRESH: &str = "PT1H";

/// One feed to write: its path, its calendar name and its sessions.
struct Feed {
    path: String,
    name: String,
    members: Vec<usize>,
}

/// Writes every feed of `event`.
pub fn render_event(ctx: &RenderContext, event: &Event, sink: &dyn Sink) {
    render_event_returning_vevents(ctx, event, sink);
}

/// [`render_event`], returning the sessions' [`vevents`] it wrote the feeds
/// from (`serve` keeps them for its incremental rebuilds).
pub fn render_event_returning_vevents(
    ctx: &RenderContext,
    event: &Event,
    sink: &dyn Sink,
) -> Vec<Option<String>> {
    let vevents = vevents(ctx, event, &|_| None);
    feeds(ctx, event, &vevents, &|_| true, sink);
    vevents
}

/// Every session's `VEVENT` (`None` for an unscheduled one), indexed like
/// `event.sessions`. `reuse(i)` may give one already written for this
/// session by an earlier build of the same site and event (`serve`).
pub fn vevents(
    ctx: &RenderContext,
    event: &Event,
    reuse: &(dyn Fn(usize) -> Option<Option<String>> + Sync),
) -> Vec<Option<String>> {
    let bodies = ctx.bodies().event(event);
    let dtstamp = crate::time::utc_basic(ctx.build_time);
    event
        .sessions
        .par_iter()
        .zip(bodies)
        .enumerate()
        .with_max_len(crate::SESSIONS_PER_PIECE)
        .map(|(i, (s, body))| {
            reuse(i).unwrap_or_else(|| vevent(ctx, event, s, &body.plain, &dtstamp))
        })
        .collect()
}

/// The feeds of `event` whose path `keep` accepts, from its sessions'
/// [`vevents`], each handed to `sink` as soon as it is written (the feeds of
/// a large program add up to more than its pages).
pub fn feeds(
    ctx: &RenderContext,
    event: &Event,
    vevents: &[Option<String>],
    keep: &(dyn Fn(&str) -> bool + Sync),
    sink: &dyn Sink,
) {
    let scheduled: Vec<usize> = (0..event.sessions.len())
        .filter(|&i| vevents[i].is_some())
        .collect();
    // Each session's days, tracks and room in one pass over the sessions.
    let days = event.days();
    let mut by_day = vec![Vec::new(); days.len()];
    let mut by_track = vec![Vec::new(); event.tracks.len()];
    let mut by_room = vec![Vec::new(); event.rooms.len()];
    let track_of = event.track_positions();
    let room_of = event.room_positions();
    for &i in &scheduled {
        let s = &event.sessions[i];
        if let Some(k) = s
            .start
            .as_ref()
            .and_then(|z| days.binary_search(&z.date()).ok())
        {
            by_day[k].push(i);
        }
        for name in &s.tracks {
            if let Some(&k) = track_of.get(name.as_str())
                && by_track[k].last() != Some(&i)
            {
                by_track[k].push(i);
            }
        }
        if let Some(&k) = s.room.as_deref().and_then(|r| room_of.get(r)) {
            by_room[k].push(i);
        }
    }

    let mut feeds = vec![Feed {
        path: urls::schedule_ics(event),
        name: event.name.clone(),
        members: scheduled.clone(),
    }];
    for (day, members) in days.into_iter().zip(by_day) {
        feeds.push(Feed {
            path: urls::day_ics(event, day),
            name: format!("{}: {}", event.name, day.strftime("%A %-d %B %Y")),
            members,
        });
    }
    for (track, members) in event.tracks.iter().zip(by_track) {
        feeds.push(Feed {
            path: urls::track_ics(event, &track.slug),
            name: format!("{}: {}", event.name, track.name),
            members,
        });
    }
    for (room, members) in event.rooms.iter().zip(by_room) {
        feeds.push(Feed {
            path: urls::room_ics(event, &room.slug),
            name: format!("{}: {}", event.name, room.name),
            members,
        });
    }
    for speaker in &event.speakers {
        let mut mine = speaker.sessions.clone();
        mine.sort_unstable();
        mine.dedup();
        mine.retain(|&i| vevents[i].is_some());
        feeds.push(Feed {
            path: urls::speaker_ics(event, &speaker.slug),
            name: format!("{}: {}", event.name, speaker.name),
            members: mine,
        });
    }
    for &i in &scheduled {
        let session = &event.sessions[i];
        feeds.push(Feed {
            path: urls::session_ics(event, session),
            name: format!("{}: {}", event.name, session.title),
            members: vec![i],
        });
    }
    feeds.retain(|feed| keep(&feed.path));
    let frame = Frame::new(ctx, event);
    // The full feed is thousands of times a session's: in small pieces, so
    // the other core is never left waiting behind a long run of them.
    feeds.into_par_iter().with_max_len(16).for_each(|feed| {
        let blocks: Vec<&str> = feed
            .members
            .iter()
            .filter_map(|&i| vevents[i].as_deref())
            .collect();
        let text = calendar(ctx, &frame, &feed.name, &feed.path, &blocks);
        sink.put(OutputFile::new(feed.path, text));
    });
}

/// The content lines every feed of an event has in common, written once:
/// with thousands of speaker and session feeds, the header was a fair part
/// of what a small feed costs.
struct Frame {
    /// `BEGIN` to `METHOD`.
    start: String,
    /// `X-WR-TIMEZONE` and `URL`.
    zone_and_home: String,
    /// `REFRESH-INTERVAL` and `X-PUBLISHED-TTL`.
    refresh: String,
}

impl Frame {
    fn new(ctx: &RenderContext, event: &Event) -> Self {
        let mut start = Lines::default();
        start.raw("BEGIN", "VCALENDAR");
        start.raw("VERSION", "2.0");
        start.text(
            "PRODID",
            concat!("-//confsite//confsite ", env!("CARGO_PKG_VERSION"), "//EN"),
        );
        start.raw("CALSCALE", "GREGORIAN");
        start.raw("METHOD", "PUBLISH");
        let mut zone_and_home = Lines::default();
        zone_and_home.text("X-WR-TIMEZONE", &event.tz_name);
        zone_and_home.raw(
            "URL",
            &urls::absolute(&ctx.site.config.base_url, &urls::event_home(event)),
        );
        let mut refresh = Lines::default();
        refresh.raw("REFRESH-INTERVAL;VALUE=DURATION", REFRESH);
        refresh.raw("X-PUBLISHED-TTL", REFRESH);
        Frame {
            start: start.finish(),
            zone_and_home: zone_and_home.finish(),
            refresh: refresh.finish(),
        }
    }
}

/// One `VCALENDAR` with the calendar-level properties and `events`.
fn calendar(ctx: &RenderContext, frame: &Frame, name: &str, path: &str, events: &[&str]) -> String {
    // Header and footer take well under 1 KiB: one allocation for the whole feed.
    let mut l = Lines::with_capacity(1024 + events.iter().map(|e| e.len()).sum::<usize>());
    l.append(&frame.start);
    l.text("X-WR-CALNAME", name);
    l.text("NAME", name);
    l.append(&frame.zone_and_home);
    l.raw(
        "SOURCE;VALUE=URI",
        &urls::absolute(&ctx.site.config.base_url, path),
    );
    l.append(&frame.refresh);
    for e in events {
        l.append(e);
    }
    l.raw("END", "VCALENDAR");
    l.finish()
}

/// The `VEVENT` of a scheduled session; `None` for an unscheduled one.
/// `plain` is the session body as plain text, `dtstamp` the build time.
fn vevent(
    ctx: &RenderContext,
    event: &Event,
    s: &Session,
    plain: &str,
    dtstamp: &str,
) -> Option<String> {
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

    let mut l = Lines::with_capacity(640 + plain.len() * 21 / 20);
    l.raw("BEGIN", "VEVENT");
    l.text("UID", &session_uid(ctx.site, event, s));
    l.raw("DTSTAMP", dtstamp);
    l.raw("DTSTART", &crate::time::utc_basic(start));
    if let Some(end) = end {
        l.raw("DTEND", &crate::time::utc_basic(end));
    }
    l.text("SUMMARY", &s.title);
    l.text("DESCRIPTION", &description(s, plain, &url));
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

/// Speakers, the abstract (or notes) as plain text (`plain`, from the
/// Markdown cache), and the session page: many clients show no `URL`
/// property, but all show the description.
pub(crate) fn description(s: &Session, plain: &str, url: &str) -> String {
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
    if !plain.is_empty() {
        let body = plain.to_string();
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
