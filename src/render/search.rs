//! Search index. (Being written.)

use super::RenderContext;
use crate::model::Event;
use crate::output::OutputFile;

pub fn render_event(_ctx: &RenderContext, _event: &Event) -> Vec<OutputFile> {
    Vec::new()
}
