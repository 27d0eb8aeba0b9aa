//! confsite: a static site generator for conference programs.
//!
//! Data flows one way through the stages:
//! `import` (source documents → content pages) → `content` (pages → model)
//! → `model` → `check` / `render` (model → files in memory) → `output` (files → disk).

pub mod background;
pub mod bench;
pub mod build;
pub mod check;
pub mod content;
pub mod diagnostic;
pub mod import;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod slugs;
pub mod synthetic;
pub mod theme;
pub mod time;

/// The most sessions one parallel task takes at a time (loading pages,
/// making their template values, calendar events and search documents).
/// Rayon otherwise hands each core a share of thousands of sessions to go
/// through alone, and a core that finishes its share early waits at the end
/// of the stage; pieces this small can still be taken by whichever core is
/// free, and cost next to nothing to hand out.
pub const SESSIONS_PER_PIECE: usize = 64;
