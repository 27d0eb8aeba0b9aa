//! `confsite serve`: live preview. Builds the site in memory, serves it on
//! localhost, watches content, themes and config, rebuilds on change and
//! tells open tabs to reload.
//!
//! The last good build keeps being served while an edit is broken; the
//! error goes to the terminal and, through the status endpoint, into an
//! overlay in every open tab. Serving uses tiny_http (no async runtime) and
//! watching uses notify's debouncer; tabs poll a small status endpoint.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::build::{BuildOptions, render_in_memory};
use crate::content::CONFIG_FILE;
use crate::diagnostic::{Diagnostic, Failed};

/// The path tabs poll for the build version and the current error.
pub const STATUS_PATH: &str = "__confsite/status";

/// What is being served: the last good build and the latest error, if any.
#[derive(Default)]
struct Snapshot {
    /// Output path → contents.
    files: HashMap<String, Arc<Vec<u8>>>,
    /// Bumped on every successful build.
    version: u64,
    /// The error of the latest build, when it failed.
    error: Option<String>,
}

/// A running preview server (stopped when dropped or with [`Server::stop`]).
pub struct Server {
    pub address: SocketAddr,
    /// URL of the site root, e.g. `http://127.0.0.1:8000/`.
    pub url: String,
    stop: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
    http: Arc<tiny_http::Server>,
}

impl Server {
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.http.unblock();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Blocks until the process is interrupted.
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Builds `root`, then serves it on `bind` (port 0 picks a free port) and
/// rebuilds whenever the site's sources change.
pub fn start(root: &Path, bind: SocketAddr) -> Result<Server, Failed> {
    let http = tiny_http::Server::http(bind).map_err(|e| {
        Failed(vec![Diagnostic::error(
            root,
            0,
            format!("cannot listen on {bind}: {e}"),
        )])
    })?;
    let address = http
        .server_addr()
        .to_ip()
        .ok_or_else(|| Failed(vec![Diagnostic::error(root, 0, "not an IP listener")]))?;
    let url = format!("http://{address}/");
    let http = Arc::new(http);
    let state = Arc::new(RwLock::new(Snapshot::default()));
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: Some(url.clone()),
    };
    rebuild(&options, &state);

    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();

    // Watcher: events go through a channel so the debouncer's thread stays short.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(100), None, tx).map_err(|e| {
        Failed(vec![Diagnostic::error(
            root,
            0,
            format!("cannot watch files: {e}"),
        )])
    })?;
    for watched in watched_paths(root) {
        if watched.exists() {
            let mode = if watched.is_dir() {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            debouncer.watch(&watched, mode).map_err(|e| {
                Failed(vec![Diagnostic::error(
                    &watched,
                    0,
                    format!("cannot watch: {e}"),
                )])
            })?;
        }
    }
    {
        let state = Arc::clone(&state);
        let stop = Arc::clone(&stop);
        let output = options.output_dir();
        threads.push(thread::spawn(move || {
            let _debouncer = debouncer; // kept alive as long as this thread runs
            while !stop.load(Ordering::SeqCst) {
                match rx.recv_timeout(Duration::from_millis(200)) {
                    Ok(Ok(events)) => {
                        let relevant = events
                            .iter()
                            .flat_map(|e| e.paths.iter())
                            .any(|p| !p.starts_with(&output) && !is_editor_noise(p));
                        if relevant {
                            rebuild(&options, &state);
                        }
                    }
                    Ok(Err(errors)) => {
                        for e in errors {
                            eprintln!("watch error: {e}");
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        }));
    }

    // Two request threads: a slow client must not block the reload poll.
    for _ in 0..2 {
        let http = Arc::clone(&http);
        let state = Arc::clone(&state);
        let stop = Arc::clone(&stop);
        threads.push(thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match http.recv_timeout(Duration::from_millis(200)) {
                    Ok(Some(request)) => respond(request, &state),
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        }));
    }
    Ok(Server {
        address,
        url,
        stop,
        threads,
        http,
    })
}

fn watched_paths(root: &Path) -> Vec<PathBuf> {
    vec![
        root.join("content"),
        root.join("themes"),
        root.join("templates"),
        root.join(CONFIG_FILE),
    ]
}

/// Swap files and editor backups that should not trigger a rebuild.
fn is_editor_noise(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
}

fn rebuild(options: &BuildOptions, state: &RwLock<Snapshot>) {
    let started = Instant::now();
    match render_in_memory(options) {
        Ok(rendered) => {
            let files = rendered
                .files
                .into_iter()
                .map(|f| (f.path, Arc::new(f.contents)))
                .collect();
            let mut s = state.write().unwrap_or_else(|p| p.into_inner());
            s.files = files;
            s.version += 1;
            s.error = None;
            for f in &rendered.findings {
                eprintln!("{f}");
            }
            eprintln!(
                "rebuilt in {:.0} ms (version {})",
                started.elapsed().as_secs_f64() * 1000.0,
                s.version
            );
        }
        Err(failed) => {
            let text = failed.to_string();
            eprintln!("{text}\nstill serving the last good build");
            let mut s = state.write().unwrap_or_else(|p| p.into_inner());
            s.error = Some(text);
        }
    }
}

fn respond(request: tiny_http::Request, state: &RwLock<Snapshot>) {
    let raw = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let path = percent_encoding::percent_decode_str(raw.trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    let snapshot = state.read().unwrap_or_else(|p| p.into_inner());
    if path == STATUS_PATH {
        let body =
            serde_json::json!({ "version": snapshot.version, "error": snapshot.error }).to_string();
        let _ = request.respond(
            tiny_http::Response::from_string(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    let found = candidates.iter().find_map(|p| {
        snapshot
            .files
            .get(p)
            .map(|bytes| (p.clone(), Arc::clone(bytes)))
    });
    let (status, name, bytes) = match found {
        Some((name, bytes)) => (200, name, bytes),
        None => match snapshot.files.get("404.html") {
            Some(b) => (404, "404.html".to_string(), Arc::clone(b)),
            None => (404, "404.txt".to_string(), Arc::new(b"not found".to_vec())),
        },
    };
    drop(snapshot);
    let content_type = content_type(&name);
    let body = if content_type.starts_with("text/html") {
        inject_reload_script(&bytes)
    } else {
        bytes.as_ref().clone()
    };
    let _ = request.respond(
        tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(header("Content-Type", content_type))
            .with_header(header("Cache-Control", "no-store")),
    );
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header is valid")
}

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// The preview-only script: polls the status endpoint, reloads on a new
/// build, and shows the build error in an overlay while there is one.
const RELOAD_SCRIPT: &str = r#"<script>
(function () {
  var seen = null, overlay = null;
  function show(error) {
    if (!error) { if (overlay) { overlay.remove(); overlay = null; } return; }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'confsite-error-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;background:#300;color:#fee;font:14px/1.4 monospace;padding:1em;z-index:99999;white-space:pre-wrap';
      document.body.appendChild(overlay);
    }
    overlay.textContent = 'confsite: the last edit broke the build (showing the last good version)\n\n' + error;
  }
  function poll() {
    fetch('/__confsite/status', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      show(s.error);
    }).catch(function () {}).then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
</script>"#;

fn inject_reload_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => {
            let mut out = String::with_capacity(text.len() + RELOAD_SCRIPT.len());
            out.push_str(&text[..at]);
            out.push_str(RELOAD_SCRIPT);
            out.push_str(&text[at..]);
            out.into_bytes()
        }
        None => {
            let mut out = html.to_vec();
            out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
            out
        }
    }
}
