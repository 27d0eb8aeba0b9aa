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
