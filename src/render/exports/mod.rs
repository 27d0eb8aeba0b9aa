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

/// `value` as JSON indented by two spaces, exactly as
/// `serde_json::to_writer_pretty` writes it, appended to `out`. serde_json
/// writes an indentation one level at a time; the schedule of a large
/// program is half a million lines, most of them deeply indented.
pub(super) fn write_pretty_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, Indented::default());
    value
        .serialize(&mut serializer)
        .expect("plain data always serializes");
}

/// serde_json's pretty format (two-space indents), with each indentation
/// written in one piece.
#[derive(Default)]
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn newline_and_indent<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        first: &[u8],
    ) -> std::io::Result<()> {
        const SPACES: &[u8; 128] = &[b' '; 128];
        writer.write_all(first)?;
        let mut left = self.depth * 2;
        while left > 0 {
            let n = left.min(SPACES.len());
            writer.write_all(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_and_indent(writer, b"\n")?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline_and_indent(writer, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_and_indent(writer, b"\n")?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline_and_indent(writer, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_is_serde_jsons() {
        let value = serde_json::json!({
            "a": [],
            "b": {},
            "c": [1, [2, [3, {"d": "e\"\n", "f": [{}], "g": null}]], true],
        });
        // Deeper than one piece of indentation.
        let mut deep = serde_json::json!([1]);
        for _ in 0..80 {
            deep = serde_json::json!([deep, {"x": []}]);
        }
        let value = serde_json::json!([value, deep]);
        let mut ours = Vec::new();
        write_pretty_json(&mut ours, &value);
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
