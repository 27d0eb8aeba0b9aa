//! `confsite init`: a new site that builds straight away — a config, one
//! sample event with a few sessions, and a GitHub Pages workflow.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Failed};

const CONFIG: &str = "\
# confsite site configuration. See the README for every key.
title: My Conference Site
# The public URL the site will live at (GitHub Pages: https://<org>.github.io/<repo>/).
base_url: http://localhost:8000/
theme: default
language: en
";

const EVENT: &str = "\
---
name: Sample Conference 2026
timezone: Europe/Berlin
start_date: 2026-06-11
end_date: 2026-06-11
venue: Conference Centre
location: Berlin, Germany
rooms:
  - Main Hall
  - Room B
tracks:
  - Web
  - Systems
---

A one-day sample program. Edit the pages in this folder, then run `confsite build`.
";

const SESSIONS: &[(&str, &str)] = &[
    (
        "opening-keynote.md",
        "\
---
title: Opening Keynote
kind: keynote
speakers:
  - name: Ada Example
    affiliation: Example Labs
start: 2026-06-11 09:00
duration: 45m
room: Main Hall
---

Welcome, and what the day holds.
",
    ),
    (
        "fast-static-sites.md",
        "\
---
title: Fast Static Sites
speakers:
  - name: Grace Sample
    affiliation: Sample Inc.
start: 2026-06-11 10:00
end: 2026-06-11 10:30
room: Main Hall
track: Web
tags: [performance]
---

How to serve a program to thousands of phones at once.
",
    ),
    (
        "systems-in-rust.md",
        "\
---
title: Systems in Rust
speakers:
  - name: Linus Muster
start: 2026-06-11 10:00
duration: 30m
room: Room B
track: Systems
---

Memory safety without garbage collection, in practice.
",
    ),
    (
        "birds-of-a-feather.md",
        "\
---
title: Birds of a Feather
kind: social
---

Time and room to be announced.
",
    ),
];

/// The GitHub Actions workflow that builds the site and deploys it to Pages.
pub const PAGES_WORKFLOW: &str = include_str!("../docs/github-pages.yml");

/// Creates a new site in `dir`. Refuses a directory that has files in it.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Failed> {
    let fail = |msg: String| Failed(vec![Diagnostic::error(dir, 0, msg)]);
    if dir.exists()
        && fs::read_dir(dir)
            .map_err(|e| fail(e.to_string()))?
            .next()
            .is_some()
    {
        return Err(fail(
            "directory is not empty: init only creates new sites".to_string(),
        ));
    }
    let mut files: Vec<(PathBuf, &str)> = vec![
        (PathBuf::from("confsite.yaml"), CONFIG),
        (PathBuf::from("content/sample-conf-2026/_event.md"), EVENT),
        (PathBuf::from(".github/workflows/pages.yml"), PAGES_WORKFLOW),
        (PathBuf::from(".gitignore"), "/output\n"),
    ];
    for (name, text) in SESSIONS {
        files.push((PathBuf::from("content/sample-conf-2026").join(name), text));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        let io = |e: std::io::Error| Failed(vec![Diagnostic::error(&path, 0, e.to_string())]);
        fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(io)?;
        fs::write(&path, text).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}
