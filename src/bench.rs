//! `confsite bench`: builds generated programs ([`crate::synthetic`]) of
//! several sizes and reports, per size, each stage's time (median, min–max
//! over several runs), the total wall and CPU time, and the peak memory.
//! Each size runs in its own process so that peak memory is that size's
//! alone.
//!
//! Two kinds of build are measured: *cold* (no previous output: every file
//! is created) and *rebuild* (the previous output is there, as after an
//! edit: unchanged files are kept, see [`crate::output`]). Both render every
//! page, feed and index. `--serve-edit` measures `serve` instead: the time
//! from one edited session page to the rebuilt site being served.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::build::{BuildOptions, build};
use crate::diagnostic::{Diagnostic, Failed};
use crate::synthetic::{self, Params};

/// The `confsite bench` command line.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Program sizes, e.g. `--sessions 1000,10000,100000`.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    pub sessions: Vec<usize>,
    /// Builds per size and kind; the report gives the median and the range.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Measure `serve`: edit one session page at a time and time the rebuild.
    #[arg(long)]
    pub serve_edit: bool,
    /// Print the measurements as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Measure one size in this process and print JSON (used by `bench` itself).
    #[arg(long, hide = true)]
    pub single: Option<usize>,
    /// Only write the generated program (of the first size) into DIR.
    #[arg(long)]
    pub write_site: Option<PathBuf>,
    /// Only write the same program as a Hugo site into DIR.
    #[arg(long)]
    pub write_hugo: Option<PathBuf>,
}

/// Runs `confsite bench` and returns what to print.
pub fn command(args: &BenchArgs) -> Result<String, Failed> {
    let first = args.sessions.first().copied().unwrap_or(1000);
    if let Some(dir) = &args.write_site {
        write(dir, first, false)?;
        return Ok(String::new());
    }
    if let Some(dir) = &args.write_hugo {
        write(dir, first, true)?;
        return Ok(String::new());
    }
    if let Some(n) = args.single {
        let report = if args.serve_edit {
            Report::ServeEdit(measure_serve_edit(n, args.runs)?)
        } else {
            Report::Build(measure(n, args.runs)?)
        };
        return Ok(serde_json::to_string(&report).unwrap_or_default() + "\n");
    }
    let reports = run(&args.sessions, args.runs, args.serve_edit)?;
    Ok(if args.json {
        serde_json::to_string_pretty(&reports).unwrap_or_default() + "\n"
    } else {
        format_reports(&reports)
    })
}

/// One size's measurements.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    Build(SizeReport),
    ServeEdit(ServeEditReport),
}

/// One size's build measurements.
#[derive(Debug, Serialize, Deserialize)]
pub struct SizeReport {
    pub sessions: usize,
    pub files: usize,
    pub bytes: usize,
    /// Builds into an empty output directory.
    pub cold: Runs,
    /// Builds over the previous build's output.
    pub rebuild: Runs,
    /// Peak resident memory of the builds, kilobytes (Linux `VmHWM`, reset
    /// after the program was generated).
    pub peak_rss_kb: Option<u64>,
}

/// Measurements of several builds of one kind.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Runs {
    /// Stage name → milliseconds of each run.
    pub stages: Vec<(String, Vec<f64>)>,
    /// Whole build (load to write) per run, milliseconds of wall time.
    pub totals: Vec<f64>,
    /// CPU time of the build per run (all threads), milliseconds.
    pub user: Vec<f64>,
    pub sys: Vec<f64>,
    /// Files written anew and kept from the previous build, in the last run.
    pub written: usize,
    pub kept: usize,
}

/// One size's `serve` measurements.
#[derive(Debug, Serialize, Deserialize)]
pub struct ServeEditReport {
    pub sessions: usize,
    /// Full in-memory build when serving starts, milliseconds.
    pub initial: f64,
    /// Per edit: from the page written to its new version being served
    /// (the first step of the rebuild), milliseconds.
    pub rebuild: Vec<f64>,
    /// Per edit: from the page written to every file that shows the edit
    /// being served (both steps), milliseconds.
    pub complete: Vec<f64>,
    /// Per edit: files the rebuild rendered again.
    pub rendered: Vec<usize>,
    pub peak_rss_kb: Option<u64>,
}

fn fail(msg: String) -> Failed {
    Failed(vec![Diagnostic::error("bench", 0, msg)])
}

