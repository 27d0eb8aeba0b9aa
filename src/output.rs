//! The output stage: the only code that writes the built site to disk.
//! Input: the rendered files, handed over one at a time as renderers finish
//! them (a [`Sink`]). Output: the output directory.
//!
//! A build never leaves a half-written site. A [`SiteWriter`] hashes each
//! file as it arrives and compares it with the manifest ([`MANIFEST`]) of the
//! previous build: a file with the same bytes, untouched on disk since, stays
//! where it is; any other file is written into a staging directory beside
//! the output directory at once, so memory never holds the whole site.
//! Nothing in the output directory changes until every file has been
//! rendered and staged: a render error, a refused path or a failed write (a
//! full disk) drops the staging directory and leaves the previous output as
//! it was.
//!
//! Committing then moves the staged files into place, one rename each (a
//! rename replaces a file atomically, so a reader sees the old file or the
//! new one, never a part of either), removes what the previous build wrote
//! and this one did not, and writes the manifest last. A rebuild after one
//! edit thus touches a handful of files instead of rewriting tens of
//! thousands. The first build into a directory (no manifest), or a rebuild
//! whose paths collide with what is on disk (a file where a directory must
//! go), instead fills the staging directory completely, unchanged files
//! hard-linked from the previous output, and swaps it in with two renames.
//! Either way, files in the output directory that confsite did not write (a
//! `.git`, a hand-added `CNAME`) are kept, and a file someone touched since
//! the last build (modified after the manifest was written, or of another
//! size) is written anew. The manifest holds no times, so two builds of the
//! same site are byte-identical, manifest included.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};
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

/// Where renderers hand their finished files, from any thread.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile);

    /// Takes a file whose bytes the caller keeps (a reused render buffer):
    /// a sink that only needs to look at them need not copy them. Called
    /// while that buffer is borrowed, so it must not run rayon work itself.
    fn put_bytes(&self, path: String, contents: &[u8]) {
        self.put(OutputFile::new(path, contents));
    }
}

/// A sink that keeps every file in memory (`serve`, tests).
#[derive(Default)]
pub struct Collect(Mutex<Vec<OutputFile>>);

impl Collect {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, file: OutputFile) {
        lock(&self.0).push(file);
    }
}

/// A poisoned lock only means another thread panicked mid-push; the data
/// (a list) is still whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Lists the files each build wrote, so the next build knows which files
/// are its own and which it can keep. One line per file:
/// `<hash> <size> <path>`, the hash being the 128-bit XXH3 of the contents
/// in hex. A line with only a path (older builds) marks a
/// file as ours without allowing it to be kept.
pub const MANIFEST: &str = ".confsite-output";

/// What a write did, for `build --timings` and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written anew.
    pub written: usize,
    /// Files unchanged since the previous build, left in place.
    pub kept: usize,
    /// Size of the whole site (written and kept files).
    pub bytes: u64,
}

impl WriteStats {
    /// Files in the site, written and kept.
    pub fn files(&self) -> usize {
        self.written + self.kept
    }
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

/// Writes `files` as the new contents of `output`, replacing what the
/// previous build wrote (a whole site at once, for tests; builds stream
/// their files into a [`SiteWriter`]).
#[cfg(test)]
fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    write_site_stats(output, files).map(|_| ())
}

/// [`write_site`], telling how many files were written and how many kept.
#[cfg(test)]
fn write_site_stats(output: &Path, files: &[OutputFile]) -> io::Result<WriteStats> {
    let writer = SiteWriter::begin(output)?;
    files
        .par_iter()
        .for_each(|f| writer.put_bytes(f.path.clone(), &f.contents));
    writer.commit()
}

/// Writes a site into `output` as its files arrive (see the module docs).
/// Dropped without [`SiteWriter::commit`], it leaves the output directory
/// as it was.
pub struct SiteWriter {
    output: PathBuf,
    staging: PathBuf,
    previous: Previous,
    /// Directories made in the staging directory so far.
    made_dirs: Mutex<HashSet<PathBuf>>,
    placed: Mutex<Vec<Placed>>,
    /// The first failure; later files are not written.
    error: Mutex<Option<io::Error>>,
}

/// A file of this build, as the writer handled it.
struct Placed {
    path: String,
    rec: Recorded,
    /// Written into the staging directory (else unchanged and kept).
    staged: bool,
}

