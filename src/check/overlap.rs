//! Clash rules: two sessions in one room at once (`room-clash`) and one
//! speaker in two sessions at once (`speaker-clash`).
//!
//! Each room's and each speaker's sessions are sorted by start and swept once,
//! pairing every session with the earlier one that runs longest: O(n log n)
//! for a program of 10,000 sessions, at most one finding per session, and
//! every session that clashes with any other appears in at least one finding.

use std::collections::{BTreeMap, HashSet};

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use super::{Finding, rule, start_at};
use crate::model::{Event, NON_CLASHING_KINDS, Session};

/// A scheduled session's place in time.
#[derive(Debug, Clone, Copy)]
struct Slot {
    index: usize,
    start: Timestamp,
    /// The stated end; the start itself when the session has no end.
    end: Timestamp,
    /// Like `end`, but a session without an end still occupies its start
    /// instant, so two of them starting together clash.
    busy_until: Timestamp,
}

impl Slot {
    fn of(index: usize, session: &Session) -> Option<Slot> {
        let start = session.start.as_ref()?.timestamp();
        let end = session.end.as_ref().map_or(start, |e| e.timestamp());
        let busy_until = if end > start {
            end
        } else {
            start
                .checked_add(SignedDuration::from_nanos(1))
                .unwrap_or(start)
        };
        Some(Slot {
            index,
            start,
            end,
            busy_until,
        })
    }
}

/// Sessions that may never overlap anything: not allowed to by the organiser
/// and not of a kind (a break, the expo) that shares space and time by nature.
fn may_clash(session: &Session) -> bool {
    !session.overlap_allowed && !NON_CLASHING_KINDS.contains(&session.kind.as_str())
}

/// Clashing pairs (earlier, later) among `slots`.
fn clashes(mut slots: Vec<Slot>) -> Vec<(Slot, Slot)> {
    slots.sort_by_key(|s| (s.start, s.busy_until, s.index));
    // A session listed twice (a speaker named twice on it) never clashes with itself.
    slots.dedup_by_key(|s| s.index);
    let mut pairs = Vec::new();
    let mut longest: Option<Slot> = None;
    for slot in slots {
        match longest {
            Some(l) if slot.start < l.busy_until => {
                pairs.push((l, slot));
                if slot.busy_until > l.busy_until {
                    longest = Some(slot);
                }
            }
            Some(l) if slot.busy_until <= l.busy_until => {}
            _ => longest = Some(slot),
        }
    }
    pairs
}

pub(super) fn check(event: &Event, findings: &mut Vec<Finding>) {
    let shared: HashSet<&str> = event
        .rooms
        .iter()
        .filter(|r| r.shared)
        .map(|r| r.name.as_str())
        .collect();
    let slot = |i: usize| {
        event
            .sessions
            .get(i)
            .filter(|s| may_clash(s))
            .and_then(|s| Slot::of(i, s))
    };

    let mut by_room: BTreeMap<&str, Vec<Slot>> = BTreeMap::new();
    for (i, session) in event.sessions.iter().enumerate() {
        if let Some(room) = session.room.as_deref().filter(|r| !shared.contains(r)) {
            by_room.entry(room).or_default().extend(slot(i));
        }
    }
    for (room, slots) in by_room {
        for (a, b) in clashes(slots) {
            let (first, second) = (&event.sessions[a.index], &event.sessions[b.index]);
            findings.push(Finding::new(
                rule::ROOM_CLASH,
                format!(
                    "\"{}\" and \"{}\" overlap in {room}, {}",
                    first.title,
                    second.title,
                    window(&event.timezone, b.start, a.end.min(b.end)),
                ),
                vec![start_at(first), start_at(second)],
            ));
        }
    }

    for speaker in &event.speakers {
        let slots = speaker.sessions.iter().filter_map(|&i| slot(i)).collect();
        for (a, b) in clashes(slots) {
            let (first, second) = (&event.sessions[a.index], &event.sessions[b.index]);
            findings.push(Finding::new(
                rule::SPEAKER_CLASH,
                format!(
                    "{} is in both \"{}\" and \"{}\", {}",
                    speaker.name,
                    first.title,
                    second.title,
                    window(&event.timezone, b.start, a.end.min(b.end)),
                ),
                vec![start_at(first), start_at(second)],
            ));
        }
    }
}

/// `09:00–09:30` in the event's zone; with dates when it crosses midnight.
pub(super) fn window(tz: &TimeZone, from: Timestamp, to: Timestamp) -> String {
    let (from, to) = (from.to_zoned(tz.clone()), to.to_zoned(tz.clone()));
    if from == to {
        from.strftime("%H:%M").to_string()
    } else if from.date() == to.date() {
        format!("{}–{}", from.strftime("%H:%M"), to.strftime("%H:%M"))
    } else {
        format!(
            "{}–{}",
            from.strftime("%Y-%m-%d %H:%M"),
            to.strftime("%Y-%m-%d %H:%M")
        )
    }
}
