//! Machine-readable exports of each event: `sessions.json` (confsite's own,
//! documented shape) and the c3voc/frab schedule files that schedule apps read.
//! Each is a versioned view of the model, never the model serialized as is.

pub mod c3voc;
pub mod schedule_json;
pub mod schedule_xml;
pub mod sessions_json;

use serde::Serialize;

use super::{RenderContext, urls};
use crate::model::Event;
use crate::output::{OutputFile, Sink};

/// `value` as JSON indented by two spaces (`serde_json`'s pretty format),
/// appended to `out`.
pub(super) fn write_pretty_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer_pretty(&mut *out, value).expect("plain data always serializes");
}

pub fn render_event(ctx: &RenderContext, event: &Event, sink: &dyn Sink) {
    sink.put(sessions_json::render(ctx, event));
    for file in schedule_files(ctx, event) {
        sink.put(file);
    }
}

/// `version.json`: lets an app see whether the program changed since its last fetch.
#[derive(Serialize)]
struct VersionJson<'a> {
    version: &'a str,
    schedule_xml: String,
    schedule_json: String,
}

/// `schedule.xml`, `schedule.json` and `version.json`, for events with a
/// scheduled session. The version is a digest of the program, so it stays
/// the same across rebuilds until something in the schedule changes.
fn schedule_files(ctx: &RenderContext, event: &Event) -> Vec<OutputFile> {
    let Some(program) = c3voc::Program::new(ctx, event) else {
        return Vec::new();
    };
    let base = &ctx.site.config.base_url;
    let xml_url = urls::absolute(base, &urls::schedule_xml(event));
    let json_url = urls::absolute(base, &urls::schedule_json(event));
    // The two files are large for a big program: write them side by side.
    let ((json, version), (mut xml, version_at)) = rayon::join(
        || schedule_json::write(&program),
        || schedule_xml::write(&program, &xml_url),
    );
    xml[version_at..version_at + version.len()].copy_from_slice(version.as_bytes());
    let mut version_file = Vec::new();
    write_pretty_json(
        &mut version_file,
        &VersionJson {
            version: &version,
            schedule_xml: xml_url,
            schedule_json: json_url,
        },
    );
    version_file.push(b'\n');
    vec![
        OutputFile::new(urls::schedule_xml(event), xml),
        OutputFile::new(urls::schedule_json(event), json),
        OutputFile::new(urls::version(event), version_file),
    ]
}