fn scratch_dir(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!("confsite-bench-{label}-{}", std::process::id()))
}

/// CPU time used by this process so far (user, system), milliseconds.
fn cpu_ms() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return (0.0, 0.0);
    }
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    (ms(usage.ru_utime), ms(usage.ru_stime))
}

/// Starts peak-memory accounting afresh (Linux: `VmHWM` is reset to the
/// current resident size).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// One build, exactly as `confsite build` does it, measured.
fn build_once(options: &BuildOptions, runs: &mut Runs) -> Result<(usize, usize), Failed> {
    // The previous build's 400 MB (at 10,000 sessions) of dirty pages would
    // otherwise be written back during this one, competing for both cores.
    // SAFETY: sync takes no arguments and only schedules writeback.
    unsafe { libc::sync() };
    let (user0, sys0) = cpu_ms();
    let t = Instant::now();
    let report = build(options)?;
    runs.totals.push(t.elapsed().as_secs_f64() * 1000.0);
    let (user1, sys1) = cpu_ms();
    runs.user.push(user1 - user0);
    runs.sys.push(sys1 - sys0);
    runs.written = report.written.written;
    runs.kept = report.written.kept;
    for (name, d) in report.timings {
        let ms = d.as_secs_f64() * 1000.0;
        match runs.stages.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => v.push(ms),
            None => runs.stages.push((name.to_string(), vec![ms])),
        }
    }
    Ok((report.written.files(), report.written.bytes as usize))
}

/// Generates a program of `sessions` into a scratch directory, builds it
/// `runs` times cold and `runs` times over its previous output, and returns
/// the measurements (in this process).
pub fn measure(sessions: usize, runs: usize) -> Result<SizeReport, Failed> {
    let dir = scratch_dir(&sessions.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    synthetic::write_site(&dir, &Params::with_sessions(sessions))
        .map_err(|e| fail(e.to_string()))?;
    let mut options = BuildOptions {
        root: dir.clone(),
        output: None,
        base_url: None,
    };
    reset_peak_rss();
    let mut cold = Runs::default();
    let mut rebuild = Runs::default();
    let mut size = (0, 0);
    // Each cold build gets a directory of its own, and none is deleted until
    // all are done: ext4 skips inodes freed in the last half minute when it
    // allocates new ones, so building right after deleting a large output
    // measures that search rather than the build.
    for k in 0..runs.max(1) {
        options.output = Some(dir.join(format!("output-cold-{k}")));
        size = build_once(&options, &mut cold)?;
    }
    for _ in 0..runs.max(1) {
        size = build_once(&options, &mut rebuild)?;
    }
    let peak = peak_rss_kb();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(SizeReport {
        sessions,
        files: size.0,
        bytes: size.1,
        cold,
        rebuild,
        peak_rss_kb: peak,
    })
}

/// Generates a program, starts the incremental rebuilder `serve` uses, then
/// edits one session page at a time (`runs` edits, spread over the program)
/// and times each rebuild.
pub fn measure_serve_edit(sessions: usize, runs: usize) -> Result<ServeEditReport, Failed> {
    let dir = scratch_dir(&format!("serve-{sessions}"));
    let _ = std::fs::remove_dir_all(&dir);
    let params = Params::with_sessions(sessions);
    synthetic::write_site(&dir, &params).map_err(|e| fail(e.to_string()))?;
    reset_peak_rss();
    let options = BuildOptions {
        root: dir.clone(),
        output: None,
        base_url: Some("http://127.0.0.1:8000/".to_string()),
    };
    let t = Instant::now();
    let mut site = crate::serve::Incremental::new(&options)?;
    let initial = t.elapsed().as_secs_f64() * 1000.0;
    let mut rebuild = Vec::new();
    let mut complete = Vec::new();
    let mut rendered = Vec::new();
    for k in 0..runs.max(1) {
        let page = synthetic::session_page(&dir, &params, (k * 7919 + 13) % sessions.max(1));
        let text = std::fs::read_to_string(&page).map_err(|e| fail(e.to_string()))?;
        let t = Instant::now();
        std::fs::write(&page, format!("{text}\nEdited ({k}).\n"))
            .map_err(|e| fail(e.to_string()))?;
        let first = site.update(&[page])?;
        rebuild.push(t.elapsed().as_secs_f64() * 1000.0);
        let rest = site.finish()?;
        complete.push(t.elapsed().as_secs_f64() * 1000.0);
        rendered.push(first.rendered + rest.rendered);
    }
    let peak = peak_rss_kb();
    drop(site);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ServeEditReport {
        sessions,
        initial,
        rebuild,
        complete,
        rendered,
        peak_rss_kb: peak,
    })
}

