//! `confsite build`: runs the stages — content → model → check and render
//! (at the same time: both only read the model) → output — and reports how
//! long each took.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::background;
use crate::check::{self, Finding};
use crate::content::{self, LoadOptions};
use crate::diagnostic::{Diagnostic, Failed, Level};
use crate::model::Site;
use crate::output::{Collect, OutputFile, Sink, SiteWriter, WriteStats};
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
    /// The site's files and bytes: how many were written anew and how many
    /// kept from the previous build.
    pub written: WriteStats,
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

/// A loaded site and its themes, ready to check and render.
struct Prepared {
    site: Site,
    themes: Themes,
    build_time: jiff::Timestamp,
    findings: Vec<Finding>,
    timings: Vec<(&'static str, Duration)>,
}

/// The stages before rendering: content → model, and the themes.
fn prepare(options: &BuildOptions) -> Result<Prepared, Failed> {
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
    let findings: Vec<Finding> = loaded.warnings.into_iter().map(Finding::from).collect();
    Ok(Prepared {
        site: loaded.site,
        themes,
        build_time,
        findings,
        timings,
    })
}

/// Checks `site` and renders it into `sink` at the same time (the check
/// only reads the model). Check findings are returned as warnings: they
/// never stop a build, `confsite check` is the gate.
fn check_and_render(
    prepared: &Prepared,
    sink: &dyn Sink,
) -> (Vec<Finding>, Result<render::Timings, Failed>) {
    let ctx = RenderContext::new(&prepared.site, &prepared.themes, prepared.build_time);
    let (checked, rendered) = rayon::join(
        || {
            let t = Instant::now();
            let findings: Vec<Finding> = check::check_site(&prepared.site)
                .into_iter()
                .map(|mut f| {
                    f.level = Level::Warning;
                    f
                })
                .collect();
            (findings, t.elapsed())
        },
        || render::render_site(&ctx, sink),
    );
    ctx.drop_bodies_in_background();
    let (findings, took) = checked;
    let rendered = rendered.map(|mut timings| {
        timings.insert(0, ("check", took));
        timings
    });
    (findings, rendered)
}

/// Loads the site and renders it in memory, without writing anything.
pub fn render_in_memory(options: &BuildOptions) -> Result<Rendered, Failed> {
    let mut prepared = prepare(options)?;
    let collect = Collect::default();
    let (findings, rendered) = check_and_render(&prepared, &collect);
    prepared.timings.extend(rendered?);
    prepared.findings.extend(findings);
    Ok(Rendered {
        files: collect.into_files(),
        site: prepared.site,
        findings: prepared.findings,
        timings: prepared.timings,
    })
}

/// Builds the site into its output directory, writing each file as it is
/// rendered. On failure the previous output stays as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Failed> {
    let out = options.output_dir();
    // Reading the previous build's manifest does not need the content: it
    // happens while the content loads. A writer dropped unused removes its
    // staging directory.
    let (prepared, writer) = rayon::join(|| prepare(options), || SiteWriter::begin(&out));
    let prepared = prepared?;
    let writer = writer.map_err(|e| write_failed(&out, e))?;
    // Dropping the writer on failure drops what it staged.
    let (checked, rendered) = check_and_render(&prepared, &writer);
    let Prepared {
        site,
        themes,
        mut findings,
        mut timings,
        ..
    } = prepared;
    // Freed while the output is moved into place.
    background::drop_in_background((site, themes));
    timings.extend(rendered?);
    findings.extend(checked);
    let t = Instant::now();
    let written = writer.commit().map_err(|e| write_failed(&out, e))?;
    timings.push(("write", t.elapsed()));
    Ok(BuildReport {
        written,
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
