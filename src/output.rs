//! The output stage: the only code that writes the built site to disk.
//!
//! Files are written into a staging directory beside the output directory,
//! then swapped in with renames, so a failed build leaves the previous
//! output untouched and readers never see a half-written site. Files in the
//! output directory that confsite did not write (a `.git`, a hand-added
//! `CNAME`) are carried over: only what the previous build wrote is replaced.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

/// One file of the built site, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output root, `/`-separated, e.g. `kubecon/session/x.html`.
    pub path: String,
    pub contents: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// Lists the files each build wrote, so the next build knows which files are its own.
pub const MANIFEST: &str = ".confsite-output";

/// A relative output path is safe when it cannot leave the output directory.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `files` as the new contents of `output`, atomically replacing what
/// the previous build wrote.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    for f in files {
        if !is_safe_relative(&f.path) || f.path == MANIFEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output directory: {}", f.path),
            ));
        }
    }
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let staging = tempdir_in(&parent, &format!(".{name}.staging-"))?;
    let result = fill_and_swap(output, &staging, files);
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn fill_and_swap(output: &Path, staging: &Path, files: &[OutputFile]) -> io::Result<()> {
    let dirs: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        fs::create_dir_all(staging.join(dir))?;
    }
    files
        .par_iter()
        .try_for_each(|f| fs::write(staging.join(&f.path), &f.contents))?;
    let mut manifest = String::new();
    for f in files {
        manifest.push_str(&f.path);
        manifest.push('\n');
    }
    let mut m = fs::File::create(staging.join(MANIFEST))?;
    m.write_all(manifest.as_bytes())?;

    if output.exists() {
        carry_over_foreign_files(output, staging, files)?;
        let old = tempdir_path(output.parent().unwrap_or(Path::new(".")), ".confsite-old-");
        fs::rename(output, &old)?;
        if let Err(err) = fs::rename(staging, output) {
            // Put the previous site back before reporting.
            let _ = fs::rename(&old, output);
            return Err(err);
        }
        fs::remove_dir_all(&old)?;
    } else {
        fs::rename(staging, output)?;
    }
    Ok(())
}

/// Moves files the previous build did not write (and this one does not
/// write) from the old output into the staging directory.
fn carry_over_foreign_files(output: &Path, staging: &Path, files: &[OutputFile]) -> io::Result<()> {
    let previous: BTreeSet<String> = fs::read_to_string(output.join(MANIFEST))
        .map(|m| m.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let ours: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for entry in walkdir::WalkDir::new(output)
        .min_depth(1)
        .contents_first(false)
    {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(output)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == MANIFEST || entry.file_type().is_dir() {
            continue;
        }
        if previous.contains(&rel) || ours.contains(rel.as_str()) {
            continue;
        }
        let target = staging.join(&rel);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        if entry.file_type().is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(entry.path())?, &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn tempdir_path(parent: &Path, prefix: &str) -> PathBuf {
    let pid = std::process::id();
    let mut n = 0u32;
    loop {
        let candidate = parent.join(format!("{prefix}{pid}-{n}"));
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

fn tempdir_in(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    loop {
        let candidate = tempdir_path(parent, prefix);
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe_relative("a/b.html"));
        assert!(!is_safe_relative("../a"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a/../../b"));
        assert!(!is_safe_relative(""));
    }

    #[test]
    fn swap_replaces_own_files_and_keeps_foreign_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        write_site(
            &out,
            &[
                OutputFile::new("a.html", "1"),
                OutputFile::new("d/b.html", "2"),
            ],
        )
        .unwrap();
        fs::write(out.join("CNAME"), "x.org").unwrap();
        write_site(&out, &[OutputFile::new("c.html", "3")]).unwrap();
        assert!(!out.join("a.html").exists());
        assert!(!out.join("d/b.html").exists());
        assert_eq!(fs::read_to_string(out.join("c.html")).unwrap(), "3");
        assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "x.org");
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging directories are cleaned up");
    }

    #[test]
    fn refused_write_leaves_output_intact() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        write_site(&out, &[OutputFile::new("a.html", "1")]).unwrap();
        assert!(write_site(&out, &[OutputFile::new("../evil", "x")]).is_err());
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "1");
    }
}
