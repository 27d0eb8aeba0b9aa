//! `confsite build`: runs the stages in order — content → model → check →
//! render → output — and reports how long each took.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check::{self, Finding};
use crate::content::{self, LoadOptions};
use crate::diagnostic::{Diagnostic, Failed, Level};
use crate::model::Site;
use crate::output::{self, OutputFile};
use crate::render::{self, RenderContext};
use crate::theme::Themes;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/output`.
    pub output: Option<PathBuf>,
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("output"))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub files: usize,
    pub bytes: usize,
    /// Loader warnings and check findings (reported, not fatal).
    pub findings: Vec<Finding>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// A site rendered in memory: the model, its files, findings and stage timings.
pub struct Rendered {
    pub site: Site,
    pub files: Vec<OutputFile>,
    pub findings: Vec<Finding>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads the site and renders it in memory, without writing anything.
pub fn render_in_memory(options: &BuildOptions) -> Result<Rendered, Failed> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let loaded = content::load_site(
        &options.root,
        &LoadOptions {
            base_url: options.base_url.clone(),
        },
    )?;
    timings.push(("load", t.elapsed()));
    let t = Instant::now();
    let themes = Themes::load(&options.root)?;
    timings.push(("themes", t.elapsed()));
    let build_time = render::build_time_from_env()
        .map_err(|msg| Failed(vec![Diagnostic::error("SOURCE_DATE_EPOCH", 0, msg)]))?;
    let t = Instant::now();
    let mut findings: Vec<Finding> = loaded.warnings.into_iter().map(Finding::from).collect();
    // Check findings never stop a build: `confsite check` is the gate.
    findings.extend(check::check_site(&loaded.site).into_iter().map(|mut f| {
        f.level = Level::Warning;
        f
    }));
    timings.push(("check", t.elapsed()));
    let rendered = render::render_site(&RenderContext::new(&loaded.site, &themes, build_time))?;
    timings.extend(rendered.timings);
    let files = rendered.files;
    Ok(Rendered {
        site: loaded.site,
        files,
        findings,
        timings,
    })
}

/// Builds the site into its output directory. On failure nothing is written
/// and the previous output stays as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Failed> {
    let Rendered {
        files,
        findings,
        mut timings,
        ..
    } = render_in_memory(options)?;
    let t = Instant::now();
    let out = options.output_dir();
    output::write_site(&out, &files).map_err(|e| write_failed(&out, e))?;
    timings.push(("write", t.elapsed()));
    Ok(BuildReport {
        files: files.len(),
        bytes: files.iter().map(|f| f.contents.len()).sum(),
        findings,
        timings,
    })
}

fn write_failed(out: &Path, err: std::io::Error) -> Failed {
    Failed(vec![Diagnostic::error(
        out,
        0,
        format!("cannot write the site: {err}"),
    )])
}