/// Runs [`measure`] (or [`measure_serve_edit`]) for each size in a child process.
pub fn run(sizes: &[usize], runs: usize, serve_edit: bool) -> Result<Vec<Report>, Failed> {
    let exe = std::env::current_exe().map_err(|e| fail(e.to_string()))?;
    let mut reports = Vec::new();
    for &n in sizes {
        let mut cmd = Command::new(&exe);
        cmd.args([
            "bench",
            "--single",
            &n.to_string(),
            "--runs",
            &runs.to_string(),
        ]);
        if serve_edit {
            cmd.arg("--serve-edit");
        }
        let out = cmd.output().map_err(|e| fail(e.to_string()))?;
        if !out.status.success() {
            return Err(fail(format!(
                "benchmark of {n} sessions failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        let report: Report = serde_json::from_slice(&out.stdout)
            .map_err(|e| fail(format!("bad benchmark output: {e}")))?;
        reports.push(report);
    }
    Ok(reports)
}

/// Median of `values` (0 when empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `median (min–max)` in milliseconds.
pub fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{:.1} ms ({:.1}–{:.1})", median(values), min, max)
}

fn memory(kb: Option<u64>) -> String {
    kb.map_or("unknown".to_string(), |kb| {
        format!("{:.0} MB", kb as f64 / 1024.0)
    })
}

pub fn format_reports(reports: &[Report]) -> String {
    let mut out = String::new();
    for report in reports {
        match report {
            Report::Build(r) => format_build(&mut out, r),
            Report::ServeEdit(r) => {
                let _ = writeln!(
                    out,
                    "serve, {} sessions: initial build {:.1} ms, peak memory {}",
                    r.sessions,
                    r.initial,
                    memory(r.peak_rss_kb)
                );
                let _ = writeln!(
                    out,
                    "  edit one session page → its new page served: {}  (median, min–max of {} edits)",
                    spread(&r.rebuild),
                    r.rebuild.len(),
                );
                let _ = writeln!(
                    out,
                    "  → every file showing the edit served:    {}  ({} files rendered again, median)",
                    spread(&r.complete),
                    median(&r.rendered.iter().map(|&n| n as f64).collect::<Vec<_>>())
                );
            }
        }
    }
    out
}

fn format_build(out: &mut String, r: &SizeReport) {
    let _ = writeln!(
        out,
        "{} sessions: {} files, {:.1} MB, peak memory {}",
        r.sessions,
        r.files,
        r.bytes as f64 / 1e6,
        memory(r.peak_rss_kb)
    );
    for (label, runs) in [("cold build", &r.cold), ("rebuild", &r.rebuild)] {
        let _ = writeln!(
            out,
            "  {label} ({} files written, {} kept):",
            runs.written, runs.kept
        );
        for (stage, values) in &runs.stages {
            let _ = writeln!(out, "    {stage:<9} {}", spread(values));
        }
        let _ = writeln!(
            out,
            "    (html, feeds, search and exports run at the same time and stage files as they go; write moves them into place)"
        );
        let _ = writeln!(
            out,
            "    {:<9} {}  (median, min–max of {} runs)",
            "total",
            spread(&runs.totals),
            runs.totals.len()
        );
        let _ = writeln!(
            out,
            "    {:<9} user {} + sys {}",
            "cpu",
            spread(&runs.user),
            spread(&runs.sys)
        );
        let per_k = median(&runs.totals) / (r.sessions.max(1) as f64 / 1000.0);
        let _ = writeln!(out, "    {:<9} {per_k:.1} ms per 1,000 sessions", "scaling");
    }
}

/// For `bench --write-site` / `--write-hugo`: the generated program on disk.
pub fn write(dir: &Path, sessions: usize, hugo: bool) -> Result<(), Failed> {
    let params = Params::with_sessions(sessions);
    let result = if hugo {
        synthetic::write_hugo_site(dir, &params)
    } else {
        synthetic::write_site(dir, &params)
    };
    result.map_err(|e| fail(format!("{}: {e}", dir.display())))
}
