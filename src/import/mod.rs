//! The import stage: source documents → content pages.
//!
//! Each format has one parser module that turns a document into an
//! [`Imported`] program (an event file, session pages and speaker pages, as
//! the content stage reads them) plus diagnostics for every repair or doubt. Detection
//! picks the parser; `write` puts the pages on disk without ever silently
//! overwriting a page someone edited by hand.

pub mod detect;
pub mod write;

pub mod c3voc; // c3voc/frab schedule.json (v1, v2) and frab/pentabarf schedule.xml
pub mod csv; // a table with a header row
pub mod sessionize; // Sessionize's public JSON (view/All)
pub mod structured; // detection and shared pieces of the structured formats

pub mod blog_notes; // 001: attendee's blog post linking session pages
pub mod flat_schedule; // 002: schedule page flattened to text
pub mod sched_export; // 004: schedule-site export of a conference day
pub mod talk_list; // 000: titles followed by description paragraphs
pub mod video_summaries; // 003: Markdown video summaries

mod text; // what the format parsers share

use std::path::Path;

use crate::content::pages::{EventPage, SessionPage, SpeakerPage};
use crate::diagnostic::Diagnostic;

/// What the user supplied on the command line for what a document may lack.
/// A document's own statement wins unless the flag is given, and every
/// conflict is reported.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub name: Option<String>,
    /// `YYYY-MM-DD`: the (first) day of the program.
    pub date: Option<String>,
    /// IANA zone name.
    pub timezone: Option<String>,
    pub location: Option<String>,
}

/// A parsed document: the event and its sessions as content pages.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub event: EventPage,
    /// In document order. Slugs are left to `write`, which makes them unique.
    pub sessions: Vec<SessionPage>,
    /// Every speaker the document describes, in document order; `write` makes
    /// a speaker page of each that has more than a name (bio, photo, links,
    /// affiliation). Slugs are left to `write`.
    pub speakers: Vec<SpeakerPage>,
    /// Warnings for repairs and doubts; errors when something could not be read.
    pub diagnostics: Vec<Diagnostic>,
}

/// The formats `confsite import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Talk titles each followed by description paragraphs (no times).
    TalkList,
    /// A blog post linking session pages of a schedule site, with notes.
    BlogNotes,
    /// A schedule page flattened to text: time, time, duration, title, speakers, abstract, room.
    FlatSchedule,
    /// Markdown `## Title | Speakers` headings with video URLs and bullet points.
    VideoSummaries,
    /// A schedule-site export: `Title#`, `Time:`, `Speakers:`, `Venue:`, `Type:`, `Description:`.
    SchedExport,
    /// A c3voc/frab `schedule.json` (version 1 or 2), as pretalx, frab and confsite export it.
    ScheduleJson,
    /// A frab/pentabarf `schedule.xml`, as pretalx, frab and confsite export it.
    ScheduleXml,
    /// Sessionize's public JSON (`/api/v2/<id>/view/All`).
    Sessionize,
    /// A CSV table with a header row (title, speakers, start, end, room, track, abstract, ...).
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::TalkList => "talk-list",
            Format::BlogNotes => "blog-notes",
            Format::FlatSchedule => "flat-schedule",
            Format::VideoSummaries => "video-summaries",
            Format::SchedExport => "sched-export",
            Format::ScheduleJson => "schedule-json",
            Format::ScheduleXml => "schedule-xml",
            Format::Sessionize => "sessionize",
            Format::Csv => "csv",
        }
    }

    /// Parses `text` (the contents of `path`) in this format.
    pub fn parse(self, text: &str, path: &Path, options: &ImportOptions) -> Imported {
        match self {
            Format::TalkList => talk_list::parse(text, path, options),
            Format::BlogNotes => blog_notes::parse(text, path, options),
            Format::FlatSchedule => flat_schedule::parse(text, path, options),
            Format::VideoSummaries => video_summaries::parse(text, path, options),
            Format::SchedExport => sched_export::parse(text, path, options),
            Format::ScheduleJson => c3voc::parse_json(text, path, options),
            Format::ScheduleXml => c3voc::parse_xml(text, path, options),
            Format::Sessionize => sessionize::parse(text, path, options),
            Format::Csv => csv::parse(text, path, options),
        }
    }
}

/// The value an event field takes: a command-line flag when given, else what
/// the document states. A flag that contradicts the document is reported.
pub fn choose(
    field: &str,
    from_document: Option<String>,
    from_flag: Option<&String>,
    path: &Path,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    match (from_document, from_flag) {
        (Some(doc), Some(flag)) if doc.trim() != flag.trim() => {
            diagnostics.push(Diagnostic::warning(
                path,
                line,
                format!(
                    "the document says {field} `{doc}`, the command line `{flag}`: using `{flag}`"
                ),
            ));
            Some(flag.clone())
        }
        (_, Some(flag)) => Some(flag.clone()),
        (doc, None) => doc,
    }
}
