//! `schedule.xml` (render stage): the c3voc [`Program`] view → the
//! frab/pentabarf schedule XML that Giggity, ConfClerk, EventFahrplan and
//! FOSDEM Companion read, valid against the c3voc `schedule.xml.xsd`.
//!
//! Written with quick-xml's writer, which escapes every text and attribute;
//! characters XML 1.0 cannot hold at all (control characters) are dropped.

use std::borrow::Cow;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::c3voc::VERSION_PLACEHOLDER;
use super::c3voc::{DayOut, Program, SessionOut, format_duration};
use super::schedule_json::{GENERATOR, find};

/// The XSD's duration pattern allows two hour digits.
const MAX_XML_MINUTES: i64 = 99 * 60 + 59;

type W = Writer<Vec<u8>>;

/// Writes `program` as XML; `url` is the file's own public address. The
/// version is left as [`VERSION_PLACEHOLDER`], at the returned offset, for
/// the caller to fill in once the JSON's digest is known.
pub fn write(program: &Program, url: &str) -> (Vec<u8>, usize) {
    let mut w = Writer::new_with_indent(Vec::with_capacity(program.size_hint()), b' ', 2);
    let mut version_at = 0;
    write_doc(&mut w, program, url, &mut version_at).expect("writing to memory cannot fail");
    let mut out = w.into_inner();
    out.push(b'\n');
    (out, version_at)
}

fn write_doc(w: &mut W, p: &Program, url: &str, version_at: &mut usize) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("schedule").write_inner_content(|w| {
        w.create_element("generator")
            .with_attribute(("name", GENERATOR.name))
            .with_attribute(("version", GENERATOR.version))
            .write_empty()?;
        text_element(w, "url", url)?;
        let before = w.get_ref().len();
        text_element(w, "version", VERSION_PLACEHOLDER)?;
        *version_at = find(w.get_ref(), before, VERSION_PLACEHOLDER).expect("just written");
        w.create_element("conference").write_inner_content(|w| {
            text_element(w, "acronym", &p.acronym)?;
            text_element(w, "title", p.title)?;
            text_element(w, "start", &p.start.to_string())?;
            text_element(w, "end", &p.end.to_string())?;
            text_element(w, "days", &p.days.len().to_string())?;
            text_element(w, "timeslot_duration", &p.timeslot)?;
            text_element(w, "base_url", p.base_url)?;
            text_element(w, "url", &p.url)?;
            if let Some(zone) = p.time_zone_name {
                text_element(w, "time_zone_name", zone)?;
            }
            for t in &p.tracks {
                let mut el = w
                    .create_element("track")
                    .with_attribute(("name", &*clean(t.name)));
                if let Some(color) = &t.color {
                    el = el.with_attribute(("color", color.as_str()));
                }
                if let Some(slug) = t.slug {
                    el = el.with_attribute(("slug", slug));
                }
                el.write_empty()?;
            }
            Ok(())
        })?;
        for day in &p.days {
            write_day(w, p, day)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_day(w: &mut W, p: &Program, day: &DayOut) -> io::Result<()> {
    w.create_element("day")
        .with_attribute(("index", day.index.to_string().as_str()))
        .with_attribute(("date", day.date.to_string().as_str()))
        .with_attribute(("start", day.start.as_str()))
        .with_attribute(("end", day.end.as_str()))
        .write_inner_content(|w| {
            for (room, sessions) in &day.rooms {
                let mut el = w
                    .create_element("room")
                    .with_attribute(("name", &*clean(room)));
                if let Some(r) = p.rooms.iter().find(|r| r.name == room) {
                    el = el.with_attribute(("guid", r.guid.as_str()));
                }
                el.write_inner_content(|w| {
                    for &i in sessions {
                        write_event(w, &p.sessions[i])?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_event(w: &mut W, s: &SessionOut) -> io::Result<()> {
    w.create_element("event")
        .with_attribute(("id", s.id.to_string().as_str()))
        .with_attribute(("guid", s.guid.as_str()))
        .write_inner_content(|w| {
            text_element(w, "date", &s.date)?;
            text_element(w, "start", &s.start)?;
            text_element(
                w,
                "duration",
                &format_duration(s.duration_minutes.min(MAX_XML_MINUTES)),
            )?;
            text_element(w, "room", s.room)?;
            text_element(w, "slug", &s.slug)?;
            text_element(w, "url", &s.url)?;
            text_element(w, "title", &s.session.title)?;
            if let Some(subtitle) = s.subtitle {
                text_element(w, "subtitle", subtitle)?;
            }
            text_element(w, "track", s.track.unwrap_or(""))?;
            text_element(w, "type", &s.session.kind)?;
            if let Some(language) = &s.session.language {
                text_element(w, "language", language)?;
            }
            text_element(w, "abstract", s.abstract_)?;
            if let Some(description) = s.description {
                text_element(w, "description", description)?;
            }
            // An empty list as `<persons/>`, not an element holding only indentation.
            let persons = w.create_element("persons");
            if s.persons.is_empty() {
                persons.write_empty()?;
            } else {
                persons.write_inner_content(|w| {
                    for person in &s.persons {
                        w.create_element("person")
                            .with_attribute(("id", person.id.to_string().as_str()))
                            .with_attribute(("guid", person.guid.as_str()))
                            .write_text_content(BytesText::new(&clean(person.name)))?;
                    }
                    Ok(())
                })?;
            }
            let links = w.create_element("links");
            if s.links.is_empty() {
                links.write_empty()?;
            } else {
                links.write_inner_content(|w| {
                    for link in &s.links {
                        w.create_element("link")
                            .with_attribute(("href", &*clean(&link.url)))
                            .with_attribute(("type", &*clean(&link.link.kind)))
                            .write_text_content(BytesText::new(&clean(link.text)))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn text_element(w: &mut W, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

/// Drops the characters XML 1.0 cannot represent, even escaped.
fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    // Fast path on bytes: the only candidates are C0 controls and U+FFFE/U+FFFF,
    // whose UTF-8 starts with 0xEF (as many other characters' do).
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
    if !text.bytes().any(suspect) || text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }
}
