//! The output stage: the only code that writes the built site to disk.
//! Input: the rendered files in memory. Output: the output directory.
//!
//! Files are written into a staging directory beside the output directory,
//! then swapped in with renames, so a failed build leaves the previous
//! output untouched and readers never see a half-written site. Files in the
//! output directory that confsite did not write (a `.git`, a hand-added
//! `CNAME`) are carried over: only what the previous build wrote is replaced.
//!
//! Rebuilds are cheap because most files do not change: the manifest
//! ([`MANIFEST`]) records each file's content hash and size, and a file
//! whose content is the same as last time is hard-linked from the previous
//! output into the staging directory instead of being written again
//! (creating and filling a new inode costs the kernel several times a
//! link). A file touched since the last build (modified after the manifest
//! was written, or of another size) is written anew, and so is everything
//! when the filesystem cannot link. The previous tree is then removed one
//! directory per core. The manifest holds no times, so two builds of the
//! same site are byte-identical, manifest included.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

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

/// Lists the files each build wrote, so the next build knows which files
/// are its own and which it can keep. One line per file:
/// `<hash> <size> <path>`, the hash being the first 128 bits of the BLAKE3
/// of the contents in hex. A line with only a path (older builds) marks a
/// file as ours without allowing it to be kept.
pub const MANIFEST: &str = ".confsite-output";

/// What a write did, for `build --timings` and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written anew.
    pub written: usize,
    /// Files unchanged since the previous build, linked from it.
    pub linked: usize,
}

/// A relative output path is safe when it cannot leave the output directory.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains(['\n', '\r'])
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `files` as the new contents of `output`, atomically replacing what
/// the previous build wrote.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    write_site_stats(output, files).map(|_| ())
}

/// [`write_site`], telling how many files were written and how many kept.
pub fn write_site_stats(output: &Path, files: &[OutputFile]) -> io::Result<WriteStats> {
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

/// A file as the manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    hash: u128,
    size: u64,
}

/// What the previous build left: the paths it wrote, what it recorded of
/// them, and when it finished (its manifest's modification time).
#[derive(Default)]
struct Previous {
    paths: BTreeSet<String>,
    recorded: HashMap<String, Recorded>,
    written_at: Option<SystemTime>,
}

/// The hash recorded for a file: the first 128 bits of its BLAKE3.
fn content_hash(contents: &[u8]) -> u128 {
    let digest = blake3::hash(contents);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest.as_bytes()[..16]);
    u128::from_be_bytes(first)
}

/// The previous build's manifest.
fn read_manifest(output: &Path) -> Previous {
    let mut previous = Previous::default();
    let manifest = output.join(MANIFEST);
    let Ok(text) = fs::read_to_string(&manifest) else {
        return previous;
    };
    previous.written_at = fs::metadata(&manifest).and_then(|m| m.modified()).ok();
    for line in text.lines() {
        match parse_manifest_line(line) {
            Some((rec, path)) => {
                previous.recorded.insert(path.to_string(), rec);
                previous.paths.insert(path.to_string());
            }
            None => {
                previous.paths.insert(line.to_string());
            }
        }
    }
    previous
}

fn parse_manifest_line(line: &str) -> Option<(Recorded, &str)> {
    let mut parts = line.splitn(3, ' ');
    let hash = parts.next()?;
    if hash.len() != 32 {
        return None;
    }
    let hash = u128::from_str_radix(hash, 16).ok()?;
    let size = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    Some((Recorded { hash, size }, path))
}

fn fill_and_swap(output: &Path, staging: &Path, files: &[OutputFile]) -> io::Result<WriteStats> {
    let mut dirs: BTreeSet<&Path> = BTreeSet::new();
    for f in files {
        let mut dir = Path::new(&f.path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if !dirs.insert(d) {
                break;
            }
            dir = d.parent();
        }
    }
    // Sorted, so every parent is made before its children.
    for dir in &dirs {
        fs::create_dir(staging.join(dir))?;
    }
    let previous = if output.is_dir() {
        read_manifest(output)
    } else {
        Previous::default()
    };
    let outcomes: Vec<(Recorded, bool)> = files
        .par_iter()
        .map(|f| {
            let before = previous.recorded.get(&f.path).zip(previous.written_at);
            place(output, staging, f, before)
        })
        .collect::<io::Result<_>>()?;
    let mut stats = WriteStats::default();
    let mut manifest = String::with_capacity(files.len() * 100);
    for (f, (rec, linked)) in files.iter().zip(&outcomes) {
        if *linked {
            stats.linked += 1;
        } else {
            stats.written += 1;
        }
        manifest.push_str(&format!("{:032x} {} {}\n", rec.hash, rec.size, f.path));
    }
    let mut m = fs::File::create(staging.join(MANIFEST))?;
    m.write_all(manifest.as_bytes())?;

    if output.exists() {
        carry_over_foreign_files(output, staging, files, &previous.paths)?;
        let old = tempdir_path(output.parent().unwrap_or(Path::new(".")), ".confsite-old-");
        fs::rename(output, &old)?;
        if let Err(err) = fs::rename(staging, output) {
            // Put the previous site back before reporting.
            let _ = fs::rename(&old, output);
            return Err(err);
        }
        remove_tree(&old)?;
    } else {
        fs::rename(staging, output)?;
    }
    Ok(stats)
}