impl SiteWriter {
    /// Prepares a build of `output`: reads the previous build's manifest and
    /// makes the staging directory beside it.
    pub fn begin(output: &Path) -> io::Result<SiteWriter> {
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
        let previous = if output.is_dir() {
            read_manifest(output)
        } else {
            Previous::default()
        };
        Ok(SiteWriter {
            output: output.to_path_buf(),
            staging,
            previous,
            made_dirs: Mutex::default(),
            placed: Mutex::default(),
            error: Mutex::default(),
        })
    }

    /// Takes one file of the new site: keeps the previous copy when it holds
    /// the same bytes, else stages the file.
    fn place(&self, path: String, contents: &[u8]) -> io::Result<()> {
        if !is_safe_relative(&path) || path == MANIFEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output directory: {}", path),
            ));
        }
        let rec = Recorded {
            hash: content_hash(contents),
            size: contents.len() as u64,
        };
        let unchanged = self.previous.written_at.is_some_and(|finished| {
            self.previous.recorded.get(&path) == Some(&rec)
                && untouched_since(&self.output.join(&path), rec.size, finished)
        });
        if !unchanged {
            let target = self.staging.join(&path);
            if let Some(dir) = Path::new(&path).parent() {
                self.make_staging_dir(dir)?;
            }
            fs::File::create(&target)?.write_all(contents)?;
        }
        lock(&self.placed).push(Placed {
            path,
            rec,
            staged: !unchanged,
        });
        Ok(())
    }

    fn make_staging_dir(&self, dir: &Path) -> io::Result<()> {
        if dir.as_os_str().is_empty() || lock(&self.made_dirs).contains(dir) {
            return Ok(());
        }
        // Safe to race: `create_dir_all` accepts a directory made meanwhile.
        fs::create_dir_all(self.staging.join(dir))?;
        lock(&self.made_dirs).insert(dir.to_path_buf());
        Ok(())
    }

    /// Puts the new site in place of the previous one (see the module docs).
    /// On failure the previous output stays as it was.
    pub fn commit(self) -> io::Result<WriteStats> {
        if let Some(err) = lock(&self.error).take() {
            return Err(err);
        }
        let mut placed = std::mem::take(&mut *lock(&self.placed));
        placed.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        if let Some(w) = placed.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("two files want the same path: {}", w[0].path),
            ));
        }
        let manifest = manifest_text(&placed);
        let in_place = self.previous.found && !self.collides(&placed);
        if in_place {
            self.commit_in_place(&placed, &manifest)?;
        } else {
            self.commit_by_swap(&placed, &manifest)?;
        }
        let written = placed.iter().filter(|p| p.staged).count();
        Ok(WriteStats {
            written,
            kept: placed.len() - written,
            bytes: placed.iter().map(|p| p.rec.size).sum(),
        })
    }

    /// Whether a staged file cannot simply be renamed into the output
    /// directory: something other than a file is at its path, or other than
    /// a directory at one of its parents.
    fn collides(&self, placed: &[Placed]) -> bool {
        let mut dirs_seen: HashSet<&Path> = HashSet::new();
        placed.iter().filter(|p| p.staged).any(|p| {
            let is = |rel: &Path, want_dir: bool| match fs::symlink_metadata(self.output.join(rel))
            {
                Ok(m) if want_dir => !m.file_type().is_dir(),
                Ok(m) => !m.file_type().is_file(),
                Err(_) => false,
            };
            is(Path::new(&p.path), false)
                || Path::new(&p.path)
                    .ancestors()
                    .skip(1)
                    .filter(|d| !d.as_os_str().is_empty())
                    .any(|d| dirs_seen.insert(d) && is(d, true))
        })
    }

    /// Renames the staged files into the output directory, removes the
    /// previous build's files this build did not write, then writes the
    /// manifest.
    fn commit_in_place(&self, placed: &[Placed], manifest: &str) -> io::Result<()> {
        placed.par_iter().filter(|p| p.staged).try_for_each(|p| {
            let target = self.output.join(&p.path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::rename(self.staging.join(&p.path), target)
        })?;
        let mut emptied: BTreeSet<&Path> = BTreeSet::new();
        for old in gone(&self.previous.paths, placed) {
            if !is_safe_relative(old) || old == MANIFEST {
                continue;
            }
            match fs::remove_file(self.output.join(old)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            emptied.extend(
                Path::new(old)
                    .ancestors()
                    .skip(1)
                    .filter(|d| !d.as_os_str().is_empty()),
            );
        }
        // Deepest first; a directory still holding anything stays.
        for dir in emptied.iter().rev() {
            let _ = fs::remove_dir(self.output.join(dir));
        }
        let staged_manifest = self.staging.join(MANIFEST);
        fs::write(&staged_manifest, manifest)?;
        fs::rename(staged_manifest, self.output.join(MANIFEST))
    }

    /// Completes the staging directory (unchanged files linked from the
    /// previous output, foreign files carried over) and swaps it in.
    fn commit_by_swap(&self, placed: &[Placed], manifest: &str) -> io::Result<()> {
        placed.par_iter().filter(|p| !p.staged).try_for_each(|p| {
            if let Some(dir) = Path::new(&p.path).parent() {
                self.make_staging_dir(dir)?;
            }
            let (old, new) = (self.output.join(&p.path), self.staging.join(&p.path));
            // A filesystem without hard links gets a copy.
            fs::hard_link(&old, &new).or_else(|_| fs::copy(&old, &new).map(|_| ()))
        })?;
        fs::write(self.staging.join(MANIFEST), manifest)?;
        let output = &self.output;
        if output.exists() {
            let ours: BTreeSet<&str> = placed.iter().map(|p| p.path.as_str()).collect();
            carry_over_foreign_files(output, &self.staging, &ours, &self.previous.paths)?;
            let old = tempdir_path(output.parent().unwrap_or(Path::new(".")), ".confsite-old-");
            fs::rename(output, &old)?;
            if let Err(err) = fs::rename(&self.staging, output) {
                // Put the previous site back before reporting.
                let _ = fs::rename(&old, output);
                return Err(err);
            }
            remove_tree(&old)
        } else {
            fs::rename(&self.staging, output)
        }
    }
}

impl Sink for SiteWriter {
    fn put(&self, file: OutputFile) {
        self.put_bytes(file.path, &file.contents);
    }

    fn put_bytes(&self, path: String, contents: &[u8]) {
        if lock(&self.error).is_some() {
            return;
        }
        if let Err(err) = self.place(path, contents) {
            lock(&self.error).get_or_insert(err);
        }
    }
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        // Committed by swap, the staging directory is the output now.
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// A previous output file nobody touched since the build that wrote it:
/// still a file of the recorded size, not modified after that build
/// finished.
fn untouched_since(path: &Path, size: u64, finished: SystemTime) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| {
        m.file_type().is_file() && m.len() == size && m.modified().is_ok_and(|t| t <= finished)
    })
}

