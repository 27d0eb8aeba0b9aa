//! Time rules: a session outside the event's dates (`outside-event-dates`),
//! one longer than a day (`long-session`), and one with a time but no room
//! among sessions that have rooms (`missing-room`).

use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Zoned};

use super::{Finding, end_at, rule, start_at};
use crate::model::{Event, NON_CLASHING_KINDS, Session};
use crate::time;

pub(super) fn check(event: &Event, day_change_minutes: u16, findings: &mut Vec<Finding>) {
    let has_rooms = event.scheduled().any(|s| s.room.is_some());
    for session in &event.sessions {
        if let (Some(first), Some(last)) = (event.start_date, event.end_date) {
            outside_dates(event, session, (first, last), day_change_minutes, findings);
        }
        long_session(event, session, findings);
        // Breaks and the like often belong to the whole venue.
        if has_rooms
            && session.is_scheduled()
            && session.room.is_none()
            && !NON_CLASHING_KINDS.contains(&session.kind.as_str())
        {
            findings.push(Finding::new(
                rule::MISSING_ROOM,
                format!(
                    "\"{}\" has a time but no room, while the event's other sessions have rooms",
                    session.title
                ),
                vec![start_at(session)],
            ));
        }
    }
}

/// A session counts as on the event's dates when its calendar day or its
/// program day is: a party from 23:00 to 01:00 after the last day, or a
/// session at 00:30 that the program (`day_change`) files under the day
/// before, is still inside.
fn outside_dates(
    event: &Event,
    session: &Session,
    (first, last): (Date, Date),
    day_change_minutes: u16,
    findings: &mut Vec<Finding>,
) {
    let in_zone = |z: &Zoned| z.with_time_zone(event.timezone.clone()).datetime();
    let Some(start) = &session.start else {
        return;
    };
    let inside = |moment: DateTime| {
        let program_day = moment
            .checked_sub(SignedDuration::from_mins(i64::from(day_change_minutes)))
            .map_or(moment.date(), |m| m.date());
        (first..=last).contains(&moment.date()) || (first..=last).contains(&program_day)
    };
    let days = if first == last {
        format!("the event's day ({first})")
    } else {
        format!("the event's dates ({first} to {last})")
    };
    let start_local = in_zone(start);
    if !inside(start_local) {
        let side = if start_local.date() < first {
            "before"
        } else {
            "after"
        };
        findings.push(Finding::new(
            rule::OUTSIDE_EVENT_DATES,
            format!(
                "\"{}\" starts on {}, {side} {days}",
                session.title,
                start_local.date()
            ),
            vec![start_at(session)],
        ));
        return;
    }
    // The end is exclusive: a session ending at midnight ends on the day before.
    let Some(last_moment) = session
        .end
        .as_ref()
        .and_then(|e| in_zone(e).checked_sub(SignedDuration::from_nanos(1)).ok())
    else {
        return;
    };
    if last_moment > start_local && !inside(last_moment) {
        findings.push(Finding::new(
            rule::OUTSIDE_EVENT_DATES,
            format!(
                "\"{}\" ends on {}, after {days}",
                session.title,
                last_moment.date()
            ),
            vec![end_at(session)],
        ));
    }
}

fn long_session(event: &Event, session: &Session, findings: &mut Vec<Finding>) {
    let Some(duration) = session
        .duration
        .filter(|d| *d > SignedDuration::from_hours(24))
    else {
        return;
    };
    let span = match (&session.start, &session.end) {
        (Some(start), Some(end)) => {
            format!(" (from {} to {})", local(event, start), local(event, end))
        }
        _ => String::new(),
    };
    findings.push(Finding::new(
        rule::LONG_SESSION,
        format!(
            "\"{}\" lasts {}{span}; a session longer than a day is probably a typo",
            session.title,
            time::format_duration(duration)
        ),
        vec![end_at(session)],
    ));
}

/// `2025-11-13 09:00` in the event's zone.
fn local(event: &Event, z: &Zoned) -> String {
    z.with_time_zone(event.timezone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}
