//! `confsite bench`: builds generated programs of several sizes and reports
//! each stage's time (median, min–max over several runs), the total wall
//! time and the peak memory. Each size runs in its own process so peak
//! memory is that size's alone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::build::{BuildOptions, build};
use crate::diagnostic::{Diagnostic, Failed};
use crate::synthetic::{self, Params};

/// One size's measurements.
#[derive(Debug, Serialize, Deserialize)]
pub struct SizeReport {
    pub sessions: usize,
    pub files: usize,
    pub bytes: usize,
    /// Stage name → milliseconds of each run.
    pub stages: Vec<(String, Vec<f64>)>,
    /// Whole build (load to write) per run, milliseconds.
    pub totals: Vec<f64>,
    /// Peak resident memory of the process, kilobytes (Linux `VmHWM`).
    pub peak_rss_kb: Option<u64>,
}

fn fail(msg: String) -> Failed {
    Failed(vec![Diagnostic::error("bench", 0, msg)])
}

fn scratch_dir(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!("confsite-bench-{label}-{}", std::process::id()))
}

/// Generates a program of `sessions` into a scratch directory, builds it
/// `runs` times, and returns the measurements (in this process).
pub fn measure(sessions: usize, runs: usize) -> Result<SizeReport, Failed> {
    let dir = scratch_dir(&sessions.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    synthetic::write_site(&dir, &Params::with_sessions(sessions))
        .map_err(|e| fail(e.to_string()))?;
    let options = BuildOptions {
        root: dir.clone(),
        output: None,
        base_url: None,
    };
    let mut stages: Vec<(String, Vec<f64>)> = Vec::new();
    let mut totals = Vec::new();
    let mut files = 0;
    let mut bytes = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let report = build(&options)?;
        totals.push(t.elapsed().as_secs_f64() * 1000.0);
        files = report.files;
        bytes = report.bytes;
        for (name, d) in report.timings {
            let ms = d.as_secs_f64() * 1000.0;
            match stages.iter_mut().find(|(n, _)| n == name) {
                Some((_, v)) => v.push(ms),
                None => stages.push((name.to_string(), vec![ms])),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(SizeReport {
        sessions,
        files,
        bytes,
        stages,
        totals,
        peak_rss_kb: peak_rss_kb(),
    })
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs [`measure`] for each size in a child process and formats a report.
pub fn run(sizes: &[usize], runs: usize) -> Result<String, Failed> {
    let exe = std::env::current_exe().map_err(|e| fail(e.to_string()))?;
    let mut reports = Vec::new();
    for &n in sizes {
        let out = Command::new(&exe)
            .args([
                "bench",
                "--single",
                &n.to_string(),
                "--runs",
                &runs.to_string(),
            ])
            .output()
            .map_err(|e| fail(e.to_string()))?;
        if !out.status.success() {
            return Err(fail(format!(
                "benchmark of {n} sessions failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        let report: SizeReport = serde_json::from_slice(&out.stdout)
            .map_err(|e| fail(format!("bad benchmark output: {e}")))?;
        reports.push(report);
    }
    Ok(format_reports(&reports))
}

fn median(values: &[f64]) -> f64 {
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

fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{:.1} ms ({:.1}–{:.1})", median(values), min, max)
}

pub fn format_reports(reports: &[SizeReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let _ = writeln!(
            out,
            "{} sessions: {} files, {:.1} MB, peak memory {}",
            r.sessions,
            r.files,
            r.bytes as f64 / 1e6,
            r.peak_rss_kb.map_or("unknown".to_string(), |kb| format!(
                "{:.0} MB",
                kb as f64 / 1024.0
            ))
        );
        for (stage, values) in &r.stages {
            let _ = writeln!(out, "  {stage:<8} {}", spread(values));
        }
        let _ = writeln!(
            out,
            "  {:<8} {}  (median, min–max of {} runs)",
            "total",
            spread(&r.totals),
            r.totals.len()
        );
        let per_k = median(&r.totals) / (r.sessions as f64 / 1000.0);
        let _ = writeln!(out, "  {:<8} {per_k:.1} ms per 1,000 sessions", "scaling");
    }
    out
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