/// Puts one file into the staging directory: a link to the previous
/// output's copy when that holds the same bytes, else a new file.
/// `previous` is what the last build recorded of the file and when that
/// build finished. Returns what the manifest should record and whether the
/// file was linked.
fn place(
    output: &Path,
    staging: &Path,
    file: &OutputFile,
    previous: Option<(&Recorded, SystemTime)>,
) -> io::Result<(Recorded, bool)> {
    let rec = Recorded {
        hash: content_hash(&file.contents),
        size: file.contents.len() as u64,
    };
    let target = staging.join(&file.path);
    if let Some((_, finished)) = previous.filter(|(p, _)| **p == rec) {
        let old = output.join(&file.path);
        // Only a file nobody touched since that build: same size, and not
        // modified after its manifest was written.
        let untouched = fs::symlink_metadata(&old).is_ok_and(|m| {
            m.file_type().is_file()
                && m.len() == rec.size
                && m.modified().is_ok_and(|t| t <= finished)
        });
        if untouched && fs::hard_link(&old, &target).is_ok() {
            return Ok((rec, true));
        }
    }
    let mut out = fs::File::create(&target)?;
    out.write_all(&file.contents)?;
    Ok((rec, false))
}

/// Moves files the previous build did not write (and this one does not
/// write) from the old output into the staging directory.
fn carry_over_foreign_files(
    output: &Path,
    staging: &Path,
    files: &[OutputFile],
    previous: &BTreeSet<String>,
) -> io::Result<()> {
    let ours: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for entry in walkdir::WalkDir::new(output)
        .min_depth(1)
        .contents_first(false)
    {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(output)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == MANIFEST || previous.contains(&rel) || ours.contains(rel.as_str()) {
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

/// Removes a directory tree, its top-level directories in parallel: the
/// kernel serialises unlinks within one directory, not across them.
fn remove_tree(root: &Path) -> io::Result<()> {
    let mut dirs = Vec::new();
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            dirs.push(entry.path());
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    dirs.par_iter().try_for_each(remove_dir_parallel)?;
    fs::remove_dir(root)
}

fn remove_dir_parallel(dir: &PathBuf) -> io::Result<()> {
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            subdirs.push(entry.path());
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    subdirs.par_iter().try_for_each(remove_dir_parallel)?;
    fs::remove_dir(dir)
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

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).unwrap().ino()
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_kept_and_changed_ones_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let first = [
            OutputFile::new("same.html", "same"),
            OutputFile::new("d/changed.html", "before"),
            OutputFile::new("d/gone.html", "x"),
        ];
        assert_eq!(
            write_site_stats(&out, &first).unwrap(),
            WriteStats {
                written: 3,
                linked: 0
            }
        );
        let same = inode(&out.join("same.html"));
        let changed = inode(&out.join("d/changed.html"));
        let second = [
            OutputFile::new("same.html", "same"),
            OutputFile::new("d/changed.html", "after!"),
            OutputFile::new("d/new.html", "new"),
        ];
        assert_eq!(
            write_site_stats(&out, &second).unwrap(),
            WriteStats {
                written: 2,
                linked: 1
            }
        );
        assert_eq!(inode(&out.join("same.html")), same, "kept, not rewritten");
        assert_ne!(inode(&out.join("d/changed.html")), changed);
        assert_eq!(
            fs::read_to_string(out.join("d/changed.html")).unwrap(),
            "after!"
        );
        assert_eq!(fs::read_to_string(out.join("d/new.html")).unwrap(), "new");
        assert!(!out.join("d/gone.html").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the previous tree is removed");
    }

    #[test]
    fn a_hand_edited_output_file_is_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let files = [OutputFile::new("a.html", "original")];
        write_site(&out, &files).unwrap();
        // Same size, different bytes and a later modification time.
        std::thread::sleep(std::time::Duration::from_millis(50));
        fs::write(out.join("a.html"), "EDITED!!").unwrap();
        let stats = write_site_stats(&out, &files).unwrap();
        assert_eq!(stats.linked, 0);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "original");
    }

    #[test]
    fn a_manifest_of_bare_paths_still_marks_files_as_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();
        fs::write(out.join("mine.txt"), "mine").unwrap();
        fs::write(out.join(MANIFEST), "old.html\n").unwrap();
        let stats = write_site_stats(&out, &[OutputFile::new("old.html", "old")]).unwrap();
        assert_eq!(stats.written, 1, "no hash recorded, so nothing is kept");
        assert_eq!(fs::read_to_string(out.join("mine.txt")).unwrap(), "mine");
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        let (rec, path) = parse_manifest_line(manifest.lines().next().unwrap()).unwrap();
        assert_eq!(path, "old.html");
        assert_eq!(rec.size, 3);
        assert_eq!(rec.hash, content_hash(b"old"));
    }

    #[test]
    fn paths_with_line_breaks_are_refused() {
        assert!(!is_safe_relative("a\nb.html"));
        let tmp = tempfile::tempdir().unwrap();
        assert!(write_site(&tmp.path().join("o"), &[OutputFile::new("a\rb", "x")]).is_err());
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
