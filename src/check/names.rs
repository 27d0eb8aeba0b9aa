//! Spelling rules: rooms, tracks or speakers whose names differ only in case,
//! spacing, punctuation or accents (`room-spelling`, `track-spelling`,
//! `speaker-spelling`), and the "did you mean" hints other rules give.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{Finding, at, rule};
use crate::model::{Event, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aspect {
    Case,
    Spacing,
    Punctuation,
    Accents,
}

const ASPECTS: [(Aspect, &str); 4] = [
    (Aspect::Case, "case"),
    (Aspect::Spacing, "spacing"),
    (Aspect::Punctuation, "punctuation"),
    (Aspect::Accents, "accents"),
];

/// `name` with every aspect but `keep` folded away.
fn fold(name: &str, keep: Option<Aspect>) -> String {
    let base: String = if keep == Some(Aspect::Accents) {
        name.to_string()
    } else {
        name.nfkd().filter(|c| !is_combining_mark(*c)).collect()
    };
    let mut out = String::with_capacity(base.len());
    for c in base.chars() {
        if c.is_whitespace() {
            if keep == Some(Aspect::Spacing) {
                out.push(c);
            }
        } else if !c.is_alphanumeric() {
            if keep == Some(Aspect::Punctuation) {
                out.push(c);
            }
        } else if keep == Some(Aspect::Case) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// What two names have in common when case, spacing, punctuation and accents
/// are ignored: `"José  Padilla"` and `"jose-padilla"` both give `josepadilla`.
pub(super) fn key(name: &str) -> String {
    fold(name, None)
}

/// `case`, or `case and accents`: the aspects that tell `a` from `b` apart.
fn differences(a: &str, b: &str) -> String {
    let aspects: Vec<&str> = ASPECTS
        .iter()
        .filter(|(aspect, _)| fold(a, Some(*aspect)) != fold(b, Some(*aspect)))
        .map(|(_, name)| *name)
        .collect();
    match aspects.as_slice() {
        [] => "spelling".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The candidate `name` most likely meant: one spelled the same but for case,
/// spacing, punctuation or accents, else a close one.
pub(super) fn suggest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let wanted = key(name);
    if let Some(same) = candidates.clone().find(|c| key(c) == wanted) {
        return Some(same);
    }
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::normalized_damerau_levenshtein(&lower, &candidate.to_lowercase());
        if score >= 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Where a name is written: a page and its key. Turned into a file and
/// line only for the names a finding is about (a few, among thousands).
type Place<'a> = (&'a Source, &'static str);

/// One way a name is written, and where.
struct Spelling<'a> {
    name: &'a str,
    /// Declared in the event file, or a speaker page's own name.
    preferred: bool,
    /// Sessions that write it this way.
    uses: usize,
    places: Vec<Place<'a>>,
}

#[derive(Default)]
struct Spellings<'a> {
    list: Vec<Spelling<'a>>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Spellings<'a> {
    fn add(&mut self, name: &'a str, preferred: bool, used: bool, place: Place<'a>) {
        let i = *self.index.entry(name).or_insert_with(|| {
            self.list.push(Spelling {
                name,
                preferred: false,
                uses: 0,
                places: Vec::new(),
            });
            self.list.len() - 1
        });
        let spelling = &mut self.list[i];
        spelling.preferred |= preferred;
        spelling.uses += usize::from(used);
        // A session adds its places in a row, so repeats are adjacent.
        if spelling
            .places
            .last()
            .is_none_or(|&(source, key)| !std::ptr::eq(source, place.0) || key != place.1)
        {
            spelling.places.push(place);
        }
    }

    /// A finding for each spelling that differs from its group's most
    /// authoritative one (declared, else most used, else first seen) only in
    /// case, spacing, punctuation or accents.
    fn findings(self, rule: &'static str, noun: &str, findings: &mut Vec<Finding>) {
        let mut groups: BTreeMap<String, Vec<Spelling>> = BTreeMap::new();
        for spelling in self.list {
            let key = key(spelling.name);
            if !key.is_empty() {
                groups.entry(key).or_default().push(spelling);
            }
        }
        for mut group in groups.into_values().filter(|g| g.len() > 1) {
            // Stable: among equals, the first declared or first used wins.
            group.sort_by_key(|s| std::cmp::Reverse((s.preferred, s.uses)));
            let (canonical, variants) = group.split_at(1);
            let canonical = &canonical[0];
            let resolve = |&(source, key): &Place| at(source, key);
            for variant in variants {
                let mut places: Vec<(PathBuf, usize)> =
                    variant.places.iter().map(resolve).collect();
                if let Some(place) = canonical
                    .places
                    .first()
                    .map(resolve)
                    .filter(|p| !places.contains(p))
                {
                    places.push(place);
                }
                findings.push(Finding::new(
                    rule,
                    format!(
                        "{noun} \"{}\" differs from \"{}\" only in {}",
                        variant.name,
                        canonical.name,
                        differences(variant.name, canonical.name)
                    ),
                    places,
                ));
            }
        }
    }
}

pub(super) fn check(event: &Event, findings: &mut Vec<Finding>) {
    // When the event file lists rooms (tracks), `unknown-room` (`unknown-track`)
    // already reports the others, with a hint.
    let mut rooms = Spellings::default();
    let rooms_declared = event.rooms.iter().any(|r| r.declared);
    for room in event.rooms.iter().filter(|r| r.declared) {
        rooms.add(&room.name, true, false, (&event.source, "rooms"));
    }
    for session in &event.sessions {
        if let Some(room) = &session.room
            && (!rooms_declared || rooms.index.contains_key(room.as_str()))
        {
            rooms.add(room, false, true, (&session.source, "room"));
        }
    }
    rooms.findings(rule::ROOM_SPELLING, "room", findings);

    let mut tracks = Spellings::default();
    let tracks_declared = event.tracks.iter().any(|t| t.declared);
    for track in event.tracks.iter().filter(|t| t.declared) {
        tracks.add(&track.name, true, false, (&event.source, "tracks"));
    }
    for session in &event.sessions {
        for track in &session.tracks {
            if !tracks_declared || tracks.index.contains_key(track.as_str()) {
                tracks.add(track, false, true, (&session.source, "track"));
            }
        }
    }
    tracks.findings(rule::TRACK_SPELLING, "track", findings);

    let mut speakers = Spellings::default();
    for speaker in &event.speakers {
        if let Some(source) = &speaker.source {
            speakers.add(&speaker.name, true, false, (source, "name"));
        }
    }
    for session in &event.sessions {
        for speaker in &session.speakers {
            speakers.add(&speaker.name, false, true, (&session.source, "speakers"));
        }
    }
    speakers.findings(rule::SPEAKER_SPELLING, "speaker", findings);
}