fn manifest_text(placed: &[Placed]) -> String {
    use std::fmt::Write as _;
    let mut manifest = String::with_capacity(placed.len() * 100);
    for p in placed {
        let _ = writeln!(manifest, "{:032x} {} {}", p.rec.hash, p.rec.size, p.path);
    }
    manifest
}

/// The previous build's paths that `placed` (sorted by path) does not
/// have, in order: both lists are sorted, so one walk through them.
fn gone<'a>(
    previous: &'a BTreeSet<String>,
    placed: &'a [Placed],
) -> impl Iterator<Item = &'a String> {
    let mut ours = placed.iter().map(|p| &p.path).peekable();
    previous.iter().filter(move |old| {
        while ours.next_if(|path| path < old).is_some() {}
        ours.peek() != Some(old)
    })
}

/// A file as the manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    hash: u128,
    size: u64,
}

/// What the previous build left: whether it wrote a manifest, the paths it
/// wrote, what it recorded of them, and when it finished (its manifest's
/// modification time).
#[derive(Default)]
struct Previous {
    found: bool,
    paths: BTreeSet<String>,
    recorded: HashMap<String, Recorded>,
    written_at: Option<SystemTime>,
}

/// The hash recorded for a file: its 128-bit XXH3. It only tells whether
/// our own previous output changed, so it need not resist forgery (who
/// writes the content decides the output anyway), and it is ten times
/// faster than a cryptographic hash (BLAKE3 took 150 ms of CPU for the
/// 400 MB of a 10,000-session site).
fn content_hash(contents: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(contents)
}

