//! Reference rules: sessions naming rooms or tracks the event file does not
//! declare (`unknown-room`, `unknown-track`), and speaker pages no session
//! uses (`speaker-without-sessions`). Unknown speaker ids are the loader's.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::{Finding, at, names, rule};
use crate::model::{Event, Source};

pub(super) fn check(event: &Event, findings: &mut Vec<Finding>) {
    // Only an event that lists its rooms (tracks) makes the list binding.
    if event.rooms.iter().any(|r| r.declared) {
        let declared: Vec<&str> = event
            .rooms
            .iter()
            .filter(|r| r.declared)
            .map(|r| r.name.as_str())
            .collect();
        let named = event.sessions.iter().filter_map(|s| {
            let room = s.room.as_deref()?;
            Some((room, &s.source))
        });
        undeclared(
            event,
            "room",
            "rooms",
            rule::UNKNOWN_ROOM,
            &declared,
            named,
            findings,
        );
    }
    if event.tracks.iter().any(|t| t.declared) {
        let declared: Vec<&str> = event
            .tracks
            .iter()
            .filter(|t| t.declared)
            .map(|t| t.name.as_str())
            .collect();
        let named = event
            .sessions
            .iter()
            .flat_map(|s| s.tracks.iter().map(|t| (t.as_str(), &s.source)));
        undeclared(
            event,
            "track",
            "tracks",
            rule::UNKNOWN_TRACK,
            &declared,
            named,
            findings,
        );
    }

    for speaker in &event.speakers {
        if let (true, Some(source)) = (speaker.sessions.is_empty(), &speaker.source) {
            findings.push(Finding::new(
                rule::SPEAKER_WITHOUT_SESSIONS,
                format!("speaker \"{}\" has a page but no sessions", speaker.name),
                vec![at(source, "name")],
            ));
        }
    }
}

/// One finding per undeclared name, listing every session that uses it and
/// the event file's list.
fn undeclared<'a>(
    event: &Event,
    noun: &str,
    list_key: &str,
    rule: &'static str,
    declared: &[&str],
    named: impl Iterator<Item = (&'a str, &'a Source)>,
    findings: &mut Vec<Finding>,
) {
    let known: HashSet<&str> = declared.iter().copied().collect();
    let mut unknown: BTreeMap<&str, Vec<(PathBuf, usize)>> = BTreeMap::new();
    for (name, source) in named {
        if !known.contains(name) {
            // Where, only for the names reported.
            let place = at(source, noun);
            let places = unknown.entry(name).or_default();
            if places.last() != Some(&place) {
                places.push(place);
            }
        }
    }
    for (name, mut places) in unknown {
        let hint = names::suggest(name, declared.iter().copied())
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        places.push(at(&event.source, list_key));
        findings.push(Finding::new(
            rule,
            format!("{noun} \"{name}\" is not among the {list_key} the event file declares{hint}"),
            places,
        ));
    }
}
