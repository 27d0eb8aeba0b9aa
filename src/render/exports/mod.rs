//! Machine-readable exports of each event: `sessions.json` (confsite's own,
//! documented shape) and the c3voc/frab schedule files that schedule apps read.
//! Each is a versioned view of the model, never the model serialized as is.

pub mod sessions_json;

use super::RenderContext;
use crate::model::Event;
use crate::output::OutputFile;

pub fn render_event(ctx: &RenderContext, event: &Event) -> Vec<OutputFile> {
    vec![sessions_json::render(ctx, event)]
}