/// The previous build's manifest.
fn read_manifest(output: &Path) -> Previous {
    let mut previous = Previous::default();
    let manifest = output.join(MANIFEST);
    let Ok(text) = fs::read_to_string(&manifest) else {
        return previous;
    };
    previous.found = true;
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

/// Moves files the previous build did not write (and this one does not
/// write) from the old output into the staging directory.
fn carry_over_foreign_files(
    output: &Path,
    staging: &Path,
    ours: &BTreeSet<&str>,
    previous: &BTreeSet<String>,
) -> io::Result<()> {
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

/// Removes a directory tree, its subdirectories in parallel: the kernel
/// serialises unlinks within one directory, not across them.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            subdirs.push(entry.path());
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    subdirs.par_iter().try_for_each(|d| remove_tree(d))?;
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
                kept: 0,
                bytes: 11
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
                kept: 1,
                bytes: 13
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
        assert_eq!(stats.kept, 0);
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

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn rebuilds_update_in_place_and_tidy_up() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        write_site(
            &out,
            &[
                OutputFile::new("keep.html", "k"),
                OutputFile::new("old/deep/gone.html", "g"),
                OutputFile::new("old/also-gone.ics", "g"),
            ],
        )
        .unwrap();
        fs::create_dir(out.join(".git")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("old/mine.txt"), "mine").unwrap();
        let output_dir = inode(&out);
        let kept = inode(&out.join("keep.html"));
        let stats = write_site_stats(
            &out,
            &[
                OutputFile::new("keep.html", "k"),
                OutputFile::new("new/page.html", "n"),
            ],
        )
        .unwrap();
        assert_eq!((stats.written, stats.kept), (1, 1));
        assert_eq!(inode(&out), output_dir, "updated in place, not swapped");
        assert_eq!(inode(&out.join("keep.html")), kept);
        assert_eq!(fs::read_to_string(out.join("new/page.html")).unwrap(), "n");
        assert!(!out.join("old/deep").exists(), "emptied directories go");
        assert!(!out.join("old/also-gone.ics").exists());
        assert_eq!(
            fs::read_to_string(out.join("old/mine.txt")).unwrap(),
            "mine"
        );
        assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        let paths: Vec<&str> = manifest
            .lines()
            .map(|l| parse_manifest_line(l).unwrap().1)
            .collect();
        assert_eq!(paths, ["keep.html", "new/page.html"]);
        assert_eq!(leftovers(tmp.path()), ["output"], "no staging left behind");
    }

    #[test]
    fn a_file_where_a_directory_must_go_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        write_site(
            &out,
            &[
                OutputFile::new("day", "a file"),
                OutputFile::new("x/y", "1"),
            ],
        )
        .unwrap();
        write_site(
            &out,
            &[
                OutputFile::new("day/1.html", "d1"),
                OutputFile::new("x", "now a file"),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("day/1.html")).unwrap(), "d1");
        assert_eq!(fs::read_to_string(out.join("x")).unwrap(), "now a file");
        assert_eq!(leftovers(tmp.path()), ["output"]);
    }

    /// A build that fails after some files were staged (a render error, a
    /// refused path) changes nothing in the output directory.
    #[test]
    fn a_failed_build_leaves_the_previous_output_and_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        write_site(
            &out,
            &[
                OutputFile::new("a.html", "1"),
                OutputFile::new("b.html", "2"),
            ],
        )
        .unwrap();
        let before = fs::read_to_string(out.join(MANIFEST)).unwrap();

        let writer = SiteWriter::begin(&out).unwrap();
        writer.put(OutputFile::new("a.html", "changed"));
        writer.put(OutputFile::new("c/new.html", "new"));
        drop(writer);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "1");
        assert!(!out.join("c").exists());
        assert_eq!(leftovers(tmp.path()), ["output"]);

        let writer = SiteWriter::begin(&out).unwrap();
        writer.put(OutputFile::new("a.html", "changed"));
        writer.put(OutputFile::new("../evil", "x"));
        writer.put(OutputFile::new("b.html", "changed too"));
        let err = writer.commit().unwrap_err();
        assert!(err.to_string().contains("../evil"), "{err}");
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "1");
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "2");
        assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), before);
        assert!(!tmp.path().join("evil").exists());
        assert_eq!(leftovers(tmp.path()), ["output"]);
    }

    #[test]
    fn two_files_at_one_path_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let err = write_site(
            &out,
            &[OutputFile::new("a", "1"), OutputFile::new("a", "2")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("same path"), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn gone_lists_the_previous_paths_this_build_does_not_have() {
        let placed: Vec<Placed> = ["a.html", "c/x.html", "d.html", "f.html"]
            .iter()
            .map(|p| Placed {
                path: p.to_string(),
                rec: Recorded { hash: 0, size: 0 },
                staged: false,
            })
            .collect();
        let previous: BTreeSet<String> = [
            "0.html", "a.html", "b.html", "c/x.html", "c/y.html", "g.html",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let left: Vec<&String> = gone(&previous, &placed).collect();
        assert_eq!(left, ["0.html", "b.html", "c/y.html", "g.html"]);
        assert_eq!(gone(&previous, &[]).count(), previous.len());
        assert_eq!(gone(&BTreeSet::new(), &placed).count(), 0);
    }
}
